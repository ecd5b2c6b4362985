//! The transfer engine: streams a URL into `<etag>.incomplete`, hashing as it goes, resuming
//! with `Range` after broken connections and across runs; large files on a CDN are fetched as
//! several parallel ranges while a hashing thread follows the contiguous written prefix.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
#[cfg(unix)]
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use bytes::Bytes;
use futures_util::StreamExt as _;
use hf_auth::http::HubClient;
use tokio::sync::mpsc;

use super::adaptive::{RANGE_TICK, Ramp, Width};
use super::planned::Source;
use super::tail::{Piece, Tail};
use crate::Error;
use crate::download_options::DownloadOptions;
use crate::hash::{ContentHasher, HashKind};
use crate::progress::{Progress, ProgressEvent};

/// Writes are batched to this size.
const WRITE_BUFFER: usize = 1 << 20;
/// Each range worker batches its writes to this size: up to 32 of them run at once, and
/// memory must stay bounded (a few hundred writes a second per worker cost nothing).
const RANGE_WRITE_BUFFER: usize = 128 * 1024;
/// How often an idle range worker looks for a straggler to help.
const TAIL_POLL: std::time::Duration = std::time::Duration::from_millis(100);
/// Network chunks queued for the writer thread of a single stream.
const WRITER_SLOTS: usize = 16;

/// What a transfer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FetchStats {
    /// Bytes already on disk from an earlier attempt.
    pub resumed_from: u64,
    /// Bytes received over the network.
    pub bytes_fetched: u64,
    /// The most parallel connections that ran at once (1 for a single stream).
    pub connections: usize,
    /// Whether the bytes were reconstructed from the Xet CAS (not fetched over HTTP).
    pub via_xet: bool,
}

/// One file to fetch: what every fetch path needs.
#[derive(Clone, Copy)]
pub(crate) struct FetchJob<'a> {
    pub(crate) http: &'a HubClient,
    pub(crate) source: &'a Source,
    /// The file's size, as the Hub announced it.
    pub(crate) size: u64,
    /// How its content is verified (sha256 for LFS, git SHA-1 for regular files).
    pub(crate) kind: HashKind,
    /// `<etag>.incomplete`, where the bytes go.
    pub(crate) incomplete: &'a Path,
    /// The path in the repo, for progress and errors.
    pub(crate) path: &'a Arc<str>,
    pub(crate) options: &'a DownloadOptions,
}

/// `<incomplete>.progress`: how many leading bytes of a parallel download are known good.
pub(crate) fn progress_path(incomplete: &Path) -> PathBuf {
    let mut name = incomplete.as_os_str().to_owned();
    name.push(".progress");
    PathBuf::from(name)
}

