//! Downloads against hf-test-server: cache layout, CDN without token, parallel ranges,
//! resume, integrity, retries, locks, offline mode and error messages.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hf_auth::Token;
use hf_auth::http::HubConfig;
use hf_hub::download::{DownloadOptions, HashKind};
use hf_hub::patterns::PatternFilter;
use hf_hub::{Error, HubApi, Repo, RepoId, RepoType};
use hf_test_server::{FaultAction, FaultRule, Origin, RecordedRequest, ServerConfig, TestServer};

pub(crate) fn server() -> TestServer {
    TestServer::spawn(ServerConfig::default()).expect("test server starts")
}

pub(crate) fn api(server: &TestServer, token: Option<&str>) -> HubApi {
    let mut config = HubConfig::new(server.endpoint()).unwrap();
    config.retry.base_delay = std::time::Duration::from_millis(10);
    config.retry.max_delay = std::time::Duration::from_millis(50);
    HubApi::new(config, token.map(|t| Token::new(t.to_owned()))).unwrap()
}

pub(crate) fn options(cache: &Path) -> DownloadOptions {
    DownloadOptions::new(cache)
}

pub(crate) fn model(id: &str) -> Repo {
    Repo::model(RepoId::new(id).unwrap())
}

fn fault(origin: Origin, path: &str, action: FaultAction, times: u32) -> FaultRule {
    FaultRule {
        origin: Some(origin),
        method: Some("GET".to_owned()),
        path_contains: path.to_owned(),
        action,
        times: Some(times),
    }
}

fn cdn_gets(requests: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    requests
        .iter()
        .filter(|r| r.origin == Origin::Cdn && r.method == "GET")
        .collect()
}

/// The etag in the blob name, checked against the content: proves the bytes are what the Hub announced.
fn assert_blob_verified(pointer: &Path) -> String {
    let blob = std::fs::canonicalize(pointer).unwrap();
    let etag = blob.file_name().unwrap().to_string_lossy().into_owned();
    let kind = HashKind::of_etag(&etag).expect("blob named by its hash");
    assert_eq!(hf_hub::hash::hash_file(&blob, kind).unwrap(), etag);
    etag
}

fn no_partial_files(cache: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![cache.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            } else if path.to_string_lossy().contains(".incomplete") {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
async fn download_file_writes_the_python_cache_layout() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let path = api
        .download_file(&repo, "config.json", None, &options(cache.path()))
        .await
        .unwrap();
    let repo_dir = cache.path().join("models--demo-org--demo-model");
    let commit = std::fs::read_to_string(repo_dir.join("refs/main")).unwrap();
    assert_eq!(
        commit.len(),
        40,
        "refs/main holds the commit without a newline: {commit:?}"
    );
    assert_eq!(
        path,
        repo_dir.join("snapshots").join(&commit).join("config.json")
    );
    let etag = assert_blob_verified(&path);
    assert_eq!(
        std::fs::read_link(&path).unwrap(),
        PathBuf::from(format!("../../blobs/{etag}"))
    );
    assert_eq!(
        etag.len(),
        40,
        "a regular file is named by its git blob sha1"
    );
    let tag = std::fs::read_to_string(cache.path().join("CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    assert!(
        cache
            .path()
            .join(".locks/models--demo-org--demo-model")
            .join(format!("{etag}.lock"))
            .exists()
    );

    // Asking by commit for a cached file sends nothing.
    server.clear_requests();
    let again = api
        .download_file(&repo, "config.json", Some(&commit), &options(cache.path()))
        .await
        .unwrap();
    assert_eq!(again, path);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn lfs_files_come_from_the_cdn_without_the_token_in_parallel_ranges() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, Some(&server.tokens().read));
    let mut opts = options(cache.path());
    opts.chunk_size = 256 * 1024;
    opts.connections = Some(4);
    let path = api
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &opts,
        )
        .await
        .unwrap();
    let etag = assert_blob_verified(&path);
    assert_eq!(etag.len(), 64, "an LFS file is named by its sha256");
    let requests = server.requests();
    let gets = cdn_gets(&requests);
    assert!(
        gets.len() >= 4,
        "expected parallel range requests, got {gets:?}"
    );
    assert!(
        gets.iter().all(|r| r.range.is_some() && !r.authorization),
        "{gets:?}"
    );
    assert_eq!(server.cdn_auth_violations(), 0);
    let size = std::fs::metadata(&path).unwrap().len();
    assert_eq!(
        gets.iter().map(|r| r.body_bytes).sum::<u64>(),
        size,
        "each byte fetched once"
    );
    assert!(no_partial_files(cache.path()).is_empty());
}

