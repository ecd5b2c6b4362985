//! `hf cache ls`: repos (or revisions) with their sizes, filtered and sorted as Python's.

use super::common::{ago, cache_root, human_size, unix};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render, count};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Cache directory to scan (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// One line per revision instead of per repo.
    #[arg(long, overrides_with = "no_revisions")]
    pub(crate) revisions: bool,
    /// One line per repo (the default).
    #[arg(long, overrides_with = "revisions")]
    pub(crate) no_revisions: bool,
    /// Keep entries matching this filter: `size>1GB`, `type=model`, `accessed>7d`,
    /// `modified<=2w`, `refs=main` (operators = != > < >= <=). Repeat to combine.
    #[arg(short, long, value_name = "FILTER")]
    pub(crate) filter: Vec<String>,
    /// Sort by accessed, modified, name or size (`:asc`/`:desc` to choose the order).
    #[arg(long, value_name = "KEY")]
    pub(crate) sort: Option<String>,
    /// Show at most this many entries.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
    /// Also print warnings about folders that are not cached repos.
    #[arg(long, overrides_with = "no_show_warnings")]
    pub(crate) show_warnings: bool,
    /// Only count the warnings (the default).
    #[arg(long, overrides_with = "show_warnings")]
    pub(crate) no_show_warnings: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct RepoEntry {
    pub(crate) id: String,
    pub(crate) repo_type: String,
    pub(crate) repo_id: String,
    pub(crate) size_on_disk: u64,
    pub(crate) nb_files: usize,
    pub(crate) last_accessed: Option<u64>,
    pub(crate) last_modified: Option<u64>,
    pub(crate) refs: Vec<String>,
    pub(crate) path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) revision: Option<String>,
    /// The revisions this entry stands for (1 for a revision line).
    #[serde(skip)]
    pub(crate) nb_revisions: usize,
}

/// How a `--filter` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
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
pub(crate) enum CacheFilter {
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

pub(crate) const SIZE_UNITS: &[(&str, u64)] = &[
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

pub(crate) const TIME_UNITS: &[(&str, u64)] = &[
    ("s", 1),
    ("m", 60),
    ("h", 3_600),
    ("d", 86_400),
    ("w", 604_800),
    ("mo", 2_592_000),
    ("y", 31_536_000),
];

/// `10MB` or `7d` (digits, then a unit of `units`), or plain digits.
pub(crate) fn with_unit(value: &str, units: &[(&str, u64)]) -> Result<u64, String> {
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
pub(crate) struct Listing {
    pub(crate) cache_dir: PathBuf,
    pub(crate) entries: Vec<RepoEntry>,
    #[serde(skip)]
    pub(crate) revisions: bool,
    /// `Found 2 repos for a total of 3 revisions and 1.2MB on disk.`
    #[serde(skip)]
    pub(crate) summary: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
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

pub(crate) fn list(args: &ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let filters = args
        .filter
        .iter()
        .map(|expr| CacheFilter::parse(expr))
        .collect::<Result<Vec<_>, _>>()
        .map_err(UsageError)?;
    // Listing needs sizes and counts, not every file: the summary scan keeps memory flat.
    let root = cache_root(context, args.cache_dir.clone())?;
    let info = hf_hub::cache::scan_cache_summary(&root)?;
    let mut entries = entries_of(&info, args.revisions);
    let now = unix(Some(SystemTime::now())).unwrap_or(0);
    entries.retain(|entry| filters.iter().all(|filter| filter.keeps(entry, now)));
    if let Some(sort) = &args.sort {
        sort_entries(&mut entries, sort)?;
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

/// One row per repo, or per revision with `--revisions`.
pub(crate) fn entries_of(info: &hf_hub::cache::CacheInfo, revisions: bool) -> Vec<RepoEntry> {
    let mut entries: Vec<RepoEntry> = Vec::new();
    for repo in &info.repos {
        if revisions {
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
    entries
}

/// Sorts by `key[:asc|desc]` (accessed, modified, name or size), as Python's `--sort`.
pub(crate) fn sort_entries(entries: &mut [RepoEntry], sort: &str) -> anyhow::Result<()> {
    let (key, order) = sort.split_once(':').unwrap_or((sort, ""));
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
            return Err(UsageError(format!("unknown sort order '{other}' (asc or desc)")).into());
        }
    }
    Ok(())
}
