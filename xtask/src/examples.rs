//! The library examples (`crates/*/examples/*.rs`), run by `cargo xtask e2e` against
//! hf-test-server as a user would run them (arguments, `HF_ENDPOINT`/`HF_TOKEN`/`HF_HOME` from
//! the environment), each result checked; and the statements each takes for its task, counted
//! against the Python client's equivalent (`examples/python/<name>.py`).
//!
//! Counting rule, the same for both languages: every statement between the `task` and
//! `end task` marker comments, at any depth (a loop and the statement in its body are two);
//! imports, argument parsing and printing the result stay outside the markers.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use syn::visit::Visit;

use crate::util;

/// Where the suite's server is and what it accepts.
pub(crate) struct Target<'a> {
    pub(crate) endpoint: &'a str,
    pub(crate) read_token: &'a str,
    pub(crate) write_token: &'a str,
    /// The built `hf`, to create the repo the upload example writes to.
    pub(crate) hf: &'a Path,
}

/// Each example, its crate and the most statements its task may take (the Python equivalent's
/// count in `examples/python/`, as the examples' task set it).
const EXAMPLES: &[(&str, &str, usize)] = &[
    ("download_file", "crates/hf-hub", 1),
    ("blocking_download", "crates/hf-hub", 1),
    ("snapshot_with_patterns", "crates/hf-hub", 1),
    ("upload_folder", "crates/hf-hub", 2),
    ("cache_lookup", "crates/hf-hub", 1),
    ("chat_stream", "crates/hf-inference", 3),
];

/// Counts the statements of every example and runs each against `target`.
pub(crate) fn run(target: &Target<'_>) -> anyhow::Result<()> {
    check_counts()?;
    let home = std::env::temp_dir().join(format!("hf-e2e-examples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home)?;
    let result = run_all(target, &home);
    let _ = std::fs::remove_dir_all(&home);
    result
}

fn check_counts() -> anyhow::Result<()> {
    let root = util::root();
    let python = python(&root);
    println!("statements per task (between the `task` markers), ours and the Python client's:");
    let mut failures = Vec::new();
    for (name, dir, limit) in EXAMPLES {
        let rust_file = root.join(dir).join("examples").join(format!("{name}.rs"));
        let python_file = root
            .join(dir)
            .join("examples/python")
            .join(format!("{name}.py"));
        let rust_source = std::fs::read_to_string(&rust_file)
            .with_context(|| format!("could not read {}", rust_file.display()))?;
        let ours = count_rust(&task_region(&rust_source, "//", &rust_file)?)
            .with_context(|| format!("could not parse the task of {}", rust_file.display()))?;
        let python_source = std::fs::read_to_string(&python_file)
            .with_context(|| format!("could not read {}", python_file.display()))?;
        let theirs = count_python(&python, &task_region(&python_source, "#", &python_file)?)?;
        println!("  {name:<24} {ours} (at most {limit}), Python {theirs}");
        if ours > *limit || ours > theirs {
            failures.push(format!(
                "{name}: {ours} statements (limit {limit}, Python {theirs})"
            ));
        }
        if *name == "blocking_download" && mentions_tokio(&rust_source) {
            failures.push(format!("{name}: the blocking example names tokio"));
        }
    }
    if !failures.is_empty() {
        bail!(
            "examples over their statement budget:\n  {}",
            failures.join("\n  ")
        );
    }
    Ok(())
}

fn mentions_tokio(source: &str) -> bool {
    source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .any(|line| line.contains("tokio") || line.contains("Runtime"))
}

/// The lines between `<comment> task` and `<comment> end task`.
fn task_region(source: &str, comment: &str, file: &Path) -> anyhow::Result<String> {
    let start = format!("{comment} task");
    let end = format!("{comment} end task");
    let mut lines = source.lines().map(str::trim_end);
    lines
        .by_ref()
        .find(|line| line.trim() == start)
        .with_context(|| format!("{} has no `{start}` line", file.display()))?;
    let mut region = Vec::new();
    for line in lines {
        if line.trim() == end {
            return Ok(dedent(&region));
        }
        region.push(line);
    }
    bail!("{} has no `{end}` line", file.display())
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Statements of a Rust fragment, nested ones included (items such as `use` excluded).
fn count_rust(fragment: &str) -> anyhow::Result<usize> {
    struct Counter(usize);
    impl<'ast> Visit<'ast> for Counter {
        fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
            if !matches!(stmt, syn::Stmt::Item(_)) {
                self.0 += 1;
            }
            syn::visit::visit_stmt(self, stmt);
        }
    }
    let block: syn::Block = syn::parse_str(&format!("{{\n{fragment}\n}}"))?;
    let mut counter = Counter(0);
    counter.visit_block(&block);
    Ok(counter.0)
}

/// Statements of a Python fragment by its own parser (`ast`), imports excluded.
fn count_python(python: &Path, fragment: &str) -> anyhow::Result<usize> {
    const COUNT: &str = "import ast, sys\nprint(sum(isinstance(n, ast.stmt) and not isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(ast.parse(sys.stdin.read()))))";
    let mut child = Command::new(python)
        .args(["-c", COUNT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("could not run {}", python.display()))?;
    std::io::Write::write_all(
        &mut child.stdin.take().context("stdin")?,
        fragment.as_bytes(),
    )?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("python could not parse:\n{fragment}");
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().parse()?)
}

fn python(root: &Path) -> PathBuf {
    let venv = root.join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// One example run: success and the last line it printed.
struct Ran {
    ok: bool,
    last: String,
}

/// Every example of the workspace, built once with the CI test step's features (so, after
/// it, nothing is built again; `cargo run -p` would build the libraries again), by name.
fn built_examples() -> anyhow::Result<&'static std::collections::BTreeMap<String, PathBuf>> {
    static BUILT: std::sync::OnceLock<std::collections::BTreeMap<String, PathBuf>> =
        std::sync::OnceLock::new();
    if let Some(built) = BUILT.get() {
        return Ok(built);
    }
    let mut command = util::cargo(&["build"]);
    command
        .args(util::WORKSPACE)
        .args(["--examples", "--message-format=json"]);
    println!("$ {}", util::describe(&command));
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not start cargo build")?;
    if !output.status.success() {
        anyhow::bail!("building the examples failed");
    }
    let built = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "example"))
        })
        .filter_map(|m| {
            let name = m["target"]["name"].as_str()?.to_owned();
            Some((name, PathBuf::from(m["executable"].as_str()?)))
        })
        .collect();
    Ok(BUILT.get_or_init(|| built))
}

