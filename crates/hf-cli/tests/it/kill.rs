//! Fault tests: `hf` killed with SIGKILL at random points of a large (parallel-range) download,
//! of a snapshot, of a multi-commit upload and of `hf auth login`. After every kill the cache
//! holds no truncated blob in a snapshot and the token files are whole or absent; after a
//! re-run everything is complete and the remote repo holds only whole commits.
//!
//! The kill points come from a seed printed at the start of each test (`HF_KILL_SEED=N`
//! replays one).

#![allow(
    clippy::print_stderr,
    reason = "the kill seed and what each kill left are printed for replays"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use hf_hub::download::HashKind;
use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};

use crate::common::TestEnv;

/// A small deterministic generator for kill points (xorshift), seeded per test.
pub(crate) struct Dice(u64);

impl Dice {
    pub(crate) fn new(test: &str) -> Self {
        #[allow(
            clippy::disallowed_methods,
            reason = "tests read their own replay knob"
        )]
        let seed = std::env::var("HF_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
                    | 1
            });
        eprintln!("{test}: HF_KILL_SEED={seed}");
        Self(seed)
    }

    /// A number in `lo..hi`.
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + self.0 % (hi - lo).max(1)
    }
}

/// Spawns `hf args` quietly.
fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    env.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hf")
}

/// SIGKILLs `child` after `after` (unless it finished first); true when it was killed.
fn kill_after(mut child: Child, after: Duration) -> bool {
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            eprintln!("finished before the kill point ({after:?})");
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // `Child::kill` sends SIGKILL on Unix.
    let killed = child.kill().is_ok();
    let _ = child.wait();
    eprintln!("killed after {after:?}");
    killed
}

/// SIGKILLs `child` `delay_ms` after the server received the `nth` request (of this run:
/// requests are cleared before the spawn) whose method is `method` and whose path contains
/// `path_contains`; true when it was killed. Kill points placed on what the server has seen,
/// rather than on time since the spawn, land at the same stage on a fast or a loaded machine.
fn kill_after_request(
    server: &TestServer,
    mut child: Child,
    (method, path_contains): (&str, &str),
    nth: usize,
    delay_ms: u64,
) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            eprintln!("finished before request {nth} to {path_contains} was sent");
            return false;
        }
        let seen = server
            .requests()
            .iter()
            .filter(|r| r.method == method && r.path_and_query.contains(path_contains))
            .count();
        if seen >= nth {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "request {nth} to {path_contains} never reached the server"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    eprintln!("request {nth} to {path_contains} seen; killing {delay_ms} ms later");
    kill_after(child, Duration::from_millis(delay_ms))
}

fn slow_cdn(server: &TestServer, bytes_per_sec: u64) {
    server.add_fault(FaultRule {
        origin: None,
        method: Some("GET".to_owned()),
        path_contains: String::new(),
        action: FaultAction::DripBytesPerSec(bytes_per_sec),
        times: None,
    });
}

/// Checks a cache root: every blob not marked partial has the content its name says, and
/// every snapshot entry resolves to such a blob. Returns (blobs, snapshot files).
pub(crate) fn assert_cache_consistent(hub_cache: &Path) -> (usize, usize) {
    let mut blobs = 0;
    let mut pointers = 0;
    for repo in std::fs::read_dir(hub_cache).into_iter().flatten().flatten() {
        let name = repo.file_name().to_string_lossy().into_owned();
        if !name.contains("--") {
            continue;
        }
        for blob in std::fs::read_dir(repo.path().join("blobs"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let blob_name = blob.file_name().to_string_lossy().into_owned();
            if blob_name.ends_with(".incomplete") || blob_name.ends_with(".progress") {
                continue;
            }
            let kind = HashKind::of_etag(&blob_name)
                .unwrap_or_else(|| panic!("unexpected file in blobs/: {blob_name}"));
            assert_eq!(
                hf_hub::hash::hash_file(&blob.path(), kind).unwrap(),
                blob_name,
                "blob {blob_name} in {name} does not match its name (truncated or corrupt)"
            );
            blobs += 1;
        }
        for pointer in files_under(&repo.path().join("snapshots")) {
            let resolved = std::fs::canonicalize(&pointer)
                .unwrap_or_else(|e| panic!("{} is dangling: {e}", pointer.display()));
            let meta = std::fs::symlink_metadata(&pointer).unwrap();
            if meta.file_type().is_symlink() {
                let blob_name = resolved.file_name().unwrap().to_string_lossy().into_owned();
                // A repo blob, or the shared Xet store's file (`blobs/<h[:2]>/<xet_hash>`).
                let in_blobs = resolved.parent().unwrap().ends_with("blobs")
                    || resolved
                        .parent()
                        .unwrap()
                        .parent()
                        .unwrap()
                        .ends_with("blobs");
                assert!(
                    in_blobs && HashKind::of_etag(&blob_name).is_some(),
                    "{} points at {}",
                    pointer.display(),
                    resolved.display()
                );
            }
            pointers += 1;
        }
    }
    (blobs, pointers)
}

/// Every non-directory entry under `dir` (symlinks included, not followed).
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(_) => out.push(path),
                Err(_) => {}
            }
        }
    }
    out
}

