//! The shared cache, laid out exactly as the Python client's:
//!
//! ```text
//! <root>/CACHEDIR.TAG
//! <root>/models--org--name/blobs/<etag>
//! <root>/models--org--name/snapshots/<commit>/<path>   -> ../../blobs/<etag> (+ ../ per subdir)
//! <root>/models--org--name/refs/<revision>             commit hash, no newline
//! <root>/models--org--name/.no_exist/<commit>/<path>   empty: the file does not exist there
//! <root>/.locks/models--org--name/<etag>.lock
//! ```
//!
//! Our partial downloads are `blobs/<etag>.incomplete` (deterministic, so they resume
//! across runs) and are only touched while holding the blob's lock.

mod lock;
mod scan;
pub(crate) mod tree_cache;
mod verify;

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

pub use lock::FileLock;
pub use scan::{CacheInfo, CachedFile, CachedRepo, CachedRevision, DeleteSummary, scan_cache};
pub use verify::{VerifyOutcome, VerifyReport, verify_repo};

use crate::Error;
use crate::repo::{Repo, is_commit_hash, validate_revision};

/// The `CACHEDIR.TAG` content (the standard signature plus a note, as the Python client writes).
pub const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by huggingface_hub.\n\
# For information about cache directory tags, see:\n\
#\thttps://bford.info/cachedir/\n";

/// Paths of one repo inside a cache root.
#[derive(Debug, Clone)]
pub struct RepoCache {
    root: PathBuf,
    repo_dir: PathBuf,
    lock_dir: PathBuf,
}

impl RepoCache {
    /// The paths for `repo` in the cache at `root`.
    #[must_use]
    pub fn new(root: &Path, repo: &Repo) -> Self {
        let folder = repo.cache_folder_name();
        Self {
            root: root.to_owned(),
            repo_dir: root.join(&folder),
            lock_dir: root.join(".locks").join(&folder),
        }
    }

    /// The cache root.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/models--org--name`.
    #[must_use]
    pub fn repo_dir(&self) -> &Path {
        &self.repo_dir
    }

    /// `blobs/<etag>`.
    #[must_use]
    pub fn blob_path(&self, etag: &str) -> PathBuf {
        self.repo_dir.join("blobs").join(etag)
    }

    /// `blobs/<etag>.incomplete`: our resumable partial download.
    #[must_use]
    pub fn incomplete_path(&self, etag: &str) -> PathBuf {
        self.repo_dir
            .join("blobs")
            .join(format!("{etag}.incomplete"))
    }

    /// `.locks/models--org--name/<etag>.lock`.
    #[must_use]
    pub fn lock_path(&self, etag: &str) -> PathBuf {
        self.lock_dir.join(format!("{etag}.lock"))
    }

    /// `snapshots/<commit>`.
    #[must_use]
    pub fn snapshot_dir(&self, commit: &str) -> PathBuf {
        self.repo_dir.join("snapshots").join(commit)
    }

    /// `snapshots/<commit>/<path>` (`path` must have passed [`safe_relative_path`]).
    #[must_use]
    pub fn pointer_path(&self, commit: &str, path: &str) -> PathBuf {
        join_relative(&self.snapshot_dir(commit), path)
    }

    /// `.no_exist/<commit>/<path>`.
    #[must_use]
    pub fn no_exist_path(&self, commit: &str, path: &str) -> PathBuf {
        join_relative(&self.repo_dir.join(".no_exist").join(commit), path)
    }

    /// `refs/<revision>`.
    #[must_use]
    pub fn ref_path(&self, revision: &str) -> PathBuf {
        join_relative(&self.repo_dir.join("refs"), revision)
    }

    /// The commit `revision` points to in the cache: the revision itself when it is a
    /// commit hash, else the content of `refs/<revision>`.
    #[must_use]
    pub fn resolve_revision(&self, revision: &str) -> Option<String> {
        if is_commit_hash(revision) {
            return Some(revision.to_owned());
        }
        validate_revision(revision).ok()?;
        let text = std::fs::read_to_string(self.ref_path(revision)).ok()?;
        let commit = text.trim();
        is_commit_hash(commit).then(|| commit.to_owned())
    }

    /// Writes `refs/<revision>` = `commit` atomically (no newline), unless `revision` is the
    /// commit itself or the ref already says so.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_ref(&self, revision: &str, commit: &str) -> Result<(), Error> {
        if revision == commit {
            return Ok(());
        }
        validate_revision(revision)?;
        let path = self.ref_path(revision);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == commit) {
            return Ok(());
        }
        write_atomic(&path, commit.as_bytes())
    }

    /// Creates the cache root's `CACHEDIR.TAG` if it is missing (best effort).
    pub fn ensure_cachedir_tag(&self) {
        ensure_cachedir_tag(&self.root);
    }
}

