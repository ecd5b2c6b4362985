//! `cargo xtask bench upload [--runs N] [--size-mib N] [--files N]`: a benchmark (not a timed test).
//!
//! Against `hf-test-server` (release build) on loopback, side by side in one run, it times
//! (a) uploading one large file (LFS, multipart) and (b) a folder of small files, for our
//! `hf upload` (release build) and the Python `hf upload` (huggingface_hub 2.4.0 from
//! `.venv`, `HF_HUB_DISABLE_XET=1`). Every upload gets fresh content, so the server's
//! content-addressed store never lets one contender ride on another's upload.
//! It also compares our hashing with `sha256sum` on the same file: (h) re-uploading a file
//! the Hub already has is read + sha256 + one preupload round trip, so its time bounds our
//! hashing throughput. It prints a Markdown table of medians and our peak RSS during (a).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::demo::{Server, temp_dir};
use crate::util;

const USAGE: &str = "usage: cargo xtask bench upload [--runs N] [--size-mib N] [--files N]";

struct Settings {
    runs: usize,
    size_mib: u64,
    files: usize,
}

fn parse(args: &[String]) -> anyhow::Result<Settings> {
    let mut settings = Settings {
        runs: 3,
        size_mib: 1024,
        files: 1000,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--runs" => settings.runs = value()?.parse().context("--runs")?,
            "--size-mib" => settings.size_mib = value()?.parse().context("--size-mib")?,
            "--files" => settings.files = value()?.parse().context("--files")?,
            other => bail!("unknown option '{other}'\n{USAGE}"),
        }
    }
    settings.runs = settings.runs.max(1);
    Ok(settings)
}

/// Wall time and peak RSS (KiB, `VmHWM` polled from /proc; 0 elsewhere) of one process.
struct Timed {
    elapsed: Duration,
    peak_rss_kib: u64,
}

fn timed(command: &mut Command) -> anyhow::Result<Timed> {
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {}", util::describe(command)))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak = 0;
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
    })
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Writes `size` pseudo-random bytes (xorshift, seeded) to `path` in 1 MiB blocks.
fn write_noise(path: &Path, size: u64, seed: u64) -> anyhow::Result<()> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut block = vec![0u8; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes = state.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n])?;
        left -= n as u64;
    }
    file.flush()?;
    Ok(())
}

/// A folder of `count` small text files (1-4 KiB) in 10 sub-folders, unique to `tag`.
fn write_small_files(dir: &Path, count: usize, tag: &str) -> anyhow::Result<()> {
    for i in 0..count {
        let sub = dir.join(format!("part-{}", i % 10));
        std::fs::create_dir_all(&sub)?;
        let line = format!("{tag} file {i}: the quick brown fox jumps over the lazy dog\n");
        let body = line.repeat(16 + (i * 7919) % 48);
        std::fs::write(sub.join(format!("file-{i:05}.txt")), body)?;
    }
    Ok(())
}

struct Bench {
    hf: PathBuf,
    python_hf: PathBuf,
    server: Server,
    work: PathBuf,
}

impl Bench {
    fn ours(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.hf);
        command
            .args(args)
            .env("HF_ENDPOINT", &self.server.endpoint)
            .env("HF_HOME", self.work.join("home-ours"))
            .env("HF_TOKEN", &self.server.write_token)
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .env_remove("HF_HUB_OFFLINE");
        command
    }

    fn python(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.python_hf);
        command
            .args(args)
            .env("HF_ENDPOINT", &self.server.endpoint)
            .env("HF_HOME", self.work.join("home-python"))
            .env("HF_TOKEN", &self.server.write_token)
            .env("HF_HUB_DISABLE_XET", "1")
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .env("HF_HUB_DISABLE_TELEMETRY", "1")
            .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
            .env_remove("HF_HUB_OFFLINE");
        command
    }
}

/// CPU, cores and OS, for the record.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1).map(|v| v.trim().to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!(
        "Machine: {cpu}, {cores} cores, {}, loopback (hf-test-server release build).",
        std::env::consts::OS
    )
}

