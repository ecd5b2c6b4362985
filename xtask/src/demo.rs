//! `cargo xtask demo`: the token guide's story on a fresh machine, with nothing but this repo.
//! Starts `hf-test-server` with its demo seed and, step by step, downloads public, private
//! (refused, then allowed) and gated repos, logs in, shows whoami, uploads with the write
//! token, is refused with the read token, and makes one chat call. `--check` fails when a
//! step does not go as the story says (CI runs it).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};

use crate::util;

/// A running `hf-test-server` child, killed on drop.
pub(crate) struct Server {
    child: Child,
    /// The Hub endpoint.
    pub(crate) endpoint: String,
    /// The CDN origin.
    pub(crate) cdn: String,
    /// The `write` token of `demo-user`.
    pub(crate) write_token: String,
    /// The `read` token of `demo-user`.
    pub(crate) read_token: String,
}

impl Server {
    /// Starts `binary` with `data_dir` and waits for its ready line.
    pub(crate) fn start(binary: &Path, data_dir: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .context("no stdout from hf-test-server")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: serde_json::Value = match serde_json::from_str(&line) {
            Ok(value) => value,
            Err(_) => {
                let _ = child.kill();
                bail!("hf-test-server did not print its ready line (got {line:?})");
            }
        };
        let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(Self {
            endpoint: field(&ready["endpoint"]),
            cdn: field(&ready["cdn"]),
            write_token: field(&ready["tokens"]["write"]),
            read_token: field(&ready["tokens"]["read"]),
            child,
        })
    }
}

