//! `hf cache ls|rm|prune|verify`: inspect and clean the shared cache (the Python client's
//! layout, so repos it downloaded are listed too) and re-hash cached files.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use hf_hub::cache::{CacheInfo, CachedRepo, DeleteSummary, VerifyOutcome, scan_cache, verify_repo};
use hf_hub::repo::DEFAULT_REVISION;
use serde::Serialize;

use crate::args::{parse_repo, parse_typed_repo, repo_type};
use crate::commands::Context;
use crate::exit::UsageError;
use crate::output::{Human, Render};

/// `hf cache ...`.
#[derive(Debug, Args)]
pub(crate) struct CacheArgs {
    #[command(subcommand)]
    command: CacheCommand,
}

#[derive(Debug, Subcommand)]
enum CacheCommand {
    /// List cached repositories or revisions.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Remove cached repositories or revisions.
    Rm(RmArgs),
    /// Remove detached revisions and incomplete downloads from the cache.
    Prune(PruneArgs),
    /// Verify checksums of a cached repo revision (or a local directory) against the Hub, or
    /// offline against the hashes the cache records.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Cache directory to scan (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// One line per revision instead of per repo.
    #[arg(long)]
    revisions: bool,
    /// Sort by accessed, modified, name or size (`:asc`/`:desc` to choose the order).
    #[arg(long, value_name = "KEY")]
    sort: Option<String>,
    /// Show at most this many entries.
    #[arg(long)]
    limit: Option<usize>,
    /// Also print warnings about folders that are not cached repos.
    #[arg(long)]
    show_warnings: bool,
}

#[derive(Debug, Args)]
struct RmArgs {
    /// Repo ids (`model/gpt2`, `dataset/org/name`, `hf://models/org/name`) or revision hashes.
    #[arg(required = true)]
    targets: Vec<String>,
    /// Cache directory (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    yes: bool,
    /// Only show what would be deleted.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
struct PruneArgs {
    /// Cache directory (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    yes: bool,
    /// Only show what would be deleted.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The repo id.
    repo_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_name = "TYPE", value_parser = ["model", "dataset", "space"])]
    repo_type: Option<String>,
    /// Revision to verify (branch, tag or commit; default main).
    #[arg(long)]
    revision: Option<String>,
    /// Cache directory (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Verify this directory instead of the cache.
    #[arg(long, value_name = "DIR")]
    local_dir: Option<PathBuf>,
    /// Fail when files listed by the Hub are missing locally.
    #[arg(long)]
    fail_on_missing_files: bool,
    /// Fail when local files are not in the Hub's listing.
    #[arg(long)]
    fail_on_extra_files: bool,
    /// Check against the hashes recorded in the cache (blob names) without any request.
    #[arg(long)]
    offline: bool,
    /// A User Access Token.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
}

/// Runs `hf cache ...`.
pub(crate) async fn run(args: CacheArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        CacheCommand::List(args) => list(&args, context),
        CacheCommand::Rm(args) => rm(&args, context),
        CacheCommand::Prune(args) => prune(&args, context),
        CacheCommand::Verify(args) => verify(args, context).await,
    }
}

fn cache_root(context: &Context, dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    Ok(context.session.download_options(dir)?.cache_dir)
}

fn scan(context: &Context, dir: Option<PathBuf>) -> anyhow::Result<CacheInfo> {
    let root = cache_root(context, dir)?;
    Ok(scan_cache(&root)?)
}

/// `1.2K`, `3.4M`... as the Python CLI prints sizes.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["", "K", "M", "G", "T"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes}")
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

