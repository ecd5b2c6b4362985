//! Downloads into the shared cache (or a local directory), verified and resumable.
//!
//! - [`HubApi::download_file`]: one file; a HEAD gives commit, etag and the CDN location.
//! - [`HubApi::snapshot_download`]: a whole revision, pinned to its commit, listed once, filtered
//!   with [`PatternFilter`], fetched with bounded parallelism. A complete snapshot costs two
//!   requests (revision + tree) and nothing else.
//!
//! Every blob is hashed while it streams (sha256 for LFS, git-sha1 otherwise) and enters
//! `blobs/` only when the hash matches. Partial downloads are kept as
//! `blobs/<etag>.incomplete` under the blob's lock and resumed with `Range`.

mod adaptive;
mod errors;
mod fetch;
mod local_dir;
mod planned;
mod tail;
#[cfg(feature = "xet")]
mod xet;
#[cfg(feature = "xet")]
pub(crate) use xet::{auth_headers as xet_auth_headers, new_session as new_xet_session, xet_error};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::{StreamExt as _, TryStreamExt as _};
use hf_auth::http::Redirects;

use crate::cache::{
    self, FileLock, RepoCache, blob_link_target, link_pointer, safe_relative_path, shared_blobs,
};
use crate::patterns::PatternFilter;
use crate::progress::ProgressEvent;
use crate::repo::{DEFAULT_REVISION, Repo, is_commit_hash, validate_revision};
use crate::tree::TreeEntry;
use crate::{Error, HubApi};

pub use crate::download_options::{
    DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_FILES_IN_FLIGHT,
    DEFAULT_MAX_WORKERS, DownloadOptions,
};
pub use crate::hash::{ContentHasher, HashKind};
pub(crate) use fetch::FetchStats;
pub use planned::FileMetadata;
use planned::Planned;
pub(crate) use planned::Source;

/// The `rel="xet-auth"` target of a `Link` header value (`<url>; rel="xet-auth", ...`).
fn xet_auth_link(value: &str) -> Option<String> {
    value.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let is_auth = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"xet-auth\"");
        is_auth.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

impl HubApi {
    /// HEADs `path` at `revision`: follows renamed-repo redirects with auth, stops at a CDN
    /// redirect and reads the metadata from it.
    ///
    /// # Errors
    /// HTTP failures, and [`Error::Protocol`] when the answer lacks the Hub's headers.
    pub async fn file_metadata(
        &self,
        repo: &Repo,
        path: &str,
        revision: &str,
    ) -> Result<FileMetadata, Error> {
        validate_revision(revision)?;
        let url = self.http.url(&repo.resolve_path(revision, path))?;
        let response = self
            .http
            .head(url)
            .header("accept-encoding", "identity")
            .redirects(Redirects::StopAtUntrusted)
            .metadata_timeout()
            .send()
            .await?;
        let header = |name: &str| response.header(name).map(str::to_owned);
        let missing = |what: &str| {
            Error::Protocol(format!(
                "HEAD {} has no {what} header: the endpoint {} does not seem to be a Hugging Face Hub",
                hf_auth::redact_url(response.url().as_str()),
                self.http.endpoint()
            ))
        };
        let commit = header("x-repo-commit").ok_or_else(|| missing("X-Repo-Commit"))?;
        if !is_commit_hash(&commit) {
            return Err(Error::Protocol(format!(
                "X-Repo-Commit '{commit}' is not a commit hash"
            )));
        }
        let raw_etag = header("x-linked-etag")
            .or_else(|| header("etag"))
            .ok_or_else(|| missing("ETag"))?;
        let etag = normalize_etag(&raw_etag);
        let redirected = response.is_redirection();
        let size = header("x-linked-size")
            .or_else(|| (!redirected).then(|| header("content-length")).flatten())
            .and_then(|s| s.trim().parse().ok());
        let (location, on_cdn) = match header("location").filter(|_| redirected) {
            Some(location) => (
                response.url().join(&location).map_err(|_| {
                    Error::Protocol(format!("invalid redirect location for {path}"))
                })?,
                true,
            ),
            None => (response.url().clone(), false),
        };
        let xet_hash = header("x-xet-hash")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let xet_auth = response
            .header_values("link")
            .find_map(xet_auth_link)
            .and_then(|link| response.url().join(&link).ok());
        Ok(FileMetadata {
            commit,
            etag,
            size,
            location,
            on_cdn,
            xet_hash,
            xet_auth,
        })
    }