impl Server {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh temporary directory under the system temp dir.
pub(crate) fn temp_dir(label: &str) -> anyhow::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("hf-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `cargo xtask demo`'s options.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub(crate) struct Options {
    /// Keep the demo's folder (server data, homes) and print where it is.
    #[arg(long)]
    pub(crate) keep: bool,
    /// Fail when a step does not go as the guide tells (CI runs it so).
    #[arg(long)]
    pub(crate) check: bool,
}

/// Runs `cargo xtask demo [--keep] [--check]`.
pub(crate) fn run(Options { keep, check }: Options) -> anyhow::Result<()> {
    let server_bin = util::build_binary("hf-test-server")?;
    let hf = util::build_binary("hf")?;
    let root = temp_dir("demo")?;
    let result = demo(&server_bin, &hf, &root, check);
    if keep {
        println!("\nkept {}", root.display());
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

/// One step of the story: the command, what its exit code must be, and text its output
/// (stdout and stderr together) must contain.
struct Step<'a> {
    /// What the step shows, in words.
    title: &'a str,
    args: Vec<String>,
    /// Piped to stdin (a token for `--token-stdin`), never shown.
    stdin: Option<&'a str>,
    code: i32,
    expect: &'a [&'a str],
}

/// The token guide's story against the local Hub: each step prints its command and output.
/// With `check`, a step whose exit code or output differs from the story fails the demo
/// (CI runs it so; no terminal needed).
fn demo(server_bin: &Path, hf: &Path, root: &Path, check: bool) -> anyhow::Result<()> {
    let server = Server::start(server_bin, &root.join("server-data"))?;
    println!(
        "\nhf-test-server is serving a local Hub at {} (CDN {})",
        server.endpoint, server.cdn
    );
    let hf_home = root.join("hf-home");
    let upload_dir = root.join("my-model");
    std::fs::create_dir_all(&upload_dir)?;
    std::fs::write(
        upload_dir.join("README.md"),
        "# My model\n\nTrained on the demo Hub.\n",
    )?;
    std::fs::write(upload_dir.join("config.json"), "{\"hidden_size\": 8}\n")?;
    let upload_path = upload_dir.display().to_string();
    let strings = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let steps = [
        Step {
            title: "A public model downloads without a token",
            args: strings(&["download", "demo-org/demo-model", "config.json"]),
            stdin: None,
            code: 0,
            expect: &["config.json"],
        },
        Step {
            title: "A private model is refused without a token",
            args: strings(&["download", "demo-user/private-model"]),
            stdin: None,
            code: 1,
            expect: &["hf auth login"],
        },
        Step {
            title: "Log in with the demo write token (read from stdin, never from argv)",
            args: strings(&["auth", "login", "--token-stdin", "--format", "human"]),
            stdin: Some(&server.write_token),
            code: 0,
            expect: &["demo-user"],
        },
        Step {
            title: "Who the token belongs to, its role and where it came from",
            args: strings(&["auth", "whoami", "--format", "human"]),
            stdin: None,
            code: 0,
            expect: &["demo-user", "write", "token file"],
        },
        Step {
            title: "Now the private model downloads",
            args: strings(&["download", "demo-user/private-model", "--quiet"]),
            stdin: None,
            code: 0,
            expect: &["private-model"],
        },
        Step {
            title: "A gated model needs access to be requested on its page",
            args: strings(&["download", "demo-org/gated-model", "config.json"]),
            stdin: None,
            code: 1,
            expect: &["demo-org/gated-model", "request access"],
        },
        Step {
            title: "Upload a folder with the write token",
            args: vec![
                "upload".into(),
                "demo-user/my-model".into(),
                upload_path.clone(),
                ".".into(),
                "--format".into(),
                "human".into(),
            ],
            stdin: None,
            code: 0,
            expect: &["demo-user/my-model"],
        },
        Step {
            title: "Switch to the read token",
            args: strings(&["auth", "login", "--token-stdin", "--format", "human"]),
            stdin: Some(&server.read_token),
            code: 0,
            expect: &["demo-user"],
        },
        Step {
            title: "The read token is refused before anything is uploaded",
            args: vec!["upload".into(), "demo-user/my-model".into(), upload_path],
            stdin: None,
            code: 1,
            expect: &["read"],
        },
        Step {
            title: "One chat call through the router (Inference Providers)",
            args: strings(&["chat", "meta-llama/Llama-3.1-8B-Instruct", "Say hello"]),
            stdin: None,
            code: 0,
            expect: &[],
        },
    ];
    let mut failures = Vec::new();
    for (number, step) in steps.iter().enumerate() {
        println!("\n## {}. {}", number + 1, step.title);
        println!("$ hf {}", step.args.join(" "));
        let mut command = Command::new(hf);
        command
            .args(&step.args)
            .env("HF_ENDPOINT", &server.endpoint)
            .env("HF_ROUTER_URL", &server.endpoint)
            .env("HF_HOME", &hf_home)
            .env("NO_COLOR", "1")
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            .env_remove("HF_TOKEN")
            .env_remove("HF_HUB_OFFLINE")
            .stdin(if step.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .with_context(|| format!("could not run {}", hf.display()))?;
        if let (Some(text), Some(mut stdin)) = (step.stdin, child.stdin.take()) {
            use std::io::Write as _;
            stdin.write_all(text.as_bytes())?;
        }
        let output = child.wait_with_output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // The tokens are the demo server's own fakes; they are still never shown.
        let shown = text
            .replace(&server.write_token, "hf_***")
            .replace(&server.read_token, "hf_***");
        print!("{shown}");
        let code = output.status.code().unwrap_or(-1);
        let missing: Vec<&&str> = step
            .expect
            .iter()
            .filter(|want| !text.to_lowercase().contains(&want.to_lowercase()))
            .collect();
        if code != step.code || !missing.is_empty() {
            failures.push(format!(
                "step {} (`hf {}`): exit code {code} (expected {}), missing {missing:?}",
                number + 1,
                step.args.join(" "),
                step.code
            ));
        }
    }
    println!(
        "\nThe same against huggingface.co (needs network):\n$ hf download openai-community/gpt2 config.json"
    );
    if failures.is_empty() {
        return Ok(());
    }
    let report = failures.join("\n");
    if check {
        bail!("the demo did not tell the story:\n{report}");
    }
    println!("\nsteps that did not go as the story says:\n{report}");
    Ok(())
}
