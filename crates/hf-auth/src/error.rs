//! The crate's error type, [`Error`], and [`HttpError`], the typed outcome of a
//! failed Hub request that the crates above carry unchanged.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong in `hf-auth`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Hub request failed; see [`HttpError::kind`] (also the error's `source()`).
    #[error("{0}")]
    Http(#[from] HttpError),
    /// A configuration value (usually an environment variable) is malformed.
    #[error("invalid {name}: {reason}")]
    Config {
        /// The variable or option name.
        name: String,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// No token was found anywhere it was looked for.
    #[error("no access token found (looked in: {looked_in})")]
    NoToken {
        /// The places searched, in order.
        looked_in: String,
    },
    /// A token was rejected before any request (format, organisation API key, ...).
    #[error("{0}")]
    InvalidToken(String),
    /// A stored token name does not exist.
    #[error("no stored token named '{name}' in {path}")]
    UnknownTokenName {
        /// The name asked for.
        name: String,
        /// The `stored_tokens` file searched.
        path: String,
    },
    /// The OS keyring could not be used.
    #[error("the OS keyring is unavailable: {0}")]
    Keyring(String),
    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file has unexpected content.
    #[error("{0}")]
    Parse(String),
    /// The Hub answered 401 to the token check: the token is revoked, expired, mistyped or
    /// belongs to another endpoint.
    #[error(
        "the Hub rejected the token{}{} (401 Unauthorized): it was revoked, has expired, was \
         mistyped, or belongs to another Hub endpoint",
        shown.as_ref().map(|t| format!(" ({t})")).unwrap_or_default(),
        origin.as_ref().map(|s| format!(" from {s}")).unwrap_or_default()
    )]
    TokenRejected {
        /// The token, masked (`hf_****abcd`).
        shown: Option<String>,
        /// Where the token came from, when known.
        origin: Option<crate::TokenSource>,
    },
}

impl Error {
    /// The HTTP details when this is a failed request.
    #[must_use]
    pub fn as_http(&self) -> Option<&HttpError> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

/// What kind of failure a Hub request ended in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// `X-Error-Code: RepoNotFound`, or a 401 on a repo URL: missing, private, or a typo.
    RepoNotFound,
    /// `X-Error-Code: RevisionNotFound`.
    RevisionNotFound,
    /// `X-Error-Code: EntryNotFound`: the file does not exist at that revision.
    EntryNotFound,
    /// `X-Error-Code: GatedRepo`: access must be requested on the repo page.
    GatedRepo,
    /// `Access to this resource is disabled.`
    DisabledRepo,
    /// 400.
    BadRequest,
    /// 401: the token is missing, invalid, expired or revoked.
    Unauthorized,
    /// 403: the token is valid but lacks the permission.
    Forbidden,
    /// Any other 404.
    NotFound,
    /// 409: it already exists, or a conflicting operation is in progress.
    Conflict,
    /// 412: a precondition (such as the parent commit) no longer holds.
    PreconditionFailed,
    /// 416: the requested byte range is not satisfiable.
    RangeNotSatisfiable,
    /// 422: the server could not process the input.
    Unprocessable,
    /// 429: rate limited; see [`HttpError::retry_after`].
    RateLimited,
    /// 402: the account's allowance or credits are used up. [`HttpError::error_code`]
    /// `EgressLimitReached` means its download (egress) allowance for the last 30 days.
    PaymentRequired,
    /// A 5xx answer.
    Server,
    /// Any other non-success status.
    OtherStatus,
    /// Offline mode is on: nothing was sent.
    Offline,
    /// Connecting or reading took longer than allowed.
    Timeout,
    /// The connection could not be made or broke off.
    Connection,
    /// Too many redirects, or a redirect that may not be followed.
    Redirect,
    /// The server's TLS certificate was refused (unknown issuer, wrong name, expired...).
    /// Never retried: trying again cannot change the certificate.
    Certificate,
    /// The body could not be decoded (invalid JSON, too large, ...).
    Decode,
    /// The request could not be built (bad URL, header, ...).
    Request,
}

/// A failed Hub request: its kind, status, the server's message and request id.
/// The URL kept here has its query string and userinfo removed (signed URLs must not leak).
#[derive(Debug)]
pub struct HttpError(pub(crate) Box<HttpErrorInner>);

#[derive(Debug)]
pub(crate) struct HttpErrorInner {
    pub(crate) kind: HttpErrorKind,
    pub(crate) status: Option<u16>,
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) server_message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) error_type: Option<String>,
    pub(crate) repo_commit: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) token_sent: bool,
    pub(crate) metadata_request: bool,
    pub(crate) detail: Option<String>,
}

