//! `cargo xtask bench download [--runs N] [--size-mib N]`: a benchmark (not a timed test).
//!
//! Against `hf-test-server` on loopback, side by side in one run, it times
//! (a) one large LFS file into a cold cache, (b) a snapshot of 1000 small files,
//! (c) re-running (b) with everything cached, for our `hf download` (release build), the
//! Python `hf download` (huggingface_hub 2.5.0 from `.venv`, `HF_HUB_DISABLE_XET=1`) and,
//! for (a), `curl` fetching the same CDN URL. It prints a Markdown table of medians and
//! ratios, and our peak RSS during (a). `--baseline PATH` adds another `hf` binary (an
//! older build) to the same loop, alternated with ours, for a before/after on one machine.
//! `--wan` caps every CDN response and adds latency; `--first-byte-ms MS` answers every CDN GET
//! `MS` late (a distant link), with the range requests ours made; `--xet` puts both on Xet.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::demo::{Server, temp_dir};
use crate::measure::{Timed, cpu_time, machine, median, secs, time_process};
use crate::util;

/// `cargo xtask bench download`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Settings {
    /// Runs of each scenario (the median is reported).
    #[arg(long, default_value_t = 3, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    runs: usize,
    /// The size of the large file.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    size_mib: u64,
    /// The wide-area scenarios (per-connection cap, per-request latency) instead of loopback.
    #[arg(long, conflicts_with_all = ["xet", "first_byte_ms"])]
    wan: bool,
    /// Another `hf` binary (an older build) measured beside ours in the loopback scenarios.
    #[arg(long, value_name = "PATH-TO-HF")]
    baseline: Option<PathBuf>,
    /// The Xet scenarios: the large file seeded through Xet and both clients on Xet.
    #[arg(long, conflicts_with = "first_byte_ms")]
    pub(crate) xet: bool,
    /// The large file from a CDN that answers every GET this many milliseconds late.
    #[arg(long, value_name = "MS")]
    first_byte_ms: Option<u64>,
    /// Instead: one small file (`hf download repo config.json`) with this many milliseconds
    /// on every Hub request, to a cold cache and a warm one; round trips counted.
    #[arg(long, value_name = "MS", conflicts_with_all = ["wan", "xet", "first_byte_ms"])]
    small_file_ms: Option<u64>,
}

impl Settings {
    /// The Xet scenarios with `runs` runs of a file of `size_mib` (`bench upload --xet`).
    pub(crate) fn xet(runs: usize, size_mib: u64) -> Self {
        Self {
            runs,
            size_mib,
            wan: false,
            baseline: None,
            xet: true,
            first_byte_ms: None,
            small_file_ms: None,
        }
    }
}

struct Contenders {
    hf: PathBuf,
    python_hf: PathBuf,
    server: Server,
    work: PathBuf,
    /// Both clients on Xet (Python's default with hf_xet); otherwise Python's is kept off it.
    xet: bool,
}

impl Contenders {
    fn ours(&self, hf_home: &Path, args: &[&str]) -> Command {
        self.hf_binary(&self.hf, hf_home, args)
    }

    /// Our CLI or a baseline build of it, with the same settings.
    fn hf_binary(&self, binary: &Path, hf_home: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(binary);
        command
            .args(args)
            .env("HF_ENDPOINT", &self.server.endpoint)
            .env("HF_HOME", hf_home)
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .env_remove("HF_TOKEN")
            .env_remove("HF_HUB_OFFLINE");
        command
    }

    fn python(&self, hf_home: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(&self.python_hf);
        command
            .args(args)
            .env("HF_ENDPOINT", &self.server.endpoint)
            .env("HF_HOME", hf_home)
            .env("HF_HUB_DISABLE_XET", if self.xet { "0" } else { "1" })
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .env("HF_HUB_DISABLE_TELEMETRY", "1")
            .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
            .env_remove("HF_TOKEN")
            .env_remove("HF_HUB_OFFLINE");
        command
    }

