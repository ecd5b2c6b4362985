//! Git refs (`/refs`) and commit history (`/commits/{rev}`, paginated).

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::api::pagination::paginate;
use crate::repo::{Repo, encode_revision, validate_revision};
use crate::{Error, HubApi};

/// One branch, tag, convert or pull-request ref.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRef {
    /// Short name (`main`, `v1.0`, `refs/pr/1`).
    pub name: String,
    /// Full ref (`refs/heads/main`).
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The commit it points to.
    pub target_commit: String,
}

/// All refs of a repo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRefs {
    /// Branches.
    #[serde(default)]
    pub branches: Vec<GitRef>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<GitRef>,
    /// Conversion refs (`refs/convert/parquet`...).
    #[serde(default)]
    pub converts: Vec<GitRef>,
    /// Pull-request refs (only when asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_requests: Option<Vec<GitRef>>,
}

/// An author of a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitAuthor {
    /// The Hub user name.
    pub user: String,
}

/// One commit of a repo's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitCommit {
    /// The commit id.
    pub id: String,
    /// First line of the message.
    #[serde(default)]
    pub title: String,
    /// The rest of the message.
    #[serde(default)]
    pub message: String,
    /// ISO 8601 date.
    #[serde(default)]
    pub date: String,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<CommitAuthor>,
}

impl HubApi {
    /// `GET /api/{t}/{repo}/refs[?include_prs=1]`.
    ///
    /// # Errors
    /// `RepoNotFound`, network failures.
    pub async fn list_repo_refs(
        &self,
        repo: &Repo,
        include_pull_requests: bool,
    ) -> Result<GitRefs, Error> {
        let mut request = self
            .http
            .get(self.http.url(&format!("{}/refs", repo.api_path()))?);
        if include_pull_requests {
            request = request.query(&[("include_prs", "1")]);
        }
        Ok(request.send_json().await?)
    }

    /// The history of `revision` (default branch when `None`), newest first, following pages.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed revision; items carry request failures.
    pub fn list_repo_commits(
        &self,
        repo: &Repo,
        revision: Option<&str>,
    ) -> Result<BoxStream<'static, Result<GitCommit, Error>>, Error> {
        let revision = revision.unwrap_or(crate::repo::DEFAULT_REVISION);
        validate_revision(revision)?;
        let url = self.http.url(&format!(
            "{}/commits/{}",
            repo.api_path(),
            encode_revision(revision)
        ))?;
        Ok(paginate(self.http.clone(), url, None))
    }
}