#[tokio::test]
async fn a_complete_snapshot_is_confirmed_from_the_tree_cache() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let filter = PatternFilter::new(Some(["*.json"]), ["tokenizer_config.json"]);
    let dir = api
        .snapshot_download(&repo, None, &filter, &options(cache.path()))
        .await
        .unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["config.json", "tokenizer.json"]);
    for name in &names {
        assert_blob_verified(&dir.join(name));
    }
    server.clear_requests();
    let again = api
        .snapshot_download(&repo, None, &filter, &options(cache.path()))
        .await
        .unwrap();
    assert_eq!(again, dir);
    // The first run recorded the commit's listing (trees/<commit>.json, as Python does):
    // confirming the snapshot of `main` costs one request, for the commit main is at.
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "revision only: {requests:?}");
    assert!(requests[0].path_and_query.contains("/revision/main"));
    let commit = dir.file_name().unwrap().to_str().unwrap().to_owned();
    let listing_file = dir.join("../../trees").join(format!("{commit}.json"));
    let listing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&listing_file).unwrap()).unwrap();
    assert_eq!(listing["format_version"], 1);
    assert!(listing["files"]["model.safetensors"]["lfs_sha256"].is_string());
    assert!(listing["files"]["config.json"]["blob_id"].is_string());
    // At the commit itself: no request at all.
    server.clear_requests();
    let pinned = api
        .snapshot_download(&repo, Some(&commit), &filter, &options(cache.path()))
        .await
        .unwrap();
    assert_eq!(pinned, dir);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // A corrupt listing is ignored, fetched again and rewritten.
    std::fs::write(&listing_file, "{ not json").unwrap();
    server.clear_requests();
    api.snapshot_download(&repo, Some(&commit), &filter, &options(cache.path()))
        .await
        .unwrap();
    let requests = server.requests();
    assert!(
        requests.len() == 2 && requests[1].path_and_query.contains("/tree/"),
        "{requests:?}"
    );
    assert!(
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&listing_file).unwrap()).is_ok()
    );
}

#[tokio::test]
async fn a_cut_body_is_resumed_from_where_it_stopped() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let mut opts = options(cache.path());
    opts.connections = Some(1);
    server.add_fault(fault(
        Origin::Cdn,
        "/lfs/",
        FaultAction::CutBodyAfter(1_000_000),
        1,
    ));
    let path = api
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &opts,
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    let requests = server.requests();
    let gets = cdn_gets(&requests);
    assert_eq!(gets.len(), 2, "{gets:?}");
    let cut = gets[0].body_bytes;
    assert!(cut >= 1_000_000 && cut < size, "{gets:?}");
    assert_eq!(
        gets[1].range.as_deref(),
        Some(format!("bytes={cut}-").as_str())
    );
    assert_eq!(
        gets[1].body_bytes,
        size - cut,
        "only the missing bytes are fetched again"
    );
}

#[tokio::test]
async fn parallel_ranges_survive_cuts() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let mut opts = options(cache.path());
    opts.chunk_size = 512 * 1024;
    opts.connections = Some(3);
    server.add_fault(fault(
        Origin::Cdn,
        "/lfs/",
        FaultAction::CutBodyAfter(100_000),
        3,
    ));
    let path = api
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &opts,
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    let fetched: u64 = cdn_gets(&server.requests())
        .iter()
        .map(|r| r.body_bytes)
        .sum();
    assert_eq!(fetched, size, "cut ranges resume, nothing is fetched twice");
}

#[tokio::test]
async fn corrupted_bytes_are_rejected_and_nothing_is_kept() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    server.add_fault(fault(Origin::Cdn, "/lfs/", FaultAction::CorruptBody, 100));
    let err = api
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap_err();
    let Error::Integrity {
        expected,
        actual,
        algorithm,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*algorithm, "sha256");
    assert_ne!(expected, actual);
    assert!(
        err.to_string().contains(expected.as_str()) && err.to_string().contains(actual.as_str())
    );
    let repo_dir = cache.path().join("models--demo-org--demo-model");
    assert!(no_partial_files(cache.path()).is_empty());
    assert_eq!(
        std::fs::read_dir(repo_dir.join("blobs")).unwrap().count(),
        0,
        "nothing enters blobs/"
    );
    let snapshots = repo_dir.join("snapshots");
    assert!(
        !snapshots.exists() || walk_files(&snapshots).is_empty(),
        "nothing enters snapshots/"
    );

    // Regular files are checked too (git sha1).
    server.clear_faults();
    server.add_fault(fault(
        Origin::Hub,
        "/resolve/",
        FaultAction::CorruptBody,
        100,
    ));
    let err = api
        .download_file(
            &model("demo-org/demo-model"),
            "config.json",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Integrity {
                algorithm: "git-sha1",
                ..
            }
        ),
        "{err}"
    );
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("HEAD".to_owned()),
        path_contains: "/resolve/".to_owned(),
        action: FaultAction::StatusSequence(vec![503, 503]),
        times: None,
    });
    server.add_fault(fault(
        Origin::Cdn,
        "/lfs/",
        FaultAction::RateLimit {
            retry_after_secs: 0,
        },
        1,
    ));
    let path = api
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
    let requests = server.requests();
    let statuses: Vec<u16> = requests
        .iter()
        .filter(|r| r.method == "HEAD")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [503, 503, 302]);
    assert!(cdn_gets(&requests).iter().any(|r| r.status == 429));
}