    fn fresh_home(&self, label: &str) -> anyhow::Result<PathBuf> {
        let dir = self.work.join(label);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Times `command`, with the CPU time the test server spent meanwhile.
    fn with_server_cpu(&self, command: &mut Command) -> anyhow::Result<(Timed, Duration)> {
        let before = cpu_time(self.server.pid());
        let timed = time_process(command)?;
        Ok((timed, cpu_time(self.server.pid()).saturating_sub(before)))
    }

    /// `curl` fetching the large file's CDN URL into a fresh folder `label`, timed.
    fn curl_large(&self, label: &str) -> anyhow::Result<(Timed, Duration)> {
        let home = self.fresh_home(label)?;
        let url = self.cdn_url()?;
        self.with_server_cpu(
            Command::new("curl")
                .args(["-sf", "-o"])
                .arg(home.join(LARGE_FILE))
                .arg(&url),
        )
    }

    /// The signed CDN URL the Hub redirects the large file to.
    fn cdn_url(&self) -> anyhow::Result<String> {
        let output = Command::new("curl")
            .args([
                "-sI",
                &format!(
                    "{}/{LARGE_REPO}/resolve/main/{LARGE_FILE}",
                    self.server.endpoint
                ),
            ])
            .output()
            .context("could not run curl")?;
        let text = String::from_utf8_lossy(&output.stdout);
        text.lines()
            .find_map(|l| {
                l.strip_prefix("location: ")
                    .or_else(|| l.strip_prefix("Location: "))
            })
            .map(|l| l.trim().to_owned())
            .context("the Hub did not redirect the large file to the CDN")
    }
}

const LARGE_REPO: &str = "demo-user/bench-large";
const LARGE_FILE: &str = "large.bin";

/// Creates `demo-user/bench-large` with one pseudo-random LFS file, uploaded by the Python client.
fn seed_large_file(
    python: &Path,
    server: &Server,
    work: &Path,
    size_mib: u64,
    xet: bool,
) -> anyhow::Result<()> {
    let script = format!(
        "import random, os\n\
         from huggingface_hub import HfApi\n\
         path = os.path.join({work:?}, 'large.bin')\n\
         rng = random.Random(1234)\n\
         with open(path, 'wb') as f:\n\
         \x20   for _ in range({size_mib}):\n\
         \x20       f.write(rng.randbytes(1024 * 1024))\n\
         api = HfApi(endpoint={endpoint:?}, token={token:?})\n\
         api.create_repo({LARGE_REPO:?}, exist_ok=True)\n\
         api.upload_file(path_or_fileobj=path, path_in_repo={LARGE_FILE:?}, repo_id={LARGE_REPO:?})\n\
         os.remove(path)\n",
        work = work.display().to_string(),
        endpoint = server.endpoint,
        token = server.write_token,
    );
    let started = Instant::now();
    let status = Command::new(python)
        .arg("-c")
        .arg(script)
        .env("HF_HUB_DISABLE_XET", if xet { "0" } else { "1" })
        .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        .env("HF_HOME", work.join("seed-home"))
        .status()
        .context("could not run the Python client")?;
    if !status.success() {
        bail!("uploading the {size_mib} MiB benchmark file failed");
    }
    println!(
        "seeded {LARGE_REPO}/{LARGE_FILE} ({size_mib} MiB) in {}",
        secs(started.elapsed())
    );
    Ok(())
}

/// Runs `cargo xtask bench download`.
pub(crate) fn download(settings: &Settings) -> anyhow::Result<()> {
    if let Some(baseline) = &settings.baseline
        && !baseline.is_file()
    {
        bail!("--baseline {} is not a file", baseline.display());
    }
    let root = util::root();
    let python_bin = root.join(".venv/bin/python");
    let python_hf = root.join(".venv/bin/hf");
    if !python_hf.exists() {
        bail!(
            "the Python client is missing: create it with `python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt`"
        );
    }
    if !util::succeeds(Command::new("curl").arg("--version")) {
        bail!("curl is needed for the baseline");
    }
    let hf = util::build_release("hf-rs-cli", "hf")?;
    let server_bin = util::build_release("hf-test-server", "hf-test-server")?;
    let work = temp_dir("bench")?;
    let result = (|| {
        let server = Server::start(&server_bin, &work.join("server-data"))?;
        if settings.small_file_ms.is_none() {
            seed_large_file(&python_bin, &server, &work, settings.size_mib, settings.xet)?;
        }
        let contenders = Contenders {
            hf,
            python_hf,
            server,
            work: work.clone(),
            xet: settings.xet,
        };
        if let Some(ms) = settings.small_file_ms {
            measure_small_file(&contenders, settings, ms)
        } else if let Some(ms) = settings.first_byte_ms {
            measure_first_byte(&contenders, settings, ms)
        } else if settings.xet {
            measure_xet(&contenders, settings)
        } else if settings.wan {
            measure_wan(&contenders, settings)
        } else {
            measure(&contenders, settings)
        }
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// The Xet scenarios, side by side with Python 2.5.0 on `hf_xet`: the seeded file (uploaded
/// by Python through Xet) downloaded cold by both; a file of `size_mib`/4 uploaded by each, then
/// uploaded again after 1 MiB in its middle changed (our bytes sent from `--json`), against
/// our own full upload of it through LFS.
fn measure_xet(c: &Contenders, settings: &Settings) -> anyhow::Result<()> {
    let head = Command::new("curl")
        .args([
            "-sI",
            &format!(
                "{}/{LARGE_REPO}/resolve/main/{LARGE_FILE}",
                c.server.endpoint
            ),
        ])
        .output()?;
    if !String::from_utf8_lossy(&head.stdout)
        .to_ascii_lowercase()
        .contains("x-xet-hash:")
    {
        bail!("the seeded file is not stored in Xet (no X-Xet-Hash): nothing to compare");
    }
    let runs = settings.runs;
    let (mut ours, mut python) = (Runs::default(), Runs::default());
    let (mut peak_rss, mut python_rss) = (0, 0);
    for run in 0..runs {
        println!("(x1) Xet download, run {}/{runs}", run + 1);
        settle_disk();
        let home = c.fresh_home("x-ours")?;
        let timed = c.with_server_cpu(&mut c.ours(&home, &["download", LARGE_REPO, LARGE_FILE]))?;
        peak_rss = peak_rss.max(timed.0.peak_rss_kib);
        ours.push(timed);
        let _ = std::fs::remove_dir_all(&home);
        settle_disk();
        let home = c.fresh_home("x-python")?;
        let timed =
            c.with_server_cpu(&mut c.python(&home, &["download", LARGE_REPO, LARGE_FILE]))?;
        python_rss = python_rss.max(timed.0.peak_rss_kib);
        python.push(timed);
        let _ = std::fs::remove_dir_all(&home);
    }
    let loopback = reupload(c, settings, false)?;
    let wan = reupload(c, settings, true)?;
    let fresh = fresh_upload(c, settings)?;
    let (o, p) = (ours.wall(), python.wall());
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("\n{}", machine());
    println!("Medians of {runs} runs; both clients on Xet (Python 2.5.0 with hf_xet).\n");
    println!("| Scenario | hf (ours) | Python hf 2.5.0 | ours / Python | Target |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| (x1) Xet download, one {} MiB file, cold cache | {} | {} | {:.2}x | <= 0.9x Python: {} |",
        settings.size_mib,
        secs(o),
        secs(p),
        ratio(o, p),
        verdict(ratio(o, p) <= 0.9)
    );
    println!(
        "| (x3) Xet upload, one fresh {} MiB file | {} | {} | {:.2}x | <= 0.9x Python: {} |",
        settings.size_mib,
        secs(fresh.ours),
        secs(fresh.python),
        ratio(fresh.ours, fresh.python),
        verdict(ratio(fresh.ours, fresh.python) <= 0.9)
    );
    for (label, figures) in [
        ("loopback", &loopback),
        (&*format!("uplink {} MB/s", WAN_UPLINK / 1_000_000), &wan),
    ] {
        println!(
            "| (x2) re-upload of {} MiB after 1 MiB changed, {label} | {} | {} | {:.2}x | sent {:.1} MiB (<= 16 MiB: {}); {:.1}x faster than our full LFS upload ({}; >= 10x: {}) |",
            figures.size / (1024 * 1024),
            secs(figures.ours),
            secs(figures.python),
            ratio(figures.ours, figures.python),
            figures.sent as f64 / (1024.0 * 1024.0),
            verdict(figures.sent <= 16 * 1024 * 1024),
            ratio(figures.lfs, figures.ours),
            secs(figures.lfs),
            verdict(ratio(figures.lfs, figures.ours) >= 10.0)
        );
    }
    let mib_of = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "\nBytes the CAS received for the re-upload (medians): loopback ours {:.2} MiB, Python {:.2} MiB; uplink ours {:.2} MiB, Python {:.2} MiB.",
        mib_of(loopback.ours_received),
        mib_of(loopback.python_received),
        mib_of(wan.ours_received),
        mib_of(wan.python_received)
    );
    println!(
        "First Xet upload of the {} MiB file (loopback): ours {}, Python {}.",
        loopback.size / (1024 * 1024),
        secs(loopback.first),
        secs(loopback.python_first)
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "Peak RSS (target < 128 MiB for ours): (x1) download: ours {:.1} MiB, Python {:.1} MiB; (x3) upload: ours {:.1} MiB, Python {:.1} MiB; (x2) re-upload: ours {:.1} MiB; our LFS upload {:.1} MiB.",
        mib(peak_rss),
        mib(python_rss),
        mib(fresh.ours_rss),
        mib(fresh.python_rss),
        mib(loopback.ours_rss.max(wan.ours_rss)),
        mib(loopback.lfs_rss)
    );
    Ok(())
}

/// Request bodies to the CAS and the LFS part URLs share this uplink in the WAN variant of
/// (x2) (bytes per second, for all connections together, as a real upload link).
const WAN_UPLINK: u64 = 20_000_000;

/// Medians of one (x2) variant.
struct Reupload {
    size: u64,
    first: Duration,
    python_first: Duration,
    ours: Duration,
    python: Duration,
    lfs: Duration,
    sent: u64,
    /// What the CAS received from each client's re-upload (request bodies: xorbs, shards).
    ours_received: u64,
    python_received: u64,
    ours_rss: u64,
    lfs_rss: u64,
}

/// (x2): a file of `size_mib`/4 uploaded through Xet by each client, then again after 1 MiB
/// in its middle changed, against our own full upload of the changed file through LFS; with
/// `wan`, the second uploads and the LFS one go through a shared uplink of [`WAN_UPLINK`].
fn reupload(c: &Contenders, settings: &Settings, wan: bool) -> anyhow::Result<Reupload> {
    let runs = settings.runs;
    let size = (settings.size_mib / 4).max(8) * 1024 * 1024;
    let (ours_file, py_file) = (c.work.join("edit-ours.bin"), c.work.join("edit-python.bin"));
    let token = c.server.write_token.clone();
    let variant = if wan { "wan" } else { "lo" };
    let (mut first, mut python_first, mut ours, mut python, mut lfs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut sent, mut ours_rss, mut lfs_rss) = (Vec::new(), 0, 0);
    let (mut ours_received, mut python_received) = (Vec::new(), Vec::new());
    for run in 0..runs {
        println!("(x2) Xet re-upload ({variant}), run {}/{runs}", run + 1);
        // Each client its own noise (seeded by run, variant and client): neither deduplicates
        // against the other's upload, nor against another variant's.
        let seed = |client: u64| run as u64 * 8 + u64::from(wan) * 4 + client;
        write_noise(&ours_file, size, seed(1))?;
        write_noise(&py_file, size, seed(2))?;
        let home = c.fresh_home("u-ours")?;
        let repo = format!("demo-user/bench-xet-ours-{variant}-{run}");
        let upload = |cmd: &mut Command| -> anyhow::Result<Timed> {
            time_process(cmd.env("HF_TOKEN", &token))
        };
        let path = ours_file.to_str().unwrap_or_default();
        let py_path = py_file.to_str().unwrap_or_default();
        first.push(upload(&mut c.ours(&home, &["upload", &repo, path, "edit.bin"]))?.elapsed);
        let py_repo = format!("demo-user/bench-xet-python-{variant}-{run}");
        let py_home = c.fresh_home("u-python")?;
        python_first.push(
            upload(&mut c.python(&py_home, &["upload", &py_repo, py_path, "edit.bin"]))?.elapsed,
        );
        // 1 MiB of new noise in the middle of each.
        for (file, client) in [(&ours_file, 1), (&py_file, 2)] {
            overwrite_with_noise(file, size / 2, 1024 * 1024, seed(client) + 1_000)?;
        }
        if wan {
            // Every request body to the CAS (xorbs go as presigned PUTs, shards as POSTs) and
            // to the LFS part URLs (PUTs on the CDN origin).
            for origin in ["Cas", "Cdn"] {
                c.fault(&format!(
                    "{{\"origin\": \"{origin}\", \"path_contains\": \"\", \"action\": {{\"UplinkBytesPerSec\": {WAN_UPLINK}}}}}"
                ))?;
            }
        }
        let mut cmd = c.ours(&home, &["upload", &repo, path, "edit.bin", "--json"]);
        c.clear_requests()?;
        let report = json_of_timed(cmd.env("HF_TOKEN", &token))?;
        ours.push(report.0.elapsed);
        ours_rss = ours_rss.max(report.0.peak_rss_kib);
        sent.push(report.1["bytes_uploaded"].as_u64().unwrap_or(u64::MAX));
        ours_received.push(c.cas_bytes_received()?);
        c.clear_requests()?;
        python.push(
            upload(&mut c.python(&py_home, &["upload", &py_repo, py_path, "edit.bin"]))?.elapsed,
        );
        python_received.push(c.cas_bytes_received()?);
        let lfs_home = c.fresh_home("u-lfs")?;
        let lfs_repo = format!("demo-user/bench-lfs-{variant}-{run}");
        let timed = upload(
            c.ours(&lfs_home, &["upload", &lfs_repo, path, "edit.bin"])
                .env("HF_HUB_DISABLE_XET", "1"),
        )?;
        lfs.push(timed.elapsed);
        lfs_rss = lfs_rss.max(timed.peak_rss_kib);
        if wan {
            c.clear_faults()?;
        }
        for dir in [home, py_home, lfs_home] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    let _ = std::fs::remove_file(&ours_file);
    let _ = std::fs::remove_file(&py_file);
    sent.sort_unstable();
    ours_received.sort_unstable();
    python_received.sort_unstable();
    Ok(Reupload {
        ours_received: ours_received[ours_received.len() / 2],
        python_received: python_received[python_received.len() / 2],
        size,
        first: median(&mut first),
        python_first: median(&mut python_first),
        ours: median(&mut ours),
        python: median(&mut python),
        lfs: median(&mut lfs),
        sent: sent[sent.len() / 2],
        ours_rss,
        lfs_rss,
    })
}

/// Runs `command` as [`time_process`] does, keeping its stdout as JSON.
fn json_of_timed(command: &mut Command) -> anyhow::Result<(Timed, serde_json::Value)> {
    let out = tempfile_path("report.json");
    let file = std::fs::File::create(&out)?;
    let timed = crate::measure::time_process_to(command, file.into())?;
    let text = std::fs::read_to_string(&out)?;
    let _ = std::fs::remove_file(&out);
    Ok((
        timed,
        serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?,
    ))
}

fn tempfile_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("xtask-bench-{}-{name}", std::process::id()))
}

/// Medians of (x3).
struct FreshUpload {
    ours: Duration,
    python: Duration,
    ours_rss: u64,
    python_rss: u64,
}

/// (x3): one fresh file of `size_mib` (new bytes for each client and run, so nothing
/// deduplicates) uploaded through Xet by each client.
fn fresh_upload(c: &Contenders, settings: &Settings) -> anyhow::Result<FreshUpload> {
    let runs = settings.runs;
    let size = settings.size_mib * 1024 * 1024;
    let file = c.work.join("fresh.bin");
    let token = c.server.write_token.clone();
    let (mut ours, mut python, mut ours_rss, mut python_rss) = (Vec::new(), Vec::new(), 0, 0);
    for run in 0..runs {
        println!("(x3) Xet upload of a fresh file, run {}/{runs}", run + 1);
        for (who, seed) in [
            ("ours", 2 * run as u64 + 11),
            ("python", 2 * run as u64 + 12),
        ] {
            write_noise(&file, size, seed)?;
            settle_disk();
            let home = c.fresh_home(&format!("f-{who}"))?;
            let repo = format!("demo-user/bench-xet-fresh-{who}-{run}");
            let args = [
                "upload",
                &repo,
                file.to_str().unwrap_or_default(),
                "fresh.bin",
            ];
            let mut cmd = if who == "ours" {
                c.ours(&home, &args)
            } else {
                c.python(&home, &args)
            };
            let timed = time_process(cmd.env("HF_TOKEN", &token))?;
            if who == "ours" {
                ours.push(timed.elapsed);
                ours_rss = ours_rss.max(timed.peak_rss_kib);
            } else {
                python.push(timed.elapsed);
                python_rss = python_rss.max(timed.peak_rss_kib);
            }
            let _ = std::fs::remove_dir_all(&home);
        }
    }
    let _ = std::fs::remove_file(&file);
    Ok(FreshUpload {
        ours: median(&mut ours),
        python: median(&mut python),
        ours_rss,
        python_rss,
    })
}

/// `len` bytes of `path` from `offset` replaced by noise (seeded by `seed`).
fn overwrite_with_noise(path: &Path, offset: u64, len: u64, seed: u64) -> anyhow::Result<()> {
    use std::io::{Seek as _, SeekFrom};
    let patch = noise_bytes(len, seed);
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    std::io::Write::write_all(&mut file, &patch)?;
    Ok(())
}

/// `len` bytes of xorshift noise.
fn noise_bytes(len: u64, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len as usize + 8);
    while (out.len() as u64) < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len as usize);
    out
}

