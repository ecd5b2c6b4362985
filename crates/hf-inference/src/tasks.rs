//! Typed inputs and outputs of the task APIs served by the `hf-inference` provider.
//!
//! Request parameters serialize without their unset fields. Outputs are decoded from the
//! shapes the servers really send, which vary by model and version (a classification comes as
//! `[[{label, score}]]` or `[{label, score}]`; zero-shot as `{labels, scores}` or a list of
//! labels); [`Task`] names the tasks for command lines.
//!
//! The task methods of [`InferenceClient`] are here too, each a few lines over the one
//! generic path (route by the provider mapping, POST, decode the task's shape).

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use hf_auth::http::read_body_limited;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::{
    InferenceClient, MAX_BINARY_BODY, Payload, TaskInput, decode_value, unused_model_kwargs,
};
use crate::error::Error;
use crate::stream::{EventStream, TextGenerationStream, error_in};

/// The tasks this crate can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Task {
    /// Chat completion (`conversational`), through the OpenAI-compatible route.
    ChatCompletion,
    /// Continue a prompt.
    TextGeneration,
    /// Label a text (sentiment, topic, ...).
    TextClassification,
    /// Label each token (named entities, ...).
    TokenClassification,
    /// Fill the mask token in a text.
    FillMask,
    /// Summarize a text.
    Summarization,
    /// Translate a text.
    Translation,
    /// Answer a question from a context.
    QuestionAnswering,
    /// Label a text with labels chosen at call time.
    ZeroShotClassification,
    /// Embed a text as a vector.
    FeatureExtraction,
    /// Compare a sentence with others.
    SentenceSimilarity,
    /// Label an image (bytes in).
    ImageClassification,
    /// Transcribe audio (bytes in).
    AutomaticSpeechRecognition,
    /// Draw an image from a prompt (bytes out).
    TextToImage,
}

impl Task {
    /// Every task, in documentation order.
    pub const ALL: [Task; 14] = [
        Task::ChatCompletion,
        Task::TextGeneration,
        Task::TextClassification,
        Task::TokenClassification,
        Task::FillMask,
        Task::Summarization,
        Task::Translation,
        Task::QuestionAnswering,
        Task::ZeroShotClassification,
        Task::FeatureExtraction,
        Task::SentenceSimilarity,
        Task::ImageClassification,
        Task::AutomaticSpeechRecognition,
        Task::TextToImage,
    ];

    /// The Hub's name for the task (`text-classification`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChatCompletion => "conversational",
            Self::TextGeneration => "text-generation",
            Self::TextClassification => "text-classification",
            Self::TokenClassification => "token-classification",
            Self::FillMask => "fill-mask",
            Self::Summarization => "summarization",
            Self::Translation => "translation",
            Self::QuestionAnswering => "question-answering",
            Self::ZeroShotClassification => "zero-shot-classification",
            Self::FeatureExtraction => "feature-extraction",
            Self::SentenceSimilarity => "sentence-similarity",
            Self::ImageClassification => "image-classification",
            Self::AutomaticSpeechRecognition => "automatic-speech-recognition",
            Self::TextToImage => "text-to-image",
        }
    }

    /// The task in words, for messages (`text classification`, `speech recognition`).
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::ChatCompletion => "chat completion",
            Self::TextGeneration => "text generation",
            Self::TextClassification => "text classification",
            Self::TokenClassification => "token classification",
            Self::FillMask => "fill-mask",
            Self::Summarization => "summarization",
            Self::Translation => "translation",
            Self::QuestionAnswering => "question answering",
            Self::ZeroShotClassification => "zero-shot classification",
            Self::FeatureExtraction => "feature extraction",
            Self::SentenceSimilarity => "sentence similarity",
            Self::ImageClassification => "image classification",
            Self::AutomaticSpeechRecognition => "speech recognition",
            Self::TextToImage => "text to image",
        }
    }

    /// Whether the `hf-inference` route is `/models/{id}/pipeline/{task}` rather than `/models/{id}`.
    #[must_use]
    pub fn uses_pipeline_route(self) -> bool {
        matches!(self, Self::FeatureExtraction | Self::SentenceSimilarity)
    }

    /// Whether the task's input is raw bytes (an image or audio file).
    #[must_use]
    pub fn takes_binary_input(self) -> bool {
        matches!(
            self,
            Self::ImageClassification | Self::AutomaticSpeechRecognition
        )
    }

    /// Whether the task's output is raw bytes (an image).
    #[must_use]
    pub fn gives_binary_output(self) -> bool {
        matches!(self, Self::TextToImage)
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Task {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        if wanted == "chat-completion" || wanted == "chat" {
            return Ok(Self::ChatCompletion);
        }
        if wanted == "asr" {
            return Ok(Self::AutomaticSpeechRecognition);
        }
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown task '{s}' (expected one of: {})",
                    Self::ALL.map(Task::as_str).join(", ")
                )
            })
    }
}

