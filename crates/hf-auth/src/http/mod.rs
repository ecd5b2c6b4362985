//! The one HTTP core every Hub request goes through.
//!
//! It alone owns: the endpoint ([`HubConfig::endpoint`]), the User-Agent, when the
//! `Authorization` header is attached (only to trusted Hub origins, never after a
//! redirect has left them), timeouts, retries with backoff for idempotent requests,
//! the mapping of error responses to [`HttpError`], and offline mode.
//! Crates above build requests with [`HubClient`] and never talk to `reqwest` directly.

mod errors;
mod retry;
mod runtime;
pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::Token;
use crate::env::{self, EnvSource};
use crate::error::{Error, HttpError, HttpErrorKind};

pub use errors::{error_from_response, read_body_limited};
pub use retry::{
    FailedAttempt, RetryObserver, RetryPolicy, RetryPredicate, observing_retries, parse_rate_limit,
    parse_retry_after,
};
pub use runtime::blocking_runtime;

/// The Hub's default endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";
/// Default seconds for connecting and for metadata (HEAD) requests, as in the Python client.
pub const DEFAULT_ETAG_TIMEOUT: Duration = Duration::from_secs(10);
/// Default seconds a read may stall, as in the Python client.
pub const DEFAULT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;
/// Largest JSON body [`HubRequest::send_json`] accepts (bounded memory against hostile servers).
pub const MAX_JSON_BODY: u64 = 64 * 1024 * 1024;

/// Settings of a [`HubClient`]. Build with [`HubConfig::new`] or [`HubConfig::from_env`].
#[derive(Debug, Clone)]
pub struct HubConfig {
    endpoint: Url,
    trusted_origins: Vec<Url>,
    /// The Inference Endpoints API and its catalog: Hugging Face services, sent the token.
    inference_endpoints: Url,
    inference_catalog: Url,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Total time allowed for a metadata request (callers opt in with [`HubRequest::metadata_timeout`]).
    pub metadata_timeout: Duration,
    /// Time a single read may stall.
    pub read_timeout: Duration,
    /// When true, every request fails with [`HttpErrorKind::Offline`] before connecting.
    pub offline: bool,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// Appended to the User-Agent as `origin/<value>`.
    pub user_agent_origin: Option<String>,
    /// PEM files and folders of CA certificates trusted in addition to the platform's
    /// (`SSL_CERT_FILE`, `SSL_CERT_DIR`, `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`), with the
    /// setting each came from.
    pub extra_ca: Vec<(String, std::path::PathBuf)>,
}

impl HubConfig {
    /// A configuration for `endpoint` with the defaults.
    ///
    /// # Errors
    /// When `endpoint` is not an absolute `http`/`https` URL.
    pub fn new(endpoint: &str) -> Result<Self, Error> {
        Ok(Self {
            endpoint: parse_endpoint("endpoint", endpoint)?,
            trusted_origins: Vec::new(),
            inference_endpoints: parse_endpoint(
                "endpoint",
                env::HF_INFERENCE_ENDPOINTS_URL.default,
            )?,
            inference_catalog: parse_endpoint("endpoint", env::HF_INFERENCE_CATALOG_URL.default)?,
            connect_timeout: DEFAULT_ETAG_TIMEOUT,
            metadata_timeout: DEFAULT_ETAG_TIMEOUT,
            read_timeout: DEFAULT_DOWNLOAD_TIMEOUT,
            offline: false,
            retry: RetryPolicy::default(),
            user_agent_origin: None,
            extra_ca: Vec::new(),
        })
    }

