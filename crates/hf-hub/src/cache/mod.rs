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

mod layout;
mod lock;
mod lookup;
mod scan;
pub(crate) mod shared_blobs;
pub(crate) mod tree_cache;
mod verify;

pub use layout::{
    CACHEDIR_TAG, RepoCache, blob_link_target, ensure_cachedir_tag, reserved_component,
    safe_relative_path,
};
pub(crate) use layout::{link_pointer, remove_stale_temps, write_atomic};
pub use lock::FileLock;
pub use lookup::{Cache, CachedRepoFiles};
pub use scan::{
    CacheInfo, CachedFile, CachedRepo, CachedRevision, DeleteSummary, scan_cache,
    scan_cache_summary,
};
pub use verify::{VerifyOutcome, VerifyReport, verify_repo};

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::layout::*;
    use crate::Error;

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
        for reserved in [
            ".git/config",
            "sub/.git/hooks/pre-commit",
            ".GIT/config",
            "a/.Git./x",
            ".git",
            ".cache/huggingface/download/config.json.metadata",
            "x/.Cache/HuggingFace/.gitignore",
            "ctrl\u{1b}]52;c;x\u{7}.txt",
        ] {
            assert!(
                matches!(safe_relative_path(reserved), Err(Error::UnsafePath { .. })),
                "{reserved}"
            );
        }
        for ok in [
            "a",
            "a/b.txt",
            "data/train-00000.parquet",
            "..a",
            "a..b/c",
            ".gitattributes",
            ".gitignore",
            "x.git/y",
            ".cache/other",
            "huggingface/.cache",
        ] {
            assert!(safe_relative_path(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn a_failed_copy_leaves_the_old_snapshot_file() {
        let dir = tempfile::tempdir().unwrap();
        let pointer = dir.path().join("snapshots/c/config.json");
        std::fs::create_dir_all(pointer.parent().unwrap()).unwrap();
        std::fs::write(&pointer, b"old").unwrap();
        let missing_blob = dir.path().join("blobs/gone");
        let error = link_pointer(&pointer, &missing_blob, Path::new("x"), false, false)
            .expect_err("copying a missing blob fails");
        assert!(error.to_string().contains("cannot place"), "{error}");
        assert_eq!(std::fs::read(&pointer).unwrap(), b"old");
        let left: Vec<_> = std::fs::read_dir(pointer.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");

        // A successful copy and a successful link both replace it in place.
        let blob = dir.path().join("blobs/new");
        std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
        std::fs::write(&blob, b"new").unwrap();
        link_pointer(&pointer, &blob, Path::new("x"), false, false).unwrap();
        assert_eq!(std::fs::read(&pointer).unwrap(), b"new");
        #[cfg(unix)]
        {
            link_pointer(&pointer, &blob, Path::new("../../blobs/new"), true, false).unwrap();
            assert!(
                std::fs::symlink_metadata(&pointer)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(std::fs::read(&pointer).unwrap(), b"new");
        }
    }

    #[cfg(unix)]
    #[test]
    fn temporary_files_never_follow_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, b"precious").unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        let target = cache.join("main");
        // Plant links at the next names the counter will hand out (other tests share it).
        let start = NEXT_TEMP.load(std::sync::atomic::Ordering::Relaxed);
        for n in start..start + 200 {
            let name = format!(".main.{}.{n}.tmp", std::process::id());
            std::os::unix::fs::symlink(&outside, cache.join(name)).unwrap();
        }
        write_atomic(&target, b"0123456789abcdef0123456789abcdef01234567").unwrap();
        assert_eq!(std::fs::read(&outside).unwrap(), b"precious");
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"0123456789abcdef0123456789abcdef01234567"
        );
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
