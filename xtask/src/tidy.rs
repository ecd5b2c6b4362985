//! `cargo xtask tidy`: the house rules of docs/ARCHITECTURE.md that a program can check, each
//! failing with the offending file and line. `cargo test` runs it too (rust-analyzer's tidy
//! tests), and each rule has a test that feeds it a small bad tree.
//!
//! - crate edges: every dependency between workspace packages (from `cargo metadata`) is one
//!   the table "Allowed edges" of docs/ARCHITECTURE.md lists;
//! - a command module of hf-cli never imports another command module;
//! - the library files of a crate do not import each other in a circle (the crate root and
//!   its `error` module aside: any file may name the crate's error type and re-exports; a
//!   folder's `mod.rs` may use its children or be used by them, not both);
//! - no absolute path of a machine, no path out of the repository (`../shared` is read only
//!   by the tests that say "skipped" without it);
//! - no `allow(dead_code)` (`#[expect]` fails when stale), no comment pointing at an issue
//!   number;
//! - every `hint:` line of hf-cli is written by its `hints` module;
//! - no function of hf-cli over 100 lines, no file of a crate's `src/` over 1,000;
//! - one home each: civil dates through the `time` crate, one advice-word list, one raw test
//!   server (`hf_test_server::raw`);
//! - no command module reads the environment (the session resolves settings once).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::util;

/// One broken rule: where, which rule, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Problem {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) rule: &'static str,
    pub(crate) what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: [{}] {}",
            self.file, self.line, self.rule, self.what
        )
    }
}

const EDGES: &str = "crate-edges";
const COMMANDS: &str = "command-imports";
const CIRCLES: &str = "module-circles";
const PATHS: &str = "machine-paths";
const DEAD_CODE: &str = "allow-dead-code";
const ISSUES: &str = "issue-comments";
const HINTS: &str = "hint-lines";
const LONG_FUNCTIONS: &str = "long-functions";
const ONE_HOME: &str = "one-home";
const COMMAND_ENV: &str = "command-env";
const LONG_FILES: &str = "long-files";
const PUBLIC_API: &str = "public-api";

/// Dependencies whose types must not be part of our crates' public API (their upgrades
/// would break our users): the HTTP library hides behind `HubRequest`/`HubResponse`.
const HIDDEN_DEPENDENCIES: &[&str] = &["reqwest::", "hyper::"];

/// The longest a function of hf-cli may be: a command's verb reads at a glance.
const MAX_FUNCTION_LINES: usize = 100;
/// The longest a library source file may be.
const MAX_FILE_LINES: usize = 1_000;

/// Runs `cargo xtask tidy`.
pub(crate) fn run() -> anyhow::Result<()> {
    let problems = check(&util::root())?;
    if problems.is_empty() {
        println!("tidy: every rule holds");
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    bail!("tidy: {} problem(s)", problems.len())
}

/// Every rule over the repository at `root`.
pub(crate) fn check(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let mut problems = crate_edges(root)?;
    let files = source_files(root)?;
    problems.extend(command_imports(root, &files));
    problems.extend(module_circles(root, &files));
    problems.extend(text_rules(root, &files));
    problems.extend(sizes(root, &files));
    problems.extend(public_api(root, &files));
    problems.sort();
    Ok(problems)
}

/// The files git knows (tracked, or untracked and not ignored), relative to `root`; every
/// file below `root` where it is not a git checkout.
fn source_files(root: &Path) -> anyhow::Result<Vec<String>> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .output();
    let mut files: Vec<String> = match output {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout)?
            .lines()
            .map(str::to_owned)
            .collect(),
        _ => walk(root, root),
    };
    files.retain(|f| root.join(f).is_file());
    files.sort();
    Ok(files)
}

fn walk(root: &Path, dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" || name == ".venv" {
            continue;
        }
        if path.is_dir() {
            found.extend(walk(root, &path));
        } else if let Ok(rel) = path.strip_prefix(root) {
            found.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    found
}

fn read(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join(file)).unwrap_or_default()
}

// ---- crate edges -------------------------------------------------------------------------

