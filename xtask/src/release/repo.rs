//! The repository at hand: its files and its git history.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::util;

pub(super) fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))
}

pub(super) fn git_output(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("could not run git")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

pub(super) fn git_succeeds(root: &Path, args: &[&str]) -> bool {
    let mut command = Command::new("git");
    command.args(args).current_dir(root);
    util::succeeds(&mut command)
}