/// Parameters of [`crate::InferenceClient::text_generation`] (text-generation-inference names).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TextGenerationParameters {
    /// The most tokens to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_new_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Nucleus sampling probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Sample among the `top_k` most likely tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Penalty for repeated tokens (1.0 = none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repetition_penalty: Option<f32>,
    /// Sample instead of greedy decoding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_sample: Option<bool>,
    /// Random seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Sequences that end generation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<Vec<String>>,
    /// Prepend the prompt to the output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_full_text: Option<bool>,
    /// Return token details ([`TextGenerationOutput::details`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<bool>,
    /// Also return the prompt's tokens in the details (`prefill`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoder_input_details: Option<bool>,
    /// Truncate the prompt to this many tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncate: Option<u32>,
    /// Constrain the output (`{"type": "json", "value": schema}` or `{"type": "regex", ...}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grammar: Option<Value>,
}

/// One generated (or prompt) token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationToken {
    /// The token id.
    pub id: u32,
    /// Its text.
    pub text: String,
    /// Its log-probability (absent for the first prompt token).
    #[serde(default)]
    pub logprob: Option<f32>,
    /// Whether it is a special token (EOS, padding, ...).
    #[serde(default)]
    pub special: bool,
}

/// Details of a generation (`details: true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextGenerationDetails {
    /// Why it stopped: `length`, `eos_token` or `stop_sequence`.
    pub finish_reason: String,
    /// How many tokens were generated.
    pub generated_tokens: u32,
    /// The seed used, when sampling.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The prompt's tokens (with `decoder_input_details`).
    #[serde(default)]
    pub prefill: Vec<GenerationToken>,
    /// The generated tokens (empty in streamed details).
    #[serde(default)]
    pub tokens: Vec<GenerationToken>,
}

/// The result of a text generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextGenerationOutput {
    /// The generated text.
    pub generated_text: String,
    /// Token details, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<TextGenerationDetails>,
}

/// One event of a streamed text generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextGenerationStreamOutput {
    /// The position of this token (newer servers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// The new token.
    pub token: GenerationToken,
    /// The whole text, on the last event only.
    #[serde(default)]
    pub generated_text: Option<String>,
    /// Details, on the last event only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<TextGenerationDetails>,
}

/// A label and its score (text, zero-shot and image classification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationLabel {
    /// The label.
    pub label: String,
    /// Its probability.
    pub score: f64,
}

/// Parameters of [`crate::InferenceClient::text_classification`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TextClassificationParameters {
    /// How many labels to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// `sigmoid`, `softmax` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_to_apply: Option<String>,
}

/// One entity found by token classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenClassificationEntity {
    /// The entity type when tokens are grouped (`PER`, `LOC`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_group: Option<String>,
    /// The per-token label when they are not grouped (`B-PER`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Its score.
    pub score: f64,
    /// The words.
    pub word: String,
    /// Start offset in the input (characters).
    #[serde(default)]
    pub start: Option<usize>,
    /// End offset in the input (characters).
    #[serde(default)]
    pub end: Option<usize>,
}

impl TokenClassificationEntity {
    /// The entity's label, grouped or not.
    #[must_use]
    pub fn label(&self) -> &str {
        self.entity_group
            .as_deref()
            .or(self.entity.as_deref())
            .unwrap_or("")
    }
}

/// Parameters of [`crate::InferenceClient::token_classification`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TokenClassificationParameters {
    /// `none`, `simple`, `first`, `average` or `max`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation_strategy: Option<String>,
    /// Labels to leave out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_labels: Option<Vec<String>>,
}

