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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::util;

const USAGE: &str = "usage: cargo xtask release [--dry-run] [--version X.Y.Z] [--allow-dirty] \
[--ci] [--skip-ci] [--no-verify] [--offline]";

/// The cargo-dist version `dist-workspace.toml` and `release.yml` must both pin.
const DIST_CONFIG: &str = "dist-workspace.toml";
const RELEASE_WORKFLOW: &str = ".github/workflows/release.yml";
/// Binaries the CLI package must ship (what `cargo install` and the archives contain).
const CLI_BINARIES: &[&str] = &["hf", "huggingface-cli"];

/// Command-line options.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// Print the plan; change nothing.
    pub(crate) dry_run: bool,
    /// The version to release; the current workspace version when absent.
    pub(crate) version: Option<String>,
    /// Do not stop on a dirty working tree.
    pub(crate) allow_dirty: bool,
    /// Dry run only: run `cargo xtask ci` too (a real release always does, unless `--skip-ci`).
    pub(crate) run_ci: bool,
    /// Real run only: trust an earlier `cargo xtask ci` run.
    pub(crate) skip_ci: bool,
    /// Skip the `cargo publish --dry-run` build of the bottom crate.
    pub(crate) no_verify: bool,
    /// Skip everything that reaches the registry (name check, packaging).
    pub(crate) offline: bool,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--dry-run" => options.dry_run = true,
                "--allow-dirty" => options.allow_dirty = true,
                "--ci" => options.run_ci = true,
                "--skip-ci" => options.skip_ci = true,
                "--no-verify" => options.no_verify = true,
                "--offline" => options.offline = true,
                "--version" => {
                    let Some(value) = args.next() else {
                        bail!("--version needs a value such as 0.2.0\n{USAGE}");
                    };
                    options.version = Some(value.clone());
                }
                "-h" | "--help" => bail!("{USAGE}"),
                other => match other.strip_prefix("--version=") {
                    Some(value) => options.version = Some(value.to_owned()),
                    None => bail!("unknown option '{other}'\n{USAGE}"),
                },
            }
        }
        Ok(options)
    }
}

/// Runs the task from the workspace root.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    let mut out = std::io::stdout().lock();
    execute(&util::root(), &options, &mut out)
}

/// One package of the workspace, as `cargo metadata` describes it.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    version: String,
    /// The folder holding its `Cargo.toml`, relative to the root (`crates/hf-auth`).
    dir: String,
    publishable: bool,
    /// Names of the workspace packages it needs at build/run time (dev-dependencies excluded:
    /// cargo strips the unversioned ones when publishing).
    internal_deps: BTreeSet<String>,
    /// Its binary targets.
    binaries: Vec<String>,
}

#[derive(Debug)]
struct Workspace {
    packages: Vec<Package>,
    repository: Option<String>,
}

/// One line of a manifest that holds the version, now and after the bump.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VersionEdit {
    file: String,
    line: usize,
    before: String,
    after: String,
}

