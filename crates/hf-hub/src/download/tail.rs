//! The tail of a parallel download: when no range is left to start, an idle connection takes
//! over the end of the slowest one still running, if it is much slower than the others were.
//!
//! Over the internet one connection can be far slower than its siblings (a congested path, a
//! slow CDN node, a stalled socket); without this, the whole file waits for it. Each range in
//! flight is a [`Piece`] whose end can move down while it runs; the owner stops (and drops
//! its connection) when it reaches the new end, and the thief fetches the rest as a new piece.
//! A chunk of the file counts as written when all the pieces cut from it have finished.
//!
//! A link's first bytes can be slow (a distant region, a satellite hop, a proxy, a CDN or
//! bridge that needs a second to start a range), so no fixed time says a request stalled: the
//! tail learns the time to first byte of the requests that did deliver ([`Link`]) and judges
//! a request stalled only well past it. A stalled range is raced, not cut: the take-over asks
//! for the same bytes, the first of the two requests to deliver keeps the range and the other
//! is dropped, so a late answer is never fetched twice; and a take-over still waiting for its
//! own first byte is never taken over again.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The smallest part worth a request of its own.
const MIN_PART: u64 = 256 * 1024;
/// A request that has delivered for less than this has no meaningful rate yet.
const MIN_AGE: Duration = Duration::from_millis(300);
/// A straggler is taken over only if that saves at least this long (and at least one time to
/// first byte, which the take-over pays first).
const WORTH_TAKING: Duration = Duration::from_millis(500);
/// ...and only if it runs at most half as fast as the pieces that finished.
const SLOWER: f64 = 2.0;
/// A request with no byte after this many of the link's slowest recent first-byte times has
/// stalled.
const STALL_FACTOR: u32 = 4;
/// How many recent first-byte times the link remembers.
const TTFB_SAMPLES: usize = 16;

/// What the requests of one download have shown about the link: their times to first byte.
#[derive(Debug, Default)]
pub(crate) struct Link {
    first_bytes: Mutex<VecDeque<Duration>>,
}

impl Link {
    fn learn(&self, ttfb: Duration) {
        let mut samples = self
            .first_bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if samples.len() == TTFB_SAMPLES {
            samples.pop_front();
        }
        samples.push_back(ttfb);
    }

    /// The slowest recent time to first byte; `None` before any request delivered.
    fn slowest_first_byte(&self) -> Option<Duration> {
        self.first_bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .max()
            .copied()
    }

    /// How long a request may wait for its first byte before it counts as stalled.
    fn stall_after(&self) -> Option<Duration> {
        self.slowest_first_byte()
            .map(|ttfb| (ttfb * STALL_FACTOR).max(MIN_AGE))
    }
}

/// Which side of a race a piece is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Owner = 1,
    Thief = 2,
}

/// A stalled range and its take-over, both asking for the same bytes: the first to deliver
/// keeps them.
#[derive(Debug, Default)]
struct Race {
    /// 0 while open, else the winning [`Side`].
    winner: AtomicU8,
    decided: Notify,
}

impl Race {
    /// Claims the range for `side`; false when the other side already has it.
    fn claim(&self, side: Side) -> bool {
        match self
            .winner
            .compare_exchange(0, side as u8, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => {
                self.decided.notify_waiters();
                true
            }
            Err(winner) => winner == side as u8,
        }
    }

    fn is_open(&self) -> bool {
        self.winner.load(Ordering::Acquire) == 0
    }

    fn lost_by(&self, side: Side) -> bool {
        matches!(self.winner.load(Ordering::Acquire), w if w != 0 && w != side as u8)
    }
}

/// One range request in flight: bytes `start..end` of chunk `chunk`, with `end` lowered when
/// another connection takes over the rest.
#[derive(Debug)]
pub(crate) struct Piece {
    pub(crate) chunk: u64,
    pub(crate) start: u64,
    /// Started by a take-over (not by the chunk's first request).
    takeover: bool,
    link: Arc<Link>,
    span: Mutex<Span>,
}

#[derive(Debug, Clone)]
struct Span {
    /// Bytes accepted so far end here (written, or buffered to be written).
    received: u64,
    end: u64,
    /// When the request now running was sent.
    asked: Instant,
    /// When that request's first byte arrived, and where it started.
    answered: Option<(Instant, u64)>,
    /// When the piece's first byte arrived (its rate is counted from there).
    first_answer: Option<Instant>,
    /// The race this piece runs with its take-over (or its stalled owner), while it is open
    /// or for the side that lost it.
    race: Option<(Arc<Race>, Side)>,
}