/// A candidate for the masked token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillMaskCandidate {
    /// Its probability.
    pub score: f64,
    /// The token id.
    pub token: u32,
    /// The token's text.
    pub token_str: String,
    /// The input with the mask filled.
    pub sequence: String,
}

/// Parameters of [`crate::InferenceClient::fill_mask`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FillMaskParameters {
    /// How many candidates to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Only score these words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
}

/// A summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarizationOutput {
    /// The summary.
    pub summary_text: String,
}

/// A translation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationOutput {
    /// The translated text.
    pub translation_text: String,
}

/// Parameters of summarization and translation (text-to-text generation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Text2TextParameters {
    /// Source language (multilingual translation models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_lang: Option<String>,
    /// Target language (multilingual translation models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tgt_lang: Option<String>,
    /// Remove spaces around punctuation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clean_up_tokenization_spaces: Option<bool>,
    /// `do_not_truncate`, `longest_first`, `only_first` or `only_second`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncation: Option<String>,
    /// Generation parameters (`max_new_tokens`, ...), as the model's pipeline accepts them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generate_parameters: Option<Value>,
}

/// An answer found in the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionAnsweringAnswer {
    /// The answer text.
    pub answer: String,
    /// Its probability.
    pub score: f64,
    /// Start offset in the context (characters).
    pub start: usize,
    /// End offset in the context (characters).
    pub end: usize,
}

/// Parameters of [`crate::InferenceClient::question_answering`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuestionAnsweringParameters {
    /// How many answers to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// The longest answer, in tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_answer_len: Option<u32>,
    /// Allow "no answer".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle_impossible_answer: Option<bool>,
}

/// Parameters of [`crate::InferenceClient::zero_shot_classification`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ZeroShotParameters {
    /// The labels to choose from.
    pub candidate_labels: Vec<String>,
    /// Several labels may be true at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_label: Option<bool>,
    /// The hypothesis, with `{}` for the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hypothesis_template: Option<String>,
}

/// Parameters of [`crate::InferenceClient::feature_extraction`]; they go at the top level of the body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FeatureExtractionParameters {
    /// Normalize the embeddings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    /// A prompt name from the model's configuration (sentence-transformers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_name: Option<String>,
    /// Truncate inputs longer than the model's limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncate: Option<bool>,
    /// `left` or `right`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncation_direction: Option<String>,
}

/// A dense array of numbers (an embedding, or per-token hidden states) and its shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    /// Size of each dimension, outermost first (`[384]` for one sentence embedding,
    /// `[1, tokens, 768]` for per-token features).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<f32>,
}

impl Tensor {
    /// Reads nested JSON arrays of numbers; every sub-array of a level must have the same length.
    ///
    /// # Errors
    /// A message when the value is not a rectangular array of numbers.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let mut shape = Vec::new();
        let mut level = value;
        while let Value::Array(items) = level {
            shape.push(items.len());
            match items.first() {
                Some(first) => level = first,
                None => break,
            }
        }
        if shape.is_empty() {
            return Err("expected an array of numbers".to_owned());
        }
        let mut data = Vec::with_capacity(shape.iter().product());
        flatten(value, &shape, &mut data)?;
        Ok(Self { shape, data })
    }

    /// The first vector (the embedding of a single input, whatever the nesting).
    #[must_use]
    pub fn first_row(&self) -> &[f32] {
        let width = self.shape.last().copied().unwrap_or(0);
        &self.data[..width.min(self.data.len())]
    }
}

fn flatten(value: &Value, shape: &[usize], out: &mut Vec<f32>) -> Result<(), String> {
    match (value, shape.split_first()) {
        (Value::Array(items), Some((&len, rest))) => {
            if items.len() != len {
                return Err(format!(
                    "ragged array: expected {len} items, found {}",
                    items.len()
                ));
            }
            items.iter().try_for_each(|item| flatten(item, rest, out))
        }
        (Value::Number(n), None) => {
            #[allow(clippy::cast_possible_truncation)] // embeddings are f32 on the server
            out.push(n.as_f64().unwrap_or(f64::NAN) as f32);
            Ok(())
        }
        _ => Err("expected a rectangular array of numbers".to_owned()),
    }
}

