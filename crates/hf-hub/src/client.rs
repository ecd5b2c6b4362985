//! [`HubApi`]: the entry point. Feature modules (`download`, `upload`, `repos`, ...) add
//! methods to it in their own `impl HubApi` blocks.

use hf_auth::Token;
use hf_auth::http::{HubClient, HubConfig};

use crate::Error;

/// A handle on the Hub: the HTTP core plus the settings this crate needs.
/// Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct HubApi {
    pub(crate) http: HubClient,
}

impl HubApi {
    /// Wraps an HTTP core client built by the caller (endpoint, token, timeouts, retry policy).
    #[must_use]
    pub fn from_client(http: HubClient) -> Self {
        Self { http }
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
        Ok(Self { http })
    }

    /// The underlying HTTP core client.
    #[must_use]
    pub fn http(&self) -> &HubClient {
        &self.http
    }
}
