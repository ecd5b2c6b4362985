//! What every command gets from the floor: settings from `--env-file`, one hint per failure
//! (from `hints`), announced retries, truthful `--exist-ok` / `--missing-ok` messages.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hf_test_server::{FaultAction, FaultRule, Origin};

use crate::common::Outcome;
use crate::upload::HubEnv;

fn hints(outcome: &Outcome) -> Vec<&str> {
    outcome
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("hint: "))
        .collect()
}

fn fault(origin: Origin, method: &str, path: &str, action: FaultAction) -> FaultRule {
    FaultRule {
        origin: Some(origin),
        method: Some(method.to_owned()),
        path_contains: path.to_owned(),
        action,
        times: Some(1),
    }
}

#[test]
fn a_gated_whole_repo_download_gets_the_request_access_hint() {
    let hub = HubEnv::new(|t| &t.read);
    let page = format!("{}/demo-org/gated-model", hub.server.endpoint());
    let dir = hub.env.path("out");
    for args in [
        vec!["download", "demo-org/gated-model"],
        vec!["download", "demo-org/gated-model", "README.md"],
        vec![
            "download",
            "demo-org/gated-model",
            "--local-dir",
            dir.to_str().unwrap(),
        ],
    ] {
        let outcome = hub.run(&args);
        assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
        let hints = hints(&outcome);
        assert_eq!(hints.len(), 1, "{}", outcome.transcript());
        assert!(
            hints[0].contains(&format!("request access at {page}")),
            "{args:?}: {}",
            outcome.transcript()
        );
        assert!(
            outcome.stderr.contains("demo-org/gated-model is gated"),
            "{}",
            outcome.transcript()
        );
    }
}

