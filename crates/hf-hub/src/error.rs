//! The crate's error type.

use std::path::PathBuf;

pub use hf_auth::{HttpError, HttpErrorKind};

/// Everything that can go wrong in `hf-hub`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Hub request failed; match on [`HttpError::kind`] for repo/revision/entry not found, gated, 401/403, 429...
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A Hub request failed in a way users can act on (repo, revision or file not found,
    /// gated or private repo); the message says what to do, `http` keeps the details
    /// (see [`Error::as_http`]).
    #[error("{message}")]
    Hub {
        /// What went wrong and what to do.
        message: String,
        /// The failed request.
        http: HttpError,
    },
    /// Token discovery, validation or permission checks failed.
    #[error(transparent)]
    Auth(#[from] hf_auth::Error),
    /// An argument is malformed (repo id, revision, path, pattern...).
    #[error("{0}")]
    InvalidInput(String),
    /// The server sent something we refuse to act on (unsafe path, inconsistent metadata...).
    #[error("unexpected answer from the Hub: {0}")]
    Protocol(String),
    /// A path (named by the server in a listing, or asked for) that may not be written: it would
    /// leave the target directory or land in `.git` or the download bookkeeping. Nothing
    /// was written for it.
    #[error("refusing the path {}: {reason}; nothing was written", hf_auth::sanitize::quoted(.path))]
    UnsafePath {
        /// The path as the server sent it (shown escaped).
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Downloaded bytes do not match the expected hash; nothing was kept.
    #[error(
        "integrity check failed for {path}: expected {algorithm} {expected}, got {actual}; the partial file was deleted, retry the download"
    )]
    Integrity {
        /// The file in the repo.
        path: String,
        /// `sha256` or `git-sha1`.
        algorithm: &'static str,
        /// The hash the Hub announced.
        expected: String,
        /// The hash of what arrived.
        actual: String,
    },
    /// A local file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Offline (or the Hub unreachable) and the cache does not hold what was asked for.
    #[error("{0}")]
    NotInCache(String),
    /// Waiting for another process's lock took too long.
    #[error("timed out after {waited_secs} s waiting for the lock {path} held by another process")]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// Seconds waited.
        waited_secs: u64,
    },
    /// The upload contains what looks like a secret; pass the override to upload anyway.
    #[error("{0}")]
    SecretDetected(String),
}

impl Error {
    /// An I/O error with context.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// The HTTP details, when this is a failed request.
    #[must_use]
    pub fn as_http(&self) -> Option<&HttpError> {
        match self {
            Self::Http(e) | Self::Hub { http: e, .. } => Some(e),
            Self::Auth(e) => e.as_http(),
            _ => None,
        }
    }

    /// The kind of HTTP failure, when this is one.
    #[must_use]
    pub fn http_kind(&self) -> Option<&HttpErrorKind> {
        self.as_http().map(HttpError::kind)
    }
}
