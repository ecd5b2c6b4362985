//! Running commands from the workspace root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `cargo <args>` in the workspace root.
pub(crate) fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(args).current_dir(root());
    command
}

/// Runs `command`, echoing it first; fails when it exits non-zero.
pub(crate) fn run(command: &mut Command) -> anyhow::Result<()> {
    println!("$ {}", describe(command));
    let status = command
        .status()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(command));
    }
    Ok(())
}

/// Whether `command` can be started and exits successfully (output discarded).
pub(crate) fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The command line as a string, for logs (environment settings first; the values of
/// variables that hold a token are never shown).
pub(crate) fn describe(command: &Command) -> String {
    let mut parts: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| {
            let name = k.to_string_lossy();
            v.map(|v| {
                if name.contains("TOKEN") {
                    format!("{name}=<hidden>")
                } else {
                    format!("{name}={}", v.to_string_lossy())
                }
            })
        })
        .collect();
    parts.push(command.get_program().to_string_lossy().into_owned());
    parts.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// The feature selection of every debug build xtask makes: the same as `cargo test
/// --workspace --all-features` (the CI test step), so a binary or test built after it is
/// fresh. With `-p PACKAGE` alone, cargo would unify other features and build it all again
/// (about 35 s for `hf`).
pub(crate) const WORKSPACE: &[&str] = &["--workspace", "--all-features"];

/// Builds the workspace binary `bin` (whichever package has it) and returns the path of the
/// executable (read from cargo's JSON messages, so any target directory works).
pub(crate) fn build_binary(bin: &str) -> anyhow::Result<PathBuf> {
    let mut command = cargo(&["build"]);
    command
        .args(WORKSPACE)
        .args(["--bin", bin, "--message-format=json"]);
    println!("$ {}", describe(&command));
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not start cargo build")?;
    if !output.status.success() {
        bail!("building {bin} failed");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find(|message| message["target"]["name"] == bin)
        .and_then(|message| message["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo did not report the {bin} executable"))
}

/// Builds a release binary and returns its path.
pub(crate) fn build_release(package: &str, bin: &str) -> anyhow::Result<PathBuf> {
    let mut command = cargo(&[
        "build",
        "--release",
        "-p",
        package,
        "--bin",
        bin,
        "--message-format=json",
    ]);
    println!("$ {}", describe(&command));
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .context("could not start cargo build")?;
    if !output.status.success() {
        bail!("building {package} failed");
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bin)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo did not report the {bin} executable"))
}

/// Whether this runs on CI (`CI` set to anything but empty or `false`), where a step that
/// cannot run fails instead of skipping.
pub(crate) fn on_ci() -> bool {
    // xtask is automation, not a library: it may read its own variables directly.
    #[allow(clippy::disallowed_methods)]
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

#[cfg(test)]
mod tests {
    #[test]
    fn described_commands_hide_tokens() {
        let mut command = std::process::Command::new("hf");
        command
            .arg("whoami")
            .env("HF_TOKEN", "hf_secretvalue")
            .env("HF_ENDPOINT", "http://127.0.0.1:1");
        let shown = super::describe(&command);
        assert!(!shown.contains("hf_secretvalue"), "{shown}");
        assert!(shown.contains("HF_TOKEN=<hidden>"), "{shown}");
        assert!(shown.contains("HF_ENDPOINT=http://127.0.0.1:1"), "{shown}");
    }
}
