//! The cache-wide shared Xet blob store of the Python client (`huggingface_hub` 2.4,
//! `utils/_shared_blobs.py`), read and written exactly as it does, so both clients share one
//! copy of each Xet file across every cached repo:
//!
//! ```text
//! <root>/blobs/.huggingface-shared-blobs   "1\n": the store is ours to use (never adopt an unmarked folder)
//! <root>/blobs/<h[:2]>/<xet_hash>          the payload, read-only
//! <root>/blobs/<h[:2]>/<xet_hash>.refs     the repo blobs linking to it, one `<repo-folder>/blobs/<etag>` a line
//! <root>/blobs/<h[:2]>/<xet_hash>.lock     flock: publication, linking and collection of one hash
//! <root>/models--org--name/blobs/<etag>    -> ../../blobs/<h[:2]>/<xet_hash>
//! ```
//!
//! The manifest is a hint, never trusted: each line is checked against the filesystem, and a
//! missing or unreadable manifest keeps the payload (a leak rather than a deleted file that
//! something still links to). Only downloads Xet has verified are published.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The store folder's name at the cache root.
const STORE_DIR: &str = "blobs";
/// The marker that makes a `blobs/` folder at the root a store.
pub(crate) const MARKER: &str = ".huggingface-shared-blobs";
/// The marker's content: the layout version.
const LAYOUT: &str = "1\n";
const MANIFEST_SUFFIX: &str = ".refs";
const LOCK_SUFFIX: &str = ".lock";
/// Repo folder prefixes the manifest may name (Python's `REPO_TYPES_MAPPING` keys).
const REPO_FOLDER_PREFIXES: [&str; 4] = ["models--", "datasets--", "spaces--", "kernels--"];

/// Whether `hash` is a Xet file hash (64 lowercase hex digits).
#[must_use]
pub(crate) fn is_xet_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `<root>/blobs`.
fn store_dir(root: &Path) -> PathBuf {
    root.join(STORE_DIR)
}

/// `<root>/blobs/<h[:2]>/<hash>`, for a valid hash.
fn store_path(root: &Path, hash: &str) -> Option<PathBuf> {
    is_xet_hash(hash).then(|| store_dir(root).join(&hash[..2]).join(hash))
}

fn with_suffix(store_path: &Path, suffix: &str) -> PathBuf {
    let mut name = store_path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    store_path.with_file_name(name)
}

fn lstat(path: &Path) -> Option<std::fs::Metadata> {
    std::fs::symlink_metadata(path).ok()
}

fn is_regular_file(path: &Path) -> bool {
    lstat(path).is_some_and(|m| m.file_type().is_file())
}

fn is_directory(path: &Path) -> bool {
    lstat(path).is_some_and(|m| m.file_type().is_dir())
}

/// Whether `<root>/blobs` is a marked store (a real folder holding a regular marker that says `1`).
#[must_use]
pub(crate) fn is_store(root: &Path) -> bool {
    let dir = store_dir(root);
    let marker = dir.join(MARKER);
    is_directory(&dir)
        && is_regular_file(&marker)
        && std::fs::read_to_string(&marker).is_ok_and(|text| text == LAYOUT)
}

/// A payload a link may point at: a regular, readable file of the expected size.
fn is_usable(store_path: &Path, expected_size: u64) -> bool {
    let Some(meta) = lstat(store_path) else {
        return false;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    if meta.len() != expected_size {
        tracing::warn!(
            path = %store_path.display(),
            size = meta.len(),
            expected_size,
            "a shared Xet blob has the wrong size; not using it"
        );
        return false;
    }
    std::fs::File::open(store_path).is_ok()
}

/// `p` made absolute (against the current folder) and `.`/`..` resolved textually, as
/// Python's `os.path.abspath`.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    super::layout::lexical_join(&joined, Path::new(""))
}

/// `<repo-folder>/blobs/<name>` when `blob` is a repo blob of the cache at `root`.
fn relative_blob_path(blob: &Path, root: &Path) -> Option<String> {
    let relative = absolute(blob).strip_prefix(absolute(root)).ok()?.to_owned();
    let parts: Vec<&str> = relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let [repo, blobs, name] = parts.as_slice() else {
        return None;
    };
    let repo_ok = REPO_FOLDER_PREFIXES
        .iter()
        .any(|prefix| repo.len() > prefix.len() && repo.starts_with(prefix));
    (repo_ok && *blobs == "blobs" && !name.is_empty() && !name.contains(['\n', '\r']))
        .then(|| format!("{repo}/blobs/{name}"))
}