/// `size` bytes of xorshift noise (neither compressible nor deduplicable) into `path`.
fn write_noise(path: &Path, size: u64, seed: u64) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        out.write_all(&block[..n])?;
        left -= n as u64;
    }
    out.flush()?;
    Ok(())
}

/// Flushes dirty pages to disk (`sync`), so the next timed run does not pay for the last
/// one's writeback.
fn settle_disk() {
    let _ = Command::new("sync").status();
}

fn measure(c: &Contenders, settings: &Settings) -> anyhow::Result<()> {
    let runs = settings.runs;
    let (mut a_ours, mut a_python, mut a_curl) =
        (Runs::default(), Runs::default(), Runs::default());
    let mut peak_rss = 0;
    let baseline = settings.baseline.as_deref();
    let mut base = BaselineRuns::default();
    for run in 0..runs {
        println!("(a) run {}/{runs}", run + 1);
        // Each contender starts with no dirty pages of another's gigabyte still being written
        // back (that writeback would be charged to whoever runs next), and its own output is
        // removed right after it.
        if let Some(binary) = baseline {
            settle_disk();
            let home = c.fresh_home("a-base")?;
            let timed = time_process(&mut c.hf_binary(
                binary,
                &home,
                &["download", LARGE_REPO, LARGE_FILE],
            ))?;
            base.a.push(timed.elapsed);
            base.peak_rss = base.peak_rss.max(timed.peak_rss_kib);
            let _ = std::fs::remove_dir_all(&home);
        }
        settle_disk();
        a_curl.push(c.curl_large("a-curl")?);
        let _ = std::fs::remove_dir_all(c.work.join("a-curl"));
        settle_disk();
        let home = c.fresh_home("a-ours")?;
        let timed = c.with_server_cpu(&mut c.ours(&home, &["download", LARGE_REPO, LARGE_FILE]))?;
        peak_rss = peak_rss.max(timed.0.peak_rss_kib);
        a_ours.push(timed);
        let _ = std::fs::remove_dir_all(&home);
        settle_disk();
        let home = c.fresh_home("a-python")?;
        a_python
            .push(c.with_server_cpu(&mut c.python(&home, &["download", LARGE_REPO, LARGE_FILE]))?);
        let _ = std::fs::remove_dir_all(&home);
    }
    let many = ["download", "demo-org/many-files", "--include", "shard-0*"];
    let (mut b_ours, mut b_python, mut c_ours, mut c_python) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        println!("(b, c) run {}/{runs}", run + 1);
        settle_disk();
        let ours_home = c.fresh_home("b-ours")?;
        b_ours.push(time_process(&mut c.ours(&ours_home, &many))?.elapsed);
        settle_disk();
        let python_home = c.fresh_home("b-python")?;
        b_python.push(time_process(&mut c.python(&python_home, &many))?.elapsed);
        if run == 0 {
            let count = count_files(&ours_home.join("hub/models--demo-org--many-files/snapshots"));
            if count != 1000 {
                bail!("scenario (b) should download 1000 files, got {count}");
            }
        }
        c_ours.push(time_process(&mut c.ours(&ours_home, &many))?.elapsed);
        c_python.push(time_process(&mut c.python(&python_home, &many))?.elapsed);
        if let Some(binary) = baseline {
            settle_disk();
            let home = c.fresh_home("b-base")?;
            base.b
                .push(time_process(&mut c.hf_binary(binary, &home, &many))?.elapsed);
            base.c
                .push(time_process(&mut c.hf_binary(binary, &home, &many))?.elapsed);
        }
    }
    let (a_o, a_p, a_c) = (a_ours.wall(), a_python.wall(), a_curl.wall());
    let (b_o, b_p) = (median(&mut b_ours), median(&mut b_python));
    let (c_o, c_p) = (median(&mut c_ours), median(&mut c_python));
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("\n{}", machine());
    println!(
        "Medians of {runs} runs; {} MiB LFS file for (a).\n",
        settings.size_mib
    );
    println!(
        "| Scenario | hf (ours) | Python hf 2.5.0 | curl | ours vs curl | Python / ours | Target |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| (a) one {} MiB LFS file, cold cache | {} | {} | {} | {:.2}x | {:.1}x | <= 1.1x curl: {}; <= 0.5x Python: {} |",
        settings.size_mib,
        secs(a_o),
        secs(a_p),
        secs(a_c),
        ratio(a_o, a_c),
        ratio(a_p, a_o),
        verdict(ratio(a_o, a_c) <= 1.1),
        verdict(ratio(a_p, a_o) >= 2.0)
    );
    println!(
        "| (b) 1000 small files, cold cache | {} | {} | - | - | {:.1}x | >= 3x: {} |",
        secs(b_o),
        secs(b_p),
        ratio(b_p, b_o),
        verdict(ratio(b_p, b_o) >= 3.0)
    );
    println!(
        "| (c) (b) again, all cached | {} | {} | - | - | {:.1}x | >= 10x: {} |",
        secs(c_o),
        secs(c_p),
        ratio(c_p, c_o),
        verdict(ratio(c_p, c_o) >= 10.0)
    );
    println!(
        "\nPeak RSS of hf during (a): {:.1} MiB (target < 64 MiB: {})",
        peak_rss as f64 / 1024.0,
        verdict(peak_rss < 64 * 1024)
    );
    if let Some(binary) = baseline {
        base.print(binary, [a_o, b_o, c_o], peak_rss);
    }
    println!(
        "\nCPU time during (a), medians: the client's own, and the test server's (same 2 cores).\n"
    );
    println!("| Contender | wall | client CPU | server CPU | client + server CPU |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, runs) in [
        ("hf (ours)", &mut a_ours),
        ("Python hf 2.5.0", &mut a_python),
        ("curl", &mut a_curl),
    ] {
        let (client, server) = (runs.client_cpu(), runs.server_cpu());
        println!(
            "| {name} | {} | {} | {} | {} |",
            secs(runs.wall()),
            secs(client),
            secs(server),
            secs(client + server)
        );
    }
    Ok(())
}

