//! `hf_hub::blocking` (feature `blocking`): the same handles and calls from a plain thread,
//! with no runtime in the test; and the repo handles' uploads (async and blocking).

use hf_hub::api::CreateRepoOptions;
use hf_hub::blocking::HubApi;
use hf_hub::{Error, Repo, RepoType};

use crate::upload::repo;

fn env_for(
    server: &hf_test_server::TestServer,
    home: &std::path::Path,
    token: &str,
) -> hf_auth::env::MapEnv {
    hf_auth::env::MapEnv::new()
        .with("HF_ENDPOINT", server.endpoint())
        .with("HF_HOME", home.to_str().unwrap())
        .with("HF_TOKEN", token)
}

#[test]
fn blocking_handles_download_list_and_upload_without_a_runtime() {
    let server = hf_test_server::TestServer::spawn(Default::default()).unwrap();
    let home = tempfile::tempdir().unwrap();
    let api =
        HubApi::from_env_source(&env_for(&server, home.path(), &server.tokens().write)).unwrap();
    assert_eq!(api.token_source(), Some(&hf_auth::TokenSource::EnvHfToken));

    // A private repo: the discovered token is sent.
    let config = api
        .model("demo-user/private-model")
        .download("config.json")
        .unwrap();
    assert!(config.starts_with(home.path().join("hub/models--demo-user--private-model")));

    let snapshot = api
        .model("demo-org/demo-model")
        .snapshot()
        .include_all(["*.json", "*.md"])
        .run()
        .unwrap();
    let names: Vec<String> = std::fs::read_dir(&snapshot)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "README.md"), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".json") || n.ends_with(".md")),
        "{names:?}"
    );

    // Explicit calls and listings, synchronously.
    let demo = Repo::parse("demo-org/demo-model", Some(RepoType::Model)).unwrap();
    assert!(api.repo_exists(&demo).unwrap());
    let files = api.list_repo_files(&demo, "main").unwrap();
    assert!(files.iter().any(|f| f == "config.json"), "{files:?}");
    let models: Vec<_> = api
        .list_models(&Default::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(models.iter().any(|m| m.id == "demo-org/demo-model"));

    // A folder upload through the handle, then the file comes back.
    let target = repo("demo-user/blocking-upload", RepoType::Model);
    api.create_repo(&target, &CreateRepoOptions::default())
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(folder.path().join("sub")).unwrap();
    std::fs::write(folder.path().join("sub/a.txt"), "alpha\n").unwrap();
    std::fs::write(folder.path().join("skip.log"), "no\n").unwrap();
    let report = api
        .model("demo-user/blocking-upload")
        .upload_folder(folder.path())
        .exclude("*.log")
        .message("from the blocking API")
        .run()
        .unwrap();
    assert_eq!(report.files_added, 1, "{report:?}");
    let commit = report.last_commit().unwrap();
    assert!(
        commit.commit_url.contains("demo-user/blocking-upload"),
        "{commit:?}"
    );
    let back = api
        .model("demo-user/blocking-upload")
        .download("sub/a.txt")
        .unwrap();
    assert_eq!(std::fs::read_to_string(back).unwrap(), "alpha\n");
    let listed = api.list_repo_files(&target, "main").unwrap();
    assert!(!listed.iter().any(|f| f == "skip.log"), "{listed:?}");

    // A single file, to a branch named on the handle.
    let branch = api.create_branch(&target, "dev", None, false).unwrap();
    assert_eq!(branch, hf_hub::api::Outcome::Done);
    let single = folder.path().join("single.bin");
    std::fs::write(&single, b"one file").unwrap();
    api.model("demo-user/blocking-upload")
        .revision("dev")
        .upload_file(&single, "weights/single.bin")
        .unwrap();
    let on_dev = api.list_repo_files(&target, "dev").unwrap();
    assert!(
        on_dev.iter().any(|f| f == "weights/single.bin"),
        "{on_dev:?}"
    );
    assert!(
        !api.list_repo_files(&target, "main")
            .unwrap()
            .iter()
            .any(|f| f == "weights/single.bin")
    );

    // A bad id is refused before anything is sent.
    let err = api.model("a--b").download("x").unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[test]
fn a_read_token_is_refused_by_the_handles_upload_before_any_upload_request() {
    let server = hf_test_server::TestServer::spawn(Default::default()).unwrap();
    let home = tempfile::tempdir().unwrap();
    let api =
        HubApi::from_env_source(&env_for(&server, home.path(), &server.tokens().read)).unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("a.txt"), "a").unwrap();
    server.clear_requests();
    let err = api
        .model("demo-user/scoped-model")
        .upload_folder(folder.path())
        .run()
        .unwrap_err();
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err}");
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("preupload")),
        "an upload request was sent"
    );
}
