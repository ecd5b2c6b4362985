//! Repo handles, so the common case reads like the task:
//! `api.model("openai-community/gpt2").download("config.json")`,
//! `api.dataset(id).snapshot().include("*.parquet").run()`. They call the explicit functions
//! ([`HubApi::download_file`], [`HubApi::snapshot_download`]) with the api's download settings.

use std::path::PathBuf;

use crate::download::DownloadOptions;
use crate::patterns::PatternFilter;
use crate::repo::{Repo, RepoType};
use crate::{Error, HubApi};

/// A repo on the Hub, at a revision (the default branch unless [`RepoHandle::revision`]).
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