/// The store entry a repo blob links to, when `blob` is a link into the store in the store's
/// own shape (`../../blobs/<h[:2]>/<hash>`); the entry itself may be missing.
fn link_target_unchecked(blob: &Path, root: &Path) -> std::io::Result<Option<PathBuf>> {
    if relative_blob_path(blob, root).is_none() {
        return Ok(None);
    }
    let meta = match std::fs::symlink_metadata(blob) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_symlink() {
        return Ok(None);
    }
    let target = std::fs::read_link(blob)?;
    let blob = absolute(blob);
    let resolved = absolute(&blob.parent().unwrap_or(Path::new("/")).join(target));
    let Ok(inside) = resolved.strip_prefix(absolute(&store_dir(root))) else {
        return Ok(None);
    };
    let parts: Vec<&str> = inside
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [prefix, hash] if is_xet_hash(hash) && hash.starts_with(prefix) && prefix.len() == 2 => {
            Ok(store_path(root, hash))
        }
        _ => Ok(None),
    }
}

/// The store payload `blob` (a repo's `blobs/<etag>`) links to, when it is a valid link into
/// the store of the cache at `root` and the payload is a regular file.
#[must_use]
pub(crate) fn link_target(blob: &Path, root: &Path) -> Option<PathBuf> {
    link_target_unchecked(blob, root)
        .ok()
        .flatten()
        .filter(|target| is_regular_file(target))
}

/// Every payload in the store, with its size (none when the store is not marked).
#[must_use]
pub(crate) fn payloads(root: &Path) -> Vec<(PathBuf, u64)> {
    if !is_store(root) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let Ok(prefixes) = std::fs::read_dir(store_dir(root)) else {
        return found;
    };
    for prefix in prefixes.flatten() {
        let name = prefix.file_name();
        let Some(name) = name.to_str() else { continue };
        let is_prefix = name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_prefix || !is_directory(&prefix.path()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(prefix.path()) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name();
            let Some(file) = file.to_str() else { continue };
            if !is_xet_hash(file) || !file.starts_with(name) {
                continue;
            }
            if let Some(meta) = lstat(&entry.path()).filter(|m| m.file_type().is_file()) {
                found.push((entry.path(), meta.len()));
            }
        }
    }
    found.sort();
    found
}

