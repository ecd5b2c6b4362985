//! `hf cache rm` (repos, revisions or files) and `hf cache prune` (detached revisions, partial
//! downloads, shared blobs nothing links to).

use super::common::{confirm, human_size, scan};
use crate::args::parse_typed_repo;
use crate::args::{CacheDirArg, DeleteDryRunArgs};
use crate::commands::Context;
use crate::output::{Human, Render, count};
use clap::Args;
use hf_hub::cache::{CacheInfo, CachedRepo, DeleteSummary};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct RmArgs {
    /// Repo ids (`model/gpt2`, `dataset/org/name`, `hf://models/org/name`), files
    /// (`hf://models/org/name/path/to/file`) or revision hashes.
    #[arg(required = true)]
    pub(crate) targets: Vec<String>,
    #[command(flatten)]
    pub(crate) cache: CacheDirArg,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub(crate) yes: bool,
    #[command(flatten)]
    pub(crate) dry_run: DeleteDryRunArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PruneArgs {
    #[command(flatten)]
    pub(crate) cache: CacheDirArg,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub(crate) yes: bool,
    #[command(flatten)]
    pub(crate) dry_run: DeleteDryRunArgs,
}

#[derive(Debug, Serialize)]
pub(crate) struct Deleted {
    pub(crate) dry_run: bool,
    pub(crate) deleted: Vec<PathBuf>,
    pub(crate) freed_bytes: u64,
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

/// `hf://models/org/name/path/to/file` (or `hf://datasets/...`, `hf://spaces/...`; models
/// without the prefix) read against the cache: the cached repo whose id starts the path (the
/// longer id first), and the file path after it.
pub(crate) fn cached_file<'a>(
    info: &'a CacheInfo,
    target: &str,
) -> Option<(&'a CachedRepo, String)> {
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

pub(crate) fn rm(args: &RmArgs, context: &mut Context) -> anyhow::Result<()> {
    let info = scan(context, args.cache.cache_dir.clone())?;
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
    let proceed = !args.dry_run.dry_run
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

pub(crate) fn prune(args: &PruneArgs, context: &mut Context) -> anyhow::Result<()> {
    let info = scan(context, args.cache.cache_dir.clone())?;
    let preview = info.prune(true)?;
    let proceed = !args.dry_run.dry_run
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
