//! `hf datasets list|info|card|sql|parquet|leaderboard`.

mod leaderboard;
mod parquet;

use hf_hub::RepoType;

use crate::args::{TokenArg, parse_repo};
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::repo_views::{self, CardArgs, InfoArgs, ListArgs};
use leaderboard::{Leaderboard, LeaderboardArgs};
use parquet::ParquetList;

/// `hf datasets <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct DatasetsArgs {
    #[command(subcommand)]
    pub(crate) command: DatasetsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum DatasetsCommand {
    /// List datasets on the Hub, or the files of one dataset when DATASET_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ListArgs),
    /// Get info about a dataset on the Hub.
    Info(InfoArgs),
    /// Get the dataset card (README) of a dataset on the Hub.
    Card(CardArgs),
    /// List model scores from a benchmark dataset's leaderboard, best first.
    Leaderboard(LeaderboardArgs),
    /// List the Parquet files of a dataset (from the Dataset Viewer), with their URLs.
    Parquet(ParquetArgs),
    /// Execute a raw SQL query with DuckDB against dataset parquet URLs (needs the `duckdb`
    /// program on PATH, as Python's does without its `duckdb` package).
    Sql(SqlArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct SqlArgs {
    /// Raw SQL query to execute.
    pub(crate) sql: String,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ParquetArgs {
    /// The dataset id (e.g. `username/repo-name`).
    pub(crate) dataset_id: String,
    /// Only this subset (config).
    #[arg(long, value_name = "SUBSET")]
    pub(crate) subset: Option<String>,
    /// Only this split.
    #[arg(long, value_name = "SPLIT")]
    pub(crate) split: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// Runs `hf datasets ...`.
pub(crate) async fn run_datasets(args: DatasetsArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo_type = RepoType::Dataset;
    match args.command {
        DatasetsCommand::List(list) => {
            let options = repo_views::list_options(&list);
            repo_views::list_command(repo_type, &list, options, context).await
        }
        DatasetsCommand::Info(info) => repo_views::info_command(repo_type, info, context).await,
        DatasetsCommand::Card(card) => repo_views::card_command(repo_type, card, context).await,
        DatasetsCommand::Sql(a) => {
            let query = crate::duckdb::check_query(&a.sql)?;
            let path = context.session.program_path();
            let Some(binary) = crate::duckdb::find(path.as_deref()) else {
                return Err(anyhow::anyhow!("DuckDB is required for `hf datasets sql`."))
                    .hint(crate::hints::INSTALL_DUCKDB);
            };
            let token = context.session.token_or_flag(a.token.flag())?;
            let endpoint = context.session.endpoint()?;
            let rows = tokio::task::spawn_blocking(move || {
                crate::duckdb::run(&binary, &query, token.as_ref(), &endpoint)
            })
            .await??;
            context.output.emit(&rows)
        }
        DatasetsCommand::Parquet(parquet) => {
            let (api, viewer) = context.session.dataset_viewer_api(parquet.token.flag())?;
            let repo = parse_repo(&parquet.dataset_id, Some(repo_type))?;
            let mut files = api
                .dataset_parquet_files(&viewer, &repo.id, parquet.subset.as_deref())
                .await?;
            if let Some(split) = &parquet.split {
                files.retain(|f| f.split == *split);
            }
            context.output.emit(&ParquetList { files })
        }
        DatasetsCommand::Leaderboard(board) => {
            let api = context.session.hub_api(board.token.flag())?;
            let repo = parse_repo(&board.dataset_id, Some(repo_type))?;
            let mut rows = api.dataset_leaderboard(&repo.id).await?;
            rows.truncate(board.limit);
            context.output.emit(&Leaderboard { rows })
        }
    }
}
