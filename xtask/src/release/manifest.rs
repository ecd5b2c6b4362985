//! The version in the manifests, read and bumped with `toml_edit` (comments, order and
//! formatting of every other line stay as they are).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail};
use toml_edit::{DocumentMut, Item, Value};

use super::repo::read;
use super::workspace::Workspace;

/// One place in a manifest that states our version, now and after the bump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct VersionEdit {
    pub(super) file: String,
    /// The dotted key (`workspace.dependencies.hf-auth.version`).
    pub(super) key: Vec<String>,
    pub(super) before: String,
    pub(super) after: String,
}

impl VersionEdit {
    pub(super) fn changes(&self) -> bool {
        self.before != self.after
    }

    /// `Cargo.toml: workspace.package.version = "0.2.0"`.
    pub(super) fn describe(&self) -> String {
        format!("{}: {} = \"{}\"", self.file, self.key.join("."), self.after)
    }
}

fn parse(root: &Path, file: &str) -> anyhow::Result<DocumentMut> {
    read(&root.join(file))?
        .parse::<DocumentMut>()
        .with_context(|| format!("{file} is not valid TOML"))
}

/// `[workspace.package] version` from the root manifest.
pub(super) fn workspace_version(root: &Path) -> anyhow::Result<String> {
    parse(root, "Cargo.toml")?
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(str::to_owned)
        .context("the root Cargo.toml has no [workspace.package] version")
}

/// `X.Y.Z` or `X.Y.Z-pre` with numeric X, Y, Z.
pub(super) fn validate_version(version: &str) -> anyhow::Result<()> {
    let core = version.split_once('-').map_or(version, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        bail!("'{version}' is not a version of the form X.Y.Z");
    }
    Ok(())
}

/// Every place that states our version: `[workspace.package] version`, the `version` of
/// internal dependencies (in `[workspace.dependencies]` and in member manifests) and
/// explicit `[package] version`s of publishable members.
pub(super) fn version_edits(
    root: &Path,
    workspace: &Workspace,
    version: &str,
) -> anyhow::Result<Vec<VersionEdit>> {
    let internal: BTreeSet<&str> = workspace
        .packages
        .iter()
        .filter(|p| p.publishable)
        .map(|p| p.name.as_str())
        .collect();
    let mut files = vec![("Cargo.toml".to_owned(), true)];
    for package in workspace.packages.iter().filter(|p| !p.dir.is_empty()) {
        files.push((format!("{}/Cargo.toml", package.dir), package.publishable));
    }
    let mut edits = Vec::new();
    for (file, publishable) in files {
        let doc = parse(root, &file)?;
        let mut found = |key: &[&str], before: &str| {
            edits.push(VersionEdit {
                file: file.clone(),
                key: key.iter().map(|k| (*k).to_owned()).collect(),
                before: before.to_owned(),
                after: version.to_owned(),
            });
        };
        let table = |path: &[&str]| {
            path.iter()
                .try_fold(doc.as_item(), |item, key| item.get(key))
                .and_then(Item::as_table_like)
        };
        let mut package_tables = vec![vec!["workspace", "package"]];
        if publishable {
            package_tables.push(vec!["package"]);
        }
        for path in package_tables {
            if let Some(before) = table(&path)
                .and_then(|t| t.get("version"))
                .and_then(Item::as_str)
            {
                found(&[path.as_slice(), &["version"]].concat(), before);
            }
        }
        for path in [
            &["workspace", "dependencies"][..],
            &["dependencies"],
            &["dev-dependencies"],
            &["build-dependencies"],
        ] {
            let Some(dependencies) = table(path) else {
                continue;
            };
            for (name, spec) in dependencies.iter() {
                let Some(spec) = spec.as_table_like() else {
                    continue;
                };
                let package = spec.get("package").and_then(Item::as_str).unwrap_or(name);
                if !internal.contains(package) {
                    continue;
                }
                if let Some(before) = spec.get("version").and_then(Item::as_str) {
                    found(&[path, &[name, "version"]].concat(), before);
                }
            }
        }
    }
    Ok(edits)
}

/// Writes the edits, each manifest parsed and written once.
pub(super) fn apply_version_edits(root: &Path, edits: &[&VersionEdit]) -> anyhow::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&VersionEdit>> = BTreeMap::new();
    for edit in edits {
        by_file.entry(edit.file.as_str()).or_default().push(edit);
    }
    for (file, edits) in by_file {
        let mut doc = parse(root, file)?;
        for edit in edits {
            set_string(doc.as_item_mut(), &edit.key, &edit.after)
                .with_context(|| format!("{file} has no {}", edit.key.join(".")))?;
        }
        let path = root.join(file);
        std::fs::write(&path, doc.to_string())
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(())
}

/// Sets the string at `key`, keeping its decoration (spaces, comments around it).
fn set_string(item: &mut Item, key: &[String], value: &str) -> Option<()> {
    let (last, parents) = key.split_last()?;
    let mut table = item;
    for part in parents {
        table = table.get_mut(part.as_str())?;
    }
    let slot = table.get_mut(last.as_str())?;
    let decor = slot.as_value()?.decor().clone();
    let mut new = Value::from(value);
    *new.decor_mut() = decor;
    *slot = Item::Value(new);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_set_in_place_and_the_rest_is_kept() {
        let text = "[workspace.package]\nversion = \"0.1.0\" # ours\nrust-version = \"1.89\"\n\n\
                    [workspace.dependencies]\n# Our crates.\n\
                    hf-auth = { path = \"crates/hf-auth\", version = \"0.1.0\" }\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        for key in [
            &["workspace", "package", "version"][..],
            &["workspace", "dependencies", "hf-auth", "version"],
        ] {
            let key: Vec<String> = key.iter().map(|k| (*k).to_owned()).collect();
            set_string(doc.as_item_mut(), &key, "1.2.3").unwrap();
        }
        assert_eq!(
            doc.to_string(),
            "[workspace.package]\nversion = \"1.2.3\" # ours\nrust-version = \"1.89\"\n\n\
             [workspace.dependencies]\n# Our crates.\n\
             hf-auth = { path = \"crates/hf-auth\", version = \"1.2.3\" }\n"
        );
        let missing: Vec<String> = vec!["workspace".into(), "nope".into(), "version".into()];
        assert!(set_string(doc.as_item_mut(), &missing, "9").is_none());
        assert!(validate_version("1.2.3").is_ok());
        assert!(validate_version("1.2.3-rc.1").is_ok());
        assert!(validate_version("1.2").is_err());
        assert!(validate_version("v1.2.3").is_err());
    }
}
