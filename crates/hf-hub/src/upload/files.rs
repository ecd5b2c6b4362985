//! Reading what is uploaded: sizes and samples, hashes computed while streaming,
//! and request bodies that stream a byte range of a file.

use hf_auth::http::OutgoingBody;
use std::io::{Read, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

use super::secrets::{SecretFinding, SecretScanner};
use super::types::UploadSource;
use crate::Error;
use crate::hash::{ContentHasher, HashKind};
use crate::progress::{ProgressEvent, SharedProgress};

/// Bytes of the preupload sample.
pub(crate) const SAMPLE_SIZE: usize = 512;
/// Read size while hashing.
const HASH_BUFFER: usize = 1024 * 1024;
/// Chunk size of streamed request bodies.
const BODY_CHUNK: usize = 512 * 1024;

impl UploadSource {
    /// Size and the first [`SAMPLE_SIZE`] bytes.
    pub(crate) fn size_and_sample(&self) -> Result<(u64, Vec<u8>), Error> {
        match self {
            Self::Bytes(bytes) => Ok((
                bytes.len() as u64,
                bytes[..bytes.len().min(SAMPLE_SIZE)].to_vec(),
            )),
            Self::Path(path) => {
                let mut file = open(path)?;
                let size = file
                    .metadata()
                    .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
                    .len();
                let mut sample = Vec::with_capacity(SAMPLE_SIZE);
                (&mut file)
                    .take(SAMPLE_SIZE as u64)
                    .read_to_end(&mut sample)
                    .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
                Ok((size, sample))
            }
        }
    }

    /// The whole content (regular files only: the Hub keeps them small).
    pub(crate) fn read_all(&self) -> Result<Bytes, Error> {
        match self {
            Self::Bytes(bytes) => Ok(bytes.clone()),
            Self::Path(path) => std::fs::read(path)
                .map(Bytes::from)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e)),
        }
    }
}

fn open(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))
}

/// A file's hash and, when scanned, what the secret scan found in the same read.
#[derive(Debug)]
pub(crate) struct Hashed {
    pub(crate) oid: String,
    pub(crate) findings: Vec<SecretFinding>,
}

/// Files at least this large are scanned on a thread of their own beside the hash, so the
/// scan costs no wall time while the other core is free; smaller ones inline.
const PARALLEL_SCAN_MIN: u64 = 4 * 1024 * 1024;

/// Hashes `source` while reading it in bounded chunks, reporting progress for `label`;
/// with `scan`, every byte of that same read also goes through a [`SecretScanner`].
/// Blocking: run it on a blocking thread.
pub(crate) fn hash_source(
    source: &UploadSource,
    size: u64,
    kind: HashKind,
    label: &Arc<str>,
    progress: &SharedProgress,
    scan: bool,
) -> Result<Hashed, Error> {
    let mut hasher = ContentHasher::new(kind, size);
    progress.on_event(ProgressEvent::FileStarted {
        path: label.clone(),
        size,
        resumed_from: 0,
    });
    let mut scanner = scan.then(|| SecretScanner::new(label.clone()));
    let mut seen: u64 = 0;
    let findings = match source {
        UploadSource::Bytes(bytes) => {
            hasher.update(bytes);
            if let Some(scanner) = &mut scanner {
                scanner.feed(bytes);
            }
            seen = bytes.len() as u64;
            progress.on_event(ProgressEvent::FileAdvanced {
                path: label.clone(),
                bytes: seen,
            });
            scanner.map(SecretScanner::finish).unwrap_or_default()
        }
        UploadSource::Path(path) => {
            let mut file = open(path)?;
            let mut read = |buffer: &mut [u8]| loop {
                match file.read(buffer) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
                }
            };
            let mut advanced = |n: usize| {
                seen += n as u64;
                progress.on_event(ProgressEvent::FileAdvanced {
                    path: label.clone(),
                    bytes: n as u64,
                });
            };
            match scanner {
                Some(scanner) if size >= PARALLEL_SCAN_MIN => read_hash_and_scan_in_parallel(
                    &mut read,
                    &mut advanced,
                    &mut |b| hasher.update(b),
                    scanner,
                )?,
                scanner => {
                    let mut scanner = scanner;
                    let mut buffer = vec![0u8; HASH_BUFFER];
                    loop {
                        let n = read(&mut buffer)?;
                        if n == 0 {
                            break;
                        }
                        hasher.update(&buffer[..n]);
                        if let Some(scanner) = &mut scanner {
                            scanner.feed(&buffer[..n]);
                        }
                        advanced(n);
                    }
                    scanner.map(SecretScanner::finish).unwrap_or_default()
                }
            }
        }
    };
    progress.on_event(ProgressEvent::FileFinished {
        path: label.clone(),
    });
    if seen != size {
        return Err(Error::SourceChanged {
            path: label.to_string(),
            before: size,
            now: seen,
        });
    }
    Ok(Hashed {
        oid: hasher.finish(),
        findings,
    })
}