/// The repo blobs that really link to `store_path`, from its manifest; `None` when the
/// manifest is missing or unreadable (then nothing may be collected).
fn references(store_path: &Path, root: &Path) -> Option<BTreeSet<PathBuf>> {
    let manifest = with_suffix(store_path, MANIFEST_SUFFIX);
    if !is_regular_file(&manifest) {
        return None;
    }
    let text = std::fs::read_to_string(&manifest).ok()?;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let relative = Path::new(line);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            continue;
        }
        let candidate = root.join(relative);
        if relative_blob_path(&candidate, root).is_none() {
            continue;
        }
        match link_target_unchecked(&candidate, root) {
            Ok(Some(target)) if target == store_path => {
                found.insert(candidate);
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(found)
}

/// Of `payloads` (from [`payloads`]), those no repo links to any more (left by a repo folder
/// deleted by hand or by an older client): what `hf cache prune` collects.
#[must_use]
pub(crate) fn unreferenced(payloads: &[(PathBuf, u64)], root: &Path) -> Vec<(PathBuf, u64)> {
    payloads
        .iter()
        .filter(|(payload, _)| references(payload, root).is_some_and(|refs| refs.is_empty()))
        .cloned()
        .collect()
}

/// The bytes deleting `doomed` (repo blob links) frees from `store_path`: its size when every
/// valid reference is doomed, else nothing.
#[must_use]
pub(crate) fn freed_if_deleted(
    store_path: &Path,
    doomed: &std::collections::HashSet<PathBuf>,
    root: &Path,
) -> u64 {
    match references(store_path, root) {
        Some(refs) if !refs.is_empty() && refs.iter().all(|r| doomed.contains(r)) => {
            lstat(store_path)
                .filter(|m| m.is_file())
                .map_or(0, |m| m.len())
        }
        _ => 0,
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::{File, OpenOptions, Permissions};
    use std::io::Write as _;
    use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
    use std::path::{Path, PathBuf};

    use super::{
        LAYOUT, LOCK_SUFFIX, MANIFEST_SUFFIX, MARKER, STORE_DIR, absolute, is_directory,
        is_regular_file, is_store, is_usable, references, relative_blob_path, store_dir,
        store_path, with_suffix,
    };

    /// Opens (creating, mode 0666 so other users of a shared cache can use it too) a regular
    /// file without following a planted link.
    fn open_shared_file(path: &Path, append: bool) -> std::io::Result<File> {
        let mut options = OpenOptions::new();
        options
            .create(true)
            .mode(0o666)
            .custom_flags(libc::O_NOFOLLOW);
        if append {
            options.append(true);
        } else {
            options.write(true);
        }
        let file = options.open(path)?;
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::other(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        let _ = file.set_permissions(Permissions::from_mode(0o666));
        Ok(file)
    }

    /// The hash's lock (flock, as Python's `filelock`), held until dropped.
    fn lock(store_path: &Path) -> std::io::Result<File> {
        let file = open_shared_file(&with_suffix(store_path, LOCK_SUFFIX), false)?;
        file.lock()?;
        Ok(file)
    }

    fn mode_of(root: &Path) -> Option<u32> {
        std::fs::metadata(root).ok().map(|m| m.mode() & 0o7777)
    }

    /// Payloads are read-only, readable by whoever can traverse the cache root.
    fn payload_mode(root: &Path) -> u32 {
        mode_of(root).map_or(0o400, |mode| {
            0o400
                | if mode & 0o010 != 0 { 0o040 } else { 0 }
                | if mode & 0o001 != 0 { 0o004 } else { 0 }
        })
    }

    /// Store folders mirror the cache root's access and inheritance bits.
    fn repair_dir_mode(dir: &Path, root: &Path) -> std::io::Result<()> {
        let expected = mode_of(root).unwrap_or(0o700);
        let current = std::fs::symlink_metadata(dir)?.mode() & 0o7777;
        if current != expected {
            std::fs::set_permissions(dir, Permissions::from_mode(expected))?;
        }
        Ok(())
    }

    fn unique_suffix() -> String {
        use std::hash::{BuildHasher as _, Hasher as _};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        format!("{:08x}", hasher.finish() as u32)
    }

    /// Creates and marks the store, refusing to adopt an unmarked folder with anything in it
    /// (but clearing marker temporaries an interrupted run left).
    fn ensure_store(root: &Path) -> std::io::Result<bool> {
        let dir = store_dir(root);
        match std::fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        if is_store(root) {
            return Ok(true);
        }
        if !is_directory(&dir) {
            return Ok(false);
        }
        let entries: Vec<_> = std::fs::read_dir(&dir)?.flatten().collect();
        for entry in &entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_marker_temp = name
                .strip_prefix(&format!("{MARKER}."))
                .and_then(|rest| rest.strip_suffix(".tmp"))
                .is_some_and(|hex| hex.len() == 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
            let content_ok = std::fs::read_to_string(entry.path())
                .is_ok_and(|text| LAYOUT.starts_with(text.as_str()));
            if !is_marker_temp || !is_regular_file(&entry.path()) || !content_ok {
                tracing::debug!(dir = %dir.display(), "refusing to use an unmarked shared blob folder");
                return Ok(false);
            }
        }
        for entry in &entries {
            let _ = std::fs::remove_file(entry.path());
        }
        repair_dir_mode(&dir, root)?;
        let marker = dir.join(MARKER);
        let tmp = dir.join(format!("{MARKER}.{}.tmp", unique_suffix()));
        let written = std::fs::write(&tmp, LAYOUT)
            .and_then(|()| {
                std::fs::set_permissions(&tmp, Permissions::from_mode(payload_mode(root)))
            })
            .and_then(|()| std::fs::rename(&tmp, &marker));
        let _ = std::fs::remove_file(&tmp);
        written?;
        Ok(is_store(root))
    }

    fn ensure_prefix(root: &Path, hash: &str) -> std::io::Result<Option<PathBuf>> {
        if !ensure_store(root)? {
            return Ok(None);
        }
        let prefix = store_dir(root).join(&hash[..2]);
        match std::fs::create_dir(&prefix) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        if !is_directory(&prefix) {
            return Ok(None);
        }
        repair_dir_mode(&prefix, root)?;
        Ok(Some(prefix))
    }

    /// Appends `<repo-folder>/blobs/<etag>` to the manifest and flushes it to disk before
    /// the link is made visible (a reader that sees the link finds its reference).
    fn append_reference(store_path: &Path, relative: &str) -> std::io::Result<()> {
        let mut file = open_shared_file(&with_suffix(store_path, MANIFEST_SUFFIX), true)?;
        file.write_all(format!("{relative}\n").as_bytes())?;
        file.sync_all()
    }

    /// A link to the store's copy of `hash` beside `blob`, under a temporary name. `blob` is
    /// `<root>/<repo>/blobs/<etag>` (checked by the caller), so the link is always
    /// `../../blobs/<h[:2]>/<hash>`.
    fn temporary_link(blob: &Path, hash: &str) -> std::io::Result<PathBuf> {
        let name = blob.file_name().unwrap_or_default().to_string_lossy();
        let tmp = blob.with_file_name(format!(".{name}.{}.shared", unique_suffix()));
        let target = Path::new("../..")
            .join(STORE_DIR)
            .join(&hash[..2])
            .join(hash);
        std::os::unix::fs::symlink(target, &tmp)?;
        Ok(tmp)
    }

    /// Makes `blob` (a repo's `blobs/<etag>`, absent) a link to the store's copy of `hash`
    /// when the store has a usable one. Best effort: any failure is a miss.
    pub(crate) fn try_link(root: &Path, blob: &Path, hash: &str, expected_size: u64) -> bool {
        if !is_store(root) {
            return false;
        }
        let (Some(store_path), Some(relative)) =
            (store_path(root, hash), relative_blob_path(blob, root))
        else {
            return false;
        };
        let mut tmp = None;
        let linked = (|| -> std::io::Result<bool> {
            let _lock = lock(&store_path)?;
            if !is_usable(&store_path, expected_size) {
                return Ok(false);
            }
            if let Some(parent) = blob.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let link = temporary_link(blob, hash)?;
            tmp = Some(link.clone());
            append_reference(&store_path, &relative)?;
            std::fs::rename(&link, blob)?;
            tmp = None;
            Ok(true)
        })();
        if let Some(tmp) = tmp {
            let _ = std::fs::remove_file(tmp);
        }
        match linked {
            Ok(linked) => {
                if linked {
                    tracing::debug!(blob = %blob.display(), "linked from the shared Xet blob store (no download)");
                }
                linked
            }
            Err(error) => {
                tracing::debug!(%error, blob = %blob.display(), "could not link from the shared Xet blob store");
                false
            }
        }
    }

    /// Moves a fresh, Xet-verified `blob` into the store (or drops it for the store's
    /// identical copy) and leaves a link in its place. Best effort: on failure `blob` stays
    /// (or is restored as) a regular file; an error only when it could not be restored.
    pub(crate) fn publish(
        root: &Path,
        blob: &Path,
        hash: &str,
        expected_size: u64,
        replace_existing: bool,
    ) -> Result<bool, crate::Error> {
        let (Some(store_path), Some(relative)) =
            (store_path(root, hash), relative_blob_path(blob, root))
        else {
            return Ok(false);
        };
        let prefix = match ensure_prefix(root, hash) {
            Ok(Some(prefix)) => prefix,
            Ok(None) => return Ok(false),
            Err(error) => {
                tracing::debug!(%error, "could not prepare the shared Xet blob store");
                return Ok(false);
            }
        };
        let mut tmp = None;
        let mut moved = false;
        let result = (|| -> std::io::Result<()> {
            let _lock = lock(&store_path)?;
            let link = temporary_link(blob, hash)?;
            tmp = Some(link.clone());
            let store_usable = !replace_existing && is_usable(&store_path, expected_size);
            append_reference(&store_path, &relative)?;
            if !store_usable {
                std::fs::set_permissions(blob, Permissions::from_mode(payload_mode(root)))?;
                let group = std::fs::metadata(&prefix)?.gid();
                if std::fs::metadata(blob)?.gid() != group
                    && let Err(error) = std::os::unix::fs::chown(blob, None, Some(group))
                {
                    // Without other-read, a wrong group makes it unreadable to the others.
                    let mode = payload_mode(root);
                    if mode & 0o040 != 0 && mode & 0o004 == 0 {
                        return Err(error);
                    }
                }
                std::fs::rename(blob, &store_path)?;
                moved = true;
            }
            if let Err(error) = std::fs::rename(&link, blob) {
                if moved {
                    // Restored under the lock, before a collection can run.
                    std::fs::copy(&store_path, blob)?;
                    moved = false;
                }
                return Err(error);
            }
            tmp = None;
            Ok(())
        })();
        if let Some(tmp) = tmp {
            let _ = std::fs::remove_file(tmp);
        }
        match result {
            Ok(()) => {
                tracing::debug!(blob = %blob.display(), "published to the shared Xet blob store");
                Ok(true)
            }
            Err(error) if moved => Err(crate::Error::io(
                format!(
                    "cannot restore {} after the shared Xet blob store failed",
                    blob.display()
                ),
                error,
            )),
            Err(error) => {
                tracing::debug!(%error, blob = %blob.display(), "could not publish to the shared Xet blob store");
                Ok(false)
            }
        }
    }

    /// Collects `store_path` when no repo links to it any more (its manifest rewritten to the
    /// links that remain otherwise); returns the bytes freed. Missing, invalid or unreadable
    /// metadata never deletes anything.
    pub(crate) fn collect(store_path: &Path, root: &Path) -> u64 {
        let inside = absolute(store_path)
            .strip_prefix(absolute(&store_dir(root)))
            .map(Path::to_owned);
        let well_placed = inside.is_ok_and(|inside| inside.components().count() == 2)
            && store_path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|hash| {
                    super::is_xet_hash(hash)
                        && store_path
                            .parent()
                            .and_then(Path::file_name)
                            .is_some_and(|prefix| prefix.to_str() == Some(&hash[..2]))
                });
        if !well_placed || !is_store(root) {
            return 0;
        }
        let collected = (|| -> std::io::Result<u64> {
            let _lock = lock(store_path)?;
            let Some(refs) = references(store_path, root) else {
                return Ok(0);
            };
            let manifest = with_suffix(store_path, MANIFEST_SUFFIX);
            if !refs.is_empty() {
                let root = absolute(root);
                let content: String = refs
                    .iter()
                    .filter_map(|r| absolute(r).strip_prefix(&root).ok().map(Path::to_owned))
                    .map(|r| format!("{}\n", r.to_string_lossy()))
                    .collect();
                let tmp = manifest.with_file_name(format!(
                    "{}.{}.tmp",
                    manifest.file_name().unwrap_or_default().to_string_lossy(),
                    unique_suffix()
                ));
                let written = std::fs::write(&tmp, content)
                    .and_then(|()| std::fs::set_permissions(&tmp, Permissions::from_mode(0o666)))
                    .and_then(|()| File::open(&tmp)?.sync_all())
                    .and_then(|()| std::fs::rename(&tmp, &manifest));
                let _ = std::fs::remove_file(&tmp);
                written?;
                return Ok(0);
            }
            if !is_regular_file(store_path) {
                return Ok(0);
            }
            let size = std::fs::symlink_metadata(store_path)?.len();
            std::fs::remove_file(store_path)?;
            let _ = std::fs::remove_file(&manifest);
            Ok(size)
        })();
        collected.unwrap_or_else(|error| {
            tracing::debug!(%error, path = %store_path.display(), "could not collect a shared Xet blob");
            0
        })
    }
}

#[cfg(unix)]
pub(crate) use unix::collect;
#[cfg(unix)]
pub(crate) use unix::{publish, try_link};

/// Without symlinks the store is not used (as the Python client, which needs them for it).
#[cfg(not(unix))]
pub(crate) fn try_link(_root: &Path, _blob: &Path, _hash: &str, _expected_size: u64) -> bool {
    false
}

#[cfg(not(unix))]
pub(crate) fn publish(
    _root: &Path,
    _blob: &Path,
    _hash: &str,
    _expected_size: u64,
    _replace_existing: bool,
) -> Result<bool, crate::Error> {
    Ok(false)
}

/// Collects a payload nothing links to (never on this platform: the store is not used).
#[cfg(not(unix))]
#[must_use]
pub(crate) fn collect(_store_path: &Path, _root: &Path) -> u64 {
    0
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use super::{
        MARKER, collect, freed_if_deleted, is_store, link_target, payloads, publish, try_link,
        unreferenced,
    };

    const HASH: &str = "ab00000000000000000000000000000000000000000000000000000000000001";

    fn marked(root: &Path) {
        std::fs::create_dir_all(root.join("blobs/ab")).unwrap();
        std::fs::write(root.join("blobs").join(MARKER), "1\n").unwrap();
    }

    #[test]
    fn a_store_is_only_a_folder_with_the_right_marker() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        assert!(!is_store(root));
        std::fs::create_dir_all(root.join("blobs")).unwrap();
        std::fs::write(root.join("blobs").join(MARKER), "2\n").unwrap();
        assert!(!is_store(root), "another layout version");
        std::fs::remove_file(root.join("blobs").join(MARKER)).unwrap();
        symlink("/etc/hostname", root.join("blobs").join(MARKER)).unwrap();
        assert!(!is_store(root), "a linked marker");
    }

    #[test]
    fn an_unmarked_folder_with_something_in_it_is_never_adopted() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("blobs")).unwrap();
        std::fs::write(root.join("blobs/notes.txt"), "mine").unwrap();
        let repo_blobs = root.join("models--a--b/blobs");
        std::fs::create_dir_all(&repo_blobs).unwrap();
        std::fs::write(repo_blobs.join("e"), "data").unwrap();
        assert!(!publish(root, &repo_blobs.join("e"), HASH, 4, false).unwrap());
        assert!(repo_blobs.join("e").is_file() && !repo_blobs.join("e").is_symlink());
        assert!(!root.join("blobs").join(MARKER).exists());
    }

    #[test]
    fn links_and_manifest_lines_that_point_elsewhere_are_never_followed() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("hub");
        marked(&root);
        let outside = temp.path().join("outside");
        std::fs::write(&outside, "precious").unwrap();
        let payload = root.join("blobs/ab").join(HASH);
        std::fs::write(&payload, "data").unwrap();
        // A repo blob linking out of the store is not a shared link.
        let repo_blobs = root.join("models--a--b/blobs");
        std::fs::create_dir_all(&repo_blobs).unwrap();
        symlink("../../../outside", repo_blobs.join("e")).unwrap();
        assert_eq!(link_target(&repo_blobs.join("e"), &root), None);
        // Manifest lines out of the cache, absolute, or naming a non-link: none is a reference.
        std::fs::write(
            root.join("blobs/ab").join(format!("{HASH}.refs")),
            format!(
                "../outside\n{}\nmodels--a--b/blobs/../../../outside\nmodels--a--b/blobs/e\n",
                outside.display()
            ),
        )
        .unwrap();
        assert_eq!(
            unreferenced(&payloads(&root), &root),
            vec![(payload.clone(), 4)]
        );
        let doomed = std::collections::HashSet::new();
        assert_eq!(freed_if_deleted(&payload, &doomed, &root), 0);
        assert_eq!(collect(&payload, &root), 4);
        assert!(!payload.exists());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        assert!(repo_blobs.join("e").is_symlink(), "never touched");
        // A path outside the store is never collected.
        assert_eq!(collect(&outside, &root), 0);
        assert!(outside.exists());
    }

    #[test]
    fn a_planted_link_at_the_lock_or_manifest_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("hub");
        marked(&root);
        let target = temp.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        std::fs::write(root.join("blobs/ab").join(HASH), "data").unwrap();
        symlink(&target, root.join("blobs/ab").join(format!("{HASH}.lock"))).unwrap();
        let blob = root.join("models--a--b/blobs/e");
        assert!(!try_link(&root, &blob, HASH, 4));
        assert!(!blob.exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        // The lock is fine, the manifest is a link: no reference written through it.
        std::fs::remove_file(root.join("blobs/ab").join(format!("{HASH}.lock"))).unwrap();
        symlink(&target, root.join("blobs/ab").join(format!("{HASH}.refs"))).unwrap();
        assert!(!try_link(&root, &blob, HASH, 4));
        assert!(
            std::fs::symlink_metadata(&blob).is_err(),
            "no link left behind"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }

    #[test]
    fn a_wrong_sized_payload_is_not_linked() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        marked(root);
        std::fs::write(root.join("blobs/ab").join(HASH), "data").unwrap();
        let blob = root.join("models--a--b/blobs/e");
        assert!(!try_link(root, &blob, HASH, 5));
        assert!(try_link(root, &blob, HASH, 4));
        assert_eq!(std::fs::read_to_string(&blob).unwrap(), "data");
        assert_eq!(
            std::fs::read_to_string(root.join("blobs/ab").join(format!("{HASH}.refs"))).unwrap(),
            "models--a--b/blobs/e\n"
        );
    }
}
