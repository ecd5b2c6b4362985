//! Repo handles, so the common case reads like the task:
//! `api.model("openai-community/gpt2").download("config.json")`,
//! `api.dataset(id).snapshot().include("*.parquet").run()`,
//! `api.model(id).upload_folder("out").run()`. They call the explicit functions
//! ([`HubApi::download_file`], [`HubApi::snapshot_download`], [`HubApi::upload_folder`]) with
//! the api's download settings and the default upload options.

use std::path::{Path, PathBuf};

use crate::download::DownloadOptions;
use crate::patterns::PatternFilter;
use crate::repo::{Repo, RepoType};
use crate::upload::{CommitOptions, FolderUpload, UploadOptions, UploadReport, UploadSource};
use crate::{Error, HubApi};

/// A repo on the Hub, at a revision (the default branch unless [`RepoHandle::revision`]).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let server = hf_test_server::TestServer::spawn(Default::default())?;
/// # let home = tempfile::tempdir()?;
/// # let env = hf_auth::env::MapEnv::new()
/// #     .with("HF_ENDPOINT", server.endpoint())
/// #     .with("HF_HOME", home.path().to_str().unwrap())
/// #     .with("HF_TOKEN", server.tokens().write.clone());
/// # let folder = tempfile::tempdir()?;
/// # std::fs::write(folder.path().join("notes.md"), "# Notes\n")?;
/// # std::fs::write(folder.path().join("debug.log"), "noise\n")?;
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// // `HubApi::from_env()?` in a program; here with a test environment.
/// let api = hf_hub::HubApi::from_env_source(&env)?;
/// let model = api.model("demo-user/scoped-model");
///
/// let report = model.upload_folder(folder.path()).exclude("*.log").message("Add notes").run().await?;
/// assert_eq!(report.files_added, 1);
///
/// let notes = model.download("notes.md").await?;
/// assert_eq!(std::fs::read_to_string(notes)?, "# Notes\n");
/// let pinned = model.revision(report.head.as_deref().unwrap()).download("notes.md").await?;
/// assert!(pinned.is_file());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RepoHandle {
    api: HubApi,
    /// The id as given; checked when a call is made.
    id: String,
    repo_type: RepoType,
    revision: Option<String>,
}

impl HubApi {
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
            api: self.clone(),
            id: id.to_owned(),
            repo_type,
            revision: None,
        }
    }
}

impl RepoHandle {
    /// At `revision` (a branch, tag or commit) instead of the default branch.
    #[must_use]
    pub fn revision(mut self, revision: &str) -> Self {
        self.revision = Some(revision.to_owned());
        self
    }

    /// Downloads `path` into the cache (or finds it there) and returns its local path.
    ///
    /// # Errors
    /// An invalid repo id, a HubApi without download settings (build it with
    /// [`HubApi::from_env`] or [`HubApi::with_download_options`]), and everything
    /// [`HubApi::download_file`] reports.
    pub async fn download(&self, path: &str) -> Result<PathBuf, Error> {
        let (repo, options) = self.parts()?;
        self.api
            .download_file(&repo, path, self.revision.as_deref(), &options)
            .await
    }

    /// A snapshot of the repo: every file, or those [`Snapshot::include`] keeps.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            handle: self.clone(),
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }

    /// Uploads the local file `local` as `path_in_repo`, to the handle's revision (a branch;
    /// `main` by default), with the default message and upload options (secret scan and
    /// permission check on).
    ///
    /// # Errors
    /// An invalid repo id, and everything [`HubApi::upload_file`] reports.
    pub async fn upload_file(
        &self,
        local: impl AsRef<Path>,
        path_in_repo: &str,
    ) -> Result<UploadReport, Error> {
        let repo = Repo::parse(&self.id, Some(self.repo_type))?;
        let commit = CommitOptions {
            revision: self.revision.clone(),
            ..CommitOptions::default()
        };
        self.api
            .upload_file(
                &repo,
                UploadSource::Path(local.as_ref().to_path_buf()),
                path_in_repo,
                &commit,
                &UploadOptions::default(),
            )
            .await
    }

    /// A folder upload being set up: destination, patterns, message, then
    /// [`FolderUploadCall::run`].
    #[must_use]
    pub fn upload_folder(&self, folder: impl AsRef<Path>) -> FolderUploadCall {
        FolderUploadCall {
            handle: self.clone(),
            upload: FolderUpload {
                folder: folder.as_ref().to_path_buf(),
                ..FolderUpload::default()
            },
            commit: CommitOptions {
                revision: self.revision.clone(),
                ..CommitOptions::default()
            },
            options: UploadOptions::default(),
        }
    }

    fn parts(&self) -> Result<(Repo, std::sync::Arc<DownloadOptions>), Error> {
        let repo = Repo::parse(&self.id, Some(self.repo_type))?;
        let options = self.api.downloads.clone().ok_or_else(|| {
            Error::InvalidInput(
                "this HubApi has no download settings (no cache folder was given)".to_owned(),
            )
        })?;
        Ok((repo, options))
    }
}

