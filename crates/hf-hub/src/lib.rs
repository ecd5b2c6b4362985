//! Hugging Face Hub repos and files for Rust: downloads into the cache shared with the
//! Python client (verified and resumable), repo management, uploads and commits.
//!
//! All HTTP goes through `hf_auth::http` (endpoint, token, retries, error mapping).
//!
//! - [`HubApi::from_env`] reads what the `hf` CLI and the Python client read (endpoint, token,
//!   cache); [`HubApi::builder`] sets them explicitly.
//! - Repo handles ([`RepoHandle`]): `api.model(id).download(file)`,
//!   `.snapshot().include("*.json").run()`, `.upload_folder(dir).run()`.
//! - [`cache::Cache`]: offline, synchronous lookups in the shared cache.
//! - Feature `blocking`: `blocking::HubApi`, the same API without async.
//!
//! Download a file into the cache and read it (here from a local `hf-test-server`; with
//! `HubConfig::from_env()` the endpoint is `HF_ENDPOINT`, by default the Hub):
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = hf_test_server::TestServer::spawn(Default::default())?;
//! # let endpoint = server.endpoint();
//! # let cache = tempfile::tempdir()?;
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! use hf_auth::http::HubConfig;
//! use hf_hub::download::DownloadOptions;
//! use hf_hub::{HubApi, Repo, RepoId};
//!
//! let api = HubApi::new(HubConfig::new(endpoint)?, None)?;
//! let repo = Repo::model(RepoId::new("demo-org/demo-model")?);
//! let options = DownloadOptions::new(cache.path());
//! let path = api.download_file(&repo, "config.json", None, &options).await?;
//! assert!(std::fs::read_to_string(&path)?.contains("distilbert"));
//!
//! // Served from the cache the second time, at the same path.
//! assert_eq!(api.download_file(&repo, "config.json", None, &options).await?, path);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

pub mod access;
pub mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod cache;
mod client;
pub mod download;
mod download_options;
mod entry;
mod error;
pub mod handle;
pub mod hash;
pub mod patterns;
pub mod progress;
pub mod repo;
mod setters;
pub mod tree;
pub mod upload;

pub use client::{HubApi, HubApiBuilder};
pub use handle::{FolderUploadCall, RepoHandle, Snapshot};
// The token and settings types a user of this crate needs, without depending on hf-auth.
pub use error::{Error, HttpError, HttpErrorKind};
pub use hf_auth::http::HubConfig;
pub use hf_auth::{Token, TokenSource};
pub use repo::{Repo, RepoId, RepoType};

// The README example is compiled (and, where it needs no network, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// The migration guide's snippets are compiled as doctests, so its table cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/coming-from-rust-hf-hub.md")]
struct MigrationGuideDoctests;
