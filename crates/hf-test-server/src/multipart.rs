//! Multipart LFS uploads as a storage service does them: each part is written at its offset
//! into one file as it arrives, and the file is hashed in order as its contiguous prefix of
//! accepted parts grows. The completion then only checks the listed ETags, the size and the
//! SHA-256 (already computed) before moving the file into place, instead of reading and
//! hashing the whole object after the last part.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use sha2::Digest as _;

use crate::util::{hex, random_hex};

/// The multipart uploads under way, by object id.
#[derive(Debug, Default)]
pub(crate) struct Assemblies {
    by_oid: Mutex<HashMap<String, Arc<Assembly>>>,
}

/// Why a part or a completion was refused (a 4xx/5xx message).
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The client's fault (400).
    BadRequest(String),
    /// Ours (500).
    Storage(std::io::Error),
}

impl From<std::io::Error> for Refusal {
    fn from(e: std::io::Error) -> Self {
        Refusal::Storage(e)
    }
}

impl Assemblies {
    /// Starts receiving part `number` of object `oid` (`size` bytes in parts of `chunk`).
    pub(crate) fn part(
        &self,
        dir: PathBuf,
        oid: &str,
        size: u64,
        chunk: u64,
        number: u64,
    ) -> Result<PartWriter, Refusal> {
        let parts = size.div_ceil(chunk.max(1)).max(1);
        if chunk == 0 || number == 0 || number > parts {
            return Err(Refusal::BadRequest(format!(
                "Part {number} is not one of the {parts} parts"
            )));
        }
        let offset = (number - 1) * chunk;
        let assembly = self.open(dir, oid, size, chunk)?;
        // A handle of its own: parts are written at their offsets concurrently.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&assembly.path)?;
        file.seek(SeekFrom::Start(offset))?;
        Ok(PartWriter {
            expected: chunk.min(size - offset),
            written: 0,
            number,
            file,
            assembly,
        })
    }

    /// Checks a completion listing `(part number, etag)` and, when the object is whole and its
    /// SHA-256 is `oid`, returns the file holding it (the caller moves it into storage).
    pub(crate) fn complete(
        &self,
        oid: &str,
        size: u64,
        listed: &[(u64, String)],
    ) -> Result<PathBuf, Refusal> {
        let assembly = self
            .by_oid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(oid)
            .cloned()
            .ok_or_else(|| Refusal::BadRequest("Part 1 was not uploaded".to_owned()))?;
        {
            let state = assembly.lock();
            if assembly.size != size {
                return Err(Refusal::BadRequest(format!(
                    "Size mismatch: expected {size} bytes, the parts were for {}",
                    assembly.size
                )));
            }
            for number in 1..=assembly.parts() {
                let Some(recorded) = state.etags.get(&number) else {
                    return Err(Refusal::BadRequest(format!(
                        "Part {number} was not uploaded"
                    )));
                };
                match listed.iter().find(|(n, _)| *n == number) {
                    Some((_, etag)) if etag.trim_matches('"') == recorded.trim_matches('"') => {}
                    Some(_) => {
                        return Err(Refusal::BadRequest(format!(
                            "ETag mismatch for part {number}"
                        )));
                    }
                    None => {
                        return Err(Refusal::BadRequest(format!(
                            "Part {number} is missing from the completion"
                        )));
                    }
                }
            }
        }
        let digest = assembly.wait_for_hash()?;
        if digest != oid {
            return Err(Refusal::BadRequest(format!(
                "sha256 mismatch: expected {oid}, got {digest}"
            )));
        }
        self.by_oid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(oid);
        assembly.lock().file.flush()?;
        Ok(assembly.path.clone())
    }

    fn open(
        &self,
        dir: PathBuf,
        oid: &str,
        size: u64,
        chunk: u64,
    ) -> Result<Arc<Assembly>, Refusal> {
        let mut by_oid = self.by_oid.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = by_oid.get(oid) {
            if existing.size == size && existing.chunk == chunk {
                return Ok(existing.clone());
            }
            return Err(Refusal::BadRequest(format!(
                "An upload of {oid} with other sizes is under way"
            )));
        }
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("assembling");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)?;
        let assembly = Arc::new(Assembly {
            path,
            size,
            chunk,
            state: Mutex::new(State {
                file,
                etags: BTreeMap::new(),
                hashed_parts: 0,
                hasher: Some(sha2::Sha256::new()),
                generation: 0,
            }),
            hashed: Condvar::new(),
        });
        by_oid.insert(oid.to_owned(), assembly.clone());
        Ok(assembly)
    }
}

/// One part being received: its bytes go straight to their place in the object's file.
#[derive(Debug)]
pub(crate) struct PartWriter {
    assembly: Arc<Assembly>,
    file: File,
    number: u64,
    expected: u64,
    written: u64,
}

