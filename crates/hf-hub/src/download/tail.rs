//! The tail of a parallel download: when no range is left to start, an idle connection takes
//! over the end of the slowest one still running, if it is much slower than the others were.
//!
//! Over the internet one connection can be far slower than its siblings (a congested path, a
//! slow CDN node, a stalled socket); without this, the whole file waits for it. Each range in
//! flight is a [`Piece`] whose end can move down while it runs; the owner stops (and drops
//! its connection) when it reaches the new end, and the thief fetches the rest as a new piece.
//! A chunk of the file counts as written when all the pieces cut from it have finished.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The smallest part worth a request of its own.
const MIN_PART: u64 = 256 * 1024;
/// A piece younger than this has no meaningful rate yet (its request may still be opening).
const MIN_AGE: Duration = Duration::from_millis(300);
/// A straggler is taken over only if it would still need at least this long.
const WORTH_TAKING: Duration = Duration::from_millis(500);
/// ...and only if it runs at most half as fast as the pieces that finished.
const SLOWER: f64 = 2.0;

/// One range request in flight: bytes `start..end` of chunk `chunk`, with `end` lowered when
/// another connection takes over the rest.
#[derive(Debug)]
pub(crate) struct Piece {
    pub(crate) chunk: u64,
    pub(crate) start: u64,
    started: Instant,
    span: Mutex<Span>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    /// Bytes accepted so far end here (written, or buffered to be written).
    received: u64,
    end: u64,
}

impl Piece {
    pub(crate) fn new(chunk: u64, start: u64, end: u64) -> Arc<Self> {
        Arc::new(Self {
            chunk,
            start,
            started: Instant::now(),
            span: Mutex::new(Span {
                received: start,
                end,
            }),
        })
    }

