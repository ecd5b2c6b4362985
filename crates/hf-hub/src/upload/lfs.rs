//! The LFS batch API: which objects to send, `basic` and `multipart` transfers to CDN
//! URLs (never with the Hub token), per-part retries, resumable multipart state, verify.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use url::Url;

use super::files::{RangeProgress, range_body};
use super::types::{UploadOptions, UploadSource};
use crate::progress::ProgressEvent;
use crate::repo::Repo;
use crate::{Error, HubApi};

const LFS_MIME: &str = "application/vnd.git-lfs+json";
/// Objects per batch call.
const BATCH_SIZE: usize = 256;

/// An object to upload.
#[derive(Debug, Clone)]
pub(crate) struct LfsObject {
    pub(crate) path_in_repo: Arc<str>,
    pub(crate) source: UploadSource,
    pub(crate) oid: String,
    pub(crate) size: u64,
}

#[derive(Debug, Deserialize)]
struct BatchAnswer {
    #[serde(default)]
    objects: Vec<BatchObject>,
}

#[derive(Debug, Deserialize)]
struct BatchObject {
    oid: String,
    #[serde(default)]
    actions: Option<Actions>,
    #[serde(default)]
    error: Option<BatchObjectError>,
}

#[derive(Debug, Deserialize)]
struct BatchObjectError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Deserialize)]
struct Actions {
    upload: Option<Action>,
    verify: Option<Action>,
}

#[derive(Debug, Deserialize)]
struct Action {
    href: String,
    #[serde(default)]
    header: BTreeMap<String, Value>,
}

/// Counters for the report.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LfsOutcome {
    pub(crate) uploaded: usize,
    pub(crate) already_present: usize,
    pub(crate) parts_resumed: usize,
}

impl HubApi {
    /// Uploads the objects the Hub does not have yet.
    pub(crate) async fn upload_lfs_objects(
        &self,
        repo: &Repo,
        revision: Option<&str>,
        objects: Vec<LfsObject>,
        options: &UploadOptions,
    ) -> Result<LfsOutcome, Error> {
        let mut outcome = LfsOutcome::default();
        let permits = Arc::new(Semaphore::new(options.parallel_parts.max(1)));
        for batch in objects.chunks(BATCH_SIZE) {
            let answer = self.lfs_batch(repo, revision, batch).await?;
            let mut work = Vec::new();
            for object in batch {
                let Some(entry) = answer.objects.iter().find(|o| o.oid == object.oid) else {
                    return Err(Error::Protocol(format!(
                        "the LFS batch answer does not mention {} ({})",
                        object.path_in_repo, object.oid
                    )));
                };
                if let Some(error) = &entry.error {
                    return Err(Error::Protocol(format!(
                        "the Hub refused the LFS object for {} ({}): {} {}",
                        object.path_in_repo, object.oid, error.code, error.message
                    )));
                }
                match entry.actions.as_ref().and_then(|a| a.upload.as_ref()) {
                    // No upload action: the server already has the object.
                    None => outcome.already_present += 1,
                    Some(upload) => work.push((
                        object,
                        upload,
                        entry.actions.as_ref().and_then(|a| a.verify.as_ref()),
                    )),
                }
            }
            let results: Vec<usize> =
                stream::iter(work.into_iter().map(|(object, upload, verify)| {
                    let permits = permits.clone();
                    async move {
                        self.upload_one(object, upload, verify, options, permits)
                            .await
                    }
                }))
                .buffer_unordered(options.parallel_files.max(1))
                .try_collect()
                .await?;
            outcome.uploaded += results.len();
            outcome.parts_resumed += results.iter().sum::<usize>();
        }
        Ok(outcome)
    }

