//! Project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! Each task is a module; `cargo xtask --help` lists them, with their options (parsed by
//! clap from the `Options`/`Settings` struct of each module).
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

use clap::{Parser, Subcommand};

/// Project automation for the hf workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
enum Task {
    /// List the public API of hf-auth, hf-rs-hub and hf-inference into docs/api/.
    Api {
        /// Fail when the listing changed instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// fmt, tidy, clippy, test, doc, deny, codegen, api, conformance, e2e, demo, actionlint
    /// (all by default, in this order).
    Ci(ci::Options),
    /// Regenerate docs/reference/environment.md and the CLI reference.
    Codegen {
        /// Fail when a file is out of date instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// The token guide's story against a local Hub (hf-test-server): log in, whoami, public,
    /// private and gated downloads, upload with the write token, refusal with the read token,
    /// one chat call.
    Demo(demo::Options),
    /// Benchmarks side by side with the Python client, curl and aria2c (release builds).
    #[command(subcommand)]
    Bench(Bench),
    /// Run hf-test-server with a temporary --data-dir; ARGS are passed through.
    TestServer {
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
    /// The end-to-end suite (tests/e2e) against hf-test-server, or against a Hub with HF_TOKEN.
    E2e(e2e::Options),
    /// Run each fuzz target under fuzz/ (needs cargo-fuzz; installed if missing).
    Fuzz(fuzz::Options),
    /// The release checklist: clean tree, ci, version bump, changelog, names, packaging, tag.
    Release(release::Options),
    /// The checkable house rules of docs/ARCHITECTURE.md.
    Tidy,
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// hf download vs the Python client, curl and aria2c (loopback, --wan, --xet, --first-byte-ms).
    Download(bench::Settings),
    /// hf cache ls vs du -sL vs the Python client over a generated cache.
    Cache(bench_cache::Settings),
    /// hf upload vs the Python client (a large file, many small files) and hashing vs sha256sum.
    Upload(bench_upload::Settings),
}

fn main() -> ExitCode {
    let result = match Task::parse() {
        Task::Api { check } => api::run(check),
        Task::Ci(options) => ci::run(&options),
        Task::Codegen { check } => codegen::run(check),
        Task::Demo(options) => demo::run(options),
        Task::Bench(Bench::Download(settings)) => bench::download(&settings),
        Task::Bench(Bench::Cache(settings)) => bench_cache::run(&settings),
        Task::Bench(Bench::Upload(settings)) => bench_upload::run(&settings),
        Task::TestServer { args } => test_server::run(&args),
        Task::E2e(options) => e2e::run(&options),
        Task::Fuzz(options) => fuzz::run(options),
        Task::Release(options) => release::run(&options),
        Task::Tidy => tidy::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_tree_is_consistent() {
        <Task as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn bench_options_are_checked() {
        assert!(Task::try_parse_from(["xtask", "bench", "download", "--runs", "0"]).is_err());
        assert!(Task::try_parse_from(["xtask", "bench", "download", "--wan", "--xet"]).is_err());
        assert!(Task::try_parse_from(["xtask", "bench", "cache", "--files", "0"]).is_err());
        assert!(Task::try_parse_from(["xtask", "ci", "--step", "nope"]).is_err());
        let Task::Ci(options) =
            Task::try_parse_from(["xtask", "ci", "--step", "fmt,tidy", "--step=doc"]).unwrap()
        else {
            panic!("not ci");
        };
        assert_eq!(options.steps(), ["fmt", "tidy", "doc"]);
        let Task::TestServer { args } =
            Task::try_parse_from(["xtask", "test-server", "--port", "4000"]).unwrap()
        else {
            panic!("not test-server");
        };
        assert_eq!(args, ["--port", "4000"]);
    }
}
