//! Turning failures into messages users act on, and serving from the cache when offline.

use std::path::PathBuf;

use crate::cache::RepoCache;
use crate::patterns::PatternFilter;
use crate::repo::Repo;
use crate::tree::TreeEntry;
use crate::{Error, HttpErrorKind, HubApi};

/// Whether a failed metadata request may be answered from the cache (the Hub is unreachable
/// or failing, as opposed to saying the repo, revision or file does not exist).
pub(super) fn may_fall_back_to_cache(error: &Error) -> bool {
    matches!(
        error.http_kind(),
        Some(
            HttpErrorKind::Offline
                | HttpErrorKind::Connection
                | HttpErrorKind::Timeout
                | HttpErrorKind::Server
                | HttpErrorKind::RateLimited
        )
    )
}

fn offline_advice(offline: bool) -> &'static str {
    if offline {
        "; downloads are disabled (HF_HUB_OFFLINE=1 or --local-files-only): allow network access to fetch it"
    } else {
        ""
    }
}

/// The cached copy of `path` at `revision`, or a [`Error::NotInCache`] saying what is missing.
pub(super) fn cached_file(
    cache: &RepoCache,
    repo: &Repo,
    path: &str,
    revision: &str,
    offline: bool,
) -> Result<PathBuf, Error> {
    let advice = offline_advice(offline);
    let Some(commit) = cache.resolve_revision(revision) else {
        return Err(Error::NotInCache(format!(
            "{repo} has no cached revision '{revision}' in {}{advice}",
            cache.root().display()
        )));
    };
    let pointer = cache.pointer_path(&commit, path);
    if std::fs::metadata(&pointer).is_ok_and(|m| m.is_file()) {
        return Ok(pointer);
    }
    if cache.no_exist_path(&commit, path).exists() {
        return Err(Error::NotInCache(format!(
            "'{path}' does not exist in {repo} at '{revision}' ({commit}), as recorded by an earlier request"
        )));
    }
    Err(Error::NotInCache(format!(
        "'{path}' of {repo} at '{revision}' ({commit}) is not in the cache at {}{advice}",
        cache.root().display()
    )))
}

/// The cached snapshot folder of `revision`, or a [`Error::NotInCache`].
/// Where the commit's listing is cached (`trees/<commit>.json`), the files `filter` keeps must
/// all be there, as in the Python client (its `IncompleteSnapshotError`); without a listing
/// the folder is returned as it is.
pub(super) fn cached_snapshot(
    cache: &RepoCache,
    repo: &Repo,
    revision: &str,
    filter: &PatternFilter,
) -> Result<PathBuf, Error> {
    let offline = offline_advice(true);
    let Some(commit) = cache.resolve_revision(revision) else {
        return Err(Error::NotInCache(format!(
            "{repo} has no cached revision '{revision}' in {}{offline}",
            cache.root().display()
        )));
    };
    let dir = cache.snapshot_dir(&commit);
    if dir.is_dir() {
        if let Some(listing) = crate::cache::tree_cache::read(cache.repo_dir(), &commit) {
            let wanted: Vec<TreeEntry> = filter
                .filter(listing, |e: &TreeEntry| e.path.as_str())
                .collect();
            let missing: Vec<&str> = wanted
                .iter()
                .map(|e| e.path.as_str())
                .filter(|path| !cache.pointer_path(&commit, path).exists())
                .collect();
            if !missing.is_empty() {
                let shown = missing
                    .iter()
                    .take(5)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = if missing.len() > 5 { ", ..." } else { "" };
                return Err(Error::NotInCache(format!(
                    "the cached snapshot of {repo} at '{revision}' ({commit}) lacks {} of the {} files asked for ({shown}{more}){offline}",
                    missing.len(),
                    wanted.len()
                )));
            }
        }
        Ok(dir)
    } else {
        Err(Error::NotInCache(format!(
            "the snapshot of {repo} at '{revision}' ({commit}) is not in the cache at {}{offline}",
            cache.root().display()
        )))
    }
}

/// Rewrites "not found" style HTTP errors into messages that say what to do.
pub(super) async fn explain(
    api: &HubApi,
    repo: &Repo,
    revision: &str,
    path: Option<&str>,
    error: Error,
) -> Error {
    let Error::Http(http) = error else {
        return error;
    };
    let endpoint = api
        .http
        .endpoint()
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let message = match http.kind() {
        HttpErrorKind::RepoNotFound => {
            let token_hint = if api.http.token().is_some() {
                "If it is private, check that your token can read it."
            } else {
                "If it is private, log in with `hf auth login` or pass a token (--token or HF_TOKEN)."
            };
            format!(
                "repository '{}' ({}) was not found on {endpoint}. Check the repo id and the repo type. {token_hint}",
                repo.id, repo.repo_type
            )
        }
        HttpErrorKind::GatedRepo => format!(
            "{repo} is gated: request access at {endpoint}{} and use a token of an account that was granted access (`hf auth login` or --token).",
            repo.web_path()
        ),
        HttpErrorKind::RevisionNotFound => format!(
            "revision '{revision}' was not found in {repo}: check the branch, tag or commit name."
        ),
        HttpErrorKind::EntryNotFound => match path {
            Some(path) => {
                let suggestions = close_matches(api, repo, revision, path).await;
                let mut message = format!("file '{path}' was not found in {repo} at '{revision}'.");
                if !suggestions.is_empty() {
                    message.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
                }
                message
            }
            None => format!("a file was not found in {repo} at '{revision}'."),
        },
        HttpErrorKind::Unauthorized => {
            "the Hub rejected the token (401): it may be invalid or expired; log in again with `hf auth login`.".to_owned()
        }
        _ => return Error::Http(http),
    };
    Error::Hub { message, http }
}

/// Up to five repo files whose names are close to `wanted`.
async fn close_matches(api: &HubApi, repo: &Repo, revision: &str, wanted: &str) -> Vec<String> {
    let Ok(files) = api.list_repo_files(repo, revision).await else {
        return Vec::new();
    };
    let wanted_lower = wanted.to_lowercase();
    let wanted_name = wanted_lower
        .rsplit('/')
        .next()
        .unwrap_or(&wanted_lower)
        .to_owned();
    let mut scored: Vec<(usize, String)> = files
        .into_iter()
        .filter_map(|file| {
            let lower = file.to_lowercase();
            let name = lower.rsplit('/').next().unwrap_or(&lower);
            let distance = levenshtein(&wanted_lower, &lower).min(levenshtein(&wanted_name, name));
            let limit = (wanted_name.chars().count() / 3).max(2);
            (distance <= limit || name.contains(&wanted_name) || wanted_name.contains(name))
                .then_some((distance, file))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, f)| f).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Adds what to do when the disk is full (the partial download is kept and resumes).
pub(super) fn disk_full_hint(error: Error) -> Error {
    match error {
        Error::Io { context, source } if source.kind() == std::io::ErrorKind::StorageFull => {
            Error::Io {
                context: format!(
                    "{context} (the disk is full: free some space, e.g. with `hf cache prune`, and run again; the partial download resumes and nothing was placed in the snapshot)"
                ),
                source,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("config.json", "config.json"), 0);
        assert_eq!(levenshtein("confg.json", "config.json"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
