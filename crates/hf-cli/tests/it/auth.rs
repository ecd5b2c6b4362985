//! `hf auth ...` and the legacy `huggingface-cli login|whoami|logout`, against the local
//! test server, plus interop with the Python client (huggingface_hub 2.5.0).
//!
//! Every run goes through [`AuthEnv`], which fails the test if a seeded token shows up
//! anywhere in stdout or stderr (only `hf auth token` may print one, on stdout).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hf_test_server::{FaultAction, FaultRule, ServerConfig, TestServer};

use crate::common::{Outcome, TestEnv};

/// A hermetic CLI environment pointed at a fresh test server.
struct AuthEnv {
    env: TestEnv,
    server: TestServer,
}

impl AuthEnv {
    fn new() -> Self {
        let server = TestServer::spawn(ServerConfig::default()).expect("start the test server");
        let mut env = TestEnv::new();
        env.endpoint(server.endpoint())
            // No keyring unless a test asks for the real one: a bus that does not exist.
            .set(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/hf-test-bus",
            );
        Self { env, server }
    }

    fn seeded(&self) -> [&str; 5] {
        let t = self.server.tokens();
        [&t.read, &t.write, &t.fine_grained, &t.org_write, &t.expired]
    }

    /// Fails if any seeded token appears in the outcome.
    fn assert_no_token(&self, outcome: &Outcome) {
        for token in self.seeded() {
            assert!(
                !outcome.stdout.contains(token) && !outcome.stderr.contains(token),
                "a token leaked into the output:\n{}",
                outcome.transcript().replace(token, "<TOKEN>")
            );
        }
    }

    fn run(&self, args: &[&str]) -> Outcome {
        let outcome = self.env.run(args);
        self.assert_no_token(&outcome);
        outcome
    }

    fn run_with_stdin(&self, args: &[&str], input: &str) -> Outcome {
        let outcome = pipe(self.env.command(args), input);
        self.assert_no_token(&outcome);
        outcome
    }

    fn legacy_with_stdin(&self, args: &[&str], input: &str) -> Outcome {
        let outcome = pipe(self.env.legacy_command(args), input);
        self.assert_no_token(&outcome);
        outcome
    }

    /// The transcript with paths, ports, request ids and masked token endings made stable.
    fn transcript(&self, outcome: &Outcome) -> String {
        let text = normalize_masks(&self.env.normalize(&outcome.transcript()));
        match (text.find("(request id: "), text.find("):")) {
            (Some(start), Some(end)) if start < end => {
                format!("{}(request id: [ID]{}", &text[..start], &text[end..])
            }
            _ => text,
        }
    }

    fn login(&self, token: &str) -> Outcome {
        let outcome =
            self.run_with_stdin(&["auth", "login", "--token-stdin"], &format!("{token}\n"));
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        outcome
    }

    fn whoami_json(&self) -> serde_json::Value {
        let outcome = self.run(&["auth", "whoami", "--format", "json"]);
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        outcome.json()
    }

    fn whoami_requests(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.path_and_query.starts_with("/api/whoami-v2"))
            .count()
    }
}

/// `assert_eq!` for secrets: a failure says what differed, never the values.
fn assert_secret_eq(actual: &str, expected: &str, what: &str) {
    assert!(
        actual == expected,
        "{what} does not hold the expected token ({} bytes instead of {})",
        actual.len(),
        expected.len()
    );
}