/// A transcription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsrOutput {
    /// The recognized text.
    pub text: String,
    /// Timestamped chunks, when the model returns them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunks: Option<Value>,
}

/// Parameters of [`crate::InferenceClient::text_to_image`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TextToImageParameters {
    /// What the image should not show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Denoising steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_inference_steps: Option<u32>,
    /// How closely to follow the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance_scale: Option<f32>,
    /// Random seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// Bytes returned by a task (an image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryOutput {
    /// The bytes.
    pub bytes: Bytes,
    /// Their media type, as the server declared it (`image/jpeg`, ...).
    pub content_type: Option<String>,
}

/// Unwraps `[[x, ...]]` to `[x, ...]`: several endpoints wrap single-input results in a batch.
pub(crate) fn unbatch(value: Value) -> Value {
    match value {
        Value::Array(mut items) if items.len() == 1 && items[0].is_array() => items.swap_remove(0),
        other => other,
    }
}

/// Decodes a list of `T`, accepting a single `T` as a list of one.
pub(crate) fn list_of<T: serde::de::DeserializeOwned>(
    value: Value,
) -> Result<Vec<T>, serde_json::Error> {
    match unbatch(value) {
        Value::Array(items) => items.into_iter().map(serde_json::from_value).collect(),
        single => Ok(vec![serde_json::from_value(single)?]),
    }
}

/// Decodes the first `T` of a list (or a single `T`).
pub(crate) fn first_of<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    list_of::<T>(value)
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or_else(|| "the server returned an empty list".to_owned())
}

/// Zero-shot answers come as `{labels, scores}` (one input), a list of those, or `[{label, score}]`.
pub(crate) fn zero_shot_labels(value: Value) -> Result<Vec<ClassificationLabel>, String> {
    let value = match value {
        Value::Array(items) if items.first().is_some_and(|i| i.get("labels").is_some()) => {
            items.into_iter().next().unwrap_or(Value::Null)
        }
        other => other,
    };
    if let (Some(labels), Some(scores)) = (value.get("labels"), value.get("scores")) {
        let labels: Vec<String> =
            serde_json::from_value(labels.clone()).map_err(|e| e.to_string())?;
        let scores: Vec<f64> = serde_json::from_value(scores.clone()).map_err(|e| e.to_string())?;
        if labels.len() != scores.len() {
            return Err(format!(
                "{} labels but {} scores",
                labels.len(),
                scores.len()
            ));
        }
        return Ok(labels
            .into_iter()
            .zip(scores)
            .map(|(label, score)| ClassificationLabel { label, score })
            .collect());
    }
    list_of(value).map_err(|e| e.to_string())
}

// ----- the task methods, beside their types, all behind `InferenceClient::task` -----------

/// A list of labels (also a single label, or a batch of one).
fn labels(value: Value) -> Result<Vec<ClassificationLabel>, String> {
    list_of(value).map_err(|e| e.to_string())
}

