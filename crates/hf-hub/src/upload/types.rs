//! What an upload is given (the bytes of a file, the operations of a commit, the options)
//! and what it reports.

use std::path::PathBuf;

use bytes::Bytes;

use crate::progress::{SharedProgress, no_progress};

/// Where the content of an added file comes from.
#[derive(Debug, Clone)]
pub enum UploadSource {
    /// A local file, streamed (never loaded whole into memory).
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(Bytes),
}

/// One change in a commit.
#[derive(Debug, Clone)]
pub enum CommitOperation {
    /// Adds or replaces a file.
    Add {
        /// Destination in the repo.
        path_in_repo: String,
        /// The content.
        source: UploadSource,
    },
    /// Deletes a file.
    Delete {
        /// The file in the repo.
        path_in_repo: String,
    },
    /// Deletes a folder and everything below it.
    DeleteFolder {
        /// The folder in the repo.
        path_in_repo: String,
    },
}

impl CommitOperation {
    /// Adds the local file `local` as `path_in_repo`.
    pub fn add_file(path_in_repo: impl Into<String>, local: impl Into<PathBuf>) -> Self {
        Self::Add {
            path_in_repo: path_in_repo.into(),
            source: UploadSource::Path(local.into()),
        }
    }

    /// Adds `bytes` as `path_in_repo`.
    pub fn add_bytes(path_in_repo: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self::Add {
            path_in_repo: path_in_repo.into(),
            source: UploadSource::Bytes(bytes.into()),
        }
    }

    /// Deletes the file `path_in_repo`.
    pub fn delete_file(path_in_repo: impl Into<String>) -> Self {
        Self::Delete {
            path_in_repo: path_in_repo.into(),
        }
    }

    /// Deletes the folder `path_in_repo`.
    pub fn delete_folder(path_in_repo: impl Into<String>) -> Self {
        Self::DeleteFolder {
            path_in_repo: path_in_repo.into(),
        }
    }

    /// The path in the repo this operation touches.
    #[must_use]
    pub fn path_in_repo(&self) -> &str {
        match self {
            Self::Add { path_in_repo, .. }
            | Self::Delete { path_in_repo }
            | Self::DeleteFolder { path_in_repo } => path_in_repo,
        }
    }
}

/// What the commit says and where it goes.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CommitOptions {
    /// The summary (first line). Required by [`HubApi::create_commit`](crate::HubApi::create_commit).
    pub message: String,
    /// The longer description.
    pub description: String,
    /// The branch to commit to (default `main`); with `create_pr`, the PR's base.
    pub revision: Option<String>,
    /// Refuse the commit unless the branch head is still this commit (5 to 40 hex characters).
    pub parent_commit: Option<String>,
    /// Open a pull request with the changes instead of committing to the branch.
    pub create_pr: bool,
}

crate::setters::setters!(CommitOptions {
    with_message => message: into String,
    with_description => description: into String,
    with_revision => revision: Option<String>,
    with_parent_commit => parent_commit: Option<String>,
    with_create_pr => create_pr: bool,
});

/// How the upload behaves.
#[derive(Clone)]
#[non_exhaustive]
pub struct UploadOptions {
    /// Upload even when the secret scan finds something (the findings are still returned in the error otherwise).
    pub allow_secrets: bool,
    /// Check with whoami that the token may write to the repo before any upload request.
    pub check_permissions: bool,
    /// Operations per commit when an upload is split (deletions count too).
    pub max_operations_per_commit: usize,
    /// Bytes of regular (non-LFS) content per commit when an upload is split.
    pub max_regular_bytes_per_commit: u64,
    /// Files hashed and LFS objects uploaded at once.
    pub parallel_files: usize,
    /// Part (and basic) uploads in flight at once, over all files.
    pub parallel_parts: usize,
    /// Where accepted multipart parts are remembered so that a re-run skips them.
    /// `upload_folder` defaults to `<folder>/.cache/huggingface/upload`; `None` elsewhere disables it.
    pub resume_dir: Option<PathBuf>,
    /// Send large files through Xet (feature `xet`; off, or on a Hub without Xet: the LFS
    /// API). `HF_HUB_DISABLE_XET` turns it off in the CLI.
    pub xet: bool,
    /// The Xet client's cache (`HF_XET_CACHE`; `None`: the Xet client's default).
    pub xet_cache_dir: Option<PathBuf>,
    /// Receives hashing progress (bytes read from disk per file).
    pub hash_progress: SharedProgress,
    /// Receives upload progress (bytes sent per file, LFS objects and regular files).
    pub upload_progress: SharedProgress,
}