/// What a package may depend on: normally, and in tests (dev-dependencies) also.
type Allowed = (BTreeSet<String>, BTreeSet<String>);

/// The allowed edges of docs/ARCHITECTURE.md: package -> (normal dependencies, test-only ones),
/// from the table under the heading `Allowed edges` (`| package | may depend on | in tests also |`).
fn allowed_edges(root: &Path) -> anyhow::Result<BTreeMap<String, Allowed>> {
    let text = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md"))
        .context("read docs/ARCHITECTURE.md")?;
    let mut edges = BTreeMap::new();
    let mut in_section = false;
    for line in text.lines() {
        if line.starts_with('#') {
            in_section = line.trim_start_matches('#').trim() == "Allowed edges";
            continue;
        }
        if !in_section || !line.starts_with("| `") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let names = |cell: Option<&&str>| -> BTreeSet<String> {
            cell.map(|c| c.split('`').skip(1).step_by(2).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        if let Some(package) = cells
            .first()
            .and_then(|c| c.split('`').nth(1))
            .map(str::to_owned)
        {
            edges.insert(package, (names(cells.get(1)), names(cells.get(2))));
        }
    }
    if edges.is_empty() {
        bail!("docs/ARCHITECTURE.md has no table under a heading 'Allowed edges'");
    }
    Ok(edges)
}

fn crate_edges(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let allowed = allowed_edges(root)?;
    let output = util::cargo(&[])
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .context("run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let members: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    let mut problems = Vec::new();
    for package in &packages {
        let name = package["name"].as_str().unwrap_or_default();
        let manifest = package["manifest_path"].as_str().unwrap_or_default();
        let manifest = Path::new(manifest)
            .strip_prefix(root.canonicalize().unwrap_or_else(|_| root.to_owned()))
            .map_or_else(
                |_| manifest.to_owned(),
                |p| p.to_string_lossy().into_owned(),
            );
        let Some((normal, tests)) = allowed.get(name) else {
            problems.push(Problem {
                file: manifest.clone(),
                line: 1,
                rule: EDGES,
                what: format!(
                    "package {name} is not in the 'Allowed edges' table of docs/ARCHITECTURE.md"
                ),
            });
            continue;
        };
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let Some(dep_name) = dep["name"].as_str() else {
                continue;
            };
            if !members.contains(dep_name) {
                continue;
            }
            let dev = dep["kind"].as_str() == Some("dev");
            if normal.contains(dep_name) || (dev && tests.contains(dep_name)) {
                continue;
            }
            let text = read(root, &manifest);
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(dep_name))
                .map_or(1, |i| i + 1);
            problems.push(Problem {
                file: manifest.clone(),
                line,
                rule: EDGES,
                what: format!(
                    "{name} depends on {dep_name}{}, an edge docs/ARCHITECTURE.md does not allow",
                    if dev { " (in tests)" } else { "" }
                ),
            });
        }
    }
    Ok(problems)
}

// ---- Rust source, read as text -----------------------------------------------------------

/// The code lines of a Rust file worth checking: comments blanked, and nothing from a
/// top-level `#[cfg(test)]` on (unit tests sit at the end of a file).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            // A `//` inside a string (a URL) is code.
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        };
        lines.push((i + 1, code.to_owned()));
    }
    lines
}

/// The module path of a library file below `src/` (`a/b.rs` and `a/b/mod.rs` are `[a, b]`,
/// `lib.rs` is `[]`); `None` for binaries.
fn module_of(rel_to_src: &str) -> Option<Vec<String>> {
    let rel = rel_to_src.strip_suffix(".rs")?;
    if rel == "main.rs" || rel == "main" || rel.starts_with("bin/") {
        return None;
    }
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    Some(parts)
}

/// The paths named after `prefix` (`crate::`, `super::`) on a line, with brace groups
/// expanded: `crate::{a::B, c}` gives `[a, B]` and `[c]`.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        let tail = &rest[at + prefix.len()..];
        rest = tail;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        expand(tail, &[], &mut found);
    }
    found
}

