//! [`HubApi`]: the entry point. Feature modules (`download`, `upload`, `repos`, ...) add
//! methods to it in their own `impl HubApi` blocks; [`crate::handle`] adds repo handles.

use std::sync::Arc;

use hf_auth::Token;
use hf_auth::TokenSource;
use hf_auth::discovery::{self, DiscoveryOptions};
use hf_auth::env::{EnvSource, ProcessEnv};
use hf_auth::http::{HubClient, HubConfig};

use crate::Error;
use crate::download_options::DownloadOptions;

/// A handle on the Hub: the HTTP core plus the settings this crate needs.
/// Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct HubApi {
    pub(crate) http: HubClient,
    /// Cache and download settings for the repo handles (`api.model(..).download(..)`).
    pub(crate) downloads: Option<Arc<DownloadOptions>>,
    /// Where the token came from, when [`HubApi::from_env`] found one.
    token_source: Option<TokenSource>,
}

impl HubApi {
    /// Wraps an HTTP core client built by the caller (endpoint, token, timeouts, retry policy).
    #[must_use]
    pub fn from_client(http: HubClient) -> Self {
        Self {
            http,
            downloads: None,
            token_source: None,
        }
    }

    /// A client for `config` with `token`, naming this crate in the User-Agent.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: HubConfig, token: Option<Token>) -> Result<Self, Error> {
        let http = HubClient::builder(config)
            .token(token)
            .caller("hf-hub", env!("CARGO_PKG_VERSION"))
            .build()?;
        Ok(Self::from_client(http))
    }

    /// Everything from the environment, as the `hf` CLI and the Python client read it: the
    /// endpoint and timeouts (`HF_ENDPOINT`, ...), the token found by the same discovery as
    /// the CLI (`HF_TOKEN`, the token file, the OS keyring; notices go to `tracing`), and the
    /// cache and download settings (`HF_HOME`, `HF_HUB_CACHE`, `HF_HUB_OFFLINE`, ...).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = hf_test_server::TestServer::spawn(Default::default())?;
    /// # let home = tempfile::tempdir()?;
    /// # let env = hf_auth::env::MapEnv::new()
    /// #     .with("HF_ENDPOINT", server.endpoint())
    /// #     .with("HF_HOME", home.path().to_str().unwrap())
    /// #     .with("HF_TOKEN", server.tokens().read.clone());
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// // `HubApi::from_env()` in a program; here with a test environment.
    /// let api = hf_hub::HubApi::from_env_source(&env)?;
    /// let config = api.model("demo-org/demo-model").download("config.json").await?;
    /// assert!(std::fs::read_to_string(config)?.contains("distilbert"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    ///
    /// # Errors
    /// A malformed variable, a token that cannot be sent (see
    /// [`hf_auth::discovery::check_format`]), or an HTTP client that cannot be built.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&ProcessEnv)
    }

    /// As [`HubApi::from_env`], reading `source` (tests, or settings layered by the caller).
    ///
    /// # Errors
    /// As [`HubApi::from_env`].
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        HubApiBuilder::from_env_source(source)?.build()
    }

    /// The same client with these cache and download settings for its repo handles.
    #[must_use]
    pub fn with_download_options(mut self, options: DownloadOptions) -> Self {
        self.downloads = Some(Arc::new(options));
        self
    }

    /// Where the token came from (for logs that say so), when [`HubApi::from_env`] found one.
    #[must_use]
    pub fn token_source(&self) -> Option<&TokenSource> {
        self.token_source.as_ref()
    }

    /// The underlying HTTP core client.
    #[must_use]
    pub fn http(&self) -> &HubClient {
        &self.http
    }
}

/// Builds a [`HubApi`] from explicit settings ([`HubApi::builder`]), or from the environment
/// with some settings replaced ([`HubApiBuilder::from_env`]). Names follow the environment
/// variables they replace (`endpoint` for `HF_ENDPOINT`, `cache_dir` for `HF_HUB_CACHE`,
/// `connections` for `HF_HUB_DOWNLOAD_CONNECTIONS`).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let server = hf_test_server::TestServer::spawn(Default::default())?;
/// # let cache = tempfile::tempdir()?;
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let api = hf_hub::HubApi::builder()
///     .endpoint(server.endpoint())
///     .cache_dir(cache.path())
///     .caller("my-app", "1.2.0")
///     .build()?;
/// let config = api.model("demo-org/demo-model").download("config.json").await?;
/// assert!(config.starts_with(cache.path()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Default)]
pub struct HubApiBuilder {
    config: Option<HubConfig>,
    endpoint: Option<String>,
    token: Option<Token>,
    token_source: Option<TokenSource>,
    downloads: Option<DownloadOptions>,
    cache_dir: Option<std::path::PathBuf>,
    connections: Option<usize>,
    progress: Option<crate::progress::SharedProgress>,
    caller: Option<(String, String)>,
}