    /// The commit `revision` points to: `GET /api/{t}/{repo}/revision/{rev}` -> `sha`.
    ///
    /// # Errors
    /// HTTP failures (repo or revision not found...) and a missing `sha`.
    pub async fn resolve_commit(&self, repo: &Repo, revision: &str) -> Result<String, Error> {
        validate_revision(revision)?;
        #[derive(serde::Deserialize)]
        struct Info {
            sha: Option<String>,
        }
        let url = self.http.url(&format!(
            "{}/revision/{}",
            repo.api_path(),
            crate::repo::encode_revision(revision)
        ))?;
        let info: Info = self.http.get(url).metadata_timeout().send_json().await?;
        info.sha.filter(|sha| is_commit_hash(sha)).ok_or_else(|| {
            Error::Protocol(format!(
                "the Hub did not say which commit '{revision}' of {repo} is"
            ))
        })
    }

    /// Downloads one file and returns its path: `snapshots/<commit>/<path>` in the cache, or
    /// `<local_dir>/<path>`. `revision` defaults to `main`.
    ///
    /// Offline (or with [`DownloadOptions::local_files_only`]) the cache is used without any
    /// request, and a missing file is a [`Error::NotInCache`] saying what is missing.
    ///
    /// # Errors
    /// Repo/revision/file not found, gated or private repos (with advice), integrity failures
    /// (nothing kept), I/O errors (a partial download is kept for resuming), lock timeouts.
    pub async fn download_file(
        &self,
        repo: &Repo,
        path: &str,
        revision: Option<&str>,
        options: &DownloadOptions,
    ) -> Result<PathBuf, Error> {
        let revision = revision.unwrap_or(DEFAULT_REVISION);
        validate_revision(revision)?;
        safe_relative_path(path)
            .map_err(|_| Error::InvalidInput(format!("invalid file path '{path}'")))?;
        if let Some(dir) = &options.local_dir {
            return local_dir::download_file(self, repo, path, revision, dir, options).await;
        }
        let cache = RepoCache::new(&options.cache_dir, repo);
        let offline = options.local_files_only || self.http.config().offline;
        if offline {
            return errors::cached_file(&cache, repo, path, revision, offline);
        }
        if is_commit_hash(revision) && !options.force_download {
            let pointer = cache.pointer_path(revision, path);
            if pointer.exists() {
                return Ok(pointer);
            }
        }
        let metadata = match self.file_metadata(repo, path, revision).await {
            Ok(metadata) => metadata,
            Err(error) => {
                // Like the Python client: an unreachable Hub falls back to the cache.
                if errors::may_fall_back_to_cache(&error)
                    && let Ok(found) = errors::cached_file(&cache, repo, path, revision, false)
                {
                    tracing::warn!(
                        "could not reach the Hub ({error}); using the cached copy of {path}"
                    );
                    return Ok(found);
                }
                record_missing_entry(&cache, revision, path, &error);
                return Err(errors::explain(self, repo, revision, Some(path), error).await);
            }
        };
        let planned = Planned::from_head(self, repo, path, &metadata)?;
        options.progress.on_event(ProgressEvent::Totals {
            files: 1,
            bytes: planned.size,
        });
        let pointer = self
            .fetch_into_cache(repo, &cache, &metadata.commit, &planned, options)
            .await?;
        cache.write_ref(revision, &metadata.commit)?;
        Ok(pointer)
    }

