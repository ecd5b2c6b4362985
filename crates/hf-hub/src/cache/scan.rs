//! Scanning the cache (for `hf cache ls`) and deleting from it (`hf cache rm` / `prune`),
//! following the Python client's `scan_cache_dir` model: a repo's size counts each blob once.
//!
//! The scan runs at filesystem speed: the cache layout is known, so each snapshot link is
//! resolved with one `readlink`, textually against its folder (never `canonicalize`, which
//! costs a `readlink` per path component); file types come from the directory listing; each
//! blob is stat'ed once, by the listing of `blobs/`; and repos are scanned in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::shared_blobs;
use crate::Error;
use crate::repo::{RepoId, RepoType, is_commit_hash};

/// Everything found in a cache root.
#[derive(Debug, Clone, Default)]
pub struct CacheInfo {
    /// The scanned root.
    pub root: PathBuf,
    /// The repos, sorted by type and id.
    pub repos: Vec<CachedRepo>,
    /// Entries that do not look like a cached repo (reported, never deleted).
    pub warnings: Vec<String>,
    /// Bytes on disk for the whole cache: each file of the shared Xet blob store counted
    /// once, however many repos link to it (a repo's own size counts it in full).
    pub size_on_disk: u64,
    /// Files of the shared Xet blob store no repo links to any more (left when a repo folder
    /// was deleted by hand or by an older client), with their sizes: `prune` removes them.
    pub unreferenced_shared: Vec<(PathBuf, u64)>,
}

/// One cached repo.
#[derive(Debug, Clone)]
pub struct CachedRepo {
    /// The repo type.
    pub repo_type: RepoType,
    /// The repo id.
    pub repo_id: String,
    /// `<root>/models--org--name`.
    pub path: PathBuf,
    /// Bytes on disk (each blob once, incomplete downloads included).
    pub size_on_disk: u64,
    /// Number of distinct blobs.
    pub nb_files: usize,
    /// Latest access time of its blobs.
    pub last_accessed: Option<SystemTime>,
    /// Latest modification time of its blobs.
    pub last_modified: Option<SystemTime>,
    /// `refs/<name>` -> commit.
    pub refs: BTreeMap<String, String>,
    /// Its snapshots.
    pub revisions: Vec<CachedRevision>,
    /// Partial downloads (`blobs/*.incomplete`).
    pub incomplete: Vec<PathBuf>,
    /// Bytes held by this repo alone (not through the shared Xet blob store).
    own_bytes: u64,
    /// Its `blobs/<etag>` links into the shared Xet blob store, with their targets.
    shared: Vec<(PathBuf, PathBuf)>,
}

/// One cached snapshot.
#[derive(Debug, Clone)]
pub struct CachedRevision {
    /// The commit hash.
    pub commit: String,
    /// `snapshots/<commit>`.
    pub path: PathBuf,
    /// The refs pointing at it.
    pub refs: BTreeSet<String>,
    /// Its files (empty from [`scan_cache_summary`]).
    pub files: Vec<CachedFile>,
    /// How many files it has (also from [`scan_cache_summary`]).
    pub nb_files: usize,
    /// Bytes of its distinct blobs.
    pub size_on_disk: u64,
    /// Latest modification time of its files.
    pub last_modified: Option<SystemTime>,
}

/// One file of a snapshot.
#[derive(Debug, Clone)]
pub struct CachedFile {
    /// Path in the repo.
    pub path: String,
    /// `snapshots/<commit>/<path>`.
    pub pointer: PathBuf,
    /// The blob it resolves to (itself when it was copied instead of linked; the shared Xet
    /// blob store's file when the repo's blob links there).
    pub blob: PathBuf,
    /// The repo's `blobs/<etag>` when it is a link into the shared Xet blob store (what a
    /// deletion removes; the store's file goes once nothing links to it).
    pub shared_link: Option<PathBuf>,
    /// Size in bytes.
    pub size: u64,
}

impl CachedRepo {
    /// `model/org/name`-style label, as `hf cache ls` prints.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{}/{}", self.repo_type.as_str(), self.repo_id)
    }

    /// The revisions no ref points to (what `hf cache prune` removes).
    #[must_use]
    pub fn detached_revisions(&self) -> Vec<&CachedRevision> {
        self.revisions
            .iter()
            .filter(|r| r.refs.is_empty())
            .collect()
    }
}

