//! Security cases of the `hf` binary against a scripted hostile Hub on 127.0.0.1: a tree
//! naming `.git/config` in a git checkout, an endless listing (peak memory measured),
//! a server echoing the token and sending escape sequences, `--token` on argv, a token over
//! plain http.

use serde_json::json;

use crate::common::TestEnv;
use crate::hostile_server::{HostileServer, Reply, Seen};
use crate::load::run_measured;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const REPO: &str = "org/name";
/// Shaped like the test server's tokens, so `TestEnv::run` fails on any leak of it.
const TOKEN: &str = "hf_fakeCliSecurityTokenNotARealOne";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A Hub whose tree lists `paths` (any file request is an error: nothing may be fetched).
fn tree_hub(paths: Vec<String>, size: usize) -> impl Fn(&Seen) -> Reply + Send + Sync {
    let entries: Vec<serde_json::Value> = paths
        .iter()
        .map(|p| json!({"type": "file", "path": p, "oid": COMMIT, "size": size}))
        .collect();
    move |req: &Seen| {
        let path = req.path();
        if path == format!("/api/models/{REPO}/revision/main") {
            return Reply::json(&json!({"id": REPO, "sha": COMMIT}));
        }
        if path.starts_with(&format!("/api/models/{REPO}/tree/")) {
            return Reply::json(&json!(entries));
        }
        Reply::new(500, &[], "{}")
    }
}

#[test]
fn a_git_entry_in_a_listing_never_touches_the_checkout() {
    let rt = runtime();
    let server = rt.block_on(HostileServer::start(tree_hub(
        vec!["good.txt".into(), ".git/config".into()],
        32,
    )));
    let mut env = TestEnv::new();
    env.endpoint(&server.url());
    let checkout = env.path("checkout");
    std::fs::create_dir_all(checkout.join(".git")).unwrap();
    std::fs::write(checkout.join(".git/config"), "[core]\n").unwrap();
    let outcome = env.run(["download", REPO, "--local-dir", checkout.to_str().unwrap()]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    assert!(
        outcome
            .stderr
            .contains("refusing the path '.git/config': it is inside a .git folder"),
        "{}",
        outcome.transcript()
    );
    assert!(
        outcome.stderr.contains("hint: ") && outcome.stderr.contains("--exclude '.git/config'"),
        "{}",
        outcome.transcript()
    );
    assert_eq!(
        std::fs::read_to_string(checkout.join(".git/config")).unwrap(),
        "[core]\n"
    );
    assert!(!server.seen().iter().any(|r| r.target.contains("/resolve/")));
}

#[test]
fn an_endless_listing_ends_with_bounded_memory() {
    let rt = runtime();
    let server = rt.block_on(HostileServer::start(|req: &Seen| {
        let path = req.path().to_owned();
        if path == format!("/api/models/{REPO}/revision/main") {
            return Reply::json(&json!({"id": REPO, "sha": COMMIT}));
        }
        let page: usize = req
            .target
            .split("cursor=")
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let items: Vec<serde_json::Value> = (0..2000)
            .map(|i| json!({"type": "file", "path": format!("p{page}/some/deeper/folder/file-{i}.safetensors"), "oid": COMMIT, "size": 1}))
            .collect();
        let next = format!("<{path}?cursor={}>; rel=\"next\"", page + 1);
        Reply::new(
            200,
            &[("content-type", "application/json"), ("link", &next)],
            serde_json::to_vec(&items).unwrap(),
        )
    }));
    let mut env = TestEnv::new();
    env.endpoint(&server.url());
    let (output, peak_kib, took) = run_measured(env.command(["download", REPO]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("goes past"), "{stderr}");
    #[allow(
        clippy::print_stderr,
        reason = "the measured peak goes into docs/reliability.md"
    )]
    {
        eprintln!(
            "endless listing: stopped after {took:?}, peak RSS {} MiB",
            peak_kib / 1024
        );
    }
    if cfg!(target_os = "linux") {
        assert!(
            peak_kib > 0 && peak_kib < 512 * 1024,
            "peak RSS {peak_kib} KiB"
        );
    }
}

#[test]
fn echoed_tokens_and_escape_sequences_never_reach_the_terminal() {
    let rt = runtime();
    let server = rt.block_on(HostileServer::start(|req: &Seen| {
        let auth = req.header("authorization").unwrap_or_default().to_owned();
        let message = format!(
            "denied for {auth}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[31m red \u{9b}2J also hf_oauth_{}",
            "R".repeat(30)
        );
        Reply::new(
            403,
            &[("x-error-message", &format!("denied for {auth}"))],
            serde_json::to_vec(&json!({"error": message})).unwrap(),
        )
    }));
    let mut env = TestEnv::new();
    env.endpoint(&server.url()).set("HF_TOKEN", TOKEN);
    for args in [
        vec!["auth", "whoami"],
        vec!["download", REPO],
        vec!["download", REPO, "config.json"],
        vec!["models", "info", REPO],
        vec!["models", "info", REPO, "--format", "json"],
        vec!["download", REPO, "-vvv"],
    ] {
        // `run` itself fails the test when the token reaches stdout or stderr.
        let outcome = env.run(&args);
        assert_ne!(outcome.code, Some(0), "{args:?}");
        for text in [&outcome.stdout, &outcome.stderr] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{9b}'),
                "{args:?}: an escape byte reached the terminal: {text:?}"
            );
            assert!(!text.contains(&"R".repeat(30)), "{args:?}: {text}");
        }
    }
    assert!(
        server
            .seen()
            .iter()
            .any(|r| r.header("authorization").is_some()),
        "the token was sent (and echoed)"
    );
}

#[test]
fn a_token_on_the_command_line_or_over_plain_http_is_warned_about() {
    let mut env = TestEnv::new();
    // Offline: the client is built (and warns) but nothing is sent anywhere.
    env.set("HF_HUB_OFFLINE", "1")
        .endpoint("http://hub.example.com");
    let outcome = env.run(["download", REPO, "config.json", "--token", TOKEN]);
    assert!(
        outcome
            .stderr
            .contains("--token puts the token in the command line"),
        "{}",
        outcome.transcript()
    );
    assert!(
        outcome
            .stderr
            .contains("unencrypted over plain http:// to http://hub.example.com"),
        "{}",
        outcome.transcript()
    );
    assert_eq!(
        outcome.stderr.matches("unencrypted").count(),
        1,
        "one warning: {}",
        outcome.transcript()
    );
    // A loopback Hub over http is the usual test setup: no warning there.
    env.endpoint("http://127.0.0.1:9");
    env.set("HF_TOKEN", TOKEN);
    let outcome = env.run(["download", REPO, "config.json"]);
    assert!(
        !outcome.stderr.contains("unencrypted"),
        "{}",
        outcome.transcript()
    );
}

#[test]
fn an_invalid_endpoint_is_echoed_without_its_password() {
    let mut env = TestEnv::new();
    env.endpoint("ftp://alice:hunter2hunter2@hub.example.com/");
    let outcome = env.run(["download", REPO]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    assert!(
        outcome.stderr.contains("HF_ENDPOINT"),
        "{}",
        outcome.transcript()
    );
    assert!(
        !outcome.stderr.contains("hunter2"),
        "{}",
        outcome.transcript()
    );
}