impl HttpError {
    pub(crate) fn new(kind: HttpErrorKind, method: &str, url: &str) -> Self {
        Self(Box::new(HttpErrorInner {
            kind,
            status: None,
            method: method.to_owned(),
            url: redact_url(url),
            server_message: None,
            request_id: None,
            error_code: None,
            error_type: None,
            repo_commit: None,
            retry_after: None,
            attempts: 1,
            token_sent: false,
            metadata_request: false,
            detail: None,
        }))
    }

    /// A failure with these facts, built by hand: for callers' tests of how they present
    /// failures (the CLI's hints), and adapters that map other transports. Real failures come
    /// from [`crate::http::HubRequest::send`].
    #[doc(hidden)]
    #[must_use]
    pub fn synthetic(
        kind: HttpErrorKind,
        status: Option<u16>,
        method: &str,
        url: &str,
        retry_after: Option<Duration>,
        token_sent: bool,
    ) -> Self {
        let mut error = Self::new(kind, method, url);
        error.0.status = status;
        error.0.retry_after = retry_after;
        error.0.token_sent = token_sent;
        error
    }

    /// Marks a synthetic failure as a metadata request's (see [`HttpError::metadata_request`]).
    #[doc(hidden)]
    #[must_use]
    pub fn synthetic_metadata_request(mut self) -> Self {
        self.0.metadata_request = true;
        self
    }

    /// Whether the request ran under the metadata time limit (`HF_HUB_ETAG_TIMEOUT`: API
    /// calls and `HEAD`s that asked for it), not the transfer's read timeout.
    #[must_use]
    pub fn metadata_request(&self) -> bool {
        self.0.metadata_request
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> &HttpErrorKind {
        &self.0.kind
    }
    /// The HTTP status, when a response was received.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The request URL without query string or credentials.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.0.url
    }
    /// The request method.
    #[must_use]
    pub fn method(&self) -> &str {
        &self.0.method
    }
    /// The server's explanation (`X-Error-Message` or the body's `error`), with the token that
    /// was sent masked. Still raw otherwise: show it through [`crate::sanitize::for_display`]
    /// (as this type's `Display` does).
    #[must_use]
    pub fn server_message(&self) -> Option<&str> {
        self.0.server_message.as_deref()
    }
    /// The request id (`X-Request-Id`, `X-Amzn-Trace-Id` or `X-Amz-Cf-Id`), for bug reports.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The `X-Error-Code` header, when present.
    #[must_use]
    pub fn error_code(&self) -> Option<&str> {
        self.0.error_code.as_deref()
    }
    /// The machine-readable error type in a JSON error body: `error_type` (text-generation-inference:
    /// `validation`, `generation`, `overloaded`, `incomplete_generation`, ...) or `error.type`
    /// (OpenAI-compatible servers). Used by `hf-inference` to build typed errors.
    #[must_use]
    pub fn error_type(&self) -> Option<&str> {
        self.0.error_type.as_deref()
    }
    /// The `X-Repo-Commit` header of the error response: the commit at which a file was
    /// found missing (lets a cache record `.no_exist` entries, as the Python client does).
    #[must_use]
    pub fn repo_commit(&self) -> Option<&str> {
        self.0.repo_commit.as_deref()
    }
    /// How long the server asked us to wait (`Retry-After` or `RateLimit ... t=N`).
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// Whether the request was meant to carry the token (a token was configured and the
    /// request was not marked [`crate::http::HubRequest::without_auth`]).
    #[must_use]
    pub fn token_sent(&self) -> bool {
        self.0.token_sent
    }
    /// How many attempts were made, retries included.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// Whether the failure is transient (worth retrying later, or falling back to a cache).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(
            self.0.kind,
            HttpErrorKind::Timeout
                | HttpErrorKind::Connection
                | HttpErrorKind::Server
                | HttpErrorKind::RateLimited
        ) || self.0.status == Some(408)
    }
}

