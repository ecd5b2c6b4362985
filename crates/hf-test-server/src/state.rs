//! The state every handler shares: the database, the blob store, the CAS, the faults and
//! the request log, and the upload knobs. Handlers take it as `State<Arc<Shared>>`.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};

use crate::blobs::Blobs;
use crate::faults::rules::{ActiveFault, FaultRule, RecordEntry, RecordedRequest};
use crate::model::Db;
use crate::multipart;
use crate::xet::cas::Cas;

/// Upload knobs (LFS multipart threshold and part size).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UploadConfig {
    pub(crate) multipart_threshold: u64,
    pub(crate) chunk_size: u64,
}

/// Default: objects of 8 MiB or more are uploaded in multipart.
pub const DEFAULT_MULTIPART_THRESHOLD: u64 = 8 * 1024 * 1024;
/// Default multipart part size: 5 MiB.
pub const DEFAULT_CHUNK_SIZE: u64 = 5 * 1024 * 1024;

/// State shared by all handlers.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) endpoint: String,
    pub(crate) cdn: String,
    /// The CAS origin's URL (what `xet-*-token` answers as `casUrl`).
    pub(crate) cas_url: String,
    /// Set once the CAS has started (before the server accepts requests).
    pub(crate) cas: OnceLock<Cas>,
    pub(crate) xet_by_default: bool,
    pub(crate) secret: String,
    pub(crate) db: Mutex<Db>,
    pub(crate) blobs: Blobs,
    pub(crate) assemblies: multipart::Assemblies,
    pub(crate) faults: Mutex<Vec<ActiveFault>>,
    pub(crate) requests: Mutex<Vec<Arc<RecordEntry>>>,
    pub(crate) cdn_auth_violations: AtomicU64,
    pub(crate) upload: Mutex<UploadConfig>,
    pub(crate) log_requests: std::sync::atomic::AtomicBool,
    /// When the simulated uplink (`FaultAction::UplinkBytesPerSec`) is next free.
    pub(crate) uplink_free_at: Mutex<tokio::time::Instant>,
}

impl Shared {
    pub(crate) fn add_fault(&self, rule: FaultRule) {
        if let Ok(mut f) = self.faults.lock() {
            f.push(ActiveFault { rule, applied: 0 });
        }
    }
    pub(crate) fn clear_faults(&self) {
        if let Ok(mut f) = self.faults.lock() {
            f.clear();
        }
    }
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .map(|r| r.iter().map(|e| e.snapshot()).collect())
            .unwrap_or_default()
    }
    pub(crate) fn clear_requests(&self) {
        if let Ok(mut r) = self.requests.lock() {
            r.clear();
        }
    }
    pub(crate) fn grant(&self, user: &str, repo_id: &str) {
        if let Ok(mut db) = self.db.lock() {
            db.grants.insert((user.to_owned(), repo_id.to_owned()));
        }
    }
    pub(crate) fn upload_config(&self) -> UploadConfig {
        self.upload.lock().map(|u| *u).unwrap_or(UploadConfig {
            multipart_threshold: DEFAULT_MULTIPART_THRESHOLD,
            chunk_size: DEFAULT_CHUNK_SIZE,
        })
    }
    pub(crate) fn set_upload_config(&self, threshold: u64, chunk: u64) {
        if let Ok(mut u) = self.upload.lock() {
            u.multipart_threshold = threshold;
            u.chunk_size = chunk.max(1);
        }
    }
}