fn pipe(mut command: Command, input: &str) -> Outcome {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait for the binary");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `hf_****abcd` → `hf_****LAST`: the test server's tokens are random.
fn normalize_masks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("****") {
        out.push_str(&rest[..start + 4]);
        let after = &rest[start + 4..];
        let tail: String = after.chars().take(4).collect();
        if tail.len() == 4 && tail.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push_str("LAST");
            rest = &after[4..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn login_whoami_switch_logout_round_trip() {
    let auth = AuthEnv::new();
    let tokens = auth.server.tokens().clone();

    let outcome = auth.login(&tokens.read);
    insta::assert_snapshot!("login_read", auth.transcript(&outcome));
    let token_file = auth.env.hf_home().join("token");
    assert_secret_eq(
        &std::fs::read_to_string(&token_file).unwrap(),
        &tokens.read,
        "the token file",
    );

    let outcome = auth.run(&["auth", "whoami"]);
    insta::assert_snapshot!("whoami_read", auth.transcript(&outcome));

    auth.login(&tokens.write);
    let outcome = auth.login(&tokens.fine_grained);
    assert!(
        outcome.stdout.contains("role=fineGrained"),
        "{}",
        outcome.stdout
    );
    let outcome = auth.run(&["auth", "whoami"]);
    insta::assert_snapshot!("whoami_fine_grained", auth.transcript(&outcome));

    let outcome = auth.run(&["auth", "list"]);
    insta::assert_snapshot!("list_three", auth.transcript(&outcome));

    let outcome = auth.run(&["auth", "switch", "demo-write"]);
    insta::assert_snapshot!("switch_write", auth.transcript(&outcome));
    let who = auth.whoami_json();
    assert_eq!(who["token_name"], "demo-write");
    assert_eq!(who["role"], "write");
    assert_eq!(who["token_source"], "token_file");
    assert_secret_eq(
        &std::fs::read_to_string(&token_file).unwrap(),
        &tokens.write,
        "the token file",
    );
    // The Python spelling works too.
    let outcome = auth.run(&["auth", "switch", "--token-name", "demo-read"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert_eq!(auth.whoami_json()["role"], "read");

    let outcome = auth.run(&["auth", "switch", "nope"]);
    insta::assert_snapshot!("switch_unknown", auth.transcript(&outcome));

    let outcome = auth.run(&["auth", "logout", "--token-name", "demo-read"]);
    insta::assert_snapshot!("logout_active", auth.transcript(&outcome));
    assert!(!token_file.exists());
    let list = auth.run(&["auth", "list", "--format", "json"]).json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo-fine-grained", "demo-write"]);

    let outcome = auth.run(&["auth", "logout"]);
    insta::assert_snapshot!("logout_all", auth.transcript(&outcome));
    assert!(!auth.env.hf_home().join("stored_tokens").exists());
    let outcome = auth.run(&["auth", "whoami"]);
    assert_eq!(outcome.code, Some(1));
}

#[test]
fn whoami_shows_where_the_token_came_from_in_json() {
    let mut auth = AuthEnv::new();
    let write = auth.server.tokens().write.clone();
    auth.env.set("HF_TOKEN", &write);
    let outcome = auth.run(&["auth", "whoami", "--format", "json"]);
    insta::assert_snapshot!("whoami_json_from_hf_token", auth.transcript(&outcome));
    assert_eq!(outcome.json()["token_source"], "HF_TOKEN");

    // HF_HUB_DISABLE_IMPLICIT_TOKEN does not stop a command whose purpose is the token.
    auth.env.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
    assert_eq!(auth.whoami_json()["user"], "demo-user");
}

#[test]
fn the_default_token_file_is_shown_under_home() {
    let mut auth = AuthEnv::new();
    // No HF_HOME: the Python default, ~/.cache/huggingface.
    auth.env.unset("HF_HOME");
    auth.login(&auth.server.tokens().read.clone());
    assert!(auth.env.path("home/.cache/huggingface/token").exists());
    let outcome = auth.run(&["auth", "whoami", "--format", "human"]);
    assert!(
        outcome
            .stdout
            .contains("token source: from the token file ~/.cache/huggingface/token"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn env_file_is_read_only_when_given() {
    let auth = AuthEnv::new();
    let env_file = auth.env.path(".env");
    std::fs::write(
        &env_file,
        format!("HF_TOKEN={}\n", auth.server.tokens().read),
    )
    .unwrap();
    // A .env in the working directory is not read implicitly.
    let outcome = auth.run(&["auth", "whoami"]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    let outcome = auth.run(&[
        "--env-file",
        env_file.to_str().unwrap(),
        "auth",
        "whoami",
        "--format",
        "human",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(
        outcome.stdout.contains("token source: from the .env file"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn logs_at_every_verbosity_never_show_the_token() {
    let mut auth = AuthEnv::new();
    let tokens = auth.server.tokens().clone();
    // AuthEnv fails the test if a seeded token appears on stdout or stderr.
    for verbosity in ["-v", "-vv", "-vvv"] {
        auth.run_with_stdin(
            &[verbosity, "auth", "login", "--token-stdin", "--force"],
            &tokens.write,
        );
        auth.run(&[verbosity, "auth", "whoami"]);
        auth.run(&[verbosity, "auth", "list"]);
    }
    auth.env
        .set("RUST_LOG", "trace")
        .set("HF_TOKEN", &tokens.expired);
    let outcome = auth.run(&["auth", "whoami"]);
    assert_eq!(outcome.code, Some(1));
    assert!(
        outcome.stderr.contains("TRACE") && outcome.stderr.contains("/api/whoami-v2"),
        "trace logging is on:\n{}",
        outcome.stderr
    );
    auth.env.unset("HF_TOKEN").set("HF_DEBUG", "1");
    auth.run_with_stdin(
        &["auth", "login", "--token-stdin", "--keyring"],
        &tokens.read,
    );
}

#[test]
fn oauth_tokens_saved_by_python_show_their_expiry() {
    let auth = AuthEnv::new();
    let read = auth.server.tokens().read.clone();
    std::fs::write(
        auth.env.hf_home().join("stored_tokens"),
        format!(
            "[oauth-demo-user]\nhf_token = {read}\nrefresh_token = r\nexpires_at = 1700000000\n\n"
        ),
    )
    .unwrap();
    let outcome = auth.run(&["auth", "list"]);
    insta::assert_snapshot!("list_oauth_expired", auth.transcript(&outcome));
}

#[test]
fn not_logged_in_says_where_it_looked() {
    let auth = AuthEnv::new();
    let outcome = auth.run(&["auth", "whoami"]);
    insta::assert_snapshot!("whoami_not_logged_in", auth.transcript(&outcome));
    let outcome = auth.run(&["auth", "token"]);
    assert_eq!(outcome.code, Some(1));
    let outcome = auth.run(&["auth", "list"]);
    insta::assert_snapshot!("list_empty", auth.transcript(&outcome));
    assert_eq!(auth.whoami_requests(), 0);
}

#[test]
fn login_without_a_token_explains_where_to_get_one() {
    let auth = AuthEnv::new();
    // stdin is not a terminal: no prompt, an explanation.
    let outcome = auth.run(&["auth", "login"]);
    insta::assert_snapshot!("login_no_token", auth.transcript(&outcome));
}

#[test]
fn invalid_tokens_each_get_their_own_message() {
    let mut auth = AuthEnv::new();
    let expired = auth.server.tokens().expired.clone();

    // 401 from the token file: revoked, expired or mistyped, and how to fix it.
    let outcome = auth.run_with_stdin(&["auth", "login", "--token-stdin"], &expired);
    insta::assert_snapshot!("login_expired", auth.transcript(&outcome));
    assert!(
        !auth.env.hf_home().join("token").exists(),
        "nothing is saved"
    );

    auth.env.set("HF_TOKEN", &expired);
    let outcome = auth.run(&["auth", "whoami"]);
    insta::assert_snapshot!("whoami_expired_from_hf_token", auth.transcript(&outcome));

    // Organisation keys and pasted junk are refused before any request.
    let before = auth.whoami_requests();
    let outcome = auth.run_with_stdin(
        &["auth", "login", "--token-stdin"],
        "api_org_abcdefghijabcdefghijabcdefghij",
    );
    insta::assert_snapshot!("login_org_key", auth.transcript(&outcome));
    let read = auth.server.tokens().read.clone();
    let outcome = auth.run_with_stdin(
        &["auth", "login", "--token-stdin"],
        &format!("Bearer {read}"),
    );
    insta::assert_snapshot!("login_bearer_prefix", auth.transcript(&outcome));
    assert_eq!(
        auth.whoami_requests(),
        before,
        "no request for a malformed token"
    );

    // Stray whitespace is removed with a warning naming the source.
    auth.env.set("HF_TOKEN", format!("  {read}\r\n"));
    let outcome = auth.run(&["auth", "whoami"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(
        outcome.stderr.contains(
            "removed 1 newline(s) and 1 carriage return(s) and 2 surrounding whitespace characters \
             from the token found in the HF_TOKEN environment variable"
        ),
        "{}",
        outcome.stderr
    );
}

#[test]
fn rate_limits_say_when_to_retry() {
    let mut auth = AuthEnv::new();
    auth.env.set("HF_TOKEN", &auth.server.tokens().read);
    auth.server.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "/api/whoami-v2".into(),
        action: FaultAction::RateLimit {
            retry_after_secs: 3600,
        },
        times: Some(1),
    });
    let outcome = auth.run(&["auth", "whoami"]);
    insta::assert_snapshot!("whoami_rate_limited", auth.transcript(&outcome));
}

/// `hf auth revoke --from-file`: every token written in a leaked file is revoked, sent with
/// no `Authorization` header (not even the caller's own token), shown masked; the revoked
/// token is refused after, the others still work.
#[test]
fn revoke_from_a_leaked_file_revokes_what_it_holds_and_nothing_else() {
    let mut auth = AuthEnv::new();
    let read = auth.server.tokens().read.clone();
    let write = auth.server.tokens().write.clone();
    // Logged in with the write token: revoking must not send (or revoke) it.
    auth.env.set("HF_TOKEN", &write);
    let leaked = auth.env.path("leaked.env");
    std::fs::write(&leaked, format!("# oops\nHF_TOKEN={read}\nAGAIN={read}\n")).unwrap();
    auth.server.clear_requests();
    let outcome = auth.run_with_stdin(
        &["auth", "revoke", "--from-file", "-", "--format", "json"],
        &std::fs::read_to_string(&leaked).unwrap(),
    );
    assert_eq!(outcome.code, Some(0), "{}", auth.transcript(&outcome));
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(report, serde_json::json!({"count": 1}));
    assert!(
        outcome
            .stderr
            .contains("found a Hugging Face token on line 2: hf_***"),
        "{}",
        auth.transcript(&outcome)
    );
    let revokes: Vec<_> = auth
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query == "/api/credentials/revoke")
        .collect();
    assert_eq!(revokes.len(), 1);
    assert!(
        !revokes[0].authorization,
        "the revoke request carried a token"
    );

    auth.env.set("HF_TOKEN", &read);
    let refused = auth.run(&["auth", "whoami"]);
    assert_eq!(refused.code, Some(1), "{}", auth.transcript(&refused));
    auth.env.set("HF_TOKEN", &write);
    let still = auth.run(&["auth", "whoami"]);
    assert_eq!(still.code, Some(0), "{}", auth.transcript(&still));

    let nothing = auth.run(&["auth", "revoke", "--from-file", leaked.to_str().unwrap()]);
    assert_eq!(
        nothing.code,
        Some(0),
        "revoking twice is fine: {}",
        auth.transcript(&nothing)
    );
    std::fs::write(&leaked, "nothing here\n").unwrap();
    let empty = auth.run(&["auth", "revoke", "--from-file", leaked.to_str().unwrap()]);
    assert_eq!(empty.code, Some(1), "{}", auth.transcript(&empty));
    assert!(
        empty.stderr.contains("no Hugging Face token"),
        "{}",
        empty.stderr
    );
    let none = auth.run(&["auth", "revoke"]);
    assert_eq!(none.code, Some(2), "{}", auth.transcript(&none));
}

/// `hf auth logout --revoke` revokes the token it forgets (before forgetting it), and only
/// that one.
#[test]
fn logout_revoke_revokes_the_token_it_removes() {
    let mut auth = AuthEnv::new();
    let minted = auth.server.mint_token("read");
    let read = auth.server.tokens().read.clone();
    // Stored under the names the Hub gives them: demo-minted and demo-read.
    let login = auth.run_with_stdin(&["auth", "login", "--token-stdin"], &minted);
    assert_eq!(login.code, Some(0), "{}", auth.transcript(&login));
    let login = auth.run_with_stdin(&["auth", "login", "--token-stdin", "--force"], &read);
    assert_eq!(login.code, Some(0), "{}", auth.transcript(&login));
    let outcome = auth.run(&["auth", "logout", "--token-name", "demo-minted", "--revoke"]);
    assert_eq!(outcome.code, Some(0), "{}", auth.transcript(&outcome));
    assert!(
        outcome
            .stderr
            .contains("Revocation requested for 1 token(s)."),
        "{}",
        auth.transcript(&outcome)
    );
    let listed = auth.run(&["auth", "list", "-q"]);
    auth.env.set("HF_TOKEN", &minted);
    assert_eq!(
        auth.env.run(["auth", "whoami"]).code,
        Some(1),
        "the minted token still works"
    );
    auth.env.set("HF_TOKEN", &read);
    assert_eq!(
        auth.env.run(["auth", "whoami"]).code,
        Some(0),
        "the kept token was revoked"
    );
    assert_eq!(
        listed.stdout.trim(),
        "demo-read",
        "{}",
        auth.transcript(&listed)
    );
}

/// Tokens given as arguments (Python's way) work, with the argv warning first.
#[test]
fn revoke_arguments_work_and_warn_that_argv_is_visible() {
    let auth = AuthEnv::new();
    let fine = auth.server.tokens().fine_grained.clone();
    // The token is on this test's command line on purpose: that is what is being tested.
    let outcome = auth.env.run(["auth", "revoke", &fine]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("Revocation requested for 1 token(s)")
    );
    assert!(
        outcome.stderr.contains("prefer --from-file"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains(&fine) && !outcome.stdout.contains(&fine));
}

#[test]
fn token_flag_warns_that_argv_is_visible() {
    let auth = AuthEnv::new();
    let write = auth.server.tokens().write.clone();
    // The token is on this test's command line on purpose: that is what is being tested.
    let outcome = auth.run(&["auth", "login", "--token", &write]);
    insta::assert_snapshot!("login_token_flag", auth.transcript(&outcome));
}

#[test]
fn login_without_force_keeps_the_current_token() {
    let auth = AuthEnv::new();
    auth.login(&auth.server.tokens().read);
    let outcome = auth.run(&["auth", "login"]);
    insta::assert_snapshot!("login_already_logged_in", auth.transcript(&outcome));
}

#[test]
fn token_is_printed_only_for_scripts() {
    let auth = AuthEnv::new();
    let read = auth.server.tokens().read.clone();
    auth.login(&read);
    // stdout is a pipe here: the token is printed, nothing else. (`TestEnv::run` would
    // reject the output, so the binary is run directly.)
    let output = auth.env.command(["auth", "token"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_secret_eq(
        &String::from_utf8(output.stdout).unwrap(),
        &format!("{read}\n"),
        "stdout of `hf auth token`",
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains(&read));
}

#[test]
fn add_to_git_credential_uses_the_configured_helper() {
    let auth = AuthEnv::new();
    let git = |args: &[&str]| {
        let mut command = host_command(&auth, Path::new("git"));
        command.args(args);
        python_output(&auth, command)
    };
    git(&["config", "--global", "credential.helper", "store"]);
    let write = auth.server.tokens().write.clone();
    let outcome = auth.run_with_stdin(
        &["auth", "login", "--token-stdin", "--add-to-git-credential"],
        &write,
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let credentials = auth.env.path("home/.git-credentials");
    let stored = std::fs::read_to_string(&credentials).unwrap();
    assert!(
        stored.contains(&format!("hf_user:{write}@127.0.0.1")),
        "git has the token"
    );
    // Logging out removes it from git too.
    let outcome = auth.run(&["auth", "logout"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let stored = std::fs::read_to_string(&credentials).unwrap();
    assert!(!stored.contains(&write), "git forgot the token");
}

#[test]
fn a_read_token_is_refused_before_any_upload_traffic() {
    let auth = AuthEnv::new();
    let tokens = auth.server.tokens().clone();
    let file = auth.env.path("weights.txt");
    std::fs::write(&file, "not much\n").unwrap();
    let file = file.to_str().unwrap();

    auth.login(&tokens.read);
    auth.server.clear_requests();
    let outcome = auth.run(&["upload", "demo-user/new-model", file]);
    insta::assert_snapshot!("upload_with_read_token", auth.transcript(&outcome));
    // A fine-grained token outside its scope is refused the same way.
    auth.login(&tokens.fine_grained);
    let outcome = auth.run(&["upload", "demo-user/new-model", file]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    assert!(
        outcome
            .stderr
            .contains("'demo-fine-grained' (role: fineGrained)"),
        "{}",
        outcome.stderr
    );

    let paths: Vec<String> = auth
        .server
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .filter(|p| !p.starts_with("/api/whoami-v2"))
        .collect();
    assert!(
        paths.is_empty(),
        "only whoami may be called before the refusal: {paths:?}"
    );
}

#[test]
fn keyring_unavailable_falls_back_to_the_files() {
    let auth = AuthEnv::new();
    let read = auth.server.tokens().read.clone();
    let outcome = auth.run_with_stdin(&["auth", "login", "--token-stdin", "--keyring"], &read);
    insta::assert_snapshot!("login_keyring_unavailable", auth.transcript(&outcome));
    assert_secret_eq(
        &std::fs::read_to_string(auth.env.hf_home().join("token")).unwrap(),
        &read,
        "the token file",
    );
    assert_eq!(auth.whoami_json()["token_name"], "demo-read");
}

#[test]
fn legacy_huggingface_cli_login_whoami_logout() {
    let auth = AuthEnv::new();
    let write = auth.server.tokens().write.clone();
    let outcome = auth.legacy_with_stdin(&["login", "--token-stdin"], &write);
    insta::assert_snapshot!("legacy_login", auth.transcript(&outcome));
    let outcome = auth.legacy_with_stdin(&["whoami"], "");
    insta::assert_snapshot!("legacy_whoami", auth.transcript(&outcome));
    let outcome = auth.legacy_with_stdin(&["logout"], "");
    insta::assert_snapshot!("legacy_logout", auth.transcript(&outcome));
}

#[test]
fn auth_help() {
    let auth = AuthEnv::new();
    let outcome = auth.run(&["auth", "--help"]);
    insta::assert_snapshot!("auth_help", auth.transcript(&outcome));
    let outcome = auth.run(&["auth", "login", "--help"]);
    insta::assert_snapshot!("auth_login_help", auth.transcript(&outcome));
}

/// Real Secret Service round trip through the CLI; runs when `HF_TEST_SECRET_SERVICE=1`
/// (set by `.ci/run` inside `dbus-run-session` with an unlocked gnome-keyring).
#[test]
fn keyring_round_trip_through_the_cli() {
    #[allow(
        clippy::disallowed_methods,
        reason = "test-only switches and the session bus address of the CI keyring"
    )]
    let (required, bus) = (
        std::env::var("HF_TEST_SECRET_SERVICE").is_ok_and(|v| v == "1"),
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS"),
    );
    if !required {
        skip("HF_TEST_SECRET_SERVICE is not 1: the Secret Service round trip did not run");
        return;
    }
    let mut auth = AuthEnv::new();
    auth.env
        .set("DBUS_SESSION_BUS_ADDRESS", bus.expect("a session bus"));
    let read = auth.server.tokens().read.clone();
    let outcome = auth.run_with_stdin(&["auth", "login", "--token-stdin", "--keyring"], &read);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(outcome.stdout.contains("OS keyring"), "{}", outcome.stdout);
    let stored = std::fs::read_to_string(auth.env.hf_home().join("stored_tokens")).unwrap();
    assert!(!stored.contains(&read));
    assert!(!auth.env.hf_home().join("token").exists());
    let who = auth.whoami_json();
    assert_eq!(who["token_source"], "keyring");
    assert_eq!(who["token_name"], "demo-read");
    let outcome = auth.run(&["auth", "list", "--format", "human"]);
    assert!(
        outcome.stdout.contains("<keyring>  keyring"),
        "{}",
        outcome.stdout
    );
    let outcome = auth.run(&["auth", "logout"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert_eq!(auth.run(&["auth", "whoami"]).code, Some(1));
}

#[allow(
    clippy::print_stderr,
    reason = "says in the test output why nothing ran"
)]
fn skip(why: &str) {
    eprintln!("skipped: {why}");
}

/// The venv with the Python reference client (`cargo xtask ci` creates it).
fn python_venv() -> Option<PathBuf> {
    let python = hf_test_server::python_client()?;
    Some(python.parent()?.parent()?.to_path_buf())
}

/// A command for another program (Python, git) with the same hermetic environment as `hf`.
fn host_command(auth: &AuthEnv, program: &Path) -> Command {
    let template = auth.env.command::<_, &str>([]);
    let mut command = Command::new(program);
    command.env_clear().current_dir(auth.env.root());
    for (name, value) in template.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    command
        .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("PYTHONIOENCODING", "utf-8");
    command
}

fn python_output(auth: &AuthEnv, mut command: Command) -> Outcome {
    let output = command.stdin(Stdio::null()).output().expect("run python");
    let outcome = Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    auth.assert_no_token(&outcome);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    outcome
}

#[test]
fn python_login_is_found_and_validated_by_hf() {
    let Some(venv) = python_venv() else { return };
    let auth = AuthEnv::new();
    let write = auth.server.tokens().write.clone();
    // Python's login(), with the token passed through the environment, not argv.
    let mut login = host_command(&auth, &venv.join("bin/python"));
    login.env("T", &write).args([
        "-c",
        "import os; from huggingface_hub import login; login(token=os.environ['T'])",
    ]);
    python_output(&auth, login);

    let who = auth.whoami_json();
    assert_eq!(who["token_name"], "demo-write");
    assert_eq!(who["token_source"], "token_file");
    let list = auth.run(&["auth", "list", "--format", "json"]).json();
    assert_eq!(list[0]["name"], "demo-write");
    assert_eq!(list[0]["active"], true);
}

#[test]
fn hf_login_is_used_by_python() {
    let Some(venv) = python_venv() else { return };
    let auth = AuthEnv::new();
    let tokens = auth.server.tokens().clone();
    auth.login(&tokens.read);
    auth.login(&tokens.fine_grained);

    // get_token() returns what we saved (compared in Python: the token is never printed).
    let mut check = host_command(&auth, &venv.join("bin/python"));
    check.env("T", &tokens.fine_grained).args([
        "-c",
        "import os; from huggingface_hub import get_token, whoami; \
         print(get_token() == os.environ['T']); print(whoami()['auth']['accessToken']['displayName'])",
    ]);
    let outcome = python_output(&auth, check);
    assert_eq!(outcome.stdout, "True\ndemo-fine-grained\n");

    // Python's `hf auth list` lists both, with the active one marked.
    let mut list = host_command(&auth, &venv.join("bin/hf"));
    list.args(["auth", "list"]);
    let outcome = python_output(&auth, list);
    let text = format!("{}{}", outcome.stdout, outcome.stderr);
    let active = text
        .lines()
        .find(|line| line.contains("demo-fine-grained"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(active.trim_start().starts_with('*'), "{text}");
    assert!(text.contains("demo-read"), "{text}");

    // And Python's switch is seen by us.
    let mut switch = host_command(&auth, &venv.join("bin/hf"));
    switch.args(["auth", "switch", "--token-name", "demo-read"]);
    python_output(&auth, switch);
    assert_eq!(auth.whoami_json()["token_name"], "demo-read");
}

#[test]
fn python_keeps_our_keyring_entries() {
    let Some(venv) = python_venv() else { return };
    let auth = AuthEnv::new();
    let stored_tokens = auth.env.hf_home().join("stored_tokens");
    // What `hf auth login --keyring` writes: the name, not the secret.
    let ours = "[vault]\nkeyring = huggingface\nkeyring_active = true\n\n";
    std::fs::write(&stored_tokens, ours).unwrap();

    let write = auth.server.tokens().write.clone();
    let mut login = host_command(&auth, &venv.join("bin/python"));
    login.env("T", &write).args([
        "-c",
        "import os; from huggingface_hub import login; login(token=os.environ['T'])",
    ]);
    python_output(&auth, login);
    let text = std::fs::read_to_string(&stored_tokens).unwrap();
    assert!(text.contains(ours), "Python kept our section");
    assert!(
        text.starts_with("[demo-write]\nhf_token = "),
        "Python added its own"
    );

    let mut list = host_command(&auth, &venv.join("bin/hf"));
    list.args(["auth", "list"]);
    let outcome = python_output(&auth, list);
    assert!(outcome.stdout.contains("vault"), "{}", outcome.transcript());

    let listed = auth.run(&["auth", "list", "--format", "json"]).json();
    assert_eq!(listed[0]["name"], "demo-write");
    assert_eq!(listed[0]["active"], true);
    assert_eq!(listed[1]["name"], "vault");
    assert_eq!(listed[1]["storage"], "keyring");
    assert_eq!(listed[1]["active"], false);
}

/// Drives `hf auth login` through a pseudo-terminal (Python's `pty`): the prompt explains
/// where to get a token, the typed token is not echoed, and the login succeeds.
const PTY_LOGIN: &str = r#"
import os, pty, select, sys, time
token = os.environ.pop("T")
pid, fd = pty.fork()
if pid == 0:
    os.execv(os.environ["HF_BIN"], ["hf", "auth", "login"])
out = b""
def read_until(marker, seconds):
    global out
    end = time.time() + seconds
    while time.time() < end and marker not in out:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
read_until(b"(input is hidden): ", 20)
time.sleep(0.3)
os.write(fd, token.encode() + b"\n")
read_until(b"saved to:", 20)
read_until(b"\n", 2)
_, status = os.waitpid(pid, 0)
text = out.decode("utf-8", "replace")
sys.stdout.write(text.replace(token, "<TOKEN>"))
sys.stdout.write("\nexit=%d echoed=%s\n" % (os.waitstatus_to_exitcode(status), token in text))
"#;

#[test]
fn interactive_login_hides_the_token() {
    let Some(venv) = python_venv() else { return };
    let auth = AuthEnv::new();
    let read = auth.server.tokens().read.clone();
    let mut command = host_command(&auth, &venv.join("bin/python"));
    command
        .env("T", &read)
        .env("HF_BIN", env!("CARGO_BIN_EXE_hf"))
        .args(["-c", PTY_LOGIN]);
    let outcome = python_output(&auth, command);
    assert!(
        outcome
            .stdout
            .contains("create one at https://huggingface.co/settings/tokens"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("role:         read"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.ends_with("exit=0 echoed=False\n"),
        "{}",
        outcome.stdout
    );
    assert_secret_eq(
        &std::fs::read_to_string(auth.env.hf_home().join("token")).unwrap(),
        &read,
        "the token file",
    );
}

/// Scans every snapshot of the CLI suite for a test-server token (`hf_fake` + 30 letters
/// or digits). Snapshots are the suite's recorded output, so none may hold a secret.
#[test]
fn no_snapshot_contains_a_token() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the snapshots directory") {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        checked += 1;
        let mut rest = text.as_str();
        while let Some(at) = rest.find("hf_fake") {
            let tail = &rest[at + 7..];
            let run = tail.chars().take_while(char::is_ascii_alphanumeric).count();
            assert!(run < 20, "{} contains a token", path.display());
            rest = tail;
        }
    }
    assert!(
        checked > 10,
        "only {checked} snapshots found in {}",
        dir.display()
    );
}