    /// Downloads every file of `revision` (default `main`) that `filter` keeps and returns the
    /// snapshot folder (`snapshots/<commit>`, or `local_dir`).
    ///
    /// # Errors
    /// As [`HubApi::download_file`]; also [`Error::Protocol`] when the listing holds an unsafe
    /// path (nothing is downloaded then).
    pub async fn snapshot_download(
        &self,
        repo: &Repo,
        revision: Option<&str>,
        filter: &PatternFilter,
        options: &DownloadOptions,
    ) -> Result<PathBuf, Error> {
        let revision = revision.unwrap_or(DEFAULT_REVISION);
        validate_revision(revision)?;
        let cache = RepoCache::new(&options.cache_dir, repo);
        let offline = options.local_files_only || self.http.config().offline;
        if offline {
            return match &options.local_dir {
                Some(dir) => local_dir::offline_snapshot(dir),
                None => errors::cached_snapshot(&cache, repo, revision, filter),
            };
        }
        // The listing of a commit never changes: one cached by us or by the Python client
        // (`trees/<commit>.json`) saves the tree request, and the revision request too when
        // the revision is that commit.
        let listing_folder = match &options.local_dir {
            Some(dir) => {
                // Refuses a bookkeeping folder that is a link out of the target first.
                local_dir::check_bookkeeping(dir)?;
                local_dir::bookkeeping(dir)
            }
            None => cache.repo_dir().to_owned(),
        };
        let cached_listing = |commit: &str| {
            (!options.force_download)
                .then(|| cache::tree_cache::read(&listing_folder, commit))
                .flatten()
        };
        let (commit, listing) = match cached_listing(revision) {
            Some(listing) => (revision.to_owned(), Some(listing)),
            None => match self.resolve_commit(repo, revision).await {
                Ok(commit) => {
                    let listing = cached_listing(&commit);
                    (commit, listing)
                }
                Err(error) => {
                    if options.local_dir.is_none()
                        && errors::may_fall_back_to_cache(&error)
                        && let Ok(found) = errors::cached_snapshot(&cache, repo, revision, filter)
                    {
                        tracing::warn!(
                            "could not reach the Hub ({error}); using the cached snapshot"
                        );
                        return Ok(found);
                    }
                    return Err(errors::explain(self, repo, revision, None, error).await);
                }
            },
        };
        let listing = match listing {
            Some(listing) => listing,
            None => {
                let listing = match self.list_repo_tree(repo, &commit, None, true).await {
                    Ok(listing) => listing,
                    Err(error) => {
                        return Err(errors::explain(self, repo, revision, None, error).await);
                    }
                };
                // Only a listing whose every file could be downloaded is kept.
                if listing.iter().filter(|e| e.is_file()).all(|e| {
                    safe_relative_path(&e.path).is_ok() && HashKind::of_etag(e.etag()).is_some()
                }) {
                    cache::tree_cache::write(&listing_folder, &commit, &listing);
                }
                listing
            }
        };
        let selected: Vec<TreeEntry> = filter
            .filter(
                listing.into_iter().filter(TreeEntry::is_file),
                |e: &TreeEntry| e.path.as_str(),
            )
            .collect();
        if selected.is_empty() {
            tracing::warn!("no files of {repo} at {revision} matched the include/exclude patterns");
        }
        for entry in &selected {
            safe_relative_path(&entry.path)?;
            if HashKind::of_etag(entry.etag()).is_none() {
                return Err(Error::Protocol(format!(
                    "the listing gives {} the id '{}', which is not a sha256 or git-sha1",
                    entry.path,
                    entry.etag()
                )));
            }
        }
        if let Some(dir) = &options.local_dir {
            return match local_dir::snapshot(self, repo, &commit, &selected, dir, options).await {
                Ok(dir) => Ok(dir),
                Err(error) => Err(errors::explain(self, repo, revision, None, error).await),
            };
        }
        // Already-present files cost nothing more: the tree told us their blob ids.
        let missing: Vec<Planned> = selected
            .iter()
            .filter(|e| options.force_download || !is_present(&cache, &commit, e))
            .map(|e| Planned {
                path: Arc::from(e.path.as_str()),
                etag: e.etag().to_owned(),
                size: e.content_size(),
                source: None,
                xet_hash: e.xet_hash.clone(),
            })
            .collect();
        options.progress.on_event(ProgressEvent::Totals {
            files: missing.len() as u64,
            // Saturating: sizes come from the server, and a hostile one can overflow a sum.
            bytes: missing.iter().map(|p| p.size).fold(0, u64::saturating_add),
        });
        std::fs::create_dir_all(cache.snapshot_dir(&commit)).map_err(|e| {
            Error::io(
                format!("cannot create {}", cache.snapshot_dir(&commit).display()),
                e,
            )
        })?;
        // What a killed run left beside a file it was placing (so beside one missing here) is
        // removed before this run places anything: never shown as a file of the snapshot.
        // Before, not after: a later run killed too may place that file, and then nothing
        // is missing there any more to point at the leftover.
        let folders: std::collections::BTreeSet<PathBuf> = missing
            .iter()
            .filter_map(|p| {
                cache
                    .pointer_path(&commit, &p.path)
                    .parent()
                    .map(Path::to_owned)
            })
            .collect();
        for folder in &folders {
            cache::remove_stale_temps(folder);
        }
        // Indexed rather than `.iter().map(|planned| ..)`: a closure over `&Planned` makes the
        // future not `Send` for every lifetime, so `tokio::spawn(snapshot_download(..))` failed.
        // As many files in flight as keep the rate rising (round trips bound small files).
        let (width, ceiling, governor) = adaptive::files_in_flight(options);
        let fetched = futures_util::stream::iter((0..missing.len()).map(|i| {
            adaptive::gated(
                &width,
                self.fetch_into_cache(repo, &cache, &commit, &missing[i], options),
            )
        }))
        .buffer_unordered(ceiling)
        .try_collect::<Vec<_>>()
        .await;
        if let Some(governor) = governor {
            governor.abort();
        }
        if let Err(error) = fetched {
            // A gated repo may list its files and refuse them: say so as a single file would.
            return Err(errors::explain(self, repo, revision, None, error).await);
        }
        cache.write_ref(revision, &commit)?;
        Ok(cache.snapshot_dir(&commit))
    }

