//! `cargo xtask fuzz [--time SECS] [--target NAME]... [--sanitizer NAME]`: runs every fuzz
//! target under `fuzz/` (cargo-fuzz, libFuzzer) for a bounded time each.
//!
//! cargo-fuzz needs unstable compiler flags (`-Zsanitizer`, coverage instrumentation); only a
//! stable toolchain is available here, so the run sets `RUSTC_BOOTSTRAP=1`, which unlocks them
//! on stable. cargo-fuzz is installed (`cargo install cargo-fuzz --locked`) when missing.
//! A crash leaves its input in `fuzz/artifacts/<target>/`; the task fails and names it, and
//! the input becomes a regression test in the owning crate.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::util::{cargo, describe, root, succeeds};

/// `cargo xtask fuzz`'s options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Options {
    /// How long each target runs.
    #[arg(long = "time", value_name = "SECS", default_value_t = 60)]
    seconds: u64,
    /// Only these targets (repeatable); all of `fuzz/` by default.
    #[arg(long = "target", value_name = "NAME")]
    only: Vec<String>,
    /// The sanitizer cargo-fuzz builds with.
    #[arg(long, default_value = "address", value_parser = ["address", "none"])]
    sanitizer: String,
}

pub(crate) fn run(options: Options) -> anyhow::Result<()> {
    let Options {
        seconds,
        only,
        sanitizer,
    } = options;
    let fuzz_dir = root().join("fuzz");
    let targets = targets(&fuzz_dir)?;
    let selected: Vec<&String> = if only.is_empty() {
        targets.iter().collect()
    } else {
        for name in &only {
            if !targets.contains(name) {
                bail!(
                    "no fuzz target '{name}' (there are: {})",
                    targets.join(", ")
                );
            }
        }
        targets.iter().filter(|t| only.contains(t)).collect()
    };
    if !succeeds(&mut cargo(&["fuzz", "--version"])) {
        crate::util::run(&mut cargo(&["install", "cargo-fuzz", "--locked"]))?;
    }
    let mut crashed = Vec::new();
    for target in selected {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create {}", corpus.display()))?;
        let mut command = Command::new("cargo");
        command
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--sanitizer", &sanitizer, target])
            .arg(&corpus);
        let seeds = fuzz_dir.join("seeds").join(target);
        if seeds.is_dir() {
            command.arg(&seeds);
        }
        command.args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-rss_limit_mb=2048",
            "-max_len=65536",
            "-print_final_stats=1",
        ]);
        println!("$ {}", describe(&command));
        let status = command
            .status()
            .with_context(|| format!("could not start `{}`", describe(&command)))?;
        if !status.success() {
            crashed.push(target.clone());
        }
    }
    if !crashed.is_empty() {
        bail!(
            "fuzz targets failed: {} (inputs in fuzz/artifacts/<target>/; reproduce with \
             `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` in fuzz/ and add a regression test)",
            crashed.join(", ")
        );
    }
    println!("all fuzz targets ran {seconds} s each without a crash");
    Ok(())
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`.
fn targets(fuzz_dir: &Path) -> anyhow::Result<Vec<String>> {
    let manifest = fuzz_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let mut in_bin = false;
    let mut names = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin
            && let Some(value) = line.strip_prefix("name")
            && let Some(value) = value.trim_start().strip_prefix('=')
        {
            names.push(value.trim().trim_matches('"').to_owned());
        }
    }
    if names.is_empty() {
        bail!("no [[bin]] targets in {}", manifest.display());
    }
    Ok(names)
}
