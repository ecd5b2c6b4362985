//! Project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! - `ci [--step NAME]... [--keep-going]`: what CI runs (see `ci.rs`).
//! - `api [--check]`: the public-API listing in `docs/api/` (see `api.rs`).
//! - `codegen [--check]`: regenerate (or check) `docs/reference/environment.md`.
//! - `demo [--keep] [--check]`: the token guide's story against the local Hub (`demo.rs`).
//! - `bench download`: download benchmark against the Python client and curl (`bench.rs`).
//! - `bench cache`: cache scan benchmark against `du -sL` and the Python client (`bench_cache.rs`).
//! - `bench upload`: upload benchmark against the Python client and sha256sum (`bench_upload.rs`).
//! - `test-server [ARGS]...`: run the local Hub (`hf-test-server`) with a temporary data dir.
//! - `e2e [--bin PATH] [--endpoint URL] [--write]`: the end-to-end suite (see `e2e.rs`).
//! - `fuzz [--time SECS] [--target NAME]...`: every fuzz target under `fuzz/` (see `fuzz.rs`).
//! - `release [--dry-run] [--version X.Y.Z]`: the release checklist (see `release.rs`).
//! - `tidy`: the house rules of docs/ARCHITECTURE.md that can be checked (see `tidy.rs`).
//!
//! xtask depends on no product crate: it only spawns cargo and binaries.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask reports progress to the terminal"
)]

mod api;
mod bench;
mod bench_cache;
mod bench_upload;
mod ci;
mod codegen;
mod demo;
mod e2e;
mod examples;
mod fuzz;
mod measure;
mod release;
mod test_server;
mod tidy;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  api [--check]
        list the public API of hf-auth, hf-rs-hub and hf-inference into docs/api/ (--check: fail when it changed)
  ci [--step STEP]... [--keep-going]
        fmt, tidy, clippy, test, doc, deny, codegen, conformance (all by default, in this order)
  codegen [--check]
        regenerate docs/reference/environment.md (--check: fail when it is out of date)
  demo [--keep] [--check]
        the token guide's story against a local Hub (hf-test-server): log in, whoami, public,
        private and gated downloads, upload with the write token, refusal with the read token,
        one chat call; --check fails when a step does not go as told (CI runs it)
  bench download [--wan | --xet] [--runs N] [--size-mib N]
        hf download vs the Python client vs curl on loopback (release builds; needs .venv and curl);
        --xet: both clients on Xet (download, fresh upload, re-upload after an edit on loopback
        and on a 20 MB/s uplink)
  bench cache [--runs N] [--repos N] [--files N]
        hf cache ls vs du -sL vs the Python client over a generated cache (100 x 1,000 files)
  bench upload [--xet] [--runs N] [--size-mib N] [--files N]
        hf upload vs the Python client (1 GiB file, 1000 small files) and hashing vs sha256sum;
        --xet: the Xet scenarios of bench download --xet
  test-server [ARGS]...
        run hf-test-server with a temporary --data-dir; ARGS are passed through
  e2e [--bin PATH] [--endpoint URL] [--write] [--heavy] [-- FILTER...]
        the end-to-end suite (tests/e2e) against hf-test-server, or against URL with HF_TOKEN
        (--heavy: first the load tests at full size, HF_HEAVY_TESTS=1)
  fuzz [--time SECS] [--target NAME]... [--sanitizer address|none]
        run each fuzz target under fuzz/ for SECS (default 60); needs cargo-fuzz (installed if missing)
  release [--dry-run] [--version X.Y.Z] [--allow-dirty] [--ci] [--no-verify] [--offline]
        the release checklist: clean tree, ci, version bump, changelog, names, packaging, tag
  tidy
        the checkable house rules (crate edges, command imports, module circles, machine paths,
        dead-code allows, issue numbers in comments, hint lines outside hints.rs)
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("bench") if rest.first().map(String::as_str) == Some("upload") => {
            bench_upload::run(&rest[1..])
        }
        Some("bench") if rest.first().map(String::as_str) == Some("cache") => {
            bench_cache::run(&rest[1..])
        }
        Some("bench") => bench::run(&rest),
        Some("api") => api::run(&rest),
        Some("ci") => ci::run(&rest),
        Some("codegen") => codegen::run(&rest),
        Some("demo") => demo::run(&rest),
        Some("test-server") => test_server::run(&rest),
        Some("e2e") => e2e::run(&rest),
        Some("fuzz") => fuzz::run(&rest),
        Some("release") => release::run(&rest),
        Some("tidy") => tidy::run(&rest),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(anyhow::anyhow!("unknown task '{other}'\n\n{USAGE}")),
        None => Err(anyhow::anyhow!("no task given\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
