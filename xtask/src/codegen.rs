//! `cargo xtask codegen [--check]`: `docs/reference/environment.md` from the registry and
//! `docs/reference/cli.md` from every command's `--help`.
//!
//! The generators are tests (xtask does not depend on product crates): `generated_docs` in
//! hf-auth's test binary and `cli_reference` in hf-cli's. Without `HF_UPDATE_GENERATED`
//! they compare, with it they write.

use crate::util;

/// (package, test, generated file).
const GENERATORS: &[(&str, &str, &str)] = &[
    (
        "hf-auth",
        "generated_docs::environment_reference_is_up_to_date",
        "docs/reference/environment.md",
    ),
    (
        "hf-rs-cli",
        "cli_reference::cli_reference_is_up_to_date",
        "docs/reference/cli.md",
    ),
];

/// Runs the task; `check` fails when a file would change instead of writing it.
pub(crate) fn run(check: bool) -> anyhow::Result<()> {
    for (package, test, file) in GENERATORS {
        let mut command = util::cargo(&[
            "test", "--quiet", "-p", package, "--test", "it", "--", "--exact", test,
        ]);
        if !check {
            command.env("HF_UPDATE_GENERATED", "1");
        }
        util::run(&mut command)?;
        if !check {
            println!("wrote {file}");
        }
    }
    Ok(())
}
