//! The commit pipeline: checks, preupload, hashing, LFS, then one or more NDJSON commits.

use std::sync::Arc;

use base64::Engine as _;
use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};
use serde::Deserialize;
use serde_json::{Value, json};

use super::files::hash_source;
use super::lfs::LfsObject;
use super::secrets::{SecretScanner, findings_error};
use super::types::{
    CommitInfo, CommitOperation, CommitOptions, UploadOptions, UploadReport, UploadSource,
};
use crate::hash::HashKind;
use crate::progress::ProgressEvent;
use crate::repo::{DEFAULT_REVISION, Repo, encode_revision, validate_revision};
use crate::{Error, HubApi};

/// Files per preupload call.
const PREUPLOAD_BATCH: usize = 256;

/// Checks and normalises a path in the repo as the Python client does: a leading `/` or
/// `./` is dropped; empty, `.`, `..` segments, `.git` and `.cache/huggingface` are refused.
pub(crate) fn normalize_path_in_repo(path: &str) -> Result<String, Error> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let bad = |why: &str| Error::InvalidInput(format!("invalid path in repo '{path}': {why}"));
    if trimmed.is_empty() || trimmed == "." {
        return Err(bad("it is empty"));
    }
    if trimmed.contains('\\') || trimmed.chars().any(char::is_control) {
        return Err(bad("it contains backslashes or control characters"));
    }
    let segments: Vec<&str> = trimmed.split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err(bad("it has an empty, '.' or '..' segment"));
    }
    if let Some(reason) = crate::cache::reserved_component(trimmed) {
        return Err(bad(reason));
    }
    Ok(trimmed.to_owned())
}

fn validate_parent_commit(parent: &str) -> Result<(), Error> {
    if (5..=40).contains(&parent.len()) && parent.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "invalid parent commit '{parent}': expected 5 to 40 hexadecimal characters"
        )))
    }
}

/// A file to add, as it goes through the pipeline.
#[derive(Debug)]
struct Prepared {
    index: usize,
    path: Arc<str>,
    source: UploadSource,
    size: u64,
    sample: Vec<u8>,
    lfs: bool,
    remote_oid: Option<String>,
    local_oid: String,
    /// The Hub ignores it (its `.gitignore`); it is dropped.
    ignored: bool,
}

/// A deletion.
#[derive(Debug, Clone)]
struct Deletion {
    path: String,
    folder: bool,
}

