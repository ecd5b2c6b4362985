//! Repo info (`GET /api/{t}/{repo}[/revision/{rev}]`) and existence checks.

use hf_auth::HttpErrorKind;
use hf_auth::http::Redirects;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::repo::{Repo, RepoId, RepoType, encode_revision, validate_revision};
use crate::{Error, HubApi};

/// Whether (and how) access to a repo must be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GatedMode {
    /// Not gated (`false` on the wire).
    #[default]
    Off,
    /// Requests are approved automatically (`"auto"`).
    Auto,
    /// Requests are reviewed by the owners (`"manual"`).
    Manual,
}

impl GatedMode {
    /// `off`, `auto` or `manual`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Auto => "auto",
            Self::Manual => "manual",
        }
    }

    pub(crate) fn to_json(self) -> serde_json::Value {
        match self {
            Self::Off => serde_json::Value::Bool(false),
            Self::Auto => "auto".into(),
            Self::Manual => "manual".into(),
        }
    }
}

impl std::str::FromStr for GatedMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "auto" => Ok(Self::Auto),
            "manual" => Ok(Self::Manual),
            "false" | "off" | "none" => Ok(Self::Off),
            other => Err(Error::InvalidInput(format!(
                "unknown gated mode '{other}' (expected auto, manual or false)"
            ))),
        }
    }
}

impl Serialize for GatedMode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for GatedMode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) if s == "manual" => Self::Manual,
            serde_json::Value::String(s) if s == "auto" => Self::Auto,
            serde_json::Value::Bool(true) => Self::Auto,
            _ => Self::Off,
        })
    }
}

/// LFS details of a file in [`Sibling::lfs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobLfsInfo {
    /// Size of the content in bytes.
    pub size: u64,
    /// sha256 of the content.
    pub sha256: String,
    /// Size of the pointer file stored in git.
    #[serde(rename = "pointerSize", default)]
    pub pointer_size: u64,
}

/// One file of a repo, as listed by the info call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sibling {
    /// Path in the repo.
    pub rfilename: String,
    /// Size in bytes (only with `files_metadata`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Git blob id (only with `files_metadata`).
    #[serde(rename = "blobId", default, skip_serializing_if = "Option::is_none")]
    pub blob_id: Option<String>,
    /// LFS details (only with `files_metadata`, for LFS files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lfs: Option<BlobLfsInfo>,
}

