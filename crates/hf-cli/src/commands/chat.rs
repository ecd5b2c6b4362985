//! `hf chat MODEL [PROMPT]`: one chat turn with a model through Inference Providers, the answer
//! streamed to stdout as it is generated. The prompt is read from stdin when omitted.

use std::io::Read as _;

use clap::Args;
use hf_inference::chat::Usage;
use hf_inference::{ChatCompletionRequest, ChatMessage};
use serde::Serialize;

use crate::args::{InferenceOptions, inference_error};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, OutputFormat, Render};

/// Options of `hf chat`.
#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The model id (e.g. `meta-llama/Llama-3.1-8B-Instruct`), optionally with a router policy
    /// suffix (`:fastest`, `:cheapest`) or a provider (`:together`).
    model: String,
    /// The message to send. Read from stdin when omitted.
    prompt: Option<String>,
    /// A system message sent before the prompt.
    #[arg(long, value_name = "TEXT")]
    system: Option<String>,
    /// The most tokens to generate.
    #[arg(long, value_name = "N")]
    max_tokens: Option<u32>,
    /// Sampling temperature (0 = deterministic).
    #[arg(long, value_name = "T")]
    temperature: Option<f32>,
    #[command(flatten)]
    inference: InferenceOptions,
}

/// What `hf chat --format json` prints.
#[derive(Debug, Serialize)]
struct ChatAnswer {
    model: String,
    content: String,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

impl Render for ChatAnswer {
    fn human(&self) -> Human {
        Human::Text(self.content.clone())
    }
}

/// Runs `hf chat`.
pub(crate) async fn run(mut args: ChatArgs, context: &mut Context) -> anyhow::Result<()> {
    let prompt = match args.prompt.take() {
        Some(prompt) => prompt,
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                anyhow::Error::new(e).context("could not read the prompt from stdin")
            })?;
            text
        }
    };
    if prompt.trim().is_empty() {
        return Err(UsageError("no prompt: pass it as an argument or on stdin".to_owned()).into());
    }
    let mut messages = Vec::new();
    if let Some(system) = args.system.take() {
        messages.push(ChatMessage::system(system));
    }
    messages.push(ChatMessage::user(prompt));
    let mut request = ChatCompletionRequest::new(messages);
    request.max_tokens = args.max_tokens;
    request.temperature = args.temperature;

    let client = context
        .session
        .inference_client(&args.inference, &mut args.model)?;
    let mut stream = client
        .chat_completion_stream(&args.model, request)
        .await
        .map_err(inference_error)?;
    let streaming_text = matches!(
        context.output.format(),
        OutputFormat::Human | OutputFormat::Agent | OutputFormat::Quiet
    );
    let mut answer = ChatAnswer {
        model: args.model.clone(),
        content: String::new(),
        finish_reason: None,
        usage: None,
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(inference_error)?;
        let text = chunk.text();
        if streaming_text && !text.is_empty() {
            // Each piece is flushed at once; a closed stdout ends the command quietly.
            context.output.write_text(text)?;
        }
        answer.content.push_str(text);
        if let Some(reason) = chunk.choices.first().and_then(|c| c.finish_reason.clone()) {
            answer.finish_reason = Some(reason);
        }
        if chunk.usage.is_some() {
            answer.usage = chunk.usage;
        }
        if !chunk.model.is_empty() {
            answer.model = chunk.model;
        }
    }
    if streaming_text {
        if !answer.content.ends_with('\n') {
            context.output.write_raw(b"\n")?;
        }
        Ok(())
    } else {
        context.output.emit(&answer)
    }
}
