//! How many transfers to run at once, found while downloading instead of guessed.
//!
//! On loopback one connection already moves a gigabyte a second; over the internet each
//! connection gets a capped rate and each request costs a round trip, so the useful width is
//! whatever keeps the aggregate rate rising. [`Ramp`] is that decision, as pure logic over
//! rate samples (unit-tested with a simulated link); [`Width`] applies it to running tasks:
//! range workers of one large file, or the files of a snapshot in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// How often the rate of range requests is sampled (a 16 MiB range at 20 MB/s takes 0.8 s;
/// bytes arrive all along, so a short tick still measures).
pub(crate) const RANGE_TICK: Duration = Duration::from_millis(125);
/// How often the rate of files completed is sampled (a round trip is tens of milliseconds).
pub(crate) const FILE_TICK: Duration = Duration::from_millis(100);
/// The longest a waiting task sleeps before looking at the width again.
const RECHECK: Duration = Duration::from_millis(50);
/// A sample with nothing done is extended up to this long before it counts as a rate of zero.
const LONGEST_SAMPLE: Duration = Duration::from_secs(10);
/// A wider setting is kept only if it raised the rate by at least this factor.
const GAIN: f64 = 1.15;
/// A widening that nearly doubled the rate (the link scales linearly with width): the next
/// step quadruples instead of doubling, so a capped link is filled in fewer steps.
const LINEAR: f64 = 1.8;
/// Samples taken at each width before judging it (the first one after a change is
/// transitional: new connections are still opening).
const SAMPLES_PER_STEP: u32 = 2;

/// Widens while the aggregate rate keeps rising, up to a ceiling; settles at the last width
/// that paid off; halves on trouble (resets, early ends, 429/503 answers) and stays there.
#[derive(Debug, Clone)]
pub(crate) struct Ramp {
    width: usize,
    ceiling: usize,
    /// The best steady rate seen at the previous (narrower) width, and that width.
    previous: Option<(f64, usize)>,
    /// Samples at the current width, and their best.
    samples: u32,
    best_here: f64,
    settled: bool,
    /// The factor of the first widening, taken before any comparison is possible.
    first_step: usize,
    /// Work per tick and per connection below which the link is judged capped per
    /// connection (see [`Ramp::capped_below`]).
    capped_below: Option<f64>,
}

impl Ramp {
    pub(crate) fn new(start: usize, ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        Self {
            width: start.clamp(1, ceiling),
            ceiling,
            previous: None,
            samples: 0,
            best_here: 0.0,
            settled: start >= ceiling,
            first_step: 2,
            capped_below: None,
        }
    }

    /// When the first steady sample moves less than `per_connection` per tick and per
    /// connection, the link caps each connection: the first widening goes straight to the
    /// ceiling (a capped link scales with the width, and every step of the ramp costs
    /// samples). A link that is merely slow in total gains nothing from it, and the next
    /// judgement returns to the width before.
    pub(crate) fn capped_below(mut self, per_connection: f64) -> Self {
        self.capped_below = Some(per_connection);
        self
    }

    /// The first widening multiplies by `factor` (it is blind anyway: there is nothing to
    /// compare with yet). Files of a snapshot cost a round trip each, so starting wide is cheap.
    pub(crate) fn first_step(mut self, factor: usize) -> Self {
        self.first_step = factor.max(2);
        self
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Takes the amount done during the last tick; returns the width to use from now on.
    pub(crate) fn observe(&mut self, done_in_tick: f64) -> usize {
        if self.settled {
            return self.width;
        }
        self.samples += 1;
        if self.samples == 1 {
            // Transitional: connections opened during this tick. Even so, on a link that caps
            // each connection, the very first tick already shows it (opening a connection
            // costs less than a tick; a capped one then moves a fraction of what a free one
            // does): go to the ceiling at once rather than one sample later.
            if self.previous.is_none()
                && self
                    .capped_below
                    .is_some_and(|limit| done_in_tick / (self.width as f64) < limit)
            {
                return self.jump_to_ceiling(done_in_tick);
            }
            return self.width;
        }
        self.best_here = self.best_here.max(done_in_tick);
        if self.samples < SAMPLES_PER_STEP + 1 {
            return self.width;
        }
        let rate = self.best_here;
        let gain = self
            .previous
            .map(|(before, _)| rate / before.max(f64::MIN_POSITIVE));
        if let (Some(gain), Some((_, before_width))) = (gain, self.previous)
            && gain < GAIN
        {
            // The last widening bought nothing: go back to the width before it and stay.
            self.width = before_width;
            self.settled = true;
            return self.width;
        }
        if self.width >= self.ceiling {
            self.settled = true;
            return self.width;
        }
        let factor = match gain {
            None => self.first_step,
            Some(g) if g >= LINEAR => 4,
            Some(_) => 2,
        };
        self.previous = Some((rate, self.width));
        self.width = (self.width * factor).min(self.ceiling);
        self.samples = 0;
        self.best_here = 0.0;
        self.width
    }

    /// The first widening of a capped link: the ceiling, judged against `rate` next (a ramp
    /// that starts at its ceiling is settled from the start and never gets here).
    fn jump_to_ceiling(&mut self, rate: f64) -> usize {
        self.previous = Some((rate, self.width));
        self.width = self.ceiling;
        self.samples = 0;
        self.best_here = 0.0;
        self.width
    }

    /// Resets, stalls or refusals: half as wide, and no more widening.
    pub(crate) fn trouble(&mut self) -> usize {
        self.width = (self.width / 2).max(1);
        self.settled = true;
        self.width
    }
}

/// The current width, shared by the tasks it governs: each takes a slot before starting a
/// unit of work (a range, a file) and gives it back after.
#[derive(Debug)]
pub(crate) struct Width {
    target: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
    widened: Notify,
    /// Work done (bytes or files), for the controller's samples.
    pub(crate) done: AtomicU64,
    /// Set by workers that met a reset or a stall; read and cleared by the controller.
    trouble: std::sync::atomic::AtomicBool,
}

/// A slot held while one unit of work runs.
pub(crate) struct Slot<'a>(&'a Width);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
        // A narrower target may now let a waiting task through only if widened later;
        // a freed slot under the target wakes one.
        self.0.widened.notify_one();
    }
}

