//! The crate's one error type, [`Error`], with messages that say what to do next.

use std::fmt;
use std::time::Duration;

use hf_auth::{HttpError, HttpErrorKind};

/// Everything that can go wrong when calling a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be configured (a malformed URL or environment variable).
    #[error("invalid inference configuration: {0}")]
    Config(String),
    /// The arguments were rejected before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The request failed at the HTTP level. `hint` says what to do about it.
    #[error("{source}{}", Hint(hint.as_deref()))]
    Http {
        /// The failed request, as reported by the HTTP core.
        #[source]
        source: HttpError,
        /// Advice for the user, when there is any.
        hint: Option<String>,
        /// Attempts made, retries included.
        attempts: u32,
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
        "model '{model}' is not available on {provider} for {task}{}; \
         check the 'Inference Providers' section of its model page",
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

struct Hint<'a>(Option<&'a str>);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(hint) => write!(f, "\n  hint: {hint}"),
            None => Ok(()),
        }
    }
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

    /// What to do about an HTTP failure, when known (also shown by `Display`).
    #[must_use]
    pub fn hint(&self) -> Option<&str> {
        match self {
            Self::Http { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    /// The HTTP failure, when this is one.
    #[must_use]
    pub fn as_http(&self) -> Option<&HttpError> {
        match self {
            Self::Http { source, .. } => Some(source),
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

/// What the failed call was about, to phrase the hint.
#[derive(Debug, Clone)]
pub(crate) struct CallContext {
    pub(crate) model: String,
    pub(crate) provider: String,
    pub(crate) has_token: bool,
    pub(crate) streaming: bool,
}

/// Turns a failed request into an [`Error`]: TGI/OpenAI typed bodies become [`Error::Model`],
/// everything else keeps the HTTP details and gains a hint.
pub(crate) fn from_http(source: HttpError, attempts: u32, ctx: &CallContext) -> Error {
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
    let hint = hint_for(&source, attempts, ctx);
    Error::Http {
        source,
        hint,
        attempts,
    }
}

fn hint_for(source: &HttpError, attempts: u32, ctx: &CallContext) -> Option<String> {
    let retried = if attempts > 1 {
        format!(" (gave up after {attempts} attempts)")
    } else {
        String::new()
    };
    let hint = match (source.kind(), source.status()) {
        (HttpErrorKind::Unauthorized, _) | (HttpErrorKind::RepoNotFound, Some(401)) if !ctx.has_token => {
            "no access token was sent: log in with `hf auth login` or set HF_TOKEN \
             (Inference Providers need a token with the 'Make calls to Inference Providers' permission)"
                .to_owned()
        }
        (HttpErrorKind::Unauthorized, _) | (_, Some(401)) => "the token was rejected (invalid, expired or revoked): \
             create a new one at https://huggingface.co/settings/tokens with the \
             'Make calls to Inference Providers' permission"
            .to_owned(),
        (HttpErrorKind::Forbidden, _) => "the token lacks the 'Make calls to Inference Providers' permission, \
             or access to this model: edit the token's permissions at https://huggingface.co/settings/tokens \
             (for gated models, request access on the model page)"
            .to_owned(),
        (_, Some(404)) => format!(
            "model '{}' is not served by provider '{}' (or does not exist): check the 'Inference Providers' \
             section of its model page, or let the router choose with provider 'auto'",
            ctx.model, ctx.provider
        ),
        (_, Some(422)) => "the server could not process these inputs or parameters (see its message above)".to_owned(),
        (_, Some(429)) => {
            let when = source.retry_after().map_or_else(
                || "in a minute".to_owned(),
                |wait| format!("in {} s", wait.as_secs().max(1)),
            );
            format!(
                "rate limit reached{retried}: retry {when}. Free accounts have small monthly inference credits; \
                 a PRO subscription or billing an organization (bill_to / X-HF-Bill-To) raises the limits"
            )
        }
        (_, Some(503)) => format!(
            "the model is loading or the provider is overloaded{retried}: try again in a minute, \
             or pick another provider"
        ),
        (_, Some(504)) if !ctx.streaming => "the gateway timed out before the full answer was ready: \
             stream the response (`hf chat` streams by default; `stream` in the API) for long generations"
            .to_owned(),
        (_, Some(500..=599)) => format!("the provider failed{retried}: try again later"),
        (HttpErrorKind::Timeout, _) => "no answer in time: raise the read timeout (models can take long \
             before the first byte), or stream the response"
            .to_owned(),
        _ => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

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
