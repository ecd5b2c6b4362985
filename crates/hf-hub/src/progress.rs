//! Progress reporting: the library emits [`ProgressEvent`]s to a [`Progress`] sink;
//! front ends (the CLI's indicatif bars) render them. Used by downloads and uploads.

use std::sync::Arc;

/// Something that happened during a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// The whole operation's size is known (may be sent again when it grows).
    Totals {
        /// Files to transfer (already-present files excluded).
        files: u64,
        /// Bytes to transfer, when known.
        bytes: u64,
    },
    /// A file's transfer started.
    FileStarted {
        /// The file's path in the repo.
        path: Arc<str>,
        /// Its total size in bytes.
        size: u64,
        /// Bytes already present (resumed) that will not be transferred again.
        resumed_from: u64,
    },
    /// Bytes of a file were transferred (a delta, not a running total).
    FileAdvanced {
        /// The file's path in the repo.
        path: Arc<str>,
        /// Newly transferred bytes.
        bytes: u64,
    },
    /// A file's transfer finished (successfully or not).
    FileFinished {
        /// The file's path in the repo.
        path: Arc<str>,
    },
    /// Bytes of a file were thrown away (a corrupted or ignored-range body restarted from 0).
    FileRewound {
        /// The file's path in the repo.
        path: Arc<str>,
        /// Bytes no longer counted.
        bytes: u64,
    },
    /// A file fetched in parallel ranges is done: the most connections that ran at once
    /// (the adaptive count widens while the rate rises).
    FileConnections {
        /// The file's path in the repo.
        path: Arc<str>,
        /// The peak number of parallel range requests.
        peak: usize,
    },
}

/// A sink for [`ProgressEvent`]s. Implementations must be cheap: events arrive per network chunk.
pub trait Progress: Send + Sync {
    /// Receives one event.
    fn on_event(&self, event: ProgressEvent);
}

/// Ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn on_event(&self, _event: ProgressEvent) {}
}

impl<F: Fn(ProgressEvent) + Send + Sync> Progress for F {
    fn on_event(&self, event: ProgressEvent) {
        self(event);
    }
}

/// A shared progress sink.
pub type SharedProgress = Arc<dyn Progress>;

/// A sink that ignores everything, shared.
#[must_use]
pub fn no_progress() -> SharedProgress {
    Arc::new(NoProgress)
}
