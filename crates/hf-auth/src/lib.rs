//! Hugging Face Hub access tokens, and the one HTTP core every Hub request goes through.
//!
//! - [`Token`]: a secret that never prints; [`TokenSource`]: where it came from.
//! - [`mod@env`]: the registry of every environment variable the project reads.
//! - [`paths`]: where `HF_HOME`, the hub cache and the token file are.
//! - [`discovery`]: which token to use and where it came from; [`store`]: the token files
//!   shared with the Python client; [`keyring`]: the OS keyring; [`dotenv`]: `.env` files on request.
//! - [`whoami`]: token validation and the write-permission check run before uploads.
//! - [`sanitize`]: control characters escaped and token-shaped strings masked in any
//!   server-supplied text before it is shown.
//! - [`http`]: endpoint, User-Agent, auth-header rules, timeouts, retries, error mapping, offline mode.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hf_auth::Error> {
//! use hf_auth::http::{HubClient, HubConfig};
//! let client = HubClient::builder(HubConfig::from_env()?).caller("my-app", "1.0").build()?;
//! let url = client.url("/api/models/gpt2")?;
//! let info: serde_json::Value = client.get(url).send_json().await?;
//! # Ok(()) }
//! ```
//!
//! Check a token and see what it may do (run here against a local `hf-test-server`):
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = hf_test_server::TestServer::spawn(Default::default())?;
//! # let endpoint = server.endpoint();
//! # let secret = server.tokens().read.clone();
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! use hf_auth::Token;
//! use hf_auth::http::{HubClient, HubConfig};
//!
//! let client = HubClient::builder(HubConfig::new(endpoint)?)
//!     .token(Some(Token::new(secret)))
//!     .caller("my-app", "1.0")
//!     .build()?;
//! let me = hf_auth::whoami::whoami(&client).await?;
//! assert_eq!(me.name, "demo-user");
//! assert_eq!(me.role(), Some(hf_auth::whoami::Role::Read));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

pub mod discovery;
pub mod dotenv;
pub mod env;
mod error;
pub mod http;
pub mod keyring;
pub mod paths;
pub mod revoke;
pub mod sanitize;
pub mod store;
mod token;
pub mod whoami;

pub use error::{Error, HttpError, HttpErrorKind, redact_url};
pub use token::{Token, TokenSource};

// The README example is compiled (and, where it needs no network, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
