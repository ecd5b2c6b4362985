//! `GET /api/models|datasets|spaces` with search, author, filter, sort and limit, paginated.

use futures_util::stream::BoxStream;

use crate::api::info::RepoInfo;
use crate::api::pagination::paginate;
use crate::repo::RepoType;
use crate::{Error, HubApi};

/// Sort orders of repo listings (always descending, as on the Hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoSort {
    /// Most downloaded first.
    Downloads,
    /// Most liked first.
    Likes,
    /// Newest first.
    CreatedAt,
    /// Most recently modified first.
    LastModified,
    /// Trending first.
    TrendingScore,
}

impl RepoSort {
    /// The API's name for the key (`createdAt`, `lastModified`, `trendingScore`...).
    #[must_use]
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Downloads => "downloads",
            Self::Likes => "likes",
            Self::CreatedAt => "createdAt",
            Self::LastModified => "lastModified",
            Self::TrendingScore => "trendingScore",
        }
    }
}

impl std::str::FromStr for RepoSort {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "downloads" => Ok(Self::Downloads),
            "likes" => Ok(Self::Likes),
            "created_at" | "createdAt" => Ok(Self::CreatedAt),
            "last_modified" | "lastModified" => Ok(Self::LastModified),
            "trending_score" | "trendingScore" => Ok(Self::TrendingScore),
            other => Err(Error::InvalidInput(format!(
                "unknown sort key '{other}' (expected downloads, likes, created_at, last_modified or trending_score)"
            ))),
        }
    }
}

/// Filters of [`HubApi::list_repos`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListReposOptions {
    /// Substring of the repo id.
    pub search: Option<String>,
    /// Owner (user or organisation).
    pub author: Option<String>,
    /// Tags the repos must all have (`text-classification`, `pytorch`, `license:mit`...).
    pub filter: Vec<String>,
    /// Sort key.
    pub sort: Option<RepoSort>,
    /// At most this many repos (also enforced here, whatever the pages hold).
    pub limit: Option<usize>,
    /// Extra fields to return (`downloads`, `likes`...).
    pub expand: Vec<String>,
    /// Return all fields (`full=true`).
    pub full: bool,
    /// Only models of this pipeline tag (task), such as `text-generation`.
    pub pipeline_tag: Option<String>,
    /// Only gated (`Some(true)`) or only non-gated (`Some(false)`) repos.
    pub gated: Option<bool>,
    /// Only models that these apps can run (`ollama`, `vllm`...).
    pub apps: Vec<String>,
    /// Only models whose parameter count is in this range, such as `min:6B,max:128B`.
    pub num_parameters: Option<String>,
    /// Only models served by at least one inference provider now (`inference=warm`).
    pub warm: bool,
    /// Only models served by these inference providers (`all` for any).
    pub inference_provider: Vec<String>,
}

crate::setters::setters!(ListReposOptions {
    with_search => search: Option<String>,
    with_author => author: Option<String>,
    with_filter => filter: Vec<String>,
    with_sort => sort: Option<RepoSort>,
    with_limit => limit: Option<usize>,
    with_expand => expand: Vec<String>,
    with_full => full: bool,
    with_pipeline_tag => pipeline_tag: Option<String>,
    with_gated => gated: Option<bool>,
    with_apps => apps: Vec<String>,
    with_num_parameters => num_parameters: Option<String>,
    with_warm => warm: bool,
    with_inference_provider => inference_provider: Vec<String>,
});

/// One row of a benchmark dataset's leaderboard ([`HubApi::dataset_leaderboard`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderboardEntry {
    /// 1 for the best score.
    pub rank: u64,
    /// The model scored.
    pub model_id: String,
    /// The score.
    pub value: f64,
    /// The result file in the model repo.
    #[serde(default)]
    pub filename: String,
    /// Whether the Hub verified the result.
    #[serde(default)]
    pub verified: bool,
    /// Where the result comes from (`name`, `url`, `isExternal`), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<serde_json::Value>,
}