impl Width {
    pub(crate) fn new(start: usize) -> Arc<Self> {
        Arc::new(Self {
            target: AtomicUsize::new(start.max(1)),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            widened: Notify::new(),
            done: AtomicU64::new(0),
            trouble: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Waits for a free slot under the current target.
    pub(crate) async fn slot(&self) -> Slot<'_> {
        loop {
            let running = self.running.fetch_add(1, Ordering::AcqRel);
            if running < self.target.load(Ordering::Acquire) {
                self.peak.fetch_max(running + 1, Ordering::AcqRel);
                return Slot(self);
            }
            self.running.fetch_sub(1, Ordering::AcqRel);
            // Woken by a widening or a freed slot; the timeout covers a wake-up lost between
            // the check and the wait.
            let _ = tokio::time::timeout(RECHECK, self.widened.notified()).await;
        }
    }

    fn set_target(&self, width: usize) {
        let before = self.target.swap(width.max(1), Ordering::AcqRel);
        if width > before {
            self.widened.notify_waiters();
        }
    }

    /// The most units that ran at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }

    pub(crate) fn report_trouble(&self) {
        self.trouble.store(true, Ordering::Release);
    }

    /// An observer for [`hf_auth::http::observing_retries`]: a 429 or 503 waited out by the
    /// HTTP core counts as trouble, like a reset.
    pub(crate) fn pushed_back(self: &Arc<Self>) -> hf_auth::http::RetryObserver {
        let width = self.clone();
        Arc::new(move |_: &hf_auth::http::FailedAttempt| width.report_trouble())
    }

    /// Samples the work done every `tick` and moves the target as `ramp` decides, until
    /// dropped (run it beside the workers and abort it when they are done).
    ///
    /// A sample spans at least one tick and lasts until some work was done: on a link whose
    /// first bytes take seconds, a tick with nothing done says nothing about the width (and
    /// judged as a rate of zero it stopped the widening where it started). Each sample is
    /// scaled to one tick's worth, so every sample compares with every other.
    pub(crate) async fn govern(self: Arc<Self>, mut ramp: Ramp, tick: Duration) {
        self.set_target(ramp.width());
        let mut last = self.done.load(Ordering::Acquire);
        let mut since = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(tick).await;
            let now = self.done.load(Ordering::Acquire);
            let trouble = self.trouble.swap(false, Ordering::AcqRel);
            let window = since.elapsed();
            if now == last && !trouble && window < LONGEST_SAMPLE {
                continue;
            }
            let width = if trouble {
                ramp.trouble()
            } else {
                ramp.observe((now - last) as f64 * tick.as_secs_f64() / window.as_secs_f64())
            };
            last = now;
            since = tokio::time::Instant::now();
            if width != self.target.load(Ordering::Acquire) {
                tracing::debug!(width, "transfers in flight");
            }
            self.set_target(width);
        }
    }
}

/// Runs `work` in a slot of `width` and counts it done (a file of a snapshot). A 429 or 503
/// that its requests wait out narrows the width, like a reset does.
pub(crate) async fn gated<F: std::future::Future>(width: &Arc<Width>, work: F) -> F::Output {
    let _slot = width.slot().await;
    let out = hf_auth::http::observing_retries(width.pushed_back(), work).await;
    width.done.fetch_add(1, Ordering::Relaxed);
    out
}

/// The width of a snapshot's files for `options`, and its governor (already running) when
/// the width may change. Abort the governor when the snapshot is done.
pub(crate) fn files_in_flight(
    options: &crate::download_options::DownloadOptions,
) -> (Arc<Width>, usize, Option<tokio::task::JoinHandle<()>>) {
    let start = options.max_workers.max(1);
    let ceiling = options.max_files_in_flight.max(start);
    let width = Width::new(start);
    let governor = (ceiling > start).then(|| {
        tokio::spawn(
            width
                .clone()
                .govern(Ramp::new(start, ceiling).first_step(4), FILE_TICK),
        )
    });
    (width, ceiling, governor)
}

#[cfg(test)]
mod tests {
    use super::Ramp;

