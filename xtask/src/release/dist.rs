//! The cargo-dist configuration the release workflow builds the binaries with.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use super::repo::read;
use super::workspace::Workspace;
use crate::util;

/// The cargo-dist version `dist-workspace.toml` and `release.yml` must both pin.
pub(super) const DIST_CONFIG: &str = "dist-workspace.toml";
pub(super) const RELEASE_WORKFLOW: &str = ".github/workflows/release.yml";
/// Binaries the CLI package must ship (what `cargo install` and the archives contain).
pub(super) const CLI_BINARIES: &[&str] = &["hf", "huggingface-cli"];

/// Checks `dist-workspace.toml`: the pinned cargo-dist version (same as in release.yml),
/// its targets and installers, and that the CLI package ships `hf` and `huggingface-cli`.
/// When the `dist` tool is installed, `dist plan` checks the rest.
pub(super) fn check_dist(root: &Path, workspace: &Workspace) -> anyhow::Result<Vec<String>> {
    let config = read(&root.join(DIST_CONFIG))?;
    let mut section = String::new();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for line in config.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_owned();
        } else if let Some((key, value)) = trimmed.split_once('=')
            && !trimmed.starts_with('#')
        {
            values.insert(format!("{section}{}", key.trim()), value.trim().to_owned());
        }
    }
    let get = |key: &str| values.get(key).map(String::as_str);
    let members = get("[workspace]members").context("no [workspace] members")?;
    if !members.contains("cargo:.") {
        bail!("[workspace] members must be [\"cargo:.\"]");
    }
    let dist_version = get("[dist]cargo-dist-version")
        .and_then(|v| v.strip_prefix('"')?.strip_suffix('"').map(str::to_owned))
        .context("no [dist] cargo-dist-version")?;
    let targets = string_list(get("[dist]targets").context("no [dist] targets")?);
    if targets.is_empty() {
        bail!("[dist] targets is empty");
    }
    let installers = string_list(get("[dist]installers").unwrap_or("[]"));
    let ci = string_list(get("[dist]ci").unwrap_or("[]"));
    if !ci.iter().any(|c| c == "github") {
        bail!("[dist] ci must include \"github\"");
    }
    let manifest = read(&root.join("Cargo.toml"))?;
    if !manifest.lines().any(|line| line.trim() == "[profile.dist]") {
        bail!("the root Cargo.toml has no [profile.dist] (cargo-dist builds with it)");
    }
    let workflow = read(&root.join(RELEASE_WORKFLOW))?;
    if !workflow.contains(&dist_version) {
        bail!("{RELEASE_WORKFLOW} does not install cargo-dist {dist_version}");
    }
    for target in &targets {
        if !workflow.contains(target.as_str()) {
            bail!("{RELEASE_WORKFLOW} builds no {target} (listed in [dist] targets)");
        }
    }
    let cli = workspace
        .packages
        .iter()
        .find(|p| {
            p.publishable
                && CLI_BINARIES
                    .iter()
                    .all(|b| p.binaries.contains(&b.to_string()))
        })
        .with_context(|| {
            format!(
                "no publishable package ships the binaries {}",
                CLI_BINARIES.join(", ")
            )
        })?;
    let mut lines = vec![
        format!("cargo-dist {dist_version} (same pin in {RELEASE_WORKFLOW})"),
        format!("package {}: binaries {}", cli.name, cli.binaries.join(", ")),
        format!("targets: {}", targets.join(", ")),
        format!(
            "installers: {}",
            if installers.is_empty() {
                "none (archives only)".to_owned()
            } else {
                installers.join(", ")
            }
        ),
    ];
    let mut dist = Command::new("dist");
    dist.args(["plan"]).current_dir(root);
    if util::succeeds(Command::new("dist").arg("--version")) {
        let output = dist.output().context("could not run dist plan")?;
        if !output.status.success() {
            bail!(
                "dist plan failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        lines.push("dist plan: ok".to_owned());
    } else {
        lines.push(format!(
            "dist plan: not run (install with `cargo install cargo-dist --locked --version {dist_version}`)"
        ));
    }
    Ok(lines)
}

/// `["a", "b"]` -> a, b.
pub(super) fn string_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}