    /// Reads `HF_ENDPOINT`, `HF_HUB_OFFLINE`/`TRANSFORMERS_OFFLINE`, `HF_HUB_ETAG_TIMEOUT`,
    /// `HF_HUB_DOWNLOAD_TIMEOUT` and `HF_HUB_USER_AGENT_ORIGIN` from the process environment.
    ///
    /// # Errors
    /// When one of them is malformed; the error names the variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&env::ProcessEnv)
    }

    /// Like [`HubConfig::from_env`], reading from `source`.
    ///
    /// # Errors
    /// When a variable is malformed; the error names it.
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        let endpoint = source
            .get(&env::HF_ENDPOINT)
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        let mut config = Self {
            endpoint: parse_endpoint(env::HF_ENDPOINT.name, &endpoint)?,
            ..Self::new(DEFAULT_ENDPOINT)?
        };
        config.offline =
            source.flag(&env::HF_HUB_OFFLINE) || source.flag(&env::TRANSFORMERS_OFFLINE);
        if let Some(secs) = parse_seconds(source, &env::HF_HUB_ETAG_TIMEOUT)? {
            config.connect_timeout = secs;
            config.metadata_timeout = secs;
        }
        if let Some(secs) = parse_seconds(source, &env::HF_HUB_DOWNLOAD_TIMEOUT)? {
            config.read_timeout = secs;
        }
        config.user_agent_origin = source.get(&env::HF_HUB_USER_AGENT_ORIGIN);
        if let Some(url) = source.get(&env::HF_INFERENCE_ENDPOINTS_URL) {
            config.inference_endpoints =
                parse_endpoint(env::HF_INFERENCE_ENDPOINTS_URL.name, &url)?;
        }
        if let Some(url) = source.get(&env::HF_INFERENCE_CATALOG_URL) {
            config.inference_catalog = parse_endpoint(env::HF_INFERENCE_CATALOG_URL.name, &url)?;
        }
        for var in [
            &env::SSL_CERT_FILE,
            &env::REQUESTS_CA_BUNDLE,
            &env::CURL_CA_BUNDLE,
        ] {
            if let Some(path) = source.get(var) {
                config
                    .extra_ca
                    .push((var.name.to_owned(), std::path::PathBuf::from(path)));
            }
        }
        if let Some(dirs) = source.get(&env::SSL_CERT_DIR) {
            for dir in dirs.split(':').filter(|d| !d.is_empty()) {
                config.extra_ca.push((
                    env::SSL_CERT_DIR.name.to_owned(),
                    std::path::PathBuf::from(dir),
                ));
            }
        }
        Ok(config)
    }

    /// The Hub endpoint, without a trailing slash in its path.
    #[must_use]
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// Replaces the endpoint.
    ///
    /// # Errors
    /// When `endpoint` is not an absolute `http`/`https` URL.
    pub fn set_endpoint(&mut self, endpoint: &str) -> Result<(), Error> {
        self.endpoint = parse_endpoint("endpoint", endpoint)?;
        Ok(())
    }

    /// The Inference Endpoints API's base URL (`HF_INFERENCE_ENDPOINTS_URL`), which receives
    /// the token as a Hub origin does.
    #[must_use]
    pub fn inference_endpoints_url(&self) -> &Url {
        &self.inference_endpoints
    }

    /// The Inference Endpoints catalog's base URL (`HF_INFERENCE_CATALOG_URL`), which receives
    /// the token as a Hub origin does.
    #[must_use]
    pub fn inference_catalog_url(&self) -> &Url {
        &self.inference_catalog
    }

    /// Replaces the Inference Endpoints API and catalog base URLs.
    ///
    /// # Errors
    /// When one is not an absolute `http`/`https` URL.
    pub fn set_inference_endpoints_urls(&mut self, api: &str, catalog: &str) -> Result<(), Error> {
        self.inference_endpoints = parse_endpoint("Inference Endpoints URL", api)?;
        self.inference_catalog = parse_endpoint("Inference Endpoints catalog URL", catalog)?;
        Ok(())
    }

    /// Also send the token to `origin` (for example the Inference Providers router).
    ///
    /// # Errors
    /// When `origin` is not an absolute `http`/`https` URL.
    pub fn trust_origin(&mut self, origin: &str) -> Result<(), Error> {
        self.trusted_origins
            .push(parse_endpoint("trusted origin", origin)?);
        Ok(())
    }

    /// Whether `url` is on an origin (scheme, host, port) that may receive the token.
    #[must_use]
    pub fn is_trusted(&self, url: &Url) -> bool {
        url.username().is_empty()
            && url.password().is_none()
            && [
                &self.endpoint,
                &self.inference_endpoints,
                &self.inference_catalog,
            ]
            .into_iter()
            .chain(&self.trusted_origins)
            .any(|trusted| trusted.origin() == url.origin())
    }
}