fn partial_bytes(dir: &Path) -> u64 {
    files_under(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".incomplete"))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn hub_cache(env: &TestEnv) -> PathBuf {
    env.hf_home().join("hub")
}

/// After the kills: the faults cleared, `args` run again to its end, and the cache holds the
/// one file, whole (`size` bytes, verified by its name), and nothing partial.
fn rerun_to_one_whole_file(
    server: &TestServer,
    env: &TestEnv,
    args: &[&str],
    size: u64,
) -> PathBuf {
    server.clear_faults();
    let outcome = env.run(args);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let path = PathBuf::from(outcome.stdout.trim());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);
    let (blobs, pointers) = assert_cache_consistent(&hub_cache(env));
    assert_eq!((blobs, pointers), (1, 1));
    let partial: Vec<_> = files_under(&hub_cache(env))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".incomplete"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
    path
}

#[test]
fn a_parallel_download_killed_at_random_points_resumes_to_a_verified_file() {
    let mut dice = Dice::new("large download");
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HF_HUB_DOWNLOAD_CHUNK_SIZE", "262144")
        .set("HF_HUB_DOWNLOAD_CONNECTIONS", "4");
    slow_cdn(&server, 256 * 1024);
    let args = ["download", "demo-org/demo-model", "model.safetensors"];
    let mut kills = 0;
    for _ in 0..4 {
        let child = spawn(&env, &args);
        kills += usize::from(kill_after(
            child,
            Duration::from_millis(dice.between(100, 2500)),
        ));
        let partial = partial_bytes(&hub_cache(&env));
        eprintln!("after a kill: {partial} partial bytes");
        assert_cache_consistent(&hub_cache(&env));
    }
    assert!(kills > 0, "no kill landed while the download ran");
    rerun_to_one_whole_file(&server, &env, &args, 3 * 1024 * 1024 + 1234);
}

#[test]
fn a_xet_download_killed_at_random_points_resumes_to_a_verified_file() {
    let mut dice = Dice::new("Xet download");
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    // The CAS's xorb bytes trickle, so kills land inside the reconstruction.
    server.add_fault(FaultRule {
        origin: Some(Origin::Cas),
        method: Some("GET".to_owned()),
        path_contains: "/fetch_term".to_owned(),
        action: FaultAction::DripBytesPerSec(512 * 1024),
        times: None,
    });
    let args = ["download", "demo-org/xet-model", "model.safetensors"];
    let mut kills = 0;
    for _ in 0..4 {
        server.clear_requests();
        let child = spawn(&env, &args);
        kills += usize::from(kill_after_request(
            &server,
            child,
            ("GET", "/fetch_term"),
            1,
            dice.between(50, 3000),
        ));
        let partial = partial_bytes(&hub_cache(&env));
        eprintln!("after a kill: {partial} partial bytes");
        assert_cache_consistent(&hub_cache(&env));
    }
    assert!(kills > 0, "no kill landed while the download ran");
    let path = rerun_to_one_whole_file(&server, &env, &args, 5 * 1024 * 1024 + 4321);
    // Verified, then shared: the repo's blob is a link into the store.
    let blob = std::fs::read_link(&path).unwrap();
    let repo_blob = path.parent().unwrap().join(blob);
    assert!(
        std::fs::symlink_metadata(&repo_blob)
            .unwrap()
            .file_type()
            .is_symlink(),
        "{} is not shared",
        repo_blob.display()
    );
}

