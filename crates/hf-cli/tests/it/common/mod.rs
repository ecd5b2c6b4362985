//! The hermetic test environment for the `hf` binary.
//!
//! [`TestEnv`] runs the built binary with the environment cleared except `PATH`
//! (and, on Windows, the variables the OS needs), a temporary `HOME` and `HF_HOME`,
//! `NO_COLOR=1`, `HF_HUB_DISABLE_PROGRESS_BARS=1` and `COLUMNS=100`. Point it at a
//! local Hub with [`TestEnv::endpoint`]. [`hf_snapshot!`] runs a command and
//! snapshots its transcript (status, stdout, stderr) with temporary paths, ports,
//! the version and the platform replaced by placeholders.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `hf` with `args` in `env` and snapshots the normalised transcript.
/// `hf_snapshot!(env, ["env"])` writes a file snapshot; `hf_snapshot!(env, ["version"], @"...")`
/// an inline one. Returns the [`Outcome`] for further checks.
#[macro_export]
macro_rules! hf_snapshot {
    ($env:expr, $args:expr $(, @$snapshot:literal)? $(,)?) => {{
        let env = &$env;
        let outcome = env.run($args);
        let transcript = env.normalize(&outcome.transcript());
        insta::assert_snapshot!(transcript $(, @$snapshot)?);
        outcome
    }};
}

/// The result of one run.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The exit code (`None` when killed by a signal).
    pub(crate) code: Option<i32>,
    /// Everything written to stdout.
    pub(crate) stdout: String,
    /// Everything written to stderr.
    pub(crate) stderr: String,
}

impl Outcome {
    fn from_output(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `status: N`, then the stdout and stderr sections (empty ones omitted).
    pub(crate) fn transcript(&self) -> String {
        let mut text = match self.code {
            Some(code) => format!("status: {code}\n"),
            None => "status: killed by a signal\n".to_owned(),
        };
        for (name, body) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if !body.is_empty() {
                text.push_str(&format!("----- {name} -----\n{body}"));
                if !body.ends_with('\n') {
                    text.push('\n');
                }
            }
        }
        text
    }

    /// stdout parsed as JSON (panics with the output when it is not JSON).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A hermetic environment for running the `hf` binary.
#[derive(Debug)]
pub(crate) struct TestEnv {
    root: tempfile::TempDir,
    vars: BTreeMap<String, OsString>,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    /// A fresh environment with empty `HOME` and `HF_HOME` directories.
    pub(crate) fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("hf-cli-it")
            .tempdir()
            .expect("create a temporary directory");
        let mut env = Self {
            root,
            vars: BTreeMap::new(),
        };
        let home = env.path("home");
        let hf_home = env.path("hf-home");
        std::fs::create_dir_all(&home).expect("create HOME");
        std::fs::create_dir_all(&hf_home).expect("create HF_HOME");
        // The OS needs these to start processes and resolve names (Windows) or find tools.
        for name in ["PATH", "SYSTEMROOT", "SystemRoot", "WINDIR", "TEMP", "TMP"] {
            #[allow(
                clippy::disallowed_methods,
                reason = "tests pass the host PATH through"
            )]
            if let Some(value) = std::env::var_os(name) {
                env.vars.insert(name.to_owned(), value);
            }
        }
        env.set("HOME", &home)
            .set("USERPROFILE", &home)
            .set("HF_HOME", &hf_home)
            .set("NO_COLOR", "1")
            .set("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .set("COLUMNS", "100");
        env
    }

    /// The temporary root directory (removed when the environment is dropped).
    pub(crate) fn root(&self) -> &Path {
        self.root.path()
    }

    /// A path under the root.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    /// The `HF_HOME` directory.
    pub(crate) fn hf_home(&self) -> PathBuf {
        self.path("hf-home")
    }

    /// Sets a variable for every later run.
    pub(crate) fn set(&mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.vars.insert(name.to_owned(), value.as_ref().to_owned());
        self
    }

    /// Removes a variable.
    pub(crate) fn unset(&mut self, name: &str) -> &mut Self {
        self.vars.remove(name);
        self
    }

    /// Points `HF_ENDPOINT` at `url` (a local test server).
    pub(crate) fn endpoint(&mut self, url: &str) -> &mut Self {
        self.set("HF_ENDPOINT", url)
    }

    /// A `Command` for the `hf` binary with this environment; stdin is closed.
    pub(crate) fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command_for(env!("CARGO_BIN_EXE_hf"), args)
    }

    /// Like [`TestEnv::command`], for the legacy `huggingface-cli` binary.
    pub(crate) fn legacy_command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command_for(env!("CARGO_BIN_EXE_huggingface-cli"), args)
    }

    fn command_for<I, S>(&self, program: &str, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(&self.vars)
            .current_dir(self.root())
            .stdin(Stdio::null());
        command
    }

    /// Runs `hf` with `args` to completion.
    pub(crate) fn run<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let output = self.command(args).output().expect("run the hf binary");
        let outcome = Outcome::from_output(output);
        assert_no_test_token(&outcome);
        outcome
    }

    /// Replaces what differs between runs and machines with placeholders:
    /// the temporary root (`[TEMP]`, with `/` separators), the version (`[VERSION]`),
    /// the platform (`[PLATFORM]`) and local ports (`127.0.0.1:[PORT]`).
    pub(crate) fn normalize(&self, text: &str) -> String {
        let mut roots = vec![self.root().display().to_string()];
        if let Ok(canonical) = self.root().canonicalize() {
            roots.push(canonical.display().to_string());
        }
        // JSON escapes Windows separators.
        let escaped: Vec<String> = roots.iter().map(|r| r.replace('\\', "\\\\")).collect();
        roots.extend(escaped);
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let mut text = text.to_owned();
        for root in &roots {
            text = text.replace(root.as_str(), "[TEMP]");
        }
        text = unify_separators_after_temp(&text);
        text = text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
        text = text.replace(
            &format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            "[PLATFORM]",
        );
        replace_ports(&text)
    }
}