/// `value` with anything that looks like userinfo (`user:password@`) masked, for messages
/// about a URL that may not even parse.
fn mask_userinfo(value: &str) -> String {
    let (scheme, rest) = match value.find("://") {
        Some(i) => value.split_at(i + 3),
        None => ("", value),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => value.to_owned(),
    }
}

fn parse_endpoint(name: &str, value: &str) -> Result<Url, Error> {
    let shown = crate::sanitize::for_display(&mask_userinfo(value)).into_owned();
    let bad = |why: &str| Error::Config {
        name: name.to_owned(),
        reason: format!(
            "'{shown}' {why} (expected an absolute URL such as https://huggingface.co)"
        ),
    };
    let url = Url::parse(value.trim()).map_err(|_| bad("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("does not use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    let trimmed = url.as_str().trim_end_matches('/').to_owned();
    Url::parse(&trimmed).map_err(|_| bad("is not a URL"))
}

fn parse_seconds(source: &dyn EnvSource, var: &env::EnvVar) -> Result<Option<Duration>, Error> {
    let Some(raw) = source.get(var) else {
        return Ok(None);
    };
    let secs: f64 = raw.trim().parse().map_err(|_| Error::Config {
        name: var.name.to_owned(),
        reason: format!("'{raw}' is not a number of seconds"),
    })?;
    // `try_from`: `Duration::from_secs_f64` panics on values too large for a Duration (1e300).
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| Error::Config {
        name: var.name.to_owned(),
        reason: format!("'{raw}' must be a non-negative number of seconds"),
    })?;
    // 0 means "use the default", as in the Python client.
    Ok((secs > 0.0).then_some(duration))
}

/// Reads the extra CA certificates: each file as a PEM bundle, each folder's files too
/// (files that hold no certificate, such as OpenSSL's hash links to CRLs, are skipped).
fn load_extra_ca(
    sources: &[(String, std::path::PathBuf)],
) -> Result<Vec<reqwest::Certificate>, Error> {
    let mut certs = Vec::new();
    for (name, path) in sources {
        let bad = |reason: String| Error::Config {
            name: name.clone(),
            reason: format!("{}: {reason}", path.display()),
        };
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| bad(format!("cannot list the folder ({e})")))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        let from_dir = files.len() != 1 || path.is_dir();
        for file in files {
            let pem = match std::fs::read(&file) {
                Ok(pem) => pem,
                Err(_) if from_dir => continue,
                Err(e) => return Err(bad(format!("cannot read it ({e})"))),
            };
            match reqwest::Certificate::from_pem_bundle(&pem) {
                Ok(found) if !found.is_empty() => certs.extend(found),
                _ if from_dir => {}
                _ => return Err(bad("it holds no PEM certificate".to_owned())),
            }
        }
    }
    Ok(certs)
}

/// Whether `url`'s host is this machine (a plain-http test Hub there is fine).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

/// One warning a process when a token would travel unencrypted to another machine.
fn warn_on_plain_http(config: &HubConfig) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let plain = std::iter::once(&config.endpoint)
        .chain(&config.trusted_origins)
        .find(|url| url.scheme() == "http" && !is_loopback(url));
    if let Some(url) = plain
        && !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        tracing::warn!(
            "the token will be sent unencrypted over plain http:// to {}; use https:// unless this network is trusted",
            url.origin().ascii_serialization()
        );
    }
}

/// A cheap-to-clone handle on the HTTP core: one connection pool, one configuration, one token.
#[derive(Clone)]
pub struct HubClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: HubConfig,
    token: Option<Token>,
    user_agent: String,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubClient")
            .field("endpoint", &self.inner.config.endpoint.as_str())
            .field("token", &self.inner.token)
            .field("user_agent", &self.inner.user_agent)
            .finish_non_exhaustive()
    }
}