/// One Parquet file of a dataset, as the Dataset Viewer lists them
/// ([`HubApi::dataset_parquet_files`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParquetFile {
    /// The subset (config).
    pub config: String,
    /// The split (`train`, `test`...).
    pub split: String,
    /// Where to download it.
    pub url: String,
    /// Its size in bytes.
    #[serde(default)]
    pub size: u64,
}

/// The most Parquet files [`HubApi::dataset_parquet_files`] accepts in its one response.
const MAX_PARQUET_FILES: usize = 100_000;

/// The most rows [`HubApi::dataset_leaderboard`] accepts in its one response.
const MAX_LEADERBOARD_ROWS: usize = 100_000;

/// One repo of [`HubApi::list_namespace_repos`]: its storage use, as the Hub's settings page
/// shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoStorage {
    /// `namespace/name`.
    pub id: String,
    /// `model`, `dataset`, `space` (or `bucket`, which this client does not handle otherwise).
    #[serde(rename = "type")]
    pub kind: String,
    /// Last update, ISO 8601.
    pub updated_at: String,
    /// `public`, `private` or `protected`.
    pub visibility: String,
    /// Bytes stored.
    #[serde(default)]
    pub storage: u64,
    /// Share of the namespace's total storage, in percent.
    #[serde(default)]
    pub storage_percent: f64,
}

impl HubApi {
    /// The Parquet files of dataset `id` (only those of `config` when given), from the Dataset
    /// Viewer at `viewer` (`https://datasets-server.huggingface.co` on the real Hub):
    /// `GET {viewer}/parquet?dataset=ID[&config=C]`. The token is sent: the viewer is a
    /// Hugging Face service, and it reads private and gated datasets for their owners.
    ///
    /// # Errors
    /// HTTP failures, a malformed `viewer` URL, and [`Error::Protocol`] for more than 100,000
    /// files.
    pub async fn dataset_parquet_files(
        &self,
        viewer: &str,
        id: &crate::repo::RepoId,
        config: Option<&str>,
    ) -> Result<Vec<ParquetFile>, Error> {
        #[derive(serde::Deserialize)]
        struct Answer {
            #[serde(default)]
            parquet_files: Vec<ParquetFile>,
        }
        let base = url::Url::parse(viewer.trim_end_matches('/')).map_err(|e| {
            Error::InvalidInput(format!(
                "the Dataset Viewer URL '{viewer}' is not a URL: {e}"
            ))
        })?;
        let mut url = url::Url::parse(&format!("{}/parquet", base.as_str().trim_end_matches('/')))
            .map_err(|e| Error::InvalidInput(format!("bad Dataset Viewer URL: {e}")))?;
        url.query_pairs_mut().append_pair("dataset", id.as_str());
        if let Some(config) = config {
            url.query_pairs_mut().append_pair("config", config);
        }
        let answer: Answer = self.http.get(url).send_json().await?;
        if answer.parquet_files.len() > MAX_PARQUET_FILES {
            return Err(Error::Protocol(format!(
                "the Dataset Viewer lists {} Parquet files for {id} (at most {MAX_PARQUET_FILES} are read)",
                answer.parquet_files.len()
            )));
        }
        Ok(answer.parquet_files)
    }

    /// The leaderboard of the benchmark dataset `id`: `GET /api/datasets/{id}/leaderboard`,
    /// best first.
    ///
    /// # Errors
    /// HTTP failures (a dataset that is not found or has no leaderboard), and
    /// [`Error::Protocol`] for more than 100,000 rows.
    pub async fn dataset_leaderboard(
        &self,
        id: &crate::repo::RepoId,
    ) -> Result<Vec<LeaderboardEntry>, Error> {
        let repo = crate::repo::Repo::new(id.clone(), RepoType::Dataset);
        let url = self.http.url(&format!("{}/leaderboard", repo.api_path()))?;
        let rows: Vec<LeaderboardEntry> = self.http.get(url).send_json().await?;
        if rows.len() > MAX_LEADERBOARD_ROWS {
            return Err(Error::Protocol(format!(
                "the leaderboard of {id} has {} rows (at most {MAX_LEADERBOARD_ROWS} are read)",
                rows.len()
            )));
        }
        Ok(rows)
    }