#[test]
fn a_snapshot_killed_at_random_points_never_shows_a_truncated_file() {
    let mut dice = Dice::new("snapshot");
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    crate::load::seed_repo(&server, "demo-user/kill-snapshot", 80);
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    // Every file takes a while, so kills land with some files done and others in flight.
    server.add_fault(FaultRule {
        origin: None,
        method: Some("GET".to_owned()),
        path_contains: "/resolve/".to_owned(),
        action: FaultAction::LatencyMs(150),
        times: None,
    });
    // Pinned: the adaptive width would finish the snapshot before any kill could land.
    let args = ["download", "demo-user/kill-snapshot", "--max-workers", "4"];
    let mut kills = 0;
    for _ in 0..4 {
        let child = spawn(&env, &args);
        kills += usize::from(kill_after(
            child,
            Duration::from_millis(dice.between(100, 1500)),
        ));
        let (blobs, pointers) = assert_cache_consistent(&hub_cache(&env));
        eprintln!("after a kill: {blobs} blobs, {pointers} snapshot files");
    }
    assert!(kills > 0, "no kill landed while the snapshot ran");
    server.clear_faults();
    let outcome = env.run(args);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let snapshot = PathBuf::from(outcome.stdout.trim());
    let (_, pointers) = assert_cache_consistent(&hub_cache(&env));
    assert_eq!(pointers, files_under(&snapshot).len());
    // The same listing, checked against the Hub's own sizes.
    let listing = hf_tree(&server, "demo-user/kill-snapshot");
    assert_eq!(listing.len(), pointers, "{listing:?}");
    for (path, size) in listing {
        assert_eq!(
            std::fs::metadata(snapshot.join(&path)).unwrap().len(),
            size,
            "{path}"
        );
    }
}

/// `(path, size)` of every file of `repo` at main, from the server.
fn hf_tree(server: &TestServer, repo: &str) -> Vec<(String, u64)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
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
        let repo = hf_hub::Repo::model(hf_hub::RepoId::new(repo).unwrap());
        api.list_repo_tree(&repo, "main", None, true)
            .await
            .unwrap()
            .into_iter()
            .filter(hf_hub::tree::TreeEntry::is_file)
            .map(|e| (e.path.clone(), e.content_size()))
            .collect()
    })
}

#[test]
fn a_multi_commit_upload_killed_at_random_points_leaves_only_whole_commits() {
    multi_commit_upload_killed_at_random_points("multi-commit upload", false);
}

/// The same with every file binary (`*.bin`, LFS by the repo's `.gitattributes`): uploaded
/// through Xet before each commit.
#[test]
fn a_multi_commit_xet_upload_killed_at_random_points_leaves_only_whole_commits() {
    multi_commit_upload_killed_at_random_points("multi-commit Xet upload", true);
}

fn multi_commit_upload_killed_at_random_points(test: &str, binary: bool) {
    let mut dice = Dice::new(test);
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HF_TOKEN", &server.tokens().write);
    // 1,200 files: three commits of at most 500 operations each.
    let folder = env.path("many");
    let mut expected = std::collections::BTreeMap::new();
    for i in 0..1200u32 {
        let (rel, content) = if binary {
            let bytes: Vec<u8> = (0..2048u32)
                .map(|j| (j.wrapping_mul(2_654_435_761) ^ i.wrapping_mul(40_503)) as u8)
                .collect();
            (format!("part-{}/file-{i:04}.bin", i % 7), bytes)
        } else {
            (
                format!("part-{}/file-{i:04}.txt", i % 7),
                format!("file number {i}\n").into_bytes(),
            )
        };
        std::fs::create_dir_all(folder.join(&rel).parent().unwrap()).unwrap();
        std::fs::write(folder.join(&rel), &content).unwrap();
        expected.insert(rel, content.len() as u64);
    }
    let created = env.run(["repos", "create", "demo-user/kill-upload"]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    // Slow commits down so kills land inside them. Kill points are placed on what the server
    // has seen (the n-th commit request of this run, then a random delay), not on wall-clock
    // time from the start: a fast machine must not finish the upload before the kill.
    const COMMIT_LATENCY_MS: u64 = 400;
    server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".to_owned()),
        path_contains: "/commit/".to_owned(),
        action: FaultAction::LatencyMs(COMMIT_LATENCY_MS),
        times: None,
    });
    let folder_arg = folder.to_str().unwrap().to_owned();
    let args = ["upload", "demo-user/kill-upload", folder_arg.as_str()];
    let mut kills = 0;
    let mut landed = 0;
    for _ in 0..4 {
        let remaining_commits = (expected.len() - landed).div_ceil(500) as u64;
        if remaining_commits == 0 {
            break;
        }
        // Kill while commit `nth` of this run is under way, or shortly after it landed
        // (before the next one could: every commit takes COMMIT_LATENCY_MS).
        let nth = dice.between(1, remaining_commits + 1) as usize;
        let mut delay = dice.between(0, 2 * COMMIT_LATENCY_MS - 100);
        if nth as u64 == remaining_commits {
            // The last commit: stay inside its latency, so the kill lands before the run ends.
            delay %= COMMIT_LATENCY_MS - 100;
        }
        server.clear_requests();
        let child = spawn(&env, &args);
        kills += usize::from(kill_after_request(
            &server,
            child,
            ("POST", "/commit/"),
            nth,
            delay,
        ));
        landed = assert_whole_commits(&server, "demo-user/kill-upload", &expected);
        eprintln!("after a kill: {landed} files in the repo");
    }
    assert!(kills > 0, "no kill landed while the upload ran");
    server.clear_faults();
    let outcome = env.run(args);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let tree = hf_tree(&server, "demo-user/kill-upload");
    let files: std::collections::BTreeMap<String, u64> = tree
        .into_iter()
        .filter(|(p, _)| p != ".gitattributes")
        .collect();
    assert_eq!(
        files, expected,
        "after the re-run the repo holds exactly the folder"
    );
    if binary {
        let xet = server
            .requests()
            .iter()
            .filter(|r| r.origin == Origin::Cas && r.method == "POST")
            .count();
        assert!(xet > 0, "the binary files went through Xet");
    }
}