/// Builds a [`HubClient`].
#[derive(Debug)]
pub struct HubClientBuilder {
    config: HubConfig,
    token: Option<Token>,
    caller: (String, String),
}

impl HubClientBuilder {
    /// The token sent to trusted origins. Without one, requests are anonymous.
    #[must_use]
    pub fn token(mut self, token: Option<Token>) -> Self {
        self.token = token;
        self
    }

    /// The crate (or program) making the requests, named in the User-Agent.
    #[must_use]
    pub fn caller(mut self, name: &str, version: &str) -> Self {
        self.caller = (name.to_owned(), version.to_owned());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// When the TLS backend cannot be initialised.
    pub fn build(self) -> Result<HubClient, Error> {
        let mut user_agent = format!(
            "hf-rs/{}; {}/{}; rust",
            env!("CARGO_PKG_VERSION"),
            self.caller.0,
            self.caller.1
        );
        if let Some(origin) = &self.config.user_agent_origin {
            user_agent.push_str(&format!("; origin/{origin}"));
        }
        if self.token.is_some() {
            warn_on_plain_http(&self.config);
        }
        let extra_roots = load_extra_ca(&self.config.extra_ca)?;
        let http = reqwest::Client::builder()
            .tls_certs_merge(extra_roots)
            .user_agent(user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.config.connect_timeout)
            .read_timeout(self.config.read_timeout)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::Config {
                name: "HTTP client".to_owned(),
                reason: e.to_string(),
            })?;
        Ok(HubClient {
            inner: Arc::new(Inner {
                http,
                config: self.config,
                token: self.token,
                user_agent,
            }),
        })
    }
}

impl HubClient {
    /// Starts building a client with `config`.
    #[must_use]
    pub fn builder(config: HubConfig) -> HubClientBuilder {
        HubClientBuilder {
            config,
            token: None,
            caller: ("hf-auth".to_owned(), env!("CARGO_PKG_VERSION").to_owned()),
        }
    }

    /// The configuration in use.
    #[must_use]
    pub fn config(&self) -> &HubConfig {
        &self.inner.config
    }

    /// The Hub endpoint.
    #[must_use]
    pub fn endpoint(&self) -> &Url {
        &self.inner.config.endpoint
    }

    /// The token this client sends, if any.
    #[must_use]
    pub fn token(&self) -> Option<&Token> {
        self.inner.token.as_ref()
    }

    /// The User-Agent sent with every request.
    #[must_use]
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// A client identical to this one (sharing its connection pool) with another token.
    #[must_use]
    pub fn with_token(&self, token: Option<Token>) -> Self {
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                config: self.inner.config.clone(),
                token,
                user_agent: self.inner.user_agent.clone(),
            }),
        }
    }

    /// `endpoint` + `path`. `path` starts with `/` and is already percent-encoded.
    ///
    /// # Errors
    /// When the result is not a valid URL.
    pub fn url(&self, path: &str) -> Result<Url, HttpError> {
        let base = self.inner.config.endpoint.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|e| {
            HttpError::new(HttpErrorKind::Request, "GET", base)
                .with_detail(format!("bad path {path:?}: {e}"))
        })
    }

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

type BodyFactory = Arc<dyn Fn() -> reqwest::Body + Send + Sync>;

#[derive(Clone)]
enum RequestBody {
    Bytes(Bytes),
    Factory(BodyFactory),
}

impl RequestBody {
    fn make(&self) -> reqwest::Body {
        match self {
            Self::Bytes(bytes) => reqwest::Body::from(bytes.clone()),
            Self::Factory(make) => make(),
        }
    }
}

/// Why an attempt is repeated.
enum Retrying<'a> {
    Status(u16),
    Transport(&'a HttpError),
}