    fn span(&self) -> Span {
        *self.span.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where the next byte goes, and where the piece now ends.
    pub(crate) fn position(&self) -> (u64, u64) {
        let span = self.span();
        (span.received, span.end)
    }

    /// Takes up to `len` bytes arriving at the received position; returns how many belong to
    /// this piece (fewer once its tail was taken over) and whether the piece is complete.
    pub(crate) fn accept(&self, len: u64) -> (u64, bool) {
        let mut span = self.span.lock().unwrap_or_else(PoisonError::into_inner);
        let take = len.min(span.end - span.received);
        span.received += take;
        (take, span.received >= span.end)
    }

    pub(crate) fn is_complete(&self) -> bool {
        let span = self.span();
        span.received >= span.end
    }
}

/// Where to cut a piece that has `remaining` bytes left at `own_rate` bytes/s, when finished
/// pieces ran at `typical` bytes/s: the bytes its owner keeps, or `None` when taking over is
/// not worth a request. The cut lets both connections finish at about the same time.
fn bytes_kept(remaining: u64, own_rate: f64, typical: f64) -> Option<u64> {
    if remaining < 2 * MIN_PART || typical <= 0.0 || own_rate * SLOWER > typical {
        return None;
    }
    let time_left = remaining as f64 / own_rate.max(f64::MIN_POSITIVE);
    if time_left < WORTH_TAKING.as_secs_f64() {
        return None;
    }
    let kept = (remaining as f64 * own_rate / (own_rate + typical)) as u64;
    (remaining - kept >= MIN_PART).then_some(kept)
}

/// The pieces of one file in flight, and what finished ones tell about the link.
#[derive(Debug)]
pub(crate) struct Tail {
    in_flight: Mutex<Vec<Arc<Piece>>>,
    /// The rate of the last piece that finished, bytes/s (`f64` bits; 0 = none yet).
    typical: AtomicU64,
    /// Bytes of each chunk not yet finished, once a piece of it has started.
    missing: Mutex<std::collections::HashMap<u64, u64>>,
}

impl Tail {
    pub(crate) fn new() -> Self {
        Self {
            in_flight: Mutex::new(Vec::new()),
            typical: AtomicU64::new(0),
            missing: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Starts the first piece of a chunk, the whole of it.
    pub(crate) fn begin(&self, chunk: u64, start: u64, end: u64) -> Arc<Piece> {
        let piece = Piece::new(chunk, start, end);
        self.missing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(chunk, end - start);
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(piece.clone());
        piece
    }

    pub(crate) fn any_in_flight(&self) -> bool {
        !self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Retires a complete piece; returns whether its chunk is now entirely written.
    pub(crate) fn finish(&self, piece: &Arc<Piece>) -> bool {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|p| !Arc::ptr_eq(p, piece));
        let (received, _) = piece.position();
        let bytes = received - piece.start;
        let secs = piece.started.elapsed().as_secs_f64();
        if bytes >= MIN_PART && secs > 0.0 {
            self.typical
                .store((bytes as f64 / secs).to_bits(), Ordering::Release);
        }
        let mut missing = self.missing.lock().unwrap_or_else(PoisonError::into_inner);
        let left = missing.entry(piece.chunk).or_insert(0);
        *left = left.saturating_sub(bytes);
        let done = *left == 0;
        if done {
            missing.remove(&piece.chunk);
        }
        done
    }

    /// Takes over the end of the slowest piece in flight when it is much slower than the
    /// pieces that finished; returns the new piece to fetch.
    pub(crate) fn steal(&self) -> Option<Arc<Piece>> {
        let typical = f64::from_bits(self.typical.load(Ordering::Acquire));
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let mut slowest: Option<(f64, &Arc<Piece>)> = None;
        for piece in in_flight.iter() {
            let age = now.duration_since(piece.started);
            if age < MIN_AGE {
                continue;
            }
            let span = piece.span();
            let rate = (span.received - piece.start) as f64 / age.as_secs_f64();
            let remaining = span.end - span.received;
            if bytes_kept(remaining, rate, typical).is_some() {
                let time_left = remaining as f64 / rate.max(f64::MIN_POSITIVE);
                if slowest.is_none_or(|(t, _)| time_left > t) {
                    slowest = Some((time_left, piece));
                }
            }
        }
        let victim = slowest?.1.clone();
        let taken = {
            let mut span = victim.span.lock().unwrap_or_else(PoisonError::into_inner);
            let age = now.duration_since(victim.started).as_secs_f64();
            let rate = (span.received - victim.start) as f64 / age;
            let kept = bytes_kept(span.end - span.received, rate, typical)?;
            let cut = span.received + kept;
            let taken = Piece::new(victim.chunk, cut, span.end);
            span.end = cut;
            taken
        };
        tracing::debug!(
            start = taken.start,
            bytes = taken.position().1 - taken.start,
            "taking over the tail of a slow range"
        );
        in_flight.push(taken.clone());
        Some(taken)
    }

    /// The rate of the last piece that finished, for tests.
    #[cfg(test)]
    fn set_typical(&self, rate: f64) {
        self.typical.store(rate.to_bits(), Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = 1_000_000.0;

    #[test]
    fn a_connection_as_fast_as_the_rest_keeps_its_range() {
        assert_eq!(bytes_kept(16 << 20, 20.0 * MB, 20.0 * MB), None);
        assert_eq!(bytes_kept(16 << 20, 11.0 * MB, 20.0 * MB), None);
    }

    #[test]
    fn a_straggler_keeps_what_it_can_finish_in_the_same_time() {
        // 1 MB/s against 20 MB/s: it keeps 1/21 of what is left.
        let remaining = 21 << 20;
        let kept = bytes_kept(remaining, 1.0 * MB, 20.0 * MB).unwrap();
        assert!(kept.abs_diff(1 << 20) <= 1, "{kept}");
        // Both halves then take the same time.
        let own = kept as f64 / MB;
        let thief = (remaining - kept) as f64 / (20.0 * MB);
        assert!((own - thief).abs() < 0.01, "{own} vs {thief}");
        // A stalled one gives up everything left.
        assert_eq!(bytes_kept(remaining, 0.0, 20.0 * MB), Some(0));
    }

    #[test]
    fn small_or_nearly_done_tails_are_not_worth_a_request() {
        // Less than two minimum parts left.
        assert_eq!(bytes_kept(400 * 1024, 0.0, 20.0 * MB), None);
        // Slow, but done in under half a second.
        assert_eq!(bytes_kept(1 << 20, 4.0 * MB, 100.0 * MB), None);
        // Nothing finished yet: nothing to compare with.
        assert_eq!(bytes_kept(16 << 20, 1.0, 0.0), None);
    }

    #[test]
    fn stealing_lowers_the_owners_end_and_the_chunk_completes_once() {
        let tail = Tail::new();
        let piece = tail.begin(3, 0, 8 << 20);
        assert_eq!(piece.accept(1 << 20), (1 << 20, false));
        // Too young to judge.
        tail.set_typical(100.0 * MB);
        assert!(tail.steal().is_none());
        std::thread::sleep(MIN_AGE + Duration::from_millis(20));
        let taken = tail
            .steal()
            .expect("a 1 MiB in 0.3 s range against 100 MB/s is a straggler");
        let (received, end) = piece.position();
        assert_eq!(received, 1 << 20);
        assert_eq!(taken.start, end);
        assert_eq!(taken.position().1, 8 << 20);
        assert!(
            end > received && end < 2 << 20,
            "owner keeps {}",
            end - received
        );
        // The owner's next bytes stop at its new end.
        let (took, complete) = piece.accept(8 << 20);
        assert_eq!(took, end - received);
        assert!(complete);
        assert!(
            !tail.finish(&piece),
            "the chunk is not whole until the thief is done"
        );
        let (took, complete) = taken.accept(8 << 20);
        assert_eq!(took, (8 << 20) - end);
        assert!(complete);
        assert!(tail.finish(&taken));
        assert!(!tail.any_in_flight());
    }
}
