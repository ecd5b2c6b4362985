//! Secret hygiene: every command group of the CLI, run with the most verbose logging
//! (`RUST_LOG=trace`, every crate, `-vvv`, `HF_DEBUG=1`, backtraces on), never shows a seeded
//! token in stdout, stderr, or any file written outside the token store; the token files are
//! 0600 and written atomically (no temporary file left behind); `hf env` redacts.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use hf_test_server::{ServerConfig, TestServer};

use crate::common::{Outcome, TestEnv};

/// Every seeded token of `server`.
fn all_tokens(server: &TestServer) -> Vec<String> {
    let t = server.tokens();
    vec![
        t.read.clone(),
        t.write.clone(),
        t.fine_grained.clone(),
        t.org_write.clone(),
        t.expired.clone(),
    ]
}

fn run_with_stdin(env: &TestEnv, args: &[&str], input: &str) -> Outcome {
    let mut child = env
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hf");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn assert_clean(outcome: &Outcome, tokens: &[String], what: &str) {
    for token in tokens {
        // The whole token, and any 12-character piece of it (a half-redacted token is a leak too).
        let pieces: Vec<&str> = (0..token.len().saturating_sub(12))
            .step_by(6)
            .map(|i| &token[i..i + 12])
            .filter(|p| !p.starts_with("hf_fake"))
            .collect();
        for text in [&outcome.stdout, &outcome.stderr] {
            assert!(
                !text.contains(token.as_str()),
                "{what}: a token leaked:\n{text}"
            );
            for piece in &pieces {
                assert!(
                    !text.contains(piece),
                    "{what}: part of a token ({piece}) leaked"
                );
            }
        }
    }
}