/// One request being built. Send it with [`HubRequest::send`] or [`HubRequest::send_json`].
pub struct HubRequest {
    client: HubClient,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<RequestBody>,
    timeout: Option<Duration>,
    auth: bool,
    idempotent: bool,
    retry_status: Option<retry::RetryPredicate>,
    redirects: Redirects,
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
    pub fn body_fn(mut self, make: impl Fn() -> reqwest::Body + Send + Sync + 'static) -> Self {
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
        self.timeout(timeout)
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
    pub fn retry_status_when(mut self, predicate: retry::RetryPredicate) -> Self {
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
    pub async fn send(self) -> Result<reqwest::Response, HttpError> {
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
                        return Ok(response);
                    }
                    let failed = retry::FailedAttempt {
                        status: status.as_u16(),
                        server_wait: retry::server_wait(response.headers()),
                    };
                    let retryable = match self.retry_status {
                        Some(predicate) => predicate(&failed),
                        None => self.idempotent && policy.retries_status(failed.status),
                    };
                    if retryable && can_retry {
                        match policy.delay_for(attempt, response.headers()) {
                            Ok(delay) => {
                                drop(response);
                                retry::notify_retry(&failed);
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
        let body = read_body_limited(response, MAX_JSON_BODY)
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

const CONNECT_FAILED: &str = "could not connect";

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

fn transport_error(error: &reqwest::Error, method: &str, url: &str) -> HttpError {
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
pub fn stream_error(error: &reqwest::Error, method: &str, url: &str) -> HttpError {
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
    use crate::env::MapEnv;

    #[test]
    fn malformed_endpoint_names_the_variable() {
        let err = HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", "huggingface.co"))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("invalid HF_ENDPOINT:"), "{text}");
        assert!(HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", "ftp://x")).is_err());
        let ok = HubConfig::from_env_source(
            &MapEnv::new().with("HF_ENDPOINT", "http://127.0.0.1:8080/"),
        )
        .unwrap();
        assert_eq!(ok.endpoint().as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn timeouts_and_offline_come_from_the_environment() {
        let env = MapEnv::new()
            .with("HF_HUB_ETAG_TIMEOUT", "3")
            .with("HF_HUB_DOWNLOAD_TIMEOUT", "0")
            .with("TRANSFORMERS_OFFLINE", "1");
        let config = HubConfig::from_env_source(&env).unwrap();
        assert_eq!(config.metadata_timeout, Duration::from_secs(3));
        assert_eq!(config.read_timeout, DEFAULT_DOWNLOAD_TIMEOUT);
        assert!(config.offline);
        let err = HubConfig::from_env_source(&MapEnv::new().with("HF_HUB_ETAG_TIMEOUT", "soon"))
            .unwrap_err();
        assert!(err.to_string().contains("HF_HUB_ETAG_TIMEOUT"));
    }

    #[test]
    fn an_invalid_endpoint_is_shown_without_its_password() {
        for value in [
            "ftp://alice:s3cretPassw0rd@hub.example/",
            "https://alice:s3cretPassw0rd@",
            "alice:s3cretPassw0rd@hub.example",
        ] {
            let err =
                HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", value)).unwrap_err();
            let text = err.to_string();
            assert!(!text.contains("s3cretPassw0rd"), "{text}");
            assert!(!text.contains("alice"), "{text}");
            assert!(text.contains("***@"), "{text}");
        }
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (url, expected) in [
            ("http://127.0.0.1:1/", true),
            ("http://127.8.9.10/", true),
            ("http://[::1]:80/", true),
            ("http://localhost:1/", true),
            ("http://hub.localhost/", true),
            ("http://hub.example/", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), expected, "{url}");
        }
    }

    #[test]
    fn trust_is_by_exact_origin() {
        let config = HubConfig::new("https://huggingface.co").unwrap();
        let trusted = |u: &str| config.is_trusted(&Url::parse(u).unwrap());
        assert!(trusted("https://huggingface.co/api/whoami-v2"));
        assert!(
            !trusted("http://huggingface.co/api/whoami-v2"),
            "downgrade to http"
        );
        assert!(!trusted("https://huggingface.co:8443/x"));
        assert!(!trusted("https://cdn-lfs.huggingface.co/x"));
        assert!(!trusted("https://huggingface.co@evil.example/x"));
        assert!(
            !trusted("https://user@huggingface.co/x"),
            "userinfo is never trusted"
        );
    }
}
