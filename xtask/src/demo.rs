//! `cargo xtask demo`: a real download on a fresh machine, with nothing but this repo.
//! Starts `hf-test-server` with its demo seed, runs `hf download` against it (progress bars
//! and all), then shows the cache with `hf cache ls`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};

use crate::util;

/// A running `hf-test-server` child, killed on drop.
pub(crate) struct Server {
    child: Child,
    /// The Hub endpoint.
    pub(crate) endpoint: String,
    /// The CDN origin.
    pub(crate) cdn: String,
    /// The `write` token of `demo-user`.
    pub(crate) write_token: String,
}

impl Server {
    /// Starts `binary` with `data_dir` and waits for its ready line.
    pub(crate) fn start(binary: &Path, data_dir: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .context("no stdout from hf-test-server")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: serde_json::Value = match serde_json::from_str(&line) {
            Ok(value) => value,
            Err(_) => {
                let _ = child.kill();
                bail!("hf-test-server did not print its ready line (got {line:?})");
            }
        };
        let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(Self {
            endpoint: field(&ready["endpoint"]),
            cdn: field(&ready["cdn"]),
            write_token: field(&ready["tokens"]["write"]),
            child,
        })
    }
}

impl Server {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh temporary directory under the system temp dir.
pub(crate) fn temp_dir(label: &str) -> anyhow::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("hf-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs `cargo xtask demo [--keep]`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let keep = args.iter().any(|a| a == "--keep");
    if let Some(other) = args.iter().find(|a| *a != "--keep") {
        bail!("unknown option '{other}' (usage: cargo xtask demo [--keep])");
    }
    let server_bin = util::build_binary("hf-test-server", "hf-test-server")?;
    let hf = util::build_binary("hf-rs-cli", "hf")?;
    let root = temp_dir("demo")?;
    let result = demo(&server_bin, &hf, &root);
    if keep {
        println!("\nkept {}", root.display());
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

fn demo(server_bin: &Path, hf: &Path, root: &Path) -> anyhow::Result<()> {
    let server = Server::start(server_bin, &root.join("server-data"))?;
    println!(
        "\nhf-test-server is serving a local Hub at {} (CDN {})",
        server.endpoint, server.cdn
    );
    let hf_home = root.join("hf-home");
    let step = |args: &[&str]| -> anyhow::Result<()> {
        println!("\n$ HF_ENDPOINT={} hf {}", server.endpoint, args.join(" "));
        let mut command = Command::new(hf);
        command
            .args(args)
            .env("HF_ENDPOINT", &server.endpoint)
            .env("HF_HOME", &hf_home)
            .env_remove("HF_TOKEN")
            .env_remove("HF_HUB_OFFLINE");
        let status = command
            .status()
            .with_context(|| format!("could not run {}", hf.display()))?;
        if !status.success() {
            bail!("`hf {}` failed ({status})", args.join(" "));
        }
        Ok(())
    };
    step(&["download", "demo-org/demo-model"])?;
    step(&[
        "download",
        "demo-org/demo-dataset",
        "--repo-type",
        "dataset",
        "--include",
        "data/*",
    ])?;
    step(&["download", "demo-org/demo-model", "config.json"])?;
    step(&["cache", "ls"])?;
    step(&["cache", "verify", "demo-org/demo-model"])?;
    println!(
        "\nThe same against huggingface.co (needs network):\n$ hf download openai-community/gpt2 config.json"
    );
    Ok(())
}
