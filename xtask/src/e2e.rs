//! `cargo xtask e2e [--bin PATH] [--endpoint URL] [--write] [--heavy] [-- FILTER...]`: the
//! end-to-end suite (package `hf-e2e`, `tests/e2e/`) against a built `hf`.
//!
//! Without `--bin` it builds `hf` (debug). Without `--endpoint` it builds and starts
//! `hf-test-server` on a free local port, reads its start-up JSON line and hands the suite
//! its endpoint and tokens; the server is stopped afterwards. With `--endpoint` (e.g. a
//! staging Hub) the token comes from `HF_TOKEN`, and the tests that create repos or upload
//! run only with `--write`.
//!
//! The suite reads: `HF_BIN` (the binary), `HF_ENDPOINT`, `HF_E2E_TOKEN` (a write token,
//! or read-only against a real endpoint without `--write`), `HF_E2E_READ_TOKEN` (optional),
//! `HF_E2E_WRITE` (`1` allows writes), `HF_E2E_TEST_SERVER` (`1` when the server is
//! ours, so its seeded repos can be used) and `HF_E2E_PYTHON_HF` (the Python client's `hf`
//! in `.venv`, to compare outputs with).

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

use crate::util;

/// `cargo xtask e2e`'s options.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// The `hf` binary to test (built from this workspace by default).
    #[arg(long, value_name = "PATH")]
    bin: Option<PathBuf>,
    /// A Hub to test against instead of a local hf-test-server (with `HF_TOKEN`).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Also run the tests that write to the Hub.
    #[arg(long)]
    write: bool,
    /// Also run the load tests at full size (`HF_HEAVY_TESTS=1`, see docs/reliability.md).
    #[arg(long)]
    heavy: bool,
    /// Test-name filters, passed to the test harness.
    #[arg(last = true, value_name = "TEST_FILTER")]
    filters: Vec<String>,
}

/// A started `hf-test-server`, stopped on drop.
#[derive(Debug)]
struct Server {
    child: Child,
    data_dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// What the server prints once it accepts connections.
#[derive(Debug)]
struct ServerInfo {
    endpoint: String,
    inference_endpoints: String,
    inference_catalog: String,
    write_token: String,
    read_token: String,
}

/// Runs the task.
pub(crate) fn run(options: &Options) -> anyhow::Result<()> {
    if options.heavy {
        // 100,000 cached files take minutes (mostly to build): not for every CI run.
        util::run(
            util::cargo(&["test"])
                .args(util::WORKSPACE)
                .args(["--test", "it", "load::cache_ls_over_a_large_cache"])
                .env("HF_HEAVY_TESTS", "1"),
        )?;
    }
    let bin = match &options.bin {
        Some(path) => {
            let path = std::path::absolute(path)
                .with_context(|| format!("bad --bin path {}", path.display()))?;
            if !path.is_file() {
                bail!("--bin {}: no such file", path.display());
            }
            path
        }
        None => util::build_binary("hf")?,
    };
    println!("hf binary: {}", bin.display());
    let version = Command::new(&bin)
        .arg("--version")
        .output()
        .with_context(|| format!("could not run {}", bin.display()))?;
    if !version.status.success() {
        bail!("`{} --version` failed", bin.display());
    }
    println!("{}", String::from_utf8_lossy(&version.stdout).trim());

    let mut test = util::cargo(&["test"]);
    test.args(util::WORKSPACE).args(["--test", "e2e"]);
    test.env("HF_BIN", &bin);
    // The Python client's CLI, to compare outputs with (its .venv is what `cargo xtask ci`
    // creates for the conformance step; on CI a missing one is a failure, not a skip).
    let python_hf = util::root().join(".venv/bin/hf");
    if python_hf.is_file() {
        test.env("HF_E2E_PYTHON_HF", &python_hf);
    } else if util::on_ci() {
        bail!(
            "{} is missing: the e2e suite compares outputs with the Python CLI (create it with \
             `python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt`)",
            python_hf.display()
        );
    } else {
        println!("note: no .venv/bin/hf: the comparisons with the Python CLI are not run");
    }
    // Keep the caller's HF_* settings away from the suite: it sets each one it needs.
    for name in ["HF_TOKEN", "HF_HOME", "HF_TOKEN_PATH", "HF_HUB_OFFLINE"] {
        test.env_remove(name);
    }

    let mut local_info = None;
    let _server = match &options.endpoint {
        Some(endpoint) => {
            let token = caller_token().context(
                "--endpoint needs a token: set HF_TOKEN (a read token, or a write token with --write)",
            )?;
            test.env("HF_ENDPOINT", endpoint)
                .env("HF_E2E_TOKEN", token)
                .env("HF_E2E_WRITE", if options.write { "1" } else { "0" })
                .env("HF_E2E_TEST_SERVER", "0");
            println!(
                "endpoint: {endpoint} ({})",
                if options.write {
                    "writes allowed"
                } else {
                    "read-only: the tests that create repos or upload are not run; pass --write to run them"
                }
            );
            None
        }
        None => {
            if options.write {
                println!(
                    "note: --write only matters with --endpoint; the local server always allows writes"
                );
            }
            let (server, info) = start_server()?;
            println!("endpoint: {} (hf-test-server)", info.endpoint);
            local_info = Some(ServerInfo {
                endpoint: info.endpoint.clone(),
                inference_endpoints: info.inference_endpoints.clone(),
                inference_catalog: info.inference_catalog.clone(),
                write_token: info.write_token.clone(),
                read_token: info.read_token.clone(),
            });
            test.env("HF_ENDPOINT", &info.endpoint)
                .env("HF_E2E_INFERENCE_ENDPOINTS_URL", &info.inference_endpoints)
                .env("HF_E2E_INFERENCE_CATALOG_URL", &info.inference_catalog)
                .env("HF_E2E_TOKEN", &info.write_token)
                .env("HF_E2E_READ_TOKEN", &info.read_token)
                .env("HF_E2E_WRITE", "1")
                .env("HF_E2E_TEST_SERVER", "1");
            Some(server)
        }
    };
    if !options.filters.is_empty() {
        test.arg("--").args(&options.filters);
    }
    // The suite's commands print tokens nowhere, but the environment is not echoed either.
    println!("$ {}", util::describe(&test));
    let status = test.status().context("could not run cargo test")?;
    if !status.success() {
        bail!("the end-to-end suite failed ({status})");
    }
    // The library examples use the test server's seeded repos.
    if let Some(info) = &local_info
        && options.filters.is_empty()
    {
        crate::examples::run(&crate::examples::Target {
            endpoint: &info.endpoint,
            read_token: &info.read_token,
            write_token: &info.write_token,
            hf: &bin,
        })?;
    }
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "xtask is not a library: it forwards the caller's token to the suite"
)]
fn caller_token() -> Option<String> {
    std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty())
}

