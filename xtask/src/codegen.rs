//! `cargo xtask codegen [--check]`: `docs/reference/environment.md` from the registry.
//!
//! The generator is the test `generated_docs` in hf-auth's test binary (xtask does not
//! depend on product crates): without `HF_UPDATE_GENERATED` it compares, with it it writes.

use anyhow::bail;

use crate::util;

/// Runs the task.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask codegen [--check]"),
    };
    let mut command = util::cargo(&[
        "test",
        "--quiet",
        "-p",
        "hf-auth",
        "--test",
        "it",
        "--",
        "--exact",
        "generated_docs::environment_reference_is_up_to_date",
    ]);
    if !check {
        command.env("HF_UPDATE_GENERATED", "1");
    }
    util::run(&mut command)?;
    if !check {
        println!("wrote docs/reference/environment.md");
    }
    Ok(())
}