/// Copies the first `len` bytes of a file fetched into another cache as our partial download.
async fn seed_partial(server: &TestServer, cache: &Path, len: u64) -> (String, u64) {
    let other = tempfile::tempdir().unwrap();
    let full = api(server, None)
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &options(other.path()),
        )
        .await
        .unwrap();
    let etag = assert_blob_verified(&full);
    let bytes = std::fs::read(&full).unwrap();
    let blobs = cache.join("models--demo-org--demo-model/blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::write(
        blobs.join(format!("{etag}.incomplete")),
        &bytes[..len as usize],
    )
    .unwrap();
    server.clear_requests();
    (etag, bytes.len() as u64)
}

#[tokio::test]
async fn a_partial_file_from_an_earlier_run_is_resumed() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let (_, size) = seed_partial(&server, cache.path(), 1_234_567).await;
    let path = api(&server, None)
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
    let requests = server.requests();
    let gets = cdn_gets(&requests);
    assert_eq!(gets.len(), 1, "{gets:?}");
    assert_eq!(gets[0].range.as_deref(), Some("bytes=1234567-"));
    assert_eq!(gets[0].body_bytes, size - 1_234_567);
}

#[tokio::test]
async fn a_server_ignoring_range_is_handled() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    seed_partial(&server, cache.path(), 500_000).await;
    server.add_fault(fault(Origin::Cdn, "/lfs/", FaultAction::IgnoreRange, 100));
    let path = api(&server, None)
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap();
    assert_blob_verified(&path);

    // Parallel mode falls back to one stream.
    let cache = tempfile::tempdir().unwrap();
    let mut opts = options(cache.path());
    opts.chunk_size = 256 * 1024;
    let path = api(&server, None)
        .download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &opts,
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
}

#[tokio::test]
async fn concurrent_downloads_of_one_file_write_the_blob_once() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    server.add_fault(fault(
        Origin::Cdn,
        "/lfs/",
        FaultAction::DripBytesPerSec(8 * 1024 * 1024),
        100,
    ));
    let run = |api: HubApi, opts: DownloadOptions| async move {
        api.download_file(
            &model("demo-org/demo-model"),
            "model.safetensors",
            None,
            &opts,
        )
        .await
    };
    let (a, b) = tokio::join!(
        run(api(&server, None), options(cache.path())),
        run(api(&server, None), options(cache.path()))
    );
    assert_eq!(a.unwrap(), b.unwrap());
    let gets = server
        .requests()
        .into_iter()
        .filter(|r| r.origin == Origin::Cdn && r.method == "GET")
        .count();
    assert_eq!(
        gets, 1,
        "the second download waited for the first and reused its blob"
    );

    // A bounded wait fails clearly when the other holder keeps the lock.
    let repo_cache = hf_hub::cache::RepoCache::new(cache.path(), &model("demo-org/demo-model"));
    let etag = std::fs::read_dir(cache.path().join("models--demo-org--demo-model/blobs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();
    let _held = hf_hub::cache::FileLock::acquire(&repo_cache.lock_path(&etag), None)
        .await
        .unwrap();
    std::fs::remove_dir_all(cache.path().join("models--demo-org--demo-model/snapshots")).unwrap();
    let mut opts = options(cache.path());
    opts.lock_timeout = Some(std::time::Duration::from_millis(300));
    let err = run(api(&server, None), opts).await.unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
}

#[tokio::test]
async fn offline_mode_serves_the_cache_without_any_request() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let mut offline = options(cache.path());
    offline.local_files_only = true;
    let err = api
        .download_file(&repo, "config.json", None, &offline)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInCache { .. }), "{err}");
    assert!(
        err.to_string().contains("no cached revision 'main'"),
        "{err}"
    );
    let err = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &offline)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInCache { .. }), "{err}");

    let online = api
        .download_file(&repo, "config.json", None, &options(cache.path()))
        .await
        .unwrap();
    server.clear_requests();
    assert_eq!(
        api.download_file(&repo, "config.json", None, &offline)
            .await
            .unwrap(),
        online
    );
    let err = api
        .download_file(&repo, "README.md", None, &offline)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("'README.md'") && err.to_string().contains("HF_HUB_OFFLINE"),
        "{err}"
    );
    let snapshot = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &offline)
        .await
        .unwrap();
    assert_eq!(snapshot, online.parent().unwrap());

    // HF_HUB_OFFLINE in the HTTP configuration has the same effect.
    let mut config = HubConfig::new(server.endpoint()).unwrap();
    config.offline = true;
    let offline_api = HubApi::new(config, None).unwrap();
    assert_eq!(
        offline_api
            .download_file(&repo, "config.json", None, &options(cache.path()))
            .await
            .unwrap(),
        online
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn offline_a_snapshot_missing_listed_files_is_reported_incomplete() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let json_only = PatternFilter::new(Some(["*.json"]), std::iter::empty::<&str>());
    let online = api
        .snapshot_download(&repo, None, &json_only, &options(cache.path()))
        .await
        .unwrap();
    let mut offline = options(cache.path());
    offline.local_files_only = true;
    server.clear_requests();
    // What was downloaded is served; the listing (trees/<commit>.json) shows what was not.
    assert_eq!(
        api.snapshot_download(&repo, None, &json_only, &offline)
            .await
            .unwrap(),
        online
    );
    let err = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &offline)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInCache { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("lacks 3 of the 6 files asked for")
            && message.contains("model.safetensors")
            && message.contains("HF_HUB_OFFLINE"),
        "{message}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// Failed requests name the repo, revision or file and what is known (no token sent, close
/// names); what to do is the caller's to say (hf-cli's hints), so no message gives advice.
#[tokio::test]
async fn errors_name_the_repo_revision_and_file() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let anonymous = api(&server, None);
    let opts = options(cache.path());
    let no_advice = |err: &hf_hub::Error| {
        hf_test_server::assert_no_advice(&err.to_string());
        assert!(
            std::error::Error::source(err).is_some_and(|s| s.is::<hf_hub::HttpError>()),
            "the request is the source: {err:?}"
        );
    };
    let err = anonymous
        .download_file(&model("demo-org/no-such-model"), "config.json", None, &opts)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not found") && err.to_string().contains("sent without a token"),
        "{err}"
    );
    no_advice(&err);
    let err = anonymous
        .download_file(
            &model("demo-user/private-model"),
            "config.json",
            None,
            &opts,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sent without a token"), "{err}");
    assert!(!err.as_http().unwrap().token_sent());
    no_advice(&err);
    let err = api(&server, Some(&server.tokens().read))
        .download_file(&model("demo-org/gated-model"), "config.json", None, &opts)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("{}/demo-org/gated-model", server.endpoint())),
        "{err}"
    );
    assert_eq!(err.http_kind(), Some(&hf_hub::HttpErrorKind::GatedRepo));
    no_advice(&err);
    let err = anonymous
        .download_file(
            &model("demo-org/demo-model"),
            "config.json",
            Some("no-such-branch"),
            &opts,
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("revision 'no-such-branch'"),
        "{err}"
    );
    no_advice(&err);
    let err = anonymous
        .download_file(&model("demo-org/demo-model"), "config.jsn", None, &opts)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Did you mean: config.json"),
        "{err}"
    );
    assert_eq!(err.http_kind(), Some(&hf_hub::HttpErrorKind::EntryNotFound));
    no_advice(&err);
}

