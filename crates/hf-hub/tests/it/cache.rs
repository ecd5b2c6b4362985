//! Cache scanning, deletion, pruning, verification, and interop with the Python client.

use std::path::Path;
use std::process::Command;

use hf_hub::RepoType;
use hf_hub::cache::{VerifyOutcome, scan_cache, verify_repo};
use hf_hub::patterns::PatternFilter;

use crate::download::{api, model, options, server};

#[tokio::test]
async fn scan_lists_repos_revisions_and_sizes_then_rm_and_prune_delete() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let json = PatternFilter::new(Some(["*.json"]), Vec::<String>::new());
    let main = api
        .snapshot_download(&repo, None, &json, &options(cache.path()))
        .await
        .unwrap();
    let dev = api
        .snapshot_download(&repo, Some("dev"), &json, &options(cache.path()))
        .await
        .unwrap();
    assert_ne!(main, dev);

    let info = scan_cache(cache.path()).unwrap();
    assert_eq!(info.repos.len(), 1, "{:?}", info.warnings);
    let cached = &info.repos[0];
    assert_eq!(
        (cached.repo_type, cached.repo_id.as_str()),
        (RepoType::Model, "demo-org/demo-model")
    );
    assert_eq!(cached.revisions.len(), 2);
    assert_eq!(cached.refs.len(), 2);
    let expected_size: u64 = std::fs::read_dir(cached.path.join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(cached.size_on_disk, expected_size);
    assert!(cached.last_accessed.is_some() && cached.last_modified.is_some());

    // Making `dev` detached: prune removes it and its blobs only used by it.
    std::fs::remove_file(cached.path.join("refs/dev")).unwrap();
    let info = scan_cache(cache.path()).unwrap();
    let summary = info.prune(false).unwrap();
    assert!(summary.paths.iter().any(|p| p == &dev), "{summary:?}");
    assert!(!dev.exists() && main.exists());
    for entry in std::fs::read_dir(&main).unwrap() {
        assert!(entry.unwrap().path().exists(), "main still resolves");
    }

    let info = scan_cache(cache.path()).unwrap();
    let dry = info.delete_repos(&[&info.repos[0]], true).unwrap();
    assert!(
        dry.freed_bytes > 0 && main.exists(),
        "a dry run deletes nothing"
    );
    info.delete_repos(&[&info.repos[0]], false).unwrap();
    assert!(scan_cache(cache.path()).unwrap().repos.is_empty());
}

#[tokio::test]
async fn verify_detects_tampered_blobs_online_and_offline() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let dir = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &options(cache.path()))
        .await
        .unwrap();
    let report = verify_repo(&dir, None).unwrap();
    assert!(
        report.files.values().all(|o| *o == VerifyOutcome::Ok),
        "{report:?}"
    );
    let blob = std::fs::canonicalize(dir.join("config.json")).unwrap();
    std::fs::write(&blob, b"{\"tampered\": true}\n").unwrap();
    let report = verify_repo(&dir, None).unwrap();
    assert!(matches!(
        report.files["config.json"],
        VerifyOutcome::Mismatch {
            algorithm: "git-sha1",
            ..
        }
    ));
    let commit = dir.file_name().unwrap().to_string_lossy().into_owned();
    let listing = api
        .list_repo_tree(&repo, &commit, None, true)
        .await
        .unwrap();
    std::fs::remove_file(dir.join("README.md")).unwrap();
    let report = verify_repo(&dir, Some(&listing)).unwrap();
    assert!(matches!(
        report.files["config.json"],
        VerifyOutcome::Mismatch { .. }
    ));
    assert_eq!(report.files["README.md"], VerifyOutcome::Missing);
    assert_eq!(report.files["model.safetensors"], VerifyOutcome::Ok);
}

fn python() -> Option<std::path::PathBuf> {
    hf_test_server::python_client()
}

