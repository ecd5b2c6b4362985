//! Hugging Face Hub repos and files for Rust: downloads into the cache shared with the
//! Python client (verified and resumable), repo management, uploads and commits.
//!
//! All HTTP goes through `hf_auth::http` (endpoint, token, retries, error mapping).

pub mod api;
pub mod cache;
mod client;
pub mod download;
mod error;
pub mod patterns;
pub mod progress;
pub mod repo;
pub mod tree;
pub mod upload;

pub use client::HubApi;
pub use error::{Error, HttpError, HttpErrorKind};
pub use repo::{Repo, RepoId, RepoType};

// The README example is compiled (and, where it needs no network, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