/// A baseline build's times in (a), (b) and (c), and its peak RSS in (a).
#[derive(Default)]
struct BaselineRuns {
    a: Vec<Duration>,
    b: Vec<Duration>,
    c: Vec<Duration>,
    peak_rss: u64,
}

impl BaselineRuns {
    /// The before/after table: `ours` are our medians for (a), (b), (c).
    fn print(&mut self, binary: &Path, ours: [Duration; 3], our_rss: u64) {
        println!(
            "\nBaseline {} against ours, same run, alternated:\n",
            binary.display()
        );
        println!("| Scenario | baseline | ours | ours / baseline | within 5%? |");
        println!("| --- | --- | --- | --- | --- |");
        for ((name, runs), ours) in [
            ("(a)", &mut self.a),
            ("(b)", &mut self.b),
            ("(c)", &mut self.c),
        ]
        .into_iter()
        .zip(ours)
        {
            let before = median(runs);
            let ratio = ours.as_secs_f64() / before.as_secs_f64().max(1e-9);
            println!(
                "| {name} | {} | {} | {ratio:.2}x | {} |",
                secs(before),
                secs(ours),
                if ratio <= 1.05 { "yes" } else { "NO" }
            );
        }
        println!(
            "| peak RSS in (a) | {:.1} MiB | {:.1} MiB | | |",
            self.peak_rss as f64 / 1024.0,
            our_rss as f64 / 1024.0
        );
    }
}