/// Fails when stdout or stderr holds a test-server token (`hf_fake` + 20 or more letters
/// and digits): no command may print one (`hf auth token` is tested without this check).
/// The failure message shows the output with the token replaced by `<TOKEN>`.
pub(crate) fn assert_no_test_token(outcome: &Outcome) {
    for (name, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        let (masked, leaked) = mask_test_tokens(text);
        assert!(!leaked, "a token leaked into {name}:\n{masked}");
    }
}

/// `text` with every test-server token replaced by `<TOKEN>`, and whether there was one.
fn mask_test_tokens(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut leaked = false;
    let mut rest = text;
    while let Some(at) = rest.find("hf_fake") {
        let tail = &rest[at + "hf_fake".len()..];
        let run = tail.chars().take_while(char::is_ascii_alphanumeric).count();
        out.push_str(&rest[..at]);
        if run >= 20 {
            leaked = true;
            out.push_str("<TOKEN>");
            rest = &tail[run..];
        } else {
            out.push_str("hf_fake");
            rest = tail;
        }
    }
    out.push_str(rest);
    (out, leaked)
}

#[test]
fn test_tokens_are_detected_and_masked() {
    let token = "hf_fakeread0123456789abcdefghijklmnopq";
    let (masked, leaked) = mask_test_tokens(&format!("a {token} b hf_fakeX"));
    assert!(leaked);
    assert_eq!(masked, "a <TOKEN> b hf_fakeX");
    assert!(!mask_test_tokens("hf_****abcd").1);
}

/// In every path that starts with `[TEMP]`, turns `\` and `\\` into `/`.
fn unify_separators_after_temp(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[TEMP]") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ')')
            .unwrap_or(tail.len());
        out.push_str(&tail[..end].replace("\\\\", "/").replace('\\', "/"));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `127.0.0.1:<digits>` becomes `127.0.0.1:[PORT]`.
fn replace_ports(text: &str) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(HOST) {
        let after = &rest[start + HOST.len()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        out.push_str(&rest[..start + HOST.len()]);
        if digits > 0 {
            out.push_str("[PORT]");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn normalisation_replaces_ports_and_windows_separators() {
    assert_eq!(
        replace_ports("http://127.0.0.1:4242/api and 127.0.0.1:x"),
        "http://127.0.0.1:[PORT]/api and 127.0.0.1:x"
    );
    assert_eq!(
        unify_separators_after_temp("a [TEMP]\\\\hf\\\\hub\" b [TEMP]\\x y\\z"),
        "a [TEMP]/hf/hub\" b [TEMP]/x y\\z"
    );
}