#[derive(Debug, Deserialize)]
struct PreuploadAnswer {
    files: Vec<PreuploadFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreuploadFile {
    path: String,
    upload_mode: String,
    #[serde(default)]
    should_ignore: bool,
    #[serde(default)]
    oid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommitAnswer {
    commit_oid: String,
    #[serde(default)]
    commit_url: Option<String>,
    #[serde(default)]
    pull_request_url: Option<String>,
}

impl HubApi {
    /// Creates one commit with `operations` (add from a path or bytes, delete a file,
    /// delete a folder). Files the Hub already has at the revision are left out; when
    /// nothing is left, no commit is made and the current head is returned.
    ///
    /// # Errors
    /// [`Error::SecretDetected`] (unless `allow_secrets`), `PermissionDenied` for a token that
    /// cannot write, [`HttpErrorKind::PreconditionFailed`](crate::HttpErrorKind) for a stale
    /// `parent_commit`, `RepoNotFound` (the repo must exist), I/O errors.
    pub async fn create_commit(
        &self,
        repo: &Repo,
        operations: Vec<CommitOperation>,
        commit: &CommitOptions,
        options: &UploadOptions,
    ) -> Result<CommitInfo, Error> {
        if commit.message.trim().is_empty() {
            return Err(Error::InvalidInput("a commit needs a message".into()));
        }
        let single = UploadOptions {
            max_operations_per_commit: usize::MAX,
            max_regular_bytes_per_commit: u64::MAX,
            ..options.clone()
        };
        let report = self
            .upload_operations(repo, operations, commit, &single)
            .await?;
        if let Some(last) = report.commits.last() {
            return Ok(last.clone());
        }
        let head = report.head.unwrap_or_default();
        Ok(CommitInfo {
            commit_url: format!("{}/commit/{head}", self.repo_url(repo)),
            commit_oid: head,
            pr_url: None,
            pr_revision: None,
            pr_num: None,
        })
    }

    /// The whole pipeline; commits hold at most `max_operations_per_commit` operations and
    /// `max_regular_bytes_per_commit` bytes of regular content.
    pub(crate) async fn upload_operations(
        &self,
        repo: &Repo,
        operations: Vec<CommitOperation>,
        commit: &CommitOptions,
        options: &UploadOptions,
    ) -> Result<UploadReport, Error> {
        let revision = commit
            .revision
            .clone()
            .unwrap_or_else(|| DEFAULT_REVISION.to_owned());
        validate_revision(&revision)?;
        if let Some(parent) = &commit.parent_commit {
            validate_parent_commit(parent)?;
        }
        let mut to_add = Vec::new();
        let mut deletions = Vec::new();
        for operation in operations {
            match operation {
                CommitOperation::Add {
                    path_in_repo,
                    source,
                } => {
                    to_add.push((normalize_path_in_repo(&path_in_repo)?, source));
                }
                CommitOperation::Delete { path_in_repo } => deletions.push(Deletion {
                    path: normalize_path_in_repo(&path_in_repo)?,
                    folder: false,
                }),
                CommitOperation::DeleteFolder { path_in_repo } => deletions.push(Deletion {
                    path: normalize_path_in_repo(path_in_repo.trim_end_matches('/'))?,
                    folder: true,
                }),
            }
        }

        // 1. Local checks, before any request.
        let allow_secrets = options.allow_secrets;
        let prepared = tokio::task::spawn_blocking(move || -> Result<Vec<Prepared>, Error> {
            // Names (`.env`) and the preupload samples, the only bytes sent before hashing;
            // every byte of every file is scanned in the read that hashes it (step 3).
            let mut findings = Vec::new();
            let prepared = to_add
                .into_iter()
                .enumerate()
                .map(|(index, (path, source))| {
                    let (size, sample) = source.size_and_sample()?;
                    if !allow_secrets {
                        let mut scanner = SecretScanner::new(Arc::from(path.as_str()));
                        scanner.feed(&sample);
                        findings.extend(scanner.finish());
                    }
                    Ok(Prepared {
                        index,
                        path: Arc::from(path),
                        source,
                        size,
                        sample,
                        lfs: false,
                        remote_oid: None,
                        local_oid: String::new(),
                        ignored: false,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            if findings.is_empty() {
                Ok(prepared)
            } else {
                Err(findings_error(&findings))
            }
        })
        .await
        .map_err(|e| Error::Protocol(format!("a local task failed: {e}")))??;
        if options.check_permissions {
            self.check_write_access(repo).await?;
        }

        // 2. Preupload: regular or LFS, ignored, and the remote oids.
        let mut prepared = prepared;
        for batch in prepared.chunks_mut(PREUPLOAD_BATCH) {
            self.preupload(repo, &revision, commit.create_pr, batch)
                .await?;
        }
        prepared.retain(|f| {
            if f.ignored {
                tracing::debug!(path = %f.path, "the Hub ignores this file (.gitignore); skipped");
            }
            !f.ignored
        });

        // 3. Hash (streamed) and drop what the Hub already has.
        let total_files = prepared.len();
        let mut findings = Vec::new();
        let hash_progress = options.hash_progress.clone();
        let mut hashed: Vec<Prepared> = stream::iter(prepared.into_iter().map(|mut file| {
            let progress = hash_progress.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let kind = if file.lfs {
                        HashKind::Sha256
                    } else {
                        HashKind::GitSha1
                    };
                    let hashed = hash_source(
                        &file.source,
                        file.size,
                        kind,
                        &file.path,
                        &progress,
                        !allow_secrets,
                    )?;
                    file.local_oid = hashed.oid;
                    Ok::<_, Error>((file, hashed.findings))
                })
                .await
                .map_err(|e| Error::Protocol(format!("a hashing task failed: {e}")))?
            }
        }))
        .buffer_unordered(options.parallel_files.max(1))
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .map(|(file, found)| {
            findings.extend(found);
            file
        })
        .collect();
        if !findings.is_empty() {
            // Only the preupload samples have been sent: no file data, no commit.
            findings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            findings.dedup();
            return Err(findings_error(&findings));
        }
        hashed.sort_by_key(|f| f.index);
        hashed.retain(|f| f.remote_oid.as_deref() != Some(f.local_oid.as_str()));
        let mut report = UploadReport {
            commits: Vec::new(),
            head: None,
            files_added: hashed.len(),
            files_unchanged: total_files - hashed.len(),
            files_deleted: deletions.len(),
            lfs_uploaded: 0,
            lfs_already_present: 0,
            parts_resumed: 0,
            xet_files: 0,
            bytes_uploaded: 0,
            bytes_deduplicated: 0,
        };
        if hashed.is_empty() && deletions.is_empty() {
            tracing::info!("no files have been modified since the last commit; no commit was made");
            let head = self.repo_info(repo, Some(&revision), false).await?.sha;
            report.head = head;
            return Ok(report);
        }

        // 4. LFS objects.
        let lfs: Vec<LfsObject> = hashed
            .iter()
            .filter(|f| f.lfs)
            .map(|f| LfsObject {
                path_in_repo: f.path.clone(),
                source: f.source.clone(),
                oid: f.local_oid.clone(),
                size: f.size,
            })
            .collect();
        let lfs_ref = (!commit.create_pr).then_some(revision.as_str());
        #[cfg(feature = "xet")]
        let lfs = if options.xet && !lfs.is_empty() {
            let (left, xet) = self
                .upload_xet_objects(
                    repo,
                    &revision,
                    commit.create_pr,
                    dedup_objects(lfs),
                    options.xet_cache_dir.as_deref(),
                )
                .await?;
            report.xet_files = xet.files;
            report.bytes_uploaded = xet.bytes_uploaded;
            report.bytes_deduplicated = xet.bytes_deduplicated;
            left
        } else {
            lfs
        };
        let outcome = self
            .upload_lfs_objects(repo, lfs_ref, dedup_objects(lfs), options)
            .await?;
        report.lfs_uploaded = outcome.uploaded;
        report.lfs_already_present = outcome.already_present;
        report.parts_resumed = outcome.parts_resumed;

        // 5. Commits.
        let plan = plan_commits(deletions, hashed, options);
        let (target, per_commit_pr) = if commit.create_pr && plan.len() > 1 {
            // Several commits on one PR: open it first, then push to refs/pr/N.
            let num = self
                .open_pull_request(repo, &commit.message, &commit.description)
                .await?;
            (format!("refs/pr/{num}"), false)
        } else {
            (revision.clone(), commit.create_pr)
        };
        let parts = plan.len();
        for (i, (dels, adds)) in plan.into_iter().enumerate() {
            let summary = if i == 0 {
                commit.message.clone()
            } else {
                format!("{} (part {}/{parts})", commit.message, i + 1)
            };
            let header = json!({
                "summary": summary,
                "description": commit.description,
            });
            let parent = if i == 0 {
                commit.parent_commit.clone()
            } else {
                None
            };
            let info = self
                .post_commit(
                    repo,
                    &target,
                    per_commit_pr,
                    header,
                    parent,
                    dels,
                    adds,
                    options,
                )
                .await?;
            report.head = Some(info.commit_oid.clone());
            report.commits.push(info);
        }
        if commit.create_pr && parts > 1 {
            let num: u64 = target.trim_start_matches("refs/pr/").parse().unwrap_or(0);
            let pr_url = format!("{}/discussions/{num}", self.repo_url(repo));
            for info in &mut report.commits {
                info.pr_num = Some(num);
                info.pr_revision = Some(target.clone());
                info.pr_url = Some(pr_url.clone());
            }
        }
        Ok(report)
    }

    async fn preupload(
        &self,
        repo: &Repo,
        revision: &str,
        create_pr: bool,
        batch: &mut [Prepared],
    ) -> Result<(), Error> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let files: Vec<Value> = batch
            .iter()
            .map(|f| json!({"path": &*f.path, "sample": b64.encode(&f.sample), "size": f.size}))
            .collect();
        let mut body = json!({"files": files});
        if let Some(gitignore) = batch
            .iter()
            .find(|f| &*f.path == ".gitignore" && f.size <= 1024 * 1024)
            && let Ok(content) = gitignore.source.read_all()
        {
            body["gitIgnore"] = String::from_utf8_lossy(&content).into_owned().into();
        }
        let url = self.http.url(&format!(
            "{}/preupload/{}",
            repo.api_path(),
            encode_revision(revision)
        ))?;
        let mut request = self.http.post(url);
        if create_pr {
            request = request.query(&[("create_pr", "1")]);
        }
        let answer: PreuploadAnswer = request.json(&body).idempotent(true).send_json().await?;
        for file in batch.iter_mut() {
            let Some(entry) = answer.files.iter().find(|e| e.path == *file.path) else {
                return Err(Error::Protocol(format!(
                    "the preupload answer does not mention {}",
                    file.path
                )));
            };
            // Empty files are always regular.
            file.lfs = entry.upload_mode == "lfs" && file.size > 0;
            file.remote_oid.clone_from(&entry.oid);
            file.ignored = entry.should_ignore;
        }
        Ok(())
    }

    async fn open_pull_request(
        &self,
        repo: &Repo,
        title: &str,
        description: &str,
    ) -> Result<u64, Error> {
        let url = self.http.url(&format!("{}/discussions", repo.api_path()))?;
        let answer: Value = self
            .http
            .post(url)
            .json(&json!({"title": title, "description": description, "pullRequest": true}))
            .send_json()
            .await?;
        answer
            .get("num")
            .and_then(Value::as_u64)
            .ok_or_else(|| Error::Protocol("the new pull request has no number".into()))
    }

    #[allow(clippy::too_many_arguments)]
    async fn post_commit(
        &self,
        repo: &Repo,
        revision: &str,
        create_pr: bool,
        mut header: Value,
        parent_commit: Option<String>,
        deletions: Vec<Deletion>,
        adds: Vec<Prepared>,
        options: &UploadOptions,
    ) -> Result<CommitInfo, Error> {
        if let Some(parent) = parent_commit {
            header["parentCommit"] = parent.into();
        }
        let progress = options.upload_progress.clone();
        let (body, regular) =
            tokio::task::spawn_blocking(move || build_ndjson(&header, &deletions, &adds))
                .await
                .map_err(|e| Error::Protocol(format!("a local task failed: {e}")))??;
        let url = self.http.url(&format!(
            "{}/commit/{}",
            repo.api_path(),
            encode_revision(revision)
        ))?;
        let mut request = self.http.post(url);
        if create_pr {
            request = request.query(&[("create_pr", "1")]);
        }
        for (path, size) in &regular {
            progress.on_event(ProgressEvent::FileStarted {
                path: path.clone(),
                size: *size,
                resumed_from: 0,
            });
        }
        // Never retried: a commit that timed out may have been applied.
        let answer: Result<CommitAnswer, _> = request
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send_json()
            .await;
        for (path, size) in &regular {
            if answer.is_ok() {
                progress.on_event(ProgressEvent::FileAdvanced {
                    path: path.clone(),
                    bytes: *size,
                });
            }
            progress.on_event(ProgressEvent::FileFinished { path: path.clone() });
        }
        let answer = answer.map_err(|e| {
            if *e.kind() == hf_auth::HttpErrorKind::RepoNotFound {
                tracing::warn!("the repo must exist before committing to it (create it first)");
            }
            Error::from(e)
        })?;
        let pr_num = answer
            .pull_request_url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .and_then(|n| n.parse::<u64>().ok());
        Ok(CommitInfo {
            commit_url: answer
                .commit_url
                .unwrap_or_else(|| format!("{}/commit/{}", self.repo_url(repo), answer.commit_oid)),
            commit_oid: answer.commit_oid,
            pr_url: answer.pull_request_url,
            pr_revision: pr_num.map(|n| format!("refs/pr/{n}")),
            pr_num,
        })
    }
}

/// Two adds of the same content need one upload.
fn dedup_objects(mut objects: Vec<LfsObject>) -> Vec<LfsObject> {
    let mut seen = std::collections::HashSet::new();
    objects.retain(|o| seen.insert(o.oid.clone()));
    objects
}

/// Splits the work into commits: deletions first, then adds, each commit bounded by
/// operation count and regular bytes.
fn plan_commits(
    deletions: Vec<Deletion>,
    adds: Vec<Prepared>,
    options: &UploadOptions,
) -> Vec<(Vec<Deletion>, Vec<Prepared>)> {
    let max_ops = options.max_operations_per_commit.max(1);
    let max_bytes = options.max_regular_bytes_per_commit.max(1);
    let mut plan: Vec<(Vec<Deletion>, Vec<Prepared>)> = Vec::new();
    let mut current: (Vec<Deletion>, Vec<Prepared>) = (Vec::new(), Vec::new());
    let mut bytes = 0u64;
    for deletion in deletions {
        if current.0.len() >= max_ops {
            plan.push(std::mem::take(&mut current));
        }
        current.0.push(deletion);
    }
    for add in adds {
        let add_bytes = if add.lfs { 0 } else { add.size };
        let ops = current.0.len() + current.1.len();
        if ops > 0 && (ops >= max_ops || bytes + add_bytes > max_bytes) {
            plan.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += add_bytes;
        current.1.push(add);
    }
    if !current.0.is_empty() || !current.1.is_empty() {
        plan.push(current);
    }
    plan
}

type RegularFiles = Vec<(Arc<str>, u64)>;

fn build_ndjson(
    header: &Value,
    deletions: &[Deletion],
    adds: &[Prepared],
) -> Result<(Vec<u8>, RegularFiles), Error> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut body = Vec::new();
    let mut regular = Vec::new();
    let mut line = |value: Value| -> Result<(), Error> {
        serde_json::to_writer(&mut body, &value)
            .map_err(|e| Error::Protocol(format!("encoding the commit: {e}")))?;
        body.push(b'\n');
        Ok(())
    };
    line(json!({"key": "header", "value": header}))?;
    for add in adds {
        if add.lfs {
            line(
                json!({"key": "lfsFile", "value": {"path": &*add.path, "algo": "sha256", "oid": add.local_oid, "size": add.size}}),
            )?;
        } else {
            let content = add.source.read_all()?;
            if content.len() as u64 != add.size {
                return Err(Error::SourceChanged {
                    path: add.path.to_string(),
                    before: add.size,
                    now: content.len() as u64,
                });
            }
            line(
                json!({"key": "file", "value": {"content": b64.encode(&content), "path": &*add.path, "encoding": "base64"}}),
            )?;
            regular.push((add.path.clone(), add.size));
        }
    }
    for deletion in deletions {
        let key = if deletion.folder {
            "deletedFolder"
        } else {
            "deletedFile"
        };
        let path = if deletion.folder {
            format!("{}/", deletion.path)
        } else {
            deletion.path.clone()
        };
        line(json!({"key": key, "value": {"path": path}}))?;
    }
    Ok((body, regular))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_repo_are_normalised_like_python() {
        assert_eq!(normalize_path_in_repo("/a/b.txt").unwrap(), "a/b.txt");
        assert_eq!(normalize_path_in_repo("./a").unwrap(), "a");
        for bad in [
            "",
            ".",
            "..",
            "a/../b",
            "a//b",
            ".git/config",
            "x/.git/y",
            ".cache/huggingface/x",
            "a\\b",
        ] {
            assert!(normalize_path_in_repo(bad).is_err(), "{bad}");
        }
        assert!(validate_parent_commit("abcde").is_ok());
        assert!(validate_parent_commit("abcd").is_err());
        assert!(validate_parent_commit("xyzxyz").is_err());
    }

    fn prepared(index: usize, size: u64, lfs: bool) -> Prepared {
        Prepared {
            index,
            path: Arc::from(format!("f{index}")),
            source: UploadSource::Bytes(bytes::Bytes::new()),
            size,
            sample: Vec::new(),
            lfs,
            remote_oid: None,
            local_oid: String::new(),
            ignored: false,
        }
    }

    #[test]
    fn commits_are_bounded_by_operations_and_bytes() {
        let options = UploadOptions {
            max_operations_per_commit: 3,
            max_regular_bytes_per_commit: 100,
            ..UploadOptions::default()
        };
        let deletions = vec![Deletion {
            path: "old".into(),
            folder: false,
        }];
        let adds = (0..7).map(|i| prepared(i, 10, i % 2 == 0)).collect();
        let plan = plan_commits(deletions, adds, &options);
        let sizes: Vec<usize> = plan.iter().map(|(d, a)| d.len() + a.len()).collect();
        assert_eq!(sizes, vec![3, 3, 2]);
        assert_eq!(plan[0].0.len(), 1, "deletions go first");
        let big: Vec<Prepared> = (0..3).map(|i| prepared(i, 60, false)).collect();
        assert_eq!(
            plan_commits(Vec::new(), big, &options).len(),
            3,
            "60+60 > 100 bytes"
        );
    }

    #[test]
    fn ndjson_lines_match_the_python_client() {
        let mut add = prepared(0, 9, false);
        add.source = UploadSource::Bytes(bytes::Bytes::from_static(b"{\"a\": 1}\n"));
        add.path = Arc::from("small.json");
        let header = json!({"summary": "s", "description": ""});
        let deletions = [Deletion {
            path: "d".into(),
            folder: true,
        }];
        let (body, regular) = build_ndjson(&header, &deletions, &[add]).unwrap();
        let text = String::from_utf8(body).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[1],
            json!({"key": "file", "value": {"content": "eyJhIjogMX0K", "path": "small.json", "encoding": "base64"}})
        );
        assert_eq!(
            lines[2],
            json!({"key": "deletedFolder", "value": {"path": "d/"}})
        );
        assert_eq!(regular.len(), 1);
    }
}