fn read_progress(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn io_err(context: &str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let context = format!("{context} {}", path.display());
    move |e| Error::io(context, e)
}

/// Downloads `source` (`size` bytes) into `incomplete` and returns the stats and the hash of
/// what is there. The caller compares the hash and deletes the file on a mismatch.
pub(crate) async fn fetch(job: &FetchJob<'_>) -> Result<(FetchStats, String), Error> {
    let FetchJob {
        http,
        source,
        size,
        incomplete,
        path,
        options,
        ..
    } = *job;
    if let Some(parent) = incomplete.parent() {
        std::fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
    }
    let progress = options.progress.clone();
    // Xet first; when the CAS refuses or fails (after hf-xet's own retries), the bridge
    // serves the same bytes over HTTP, resuming from what Xet already wrote (in order, so a
    // valid prefix). Disk errors are not retried that way: they would fail again.
    #[cfg(feature = "xet")]
    if let Source::Xet { hash, auth, .. } = source
        && options.xet
    {
        match super::xet::download_group(http, auth, options.xet_cache_dir.as_deref()).await {
            Ok(Some(group)) => {
                let result = from_xet(job, &group, hash).await;
                match result {
                    Err(Error::Protocol(why)) => {
                        tracing::warn!("{why}; continuing {path} through the Hub's HTTP bridge");
                    }
                    done => {
                        progress.on_event(ProgressEvent::FileFinished { path: path.clone() });
                        return done;
                    }
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!("{error}; downloading {path} through the Hub's HTTP bridge");
            }
        }
    }
    let source = &source.over_http(http);
    let use_ranges = matches!(source, Source::Cdn(_))
        && size >= options.parallel_threshold()
        && options.ranges_allowed();
    let parallel_result = if use_ranges {
        Some(parallel(job, source).await)
    } else {
        None
    };
    let result = match parallel_result {
        Some(Ok(done)) => Ok(done),
        Some(Err(Fallback::Failed(error))) => Err(error),
        Some(Err(Fallback::RangeIgnored)) | None => {
            if use_ranges {
                tracing::debug!("the CDN ignored Range; downloading {path} as one stream");
            }
            sequential(job, source).await
        }
    };
    progress.on_event(ProgressEvent::FileFinished { path: path.clone() });
    result
}

/// The valid prefix left by an earlier run: the parallel watermark if one was recorded, else
/// the file length (single streams write in order).
fn valid_prefix(incomplete: &Path, size: u64) -> u64 {
    let on_disk = std::fs::metadata(incomplete).map(|m| m.len()).unwrap_or(0);
    let prefix = read_progress(&progress_path(incomplete))
        .unwrap_or(on_disk)
        .min(on_disk);
    if prefix > size { 0 } else { prefix }
}

fn hash_prefix(file: &mut File, len: u64, hasher: &mut ContentHasher) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let mut remaining = len;
    let mut buf = vec![0u8; WRITE_BUFFER];
    while remaining > 0 {
        let want = remaining.min(buf.len() as u64) as usize;
        file.read_exact(&mut buf[..want])?;
        hasher.update(&buf[..want]);
        remaining -= want as u64;
    }
    Ok(())
}

/// A thread that writes and hashes the bytes of one stream, in order.
struct Writer {
    tx: mpsc::Sender<Bytes>,
    handle: tokio::task::JoinHandle<std::io::Result<(File, ContentHasher)>>,
}

impl Writer {
    fn spawn(mut file: File, mut hasher: ContentHasher) -> Self {
        // Few slots: chunks can be hundreds of KiB each, and memory must stay bounded
        // when the disk or the hash is slower than the network.
        let (tx, mut rx) = mpsc::channel::<Bytes>(WRITER_SLOTS);
        let handle = tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(WRITE_BUFFER);
            while let Some(bytes) = rx.blocking_recv() {
                hasher.update(&bytes);
                buf.extend_from_slice(&bytes);
                if buf.len() >= WRITE_BUFFER {
                    file.write_all(&buf)?;
                    buf.clear();
                }
            }
            file.write_all(&buf)?;
            Ok((file, hasher))
        });
        Self { tx, handle }
    }

    /// Queues `bytes`, which start at `offset` of a `size`-byte file; `sender` names who sent
    /// them in the error. On an error the writer is finished (and a file overrun deleted).
    async fn push(
        self,
        bytes: Bytes,
        offset: u64,
        size: u64,
        sender: &str,
        incomplete: &Path,
        path: &str,
    ) -> Result<Self, Error> {
        if offset + bytes.len() as u64 > size {
            drop(self.finish(incomplete).await);
            let _ = std::fs::remove_file(incomplete);
            return Err(Error::Protocol(format!(
                "{sender} sent more than the {size} bytes announced for {path}; the partial file was deleted"
            )));
        }
        if self.tx.send(bytes).await.is_err() {
            // The writer failed (disk full...): its error says why.
            self.finish(incomplete).await?;
            return Err(Error::io(
                format!("cannot write {}", incomplete.display()),
                std::io::Error::other("the writer stopped"),
            ));
        }
        Ok(self)
    }

    /// Flushes and returns the file and hasher.
    async fn finish(self, incomplete: &Path) -> Result<(File, ContentHasher), Error> {
        drop(self.tx);
        match self.handle.await {
            Ok(result) => result.map_err(io_err("cannot write", incomplete)),
            Err(join) => Err(Error::io(
                format!("the writer for {} stopped", incomplete.display()),
                std::io::Error::other(join.to_string()),
            )),
        }
    }
}

