//! The same API, synchronous (feature `blocking`, like `reqwest::blocking`): the same
//! constructors, repo handles and method names, each call waiting for its result, and
//! listings that are [`Iterator`]s. A synchronous program names no tokio item; the calls run
//! on the one runtime of [`hf_auth::http::blocking_runtime`].
//!
//! Do not call these from inside an async task (tokio panics); use [`crate::HubApi`] there.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = hf_test_server::TestServer::spawn(Default::default())?;
//! # let home = tempfile::tempdir()?;
//! # let env = hf_auth::env::MapEnv::new()
//! #     .with("HF_ENDPOINT", server.endpoint())
//! #     .with("HF_HOME", home.path().to_str().unwrap())
//! #     .with("HF_TOKEN", server.tokens().read.clone());
//! use hf_hub::blocking::HubApi;
//!
//! // `HubApi::from_env()?` in a program; here with a test environment.
//! let api = HubApi::from_env_source(&env)?;
//! let config = api.model("demo-org/demo-model").download("config.json")?;
//! assert!(std::fs::read_to_string(config)?.contains("distilbert"));
//! let json_files = api.model("demo-org/demo-model").snapshot().include("*.json").run()?;
//! assert!(json_files.join("config.json").is_file());
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use hf_auth::TokenSource;
use hf_auth::env::{EnvSource, ProcessEnv};
use hf_auth::whoami::WhoAmI;
use tokio::runtime::Runtime;

use crate::api::{
    CreateRepoOptions, CreatedRepo, GitCommit, GitRefs, ListReposOptions, Outcome, RepoInfo,
    RepoSettings,
};
use crate::download::{DownloadOptions, FileMetadata};
use crate::patterns::PatternFilter;
use crate::tree::TreeEntry;
use crate::upload::{
    CommitInfo, CommitOperation, CommitOptions, FolderUpload, UploadOptions, UploadReport,
    UploadSource,
};
use crate::{Error, HubApiBuilder, Repo, RepoId, RepoType};

fn runtime() -> Result<&'static Runtime, Error> {
    hf_auth::http::blocking_runtime().map_err(|source| Error::Io {
        context: "could not start the runtime of the blocking API".to_owned(),
        source,
    })
}

/// A synchronous [`crate::HubApi`]. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct HubApi {
    inner: crate::HubApi,
    runtime: &'static Runtime,
}

impl HubApi {
    /// As [`crate::HubApi::from_env`]: endpoint, token, cache and download settings from the
    /// environment.
    ///
    /// # Errors
    /// As [`crate::HubApi::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&ProcessEnv)
    }

    /// As [`crate::HubApi::from_env_source`].
    ///
    /// # Errors
    /// As [`crate::HubApi::from_env`].
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        Self::from_async(crate::HubApi::from_env_source(source)?)
    }

    /// Wraps an async client (built with [`crate::HubApi::builder`], for example).
    ///
    /// # Errors
    /// When the runtime cannot be started.
    pub fn from_async(inner: crate::HubApi) -> Result<Self, Error> {
        Ok(Self {
            inner,
            runtime: runtime()?,
        })
    }

    /// The async client underneath (same connections and settings).
    #[must_use]
    pub fn as_async(&self) -> &crate::HubApi {
        &self.inner
    }

    /// Where the token came from, when discovery found one.
    #[must_use]
    pub fn token_source(&self) -> Option<&TokenSource> {
        self.inner.token_source()
    }

    /// A model repo (`org/name`; checked when a call is made).
    #[must_use]
    pub fn model(&self, id: &str) -> RepoHandle {
        self.repo(id, RepoType::Model)
    }

    /// A dataset repo.
    #[must_use]
    pub fn dataset(&self, id: &str) -> RepoHandle {
        self.repo(id, RepoType::Dataset)
    }

    /// A Space.
    #[must_use]
    pub fn space(&self, id: &str) -> RepoHandle {
        self.repo(id, RepoType::Space)
    }

    /// A repo of `repo_type`.
    #[must_use]
    pub fn repo(&self, id: &str, repo_type: RepoType) -> RepoHandle {
        RepoHandle {
            inner: self.inner.repo(id, repo_type),
            runtime: self.runtime,
        }
    }

    fn listing<T>(
        &self,
        stream: Result<BoxStream<'static, Result<T, Error>>, Error>,
    ) -> Result<Listing<T>, Error> {
        Ok(Listing {
            stream: stream?,
            runtime: self.runtime,
        })
    }

    /// As [`crate::HubApi::list_repos`], read by iterating (pages are fetched as needed).
    ///
    /// # Errors
    /// As the async method; items carry request failures.
    pub fn list_repos(
        &self,
        repo_type: RepoType,
        options: &ListReposOptions,
    ) -> Result<Listing<RepoInfo>, Error> {
        self.listing(self.inner.list_repos(repo_type, options))
    }

    /// As [`crate::HubApi::list_models`], read by iterating.
    ///
    /// # Errors
    /// As the async method; items carry request failures.
    pub fn list_models(&self, options: &ListReposOptions) -> Result<Listing<RepoInfo>, Error> {
        self.listing(self.inner.list_models(options))
    }

    /// As [`crate::HubApi::list_datasets`], read by iterating.
    ///
    /// # Errors
    /// As the async method; items carry request failures.
    pub fn list_datasets(&self, options: &ListReposOptions) -> Result<Listing<RepoInfo>, Error> {
        self.listing(self.inner.list_datasets(options))
    }

    /// As [`crate::HubApi::list_spaces`], read by iterating.
    ///
    /// # Errors
    /// As the async method; items carry request failures.
    pub fn list_spaces(&self, options: &ListReposOptions) -> Result<Listing<RepoInfo>, Error> {
        self.listing(self.inner.list_spaces(options))
    }

    /// As [`crate::HubApi::list_repo_commits`], read by iterating.
    ///
    /// # Errors
    /// As the async method; items carry request failures.
    pub fn list_repo_commits(
        &self,
        repo: &Repo,
        revision: Option<&str>,
    ) -> Result<Listing<GitCommit>, Error> {
        self.listing(self.inner.list_repo_commits(repo, revision))
    }
}