/// The runs of one contender in (a): each with the server's CPU time during it.
#[derive(Default)]
struct Runs(Vec<(Timed, Duration)>);

impl Runs {
    fn push(&mut self, run: (Timed, Duration)) {
        self.0.push(run);
    }

    fn wall(&self) -> Duration {
        median(&mut self.0.iter().map(|(t, _)| t.elapsed).collect::<Vec<_>>())
    }

    fn client_cpu(&self) -> Duration {
        median(&mut self.0.iter().map(|(t, _)| t.cpu).collect::<Vec<_>>())
    }

    fn server_cpu(&self) -> Duration {
        median(&mut self.0.iter().map(|(_, s)| *s).collect::<Vec<_>>())
    }
}

fn count_files(dir: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            count += count_files(&path);
        } else {
            count += 1;
        }
    }
    count
}

/// Per-connection cap of the WAN big-file scenario (bytes per second, per response).
const WAN_CAP: u64 = 20_000_000;
/// Added to every request in the WAN many-files scenario.
const WAN_LATENCY_MS: u64 = 30;
/// The range size of our downloads (`hf_hub`'s default chunk size).
const DEFAULT_RANGE: u64 = 16 * 1024 * 1024;

impl Contenders {
    /// Sets a fault through the test server's admin API (as the conformance script does).
    fn fault(&self, rule: &str) -> anyhow::Result<()> {
        let status = Command::new("curl")
            .args([
                "-sf",
                "-X",
                "POST",
                "-H",
                "content-type: application/json",
                "-d",
                rule,
            ])
            .arg(format!("{}/_admin/faults", self.server.endpoint))
            .stdout(std::process::Stdio::null())
            .status()
            .context("could not run curl")?;
        if !status.success() {
            bail!("the test server refused the fault {rule}");
        }
        Ok(())
    }