/// One read of a file feeding two consumers: `hash` on this thread, `scanner` on another.
/// Buffers go round between the two through bounded channels (at most a handful exist).
fn read_hash_and_scan_in_parallel(
    read: &mut dyn FnMut(&mut [u8]) -> Result<usize, Error>,
    advanced: &mut dyn FnMut(usize),
    hash: &mut dyn FnMut(&[u8]),
    mut scanner: SecretScanner,
) -> Result<Vec<SecretFinding>, Error> {
    std::thread::scope(|scope| {
        let (to_scan, scan_queue) = std::sync::mpsc::sync_channel::<(Vec<u8>, usize)>(3);
        let (give_back, returned) = std::sync::mpsc::channel::<Vec<u8>>();
        let worker = scope.spawn(move || {
            for (buffer, n) in scan_queue {
                scanner.feed(&buffer[..n]);
                let _ = give_back.send(buffer);
            }
            scanner.finish()
        });
        let outcome = (|| {
            loop {
                let mut buffer = returned
                    .try_recv()
                    .unwrap_or_else(|_| vec![0u8; HASH_BUFFER]);
                let n = read(&mut buffer)?;
                if n == 0 {
                    return Ok(());
                }
                hash(&buffer[..n]);
                advanced(n);
                if to_scan.send((buffer, n)).is_err() {
                    return Err(Error::Protocol("the secret scan stopped early".into()));
                }
            }
        })();
        drop(to_scan);
        let findings = worker
            .join()
            .map_err(|_| Error::Protocol("the secret scan failed".into()))?;
        outcome.map(|()| findings)
    })
}

/// Reports upload progress monotonically: a retried body only reports bytes beyond
/// what earlier attempts of the same range already reported.
#[derive(Clone)]
pub(crate) struct RangeProgress {
    pub(crate) label: Arc<str>,
    pub(crate) sink: SharedProgress,
    pub(crate) reported: Arc<AtomicU64>,
}

impl RangeProgress {
    pub(crate) fn new(label: Arc<str>, sink: SharedProgress) -> Self {
        Self {
            label,
            sink,
            reported: Arc::new(AtomicU64::new(0)),
        }
    }

    fn advance_to(&self, position: u64) {
        let before = self.reported.fetch_max(position, Ordering::Relaxed);
        if position > before {
            self.sink.on_event(ProgressEvent::FileAdvanced {
                path: self.label.clone(),
                bytes: position - before,
            });
        }
    }
}

struct RangeReader {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    offset: u64,
    remaining: u64,
    sent: u64,
    progress: RangeProgress,
}