/// What a deletion removed (or would remove, in a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteSummary {
    /// Paths removed.
    pub paths: Vec<PathBuf>,
    /// Bytes freed.
    pub freed_bytes: u64,
}

/// Scans the cache at `root`. A missing root is an empty cache.
///
/// # Errors
/// When the root exists but cannot be read.
pub fn scan_cache(root: &Path) -> Result<CacheInfo, Error> {
    scan(root, true)
}

/// As [`scan_cache`], without the file lists of the revisions (`files` is empty; sizes and
/// counts are the same): what `hf cache ls` needs, in a fraction of the memory on a cache of
/// hundreds of thousands of files.
///
/// # Errors
/// When the root exists but cannot be read.
pub fn scan_cache_summary(root: &Path) -> Result<CacheInfo, Error> {
    scan(root, false)
}

fn scan(root: &Path, keep_files: bool) -> Result<CacheInfo, Error> {
    let mut info = CacheInfo {
        root: root.to_owned(),
        ..CacheInfo::default()
    };
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(info),
        Err(e) => {
            return Err(Error::io(
                format!("cannot read the cache {}", root.display()),
                e,
            ));
        }
    };
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // `blobs` at the root is Python's shared Xet blob store, not a repo.
        if name == ".locks" || name == "CACHEDIR.TAG" || name == "blobs" || name.starts_with('.') {
            continue;
        }
        if !entry.path().is_dir() {
            info.warnings
                .push(format!("{}: not a directory", entry.path().display()));
            continue;
        }
        folders.push((entry.path(), name));
    }
    // The shared Xet store is looked at once for the whole cache.
    let store_marked = shared_blobs::is_store(root);
    for (path, scanned) in scan_in_parallel(root, store_marked, &folders, keep_files) {
        match scanned {
            Ok(repo) => info.repos.push(repo),
            Err(why) => info.warnings.push(format!("{}: {why}", path.display())),
        }
    }
    info.repos.sort_by(|a, b| {
        (a.repo_type.as_str(), &a.repo_id).cmp(&(b.repo_type.as_str(), &b.repo_id))
    });
    let payloads = shared_blobs::payloads(root);
    let store: u64 = payloads.iter().map(|(_, size)| size).sum();
    info.size_on_disk = info.repos.iter().map(|r| r.own_bytes).sum::<u64>() + store;
    info.unreferenced_shared = shared_blobs::unreferenced(&payloads, root);
    Ok(info)
}

/// Scans each repo folder, spread over a few threads (a repo is the unit of work).
fn scan_in_parallel(
    root: &Path,
    store_marked: bool,
    folders: &[(PathBuf, String)],
    keep_files: bool,
) -> Vec<(PathBuf, Result<CachedRepo, String>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8)
        .min(folders.len().max(1));
    if threads <= 1 {
        return folders
            .iter()
            .map(|(path, name)| {
                (
                    path.clone(),
                    scan_repo(root, store_marked, path, name, keep_files),
                )
            })
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, PathBuf, Result<CachedRepo, String>)> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((path, name)) = folders.get(i) else {
                                break;
                            };
                            mine.push((
                                i,
                                path.clone(),
                                scan_repo(root, store_marked, path, name, keep_files),
                            ));
                        }
                        mine
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
    results.sort_by_key(|(i, _, _)| *i);
    results.into_iter().map(|(_, path, r)| (path, r)).collect()
}

/// What a scan keeps of a blob's metadata (small: a cache has hundreds of thousands).
#[derive(Debug, Clone, Copy)]
struct BlobStat {
    len: u64,
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl From<&std::fs::Metadata> for BlobStat {
    fn from(meta: &std::fs::Metadata) -> Self {
        Self {
            len: meta.len(),
            accessed: meta.accessed().ok(),
            modified: meta.modified().ok(),
        }
    }
}

/// What a repo's `blobs/` folder holds, from one listing (one `lstat` per entry), by file
/// name (a cache has hundreds of thousands of blobs: names are much shorter than paths).
struct Blobs {
    dir: PathBuf,
    files: HashMap<std::ffi::OsString, BlobStat>,
    /// Blobs that are links (into Python's shared Xet blob store).
    links: HashSet<std::ffi::OsString>,
}

impl Blobs {
    /// The name of `path` when it is directly in this `blobs/` folder.
    fn name_of<'p>(&self, path: &'p Path) -> Option<&'p std::ffi::OsStr> {
        (path.parent() == Some(self.dir.as_path()))
            .then(|| path.file_name())
            .flatten()
    }

    fn stat(&self, path: &Path) -> Option<BlobStat> {
        self.files.get(self.name_of(path)?).copied()
    }

    fn is_link(&self, path: &Path) -> bool {
        self.name_of(path)
            .is_some_and(|name| self.links.contains(name))
    }
}

