//! The `CHANGELOG.md` section of a release, built from the commits since the last tag.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::Context;

use super::repo::{git_output, read};
use super::workspace::{Package, Workspace};

/// One commit: hash, subject and the paths it touched.
#[derive(Debug, Clone)]
pub(super) struct Commit {
    pub(super) hash: String,
    pub(super) subject: String,
    pub(super) paths: Vec<String>,
}

pub(super) fn last_release_tag(root: &Path) -> anyhow::Result<Option<String>> {
    let mut command = Command::new("git");
    command
        .args(["describe", "--tags", "--abbrev=0", "--match", "v[0-9]*"])
        .current_dir(root);
    let output = command.output().context("could not run git")?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned()))
}

pub(super) fn commits_since(root: &Path, tag: Option<&str>) -> anyhow::Result<Vec<Commit>> {
    let range = tag.map_or_else(|| "HEAD".to_owned(), |tag| format!("{tag}..HEAD"));
    let log = git_output(
        root,
        &[
            "log",
            "--no-merges",
            "--format=%x1e%h%x1f%s",
            "--name-only",
            &range,
        ],
    )?;
    Ok(log
        .split('\u{1e}')
        .filter(|record| !record.trim().is_empty())
        .filter_map(|record| {
            let mut lines = record.lines();
            let (hash, subject) = lines.next()?.split_once('\u{1f}')?;
            Some(Commit {
                hash: hash.to_owned(),
                subject: subject.to_owned(),
                paths: lines
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect())
}

/// The group a path belongs to: the package whose folder holds it, else "workspace".
pub(super) fn group_of<'a>(path: &str, packages: &'a [Package]) -> Option<&'a str> {
    packages
        .iter()
        .filter(|p| !p.dir.is_empty() && path.starts_with(&format!("{}/", p.dir)))
        .max_by_key(|p| p.dir.len())
        .map(|p| p.name.as_str())
}

/// `## [X.Y.Z] - date` with one `###` group per crate (publish order first, then the
/// other packages, then the workspace itself); a commit touching several crates is
/// listed under each.
pub(super) fn changelog_section(
    version: &str,
    date: &str,
    commits: &[Commit],
    workspace: &Workspace,
    order: &[String],
) -> String {
    let mut groups: BTreeMap<String, Vec<&Commit>> = BTreeMap::new();
    for commit in commits {
        let mut touched: BTreeSet<String> = commit
            .paths
            .iter()
            .map(|path| {
                group_of(path, &workspace.packages)
                    .unwrap_or("workspace")
                    .to_owned()
            })
            .collect();
        if touched.is_empty() {
            touched.insert("workspace".to_owned());
        }
        for group in touched {
            groups.entry(group).or_default().push(commit);
        }
    }
    let mut names: Vec<String> = order.to_vec();
    for package in &workspace.packages {
        if !names.contains(&package.name) {
            names.push(package.name.clone());
        }
    }
    names.push("workspace".to_owned());

    let mut section = format!("## [{version}] - {date}\n");
    if commits.is_empty() {
        section.push_str("\nNo changes.\n");
    }
    for name in names {
        let Some(entries) = groups.get(&name) else {
            continue;
        };
        let title = if name == "workspace" {
            "Workspace (docs, CI, tooling)".to_owned()
        } else {
            format!("`{name}`")
        };
        let _ = writeln!(section, "\n### {title}\n");
        for commit in entries {
            let _ = writeln!(section, "- {} ({})", commit.subject, commit.hash);
        }
    }
    section
}

pub(super) fn changelog_has(root: &Path, version: &str) -> anyhow::Result<bool> {
    let path = root.join("CHANGELOG.md");
    if !path.exists() {
        return Ok(false);
    }
    let needle = format!("## [{version}]");
    Ok(read(&path)?.lines().any(|line| line.starts_with(&needle)))
}

/// The changelog with `section` placed before the first release section (after the intro).
pub(super) fn insert_section(existing: &str, section: &str) -> String {
    if existing.trim().is_empty() {
        return format!("# Changelog\n\n{section}");
    }
    let position = existing
        .match_indices("\n## [")
        .find(|(at, _)| !existing[at + 1..].starts_with("## [Unreleased]"))
        .map(|(at, _)| at + 1);
    match position {
        Some(at) => format!("{}{section}\n{}", &existing[..at], &existing[at..]),
        None => format!("{}\n\n{section}", existing.trim_end()),
    }
}

/// Today's date (UTC) as YYYY-MM-DD.
pub(super) fn today() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_changelog_insertion() {
        let today = today();
        assert_eq!(today.len(), 10, "{today}");
        assert_eq!(&today[4..5], "-", "{today}");
        let existing =
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n- a\n";
        let updated = insert_section(existing, "## [0.2.0] - 2026-02-02\n\n- b\n");
        let new_at = updated.find("## [0.2.0]").expect("new section");
        assert!(updated.find("## [Unreleased]").expect("unreleased") < new_at);
        assert!(new_at < updated.find("## [0.1.0]").expect("old section"));
    }
}
