//! Content hashes, the one implementation for downloads, uploads and `hf cache verify`:
//! sha256 for LFS blobs, git blob sha1 (`sha1("blob <len>\0" + data)`) for regular files.
//! The blob's name in the cache (its etag) says which one applies.

use sha1::Digest as _;

/// Which hash an etag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    /// 64 hex digits: the sha256 of the content (LFS).
    Sha256,
    /// 40 hex digits: the git blob sha1 of the content.
    GitSha1,
}

impl HashKind {
    /// The kind of `etag`, or `None` when it is not a hash we can check.
    #[must_use]
    pub fn of_etag(etag: &str) -> Option<Self> {
        let hex = etag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        match etag.len() {
            64 if hex => Some(Self::Sha256),
            40 if hex => Some(Self::GitSha1),
            _ => None,
        }
    }

    /// `sha256` or `git-sha1`, for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::GitSha1 => "git-sha1",
        }
    }
}

/// A streaming hasher for one of the two kinds.
#[derive(Debug, Clone)]
pub enum ContentHasher {
    /// sha256.
    Sha256(sha2::Sha256),
    /// git blob sha1 (the header needs the size up front).
    GitSha1(sha1::Sha1),
}

impl ContentHasher {
    /// A hasher of `kind` for content of `size` bytes.
    #[must_use]
    pub fn new(kind: HashKind, size: u64) -> Self {
        match kind {
            HashKind::Sha256 => Self::Sha256(sha2::Sha256::new()),
            HashKind::GitSha1 => {
                let mut hasher = sha1::Sha1::new();
                hasher.update(format!("blob {size}\0").as_bytes());
                Self::GitSha1(hasher)
            }
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(bytes),
            Self::GitSha1(h) => h.update(bytes),
        }
    }

    /// The lowercase hex digest.
    #[must_use]
    pub fn finish(self) -> String {
        match self {
            Self::Sha256(h) => hex(&h.finalize()),
            Self::GitSha1(h) => hex(&h.finalize()),
        }
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// Hashes the file at `path` as `kind` (blocking; call from a blocking context).
///
/// # Errors
/// When the file cannot be read.
pub fn hash_file(path: &std::path::Path, kind: HashKind) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = ContentHasher::new(kind, size);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sha1_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        let mut h = ContentHasher::new(HashKind::GitSha1, 6);
        h.update(b"hello\n");
        assert_eq!(h.finish(), "ce013625030ba8dba906f756967f9e9ca394464a");
        let mut h = ContentHasher::new(HashKind::Sha256, 0);
        h.update(b"");
        assert_eq!(
            h.finish(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(HashKind::of_etag(&"a".repeat(64)), Some(HashKind::Sha256));
        assert_eq!(HashKind::of_etag("../x"), None);
    }
}
