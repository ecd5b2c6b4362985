//! `HubClient`: the one `reqwest` client, the token it attaches to trusted Hub origins, and
//! the requests it starts.

use super::config::HubConfig;
use super::config::load_extra_ca;
use super::config::warn_on_plain_http;
use crate::Token;
use crate::error::{Error, HttpError, HttpErrorKind};
use std::sync::Arc;
use url::Url;

/// A cheap-to-clone handle on the HTTP core: one connection pool, one configuration, one token.
#[derive(Clone)]
pub struct HubClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) config: HubConfig,
    pub(super) token: Option<Token>,
    pub(super) user_agent: String,
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
    pub(super) config: HubConfig,
    pub(super) token: Option<Token>,
    pub(super) caller: (String, String),
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
}
