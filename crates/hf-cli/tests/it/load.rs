//! Load: `hf download` of a 10,000-file snapshot and `hf cache ls` over a large cache finish
//! with bounded memory (peak RSS of the `hf` process, read from /proc while it runs); 32
//! concurrent `hf download` processes of one repo end with one consistent cache.
//!
//! The cache-listing test lists 100,000 files in CI (`CI=true`) and with `HF_HEAVY_TESTS=1`
//! (`cargo xtask e2e --heavy`), 10,000 in everyday local runs (about 100 s against 10 s here).

#![allow(
    clippy::print_stderr,
    reason = "measured times and peaks are printed for docs/reliability.md"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hf_test_server::{ServerConfig, TestServer};

use crate::common::TestEnv;
use crate::kill::{assert_cache_consistent, files_under};

/// Runs `command` to completion and returns its output and peak resident memory in KiB
/// (`VmHWM`, polled from /proc; 0 where /proc is unavailable).
pub(crate) fn run_measured(mut command: Command) -> (Output, u64, Duration) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hf");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    // Drain the pipes on threads so a chatty child never blocks.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).ok();
        buf
    });
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, peak, started.elapsed())
}

/// Full size in CI (`CI=true`, as `.ci/run` sets) or with `HF_HEAVY_TESTS=1`
/// (`cargo xtask e2e --heavy`); a tenth of it in everyday local runs.
fn heavy() -> bool {
    #[allow(
        clippy::disallowed_methods,
        reason = "the heavy-test gate is a test knob"
    )]
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    var("HF_HEAVY_TESTS") == "1" || var("CI") == "true"
}

/// A bound that holds on Linux, where the peak is measured.
fn assert_peak_below(peak_kib: u64, limit_mib: u64, what: &str) {
    if cfg!(target_os = "linux") {
        assert!(peak_kib > 0, "{what}: no memory reading");
        assert!(
            peak_kib < limit_mib * 1024,
            "{what}: peak RSS {} MiB, limit {limit_mib} MiB",
            peak_kib / 1024
        );
    }
    eprintln!("{what}: peak RSS {} MiB", peak_kib / 1024);
}

#[test]
fn a_snapshot_of_10000_files_downloads_with_bounded_memory() {
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let count = 10_000;
    seed_repo(&server, "demo-user/ten-thousand", count);
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    let (output, peak, took) = run_measured(env.command(["download", "demo-user/ten-thousand"]));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let snapshot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert_eq!(
        files_under(Path::new(&snapshot)).len(),
        count + 1,
        "every file and .gitattributes"
    );
    eprintln!("10,000-file snapshot: {took:?}");
    assert_peak_below(peak, 256, "hf download (10,000 files)");
    let (blobs, pointers) = assert_cache_consistent(&env.hf_home().join("hub"));
    assert_eq!(pointers, count + 1);
    assert!(blobs >= count, "{blobs}");
}

/// Creates `repo` with `count` small files in one commit, through the library.
pub(crate) fn seed_repo(server: &TestServer, repo: &str, count: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = hf_auth::http::HubConfig::new(server.endpoint()).unwrap();
        let api = hf_hub::HubApi::new(
            config,
            Some(hf_auth::Token::new(server.tokens().write.clone())),
        )
        .unwrap();
        let id = hf_hub::RepoId::new(repo).unwrap();
        let repo = hf_hub::Repo::model(id);
        api.create_repo(&repo, &hf_hub::api::CreateRepoOptions::default())
            .await
            .unwrap();
        let operations = (0..count)
            .map(|i| {
                hf_hub::upload::CommitOperation::add_bytes(
                    format!("d{}/f{i:05}.txt", i % 100),
                    format!("content {i}\n").into_bytes(),
                )
            })
            .collect();
        let commit = hf_hub::upload::CommitOptions::default().with_message("seed".to_owned());
        api.create_commit(
            &repo,
            operations,
            &commit,
            &hf_hub::upload::UploadOptions::default(),
        )
        .await
        .unwrap();
    });
}

/// A cache of `repos` model repos with `files_per_repo` files each (blobs and symlinks, as
/// downloads leave them), written directly.
fn fake_cache(root: &Path, repos: usize, files_per_repo: usize) {
    let commit = "0123456789abcdef0123456789abcdef01234567";
    for r in 0..repos {
        let repo = root.join(format!("models--load--repo-{r:04}"));
        let blobs = repo.join("blobs");
        let snapshot = repo.join("snapshots").join(commit);
        std::fs::create_dir_all(&blobs).unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), commit).unwrap();
        for f in 0..files_per_repo {
            let etag = format!("{:040x}", (r * files_per_repo + f) as u128 + 1);
            std::fs::write(blobs.join(&etag), b"x").unwrap();
            let dir = snapshot.join(format!("d{}", f % 10));
            if f < 10 {
                std::fs::create_dir_all(&dir).unwrap();
            }
            let pointer = dir.join(format!("f{f}.bin"));
            #[cfg(unix)]
            std::os::unix::fs::symlink(format!("../../../blobs/{etag}"), &pointer).unwrap();
            #[cfg(not(unix))]
            std::fs::write(&pointer, b"x").unwrap();
        }
    }
}

#[test]
fn cache_ls_over_a_large_cache_has_bounded_memory() {
    let files = if heavy() { 100_000 } else { 10_000 };
    let env = TestEnv::new();
    let hub = env.hf_home().join("hub");
    let started = Instant::now();
    fake_cache(&hub, 100, files / 100);
    eprintln!("built a cache of {files} files in {:?}", started.elapsed());
    for args in [vec!["cache", "ls"], vec!["cache", "ls", "--format", "json"]] {
        let (output, peak, took) = run_measured(env.command(&args));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("load/repo-0099"));
        eprintln!("hf {} over {files} files: {took:?}", args.join(" "));
        assert!(took < Duration::from_secs(120), "{took:?}");
        assert_peak_below(peak, 256, &format!("hf {} ({files} files)", args.join(" ")));
    }
}

#[test]
fn thirty_two_concurrent_downloads_of_one_repo_leave_one_consistent_cache() {
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    let children: Vec<_> = (0..32)
        .map(|_| {
            env.command(["download", "demo-org/demo-model"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn hf")
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            output.stdout, outputs[0].stdout,
            "every process names the same snapshot"
        );
    }
    let snapshot = String::from_utf8_lossy(&outputs[0].stdout)
        .trim()
        .to_owned();
    let (blobs, pointers) = assert_cache_consistent(&env.hf_home().join("hub"));
    assert_eq!(pointers, files_under(Path::new(&snapshot)).len());
    assert!(
        blobs >= 1 && blobs <= pointers,
        "{blobs} blobs for {pointers} files"
    );
    let leftovers: Vec<_> = files_under(&env.hf_home().join("hub"))
        .into_iter()
        .filter(|p| {
            let name = p.to_string_lossy();
            name.contains(".incomplete") || name.contains(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Every pointer is a symlink (no process fell back to a copy because another was linking).
    if cfg!(unix) {
        for pointer in files_under(Path::new(&snapshot)) {
            assert!(
                std::fs::symlink_metadata(&pointer)
                    .unwrap()
                    .file_type()
                    .is_symlink(),
                "{} is a copy, not a link",
                pointer.display()
            );
        }
    }
}
