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
use crate::output::{Human, Render, count};

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
    #[arg(long, overrides_with = "no_revisions")]
    revisions: bool,
    /// One line per repo (the default).
    #[arg(long, overrides_with = "revisions")]
    no_revisions: bool,
    /// Keep entries matching this filter: `size>1GB`, `type=model`, `accessed>7d`,
    /// `modified<=2w`, `refs=main` (operators = != > < >= <=). Repeat to combine.
    #[arg(short, long, value_name = "FILTER")]
    filter: Vec<String>,
    /// Sort by accessed, modified, name or size (`:asc`/`:desc` to choose the order).
    #[arg(long, value_name = "KEY")]
    sort: Option<String>,
    /// Show at most this many entries.
    #[arg(long)]
    limit: Option<usize>,
    /// Also print warnings about folders that are not cached repos.
    #[arg(long, overrides_with = "no_show_warnings")]
    show_warnings: bool,
    /// Only count the warnings (the default).
    #[arg(long, overrides_with = "show_warnings")]
    no_show_warnings: bool,
}

#[derive(Debug, Args)]
struct RmArgs {
    /// Repo ids (`model/gpt2`, `dataset/org/name`, `hf://models/org/name`), files
    /// (`hf://models/org/name/path/to/file`) or revision hashes.
    #[arg(required = true)]
    targets: Vec<String>,
    /// Cache directory (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    yes: bool,
    /// Only show what would be deleted.
    #[arg(long, overrides_with = "no_dry_run")]
    dry_run: bool,
    /// Delete (the default).
    #[arg(long, overrides_with = "dry_run")]
    no_dry_run: bool,
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
    #[arg(long, overrides_with = "no_dry_run")]
    dry_run: bool,
    /// Delete (the default).
    #[arg(long, overrides_with = "dry_run")]
    no_dry_run: bool,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The repo id.
    repo_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_name = "TYPE", value_parser = ["model", "dataset", "space", "kernel"])]
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

/// `523B`, `1.2KB`, `3.4MB`: decimal units as the Python CLI uses, always with a unit.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes}B")
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

fn unix(time: Option<SystemTime>) -> Option<u64> {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
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
        60..3600 => format!("{} ago", count(to_usize(secs / 60), "minute", "minutes")),
        3600..86_400 => format!("{} ago", count(to_usize(secs / 3600), "hour", "hours")),
        86_400..2_592_000 => format!("{} ago", count(to_usize(secs / 86_400), "day", "days")),
        2_592_000..31_536_000 => {
            format!(
                "{} ago",
                count(to_usize(secs / 2_592_000), "month", "months")
            )
        }
        _ => format!(
            "{} ago",
            count(to_usize(secs / 31_536_000), "year", "years")
        ),
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
    /// The revisions this entry stands for (1 for a revision line).
    #[serde(skip)]
    nb_revisions: usize,
}

/// How a `--filter` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

impl Comparison {
    fn holds(self, left: u64, right: u64) -> bool {
        match self {
            Self::Eq => left == right,
            Self::Ne => left != right,
            Self::Gt => left > right,
            Self::Lt => left < right,
            Self::Ge => left >= right,
            Self::Le => left <= right,
        }
    }
}

/// One `hf cache ls --filter`, as Python's `compile_cache_filter` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CacheFilter {
    /// Bytes on disk.
    Size(Comparison, u64),
    /// Seconds since the repo was last accessed.
    Accessed(Comparison, u64),
    /// Seconds since the entry was last modified.
    Modified(Comparison, u64),
    /// `model`, `dataset` or `space`.
    Type(String),
    /// A ref (branch or tag) pointing at the entry.
    Refs(String),
}

const SIZE_UNITS: &[(&str, u64)] = &[
    ("k", 1_000),
    ("kb", 1_000),
    ("m", 1_000_000),
    ("mb", 1_000_000),
    ("g", 1_000_000_000),
    ("gb", 1_000_000_000),
    ("t", 1_000_000_000_000),
    ("tb", 1_000_000_000_000),
    ("p", 1_000_000_000_000_000),
    ("pb", 1_000_000_000_000_000),
];

const TIME_UNITS: &[(&str, u64)] = &[
    ("s", 1),
    ("m", 60),
    ("h", 3_600),
    ("d", 86_400),
    ("w", 604_800),
    ("mo", 2_592_000),
    ("y", 31_536_000),
];

