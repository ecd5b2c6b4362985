//! Uploads against hf-test-server: round trips (regular, LFS basic and multipart),
//! pull requests, delete patterns, parent commits, resumed multipart uploads, the secret
//! scan and the permission check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hf_auth::Token;
use hf_auth::http::{HubConfig, RetryPolicy};
use hf_hub::api::{CreateRepoOptions, Visibility};
use hf_hub::upload::{CommitOperation, CommitOptions, FolderUpload, UploadOptions, UploadSource};
use hf_hub::{HttpErrorKind, HubApi, Repo, RepoId, RepoType};
use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};

/// A client for `server` with `token` and quick retries.
pub(crate) fn api_for(server: &TestServer, token: &str) -> HubApi {
    let mut config = HubConfig::new(server.endpoint()).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    HubApi::new(config, Some(Token::new(token))).unwrap()
}

pub(crate) fn repo(id: &str, repo_type: RepoType) -> Repo {
    Repo::new(RepoId::new(id).unwrap(), repo_type)
}

/// Deterministic pseudo-random bytes (so LFS files do not compress or deduplicate).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn write(root: &Path, relative: &str, content: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// A folder with regular files, a small LFS file (basic transfer) and a large one (multipart).
fn sample_folder(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("README.md".to_owned(), b"# demo\n".to_vec());
    files.insert("config.json".to_owned(), b"{\"hidden\": 8}\n".to_vec());
    files.insert("nested/deep/notes.txt".to_owned(), b"hello\n".repeat(100));
    files.insert("small.bin".to_owned(), noise(300 * 1024, 1));
    files.insert(
        "weights/model.safetensors".to_owned(),
        noise(2 * 1024 * 1024 + 12345, 2),
    );
    for (path, content) in &files {
        write(root, path, content);
    }
    // Always ignored, whatever the patterns.
    write(root, ".git/config", b"[core]\n");
    write(root, ".cache/huggingface/download/x.lock", b"");
    files
}

async fn create_private(api: &HubApi, repo: &Repo) {
    let options = CreateRepoOptions::default().with_visibility(Some(Visibility::Private));
    api.create_repo(repo, &options).await.unwrap();
}

async fn download_with_our_client(
    api: &HubApi,
    repo: &Repo,
    revision: &str,
    path: &str,
) -> Vec<u8> {
    let url = api.http().url(&repo.resolve_path(revision, path)).unwrap();
    api.http()
        .get(url)
        .send()
        .await
        .unwrap()
        .read_limited(u64::MAX)
        .await
        .unwrap()
        .to_vec()
}

fn python() -> Option<PathBuf> {
    hf_test_server::python_client()
}

