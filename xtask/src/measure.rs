//! Timing for the benchmarks: wall time, peak RSS and CPU time of one process, CPU time of a
//! running one (the test server), medians, and a line naming the machine.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::util;

/// One timed process.
pub(crate) struct Timed {
    /// Wall time from spawn to exit.
    pub(crate) elapsed: Duration,
    /// Peak resident set (KiB, `VmHWM`, polled from /proc every 5 ms; 0 elsewhere).
    pub(crate) peak_rss_kib: u64,
    /// User + system CPU time, as last seen in /proc (up to 5 ms short; 0 elsewhere).
    pub(crate) cpu: Duration,
}

/// Runs `command` to completion (stdout discarded, stderr kept for the error) and times it.
pub(crate) fn time_process(command: &mut Command) -> anyhow::Result<Timed> {
    time_process_to(command, Stdio::null())
}

/// As [`time_process`], its stdout going to `stdout`.
pub(crate) fn time_process_to(command: &mut Command, stdout: Stdio) -> anyhow::Result<Timed> {
    command.stdout(stdout).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {}", util::describe(command)))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak = 0;
    let mut cpu = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if let Some(kib) = std::fs::read_to_string(&status_file).ok().and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        }) {
            peak = peak.max(kib);
        }
        cpu = cpu.max(cpu_time(child.id()));
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        bail!("`{}` failed ({status}):\n{stderr}", util::describe(command));
    }
    Ok(Timed {
        elapsed,
        peak_rss_kib: peak,
        cpu,
    })
}

/// User + system CPU time of a running process (threads included; zero when unknown).
pub(crate) fn cpu_time(pid: u32) -> Duration {
    // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux), counted
    // after the parenthesised command name, which may contain spaces.
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|text| {
            let rest = text.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let user: u64 = fields.get(11)?.parse().ok()?;
            let system: u64 = fields.get(12)?.parse().ok()?;
            Some(user + system)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// The median (sorts `values`).
pub(crate) fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// `1.23 s`.
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// CPU, cores, memory and OS, for the record.
pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or_else(
            || "?".to_owned(),
            |kib| format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0),
        );
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    format!(
        "Machine: {cpu}, {cores} cores, {mem} RAM, {os}, loopback (hf-test-server release build)."
    )
}