/// Builds and starts `hf-test-server` with a fresh data dir; waits for its JSON line.
fn start_server() -> anyhow::Result<(Server, ServerInfo)> {
    let exe = util::build_binary("hf-test-server")?;
    let data_dir = std::env::temp_dir().join(format!("hf-e2e-server-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    let mut child = Command::new(&exe)
        .arg("--data-dir")
        .arg(&data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start {}", exe.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let server = Server { child, data_dir };
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .context("could not read the server's start-up line")?;
    let info = parse_start_line(&line)?;
    Ok((server, info))
}

fn parse_start_line(line: &str) -> anyhow::Result<ServerInfo> {
    let value: serde_json::Value = serde_json::from_str(line.trim())
        .with_context(|| format!("hf-test-server printed no JSON start-up line: {line:?}"))?;
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .with_context(|| format!("the start-up line has no {pointer}"))
    };
    Ok(ServerInfo {
        endpoint: text("/endpoint")?,
        inference_endpoints: text("/inference_endpoints")?,
        inference_catalog: text("/inference_catalog")?,
        write_token: text("/tokens/write")?,
        read_token: text("/tokens/read")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            options: Options,
        }
        let argv = std::iter::once("e2e").chain(args.iter().copied());
        <Cli as clap::Parser>::try_parse_from(argv).map(|cli| cli.options)
    }

    #[test]
    fn options_are_parsed() {
        let options = parse(&[
            "--bin",
            "target/release/hf",
            "--endpoint=https://hub.example",
            "--write",
            "--",
            "flow",
        ])
        .expect("parse");
        assert_eq!(options.bin, Some(PathBuf::from("target/release/hf")));
        assert_eq!(options.endpoint.as_deref(), Some("https://hub.example"));
        assert!(options.write);
        assert_eq!(options.filters, vec!["flow".to_owned()]);
        assert!(parse(&["--frobnicate"]).is_err());
    }

    #[test]
    fn the_start_up_line_gives_endpoint_and_tokens() {
        let info = parse_start_line(
            r#"{"endpoint":"http://127.0.0.1:4000","cdn":"http://127.0.0.1:4001","inference_endpoints":"http://127.0.0.1:4000/_endpoints/v2","inference_catalog":"http://127.0.0.1:4000/_catalog/api/v1/catalog","tokens":{"read":"hf_fakeread1","write":"hf_fakewrite1"},"pid":7}"#,
        )
        .expect("parse");
        assert_eq!(info.endpoint, "http://127.0.0.1:4000");
        assert_eq!(
            info.inference_endpoints,
            "http://127.0.0.1:4000/_endpoints/v2"
        );
        assert_eq!(
            info.inference_catalog,
            "http://127.0.0.1:4000/_catalog/api/v1/catalog"
        );
        assert_eq!(info.write_token, "hf_fakewrite1");
        assert_eq!(info.read_token, "hf_fakeread1");
        assert!(parse_start_line("listening on 4000").is_err());
    }
}