/// A body streaming `len` bytes of `source` from `offset`; the file is opened when the
/// request starts, so every retry gets a fresh reader at the right offset.
pub(crate) fn range_body(
    source: &UploadSource,
    offset: u64,
    len: u64,
    progress: RangeProgress,
) -> OutgoingBody {
    match source {
        UploadSource::Bytes(bytes) => {
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let end = start
                .saturating_add(usize::try_from(len).unwrap_or(usize::MAX))
                .min(bytes.len());
            progress.advance_to((end - start) as u64);
            OutgoingBody::Bytes(bytes.slice(start..end))
        }
        UploadSource::Path(path) => {
            let state = RangeReader {
                path: path.clone(),
                file: None,
                offset,
                remaining: len,
                sent: 0,
                progress,
            };
            let stream = futures_util::stream::try_unfold(state, |mut state| async move {
                if state.remaining == 0 {
                    return Ok::<_, std::io::Error>(None);
                }
                if state.file.is_none() {
                    let mut file = tokio::fs::File::open(&state.path).await?;
                    file.seek(SeekFrom::Start(state.offset)).await?;
                    state.file = Some(file);
                }
                let want = usize::try_from(state.remaining)
                    .unwrap_or(BODY_CHUNK)
                    .min(BODY_CHUNK);
                let mut buffer = vec![0u8; want];
                let file = state
                    .file
                    .as_mut()
                    .ok_or_else(|| std::io::Error::other("file not open"))?;
                file.read_exact(&mut buffer).await?;
                state.remaining -= want as u64;
                state.sent += want as u64;
                state.progress.advance_to(state.sent);
                Ok(Some((Bytes::from(buffer), state)))
            });
            OutgoingBody::stream(stream)
        }
    }
}

#[cfg(test)]
mod tests {
    use sha2::Digest as _;

    use super::*;
    use crate::hash::hex;
    use crate::progress::no_progress;

    #[test]
    fn git_sha1_and_sha256_match_known_values() {
        let label: Arc<str> = Arc::from("x");
        let source = UploadSource::Bytes(Bytes::from_static(b"hello\n"));
        // `git hash-object` of "hello\n".
        assert_eq!(
            hash_source(&source, 6, HashKind::GitSha1, &label, &no_progress(), false)
                .unwrap()
                .oid,
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            hash_source(&source, 6, HashKind::Sha256, &label, &no_progress(), false)
                .unwrap()
                .oid,
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        let changed =
            hash_source(&source, 7, HashKind::Sha256, &label, &no_progress(), false).unwrap_err();
        assert!(changed.to_string().contains("changed while"), "{changed}");
    }

    #[test]
    fn files_are_hashed_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let data: Vec<u8> = (0..3 * HASH_BUFFER + 17).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let label: Arc<str> = Arc::from("big");
        let from_file = hash_source(
            &UploadSource::Path(path),
            data.len() as u64,
            HashKind::Sha256,
            &label,
            &no_progress(),
            false,
        )
        .unwrap();
        let from_memory = hex(&sha2::Sha256::digest(&data));
        assert_eq!(from_file.oid, from_memory);
    }

    #[test]
    fn the_hashing_read_scans_every_byte_of_large_and_binary_files() {
        // Built at run time: nothing token-shaped in the tree.
        let token = format!("hf_{}", "k9L8m7N6".repeat(5));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.bin");
        // 12 MiB starting with NUL, the token past 10 MiB and across a read boundary.
        let mut data = vec![0u8; 12 * 1024 * 1024];
        let at = 11 * HASH_BUFFER - 5;
        data[at..at + token.len()].copy_from_slice(token.as_bytes());
        std::fs::write(&path, &data).unwrap();
        let label: Arc<str> = Arc::from("w.bin");
        for scan in [true, false] {
            let hashed = hash_source(
                &UploadSource::Path(path.clone()),
                data.len() as u64,
                HashKind::Sha256,
                &label,
                &no_progress(),
                scan,
            )
            .unwrap();
            assert_eq!(hashed.oid, hex(&sha2::Sha256::digest(&data)));
            assert_eq!(
                hashed.findings.len(),
                usize::from(scan),
                "{:?}",
                hashed.findings
            );
        }
    }
}