    /// Makes `snapshots/<commit>/<path>` point at a verified `blobs/<etag>`, downloading it
    /// under the blob's lock unless another process already did.
    async fn fetch_into_cache(
        &self,
        repo: &Repo,
        cache: &RepoCache,
        commit: &str,
        planned: &Planned,
        options: &DownloadOptions,
    ) -> Result<PathBuf, Error> {
        let pointer = cache.pointer_path(commit, &planned.path);
        let blob = cache.blob_path(&planned.etag);
        let target = blob_link_target(&planned.path, &planned.etag);
        if !options.force_download && pointer.exists() {
            return Ok(pointer);
        }
        cache.ensure_cachedir_tag();
        let _lock =
            FileLock::acquire(&cache.lock_path(&planned.etag), options.lock_timeout).await?;
        // The cache-wide Xet store needs symlinks, as the Python client's does.
        let shared_hash = planned.xet_hash.as_deref().filter(|h| {
            options.shared_blobs && options.use_symlinks && shared_blobs::is_xet_hash(h)
        });
        let fresh = options.force_download || !blob.exists();
        let mut shared = false;
        if fresh {
            if let Some(hash) = shared_hash
                && !options.force_download
                && shared_blobs::try_link(cache.root(), &blob, hash, planned.size)
            {
                // Another repo (or the Python client) already has these bytes.
                shared = true;
                options.progress.on_event(ProgressEvent::FileStarted {
                    path: planned.path.clone(),
                    size: planned.size,
                    resumed_from: planned.size,
                });
                options.progress.on_event(ProgressEvent::FileFinished {
                    path: planned.path.clone(),
                });
            } else {
                let source = match &planned.source {
                    Some(source) => source.clone(),
                    None => self.source_for(repo, commit, planned, options).await?,
                };
                let incomplete = cache.incomplete_path(&planned.etag);
                if options.force_download {
                    let _ = std::fs::remove_file(&incomplete);
                }
                let stats = self
                    .fetch_verified(&source, planned, &incomplete, options)
                    .await?;
                std::fs::rename(&incomplete, &blob).map_err(|e| {
                    Error::io(format!("cannot move the download to {}", blob.display()), e)
                })?;
                let _ = std::fs::remove_file(fetch::progress_path(&incomplete));
                // Only bytes Xet reconstructed (and we hashed) are shared, never the bridge's.
                if let Some(hash) = shared_hash
                    && stats.via_xet
                {
                    shared = shared_blobs::publish(
                        cache.root(),
                        &blob,
                        hash,
                        planned.size,
                        options.force_download,
                    )?;
                }
            }
        }
        // Without symlinks a fresh blob is moved into the snapshot (as the Python client does).
        // A shared blob is a link: copied through, never moved away.
        link_pointer(
            &pointer,
            &blob,
            &target,
            options.use_symlinks,
            fresh && !shared,
        )?;
        Ok(pointer)
    }

