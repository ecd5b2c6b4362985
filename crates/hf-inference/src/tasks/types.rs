//! Typed inputs and outputs of the task APIs served by the `hf-inference` provider.
//!
//! Request parameters serialize without their unset fields. Outputs are decoded from the
//! shapes the servers really send, which vary by model and version (a classification comes as
//! `[[{label, score}]]` or `[{label, score}]`; zero-shot as `{labels, scores}` or a list of
//! labels); [`Task`] names the tasks for command lines.
//!
//! The task methods of [`crate::InferenceClient`] are beside them, in `tasks::methods`.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