fn run_python(python: &Path, script: &str, env: &[(&str, &str)]) -> String {
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .envs(env.iter().copied())
        .env("HF_HUB_DISABLE_XET", "1")
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("HF_HUB_DISABLE_UPDATE_CHECK", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn python_reads_our_cache_and_we_read_its_cache() {
    let Some(python) = python() else { return };
    let server = server();
    let api = api(&server, None);
    let repo = model("demo-org/demo-model");
    let ours = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let ours_str = ours.path().to_string_lossy().into_owned();
    let dir = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &options(ours.path()))
        .await
        .unwrap();
    // Python, offline, loads our snapshot and prints each file's sha256.
    let script = "import hashlib,os,sys\nfrom huggingface_hub import snapshot_download\np=snapshot_download('demo-org/demo-model', local_files_only=True)\nprint(p)\nfor f in sorted(os.listdir(p)):\n    print(f, hashlib.sha256(open(os.path.join(p,f),'rb').read()).hexdigest())\n";
    let out = run_python(
        &python,
        script,
        &[
            ("HF_HUB_CACHE", &ours_str),
            ("HF_HUB_OFFLINE", "1"),
            ("HF_HOME", &home.path().to_string_lossy()),
        ],
    );
    let mut lines = out.lines();
    assert_eq!(lines.next().unwrap(), dir.to_string_lossy());
    let mut count = 0;
    for line in lines {
        let (name, digest) = line.split_once(' ').unwrap();
        let ours =
            hf_hub::hash::hash_file(&dir.join(name), hf_hub::download::HashKind::Sha256).unwrap();
        assert_eq!(digest, ours, "{name} is byte-identical");
        count += 1;
    }
    assert_eq!(count, 6);

    // The other way: Python downloads, we read it offline and list it.
    let theirs = tempfile::tempdir().unwrap();
    let theirs_str = theirs.path().to_string_lossy().into_owned();
    let out = run_python(
        &python,
        "from huggingface_hub import snapshot_download\nprint(snapshot_download('demo-org/demo-model'))\n",
        &[
            ("HF_HUB_CACHE", &theirs_str),
            ("HF_ENDPOINT", server.endpoint()),
            ("HF_HOME", &home.path().to_string_lossy()),
        ],
    );
    let python_dir = Path::new(out.trim());
    let mut offline = options(theirs.path());
    offline.local_files_only = true;
    let read = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &offline)
        .await
        .unwrap();
    assert_eq!(read, python_dir);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(dir.join(&name)).unwrap(),
            std::fs::read(read.join(&name)).unwrap()
        );
    }
    let report = verify_repo(&read, None).unwrap();
    assert!(
        report.files.values().all(|o| *o == VerifyOutcome::Ok),
        "{report:?}"
    );
    let info = scan_cache(theirs.path()).unwrap();
    assert_eq!(info.repos.len(), 1);
    assert_eq!(info.repos[0].repo_id, "demo-org/demo-model");
    assert_eq!(info.repos[0].revisions[0].files.len(), 6);

    // The commit's listing is shared too (trees/<commit>.json): online, each client confirms
    // the other's complete snapshot without listing the tree again.
    server.clear_requests();
    let online = api
        .snapshot_download(&repo, None, &PatternFilter::all(), &options(theirs.path()))
        .await
        .unwrap();
    assert_eq!(online, python_dir);
    let after_ours = server.requests();
    assert!(
        after_ours.len() == 1 && after_ours[0].path_and_query.contains("/revision/main"),
        "we listed the tree although Python's trees/<commit>.json was there: {after_ours:?}"
    );
    server.clear_requests();
    run_python(
        &python,
        "from huggingface_hub import snapshot_download
print(snapshot_download('demo-org/demo-model'))
",
        &[
            ("HF_HUB_CACHE", &ours_str),
            ("HF_ENDPOINT", server.endpoint()),
            ("HF_HOME", &home.path().to_string_lossy()),
        ],
    );
    let after_python = server.requests();
    assert!(
        after_python
            .iter()
            .any(|r| r.path_and_query.contains("/revision/main"))
            && !after_python
                .iter()
                .any(|r| r.path_and_query.contains("/tree/")),
        "Python listed the tree although our trees/<commit>.json was there: {after_python:?}"
    );
}