/// Reads one path tree at the start of `text` into `out`, each path prefixed by `stem`.
fn expand(text: &str, stem: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut path = stem.to_vec();
    loop {
        if bytes.get(i) == Some(&b'{') {
            i += 1;
            loop {
                while bytes
                    .get(i)
                    .is_some_and(|b| b.is_ascii_whitespace() || *b == b',')
                {
                    i += 1;
                }
                if bytes.get(i).is_none_or(|b| *b == b'}') {
                    return i + 1;
                }
                let used = expand(&text[i..], &path, out);
                if used == 0 {
                    return i;
                }
                i += used;
            }
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            i += 1;
        }
        if i == start {
            break;
        }
        path.push(text[start..i].to_owned());
        if text[i..].starts_with("::") {
            i += 2;
        } else {
            break;
        }
    }
    if path.len() > stem.len() {
        out.push(path);
    }
    i
}

// ---- command imports ---------------------------------------------------------------------

const COMMANDS_DIR: &str = "crates/hf-cli/src/commands/";

fn command_imports(root: &Path, files: &[String]) -> Vec<Problem> {
    let commands: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(COMMANDS_DIR))
        .filter_map(|rel| rel.split('/').next())
        .map(|first| first.trim_end_matches(".rs").to_owned())
        .filter(|name| name != "mod")
        .collect();
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| f.ends_with(".rs")) {
        let Some(rel) = file.strip_prefix(COMMANDS_DIR) else {
            continue;
        };
        let own = rel
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs");
        if own == "mod" {
            continue;
        }
        let depth = rel.matches('/').count() + usize::from(rel.ends_with("/mod.rs"));
        for (line, code) in code_lines(&read(root, file)) {
            let mut named: Vec<String> = paths_after(&code, "crate::")
                .into_iter()
                .filter(|p| p.first().map(String::as_str) == Some("commands"))
                .filter_map(|p| p.get(1).cloned())
                .collect();
            // `super::other` from commands/x.rs, `super::super::other` from commands/x/y.rs.
            let supers = "super::".repeat(depth.max(1));
            named.extend(
                paths_after(&code, &supers)
                    .into_iter()
                    .filter(|p| depth > 0 || !p.is_empty())
                    .filter_map(|p| p.first().cloned()),
            );
            for other in named {
                if other != own && commands.contains(&other) {
                    problems.push(Problem {
                        file: file.clone(),
                        line,
                        rule: COMMANDS,
                        what: format!(
                            "command module {own} imports command module {other}; share it through the floor instead"
                        ),
                    });
                }
            }
        }
    }
    problems
}

// ---- module circles ----------------------------------------------------------------------

/// The library files of each crate (`crates/<c>/src`), as module path -> file.
fn crate_modules(files: &[String]) -> BTreeMap<String, BTreeMap<Vec<String>, String>> {
    let mut crates: BTreeMap<String, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for file in files.iter().filter(|f| f.ends_with(".rs")) {
        let Some(rest) = file.strip_prefix("crates/") else {
            continue;
        };
        let Some((krate, in_crate)) = rest.split_once('/') else {
            continue;
        };
        let Some(rel) = in_crate.strip_prefix("src/") else {
            continue;
        };
        if let Some(module) = module_of(rel) {
            crates
                .entry(krate.to_owned())
                .or_default()
                .insert(module, file.clone());
        }
    }
    crates
}

/// The deepest module of `modules` that `path` (from the crate root) names.
fn resolve<'a>(
    modules: &'a BTreeMap<Vec<String>, String>,
    path: &[String],
) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