    /// Bytes the test server has read from request bodies to the CAS since its request log
    /// was last cleared (what Xet clients uploaded: xorbs and shards).
    fn cas_bytes_received(&self) -> anyhow::Result<u64> {
        Ok(self
            .recorded_requests_to("cas")?
            .iter()
            .filter_map(|r| r["request_bytes"].as_u64())
            .sum())
    }

    /// GETs the CDN origin has answered since the request log was last cleared.
    fn cdn_gets(&self) -> anyhow::Result<usize> {
        Ok(self
            .recorded_requests_to("cdn")?
            .iter()
            .filter(|r| r["method"] == "GET")
            .count())
    }

    /// The recorded requests that reached `origin` (`hub`, `cdn` or `cas`).
    fn recorded_requests_to(&self, origin: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let mut requests = self.recorded_requests()?;
        requests.retain(|r| {
            r["origin"]
                .as_str()
                .is_some_and(|o| o.eq_ignore_ascii_case(origin))
        });
        Ok(requests)
    }

    /// The test server's request log (`RecordedRequest` JSON objects).
    fn recorded_requests(&self) -> anyhow::Result<Vec<serde_json::Value>> {
        let output = Command::new("curl")
            .args(["-sf"])
            .arg(format!("{}/_admin/requests", self.server.endpoint))
            .output()
            .context("could not run curl")?;
        if !output.status.success() {
            bail!("could not read the test server's request log");
        }
        let requests: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        Ok(requests.as_array().cloned().unwrap_or_default())
    }

    fn clear_requests(&self) -> anyhow::Result<()> {
        let status = Command::new("curl")
            .args(["-sf", "-X", "DELETE"])
            .arg(format!("{}/_admin/requests", self.server.endpoint))
            .stdout(std::process::Stdio::null())
            .status()
            .context("could not run curl")?;
        if !status.success() {
            bail!("could not clear the test server's request log");
        }
        Ok(())
    }

