//! `local_dir` mode: files land in a plain folder, with the Python client's bookkeeping in
//! `<dir>/.cache/huggingface/` (`download/<path>.metadata`: commit, etag, timestamp).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::{StreamExt as _, TryStreamExt as _};

use super::errors;
use super::planned::Planned;
use crate::cache::{FileLock, ensure_cachedir_tag, safe_relative_path, write_atomic};
use crate::download_options::DownloadOptions;
use crate::progress::ProgressEvent;
use crate::repo::{Repo, is_commit_hash};
use crate::tree::TreeEntry;
use crate::{Error, HubApi};

struct LocalPaths {
    file: PathBuf,
    metadata: PathBuf,
    lock: PathBuf,
    incomplete: PathBuf,
}

/// `<dir>/.cache/huggingface`: where a `local_dir` download keeps its bookkeeping.
pub(super) fn bookkeeping(dir: &Path) -> PathBuf {
    dir.join(".cache").join("huggingface")
}

fn local_paths(dir: &Path, path: &str, etag: &str) -> LocalPaths {
    let download = bookkeeping(dir).join("download");
    let mut file = dir.to_owned();
    let mut meta = download;
    for part in path.split('/') {
        file.push(part);
        meta.push(part);
    }
    let name = meta
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    LocalPaths {
        file,
        metadata: meta.with_file_name(format!("{name}.metadata")),
        lock: meta.with_file_name(format!("{name}.lock")),
        incomplete: meta.with_file_name(format!("{name}.{etag}.incomplete")),
    }
}

/// The recorded `(commit, etag)` of a local file, when the record is still trustworthy
/// (the file was not modified after it was written).
fn read_metadata(paths: &LocalPaths) -> Option<(String, String)> {
    let text = std::fs::read_to_string(&paths.metadata).ok()?;
    let mut lines = text.lines();
    let commit = lines.next()?.trim().to_owned();
    let etag = lines.next()?.trim().to_owned();
    let timestamp: f64 = lines.next()?.trim().parse().ok()?;
    let mtime = std::fs::metadata(&paths.file)
        .ok()?
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    (mtime - 1.0 <= timestamp).then_some((commit, etag))
}

fn write_metadata(paths: &LocalPaths, commit: &str, etag: &str) -> Result<(), Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    write_atomic(
        &paths.metadata,
        format!("{commit}\n{etag}\n{now}\n").as_bytes(),
    )
}

/// Refuses `target` (a path under `dir`) when one of its existing folders is a symbolic link
/// that leads out of `dir`: creating, renaming or writing there would land outside the
/// target, as git refuses to write through a symlinked leading directory. `repo_path` is
/// what the error names. The last component is not checked: it is replaced by a rename,
/// which never follows a link.
fn refuse_links_out(dir: &Path, target: &Path, repo_path: &str) -> Result<(), Error> {
    let Ok(relative) = target.strip_prefix(dir) else {
        return Err(Error::UnsafePath {
            path: repo_path.to_owned(),
            reason: "it does not lie inside the target directory",
        });
    };
    let parts: Vec<_> = relative.components().collect();
    let Some((_, parents)) = parts.split_last() else {
        return Ok(());
    };
    let mut root = None;
    let mut current = dir.to_owned();
    for part in parents {
        current.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&current) else {
            // Missing from here on: what is created below is ours.
            return Ok(());
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        let root = match &root {
            Some(root) => root,
            None => root.insert(
                dir.canonicalize()
                    .map_err(|e| Error::io(format!("cannot resolve {}", dir.display()), e))?,
            ),
        };
        let inside = current
            .canonicalize()
            .is_ok_and(|real| real.starts_with(&*root));
        if !inside {
            return Err(Error::UnsafePath {
                path: repo_path.to_owned(),
                reason: "a folder on its way in the target directory is a symbolic link leading out of it",
            });
        }
    }
    Ok(())
}

/// Refuses a repo file whose file or bookkeeping path passes through a link out of `dir`.
fn check_local_paths(dir: &Path, paths: &LocalPaths, repo_path: &str) -> Result<(), Error> {
    refuse_links_out(dir, &paths.file, repo_path)?;
    refuse_links_out(dir, &paths.metadata, repo_path)
}

/// Refuses a bookkeeping folder (`.cache/huggingface`) reached through a link out of `dir`,
/// before anything is read from it or written to it; creates nothing.
pub(super) fn check_bookkeeping(dir: &Path) -> Result<(), Error> {
    refuse_links_out(
        dir,
        &bookkeeping(dir).join(".gitignore"),
        ".cache/huggingface",
    )
}

fn prepare(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    check_bookkeeping(dir)?;
    let root = bookkeeping(dir);
    std::fs::create_dir_all(&root)
        .map_err(|e| Error::io(format!("cannot create {}", root.display()), e))?;
    let ignore = root.join(".gitignore");
    if !ignore.exists() {
        write_atomic(&ignore, b"*")?;
    }
    ensure_cachedir_tag(&root);
    Ok(())
}

