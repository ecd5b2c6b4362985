//! The crate's error type.

use std::path::PathBuf;

pub use hf_auth::{HttpError, HttpErrorKind};

/// Everything that can go wrong in `hf-hub`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Hub request failed; match on [`HttpError::kind`] for repo/revision/entry not found, gated, 401/403, 429...
    /// (also the error's `source()`).
    #[error("{0}")]
    Http(#[from] HttpError),
    /// A Hub request failed on a repo, a revision or a file: the message says which and where
    /// (the repo, the endpoint, close file names); `http` is the failed request, also the
    /// error's `source()` (see [`Error::as_http`]).
    #[error("{message}")]
    Hub {
        /// What was not found or not allowed, in the terms of the call.
        message: String,
        /// The failed request.
        #[source]
        http: HttpError,
    },
    /// Token discovery or validation failed.
    #[error("{0}")]
    Auth(#[from] hf_auth::Error),
    /// The token may not write to the repo (judged from whoami before any traffic; see
    /// [`crate::access::check_write`]).
    #[error("{token} cannot write to {repo}: {reason}")]
    PermissionDenied {
        /// Which token: its name, role and user.
        token: String,
        /// The repo: type and full id.
        repo: String,
        /// The repo's namespace (user or organization).
        namespace: String,
        /// What is missing.
        reason: crate::access::WriteDenied,
    },
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
        "integrity check failed for {path}: expected {algorithm} {expected}, got {actual}; the partial file was deleted"
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
    #[error("{message}")]
    NotInCache {
        /// What is missing, and where it was looked for.
        message: String,
        /// Whether downloads were disabled (`HF_HUB_OFFLINE`, `local_files_only`), as opposed
        /// to the Hub being unreachable.
        downloads_disabled: bool,
    },
    /// Waiting for another process's lock took too long.
    #[error("timed out after {waited_secs} s waiting for the lock {path} held by another process")]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// Seconds waited.
        waited_secs: u64,
    },
    /// The upload contains what looks like a secret (`UploadOptions::allow_secrets` uploads
    /// anyway); the message lists the findings, masked.
    #[error("{0}")]
    SecretDetected(String),
    /// A local file changed size while it was being uploaded; nothing was committed.
    #[error("{path} changed while it was being uploaded ({before} bytes before, {now} now)")]
    SourceChanged {
        /// The file (its path in the repo, or its local path).
        path: String,
        /// Its size when the upload started.
        before: u64,
        /// Its size when it was read again.
        now: u64,
    },
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
