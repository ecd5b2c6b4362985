//! Xet downloads (feature `xet`): a Xet-backed file is reconstructed from the CAS through
//! `hf-xet`, verified like every download, resumed from a partial file; with Xet off it
//! comes through the bridge; a token route off the Hub is never sent the token.

use hf_hub::download::HashKind;
use hf_test_server::{FaultAction, FaultRule, Origin, RecordedRequest};

use crate::download::{api, model, options, server};

const XET_FILE: &str = "model.safetensors";
const XET_REPO: &str = "demo-org/xet-model";

/// The snapshot file's bytes hash to the blob name it links to (`blobs/<etag>`, itself a link
/// into the shared Xet store when it was published there).
fn assert_matches_its_etag(pointer: &std::path::Path) {
    let etag = std::fs::read_link(pointer).unwrap();
    assert_eq!(
        hf_hub::hash::hash_file(pointer, HashKind::Sha256).unwrap(),
        etag.file_name().unwrap().to_string_lossy()
    );
}

fn by_origin(requests: &[RecordedRequest], origin: Origin) -> Vec<&RecordedRequest> {
    requests.iter().filter(|r| r.origin == origin).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_xet_file_is_reconstructed_from_the_cas_and_verified() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, Some(&server.tokens().read));
    server.clear_requests();
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    // The snapshot links to `blobs/<etag>` (itself a link into the shared Xet store).
    assert_matches_its_etag(&pointer);
    let requests = server.requests();
    let cas = by_origin(&requests, Origin::Cas);
    assert!(
        cas.iter()
            .any(|r| r.path_and_query.contains("/reconstructions/")),
        "no reconstruction asked of the CAS: {requests:?}"
    );
    assert!(
        !by_origin(&requests, Origin::Cdn)
            .iter()
            .any(|r| r.path_and_query.starts_with("/xet/")),
        "the bridge was used: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.origin == Origin::Hub
            && r.path_and_query.contains("/xet-read-token/")
            && r.authorization),
        "the Hub's token route was asked, with the token: {requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_xet_off_the_bridge_serves_the_same_bytes() {
    let server = server();
    let (xet_cache, bridge_cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let api = api(&server, Some(&server.tokens().read));
    let through_xet = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(xet_cache.path()))
        .await
        .unwrap();
    server.clear_requests();
    let mut off = options(bridge_cache.path());
    off.xet = false;
    let through_bridge = api
        .download_file(&model(XET_REPO), XET_FILE, None, &off)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&through_xet).unwrap(),
        std::fs::read(&through_bridge).unwrap()
    );
    let requests = server.requests();
    assert!(
        by_origin(&requests, Origin::Cas)
            .iter()
            .all(|r| !r.path_and_query.contains("/reconstructions/")),
        "{requests:?}"
    );
    assert!(
        by_origin(&requests, Origin::Cdn)
            .iter()
            .any(|r| r.path_and_query.starts_with("/xet/")),
        "{requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_reconstruction_is_retried_and_the_file_still_verifies() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, Some(&server.tokens().read));
    // The CAS fails the first reconstruction request: hf-xet retries it.
    server.add_fault(FaultRule {
        origin: Some(Origin::Cas),
        method: Some("GET".to_owned()),
        path_contains: "/reconstructions/".to_owned(),
        action: FaultAction::StatusSequence(vec![503]),
        times: Some(1),
    });
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    assert_matches_its_etag(&pointer);
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.origin == Origin::Cas
            && r.path_and_query.contains("/reconstructions/")
            && r.status == 503),
        "the fault was not met: {requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_xet_download_resumes_where_it_stopped() {
    let server = server();
    let api = api(&server, Some(&server.tokens().read));
    let repo = model(XET_REPO);
    let (full_cache, cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let whole = std::fs::read(
        api.download_file(&repo, XET_FILE, None, &options(full_cache.path()))
            .await
            .unwrap(),
    )
    .unwrap();
    let etag = api
        .file_metadata(&repo, XET_FILE, "main")
        .await
        .unwrap()
        .etag;
    // An earlier run stopped after 1 MiB.
    let blobs = cache
        .path()
        .join("models--demo-org--xet-model")
        .join("blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    let kept = 1024 * 1024;
    std::fs::write(blobs.join(format!("{etag}.incomplete")), &whole[..kept]).unwrap();
    server.clear_requests();
    let pointer = api
        .download_file(&repo, XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    assert!(
        std::fs::read(&pointer).unwrap() == whole,
        "the resumed file differs"
    );
    let requests = server.requests();
    let asked: Vec<_> = by_origin(&requests, Origin::Cas)
        .into_iter()
        .filter(|r| r.path_and_query.contains("/reconstructions/"))
        .collect();
    assert!(
        asked.iter().all(|r| r
            .range
            .as_deref()
            .is_some_and(|range| range.starts_with(&format!("bytes={kept}-")))),
        "the reconstruction was not asked from byte {kept}: {asked:?}"
    );
    assert!(!asked.is_empty());
}

/// A new (Xet-enabled) repo `id` and a client holding the write token.
async fn new_repo(server: &hf_test_server::TestServer, id: &str) -> (hf_hub::HubApi, hf_hub::Repo) {
    let api = api(server, Some(&server.tokens().write));
    let repo = model(id);
    api.create_repo(&repo, &hf_hub::api::CreateRepoOptions::default())
        .await
        .unwrap();
    (api, repo)
}

/// Deterministic bytes that neither compress nor deduplicate by accident.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_go_through_xet_and_send_only_new_chunks() {
    use hf_hub::upload::{CommitOptions, UploadOptions, UploadSource};

    let server = server();
    let (api, repo) = new_repo(&server, "demo-user/xet-uploads").await;
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * 1024 * 1024;
    let original = noise(7, size);
    let first = dir.path().join("weights.bin");
    std::fs::write(&first, &original).unwrap();
    server.clear_requests();
    let report = api
        .upload_file(
            &repo,
            UploadSource::Path(first),
            "weights.bin",
            &CommitOptions::default(),
            &UploadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        (report.xet_files, report.lfs_uploaded),
        (1, 0),
        "{report:?}"
    );
    assert!(report.bytes_uploaded >= size as u64 / 2, "{report:?}");
    let requests = server.requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.origin == Origin::Cdn && r.method == "PUT"),
        "nothing went through the LFS upload URLs: {requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.origin == Origin::Cas && r.method == "POST"),
        "{requests:?}"
    );

    // The same weights with 64 KiB changed in the middle: only the chunks around the change go.
    let mut edited = original.clone();
    edited[size / 2..size / 2 + 64 * 1024].copy_from_slice(&noise(99, 64 * 1024));
    let second = dir.path().join("weights-v2.bin");
    std::fs::write(&second, &edited).unwrap();
    let report = api
        .upload_file(
            &repo,
            UploadSource::Path(second),
            "weights-v2.bin",
            &CommitOptions::default(),
            &UploadOptions::default(),
        )
        .await
        .unwrap();
    assert!(
        report.bytes_uploaded < size as u64 / 4,
        "sent {} of {size}: {report:?}",
        report.bytes_uploaded
    );
    assert!(report.bytes_deduplicated > size as u64 / 2, "{report:?}");

    // Both read back byte for byte (through Xet).
    let cache = tempfile::tempdir().unwrap();
    for (path, expected) in [("weights.bin", &original), ("weights-v2.bin", &edited)] {
        let got = api
            .download_file(&repo, path, None, &options(cache.path()))
            .await
            .unwrap();
        assert!(std::fs::read(got).unwrap() == *expected, "{path} differs");
    }
}