/// Opens `incomplete` to append to what an earlier run left (its valid prefix, hashed
/// again), positioned at its end.
fn open_resumable(
    incomplete: &Path,
    size: u64,
    kind: HashKind,
) -> Result<(File, ContentHasher, u64), Error> {
    let offset = valid_prefix(incomplete, size);
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(incomplete)
        .map_err(io_err("cannot open", incomplete))?;
    file.set_len(offset)
        .map_err(io_err("cannot truncate", incomplete))?;
    let _ = std::fs::remove_file(progress_path(incomplete));
    let mut hasher = ContentHasher::new(kind, size);
    hash_prefix(&mut file, offset, &mut hasher).map_err(io_err("cannot read", incomplete))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(io_err("cannot seek", incomplete))?;
    Ok((file, hasher, offset))
}

/// Reconstructs the Xet file `hash` into `incomplete` from where an earlier run stopped, in
/// order, through the same writer and hash as an HTTP stream.
#[cfg(feature = "xet")]
async fn from_xet(
    job: &FetchJob<'_>,
    group: &xet::xet_session::XetDownloadStreamGroup,
    hash: &str,
) -> Result<(FetchStats, String), Error> {
    let FetchJob {
        size,
        kind,
        incomplete,
        path,
        options,
        ..
    } = *job;
    let progress = options.progress.as_ref();
    let (file, hasher, mut offset) = open_resumable(incomplete, size, kind)?;
    let mut stats = FetchStats {
        resumed_from: offset,
        bytes_fetched: 0,
        connections: 1,
        via_xet: true,
    };
    progress.on_event(ProgressEvent::FileStarted {
        path: path.clone(),
        size,
        resumed_from: offset,
    });
    let mut writer = Writer::spawn(file, hasher);
    let xet_error = |e: &dyn std::fmt::Display, at: u64| {
        Error::Protocol(format!(
            "the Xet reconstruction of {path} failed after {at} of {size} bytes: {e}"
        ))
    };
    if offset < size {
        let range = (offset > 0).then_some(offset..size);
        let mut stream = match group
            .download_stream(super::xet::file_info(hash, size), range)
            .await
        {
            Ok(stream) => stream,
            Err(e) => {
                writer.finish(incomplete).await?;
                return Err(xet_error(&e, offset));
            }
        };
        let chunks = futures_util::stream::unfold(&mut stream, |stream| async move {
            match stream.next().await {
                Ok(Some(bytes)) => Some((Ok(bytes), stream)),
                Ok(None) => None,
                Err(e) => Some((Err(e), stream)),
            }
        });
        let (done, broken) =
            stream_into(job, writer, chunks, "Xet", &mut offset, &mut stats).await?;
        writer = done;
        if let Some(e) = broken {
            writer.finish(incomplete).await?;
            return Err(xet_error(&e, offset));
        }
    }
    let (_file, hasher) = writer.finish(incomplete).await?;
    if offset != size {
        return Err(Error::Protocol(format!(
            "the Xet reconstruction of {path} ended after {offset} of {size} bytes"
        )));
    }
    Ok((stats, hasher.finish()))
}