fn module_circles(root: &Path, files: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for modules in crate_modules(files).values() {
        // Edges between files, with the line of the first use.
        let mut edges: BTreeMap<&Vec<String>, BTreeMap<&Vec<String>, usize>> = BTreeMap::new();
        for (module, file) in modules {
            let is_mod_rs = file.ends_with("/mod.rs") || file.ends_with("/lib.rs");
            // Inside an inline `mod name { .. }` of the file, `super::` is the file's module.
            let mut depth = 0usize;
            let mut inline_until: Option<usize> = None;
            for (line, code) in code_lines(&read(root, file)) {
                let opens_inline = inline_until.is_none() && starts_inline_module(&code);
                let inside = inline_until.is_some() || opens_inline;
                let mut targets: Vec<Vec<String>> = paths_after(&code, "crate::");
                // `super::` climbs from the module a file is (`a/b.rs` is `a::b`: super is `a`).
                let parent: Vec<String> = if inside {
                    module.clone()
                } else {
                    module[..module.len().saturating_sub(1)].to_vec()
                };
                let code_only = strip_strings(&code);
                let before = depth;
                depth = (depth + code_only.matches('{').count())
                    .saturating_sub(code_only.matches('}').count());
                if opens_inline {
                    inline_until = Some(before);
                } else if inline_until.is_some_and(|d| depth <= d) {
                    inline_until = None;
                }
                targets.extend(paths_after(&code, "super::").into_iter().map(|p| {
                    let mut full = parent.clone();
                    full.extend(p);
                    full
                }));
                targets.extend(paths_after(&code, "self::").into_iter().map(|p| {
                    let mut full = module.clone();
                    full.extend(p);
                    full
                }));
                // A folder's mod.rs names its children without a prefix (`child::f()`).
                if is_mod_rs {
                    for (child, _) in modules
                        .iter()
                        .filter(|(m, _)| m.len() == module.len() + 1 && m.starts_with(module))
                    {
                        let name = child.last().map_or("", String::as_str);
                        for p in paths_after(&code, &format!("{name}::")) {
                            let mut full = child.clone();
                            full.extend(p);
                            targets.push(full);
                        }
                    }
                }
                for target in targets {
                    let Some(to) = resolve(modules, &target) else {
                        continue;
                    };
                    // The crate root (its re-exports) and the error module are anyone's.
                    if to.is_empty() || to.first().is_some_and(|m| m == "error") || to == module {
                        continue;
                    }
                    edges.entry(module).or_default().entry(to).or_insert(line);
                }
            }
        }
        for circle in strongly_connected(modules.keys().collect(), &edges) {
            let names: Vec<&str> = circle.iter().map(|m| modules[*m].as_str()).collect();
            let listed = names.join(", ");
            let first = circle[0];
            let line = edges
                .get(first)
                .and_then(|e| circle.iter().find_map(|m| e.get(m)))
                .copied()
                .unwrap_or(1);
            problems.push(Problem {
                file: modules[first].clone(),
                line,
                rule: CIRCLES,
                what: format!("these files import each other in a circle: {listed}"),
            });
        }
    }
    problems
}

/// Whether a line opens an inline module (`mod name {`, `pub(crate) mod name {`).
fn starts_inline_module(code: &str) -> bool {
    let trimmed = code.trim_start();
    let rest = trimmed
        .strip_prefix("pub(crate) ")
        .or_else(|| trimmed.strip_prefix("pub(super) "))
        .or_else(|| trimmed.strip_prefix("pub "))
        .unwrap_or(trimmed);
    rest.strip_prefix("mod ")
        .is_some_and(|r| r.trim_end().ends_with('{'))
}

/// A line with its string literals emptied (their braces are not code).
fn strip_strings(code: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in code.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                out.push(c);
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// The strongly connected components of more than one node (Tarjan).
fn strongly_connected<'a>(
    nodes: Vec<&'a Vec<String>>,
    edges: &BTreeMap<&'a Vec<String>, BTreeMap<&'a Vec<String>, usize>>,
) -> Vec<Vec<&'a Vec<String>>> {
    struct State<'a> {
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        out: Vec<Vec<&'a Vec<String>>>,
    }
    fn visit<'a>(
        v: &'a Vec<String>,
        edges: &BTreeMap<&'a Vec<String>, BTreeMap<&'a Vec<String>, usize>>,
        s: &mut State<'a>,
    ) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in edges.get(v).into_iter().flat_map(BTreeMap::keys) {
            if !s.index.contains_key(w) {
                visit(w, edges, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node) {
            visit(node, edges, &mut state);
        }
    }
    state.out
}

// ---- text rules --------------------------------------------------------------------------