/// What the registry says about one package name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameStatus {
    /// No crate of that name.
    Free,
    /// Published before from our repository.
    Ours { latest: String },
    /// Someone else's crate.
    Taken {
        latest: String,
        repository: Option<String>,
        description: Option<String>,
    },
    /// The registry could not be asked.
    Unknown(String),
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
        match crate::ci::run(&[]) {
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
    let changing: Vec<&VersionEdit> = edits.iter().filter(|e| e.before != e.after).collect();
    for edit in &edits {
        let state = if edit.before == edit.after {
            "already"
        } else {
            "bump"
        };
        writeln!(
            out,
            "   {state:<7} {}:{}  {}",
            edit.file,
            edit.line,
            edit.after.trim()
        )?;
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
    for edit in edits {
        replace_line(&root.join(&edit.file), edit.line, &edit.after)?;
    }
    if !edits.is_empty() {
        util::run(util::cargo(&["update", "--workspace", "--offline"]).current_dir(root))?;
    }
    let changelog = root.join("CHANGELOG.md");
    let existing = std::fs::read_to_string(&changelog).unwrap_or_default();
    std::fs::write(&changelog, insert_section(&existing, section))
        .with_context(|| format!("could not write {}", changelog.display()))?;
    writeln!(out, "wrote CHANGELOG.md and the version")?;
    if !options.skip_ci {
        crate::ci::run(&[])?;
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

fn load_workspace(root: &Path) -> anyhow::Result<Workspace> {
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

fn parse_workspace(metadata: &serde_json::Value) -> anyhow::Result<Workspace> {
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
fn publish_order(packages: &[Package]) -> anyhow::Result<Vec<String>> {
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

/// `[workspace.package] version` from the root manifest.
fn workspace_version(root: &Path) -> anyhow::Result<String> {
    let text = read(&root.join("Cargo.toml"))?;
    let mut section = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_owned();
        } else if section == "[workspace.package]"
            && let Some(value) = key_string(trimmed, "version")
        {
            return Ok(value);
        }
    }
    bail!("the root Cargo.toml has no [workspace.package] version")
}

/// `X.Y.Z` or `X.Y.Z-pre` with numeric X, Y, Z.
fn validate_version(version: &str) -> anyhow::Result<()> {
    let core = version.split_once('-').map_or(version, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        bail!("'{version}' is not a version of the form X.Y.Z");
    }
    Ok(())
}

/// Every manifest line that states our version: `[workspace.package] version`, the
/// `version = ` of internal dependencies (in `[workspace.dependencies]` and in member
/// manifests) and explicit `[package] version`s of publishable members.
fn version_edits(
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
        let text = read(&root.join(&file))?;
        let mut section = String::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                section = trimmed.to_owned();
                continue;
            }
            let package_version = (section == "[workspace.package]"
                || (section == "[package]" && publishable))
                && key_string(trimmed, "version").is_some();
            let dependency = section.ends_with("dependencies]")
                && trimmed.contains('{')
                && dependency_key(trimmed).is_some_and(|key| {
                    internal.contains(key)
                        || package_rename(trimmed).is_some_and(|p| internal.contains(p.as_str()))
                });
            if (package_version || dependency)
                && let Some(after) = replace_version(line, version)
            {
                edits.push(VersionEdit {
                    file: file.clone(),
                    line: index + 1,
                    before: line.to_owned(),
                    after,
                });
            }
        }
    }
    Ok(edits)
}

/// `value` of `key = "value"`.
fn key_string(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The key of a `name = { ... }` line.
fn dependency_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('#')).then_some(key)
}

/// `package = "..."` inside an inline table.
fn package_rename(line: &str) -> Option<String> {
    let start = line.find("package")?;
    key_string(&line[start..], "package")
}

/// The line with its first `version = "..."` (not `rust-version`) set to `version`.
fn replace_version(line: &str, version: &str) -> Option<String> {
    let mut search = 0;
    while let Some(found) = line[search..].find("version") {
        let at = search + found;
        let preceded_ok = at == 0
            || line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c == ' ' || c == '{' || c == ',');
        let rest = &line[at + "version".len()..];
        let after_eq = rest.trim_start().strip_prefix('=').map(str::trim_start);
        if preceded_ok && let Some(quoted) = after_eq.and_then(|r| r.strip_prefix('"')) {
            let end = quoted.find('"')?;
            let value_start = line.len() - quoted.len();
            return Some(format!(
                "{}{version}{}",
                &line[..value_start],
                &line[value_start + end..]
            ));
        }
        search = at + "version".len();
    }
    None
}

fn replace_line(path: &Path, line: usize, new: &str) -> anyhow::Result<()> {
    let text = read(path)?;
    let mut lines: Vec<&str> = text.split('\n').collect();
    let slot = lines
        .get_mut(line - 1)
        .with_context(|| format!("{} has no line {line}", path.display()))?;
    *slot = new;
    std::fs::write(path, lines.join("\n"))
        .with_context(|| format!("could not write {}", path.display()))
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))
}

/// One commit: hash, subject and the paths it touched.
#[derive(Debug, Clone)]
struct Commit {
    hash: String,
    subject: String,
    paths: Vec<String>,
}

fn last_release_tag(root: &Path) -> anyhow::Result<Option<String>> {
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

fn commits_since(root: &Path, tag: Option<&str>) -> anyhow::Result<Vec<Commit>> {
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
fn group_of<'a>(path: &str, packages: &'a [Package]) -> Option<&'a str> {
    packages
        .iter()
        .filter(|p| !p.dir.is_empty() && path.starts_with(&format!("{}/", p.dir)))
        .max_by_key(|p| p.dir.len())
        .map(|p| p.name.as_str())
}