    /// Where to fetch a listed file from: small files straight from the resolve URL (one
    /// request, redirects followed, the token dropped when they leave the Hub); large files
    /// from the CDN location a HEAD reveals, so they can be fetched in parallel ranges.
    async fn source_for(
        &self,
        repo: &Repo,
        commit: &str,
        planned: &Planned,
        options: &DownloadOptions,
    ) -> Result<Source, Error> {
        // A Xet file of the listing is reconstructed straight away: its hash is all the CAS
        // needs, and every file of the commit shares one token route (and one Xet group).
        #[cfg(feature = "xet")]
        if options.xet
            && let Some(hash) = planned
                .xet_hash
                .as_deref()
                .filter(|h| shared_blobs::is_xet_hash(h))
        {
            return Ok(Source::Xet {
                hash: hash.to_owned(),
                auth: self
                    .http
                    .url(&format!("{}/xet-read-token/{commit}", repo.api_path()))?,
                // Should Xet not be used after all: the resolve URL, with the token.
                bridge: self.http.url(&repo.resolve_path(commit, &planned.path))?,
            });
        }
        if planned.size >= options.parallel_threshold() && options.ranges_allowed() {
            let metadata = self.file_metadata(repo, &planned.path, commit).await?;
            if metadata.etag != planned.etag {
                return Err(Error::Protocol(format!(
                    "{} at {commit}: the listing says blob {} but the file is {}",
                    planned.path, planned.etag, metadata.etag
                )));
            }
            return Ok(Source::from_metadata(&metadata));
        }
        Ok(Source::Hub(
            self.http.url(&repo.resolve_path(commit, &planned.path))?,
        ))
    }

    /// Downloads `source` into `incomplete` (resuming what is there) and checks its hash.
    async fn fetch_verified(
        &self,
        source: &Source,
        planned: &Planned,
        incomplete: &Path,
        options: &DownloadOptions,
    ) -> Result<FetchStats, Error> {
        let kind = HashKind::of_etag(&planned.etag).ok_or_else(|| {
            Error::Protocol(format!(
                "cannot verify {} (blob id '{}')",
                planned.path, planned.etag
            ))
        })?;
        let (stats, actual) = fetch::fetch(&fetch::FetchJob {
            http: &self.http,
            source,
            size: planned.size,
            kind,
            incomplete,
            path: &planned.path,
            options,
        })
        .await?;
        if actual != planned.etag {
            let _ = std::fs::remove_file(incomplete);
            let _ = std::fs::remove_file(fetch::progress_path(incomplete));
            return Err(Error::Integrity {
                path: planned.path.to_string(),
                algorithm: kind.name(),
                expected: planned.etag.clone(),
                actual,
            });
        }
        Ok(stats)
    }
}

/// Whether `snapshots/<commit>/<path>` exists and resolves to content.
fn is_present(cache: &RepoCache, commit: &str, entry: &TreeEntry) -> bool {
    let pointer = cache.pointer_path(commit, &entry.path);
    // `metadata` follows the symlink: a dangling link is not present.
    std::fs::metadata(&pointer).is_ok_and(|m| m.is_file())
}

/// `W/"abc"` -> `abc`, as the Python client's `lstrip("W/").strip('"')`.
#[must_use]
pub(crate) fn normalize_etag(raw: &str) -> String {
    raw.trim()
        .trim_start_matches(['W', '/'])
        .trim_matches('"')
        .to_owned()
}

/// Records that `path` does not exist at the commit the Hub named (`.no_exist/<commit>/<path>`
/// and `refs/<revision>`), as the Python client does, so offline lookups can tell "missing on
/// the Hub" from "not downloaded". Best effort: a failure to record is only logged.
fn record_missing_entry(cache: &RepoCache, revision: &str, path: &str, error: &Error) {
    let Some(http) = error.as_http() else { return };
    let Some(commit) = http.repo_commit().filter(|c| is_commit_hash(c)) else {
        return;
    };
    if http.kind() != &hf_auth::HttpErrorKind::EntryNotFound {
        return;
    }
    let marker = cache.no_exist_path(commit, path);
    let recorded = marker
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&marker)
                .map(drop)
        });
    if let Err(e) = recorded {
        tracing::debug!("could not record {}: {e}", marker.display());
    }
    if !is_commit_hash(revision)
        && let Err(e) = cache.write_ref(revision, commit)
    {
        tracing::debug!("could not record refs/{revision}: {e}");
    }
}