/// Where `../shared` may be read: the tests that replay its recordings (and say "skipped"
/// without it).
const SHARED_READERS: &[&str] = &[
    "crates/hf-inference/tests/it/cassette.rs",
    "crates/hf-inference/tests/it/replay.rs",
];

/// Absolute paths of one machine (a home, a work tree); example paths in docs
/// (`/home/you/...`) are not one.
const MACHINE_PATHS: &[&str] = &["/work/", "/root/", "/Users/", "C:\\Users\\"];

fn text_rules(root: &Path, files: &[String]) -> Vec<Problem> {
    let checked = |f: &&String| {
        [".rs", ".md", ".toml", ".py", ".sh", ".yml", ".yaml"]
            .iter()
            .any(|ext| f.ends_with(ext))
            || f.as_str() == ".ci/run"
    };
    let mut problems = Vec::new();
    let mut push = |file: &str, line: usize, rule, what: String| {
        problems.push(Problem {
            file: file.to_owned(),
            line,
            rule,
            what,
        });
    };
    for file in files.iter().filter(checked) {
        // This file spells the patterns it looks for.
        if file == "xtask/src/tidy.rs" {
            continue;
        }
        let text = read(root, file);
        let rust = file.ends_with(".rs");
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            for pattern in MACHINE_PATHS {
                // `~/work/...` is an example of the reader's own home.
                if line
                    .match_indices(pattern)
                    .any(|(at, _)| !line[..at].ends_with('~'))
                {
                    push(
                        file,
                        n,
                        PATHS,
                        format!("an absolute path of a machine ({pattern}...)"),
                    );
                }
            }
            let out_of_repo = line.contains("../shared")
                || (line.contains("CARGO_MANIFEST_DIR") && line.contains("../../../"));
            if rust && out_of_repo && !SHARED_READERS.contains(&file.as_str()) {
                push(
                    file,
                    n,
                    PATHS,
                    "a path out of the repository (only the tests that replay ../shared may read it)"
                        .to_owned(),
                );
            }
            // `allow(dead_code` on one line, or `allow(` with `dead_code` on the next.
            let allows_dead_code = line.contains("allow(dead_code")
                || (line.trim_start().starts_with("dead_code")
                    && i > 0
                    && text
                        .lines()
                        .nth(i - 1)
                        .is_some_and(|l| l.trim_end().ends_with("allow(")));
            if rust && line.contains("719_468") {
                push(
                    file,
                    n,
                    ONE_HOME,
                    "civil-date arithmetic: dates go through the `time` crate".to_owned(),
                );
            }
            if rust && line.contains("const ADVICE") && !file.starts_with("crates/hf-test-server/")
            {
                push(
                    file,
                    n,
                    ONE_HOME,
                    "an advice-word list: use hf_test_server::assert_no_advice".to_owned(),
                );
            }
            if rust && allows_dead_code {
                push(
                    file,
                    n,
                    DEAD_CODE,
                    "allow(dead_code): use #[expect(dead_code, reason = ...)], which fails once stale"
                        .to_owned(),
                );
            }
            if rust
                && let Some(comment) = line.split_once("//").map(|(_, c)| c)
                && names_an_issue(comment)
            {
                push(
                    file,
                    n,
                    ISSUES,
                    "a comment points at an issue number; say what the code does instead"
                        .to_owned(),
                );
            }
        }
        // Settings are resolved once, by the session; `hf env` reports them, its purpose.
        if file.starts_with(COMMANDS_DIR) && rust && file != "crates/hf-cli/src/commands/env.rs" {
            for (n, code) in code_lines(&text) {
                if ["session.env()", "process_env()", "::from_env"]
                    .iter()
                    .any(|p| code.contains(p))
                {
                    push(
                        file,
                        n,
                        COMMAND_ENV,
                        "a command reads the environment: ask the session for the setting"
                            .to_owned(),
                    );
                }
            }
        }
        if file.starts_with("crates/hf-cli/src/") && rust && !file.ends_with("/hints.rs") {
            for (n, code) in code_lines(&text) {
                // A `hint:` line, or a hint's text handed to `.hint(..)` on the spot.
                let literal = code.contains(".hint(\"") || code.contains(".hint(format!(");
                if code.contains("\"hint:") || literal {
                    push(
                        file,
                        n,
                        HINTS,
                        "a hint written outside crates/hf-cli/src/hints.rs (name it there)"
                            .to_owned(),
                    );
                }
            }
        }
    }
    problems
}

