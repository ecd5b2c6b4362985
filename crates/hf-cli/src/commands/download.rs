//! `hf download REPO_ID [FILES...]` (and the legacy `huggingface-cli download`): fetches one
//! file, several, or a filtered snapshot into the shared cache (or `--local-dir`) and prints
//! the resulting path, as the Python CLI does. Progress bars go to stderr.

use std::path::PathBuf;

use clap::Args;
use hf_hub::download::DownloadOptions;
use hf_hub::patterns::PatternFilter;
use hf_hub::{HubApi, Repo};
use serde::Serialize;

use crate::args::{parse_repo, repo_type};
use crate::commands::Context;
use crate::output::{Human, Render};
use crate::progress;

/// Options of `hf download`.
#[derive(Debug, Args)]
pub(crate) struct DownloadArgs {
    /// The ID of the repo (e.g. `username/repo-name`, `datasets/username/repo-name` or `hf://...`).
    repo_id: String,
    /// Files to download (e.g. `config.json`, `data/metadata.jsonl`). Without any, the whole repo
    /// (filtered by --include/--exclude) is downloaded.
    filenames: Vec<String>,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_name = "TYPE", value_parser = ["model", "dataset", "space", "kernel"])]
    repo_type: Option<String>,
    /// Git revision: a branch name, a tag, or a commit hash.
    #[arg(long)]
    revision: Option<String>,
    /// Glob patterns of files to download (e.g. `*.json`); repeatable.
    #[arg(long, value_name = "PATTERN", num_args = 1..)]
    include: Vec<String>,
    /// Glob patterns of files to skip; repeatable.
    #[arg(long, value_name = "PATTERN", num_args = 1..)]
    exclude: Vec<String>,
    /// Cache directory (default: $HF_HUB_CACHE, i.e. $HF_HOME/hub).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Put the files in this directory instead of the cache.
    #[arg(long, value_name = "DIR")]
    local_dir: Option<PathBuf>,
    /// Download even when the files are already cached.
    #[arg(long, overrides_with = "no_force_download")]
    force_download: bool,
    #[arg(long, hide = true, overrides_with = "force_download")]
    no_force_download: bool,
    /// A User Access Token generated from https://huggingface.co/settings/tokens (prefer `hf auth login`:
    /// command-line arguments are visible to other users of this machine).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Files downloaded at once (default: 8, widened while round trips limit the rate; a
    /// value given here is kept).
    #[arg(long)]
    max_workers: Option<usize>,
    /// Serve from the cache only; fail if something is missing (same as HF_HUB_OFFLINE=1).
    #[arg(long)]
    local_files_only: bool,
    /// Only list what would be downloaded (and what is already present); download nothing.
    #[arg(long, overrides_with = "no_dry_run")]
    dry_run: bool,
    #[arg(long, hide = true, overrides_with = "dry_run")]
    no_dry_run: bool,
}

/// One line of `hf download --dry-run`.
#[derive(Debug, Serialize)]
struct PlannedFile {
    path: String,
    size: u64,
    will_download: bool,
}

/// What `hf download --dry-run` prints.
#[derive(Debug, Serialize)]
struct DryRun {
    revision: String,
    files: Vec<PlannedFile>,
}

impl Render for DryRun {
    fn human(&self) -> Human {
        let rows = self
            .files
            .iter()
            .map(|f| {
                vec![
                    f.path.clone(),
                    f.size.to_string(),
                    if f.will_download {
                        "yes"
                    } else {
                        "no (present)"
                    }
                    .to_owned(),
                ]
            })
            .collect();
        Human::Table {
            headers: vec!["FILE".to_owned(), "BYTES".to_owned(), "DOWNLOAD".to_owned()],
            rows,
        }
    }
}

/// Lists the files a download would fetch, without fetching them.
async fn dry_run(
    api: &HubApi,
    repo: &Repo,
    revision: Option<&str>,
    filter: &PatternFilter,
    options: &DownloadOptions,
) -> anyhow::Result<DryRun> {
    let revision = revision.unwrap_or(hf_hub::repo::DEFAULT_REVISION);
    let commit = api.resolve_commit(repo, revision).await?;
    let cache = hf_hub::cache::RepoCache::new(&options.cache_dir, repo);
    let files = api
        .list_repo_tree(repo, &commit, None, true)
        .await?
        .into_iter()
        .filter(|e| e.is_file() && filter.matches(&e.path))
        .map(|e| {
            let present = match &options.local_dir {
                Some(dir) => dir.join(&e.path).is_file(),
                None => std::fs::metadata(cache.pointer_path(&commit, &e.path))
                    .is_ok_and(|m| m.is_file()),
            };
            PlannedFile {
                size: e.content_size(),
                will_download: options.force_download || !present,
                path: e.path,
            }
        })
        .collect();
    Ok(DryRun {
        revision: commit,
        files,
    })
}

/// What `hf download` prints.
#[derive(Debug, Serialize)]
struct Downloaded {
    path: PathBuf,
}

impl Render for Downloaded {
    fn human(&self) -> Human {
        Human::Text(self.path.display().to_string())
    }
}

/// Runs `hf download`.
pub(crate) async fn run(args: DownloadArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = parse_repo(&args.repo_id, repo_type(args.repo_type.as_deref())?)?;
    if !args.filenames.is_empty() && (!args.include.is_empty() || !args.exclude.is_empty()) {
        tracing::warn!("--include and --exclude are ignored when file names are given");
    }
    let api = context.session.hub_api(args.token.as_deref())?;
    let mut options = context.session.download_options(args.cache_dir)?;
    options.local_dir = args.local_dir;
    options.force_download = args.force_download;
    if let Some(workers) = args.max_workers {
        options.max_workers = workers.max(1);
        options.max_files_in_flight = options.max_workers;
    }
    options.local_files_only |= args.local_files_only;
    let bars = progress::Bars::new(context.session.progress_wanted(context.output.format()));
    options.progress = bars.phase("Total");
    let revision = args.revision.as_deref();
    if args.dry_run {
        let filter = if args.filenames.is_empty() {
            PatternFilter::new(
                (!args.include.is_empty()).then_some(&args.include),
                &args.exclude,
            )
        } else {
            PatternFilter::new(Some(&args.filenames), Vec::<String>::new())
        };
        let plan = dry_run(&api, &repo, revision, &filter, &options).await?;
        return context.output.emit(&plan);
    }
    let result = match args.filenames.as_slice() {
        // A name ending with `/` is a folder: everything below it.
        [single] if !single.ends_with('/') => {
            api.download_file(&repo, single, revision, &options).await
        }
        names => {
            let filter = if names.is_empty() {
                PatternFilter::new(
                    (!args.include.is_empty()).then_some(&args.include),
                    &args.exclude,
                )
            } else {
                PatternFilter::new(Some(names), Vec::<String>::new())
            };
            api.snapshot_download(&repo, revision, &filter, &options)
                .await
        }
    };
    bars.clear();
    let path = result?;
    context.output.emit(&Downloaded { path })
}