    fn clear_faults(&self) -> anyhow::Result<()> {
        let status = Command::new("curl")
            .args(["-sf", "-X", "DELETE"])
            .arg(format!("{}/_admin/faults", self.server.endpoint))
            .stdout(std::process::Stdio::null())
            .status()
            .context("could not run curl")?;
        if !status.success() {
            bail!("could not clear the test server's faults");
        }
        Ok(())
    }
}

/// `aria2c`, installed from Debian's `aria2` package when missing.
fn aria2c() -> anyhow::Result<PathBuf> {
    if util::succeeds(Command::new("aria2c").arg("--version")) {
        return Ok(PathBuf::from("aria2c"));
    }
    println!("installing aria2 (apt-get install aria2) for the aria2c baseline");
    let root = util::succeeds(Command::new("sh").args(["-c", "[ \"$(id -u)\" -eq 0 ]"]));
    let apt = |args: &[&str]| {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        util::succeeds(&mut command)
    };
    if !(apt(&["update", "-qq"]) && apt(&["install", "-y", "-qq", "aria2"])) {
        bail!("aria2c is missing and could not be installed (apt-get install aria2)");
    }
    Ok(PathBuf::from("aria2c"))
}

/// The large file downloaded cold by each of the four contenders, `runs` times, under
/// whatever faults are set.
struct BigFile {
    ours: Runs,
    python: Runs,
    curl: Runs,
    aria: Runs,
    peak_rss: u64,
    /// The CDN GETs each of our runs made.
    our_requests: Vec<usize>,
}

fn big_file_four_ways(c: &Contenders, runs: usize, label: &str) -> anyhow::Result<BigFile> {
    let aria2c = aria2c()?;
    let mut big = BigFile {
        ours: Runs::default(),
        python: Runs::default(),
        curl: Runs::default(),
        aria: Runs::default(),
        peak_rss: 0,
        our_requests: Vec::new(),
    };
    for run in 0..runs {
        println!("({label}) run {}/{runs}", run + 1);
        settle_disk();
        let home = c.fresh_home("w-ours")?;
        c.clear_requests()?;
        let timed = c.with_server_cpu(&mut c.ours(&home, &["download", LARGE_REPO, LARGE_FILE]))?;
        big.our_requests.push(c.cdn_gets()?);
        big.peak_rss = big.peak_rss.max(timed.0.peak_rss_kib);
        big.ours.push(timed);
        let _ = std::fs::remove_dir_all(&home);
        settle_disk();
        let home = c.fresh_home("w-aria")?;
        let url = c.cdn_url()?;
        big.aria.push(
            c.with_server_cpu(
                Command::new(&aria2c)
                    .args([
                        "-q",
                        "-x",
                        "16",
                        "-s",
                        "16",
                        "-k",
                        "1M",
                        "--file-allocation=none",
                        "-d",
                    ])
                    .arg(&home)
                    .args(["-o", LARGE_FILE])
                    .arg(&url),
            )?,
        );
        let _ = std::fs::remove_dir_all(&home);
        settle_disk();
        big.curl.push(c.curl_large("w-curl")?);
        let _ = std::fs::remove_dir_all(c.work.join("w-curl"));
        settle_disk();
        let home = c.fresh_home("w-python")?;
        big.python
            .push(c.with_server_cpu(&mut c.python(&home, &["download", LARGE_REPO, LARGE_FILE]))?);
        for label in ["w-ours", "w-aria", "w-curl", "w-python"] {
            let _ = std::fs::remove_dir_all(c.work.join(label));
        }
    }
    Ok(big)
}

/// The large file from a CDN whose first bytes come `ms` late (every CDN GET waits that long
/// before its answer), against aria2c, curl and Python; with the range requests ours made
/// (the minimum is one per 16 MiB range).
/// `hf download demo-org/demo-model config.json` with `ms` on every Hub request: each client
/// to a cold cache (a fresh home each run) and then to that warm cache (the etag check),
/// timed and with its requests counted from the test server's log.
fn measure_small_file(c: &Contenders, settings: &Settings, ms: u64) -> anyhow::Result<()> {
    const ARGS: &[&str] = &["download", "demo-org/demo-model", "config.json"];
    c.fault(&format!(
        "{{\"origin\": \"Hub\", \"path_contains\": \"\", \"action\": {{\"LatencyMs\": {ms}}}}}"
    ))?;
    // Per client: the median cold and warm times, and the requests of each kind of run.
    struct Row {
        who: &'static str,
        cold: Duration,
        cold_requests: usize,
        warm: Duration,
        warm_requests: usize,
    }
    let mut rows = Vec::new();
    for who in ["hf (ours)", "Python hf 2.5.0"] {
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        let (mut cold_requests, mut warm_requests) = (0, 0);
        for run in 0..settings.runs {
            let home = c.fresh_home(&format!("small-{run}"))?;
            let command = |home: &Path| {
                if who.starts_with("hf") {
                    c.ours(home, ARGS)
                } else {
                    c.python(home, ARGS)
                }
            };
            for (times, requests) in [
                (&mut cold, &mut cold_requests),
                (&mut warm, &mut warm_requests),
            ] {
                c.clear_requests()?;
                let timed = time_process(&mut command(&home))?;
                times.push(timed.elapsed);
                *requests = c.recorded_requests()?.len();
            }
        }
        rows.push(Row {
            who,
            cold: median(&mut cold),
            cold_requests,
            warm: median(&mut warm),
            warm_requests,
        });
    }
    c.clear_faults()?;
    println!("\n{}", machine());
    println!(
        "Medians of {} runs. `hf download demo-org/demo-model config.json`, {ms} ms on every Hub request.\n",
        settings.runs
    );
    println!("| Client | cold cache | its requests | warm cache | its requests |");
    println!("| --- | --- | --- | --- | --- |");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            row.who,
            secs(row.cold),
            row.cold_requests,
            secs(row.warm),
            row.warm_requests
        );
    }
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    println!(
        "\nours / Python: cold {:.2}x, warm {:.2}x (target: at most 0.8x, no more round trips)",
        ratio(rows[0].cold, rows[1].cold),
        ratio(rows[0].warm, rows[1].warm)
    );
    Ok(())
}

