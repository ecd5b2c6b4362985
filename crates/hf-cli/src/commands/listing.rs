//! `hf models|datasets|spaces list|info`.

use futures_util::TryStreamExt as _;
use hf_hub::RepoType;
use hf_hub::api::{ListReposOptions, RepoInfo, RepoSort};
use serde::Serialize;

use crate::args::parse_repo;
use crate::commands::Context;
use crate::output::{Human, Render};

/// `--sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SortArg {
    /// Most recently created first.
    CreatedAt,
    /// Most downloaded first.
    Downloads,
    /// Most recently modified first.
    LastModified,
    /// Most liked first.
    Likes,
    /// Trending first.
    TrendingScore,
}

impl From<SortArg> for RepoSort {
    fn from(value: SortArg) -> Self {
        match value {
            SortArg::CreatedAt => Self::CreatedAt,
            SortArg::Downloads => Self::Downloads,
            SortArg::LastModified => Self::LastModified,
            SortArg::Likes => Self::Likes,
            SortArg::TrendingScore => Self::TrendingScore,
        }
    }
}

/// `hf models|datasets|spaces <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReposOfTypeArgs {
    #[command(subcommand)]
    command: ReposOfTypeCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReposOfTypeCommand {
    /// List repos on the Hub, or the files of one repo when REPO_ID is given.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Get info about one repo.
    Info(InfoArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// List the files of this repo instead of listing repos.
    repo_id: Option<String>,
    /// Search query (substring of the repo id).
    #[arg(long)]
    search: Option<String>,
    /// Filter by author or organization.
    #[arg(long)]
    author: Option<String>,
    /// Filter by tag (e.g. 'text-classification'); repeat for several.
    #[arg(long)]
    filter: Vec<String>,
    /// Sort results (descending).
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 30)]
    limit: usize,
    /// Comma-separated properties to return (e.g. 'downloads,likes,tags').
    #[arg(long, value_delimiter = ',')]
    expand: Vec<String>,
    /// Revision to list files at (only with REPO_ID).
    #[arg(long)]
    revision: Option<String>,
}

#[derive(Debug, clap::Args)]
struct InfoArgs {
    /// The repo id (e.g. `username/repo-name`).
    repo_id: String,
    /// Git revision: a branch name, a tag or a commit hash.
    #[arg(long)]
    revision: Option<String>,
    /// Include file sizes and LFS details of the files.
    #[arg(long)]
    files_metadata: bool,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct RepoList {
    #[serde(skip)]
    repo_type: RepoType,
    repos: Vec<RepoInfo>,
}

impl Render for RepoList {
    fn human(&self) -> Human {
        if self.repos.is_empty() {
            return Human::Text(format!("No {} found.", self.repo_type.plural()));
        }
        let opt = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
        let date = |d: &Option<String>| {
            d.as_deref()
                .map_or_else(|| "-".to_owned(), |d| d.chars().take(10).collect())
        };
        let (headers, rows) = match self.repo_type {
            RepoType::Space => (
                vec!["ID", "SDK", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            r.sdk.clone().unwrap_or_else(|| "-".into()),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => (
                vec!["ID", "DOWNLOADS", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            opt(r.downloads),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect(),
            ),
        };
        Human::Table {
            headers: headers.into_iter().map(str::to_owned).collect(),
            rows,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct FileList {
    files: Vec<String>,
}

impl Render for FileList {
    fn human(&self) -> Human {
        Human::Text(self.files.join("\n"))
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct InfoOutput {
    info: RepoInfo,
}

impl Render for InfoOutput {
    fn human(&self) -> Human {
        let info = &self.info;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let mut fields = vec![
            ("id".to_owned(), info.id.clone()),
            ("sha".to_owned(), opt(&info.sha)),
            ("private".to_owned(), info.private.to_string()),
            ("gated".to_owned(), info.gated.as_str().to_owned()),
        ];
        if let Some(downloads) = info.downloads {
            fields.push(("downloads".into(), downloads.to_string()));
        }
        if let Some(likes) = info.likes {
            fields.push(("likes".into(), likes.to_string()));
        }
        for (key, value) in [
            ("library", &info.library_name),
            ("pipeline tag", &info.pipeline_tag),
            ("sdk", &info.sdk),
            ("last modified", &info.last_modified),
        ] {
            if value.is_some() {
                fields.push((key.to_owned(), opt(value)));
            }
        }
        if !info.tags.is_empty() {
            fields.push(("tags".into(), info.tags.join(", ")));
        }
        if let Some(siblings) = &info.siblings {
            fields.push(("files".into(), siblings.len().to_string()));
        }
        Human::Fields(fields)
    }
}

/// Runs `hf models|datasets|spaces ...`.
pub(crate) async fn run(
    repo_type: RepoType,
    args: ReposOfTypeArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(None)?;
    match args.command {
        ReposOfTypeCommand::List(list) => {
            if let Some(id) = &list.repo_id {
                let repo = parse_repo(id, Some(repo_type))?;
                let revision = list
                    .revision
                    .as_deref()
                    .unwrap_or(hf_hub::repo::DEFAULT_REVISION);
                let files = api.list_repo_files(&repo, revision).await?;
                return context.output.emit(&FileList { files });
            }
            let options = ListReposOptions {
                search: list.search,
                author: list.author,
                filter: list.filter,
                sort: list.sort.map(Into::into),
                limit: Some(list.limit),
                expand: list.expand,
                full: false,
            };
            let repos: Vec<RepoInfo> = api.list_repos(repo_type, &options)?.try_collect().await?;
            context.output.emit(&RepoList { repo_type, repos })
        }
        ReposOfTypeCommand::Info(info) => {
            let repo = parse_repo(&info.repo_id, Some(repo_type))?;
            let info = api
                .repo_info(&repo, info.revision.as_deref(), info.files_metadata)
                .await?;
            context.output.emit(&InfoOutput { info })
        }
    }
}