/// Runs `cargo xtask bench upload ...`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let settings = parse(args)?;
    let root = util::root();
    let python_hf = root.join(".venv/bin/hf");
    if !python_hf.exists() {
        bail!(
            "the Python client is missing: create it with `python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt`"
        );
    }
    if !util::succeeds(Command::new("sha256sum").arg("--version")) {
        bail!("sha256sum is needed for the hashing baseline");
    }
    let hf = util::build_release("hf-rs-cli", "hf")?;
    let server_bin = util::build_release("hf-test-server", "hf-test-server")?;
    let work = temp_dir("bench-upload")?;
    let result = (|| {
        let server = Server::start(&server_bin, &work.join("server-data"))?;
        let bench = Bench {
            hf,
            python_hf,
            server,
            work: work.clone(),
        };
        measure(&bench, &settings)
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(b: &Bench, settings: &Settings) -> anyhow::Result<()> {
    let runs = settings.runs;
    let size = settings.size_mib * 1024 * 1024;
    let large = b.work.join("large.bin");
    let (mut a_ours, mut a_python, mut h_ours, mut h_sha) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut peak_rss = 0;
    for run in 0..runs {
        println!("(a, h) run {}/{runs}", run + 1);
        // Fresh content for each contender and run: the server would skip known objects.
        write_noise(&large, size, 2 * run as u64 + 1)?;
        let repo = format!("demo-user/bench-up-ours-{run}");
        let ours =
            timed(&mut b.ours(&["upload", &repo, &large.display().to_string(), "large.bin"]))?;
        peak_rss = peak_rss.max(ours.peak_rss_kib);
        a_ours.push(ours.elapsed);
        // (h) The same file again: hashed, found on the Hub, nothing sent.
        h_ours.push(
            timed(&mut b.ours(&["upload", &repo, &large.display().to_string(), "large.bin"]))?
                .elapsed,
        );
        h_sha.push(timed(Command::new("sha256sum").arg(&large))?.elapsed);
        write_noise(&large, size, 2 * run as u64 + 2)?;
        let repo = format!("demo-user/bench-up-python-{run}");
        a_python.push(
            timed(&mut b.python(&["upload", &repo, &large.display().to_string(), "large.bin"]))?
                .elapsed,
        );
        let _ = std::fs::remove_file(&large);
    }
    let (mut f_ours, mut f_python) = (Vec::new(), Vec::new());
    for run in 0..runs {
        println!("(b) run {}/{runs}", run + 1);
        let dir = b.work.join("small-ours");
        let _ = std::fs::remove_dir_all(&dir);
        write_small_files(&dir, settings.files, &format!("ours-{run}"))?;
        let repo = format!("demo-user/bench-folder-ours-{run}");
        f_ours
            .push(timed(&mut b.ours(&["upload", &repo, &dir.display().to_string(), "."]))?.elapsed);
        let dir = b.work.join("small-python");
        let _ = std::fs::remove_dir_all(&dir);
        write_small_files(&dir, settings.files, &format!("python-{run}"))?;
        let repo = format!("demo-user/bench-folder-python-{run}");
        f_python.push(
            timed(&mut b.python(&["upload", &repo, &dir.display().to_string(), "."]))?.elapsed,
        );
    }
    let (a_o, a_p) = (median(&mut a_ours), median(&mut a_python));
    let (h_o, h_s) = (median(&mut h_ours), median(&mut h_sha));
    let (f_o, f_p) = (median(&mut f_ours), median(&mut f_python));
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mib = settings.size_mib as f64;
    println!("\n{}", machine());
    println!(
        "Medians of {runs} runs; {} MiB file for (a) and (h), {} files for (b).\n",
        settings.size_mib, settings.files
    );
    println!("| Scenario | hf upload (ours) | Python hf upload 2.4.0 | Python / ours | Target |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| (a) one {} MiB file (LFS multipart) | {} ({:.0} MiB/s) | {} ({:.0} MiB/s) | {:.1}x | >= 2x: {} |",
        settings.size_mib,
        secs(a_o),
        mib / a_o.as_secs_f64(),
        secs(a_p),
        mib / a_p.as_secs_f64(),
        ratio(a_p, a_o),
        verdict(ratio(a_p, a_o) >= 2.0)
    );
    println!(
        "| (b) {} small files, one folder | {} | {} | {:.1}x | - |",
        settings.files,
        secs(f_o),
        secs(f_p),
        ratio(f_p, f_o)
    );
    println!(
        "\n| Hashing | time | throughput | vs sha256sum | Target |\n| --- | --- | --- | --- | --- |\n\
         | `sha256sum` | {} | {:.0} MiB/s | 1.00x | - |\n\
         | (h) ours: re-upload of a file the Hub has (read + sha256 + round trips) | {} | {:.0} MiB/s | {:.2}x | <= 1.2x: {} |",
        secs(h_s),
        mib / h_s.as_secs_f64(),
        secs(h_o),
        mib / h_o.as_secs_f64(),
        ratio(h_o, h_s),
        verdict(ratio(h_o, h_s) <= 1.2)
    );
    println!(
        "\nPeak RSS of hf during (a): {:.1} MiB (target < 64 MiB: {})",
        peak_rss as f64 / 1024.0,
        verdict(peak_rss < 64 * 1024)
    );
    Ok(())
}