/// `10MB` or `7d` (digits, then a unit of `units`), or plain digits.
fn with_unit(value: &str, units: &[(&str, u64)]) -> Result<u64, String> {
    let digits_end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(digits_end);
    let number: u64 = digits.parse().map_err(|_| {
        format!("invalid value '{value}': expected digits and a unit, such as 10GB or 7d")
    })?;
    if unit.is_empty() {
        return Ok(number);
    }
    let unit = unit.to_ascii_lowercase();
    let factor = units
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, factor)| *factor)
        .ok_or_else(|| {
            let known: Vec<&str> = units.iter().map(|(name, _)| *name).collect();
            format!(
                "unknown unit '{unit}' in '{value}' (one of {})",
                known.join(", ")
            )
        })?;
    Ok(number.saturating_mul(factor))
}

impl CacheFilter {
    fn parse(expr: &str) -> Result<Self, String> {
        let expr = expr.trim();
        let key_end = expr
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .unwrap_or(expr.len());
        let (key, rest) = expr.split_at(key_end);
        let rest = rest.trim_start();
        let operators = [
            ("==", None),
            ("!=", Some(Comparison::Ne)),
            (">=", Some(Comparison::Ge)),
            ("<=", Some(Comparison::Le)),
            (">", Some(Comparison::Gt)),
            ("<", Some(Comparison::Lt)),
            ("=", Some(Comparison::Eq)),
        ];
        let Some((symbol, comparison, value)) = operators.iter().find_map(|(symbol, cmp)| {
            rest.strip_prefix(symbol)
                .map(|value| (*symbol, *cmp, value.trim()))
        }) else {
            return Err(format!(
                "invalid filter '{expr}': expected KEY OPERATOR VALUE, such as size>1GB"
            ));
        };
        if key.is_empty() || value.is_empty() {
            return Err(format!(
                "invalid filter '{expr}': expected KEY OPERATOR VALUE, such as size>1GB"
            ));
        }
        let Some(comparison) = comparison else {
            return Err(format!(
                "unsupported operator '{symbol}' in '{expr}' (one of =, !=, >, <, >=, <=)"
            ));
        };
        let only_equals = |what: &str| {
            if comparison == Comparison::Eq {
                Ok(())
            } else {
                Err(format!(
                    "only '=' is supported for '{what}' filters, not '{symbol}'"
                ))
            }
        };
        match key.to_ascii_lowercase().as_str() {
            "size" => Ok(Self::Size(comparison, with_unit(value, SIZE_UNITS)?)),
            "accessed" => Ok(Self::Accessed(comparison, with_unit(value, TIME_UNITS)?)),
            "modified" => Ok(Self::Modified(comparison, with_unit(value, TIME_UNITS)?)),
            "type" => only_equals("type").map(|()| Self::Type(value.to_ascii_lowercase())),
            "refs" => only_equals("refs").map(|()| Self::Refs(value.to_ascii_lowercase())),
            other => Err(format!(
                "unsupported filter key '{other}' in '{expr}' (one of accessed, modified, refs, size, type)"
            )),
        }
    }

    /// Whether `entry` passes, `now` in seconds since the epoch.
    fn keeps(&self, entry: &RepoEntry, now: u64) -> bool {
        let age = |time: Option<u64>| time.map(|t| now.saturating_sub(t));
        match self {
            Self::Size(cmp, bytes) => cmp.holds(entry.size_on_disk, *bytes),
            Self::Accessed(cmp, secs) => {
                age(entry.last_accessed).is_some_and(|a| cmp.holds(a, *secs))
            }
            Self::Modified(cmp, secs) => {
                age(entry.last_modified).is_some_and(|a| cmp.holds(a, *secs))
            }
            Self::Type(kind) => entry.repo_type.eq_ignore_ascii_case(kind),
            Self::Refs(name) => entry.refs.iter().any(|r| r.eq_ignore_ascii_case(name)),
        }
    }
}

#[derive(Debug, Serialize)]
struct Listing {
    cache_dir: PathBuf,
    entries: Vec<RepoEntry>,
    #[serde(skip)]
    revisions: bool,
    /// `Found 2 repos for a total of 3 revisions and 1.2MB on disk.`
    #[serde(skip)]
    summary: Option<String>,
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

    fn quiet(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|e| e.revision.clone().unwrap_or_else(|| e.id.clone()))
            .collect()
    }

    fn summary(&self) -> Option<String> {
        self.summary.clone()
    }
}