    async fn lfs_batch(
        &self,
        repo: &Repo,
        revision: Option<&str>,
        batch: &[LfsObject],
    ) -> Result<BatchAnswer, Error> {
        let path = format!(
            "/{}{}.git/info/lfs/objects/batch",
            repo.repo_type.url_prefix(),
            repo.id
        );
        let mut body = json!({
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": batch.iter().map(|o| json!({"oid": o.oid, "size": o.size})).collect::<Vec<_>>(),
            "hash_algo": "sha256",
        });
        if let Some(revision) = revision {
            body["ref"] = json!({"name": revision});
        }
        Ok(self
            .http
            .post(self.http.url(&path)?)
            .json(&body)
            .header("content-type", LFS_MIME)
            .header("accept", LFS_MIME)
            .idempotent(true)
            .send_json()
            .await?)
    }

    /// Returns the number of parts that were already accepted in an earlier run.
    async fn upload_one(
        &self,
        object: &LfsObject,
        upload: &Action,
        verify: Option<&Action>,
        options: &UploadOptions,
        permits: Arc<Semaphore>,
    ) -> Result<usize, Error> {
        let progress = &options.upload_progress;
        progress.on_event(ProgressEvent::FileStarted {
            path: object.path_in_repo.clone(),
            size: object.size,
            resumed_from: 0,
        });
        let href = self.rewrite_href(&upload.href)?;
        let resumed = if upload.header.contains_key("chunk_size") {
            self.upload_multipart(object, &href, &upload.header, options, &permits)
                .await?
        } else {
            let _permit = permits
                .acquire()
                .await
                .map_err(|_| Error::Protocol("upload cancelled".into()))?;
            let body_source = object.source.clone();
            let range_progress = RangeProgress::new(object.path_in_repo.clone(), progress.clone());
            let size = object.size;
            let mut request = self
                .http
                .put(href)
                .without_auth()
                .header("content-length", &size.to_string())
                .body_fn(move || range_body(&body_source, 0, size, range_progress.clone()));
            for (name, value) in &upload.header {
                if let Some(value) = value.as_str() {
                    request = request.header(name, value);
                }
            }
            request.send().await?;
            0
        };
        if let Some(verify) = verify {
            // The Hub's own headers (with auth); the action's header is ignored, as in Python.
            let url = self.rewrite_href(&verify.href)?;
            self.http
                .post(url)
                .json(&json!({"oid": object.oid, "size": object.size}))
                .idempotent(true)
                .send()
                .await?;
        }
        progress.on_event(ProgressEvent::FileFinished {
            path: object.path_in_repo.clone(),
        });
        Ok(resumed)
    }

