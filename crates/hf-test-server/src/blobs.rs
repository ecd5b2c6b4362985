//! Content-addressed blobs (`git/<sha1>`, `lfs/<sha256>`): small ones in memory, large ones
//! on disk under the data folder.

use bytes::Bytes;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Blobs below this size are kept in memory and appended to a pack file.
const SMALL_BLOB: usize = 64 * 1024;

/// A blob to serve.
#[derive(Debug, Clone)]
pub(crate) enum Blob {
    /// Seed content and small blobs, kept in memory.
    Memory(Bytes),
    /// A blob stored as its own file.
    File {
        /// Where it is.
        path: PathBuf,
        /// Its length.
        len: u64,
    },
}

impl Blob {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Blob::Memory(b) => b.len() as u64,
            Blob::File { len, .. } => *len,
        }
    }
}

/// Content-addressed blobs: `git/<sha1>` and `lfs/<sha256>`.
///
/// Seed content is shared in memory between servers of one process. Uploaded blobs
/// are stored under `<data_dir>/objects/`: large ones as one file per key
/// (`objects/git/<sha1>`, `objects/lfs/<sha256>`), small ones (< 64 KiB) appended to
/// `objects/pack` with an index line `<key> <offset> <len>` in `objects/pack.idx`
/// (and kept in memory), because creating thousands of tiny files is slow.
#[derive(Debug)]
pub(crate) struct Blobs {
    seed: Arc<HashMap<String, Bytes>>,
    dir: PathBuf,
    cache: Mutex<HashMap<String, Bytes>>,
    pack: Mutex<Option<(std::fs::File, std::fs::File, u64)>>,
}

impl Blobs {
    pub(crate) fn new(dir: &Path, seed: Arc<HashMap<String, Bytes>>) -> Self {
        Blobs {
            seed,
            dir: dir.join("objects"),
            cache: Mutex::new(HashMap::new()),
            pack: Mutex::new(None),
        }
    }

    /// The blob for serving: large uploaded blobs stay on disk, so that a `Range` request
    /// costs a seek and a read of that range, not a read of the whole object.
    pub(crate) fn open(&self, key: &str) -> Option<Blob> {
        if let Some(b) = self.seed.get(key) {
            return Some(Blob::Memory(b.clone()));
        }
        if let Some(b) = self.cache.lock().ok()?.get(key) {
            return Some(Blob::Memory(b.clone()));
        }
        let path = self.dir.join(key);
        let len = std::fs::metadata(&path).ok()?.len();
        Some(Blob::File { path, len })
    }

    pub(crate) fn get(&self, key: &str) -> Option<Bytes> {
        if let Some(b) = self.seed.get(key) {
            return Some(b.clone());
        }
        if let Some(b) = self.cache.lock().ok()?.get(key) {
            return Some(b.clone());
        }
        let data = std::fs::read(self.dir.join(key)).ok()?;
        Some(Bytes::from(data))
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.seed.contains_key(key)
            || self
                .cache
                .lock()
                .map(|c| c.contains_key(key))
                .unwrap_or(false)
            || self.dir.join(key).exists()
    }

    pub(crate) fn size(&self, key: &str) -> Option<u64> {
        if let Some(b) = self.seed.get(key) {
            return Some(b.len() as u64);
        }
        if let Some(b) = self.cache.lock().ok().and_then(|c| c.get(key).cloned()) {
            return Some(b.len() as u64);
        }
        std::fs::metadata(self.dir.join(key)).ok().map(|m| m.len())
    }

    fn append_to_pack(&self, key: &str, data: &[u8]) -> std::io::Result<()> {
        use std::io::Write as _;
        let mut pack = self
            .pack
            .lock()
            .map_err(|_| std::io::Error::other("pack lock poisoned"))?;
        if pack.is_none() {
            std::fs::create_dir_all(&self.dir)?;
            let open = |name: &str| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join(name))
            };
            let data_file = open("pack")?;
            let offset = data_file.metadata()?.len();
            *pack = Some((data_file, open("pack.idx")?, offset));
        }
        if let Some((data_file, idx, offset)) = pack.as_mut() {
            data_file.write_all(data)?;
            idx.write_all(format!("{key} {offset} {}\n", data.len()).as_bytes())?;
            *offset += data.len() as u64;
        }
        Ok(())
    }

    /// Stores a blob (idempotent).
    pub(crate) fn put(&self, key: &str, data: Bytes) -> std::io::Result<()> {
        if self.seed.contains_key(key) {
            return Ok(());
        }
        if data.len() < SMALL_BLOB {
            {
                let mut cache = self
                    .cache
                    .lock()
                    .map_err(|_| std::io::Error::other("cache lock poisoned"))?;
                if cache.contains_key(key) {
                    return Ok(());
                }
                cache.insert(key.to_owned(), data.clone());
            }
            return self.append_to_pack(key, &data);
        }
        let path = self.dir.join(key);
        if path.exists() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("tmp{}", crate::util::random_hex(8)));
        std::fs::write(&tmp, &data)?;
        std::fs::rename(&tmp, &path)
    }

    /// Stores a blob from a file on the same file system (moved into place; idempotent).
    pub(crate) fn put_file(&self, key: &str, file: &Path) -> std::io::Result<()> {
        let len = std::fs::metadata(file)?.len();
        if self.seed.contains_key(key) || len < SMALL_BLOB as u64 {
            let data = std::fs::read(file)?;
            std::fs::remove_file(file)?;
            return self.put(key, Bytes::from(data));
        }
        let path = self.dir.join(key);
        if path.exists() {
            return std::fs::remove_file(file);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(file, &path)
    }

    pub(crate) fn parts_dir(&self) -> PathBuf {
        self.dir.join("parts")
    }
}