/// Every regular file under `dir` (symlinks not followed).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) if m.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn no_command_leaks_a_token_at_the_most_verbose_level() {
    let server = TestServer::spawn(ServerConfig::default()).expect("test server starts");
    let tokens = all_tokens(&server);
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HF_INFERENCE_ENDPOINTS_URL", server.inference_endpoints())
        .set("HF_INFERENCE_CATALOG_URL", server.inference_catalog())
        .set("RUST_LOG", "trace")
        .set("HF_DEBUG", "1")
        .set("RUST_BACKTRACE", "full");
    let upload_dir = env.path("to-upload");
    std::fs::create_dir_all(upload_dir.join("sub")).unwrap();
    std::fs::write(upload_dir.join("README.md"), "# hygiene\n").unwrap();
    std::fs::write(upload_dir.join("sub/data.txt"), "some data\n").unwrap();
    let upload_dir = upload_dir.to_str().unwrap().to_owned();
    let download_dir = env.path("local-dir");
    let download_dir = download_dir.to_str().unwrap().to_owned();

    // Log in through stdin (never argv), with the most verbose logging.
    let login = run_with_stdin(
        &env,
        &["-vvv", "auth", "login", "--token-stdin"],
        &format!("{}\n", server.tokens().write),
    );
    assert_eq!(login.code, Some(0), "{}", login.transcript());
    assert_clean(&login, &tokens, "auth login");
    let second = run_with_stdin(
        &env,
        &["-vvv", "auth", "login", "--token-stdin"],
        &format!("{}\n", server.tokens().read),
    );
    assert_clean(&second, &tokens, "second auth login");

    let commands: Vec<Vec<&str>> = vec![
        vec!["-vvv", "auth", "whoami"],
        vec!["-vvv", "auth", "whoami", "--format", "json"],
        vec!["-vvv", "auth", "list"],
        vec!["-vvv", "auth", "switch", "demo-write"],
        vec!["-vvv", "env"],
        vec!["-vvv", "version"],
        vec!["-vvv", "download", "demo-org/demo-model", "README.md"],
        vec!["-vvv", "download", "demo-org/demo-model"],
        vec![
            "-vvv",
            "download",
            "demo-org/demo-model",
            "--local-dir",
            &download_dir,
        ],
        vec!["-vvv", "download", "demo-org/does-not-exist"],
        vec!["-vvv", "cache", "ls"],
        vec!["-vvv", "cache", "verify", "demo-org/demo-model"],
        vec!["-vvv", "models", "ls", "--limit", "3"],
        vec!["-vvv", "models", "info", "demo-org/demo-model"],
        vec!["-vvv", "repos", "create", "demo-user/hygiene-check"],
        vec!["-vvv", "upload", "demo-user/hygiene-check", &upload_dir],
        vec![
            "-vvv",
            "repos",
            "tag",
            "create",
            "demo-user/hygiene-check",
            "v1",
        ],
        vec![
            "-vvv",
            "repos",
            "delete",
            "demo-user/hygiene-check",
            "--yes",
        ],
        vec!["-vvv", "upload", "demo-org/demo-model", &upload_dir],
        // A Space secret whose value is the token itself (`-s HF_TOKEN`): it goes in a
        // request body and must not show up in any log line.
        vec![
            "-vvv",
            "repos",
            "create",
            "demo-user/hygiene-space",
            "--type",
            "space",
            "--sdk",
            "gradio",
            "-s",
            "HF_TOKEN",
        ],
        vec![
            "-vvv",
            "spaces",
            "secrets",
            "add",
            "demo-user/hygiene-space",
            "-s",
            "HF_TOKEN",
        ],
        vec![
            "-vvv",
            "spaces",
            "secrets",
            "list",
            "demo-user/hygiene-space",
        ],
        vec![
            "-vvv",
            "spaces",
            "variables",
            "add",
            "demo-user/hygiene-space",
            "-e",
            "THEME=dark",
        ],
        vec![
            "-vvv",
            "discussions",
            "create",
            "demo-user/hygiene-space",
            "--type",
            "space",
            "--title",
            "Hygiene",
            "--pr",
        ],
        vec![
            "-vvv",
            "discussions",
            "comment",
            "spaces/demo-user/hygiene-space",
            "1",
            "--body",
            "checked",
        ],
        vec![
            "-vvv",
            "discussions",
            "list",
            "spaces/demo-user/hygiene-space",
            "--json",
        ],
        vec![
            "-vvv",
            "discussions",
            "info",
            "spaces/demo-user/hygiene-space",
            "1",
        ],
        vec![
            "-vvv",
            "discussions",
            "close",
            "spaces/demo-user/hygiene-space",
            "1",
            "--yes",
        ],
        vec!["-vvv", "collections", "create", "Hygiene"],
        vec![
            "-vvv",
            "collections",
            "ls",
            "--owner",
            "demo-user",
            "--json",
        ],
        vec!["-vvv", "papers", "ls"],
        vec!["-vvv", "papers", "read", "2611.01234"],
        // A webhook whose signing secret is the token (`--secret HF_TOKEN`), and a Job
        // webhook given the token as a Job secret: both go in request bodies only.
        vec![
            "-vvv",
            "webhooks",
            "create",
            "--watch",
            "user:demo-user",
            "--url",
            "https://example.invalid/hook",
            "--secret",
            "HF_TOKEN",
        ],
        vec![
            "-vvv",
            "webhooks",
            "create",
            "--watch",
            "user:demo-user",
            "--job-id",
            "687f911eaea852de79c4a50a",
            "-s",
            "HF_TOKEN",
        ],
        vec!["-vvv", "webhooks", "ls", "--json"],
        // An endpoint given the token as a secret and as a registry password.
        vec![
            "-vvv",
            "endpoints",
            "deploy",
            "hygiene",
            "--repo",
            "demo-org/demo-model",
            "--framework",
            "custom",
            "--accelerator",
            "cpu",
            "--instance-type",
            "intel-icl",
            "--instance-size",
            "x1",
            "--region",
            "us-east-1",
            "--vendor",
            "aws",
            "--custom-image",
            "registry.example/app:1",
            "--container-registry-username",
            "me",
            "--container-registry-password",
            "HF_TOKEN",
            "-s",
            "HF_TOKEN",
            "--wait",
        ],
        vec!["-vvv", "endpoints", "describe", "hygiene"],
        vec!["-vvv", "endpoints", "ls", "--json"],
        vec![
            "-vvv",
            "endpoints",
            "update",
            "hygiene",
            "--min-replica",
            "1",
        ],
        vec!["-vvv", "endpoints", "delete", "hygiene", "--yes"],
    ];
    let mut ran_ok = 0;
    for args in &commands {
        let outcome = env.run(args);
        assert_ne!(
            outcome.code,
            Some(2),
            "{args:?} is not valid usage:\n{}",
            outcome.stderr
        );
        assert_clean(&outcome, &tokens, &args.join(" "));
        ran_ok += usize::from(outcome.code == Some(0));
    }
    assert!(
        ran_ok >= commands.len() - 3,
        "most commands succeed ({ran_ok}/{})",
        commands.len()
    );

    // A token that the server rejects, from the environment: errors must not echo it.
    let mut bad = TestEnv::new();
    bad.endpoint(server.endpoint())
        .set("RUST_LOG", "trace")
        .set("HF_TOKEN", &server.tokens().expired);
    for args in [
        vec!["auth", "whoami"],
        vec!["download", "demo-org/demo-model", "README.md"],
        vec!["env"],
    ] {
        let outcome = bad.run(&args);
        assert_clean(&outcome, &tokens, &format!("expired token: {args:?}"));
    }

    // Files: only the token store may hold a token.
    let store = [
        env.hf_home().join("token"),
        env.hf_home().join("stored_tokens"),
    ];
    for file in files_under(env.root()) {
        if store.contains(&file) {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for token in &tokens {
            assert!(
                !text.contains(token.as_str()),
                "{} holds a token",
                file.display()
            );
        }
    }
    assert_token_files_are_private(&env.hf_home());
}

fn assert_token_files_are_private(hf_home: &Path) {
    for name in ["token", "stored_tokens"] {
        let path = hf_home.join(name);
        let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(meta.len() > 0, "{name} is not empty");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name} is 0600");
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(hf_home)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "atomic writes leave no temporary file: {leftovers:?}"
    );
}

#[test]
fn hf_env_redacts_every_token_source() {
    let server = TestServer::spawn(ServerConfig::default()).expect("test server starts");
    let tokens = all_tokens(&server);
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HF_TOKEN", &server.tokens().write)
        .set("HUGGING_FACE_HUB_TOKEN", &server.tokens().read)
        .set("RUST_LOG", "trace");
    for args in [vec!["env"], vec!["-vvv", "env"]] {
        let outcome = env.run(&args);
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        assert_clean(&outcome, &tokens, &args.join(" "));
    }
}
