//! `cargo xtask codegen [--check]`: `docs/reference/environment.md` from the registry and
//! `docs/reference/cli.md` from every command's `--help`.
//!
//! The generators are tests (xtask does not depend on product crates): `generated_docs` in
//! hf-auth's test binary and `cli_reference` in hf-cli's. Without `HF_UPDATE_GENERATED`
//! they compare, with it they write.

use anyhow::{Context as _, bail};

use crate::util;

/// (test, generated file): the tests live in hf-auth's and hf-cli's `it` binaries.
const GENERATORS: &[(&str, &str)] = &[
    (
        "generated_docs::environment_reference_is_up_to_date",
        "docs/reference/environment.md",
    ),
    (
        "cli_reference::cli_reference_is_up_to_date",
        "docs/reference/cli.md",
    ),
];

/// Runs the task; `check` fails when a file would change instead of writing it.
pub(crate) fn run(check: bool) -> anyhow::Result<()> {
    // Every `it` binary of the workspace with the CI test step's features (so nothing is
    // built again after it), each running only the generators it has.
    let mut command = util::cargo(&["test", "--quiet"]);
    command
        .args(util::WORKSPACE)
        .args(["--test", "it", "--", "--exact"])
        .args(GENERATORS.iter().map(|(test, _)| *test));
    if !check {
        command.env("HF_UPDATE_GENERATED", "1");
    }
    println!("$ {}", util::describe(&command));
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not start cargo test")?;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    if !output.status.success() {
        bail!("a generated file is out of date: run `cargo xtask codegen` and commit it");
    }
    // A renamed generator would match nothing and pass silently: count those that ran.
    let ran: usize = report
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    if ran != GENERATORS.len() {
        bail!(
            "{ran} of the {} generators ran: is one renamed? ({})",
            GENERATORS.len(),
            GENERATORS
                .iter()
                .map(|(test, _)| *test)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !check {
        for (_, file) in GENERATORS {
            println!("wrote {file}");
        }
    }
    Ok(())
}