#[tokio::test]
async fn a_missing_file_is_recorded_in_no_exist_for_offline_lookups() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let client = api(&server, None);
    let repo = model("demo-org/demo-model");
    let err = client
        .download_file(&repo, "sub/nope.txt", None, &options(cache.path()))
        .await
        .unwrap_err();
    assert_eq!(err.http_kind(), Some(&hf_hub::HttpErrorKind::EntryNotFound));
    let repo_dir = cache.path().join("models--demo-org--demo-model");
    let commit = std::fs::read_to_string(repo_dir.join("refs/main")).expect("refs/main written");
    assert_eq!(commit.len(), 40, "{commit:?}");
    let marker = repo_dir
        .join(".no_exist")
        .join(&commit)
        .join("sub/nope.txt");
    assert_eq!(std::fs::metadata(&marker).expect("marker").len(), 0);

    let mut offline = options(cache.path());
    offline.local_files_only = true;
    server.clear_requests();
    let err = client
        .download_file(&repo, "sub/nope.txt", None, &offline)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(server.requests().is_empty(), "offline lookups send nothing");
}

#[tokio::test]
async fn renamed_repos_and_other_revisions_resolve() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let path = api
        .download_file(
            &model("demo-org/old-model-name"),
            "config.json",
            None,
            &options(cache.path()),
        )
        .await
        .unwrap();
    assert_blob_verified(&path);
    for revision in ["dev", "v1.0"] {
        let dir = api
            .snapshot_download(
                &model("demo-org/demo-model"),
                Some(revision),
                &PatternFilter::new(Some(["*.json"]), Vec::<String>::new()),
                &options(cache.path()),
            )
            .await
            .unwrap();
        let commit = std::fs::read_to_string(
            cache
                .path()
                .join("models--demo-org--demo-model/refs")
                .join(revision),
        )
        .unwrap();
        assert!(dir.ends_with(&commit));
    }
    let dataset = Repo::new(
        RepoId::new("demo-org/demo-dataset").unwrap(),
        RepoType::Dataset,
    );
    let dir = api
        .snapshot_download(
            &dataset,
            None,
            &PatternFilter::new(Some(["data/"]), Vec::<String>::new()),
            &options(cache.path()),
        )
        .await
        .unwrap();
    let pointer = dir.join("data/train.csv");
    assert_blob_verified(&pointer);
    let target = std::fs::read_link(&pointer).unwrap();
    assert!(
        target.starts_with("../../../blobs"),
        "one ../ per subdirectory: {target:?}"
    );
}