/// One stream (resumed with `Range` when it breaks off); `source` is the job's, over HTTP.
async fn sequential(job: &FetchJob<'_>, source: &Source) -> Result<(FetchStats, String), Error> {
    let FetchJob {
        http,
        size,
        kind,
        incomplete,
        path,
        options,
        ..
    } = *job;
    let progress = options.progress.as_ref();
    let (file, hasher, mut offset) = open_resumable(incomplete, size, kind)?;
    let mut stats = FetchStats {
        resumed_from: offset,
        bytes_fetched: 0,
        connections: 1,
        via_xet: false,
    };
    progress.on_event(ProgressEvent::FileStarted {
        path: path.clone(),
        size,
        resumed_from: offset,
    });
    let mut writer = Writer::spawn(file, hasher);
    let mut failures = 0u32;
    // Only bytes beyond the furthest point reached count as progress: a server that ignores
    // Range and breaks off at the same place every time must not be retried forever.
    let mut furthest = offset;
    while offset < size || (size == 0 && stats.bytes_fetched == 0 && failures == 0) {
        let mut request = source.request(http);
        if offset > 0 {
            request = request.header("range", &format!("bytes={offset}-"));
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                writer.finish(incomplete).await?;
                return Err(error.into());
            }
        };
        let status = response.status();
        if offset > 0 && status == 200 {
            // The server ignored Range: start over from byte 0.
            let (file, _) = writer.finish(incomplete).await?;
            file.set_len(0)
                .map_err(io_err("cannot truncate", incomplete))?;
            let mut file = file;
            file.seek(SeekFrom::Start(0))
                .map_err(io_err("cannot seek", incomplete))?;
            progress.on_event(ProgressEvent::FileRewound {
                path: path.clone(),
                bytes: offset,
            });
            offset = 0;
            writer = Writer::spawn(file, ContentHasher::new(kind, size));
        } else if status == 206 {
            let start = response
                .header("content-range")
                .and_then(parse_content_range_start);
            if start != Some(offset) {
                writer.finish(incomplete).await?;
                return Err(Error::Protocol(format!(
                    "asked for {path} from byte {offset} but the server answered a different range"
                )));
            }
        }
        let broken;
        (writer, broken) = stream_into(
            job,
            writer,
            response.bytes_stream(),
            "the server",
            &mut offset,
            &mut stats,
        )
        .await?;
        if broken.is_none() && offset >= size {
            break;
        }
        let error = broken.map_or_else(
            || {
                Error::Protocol(format!(
                    "the body of {path} ended after {offset} of {size} bytes"
                ))
            },
            Error::from,
        );
        if offset > furthest {
            furthest = offset;
            failures = 0;
        }
        failures += 1;
        let policy = &http.config().retry;
        if failures > policy.max_stream_resumes {
            writer.finish(incomplete).await?;
            return Err(error);
        }
        tracing::debug!(%error, offset, "transfer broke off; resuming");
        tokio::time::sleep(policy.resume_delay(failures)).await;
    }
    let (_file, hasher) = writer.finish(incomplete).await?;
    Ok((stats, hasher.finish()))
}

/// Writes `chunks` through `writer` from `*offset` on, counting them in `stats` and in the
/// progress; stops at their end or at the first chunk that failed, whose error it returns
/// (the caller decides: resume over HTTP, or give up on Xet).
async fn stream_into<E>(
    job: &FetchJob<'_>,
    mut writer: Writer,
    chunks: impl futures_util::Stream<Item = Result<Bytes, E>>,
    sender: &str,
    offset: &mut u64,
    stats: &mut FetchStats,
) -> Result<(Writer, Option<E>), Error> {
    let mut chunks = std::pin::pin!(chunks);
    while let Some(chunk) = chunks.next().await {
        let bytes = match chunk {
            Ok(bytes) => bytes,
            Err(error) => return Ok((writer, Some(error))),
        };
        let len = bytes.len() as u64;
        writer = writer
            .push(bytes, *offset, job.size, sender, job.incomplete, job.path)
            .await?;
        *offset += len;
        stats.bytes_fetched += len;
        job.options.progress.on_event(ProgressEvent::FileAdvanced {
            path: job.path.clone(),
            bytes: len,
        });
    }
    Ok((writer, None))
}

/// `bytes 100-199/1000` -> 100.
fn parse_content_range_start(value: &str) -> Option<u64> {
    value
        .trim()
        .strip_prefix("bytes ")?
        .split('-')
        .next()?
        .trim()
        .parse()
        .ok()
}

enum Fallback {
    RangeIgnored,
    Failed(Error),
}

impl From<Error> for Fallback {
    fn from(error: Error) -> Self {
        Self::Failed(error)
    }
}

/// Shared between range workers and the hashing thread.
#[derive(Debug, Default)]
struct Watermark {
    /// Bytes known written from 0, contiguously.
    contiguous: u64,
    /// Finished chunk indices beyond the watermark.
    done: std::collections::BTreeSet<u64>,
    /// Set when the download is abandoned.
    aborted: bool,
}

