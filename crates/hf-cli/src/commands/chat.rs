//! `hf chat MODEL [PROMPT]`: one chat turn with a model through Inference Providers, the answer
//! streamed to stdout as it is generated. The prompt is read from stdin when omitted.

use std::io::Read as _;

use clap::Args;
use futures_util::StreamExt as _;
use hf_inference::chat::Usage;
use hf_inference::{ChatCompletionRequest, ChatMessage, InferenceClient, Provider};
use serde::Serialize;

use crate::commands::Context;
use crate::exit::{HintExt as _, UsageError};
use crate::output::{Human, OutputFormat, Render};

/// Options shared by `hf chat` and `hf infer`: where the call goes and who pays.
#[derive(Debug, Clone, Args)]
pub(crate) struct InferenceOptions {
    /// Inference provider: `auto` (the router chooses), `hf-inference`, or a provider name such
    /// as `together` or `groq`.
    #[arg(long, default_value = "auto", value_name = "PROVIDER")]
    provider: String,
    /// Bill the calls to this organization (it must have billing set up and you must be a member).
    #[arg(long, value_name = "ORG")]
    bill_to: Option<String>,
    /// Call this server instead of the router: an Inference Endpoint URL or a local
    /// OpenAI-compatible server (TGI, vLLM, llama.cpp). The token is only sent to Inference Endpoints.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Seconds a read may stall before the call fails (models can take long to start answering).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
    /// A User Access Token (prefer `hf auth login`: command-line arguments are visible to other
    /// users of this machine). It needs the 'Make calls to Inference Providers' permission.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
}

/// The inference client for a command: environment (`HF_ROUTER_URL`, `HF_ENDPOINT`, ...), token
/// (`--token` or the usual discovery), provider, billing and timeout.
pub(crate) fn client_for(
    context: &Context,
    options: &InferenceOptions,
) -> anyhow::Result<InferenceClient> {
    let provider: Provider = options
        .provider
        .parse()
        .map_err(|e: hf_inference::Error| UsageError(e.to_string()))?;
    let token = match &options.token {
        Some(token) => Some(crate::token_flag::from_flag(
            token,
            crate::token_flag::USE_LOGIN_OR_ENV,
        )),
        None => crate::commands::auth::resolve_token(context, false)?.token(),
    };
    let mut builder = InferenceClient::builder()
        .caller("hf-cli", env!("CARGO_PKG_VERSION"))
        .from_env_source(context.env.as_ref())
        .map_err(cli_error)?
        .token(token)
        .provider(provider)
        .read_timeout(std::time::Duration::from_secs(options.timeout.max(1)));
    if let Some(org) = &options.bill_to {
        builder = builder.bill_to(org.clone());
    }
    if let Some(url) = &options.base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build().map_err(cli_error)
}

/// An inference error for the CLI's reporter: the hint goes on its own `hint:` line.
pub(crate) fn cli_error(error: hf_inference::Error) -> anyhow::Error {
    match (&error, error.hint().map(str::to_owned)) {
        (hf_inference::Error::Http { source, .. }, Some(hint)) => {
            let message = source.to_string();
            Err::<(), _>(anyhow::anyhow!(message))
                .hint(hint)
                .unwrap_err()
        }
        (hf_inference::Error::InvalidInput(_), _) => UsageError(error.to_string()).into(),
        _ => anyhow::Error::new(error),
    }
}

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
pub(crate) async fn run(args: ChatArgs, context: &mut Context) -> anyhow::Result<()> {
    let prompt = match args.prompt {
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
    if let Some(system) = args.system {
        messages.push(ChatMessage::system(system));
    }
    messages.push(ChatMessage::user(prompt));
    let mut request = ChatCompletionRequest::new(messages);
    request.max_tokens = args.max_tokens;
    request.temperature = args.temperature;

    let client = client_for(context, &args.inference)?;
    let mut stream = client
        .chat_completion_stream(&args.model, request)
        .await
        .map_err(cli_error)?;
    let streaming_text = context.output.format() == OutputFormat::Human;
    let mut answer = ChatAnswer {
        model: args.model.clone(),
        content: String::new(),
        finish_reason: None,
        usage: None,
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(cli_error)?;
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
