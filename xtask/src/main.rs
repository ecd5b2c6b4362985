//! Project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! - `ci [--step NAME]... [--keep-going]`: what CI runs (see `ci.rs`).
//! - `codegen [--check]`: regenerate (or check) `docs/reference/environment.md`.
//! - `test-server [ARGS]...`: run the local Hub (`hf-test-server`) with a temporary data dir.
//!
//! xtask depends on no product crate: it only spawns cargo and binaries.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask reports progress to the terminal"
)]

mod ci;
mod codegen;
mod test_server;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci [--step STEP]... [--keep-going]
        fmt, clippy, test, doc, deny, codegen, conformance (all by default, in this order)
  codegen [--check]
        regenerate docs/reference/environment.md (--check: fail when it is out of date)
  test-server [ARGS]...
        run hf-test-server with a temporary --data-dir; ARGS are passed through
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("ci") => ci::run(&rest),
        Some("codegen") => codegen::run(&rest),
        Some("test-server") => test_server::run(&rest),
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
