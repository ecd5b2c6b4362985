//! `trees/<commit>.json`: the file listing of a commit, cached beside the snapshots in the
//! format the Python client (huggingface_hub 2.x) reads and writes, so that a snapshot of a
//! commit either tool has listed before costs no tree request. A commit never changes, so the
//! listing never goes stale.
//!
//! ```json
//! {"format_version": 1, "files": {"config.json": {"size": 519, "blob_id": "<git sha1>"},
//!   "model.safetensors": {"size": 1234, "blob_id": "…", "lfs_sha256": "…", "lfs_size": 1234}}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::entry::{TreeEntry, TreeLfs};
use crate::repo::is_commit_hash;

const FORMAT_VERSION: u32 = 1;
/// A listing file larger than this is not read (a real one is about 200 bytes per file).
const MAX_LISTING_FILE: u64 = 512 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Listing {
    format_version: u32,
    files: BTreeMap<String, File>,
}

#[derive(Serialize, Deserialize)]
struct File {
    size: u64,
    blob_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lfs_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lfs_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    xet_hash: Option<String>,
}

/// `<folder>/trees/<commit>.json`; `folder` is the repo's cache folder, or
/// `<local_dir>/.cache/huggingface` for `local_dir` downloads (as in Python).
fn listing_path(folder: &Path, commit: &str) -> PathBuf {
    folder.join("trees").join(format!("{commit}.json"))
}

/// The cached files of `commit`, or `None` when there is no usable listing (absent, of another
/// format version, unreadable or malformed: the caller lists the tree again). The entries are
/// checked by the caller like those of a listing from the Hub.
pub(crate) fn read(folder: &Path, commit: &str) -> Option<Vec<TreeEntry>> {
    if !is_commit_hash(commit) {
        return None;
    }
    let path = listing_path(folder, commit);
    if std::fs::metadata(&path).ok()?.len() > MAX_LISTING_FILE {
        return None;
    }
    let text = std::fs::read(&path).ok()?;
    let listing: Listing = match serde_json::from_slice(&text) {
        Ok(listing) => listing,
        Err(error) => {
            tracing::warn!(
                "ignoring the corrupt tree cache {}: {error}",
                path.display()
            );
            return None;
        }
    };
    if listing.format_version != FORMAT_VERSION {
        return None;
    }
    let entries = listing
        .files
        .into_iter()
        .map(|(path, file)| TreeEntry {
            kind: "file".to_owned(),
            path,
            oid: file.blob_id,
            size: file.size,
            lfs: file.lfs_sha256.map(|oid| TreeLfs {
                oid,
                size: file.lfs_size.unwrap_or(file.size),
                pointer_size: 0,
            }),
            xet_hash: file.xet_hash,
            last_commit: None,
            security: None,
        })
        .collect();
    Some(entries)
}

/// Records the files of `listing` (a full recursive listing of `commit`). Failures are only
/// logged: the cache is an optimisation.
pub(crate) fn write(folder: &Path, commit: &str, listing: &[TreeEntry]) {
    if !is_commit_hash(commit) {
        return;
    }
    let files = listing
        .iter()
        .filter(|e| e.is_file())
        .map(|e| {
            (
                e.path.clone(),
                File {
                    size: e.size,
                    blob_id: e.oid.clone(),
                    lfs_sha256: e.lfs.as_ref().map(|l| l.oid.clone()),
                    lfs_size: e.lfs.as_ref().map(|l| l.size),
                    xet_hash: e.xet_hash.clone(),
                },
            )
        })
        .collect();
    let listing = Listing {
        format_version: FORMAT_VERSION,
        files,
    };
    let path = listing_path(folder, commit);
    let written = serde_json::to_vec_pretty(&listing)
        .map_err(|e| crate::Error::Protocol(e.to_string()))
        .and_then(|bytes| super::layout::write_atomic(&path, &bytes))
        .and_then(|()| restrict(&path));
    if let Err(error) = written {
        tracing::debug!("could not write the tree cache {}: {error}", path.display());
    }
}

/// Mode 0600, as the Python client's `mkstemp` leaves it.
fn restrict(path: &Path) -> Result<(), crate::Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| crate::Error::io(format!("cannot restrict {}", path.display()), e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, lfs: Option<(&str, u64)>) -> TreeEntry {
        TreeEntry {
            kind: "file".to_owned(),
            path: path.to_owned(),
            oid: "1".repeat(40),
            size: lfs.map_or(12, |(_, size)| size),
            lfs: lfs.map(|(oid, size)| TreeLfs {
                oid: oid.to_owned(),
                size,
                pointer_size: 0,
            }),
            xet_hash: None,
            last_commit: None,
            security: None,
        }
    }

    #[test]
    fn listings_round_trip_and_bad_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let commit = "a".repeat(40);
        assert!(read(dir.path(), &commit).is_none());
        let sha = "b".repeat(64);
        let listing = vec![
            entry("config.json", None),
            entry("weights/model.safetensors", Some((&sha, 1 << 30))),
        ];
        write(dir.path(), &commit, &listing);
        let back = read(dir.path(), &commit).unwrap();
        assert_eq!(back, listing);
        let text = std::fs::read_to_string(listing_path(dir.path(), &commit)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["format_version"], 1);
        assert_eq!(
            json["files"]["weights/model.safetensors"]["lfs_sha256"],
            sha.as_str()
        );
        assert!(json["files"]["config.json"].get("lfs_sha256").is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(listing_path(dir.path(), &commit))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        for bad in [
            "{",
            r#"{"format_version": 2, "files": {}}"#,
            r#"{"format_version": 1}"#,
        ] {
            std::fs::write(listing_path(dir.path(), &commit), bad).unwrap();
            assert!(read(dir.path(), &commit).is_none(), "{bad}");
        }
        // Not a commit: never read or written.
        write(dir.path(), "main", &listing);
        assert!(!listing_path(dir.path(), "main").exists());
    }
}
