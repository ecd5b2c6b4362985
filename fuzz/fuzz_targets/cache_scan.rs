//! Cache-directory scanning over an arbitrary tree of files, directories and symlinks
//! (dangling, looping, pointing outside): it must not panic, loop, or follow links out.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

/// Names drawn from the cache layout and a few hostile ones.
const NAMES: &[&str] = &[
    "models--org--name",
    "datasets--a--b",
    "spaces--x",
    "models--",
    "models--a--b--c",
    "blobs",
    "snapshots",
    "refs",
    ".no_exist",
    ".locks",
    "main",
    "0123456789abcdef0123456789abcdef01234567",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x.incomplete",
    "CACHEDIR.TAG",
    "..",
    "a b",
];

fuzz_target!(|data: &[u8]| {
    let Ok(root) = tempfile::tempdir() else {
        return;
    };
    let mut made: Vec<PathBuf> = vec![root.path().to_owned()];
    for op in data.chunks(3).take(64) {
        let [kind, parent, name] = *op else {
            break;
        };
        let parent = made[usize::from(parent) % made.len()].clone();
        let name = NAMES[usize::from(name) % NAMES.len()];
        if name == ".." {
            continue;
        }
        let path = parent.join(name);
        let ok = match kind % 4 {
            0 => std::fs::create_dir_all(&path).is_ok(),
            1 => std::fs::write(&path, [kind; 3]).is_ok(),
            2 => symlink(&made[usize::from(kind) % made.len()], &path),
            _ => symlink(Path::new("../../blobs/missing"), &path),
        };
        if ok {
            made.push(path);
        }
    }
    if let Ok(info) = hf_hub::cache::scan_cache(root.path()) {
        let _ = info.repos.len();
    }
});

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> bool {
    std::os::unix::fs::symlink(target, link).is_ok()
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> bool {
    false
}