/// Python 2.4's default cache with hf_xet: a repo's `blobs/<etag>` is a link into the shared
/// Xet store (`<cache>/blobs/<h[:2]>/<xet_hash>`). The scan follows both links textually,
/// counts the content once per repo, does not take the store for a repo, and `verify
/// --offline` reads the etag from the snapshot link, not from the store's name. A cache
/// reached through a relative path with `..` resolves the same way.
#[cfg(unix)]
#[test]
fn a_shared_xet_blob_store_is_followed_through_both_links() {
    use std::os::unix::fs::symlink;
    let temp = tempfile::tempdir().unwrap();
    let cache = temp.path().join("hub");
    let xet_hash = "ab".to_owned() + &"c".repeat(62);
    let data = b"shared weights\n";
    let etag = sha256_hex(data);
    let store = cache.join("blobs").join(&xet_hash[..2]);
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(store.join(&xet_hash), data).unwrap();
    std::fs::write(cache.join("blobs/.huggingface-shared-blobs"), "1\n").unwrap();
    let commit = "1".repeat(40);
    for name in ["models--org--one", "models--org--two"] {
        let repo = cache.join(name);
        std::fs::create_dir_all(repo.join("blobs")).unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::create_dir_all(repo.join("snapshots").join(&commit).join("sub")).unwrap();
        std::fs::write(repo.join("refs/main"), &commit).unwrap();
        symlink(
            format!("../../blobs/{}/{xet_hash}", &xet_hash[..2]),
            repo.join("blobs").join(&etag),
        )
        .unwrap();
        symlink(
            format!("../../../blobs/{etag}"),
            repo.join("snapshots").join(&commit).join("sub/w.bin"),
        )
        .unwrap();
        symlink(
            format!("../../blobs/{etag}"),
            repo.join("snapshots").join(&commit).join("copy.bin"),
        )
        .unwrap();
    }
    let info = scan_cache(&cache).unwrap();
    assert!(info.warnings.is_empty(), "{:?}", info.warnings);
    assert_eq!(info.repos.len(), 2, "the shared store is not a repo");
    for repo in &info.repos {
        assert_eq!(
            repo.size_on_disk,
            data.len() as u64,
            "{}: counted once",
            repo.repo_id
        );
        assert_eq!(repo.nb_files, 1);
        let files = &repo.revisions[0].files;
        assert_eq!(files.len(), 2);
        for file in files {
            assert_eq!(file.blob, store.join(&xet_hash), "{file:?}");
            assert_eq!(file.size, data.len() as u64);
        }
        let report = verify_repo(&repo.revisions[0].path, None).unwrap();
        assert!(
            report.files.values().all(|o| *o == VerifyOutcome::Ok),
            "{:?}",
            report.files
        );
    }
    // The same cache through `<temp>/x/../hub`.
    std::fs::create_dir_all(temp.path().join("x")).unwrap();
    let roundabout = temp.path().join("x").join("..").join("hub");
    let again = scan_cache(&roundabout).unwrap();
    assert_eq!(again.repos.len(), 2);
    assert_eq!(again.repos[0].size_on_disk, data.len() as u64);

    // The whole cache counts the shared payload once.
    assert_eq!(info.size_on_disk, data.len() as u64);
    // Without a manifest nothing says who links to the payload: deleting every repo keeps it
    // (a leak, never a deletion of something still linked), and frees nothing of it.
    let payload = store.join(&xet_hash);
    let freed = info.delete_repos(&[&info.repos[0]], true).unwrap();
    assert_eq!(freed.freed_bytes, 0);
    // With the manifest Python writes, the payload goes with the last repo linking to it.
    std::fs::write(
        store.join(format!("{xet_hash}.refs")),
        format!("models--org--one/blobs/{etag}\nmodels--org--two/blobs/{etag}\n"),
    )
    .unwrap();
    let info = scan_cache(&cache).unwrap();
    let summary = info.delete_repos(&[&info.repos[0]], false).unwrap();
    assert_eq!(summary.freed_bytes, 0, "the other repo still links to it");
    assert!(payload.is_file());
    let info = scan_cache(&cache).unwrap();
    assert_eq!(info.repos.len(), 1);
    let summary = info.delete_repos(&[&info.repos[0]], false).unwrap();
    assert_eq!(summary.freed_bytes, data.len() as u64);
    assert!(!payload.exists(), "collected with its last link");
    assert!(!store.join(format!("{xet_hash}.refs")).exists());
}

