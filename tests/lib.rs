//! Helpers for the end-to-end suite (`tests/e2e/`): a built `hf` binary run as a user
//! would run it, against hf-test-server or a real Hub endpoint.
//!
//! The suite is configured by `cargo xtask e2e` through the environment:
//!
//! | variable | meaning |
//! | --- | --- |
//! | `HF_BIN` | the `hf` binary under test (unset: every test prints why it did nothing) |
//! | `HF_ENDPOINT` | the Hub; unset: an in-process hf-test-server is started |
//! | `HF_E2E_TOKEN` | the token the tests log in with (a write token when writes are allowed) |
//! | `HF_E2E_READ_TOKEN` | optional read-only token (the test server's) |
//! | `HF_E2E_WRITE` | `1`: the tests that create repos and upload may run |
//! | `HF_E2E_TEST_SERVER` | `1`: the endpoint is hf-test-server, its seeded repos exist |
//! | `HF_E2E_PUBLIC_REPO` | a public model with a `config.json` on a real endpoint (default `openai-community/gpt2`) |
//! | `HF_E2E_PYTHON_HF` | the Python client's `hf` (huggingface_hub 2.5.0), to compare outputs with |
//!
//! Every command runs in a fresh, private `HF_HOME` with a cleared environment, so nothing
//! from the developer's machine (token files, keyring, `HF_TOKEN`) leaks in or out. Tokens
//! are passed on stdin or in the environment, never in argv, and are masked in every
//! message this crate prints.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use hf_test_server::{ServerConfig, TestServer};

/// What the suite runs against.
#[derive(Clone)]
pub struct Target {
    /// The `hf` binary.
    pub bin: PathBuf,
    /// Base URL of the Hub.
    pub endpoint: String,
    token: String,
    read_token: Option<String>,
    /// Whether tests may create repos and upload.
    pub write: bool,
    /// Whether the endpoint is hf-test-server (seeded repos, fake inference).
    pub test_server: bool,
    /// A public model repo with a `config.json`, for read-only tests on a real endpoint.
    pub public_repo: String,
    /// The Python client's `hf`, when the runner found it.
    pub python_hf: Option<PathBuf>,
    /// The Inference Endpoints API and catalog base URLs (`HF_INFERENCE_ENDPOINTS_URL`,
    /// `HF_INFERENCE_CATALOG_URL`), when the runner names them (the test server does).
    pub inference_endpoints: Option<(String, String)>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("bin", &self.bin)
            .field("endpoint", &self.endpoint)
            .field("token", &"hf_***")
            .field("write", &self.write)
            .field("test_server", &self.test_server)
            .finish_non_exhaustive()
    }
}

#[allow(
    clippy::disallowed_methods,
    reason = "the suite is configured by its runner (cargo xtask e2e) through the environment"
)]
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The in-process server used when `HF_ENDPOINT` is unset (kept for the whole test binary).
fn local_server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        TestServer::spawn(ServerConfig::default()).expect("start the in-process hf-test-server")
    })
}

impl Target {
    /// The target described by the environment, or `None` (with the reason printed) when
    /// `HF_BIN` is unset: the suite needs a built binary, which `cargo xtask e2e` provides.
    pub fn from_env(test: &str) -> Option<Self> {
        let Some(bin) = var("HF_BIN") else {
            #[allow(clippy::print_stderr, reason = "tells the user why nothing ran")]
            {
                eprintln!(
                    "e2e {test}: HF_BIN is not set, nothing to test; run `cargo xtask e2e` \
                     (or set HF_BIN to an hf binary)"
                );
            }
            return None;
        };
        let bin = PathBuf::from(bin);
        assert!(bin.is_file(), "HF_BIN={} is not a file", bin.display());
        Some(match var("HF_ENDPOINT") {
            Some(endpoint) => Self {
                bin,
                endpoint,
                token: var("HF_E2E_TOKEN").expect(
                    "HF_E2E_TOKEN must be set with HF_ENDPOINT (cargo xtask e2e sets it from HF_TOKEN)",
                ),
                read_token: var("HF_E2E_READ_TOKEN"),
                write: var("HF_E2E_WRITE").as_deref() == Some("1"),
                test_server: var("HF_E2E_TEST_SERVER").as_deref() == Some("1"),
                public_repo: var("HF_E2E_PUBLIC_REPO")
                    .unwrap_or_else(|| "openai-community/gpt2".to_owned()),
                python_hf: var("HF_E2E_PYTHON_HF").map(PathBuf::from),
                inference_endpoints: var("HF_E2E_INFERENCE_ENDPOINTS_URL")
                    .zip(var("HF_E2E_INFERENCE_CATALOG_URL")),
            },
            None => {
                let server = local_server();
                Self {
                    bin,
                    endpoint: server.endpoint().to_owned(),
                    token: server.tokens().write.clone(),
                    read_token: Some(server.tokens().read.clone()),
                    write: true,
                    test_server: true,
                    public_repo: "demo-org/demo-model".to_owned(),
                    python_hf: var("HF_E2E_PYTHON_HF").map(PathBuf::from),
                    inference_endpoints: Some((
                        server.inference_endpoints(),
                        server.inference_catalog(),
                    )),
                }
            }
        })
    }