/// Downloads `repo` with huggingface_hub 2.5.0 into `dest` (None when the venv is missing).
fn download_with_python(
    server: &TestServer,
    token: &str,
    repo_id: &str,
    dest: &Path,
) -> Option<()> {
    let python = python()?;
    let home = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(python)
        .args([
            "-c",
            "import sys; from huggingface_hub import snapshot_download; snapshot_download(repo_id=sys.argv[1], local_dir=sys.argv[2])",
            repo_id,
        ])
        .arg(dest)
        .env("HF_ENDPOINT", server.endpoint())
        .env("HF_TOKEN", token)
        .env("HF_HOME", home.path())
        .env("HF_HUB_DISABLE_XET", "1")
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python download failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

fn quiet_options() -> UploadOptions {
    UploadOptions::default().with_parallel_parts(4)
}

/// The LFS API's path (what a Hub or repo without Xet gets).
fn lfs_options() -> UploadOptions {
    quiet_options().with_xet(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_round_trip_with_regular_basic_and_multipart_files() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    // Objects of 1 MiB or more go multipart, in 512 KiB parts.
    server.set_multipart(1024 * 1024, 512 * 1024);
    let token = server.tokens().write.clone();
    let api = api_for(&server, &token);
    let repo = repo("demo-user/round-trip", RepoType::Model);
    create_private(&api, &repo).await;
    assert!(api.repo_info(&repo, None, false).await.unwrap().private);

    let dir = tempfile::tempdir().unwrap();
    let files = sample_folder(dir.path());
    let upload = FolderUpload {
        folder: dir.path().to_path_buf(),
        ..FolderUpload::default()
    };
    let commit = CommitOptions::default().with_message("first upload");
    let report = api
        .upload_folder(&repo, &upload, &commit, &lfs_options())
        .await
        .unwrap();
    assert_eq!(report.commits.len(), 1);
    assert_eq!((report.files_added, report.lfs_uploaded), (5, 2));

    let requests = server.requests();
    let part_puts = requests
        .iter()
        .filter(|r| {
            r.origin == Origin::Cdn && r.method == "PUT" && r.path_and_query.contains("/part/")
        })
        .count();
    assert_eq!(part_puts, 5, "2 MiB + 12345 bytes in 512 KiB parts");
    assert!(
        requests.iter().any(|r| r.origin == Origin::Cdn
            && r.method == "PUT"
            && !r.path_and_query.contains("/part/")),
        "the small LFS file uses the basic transfer"
    );
    assert_eq!(
        server.cdn_auth_violations(),
        0,
        "the CDN never receives the token"
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.path_and_query.contains(".git/") && r.path_and_query.contains("config"))
    );

    let remote = api.list_repo_files(&repo, "main").await.unwrap();
    for path in files.keys() {
        assert!(remote.contains(path), "{path} missing from {remote:?}");
    }
    assert!(
        !remote
            .iter()
            .any(|p| p.starts_with(".git/") || p.starts_with(".cache/")),
        "{remote:?}"
    );
    for (path, content) in &files {
        assert_eq!(
            &download_with_our_client(&api, &repo, "main", path).await,
            content,
            "{path}"
        );
    }
    let python_dir = tempfile::tempdir().unwrap();
    if download_with_python(&server, &token, "demo-user/round-trip", python_dir.path()).is_some() {
        for (path, content) in &files {
            assert_eq!(
                &std::fs::read(python_dir.path().join(path)).unwrap(),
                content,
                "python copy of {path}"
            );
        }
    }

    // A second run changes nothing: every file is skipped.
    server.clear_requests();
    let again = api
        .upload_folder(&repo, &upload, &commit, &quiet_options())
        .await
        .unwrap();
    assert!(again.commits.is_empty());
    assert_eq!(again.files_unchanged, 5);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("/commit/") || r.origin == Origin::Cdn)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_pr_delete_patterns_and_parent_commit() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let repo = repo("demo-user/pr-repo", RepoType::Dataset);
    create_private(&api, &repo).await;
    let seed = vec![
        CommitOperation::add_bytes("data/a.csv", &b"a,b\n1,2\n"[..]),
        CommitOperation::add_bytes("data/b.csv", &b"a,b\n3,4\n"[..]),
        CommitOperation::add_bytes("data/keep.txt", &b"keep\n"[..]),
        CommitOperation::add_bytes("other/c.csv", &b"x\n"[..]),
    ];
    let first = api
        .create_commit(
            &repo,
            seed,
            &CommitOptions::default().with_message("seed"),
            &quiet_options(),
        )
        .await
        .unwrap();

    // A pull request.
    let pr = api
        .create_commit(
            &repo,
            vec![CommitOperation::add_bytes(
                "data/pr.txt",
                &b"from a PR\n"[..],
            )],
            &CommitOptions::default()
                .with_message("proposal")
                .with_description("please merge")
                .with_create_pr(true),
            &quiet_options(),
        )
        .await
        .unwrap();
    let pr_revision = pr.pr_revision.clone().expect("a PR revision");
    assert!(pr_revision.starts_with("refs/pr/"), "{pr_revision}");
    assert_eq!(pr_revision, format!("refs/pr/{}", pr.pr_num.unwrap()));
    let on_pr = api.list_repo_files(&repo, &pr_revision).await.unwrap();
    assert!(on_pr.contains(&"data/pr.txt".to_owned()));
    assert!(
        !api.list_repo_files(&repo, "main")
            .await
            .unwrap()
            .contains(&"data/pr.txt".to_owned())
    );

    // Delete patterns apply under path_in_repo only, and never to files being uploaded.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.csv", b"a,b\n5,6\n");
    let upload = FolderUpload {
        folder: dir.path().to_path_buf(),
        path_in_repo: Some("data".into()),
        delete_patterns: vec!["*.csv".into()],
        ..FolderUpload::default()
    };
    api.upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .unwrap();
    let after = api.list_repo_files(&repo, "main").await.unwrap();
    assert!(!after.contains(&"data/a.csv".to_owned()), "{after:?}");
    assert!(after.contains(&"data/b.csv".to_owned()));
    assert!(after.contains(&"data/keep.txt".to_owned()));
    assert!(
        after.contains(&"other/c.csv".to_owned()),
        "outside path_in_repo"
    );
    assert!(
        after.contains(&".gitattributes".to_owned())
            || !after.iter().any(|p| p == ".gitattributes")
    );
    assert_eq!(
        download_with_our_client(&api, &repo, "main", "data/b.csv").await,
        b"a,b\n5,6\n"
    );

    // The head moved since `first`: a commit based on it is refused.
    let stale = api
        .create_commit(
            &repo,
            vec![CommitOperation::add_bytes("late.txt", &b"late\n"[..])],
            &CommitOptions::default()
                .with_message("late")
                .with_parent_commit(Some(first.commit_oid.clone())),
            &quiet_options(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        stale.http_kind(),
        Some(&HttpErrorKind::PreconditionFailed),
        "{stale}"
    );
    let head = api
        .repo_info(&repo, None, false)
        .await
        .unwrap()
        .sha
        .unwrap();
    let fresh = api
        .create_commit(
            &repo,
            vec![
                CommitOperation::add_bytes("late.txt", &b"late\n"[..]),
                CommitOperation::delete_folder("other"),
            ],
            &CommitOptions::default()
                .with_message("late")
                .with_parent_commit(Some(head)),
            &quiet_options(),
        )
        .await
        .unwrap();
    assert_eq!(
        api.repo_info(&repo, None, false)
            .await
            .unwrap()
            .sha
            .unwrap(),
        fresh.commit_oid
    );
    assert!(
        !api.list_repo_files(&repo, "main")
            .await
            .unwrap()
            .contains(&"other/c.csv".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_multipart_upload_resumes_without_resending_accepted_parts() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    server.set_multipart(256 * 1024, 256 * 1024);
    let api = api_for(&server, &server.tokens().write);
    let repo = repo("demo-user/resume", RepoType::Model);
    create_private(&api, &repo).await;
    let dir = tempfile::tempdir().unwrap();
    let content = noise(8 * 256 * 1024 + 99, 7);
    write(dir.path(), "big.bin", &content);
    // The last part fails more often than the client retries: the first run gives up
    // (the last one, so that no other part is still in flight when it does).
    server.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("PUT".into()),
        path_contains: "/part/9?".into(),
        action: FaultAction::StatusSequence(vec![500; 3]),
        times: Some(3),
    });
    let upload = FolderUpload {
        folder: dir.path().to_path_buf(),
        ..FolderUpload::default()
    };
    let options = UploadOptions::default()
        .with_parallel_parts(2)
        .with_xet(false);
    let error = api
        .upload_folder(&repo, &upload, &CommitOptions::default(), &options)
        .await
        .unwrap_err();
    assert_eq!(error.http_kind(), Some(&HttpErrorKind::Server), "{error}");
    let accepted: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path_and_query.contains("/part/") && r.status == 200)
        .map(|r| r.path_and_query.split('?').next().unwrap().to_owned())
        .collect();
    assert!(
        !accepted.is_empty(),
        "some parts were accepted before the failure"
    );
    assert!(
        dir.path().join(".cache/huggingface/upload").is_dir(),
        "accepted parts are remembered"
    );

    server.clear_requests();
    let report = api
        .upload_folder(&repo, &upload, &CommitOptions::default(), &options)
        .await
        .unwrap();
    assert_eq!(report.parts_resumed, accepted.len());
    let resent: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path_and_query.contains("/part/"))
        .map(|r| r.path_and_query.split('?').next().unwrap().to_owned())
        .collect();
    for part in &accepted {
        assert!(!resent.contains(part), "{part} was sent again");
    }
    assert_eq!(
        accepted.len() + resent.len(),
        9,
        "every part sent exactly once overall: {accepted:?} {resent:?}"
    );
    assert_eq!(
        download_with_our_client(&api, &repo, "main", "big.bin").await,
        content
    );
    let state: Vec<_> = std::fs::read_dir(dir.path().join(".cache/huggingface/upload"))
        .unwrap()
        .collect();
    assert!(
        state.is_empty(),
        "the part state is removed once the object is complete"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_refused_with_the_file_named_unless_allowed() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let token = server.tokens().write.clone();
    let api = api_for(&server, &token);
    let repo = repo("demo-user/secrets", RepoType::Model);
    create_private(&api, &repo).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "train.py", b"import os\n\nlogin(\"");
    // The token is written into a file, never into argv or assertions' output.
    let mut script = std::fs::read(dir.path().join("train.py")).unwrap();
    script.extend_from_slice(token.as_bytes());
    script.extend_from_slice(b"\")\n");
    write(dir.path(), "train.py", &script);
    write(dir.path(), "app/.env", b"OPENAI_KEY=sk-test\n");
    let upload = FolderUpload {
        folder: dir.path().to_path_buf(),
        ..FolderUpload::default()
    };
    server.clear_requests();
    let error = api
        .upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, hf_hub::Error::SecretDetected(_)),
        "{message}"
    );
    assert!(
        message.contains("train.py:3: Hugging Face token"),
        "{message}"
    );
    assert!(message.contains("app/.env"), "{message}");
    assert!(
        !message.contains(&token[3..]),
        "the secret itself is never shown"
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent: {:?}",
        server.requests()
    );

    let options = quiet_options().with_allow_secrets(true);
    api.upload_folder(&repo, &upload, &CommitOptions::default(), &options)
        .await
        .unwrap();
    let files = api.list_repo_files(&repo, "main").await.unwrap();
    assert!(
        files.contains(&"train.py".to_owned()) && files.contains(&"app/.env".to_owned()),
        "{files:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_token_is_refused_before_any_preupload() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().read);
    let repo = repo("demo-user/private-model", RepoType::Model);
    server.clear_requests();
    let error = api
        .upload_file(
            &repo,
            UploadSource::Bytes(bytes::Bytes::from_static(b"data")),
            "new.txt",
            &CommitOptions::default(),
            &quiet_options(),
        )
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            error,
            hf_hub::Error::PermissionDenied {
                reason: hf_hub::access::WriteDenied::ReadToken,
                ..
            }
        ),
        "{message}"
    );
    assert!(message.contains("read"), "{message}");
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path_and_query == "/api/whoami-v2")
    );
    assert!(
        requests
            .iter()
            .all(|r| r.path_and_query == "/api/whoami-v2"),
        "only whoami was asked: {requests:?}"
    );

    // A fine-grained token may write only where its scopes say.
    let scoped = api_for(&server, &server.tokens().fine_grained);
    let denied = scoped
        .upload_file(
            &repo,
            UploadSource::Bytes(bytes::Bytes::from_static(b"data")),
            "new.txt",
            &CommitOptions::default(),
            &quiet_options(),
        )
        .await
        .unwrap_err();
    assert!(denied.to_string().contains("repo.write"), "{denied}");
    scoped
        .upload_file(
            &self::repo("demo-user/scoped-model", RepoType::Model),
            UploadSource::Bytes(bytes::Bytes::from_static(b"data")),
            "new.txt",
            &CommitOptions::default(),
            &quiet_options(),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_uploads_are_split_into_bounded_commits_and_resume() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let repo = repo("demo-user/many", RepoType::Model);
    create_private(&api, &repo).await;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..25 {
        write(
            dir.path(),
            &format!("f/{i:03}.txt"),
            format!("file {i}\n").as_bytes(),
        );
    }
    let upload = FolderUpload {
        folder: dir.path().to_path_buf(),
        ..FolderUpload::default()
    };
    let options = quiet_options().with_max_operations_per_commit(10);
    let commit = CommitOptions::default().with_message("bulk");
    // A first run stopped after 20 files (simulated with a pattern): two commits of 10.
    let partial = FolderUpload {
        allow_patterns: Some(vec!["f/00*".into(), "f/01*".into()]),
        ..upload.clone()
    };
    let first = api
        .upload_folder(&repo, &partial, &commit, &options)
        .await
        .unwrap();
    assert_eq!(first.commits.len(), 2);
    let done = api.list_repo_files(&repo, "main").await.unwrap();
    assert_eq!(done.iter().filter(|p| p.starts_with("f/")).count(), 20);
    let report = api
        .upload_folder(&repo, &upload, &commit, &options)
        .await
        .unwrap();
    assert_eq!(
        (
            report.files_unchanged,
            report.files_added,
            report.commits.len()
        ),
        (20, 5, 1)
    );
    let titles: Vec<String> = {
        use futures_util::TryStreamExt as _;
        api.list_repo_commits(&repo, None)
            .unwrap()
            .map_ok(|c| c.title)
            .try_collect()
            .await
            .unwrap()
    };
    assert!(titles.iter().any(|t| t == "bulk (part 2/2)"), "{titles:?}");
}