async fn parallel(job: &FetchJob<'_>, source: &Source) -> Result<(FetchStats, String), Fallback> {
    let FetchJob {
        http,
        size,
        kind,
        incomplete,
        path,
        options,
        ..
    } = *job;
    let chunk = options.chunk_size.max(64 * 1024);
    let chunks = size.div_ceil(chunk);
    let prefix = valid_prefix(incomplete, size) / chunk * chunk;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(incomplete)
        .map_err(io_err("cannot open", incomplete))?;
    file.set_len(size)
        .map_err(io_err("cannot size", incomplete))?;
    let progress_file = progress_path(incomplete);
    crate::cache::write_atomic(&progress_file, prefix.to_string().as_bytes())?;
    let file = Arc::new(file);
    options.progress.on_event(ProgressEvent::FileStarted {
        path: path.clone(),
        size,
        resumed_from: prefix,
    });

    let state = Arc::new((
        Mutex::new(Watermark {
            contiguous: prefix,
            ..Watermark::default()
        }),
        Condvar::new(),
    ));
    let hasher = {
        let file = file.clone();
        let state = state.clone();
        tokio::task::spawn_blocking(move || hash_following(&file, size, kind, &state))
    };

    let next_chunk = Arc::new(AtomicU64::new(prefix / chunk));
    let fetched = Arc::new(AtomicU64::new(0));
    let left = chunks - prefix / chunk;
    // Adaptive: start narrow and let the governor widen while the rate rises; pinned:
    // exactly `connections`. One task per possible connection; a task runs a range only in a
    // slot.
    let (start, ceiling) = match options.connections {
        None => (
            adaptive_start(left).min(options.max_connections.max(2)),
            options.max_connections.max(2),
        ),
        Some(pinned) => (pinned.max(1), pinned.max(1)),
    };
    let width = Width::new(start);
    let governor = (ceiling > start).then(|| {
        let ramp = Ramp::new(start, ceiling).capped_below(CAPPED_CONNECTION_PER_TICK);
        tokio::spawn(width.clone().govern(ramp, RANGE_TICK))
    });
    let tail = Arc::new(Tail::new());
    // One task per possible connection, but at least two, so a slow last range can be shared.
    let workers = (ceiling as u64).min(left.max(2)).max(1);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let job = RangeJob {
            width: width.clone(),
            http: http.clone(),
            source: source.clone(),
            file: file.clone(),
            state: state.clone(),
            next_chunk: next_chunk.clone(),
            tail: tail.clone(),
            fetched: fetched.clone(),
            progress_file: progress_file.clone(),
            progress: options.progress.clone(),
            path: path.clone(),
            chunk,
            chunks,
            size,
        };
        // A 429 or 503 waited out by the HTTP core narrows the width, like a reset does.
        set.spawn(hf_auth::http::observing_retries(
            width.pushed_back(),
            job.run(),
        ));
    }
    let mut failure = None;
    while let Some(joined) = set.join_next().await {
        let outcome = joined.unwrap_or_else(|e| {
            Err(Fallback::Failed(Error::Protocol(format!(
                "a download task failed: {e}"
            ))))
        });
        if let Err(error) = outcome {
            failure.get_or_insert(error);
            set.abort_all();
        }
    }
    if let Some(governor) = governor {
        governor.abort();
    }
    options.progress.on_event(ProgressEvent::FileConnections {
        path: path.clone(),
        peak: width.peak().max(1),
    });
    if let Some(error) = failure {
        state
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .aborted = true;
        state.1.notify_all();
        let _ = hasher.await;
        return Err(error);
    }
    let digest = hasher
        .await
        .map_err(|e| Error::Protocol(format!("the hashing task failed: {e}")))?
        .map_err(io_err("cannot read back", incomplete))?;
    Ok((
        FetchStats {
            resumed_from: prefix,
            bytes_fetched: fetched.load(Ordering::Relaxed),
            connections: width.peak().max(1),
            via_xet: false,
        },
        digest.unwrap_or_default(),
    ))
}

