//! `hf download` and `hf cache ...` against hf-test-server, in the hermetic environment.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};

use crate::common::TestEnv;

fn setup() -> (TestServer, TestEnv) {
    let server = TestServer::spawn(ServerConfig::default()).expect("test server starts");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    (server, env)
}

fn drip(server: &TestServer, bytes_per_sec: u64) {
    server.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: "/lfs/".to_owned(),
        action: FaultAction::DripBytesPerSec(bytes_per_sec),
        times: None,
    });
}

fn blobs_dir(env: &TestEnv) -> PathBuf {
    env.hf_home().join("hub/models--demo-org--demo-model/blobs")
}

fn incomplete_len(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".incomplete"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

#[test]
fn download_prints_the_cached_path() {
    let (_server, env) = setup();
    let outcome = hf_snapshot!(env, ["download", "demo-org/demo-model", "config.json"]);
    assert_eq!(outcome.code, Some(0));
    let path = PathBuf::from(outcome.stdout.trim());
    assert!(
        path.starts_with(
            env.hf_home()
                .join("hub/models--demo-org--demo-model/snapshots")
        )
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("distilbert")
    );
    let json = env
        .run([
            "download",
            "demo-org/demo-model",
            "config.json",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["path"].as_str().map(PathBuf::from), Some(path));
}

#[test]
fn snapshot_with_patterns_then_cache_ls_and_verify() {
    let (_server, env) = setup();
    let outcome = env.run([
        "download",
        "demo-org/demo-model",
        "--include",
        "*.json",
        "--exclude",
        "tokenizer*",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let dir = PathBuf::from(outcome.stdout.trim());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["config.json"]);
    let outcome = env.run(["download", "datasets/demo-org/demo-dataset", "data/"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    hf_snapshot!(env, ["cache", "ls", "--sort", "name", "--format", "human"]);
    let json = env.run(["cache", "ls", "--format", "json"]).json();
    assert_eq!(json["entries"].as_array().unwrap().len(), 2);
    // Python's `--filter` expressions; quiet prints the ids alone.
    let filtered = |filters: &[&str]| {
        let mut args = vec!["cache", "ls", "-q", "--sort", "name"];
        for filter in filters {
            args.extend(["--filter", filter]);
        }
        let outcome = env.run(&args);
        assert_eq!(
            outcome.code,
            Some(0),
            "{filters:?}: {}",
            outcome.transcript()
        );
        outcome.stdout
    };
    assert_eq!(
        filtered(&["type=dataset"]),
        "dataset/demo-org/demo-dataset\n"
    );
    assert_eq!(filtered(&["size>1KB"]), "dataset/demo-org/demo-dataset\n");
    assert_eq!(filtered(&["size<=1kb"]), "model/demo-org/demo-model\n");
    assert_eq!(
        filtered(&["accessed<1h", "refs=main"]),
        "dataset/demo-org/demo-dataset\nmodel/demo-org/demo-model\n"
    );
    assert_eq!(filtered(&["modified>7d"]), "");
    for bad in ["size~1GB", "colour=red", "type>model", "size>1XB"] {
        let outcome = env.run(["cache", "ls", "--filter", bad]);
        assert_eq!(outcome.code, Some(2), "{bad}: {}", outcome.transcript());
    }
    hf_snapshot!(env, ["cache", "verify", "demo-org/demo-model", "--offline"]);
    let online = env.run([
        "cache",
        "verify",
        "demo-org/demo-model",
        "--fail-on-missing-files",
    ]);
    assert_eq!(
        online.code,
        Some(1),
        "other files of the repo are not cached: {}",
        online.transcript()
    );
    assert!(
        online.stdout.contains("missing  model.safetensors"),
        "{}",
        online.stdout
    );
}

#[test]
fn cache_rm_removes_one_file_of_a_repo() {
    let (_server, env) = setup();
    for file in ["README.md", "config.json"] {
        let outcome = env.run(["download", "demo-org/demo-model", file]);
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    }
    let snapshot = |file: &str| {
        PathBuf::from(
            env.run([
                "download",
                "demo-org/demo-model",
                file,
                "--local-files-only",
            ])
            .stdout
            .trim(),
        )
    };
    let (readme, config) = (snapshot("README.md"), snapshot("config.json"));
    let readme_blob = std::fs::canonicalize(&readme).unwrap();
    let target = "hf://models/demo-org/demo-model/README.md";
    let preview = env.run(["cache", "rm", target, "--dry-run", "--format", "human"]);
    assert_eq!(preview.code, Some(0), "{}", preview.transcript());
    assert!(preview.stdout.contains("(2 paths)"), "{}", preview.stdout);
    assert!(readme.exists(), "a dry run removes nothing");
    let removed = env.run(["cache", "rm", target, "--yes", "-q"]);
    assert_eq!(removed.code, Some(0), "{}", removed.transcript());
    assert!(
        !readme.exists() && !readme_blob.exists(),
        "{}",
        removed.stdout
    );
    assert!(config.exists(), "the other file stays");
    assert_eq!(removed.stdout.lines().count(), 2, "{}", removed.stdout);
    let again = env.run(["cache", "rm", target, "--yes"]);
    assert_eq!(again.code, Some(1), "{}", again.transcript());
    assert!(
        again.stderr.contains("not in the cache"),
        "{}",
        again.stderr
    );
}

#[test]
fn cache_verify_rm_and_prune() {
    let (_server, env) = setup();
    let file = PathBuf::from(
        env.run(["download", "demo-org/demo-model", "README.md"])
            .stdout
            .trim(),
    );
    let blob = std::fs::canonicalize(&file).unwrap();
    std::fs::write(&blob, "tampered\n").unwrap();
    let outcome = env.run(["cache", "verify", "demo-org/demo-model", "--offline"]);
    assert_eq!(outcome.code, Some(1));
    assert!(
        outcome
            .stdout
            .contains("MISMATCH README.md: expected git-sha1"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stderr.contains("--force-download"),
        "{}",
        outcome.stderr
    );
    let outcome = env.run([
        "download",
        "demo-org/demo-model",
        "README.md",
        "--force-download",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    assert_eq!(
        env.run(["cache", "verify", "demo-org/demo-model", "--offline"])
            .code,
        Some(0)
    );

    hf_snapshot!(env, ["cache", "prune", "--dry-run"]);
    let refused = env.run(["cache", "rm", "model/demo-org/demo-model"]);
    assert_eq!(
        refused.code,
        Some(2),
        "no confirmation without a terminal: {}",
        refused.transcript()
    );
    hf_snapshot!(env, ["cache", "rm", "model/demo-org/demo-model", "--yes"]);
    assert!(
        !env.hf_home()
            .join("hub/models--demo-org--demo-model")
            .exists()
    );
}

#[test]
fn errors_and_offline_mode_are_explained() {
    let (_server, mut env) = setup();
    hf_snapshot!(env, ["download", "demo-org/missing-model", "config.json"]);
    hf_snapshot!(env, ["download", "demo-org/demo-model", "confg.json"]);
    env.set("HF_HUB_OFFLINE", "1");
    hf_snapshot!(env, ["download", "demo-org/demo-model", "config.json"]);
}

#[test]
fn legacy_huggingface_cli_download_maps_to_hf_download() {
    let (_server, env) = setup();
    let output = env
        .legacy_command(["download", "demo-org/demo-model", "config.json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(path.ends_with("config.json") && path.exists());
}

#[test]
fn a_killed_download_resumes_on_the_next_run() {
    let (server, mut env) = setup();
    env.set("HF_HUB_DOWNLOAD_CONNECTIONS", "1");
    drip(&server, 1024 * 1024);
    let mut child = env
        .command(["download", "demo-org/demo-model", "model.safetensors"])
        .spawn()
        .unwrap();
    let started = Instant::now();
    while incomplete_len(&blobs_dir(&env)) < 1_000_000 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the download never progressed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let kept = incomplete_len(&blobs_dir(&env));
    assert!(kept >= 1_000_000, "the partial file is kept: {kept}");
    server.clear_faults();
    server.clear_requests();
    let outcome = env.run(["download", "demo-org/demo-model", "model.safetensors"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let size = std::fs::metadata(outcome.stdout.trim()).unwrap().len();
    let gets: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.origin == Origin::Cdn && r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 1, "{gets:?}");
    let resumed_from: u64 = gets[0]
        .range
        .as_deref()
        .unwrap()
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(resumed_from >= 1_000_000, "{gets:?}");
    assert_eq!(
        gets[0].body_bytes,
        size - resumed_from,
        "only the rest is fetched"
    );
}

#[test]
fn two_processes_downloading_one_file_both_succeed() {
    let (server, env) = setup();
    drip(&server, 4 * 1024 * 1024);
    let spawn = || {
        env.command(["download", "demo-org/demo-model", "model.safetensors"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(a.stdout, b.stdout);
    let blob_gets = server
        .requests()
        .into_iter()
        .filter(|r| r.origin == Origin::Cdn && r.method == "GET")
        .map(|r| r.body_bytes)
        .sum::<u64>();
    let size = std::fs::metadata(String::from_utf8_lossy(&a.stdout).trim())
        .unwrap()
        .len();
    assert_eq!(blob_gets, size, "the blob is downloaded once");
    assert_eq!(incomplete_len(&blobs_dir(&env)), 0);
}

#[test]
fn dry_run_lists_what_would_be_downloaded() {
    let (server, env) = setup();
    assert_eq!(
        env.run(["download", "demo-org/demo-model", "config.json"])
            .code,
        Some(0)
    );
    server.clear_requests();
    hf_snapshot!(
        env,
        [
            "download",
            "demo-org/demo-model",
            "--include",
            "*.json",
            "--dry-run"
        ]
    );
    assert!(
        server.requests().iter().all(|r| r.origin == Origin::Hub
            && r.method == "GET"
            && r.path_and_query.starts_with("/api/")),
        "a dry run only reads the API: {:?}",
        server.requests()
    );
}
