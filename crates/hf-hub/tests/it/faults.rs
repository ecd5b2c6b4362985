//! Faults injected by hf-test-server into whole operations: a multi-commit upload whose second
//! commit fails (no half-applied commit, a re-run completes it), a commit answer cut off, many
//! snapshot downloads of one repo racing in one process, flaky tree pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use hf_hub::download::DownloadOptions;
use hf_hub::patterns::PatternFilter;
use hf_hub::upload::{CommitOptions, FolderUpload, UploadOptions};
use hf_test_server::{FaultAction, FaultRule, Origin, TestServer};

use crate::download::{api, model, server};

fn commit_fault(action: FaultAction, times: u32) -> FaultRule {
    FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".to_owned()),
        path_contains: "/commit/".to_owned(),
        action,
        times: Some(times),
    }
}

/// `(path, size)` of every file of `repo` at main.
async fn remote_files(api: &hf_hub::HubApi, repo: &hf_hub::Repo) -> BTreeMap<String, u64> {
    api.list_repo_tree(repo, "main", None, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.is_file() && e.path != ".gitattributes")
        .map(|e| (e.path.clone(), e.content_size()))
        .collect()
}

fn folder_of(count: usize) -> (tempfile::TempDir, BTreeMap<String, u64>) {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = BTreeMap::new();
    for i in 0..count {
        let rel = format!("batch-{}/f{i:03}.txt", i % 3);
        let content = format!("content of file {i}\n");
        std::fs::create_dir_all(dir.path().join(&rel).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(&rel), &content).unwrap();
        expected.insert(rel, content.len() as u64);
    }
    (dir, expected)
}

async fn new_repo(server: &TestServer, name: &str) -> (hf_hub::HubApi, hf_hub::Repo) {
    let api = api(server, Some(&server.tokens().write));
    let repo = model(name);
    api.create_repo(&repo, &hf_hub::api::CreateRepoOptions::default())
        .await
        .unwrap();
    (api, repo)
}

#[tokio::test]
async fn a_failed_commit_in_a_multi_commit_upload_leaves_whole_commits_and_a_rerun_completes() {
    let server = server();
    let (api, repo) = new_repo(&server, "demo-user/split-fault").await;
    let (folder, expected) = folder_of(60);
    let upload = FolderUpload {
        folder: folder.path().to_owned(),
        ..FolderUpload::default()
    };
    let options = UploadOptions::default().with_max_operations_per_commit(25);
    let commit = CommitOptions::default().with_message("split".to_owned());
    // The first commit goes through, the second fails (POSTs are not retried).
    server.add_fault(commit_fault(FaultAction::StatusSequence(vec![0, 500]), 2));
    let error = api
        .upload_folder(&repo, &upload, &commit, &options)
        .await
        .expect_err("the second commit fails");
    assert_eq!(
        error.http_kind(),
        Some(&hf_hub::HttpErrorKind::Server),
        "{error}"
    );
    let partial = remote_files(&api, &repo).await;
    assert_eq!(partial.len(), 25, "exactly the first commit landed");
    for (path, size) in &partial {
        assert_eq!(expected.get(path), Some(size), "{path}");
    }
    server.clear_faults();
    let report = api
        .upload_folder(&repo, &upload, &commit, &options)
        .await
        .unwrap();
    assert_eq!(
        report.files_unchanged,
        partial.len(),
        "what landed is not sent again"
    );
    assert_eq!(remote_files(&api, &repo).await, expected);
}