    /// Every repo of the token's user (`namespace` `None`) or of an organisation the user is
    /// a member of, with its storage use: `GET /api/settings/repositories` or
    /// `/api/organizations/{namespace}/settings/repositories`, pages followed.
    ///
    /// # Errors
    /// Items carry request failures (401 without a token, 403 for another organisation).
    pub fn list_namespace_repos(
        &self,
        namespace: Option<&str>,
    ) -> Result<BoxStream<'static, Result<RepoStorage, Error>>, Error> {
        let path = match namespace {
            None => "/api/settings/repositories".to_owned(),
            Some(namespace) => {
                if namespace.is_empty()
                    || !namespace
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                {
                    return Err(Error::InvalidInput(format!(
                        "'{namespace}' is not a user or organisation name"
                    )));
                }
                format!("/api/organizations/{namespace}/settings/repositories")
            }
        };
        Ok(paginate(self.http.clone(), self.http.url(&path)?, None))
    }

    /// Lists repos of `repo_type`, following pages until `limit` repos were returned.
    ///
    /// # Errors
    /// Items carry request failures.
    pub fn list_repos(
        &self,
        repo_type: RepoType,
        options: &ListReposOptions,
    ) -> Result<BoxStream<'static, Result<RepoInfo, Error>>, Error> {
        let mut url = self.http.url(&format!("/api/{}", repo_type.plural()))?;
        {
            let mut query = url.query_pairs_mut();
            for filter in &options.filter {
                query.append_pair("filter", filter);
            }
            if let Some(author) = &options.author {
                query.append_pair("author", author);
            }
            if let Some(search) = &options.search {
                query.append_pair("search", search);
            }
            if let Some(sort) = options.sort {
                query.append_pair("sort", sort.api_name());
            }
            if let Some(limit) = options.limit {
                query.append_pair("limit", &limit.to_string());
            }
            for expand in &options.expand {
                query.append_pair("expand", expand);
            }
            if let Some(tag) = &options.pipeline_tag {
                query.append_pair("pipeline_tag", tag);
            }
            if let Some(gated) = options.gated {
                query.append_pair("gated", if gated { "true" } else { "false" });
            }
            for app in &options.apps {
                query.append_pair("apps", app);
            }
            if let Some(range) = &options.num_parameters {
                query.append_pair("num_parameters", range);
            }
            if options.warm {
                query.append_pair("inference", "warm");
            }
            for provider in &options.inference_provider {
                query.append_pair("inference_provider", provider);
            }
            if options.full {
                query.append_pair("full", "true");
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(paginate(self.http.clone(), url, options.limit))
    }

    /// [`HubApi::list_repos`] for models.
    ///
    /// # Errors
    /// As [`HubApi::list_repos`].
    pub fn list_models(
        &self,
        options: &ListReposOptions,
    ) -> Result<BoxStream<'static, Result<RepoInfo, Error>>, Error> {
        self.list_repos(RepoType::Model, options)
    }

    /// [`HubApi::list_repos`] for datasets.
    ///
    /// # Errors
    /// As [`HubApi::list_repos`].
    pub fn list_datasets(
        &self,
        options: &ListReposOptions,
    ) -> Result<BoxStream<'static, Result<RepoInfo, Error>>, Error> {
        self.list_repos(RepoType::Dataset, options)
    }

    /// [`HubApi::list_repos`] for Spaces.
    ///
    /// # Errors
    /// As [`HubApi::list_repos`].
    pub fn list_spaces(
        &self,
        options: &ListReposOptions,
    ) -> Result<BoxStream<'static, Result<RepoInfo, Error>>, Error> {
        self.list_repos(RepoType::Space, options)
    }
}