/// A store the Python client filled serves our downloads of the same Xet file, in any repo:
/// linked, not downloaded (with or without our `xet` feature).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_xet_file_in_the_shared_store_is_linked_instead_of_downloaded() {
    let server = server();
    let api = api(&server, Some(&server.tokens().read));
    let repo = model("demo-org/xet-model");
    let metadata = api
        .file_metadata(&repo, "model.safetensors", "main")
        .await
        .unwrap();
    let hash = metadata.xet_hash.clone().expect("a Xet file");
    let elsewhere = tempfile::tempdir().unwrap();
    let mut bridge_only = options(elsewhere.path());
    bridge_only.xet = false;
    let bytes = std::fs::read(
        api.download_file(&repo, "model.safetensors", None, &bridge_only)
            .await
            .unwrap(),
    )
    .unwrap();
    // The store as Python leaves it after downloading another repo's copy.
    let cache = tempfile::tempdir().unwrap();
    let prefix = cache.path().join("blobs").join(&hash[..2]);
    std::fs::create_dir_all(&prefix).unwrap();
    std::fs::write(cache.path().join("blobs/.huggingface-shared-blobs"), "1\n").unwrap();
    std::fs::write(prefix.join(&hash), &bytes).unwrap();
    std::fs::write(
        prefix.join(format!("{hash}.refs")),
        format!("models--other--copy/blobs/{}\n", metadata.etag),
    )
    .unwrap();
    server.clear_requests();
    let pointer = api
        .download_file(&repo, "model.safetensors", None, &options(cache.path()))
        .await
        .unwrap();
    assert!(std::fs::read(&pointer).unwrap() == bytes);
    let requests = server.requests();
    assert!(
        requests.iter().all(|r| r.method == "HEAD"),
        "only the HEAD was needed: {requests:?}"
    );
    let repo_blob = cache
        .path()
        .join("models--demo-org--xet-model/blobs")
        .join(&metadata.etag);
    assert!(
        std::fs::symlink_metadata(&repo_blob)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let manifest = std::fs::read_to_string(prefix.join(format!("{hash}.refs"))).unwrap();
    assert!(
        manifest.ends_with(&format!(
            "models--demo-org--xet-model/blobs/{}\n",
            metadata.etag
        )),
        "{manifest}"
    );
    // A wrong-sized store entry is never used: the file is downloaded instead.
    let other = tempfile::tempdir().unwrap();
    let prefix = other.path().join("blobs").join(&hash[..2]);
    std::fs::create_dir_all(&prefix).unwrap();
    std::fs::write(other.path().join("blobs/.huggingface-shared-blobs"), "1\n").unwrap();
    std::fs::write(prefix.join(&hash), b"truncated").unwrap();
    let pointer = api
        .download_file(&repo, "model.safetensors", None, &options(other.path()))
        .await
        .unwrap();
    assert!(std::fs::read(&pointer).unwrap() == bytes);
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A snapshot of demo-org/demo-model's JSON files as a killed run leaves it: config.json not
/// placed (its blob gone too when `blob_gone`, so the next run must fetch it) and the dead
/// run's temporary beside it. The pid is above the largest Linux hands out (2^22), so never a
/// live process. Returns the API, repo, filter, snapshot folder and the temporary.
#[cfg(target_os = "linux")]
async fn snapshot_left_by_a_killed_run(
    server: &hf_test_server::TestServer,
    cache: &Path,
    blob_gone: bool,
) -> (
    hf_hub::HubApi,
    hf_hub::Repo,
    PatternFilter,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let api = api(server, None);
    let repo = model("demo-org/demo-model");
    let json = PatternFilter::new(Some(["*.json"]), Vec::<String>::new());
    let snapshot = api
        .snapshot_download(&repo, None, &json, &options(cache))
        .await
        .unwrap();
    if blob_gone {
        let blob = std::fs::canonicalize(snapshot.join("config.json")).unwrap();
        std::fs::remove_file(blob).unwrap();
    }
    std::fs::remove_file(snapshot.join("config.json")).unwrap();
    let stale = snapshot.join(".config.json.4194399.3.tmp");
    std::fs::write(&stale, "").unwrap();
    (api, repo, json, snapshot, stale)
}

/// A run killed between a temporary's creation and its rename leaves `.<name>.<pid>.<n>.tmp`
/// beside the file it was placing; the next snapshot download, placing that file, removes it
/// (its process is gone) and nothing else.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_killed_runs_temporary_is_removed_from_the_snapshot() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let (api, repo, json, snapshot, stale) =
        snapshot_left_by_a_killed_run(&server, cache.path(), false).await;
    let ours = snapshot.join(".notes.tmp");
    std::fs::write(&ours, "mine").unwrap();
    api.snapshot_download(&repo, None, &json, &options(cache.path()))
        .await
        .unwrap();
    assert!(!stale.exists(), "the dead run's temporary is gone");
    assert!(snapshot.join("config.json").is_file());
    assert!(ours.exists(), "a file that is not one of ours is kept");
}

/// The leftover is removed before the next run places anything: a run that is itself
/// interrupted (here: every resolve answer takes seconds, and the run is dropped) still took
/// it away. Removed only at the end, it stayed for good once an interrupted run had placed
/// the file (CI's kill test found an 82nd file that way).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_killed_runs_temporary_is_removed_even_when_the_next_run_is_interrupted() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let (api, repo, json, _, stale) =
        snapshot_left_by_a_killed_run(&server, cache.path(), true).await;
    server.add_fault(hf_test_server::FaultRule {
        origin: None,
        method: Some("GET".to_owned()),
        path_contains: "/resolve/".to_owned(),
        action: hf_test_server::FaultAction::LatencyMs(5_000),
        times: None,
    });
    let interrupted = tokio::time::timeout(
        std::time::Duration::from_millis(1_500),
        api.snapshot_download(&repo, None, &json, &options(cache.path())),
    )
    .await;
    assert!(interrupted.is_err(), "the run was meant to be cut short");
    assert!(
        !stale.exists(),
        "the dead run's temporary is gone at the start"
    );
}