    /// Drives a ramp against a simulated link: `rate(width)` is what that many transfers
    /// move per tick. Returns the width it settles at.
    fn settle(mut ramp: Ramp, rate: impl Fn(usize) -> f64) -> usize {
        for _ in 0..200 {
            let width = ramp.width();
            ramp.observe(rate(width));
        }
        ramp.width()
    }

    #[test]
    fn it_widens_to_the_ceiling_while_each_connection_is_capped() {
        // 20 MB/s per connection, plenty of link: every doubling doubles the rate.
        let width = settle(Ramp::new(2, 32), |w| 20.0 * w as f64);
        assert_eq!(width, 32);
    }

    #[test]
    fn it_stops_where_the_link_is_full() {
        // 20 MB/s per connection, but the link carries 170 MB/s: 2 -> 4 doubles the rate,
        // so it quadruples to 16 (170, still paying off), tries 32 (nothing more) and goes
        // back to 16, which fills the link.
        let link = |w: usize| (20.0 * w as f64).min(170.0);
        let width = settle(Ramp::new(2, 32), link);
        assert_eq!(width, 16);
        assert!(link(width) >= 170.0);
        // A 100 MB/s link: 2:40, 4:80 (x2: quadruple), 16:100 (x1.25: double), 32:100 (no
        // gain): back to 16. Wider than needed, never narrower.
        let width = settle(Ramp::new(2, 32), |w| (20.0 * w as f64).min(100.0));
        assert_eq!(width, 16);
        // ...and a link that 4 nearly fill stops right after.
        let width = settle(Ramp::new(2, 32), |w| (20.0 * w as f64).min(85.0));
        assert_eq!(width, 4);
    }

    #[test]
    fn on_loopback_it_stays_narrow() {
        // The CPU is the limit: more connections move nothing more.
        let width = settle(Ramp::new(2, 32), |_| 1000.0);
        assert_eq!(width, 2);
    }

    #[test]
    fn round_trips_bound_many_small_files() {
        // 30 ms per request: each file in flight completes ~8 files per 250 ms tick.
        let width = settle(Ramp::new(8, 64), |w| 8.0 * w as f64);
        assert_eq!(width, 64);
        let width = settle(Ramp::new(8, 64).first_step(4), |w| 8.0 * w as f64);
        assert_eq!(width, 64);
        // Where 8 already saturate, a blind first step to 32 is taken back.
        let width = settle(Ramp::new(8, 64).first_step(4), |_| 100.0);
        assert_eq!(width, 8);
    }

    /// Ticks until the width first changes, and the width it changes to.
    fn first_widening(mut ramp: Ramp, rate: impl Fn(usize) -> f64) -> (u32, usize) {
        let start = ramp.width();
        for tick in 1..100 {
            let width = ramp.observe(rate(ramp.width()));
            if width != start {
                return (tick, width);
            }
        }
        (100, start)
    }

    #[test]
    fn a_link_that_caps_each_connection_is_filled_in_one_step() {
        // 20 MB/s per connection (2.5 MB per 125 ms tick), judged capped below 8 MB a tick:
        // straight to the ceiling after the first tick.
        let capped = |w: usize| 2.5e6 * w as f64;
        let ramp = Ramp::new(4, 32).capped_below(8e6);
        assert_eq!(first_widening(ramp.clone(), capped), (1, 32));
        assert_eq!(settle(ramp, capped), 32);
        // Loopback (a connection moves 100 MB a tick): the ordinary doubling, and it stops
        // where more connections move nothing more.
        let loopback = |w: usize| (100e6 * w as f64).min(400e6);
        let ramp = Ramp::new(4, 32).capped_below(8e6);
        assert_eq!(first_widening(ramp.clone(), loopback), (3, 8));
        assert_eq!(settle(ramp, loopback), 4);
        // A link slow in total (6 MB a tick whatever the width) looks capped: the jump is
        // taken back at the next judgement.
        assert_eq!(settle(Ramp::new(4, 32).capped_below(8e6), |_| 6e6), 4);
    }

    #[test]
    fn trouble_halves_it_and_it_stays_there() {
        let mut ramp = Ramp::new(2, 32);
        for _ in 0..6 {
            let w = ramp.width();
            ramp.observe(20.0 * w as f64);
        }
        let before = ramp.width();
        assert!(before >= 8, "{before}");
        assert_eq!(ramp.trouble(), before / 2);
        for _ in 0..20 {
            let w = ramp.width();
            ramp.observe(20.0 * w as f64);
        }
        assert_eq!(ramp.width(), before / 2);
    }

    #[test]
    fn a_pinned_width_never_moves() {
        let mut ramp = Ramp::new(6, 6);
        for _ in 0..20 {
            assert_eq!(ramp.observe(1.0), 6);
        }
    }
}