/// Functions of hf-cli over [`MAX_FUNCTION_LINES`], files of `crates/*/src` over
/// [`MAX_FILE_LINES`].
fn sizes(root: &Path, files: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let in_src =
        |f: &&String| f.starts_with("crates/") && f.contains("/src/") && f.ends_with(".rs");
    for file in files.iter().filter(in_src) {
        let text = read(root, file);
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_FILE_LINES {
            problems.push(Problem {
                file: file.clone(),
                line: MAX_FILE_LINES + 1,
                rule: LONG_FILES,
                what: format!(
                    "{} lines, over {MAX_FILE_LINES}: split it by concern",
                    lines.len()
                ),
            });
        }
        if !file.starts_with("crates/hf-cli/src/") {
            continue;
        }
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = [
                "fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub(crate) async fn ",
                "pub fn ",
                "pub async fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || line.trim_end().ends_with(';') {
                continue;
            }
            let closing = format!("{}}}", " ".repeat(indent));
            let Some(end) = lines[start + 1..]
                .iter()
                .position(|l| l.trim_end() == closing)
            else {
                continue;
            };
            let length = end + 2;
            if length > MAX_FUNCTION_LINES {
                problems.push(Problem {
                    file: file.clone(),
                    line: start + 1,
                    rule: LONG_FUNCTIONS,
                    what: format!("a function of {length} lines, over {MAX_FUNCTION_LINES}: one function per step"),
                });
            }
        }
    }
    problems
}

/// Whether a comment says `issue 12` / `issue #12` / `issues 3 and 4`.
/// The public API as `cargo xtask api` records it (`docs/api/*.txt`) names no type of a
/// hidden dependency.
fn public_api(root: &Path, files: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for file in files {
        if !(file.starts_with("docs/api/") && file.ends_with(".txt")) {
            continue;
        }
        for (index, line) in read(root, file).lines().enumerate() {
            if let Some(name) = HIDDEN_DEPENDENCIES.iter().find(|name| line.contains(*name)) {
                problems.push(Problem {
                    file: file.clone(),
                    line: index + 1,
                    rule: PUBLIC_API,
                    what: format!(
                        "the public API names a type of `{}`; wrap it in a type of ours",
                        name.trim_end_matches(':')
                    ),
                });
            }
        }
    }
    problems
}

