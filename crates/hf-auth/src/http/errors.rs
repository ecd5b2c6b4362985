//! Mapping error responses to [`HttpError`] (the Python client's `hf_raise_for_status` rules).

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use url::Url;

use super::retry::server_wait;
use crate::error::{HttpError, HttpErrorKind};

/// How much of an error body is read to find the server's message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// Reads a whole body, failing once it exceeds `limit` bytes (bounded memory).
///
/// # Errors
/// A message when the body is too large or the transfer breaks.
pub(crate) async fn read_body_limited(
    response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, String> {
    if let Some(len) = response.content_length()
        && len > limit
    {
        return Err(format!(
            "the body is {len} bytes, more than the {limit} allowed"
        ));
    }
    let mut out = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            // reqwest's own message ("error decoding response body") hides the cause.
            if e.is_timeout() {
                "the transfer stalled: no data arrived within the read timeout \
                 (raise HF_HUB_DOWNLOAD_TIMEOUT on slow links)"
                    .to_owned()
            } else {
                format!("the body could not be read: {}", error_chain(&e))
            }
        })?;
        if out.len() as u64 + chunk.len() as u64 > limit {
            return Err(format!("the body is larger than the {limit} bytes allowed"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}

/// Turns a non-success response into a typed [`HttpError`], reading at most 64 KiB of its body.
/// `sent_token` is the token the request carried: a server that echoes it back (in
/// `X-Error-Message` or the body) has it masked in every text the error keeps.
pub(crate) async fn error_from_response(
    response: reqwest::Response,
    method: &str,
    sent_token: Option<&crate::Token>,
) -> HttpError {
    let status = response.status().as_u16();
    let url = response.url().clone();
    let headers = response.headers().clone();
    let secret = sent_token.map(crate::Token::expose_secret);
    let mask_sent = |text: &str| match secret {
        Some(secret) => crate::sanitize::mask_secret(text, secret).into_owned(),
        None => text.to_owned(),
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(mask_sent)
    };
    let error_code = header("x-error-code");
    let error_message = header("x-error-message");
    let request_id = header("x-request-id")
        .or_else(|| header("x-amzn-trace-id"))
        .or_else(|| header("x-amz-cf-id"));
    let is_html = header("content-type").is_some_and(|ct| ct.contains("html"));
    let body = read_body_limited_lossy(response).await;

    let mut messages: Vec<String> = Vec::new();
    let mut error_type = None;
    let mut push = |m: String| {
        let m = m.trim().to_owned();
        if !m.is_empty() && !messages.contains(&m) {
            messages.push(m);
        }
    };
    if let Some(m) = &error_message {
        push(m.clone());
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(json) => {
            error_type = json_error_type(&json);
            for m in json_messages(&json) {
                push(m);
            }
        }
        Err(_) if !is_html && !body.is_empty() => {
            let text = String::from_utf8_lossy(&body);
            if !text.trim_start().starts_with('<') {
                push(text.chars().take(500).collect());
            }
        }
        Err(_) => {}
    }

    let path = url.path();
    let is_repo_url = path.starts_with("/api/models/")
        || path.starts_with("/api/datasets/")
        || path.starts_with("/api/spaces/")
        || path.contains("/resolve/");
    let invalid_credentials =
        error_message.as_deref() == Some("Invalid credentials in Authorization header");
    let kind = match (error_code.as_deref(), status) {
        (Some("RevisionNotFound"), _) => HttpErrorKind::RevisionNotFound,
        (Some("EntryNotFound"), _) => HttpErrorKind::EntryNotFound,
        (Some("GatedRepo"), _) => HttpErrorKind::GatedRepo,
        _ if error_message.as_deref() == Some("Access to this resource is disabled.") => {
            HttpErrorKind::DisabledRepo
        }
        (Some("RepoNotFound"), _) => HttpErrorKind::RepoNotFound,
        (_, 401) if is_repo_url && !invalid_credentials => HttpErrorKind::RepoNotFound,
        (_, 400) => HttpErrorKind::BadRequest,
        (_, 402) => HttpErrorKind::PaymentRequired,
        (_, 401) => HttpErrorKind::Unauthorized,
        (_, 403) => HttpErrorKind::Forbidden,
        (_, 404) => HttpErrorKind::NotFound,
        (_, 409) => HttpErrorKind::Conflict,
        (_, 412) => HttpErrorKind::PreconditionFailed,
        (_, 416) => HttpErrorKind::RangeNotSatisfiable,
        (_, 422) => HttpErrorKind::Unprocessable,
        (_, 429) => HttpErrorKind::RateLimited,
        (_, 500..=599) => HttpErrorKind::Server,
        _ => HttpErrorKind::OtherStatus,
    };
    let mut error = HttpError::new(kind, method, url.as_str());
    error.0.status = Some(status);
    error.0.error_code = error_code;
    error.0.error_type = error_type;
    error.0.request_id = request_id;
    error.0.repo_commit = header("x-repo-commit");
    error.0.retry_after = server_wait(&headers);
    if !messages.is_empty() {
        error.0.server_message = Some(mask_sent(&messages.join(" ")));
    }
    error
}

async fn read_body_limited_lossy(response: reqwest::Response) -> Bytes {
    let mut out = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        let room = ERROR_BODY_LIMIT as usize - out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() as u64 >= ERROR_BODY_LIMIT {
            break;
        }
    }
    out.freeze()
}

/// The error type in a JSON error body: TGI's `error_type`, or OpenAI's `error.type`.
fn json_error_type(json: &serde_json::Value) -> Option<String> {
    json.get("error_type")
        .or_else(|| json.get("error").and_then(|e| e.get("type")))
        .and_then(|t| t.as_str())
        .map(str::to_owned)
}

/// Messages in a JSON error body: `error` (string or list), `error_description`, `errors[].message`.
fn json_messages(json: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    match json.get("error") {
        Some(serde_json::Value::String(s)) => out.push(s.clone()),
        Some(serde_json::Value::Array(items)) => {
            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)));
        }
        Some(serde_json::Value::Object(obj)) => {
            if let Some(m) = obj.get("message").and_then(|m| m.as_str()) {
                out.push(m.to_owned());
            }
        }
        _ => {}
    }
    if let Some(d) = json.get("error_description").and_then(|d| d.as_str()) {
        out.push(d.to_owned());
    }
    if let Some(errors) = json.get("errors").and_then(|e| e.as_array()) {
        out.extend(
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(|m| m.as_str()).map(str::to_owned)),
        );
    }
    out
}

