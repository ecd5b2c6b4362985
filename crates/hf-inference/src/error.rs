//! The crate's one error type, [`Error`]: kinds and facts (status, model, provider, whether a
//! token was sent, the server's wait); what to do about them is the caller's to say.

use std::fmt;
use std::time::Duration;

use hf_auth::HttpError;

/// Everything that can go wrong when calling a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be configured (a malformed URL or environment variable).
    #[error("invalid inference configuration: {0}")]
    Config(String),
    /// The token found in the environment cannot be used (malformed, or its file unreadable).
    #[error(transparent)]
    Token(hf_auth::Error),
    /// The arguments were rejected before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The request failed at the HTTP level (attempts made: [`HttpError::attempts`]).
    #[error("{source}")]
    Http {
        /// The failed request, as reported by the HTTP core.
        #[source]
        source: HttpError,
        /// What the call was.
        call: CallFacts,
    },
    /// A streamed answer broke off before it was complete.
    #[error("the stream broke off before the answer was complete: {source}")]
    StreamBroken {
        /// The failed read.
        #[source]
        source: HttpError,
    },
    /// The model server reported an error in its body or in the middle of a stream
    /// (text-generation-inference `{"error", "error_type"}` and OpenAI-style `{"error": {...}}`).
    #[error("{kind} error from the model{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Model {
        /// The error type the server gave.
        kind: ModelErrorKind,
        /// The server's message.
        message: String,
        /// The HTTP status, when the error came as a response rather than a stream event.
        status: Option<u16>,
    },
    /// The model is not offered by the chosen provider for this task (from the provider mapping).
    #[error(
        "model '{model}' is not available on {provider} for {task}{}",
        if available.is_empty() { " (no provider serves it)".to_owned() } else { format!(" (it is served by: {})", available.join(", ")) }
    )]
    ProviderUnavailable {
        /// The model asked for.
        model: String,
        /// The provider asked for.
        provider: String,
        /// The task asked for.
        task: String,
        /// Providers that do serve the model.
        available: Vec<String>,
    },
    /// The response did not have the expected shape.
    #[error("unexpected response from {url}: {detail}")]
    Decode {
        /// Where the response came from (without query string).
        url: String,
        /// What did not match.
        detail: String,
    },
}

/// The kinds of error a text-generation server reports (`error_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelErrorKind {
    /// The input or parameters are invalid (`validation`).
    Validation,
    /// Generation failed (`generation`).
    Generation,
    /// The server is overloaded (`overloaded`): retry later.
    Overloaded,
    /// Generation stopped early (`incomplete_generation`).
    IncompleteGeneration,
    /// The chat template is missing or failed (`template_error`).
    Template,
    /// Any other type, as the server spelled it (`unknown` when it gave none).
    Other(String),
}

impl ModelErrorKind {
    /// Maps a server's `error_type` string.
    #[must_use]
    pub fn from_type(error_type: Option<&str>) -> Self {
        match error_type {
            Some("validation") => Self::Validation,
            Some("generation") => Self::Generation,
            Some("overloaded") => Self::Overloaded,
            Some("incomplete_generation") => Self::IncompleteGeneration,
            Some("template_error") => Self::Template,
            Some(other) => Self::Other(other.to_owned()),
            None => Self::Other("unknown".to_owned()),
        }
    }
}

impl fmt::Display for ModelErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Validation => "validation",
            Self::Generation => "generation",
            Self::Overloaded => "overloaded",
            Self::IncompleteGeneration => "incomplete generation",
            Self::Template => "chat template",
            Self::Other(other) => other,
        })
    }
}

impl Error {
    /// The HTTP status of the failed response, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { source, .. } => source.status(),
            Self::Model { status, .. } => *status,
            _ => None,
        }
    }

    /// What the call was, when it failed at the HTTP level.
    #[must_use]
    pub fn call(&self) -> Option<&CallFacts> {
        match self {
            Self::Http { call, .. } => Some(call),
            _ => None,
        }
    }

    /// The HTTP failure, when this is one.
    #[must_use]
    pub fn as_http(&self) -> Option<&HttpError> {
        match self {
            Self::Http { source, .. } | Self::StreamBroken { source } => Some(source),
            _ => None,
        }
    }

    /// How long the server asked to wait before retrying (429/503 `Retry-After`).
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_http().and_then(HttpError::retry_after)
    }

    /// Whether trying again later may succeed (rate limits, loading or overloaded models, network).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Http { source, .. } => source.is_transient(),
            Self::StreamBroken { .. } => true,
            Self::Model { kind, .. } => *kind == ModelErrorKind::Overloaded,
            _ => false,
        }
    }

    pub(crate) fn decode(url: &str, detail: impl Into<String>) -> Self {
        Self::Decode {
            url: hf_auth::redact_url(url),
            detail: detail.into(),
        }
    }
}

/// What a failed call was: the facts a caller needs to say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallFacts {
    /// The model asked for.
    pub model: String,
    /// The provider asked for (`auto`: the router chose).
    pub provider: String,
    /// Whether a token was sent.
    pub token_sent: bool,
    /// Whether the answer was streamed.
    pub streaming: bool,
}

impl CallFacts {
    /// The facts of a call to `model` through `provider`.
    #[must_use]
    pub fn new(model: &str, provider: &str, token_sent: bool, streaming: bool) -> Self {
        Self {
            model: model.to_owned(),
            provider: provider.to_owned(),
            token_sent,
            streaming,
        }
    }
}

/// Turns a failed request into an [`Error`]: TGI/OpenAI typed bodies become [`Error::Model`],
/// everything else keeps the HTTP details and what the call was.
pub(crate) fn from_http(source: HttpError, call: &CallFacts) -> Error {
    let status = source.status();
    let error_type = source.error_type().map(str::to_owned);
    // TGI's kinds, with a status that is not about auth or routing, are the model's own errors.
    if let (Some(kind), Some(message)) = (&error_type, source.server_message())
        && !matches!(status, Some(401 | 403 | 404 | 429))
        && matches!(
            kind.as_str(),
            "validation" | "generation" | "overloaded" | "incomplete_generation" | "template_error"
        )
    {
        return Error::Model {
            kind: ModelErrorKind::from_type(Some(kind)),
            message: message.to_owned(),
            status,
        };
    }
    Error::Http {
        source,
        call: call.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind that does not wrap a request (those show the HTTP core's message, checked
    /// in hf-auth); what to do is the caller's to say.
    #[test]
    fn messages_carry_facts_not_advice() {
        let errors = [
            Error::Config("HF_ROUTER_URL is not a URL".into()),
            Error::InvalidInput("the prompt is empty".into()),
            Error::Model {
                kind: ModelErrorKind::Validation,
                message: "inputs too long".into(),
                status: Some(422),
            },
            Error::ProviderUnavailable {
                model: "m/x".into(),
                provider: "groq".into(),
                task: "conversational".into(),
                available: vec!["together".into()],
            },
            Error::decode("https://router.example/v1", "missing 'choices'"),
        ];
        for error in errors {
            hf_test_server::assert_no_advice(&error.to_string());
        }
    }

    #[test]
    fn model_error_kinds_round_trip_tgi_names() {
        for name in [
            "validation",
            "generation",
            "overloaded",
            "incomplete_generation",
            "template_error",
        ] {
            assert!(
                !matches!(
                    ModelErrorKind::from_type(Some(name)),
                    ModelErrorKind::Other(_)
                ),
                "{name}"
            );
        }
        assert_eq!(
            ModelErrorKind::from_type(Some("weird")),
            ModelErrorKind::Other("weird".to_owned())
        );
    }
}
