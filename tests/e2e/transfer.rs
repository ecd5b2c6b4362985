//! Create a repo, upload to it, download from it, find it in the cache.

use hf_e2e::{Target, unique_name};

use crate::{logged_in, username};

#[test]
fn create_upload_download_and_list_the_cache() {
    let Some((target, session)) = logged_in("create_upload_download_and_list_the_cache") else {
        return;
    };
    if !target.write {
        hf_e2e::not_run(&format!(
            "writes are not allowed against {} (pass --write)",
            target.endpoint
        ));
        return;
    }
    let repo = format!("{}/{}", username(&session), unique_name("roundtrip"));

    let created = session
        .hf(["repos", "create", &repo, "--private"])
        .run()
        .success();
    assert!(created.stdout.contains(&repo), "{created:?}");

    let folder = session.home().join("upload");
    std::fs::create_dir_all(folder.join("data")).expect("mkdir");
    let content = format!("hello from {repo}\n");
    std::fs::write(folder.join("data/hello.txt"), &content).expect("write");
    std::fs::write(folder.join("config.json"), "{\"e2e\": true}\n").expect("write");
    let uploaded = session
        .hf(["upload", &repo])
        .current_dir(&folder)
        .run()
        .success();
    assert!(uploaded.stdout.contains("/commit/"), "{uploaded:?}");

    // One file into the cache: the printed path holds the uploaded bytes.
    let download = session
        .hf(["download", &repo, "data/hello.txt"])
        .run()
        .success();
    let path = download.stdout.trim();
    assert!(
        path.contains("snapshots") && path.ends_with("hello.txt"),
        "{download:?}"
    );
    assert_eq!(
        std::fs::read_to_string(path).expect("downloaded file"),
        content
    );

    // The whole repo into a folder.
    let local = session.home().join("local");
    session
        .hf(["download", &repo, "--local-dir"])
        .arg(&local)
        .run()
        .success();
    assert_eq!(
        std::fs::read_to_string(local.join("config.json")).expect("config.json"),
        "{\"e2e\": true}\n"
    );

    let cache = session
        .hf(["cache", "ls", "--format", "json"])
        .run()
        .success();
    assert!(
        cache.stdout.contains(&repo),
        "the cache lists the repo: {cache:?}"
    );

    session
        .hf(["repos", "delete", &repo, "--yes"])
        .run()
        .success();
    let gone = session
        .hf(["download", &repo, "config.json", "--force-download"])
        .run()
        .failure(1);
    assert!(gone.stderr.contains("not found"), "{gone:?}");
}

#[test]
fn a_public_file_downloads_read_only() {
    let Some(target) = Target::from_env("a_public_file_downloads_read_only") else {
        return;
    };
    let session = hf_e2e::Session::new(&target);
    // Against hf-test-server its seeded demo model; elsewhere a small public model
    // (HF_E2E_PUBLIC_REPO picks another, e.g. on a mirror that lacks it).
    let repo = if target.test_server {
        "demo-org/demo-model"
    } else {
        target.public_repo.as_str()
    };
    let file = "config.json";
    let first = session.hf(["download", repo, file]).run().success();
    let path = first.stdout.trim().to_owned();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("downloaded file"))
            .expect("config.json is JSON");
    assert!(json.is_object());

    // A second run is served from the cache, even offline.
    let again = session
        .hf(["download", repo, file])
        .env("HF_HUB_OFFLINE", "1")
        .run()
        .success();
    assert_eq!(again.stdout.trim(), path);
}
