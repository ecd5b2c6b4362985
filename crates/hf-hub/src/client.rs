//! [`HubApi`]: the entry point. Feature modules (`download`, `upload`, `repos`, ...) add
//! methods to it in their own `impl HubApi` blocks; [`crate::handle`] adds repo handles.

use std::sync::Arc;

use hf_auth::Token;
use hf_auth::TokenSource;
use hf_auth::discovery::{self, DiscoveryOptions};
use hf_auth::env::{EnvSource, ProcessEnv};
use hf_auth::http::{HubClient, HubConfig};

use crate::Error;
use crate::download::DownloadOptions;

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
        let config = HubConfig::from_env_source(source)?;
        let resolution = discovery::resolve(&DiscoveryOptions::new(), source)?;
        for notice in &resolution.notices {
            tracing::warn!("{notice}");
        }
        let (token, token_source) = match resolution.found {
            Some(found) => (Some(found.token), Some(found.source)),
            None => (None, None),
        };
        let downloads = DownloadOptions::from_env_source(source)?;
        let mut api = Self::new(config, token)?;
        api.downloads = Some(Arc::new(downloads));
        api.token_source = token_source;
        Ok(api)
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