#[tokio::test]
async fn local_dir_mode_writes_python_metadata() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let local = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let mut opts = options(cache.path());
    opts.local_dir = Some(local.path().to_owned());
    let repo = model("demo-org/demo-model");
    let dir = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &opts)
        .await
        .unwrap();
    assert_eq!(dir, local.path());
    let file = local.path().join("model.safetensors");
    assert!(file.is_file() && !file.is_symlink());
    let meta = std::fs::read_to_string(
        local
            .path()
            .join(".cache/huggingface/download/model.safetensors.metadata"),
    )
    .unwrap();
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!(lines.len(), 3, "{meta}");
    assert_eq!(lines[0].len(), 40);
    assert_eq!(
        lines[1],
        hf_hub::hash::hash_file(&file, HashKind::Sha256).unwrap()
    );
    assert!(lines[2].parse::<f64>().is_ok());
    assert_eq!(
        std::fs::read_to_string(local.path().join(".cache/huggingface/.gitignore")).unwrap(),
        "*"
    );
    assert!(
        !cache.path().join("models--demo-org--demo-model").exists(),
        "local_dir mode leaves the cache alone"
    );
    server.clear_requests();
    api.snapshot_download(&repo, None, &PatternFilter::all(), &opts)
        .await
        .unwrap();
    // The revision only: the listing is in .cache/huggingface/trees, the files up to date.
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "up-to-date files are not fetched again: {requests:?}"
    );
    assert!(requests[0].path_and_query.contains("/revision/main"));
    assert!(
        std::fs::read_dir(local.path().join(".cache/huggingface/trees"))
            .unwrap()
            .count()
            == 1
    );
}

/// A hostile "Hub" that lists `../../x` and `/etc/evil` in a tree.
async fn hostile_hub(paths: &'static [&'static str]) -> hf_test_server::raw::HostileServer {
    use hf_test_server::raw::{HostileServer, Reply};
    HostileServer::start(move |seen| {
        let target = &seen.target;
        let body = if target.contains("/revision/") {
            format!(r#"{{"sha":"{}"}}"#, "a".repeat(40))
        } else if target.contains("/tree/") {
            let items: Vec<String> = paths
                .iter()
                .map(|p| {
                    format!(
                        r#"{{"type":"file","path":"{p}","oid":"{}","size":1}}"#,
                        "b".repeat(40)
                    )
                })
                .collect();
            format!("[{}]", items.join(","))
        } else {
            "x".to_owned()
        };
        Reply::new(200, &[("content-type", "application/json")], body)
    })
    .await
}

#[tokio::test]
async fn unsafe_paths_in_a_listing_are_refused() {
    for paths in [
        &["ok.txt", "../../x"][..],
        &["/etc/evil"][..],
        &["a/../../b"][..],
    ] {
        let server = hostile_hub(paths).await;
        let endpoint = server.url();
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("cache");
        let local = root.path().join("local");
        let api = HubApi::new(HubConfig::new(&endpoint).unwrap(), None).unwrap();
        let mut opts = options(&cache);
        let err = api
            .snapshot_download(&model("evil/repo"), None, &PatternFilter::all(), &opts)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::UnsafePath { .. })
                && err.to_string().contains("refusing the path"),
            "{err}"
        );
        opts.local_dir = Some(local.clone());
        let err = api
            .snapshot_download(&model("evil/repo"), None, &PatternFilter::all(), &opts)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UnsafePath { .. }), "{err}");
        let written: Vec<_> = walk_files(root.path());
        assert!(written.is_empty(), "nothing is written: {written:?}");
    }
    let _ = Arc::new(());
}

#[tokio::test]
async fn many_files_follow_tree_pagination() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let dir = api
        .snapshot_download(
            &model("demo-org/many-files"),
            None,
            &PatternFilter::all(),
            &options(cache.path()),
        )
        .await
        .unwrap();
    let files = walk_files(&dir);
    let listed = api
        .list_repo_files(&model("demo-org/many-files"), "main")
        .await
        .unwrap();
    assert!(
        listed.len() > 1000,
        "the listing spans pages: {}",
        listed.len()
    );
    assert_eq!(files.len(), listed.len());
    let trees = server
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains("/tree/"))
        .count();
    assert_eq!(trees, 4, "two pages per listing, two listings");
}

#[tokio::test]
async fn without_symlinks_files_are_real_files_in_the_snapshot() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let mut opts = options(cache.path());
    opts.use_symlinks = false;
    let dir = api
        .snapshot_download(
            &model("demo-org/demo-model"),
            None,
            &PatternFilter::new(Some(["*.json"]), Vec::<String>::new()),
            &opts,
        )
        .await
        .unwrap();
    let file = dir.join("config.json");
    assert!(file.is_file() && !file.is_symlink());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("distilbert")
    );
    let blobs = cache.path().join("models--demo-org--demo-model/blobs");
    assert_eq!(
        std::fs::read_dir(&blobs).unwrap().count(),
        0,
        "new blobs are moved, not duplicated"
    );
    let mut offline = opts.clone();
    offline.local_files_only = true;
    assert_eq!(
        api.download_file(&model("demo-org/demo-model"), "config.json", None, &offline)
            .await
            .unwrap(),
        file
    );
}