fn unix(time: Option<SystemTime>) -> Option<u64> {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

/// `3 days ago`, for people.
fn ago(time: Option<SystemTime>) -> String {
    let Some(secs) = time
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .map(|d| d.as_secs())
    else {
        return "-".to_owned();
    };
    match secs {
        0..60 => "a few seconds ago".to_owned(),
        60..3600 => format!("{} minutes ago", secs / 60),
        3600..86_400 => format!("{} hours ago", secs / 3600),
        86_400..2_592_000 => format!("{} days ago", secs / 86_400),
        2_592_000..31_536_000 => format!("{} months ago", secs / 2_592_000),
        _ => format!("{} years ago", secs / 31_536_000),
    }
}

#[derive(Debug, Serialize)]
struct RepoEntry {
    id: String,
    repo_type: String,
    repo_id: String,
    size_on_disk: u64,
    nb_files: usize,
    last_accessed: Option<u64>,
    last_modified: Option<u64>,
    refs: Vec<String>,
    path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<String>,
}

#[derive(Debug, Serialize)]
struct Listing {
    cache_dir: PathBuf,
    entries: Vec<RepoEntry>,
    #[serde(skip)]
    revisions: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

impl Render for Listing {
    fn human(&self) -> Human {
        let mut headers = vec!["ID".to_owned()];
        if self.revisions {
            headers.push("REVISION".to_owned());
        }
        headers
            .extend(["SIZE", "FILES", "LAST_ACCESSED", "LAST_MODIFIED", "REFS"].map(str::to_owned));
        let rows = self
            .entries
            .iter()
            .map(|e| {
                let mut row = vec![e.id.clone()];
                if let Some(revision) = &e.revision {
                    row.push(revision.clone());
                }
                row.extend([
                    human_size(e.size_on_disk),
                    e.nb_files.to_string(),
                    ago(e
                        .last_accessed
                        .map(|s| UNIX_EPOCH + std::time::Duration::from_secs(s))),
                    ago(e
                        .last_modified
                        .map(|s| UNIX_EPOCH + std::time::Duration::from_secs(s))),
                    e.refs.join(", "),
                ]);
                row
            })
            .collect();
        Human::Table { headers, rows }
    }
}

fn list(args: &ListArgs, context: &mut Context) -> anyhow::Result<()> {
    // Listing needs sizes and counts, not every file: the summary scan keeps memory flat.
    let root = cache_root(context, args.cache_dir.clone())?;
    let info = hf_hub::cache::scan_cache_summary(&root)?;
    let mut entries: Vec<RepoEntry> = Vec::new();
    for repo in &info.repos {
        if args.revisions {
            for revision in &repo.revisions {
                entries.push(RepoEntry {
                    id: repo.label(),
                    repo_type: repo.repo_type.to_string(),
                    repo_id: repo.repo_id.clone(),
                    size_on_disk: revision.size_on_disk,
                    nb_files: revision.nb_files,
                    last_accessed: unix(repo.last_accessed),
                    last_modified: unix(revision.last_modified),
                    refs: revision.refs.iter().cloned().collect(),
                    path: revision.path.clone(),
                    revision: Some(revision.commit.clone()),
                });
            }
        } else {
            entries.push(RepoEntry {
                id: repo.label(),
                repo_type: repo.repo_type.to_string(),
                repo_id: repo.repo_id.clone(),
                size_on_disk: repo.size_on_disk,
                nb_files: repo.nb_files,
                last_accessed: unix(repo.last_accessed),
                last_modified: unix(repo.last_modified),
                refs: repo.refs.keys().cloned().collect(),
                path: repo.path.clone(),
                revision: None,
            });
        }
    }
    if let Some(sort) = &args.sort {
        let (key, order) = sort.split_once(':').unwrap_or((sort.as_str(), ""));
        match key {
            "name" => entries.sort_by(|a, b| a.id.cmp(&b.id)),
            "size" => entries.sort_by_key(|e| std::cmp::Reverse(e.size_on_disk)),
            "accessed" => entries.sort_by_key(|e| std::cmp::Reverse(e.last_accessed)),
            "modified" => entries.sort_by_key(|e| std::cmp::Reverse(e.last_modified)),
            other => {
                return Err(UsageError(format!(
                    "unknown sort key '{other}' (accessed, modified, name or size)"
                ))
                .into());
            }
        }
        let default_desc = key != "name";
        match order {
            "" => {}
            "asc" if default_desc => entries.reverse(),
            "desc" if !default_desc => entries.reverse(),
            "asc" | "desc" => {}
            other => {
                return Err(
                    UsageError(format!("unknown sort order '{other}' (asc or desc)")).into(),
                );
            }
        }
    }
    if let Some(limit) = args.limit {
        entries.truncate(limit);
    }
    if args.show_warnings {
        for warning in &info.warnings {
            tracing::warn!("{warning}");
        }
    }
    context.output.emit(&Listing {
        cache_dir: info.root,
        entries,
        revisions: args.revisions,
        warnings: if args.show_warnings {
            info.warnings
        } else {
            Vec::new()
        },
    })
}

#[derive(Debug, Serialize)]
struct Deleted {
    dry_run: bool,
    deleted: Vec<PathBuf>,
    freed_bytes: u64,
}

impl Render for Deleted {
    fn human(&self) -> Human {
        let verb = if self.dry_run { "Would free" } else { "Freed" };
        let mut text = String::new();
        for path in &self.deleted {
            text.push_str(&format!(
                "{} {}\n",
                if self.dry_run {
                    "would delete"
                } else {
                    "deleted"
                },
                path.display()
            ));
        }
        text.push_str(&format!(
            "{verb} {} ({} paths).",
            human_size(self.freed_bytes),
            self.deleted.len()
        ));
        Human::Text(text)
    }
}

/// Asks on the terminal; without one, `--yes` is required.
fn confirm(question: &str, yes: bool) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(UsageError(
            "refusing to delete without confirmation: pass --yes (or --dry-run to preview)"
                .to_owned(),
        )
        .into());
    }
    let mut stderr = std::io::stderr();
    write!(stderr, "{question} [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn rm(args: &RmArgs, context: &mut Context) -> anyhow::Result<()> {
    let info = scan(context, args.cache_dir.clone())?;
    let mut whole: Vec<&CachedRepo> = Vec::new();
    let mut revisions: Vec<(&CachedRepo, String)> = Vec::new();
    for target in &args.targets {
        if hf_hub::repo::is_commit_hash(target) {
            let owner = info
                .repos
                .iter()
                .find(|r| r.revisions.iter().any(|rev| rev.commit == *target))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "revision {target} is not in the cache at {}",
                        info.root.display()
                    )
                })?;
            revisions.push((owner, target.clone()));
            continue;
        }
        let repo = parse_typed_repo(target)?;
        let found = info
            .find_repo(repo.repo_type, repo.id.as_str())
            .ok_or_else(|| {
                anyhow::anyhow!("{target} is not in the cache at {}", info.root.display())
            })?;
        whole.push(found);
    }
    let mut summary = DeleteSummary::default();
    let mut merge = |s: DeleteSummary| {
        summary.paths.extend(s.paths);
        summary.freed_bytes += s.freed_bytes;
    };
    merge(info.delete_repos(&whole, true)?);
    for (repo, commit) in &revisions {
        merge(info.delete_revisions(repo, &[commit.as_str()], true)?);
    }
    let proceed = !args.dry_run
        && !summary.paths.is_empty()
        && confirm(
            &format!(
                "Delete {} paths, freeing {}?",
                summary.paths.len(),
                human_size(summary.freed_bytes)
            ),
            args.yes,
        )?;
    if proceed {
        info.delete_repos(&whole, false)?;
        for (repo, commit) in &revisions {
            info.delete_revisions(repo, &[commit.as_str()], false)?;
        }
    }
    context.output.emit(&Deleted {
        dry_run: !proceed,
        deleted: summary.paths,
        freed_bytes: summary.freed_bytes,
    })
}

