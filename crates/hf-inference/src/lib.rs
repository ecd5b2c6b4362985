//! Call hosted models through Hugging Face Inference Providers: typed tasks and streaming chat.
//!
//! - [`InferenceClient`]: [`InferenceClient::from_env`] (the token found as the `hf` CLI finds
//!   it), or built from a token, the router URL (`HF_ROUTER_URL`, default
//!   `https://router.huggingface.co`), a [`Provider`] (auto, `hf-inference`, or another by name),
//!   optional `bill_to`, timeouts, or an explicit base URL for an Inference Endpoint or a local
//!   OpenAI-compatible server (TGI, vLLM, llama.cpp).
//! - Chat: [`InferenceClient::chat_completion`] and [`InferenceClient::chat_completion_stream`]
//!   (server-sent events decoded by the small [`sse`] parser into [`ChatCompletionChunk`]s).
//! - Tasks on the `hf-inference` provider: text generation (plain, with details, streamed),
//!   classification, token classification, fill-mask, summarization, translation, question
//!   answering, zero-shot classification, feature extraction, sentence similarity, image
//!   classification and speech recognition (bytes in), and text-to-image (bytes out).
//! - Errors ([`Error`]) carry a hint for 401/403 (token or permission), 404 (model not served by
//!   that provider), 422, 429 (when to retry; PRO raises limits), 503 (loading: retried with backoff,
//!   see [`InferenceClientBuilder::retry_transient`]) and 504 (stream instead); TGI-style
//!   `{error, error_type}` bodies become [`Error::Model`].
//!
//! With the `blocking` feature, `blocking::InferenceClient` has the same methods, synchronous.
//!
//! All HTTP goes through [`hf_auth::http::HubClient`], which sends the token only to the Hub and
//! the router (and to an Inference Endpoint base URL).
//!
//! A chat call, run here against a local `hf-test-server` standing in for the router (which
//! echoes the prompt); with [`InferenceClient::from_env`] the router is `HF_ROUTER_URL`:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = hf_test_server::TestServer::spawn(Default::default())?;
//! # let router = server.endpoint().to_owned();
//! # let token = hf_auth::Token::new(server.tokens().read.clone());
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! use hf_inference::{ChatCompletionRequest, ChatMessage, InferenceClient};
//!
//! let client = InferenceClient::builder()
//!     .router_url(router)
//!     .token(Some(token))
//!     .build()?;
//! let request = ChatCompletionRequest::new(vec![ChatMessage::user("Say hello")]);
//! let answer = client
//!     .chat_completion("meta-llama/Llama-3.1-8B-Instruct", request)
//!     .await?;
//! assert_eq!(answer.text(), "You said: Say hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! ```no_run
//! use hf_inference::{ChatCompletionRequest, ChatMessage, InferenceClient, TextClassificationParameters};
//!
//! # async fn demo() -> Result<(), hf_inference::Error> {
//! // The token comes from HF_TOKEN, the token file or the keyring, as for the `hf` CLI.
//! let client = InferenceClient::from_env()?;
//!
//! let request = ChatCompletionRequest::new(vec![ChatMessage::user("What is deep learning?")]).max_tokens(100);
//! let mut stream = client
//!     .chat_completion_stream("meta-llama/Llama-3.1-8B-Instruct", request)
//!     .await?;
//! while let Some(chunk) = stream.next().await {
//!     print!("{}", chunk?.text());
//! }
//!
//! let labels = client
//!     .text_classification(
//!         "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
//!         "I love Hugging Face!",
//!         &TextClassificationParameters::default(),
//!     )
//!     .await?;
//! println!("{} ({:.3})", labels[0].label, labels[0].score);
//! # Ok(()) }
//! ```

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod chat;
mod client;
mod error;
mod routing;
pub use hf_auth::http::sse;
mod stream;
mod tasks;

pub use chat::{ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Role};
pub use client::{DEFAULT_READ_TIMEOUT, InferenceClient, InferenceClientBuilder};
pub use error::{CallFacts, Error, ModelErrorKind};
pub use routing::{
    DEFAULT_ROUTER_URL, HF_INFERENCE, Provider, ProviderMapping, RETIRED_INFERENCE_API_HOST,
    retired_inference_api_model,
};
pub use stream::{ChatStream, EventStream, TextGenerationStream};

/// Entry points for the fuzz targets under `fuzz/` only; not part of the supported API.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::stream::fuzz_decode_event as decode_stream_event;
}
pub use tasks::*;

// The README example is compiled (and, where it needs no network, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
