//! The workspace's packages as `cargo metadata` describes them, and their publishing order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};

use crate::util;

/// One package of the workspace, as `cargo metadata` describes it.
#[derive(Debug, Clone)]
pub(super) struct Package {
    pub(super) name: String,
    pub(super) version: String,
    /// The folder holding its `Cargo.toml`, relative to the root (`crates/hf-auth`).
    pub(super) dir: String,
    pub(super) publishable: bool,
    /// Names of the workspace packages it needs at build/run time (dev-dependencies excluded:
    /// cargo strips the unversioned ones when publishing).
    pub(super) internal_deps: BTreeSet<String>,
    /// Its binary targets.
    pub(super) binaries: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Workspace {
    pub(super) packages: Vec<Package>,
    pub(super) repository: Option<String>,
}

pub(super) fn load_workspace(root: &Path) -> anyhow::Result<Workspace> {
    let output = util::cargo(&["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("could not run cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed");
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata printed invalid JSON")?;
    parse_workspace(&metadata)
}

pub(super) fn parse_workspace(metadata: &serde_json::Value) -> anyhow::Result<Workspace> {
    let root = metadata["workspace_root"]
        .as_str()
        .context("cargo metadata has no workspace_root")?;
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .map(|ids| ids.iter().filter_map(|id| id.as_str()).collect())
        .unwrap_or_default();
    let raw: Vec<&serde_json::Value> = metadata["packages"]
        .as_array()
        .context("cargo metadata has no packages")?
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(id)))
        .collect();
    let names: BTreeSet<String> = raw
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    let mut repository = None;
    let mut packages = Vec::new();
    for package in raw {
        let name = package["name"].as_str().unwrap_or_default().to_owned();
        // `publish`: null means any registry; a list names the allowed ones ([] = never).
        let publishable = match &package["publish"] {
            serde_json::Value::Null => true,
            serde_json::Value::Array(registries) => {
                registries.iter().any(|r| r.as_str() == Some("crates-io"))
            }
            _ => false,
        };
        let manifest = package["manifest_path"].as_str().unwrap_or_default();
        let dir = Path::new(manifest)
            .parent()
            .and_then(|dir| dir.strip_prefix(root).ok())
            .map(|dir| dir.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let internal_deps = package["dependencies"]
            .as_array()
            .map(|deps| {
                deps.iter()
                    .filter(|d| d["kind"].as_str() != Some("dev"))
                    .filter_map(|d| d["name"].as_str())
                    .filter(|n| names.contains(*n))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let binaries = package["targets"]
            .as_array()
            .map(|targets| {
                targets
                    .iter()
                    .filter(|t| {
                        t["kind"]
                            .as_array()
                            .is_some_and(|k| k.iter().any(|k| k == "bin"))
                    })
                    .filter_map(|t| t["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if publishable && repository.is_none() {
            repository = package["repository"].as_str().map(str::to_owned);
        }
        packages.push(Package {
            name,
            version: package["version"].as_str().unwrap_or_default().to_owned(),
            dir,
            publishable,
            internal_deps,
            binaries,
        });
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Workspace {
        packages,
        repository,
    })
}

/// Publishable packages, each after the workspace packages it needs (ties by name).
pub(super) fn publish_order(packages: &[Package]) -> anyhow::Result<Vec<String>> {
    let publishable: BTreeMap<&str, &Package> = packages
        .iter()
        .filter(|p| p.publishable)
        .map(|p| (p.name.as_str(), p))
        .collect();
    for package in publishable.values() {
        for dep in &package.internal_deps {
            if !publishable.contains_key(dep.as_str()) {
                bail!(
                    "{} needs {dep}, which is not publishable (publish = false)",
                    package.name
                );
            }
        }
    }
    let mut order: Vec<String> = Vec::new();
    while order.len() < publishable.len() {
        let next = publishable.values().find(|p| {
            !order.contains(&p.name) && p.internal_deps.iter().all(|d| order.contains(d))
        });
        match next {
            Some(package) => order.push(package.name.clone()),
            None => bail!("the workspace dependencies form a cycle"),
        }
    }
    Ok(order)
}
