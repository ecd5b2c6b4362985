//! `cargo xtask bench cache [--runs N] [--repos N] [--files N]`: how fast `hf cache ls` scans a
//! large cache, side by side in one run with `du -sL` over the same tree (the filesystem's
//! floor: one `stat` per file through its link) and the Python `hf cache ls` (huggingface_hub
//! 2.5.0 from `.venv`). The cache is generated in the Python client's layout: `--repos` repos
//! of `--files` files each (default 100 x 1,000 = 100,000 snapshot links), small blobs, one
//! snapshot and `refs/main` per repo. Prints a Markdown table of medians, ratios and peak RSS.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::bail;

use crate::demo::temp_dir;
use crate::measure::{Timed, machine, median, secs, time_process};
use crate::util;

/// `cargo xtask bench cache`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Settings {
    /// Runs of each tool (the median is reported).
    #[arg(long, default_value_t = 3, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    runs: usize,
    /// Repositories in the generated cache.
    #[arg(long, default_value_t = 100, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    repos: usize,
    /// Files per repository.
    #[arg(long, default_value_t = 1000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    files: usize,
}

/// Runs `cargo xtask bench cache`.
pub(crate) fn run(settings: &Settings) -> anyhow::Result<()> {
    let root = util::root();
    let python_hf = root.join(".venv/bin/hf");
    if !python_hf.exists() {
        bail!(
            "the Python client is missing: create it with `python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt`"
        );
    }
    let ours = util::build_release("hf-rs-cli", "hf")?;
    let work = temp_dir("hf-bench-cache")?;
    let hf_home = work.join("home");
    let cache = hf_home.join("hub");
    println!(
        "generating a cache of {} repos x {} files in {}",
        settings.repos,
        settings.files,
        cache.display()
    );
    generate(&cache, settings.repos, settings.files)?;

    let ours_cmd = || {
        let mut c = Command::new(&ours);
        c.args(["cache", "ls"])
            .env("HF_HOME", &hf_home)
            .env_remove("HF_HUB_CACHE");
        c
    };
    let python_cmd = || {
        let mut c = Command::new(&python_hf);
        c.args(["cache", "ls"])
            .env("HF_HOME", &hf_home)
            .env_remove("HF_HUB_CACHE")
            .env("HF_HUB_DISABLE_TELEMETRY", "1");
        c
    };
    let du_cmd = || {
        let mut c = Command::new("du");
        c.arg("-sL").arg(&cache);
        c
    };
    // One untimed pass each, so every contender starts with the same warm page cache.
    for mut command in [ours_cmd(), python_cmd(), du_cmd()] {
        time_process(&mut command)?;
    }
    let mut times: [Vec<Duration>; 3] = Default::default();
    let mut peaks = [0u64; 3];
    for run in 0..settings.runs {
        for (i, mut command) in [ours_cmd(), du_cmd(), python_cmd()].into_iter().enumerate() {
            let Timed {
                elapsed,
                peak_rss_kib,
                ..
            } = time_process(&mut command)?;
            times[i].push(elapsed);
            peaks[i] = peaks[i].max(peak_rss_kib);
        }
        println!("run {} of {} done", run + 1, settings.runs);
    }
    let [ours_t, du_t, python_t] = times.map(|mut t| median(&mut t));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!();
    println!("{}", machine());
    println!(
        "Cache: {} repos x {} files ({} snapshot links), medians of {} runs, warm page cache.",
        settings.repos,
        settings.files,
        settings.repos * settings.files,
        settings.runs
    );
    println!();
    println!("| Contender | Time | vs `du -sL` | Peak RSS |");
    println!("| --- | --- | --- | --- |");
    for (name, t, peak) in [
        ("ours `hf cache ls`", ours_t, peaks[0]),
        ("`du -sL`", du_t, peaks[1]),
        ("Python `hf cache ls`", python_t, peaks[2]),
    ] {
        println!(
            "| {name} | {} | {:.2}x | {:.1} MiB |",
            secs(t),
            ratio(t, du_t),
            peak as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Writes `repos` repos of `files` small files each, as `hf_hub_download` leaves them.
fn generate(cache: &Path, repos: usize, files: usize) -> anyhow::Result<()> {
    for r in 0..repos {
        let repo = cache.join(format!("models--bench-org--repo-{r:03}"));
        let commit = format!("{:040x}", r + 1);
        let snapshot = repo.join("snapshots").join(&commit);
        std::fs::create_dir_all(repo.join("blobs"))?;
        std::fs::create_dir_all(repo.join("refs"))?;
        std::fs::write(repo.join("refs/main"), &commit)?;
        for f in 0..files {
            let folder = format!("part-{:02}", f / 100);
            std::fs::create_dir_all(snapshot.join(&folder))?;
            let etag = format!("{:040x}", (r as u128) << 64 | f as u128);
            std::fs::write(
                repo.join("blobs").join(&etag),
                format!("repo {r} file {f}\n"),
            )?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(
                format!("../../../blobs/{etag}"),
                snapshot.join(&folder).join(format!("file-{f:04}.txt")),
            )?;
        }
    }
    Ok(())
}
