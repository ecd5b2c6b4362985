//! `hf infer TASK MODEL INPUT`: one call of a task on the `hf-inference` provider, its result
//! printed as JSON (both `--format`s). Binary inputs (images, audio) are read from the file
//! INPUT; a generated image is written to `--output FILE`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::Args;
use hf_inference::{InferenceClient, Task};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::args::{InferenceOptions, inference_error};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render};

/// Options of `hf infer`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hf infer text-classification distilbert/distilbert-base-uncased-finetuned-sst-2-english \"I love Hugging Face!\"\n  \
    hf infer text-generation gpt2 \"The answer to the universe is\"\n  \
    hf infer question-answering deepset/roberta-base-squad2 \"Where do I live?\" --context \"I live in Paris.\"\n  \
    hf infer zero-shot-classification facebook/bart-large-mnli \"I want a refund\" --labels refund,legal,faq\n  \
    hf infer image-classification google/vit-base-patch16-224 cat.jpg\n  \
    hf infer text-to-image black-forest-labs/FLUX.1-schnell \"an astronaut\" --output astronaut.png")]
pub(crate) struct InferArgs {
    /// The task: text-generation, text-classification, token-classification, fill-mask,
    /// summarization, translation, question-answering, zero-shot-classification,
    /// feature-extraction, sentence-similarity, image-classification,
    /// automatic-speech-recognition, text-to-image, or chat-completion.
    task: String,
    /// The model id (e.g. `gpt2`, `facebook/bart-large-cnn`).
    model: String,
    /// The input text, or for image-classification and automatic-speech-recognition a file
    /// path. `-` reads it from stdin.
    input: String,
    /// question-answering: the text holding the answer.
    #[arg(long, value_name = "TEXT")]
    context: Option<String>,
    /// zero-shot-classification: the candidate labels (comma-separated or repeated).
    #[arg(long, value_name = "LABELS", value_delimiter = ',')]
    labels: Vec<String>,
    /// sentence-similarity: the sentences compared with INPUT (repeatable).
    #[arg(long = "sentence", value_name = "TEXT")]
    sentences: Vec<String>,
    /// Task parameters as a JSON object, e.g. '{"max_new_tokens": 20}' or '{"top_k": 3}'.
    #[arg(long, value_name = "JSON")]
    parameters: Option<String>,
    /// text-generation: stream tokens to stdout as they are generated (plain text, not JSON).
    #[arg(long)]
    stream: bool,
    /// text-to-image: the file to write the image to.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    inference: InferenceOptions,
}

/// A task result: printed as pretty JSON in both formats.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct InferResult(Value);

impl Render for InferResult {
    fn human(&self) -> Human {
        Human::Text(serde_json::to_string_pretty(&self.0).unwrap_or_default())
    }
}

/// Runs `hf infer`.
pub(crate) async fn run(args: InferArgs, context: &mut Context) -> anyhow::Result<()> {
    let task: Task = args.task.parse().map_err(UsageError)?;
    check_options(&args, task)?;
    let mut args = args;
    let client = context
        .session
        .inference_client(&args.inference, &mut args.model)?;
    if task.takes_binary_input() {
        let bytes = read_binary(&args.input)?;
        let value = binary_task(&client, task, &args.model, bytes).await?;
        return context.output.emit(&InferResult(value));
    }
    let input = read_text(&args.input)?;
    if task == Task::TextGeneration && args.stream {
        let parameters = parameters(args.parameters.as_deref())?;
        let mut stream = client
            .text_generation_stream(&args.model, &input, &parameters)
            .await
            .map_err(inference_error)?;
        while let Some(event) = stream.next().await {
            let event = event.map_err(inference_error)?;
            if !event.token.special {
                context.output.write_text(&event.token.text)?;
            }
        }
        return context.output.write_raw(b"\n");
    }
    if task.gives_binary_output() {
        let image = client
            .text_to_image(
                &args.model,
                &input,
                &parameters(args.parameters.as_deref())?,
            )
            .await
            .map_err(inference_error)?;
        let path = args
            .output
            .clone()
            .ok_or_else(|| UsageError("text-to-image needs --output FILE".to_owned()))?;
        std::fs::write(&path, &image.bytes).map_err(|e| {
            anyhow::Error::new(e).context(format!("could not write {}", path.display()))
        })?;
        let value = serde_json::json!({
            "path": path,
            "content_type": image.content_type,
            "bytes": image.bytes.len(),
        });
        return context.output.emit(&InferResult(value));
    }
    let value = text_task(&client, task, &args, &input).await?;
    context.output.emit(&InferResult(value))
}