/// The blob a snapshot link points to: its target joined to the link's folder, then once more
/// when that is a repo blob that is itself a link (the shared Xet store). One `readlink` per
/// hop; `None` when the link cannot be read.
fn resolve_pointer(pointer: &Path, blobs: &Blobs) -> Option<(PathBuf, Option<PathBuf>)> {
    let target = std::fs::read_link(pointer).ok()?;
    let mut path = super::layout::lexical_join(pointer.parent().unwrap_or(Path::new("")), &target);
    let first_link = blobs.is_link(&path).then(|| path.clone());
    for _ in 0..4 {
        if !blobs.is_link(&path) {
            break;
        }
        let Ok(next) = std::fs::read_link(&path) else {
            break;
        };
        path = super::layout::lexical_join(path.parent().unwrap_or(Path::new("")), &next);
    }
    Some((path, first_link))
}

fn scan_repo(
    root: &Path,
    store_marked: bool,
    dir: &Path,
    folder: &str,
    keep_files: bool,
) -> Result<CachedRepo, String> {
    let (kind, rest) = folder
        .split_once("--")
        .ok_or("not a repo folder (expected type--name)")?;
    let repo_type: RepoType = kind
        .parse()
        .map_err(|_| format!("unknown repo type '{kind}'"))?;
    let repo_id = rest.replace("--", "/");
    RepoId::new(&repo_id).map_err(|e| e.to_string())?;
    let mut refs = BTreeMap::new();
    collect_refs(&dir.join("refs"), "", &mut refs);

    let mut blobs = Blobs {
        // Normalized as the resolved links are, so a root given as `a/../hub` still matches.
        dir: super::layout::lexical_join(dir, Path::new("blobs")),
        files: HashMap::new(),
        links: HashSet::new(),
    };
    let mut incomplete = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("blobs")) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".incomplete") || name.ends_with(".incomplete.progress") {
                incomplete.push(path);
            } else if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                blobs.links.insert(entry.file_name());
            } else if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                blobs.files.insert(entry.file_name(), BlobStat::from(&meta));
            }
        }
    }
    // The links into the shared Xet store, checked as the Python client checks them.
    let shared: Vec<(PathBuf, PathBuf)> = if store_marked {
        blobs
            .links
            .iter()
            .filter_map(|name| {
                let link = blobs.dir.join(name);
                let target = shared_blobs::link_target(&link, root)?;
                // Normalized as the resolved snapshot links are.
                Some((link, super::layout::lexical_join(&target, Path::new(""))))
            })
            .collect()
    } else {
        Vec::new()
    };
    // Looked up once per file: sets, as a repo may hold hundreds of thousands.
    let shared_links: HashSet<&PathBuf> = shared.iter().map(|(link, _)| link).collect();
    let shared_targets: HashSet<&PathBuf> = shared.iter().map(|(_, target)| target).collect();
    // Blobs outside `blobs/` (the shared store, or elsewhere), stat'ed once each.
    let mut outside: HashMap<PathBuf, Option<BlobStat>> = HashMap::new();

    let mut revisions = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("snapshots")) {
        for entry in entries.flatten() {
            let commit = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let mut files = Vec::new();
            collect_files(&entry.path(), "", &mut files);
            let mut last_modified = None;
            let mut revision_files = Vec::new();
            for (path, pointer, is_link) in files {
                let (blob, link) = if is_link {
                    let Some(resolved) = resolve_pointer(&pointer, &blobs) else {
                        continue;
                    };
                    resolved
                } else {
                    // Copied (no symlinks): the snapshot file is its own blob.
                    (pointer.clone(), None)
                };
                let stat = match blobs.stat(&blob) {
                    Some(stat) => stat,
                    None => {
                        let found = outside.entry(blob.clone()).or_insert_with(|| {
                            std::fs::metadata(&blob).ok().as_ref().map(BlobStat::from)
                        });
                        let Some(stat) = *found else { continue };
                        stat
                    }
                };
                last_modified = last_modified.max(stat.modified);
                revision_files.push(CachedFile {
                    path,
                    pointer,
                    blob,
                    shared_link: link.filter(|l| shared_links.contains(l)),
                    size: stat.len,
                });
            }
            // Each blob once, however many files of the revision point at it.
            let mut seen = HashSet::new();
            let size = revision_files
                .iter()
                .filter(|f| seen.insert(&f.blob))
                .map(|f| f.size)
                .sum();
            drop(seen);
            let nb_files = revision_files.len();
            if !keep_files {
                revision_files = Vec::new();
            }
            revision_files.sort_by(|a, b| a.path.cmp(&b.path));
            let revision_refs = refs
                .iter()
                .filter(|(_, c)| **c == commit)
                .map(|(name, _)| name.clone())
                .collect();
            revisions.push(CachedRevision {
                path: entry.path(),
                commit,
                refs: revision_refs,
                files: revision_files,
                nb_files,
                size_on_disk: size,
                last_modified,
            });
        }
    }
    revisions.sort_by(|a, b| a.commit.cmp(&b.commit));
    let incomplete_bytes = incomplete
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum::<u64>();
    // What the shared store holds counts in the repo's size, but once for the whole cache.
    let in_store: u64 = outside
        .iter()
        .filter(|(path, _)| shared_targets.contains(*path))
        .filter_map(|(_, stat)| stat.map(|s| s.len))
        .sum();
    let all_blobs: Vec<BlobStat> = blobs
        .files
        .into_values()
        .chain(outside.into_values().flatten())
        .collect();
    let size_on_disk = all_blobs.iter().map(|b| b.len).sum::<u64>() + incomplete_bytes;
    Ok(CachedRepo {
        repo_type,
        repo_id,
        path: dir.to_owned(),
        size_on_disk,
        nb_files: all_blobs.len(),
        last_accessed: all_blobs.iter().filter_map(|b| b.accessed).max(),
        last_modified: all_blobs.iter().filter_map(|b| b.modified).max(),
        refs,
        revisions,
        incomplete,
        own_bytes: size_on_disk - in_store,
        shared,
    })
}

