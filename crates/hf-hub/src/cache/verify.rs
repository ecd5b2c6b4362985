//! `hf cache verify`: re-hash a cached revision's files against the Hub's listing, or
//! offline against the hash in each blob's name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::entry::TreeEntry;
use crate::hash::{HashKind, hash_file};

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The content matches.
    Ok,
    /// The content does not match.
    Mismatch {
        /// `sha256` or `git-sha1`.
        algorithm: &'static str,
        /// The expected hash.
        expected: String,
        /// The actual hash.
        actual: String,
    },
    /// Listed by the Hub but not on disk.
    Missing,
    /// On disk but not listed by the Hub.
    Extra,
    /// No hash to check against (offline, and the blob name is not a hash).
    Unverifiable,
}

/// The results for a revision.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// The folder checked.
    pub dir: PathBuf,
    /// Path in the repo -> outcome.
    pub files: BTreeMap<String, VerifyOutcome>,
}

impl VerifyReport {
    /// Number of files with `outcome`'s variant.
    #[must_use]
    pub fn count(&self, pred: impl Fn(&VerifyOutcome) -> bool) -> usize {
        self.files.values().filter(|o| pred(o)).count()
    }

    /// Whether any file's content is wrong.
    #[must_use]
    pub fn has_mismatches(&self) -> bool {
        self.count(|o| matches!(o, VerifyOutcome::Mismatch { .. })) > 0
    }
}

/// Verifies the files under `dir` (a snapshot folder or a local dir). With `remote` (the Hub's
/// recursive listing at that commit), each file is checked against it and missing/extra files
/// are reported; without, each blob is checked against the hash its cache name carries.
///
/// # Errors
/// When `dir` cannot be read.
pub fn verify_repo(dir: &Path, remote: Option<&[TreeEntry]>) -> Result<VerifyReport, Error> {
    let mut local = Vec::new();
    collect(dir, dir, &mut local)
        .map_err(|e| Error::io(format!("cannot read {}", dir.display()), e))?;
    let mut report = VerifyReport {
        dir: dir.to_owned(),
        files: BTreeMap::new(),
    };
    let expected: Option<BTreeMap<&str, &TreeEntry>> = remote.map(|entries| {
        entries
            .iter()
            .filter(|e| e.is_file())
            .map(|e| (e.path.as_str(), e))
            .collect()
    });
    for (path, file) in &local {
        let etag = match &expected {
            Some(map) => match map.get(path.as_str()) {
                Some(entry) => Some(entry.etag().to_owned()),
                None => {
                    report.files.insert(path.clone(), VerifyOutcome::Extra);
                    continue;
                }
            },
            // The snapshot link's own target names the blob (`blobs/<etag>`), even when that
            // blob is itself a link into Python's shared Xet store: one `readlink`.
            None => std::fs::read_link(file)
                .ok()
                .map(|target| {
                    super::layout::lexical_join(file.parent().unwrap_or(Path::new("")), &target)
                })
                .filter(|blob| blob.parent().is_some_and(|p| p.ends_with("blobs")))
                .and_then(|blob| blob.file_name().map(|n| n.to_string_lossy().into_owned())),
        };
        let outcome = match etag
            .as_deref()
            .and_then(|e| HashKind::of_etag(e).map(|k| (e, k)))
        {
            None => VerifyOutcome::Unverifiable,
            Some((etag, kind)) => {
                let actual = hash_file(file, kind)
                    .map_err(|e| Error::io(format!("cannot read {}", file.display()), e))?;
                if actual == etag {
                    VerifyOutcome::Ok
                } else {
                    VerifyOutcome::Mismatch {
                        algorithm: kind.name(),
                        expected: etag.to_owned(),
                        actual,
                    }
                }
            }
        };
        report.files.insert(path.clone(), outcome);
    }
    if let Some(map) = &expected {
        for path in map.keys() {
            if !report.files.contains_key(*path) {
                report
                    .files
                    .insert((*path).to_owned(), VerifyOutcome::Missing);
            }
        }
    }
    Ok(report)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        // A local dir's bookkeeping is not repo content.
        if rel == ".cache" {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect(root, &path, out)?;
        } else {
            out.push((rel, path));
        }
    }
    Ok(())
}