pub(super) async fn download_file(
    api: &HubApi,
    repo: &Repo,
    path: &str,
    revision: &str,
    dir: &Path,
    options: &DownloadOptions,
) -> Result<PathBuf, Error> {
    let probe = local_paths(dir, path, "");
    let recorded = read_metadata(&probe);
    if is_commit_hash(revision)
        && !options.force_download
        && recorded
            .as_ref()
            .is_some_and(|(commit, _)| commit == revision)
    {
        return Ok(probe.file);
    }
    if options.local_files_only || api.http.config().offline {
        return if probe.file.is_file() {
            Ok(probe.file)
        } else {
            Err(Error::NotInCache {
                message: format!(
                    "'{path}' is not in {} and downloads are disabled (HF_HUB_OFFLINE=1 or --local-files-only)",
                    dir.display()
                ),
                downloads_disabled: true,
            })
        };
    }
    let metadata = match api.file_metadata(repo, path, revision).await {
        Ok(metadata) => metadata,
        Err(error) if errors::may_fall_back_to_cache(&error) && probe.file.is_file() => {
            tracing::warn!(
                "could not reach the Hub ({error}); using the existing {}",
                probe.file.display()
            );
            return Ok(probe.file);
        }
        Err(error) => return Err(errors::explain(api, repo, revision, Some(path), error).await),
    };
    let planned = Planned::from_head(api, repo, path, &metadata)?;
    options.progress.on_event(ProgressEvent::Totals {
        files: 1,
        bytes: planned.size,
    });
    fetch_into_dir(api, repo, &metadata.commit, &planned, dir, options).await
}

pub(super) async fn snapshot(
    api: &HubApi,
    repo: &Repo,
    commit: &str,
    selected: &[TreeEntry],
    dir: &Path,
    options: &DownloadOptions,
) -> Result<PathBuf, Error> {
    prepare(dir)?;
    // Every path is checked before anything is written for any of them.
    let all_paths: Vec<LocalPaths> = selected
        .iter()
        .map(|entry| {
            let paths = local_paths(dir, &entry.path, entry.etag());
            check_local_paths(dir, &paths, &entry.path).map(|()| paths)
        })
        .collect::<Result<_, _>>()?;
    let mut todo = Vec::new();
    for (entry, paths) in selected.iter().zip(all_paths) {
        let up_to_date = !options.force_download
            && paths.file.is_file()
            && read_metadata(&paths).is_some_and(|(_, etag)| etag == entry.etag());
        if up_to_date {
            write_metadata(&paths, commit, entry.etag())?;
        } else {
            todo.push(Planned {
                path: Arc::from(entry.path.as_str()),
                etag: entry.etag().to_owned(),
                size: entry.content_size(),
                source: None,
                xet_hash: None,
            });
        }
    }
    options.progress.on_event(ProgressEvent::Totals {
        files: todo.len() as u64,
        // Saturating: sizes come from the server, and a hostile one can overflow a sum.
        bytes: todo.iter().map(|p| p.size).fold(0, u64::saturating_add),
    });
    // Indexed (not a closure over `&Planned`) so the future stays `Send` for `tokio::spawn`.
    let (width, ceiling, governor) = super::adaptive::files_in_flight(options);
    let fetched = futures_util::stream::iter((0..todo.len()).map(|i| {
        super::adaptive::gated(
            &width,
            fetch_into_dir(api, repo, commit, &todo[i], dir, options),
        )
    }))
    .buffer_unordered(ceiling)
    .try_collect::<Vec<_>>()
    .await;
    if let Some(governor) = governor {
        governor.abort();
    }
    fetched?;
    Ok(dir.to_owned())
}

async fn fetch_into_dir(
    api: &HubApi,
    repo: &Repo,
    commit: &str,
    planned: &Planned,
    dir: &Path,
    options: &DownloadOptions,
) -> Result<PathBuf, Error> {
    safe_relative_path(&planned.path)?;
    prepare(dir)?;
    let paths = local_paths(dir, &planned.path, &planned.etag);
    check_local_paths(dir, &paths, &planned.path)?;
    let _lock = FileLock::acquire(&paths.lock, options.lock_timeout).await?;
    let source = match &planned.source {
        Some(source) => source.clone(),
        None => api.source_for(repo, commit, planned, options).await?,
    };
    if options.force_download {
        let _ = std::fs::remove_file(&paths.incomplete);
    }
    api.fetch_verified(&source, planned, &paths.incomplete, options)
        .await?;
    if let Some(parent) = paths.file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
    }
    std::fs::rename(&paths.incomplete, &paths.file).map_err(|e| {
        Error::io(
            format!("cannot move the download to {}", paths.file.display()),
            e,
        )
    })?;
    let _ = std::fs::remove_file(super::fetch::progress_path(&paths.incomplete));
    write_metadata(&paths, commit, &planned.etag)?;
    Ok(paths.file)
}

pub(super) fn offline_snapshot(dir: &Path) -> Result<PathBuf, Error> {
    if dir.is_dir() {
        Ok(dir.to_owned())
    } else {
        Err(Error::NotInCache {
            message: format!(
                "{} does not exist and downloads are disabled (HF_HUB_OFFLINE=1 or --local-files-only)",
                dir.display()
            ),
            downloads_disabled: true,
        })
    }
}