fn collect_refs(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        // Not through symlinks: a link back up (`refs/x -> ..`) made the walk endless.
        if path.is_dir() && !path.is_symlink() {
            collect_refs(&path, &format!("{name}/"), out);
        } else if let Ok(text) = std::fs::read_to_string(&path)
            && is_commit_hash(text.trim())
        {
            out.insert(name, text.trim().to_owned());
        }
    }
}

/// The files of a snapshot folder: (path in the repo, path on disk, whether it is a link).
/// Types come from the listing itself (no `stat`); links are never followed into folders.
fn collect_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf, bool)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_files(&path, &format!("{name}/"), out);
        } else {
            out.push((name, path, kind.is_symlink()));
        }
    }
}

impl CacheInfo {
    /// The cached repo of `repo_type` with `repo_id`.
    #[must_use]
    pub fn find_repo(&self, repo_type: RepoType, repo_id: &str) -> Option<&CachedRepo> {
        self.repos
            .iter()
            .find(|r| r.repo_type == repo_type && r.repo_id == repo_id)
    }

    /// Deletes whole repos (their folder and lock folder). A shared Xet blob they link to
    /// goes too once no other repo links to it.
    ///
    /// # Errors
    /// When a folder cannot be removed.
    pub fn delete_repos(
        &self,
        repos: &[&CachedRepo],
        dry_run: bool,
    ) -> Result<DeleteSummary, Error> {
        let mut summary = DeleteSummary::default();
        let doomed_links: HashSet<PathBuf> = repos
            .iter()
            .flat_map(|r| r.shared.iter().map(|(link, _)| link.clone()))
            .collect();
        let targets: BTreeSet<&PathBuf> = repos
            .iter()
            .flat_map(|r| r.shared.iter().map(|(_, target)| target))
            .collect();
        for repo in repos {
            summary.paths.push(repo.path.clone());
            summary.freed_bytes += repo.own_bytes;
        }
        summary.freed_bytes += self.shared_freed(&targets, &doomed_links);
        if !dry_run {
            for repo in repos {
                remove_dir(&repo.path)?;
                if let Some(folder) = repo.path.file_name() {
                    let _ = std::fs::remove_dir_all(self.root.join(".locks").join(folder));
                }
            }
            self.collect_shared(&targets);
        }
        Ok(summary)
    }