impl Piece {
    fn new(chunk: u64, start: u64, end: u64, link: Arc<Link>, takeover: bool) -> Arc<Self> {
        Arc::new(Self {
            chunk,
            start,
            takeover,
            link,
            span: Mutex::new(Span {
                received: start,
                end,
                asked: Instant::now(),
                answered: None,
                first_answer: None,
                race: None,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Span> {
        self.span.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn span(&self) -> Span {
        self.lock().clone()
    }

    /// Where the next byte goes, and where the piece now ends.
    pub(crate) fn position(&self) -> (u64, u64) {
        let span = self.lock();
        (span.received, span.end)
    }

    /// A request for the rest of the piece is being sent now.
    pub(crate) fn asking(&self) {
        let mut span = self.lock();
        span.asked = Instant::now();
        span.answered = None;
    }

    /// Takes up to `len` bytes arriving at the received position; returns how many belong to
    /// this piece (fewer once its tail was taken over, none when it lost a race for its
    /// range) and whether the piece is complete.
    pub(crate) fn accept(&self, len: u64) -> (u64, bool) {
        let mut span = self.lock();
        if span.answered.is_none() {
            if let Some((race, side)) = span.race.clone() {
                if !race.claim(side) {
                    span.end = span.received;
                    return (0, true);
                }
                span.race = None;
            }
            let now = Instant::now();
            self.link.learn(now.duration_since(span.asked));
            span.answered = Some((now, span.received));
            span.first_answer.get_or_insert(now);
        }
        let take = len.min(span.end - span.received);
        span.received += take;
        (take, span.received >= span.end)
    }

    pub(crate) fn is_complete(&self) -> bool {
        let span = self.lock();
        span.received >= span.end
    }

    /// Resolves when this piece has lost the race for its range (the other request delivered
    /// first); the piece is then complete with what it has. Never resolves otherwise.
    pub(crate) async fn lost_race(&self) {
        let Some((race, side)) = self.lock().race.clone() else {
            return std::future::pending().await;
        };
        loop {
            let decided = race.decided.notified();
            if race.lost_by(side) {
                let mut span = self.lock();
                span.end = span.received;
                return;
            }
            if !race.is_open() {
                return std::future::pending().await;
            }
            decided.await;
        }
    }
}

/// What to do about a piece in flight.
enum Verdict {
    /// Cut it here: the owner keeps bytes up to `cut`, a take-over fetches the rest.
    Cut { cut: u64, time_left: f64 },
    /// No byte long past the link's time to first byte: race a take-over for the same bytes.
    Stalled,
}

/// Where to cut a piece that has `remaining` bytes left at `own_rate` bytes/s, when finished
/// pieces ran at `typical` bytes/s and a new request waits `ttfb` seconds for its first byte:
/// the bytes its owner keeps, or `None` when taking over is not worth a request. The cut lets
/// both connections finish at about the same time.
fn bytes_kept(remaining: u64, own_rate: f64, typical: f64, ttfb: f64) -> Option<u64> {
    if remaining < 2 * MIN_PART || typical <= 0.0 || own_rate * SLOWER > typical {
        return None;
    }
    let remaining_f = remaining as f64;
    let kept = if own_rate <= 0.0 {
        0.0
    } else {
        // The owner's kept/own_rate equals the thief's ttfb + (remaining - kept)/typical.
        ((ttfb + remaining_f / typical) / (1.0 / own_rate + 1.0 / typical)).min(remaining_f)
    };
    let saved = if own_rate <= 0.0 {
        f64::INFINITY
    } else {
        (remaining_f - kept) / own_rate
    };
    if saved < WORTH_TAKING.as_secs_f64().max(ttfb) {
        return None;
    }
    let kept = kept as u64;
    (remaining - kept >= MIN_PART).then_some(kept)
}

/// The pieces of one file in flight, and what finished ones tell about the link.
#[derive(Debug)]
pub(crate) struct Tail {
    in_flight: Mutex<Vec<Arc<Piece>>>,
    link: Arc<Link>,
    /// The rate of the last piece that finished, bytes/s (`f64` bits; 0 = none yet).
    typical: AtomicU64,
    /// Bytes of each chunk not yet finished, once a piece of it has started.
    missing: Mutex<std::collections::HashMap<u64, u64>>,
}

impl Tail {
    pub(crate) fn new() -> Self {
        Self {
            in_flight: Mutex::new(Vec::new()),
            link: Arc::new(Link::default()),
            typical: AtomicU64::new(0),
            missing: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Starts the first piece of a chunk, the whole of it.
    pub(crate) fn begin(&self, chunk: u64, start: u64, end: u64) -> Arc<Piece> {
        let piece = Piece::new(chunk, start, end, self.link.clone(), false);
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
        let span = piece.span();
        let bytes = span.received - piece.start;
        if let Some(first) = span.first_answer {
            let secs = first.elapsed().as_secs_f64();
            if bytes >= MIN_PART && secs > 0.0 {
                self.typical
                    .store((bytes as f64 / secs).to_bits(), Ordering::Release);
            }
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

    /// What to do about `piece` now, if anything.
    fn judge(&self, piece: &Piece, now: Instant, typical: f64) -> Option<Verdict> {
        let span = piece.span();
        if span.race.as_ref().is_some_and(|(race, _)| race.is_open()) {
            // Its take-over (or its stalled owner) is already asking for these bytes.
            return None;
        }
        let remaining = span.end.saturating_sub(span.received);
        let ttfb = self.link.slowest_first_byte()?.as_secs_f64();
        match span.answered {
            None => {
                let waited = now.duration_since(span.asked);
                let stalled = !piece.takeover
                    && typical > 0.0
                    && remaining > 0
                    && waited >= self.link.stall_after()?;
                stalled.then_some(Verdict::Stalled)
            }
            Some((answered, from)) => {
                let age = now.duration_since(answered);
                if age < MIN_AGE {
                    return None;
                }
                let rate = (span.received - from) as f64 / age.as_secs_f64();
                let kept = bytes_kept(remaining, rate, typical, ttfb)?;
                let time_left = remaining as f64 / rate.max(f64::MIN_POSITIVE);
                Some(Verdict::Cut {
                    cut: span.received + kept,
                    time_left,
                })
            }
        }
    }

    /// Takes over a stalled piece, or the end of the slowest piece in flight when it is much
    /// slower than the pieces that finished; returns the new piece to fetch.
    pub(crate) fn steal(&self) -> Option<Arc<Piece>> {
        let typical = f64::from_bits(self.typical.load(Ordering::Acquire));
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let mut chosen: Option<(f64, &Arc<Piece>)> = None;
        for piece in in_flight.iter() {
            let time_left = match self.judge(piece, now, typical) {
                None => continue,
                Some(Verdict::Stalled) => f64::INFINITY,
                Some(Verdict::Cut { time_left, .. }) => time_left,
            };
            if chosen.is_none_or(|(t, _)| time_left > t) {
                chosen = Some((time_left, piece));
            }
        }
        let victim = chosen?.1.clone();
        // Judged again under the victim's lock, so a byte that arrived meanwhile counts.
        let verdict = self.judge(&victim, now, typical)?;
        let taken = {
            let mut span = victim.lock();
            match verdict {
                Verdict::Stalled if span.answered.is_none() => {
                    let race = Arc::new(Race::default());
                    span.race = Some((race.clone(), Side::Owner));
                    let taken = Piece::new(
                        victim.chunk,
                        span.received,
                        span.end,
                        self.link.clone(),
                        true,
                    );
                    taken.lock().race = Some((race, Side::Thief));
                    tracing::debug!(
                        start = taken.start,
                        waited_ms = now.duration_since(span.asked).as_millis() as u64,
                        "racing a stalled range with a new request"
                    );
                    taken
                }
                Verdict::Cut { cut, .. } if cut >= span.received && cut < span.end => {
                    let taken = Piece::new(victim.chunk, cut, span.end, self.link.clone(), true);
                    span.end = cut;
                    tracing::debug!(
                        start = taken.start,
                        bytes = taken.position().1 - taken.start,
                        "taking over the tail of a slow range"
                    );
                    taken
                }
                _ => return None,
            }
        };
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
        assert_eq!(bytes_kept(16 << 20, 20.0 * MB, 20.0 * MB, 0.0), None);
        assert_eq!(bytes_kept(16 << 20, 11.0 * MB, 20.0 * MB, 0.0), None);
    }

    #[test]
    fn a_straggler_keeps_what_it_can_finish_in_the_same_time() {
        // 1 MB/s against 20 MB/s: it keeps 1/21 of what is left.
        let remaining = 21 << 20;
        let kept = bytes_kept(remaining, 1.0 * MB, 20.0 * MB, 0.0).unwrap();
        assert!(kept.abs_diff(1 << 20) <= 1, "{kept}");
        // Both halves then take the same time.
        let own = kept as f64 / MB;
        let thief = (remaining - kept) as f64 / (20.0 * MB);
        assert!((own - thief).abs() < 0.01, "{own} vs {thief}");
        // A stalled one gives up everything left.
        assert_eq!(bytes_kept(remaining, 0.0, 20.0 * MB, 0.0), Some(0));
    }

    #[test]
    fn the_thief_s_own_wait_for_a_first_byte_is_counted_in_the_cut() {
        let remaining = 21 << 20;
        // A second to first byte: the owner keeps a second's worth more than with none.
        let kept = bytes_kept(remaining, 1.0 * MB, 20.0 * MB, 1.0).unwrap();
        let own = kept as f64 / MB;
        let thief = 1.0 + (remaining - kept) as f64 / (20.0 * MB);
        assert!((own - thief).abs() < 0.01, "{own} vs {thief}");
        assert!(kept > bytes_kept(remaining, 1.0 * MB, 20.0 * MB, 0.0).unwrap());
        // A take-over that would save less than one time to first byte is not worth it.
        assert_eq!(bytes_kept(4 << 20, 2.0 * MB, 20.0 * MB, 2.0), None);
    }

    #[test]
    fn small_or_nearly_done_tails_are_not_worth_a_request() {
        // Less than two minimum parts left.
        assert_eq!(bytes_kept(400 * 1024, 0.0, 20.0 * MB, 0.0), None);
        // Slow, but done in under half a second.
        assert_eq!(bytes_kept(1 << 20, 4.0 * MB, 100.0 * MB, 0.0), None);
        // Nothing finished yet: nothing to compare with.
        assert_eq!(bytes_kept(16 << 20, 1.0, 0.0, 0.0), None);
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

    /// A tail whose link has shown `ttfb` to first byte and 100 MB/s, with one piece (chunk 0)
    /// waiting for its first byte.
    fn tail_waiting_on_a_slow_link(ttfb: Duration) -> (Tail, Arc<Piece>) {
        let tail = Tail::new();
        tail.link.learn(ttfb);
        tail.set_typical(100.0 * MB);
        let piece = tail.begin(0, 0, 8 << 20);
        piece.asking();
        (tail, piece)
    }

    #[test]
    fn a_request_within_the_link_s_time_to_first_byte_is_left_alone() {
        let (tail, _piece) = tail_waiting_on_a_slow_link(Duration::from_millis(150));
        // 300 ms without a byte: the old fixed rule called this stalled.
        std::thread::sleep(Duration::from_millis(320));
        assert!(tail.steal().is_none());
        assert_eq!(tail.link.stall_after(), Some(Duration::from_millis(600)));
    }

    #[test]
    fn a_stalled_range_is_raced_once_and_the_first_to_deliver_keeps_it() {
        let (tail, owner) = tail_waiting_on_a_slow_link(Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            tail.steal().is_none(),
            "within 4x the link's first-byte time"
        );
        std::thread::sleep(Duration::from_millis(120));
        let thief = tail
            .steal()
            .expect("no byte after 4x the link's first-byte time");
        assert_eq!(
            thief.position(),
            (0, 8 << 20),
            "the take-over asks for the same bytes"
        );
        assert_eq!(owner.position(), (0, 8 << 20), "the owner is not cut");
        // Neither the owner (its race is open) nor the take-over (still waiting) is taken
        // over again, however long they wait.
        std::thread::sleep(Duration::from_millis(500));
        assert!(tail.steal().is_none());
        // The owner answers late, but first: it keeps the range and the take-over gives up.
        assert_eq!(owner.accept(1 << 20), (1 << 20, false));
        assert_eq!(thief.accept(1 << 20), (0, true));
        assert_eq!(thief.position(), (0, 0));
        assert!(!tail.finish(&thief));
        assert_eq!(owner.accept(8 << 20), ((7 << 20), true));
        assert!(tail.finish(&owner), "the chunk is whole once");
        assert!(!tail.any_in_flight());
    }

    #[tokio::test]
    async fn the_loser_of_a_race_is_told_at_once() {
        let (tail, owner) = tail_waiting_on_a_slow_link(Duration::from_millis(10));
        tokio::time::sleep(MIN_AGE + Duration::from_millis(20)).await;
        let thief = tail.steal().expect("stalled");
        let waiting = tokio::spawn({
            let owner = owner.clone();
            async move { owner.lost_race().await }
        });
        assert_eq!(thief.accept(4096), (4096, false));
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the owner learns it lost")
            .unwrap();
        assert!(owner.is_complete());
        assert_eq!(owner.position(), (0, 0));
        // The winner is never told it lost.
        let winner = tokio::time::timeout(Duration::from_millis(50), thief.lost_race()).await;
        assert!(winner.is_err());
    }
}