/// `HubApi::from_env` finds the token as the CLI does, and repo handles download with the
/// environment's cache settings: one statement per task.
#[tokio::test]
async fn from_env_and_repo_handles() {
    let server = server();
    let home = tempfile::tempdir().unwrap();
    let env = hf_auth::env::MapEnv::new()
        .with("HF_ENDPOINT", server.endpoint())
        .with("HF_HOME", home.path().to_str().unwrap())
        .with("HF_TOKEN", server.tokens().read.clone());
    let hub = HubApi::from_env_source(&env).unwrap();
    assert_eq!(hub.token_source(), Some(&hf_auth::TokenSource::EnvHfToken));

    // A private repo: only the discovered token can read it.
    let config = hub
        .model("demo-user/private-model")
        .download("config.json")
        .await
        .unwrap();
    assert!(config.starts_with(home.path().join("hub/models--demo-user--private-model")));
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("private-model") && r.authorization)
    );

    let snapshot = hub
        .model("demo-org/demo-model")
        .snapshot()
        .include("*.json")
        .run()
        .await
        .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&snapshot)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.ends_with(".json")), "{names:?}");

    let pinned = hub
        .model("demo-org/demo-model")
        .revision("main")
        .download("config.json")
        .await
        .unwrap();
    assert!(pinned.is_file());

    let bad = hub.model("a--b").download("x").await.unwrap_err();
    assert!(matches!(bad, Error::InvalidInput(_)), "{bad}");

    // Without download settings, handles say so (and send nothing).
    let bare = api(&server, None);
    server.clear_requests();
    let err = bare
        .model("demo-org/demo-model")
        .download("config.json")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert!(server.requests().is_empty());
    let other = home.path().join("other");
    let dataset = bare
        .with_download_options(DownloadOptions::new(&other))
        .dataset("demo-org/demo-dataset")
        .snapshot()
        .run()
        .await
        .unwrap();
    assert!(dataset.starts_with(other.join("datasets--demo-org--demo-dataset/snapshots")));
}

/// `Cache` answers "is it cached, and where" without any request, by the Python client's rules.
#[tokio::test]
async fn offline_cache_lookups_follow_refs_and_commits() {
    let server = server();
    let home = tempfile::tempdir().unwrap();
    let env = hf_auth::env::MapEnv::new().with("HF_HOME", home.path().to_str().unwrap());
    let cache = hf_hub::cache::Cache::from_env_source(&env);
    assert_eq!(cache.root(), home.path().join("hub"));
    let repo = cache.model("demo-org/demo-model");
    assert_eq!(repo.get("config.json"), None, "nothing is cached yet");

    let downloaded = api(&server, None)
        .with_download_options(DownloadOptions::new(cache.root()))
        .model("demo-org/demo-model")
        .download("config.json")
        .await
        .unwrap();
    server.clear_requests();
    assert_eq!(repo.get("config.json"), Some(downloaded.clone()));
    let commit =
        std::fs::read_to_string(cache.root().join("models--demo-org--demo-model/refs/main"))
            .unwrap();
    assert_eq!(repo.get_at("config.json", commit.trim()), Some(downloaded));
    assert_eq!(repo.get_at("config.json", "no-such-branch"), None);
    assert_eq!(repo.get("README.md"), None, "not downloaded");
    assert_eq!(repo.get("../../escape"), None);
    assert_eq!(
        cache.dataset("demo-org/demo-model").get("config.json"),
        None
    );
    assert_eq!(cache.model("bad--id").get("config.json"), None);
    assert!(!repo.known_missing("config.json", "main"));
    assert!(server.requests().is_empty(), "lookups send nothing");
}