    /// The bytes of the shared store's `targets` that removing `doomed_links` frees (a file
    /// counts when every repo linking to it is among them).
    fn shared_freed(&self, targets: &BTreeSet<&PathBuf>, doomed_links: &HashSet<PathBuf>) -> u64 {
        targets
            .iter()
            .map(|target| shared_blobs::freed_if_deleted(target, doomed_links, &self.root))
            .sum()
    }

    /// Removes the shared store's `targets` nothing links to any more.
    fn collect_shared(&self, targets: &BTreeSet<&PathBuf>) {
        for target in targets {
            shared_blobs::collect(target, &self.root);
        }
    }

    /// The removal plan for `doomed` files of `repo` while `kept` files stay: for each blob
    /// no kept file uses, the repo's own blob (never a file outside the repo) or its link
    /// into the shared store.
    fn plan_files(
        &self,
        repo: &CachedRepo,
        doomed: &[&CachedFile],
        kept: &[&CachedFile],
        summary: &mut DeleteSummary,
    ) -> BTreeSet<PathBuf> {
        // What a file holds on to: its shared link, else its blob.
        let unit = |f: &CachedFile| f.shared_link.clone().unwrap_or_else(|| f.blob.clone());
        let kept_units: HashSet<PathBuf> = kept.iter().map(|f| unit(f)).collect();
        let blobs_dir = repo.path.join("blobs");
        let mut freed_units = HashSet::new();
        let mut doomed_links = HashSet::new();
        let mut targets = BTreeSet::new();
        for file in doomed {
            let held = unit(file);
            let ours = held == file.pointer || held.starts_with(&blobs_dir);
            if !ours || kept_units.contains(&held) || !freed_units.insert(held.clone()) {
                continue;
            }
            if file.shared_link.is_some() {
                targets.insert(file.blob.clone());
                doomed_links.insert(held.clone());
            } else {
                summary.freed_bytes += file.size;
            }
            if held != file.pointer {
                summary.paths.push(held);
            }
        }
        summary.freed_bytes += self.shared_freed(&targets.iter().collect(), &doomed_links);
        targets
    }

    /// Deletes revisions (by commit hash) of one repo: their snapshot folders, the refs
    /// pointing at them, and the blobs no remaining revision uses. Deleting every revision
    /// deletes the repo.
    ///
    /// # Errors
    /// When a path cannot be removed.
    pub fn delete_revisions(
        &self,
        repo: &CachedRepo,
        commits: &[&str],
        dry_run: bool,
    ) -> Result<DeleteSummary, Error> {
        let doomed: Vec<&CachedRevision> = repo
            .revisions
            .iter()
            .filter(|r| commits.contains(&r.commit.as_str()))
            .collect();
        if !doomed.is_empty() && doomed.len() == repo.revisions.len() {
            return self.delete_repos(&[repo], dry_run);
        }
        let kept: Vec<&CachedFile> = repo
            .revisions
            .iter()
            .filter(|r| !commits.contains(&r.commit.as_str()))
            .flat_map(|r| r.files.iter())
            .collect();
        let mut summary = DeleteSummary::default();
        for revision in &doomed {
            summary.paths.push(revision.path.clone());
        }
        let files: Vec<&CachedFile> = doomed.iter().flat_map(|r| r.files.iter()).collect();
        let targets = self.plan_files(repo, &files, &kept, &mut summary);
        for revision in &doomed {
            for name in &revision.refs {
                summary.paths.push(repo.path.join("refs").join(name));
            }
        }
        if !dry_run {
            remove_paths(&summary.paths)?;
            self.collect_shared(&targets.iter().collect());
        }
        Ok(summary)
    }