impl std::fmt::Debug for HubApiBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubApiBuilder")
            .field("endpoint", &self.endpoint)
            .field("token", &self.token)
            .field("cache_dir", &self.cache_dir)
            .field("connections", &self.connections)
            .finish_non_exhaustive()
    }
}

impl HubApi {
    /// A builder starting from the defaults (the Hub's endpoint, no token, no cache folder),
    /// reading no environment variable.
    #[must_use]
    pub fn builder() -> HubApiBuilder {
        HubApiBuilder::default()
    }
}

impl HubApiBuilder {
    /// A builder starting from what [`HubApi::from_env`] reads (endpoint, the discovered token,
    /// cache and download settings); the setters replace single settings.
    ///
    /// # Errors
    /// As [`HubApi::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&ProcessEnv)
    }

    /// As [`HubApiBuilder::from_env`], reading `source`.
    ///
    /// # Errors
    /// As [`HubApi::from_env`].
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        let resolution = discovery::resolve(&DiscoveryOptions::new(), source)?;
        for notice in &resolution.notices {
            tracing::warn!("{notice}");
        }
        let (token, token_source) = match resolution.found {
            Some(found) => (Some(found.token), Some(found.source)),
            None => (None, None),
        };
        Ok(Self {
            config: Some(HubConfig::from_env_source(source)?),
            token,
            token_source,
            downloads: Some(DownloadOptions::from_env_source(source)?),
            ..Self::default()
        })
    }

    /// The Hub's URL (`HF_ENDPOINT`).
    #[must_use]
    pub fn endpoint(mut self, url: &str) -> Self {
        self.endpoint = Some(url.to_owned());
        self
    }

    /// The token to send (`HF_TOKEN`); `None` for anonymous requests.
    #[must_use]
    pub fn token(mut self, token: Option<Token>) -> Self {
        self.token = token;
        self.token_source = self.token.as_ref().map(|_| TokenSource::Explicit);
        self
    }

    /// The cache folder (`HF_HUB_CACHE`).
    #[must_use]
    pub fn cache_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Parallel connections for one large file, pinned (`HF_HUB_DOWNLOAD_CONNECTIONS`; without
    /// it the count adapts to the link).
    #[must_use]
    pub fn connections(mut self, connections: usize) -> Self {
        self.connections = Some(connections.max(1));
        self
    }

    /// Where download progress is reported.
    #[must_use]
    pub fn progress(mut self, progress: crate::progress::SharedProgress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The calling program's name and version, sent in the User-Agent (Python's
    /// `library_name`/`library_version`).
    #[must_use]
    pub fn caller(mut self, name: &str, version: &str) -> Self {
        self.caller = Some((name.to_owned(), version.to_owned()));
        self
    }

    /// The client.
    ///
    /// # Errors
    /// A malformed endpoint, or an HTTP client that cannot be built.
    pub fn build(self) -> Result<HubApi, Error> {
        let mut config = match self.config {
            Some(config) => config,
            None => HubConfig::new(hf_auth::http::DEFAULT_ENDPOINT)?,
        };
        // The environment's timeouts, offline mode and certificates stay; only the URL changes.
        if let Some(endpoint) = &self.endpoint {
            config.set_endpoint(endpoint)?;
        }
        let (name, version) = self
            .caller
            .unwrap_or_else(|| ("hf-hub".to_owned(), env!("CARGO_PKG_VERSION").to_owned()));
        let http = HubClient::builder(config)
            .token(self.token)
            .caller(&name, &version)
            .build()?;
        let mut downloads = match (self.downloads, &self.cache_dir) {
            (Some(mut options), Some(dir)) => {
                options.cache_dir.clone_from(dir);
                Some(options)
            }
            (Some(options), None) => Some(options),
            (None, Some(dir)) => Some(DownloadOptions::new(dir.clone())),
            (None, None) => None,
        };
        if let Some(options) = &mut downloads {
            if let Some(connections) = self.connections {
                // An explicit count pins it, as HF_HUB_DOWNLOAD_CONNECTIONS does.
                options.connections = Some(connections);
            }
            if let Some(progress) = self.progress {
                options.progress = progress;
            }
        }
        let mut api = HubApi::from_client(http);
        api.downloads = downloads.map(Arc::new);
        api.token_source = self.token_source;
        Ok(api)
    }
}
