//! The same client, synchronous (feature `blocking`, like `reqwest::blocking`): the same
//! constructors and method names, each call waiting for its answer, and streams that are
//! [`Iterator`]s. A synchronous program names no tokio item; the calls run on the one runtime
//! of [`hf_auth::http::blocking_runtime`].
//!
//! Do not call these from inside an async task (tokio panics); use [`crate::InferenceClient`].
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = hf_test_server::TestServer::spawn(Default::default())?;
//! # let env = hf_auth::env::MapEnv::new()
//! #     .with("HF_ROUTER_URL", server.endpoint())
//! #     .with("HF_TOKEN", server.tokens().read.clone());
//! use hf_inference::ChatCompletionRequest;
//! use hf_inference::blocking::InferenceClient;
//!
//! // `InferenceClient::from_env()` in a program; here with a test environment.
//! let client = InferenceClient::from_env_source(&env)?;
//! let mut text = String::new();
//! for chunk in client.chat_completion_stream("meta-llama/Llama-3.1-8B-Instruct", ChatCompletionRequest::user("Hi"))? {
//!     text.push_str(chunk?.text());
//! }
//! assert_eq!(text, "You said: Hi");
//! # Ok(())
//! # }
//! ```

use bytes::Bytes;
use hf_auth::TokenSource;
use hf_auth::env::{EnvSource, ProcessEnv};
use tokio::runtime::Runtime;

use crate::{
    AsrOutput, BinaryOutput, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest,
    ClassificationLabel, Error, FeatureExtractionParameters, FillMaskCandidate, FillMaskParameters,
    ProviderMapping, QuestionAnsweringAnswer, QuestionAnsweringParameters, SummarizationOutput,
    Tensor, Text2TextParameters, TextClassificationParameters, TextGenerationOutput,
    TextGenerationParameters, TextGenerationStreamOutput, TextToImageParameters,
    TokenClassificationEntity, TokenClassificationParameters, TranslationOutput,
    ZeroShotParameters,
};

/// A synchronous [`crate::InferenceClient`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct InferenceClient {
    inner: crate::InferenceClient,
    runtime: &'static Runtime,
}

/// A stream of decoded events, read by iterating; dropping it cancels generation.
#[derive(Debug)]
pub struct EventStream<T> {
    inner: crate::EventStream<T>,
    runtime: &'static Runtime,
}

/// Streamed chat completion chunks.
pub type ChatStream = EventStream<ChatCompletionChunk>;
/// Streamed text-generation tokens.
pub type TextGenerationStream = EventStream<TextGenerationStreamOutput>;

impl<T> Iterator for EventStream<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.inner.next())
    }
}

fn runtime() -> Result<&'static Runtime, Error> {
    hf_auth::http::blocking_runtime()
        .map_err(|e| Error::Config(format!("could not start the blocking runtime: {e}")))
}

impl InferenceClient {
    /// As [`crate::InferenceClient::from_env`]: the environment's router and token.
    ///
    /// # Errors
    /// As [`crate::InferenceClient::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&ProcessEnv)
    }

    /// As [`crate::InferenceClient::from_env_source`].
    ///
    /// # Errors
    /// As [`crate::InferenceClient::from_env`].
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        Self::from_async(crate::InferenceClient::from_env_source(source)?)
    }

    /// Wraps an async client (built with [`crate::InferenceClient::builder`]).
    ///
    /// # Errors
    /// When the runtime cannot be started.
    pub fn from_async(inner: crate::InferenceClient) -> Result<Self, Error> {
        Ok(Self {
            inner,
            runtime: runtime()?,
        })
    }

    /// The async client underneath (same connections and settings).
    #[must_use]
    pub fn as_async(&self) -> &crate::InferenceClient {
        &self.inner
    }

    /// Where the token came from, when discovery found one.
    #[must_use]
    pub fn token_source(&self) -> Option<&TokenSource> {
        self.inner.token_source()
    }

    /// As [`crate::InferenceClient::chat_completion_stream`], read by iterating.
    ///
    /// # Errors
    /// Failures before the first byte; later ones come through the iterator.
    pub fn chat_completion_stream(
        &self,
        model: &str,
        request: ChatCompletionRequest,
    ) -> Result<ChatStream, Error> {
        let inner = self
            .runtime
            .block_on(self.inner.chat_completion_stream(model, request))?;
        Ok(EventStream {
            inner,
            runtime: self.runtime,
        })
    }

    /// As [`crate::InferenceClient::text_generation_stream`], read by iterating.
    ///
    /// # Errors
    /// Failures before the first byte; later ones come through the iterator.
    pub fn text_generation_stream(
        &self,
        model: &str,
        prompt: &str,
        parameters: &TextGenerationParameters,
    ) -> Result<TextGenerationStream, Error> {
        let inner = self
            .runtime
            .block_on(self.inner.text_generation_stream(model, prompt, parameters))?;
        Ok(EventStream {
            inner,
            runtime: self.runtime,
        })
    }
}

/// Synchronous versions of the async client's methods, same names and arguments.
macro_rules! blocking_calls {
    ($( fn $name:ident($($arg:ident: $ty:ty),*) -> $output:ty; )*) => {
        impl InferenceClient {
            $(
                #[doc = concat!("As [`crate::InferenceClient::", stringify!($name), "`], waiting for the answer.")]
                ///
                /// # Errors
                /// As the async method.
                pub fn $name(&self, $($arg: $ty),*) -> Result<$output, Error> {
                    self.runtime.block_on(self.inner.$name($($arg),*))
                }
            )*
        }
    };
}

blocking_calls! {
    fn chat_completion(model: &str, request: ChatCompletionRequest) -> ChatCompletion;
    fn provider_mapping(model: &str) -> Vec<ProviderMapping>;
    fn text_classification(model: &str, text: &str, parameters: &TextClassificationParameters) -> Vec<ClassificationLabel>;
    fn token_classification(model: &str, text: &str, parameters: &TokenClassificationParameters) -> Vec<TokenClassificationEntity>;
    fn fill_mask(model: &str, text: &str, parameters: &FillMaskParameters) -> Vec<FillMaskCandidate>;
    fn summarization(model: &str, text: &str, parameters: &Text2TextParameters) -> SummarizationOutput;
    fn translation(model: &str, text: &str, parameters: &Text2TextParameters) -> TranslationOutput;
    fn question_answering(model: &str, question: &str, context: &str, parameters: &QuestionAnsweringParameters) -> Vec<QuestionAnsweringAnswer>;
    fn zero_shot_classification(model: &str, text: &str, parameters: &ZeroShotParameters) -> Vec<ClassificationLabel>;
    fn feature_extraction(model: &str, text: &str, parameters: &FeatureExtractionParameters) -> Tensor;
    fn sentence_similarity(model: &str, source: &str, sentences: &[String]) -> Vec<f64>;
    fn image_classification(model: &str, image: Bytes) -> Vec<ClassificationLabel>;
    fn automatic_speech_recognition(model: &str, audio: Bytes) -> AsrOutput;
    fn text_generation(model: &str, prompt: &str, parameters: &TextGenerationParameters) -> TextGenerationOutput;
    fn text_to_image(model: &str, prompt: &str, parameters: &TextToImageParameters) -> BinaryOutput;
}