pub(super) const CONNECT_FAILED: &str = "could not connect";

/// What a certificate failure in `chain` (an error chain's text) means, in words.
fn certificate_problem(chain: &str) -> Option<&'static str> {
    if !chain.contains("certificate") {
        return None;
    }
    let reasons = [
        (
            "UnknownIssuer",
            "it is signed by an unknown certificate authority",
        ),
        (
            "unknown issuer",
            "it is signed by an unknown certificate authority",
        ),
        ("NotValidForName", "it is not valid for this host name"),
        ("not valid for name", "it is not valid for this host name"),
        ("Expired", "it has expired"),
        ("expired", "it has expired"),
        ("NotValidYet", "it is not valid yet"),
        ("Revoked", "it has been revoked"),
        ("BadSignature", "its signature is invalid"),
        (
            "UnsupportedSignatureAlgorithm",
            "it uses an unsupported signature algorithm",
        ),
        ("InvalidPurpose", "it is not meant for a TLS server"),
        ("BadEncoding", "it is malformed"),
    ];
    Some(
        reasons
            .iter()
            .find(|(code, _)| chain.contains(code))
            .map_or("it was not accepted", |(_, words)| words),
    )
}

pub(super) fn transport_error(error: &reqwest::Error, method: &str, url: &str) -> HttpError {
    let chain = error_chain(error);
    if let Some(problem) = certificate_problem(&chain) {
        let host = Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        return HttpError::new(HttpErrorKind::Certificate, method, url).with_detail(format!(
            "the TLS certificate of {host} was refused: {problem} ({chain})"
        ));
    }
    if error.is_timeout() {
        HttpError::new(HttpErrorKind::Timeout, method, url).with_detail(
            "no answer in time (raise HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT on slow links)",
        )
    } else if error.is_connect() {
        HttpError::new(HttpErrorKind::Connection, method, url).with_detail(CONNECT_FAILED)
    } else if error.is_builder() {
        HttpError::new(HttpErrorKind::Request, method, url).with_detail(error_chain(error))
    } else {
        HttpError::new(HttpErrorKind::Connection, method, url).with_detail(error_chain(error))
    }
}

/// The error and its causes on one line, with any URL query strings removed.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.dedup();
    let joined = parts.join(": ");
    // reqwest includes the full URL in its messages; signed query strings must not leak.
    joined
        .split_whitespace()
        .map(|word| {
            if word.contains("://") {
                crate::error::redact_url(word.trim_matches(|c| c == '(' || c == ')'))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Maps a transport error from a body stream (after the response started) to an [`HttpError`].
#[must_use]
pub(crate) fn stream_error(error: &reqwest::Error, method: &str, url: &str) -> HttpError {
    if error.is_timeout() {
        HttpError::new(HttpErrorKind::Timeout, method, url).with_detail("the transfer stalled")
    } else {
        HttpError::new(HttpErrorKind::Connection, method, url)
            .with_detail(format!("the transfer broke off: {}", error_chain(error)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_messages_cover_the_hub_shapes() {
        let v = serde_json::json!({"error": "Repository not found"});
        assert_eq!(json_messages(&v), vec!["Repository not found"]);
        let v = serde_json::json!({"error": ["a", "b"], "error_description": "c"});
        assert_eq!(json_messages(&v), vec!["a", "b", "c"]);
        let v = serde_json::json!({"errors": [{"message": "x"}]});
        assert_eq!(json_messages(&v), vec!["x"]);
    }

    #[test]
    fn error_types_cover_tgi_and_openai_bodies() {
        let tgi =
            serde_json::json!({"error": "Input validation error", "error_type": "validation"});
        assert_eq!(json_error_type(&tgi).as_deref(), Some("validation"));
        let openai =
            serde_json::json!({"error": {"message": "bad", "type": "invalid_request_error"}});
        assert_eq!(
            json_error_type(&openai).as_deref(),
            Some("invalid_request_error")
        );
        assert_eq!(
            json_error_type(&serde_json::json!({"error": "plain"})),
            None
        );
    }
}
