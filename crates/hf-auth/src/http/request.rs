//! `HubRequest`: one request as built by a crate above; `send` applies the retry policy,
//! follows redirects (dropping the token once they leave the Hub) and maps error answers.

use super::client::HubClient;
use super::config::MAX_JSON_BODY;
use super::config::MAX_REDIRECTS;
use super::errors::CONNECT_FAILED;
use super::errors::error_from_response;
use super::errors::transport_error;
use super::response::HubResponse;
use super::retry::RetryPolicy;
use crate::error::{HttpError, HttpErrorKind};
use bytes::Bytes;
use futures_util::Stream;
use http::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, LOCATION};
use http::{Method, StatusCode};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// How redirects are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Follow up to [`MAX_REDIRECTS`] hops; the token is dropped for good once a hop leaves the trusted origins.
    Follow,
    /// Follow hops that stay on trusted origins (renamed repos); return the first redirect
    /// that leaves them (a CDN) as the response, unfollowed.
    StopAtUntrusted,
    /// Never follow; a 3xx is returned as the response.
    Never,
}

pub(super) type BodyFactory = Arc<dyn Fn() -> OutgoingBody + Send + Sync>;

/// A streamed request body, made afresh by [`HubRequest::body_fn`] for every attempt.
pub enum OutgoingBody {
    /// Bytes held in memory.
    Bytes(Bytes),
    /// Chunks read as they are sent (a file); an error aborts the request.
    Stream(Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send + 'static>>),
}

impl std::fmt::Debug for OutgoingBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(bytes) => write!(f, "OutgoingBody::Bytes({} bytes)", bytes.len()),
            Self::Stream(_) => f.write_str("OutgoingBody::Stream"),
        }
    }
}

impl OutgoingBody {
    /// A body of chunks read as they are sent.
    pub fn stream(chunks: impl Stream<Item = std::io::Result<Bytes>> + Send + 'static) -> Self {
        Self::Stream(Box::pin(chunks))
    }

    fn into_body(self) -> reqwest::Body {
        match self {
            Self::Bytes(bytes) => reqwest::Body::from(bytes),
            Self::Stream(chunks) => reqwest::Body::wrap_stream(chunks),
        }
    }
}

#[derive(Clone)]
pub(super) enum RequestBody {
    Bytes(Bytes),
    Factory(BodyFactory),
}

impl RequestBody {
    fn make(&self) -> reqwest::Body {
        match self {
            Self::Bytes(bytes) => reqwest::Body::from(bytes.clone()),
            Self::Factory(make) => make().into_body(),
        }
    }
}

/// Why an attempt is repeated.
pub(super) enum Retrying<'a> {
    Status(u16),
    Transport(&'a HttpError),
}

/// One request being built. Send it with [`HubRequest::send`] or [`HubRequest::send_json`].
pub struct HubRequest {
    pub(super) client: HubClient,
    pub(super) method: Method,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<RequestBody>,
    pub(super) timeout: Option<Duration>,
    /// Whether `timeout` is the metadata time limit (the errors say so, for the hints).
    pub(super) metadata: bool,
    pub(super) auth: bool,
    pub(super) idempotent: bool,
    pub(super) retry_status: Option<super::retry::RetryPredicate>,
    pub(super) redirects: Redirects,
}

impl std::fmt::Debug for HubRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubRequest")
            .field("method", &self.method)
            .field("url", &crate::error::redact_url(self.url.as_str()))
            .finish_non_exhaustive()
    }
}