/// Creates `dir/CACHEDIR.TAG` if it is missing (best effort: a read-only cache still works).
pub fn ensure_cachedir_tag(dir: &Path) {
    let tag = dir.join("CACHEDIR.TAG");
    if tag.exists() {
        return;
    }
    if std::fs::create_dir_all(dir).is_ok()
        && let Err(error) = write_atomic(&tag, CACHEDIR_TAG.as_bytes())
    {
        tracing::debug!(%error, "could not write CACHEDIR.TAG");
    }
}

/// `base` joined with a `/`-separated relative path.
fn join_relative(base: &Path, path: &str) -> PathBuf {
    let mut out = base.to_owned();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        out.push(part);
    }
    out
}

/// Checks that a path from the Hub (or the user) stays inside the directory it is joined to:
/// relative, no `..`, no drive, UNC or root component, no backslashes, no NUL.
///
/// # Errors
/// [`Error::Protocol`] naming the path.
pub fn safe_relative_path(path: &str) -> Result<&str, Error> {
    let bad = |why: &str| {
        Error::Protocol(format!(
            "refusing the path '{path}': {why}; nothing was written for it"
        ))
    };
    if path.is_empty() {
        return Err(bad("it is empty"));
    }
    if path.contains('\0') || path.contains('\\') {
        return Err(bad("it contains a NUL or backslash"));
    }
    if path.starts_with('/') {
        return Err(bad("it is absolute"));
    }
    let first = path.split('/').next().unwrap_or_default();
    if first.len() >= 2 && first.as_bytes()[1] == b':' {
        return Err(bad("it starts with a drive letter"));
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(bad("it has an empty, '.' or '..' segment"));
        }
    }
    if Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(bad("it is not a plain relative path"));
    }
    Ok(path)
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
    // Unique per call, not only per process: tasks of one process write the same refs and
    // progress files concurrently, and a shared temporary name made their renames fail.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tmp = parent.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(format!("cannot write {}", path.display()), e));
    }
    Ok(())
}

/// The symlink target from `snapshots/<commit>/<path>` to `blobs/<etag>`:
/// `../../blobs/<etag>` plus one `../` per directory in `path`.
#[must_use]
pub fn blob_link_target(path: &str, etag: &str) -> PathBuf {
    let depth = path
        .split('/')
        .filter(|p| !p.is_empty())
        .count()
        .saturating_sub(1);
    let mut target = PathBuf::new();
    for _ in 0..depth + 2 {
        target.push("..");
    }
    target.join("blobs").join(etag)
}

/// Points `pointer` at `blob`: a relative symlink when possible, else a copy
/// (or a move, when `blob` was just downloaded and `move_if_copying` is set).
pub(crate) fn link_pointer(
    pointer: &Path,
    blob: &Path,
    target: &Path,
    use_symlinks: bool,
    move_if_copying: bool,
) -> Result<(), Error> {
    let parent = pointer.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
    let _ = std::fs::remove_file(pointer);
    #[cfg(unix)]
    if use_symlinks {
        match std::os::unix::fs::symlink(target, pointer) {
            Ok(()) => return Ok(()),
            Err(error) => tracing::debug!(%error, "symlinks unavailable here, copying instead"),
        }
    }
    #[cfg(not(unix))]
    let _ = (target, use_symlinks);
    let tmp = pointer.with_extension(format!("{}.tmp", std::process::id()));
    let result = if move_if_copying {
        std::fs::rename(blob, pointer)
    } else {
        std::fs::copy(blob, &tmp).and_then(|_| std::fs::rename(&tmp, pointer))
    };
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(format!("cannot place {}", pointer.display()), e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in [
            "../../x",
            "/etc/passwd",
            "a/../b",
            "a//b",
            "./a",
            "C:/x",
            "a\\b",
            "",
            "a/",
            ".",
        ] {
            assert!(safe_relative_path(bad).is_err(), "{bad}");
        }
        for ok in ["a", "a/b.txt", "data/train-00000.parquet", "..a", "a..b/c"] {
            assert!(safe_relative_path(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn link_targets_match_python() {
        assert_eq!(
            blob_link_target("config.json", "abc"),
            PathBuf::from("../../blobs/abc")
        );
        assert_eq!(
            blob_link_target("a/b/c.txt", "abc"),
            PathBuf::from("../../../../blobs/abc")
        );
    }
}