fn prune(args: &PruneArgs, context: &mut Context) -> anyhow::Result<()> {
    let info = scan(context, args.cache_dir.clone())?;
    let preview = info.prune(true)?;
    let proceed = !args.dry_run
        && !preview.paths.is_empty()
        && confirm(
            &format!(
                "Delete {} paths, freeing {}?",
                preview.paths.len(),
                human_size(preview.freed_bytes)
            ),
            args.yes,
        )?;
    if proceed {
        info.prune(false)?;
    }
    context.output.emit(&Deleted {
        dry_run: !proceed,
        deleted: preview.paths,
        freed_bytes: preview.freed_bytes,
    })
}

#[derive(Debug, Serialize)]
struct Verified {
    repo: String,
    revision: String,
    path: PathBuf,
    mode: &'static str,
    verified: usize,
    mismatched: Vec<Mismatch>,
    missing: Vec<String>,
    extra: Vec<String>,
    unverifiable: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Mismatch {
    path: String,
    algorithm: &'static str,
    expected: String,
    actual: String,
}

impl Render for Verified {
    fn human(&self) -> Human {
        let mut text = format!(
            "Verified {} file(s) of {} at {} ({}) in {}",
            self.verified,
            self.repo,
            self.revision,
            self.mode,
            self.path.display()
        );
        for m in &self.mismatched {
            text.push_str(&format!(
                "\nMISMATCH {}: expected {} {}, got {}",
                m.path, m.algorithm, m.expected, m.actual
            ));
        }
        for path in &self.missing {
            text.push_str(&format!("\nmissing  {path}"));
        }
        for path in &self.extra {
            text.push_str(&format!("\nextra    {path}"));
        }
        for path in &self.unverifiable {
            text.push_str(&format!("\nunchecked {path} (no hash recorded)"));
        }
        if self.mismatched.is_empty() {
            text.push_str("\nAll checksums match.");
        }
        Human::Text(text)
    }
}

async fn verify(args: VerifyArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = parse_repo(&args.repo_id, repo_type(args.repo_type.as_deref())?)?;
    let revision = args
        .revision
        .clone()
        .unwrap_or_else(|| DEFAULT_REVISION.to_owned());
    let options = context.session.download_options(args.cache_dir.clone())?;
    let offline = args.offline || options.local_files_only;
    let (dir, commit) = match &args.local_dir {
        Some(dir) => (dir.clone(), None),
        None => {
            let cache = hf_hub::cache::RepoCache::new(&options.cache_dir, &repo);
            let commit = cache.resolve_revision(&revision).with_context(|| {
                format!(
                    "{repo} has no cached revision '{revision}' in {}",
                    options.cache_dir.display()
                )
            })?;
            (cache.snapshot_dir(&commit), Some(commit))
        }
    };
    if !dir.is_dir() {
        anyhow::bail!("{} does not exist: nothing to verify", dir.display());
    }
    let remote = if offline {
        None
    } else {
        let api = context.session.hub_api(args.token.as_deref())?;
        let at = commit.clone().unwrap_or_else(|| revision.clone());
        Some(api.list_repo_tree(&repo, &at, None, true).await?)
    };
    let report = verify_repo(&dir, remote.as_deref())?;
    let mut out = Verified {
        repo: repo.to_string(),
        revision: commit.unwrap_or(revision),
        path: dir,
        mode: if offline {
            "offline, against the cache's recorded hashes"
        } else {
            "against the Hub"
        },
        verified: 0,
        mismatched: Vec::new(),
        missing: Vec::new(),
        extra: Vec::new(),
        unverifiable: Vec::new(),
    };
    for (path, outcome) in report.files {
        match outcome {
            VerifyOutcome::Ok => out.verified += 1,
            VerifyOutcome::Mismatch {
                algorithm,
                expected,
                actual,
            } => out.mismatched.push(Mismatch {
                path,
                algorithm,
                expected,
                actual,
            }),
            VerifyOutcome::Missing => out.missing.push(path),
            VerifyOutcome::Extra => out.extra.push(path),
            VerifyOutcome::Unverifiable => out.unverifiable.push(path),
        }
    }
    let failed = !out.mismatched.is_empty()
        || (args.fail_on_missing_files && !out.missing.is_empty())
        || (args.fail_on_extra_files && !out.extra.is_empty());
    context.output.emit(&out)?;
    if failed {
        anyhow::bail!(
            "verification failed: {} mismatched, {} missing, {} extra; re-download with `hf download --force-download`",
            out.mismatched.len(),
            out.missing.len(),
            out.extra.len()
        );
    }
    Ok(())
}