impl HubRequest {
    /// Adds a header. Invalid names or values are ignored with a debug log.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => tracing::debug!(header = name, "ignoring an invalid header"),
        }
        self
    }

    /// Appends query parameters (percent-encoded here).
    #[must_use]
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        if !pairs.is_empty() {
            self.url.query_pairs_mut().extend_pairs(pairs);
        }
        self
    }

    /// A JSON body (and its content type).
    #[must_use]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        self.header("content-type", "application/json").body(bytes)
    }

    /// A body held in memory (replayed on retries).
    #[must_use]
    pub fn body(mut self, bytes: impl Into<Bytes>) -> Self {
        self.body = Some(RequestBody::Bytes(bytes.into()));
        self
    }

    /// A streamed body, re-created by `make` for every attempt (so retries can replay it).
    #[must_use]
    pub fn body_fn(mut self, make: impl Fn() -> OutgoingBody + Send + Sync + 'static) -> Self {
        self.body = Some(RequestBody::Factory(Arc::new(make)));
        self
    }

    /// A total time limit for each attempt.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limits each attempt to the configured metadata timeout (`HF_HUB_ETAG_TIMEOUT`).
    #[must_use]
    pub fn metadata_timeout(self) -> Self {
        let timeout = self.client.inner.config.metadata_timeout;
        let mut request = self.timeout(timeout);
        request.metadata = true;
        request
    }

    /// Never sends the token, even to trusted origins (CDN and presigned URLs).
    #[must_use]
    pub fn without_auth(mut self) -> Self {
        self.auth = false;
        self
    }

    /// Whether error statuses may be retried. `GET`, `HEAD`, `PUT`, `DELETE` are idempotent by default.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Which error statuses are retried, instead of the policy's statuses for idempotent
    /// requests: for calls that are safe to repeat only on some answers (a model that is
    /// loading, a rate limit that says when). The waits are still the policy's.
    #[must_use]
    pub fn retry_status_when(mut self, predicate: super::retry::RetryPredicate) -> Self {
        self.retry_status = Some(predicate);
        self
    }

    /// How redirects are handled (default: [`Redirects::Follow`]).
    #[must_use]
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.redirects = redirects;
        self
    }

    /// Sends the request with retries. Success statuses, `304`, and unfollowed redirects
    /// are returned; anything else becomes an [`HttpError`].
    ///
    /// # Errors
    /// Offline mode, transport failures after retries, and error statuses.
    pub async fn send(self) -> Result<HubResponse, HttpError> {
        let metadata = self.metadata;
        self.send_with_retries().await.map_err(|mut error| {
            error.0.metadata_request = metadata;
            error
        })
    }

    async fn send_with_retries(self) -> Result<HubResponse, HttpError> {
        let config = &self.client.inner.config;
        let policy = config.retry.clone();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if config.offline {
                return Err(HttpError::new(
                    HttpErrorKind::Offline,
                    self.method.as_str(),
                    self.url.as_str(),
                )
                .with_detail("no request was sent"));
            }
            let can_retry = attempt < policy.max_attempts;
            match self.send_following_redirects().await {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() || status.is_redirection() {
                        return Ok(HubResponse::new(response, &self.method, &self.url));
                    }
                    let failed = super::retry::FailedAttempt {
                        status: status.as_u16(),
                        server_wait: super::retry::server_wait(response.headers()),
                    };
                    let retryable = match self.retry_status {
                        Some(predicate) => predicate(&failed),
                        None => self.idempotent && policy.retries_status(failed.status),
                    };
                    if retryable && can_retry {
                        match policy.delay_for(attempt, response.headers()) {
                            Ok(delay) => {
                                drop(response);
                                super::retry::notify_retry(&failed);
                                self.announce_retry(
                                    &Retrying::Status(failed.status),
                                    delay,
                                    attempt,
                                    &policy,
                                );
                                tokio::time::sleep(delay).await;
                                continue;
                            }
                            Err(_too_long) => {
                                // The server asks for a longer wait than we allow: fail now and say when to retry.
                            }
                        }
                    }
                    let sent = self.client.token();
                    let mut error = error_from_response(response, self.method.as_str(), sent).await;
                    error.0.attempts = attempt;
                    error.0.token_sent = self.auth && sent.is_some();
                    return Err(error);
                }
                Err(error) => {
                    // A connection that was never established sent nothing: safe to retry for any method.
                    let retryable = matches!(
                        error.0.kind,
                        HttpErrorKind::Connection | HttpErrorKind::Timeout
                    ) && (self.idempotent
                        || error.0.detail.as_deref() == Some(CONNECT_FAILED));
                    if retryable && can_retry {
                        let delay = policy.backoff(attempt);
                        self.announce_retry(&Retrying::Transport(&error), delay, attempt, &policy);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    let mut error = error;
                    error.0.attempts = attempt;
                    return Err(error);
                }
            }
        }
    }

    /// Says why and how long we wait before the next attempt: at the default verbosity (warn)
    /// when the wait is long enough to notice, half a second or more (people should know why
    /// nothing happens; the policy's first backoff is at least 0.75 s), in the debug log
    /// otherwise.
    fn announce_retry(
        &self,
        why: &Retrying<'_>,
        delay: Duration,
        attempt: u32,
        policy: &RetryPolicy,
    ) {
        let config = &self.client.inner.config;
        let who = if self.url.origin() == config.endpoint.origin() {
            "the Hub".to_owned()
        } else {
            self.url.host_str().unwrap_or("the server").to_owned()
        };
        let reason = match why {
            Retrying::Status(429) => format!("rate limited by {who}"),
            Retrying::Status(503) => format!("{who} is unavailable (503: loading or busy)"),
            Retrying::Status(status) => format!("{who} answered {status}"),
            Retrying::Transport(error) => format!("{} ({who})", error.kind_text()),
        };
        let secs = delay.as_secs_f64();
        let wait = if secs >= 10.0 {
            format!("{secs:.0} s")
        } else {
            format!("{secs:.1} s")
        };
        let next = attempt + 1;
        let of = policy.max_attempts;
        let url = crate::error::redact_url(self.url.as_str());
        if delay >= Duration::from_millis(500) {
            tracing::warn!(%url, "{reason}; retrying in {wait} (attempt {next} of {of})");
        } else {
            tracing::debug!(%url, "{reason}; retrying in {wait} (attempt {next} of {of})");
        }
    }

    /// Sends the request and decodes a JSON body of at most [`MAX_JSON_BODY`] bytes.
    ///
    /// # Errors
    /// As [`HubRequest::send`], plus [`HttpErrorKind::Decode`] for invalid or oversized bodies.
    pub async fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<T, HttpError> {
        let method = self.method.to_string();
        let response = self.send().await?;
        let url = response.url().to_string();
        let body = response
            .read_limited(MAX_JSON_BODY)
            .await
            .map_err(|e| HttpError::new(HttpErrorKind::Decode, &method, &url).with_detail(e))?;
        serde_json::from_slice(&body).map_err(|e| {
            HttpError::new(HttpErrorKind::Decode, &method, &url)
                .with_detail(format!("invalid JSON: {e}"))
        })
    }

    async fn send_following_redirects(&self) -> Result<reqwest::Response, HttpError> {
        let config = &self.client.inner.config;
        let mut url = self.url.clone();
        let mut method = self.method.clone();
        let mut body = self.body.clone();
        // Once a hop leaves the trusted origins the token is never attached again.
        let mut may_send_token = self.auth;
        for hop in 0..=MAX_REDIRECTS {
            let attach = may_send_token && config.is_trusted(&url);
            if !config.is_trusted(&url) {
                may_send_token = false;
            }
            let mut request = self
                .client
                .inner
                .http
                .request(method.clone(), url.clone())
                .headers(self.headers.clone());
            if attach && let Some(token) = &self.client.inner.token {
                let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| {
                        HttpError::new(HttpErrorKind::Request, method.as_str(), url.as_str())
                            .with_detail(
                                "the token contains characters not allowed in an HTTP header",
                            )
                    })?;
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
            }
            if let Some(body) = &body {
                request = request.body(body.make());
            }
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            tracing::debug!(method = %method, url = %crate::error::redact_url(url.as_str()), auth = attach, "request");
            let response = request
                .send()
                .await
                .map_err(|e| transport_error(&e, method.as_str(), url.as_str()))?;
            let status = response.status();
            tracing::debug!(status = status.as_u16(), "response");
            if !status.is_redirection()
                || status == StatusCode::NOT_MODIFIED
                || self.redirects == Redirects::Never
            {
                return Ok(response);
            }
            let Some(location) = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                return Ok(response);
            };
            let next = url.join(location).map_err(|_| {
                HttpError::new(HttpErrorKind::Redirect, method.as_str(), url.as_str())
                    .with_detail("the server redirected to an invalid location")
            })?;
            if !matches!(next.scheme(), "http" | "https")
                || !next.username().is_empty()
                || next.password().is_some()
            {
                return Err(HttpError::new(HttpErrorKind::Redirect, method.as_str(), url.as_str())
                    .with_detail("the server redirected to a location with credentials or an unsupported scheme"));
            }
            if self.redirects == Redirects::StopAtUntrusted && !config.is_trusted(&next) {
                return Ok(response);
            }
            if hop == MAX_REDIRECTS {
                break;
            }
            // 303 always becomes GET; 301/302 turn POST into GET as browsers do; 307/308 keep everything.
            let keep_method = matches!(
                status,
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
            );
            if !keep_method
                && method != Method::HEAD
                && (status == StatusCode::SEE_OTHER || method == Method::POST)
            {
                method = Method::GET;
                body = None;
            }
            url = next;
        }
        Err(HttpError::new(
            HttpErrorKind::Redirect,
            self.method.as_str(),
            self.url.as_str(),
        )
        .with_detail(format!("more than {MAX_REDIRECTS} redirects")))
    }
}