impl HubApiBuilder {
    /// The synchronous client ([`HubApi`]).
    ///
    /// # Errors
    /// As [`HubApiBuilder::build`], or when the runtime cannot be started.
    pub fn build_blocking(self) -> Result<HubApi, Error> {
        HubApi::from_async(self.build()?)
    }
}

/// Synchronous versions of the async client's explicit methods, same names and arguments.
macro_rules! blocking_calls {
    ($( fn $name:ident($($arg:ident: $ty:ty),*) -> $output:ty; )*) => {
        impl HubApi {
            $(
                #[doc = concat!("As [`crate::HubApi::", stringify!($name), "`], waiting for the result.")]
                ///
                /// # Errors
                /// As the async method.
                pub fn $name(&self, $($arg: $ty),*) -> Result<$output, Error> {
                    self.runtime.block_on(self.inner.$name($($arg),*))
                }
            )*
        }
    };
}

blocking_calls! {
    fn download_file(repo: &Repo, path: &str, revision: Option<&str>, options: &DownloadOptions) -> PathBuf;
    fn snapshot_download(repo: &Repo, revision: Option<&str>, filter: &PatternFilter, options: &DownloadOptions) -> PathBuf;
    fn file_metadata(repo: &Repo, path: &str, revision: &str) -> FileMetadata;
    fn resolve_commit(repo: &Repo, revision: &str) -> String;
    fn upload_file(repo: &Repo, source: UploadSource, path_in_repo: &str, commit: &CommitOptions, options: &UploadOptions) -> UploadReport;
    fn upload_folder(repo: &Repo, upload: &FolderUpload, commit: &CommitOptions, options: &UploadOptions) -> UploadReport;
    fn create_commit(repo: &Repo, operations: Vec<CommitOperation>, commit: &CommitOptions, options: &UploadOptions) -> CommitInfo;
    fn check_write_access(repo: &Repo) -> WhoAmI;
    fn create_repo(repo: &Repo, options: &CreateRepoOptions) -> CreatedRepo;
    fn delete_repo(repo: &Repo, missing_ok: bool) -> Outcome;
    fn move_repo(from: &Repo, to: &RepoId) -> ();
    fn update_repo_settings(repo: &Repo, settings: &RepoSettings) -> ();
    fn create_branch(repo: &Repo, branch: &str, starting_point: Option<&str>, exist_ok: bool) -> Outcome;
    fn delete_branch(repo: &Repo, branch: &str) -> ();
    fn create_tag(repo: &Repo, tag: &str, revision: Option<&str>, message: Option<&str>, exist_ok: bool) -> Outcome;
    fn delete_tag(repo: &Repo, tag: &str) -> ();
    fn repo_info(repo: &Repo, revision: Option<&str>, files_metadata: bool) -> RepoInfo;
    fn model_info(id: &RepoId, revision: Option<&str>) -> RepoInfo;
    fn dataset_info(id: &RepoId, revision: Option<&str>) -> RepoInfo;
    fn space_info(id: &RepoId, revision: Option<&str>) -> RepoInfo;
    fn repo_exists(repo: &Repo) -> bool;
    fn file_exists(repo: &Repo, path: &str, revision: Option<&str>) -> bool;
    fn list_repo_refs(repo: &Repo, include_pull_requests: bool) -> GitRefs;
    fn list_repo_tree(repo: &Repo, revision: &str, path: Option<&str>, recursive: bool) -> Vec<TreeEntry>;
    fn list_repo_files(repo: &Repo, revision: &str) -> Vec<String>;
}