/// Uploads the same bytes to two new repos (through Xet, so one Xet hash) and returns them.
async fn two_repos_with_one_file(
    server: &hf_test_server::TestServer,
    name: &str,
    bytes: &[u8],
) -> (hf_hub::Repo, hf_hub::Repo) {
    use hf_hub::upload::{CommitOptions, UploadOptions, UploadSource};
    let mut repos = Vec::new();
    for suffix in ["a", "b"] {
        let (api, repo) = new_repo(server, &format!("demo-user/{name}-{suffix}")).await;
        let report = api
            .upload_file(
                &repo,
                UploadSource::Bytes(bytes.to_vec().into()),
                "weights.bin",
                &CommitOptions::default(),
                &UploadOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(report.xet_files, 1, "{report:?}");
        repos.push(repo);
    }
    let b = repos.pop().unwrap();
    (repos.pop().unwrap(), b)
}

fn reconstructions(requests: &[RecordedRequest]) -> usize {
    by_origin(requests, Origin::Cas)
        .iter()
        .filter(|r| r.path_and_query.contains("/reconstructions/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_xet_download_goes_into_the_shared_store_and_a_second_repo_links_to_it() {
    let server = server();
    let bytes = noise(11, 3 * 1024 * 1024);
    let (first, second) = two_repos_with_one_file(&server, "shared-store", &bytes).await;
    let api = api(&server, Some(&server.tokens().read));
    let cache = tempfile::tempdir().unwrap();
    let root = cache.path();
    let metadata = api
        .file_metadata(&first, "weights.bin", "main")
        .await
        .unwrap();
    let hash = metadata.xet_hash.clone().expect("a Xet file");

    let pointer = api
        .download_file(&first, "weights.bin", None, &options(root))
        .await
        .unwrap();
    // The layout the Python client keeps: marker, payload, manifest, repo blob as a link.
    assert_eq!(
        std::fs::read_to_string(root.join("blobs/.huggingface-shared-blobs")).unwrap(),
        "1\n"
    );
    let payload = root.join("blobs").join(&hash[..2]).join(&hash);
    let meta = std::fs::symlink_metadata(&payload).unwrap();
    assert!(meta.is_file(), "the payload is a regular file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            meta.permissions().mode() & 0o222,
            0,
            "the payload is read-only"
        );
    }
    let repo_blob = root
        .join("models--demo-user--shared-store-a/blobs")
        .join(&metadata.etag);
    assert_eq!(
        std::fs::read_link(&repo_blob).unwrap(),
        std::path::Path::new("../../blobs")
            .join(&hash[..2])
            .join(&hash)
    );
    assert_eq!(
        std::fs::read_to_string(
            root.join("blobs")
                .join(&hash[..2])
                .join(format!("{hash}.refs"))
        )
        .unwrap(),
        format!(
            "models--demo-user--shared-store-a/blobs/{}\n",
            metadata.etag
        )
    );
    assert!(std::fs::read(&pointer).unwrap() == bytes);

    // The second repo has the same bytes: linked from the store, nothing reconstructed.
    server.clear_requests();
    let pointer = api
        .download_file(&second, "weights.bin", None, &options(root))
        .await
        .unwrap();
    assert!(std::fs::read(&pointer).unwrap() == bytes);
    assert_eq!(
        reconstructions(&server.requests()),
        0,
        "{:?}",
        server.requests()
    );
    let manifest = std::fs::read_to_string(
        root.join("blobs")
            .join(&hash[..2])
            .join(format!("{hash}.refs")),
    )
    .unwrap();
    assert_eq!(manifest.lines().count(), 2, "{manifest}");

    // The cache counts the payload once in its total, and in full in each repo.
    let info = hf_hub::cache::scan_cache(root).unwrap();
    let size = bytes.len() as u64;
    assert_eq!(info.repos.len(), 2);
    assert!(
        info.repos.iter().all(|r| r.size_on_disk == size),
        "{info:?}"
    );
    assert_eq!(info.size_on_disk, size);
    assert!(info.unreferenced_shared.is_empty());

    // Deleting one repo keeps the payload the other links to, and frees nothing of it.
    let a = info
        .find_repo(hf_hub::RepoType::Model, "demo-user/shared-store-a")
        .unwrap();
    let freed = info.delete_repos(&[a], false).unwrap();
    assert_eq!(freed.freed_bytes, 0, "{freed:?}");
    assert!(payload.is_file());
    assert!(std::fs::read(&pointer).unwrap() == bytes);
    // Deleting the last one removes it, and its manifest.
    let info = hf_hub::cache::scan_cache(root).unwrap();
    let b = info
        .find_repo(hf_hub::RepoType::Model, "demo-user/shared-store-b")
        .unwrap();
    let freed = info.delete_repos(&[b], false).unwrap();
    assert_eq!(freed.freed_bytes, size, "{freed:?}");
    assert!(!payload.exists());
    assert!(
        !root
            .join("blobs")
            .join(&hash[..2])
            .join(format!("{hash}.refs"))
            .exists()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_removes_shared_blobs_nothing_links_to() {
    let server = server();
    let bytes = noise(12, 1024 * 1024);
    let (first, _) = two_repos_with_one_file(&server, "orphaned", &bytes).await;
    let api = api(&server, Some(&server.tokens().read));
    let cache = tempfile::tempdir().unwrap();
    let root = cache.path();
    let hash = api
        .file_metadata(&first, "weights.bin", "main")
        .await
        .unwrap()
        .xet_hash
        .unwrap();
    api.download_file(&first, "weights.bin", None, &options(root))
        .await
        .unwrap();
    // The repo folder deleted by hand: its payload is left behind, linked from nowhere.
    std::fs::remove_dir_all(root.join("models--demo-user--orphaned-a")).unwrap();
    let info = hf_hub::cache::scan_cache(root).unwrap();
    let payload = root.join("blobs").join(&hash[..2]).join(&hash);
    assert_eq!(
        info.unreferenced_shared,
        vec![(payload.clone(), bytes.len() as u64)]
    );
    assert_eq!(info.size_on_disk, bytes.len() as u64);
    let preview = info.prune(true).unwrap();
    assert!(
        preview.paths.contains(&payload) && payload.exists(),
        "{preview:?}"
    );
    let done = info.prune(false).unwrap();
    assert_eq!(done.freed_bytes, bytes.len() as u64);
    assert!(!payload.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_shared_blobs_a_xet_download_stays_in_its_repo() {
    let server = server();
    let api = api(&server, Some(&server.tokens().read));
    let cache = tempfile::tempdir().unwrap();
    let mut off = options(cache.path());
    off.shared_blobs = false;
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &off)
        .await
        .unwrap();
    let blob = std::fs::canonicalize(&pointer).unwrap();
    assert!(blob.starts_with(
        std::fs::canonicalize(cache.path().join("models--demo-org--xet-model/blobs")).unwrap()
    ));
    assert!(!cache.path().join("blobs").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_reconstructs_its_xet_files_on_one_token_and_shares_them() {
    use hf_hub::upload::{CommitOptions, UploadOptions, UploadSource};
    let server = server();
    let (writer, repo) = new_repo(&server, "demo-user/xet-snapshot").await;
    let files: Vec<(String, Vec<u8>)> = (0..3u64)
        .map(|i| (format!("shard-{i}.bin"), noise(40 + 2 * i, 300 * 1024)))
        .collect();
    for (path, bytes) in &files {
        let report = writer
            .upload_file(
                &repo,
                UploadSource::Bytes(bytes.clone().into()),
                path,
                &CommitOptions::default(),
                &UploadOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(report.xet_files, 1, "{report:?}");
    }
    let reader = api(&server, Some(&server.tokens().read));
    let cache = tempfile::tempdir().unwrap();
    server.clear_requests();
    let snapshot = reader
        .snapshot_download(
            &repo,
            None,
            &hf_hub::patterns::PatternFilter::default(),
            &options(cache.path()),
        )
        .await
        .unwrap();
    for (path, bytes) in &files {
        assert!(
            std::fs::read(snapshot.join(path)).unwrap() == *bytes,
            "{path}"
        );
    }
    let requests = server.requests();
    let tokens = requests
        .iter()
        .filter(|r| r.path_and_query.contains("/xet-read-token/"))
        .count();
    assert_eq!(tokens, 1, "one CAS token for the snapshot: {requests:?}");
    assert_eq!(reconstructions(&requests), files.len(), "{requests:?}");
    assert!(
        !requests.iter().any(|r| r.method == "HEAD"
            || (r.origin == Origin::Cdn && r.path_and_query.starts_with("/xet/"))),
        "no HEAD and no bridge: {requests:?}"
    );
    // Each went through Xet, so each is in the shared store.
    let shared = std::fs::read_dir(cache.path().join("models--demo-user--xet-snapshot/blobs"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_symlink())
        .count();
    assert_eq!(shared, files.len());
}

fn fault(origin: Origin, method: &str, path: &str, action: FaultAction) -> FaultRule {
    FaultRule {
        origin: Some(origin),
        method: Some(method.to_owned()),
        path_contains: path.to_owned(),
        action,
        times: None,
    }
}

/// Downloads the Xet fixture while `rule` makes Xet fail: the bridge must finish it, verified,
/// and it is not published to the shared store (not Xet-verified).
async fn the_bridge_finishes_despite(
    rule: FaultRule,
) -> (hf_test_server::TestServer, hf_hub::HubApi) {
    let server = server();
    let api = api(&server, Some(&server.tokens().read));
    let cache = tempfile::tempdir().unwrap();
    server.add_fault(rule);
    server.clear_requests();
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    assert_matches_its_etag(&pointer);
    let requests = server.requests();
    assert!(
        by_origin(&requests, Origin::Cdn)
            .iter()
            .any(|r| r.path_and_query.starts_with("/xet/")),
        "the bridge served it: {requests:?}"
    );
    assert!(!cache.path().join("blobs").exists());
    (server, api)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_hub_refuses_a_xet_token_the_bridge_serves_the_file() {
    let (_server, api) = the_bridge_finishes_despite(fault(
        Origin::Hub,
        "GET",
        "/xet-read-token/",
        FaultAction::StatusSequence(vec![403; 64]),
    ))
    .await;
    // A snapshot (no HEAD: the listing's hashes) falls back to the resolve URL, with the token.
    let other = tempfile::tempdir().unwrap();
    let snapshot = api
        .snapshot_download(
            &model(XET_REPO),
            None,
            &hf_hub::patterns::PatternFilter::default(),
            &options(other.path()),
        )
        .await
        .unwrap();
    assert_matches_its_etag(&snapshot.join(XET_FILE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconstruction_the_cas_refuses_is_finished_through_the_bridge() {
    the_bridge_finishes_despite(fault(
        Origin::Cas,
        "GET",
        "/reconstructions/",
        // Not retried by hf-xet (a 5xx is, with seconds of backoff).
        FaultAction::StatusSequence(vec![403; 64]),
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_xorb_upload_failed_once_is_retried_and_one_the_cas_refuses_commits_nothing() {
    use hf_hub::upload::{CommitOptions, UploadOptions, UploadSource};
    let server = server();
    let (api, repo) = new_repo(&server, "demo-user/xet-upload-faults").await;
    let upload = |path: &'static str, seed: u64| {
        let api = &api;
        let repo = &repo;
        async move {
            api.upload_file(
                repo,
                UploadSource::Bytes(noise(seed, 2 * 1024 * 1024).into()),
                path,
                &CommitOptions::default(),
                &UploadOptions::default(),
            )
            .await
        }
    };
    // One refusal: hf-xet sends the xorb again.
    server.add_fault(FaultRule {
        times: Some(1),
        ..fault(
            Origin::Cas,
            "PUT",
            "/xorb-uploads/",
            FaultAction::StatusSequence(vec![503]),
        )
    });
    server.clear_requests();
    let report = upload("first.bin", 21).await.unwrap();
    assert_eq!(report.xet_files, 1, "{report:?}");
    let requests = server.requests();
    let xorb_posts: Vec<u16> = requests
        .iter()
        .filter(|r| r.origin == Origin::Cas && r.path_and_query.contains("/xorb-uploads/"))
        .map(|r| r.status)
        .collect();
    assert!(
        xorb_posts.first() == Some(&503) && xorb_posts.contains(&200),
        "{xorb_posts:?} {requests:?}"
    );
    // A CAS that refuses the xorb: an error saying so, and no commit.
    server.clear_faults();
    server.add_fault(fault(
        Origin::Cas,
        "POST",
        "/xorb-grants/",
        FaultAction::StatusSequence(vec![403; 256]),
    ));
    let before = api.resolve_commit(&repo, "main").await.unwrap();
    let error = upload("second.bin", 22).await.unwrap_err();
    assert!(error.to_string().contains("Xet"), "{error}");
    assert_eq!(api.resolve_commit(&repo, "main").await.unwrap(), before);
    server.clear_faults();
}
