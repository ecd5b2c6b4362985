//! `cargo xtask release [--dry-run] [--version X.Y.Z]`: the release checklist, executable.
//!
//! In order: a clean working tree; `cargo xtask ci` green; the version set consistently in
//! `[workspace.package]`, in every internal dependency requirement and in `Cargo.lock`;
//! a `CHANGELOG.md` section built from the commits since the last `v*` tag, grouped by
//! crate; the crates.io names of the publishable packages (free, or already ours); the
//! cargo-dist configuration (`dist-workspace.toml`); `cargo package` of every publishable
//! crate in dependency order (with `cargo publish --dry-run` of the bottom one, `hf-auth`);
//! and the tag `vX.Y.Z`.
//!
//! `--dry-run` prints that plan and changes nothing: no file in the working tree is
//! written (only cargo's `target/` is used by packaging). A real run applies the plan:
//! edits, `cargo update --workspace`, `cargo xtask ci`, a commit, the tag and `cargo
//! publish` in dependency order; pushing stays a manual step (it starts
//! `.github/workflows/release.yml`, which builds the binaries with cargo-dist).

mod changelog;
mod dist;
mod manifest;
mod registry;
mod repo;
mod workspace;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use self::changelog::{
    changelog_has, changelog_section, commits_since, insert_section, last_release_tag, today,
};
use self::dist::{DIST_CONFIG, RELEASE_WORKFLOW, check_dist};
use self::manifest::{
    VersionEdit, apply_version_edits, validate_version, version_edits, workspace_version,
};
use self::registry::{NameStatus, registry_status};
use self::repo::{git_output, git_succeeds};
use self::workspace::{Package, load_workspace, publish_order};
use crate::util;

/// `cargo xtask release`'s options.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct Options {
    /// Print the plan; change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The version to release; the current workspace version when absent.
    #[arg(long, value_name = "X.Y.Z")]
    pub(crate) version: Option<String>,
    /// Do not stop on a dirty working tree.
    #[arg(long)]
    pub(crate) allow_dirty: bool,
    /// Dry run only: run `cargo xtask ci` too (a real release always does, unless `--skip-ci`).
    #[arg(long = "ci")]
    pub(crate) run_ci: bool,
    /// Real run only: trust an earlier `cargo xtask ci` run.
    #[arg(long)]
    pub(crate) skip_ci: bool,
    /// Skip the `cargo publish --dry-run` build of the bottom crate.
    #[arg(long)]
    pub(crate) no_verify: bool,
    /// Skip everything that reaches the registry (name check, packaging).
    #[arg(long)]
    pub(crate) offline: bool,
}

/// Runs the task from the workspace root.
pub(crate) fn run(options: &Options) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    execute(&util::root(), options, &mut out)
}

/// A line of the final summary: what failed and how to fix it.
#[derive(Debug, Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }
}