fn names_an_issue(comment: &str) -> bool {
    let lower = comment.to_ascii_lowercase();
    lower.match_indices("issue").any(|(at, _)| {
        let rest = lower[at + 5..]
            .trim_start_matches('s')
            .trim_start_matches('\'');
        let rest = rest.trim_start().trim_start_matches('#');
        rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A throw-away tree with `files` (path, content), not a git checkout.
    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str, files: &[(&str, &str)]) -> Self {
            let dir = std::env::temp_dir().join(format!("tidy-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            for (path, content) in files {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
            Self(dir)
        }

        fn problems(&self, rule: &str) -> Vec<Problem> {
            let files = walk(&self.0, &self.0);
            let all = match rule {
                EDGES => crate_edges(&self.0).unwrap(),
                COMMANDS => command_imports(&self.0, &files),
                CIRCLES => module_circles(&self.0, &files),
                _ => text_rules(&self.0, &files),
            };
            let mut found: Vec<Problem> = all.into_iter().filter(|p| p.rule == rule).collect();
            found.sort();
            found
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn tidy_passes_on_this_repository() {
        let problems = check(&util::root()).unwrap();
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            problems.is_empty(),
            "cargo xtask tidy:\n{}",
            list.join("\n")
        );
    }

    const ARCH: &str = "# A\n\n## Allowed edges\n\n| package | may depend on | in tests also |\n| --- | --- | --- |\n| `low` | | |\n| `high` | `low` | |\n";

    fn manifest(name: &str, deps: &str) -> String {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{deps}\n"
        )
    }

    #[test]
    fn an_edge_against_the_graph_fails() {
        let high = manifest("high", "low = { path = \"../low\" }");
        let low = manifest("low", "high = { path = \"../high\" }");
        let tree = Tree::new(
            "edges",
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"3\"\n",
                ),
                ("docs/ARCHITECTURE.md", ARCH),
                ("crates/high/Cargo.toml", &high),
                ("crates/high/src/lib.rs", ""),
                ("crates/low/Cargo.toml", &low),
                ("crates/low/src/lib.rs", ""),
            ],
        );
        let problems = tree.problems(EDGES);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "crates/low/Cargo.toml");
        assert!(
            problems[0].what.contains("low depends on high"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_command_module_importing_another_fails() {
        let tree = Tree::new(
            "commands",
            &[
                (
                    "crates/hf-cli/src/commands/mod.rs",
                    "pub mod a;\npub mod b;\nuse a::run;\n",
                ),
                (
                    "crates/hf-cli/src/commands/a.rs",
                    "use crate::output::Output;\n",
                ),
                (
                    "crates/hf-cli/src/commands/b.rs",
                    "use crate::args::X;\n\nfn f() { super::a::run(); }\n",
                ),
                (
                    "crates/hf-cli/src/commands/c/mod.rs",
                    "use crate::commands::{a::run, c::verb};\n",
                ),
            ],
        );
        let problems = tree.problems(COMMANDS);
        let lines: Vec<(String, usize)> =
            problems.iter().map(|p| (p.file.clone(), p.line)).collect();
        assert_eq!(
            lines,
            [
                ("crates/hf-cli/src/commands/b.rs".to_owned(), 3),
                ("crates/hf-cli/src/commands/c/mod.rs".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn library_files_importing_each_other_in_a_circle_fail() {
        let tree = Tree::new(
            "circles",
            &[
                (
                    "crates/k/src/lib.rs",
                    "mod a;\nmod b;\nmod c;\nmod error;\npub use a::A;\n",
                ),
                ("crates/k/src/error.rs", "use crate::a::A;\n"),
                (
                    "crates/k/src/a.rs",
                    "use crate::{Error, error::Kind};\nuse crate::b::B;\n",
                ),
                (
                    "crates/k/src/b.rs",
                    "// crate::c is not an import\nuse super::c::{C, D};\n",
                ),
                ("crates/k/src/c.rs", "fn f() -> crate::a::A { todo!() }\n"),
                // In an inline module, `super::` is the file's own module: no edge to lib.rs's
                // children from here.
                (
                    "crates/k/src/d.rs",
                    "pub fn g() {}\nmod inner {\n    use super::g;\n}\nuse crate::a::A;\n",
                ),
                // A folder's mod.rs and a child using each other is a circle too.
                ("crates/m/src/lib.rs", "mod f;\n"),
                ("crates/m/src/f/mod.rs", "mod g;\nfn x() { g::run() }\n"),
                ("crates/m/src/f/g.rs", "use super::Shared;\n"),
            ],
        );
        let problems = tree.problems(CIRCLES);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0]
                .what
                .contains("crates/k/src/a.rs, crates/k/src/b.rs, crates/k/src/c.rs"),
            "{problems:?}"
        );
        assert!(
            problems[1]
                .what
                .contains("crates/m/src/f/mod.rs, crates/m/src/f/g.rs"),
            "{problems:?}"
        );
    }

    #[test]
    fn long_functions_of_the_cli_and_long_files_fail() {
        let long_fn = format!("fn f() {{\n{}}}\n", "    let x = 1;\n".repeat(99));
        let short_fn = format!("fn g() {{\n{}}}\n", "    let x = 1;\n".repeat(98));
        let long_file = "// a line\n".repeat(1_001);
        let tree = Tree::new(
            "sizes",
            &[
                ("crates/hf-cli/src/a.rs", &format!("{short_fn}\n{long_fn}")),
                ("crates/k/src/lib.rs", &long_fn),
                ("crates/k/src/big.rs", &long_file),
            ],
        );
        let files = walk(&tree.0, &tree.0);
        let mut found: Vec<(String, usize, &str)> = sizes(&tree.0, &files)
            .into_iter()
            .map(|p| (p.file, p.line, p.rule))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("crates/hf-cli/src/a.rs".to_owned(), 102, LONG_FUNCTIONS),
                ("crates/k/src/big.rs".to_owned(), 1_001, LONG_FILES),
            ]
        );
    }

    #[test]
    fn a_public_api_naming_the_http_library_fails() {
        let tree = Tree::new(
            "public-api",
            &[
                (
                    "docs/api/k.txt",
                    "pub fn ok(&self) -> HubResponse\npub fn send(self) -> reqwest::Response\n",
                ),
                ("crates/k/src/lib.rs", "pub fn f(_: reqwest::Body) {}\n"),
            ],
        );
        let files = walk(&tree.0, &tree.0);
        let found: Vec<(String, usize, &str)> = public_api(&tree.0, &files)
            .into_iter()
            .map(|p| (p.file, p.line, p.rule))
            .collect();
        assert_eq!(found, [("docs/api/k.txt".to_owned(), 2, PUBLIC_API)]);
    }

    #[test]
    fn machine_paths_dead_code_issue_comments_and_stray_hints_fail() {
        let tree = Tree::new(
            "text",
            &[
                (
                    "docs/a.md",
                    "see /work/main/README.md\nor /home/you/.cache, ~/work/x.env (examples)\n",
                ),
                (
                    "crates/x/src/date.rs",
                    "let z = days + 719_468;\nconst ADVICE: &[&str] = &[];\nlet l = TcpListener::bind(a);\n",
                ),
                (
                    "crates/x/tests/it/t.rs",
                    "const P: &str = \"../shared/x\";\nconst Q: &str = \"../../../etc\"; // test data\n",
                ),
                (
                    "crates/x/src/lib.rs",
                    "#[allow(dead_code)]\nfn f() {}\n// added for issue 12\n// an issue with 3 parts\n#[allow(\n    dead_code,\n)]\n",
                ),
                (
                    "crates/hf-cli/src/output.rs",
                    "fn f() { println!(\"hint: run it again\"); }\nfn g() { x.hint(\"do this\") }\nfn h() { x.hint(crate::hints::DO_THIS) }\n#[cfg(test)]\nconst T: &str = \"hint: in a test\";\n",
                ),
                (
                    "crates/hf-cli/src/hints.rs",
                    "const H: &str = \"hint: fine here\";\n",
                ),
                (
                    "crates/hf-cli/src/commands/a.rs",
                    "fn f(c: &Context) { let e = c.session.env(); }\nfn g(c: &Context) { c.session.upload_options(); }\n",
                ),
            ],
        );
        let at = |rule| -> Vec<(String, usize)> {
            tree.problems(rule)
                .into_iter()
                .map(|p| (p.file, p.line))
                .collect()
        };
        assert_eq!(
            at(PATHS),
            [
                ("crates/x/tests/it/t.rs".to_owned(), 1),
                ("docs/a.md".to_owned(), 1)
            ]
        );
        assert_eq!(
            at(DEAD_CODE),
            [
                ("crates/x/src/lib.rs".to_owned(), 1),
                ("crates/x/src/lib.rs".to_owned(), 6)
            ]
        );
        assert_eq!(at(ISSUES), [("crates/x/src/lib.rs".to_owned(), 3)]);
        assert_eq!(
            at(COMMAND_ENV),
            [("crates/hf-cli/src/commands/a.rs".to_owned(), 1)]
        );
        assert_eq!(
            at(ONE_HOME),
            [
                ("crates/x/src/date.rs".to_owned(), 1),
                ("crates/x/src/date.rs".to_owned(), 2)
            ]
        );
        assert_eq!(
            at(HINTS),
            [
                ("crates/hf-cli/src/output.rs".to_owned(), 1),
                ("crates/hf-cli/src/output.rs".to_owned(), 2)
            ]
        );
    }
}