    /// The main token (write when [`Target::write`]).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A read-only token, when the endpoint provides one.
    pub fn read_token(&self) -> Option<&str> {
        self.read_token.as_deref()
    }

    /// How many requests the test server has recorded whose path contains `needle`, from
    /// `GET /_admin/requests` (only meaningful against hf-test-server; tests running at the
    /// same time add theirs, so `needle` should be unique to the caller).
    pub fn recorded_requests_containing(&self, needle: &str) -> usize {
        let requests = self.admin("GET", "/_admin/requests", None);
        requests.as_array().map_or(0, |all| {
            all.iter()
                .filter(|r| {
                    r["path_and_query"]
                        .as_str()
                        .is_some_and(|path| path.contains(needle))
                })
                .count()
        })
    }

    /// A new token of `demo-user` with `role` (`read` or `write`), minted by the test server
    /// (`POST /_admin/tokens`), for a test that revokes it.
    pub fn mint_token(&self, role: &str) -> String {
        let answer = self.admin(
            "POST",
            "/_admin/tokens",
            Some(&serde_json::json!({ "role": role })),
        );
        answer["token"]
            .as_str()
            .unwrap_or_else(|| panic!("the test server minted no token: {answer}"))
            .to_owned()
    }

    /// One call of the test server's admin API, its JSON answer.
    fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> serde_json::Value {
        use std::io::{Read as _, Write as _};
        let authority = self
            .endpoint
            .strip_prefix("http://")
            .expect("the test server is plain HTTP on loopback")
            .trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(authority)
            .unwrap_or_else(|e| panic!("cannot reach the test server at {authority}: {e}"));
        let body = body.map(ToString::to_string).unwrap_or_default();
        // HTTP/1.0: the body ends with the connection, never chunked.
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("send the admin request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the admin response");
        let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        serde_json::from_str(body).unwrap_or_else(|e| panic!("admin {path}: {e}: {body}"))
    }

    /// Masks every token of this target in `text`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.replace(&self.token, "hf_***");
        if let Some(read) = &self.read_token {
            text = text.replace(read, "hf_***");
        }
        text
    }
}

/// One user: a private `HF_HOME` (token files and cache) in a temporary directory.
#[derive(Debug)]
pub struct Session {
    target: Target,
    home: tempfile::TempDir,
}

impl Session {
    /// A fresh session with nothing stored.
    pub fn new(target: &Target) -> Self {
        Self {
            target: target.clone(),
            home: tempfile::tempdir().expect("create a temporary HF_HOME"),
        }
    }

