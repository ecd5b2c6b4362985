//! Turning failures into messages in the terms of the call (which repo, revision, file, and
//! where), and serving from the cache when offline. What to do about them is the caller's to
//! say (the CLI's `hints`): these carry the facts.

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

fn offline_note(offline: bool) -> &'static str {
    if offline {
        "; downloads are disabled (HF_HUB_OFFLINE=1 or --local-files-only)"
    } else {
        ""
    }
}

fn not_in_cache(message: String, downloads_disabled: bool) -> Error {
    Error::NotInCache {
        message,
        downloads_disabled,
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
    let advice = offline_note(offline);
    let Some(commit) = cache.resolve_revision(revision) else {
        return Err(not_in_cache(
            format!(
                "{repo} has no cached revision '{revision}' in {}{advice}",
                cache.root().display()
            ),
            offline,
        ));
    };
    let pointer = cache.pointer_path(&commit, path);
    if std::fs::metadata(&pointer).is_ok_and(|m| m.is_file()) {
        return Ok(pointer);
    }
    if cache.no_exist_path(&commit, path).exists() {
        return Err(not_in_cache(
            format!(
                "'{path}' does not exist in {repo} at '{revision}' ({commit}), as recorded by an earlier request"
            ),
            false,
        ));
    }
    Err(not_in_cache(
        format!(
            "'{path}' of {repo} at '{revision}' ({commit}) is not in the cache at {}{advice}",
            cache.root().display()
        ),
        offline,
    ))
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
    let offline = offline_note(true);
    let Some(commit) = cache.resolve_revision(revision) else {
        return Err(not_in_cache(
            format!(
                "{repo} has no cached revision '{revision}' in {}{offline}",
                cache.root().display()
            ),
            true,
        ));
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
                return Err(not_in_cache(
                    format!(
                        "the cached snapshot of {repo} at '{revision}' ({commit}) lacks {} of the {} files asked for ({shown}{more}){offline}",
                        missing.len(),
                        wanted.len()
                    ),
                    true,
                ));
            }
        }
        Ok(dir)
    } else {
        Err(not_in_cache(
            format!(
                "the snapshot of {repo} at '{revision}' ({commit}) is not in the cache at {}{offline}",
                cache.root().display()
            ),
            true,
        ))
    }
}

/// Rewrites "not found" style HTTP errors into messages naming the repo, revision or file
/// and the endpoint (with close file names for a missing file). The request stays the source.
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
        HttpErrorKind::RepoNotFound => format!(
            "repository '{}' ({}) was not found on {endpoint}, or it is private and the {} no access to it",
            repo.id,
            repo.repo_type,
            if api.http.token().is_some() {
                "token sent has"
            } else {
                "request (sent without a token) has"
            }
        ),
        HttpErrorKind::GatedRepo => format!(
            "{repo} is gated: access is granted per account on {endpoint}{}",
            repo.web_path()
        ),
        HttpErrorKind::RevisionNotFound => {
            format!("revision '{revision}' was not found in {repo}")
        }
        HttpErrorKind::EntryNotFound => match path {
            Some(path) => {
                let suggestions = close_matches(api, repo, revision, path).await;
                let mut message = format!("file '{path}' was not found in {repo} at '{revision}'.");
                if !suggestions.is_empty() {
                    message.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
                }
                message
            }
            // Its URL names the file: the request says more than a sentence would.
            None => return Error::Http(http),
        },
        HttpErrorKind::Unauthorized => {
            "the Hub rejected the token (401): it is invalid, expired or revoked".to_owned()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RepoId;

    use hf_test_server::assert_no_advice;

    /// Every error kind that does not wrap a request (those: the test Hub tests in
    /// `tests/it/download.rs`), built the way the crate builds them.
    #[test]
    fn messages_carry_facts_not_advice() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo::model(RepoId::new("org/m").unwrap());
        let cache = RepoCache::new(dir.path(), &repo);
        let who: hf_auth::whoami::WhoAmI = serde_json::from_value(serde_json::json!({
            "type": "user", "name": "u", "orgs": [],
            "auth": {"type": "access_token", "accessToken": {"displayName": "t", "role": "read"}},
        }))
        .unwrap();
        let other = Repo::model(RepoId::new("someone/m").unwrap());
        let errors = [
            RepoId::new("a--b").unwrap_err(),
            Repo::parse("datasets/o/d", Some(crate::RepoType::Model)).unwrap_err(),
            crate::cache::safe_relative_path(".git/config").unwrap_err(),
            cached_file(&cache, &repo, "f.bin", "main", true).unwrap_err(),
            cached_snapshot(&cache, &repo, "main", &PatternFilter::default()).unwrap_err(),
            crate::access::check_write(&who, &repo).unwrap_err(),
            crate::access::check_write(&who, &other).unwrap_err(),
            Error::Protocol("the listing names no files".into()),
            Error::Integrity {
                path: "f.bin".into(),
                algorithm: "sha256",
                expected: "aa".into(),
                actual: "bb".into(),
            },
            Error::io(
                "cannot write /x",
                std::io::Error::from(std::io::ErrorKind::StorageFull),
            ),
            Error::LockTimeout {
                path: "/x.lock".into(),
                waited_secs: 10,
            },
            Error::SourceChanged {
                path: "f.bin".into(),
                before: 1,
                now: 2,
            },
            crate::upload::secrets::findings_error(&[crate::upload::SecretFinding {
                path: "a.py".into(),
                line: Some(1),
                kind: "Hugging Face token",
                masked: "hf_***".into(),
            }]),
        ];
        for error in errors {
            assert_no_advice(&error.to_string());
        }
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("config.json", "config.json"), 0);
        assert_eq!(levenshtein("confg.json", "config.json"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
