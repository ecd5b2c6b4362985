//! `HubConfig`: the endpoint, timeouts, offline mode and extra CA certificates, read from
//! the environment once (`from_env`) or set by hand.

use super::retry::RetryPolicy;
use crate::env::{self, EnvSource};
use crate::error::Error;
use std::time::Duration;
use url::Url;

/// The Hub's default endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

/// Default seconds for connecting and for metadata (HEAD) requests, as in the Python client.
pub const DEFAULT_ETAG_TIMEOUT: Duration = Duration::from_secs(10);

/// Default seconds a read may stall, as in the Python client.
pub const DEFAULT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// Largest JSON body [`HubRequest::send_json`](crate::http::HubRequest::send_json) accepts (bounded memory against hostile servers).
pub const MAX_JSON_BODY: u64 = 64 * 1024 * 1024;

/// Settings of a [`HubClient`](crate::http::HubClient). Build with [`HubConfig::new`] or [`HubConfig::from_env`].
#[derive(Debug, Clone)]
pub struct HubConfig {
    pub(super) endpoint: Url,
    trusted_origins: Vec<Url>,
    /// The Inference Endpoints API and its catalog: Hugging Face services, sent the token.
    inference_endpoints: Url,
    inference_catalog: Url,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Total time allowed for a metadata request (callers opt in with [`HubRequest::metadata_timeout`](crate::http::HubRequest::metadata_timeout)).
    pub metadata_timeout: Duration,
    /// Time a single read may stall.
    pub read_timeout: Duration,
    /// When true, every request fails with [`HttpErrorKind::Offline`](crate::HttpErrorKind::Offline) before connecting.
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
pub(super) fn load_extra_ca(
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
pub(super) fn is_loopback(url: &Url) -> bool {
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
pub(super) fn warn_on_plain_http(config: &HubConfig) {
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