/// Builds the plan, checks it, prints it and, unless `dry_run`, applies it.
pub(crate) fn execute(
    root: &Path,
    options: &Options,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let workspace = load_workspace(root)?;
    let current = workspace_version(root)?;
    let version = options.version.clone().unwrap_or_else(|| current.clone());
    validate_version(&version)?;
    let tag = format!("v{version}");
    let order = publish_order(&workspace.packages)?;
    let mut problems = Problems::default();

    let mode = if options.dry_run {
        "dry run: nothing is changed"
    } else {
        "applying"
    };
    writeln!(out, "Release plan for {tag} ({mode})")?;

    // 1. Working tree.
    writeln!(out, "\n1. Working tree")?;
    let dirty = git_output(root, &["status", "--porcelain"])?;
    let dirty: Vec<&str> = dirty.lines().collect();
    if dirty.is_empty() {
        writeln!(out, "   clean")?;
    } else {
        writeln!(out, "   {} changed path(s), e.g.:", dirty.len())?;
        for line in dirty.iter().take(5) {
            writeln!(out, "     {line}")?;
        }
        if options.allow_dirty {
            writeln!(out, "   allowed by --allow-dirty")?;
        } else {
            problems.add("the working tree is not clean: commit or remove the changes (or pass --allow-dirty to a dry run)");
        }
    }

    // 2. CI.
    writeln!(out, "\n2. cargo xtask ci")?;
    if options.dry_run && !options.run_ci {
        writeln!(
            out,
            "   would run `cargo xtask ci` on the bumped tree (pass --ci to run it now)"
        )?;
    } else if !options.dry_run && options.skip_ci {
        writeln!(out, "   skipped (--skip-ci)")?;
    } else if options.dry_run {
        out.flush()?;
        match crate::ci::run(&crate::ci::Options::default()) {
            Ok(()) => writeln!(out, "   green")?,
            Err(error) => {
                writeln!(out, "   FAILED: {error:#}")?;
                problems.add("cargo xtask ci failed");
            }
        }
    } else {
        writeln!(out, "   runs after the version bump, before the commit")?;
    }

    // 3. Version.
    writeln!(out, "\n3. Version {current} -> {version}")?;
    let edits = version_edits(root, &workspace, &version)?;
    let changing: Vec<&VersionEdit> = edits.iter().filter(|e| e.changes()).collect();
    for edit in &edits {
        let state = if edit.changes() { "bump" } else { "already" };
        writeln!(out, "   {state:<7} {}", edit.describe())?;
    }
    let stale: Vec<&Package> = order
        .iter()
        .filter_map(|name| workspace.packages.iter().find(|p| &p.name == name))
        .filter(|p| p.version != current)
        .collect();
    for package in stale {
        problems.add(format!(
            "{} has version {} but the workspace says {current}: use `version.workspace = true`",
            package.name, package.version
        ));
    }
    if changing.is_empty() {
        writeln!(
            out,
            "   nothing to bump: every place already says {version}"
        )?;
    } else {
        writeln!(
            out,
            "   then `cargo update --workspace` records {version} in Cargo.lock"
        )?;
    }

    // 4. Changelog.
    let last_tag = last_release_tag(root)?;
    let commits = commits_since(root, last_tag.as_deref())?;
    let section = changelog_section(&version, &today(), &commits, &workspace, &order);
    writeln!(
        out,
        "\n4. CHANGELOG.md: {} commit(s) since {}; section to insert:",
        commits.len(),
        last_tag.as_deref().unwrap_or("the first commit")
    )?;
    for line in section.lines() {
        writeln!(out, "   | {line}")?;
    }
    if changelog_has(root, &version)? {
        problems.add(format!("CHANGELOG.md already has a section for {version}"));
    }

    // 5. Names on the registry.
    writeln!(out, "\n5. crates.io names (via `cargo info`)")?;
    if options.offline {
        writeln!(out, "   skipped (--offline)")?;
    } else {
        for name in &order {
            let status = registry_status(name, workspace.repository.as_deref());
            let line = match &status {
                NameStatus::Free => "free".to_owned(),
                NameStatus::Ours { latest } => format!("ours (latest {latest})"),
                NameStatus::Taken {
                    latest,
                    repository,
                    description,
                } => {
                    problems.add(format!(
                        "the crates.io name `{name}` belongs to another project; rename the package (see docs/publishing.md)"
                    ));
                    format!(
                        "TAKEN: {latest}, {} ({})",
                        description.as_deref().unwrap_or("no description"),
                        repository.as_deref().unwrap_or("no repository")
                    )
                }
                NameStatus::Unknown(why) => {
                    problems.add(format!("could not check the name `{name}`: {why}"));
                    format!("UNKNOWN: {why}")
                }
            };
            writeln!(out, "   {name:<14} {line}")?;
        }
    }

    // 6. Binary distribution.
    writeln!(out, "\n6. Prebuilt binaries ({DIST_CONFIG})")?;
    match check_dist(root, &workspace) {
        Ok(lines) => {
            for line in lines {
                writeln!(out, "   {line}")?;
            }
        }
        Err(error) => {
            writeln!(out, "   FAILED: {error:#}")?;
            problems.add(format!("{DIST_CONFIG}: {error:#}"));
        }
    }

    // 7. Publish order and packaging.
    writeln!(out, "\n7. Publish to crates.io, in dependency order")?;
    for (index, name) in order.iter().enumerate() {
        let package = workspace.packages.iter().find(|p| &p.name == name);
        let needs: Vec<&str> = package
            .map(|p| p.internal_deps.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let needs = if needs.is_empty() {
            String::new()
        } else {
            format!(" (needs {})", needs.join(", "))
        };
        writeln!(out, "   {}. {name} {version}{needs}", index + 1)?;
    }
    if options.offline {
        writeln!(out, "   packaging skipped (--offline)")?;
    } else if options.dry_run {
        out.flush()?;
        packaging_dry_run(root, &order, options, out, &mut problems)?;
    } else {
        writeln!(
            out,
            "   `cargo publish` of all of them after the tag (cargo waits for each to appear on the index)"
        )?;
    }

    // 8. Tag.
    writeln!(out, "\n8. Tag")?;
    if git_succeeds(
        root,
        &["rev-parse", "-q", "--verify", &format!("refs/tags/{tag}")],
    ) {
        writeln!(out, "   {tag} EXISTS already")?;
        problems.add(format!(
            "the tag {tag} exists: pick a new version with --version"
        ));
    } else {
        writeln!(
            out,
            "   would create the annotated tag {tag} on the commit \"release: {tag}\""
        )?;
        writeln!(
            out,
            "   then: git push origin HEAD {tag}  (starts {RELEASE_WORKFLOW}: binaries, installers, GitHub release)"
        )?;
    }

    writeln!(out)?;
    if !problems.0.is_empty() {
        writeln!(out, "{} problem(s) stop this release:", problems.0.len())?;
        for problem in &problems.0 {
            writeln!(out, "  - {problem}")?;
        }
        bail!("the release checklist has {} problem(s)", problems.0.len());
    }
    if options.dry_run {
        writeln!(
            out,
            "dry run complete: every check passed and nothing was changed"
        )?;
        return Ok(());
    }
    apply(
        root, options, &version, &tag, &changing, &section, &order, out,
    )
}

/// The real run, after every check passed.
#[allow(clippy::too_many_arguments, reason = "the plan's parts, passed once")]
fn apply(
    root: &Path,
    options: &Options,
    version: &str,
    tag: &str,
    edits: &[&VersionEdit],
    section: &str,
    order: &[String],
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    apply_version_edits(root, edits)?;
    if !edits.is_empty() {
        util::run(util::cargo(&["update", "--workspace", "--offline"]).current_dir(root))?;
    }
    let changelog = root.join("CHANGELOG.md");
    let existing = std::fs::read_to_string(&changelog).unwrap_or_default();
    std::fs::write(&changelog, insert_section(&existing, section))
        .with_context(|| format!("could not write {}", changelog.display()))?;
    writeln!(out, "wrote CHANGELOG.md and the version")?;
    if !options.skip_ci {
        crate::ci::run(&crate::ci::Options::default())?;
    }
    let mut add = Command::new("git");
    add.args(["add", "--update"]).current_dir(root);
    util::run(&mut add)?;
    let mut commit = Command::new("git");
    commit
        .args(["commit", "-m", &format!("release: {tag}")])
        .current_dir(root);
    util::run(&mut commit)?;
    let mut tag_command = Command::new("git");
    tag_command
        .args(["tag", "-a", tag, "-m", &format!("hf {version}")])
        .current_dir(root);
    util::run(&mut tag_command)?;
    let mut publish = util::cargo(&["publish"]);
    for name in order {
        publish.args(["-p", name]);
    }
    publish.current_dir(root);
    util::run(&mut publish)?;
    writeln!(
        out,
        "released {tag}; now push it: git push origin HEAD {tag}"
    )?;
    Ok(())
}

/// `cargo package` of every publishable crate together (cargo resolves the unpublished
/// internal dependencies against the packages it just built), then `cargo publish
/// --dry-run` of the crates that need nothing from the workspace. The crates above them
/// cannot be verified against crates.io before their dependencies are really published.
fn packaging_dry_run(
    root: &Path,
    order: &[String],
    options: &Options,
    out: &mut dyn std::io::Write,
    problems: &mut Problems,
) -> anyhow::Result<()> {
    let mut package = util::cargo(&["package", "--no-verify"]);
    if options.allow_dirty {
        package.arg("--allow-dirty");
    }
    for name in order {
        package.args(["-p", name]);
    }
    package.current_dir(root);
    if let Err(error) = run_bounded(&mut package, Duration::from_secs(300)) {
        writeln!(out, "   FAILED: {error:#}")?;
        problems.add("cargo package failed");
        return Ok(());
    }
    writeln!(
        out,
        "   cargo package: ok for {} crate(s) (archives in target/package/)",
        order.len()
    )?;
    let Some(bottom) = order.first() else {
        return Ok(());
    };
    if options.no_verify {
        writeln!(
            out,
            "   cargo publish --dry-run -p {bottom}: skipped (--no-verify)"
        )?;
        return Ok(());
    }
    let mut publish = util::cargo(&["publish", "--dry-run", "-p", bottom]);
    if options.allow_dirty {
        publish.arg("--allow-dirty");
    }
    publish.current_dir(root);
    match run_bounded(&mut publish, Duration::from_secs(1200)) {
        Ok(()) => writeln!(
            out,
            "   cargo publish --dry-run -p {bottom}: ok (built from its .crate archive)"
        )?,
        Err(error) => {
            writeln!(out, "   FAILED: {error:#}")?;
            problems.add(format!("cargo publish --dry-run -p {bottom} failed"));
        }
    }
    writeln!(
        out,
        "   the crates above {bottom} are verified by `cargo publish` itself once {bottom} is on the index"
    )?;
    Ok(())
}

/// Runs `command` (echoed) with its output shown, killing it after `limit`.
fn run_bounded(command: &mut Command, limit: Duration) -> anyhow::Result<()> {
    println!("   $ {}", util::describe(command));
    let mut child = command
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("could not start `{}`", util::describe(command)))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            bail!("`{}` failed ({status})", util::describe(command));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "`{}` took longer than {} s and was stopped",
                util::describe(command),
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::process::Command;

    use super::*;

    /// Every file git would see (tracked and untracked, not ignored) with its bytes,
    /// plus `git status`, so any write to the tree shows up.
    fn snapshot(root: &Path) -> (String, BTreeMap<String, Vec<u8>>) {
        let status = git_output(root, &["status", "--porcelain"]).expect("git status");
        let files = git_output(
            root,
            &["ls-files", "--cached", "--others", "--exclude-standard"],
        )
        .expect("git ls-files");
        let contents = files
            .lines()
            .map(|path| {
                let bytes = std::fs::read(root.join(path)).unwrap_or_default();
                (path.to_owned(), bytes)
            })
            .collect();
        (status, contents)
    }

    /// A clone of the repository's committed state, so the test sees a tree nobody
    /// else is editing.
    fn clone_repository() -> tempfile_dir::TempDir {
        let dir = tempfile_dir::TempDir::new("xtask-release");
        let status = Command::new("git")
            .args(["clone", "--quiet", "--shared"])
            .arg(util::root())
            .arg(dir.path())
            .status()
            .expect("git clone");
        assert!(status.success(), "git clone failed");
        dir
    }

    #[test]
    fn dry_run_prints_the_full_plan_and_changes_nothing() {
        let clone = clone_repository();
        let root = clone.path();
        let before = snapshot(root);
        let options = Options {
            dry_run: true,
            version: Some("0.1.0".to_owned()),
            offline: true,
            ..Options::default()
        };
        let mut out = Vec::new();
        let result = execute(root, &options, &mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(result.is_ok(), "dry run failed: {result:?}\n{text}");
        let after = snapshot(root);
        assert_eq!(before.0, after.0, "git status changed");
        assert!(before.1 == after.1, "a file in the tree changed");

        for expected in [
            "Release plan for v0.1.0 (dry run: nothing is changed)",
            "1. Working tree\n   clean",
            "3. Version 0.1.0 -> 0.1.0",
            "nothing to bump",
            "## [0.1.0] - ",
            "### `hf-auth`",
            "7. Publish to crates.io, in dependency order\n   1. hf-auth 0.1.0\n",
            "would create the annotated tag v0.1.0",
            "dry run complete",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        // hf-auth first; the CLI (needs everything) last.
        let publish = text.split("7. Publish").nth(1).expect("publish section");
        let position = |name: &str| publish.find(&format!(". {name} ")).expect(name);
        assert!(position("hf-auth") < position("hf-inference"));
        let cli = workspace_cli_name(root);
        assert!(position("hf-inference") < position(&cli));
    }

    #[test]
    fn a_bump_is_planned_everywhere_but_not_written() {
        let clone = clone_repository();
        let root = clone.path();
        let before = snapshot(root);
        let options = Options {
            dry_run: true,
            version: Some("0.2.0".to_owned()),
            offline: true,
            ..Options::default()
        };
        let mut out = Vec::new();
        execute(root, &options, &mut out).expect("dry run");
        let text = String::from_utf8_lossy(&out);
        assert_eq!(before.1, snapshot(root).1, "a file changed");
        assert!(text.contains("3. Version 0.1.0 -> 0.2.0"), "{text}");
        // The workspace version and each internal dependency requirement.
        assert!(
            text.contains("bump    Cargo.toml:") && text.contains("version = \"0.2.0\""),
            "{text}"
        );
        let bumps = text
            .lines()
            .filter(|l| l.trim_start().starts_with("bump "))
            .count();
        assert!(
            bumps >= 4,
            "expected the workspace version and 3 dependency lines:\n{text}"
        );
        assert!(text.contains("## [0.2.0] - "), "{text}");
    }

    #[test]
    fn a_dirty_tree_stops_the_release() {
        let clone = clone_repository();
        let root = clone.path();
        std::fs::write(root.join("stray.txt"), "x").expect("write");
        let options = Options {
            dry_run: true,
            offline: true,
            ..Options::default()
        };
        let mut out = Vec::new();
        let result = execute(root, &options, &mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(result.is_err(), "{text}");
        assert!(text.contains("?? stray.txt"), "{text}");
        assert!(text.contains("the working tree is not clean"), "{text}");
    }

    fn workspace_cli_name(root: &Path) -> String {
        let workspace = load_workspace(root).expect("metadata");
        workspace
            .packages
            .iter()
            .find(|p| p.binaries.iter().any(|b| b == "hf"))
            .expect("the hf binary")
            .name
            .clone()
    }
}

/// A temporary directory removed on drop (xtask keeps its dependencies to anyhow and
/// serde_json, so this stands in for the tempfile crate in tests).
#[cfg(test)]
mod tempfile_dir {
    use std::path::{Path, PathBuf};

    #[derive(Debug)]
    pub(super) struct TempDir(PathBuf);

    impl TempDir {
        pub(super) fn new(prefix: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path =
                std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&path).expect("create temp dir");
            Self(path)
        }

        pub(super) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