fn run_example(
    target: &Target<'_>,
    home: &Path,
    name: &str,
    args: &[&str],
    token: &str,
) -> anyhow::Result<Ran> {
    let executable = built_examples()?
        .get(name)
        .cloned()
        .with_context(|| format!("cargo built no example {name}"))?;
    println!("$ {name} {}", args.join(" "));
    let output = std::process::Command::new(executable)
        .args(args)
        .env("HF_ENDPOINT", target.endpoint)
        .env("HF_ROUTER_URL", target.endpoint)
        .env("HF_TOKEN", token)
        .env("HF_HOME", home)
        .env_remove("HF_HUB_CACHE")
        .env_remove("HF_HUB_OFFLINE")
        .output()
        .with_context(|| format!("could not run the example {name}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        println!(
            "  failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(Ran {
        ok: output.status.success(),
        last: stdout.lines().last().unwrap_or_default().to_owned(),
    })
}

fn run_all(target: &Target<'_>, home: &Path) -> anyhow::Result<()> {
    let run = |name: &str, args: &[&str]| run_example(target, home, name, args, target.read_token);
    let mut runs = 0;

    // A private repo: the example must find the token in the environment.
    let ran = run("download_file", &["demo-user/private-model", "config.json"])?;
    let path = PathBuf::from(&ran.last);
    if !ran.ok || !path.is_file() || !path.starts_with(home.join("hub")) {
        bail!("download_file printed {:?} (success: {})", ran.last, ran.ok);
    }
    runs += 1;

    let found = run("cache_lookup", &["demo-user/private-model", "config.json"])?;
    if !found.ok || found.last != ran.last {
        bail!(
            "cache_lookup printed {:?} (success: {}), expected {:?}",
            found.last,
            found.ok,
            ran.last
        );
    }
    if run("cache_lookup", &["demo-user/private-model", "README.md"])?.ok {
        bail!("cache_lookup found a file that was never downloaded");
    }
    runs += 2;

    // A file not downloaded before, so the blocking client really fetches it.
    let blocking = run("blocking_download", &["demo-org/demo-model", "config.json"])?;
    let blocking_path = PathBuf::from(&blocking.last);
    if !blocking.ok
        || !blocking_path.starts_with(home.join("hub/models--demo-org--demo-model"))
        || !std::fs::read_to_string(&blocking_path)?.contains("distilbert")
    {
        bail!(
            "blocking_download printed {:?} (success: {})",
            blocking.last,
            blocking.ok
        );
    }
    runs += 1;

    let snapshot = run("snapshot_with_patterns", &["demo-org/demo-model", "*.json"])?;
    let names: Vec<String> = std::fs::read_dir(&snapshot.last)
        .with_context(|| {
            format!(
                "snapshot_with_patterns printed {:?} (success: {})",
                snapshot.last, snapshot.ok
            )
        })?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if !snapshot.ok || names.is_empty() || !names.iter().all(|n| n.ends_with(".json")) {
        bail!(
            "snapshot_with_patterns gave {names:?} in {:?}",
            snapshot.last
        );
    }
    runs += 1;

    // Upload a folder to a fresh repo, then download what was uploaded.
    let repo = format!("demo-user/examples-upload-{}", std::process::id());
    util::run(
        Command::new(target.hf)
            .args(["repos", "create", &repo, "--quiet"])
            .env("HF_ENDPOINT", target.endpoint)
            .env("HF_TOKEN", target.write_token)
            .env("HF_HOME", home),
    )?;
    let folder = home.join("to-upload");
    std::fs::create_dir_all(folder.join("nested"))?;
    std::fs::write(
        folder.join("notes.txt"),
        "uploaded by the upload_folder example\n",
    )?;
    std::fs::write(folder.join("nested/data.json"), "{\"n\": 1}\n")?;
    let folder_arg = folder.to_string_lossy().into_owned();
    let upload = run_example(
        target,
        home,
        "upload_folder",
        &[&repo, &folder_arg],
        target.write_token,
    )?;
    if !upload.ok || !upload.last.contains(&repo) || !upload.last.contains("/commit/") {
        bail!(
            "upload_folder printed {:?} (success: {})",
            upload.last,
            upload.ok
        );
    }
    let uploaded = run_example(
        target,
        home,
        "download_file",
        &[&repo, "nested/data.json"],
        target.write_token,
    )?;
    if !uploaded.ok
        || std::fs::read_to_string(&uploaded.last).ok().as_deref() != Some("{\"n\": 1}\n")
    {
        bail!(
            "the uploaded file came back as {:?} (success: {})",
            uploaded.last,
            uploaded.ok
        );
    }
    runs += 2;

    // The test server's router echoes the prompt.
    let chat = run(
        "chat_stream",
        &["meta-llama/Llama-3.1-8B-Instruct", "Say hello"],
    )?;
    if !chat.ok || chat.last != "You said: Say hello" {
        bail!("chat_stream printed {:?} (success: {})", chat.last, chat.ok);
    }
    runs += 1;

    println!("examples: {runs} runs ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_counted_at_every_depth() {
        let fragment = "let mut s = f()?;\nwhile let Some(x) = s.next() {\n    print!(\"{x}\");\n}";
        assert_eq!(count_rust(fragment).unwrap(), 3);
        assert_eq!(count_rust("let a = b().c().d()?;").unwrap(), 1);
    }

    #[test]
    fn the_task_region_is_found_and_dedented() {
        let source =
            "fn main() {\n    let a = 1;\n    // task\n    let b = 2;\n    // end task\n}\n";
        assert_eq!(
            task_region(source, "//", Path::new("x.rs")).unwrap(),
            "let b = 2;"
        );
        assert!(task_region("no markers", "//", Path::new("x.rs")).is_err());
    }
}
