//! Where things are in the cache and how they are placed there: the repo folders, safe
//! relative paths, temporaries beside their file, atomic writes, snapshot links.

use crate::Error;
use crate::repo::{Repo, is_commit_hash, validate_revision};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

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
pub(super) fn join_relative(base: &Path, path: &str) -> PathBuf {
    let mut out = base.to_owned();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        out.push(part);
    }
    out
}

/// Checks that a path from the Hub (or the user) stays inside the directory it is joined to
/// and names nothing that is not a repo file: relative, no `..`, no drive, UNC or root
/// component, no backslashes, no control characters, and no `.git` or `.cache/huggingface`
/// component (in any letter case: a case-insensitive file system folds them together).
///
/// # Errors
/// [`Error::UnsafePath`] naming the path and why.
pub fn safe_relative_path(path: &str) -> Result<&str, Error> {
    let bad = |reason: &'static str| Error::UnsafePath {
        path: path.to_owned(),
        reason,
    };
    if path.is_empty() {
        return Err(bad("it is empty"));
    }
    if path.contains('\\') || path.chars().any(char::is_control) {
        return Err(bad("it contains a backslash or a control character"));
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
    if let Some(reason) = reserved_component(path) {
        return Err(bad(reason));
    }
    Ok(path)
}

/// Why `path` (`/`-separated) names a place no repo file may go: git's own folder, which
/// holds configuration git executes (`core.fsmonitor`, hooks), or the local-dir bookkeeping
/// of the Python client and ours. Compared as Windows and macOS would: any letter case, and
/// trailing dots and spaces ignored (`.GIT.` is `.git` there).
#[must_use]
pub fn reserved_component(path: &str) -> Option<&'static str> {
    let folded: Vec<String> = path
        .split('/')
        .map(|part| part.trim_end_matches(['.', ' ']).to_ascii_lowercase())
        .collect();
    if folded.iter().any(|part| part == ".git") {
        return Some("it is inside a .git folder");
    }
    if folded
        .windows(2)
        .any(|w| w[0] == ".cache" && w[1] == "huggingface")
    {
        return Some("it is inside .cache/huggingface, where downloads keep their bookkeeping");
    }
    None
}

/// Unique per call, not only per process: tasks of one process write the same refs and
/// progress files concurrently, and a shared temporary name made their renames fail.
pub(super) static NEXT_TEMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A new temporary file beside `path`, created exclusively (`O_CREAT|O_EXCL`): whatever
/// already has the name (another writer's file, a planted symlink) is never opened or
/// followed; the next name is tried instead.
pub(crate) fn create_temp_beside(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut last = None;
    // Bounded: a folder full of names taken is an error, not a hang.
    for _ in 0..10_000 {
        let n = NEXT_TEMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = parent.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Removes the temporaries of [`create_temp_beside`] (`.<name>.<pid>.<n>.tmp`) in `dir`
/// whose process is gone: a process killed between a temporary's creation and its rename
/// leaves one beside the file it was placing, and in a snapshot folder it would look like one
/// more file. Linux only (the process check reads `/proc`); elsewhere nothing is removed.
pub(crate) fn remove_stale_temps(dir: &Path) {
    #[cfg(target_os = "linux")]
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.starts_with('.'))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| {
                let (rest, counter) = n.rsplit_once('.')?;
                counter.parse::<u64>().ok()?;
                rest.rsplit_once('.')?.1.parse::<u32>().ok()
            })
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}

/// Writes `bytes` to `path` through an exclusively created temporary file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
    let (tmp, mut file) = create_temp_beside(path)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    let result = file
        .write_all(bytes)
        .and_then(|()| std::fs::rename(&tmp, path));
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
///
/// The new entry is made under a temporary name and renamed over the old one, so a
/// failure at any step leaves the old entry as it was: never deleted first.
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
    let place = |e| Error::io(format!("cannot place {}", pointer.display()), e);
    #[cfg(unix)]
    if use_symlinks {
        let (tmp, file) = create_temp_beside(pointer).map_err(place)?;
        drop(file);
        // The name is ours now; swap the placeholder for the link and rename it into place.
        let linked = std::fs::remove_file(&tmp)
            .and_then(|()| std::os::unix::fs::symlink(target, &tmp))
            .and_then(|()| std::fs::rename(&tmp, pointer));
        match linked {
            Ok(()) => return Ok(()),
            Err(error) => {
                let _ = std::fs::remove_file(&tmp);
                tracing::debug!(%error, "symlinks unavailable here, copying instead");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (target, use_symlinks);
    if move_if_copying {
        return std::fs::rename(blob, pointer).map_err(place);
    }
    let (tmp, mut file) = create_temp_beside(pointer).map_err(place)?;
    let copied = std::fs::File::open(blob)
        .and_then(|mut source| std::io::copy(&mut source, &mut file))
        .and_then(|_| std::fs::rename(&tmp, pointer));
    copied.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        place(e)
    })
}

/// `base/target` with `.` and `..` resolved textually (a `..` that cannot pop a name is kept).
pub(crate) fn lexical_join(base: &Path, target: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(target).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}