    /// The session's `HF_HOME`.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The target this session talks to.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// `hf ARGS...`, not yet run.
    pub fn hf<I, S>(&self, args: I) -> Invocation<'_>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.program(&self.target.bin, args)
    }

    /// The Python client's `hf ARGS...` in the same session (same `HF_HOME`, endpoint and
    /// cleared environment), or `None` when the runner did not find it.
    pub fn python_hf<I, S>(&self, args: I) -> Option<Invocation<'_>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let python = self.target.python_hf.clone()?;
        Some(
            self.program(&python, args)
                .env("HF_HUB_DISABLE_TELEMETRY", "1")
                .env("HF_HUB_DISABLE_UPDATE_CHECK", "1"),
        )
    }

    /// The Python client's `hf` with its Inference Endpoints constants (fixed in Python)
    /// pointed at [`Target::inference_endpoints`], run as `python -c`; `None` without the
    /// Python CLI or those URLs.
    pub fn python_hf_with_endpoints<I, S>(&self, args: I) -> Option<Invocation<'_>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let python = self.target.python_hf.as_ref()?.with_file_name("python");
        let (api, catalog) = self.target.inference_endpoints.clone()?;
        let script = "import os, sys\n\
            from huggingface_hub import constants\n\
            constants.INFERENCE_ENDPOINTS_ENDPOINT = os.environ['HF_E2E_PY_ENDPOINTS']\n\
            constants.INFERENCE_CATALOG_ENDPOINT = os.environ['HF_E2E_PY_CATALOG']\n\
            from huggingface_hub.cli.hf import main\n\
            sys.argv = ['hf'] + sys.argv[1:]\n\
            sys.exit(main())\n";
        let mut argv: Vec<std::ffi::OsString> = vec!["-c".into(), script.into()];
        argv.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        Some(
            self.program(&python, argv)
                .env("HF_HUB_DISABLE_TELEMETRY", "1")
                .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
                .env("HF_E2E_PY_ENDPOINTS", api)
                .env("HF_E2E_PY_CATALOG", catalog),
        )
    }

    fn program<I, S>(&self, program: &Path, args: I) -> Invocation<'_>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program);
        command.args(args).env_clear();
        // Only what a process needs to start on each OS, then our settings.
        #[allow(
            clippy::disallowed_methods,
            reason = "PATH and the Windows system variables are passed through to the child"
        )]
        for name in [
            "PATH",
            "SYSTEMROOT",
            "SystemRoot",
            "TEMP",
            "TMP",
            "USERPROFILE",
        ] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .env("HOME", self.home())
            .env("XDG_CACHE_HOME", self.home().join("xdg-cache"))
            .env("XDG_CONFIG_HOME", self.home().join("xdg-config"))
            .env("HF_HOME", self.home())
            .env("HF_ENDPOINT", &self.target.endpoint)
            .env("NO_COLOR", "1")
            .env("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            // No keyring daemon is reachable from here; the token files are what we test.
            .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
            .current_dir(self.home());
        if let Some((api, catalog)) = &self.target.inference_endpoints {
            command
                .env("HF_INFERENCE_ENDPOINTS_URL", api)
                .env("HF_INFERENCE_CATALOG_URL", catalog);
        }
        Invocation {
            session: self,
            command,
            stdin: None,
        }
    }
}

/// A prepared `hf` command.
#[derive(Debug)]
pub struct Invocation<'a> {
    session: &'a Session,
    command: Command,
    stdin: Option<String>,
}

impl Invocation<'_> {
    /// Sets an environment variable for this command only.
    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// Appends one more argument (e.g. a path).
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// Runs the command in `dir` instead of the session's home.
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Writes `text` to the command's stdin (e.g. a token for `--token-stdin`).
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Runs the command and collects its exit code and output.
    pub fn run(mut self) -> Outcome {
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let line = format!(
            "hf {}",
            self.command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut child = self
            .command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {line}: {e}"));
        if let Some(text) = &self.stdin
            && let Some(mut stdin) = child.stdin.take()
        {
            stdin
                .write_all(text.as_bytes())
                .unwrap_or_else(|e| panic!("could not write to the stdin of {line}: {e}"));
        }
        let output = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("{line} did not finish: {e}"));
        let target = &self.session.target;
        Outcome {
            command: line,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            leaked: [Some(target.token()), target.read_token()]
                .into_iter()
                .flatten()
                .any(|token| {
                    String::from_utf8_lossy(&output.stdout).contains(token)
                        || String::from_utf8_lossy(&output.stderr).contains(token)
                }),
            redacted: target.clone(),
        }
    }
}

/// What a command did.
pub struct Outcome {
    /// The command line (tokens never appear in argv).
    pub command: String,
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// Whether a token appeared in the output.
    pub leaked: bool,
    redacted: Target,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` exited with {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command,
            self.code,
            self.redacted.redact(&self.stdout),
            self.redacted.redact(&self.stderr)
        )
    }
}

impl Outcome {
    /// Panics (with both streams, tokens masked) unless the command exited 0.
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "expected success: {self:?}");
        assert!(!self.leaked, "a token was printed: {self:?}");
        self
    }

    /// Panics unless the command exited with `code`.
    #[track_caller]
    pub fn failure(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "expected exit code {code}: {self:?}");
        assert!(!self.leaked, "a token was printed: {self:?}");
        self
    }

    /// stdout parsed as JSON (for `--format json`).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

/// A repo name no other run uses: `e2e-<pid>-<nanos>-<suffix>`.
pub fn unique_name(suffix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("e2e-{}-{nanos}-{suffix}", std::process::id())
}

/// Says on stderr why a test did nothing here (e.g. a write test without `--write`).
pub fn not_run(why: &str) {
    #[allow(clippy::print_stderr, reason = "tells the user why nothing ran")]
    {
        eprintln!("e2e: not run: {why}");
    }
}
