//! Progress bars on stderr, the same for every command: one rule for when they show, one
//! size above which a file gets its own bar, one look.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::output::OutputFormat;
use hf_auth::env::{self, EnvSource};
use hf_hub::progress::{Progress, ProgressEvent};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files at least this large get their own bar while they are in flight.
const OWN_BAR: u64 = 10 * 1024 * 1024;

/// Whether bars are shown: the output is for people (`--format human`, or `auto` on a
/// terminal; as in Python, the other formats draw none), stderr is a terminal and
/// `HF_HUB_DISABLE_PROGRESS_BARS` is not set.
pub(crate) fn wanted(format: OutputFormat, env: &dyn EnvSource) -> bool {
    format == OutputFormat::Human
        && std::io::stderr().is_terminal()
        && !env.flag(&env::HF_HUB_DISABLE_PROGRESS_BARS)
}

/// The bars of one command: one [`Phase`] per stage of the work (downloading; hashing and
/// uploading), drawn together.
pub(crate) struct Bars {
    multi: MultiProgress,
}

impl Bars {
    /// Bars drawn on stderr when `shown`, else drawn nowhere.
    pub(crate) fn new(shown: bool) -> Self {
        Self {
            multi: MultiProgress::with_draw_target(if shown {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            }),
        }
    }

    /// A total bar labelled `label`, with the bars of its large files.
    pub(crate) fn phase(&self, label: &str) -> Arc<Phase> {
        let total = self.multi.add(ProgressBar::new(0));
        total.set_style(style(
            "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ));
        total.set_message(label.to_owned());
        Arc::new(Phase {
            multi: self.multi.clone(),
            total,
            totals_known: AtomicBool::new(false),
            files: Mutex::new(HashMap::new()),
        })
    }

    /// Removes the bars (before the command prints its result).
    pub(crate) fn clear(&self) {
        let _ = self.multi.clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// One stage's bars, fed by the library's progress events.
pub(crate) struct Phase {
    multi: MultiProgress,
    total: ProgressBar,
    /// Whether a `Totals` event gave the size up front; otherwise each file adds its own.
    totals_known: AtomicBool,
    files: Mutex<HashMap<Arc<str>, ProgressBar>>,
}

impl std::fmt::Debug for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phase").finish_non_exhaustive()
    }
}

impl Progress for Phase {
    fn on_event(&self, event: ProgressEvent) {
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            ProgressEvent::Totals { bytes, .. } => {
                self.totals_known.store(true, Ordering::Relaxed);
                self.total.set_length(bytes);
            }
            ProgressEvent::FileStarted {
                path,
                size,
                resumed_from,
            } => {
                if !self.totals_known.load(Ordering::Relaxed) {
                    self.total.inc_length(size);
                }
                self.total.inc(resumed_from);
                if size >= OWN_BAR {
                    let bar = self
                        .multi
                        .insert_before(&self.total, ProgressBar::new(size));
                    bar.set_style(style(
                        "{msg:>12.dim} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                    ));
                    bar.set_message(path.rsplit('/').next().unwrap_or(&path).to_owned());
                    bar.set_position(resumed_from);
                    files.insert(path, bar);
                }
            }
            ProgressEvent::FileAdvanced { path, bytes } => {
                self.total.inc(bytes);
                if let Some(bar) = files.get(&path) {
                    bar.inc(bytes);
                }
            }
            ProgressEvent::FileRewound { path, bytes } => {
                self.total
                    .set_position(self.total.position().saturating_sub(bytes));
                if let Some(bar) = files.get(&path) {
                    bar.set_position(bar.position().saturating_sub(bytes));
                }
            }
            ProgressEvent::FileFinished { path } => {
                if let Some(bar) = files.remove(&path) {
                    bar.finish_and_clear();
                }
            }
            ProgressEvent::FileConnections { path, peak } => {
                tracing::debug!("{path}: up to {peak} parallel range requests");
            }
            _ => {}
        }
    }
}