crate::setters::setters!(UploadOptions {
    with_allow_secrets => allow_secrets: bool,
    with_check_permissions => check_permissions: bool,
    with_max_operations_per_commit => max_operations_per_commit: usize,
    with_max_regular_bytes_per_commit => max_regular_bytes_per_commit: u64,
    with_parallel_files => parallel_files: usize,
    with_parallel_parts => parallel_parts: usize,
    with_resume_dir => resume_dir: Option<PathBuf>,
    with_xet => xet: bool,
    with_xet_cache_dir => xet_cache_dir: Option<PathBuf>,
    with_hash_progress => hash_progress: SharedProgress,
    with_upload_progress => upload_progress: SharedProgress,
});

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            allow_secrets: false,
            check_permissions: true,
            max_operations_per_commit: 500,
            max_regular_bytes_per_commit: 100 * 1024 * 1024,
            parallel_files: 5,
            parallel_parts: 8,
            resume_dir: None,
            xet: cfg!(feature = "xet"),
            xet_cache_dir: None,
            hash_progress: no_progress(),
            upload_progress: no_progress(),
        }
    }
}

impl UploadOptions {
    /// The defaults, with `HF_HUB_DISABLE_XET` (LFS only) and `HF_XET_CACHE` (else
    /// `$HF_HOME/xet`) read from `source`.
    #[must_use]
    pub fn from_env_source(source: &dyn hf_auth::env::EnvSource) -> Self {
        Self {
            xet: cfg!(feature = "xet") && !source.flag(&hf_auth::env::HF_HUB_DISABLE_XET),
            xet_cache_dir: Some(source.get(&hf_auth::env::HF_XET_CACHE).map_or_else(
                || hf_auth::paths::hf_home(source).join("xet"),
                PathBuf::from,
            )),
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("allow_secrets", &self.allow_secrets)
            .field("check_permissions", &self.check_permissions)
            .field("max_operations_per_commit", &self.max_operations_per_commit)
            .field(
                "max_regular_bytes_per_commit",
                &self.max_regular_bytes_per_commit,
            )
            .field("parallel_files", &self.parallel_files)
            .field("parallel_parts", &self.parallel_parts)
            .field("resume_dir", &self.resume_dir)
            .finish_non_exhaustive()
    }
}

/// The result of one commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// The commit's page.
    pub commit_url: String,
    /// The commit id.
    pub commit_oid: String,
    /// The pull request's page, with `create_pr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pr_url: Option<String>,
    /// `refs/pr/N`, with `create_pr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pr_revision: Option<String>,
    /// `N`, with `create_pr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pr_num: Option<u64>,
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UploadReport {
    /// The commits made, in order (empty when nothing changed).
    pub commits: Vec<CommitInfo>,
    /// The head of the revision after the upload (the last commit, or the unchanged head).
    pub head: Option<String>,
    /// Files added or replaced.
    pub files_added: usize,
    /// Files skipped because the Hub already has them at the revision.
    pub files_unchanged: usize,
    /// Files deleted (deletions of folders count once).
    pub files_deleted: usize,
    /// LFS objects sent.
    pub lfs_uploaded: usize,
    /// LFS objects the Hub already had (not sent again).
    pub lfs_already_present: usize,
    /// Multipart parts not sent again because an earlier run had them accepted.
    pub parts_resumed: usize,
    /// Files sent through Xet (feature `xet`) instead of the LFS API.
    pub xet_files: usize,
    /// Bytes of file data actually sent through Xet (new chunks).
    pub bytes_uploaded: u64,
    /// Bytes Xet did not send because the CAS (or this upload) already had them.
    pub bytes_deduplicated: u64,
}

impl UploadReport {
    /// The last commit, if any.
    #[must_use]
    pub fn last_commit(&self) -> Option<&CommitInfo> {
        self.commits.last()
    }
}