/// Requests that carry file data or make a commit.
fn upload_requests(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.path_and_query.clone())
        .filter(|p| p.contains("/commit/") || p.contains("/info/lfs/") || p.contains("/preupload/"))
        .collect()
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symlinks_out_of_the_folder_stop_the_upload_unless_allowed() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let token = server.tokens().write.clone();
    let api = api_for(&server, &token);
    let repo = repo("demo-user/links", RepoType::Model);
    create_private(&api, &repo).await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    write(&folder, "model.txt", b"weights");
    write(dir.path(), "private/id_notes.txt", b"outside the folder");
    std::os::unix::fs::symlink(
        dir.path().join("private/id_notes.txt"),
        folder.join("notes.txt"),
    )
    .unwrap();
    // A link that stays inside the folder is followed as before.
    std::os::unix::fs::symlink(folder.join("model.txt"), folder.join("alias.txt")).unwrap();
    let mut upload = FolderUpload {
        folder: folder.clone(),
        ..FolderUpload::default()
    };
    server.clear_requests();
    let error = api
        .upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .expect_err("a link out of the folder stops the upload");
    let text = error.to_string();
    assert!(matches!(error, hf_hub::Error::InvalidInput(_)), "{text}");
    assert!(
        text.contains("notes.txt") && text.contains("leads out of the folder"),
        "{text}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent: {:?}",
        server.requests()
    );

    // Excluding the link is enough.
    upload.ignore_patterns = vec!["notes.txt".to_owned()];
    api.upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .unwrap();
    let files = api.list_repo_files(&repo, "main").await.unwrap();
    assert!(files.contains(&"alias.txt".to_owned()) && !files.contains(&"notes.txt".to_owned()));

    // The explicit switch follows it.
    upload.ignore_patterns.clear();
    upload.follow_external_symlinks = true;
    api.upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .unwrap();
    let files = api.list_repo_files(&repo, "main").await.unwrap();
    assert!(files.contains(&"notes.txt".to_owned()), "{files:?}");

    // A loop is a clean error, even when following.
    std::os::unix::fs::symlink(&folder, folder.join("again")).unwrap();
    server.clear_requests();
    let error = api
        .upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
        .await
        .expect_err("a link loop is an error");
    assert!(error.to_string().contains("loop"), "{error}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_scan_reads_every_byte_of_every_file() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let token = server.tokens().write.clone();
    let api = api_for(&server, &token);
    let repo = repo("demo-user/blind-spots", RepoType::Model);
    create_private(&api, &repo).await;
    // Built at run time, so nothing token-shaped is in the tree.
    let oauth = format!("hf_oauth_{}", "Xy12".repeat(8));
    // A binary file (starts with NUL) holding the server's real token.
    let mut binary = vec![0u8; 4096];
    binary.extend_from_slice(token.as_bytes());
    // A 12 MiB file with the token past 10 MiB, far from the preupload sample.
    let mut large = noise(12 * 1024 * 1024, 7);
    let at = 11 * 1024 * 1024 + 3;
    large[at..at + token.len()].copy_from_slice(token.as_bytes());
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "app/oauth.txt",
            format!("session = {oauth}\n").into_bytes(),
            "app/oauth.txt:1: Hugging Face OAuth token",
        ),
        ("weights.bin", binary, "weights.bin:1: Hugging Face token"),
        ("big/model.safetensors", large, "big/model.safetensors:"),
    ];
    for (name, content, finding) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, &content);
        write(dir.path(), "README.md", b"# clean\n");
        let upload = FolderUpload {
            folder: dir.path().to_path_buf(),
            ..FolderUpload::default()
        };
        server.clear_requests();
        let error = api
            .upload_folder(&repo, &upload, &CommitOptions::default(), &quiet_options())
            .await
            .expect_err(&format!("the secret in {name} is found"));
        let text = error.to_string();
        assert!(matches!(error, hf_hub::Error::SecretDetected(_)), "{text}");
        assert!(text.contains(finding), "{finding} missing from: {text}");
        assert!(
            !text.contains(&token[3..]) && !text.contains(&oauth[9..]),
            "secrets are masked"
        );
        // At most the preupload (paths, sizes and the scanned 512-byte samples) was sent.
        let sent: Vec<String> = upload_requests(&server)
            .into_iter()
            .filter(|p| !p.contains("/preupload/"))
            .collect();
        assert!(
            sent.is_empty(),
            "{name}: no file data and no commit: {sent:?}"
        );
    }
    let files = api.list_repo_files(&repo, "main").await.unwrap();
    assert!(!files.iter().any(|f| f != ".gitattributes"), "{files:?}");
}

/// `check_write` against the test Hub's tokens: role, fine-grained scopes, org membership
/// (moved here from hf-auth with the check).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_access_is_judged_for_every_role() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let tokens = server.tokens();
    let check = |token: &str, kind: RepoType, id: &str| {
        let api = api_for(&server, token);
        let repo = repo(id, kind);
        async move { api.check_write_access(&repo).await }
    };
    let read = check(&tokens.read, RepoType::Model, "demo-user/new-model")
        .await
        .unwrap_err();
    assert!(
        read.to_string().contains("'demo-read' (role: read)"),
        "{read}"
    );
    let who = check(&tokens.write, RepoType::Model, "demo-org/new-model")
        .await
        .unwrap();
    assert_eq!(who.name, "demo-user");
    check(
        &tokens.fine_grained,
        RepoType::Model,
        "demo-user/scoped-model",
    )
    .await
    .unwrap();
    check(&tokens.fine_grained, RepoType::Model, "demo-user/other")
        .await
        .unwrap_err();
    check(&tokens.org_write, RepoType::Dataset, "demo-org/data")
        .await
        .unwrap();
    check(&tokens.org_write, RepoType::Model, "demo-user/m")
        .await
        .unwrap_err();
}