/// Hashes the file as its contiguous prefix grows (reading back from the page cache while the
/// download runs, so there is no second pass at the end). `None` when aborted.
fn hash_following(
    file: &File,
    size: u64,
    kind: HashKind,
    state: &(Mutex<Watermark>, Condvar),
) -> std::io::Result<Option<String>> {
    let mut hasher = ContentHasher::new(kind, size);
    let mut hashed = 0u64;
    let mut buf = vec![0u8; WRITE_BUFFER];
    while hashed < size {
        let limit = {
            let mut guard = state
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while guard.contiguous <= hashed && !guard.aborted {
                guard = state
                    .1
                    .wait(guard)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if guard.aborted {
                return Ok(None);
            }
            guard.contiguous
        };
        while hashed < limit {
            let want = (limit - hashed).min(buf.len() as u64) as usize;
            read_at(file, &mut buf[..want], hashed)?;
            hasher.update(&buf[..want]);
            hashed += want as u64;
        }
    }
    Ok(Some(hasher.finish()))
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    file.read_exact_at(buf, offset)
}

#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    file.write_all_at(buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt as _;
    while !buf.is_empty() {
        let n = file.seek_read(buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn write_at(file: &File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt as _;
    while !buf.is_empty() {
        let n = file.seek_write(buf, offset)?;
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

/// A connection moving less than this per [`RANGE_TICK`] (64 MB/s) in the first samples says
/// the link caps each connection (a CDN, a distant server): the first widening then goes
/// straight to the ceiling instead of doubling. On loopback one connection moves gigabytes a
/// second; a link whose total is that slow gains nothing from the jump and the next step
/// comes back.
const CAPPED_CONNECTION_PER_TICK: f64 = 64e6 * 0.125;

/// A file of at least this many chunks starts at the old fixed width.
const WIDE_START_CHUNKS: u64 = 16;

/// The adaptive width a file with `chunks_left` ranges to fetch starts at: a long file starts
/// at [`crate::download_options::DEFAULT_CONNECTIONS`] (measured on loopback: 2 connections take 1.3x as long
/// as 4 on 1 GiB, and the ramp cannot tell in its first samples), a short one at 2, which it
/// may finish before any widening pays off.
fn adaptive_start(chunks_left: u64) -> usize {
    if chunks_left >= WIDE_START_CHUNKS {
        crate::download_options::DEFAULT_CONNECTIONS
    } else {
        2
    }
}

/// One range worker: takes chunk indices until none are left, each in a slot of the width.
struct RangeJob {
    width: Arc<Width>,
    http: HubClient,
    source: Source,
    file: Arc<File>,
    state: Arc<(Mutex<Watermark>, Condvar)>,
    next_chunk: Arc<AtomicU64>,
    tail: Arc<Tail>,
    fetched: Arc<AtomicU64>,
    progress_file: PathBuf,
    progress: Arc<dyn Progress>,
    path: Arc<str>,
    chunk: u64,
    chunks: u64,
    size: u64,
}

impl RangeJob {
    async fn run(self) -> Result<(), Fallback> {
        loop {
            if self.next_chunk.load(Ordering::Relaxed) >= self.chunks && !self.tail.any_in_flight()
            {
                return Ok(());
            }
            let slot = self.width.slot().await;
            let index = self.next_chunk.fetch_add(1, Ordering::Relaxed);
            let piece = if index < self.chunks {
                let start = index * self.chunk;
                self.tail
                    .begin(index, start, (start + self.chunk).min(self.size))
            } else if let Some(piece) = self.tail.steal() {
                piece
            } else if self.tail.any_in_flight() {
                // Nothing to start and no straggler yet: look again shortly.
                drop(slot);
                tokio::time::sleep(TAIL_POLL).await;
                continue;
            } else {
                return Ok(());
            };
            self.fetch_piece(&piece).await?;
            drop(slot);
            if self.tail.finish(&piece) {
                self.mark_done(piece.chunk)?;
            }
        }
    }

    /// Fetches `piece` until it is complete; its end may move down meanwhile (another
    /// connection took over the rest), and then the connection is dropped there.
    async fn fetch_piece(&self, piece: &Piece) -> Result<(), Fallback> {
        let mut failures = 0u32;
        let mut buf: Vec<u8> = Vec::with_capacity(RANGE_WRITE_BUFFER);
        loop {
            let (mut pos, end) = piece.position();
            if pos >= end {
                return Ok(());
            }
            piece.asking();
            let request = self
                .source
                .request(&self.http)
                .header("range", &format!("bytes={pos}-{}", end - 1))
                .send();
            // A stalled range is raced by a take-over: the one that delivers second is dropped
            // here, its request and connection with it.
            let response = tokio::select! {
                response = request => response.map_err(|e| Fallback::Failed(e.into()))?,
                () = piece.lost_race() => return Ok(()),
            };
            if response.status() != 206 {
                return Err(Fallback::RangeIgnored);
            }
            let answered = response
                .header("content-range")
                .and_then(parse_content_range_start);
            if answered != Some(pos) {
                return Err(Fallback::RangeIgnored);
            }
            let mut stream = response.bytes_stream();
            let mut broken = None;
            let mut received_now = 0u64;
            let mut complete = false;
            loop {
                let item = tokio::select! {
                    item = stream.next() => item,
                    () = piece.lost_race() => {
                        complete = true;
                        break;
                    }
                };
                let Some(item) = item else { break };
                match item {
                    Ok(bytes) => {
                        let len = bytes.len() as u64;
                        if pos + buf.len() as u64 + len > end {
                            return Err(Fallback::Failed(Error::Protocol(format!(
                                "the server sent more than the range asked for {}",
                                self.path
                            ))));
                        }
                        let (take, done) = piece.accept(len);
                        buf.extend_from_slice(&bytes[..take as usize]);
                        received_now += take;
                        self.fetched.fetch_add(take, Ordering::Relaxed);
                        self.width.done.fetch_add(take, Ordering::Relaxed);
                        self.progress.on_event(ProgressEvent::FileAdvanced {
                            path: self.path.clone(),
                            bytes: take,
                        });
                        if buf.len() >= RANGE_WRITE_BUFFER {
                            self.flush(&mut buf, &mut pos)?;
                        }
                        if done {
                            complete = true;
                            break;
                        }
                    }
                    Err(error) => {
                        broken = Some(error);
                        break;
                    }
                }
            }
            // Dropping the stream here also closes a connection whose tail was taken over.
            drop(stream);
            self.flush(&mut buf, &mut pos)?;
            if complete || piece.is_complete() {
                return Ok(());
            }
            // A reset or an early end: fewer connections may do better.
            self.width.report_trouble();
            if received_now > 0 {
                failures = 0;
            }
            failures += 1;
            let policy = &self.http.config().retry;
            if failures > policy.max_stream_resumes {
                let error = broken.map_or_else(
                    || Error::Protocol(format!("the body of {} ended early", self.path)),
                    Error::from,
                );
                return Err(Fallback::Failed(error));
            }
            tokio::time::sleep(policy.resume_delay(failures)).await;
        }
    }

    fn flush(&self, buf: &mut Vec<u8>, pos: &mut u64) -> Result<(), Fallback> {
        if buf.is_empty() {
            return Ok(());
        }
        write_at(&self.file, buf, *pos)
            .map_err(|e| Fallback::Failed(Error::io("cannot write the download", e)))?;
        *pos += buf.len() as u64;
        buf.clear();
        Ok(())
    }

    fn mark_done(&self, index: u64) -> Result<(), Fallback> {
        let advanced = {
            let mut guard = self
                .state
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.done.insert(index);
            let before = guard.contiguous;
            while guard.contiguous < self.size {
                let next = guard.contiguous / self.chunk;
                if !guard.done.remove(&next) {
                    break;
                }
                guard.contiguous = (guard.contiguous + self.chunk).min(self.size);
            }
            (guard.contiguous > before).then_some(guard.contiguous)
        };
        if let Some(contiguous) = advanced {
            self.state.1.notify_all();
            // Recorded after the bytes are written, so a killed process resumes from here.
            crate::cache::write_atomic(&self.progress_file, contiguous.to_string().as_bytes())?;
        }
        Ok(())
    }
}