/// The builder replaces single settings, from the defaults or from the environment.
#[tokio::test]
async fn the_builder_sets_endpoint_token_cache_and_caller() {
    let server = server();
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("explicit-cache");
    let api = HubApi::builder()
        .endpoint(server.endpoint())
        .token(Some(Token::new(server.tokens().read.clone())))
        .cache_dir(&cache)
        .connections(2)
        .caller("my-app", "1.2.0")
        .build()
        .unwrap();
    assert_eq!(api.token_source(), Some(&hf_auth::TokenSource::Explicit));
    let path = api
        .model("demo-user/private-model")
        .download("config.json")
        .await
        .unwrap();
    assert!(path.starts_with(&cache));

    // From the environment, with the cache folder replaced: the environment's token stays.
    let env = hf_auth::env::MapEnv::new()
        .with("HF_ENDPOINT", server.endpoint())
        .with("HF_HOME", home.path().to_str().unwrap())
        .with("HF_TOKEN", server.tokens().read.clone());
    let other = home.path().join("other-cache");
    let from_env = hf_hub::HubApiBuilder::from_env_source(&env)
        .unwrap()
        .cache_dir(&other)
        .build()
        .unwrap();
    assert_eq!(
        from_env.token_source(),
        Some(&hf_auth::TokenSource::EnvHfToken)
    );
    let path = from_env
        .model("demo-user/private-model")
        .download("config.json")
        .await
        .unwrap();
    assert!(path.starts_with(&other));
    // Without a cache folder, the handles refuse before sending anything.
    let bare = HubApi::builder()
        .endpoint(server.endpoint())
        .build()
        .unwrap();
    server.clear_requests();
    assert!(
        bare.model("demo-org/demo-model")
            .download("config.json")
            .await
            .is_err()
    );
    assert!(server.requests().is_empty());
}

/// Records the peak connections the engine reports per file.
#[derive(Default)]
struct PeakConnections(std::sync::Mutex<Vec<(String, usize)>>);

impl hf_hub::progress::Progress for PeakConnections {
    fn on_event(&self, event: hf_hub::progress::ProgressEvent) {
        if let hf_hub::progress::ProgressEvent::FileConnections { path, peak } = event {
            self.0.lock().unwrap().push((path.to_string(), peak));
        }
    }
}

/// With every CDN response capped (a per-connection rate, as on the internet), the adaptive
/// count widens well past its start (4 for this 48-chunk file); a file that is done before it can widen, or a
/// pinned count, stays where it is. The bytes are verified either way.
#[tokio::test]
async fn the_connection_count_rises_under_a_per_connection_cap_and_stays_low_otherwise() {
    let s = server();
    let big: Vec<u8> = (0..24 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let small: Vec<u8> = big[..3 * 1024 * 1024].to_vec();
    s.commit_files(
        "model",
        "demo-user/adaptive",
        &[("big.bin", &big), ("small.bin", &small)],
    )
    .unwrap();
    let hub = api(&s, None);
    let repo = model("demo-user/adaptive");
    let download = |file: &'static str, connections: Option<usize>| {
        timed_range_download(&hub, &repo, file, 512 * 1024, connections)
    };
    // 4 MB/s per response: 24 MiB over 2 connections would take 3 s.
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: "/lfs/".to_owned(),
        action: FaultAction::DripBytesPerSec(4_000_000),
        times: None,
    });
    let (peak, took) = download("big.bin", None).await;
    assert!(peak >= 8, "widened only to {peak} in {took:?}");
    assert!(
        took < std::time::Duration::from_secs(3),
        "{took:?} with up to {peak} connections"
    );
    let (pinned, _) = download("big.bin", Some(3)).await;
    assert_eq!(pinned, 3);
    s.clear_faults();
    // Uncapped loopback: the file is done before a wider setting could pay off.
    let (peak, _) = download("small.bin", None).await;
    assert!(peak <= 2, "{peak}");
}

/// Downloads `file` of `repo` in ranges of `chunk_size` into a fresh cache (adaptively, or
/// with `connections` pinned); returns the peak connections and the time taken. The blob is
/// verified.
async fn timed_range_download(
    hub: &hf_hub::HubApi,
    repo: &hf_hub::Repo,
    file: &str,
    chunk_size: u64,
    connections: Option<usize>,
) -> (usize, std::time::Duration) {
    let cache = tempfile::tempdir().unwrap();
    let peaks = Arc::new(PeakConnections::default());
    let mut opts = options(cache.path());
    opts.chunk_size = chunk_size;
    opts.connections = connections;
    opts.progress = peaks.clone();
    let started = std::time::Instant::now();
    let path = hub.download_file(repo, file, None, &opts).await.unwrap();
    let took = started.elapsed();
    assert_blob_verified(&path);
    let peak = peaks
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, p)| *p)
        .max()
        .unwrap_or(1);
    (peak, took)
}

