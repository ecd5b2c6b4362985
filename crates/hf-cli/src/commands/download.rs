//! `hf download REPO_ID [FILES...]` (and the legacy `huggingface-cli download`): fetches one
//! file, several, or a filtered snapshot into the shared cache (or `--local-dir`) and prints
//! the resulting path, as the Python CLI does. Progress bars go to stderr.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Args;
use hf_auth::env::{self, EnvSource};
use hf_auth::http::HubConfig;
use hf_hub::download::DownloadOptions;
use hf_hub::patterns::PatternFilter;
use hf_hub::progress::{Progress, ProgressEvent};
use hf_hub::{HubApi, Repo, RepoId, RepoType};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::commands::Context;
use crate::exit::UsageError;
use crate::output::{Human, Render};

/// Options of `hf download`.
#[derive(Debug, Args)]
pub(crate) struct DownloadArgs {
    /// The ID of the repo (e.g. `username/repo-name`, `datasets/username/repo-name` or `hf://...`).
    repo_id: String,
    /// Files to download (e.g. `config.json`, `data/metadata.jsonl`). Without any, the whole repo
    /// (filtered by --include/--exclude) is downloaded.
    filenames: Vec<String>,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_name = "TYPE", value_parser = ["model", "dataset", "space"])]
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
    /// Files downloaded at once.
    #[arg(long, default_value_t = hf_hub::download::DEFAULT_MAX_WORKERS)]
    max_workers: usize,
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

/// `hf://datasets/org/name`, `datasets/org/name`, `org/name` -> repo (the type prefix wins over the default).
pub(crate) fn parse_repo(raw: &str, repo_type: Option<&str>) -> anyhow::Result<Repo> {
    let mut id = raw.strip_prefix("hf://").unwrap_or(raw).trim_matches('/');
    let mut kind: Option<RepoType> = repo_type.map(str::parse).transpose()?;
    for (prefix, prefixed) in [
        ("models/", RepoType::Model),
        ("datasets/", RepoType::Dataset),
        ("spaces/", RepoType::Space),
    ] {
        if let Some(rest) = id.strip_prefix(prefix)
            && rest.contains('/')
        {
            if kind.is_some_and(|k| k != prefixed) {
                return Err(UsageError(format!(
                    "'{raw}' names a {prefixed} repo but --repo-type says otherwise"
                ))
                .into());
            }
            kind = Some(prefixed);
            id = rest;
        }
    }
    let id = RepoId::new(id).map_err(|e| UsageError(e.to_string()))?;
    Ok(Repo::new(id, kind.unwrap_or_default()))
}

/// The Hub client for a command: `--token` if given, else the discovered token.
pub(crate) fn api_for(context: &Context, token: Option<&str>) -> anyhow::Result<HubApi> {
    let config = HubConfig::from_env_source(context.env.as_ref())?;
    let token = match token {
        Some(token) => Some(crate::token_flag::from_flag(
            token,
            crate::token_flag::USE_LOGIN_OR_ENV,
        )),
        None => crate::commands::auth::resolve_token(context, false)?.token(),
    };
    Ok(HubApi::new(config, token)?)
}

/// Download settings from the environment, with the cache dir override.
pub(crate) fn download_options(
    env: &dyn EnvSource,
    cache_dir: Option<PathBuf>,
) -> anyhow::Result<DownloadOptions> {
    let mut options = DownloadOptions::from_env_source(env)?;
    if let Some(dir) = cache_dir {
        options.cache_dir = dir;
    }
    Ok(options)
}

/// Runs `hf download`.
pub(crate) async fn run(args: DownloadArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = parse_repo(&args.repo_id, args.repo_type.as_deref())?;
    if !args.filenames.is_empty() && (!args.include.is_empty() || !args.exclude.is_empty()) {
        tracing::warn!("--include and --exclude are ignored when file names are given");
    }
    let api = api_for(context, args.token.as_deref())?;
    let mut options = download_options(context.env.as_ref(), args.cache_dir)?;
    options.local_dir = args.local_dir;
    options.force_download = args.force_download;
    options.max_workers = args.max_workers.max(1);
    options.local_files_only |= args.local_files_only;
    let show_bars = !context.global.quiet
        && std::io::stderr().is_terminal()
        && !context.env.flag(&env::HF_HUB_DISABLE_PROGRESS_BARS);
    let bars = show_bars.then(|| Arc::new(Bars::new()));
    if let Some(bars) = &bars {
        options.progress = bars.clone();
    }
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
    if let Some(bars) = &bars {
        bars.clear();
    }
    let path = result?;
    context.output.emit(&Downloaded { path })
}

/// indicatif rendering of download progress: a total bar, plus one bar per large file.
struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    files: Mutex<HashMap<Arc<str>, ProgressBar>>,
}

/// Files at least this large get their own bar.
const OWN_BAR: u64 = 10 * 1024 * 1024;

impl Bars {
    fn new() -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let total = multi.add(ProgressBar::new(0));
        total.set_style(
            ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        total.set_message("Total");
        Self {
            multi,
            total,
            files: Mutex::new(HashMap::new()),
        }
    }

    fn clear(&self) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
    }
}

impl std::fmt::Debug for Bars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bars").finish_non_exhaustive()
    }
}

impl Progress for Bars {
    fn on_event(&self, event: ProgressEvent) {
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            ProgressEvent::Totals { bytes, .. } => self.total.set_length(bytes),
            ProgressEvent::FileStarted {
                path,
                size,
                resumed_from,
            } => {
                self.total.inc(resumed_from);
                if size >= OWN_BAR {
                    let bar = self
                        .multi
                        .insert_before(&self.total, ProgressBar::new(size));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{msg:>12.dim} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                    bar.set_message(name);
                    bar.set_position(resumed_from);
                    files.insert(path, bar);
                }
            }
            ProgressEvent::FileAdvanced { path, bytes } => {
                self.total.inc(bytes);
                if let Some(bar) = files.get(&path) {
                    bar.inc(bytes);
                }
            }
            ProgressEvent::FileRewound { path, bytes } => {
                self.total
                    .set_position(self.total.position().saturating_sub(bytes));
                if let Some(bar) = files.get(&path) {
                    bar.set_position(bar.position().saturating_sub(bytes));
                }
            }
            ProgressEvent::FileFinished { path } => {
                if let Some(bar) = files.remove(&path) {
                    bar.finish_and_clear();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_ids_accept_type_prefixes_and_uris() {
        let repo = parse_repo("hf://datasets/org/data", None).unwrap();
        assert_eq!(
            (repo.repo_type, repo.id.as_str()),
            (RepoType::Dataset, "org/data")
        );
        let repo = parse_repo("spaces/org/app", None).unwrap();
        assert_eq!(repo.repo_type, RepoType::Space);
        let repo = parse_repo("org/model", Some("dataset")).unwrap();
        assert_eq!(repo.repo_type, RepoType::Dataset);
        assert!(parse_repo("datasets/org/data", Some("model")).is_err());
        assert_eq!(parse_repo("gpt2", None).unwrap().id.as_str(), "gpt2");
    }
}