fn measure_first_byte(c: &Contenders, settings: &Settings, ms: u64) -> anyhow::Result<()> {
    c.fault(&format!(
        "{{\"origin\": \"Cdn\", \"method\": \"GET\", \"path_contains\": \"\", \"action\": {{\"LatencyMs\": {ms}}}}}"
    ))?;
    let big = big_file_four_ways(c, settings.runs, "slow first byte")?;
    c.clear_faults()?;
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let (o, p, cu, a) = (
        big.ours.wall(),
        big.python.wall(),
        big.curl.wall(),
        big.aria.wall(),
    );
    let minimum = (settings.size_mib * 1024 * 1024).div_ceil(DEFAULT_RANGE);
    println!("\n{}", machine());
    println!(
        "Medians of {} runs. Big file: {} MiB from a CDN that answers every GET {ms} ms late.\n",
        settings.runs, settings.size_mib
    );
    println!(
        "| hf (ours) | aria2c -x 16 -s 16 | curl | Python hf 2.5.0 | ours vs aria2c | Python / ours | our CDN requests (minimum {minimum}) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {} | {} | {} | {} | {:.2}x | {:.1}x | {:?} |",
        secs(o),
        secs(a),
        secs(cu),
        secs(p),
        ratio(o, a),
        ratio(p, o),
        big.our_requests
    );
    println!("\nPeak RSS of hf: {:.1} MiB", big.peak_rss as f64 / 1024.0);
    Ok(())
}

/// The wide-area scenarios: the big file with every CDN response capped at 20 MB/s (so each
/// connection is), against curl, aria2c -x 16 -s 16 and Python; then 1000 small files with
/// 30 ms added to every request, against Python.
fn measure_wan(c: &Contenders, settings: &Settings) -> anyhow::Result<()> {
    let runs = settings.runs;
    c.fault(&format!(
        "{{\"origin\": \"Cdn\", \"method\": \"GET\", \"path_contains\": \"/lfs/\", \"action\": {{\"DripBytesPerSec\": {WAN_CAP}}}}}"
    ))?;
    let BigFile {
        mut ours,
        mut python,
        mut curl,
        mut aria,
        peak_rss,
        ..
    } = big_file_four_ways(c, runs, "wan big")?;
    c.clear_faults()?;
    c.fault(&format!(
        "{{\"path_contains\": \"\", \"action\": {{\"LatencyMs\": {WAN_LATENCY_MS}}}}}"
    ))?;
    let many = ["download", "demo-org/many-files", "--include", "shard-0*"];
    let (mut m_ours, mut m_python) = (Vec::new(), Vec::new());
    for run in 0..runs {
        println!("(wan many) run {}/{runs}", run + 1);
        let home = c.fresh_home("m-ours")?;
        m_ours.push(time_process(&mut c.ours(&home, &many))?.elapsed);
        if run == 0 {
            let count = count_files(&home.join("hub/models--demo-org--many-files/snapshots"));
            if count != 1000 {
                bail!("the many-files scenario should download 1000 files, got {count}");
            }
        }
        let home = c.fresh_home("m-python")?;
        m_python.push(time_process(&mut c.python(&home, &many))?.elapsed);
    }
    c.clear_faults()?;
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64().max(1e-9);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let (o, p, cu, a) = (ours.wall(), python.wall(), curl.wall(), aria.wall());
    let (mo, mp) = (median(&mut m_ours), median(&mut m_python));
    println!("\n{}", machine());
    println!(
        "Medians of {runs} runs. Big file: {} MiB, every CDN response capped at {} MB/s. Many files: 1000, {WAN_LATENCY_MS} ms added to every request.\n",
        settings.size_mib,
        WAN_CAP / 1_000_000
    );
    println!(
        "| Scenario | hf (ours) | aria2c -x 16 -s 16 | curl | Python hf 2.5.0 | ours vs aria2c | Python / ours | Target |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| WAN big file | {} | {} | {} | {} | {:.2}x | {:.1}x | <= 1.0x aria2c: {}; >= 8x Python: {} |",
        secs(o),
        secs(a),
        secs(cu),
        secs(p),
        ratio(o, a),
        ratio(p, o),
        verdict(ratio(o, a) <= 1.0),
        verdict(ratio(p, o) >= 8.0)
    );
    println!(
        "| WAN many files | {} | - | - | {} | - | {:.1}x | >= 8x Python: {} |",
        secs(mo),
        secs(mp),
        ratio(mp, mo),
        verdict(ratio(mp, mo) >= 8.0)
    );
    println!(
        "\nPeak RSS of hf during the big file: {:.1} MiB",
        peak_rss as f64 / 1024.0
    );
    println!("\nCPU time during the big file, medians (same 2 cores as the server).\n");
    println!("| Contender | wall | client CPU | server CPU |");
    println!("| --- | --- | --- | --- |");
    for (name, runs) in [
        ("hf (ours)", &mut ours),
        ("aria2c", &mut aria),
        ("curl", &mut curl),
        ("Python hf 2.5.0", &mut python),
    ] {
        println!(
            "| {name} | {} | {} | {} |",
            secs(runs.wall()),
            secs(runs.client_cpu()),
            secs(runs.server_cpu())
        );
    }
    Ok(())
}