impl PartWriter {
    /// Writes the next bytes of the part.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        self.written += bytes.len() as u64;
        if self.written > self.expected {
            return Err(self.refuse());
        }
        self.file.write_all(bytes)?;
        Ok(())
    }

    /// Accepts the part if it had its exact length, and answers its ETag: an opaque token,
    /// as storage services answer, which the completion must list. The part is hashed later,
    /// in order, by [`PartWriter::hash_in_order`].
    pub(crate) fn finish(mut self) -> Result<(String, HashInOrder), Refusal> {
        if self.written != self.expected {
            return Err(self.refuse());
        }
        self.file.flush()?;
        let etag = format!("\"{}\"", random_hex(32));
        let mut state = self.assembly.lock();
        if state.etags.insert(self.number, etag.clone()).is_some() {
            // A part sent again may differ from what was hashed: hash from the start.
            state.restart_hash();
        }
        drop(state);
        Ok((etag, HashInOrder(self.assembly.clone())))
    }

    /// The part's range was (partly) overwritten and is not accepted.
    fn refuse(&mut self) -> Refusal {
        let mut state = self.assembly.lock();
        if state.etags.remove(&self.number).is_some() {
            state.restart_hash();
        }
        let got = if self.written > self.expected {
            "more".to_owned()
        } else {
            self.written.to_string()
        };
        Refusal::BadRequest(format!(
            "Part {} should be {} bytes, got {got}",
            self.number, self.expected
        ))
    }
}

/// Hashes the accepted parts of an object that follow the hashed prefix (blocking).
#[derive(Debug)]
pub(crate) struct HashInOrder(Arc<Assembly>);

impl HashInOrder {
    /// Runs the hashing; errors surface again at the completion.
    pub(crate) fn run(self) {
        if let Err(e) = self.0.advance_hash() {
            tracing::warn!(error = %e, "could not hash multipart parts");
        }
    }
}

#[derive(Debug)]
struct Assembly {
    path: PathBuf,
    size: u64,
    chunk: u64,
    state: Mutex<State>,
    /// Signalled whenever a part has been hashed.
    hashed: Condvar,
}

#[derive(Debug)]
struct State {
    file: File,
    /// Accepted parts and their ETags.
    etags: BTreeMap<u64, String>,
    /// Parts `1..=hashed_parts` are in `hasher`.
    hashed_parts: u64,
    /// `None` while a thread is hashing the next part (outside the lock).
    hasher: Option<sha2::Sha256>,
    /// Bumped when a part is written again, so a hash in progress is thrown away.
    generation: u64,
}

impl State {
    fn restart_hash(&mut self) {
        self.generation += 1;
        self.hashed_parts = 0;
        if self.hasher.is_some() {
            self.hasher = Some(sha2::Sha256::new());
        }
    }
}

impl Assembly {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn parts(&self) -> u64 {
        self.size.div_ceil(self.chunk).max(1)
    }

    /// Hashes accepted parts in order for as long as the next one is there. One thread hashes
    /// at a time; the others leave it to that one.
    fn advance_hash(&self) -> std::io::Result<()> {
        let mut buf = Vec::new();
        loop {
            let (mut hasher, number, generation) = {
                let mut state = self.lock();
                let next = state.hashed_parts + 1;
                if next > self.parts() || !state.etags.contains_key(&next) {
                    return Ok(());
                }
                let Some(hasher) = state.hasher.take() else {
                    return Ok(());
                };
                let offset = (next - 1) * self.chunk;
                buf.resize(self.chunk.min(self.size - offset) as usize, 0);
                let read = state
                    .file
                    .seek(SeekFrom::Start(offset))
                    .and_then(|_| state.file.read_exact(&mut buf));
                if let Err(e) = read {
                    state.hasher = Some(hasher);
                    drop(state);
                    // A waiting completion takes over and meets the error itself.
                    self.hashed.notify_all();
                    return Err(e);
                }
                (hasher, next, state.generation)
            };
            hasher.update(&buf);
            let mut state = self.lock();
            if state.generation == generation {
                state.hashed_parts = number;
                state.hasher = Some(hasher);
            } else {
                state.hashed_parts = 0;
                state.hasher = Some(sha2::Sha256::new());
            }
            drop(state);
            self.hashed.notify_all();
        }
    }

    /// The SHA-256 of the whole object, once every part is hashed (here, or by the
    /// background hashing already under way).
    fn wait_for_hash(&self) -> Result<String, Refusal> {
        loop {
            self.advance_hash()?;
            let state = self.lock();
            if state.hashed_parts >= self.parts() {
                let hasher = state.hasher.clone().unwrap_or_default();
                return Ok(hex(&hasher.finalize()));
            }
            if state.hasher.is_some() {
                // Nobody is hashing, yet the next part could not be: it was refused since.
                let next = state.hashed_parts + 1;
                if !state.etags.contains_key(&next) {
                    return Err(Refusal::BadRequest(format!("Part {next} was not uploaded")));
                }
                continue;
            }
            drop(
                self.hashed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
    }
}