/// Every file in the repo is one of the folder's files with its full content size: a commit
/// is either absent or complete.
fn assert_whole_commits(
    server: &TestServer,
    repo: &str,
    expected: &std::collections::BTreeMap<String, u64>,
) -> usize {
    let mut landed = 0;
    for (path, size) in hf_tree(server, repo) {
        if path == ".gitattributes" {
            continue;
        }
        assert_eq!(expected.get(&path), Some(&size), "{path} in {repo}");
        landed += 1;
    }
    // Commits hold at most 500 operations each: a whole number of them landed, or all.
    assert!(
        landed % 500 == 0 || landed == expected.len(),
        "{landed} files: a commit was half applied"
    );
    landed
}

#[test]
fn auth_login_killed_at_random_points_never_leaves_an_empty_or_partial_token() {
    const WHOAMI_LATENCY_MS: u64 = 80;
    let mut dice = Dice::new("auth login");
    let server = TestServer::spawn(ServerConfig::default()).expect("server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint());
    server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: None,
        path_contains: "/api/whoami".to_owned(),
        action: FaultAction::LatencyMs(WHOAMI_LATENCY_MS),
        times: None,
    });
    let tokens = [server.tokens().read.clone(), server.tokens().write.clone()];
    let token_file = env.hf_home().join("token");
    let stored = env.hf_home().join("stored_tokens");
    let mut kills = 0;
    for round in 0..10 {
        let token = &tokens[round % 2];
        server.clear_requests();
        let mut child = env
            .command(["auth", "login", "--token-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().unwrap();
            let _ = stdin.write_all(format!("{token}\n").as_bytes());
        }
        kills += usize::from(if round % 4 == 3 {
            // During start-up, before anything is sent (or, on a fast machine, later).
            kill_after(child, Duration::from_millis(dice.between(0, 40)))
        } else {
            // While the token is validated (WHOAMI_LATENCY_MS), or while it is being saved;
            // even rounds always land inside the validation.
            let mut delay = dice.between(0, 2 * WHOAMI_LATENCY_MS);
            if round % 2 == 0 {
                delay %= WHOAMI_LATENCY_MS - 20;
            }
            kill_after_request(&server, child, ("GET", "/api/whoami"), 1, delay)
        });
        if token_file.exists() {
            let text = std::fs::read_to_string(&token_file).unwrap();
            assert!(
                tokens.iter().any(|t| text.trim() == t),
                "round {round}: the token file is neither absent nor a whole token ({} bytes)",
                text.len()
            );
        }
        if stored.exists() {
            let text = std::fs::read_to_string(&stored).unwrap();
            assert!(
                hf_auth::store::StoredTokens::parse(&text).is_ok(),
                "round {round}: stored_tokens is not a whole file"
            );
            assert!(
                !text.trim().is_empty(),
                "round {round}: stored_tokens is empty"
            );
        }
    }
    assert!(kills > 0, "no kill landed while a login ran");
    server.clear_faults();
    let mut child = env
        .command(["auth", "login", "--token-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{}\n", tokens[1]).as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&token_file).unwrap().trim(),
        tokens[1]
    );
    let whoami = env.run(["auth", "whoami"]);
    assert_eq!(whoami.code, Some(0), "{}", whoami.transcript());
}
