//! What the `hf cache` verbs share: the cache folder, sizes and times as Python prints them,
//! and the confirmation before deleting.

use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::count;
use hf_hub::cache::{CacheInfo, scan_cache};
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) fn cache_root(context: &Context, dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    Ok(context.session.download_options(dir)?.cache_dir)
}

pub(crate) fn scan(context: &Context, dir: Option<PathBuf>) -> anyhow::Result<CacheInfo> {
    let root = cache_root(context, dir)?;
    Ok(scan_cache(&root)?)
}

/// `523B`, `1.2KB`, `3.4MB`: decimal units as the Python CLI uses, always with a unit.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes}B")
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

pub(crate) fn unix(time: Option<SystemTime>) -> Option<u64> {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

pub(crate) fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `3 days ago`, for people.
pub(crate) fn ago(time: Option<SystemTime>) -> String {
    let Some(secs) = time
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .map(|d| d.as_secs())
    else {
        return "-".to_owned();
    };
    match secs {
        0..60 => "a few seconds ago".to_owned(),
        60..3600 => format!("{} ago", count(to_usize(secs / 60), "minute", "minutes")),
        3600..86_400 => format!("{} ago", count(to_usize(secs / 3600), "hour", "hours")),
        86_400..2_592_000 => format!("{} ago", count(to_usize(secs / 86_400), "day", "days")),
        2_592_000..31_536_000 => {
            format!(
                "{} ago",
                count(to_usize(secs / 2_592_000), "month", "months")
            )
        }
        _ => format!(
            "{} ago",
            count(to_usize(secs / 31_536_000), "year", "years")
        ),
    }
}

/// Asks on the terminal; without one, `--yes` is required.
pub(crate) fn confirm(question: &str, yes: bool) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(UsageError(
            "refusing to delete without confirmation: pass --yes (or --dry-run to preview)"
                .to_owned(),
        )
        .into());
    }
    let mut stderr = std::io::stderr();
    write!(stderr, "{question} [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