/// `## [X.Y.Z] - date` with one `###` group per crate (publish order first, then the
/// other packages, then the workspace itself); a commit touching several crates is
/// listed under each.
fn changelog_section(
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

fn changelog_has(root: &Path, version: &str) -> anyhow::Result<bool> {
    let path = root.join("CHANGELOG.md");
    if !path.exists() {
        return Ok(false);
    }
    let needle = format!("## [{version}]");
    Ok(read(&path)?.lines().any(|line| line.starts_with(&needle)))
}

/// The changelog with `section` placed before the first release section (after the intro).
fn insert_section(existing: &str, section: &str) -> String {
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
fn today() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Asks the registry index cargo uses (`cargo info`, run outside the workspace so the
/// local package does not answer) who owns `name`.
fn registry_status(name: &str, our_repository: Option<&str>) -> NameStatus {
    let mut command = Command::new("cargo");
    command
        .args(["info", name])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => return NameStatus::Unknown(format!("could not run cargo info: {error}")),
    };
    classify_info(
        output.status.success(),
        &String::from_utf8_lossy(&output.stdout),
        &String::from_utf8_lossy(&output.stderr),
        our_repository,
    )
}

/// Reads `cargo info` output: not found = free; found with our repository = ours.
fn classify_info(
    success: bool,
    stdout: &str,
    stderr: &str,
    our_repository: Option<&str>,
) -> NameStatus {
    if !success {
        if stderr.contains("could not find") {
            return NameStatus::Free;
        }
        let why = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo info failed");
        return NameStatus::Unknown(why.to_owned());
    }
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(key).map(|v| v.trim().to_owned()))
    };
    let latest = field("version:").unwrap_or_else(|| "?".to_owned());
    let repository = field("repository:");
    let normalise = |url: &str| {
        url.trim_end_matches('/')
            .trim_end_matches(".git")
            .to_ascii_lowercase()
    };
    let ours = match (repository.as_deref(), our_repository) {
        (Some(theirs), Some(ours)) => normalise(theirs) == normalise(ours),
        _ => false,
    };
    if ours {
        NameStatus::Ours { latest }
    } else {
        // The description is the line after the name line (and its keywords).
        let description = stdout
            .lines()
            .nth(1)
            .filter(|l| !l.contains(':'))
            .map(str::to_owned);
        NameStatus::Taken {
            latest,
            repository,
            description,
        }
    }
}

/// Checks `dist-workspace.toml`: the pinned cargo-dist version (same as in release.yml),
/// its targets and installers, and that the CLI package ships `hf` and `huggingface-cli`.
/// When the `dist` tool is installed, `dist plan` checks the rest.
fn check_dist(root: &Path, workspace: &Workspace) -> anyhow::Result<Vec<String>> {
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
fn string_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

fn git_output(root: &Path, args: &[&str]) -> anyhow::Result<String> {
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

fn git_succeeds(root: &Path, args: &[&str]) -> bool {
    let mut command = Command::new("git");
    command.args(args).current_dir(root);
    util::succeeds(&mut command)
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

    #[test]
    fn cargo_info_output_is_classified() {
        let ours = "https://github.com/hf-rs/hf";
        assert_eq!(
            classify_info(
                false,
                "",
                "error: could not find `hf-auth` in registry `crates-io`",
                Some(ours)
            ),
            NameStatus::Free
        );
        let taken = "hf-cli\nLocal HoneyForge honeypot lifecycle CLI\nversion: 0.1.0\nrepository: https://github.com/Unkno394/MellCore\n";
        assert_eq!(
            classify_info(true, taken, "", Some(ours)),
            NameStatus::Taken {
                latest: "0.1.0".to_owned(),
                repository: Some("https://github.com/Unkno394/MellCore".to_owned()),
                description: Some("Local HoneyForge honeypot lifecycle CLI".to_owned()),
            }
        );
        let published =
            "hf-auth #hub\nTokens\nversion: 0.1.0\nrepository: https://github.com/hf-rs/hf.git\n";
        assert_eq!(
            classify_info(true, published, "", Some(ours)),
            NameStatus::Ours {
                latest: "0.1.0".to_owned()
            }
        );
        assert!(matches!(
            classify_info(
                false,
                "",
                "error: failed to query the index: timeout",
                Some(ours)
            ),
            NameStatus::Unknown(_)
        ));
    }

    #[test]
    fn version_lines_are_rewritten_in_place() {
        assert_eq!(
            replace_version(
                r#"hf-auth = { path = "crates/hf-auth", version = "0.1.0" }"#,
                "1.2.3"
            )
            .as_deref(),
            Some(r#"hf-auth = { path = "crates/hf-auth", version = "1.2.3" }"#)
        );
        assert_eq!(
            replace_version(r#"version = "0.1.0""#, "0.2.0").as_deref(),
            Some(r#"version = "0.2.0""#)
        );
        assert_eq!(replace_version(r#"rust-version = "1.89""#, "9.9.9"), None);
        assert!(validate_version("1.2.3").is_ok());
        assert!(validate_version("1.2.3-rc.1").is_ok());
        assert!(validate_version("1.2").is_err());
        assert!(validate_version("v1.2.3").is_err());
    }

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