/// The requests a client starts (here, beside the request they build).
impl HubClient {
    /// A request with any method.
    #[must_use]
    pub fn request(&self, method: Method, url: Url) -> HubRequest {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        HubRequest {
            client: self.clone(),
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            metadata: false,
            auth: true,
            idempotent,
            retry_status: None,
            redirects: Redirects::Follow,
        }
    }

    /// A `GET` request.
    #[must_use]
    pub fn get(&self, url: Url) -> HubRequest {
        self.request(Method::GET, url)
    }
    /// A `HEAD` request.
    #[must_use]
    pub fn head(&self, url: Url) -> HubRequest {
        self.request(Method::HEAD, url)
    }
    /// A `POST` request (not retried on error statuses unless marked idempotent).
    #[must_use]
    pub fn post(&self, url: Url) -> HubRequest {
        self.request(Method::POST, url)
    }
    /// A `PUT` request.
    #[must_use]
    pub fn put(&self, url: Url) -> HubRequest {
        self.request(Method::PUT, url)
    }
    /// A `DELETE` request.
    #[must_use]
    pub fn delete(&self, url: Url) -> HubRequest {
        self.request(Method::DELETE, url)
    }
    /// A `PATCH` request (not retried on error statuses unless marked idempotent).
    #[must_use]
    pub fn patch(&self, url: Url) -> HubRequest {
        self.request(Method::PATCH, url)
    }
}