    /// Removes the file `path` (as in the repo) from every cached revision of `repo`: its
    /// snapshot entries, and its blob when no other cached file of the repo uses it
    /// (`hf cache rm hf://models/org/name/file`). Nothing is removed with `dry_run`.
    ///
    /// # Errors
    /// [`Error::NotInCache`] when no revision holds `path`; I/O errors.
    pub fn delete_file(
        &self,
        repo: &CachedRepo,
        path: &str,
        dry_run: bool,
    ) -> Result<DeleteSummary, Error> {
        let path = path.trim_matches('/');
        let (doomed, kept): (Vec<&CachedFile>, Vec<&CachedFile>) = repo
            .revisions
            .iter()
            .flat_map(|r| r.files.iter())
            .partition(|f| f.path == path);
        if doomed.is_empty() {
            return Err(Error::NotInCache {
                message: format!("{path} of {} is not in the cache", repo.label()),
                downloads_disabled: false,
            });
        }
        let mut summary = DeleteSummary::default();
        for file in &doomed {
            summary.paths.push(file.pointer.clone());
        }
        let targets = self.plan_files(repo, &doomed, &kept, &mut summary);
        if !dry_run {
            remove_paths(&summary.paths)?;
            self.collect_shared(&targets.iter().collect());
        }
        Ok(summary)
    }

    /// Removes revisions no ref points to, partial downloads, and files of the shared Xet
    /// blob store no repo links to (`hf cache prune`).
    ///
    /// # Errors
    /// When a path cannot be removed.
    pub fn prune(&self, dry_run: bool) -> Result<DeleteSummary, Error> {
        let mut total = DeleteSummary::default();
        for repo in &self.repos {
            let detached: Vec<&str> = repo
                .detached_revisions()
                .iter()
                .map(|r| r.commit.as_str())
                .collect();
            if !detached.is_empty() {
                let summary = self.delete_revisions(repo, &detached, dry_run)?;
                total.paths.extend(summary.paths);
                total.freed_bytes += summary.freed_bytes;
            }
            for partial in &repo.incomplete {
                total.freed_bytes += std::fs::metadata(partial).map(|m| m.len()).unwrap_or(0);
                total.paths.push(partial.clone());
                if !dry_run {
                    let _ = std::fs::remove_file(partial);
                }
            }
        }
        for (payload, size) in &self.unreferenced_shared {
            total.paths.push(payload.clone());
            total.freed_bytes += size;
            if !dry_run {
                // Checked again under the hash's lock: a link made since the scan keeps it.
                shared_blobs::collect(payload, &self.root);
            }
        }
        Ok(total)
    }
}

/// Removes files and folders; a path already gone is fine.
fn remove_paths(paths: &[PathBuf]) -> Result<(), Error> {
    for path in paths {
        if path.is_dir() && !path.is_symlink() {
            remove_dir(path)?;
        } else {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::io(format!("cannot remove {}", path.display()), e));
                }
            }
        }
    }
    Ok(())
}

fn remove_dir(path: &Path) -> Result<(), Error> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("cannot remove {}", path.display()), e)),
    }
}

#[cfg(test)]
mod tests {
    use crate::cache::layout::lexical_join;
    use std::path::{Path, PathBuf};

    #[test]
    fn links_are_joined_textually() {
        let join = |base: &str, target: &str| lexical_join(Path::new(base), Path::new(target));
        assert_eq!(
            join("/c/models--a--b/snapshots/123/sub", "../../../blobs/e"),
            PathBuf::from("/c/models--a--b/blobs/e")
        );
        assert_eq!(
            join("/c/r/snapshots/1", "./../../blobs/e"),
            PathBuf::from("/c/r/blobs/e")
        );
        // A `..` that cannot pop a name is kept (a relative cache root).
        assert_eq!(
            join("../c/r/snapshots/1", "../../blobs/e"),
            PathBuf::from("../c/r/blobs/e")
        );
        assert_eq!(join("r/s", "../../../x"), PathBuf::from("../x"));
        // An absolute target replaces the base.
        assert_eq!(
            join("/c/r/snapshots/1", "/elsewhere/e"),
            PathBuf::from("/elsewhere/e")
        );
        // Never above the root.
        assert_eq!(join("/c", "../../../x"), PathBuf::from("/x"));
    }
}