    async fn upload_multipart(
        &self,
        object: &LfsObject,
        complete_href: &Url,
        header: &BTreeMap<String, Value>,
        options: &UploadOptions,
        permits: &Arc<Semaphore>,
    ) -> Result<usize, Error> {
        let chunk_size = header
            .get("chunk_size")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .filter(|c| *c > 0)
            .ok_or_else(|| {
                Error::Protocol(format!(
                    "invalid multipart chunk_size for {}",
                    object.path_in_repo
                ))
            })?;
        let part_count = object.size.div_ceil(chunk_size);
        let mut part_urls = Vec::new();
        for number in 1..=part_count {
            let url = header
                .get(&number.to_string())
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Error::Protocol(format!(
                        "the multipart answer for {} lacks part {number} of {part_count}",
                        object.path_in_repo
                    ))
                })?;
            part_urls.push(self.rewrite_href(url)?);
        }
        if header.keys().filter(|k| k.parse::<u64>().is_ok()).count() as u64 != part_count {
            return Err(Error::Protocol(format!(
                "the multipart answer for {} has the wrong number of parts (expected {part_count})",
                object.path_in_repo
            )));
        }
        let state = PartState::open(
            options.resume_dir.as_deref(),
            &object.oid,
            object.size,
            chunk_size,
        )?;
        let resumed = state.done_count();
        let result = self
            .send_parts_and_complete(
                object,
                complete_href,
                &part_urls,
                chunk_size,
                &state,
                options,
                permits,
            )
            .await;
        match result {
            Ok(()) => {
                state.remove();
                Ok(resumed)
            }
            Err(e) if resumed > 0 && e.http_kind() == Some(&hf_auth::HttpErrorKind::BadRequest) => {
                // The storage forgot the parts of the earlier run: start this object over, once.
                tracing::debug!(path = %object.path_in_repo, "resumed parts were rejected; sending all parts again");
                state.clear();
                self.send_parts_and_complete(
                    object,
                    complete_href,
                    &part_urls,
                    chunk_size,
                    &state,
                    options,
                    permits,
                )
                .await?;
                state.remove();
                Ok(0)
            }
            Err(e) => Err(e),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_parts_and_complete(
        &self,
        object: &LfsObject,
        complete_href: &Url,
        part_urls: &[Url],
        chunk_size: u64,
        state: &PartState,
        options: &UploadOptions,
        permits: &Arc<Semaphore>,
    ) -> Result<(), Error> {
        let progress = &options.upload_progress;
        // Accepted parts of an earlier run count as uploaded.
        let already: u64 = state
            .done_numbers()
            .iter()
            .map(|n| part_len(object.size, chunk_size, *n))
            .sum();
        if already > 0 {
            progress.on_event(ProgressEvent::FileAdvanced {
                path: object.path_in_repo.clone(),
                bytes: already,
            });
        }
        let pending: Vec<(u64, &Url)> = (1..=part_urls.len() as u64)
            .zip(part_urls)
            .filter(|(n, _)| !state.is_done(*n))
            .collect();
        // After a failure no new part starts, but parts in flight are allowed to finish so
        // that their acceptance is recorded and a re-run does not send them again.
        let failed = AtomicBool::new(false);
        let results: Vec<Result<(), Error>> =
            stream::iter(pending.into_iter().map(|(number, url)| {
                let permits = permits.clone();
                let failed = &failed;
                async move {
                    let _permit = permits
                        .acquire()
                        .await
                        .map_err(|_| Error::Protocol("upload cancelled".into()))?;
                    if failed.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    let offset = (number - 1) * chunk_size;
                    let len = part_len(object.size, chunk_size, number);
                    let source = object.source.clone();
                    let range_progress =
                        RangeProgress::new(object.path_in_repo.clone(), progress.clone());
                    let response = self
                        .http
                        .put(url.clone())
                        .without_auth()
                        .header("content-length", &len.to_string())
                        .body_fn(move || range_body(&source, offset, len, range_progress.clone()))
                        .send()
                        .await
                        .inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
                    let etag = response.header("etag").map(str::to_owned).ok_or_else(|| {
                        Error::Protocol(format!(
                            "part {number} of {} was accepted without an ETag",
                            object.path_in_repo
                        ))
                    })?;
                    state.record(number, &etag)?;
                    Ok::<(), Error>(())
                }
            }))
            .buffer_unordered(options.parallel_parts.max(1))
            .collect()
            .await;
        results.into_iter().collect::<Result<Vec<()>, Error>>()?;
        let parts: Vec<Value> = state
            .etags()
            .into_iter()
            .map(|(number, etag)| json!({"partNumber": number, "etag": etag}))
            .collect();
        self.http
            .post(complete_href.clone())
            .without_auth()
            .json(&json!({"oid": object.oid, "parts": parts}))
            .header("content-type", LFS_MIME)
            .header("accept", LFS_MIME)
            .idempotent(true)
            .send()
            .await?;
        Ok(())
    }

    /// Hrefs pointing at huggingface.co are sent to the configured endpoint instead.
    fn rewrite_href(&self, href: &str) -> Result<Url, Error> {
        let mut url = Url::parse(href)
            .or_else(|_| self.http.endpoint().join(href))
            .map_err(|e| Error::Protocol(format!("invalid upload URL in the LFS answer: {e}")))?;
        let endpoint = self.http.endpoint();
        if url.host_str() == Some("huggingface.co") && endpoint.host_str() != Some("huggingface.co")
        {
            let _ = url.set_scheme(endpoint.scheme());
            let _ = url.set_host(endpoint.host_str());
            let _ = url.set_port(endpoint.port());
        }
        Ok(url)
    }
}