/// One range served at 100 kB/s among fast ones (a straggler, which alone would need 10 s):
/// an idle connection takes over the rest of it, mid-chunk, and the file is whole and
/// verified long before the slow connection could have finished.
#[tokio::test]
async fn a_slow_range_at_the_tail_is_taken_over_by_an_idle_connection() {
    let s = server();
    let data: Vec<u8> = (0..8 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    s.commit_files("model", "demo-user/straggler", &[("weights.bin", &data)])
        .unwrap();
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: "/lfs/".to_owned(),
        action: FaultAction::DripBytesPerSec(100_000),
        times: Some(1),
    });
    let hub = api(&s, None);
    let (_, took) = timed_range_download(
        &hub,
        &model("demo-user/straggler"),
        "weights.bin",
        1024 * 1024,
        Some(4),
    )
    .await;
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");
    let starts: Vec<u64> = s
        .requests()
        .iter()
        .filter_map(|r| {
            r.range
                .as_deref()?
                .strip_prefix("bytes=")?
                .split('-')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(
        starts.iter().any(|start| start % (1024 * 1024) != 0),
        "no range started inside a chunk: {starts:?}"
    );
}

/// A 429 on a range request (waited out by the HTTP core) makes the adaptive count back off
/// instead of widening, even under a per-connection cap that would otherwise widen it.
#[tokio::test]
async fn a_rate_limited_range_stops_the_widening() {
    let s = server();
    let data: Vec<u8> = (0..6 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    s.commit_files("model", "demo-user/pushback", &[("weights.bin", &data)])
        .unwrap();
    let repo = model("demo-user/pushback");
    let hub = api(&s, None);
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: "/lfs/".to_owned(),
        action: FaultAction::DripBytesPerSec(4_000_000),
        times: None,
    });
    // Capped, not refused: it widens.
    let (free, _) = timed_range_download(&hub, &repo, "weights.bin", 1024 * 1024, None).await;
    assert!(free >= 4, "widened only to {free}");
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: "/lfs/".to_owned(),
        action: FaultAction::RateLimit {
            retry_after_secs: 0,
        },
        times: Some(1),
    });
    let (pushed_back, _) =
        timed_range_download(&hub, &repo, "weights.bin", 1024 * 1024, None).await;
    assert!(pushed_back <= 2, "widened to {pushed_back} after a 429");
    let limited = s.requests().iter().filter(|r| r.status == 429).count();
    assert_eq!(limited, 1);
}

/// `mib` MiB of bytes that differ from one MiB to the next (made a MiB at a time: a byte-wise
/// generator takes seconds in a test build).
fn varied_bytes(mib: usize) -> Vec<u8> {
    let block: Vec<u8> = (0..1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut data = Vec::with_capacity(mib << 20);
    for n in 0..mib {
        let start = data.len();
        data.extend_from_slice(&block);
        data[start..start + 8].copy_from_slice(&(n as u64).to_le_bytes());
    }
    data
}

/// A 256 MiB file and a 200-file snapshot downloaded from a CDN whose first bytes come late
/// (`action` on every CDN GET): each finishes, verified, with at most twice the requests it
/// needs (one per 16 MiB range, one per file). The old fixed 300 ms stall rule handed every
/// range over before its first byte and never finished.
async fn slow_first_bytes_finish(action: FaultAction) {
    let s = server();
    let big = varied_bytes(256);
    s.commit_files("model", "demo-user/far-away", &[("weights.bin", &big)])
        .unwrap();
    drop(big);
    let small: Vec<(String, Vec<u8>)> = (0..200)
        .map(|i| {
            (
                format!("shards/{i:03}.bin"),
                format!("shard {i}\n").repeat(500).into_bytes(),
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = small
        .iter()
        .map(|(path, data)| (path.as_str(), data.as_slice()))
        .collect();
    s.commit_files("model", "demo-user/far-shards", &files)
        .unwrap();
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("GET".to_owned()),
        path_contains: String::new(),
        action: action.clone(),
        times: None,
    });
    let hub = api(&s, None);
    let limit = std::time::Duration::from_secs(120);

    let cache = tempfile::tempdir().unwrap();
    let opts = options(cache.path());
    let path = tokio::time::timeout(
        limit,
        hub.download_file(&model("demo-user/far-away"), "weights.bin", None, &opts),
    )
    .await
    .unwrap_or_else(|_| panic!("the 256 MiB download did not finish in {limit:?} ({action:?})"))
    .unwrap();
    assert_blob_verified(&path);
    let ranges = cdn_gets(&s.requests()).len();
    assert!(
        (16..=32).contains(&ranges),
        "{ranges} range requests for 16 ranges ({action:?})"
    );

    s.clear_requests();
    let snapshot = tokio::time::timeout(
        limit,
        hub.snapshot_download(
            &model("demo-user/far-shards"),
            None,
            &PatternFilter::default(),
            &opts,
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("the 200-file snapshot did not finish in {limit:?} ({action:?})"))
    .unwrap();
    for (path, data) in &small {
        assert_eq!(&std::fs::read(snapshot.join(path)).unwrap(), data, "{path}");
    }
    let gets = cdn_gets(&s.requests()).len();
    assert!(
        (200..=400).contains(&gets),
        "{gets} CDN requests for 200 files ({action:?})"
    );
    assert!(no_partial_files(cache.path()).is_empty());
}

#[tokio::test]
async fn a_download_finishes_with_half_a_second_to_first_byte() {
    slow_first_bytes_finish(FaultAction::LatencyMs(500)).await;
}

#[tokio::test]
async fn a_download_finishes_with_two_seconds_to_first_byte() {
    slow_first_bytes_finish(FaultAction::LatencyMs(2000)).await;
}

#[tokio::test]
async fn a_download_finishes_when_each_range_needs_a_second_to_start() {
    slow_first_bytes_finish(FaultAction::FirstByteDelayMs(1000)).await;
}