/// What the Hub says about a model, dataset or Space. Fields the Hub may omit are
/// optional; everything else it sent is kept in [`RepoInfo::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoInfo {
    /// `namespace/name`.
    pub id: String,
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The commit the info describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Whether only the owner (and members) can see it.
    #[serde(default)]
    pub private: bool,
    /// Gating.
    #[serde(default)]
    pub gated: GatedMode,
    /// Disabled by the Hub.
    #[serde(default)]
    pub disabled: bool,
    /// Downloads in the last 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads: Option<u64>,
    /// Likes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes: Option<u64>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Library (models).
    #[serde(
        rename = "library_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub library_name: Option<String>,
    /// Pipeline tag (models).
    #[serde(
        rename = "pipeline_tag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pipeline_tag: Option<String>,
    /// SDK (Spaces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    /// Last change, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Creation date, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Files at [`RepoInfo::sha`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siblings: Option<Vec<Sibling>>,
    /// Everything else the Hub sent (cardData, safetensors, ...).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl HubApi {
    /// `GET /api/{t}/{repo}[/revision/{rev}]`: what the Hub says about `repo` at `revision`
    /// (the default branch when `None`). With `files_metadata`, siblings carry sizes and LFS details.
    ///
    /// # Errors
    /// [`HttpErrorKind::RepoNotFound`] (missing, private or a typo), `RevisionNotFound`, `GatedRepo`...
    pub async fn repo_info(
        &self,
        repo: &Repo,
        revision: Option<&str>,
        files_metadata: bool,
    ) -> Result<RepoInfo, Error> {
        self.repo_info_expanded(repo, revision, files_metadata, &[])
            .await
    }

    /// As [`HubApi::repo_info`], asking only for the `expand` properties (`downloads`,
    /// `likes`, `tags`...; the id always comes back), as Python's `model_info(expand=...)`.
    ///
    /// # Errors
    /// As [`HubApi::repo_info`].
    pub async fn repo_info_expanded(
        &self,
        repo: &Repo,
        revision: Option<&str>,
        files_metadata: bool,
        expand: &[String],
    ) -> Result<RepoInfo, Error> {
        let mut path = repo.api_path();
        if let Some(revision) = revision {
            validate_revision(revision)?;
            path.push_str("/revision/");
            path.push_str(&encode_revision(revision));
        }
        let mut request = self.http.get(self.http.url(&path)?);
        if files_metadata {
            request = request.query(&[("blobs", "true")]);
        }
        for property in expand {
            request = request.query(&[("expand", property.as_str())]);
        }
        Ok(request.send_json().await?)
    }

    /// [`HubApi::repo_info`] for a model.
    ///
    /// # Errors
    /// As [`HubApi::repo_info`].
    pub async fn model_info(&self, id: &RepoId, revision: Option<&str>) -> Result<RepoInfo, Error> {
        self.repo_info(&Repo::new(id.clone(), RepoType::Model), revision, false)
            .await
    }

    /// [`HubApi::repo_info`] for a dataset.
    ///
    /// # Errors
    /// As [`HubApi::repo_info`].
    pub async fn dataset_info(
        &self,
        id: &RepoId,
        revision: Option<&str>,
    ) -> Result<RepoInfo, Error> {
        self.repo_info(&Repo::new(id.clone(), RepoType::Dataset), revision, false)
            .await
    }

    /// [`HubApi::repo_info`] for a Space.
    ///
    /// # Errors
    /// As [`HubApi::repo_info`].
    pub async fn space_info(&self, id: &RepoId, revision: Option<&str>) -> Result<RepoInfo, Error> {
        self.repo_info(&Repo::new(id.clone(), RepoType::Space), revision, false)
            .await
    }

    /// Whether `repo` exists and is visible to the token. A gated repo exists.
    ///
    /// # Errors
    /// Any failure other than "repo not found" (network, 5xx, invalid token...).
    pub async fn repo_exists(&self, repo: &Repo) -> Result<bool, Error> {
        match self.repo_info(repo, None, false).await {
            Ok(_) => Ok(true),
            Err(e) => match e.http_kind() {
                Some(HttpErrorKind::GatedRepo) => Ok(true),
                Some(HttpErrorKind::RepoNotFound) => Ok(false),
                _ => Err(e),
            },
        }
    }

    /// Whether `path` exists in `repo` at `revision` (`HEAD` on its resolve URL).
    /// A missing repo, revision or file gives `false`; a gated repo is an error.
    ///
    /// # Errors
    /// Gated repos, network failures, 5xx.
    pub async fn file_exists(
        &self,
        repo: &Repo,
        path: &str,
        revision: Option<&str>,
    ) -> Result<bool, Error> {
        let revision = revision.unwrap_or(crate::repo::DEFAULT_REVISION);
        validate_revision(revision)?;
        let url = self.http.url(&repo.resolve_path(revision, path))?;
        match self
            .http
            .head(url)
            .redirects(Redirects::StopAtUntrusted)
            .metadata_timeout()
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match e.kind() {
                HttpErrorKind::RepoNotFound
                | HttpErrorKind::EntryNotFound
                | HttpErrorKind::RevisionNotFound
                | HttpErrorKind::NotFound => Ok(false),
                _ => Err(e.into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_info_keeps_unknown_fields_and_reads_gated() {
        let info: RepoInfo = serde_json::from_value(serde_json::json!({
            "id": "org/m", "sha": "abc", "private": true, "gated": "manual",
            "siblings": [{"rfilename": "a.bin", "size": 3, "lfs": {"size": 3, "sha256": "x", "pointerSize": 120}}],
            "cardData": {"license": "mit"}, "library_name": "transformers"
        }))
        .unwrap();
        assert_eq!(info.gated, GatedMode::Manual);
        assert!(info.private);
        assert_eq!(info.library_name.as_deref(), Some("transformers"));
        assert_eq!(
            info.siblings.as_ref().unwrap()[0]
                .lfs
                .as_ref()
                .unwrap()
                .pointer_size,
            120
        );
        assert_eq!(info.extra["cardData"]["license"], "mit");
        let off: RepoInfo =
            serde_json::from_value(serde_json::json!({"id": "x", "gated": false})).unwrap();
        assert_eq!(off.gated, GatedMode::Off);
    }
}