fn check_options(args: &InferArgs, task: Task) -> anyhow::Result<()> {
    let misplaced =
        |name: &str, wanted: Task| UsageError(format!("{name} only applies to the {wanted} task"));
    if args.context.is_some() && task != Task::QuestionAnswering {
        return Err(misplaced("--context", Task::QuestionAnswering).into());
    }
    if !args.labels.is_empty() && task != Task::ZeroShotClassification {
        return Err(misplaced("--labels", Task::ZeroShotClassification).into());
    }
    if !args.sentences.is_empty() && task != Task::SentenceSimilarity {
        return Err(misplaced("--sentence", Task::SentenceSimilarity).into());
    }
    if args.stream && task != Task::TextGeneration {
        return Err(misplaced("--stream", Task::TextGeneration).into());
    }
    if args.output.is_some() && !task.gives_binary_output() {
        return Err(misplaced("--output", Task::TextToImage).into());
    }
    if task.gives_binary_output() && args.output.is_none() {
        return Err(
            UsageError("text-to-image writes an image: give --output FILE".to_owned()).into(),
        );
    }
    if task == Task::QuestionAnswering && args.context.is_none() {
        return Err(UsageError("question-answering needs --context TEXT".to_owned()).into());
    }
    if task == Task::ZeroShotClassification && args.labels.is_empty() {
        return Err(
            UsageError("zero-shot-classification needs --labels A,B,...".to_owned()).into(),
        );
    }
    if task == Task::SentenceSimilarity && args.sentences.is_empty() {
        return Err(UsageError(
            "sentence-similarity needs at least one --sentence TEXT".to_owned(),
        )
        .into());
    }
    Ok(())
}

/// Task parameters from `--parameters` (an empty set when absent).
fn parameters<T: DeserializeOwned + Default>(raw: Option<&str>) -> anyhow::Result<T> {
    let Some(raw) = raw else {
        return Ok(T::default());
    };
    serde_json::from_str(raw)
        .map_err(|e| UsageError(format!("--parameters is not valid for this task: {e}")).into())
}

fn read_text(input: &str) -> anyhow::Result<String> {
    if input != "-" {
        return Ok(input.to_owned());
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| anyhow::Error::new(e).context("could not read the input from stdin"))?;
    Ok(text)
}

fn read_binary(input: &str) -> anyhow::Result<Vec<u8>> {
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow::Error::new(e).context("could not read the input from stdin"))?;
        return Ok(bytes);
    }
    let path = Path::new(input);
    std::fs::read(path).map_err(|e| {
        anyhow::Error::new(e).context(format!("could not read the input file {}", path.display()))
    })
}

fn to_json<T: Serialize>(value: &T) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(value)?)
}

async fn binary_task(
    client: &InferenceClient,
    task: Task,
    model: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<Value> {
    match task {
        Task::ImageClassification => to_json(
            &client
                .image_classification(model, bytes.into())
                .await
                .map_err(inference_error)?,
        ),
        _ => to_json(
            &client
                .automatic_speech_recognition(model, bytes.into())
                .await
                .map_err(inference_error)?,
        ),
    }
}

async fn text_task(
    client: &InferenceClient,
    task: Task,
    args: &InferArgs,
    input: &str,
) -> anyhow::Result<Value> {
    let model = args.model.as_str();
    let raw = args.parameters.as_deref();
    let value = match task {
        Task::ChatCompletion => chat_completion(client, model, raw, input).await?,
        Task::TextGeneration => to_json(
            &client
                .text_generation(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::TextClassification => to_json(
            &client
                .text_classification(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::TokenClassification => to_json(
            &client
                .token_classification(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::FillMask => to_json(
            &client
                .fill_mask(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::Summarization => to_json(
            &client
                .summarization(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::Translation => to_json(
            &client
                .translation(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::QuestionAnswering => {
            let context = args.context.as_deref().unwrap_or_default();
            to_json(
                &client
                    .question_answering(model, input, context, &parameters(raw)?)
                    .await
                    .map_err(inference_error)?,
            )?
        }
        Task::ZeroShotClassification => {
            let mut parameters: hf_inference::ZeroShotParameters = match raw {
                Some(raw) => serde_json::from_str(&with_labels(raw)?).map_err(|e| {
                    UsageError(format!("--parameters is not valid for this task: {e}"))
                })?,
                None => hf_inference::ZeroShotParameters::default(),
            };
            parameters.candidate_labels = args.labels.iter().map(|l| l.trim().to_owned()).collect();
            to_json(
                &client
                    .zero_shot_classification(model, input, &parameters)
                    .await
                    .map_err(inference_error)?,
            )?
        }
        Task::FeatureExtraction => to_json(
            &client
                .feature_extraction(model, input, &parameters(raw)?)
                .await
                .map_err(inference_error)?,
        )?,
        Task::SentenceSimilarity => to_json(
            &client
                .sentence_similarity(model, input, &args.sentences)
                .await
                .map_err(inference_error)?,
        )?,
        other => return Err(UsageError(format!("the {other} task takes a file, not text")).into()),
    };
    Ok(value)
}

/// A chat completion with `input` as the user's message; `--parameters` join the request.
async fn chat_completion(
    client: &InferenceClient,
    model: &str,
    raw: Option<&str>,
    input: &str,
) -> anyhow::Result<Value> {
    let mut request =
        hf_inference::ChatCompletionRequest::new(vec![hf_inference::ChatMessage::user(input)]);
    if let Some(raw) = raw {
        let extra: serde_json::Map<String, Value> = serde_json::from_str(raw)
            .map_err(|e| UsageError(format!("--parameters must be a JSON object: {e}")))?;
        request.extra = extra;
    }
    to_json(
        &client
            .chat_completion(model, request)
            .await
            .map_err(inference_error)?,
    )
}

/// `--parameters` for zero-shot may omit `candidate_labels` (they come from `--labels`).
fn with_labels(raw: &str) -> anyhow::Result<String> {
    let mut value: Value = serde_json::from_str(raw)
        .map_err(|e| UsageError(format!("--parameters must be a JSON object: {e}")))?;
    if let Some(object) = value.as_object_mut() {
        object
            .entry("candidate_labels")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(value.to_string())
}