/// A paged listing, read by iterating; each page is fetched when the previous one is used up.
pub struct Listing<T> {
    stream: BoxStream<'static, Result<T, Error>>,
    runtime: &'static Runtime,
}

impl<T> std::fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing").finish_non_exhaustive()
    }
}

impl<T> Iterator for Listing<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.stream.next())
    }
}

/// A repo at a revision, synchronous ([`crate::RepoHandle`]).
#[derive(Debug, Clone)]
pub struct RepoHandle {
    inner: crate::RepoHandle,
    runtime: &'static Runtime,
}

impl RepoHandle {
    /// At `revision` (a branch, tag or commit) instead of the default branch.
    #[must_use]
    pub fn revision(self, revision: &str) -> Self {
        Self {
            inner: self.inner.revision(revision),
            runtime: self.runtime,
        }
    }

    /// As [`crate::RepoHandle::download`]: the file's path in the cache.
    ///
    /// # Errors
    /// As the async method.
    pub fn download(&self, path: &str) -> Result<PathBuf, Error> {
        self.runtime.block_on(self.inner.download(path))
    }

    /// As [`crate::RepoHandle::upload_file`].
    ///
    /// # Errors
    /// As the async method.
    pub fn upload_file(
        &self,
        local: impl AsRef<Path>,
        path_in_repo: &str,
    ) -> Result<UploadReport, Error> {
        self.runtime
            .block_on(self.inner.upload_file(local, path_in_repo))
    }

    /// A snapshot download being set up, then [`Snapshot::run`].
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            inner: self.inner.snapshot(),
            runtime: self.runtime,
        }
    }

    /// A folder upload being set up, then [`FolderUploadCall::run`].
    #[must_use]
    pub fn upload_folder(&self, folder: impl AsRef<Path>) -> FolderUploadCall {
        FolderUploadCall {
            inner: self.inner.upload_folder(folder),
            runtime: self.runtime,
        }
    }
}

/// Forwards the builder methods of an async call type, keeping the runtime.
macro_rules! forward_setters {
    ($type:ident { $( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*); )* }) => {
        impl $type {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(self, $($arg: $ty),*) -> Self {
                    Self { inner: self.inner.$name($($arg),*), runtime: self.runtime }
                }
            )*
        }
    };
}

/// A snapshot download being set up ([`crate::Snapshot`]).
#[derive(Debug, Clone)]
pub struct Snapshot {
    inner: crate::Snapshot,
    runtime: &'static Runtime,
}

forward_setters!(Snapshot {
    /// Keeps only the files matching `pattern`; repeatable.
    fn include(pattern: &str);
    /// Leaves out the files matching `pattern`; repeatable.
    fn exclude(pattern: &str);
});

impl Snapshot {
    /// Keeps only the files matching one of `patterns`.
    #[must_use]
    pub fn include_all<P: AsRef<str>>(self, patterns: impl IntoIterator<Item = P>) -> Self {
        Self {
            inner: self.inner.include_all(patterns),
            runtime: self.runtime,
        }
    }

    /// Downloads the snapshot into the cache and returns its folder.
    ///
    /// # Errors
    /// As [`crate::Snapshot::run`].
    pub fn run(&self) -> Result<PathBuf, Error> {
        self.runtime.block_on(self.inner.run())
    }
}

/// A folder upload being set up ([`crate::FolderUploadCall`]).
#[derive(Debug, Clone)]
pub struct FolderUploadCall {
    inner: crate::FolderUploadCall,
    runtime: &'static Runtime,
}

forward_setters!(FolderUploadCall {
    /// Where the folder goes in the repo (the root by default).
    fn path_in_repo(path: &str);
    /// Uploads only the files matching `pattern`; repeatable.
    fn include(pattern: &str);
    /// Skips the files matching `pattern`; repeatable.
    fn exclude(pattern: &str);
    /// Deletes the remote files matching `pattern` in the same commit; repeatable.
    fn delete(pattern: &str);
    /// The commit message.
    fn message(message: &str);
    /// Opens a pull request instead of committing to the branch.
    fn create_pr();
    /// Every other upload setting.
    fn options(options: UploadOptions);
});

impl FolderUploadCall {
    /// Uploads (see [`crate::FolderUploadCall::run`]).
    ///
    /// # Errors
    /// As the async method.
    pub fn run(&self) -> Result<UploadReport, Error> {
        self.runtime.block_on(self.inner.run())
    }
}