/// Ctrl-C (SIGINT) ends a command at once with `error: interrupted` and exit code 130, the
/// code shells report for a process the signal ended.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_command_with_130() {
    let hub = HubEnv::new(|t| &t.read);
    hub.server.add_fault(fault(
        Origin::Hub,
        "HEAD",
        "/resolve/main/config.json",
        FaultAction::LatencyMs(30_000),
    ));
    let child = hub
        .env
        .command(["download", "demo-org/demo-model", "config.json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hf");
    // Once the request is at the server, the command is running (and listening for Ctrl-C).
    let started = Instant::now();
    while !hub
        .server
        .requests()
        .iter()
        .any(|r| r.path_and_query.contains("config.json"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "hf never asked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let interrupted_at = Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let output = child.wait_with_output().expect("wait for hf");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("error: interrupted"), "{stderr}");
    assert!(
        interrupted_at.elapsed() < Duration::from_secs(10),
        "it waited for the request: {:?}",
        interrupted_at.elapsed()
    );
}

/// A 402 `EgressLimitReached` (Python 2.5's `EgressLimitError`) is its own failure, with the
/// server's message and what to do.
#[test]
fn an_egress_limit_says_so_and_what_to_do() {
    let hub = HubEnv::new(|t| &t.read);
    hub.server.add_fault(fault(
        Origin::Hub,
        "HEAD",
        "/resolve/main/README.md",
        FaultAction::EgressLimit,
    ));
    let refused = hub.run(&["download", "demo-org/demo-model", "README.md"]);
    assert_eq!(refused.code, Some(1), "{}", refused.transcript());
    assert!(
        refused.stderr.contains("payment required (402)")
            && refused.stderr.contains("Egress limit reached"),
        "{}",
        refused.transcript()
    );
    let hints = hints(&refused);
    assert_eq!(hints.len(), 1, "{}", refused.transcript());
    assert!(
        hints[0].contains("download (egress) allowance") && hints[0].contains("HF_HUB_OFFLINE=1"),
        "{}",
        refused.transcript()
    );
}

#[test]
fn a_conflicting_create_points_to_exist_ok_and_exist_ok_says_nothing_changed() {
    let hub = HubEnv::new(|t| &t.write);
    let created = hub.run(&["repos", "create", "demo-user/floor-test"]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    assert!(created.stdout.contains("Created demo-user/floor-test"));

    let again = hub.run(&["repos", "create", "demo-user/floor-test"]);
    assert_eq!(again.code, Some(1), "{}", again.transcript());
    assert_eq!(
        hints(&again),
        ["it already exists: pass --exist-ok to accept the existing one"],
        "{}",
        again.transcript()
    );

    let accepted = hub.run(&["repos", "create", "demo-user/floor-test", "--exist-ok"]);
    assert_eq!(accepted.code, Some(0), "{}", accepted.transcript());
    assert!(
        accepted
            .stdout
            .contains("demo-user/floor-test already exists; nothing was changed"),
        "{}",
        accepted.transcript()
    );

    for (args, done, nothing) in [
        (
            vec!["repos", "branch", "create", "demo-user/floor-test", "dev"],
            "Created branch dev",
            "branch dev already exists",
        ),
        (
            vec!["repos", "tag", "create", "demo-user/floor-test", "v1"],
            "Created tag v1",
            "tag v1 already exists",
        ),
    ] {
        let first = hub.run(&args);
        assert!(first.stdout.contains(done), "{}", first.transcript());
        let conflict = hub.run(&args);
        assert_eq!(conflict.code, Some(1), "{}", conflict.transcript());
        assert!(
            hints(&conflict)[0].contains("--exist-ok"),
            "{}",
            conflict.transcript()
        );
        let mut tolerant = args.clone();
        tolerant.push("--exist-ok");
        let second = hub.run(&tolerant);
        assert_eq!(second.code, Some(0), "{}", second.transcript());
        assert!(second.stdout.contains(nothing), "{}", second.transcript());
    }

    let deleted = hub.run(&["repos", "delete", "demo-user/floor-test", "--yes"]);
    assert!(deleted.stdout.contains("Deleted demo-user/floor-test"));
    let missing = hub.run(&[
        "repos",
        "delete",
        "demo-user/floor-test",
        "--yes",
        "--missing-ok",
    ]);
    assert_eq!(missing.code, Some(0), "{}", missing.transcript());
    assert!(
        missing
            .stdout
            .contains("demo-user/floor-test does not exist; nothing to delete"),
        "{}",
        missing.transcript()
    );
}

/// A `Retry-After: 2` on the first metadata request: the wait is announced at the default
/// verbosity within a second of the 429, and the download then succeeds.
#[test]
fn a_long_retry_after_is_announced_at_once() {
    let hub = HubEnv::new(|t| &t.read);
    hub.server.add_fault(fault(
        Origin::Hub,
        "HEAD",
        "/resolve/main/config.json",
        FaultAction::RateLimit {
            retry_after_secs: 2,
        },
    ));
    let mut child = hub
        .env
        .command(["download", "demo-org/demo-model", "config.json"])
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start hf");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    // When the server answered 429 (polled: the request log records each answer's status).
    let started = Instant::now();
    let rate_limited_at = loop {
        if hub
            .server
            .requests()
            .iter()
            .any(|r| r.status == 429 && r.path_and_query.contains("config.json"))
        {
            break Instant::now();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no 429 was served"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let (announced_at, notice) = received
        .recv_timeout(Duration::from_secs(10))
        .expect("a line on stderr");
    assert!(
        notice.contains("rate limited by the Hub; retrying in 2.0 s (attempt 2 of"),
        "{notice}"
    );
    let delay = announced_at.saturating_duration_since(rate_limited_at);
    assert!(
        delay < Duration::from_secs(1),
        "announced {delay:?} after the 429"
    );
    let output = child.wait_with_output().expect("hf ends");
    reader.join().unwrap();
    assert!(output.status.success());
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "the server's wait was honoured"
    );
}

#[test]
fn an_upload_survives_a_rate_limited_permission_check() {
    let hub = HubEnv::new(|t| &t.write);
    hub.write("model/config.json", b"{\"a\": 1}\n");
    hub.server.add_fault(fault(
        Origin::Hub,
        "GET",
        "/api/whoami-v2",
        FaultAction::RateLimit {
            retry_after_secs: 1,
        },
    ));
    // Without a namespace: the same whoami answer names the user and judges the token.
    let outcome = hub.run(&["upload", "floor-upload", "model"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(
        outcome
            .stderr
            .contains("rate limited by the Hub; retrying in"),
        "{}",
        outcome.transcript()
    );
    let whoami_calls = hub
        .server
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains("whoami"))
        .count();
    assert_eq!(whoami_calls, 2, "one 429, then one answer: asked once");
    assert_eq!(
        hub.remote_files("models", "demo-user/floor-upload"),
        [".gitattributes", "config.json"]
    );
    // The token is found once: its notices are not repeated.
    let mut once = HubEnv::new(|t| &t.write);
    once.write("m/a.txt", b"a\n");
    let padded = format!(" {} \n", once.server.tokens().write);
    once.env.set("HF_TOKEN", padded);
    let outcome = once.run(&["upload", "demo-user/padded", "m"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let notices = outcome
        .stderr
        .lines()
        .filter(|l| l.contains("HF_TOKEN"))
        .count();
    assert_eq!(notices, 1, "{}", outcome.transcript());
}

#[test]
fn env_file_settings_reach_downloads() {
    let hub = HubEnv::new(|t| &t.read);
    let file = hub.env.path("org.env");
    std::fs::write(
        &file,
        format!(
            "HF_ENDPOINT={}\nHF_TOKEN={}\n",
            hub.server.endpoint(),
            hub.server.tokens().read
        ),
    )
    .unwrap();
    let mut env = crate::common::TestEnv::new();
    env.unset("HF_ENDPOINT").unset("HF_TOKEN");
    let outcome = env.run([
        "--env-file",
        file.to_str().unwrap(),
        "download",
        "demo-user/private-model",
        "config.json",
    ]);
    hub.assert_no_token(&outcome);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let requests = hub.server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path_and_query.contains("private-model") && r.authorization),
        "the file's endpoint got the request, with the file's token"
    );
}

#[test]
fn inference_failures_get_their_hints() {
    let hub = HubEnv::new(|t| &t.read);
    let mut env = crate::common::TestEnv::new();
    env.endpoint(hub.server.endpoint())
        .set("HF_ROUTER_URL", hub.server.endpoint())
        .set("HF_TOKEN", &hub.server.tokens().read);
    hub.server.add_fault(fault(
        Origin::Hub,
        "POST",
        "/v1/chat/completions",
        FaultAction::StatusSequence(vec![403]),
    ));
    let forbidden = env.run(["chat", "meta-llama/Llama-3.1-8B-Instruct", "hi"]);
    assert_eq!(forbidden.code, Some(1), "{}", forbidden.transcript());
    assert!(
        hints(&forbidden)[0].contains("'Make calls to Inference Providers' permission"),
        "{}",
        forbidden.transcript()
    );

    hub.server.add_fault(fault(
        Origin::Hub,
        "POST",
        "/v1/chat/completions",
        FaultAction::LatencyMs(2500),
    ));
    let slow = env.run([
        "chat",
        "meta-llama/Llama-3.1-8B-Instruct",
        "hi",
        "--timeout",
        "1",
    ]);
    assert_eq!(slow.code, Some(1), "{}", slow.transcript());
    assert!(
        hints(&slow)[0].contains("raise --timeout"),
        "{}",
        slow.transcript()
    );
}

#[test]
fn hub_failures_name_their_fix() {
    let hub = HubEnv::new(|t| &t.read);
    // A missing (or private) repo with a token: the token's access is what to check.
    let missing = hub.run(&["download", "demo-user/no-such-repo", "config.json"]);
    assert_eq!(missing.code, Some(1), "{}", missing.transcript());
    assert!(
        hints(&missing)[0].contains("check that the token can read it"),
        "{}",
        missing.transcript()
    );
    // A wait longer than the policy allows fails at once, saying when to come back.
    hub.server.add_fault(fault(
        Origin::Hub,
        "GET",
        "/api/whoami-v2",
        FaultAction::RateLimit {
            retry_after_secs: 3600,
        },
    ));
    let limited = hub.run(&["auth", "whoami"]);
    assert_eq!(limited.code, Some(1), "{}", limited.transcript());
    assert!(
        hints(&limited)[0].contains("run again in 3600 s"),
        "{}",
        limited.transcript()
    );
    // A read token is refused before an upload, with the way to a write token.
    hub.write("m/a.txt", b"a\n");
    let refused = hub.run(&["upload", "demo-user/refused", "m"]);
    assert_eq!(refused.code, Some(1), "{}", refused.transcript());
    assert!(
        refused.stderr.contains("a read token can only download"),
        "{}",
        refused.transcript()
    );
    assert!(
        hints(&refused)[0].contains("create a write token"),
        "{}",
        refused.transcript()
    );
}
