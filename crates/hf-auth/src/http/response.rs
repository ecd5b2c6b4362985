//! `HubResponse`: an answer as the crates above see it. It wraps the HTTP library's
//! response so that library is no part of our public API (upgrading it breaks no user),
//! and it turns every failure while the body streams into an [`HttpError`].

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use url::Url;

use super::errors::stream_error;
use crate::error::HttpError;

/// A response with a success, `304` or unfollowed redirect status, as
/// [`HubRequest::send`](crate::http::HubRequest::send) returns it.
pub struct HubResponse {
    inner: reqwest::Response,
    /// The method and URL as the request was sent, for the errors of a broken body.
    method: String,
    request_url: String,
}

impl std::fmt::Debug for HubResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubResponse")
            .field("status", &self.status())
            .field("url", &crate::error::redact_url(self.url().as_str()))
            .finish_non_exhaustive()
    }
}

impl HubResponse {
    pub(super) fn new(inner: reqwest::Response, method: &http::Method, request_url: &Url) -> Self {
        Self {
            inner,
            method: method.as_str().to_owned(),
            request_url: request_url.to_string(),
        }
    }

    /// The status code.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.inner.status().as_u16()
    }

    /// Whether the status is a `3xx` (an unfollowed redirect, or `304 Not Modified`).
    #[must_use]
    pub fn is_redirection(&self) -> bool {
        self.inner.status().is_redirection()
    }

    /// The URL that answered (after the redirects that were followed).
    #[must_use]
    pub fn url(&self) -> &Url {
        self.inner.url()
    }

    /// The first value of a header, when it is present and valid text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.inner.headers().get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header that is valid text, in the order received.
    pub fn header_values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.inner
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
    }

    /// The body's length as the server announced it.
    #[must_use]
    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The body as a stream of chunks; a stall or a broken connection is an [`HttpError`]
    /// (a timeout or a connection error) naming the request.
    pub fn bytes_stream(self) -> impl Stream<Item = Result<Bytes, HttpError>> + Send + 'static {
        let method = self.method;
        let url = self.request_url;
        self.inner
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| stream_error(&e, &method, &url)))
    }

    /// Reads the whole body, failing once it exceeds `limit` bytes (bounded memory).
    ///
    /// # Errors
    /// A message when the body is too large or the transfer breaks.
    pub async fn read_limited(self, limit: u64) -> Result<Bytes, String> {
        super::errors::read_body_limited(self.inner, limit).await
    }
}