/// A snapshot download being set up: patterns, then [`Snapshot::run`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    handle: RepoHandle,
    include: Vec<String>,
    exclude: Vec<String>,
}

impl Snapshot {
    /// Keeps only the files matching `pattern` (a glob such as `*.json`); repeatable.
    #[must_use]
    pub fn include(mut self, pattern: &str) -> Self {
        self.include.push(pattern.to_owned());
        self
    }

    /// Keeps only the files matching one of `patterns` (with those of earlier calls).
    #[must_use]
    pub fn include_all<P: AsRef<str>>(mut self, patterns: impl IntoIterator<Item = P>) -> Self {
        self.include
            .extend(patterns.into_iter().map(|p| p.as_ref().to_owned()));
        self
    }

    /// Leaves out the files matching `pattern`; repeatable.
    #[must_use]
    pub fn exclude(mut self, pattern: &str) -> Self {
        self.exclude.push(pattern.to_owned());
        self
    }

    /// Downloads the snapshot into the cache and returns its folder.
    ///
    /// # Errors
    /// As [`RepoHandle::download`], and everything [`HubApi::snapshot_download`] reports.
    pub async fn run(&self) -> Result<PathBuf, Error> {
        let (repo, options) = self.handle.parts()?;
        let filter = PatternFilter::new(
            (!self.include.is_empty()).then_some(&self.include),
            &self.exclude,
        );
        self.handle
            .api
            .snapshot_download(&repo, self.handle.revision.as_deref(), &filter, &options)
            .await
    }
}

/// A folder upload being set up ([`RepoHandle::upload_folder`]): the same choices as
/// [`HubApi::upload_folder`], then [`FolderUploadCall::run`].
#[derive(Debug, Clone)]
pub struct FolderUploadCall {
    handle: RepoHandle,
    upload: FolderUpload,
    commit: CommitOptions,
    options: UploadOptions,
}

impl FolderUploadCall {
    /// Where the folder goes in the repo (the root by default).
    #[must_use]
    pub fn path_in_repo(mut self, path: &str) -> Self {
        self.upload.path_in_repo = Some(path.to_owned());
        self
    }

    /// Uploads only the files matching `pattern` (relative to the folder); repeatable.
    #[must_use]
    pub fn include(mut self, pattern: &str) -> Self {
        self.upload
            .allow_patterns
            .get_or_insert_with(Vec::new)
            .push(pattern.to_owned());
        self
    }

    /// Skips the files matching `pattern`; repeatable.
    #[must_use]
    pub fn exclude(mut self, pattern: &str) -> Self {
        self.upload.ignore_patterns.push(pattern.to_owned());
        self
    }

    /// Deletes the remote files matching `pattern` in the same commit; repeatable.
    #[must_use]
    pub fn delete(mut self, pattern: &str) -> Self {
        self.upload.delete_patterns.push(pattern.to_owned());
        self
    }

    /// The commit message ("Upload folder using huggingface_hub" by default, as in Python).
    #[must_use]
    pub fn message(mut self, message: &str) -> Self {
        self.commit.message = message.to_owned();
        self
    }

    /// Opens a pull request instead of committing to the branch.
    #[must_use]
    pub fn create_pr(mut self) -> Self {
        self.commit.create_pr = true;
        self
    }

    /// Every other upload setting (parallelism, secret scan, progress).
    #[must_use]
    pub fn options(mut self, options: UploadOptions) -> Self {
        self.options = options;
        self
    }

    /// Uploads: files the Hub already has are skipped, large uploads are split into
    /// several commits, and a re-run after an interruption resumes.
    ///
    /// # Errors
    /// An invalid repo id, and everything [`HubApi::upload_folder`] reports.
    pub async fn run(&self) -> Result<UploadReport, Error> {
        let repo = Repo::parse(&self.handle.id, Some(self.handle.repo_type))?;
        self.handle
            .api
            .upload_folder(&repo, &self.upload, &self.commit, &self.options)
            .await
    }
}
