//! `cargo xtask bench upload [--runs N] [--size-mib N] [--files N]`: a benchmark (not a timed test).
//!
//! Against `hf-test-server` (release build) on loopback, side by side in one run, it times
//! (a) uploading one large file (LFS, multipart) and (b) a folder of small files, for our
//! `hf upload` (release build) and the Python `hf upload` (huggingface_hub 2.5.0 from
//! `.venv`, `HF_HUB_DISABLE_XET=1`). Every upload gets fresh content, so the server's
//! content-addressed store never lets one contender ride on another's upload.
//! It also compares our hashing with `sha256sum` on the same file: (h) re-uploading a file
//! the Hub already has is read + sha256 + one preupload round trip, so its time bounds our
//! hashing throughput. (s) repeats (a) and (h) with `--allow-secrets`, which turns the
//! secret scan off, so the scan's cost is measured in the same run. It prints a Markdown table of medians and our peak RSS during (a).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::bail;

use crate::demo::{Server, temp_dir};
use crate::measure::{Timed, cpu_time, machine, median, secs, time_process};
use crate::util;

/// `cargo xtask bench upload`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Settings {
    /// Runs of each scenario (the median is reported).
    #[arg(long, default_value_t = 3, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    runs: usize,
    /// The size of the large file.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    size_mib: u64,
    /// The number of small files.
    #[arg(long, default_value_t = 1000)]
    files: usize,
    /// The Xet scenarios instead (those of `bench download --xet`, uploads included).
    #[arg(long)]
    xet: bool,
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
    python_bin: PathBuf,
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

    /// Times `command`, with the CPU time the test server spent meanwhile.
    fn with_server_cpu(&self, command: &mut Command) -> anyhow::Result<(Timed, Duration)> {
        let before = cpu_time(self.server.pid());
        let timed = time_process(command)?;
        Ok((timed, cpu_time(self.server.pid()).saturating_sub(before)))
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

/// Runs `cargo xtask bench upload ...`; with `--xet`, the Xet scenarios (uploads and the
/// download, in one run: `bench download --xet`).
pub(crate) fn run(settings: &Settings) -> anyhow::Result<()> {
    if settings.xet {
        return crate::bench::download(&crate::bench::Settings::xet(
            settings.runs,
            settings.size_mib,
        ));
    }
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
            python_bin: root.join(".venv/bin/python"),
            server,
            work: work.clone(),
        };
        measure(&bench, settings)
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(b: &Bench, settings: &Settings) -> anyhow::Result<()> {
    let runs = settings.runs;
    let size = settings.size_mib * 1024 * 1024;
    let large = b.work.join("large.bin");
    let (mut a_ours, mut a_python) = (Vec::new(), Vec::new());
    let (mut h_ours, mut h_sha, mut h_hashlib) = (Vec::new(), Vec::new(), Vec::new());
    let (mut a_unscanned, mut h_unscanned) = (Vec::new(), Vec::new());
    let mut peak_rss = 0;
    let large_arg = large.display().to_string();
    let unscanned =
        |repo: &str| b.ours(&["upload", repo, &large_arg, "large.bin", "--allow-secrets"]);
    for run in 0..runs {
        println!("(a, h) run {}/{runs}", run + 1);
        // Fresh content for each contender and run: the server would skip known objects.
        write_noise(&large, size, 2 * run as u64 + 1)?;
        let repo = format!("demo-user/bench-up-ours-{run}");
        let ours = b.with_server_cpu(&mut b.ours(&["upload", &repo, &large_arg, "large.bin"]))?;
        peak_rss = peak_rss.max(ours.0.peak_rss_kib);
        a_ours.push(ours);
        // (h) The same file again: hashed, found on the Hub, nothing sent.
        h_ours
            .push(time_process(&mut b.ours(&["upload", &repo, &large_arg, "large.bin"]))?.elapsed);
        // (s) The secret scan's cost: the same two uploads with the scan off (--allow-secrets).
        h_unscanned.push(time_process(&mut unscanned(&repo))?.elapsed);
        h_sha.push(time_process(Command::new("sha256sum").arg(&large))?.elapsed);
        h_hashlib.push(
            time_process(Command::new(&b.python_bin).args(["-c", HASHLIB, &large_arg]))?.elapsed,
        );
        write_noise(&large, size, 1000 + run as u64)?;
        let repo = format!("demo-user/bench-up-unscanned-{run}");
        a_unscanned.push(time_process(&mut unscanned(&repo))?.elapsed);
        write_noise(&large, size, 2 * run as u64 + 2)?;
        let repo = format!("demo-user/bench-up-python-{run}");
        a_python.push(b.with_server_cpu(&mut b.python(&[
            "upload",
            &repo,
            &large_arg,
            "large.bin",
        ]))?);
        let _ = std::fs::remove_file(&large);
    }
    let (mut f_ours, mut f_python) = (Vec::new(), Vec::new());
    for run in 0..runs {
        println!("(b) run {}/{runs}", run + 1);
        let dir = b.work.join("small-ours");
        let _ = std::fs::remove_dir_all(&dir);
        write_small_files(&dir, settings.files, &format!("ours-{run}"))?;
        let repo = format!("demo-user/bench-folder-ours-{run}");
        f_ours.push(
            time_process(&mut b.ours(&["upload", &repo, &dir.display().to_string(), "."]))?.elapsed,
        );
        let dir = b.work.join("small-python");
        let _ = std::fs::remove_dir_all(&dir);
        write_small_files(&dir, settings.files, &format!("python-{run}"))?;
        let repo = format!("demo-user/bench-folder-python-{run}");
        f_python.push(
            time_process(&mut b.python(&["upload", &repo, &dir.display().to_string(), "."]))?
                .elapsed,
        );
    }
    let wall = |runs: &[(Timed, Duration)]| {
        median(&mut runs.iter().map(|r| r.0.elapsed).collect::<Vec<_>>())
    };
    let (a_o, a_p) = (wall(&a_ours), wall(&a_python));
    let (h_o, h_s, h_l) = (
        median(&mut h_ours),
        median(&mut h_sha),
        median(&mut h_hashlib),
    );
    let (f_o, f_p) = (median(&mut f_ours), median(&mut f_python));
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mib = settings.size_mib as f64;
    println!("\n{}", machine());
    println!(
        "Medians of {runs} runs; {} MiB file for (a) and (h), {} files for (b).\n",
        settings.size_mib, settings.files
    );
    println!("| Scenario | hf upload (ours) | Python hf upload 2.5.0 | Python / ours | Target |");
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
         | Python `hashlib.sha256` (OpenSSL), 1 MiB reads | {} | {:.0} MiB/s | {:.2}x | - |\n\
         | (h) ours: re-upload of a file the Hub has (read + sha256 + round trips) | {} | {:.0} MiB/s | {:.2}x | <= 1.2x: {} |",
        secs(h_s),
        mib / h_s.as_secs_f64(),
        secs(h_l),
        mib / h_l.as_secs_f64(),
        ratio(h_l, h_s),
        secs(h_o),
        mib / h_o.as_secs_f64(),
        ratio(h_o, h_s),
        verdict(ratio(h_o, h_s) <= 1.2)
    );
    let (a_u, h_u) = (median(&mut a_unscanned), median(&mut h_unscanned));
    println!(
        "\n| Secret scan (every byte, in the hashing read) | scanned | not scanned (--allow-secrets) | cost | Target |\n| --- | --- | --- | --- | --- |\n\
         | (a) one {} MiB file uploaded | {} | {} | {:+.1}% | <= +5%: {} |\n\
         | (h) the same file re-uploaded (read + hash only) | {} | {} | {:+.1}% | - |",
        settings.size_mib,
        secs(a_o),
        secs(a_u),
        (ratio(a_o, a_u) - 1.0) * 100.0,
        verdict(ratio(a_o, a_u) <= 1.05),
        secs(h_o),
        secs(h_u),
        (ratio(h_o, h_u) - 1.0) * 100.0,
    );
    println!(
        "\nPeak RSS of hf during (a): {:.1} MiB (target < 64 MiB: {})",
        peak_rss as f64 / 1024.0,
        verdict(peak_rss < 64 * 1024)
    );
    println!(
        "\nCPU time during (a), medians: the client's own, and the test server's (same 2 cores).\n"
    );
    println!("| Contender | wall | client CPU | server CPU | client + server CPU |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, runs) in [
        ("hf upload (ours)", &a_ours),
        ("Python hf upload 2.5.0", &a_python),
    ] {
        let client = median(&mut runs.iter().map(|r| r.0.cpu).collect::<Vec<_>>());
        let server = median(&mut runs.iter().map(|r| r.1).collect::<Vec<_>>());
        println!(
            "| {name} | {} | {} | {} | {} |",
            secs(wall(runs)),
            secs(client),
            secs(server),
            secs(client + server)
        );
    }
    Ok(())
}

/// Hashes the file named by `argv[1]` as huggingface_hub does (1 MiB reads into hashlib).
const HASHLIB: &str = "import hashlib, sys\n\
h = hashlib.sha256()\n\
with open(sys.argv[1], 'rb') as f:\n\
\x20   for block in iter(lambda: f.read(1 << 20), b''):\n\
\x20       h.update(block)\n\
print(h.hexdigest())\n";
