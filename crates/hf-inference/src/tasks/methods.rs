//! The task methods of [`InferenceClient`], beside their types (`tasks::types`): each a few
//! lines over the one generic path (`InferenceClient::task`: route by the provider mapping,
//! POST, decode the task's shape). Text generation (a retry without unused parameters, and
//! streaming) and text-to-image (a binary answer) add their own steps to the same transport.

use bytes::Bytes;
use serde_json::{Value, json};

use super::types::{
    AsrOutput, BinaryOutput, ClassificationLabel, FeatureExtractionParameters, FillMaskCandidate,
    FillMaskParameters, QuestionAnsweringAnswer, QuestionAnsweringParameters, SummarizationOutput,
    Task, Tensor, Text2TextParameters, TextClassificationParameters, TextGenerationOutput,
    TextGenerationParameters, TextToImageParameters, TokenClassificationEntity,
    TokenClassificationParameters, TranslationOutput, ZeroShotParameters, first_of, list_of,
    zero_shot_labels,
};
use crate::client::{
    InferenceClient, MAX_BINARY_BODY, Payload, TaskInput, decode_value, unused_model_kwargs,
};
use crate::error::Error;
use crate::stream::{EventStream, TextGenerationStream, error_in};

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
        let content_type = response.header("content-type").map(str::to_owned);
        let bytes = response
            .read_limited(MAX_BINARY_BODY)
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
