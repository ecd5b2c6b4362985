//! `hf cache verify`: the cached files of a repo re-hashed against the Hub (or the cache).

use crate::args::CacheDirArg;
use crate::args::{parse_repo, repo_type};
use crate::commands::Context;
use crate::output::{Human, Render, count};
use anyhow::Context as _;
use clap::Args;
use hf_hub::cache::{VerifyOutcome, verify_repo};
use hf_hub::repo::DEFAULT_REVISION;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The repo id.
    pub(crate) repo_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_name = "TYPE", value_parser = ["model", "dataset", "space", "kernel"])]
    pub(crate) repo_type: Option<String>,
    /// Revision to verify (branch, tag or commit; default main).
    #[arg(long)]
    pub(crate) revision: Option<String>,
    #[command(flatten)]
    pub(crate) cache: CacheDirArg,
    /// Verify this directory instead of the cache.
    #[arg(long, value_name = "DIR")]
    pub(crate) local_dir: Option<PathBuf>,
    /// Fail when files listed by the Hub are missing locally.
    #[arg(long)]
    pub(crate) fail_on_missing_files: bool,
    /// Fail when local files are not in the Hub's listing.
    #[arg(long)]
    pub(crate) fail_on_extra_files: bool,
    /// Check against the hashes recorded in the cache (blob names) without any request.
    #[arg(long)]
    pub(crate) offline: bool,
    /// A User Access Token.
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Verified {
    pub(crate) repo: String,
    pub(crate) revision: String,
    pub(crate) path: PathBuf,
    pub(crate) mode: &'static str,
    pub(crate) verified: usize,
    pub(crate) mismatched: Vec<Mismatch>,
    pub(crate) missing: Vec<String>,
    pub(crate) extra: Vec<String>,
    pub(crate) unverifiable: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Mismatch {
    pub(crate) path: String,
    pub(crate) algorithm: &'static str,
    pub(crate) expected: String,
    pub(crate) actual: String,
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

pub(crate) async fn verify(args: VerifyArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = parse_repo(&args.repo_id, repo_type(args.repo_type.as_deref())?)?;
    let revision = args
        .revision
        .clone()
        .unwrap_or_else(|| DEFAULT_REVISION.to_owned());
    let options = context
        .session
        .download_options(args.cache.cache_dir.clone())?;
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
