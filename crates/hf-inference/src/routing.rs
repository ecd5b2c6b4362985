//! Where a call goes: the providers, the Hub's provider mapping of a model, explicit base
//! URLs, and the retired Inference API's URLs (read as the model they name).

use crate::error::Error;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use url::Url;

/// The Inference Providers router.
pub const DEFAULT_ROUTER_URL: &str = "https://router.huggingface.co";

/// The provider that serves the task APIs (`/models/{id}`).
pub const HF_INFERENCE: &str = "hf-inference";

/// Which provider serves the calls.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Provider {
    /// Let the router choose for chat (model suffixes such as `:fastest` or `:cheapest` are passed
    /// through); for the other tasks, use `hf-inference` when the model's provider mapping lists it.
    #[default]
    Auto,
    /// Hugging Face's own `hf-inference` provider.
    HfInference,
    /// Another provider by name (`together`, `groq`, `novita`, ...). Chat is routed through the
    /// router as `model:provider`; the task APIs are only available on `hf-inference`.
    Other(String),
}

impl Provider {
    /// The provider's name (`auto`, `hf-inference`, ...).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Auto => "auto",
            Self::HfInference => HF_INFERENCE,
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        match name.as_str() {
            "" | "auto" => Ok(Self::Auto),
            HF_INFERENCE => Ok(Self::HfInference),
            _ if name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') =>
            {
                Ok(Self::Other(name))
            }
            _ => Err(Error::InvalidInput(format!(
                "'{s}' is not a provider name (expected auto, hf-inference, together, groq, ...)"
            ))),
        }
    }
}

/// One provider's entry in a model's provider mapping (`GET /api/models/{id}?expand=inferenceProviderMapping`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderMapping {
    /// The provider (`hf-inference`, `together`, ...).
    pub provider: String,
    /// The model's id at that provider.
    pub provider_id: String,
    /// The task it serves the model for (`conversational`, `text-classification`, ...).
    pub task: String,
    /// `live` or `staging`.
    pub status: String,
}

/// The host of the retired serverless Inference API.
pub const RETIRED_INFERENCE_API_HOST: &str = "api-inference.huggingface.co";

/// The model id of a URL of the retired Inference API
/// (`https://api-inference.huggingface.co/models/<id>`, as older guides give it), or `None`
/// for any other text. Such a call now goes to the `hf-inference` provider through the router.
#[must_use]
pub fn retired_inference_api_model(url: &str) -> Option<String> {
    let url = Url::parse(url.trim()).ok()?;
    if url.host_str()? != RETIRED_INFERENCE_API_HOST {
        return None;
    }
    let rest = url.path().strip_prefix("/models/")?;
    // `org/name` or `name`, possibly followed by an OpenAI-style suffix (`/v1/chat/completions`).
    let rest = rest
        .split("/v1/")
        .next()
        .unwrap_or(rest)
        .trim_end_matches('/');
    let parts: Vec<&str> = rest.split('/').collect();
    let valid = |part: &&str| {
        !part.is_empty()
            && *part != "."
            && *part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (matches!(parts.len(), 1 | 2) && parts.iter().all(valid)).then(|| parts.join("/"))
}

pub(crate) fn parse_base(what: &str, raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        Error::Config(format!(
            "the {what} '{raw}' is not a URL ({e}); expected e.g. {DEFAULT_ROUTER_URL}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!(
            "the {what} '{raw}' must be an absolute http(s) URL"
        )));
    }
    if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!(
            "the {what} '{}' must not contain a query or credentials",
            hf_auth::redact_url(raw)
        )));
    }
    let trimmed = url.as_str().trim_end_matches('/').to_owned();
    Url::parse(&trimmed)
        .map_err(|e| Error::Config(format!("the {what} '{raw}' is not a URL ({e})")))
}

/// Chat path rules for explicit URLs (as the Python client applies them).
pub(crate) fn chat_path(base: &Url) -> Result<Url, Error> {
    let raw = base.as_str().trim_end_matches('/');
    let full = if raw.ends_with("/chat/completions") {
        raw.to_owned()
    } else if raw.ends_with("/v1") {
        format!("{raw}/chat/completions")
    } else {
        format!("{raw}/v1/chat/completions")
    };
    Url::parse(&full).map_err(|e| Error::Config(format!("bad chat URL {full:?}: {e}")))
}

/// The `model` sent to an explicit URL: the given name, or `tgi` when the model *is* the URL.
pub(crate) fn explicit_model(model: &str) -> String {
    if model.is_empty() || model.starts_with("http://") || model.starts_with("https://") {
        "tgi".to_owned()
    } else {
        model.to_owned()
    }
}

/// Model ids go into URL paths: allow only what Hub ids (and router suffixes, for chat) use.
pub(crate) fn check_model_id(model: &str, allow_suffix: bool) -> Result<(), Error> {
    let (id, suffix) = match model.split_once(':') {
        Some((id, suffix)) if allow_suffix => (id, Some(suffix)),
        _ => (model, None),
    };
    let valid_part = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let parts: Vec<&str> = id.split('/').collect();
    let id_ok = (1..=2).contains(&parts.len()) && parts.iter().all(|p| valid_part(p));
    let suffix_ok = suffix.is_none_or(valid_part);
    if id_ok && suffix_ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{model}' is not a model id (expected 'namespace/name'{}, or a URL)",
            if allow_suffix {
                ", optionally with ':provider' or ':fastest'"
            } else {
                ""
            }
        )))
    }
}

/// Reads the mapping in either shape the Hub has used: an object keyed by provider, or a list
/// of entries with a `provider` field.
pub(crate) fn parse_mapping(value: &Value) -> Vec<ProviderMapping> {
    let entry = |provider: &str, v: &Value| ProviderMapping {
        provider: provider.to_owned(),
        provider_id: v
            .get("providerId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        task: v
            .get("task")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        status: v
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("live")
            .to_owned(),
    };
    match value {
        Value::Object(map) => map.iter().map(|(provider, v)| entry(provider, v)).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|v| Some(entry(v.get("provider")?.as_str()?, v)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod retired_api_tests {
    use super::retired_inference_api_model;

    #[test]
    fn retired_inference_api_urls_name_their_model() {
        for (url, model) in [
            (
                "https://api-inference.huggingface.co/models/gpt2",
                Some("gpt2"),
            ),
            (
                "https://api-inference.huggingface.co/models/org/model/",
                Some("org/model"),
            ),
            (
                "https://api-inference.huggingface.co/models/org/m/v1/chat/completions",
                Some("org/m"),
            ),
            ("https://api-inference.huggingface.co/", None),
            ("https://api-inference.huggingface.co/models/a/b/c", None),
            ("https://api-inference.huggingface.co/models/../x", None),
            ("https://router.huggingface.co/models/gpt2", None),
            ("gpt2", None),
        ] {
            assert_eq!(retired_inference_api_model(url).as_deref(), model, "{url}");
        }
    }
}
