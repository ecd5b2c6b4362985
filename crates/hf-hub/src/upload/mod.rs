//! Uploads and commits (`create_commit`, `upload_file`, `upload_folder`), following the
//! Python client's legacy (non-Xet) protocol:
//!
//! 1. local checks: paths, a **secret scan** ([`scan_for_secrets`]) and the token's
//!    **write permission** (whoami), before any request that carries file data;
//! 2. `preupload` (256 files per call) decides regular vs LFS for each file;
//! 3. files are hashed while streamed from disk (git-sha1 for regular files, sha256 for
//!    LFS) and files the Hub already has at the revision are skipped;
//! 4. LFS objects go through the LFS batch API: `basic` or `multipart` transfers to CDN
//!    URLs that never receive the token, parts in parallel, each part retried on its own,
//!    accepted parts remembered on disk so a re-run does not send them again;
//! 5. the NDJSON commit; large uploads are split into several commits of bounded size.

mod commit;
mod files;
mod folder;
mod lfs;
pub(crate) mod secrets;
mod types;
#[cfg(feature = "xet")]
mod xet;

pub use folder::{FORCED_IGNORE_PATTERNS, FolderUpload};
pub use secrets::{FoundToken, SecretFinding, SecretScanner, find_hub_tokens, scan_for_secrets};
pub use types::{
    CommitInfo, CommitOperation, CommitOptions, UploadOptions, UploadReport, UploadSource,
};