fn part_len(size: u64, chunk_size: u64, number: u64) -> u64 {
    let offset = (number - 1) * chunk_size;
    chunk_size.min(size.saturating_sub(offset))
}

/// The accepted parts of one multipart object, mirrored to `<resume_dir>/<oid>.parts`
/// (`size chunk_size` on the first line, then `number etag` lines, appended as parts finish).
#[derive(Debug)]
struct PartState {
    file: Option<PathBuf>,
    done: Mutex<BTreeMap<u64, String>>,
}

impl PartState {
    fn open(dir: Option<&Path>, oid: &str, size: u64, chunk_size: u64) -> Result<Self, Error> {
        let Some(dir) = dir else {
            return Ok(Self {
                file: None,
                done: Mutex::new(BTreeMap::new()),
            });
        };
        let file = dir.join(format!("{oid}.parts"));
        let header = format!("{size} {chunk_size}");
        let mut done = BTreeMap::new();
        match std::fs::read_to_string(&file) {
            Ok(text) if text.lines().next() == Some(header.as_str()) => {
                for line in text.lines().skip(1) {
                    if let Some((number, etag)) = line.split_once(' ')
                        && let Ok(number) = number.parse::<u64>()
                    {
                        done.insert(number, etag.to_owned());
                    }
                }
            }
            _ => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
                std::fs::write(&file, format!("{header}\n"))
                    .map_err(|e| Error::io(format!("writing {}", file.display()), e))?;
            }
        }
        Ok(Self {
            file: Some(file),
            done: Mutex::new(done),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, String>> {
        self.done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn done_count(&self) -> usize {
        self.lock().len()
    }

    fn done_numbers(&self) -> Vec<u64> {
        self.lock().keys().copied().collect()
    }

    fn is_done(&self, number: u64) -> bool {
        self.lock().contains_key(&number)
    }

    fn etags(&self) -> Vec<(u64, String)> {
        self.lock().iter().map(|(n, e)| (*n, e.clone())).collect()
    }

    fn record(&self, number: u64, etag: &str) -> Result<(), Error> {
        let mut done = self.lock();
        done.insert(number, etag.to_owned());
        if let Some(file) = &self.file {
            let mut handle = std::fs::OpenOptions::new()
                .append(true)
                .open(file)
                .map_err(|e| Error::io(format!("writing {}", file.display()), e))?;
            writeln!(handle, "{number} {etag}")
                .map_err(|e| Error::io(format!("writing {}", file.display()), e))?;
        }
        Ok(())
    }

    fn clear(&self) {
        let mut done = self.lock();
        done.clear();
        if let Some(file) = &self.file
            && let Some(first) = std::fs::read_to_string(file)
                .ok()
                .and_then(|t| t.lines().next().map(str::to_owned))
        {
            let _ = std::fs::write(file, format!("{first}\n"));
        }
    }

    fn remove(&self) {
        if let Some(file) = &self.file {
            let _ = std::fs::remove_file(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_state_survives_a_restart_only_for_the_same_layout() {
        let dir = tempfile::tempdir().unwrap();
        let state = PartState::open(Some(dir.path()), "abc", 100, 40).unwrap();
        state.record(2, "\"e2\"").unwrap();
        drop(state);
        let again = PartState::open(Some(dir.path()), "abc", 100, 40).unwrap();
        assert_eq!(again.etags(), vec![(2, "\"e2\"".to_owned())]);
        let other_layout = PartState::open(Some(dir.path()), "abc", 100, 50).unwrap();
        assert_eq!(other_layout.done_count(), 0);
        assert_eq!((part_len(100, 40, 1), part_len(100, 40, 3)), (40, 20));
    }
}