impl InferenceClient {
    /// Labels `text` (sentiment, topic, ...), best first.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn text_classification(
        &self,
        model: &str,
        text: &str,
        parameters: &TextClassificationParameters,
    ) -> Result<Vec<ClassificationLabel>, Error> {
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(
            model,
            Task::TextClassification,
            TaskInput::Json(body),
            labels,
        )
        .await
    }

    /// Finds entities in `text`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn token_classification(
        &self,
        model: &str,
        text: &str,
        parameters: &TokenClassificationParameters,
    ) -> Result<Vec<TokenClassificationEntity>, Error> {
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(
            model,
            Task::TokenClassification,
            TaskInput::Json(body),
            |v| list_of(v).map_err(|e| e.to_string()),
        )
        .await
    }

    /// Fills the mask token (`[MASK]` or `<mask>`, depending on the model) in `text`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn fill_mask(
        &self,
        model: &str,
        text: &str,
        parameters: &FillMaskParameters,
    ) -> Result<Vec<FillMaskCandidate>, Error> {
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(model, Task::FillMask, TaskInput::Json(body), |v| {
            list_of(v).map_err(|e| e.to_string())
        })
        .await
    }

    /// Summarizes `text`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn summarization(
        &self,
        model: &str,
        text: &str,
        parameters: &Text2TextParameters,
    ) -> Result<SummarizationOutput, Error> {
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(model, Task::Summarization, TaskInput::Json(body), first_of)
            .await
    }

    /// Translates `text`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn translation(
        &self,
        model: &str,
        text: &str,
        parameters: &Text2TextParameters,
    ) -> Result<TranslationOutput, Error> {
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(model, Task::Translation, TaskInput::Json(body), first_of)
            .await
    }

    /// Answers `question` from `context`, best answer first.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn question_answering(
        &self,
        model: &str,
        question: &str,
        context: &str,
        parameters: &QuestionAnsweringParameters,
    ) -> Result<Vec<QuestionAnsweringAnswer>, Error> {
        let body =
            json!({"inputs": {"question": question, "context": context}, "parameters": parameters});
        self.task(model, Task::QuestionAnswering, TaskInput::Json(body), |v| {
            list_of(v).map_err(|e| e.to_string())
        })
        .await
    }

    /// Scores `text` against `parameters.candidate_labels`, best first.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] without candidate labels; otherwise see [`InferenceClient::chat_completion`].
    pub async fn zero_shot_classification(
        &self,
        model: &str,
        text: &str,
        parameters: &ZeroShotParameters,
    ) -> Result<Vec<ClassificationLabel>, Error> {
        if parameters.candidate_labels.is_empty() {
            return Err(Error::InvalidInput(
                "zero-shot classification needs at least one candidate label".to_owned(),
            ));
        }
        let body = json!({"inputs": text, "parameters": parameters});
        self.task(
            model,
            Task::ZeroShotClassification,
            TaskInput::Json(body),
            zero_shot_labels,
        )
        .await
    }

    /// Embeds `text`. Sentence-transformers models give `[dims]` (or `[1, dims]`); other models
    /// give per-token features `[1, tokens, dims]`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn feature_extraction(
        &self,
        model: &str,
        text: &str,
        parameters: &FeatureExtractionParameters,
    ) -> Result<Tensor, Error> {
        let mut body =
            serde_json::to_value(parameters).map_err(|e| Error::InvalidInput(e.to_string()))?;
        body["inputs"] = Value::String(text.to_owned());
        self.task(model, Task::FeatureExtraction, TaskInput::Json(body), |v| {
            Tensor::from_json(&v)
        })
        .await
    }

    /// Similarity of `source` with each of `sentences` (cosine, in input order).
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn sentence_similarity(
        &self,
        model: &str,
        source: &str,
        sentences: &[String],
    ) -> Result<Vec<f64>, Error> {
        let body = json!({"inputs": {"source_sentence": source, "sentences": sentences}});
        self.task(
            model,
            Task::SentenceSimilarity,
            TaskInput::Json(body),
            |v| serde_json::from_value(v).map_err(|e| e.to_string()),
        )
        .await
    }

    /// Labels an image (PNG, JPEG, GIF, WebP, ... bytes), best first.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn image_classification(
        &self,
        model: &str,
        image: Bytes,
    ) -> Result<Vec<ClassificationLabel>, Error> {
        self.task(
            model,
            Task::ImageClassification,
            TaskInput::Binary(image),
            labels,
        )
        .await
    }

    /// Transcribes audio (FLAC, WAV, MP3, OGG, ... bytes).
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn automatic_speech_recognition(
        &self,
        model: &str,
        audio: Bytes,
    ) -> Result<AsrOutput, Error> {
        self.task(
            model,
            Task::AutomaticSpeechRecognition,
            TaskInput::Binary(audio),
            first_of,
        )
        .await
    }

    /// Continues `prompt`.
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`].
    pub async fn text_generation(
        &self,
        model: &str,
        prompt: &str,
        parameters: &TextGenerationParameters,
    ) -> Result<TextGenerationOutput, Error> {
        let mut body = json!({"inputs": prompt, "parameters": parameters, "stream": false});
        let value = match self
            .run_json(model, Task::TextGeneration, body.clone())
            .await
        {
            Err(error) if error.status() == Some(400) => {
                // Models served by plain transformers (not TGI) refuse TGI-only parameters and
                // name them; like the Python client, drop those and try once more.
                let unused = error
                    .as_http()
                    .and_then(|e| e.server_message())
                    .map(unused_model_kwargs)
                    .unwrap_or_default();
                let Some(params) = body["parameters"].as_object_mut() else {
                    return Err(error);
                };
                if unused.is_empty() || !unused.iter().any(|k| params.contains_key(k)) {
                    return Err(error);
                }
                tracing::warn!(
                    model,
                    ?unused,
                    "the model does not use these parameters; retrying without them"
                );
                for key in &unused {
                    params.remove(key);
                }
                self.run_json(model, Task::TextGeneration, body).await?
            }
            other => other?,
        };
        decode_value(first_of(value), "text generation")
    }

    /// Continues `prompt`, streaming tokens as they are generated.
    ///
    /// # Errors
    /// Failures before the first byte; later ones come through the stream.
    pub async fn text_generation_stream(
        &self,
        model: &str,
        prompt: &str,
        parameters: &TextGenerationParameters,
    ) -> Result<TextGenerationStream, Error> {
        let (url, provider) = self.task_url(model, Task::TextGeneration).await?;
        let ctx = self.context(model, &provider, true);
        let body = json!({"inputs": prompt, "parameters": parameters, "stream": true});
        let response = self
            .send(
                url,
                Payload::Json(Bytes::from(body.to_string())),
                Some("text/event-stream"),
                &ctx,
            )
            .await?;
        Ok(EventStream::from_response(response))
    }

    /// Draws an image for `prompt`; returns its bytes (PNG or JPEG, see `content_type`).
    ///
    /// # Errors
    /// See [`InferenceClient::chat_completion`]; [`Error::Decode`] when the answer is not an image.
    pub async fn text_to_image(
        &self,
        model: &str,
        prompt: &str,
        parameters: &TextToImageParameters,
    ) -> Result<BinaryOutput, Error> {
        let (url, provider) = self.task_url(model, Task::TextToImage).await?;
        let ctx = self.context(model, &provider, false);
        let body = json!({"inputs": prompt, "parameters": parameters});
        let response = self
            .send(
                url,
                Payload::Json(Bytes::from(body.to_string())),
                Some("image/png"),
                &ctx,
            )
            .await?;
        let url = response.url().to_string();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_body_limited(response, MAX_BINARY_BODY)
            .await
            .map_err(|e| Error::decode(&url, e))?;
        if content_type
            .as_deref()
            .is_some_and(|ct| ct.contains("json"))
        {
            // A 200 with a JSON body is an error report, not an image.
            let value: Value =
                serde_json::from_slice(&bytes).map_err(|e| Error::decode(&url, e.to_string()))?;
            return Err(error_in(&value)
                .unwrap_or_else(|| Error::decode(&url, "expected an image, got JSON")));
        }
        Ok(BinaryOutput {
            bytes,
            content_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_names_round_trip() {
        for task in Task::ALL {
            assert_eq!(task.as_str().parse::<Task>().unwrap(), task);
        }
        assert_eq!("fill_mask".parse::<Task>().unwrap(), Task::FillMask);
        assert!(
            "nope"
                .parse::<Task>()
                .unwrap_err()
                .contains("text-classification")
        );
    }

    #[test]
    fn tensors_keep_their_shape_and_refuse_ragged_input() {
        let t = Tensor::from_json(&json!([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])).unwrap();
        assert_eq!(t.shape, vec![1, 3, 2]);
        assert_eq!(t.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(t.first_row(), &[1.0, 2.0]);
        assert!(Tensor::from_json(&json!([[1.0], [2.0, 3.0]])).is_err());
        assert!(Tensor::from_json(&json!({"a": 1})).is_err());
        assert!(Tensor::from_json(&json!([["x"]])).is_err());
    }

    #[test]
    fn zero_shot_shapes() {
        let legacy = json!({"sequence": "s", "labels": ["a", "b"], "scores": [0.7, 0.3]});
        let listed = json!([{"label": "a", "score": 0.7}, {"label": "b", "score": 0.3}]);
        let batched = json!([{"sequence": "s", "labels": ["a", "b"], "scores": [0.7, 0.3]}]);
        let expected = zero_shot_labels(legacy).unwrap();
        assert_eq!(expected[0].label, "a");
        assert_eq!(zero_shot_labels(listed).unwrap(), expected);
        assert_eq!(zero_shot_labels(batched).unwrap(), expected);
        assert!(zero_shot_labels(json!({"labels": ["a"], "scores": []})).is_err());
    }
}