fn list(args: &ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let filters = args
        .filter
        .iter()
        .map(|expr| CacheFilter::parse(expr))
        .collect::<Result<Vec<_>, _>>()
        .map_err(UsageError)?;
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
                    nb_revisions: 1,
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
                nb_revisions: repo.revisions.len(),
            });
        }
    }
    let now = unix(Some(SystemTime::now())).unwrap_or(0);
    entries.retain(|entry| filters.iter().all(|filter| filter.keeps(entry, now)));
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
    } else if !info.warnings.is_empty() {
        tracing::warn!(
            "found {} in the cache; re-run with `--show-warnings` to display them",
            count(info.warnings.len(), "inconsistency", "inconsistencies")
        );
    }
    // Repo sizes count a shared Xet blob in each repo linking to it; the whole cache's total
    // counts it once (and the store's unlinked files), as the Python client reports.
    let whole_cache = !args.revisions && filters.is_empty() && args.limit.is_none();
    let total = if whole_cache {
        info.size_on_disk
    } else {
        entries.iter().map(|e| e.size_on_disk).sum()
    };
    let summary = (!entries.is_empty()).then(|| {
        let repos: std::collections::BTreeSet<&str> =
            entries.iter().map(|e| e.id.as_str()).collect();
        format!(
            "Found {} for a total of {} and {} on disk.",
            count(repos.len(), "repo", "repos"),
            count(
                entries.iter().map(|e| e.nb_revisions).sum(),
                "revision",
                "revisions"
            ),
            human_size(total)
        )
    });
    if !info.unreferenced_shared.is_empty() {
        context.output.note(&format!(
            "Found {} totalling {}. Remove them with 'hf cache prune'.",
            count(
                info.unreferenced_shared.len(),
                "unreferenced shared blob",
                "unreferenced shared blobs"
            ),
            human_size(info.unreferenced_shared.iter().map(|(_, size)| size).sum())
        ));
    }
    context.output.emit(&Listing {
        cache_dir: info.root,
        entries,
        revisions: args.revisions,
        summary,
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
            "{verb} {} ({}).",
            human_size(self.freed_bytes),
            count(self.deleted.len(), "path", "paths")
        ));
        Human::Text(text)
    }

    fn quiet(&self) -> Vec<String> {
        self.deleted
            .iter()
            .map(|p| p.display().to_string())
            .collect()
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

/// `hf://models/org/name/path/to/file` (or `hf://datasets/...`, `hf://spaces/...`; models
/// without the prefix) read against the cache: the cached repo whose id starts the path (the
/// longer id first), and the file path after it.
fn cached_file<'a>(info: &'a CacheInfo, target: &str) -> Option<(&'a CachedRepo, String)> {
    let rest = target.strip_prefix("hf://")?;
    let (repo_type, rest) = [
        ("models/", hf_hub::RepoType::Model),
        ("datasets/", hf_hub::RepoType::Dataset),
        ("spaces/", hf_hub::RepoType::Space),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| rest.strip_prefix(prefix).map(|r| (kind, r)))
    .unwrap_or((hf_hub::RepoType::Model, rest));
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    [2, 1].into_iter().find_map(|n| {
        if parts.len() <= n {
            return None;
        }
        let repo = info.find_repo(repo_type, &parts[..n].join("/"))?;
        Some((repo, parts[n..].join("/")))
    })
}

fn rm(args: &RmArgs, context: &mut Context) -> anyhow::Result<()> {
    let info = scan(context, args.cache_dir.clone())?;
    let mut whole: Vec<&CachedRepo> = Vec::new();
    let mut revisions: Vec<(&CachedRepo, String)> = Vec::new();
    let mut files: Vec<(&CachedRepo, String)> = Vec::new();
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
        if let Ok(repo) = parse_typed_repo(target)
            && let Some(found) = info.find_repo(repo.repo_type, repo.id.as_str())
        {
            whole.push(found);
            continue;
        }
        if let Some((repo, path)) = cached_file(&info, target) {
            files.push((repo, path));
            continue;
        }
        // Not cached: a malformed target is a usage error, a well-formed one is just absent.
        if !target.starts_with("hf://") {
            parse_typed_repo(target)?;
        }
        return Err(anyhow::anyhow!(
            "{target} is not in the cache at {}",
            info.root.display()
        ));
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
    for (repo, path) in &files {
        merge(info.delete_file(repo, path, true)?);
    }
    let proceed = !args.dry_run
        && !summary.paths.is_empty()
        && confirm(
            &format!(
                "Delete {}, freeing {}?",
                count(summary.paths.len(), "path", "paths"),
                human_size(summary.freed_bytes)
            ),
            args.yes,
        )?;
    if proceed {
        info.delete_repos(&whole, false)?;
        for (repo, commit) in &revisions {
            info.delete_revisions(repo, &[commit.as_str()], false)?;
        }
        for (repo, path) in &files {
            info.delete_file(repo, path, false)?;
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
                "Delete {}, freeing {}?",
                count(preview.paths.len(), "path", "paths"),
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
            "Verified {} of {} at {} ({}) in {}",
            count(self.verified, "file", "files"),
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