impl HttpError {
    /// What kind of failure this is, in a few words (`timed out`, `rate limited (429)`).
    pub(crate) fn kind_text(&self) -> &'static str {
        match &self.0.kind {
            HttpErrorKind::RepoNotFound => "repository not found",
            HttpErrorKind::RevisionNotFound => "revision not found",
            HttpErrorKind::EntryNotFound => "file not found",
            HttpErrorKind::GatedRepo => "access to this gated repository is restricted",
            HttpErrorKind::DisabledRepo => "access to this repository is disabled",
            HttpErrorKind::BadRequest => "bad request",
            HttpErrorKind::Unauthorized => "unauthorized (401)",
            HttpErrorKind::Forbidden => "forbidden (403)",
            HttpErrorKind::NotFound => "not found (404)",
            HttpErrorKind::Conflict => "conflict (409)",
            HttpErrorKind::PreconditionFailed => "precondition failed (412)",
            HttpErrorKind::RangeNotSatisfiable => "requested range not satisfiable (416)",
            HttpErrorKind::Unprocessable => "unprocessable input (422)",
            HttpErrorKind::RateLimited => "rate limited (429)",
            HttpErrorKind::PaymentRequired => "payment required (402)",
            HttpErrorKind::Server => "server error",
            HttpErrorKind::OtherStatus => "request failed",
            HttpErrorKind::Offline => "offline mode is enabled (HF_HUB_OFFLINE)",
            HttpErrorKind::Timeout => "timed out",
            HttpErrorKind::Connection => "connection failed",
            HttpErrorKind::Redirect => "redirect refused",
            HttpErrorKind::Certificate => "TLS certificate refused",
            HttpErrorKind::Decode => "invalid response",
            HttpErrorKind::Request => "invalid request",
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.kind_text();
        write!(f, "{what}")?;
        if let Some(status) = self.0.status
            && !what.contains(&status.to_string())
        {
            write!(f, " (HTTP {status})")?;
        }
        // Everything below may hold server-supplied text (the URL of a redirect, the
        // server's message, a decoder's quote of the body): shown only through `sanitize`.
        let safe = crate::sanitize::for_display;
        write!(f, " for {} {}", self.0.method, safe(&self.0.url))?;
        if let Some(id) = &self.0.request_id {
            write!(f, " (request id: {})", safe(id))?;
        }
        if let Some(message) = &self.0.server_message {
            write!(f, ": {}", safe(message))?;
        }
        if let Some(detail) = &self.0.detail {
            write!(f, ": {}", safe(detail))?;
        }
        if self.0.attempts > 1 {
            write!(f, " (after {} attempts)", self.0.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for HttpError {}

/// Removes the query string, fragment and userinfo from a URL before it is shown or logged.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use hf_test_server::assert_no_advice;

    #[test]
    fn messages_carry_facts_not_advice() {
        let kinds = [
            HttpErrorKind::RepoNotFound,
            HttpErrorKind::RevisionNotFound,
            HttpErrorKind::EntryNotFound,
            HttpErrorKind::GatedRepo,
            HttpErrorKind::DisabledRepo,
            HttpErrorKind::BadRequest,
            HttpErrorKind::Unauthorized,
            HttpErrorKind::Forbidden,
            HttpErrorKind::NotFound,
            HttpErrorKind::Conflict,
            HttpErrorKind::PreconditionFailed,
            HttpErrorKind::RangeNotSatisfiable,
            HttpErrorKind::Unprocessable,
            HttpErrorKind::RateLimited,
            HttpErrorKind::Server,
            HttpErrorKind::OtherStatus,
            HttpErrorKind::Offline,
            HttpErrorKind::Timeout,
            HttpErrorKind::Connection,
            HttpErrorKind::Redirect,
            HttpErrorKind::Certificate,
            HttpErrorKind::Decode,
            HttpErrorKind::Request,
        ];
        for kind in kinds {
            let error = HttpError::new(kind, "GET", "https://hub.example/api/models/a/b");
            assert_no_advice(&error.to_string());
            assert_no_advice(&Error::Http(error).to_string());
        }
        let source = crate::TokenSource::EnvHfToken;
        let errors = [
            Error::Config {
                name: "HF_ENDPOINT".into(),
                reason: "'x' is not an absolute http(s) URL".into(),
            },
            Error::NoToken {
                looked_in: "HF_TOKEN, the token file".into(),
            },
            Error::UnknownTokenName {
                name: "ci".into(),
                path: "/h/stored_tokens".into(),
            },
            Error::Io {
                context: "cannot read /h/token".into(),
                source: std::io::Error::other("denied"),
            },
            Error::TokenRejected {
                shown: Some("hf_****abcd".into()),
                origin: Some(source.clone()),
            },
            crate::discovery::check_format(&crate::Token::new("api_org_abcdefgh"), &source)
                .unwrap_err(),
            crate::discovery::check_format(&crate::Token::new("Bearer hf_abc"), &source)
                .unwrap_err(),
            crate::discovery::check_format(&crate::Token::new("hf_a b"), &source).unwrap_err(),
        ];
        for error in errors {
            assert_no_advice(&error.to_string());
        }
    }

    #[test]
    fn redaction_drops_query_and_credentials() {
        assert_eq!(
            redact_url("https://user:pw@cdn.example/lfs/abc?sig=secret&exp=1"),
            "https://cdn.example/lfs/abc"
        );
    }
}