#[tokio::test]
async fn a_commit_whose_answer_is_cut_off_is_reported_and_safe_to_repeat() {
    let server = server();
    let (api, repo) = new_repo(&server, "demo-user/cut-answer").await;
    let (folder, expected) = folder_of(5);
    let upload = FolderUpload {
        folder: folder.path().to_owned(),
        ..FolderUpload::default()
    };
    let commit = CommitOptions::default().with_message("cut".to_owned());
    server.add_fault(commit_fault(FaultAction::CutBodyAfter(3), 1));
    let first = api
        .upload_folder(&repo, &upload, &commit, &UploadOptions::default())
        .await;
    // The commit may have landed (the server applied it) even though the answer broke off.
    let landed = remote_files(&api, &repo).await;
    assert!(landed.is_empty() || landed == expected, "{landed:?}");
    if first.is_ok() {
        assert_eq!(landed, expected);
    }
    let again = api
        .upload_folder(&repo, &upload, &commit, &UploadOptions::default())
        .await
        .unwrap();
    assert_eq!(remote_files(&api, &repo).await, expected);
    if !landed.is_empty() {
        assert!(
            again.commits.is_empty(),
            "a repeat of a landed commit changes nothing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_snapshot_downloads_of_one_repo_in_one_process_agree() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = Arc::new(model("demo-org/demo-model"));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..16 {
        let api = api.clone();
        let repo = repo.clone();
        let options = DownloadOptions::new(cache.path())
            .with_connections(Some(1 + i % 4))
            .with_chunk_size(256 * 1024);
        tasks.spawn(async move {
            api.snapshot_download(&repo, None, &PatternFilter::default(), &options)
                .await
        });
    }
    let mut snapshots = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        snapshots.push(joined.unwrap().expect("every concurrent snapshot succeeds"));
    }
    assert!(snapshots.windows(2).all(|w| w[0] == w[1]));
    let repo_dir = cache.path().join("models--demo-org--demo-model");
    let main = std::fs::read_to_string(repo_dir.join("refs/main")).unwrap();
    assert_eq!(main.len(), 40, "refs/main is a whole commit hash: {main:?}");
    let leftovers: Vec<_> = walk(cache.path())
        .into_iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            n.contains(".incomplete") || n.ends_with(".tmp") || n.contains(".progress")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    for pointer in walk(&snapshots[0]) {
        let blob = std::fs::canonicalize(&pointer).unwrap();
        let name = blob.file_name().unwrap().to_string_lossy().into_owned();
        let kind = hf_hub::download::HashKind::of_etag(&name).unwrap();
        assert_eq!(hf_hub::hash::hash_file(&blob, kind).unwrap(), name);
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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

#[tokio::test]
async fn flaky_tree_pages_are_retried() {
    let server = server();
    server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("GET".to_owned()),
        path_contains: "/tree/".to_owned(),
        action: FaultAction::StatusSequence(vec![503, 502]),
        times: Some(2),
    });
    let cache = tempfile::tempdir().unwrap();
    let snapshot = api(&server, None)
        .snapshot_download(
            &model("demo-org/demo-model"),
            None,
            &PatternFilter::default(),
            &DownloadOptions::new(cache.path()),
        )
        .await
        .unwrap();
    assert!(snapshot.join("config.json").is_file());
}

#[test]
fn concurrent_ref_writes_in_one_process_never_fail_or_mix() {
    // Parallel downloads in one process all end by writing refs/<revision>; every write must
    // succeed and the file must always hold one whole commit hash.
    let cache = tempfile::tempdir().unwrap();
    let repo_cache = hf_hub::cache::RepoCache::new(cache.path(), &model("org/refs"));
    std::thread::scope(|scope| {
        for t in 0..8u32 {
            let repo_cache = &repo_cache;
            scope.spawn(move || {
                for i in 0..200u32 {
                    let commit = format!("{:08x}{:032x}", t, u128::from(i) + 1);
                    repo_cache
                        .write_ref("main", &commit)
                        .unwrap_or_else(|e| panic!("thread {t}, write {i}: {e}"));
                    let now = std::fs::read_to_string(repo_cache.ref_path("main")).unwrap();
                    assert!(
                        now.len() == 40 && now.bytes().all(|b| b.is_ascii_hexdigit()),
                        "refs/main holds {now:?}"
                    );
                }
            });
        }
    });
}
