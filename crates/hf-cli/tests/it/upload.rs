//! `hf upload` and the legacy `huggingface-cli upload` against the local test server.

use std::path::Path;

use hf_test_server::{Origin, ServerConfig, TestServer};

use crate::common::{Outcome, TestEnv};

/// A hermetic CLI environment with `HF_TOKEN` set to one of the server's tokens.
pub(crate) struct HubEnv {
    pub(crate) env: TestEnv,
    pub(crate) server: TestServer,
}

impl HubEnv {
    pub(crate) fn new(token: fn(&hf_test_server::Tokens) -> &String) -> Self {
        let server = TestServer::spawn(ServerConfig::default()).expect("start the test server");
        let mut env = TestEnv::new();
        env.endpoint(server.endpoint())
            .set("HF_INFERENCE_ENDPOINTS_URL", server.inference_endpoints())
            .set("HF_INFERENCE_CATALOG_URL", server.inference_catalog())
            .set("HF_TOKEN", token(server.tokens()));
        Self { env, server }
    }

    /// Runs `hf`, failing the test if any seeded token shows up in the output.
    pub(crate) fn run(&self, args: &[&str]) -> Outcome {
        let outcome = self.env.run(args);
        self.assert_no_token(&outcome);
        outcome
    }

    /// Runs `hf`, failing the test unless it exits 0.
    pub(crate) fn ok(&self, args: &[&str]) -> Outcome {
        let outcome = self.run(args);
        assert_eq!(outcome.code, Some(0), "{args:?}\n{}", outcome.transcript());
        outcome
    }

    /// Runs `hf`, failing the test unless it exits 1 (a failure, not a usage error).
    pub(crate) fn fails(&self, args: &[&str]) -> Outcome {
        let outcome = self.run(args);
        assert_eq!(outcome.code, Some(1), "{args:?}\n{}", outcome.transcript());
        outcome
    }

    pub(crate) fn assert_no_token(&self, outcome: &Outcome) {
        let t = self.server.tokens();
        for token in [
            &t.read,
            &t.write,
            &t.fine_grained,
            &t.org_write,
            &t.expired,
            &t.admin,
        ] {
            assert!(
                !outcome.stdout.contains(token.as_str())
                    && !outcome.stderr.contains(token.as_str()),
                "a token leaked:\n{}",
                outcome.transcript().replace(token.as_str(), "<TOKEN>")
            );
        }
    }

    pub(crate) fn write(&self, relative: &str, content: &[u8]) {
        let path = self.env.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// The files of a repo, through our own CLI (`hf models list REPO_ID`).
    pub(crate) fn remote_files(&self, kind: &str, repo_id: &str) -> Vec<String> {
        let outcome = self.run(&[kind, "list", repo_id, "-R", "--format", "json"]);
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        // Python's shapes: files have a `blob_id`, folders a `tree_id`.
        outcome
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry.get("blob_id").is_some())
            .map(|entry| entry["path"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn folder_with_files(hub: &HubEnv, root: &str) {
    hub.write(&format!("{root}/config.json"), b"{\"a\": 1}\n");
    hub.write(&format!("{root}/sub/notes.txt"), b"notes\n");
    hub.write(&format!("{root}/weights.bin"), &vec![7u8; 200_000]);
    hub.write(&format!("{root}/.git/HEAD"), b"ref: refs/heads/main\n");
}

#[test]
fn upload_creates_the_repo_and_prints_the_commit_url() {
    let hub = HubEnv::new(|t| &t.write);
    folder_with_files(&hub, "model");
    let outcome = hub.run(&[
        "upload",
        "demo-user/cli-model",
        "model",
        "--private",
        "--commit-message",
        "first",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let url = outcome.stdout.trim();
    assert!(
        url.starts_with(&format!(
            "{}/demo-user/cli-model/commit/",
            hub.server.endpoint()
        )),
        "{url}"
    );
    let files = hub.remote_files("models", "demo-user/cli-model");
    for path in ["config.json", "sub/notes.txt", "weights.bin"] {
        assert!(files.contains(&path.to_owned()), "{path} in {files:?}");
    }
    assert!(!files.iter().any(|f| f.starts_with(".git/")), "{files:?}");
    let info = hub
        .run(&["models", "info", "demo-user/cli-model", "--format", "json"])
        .json();
    assert_eq!(info["private"], true);

    // A single file into a sub-folder of a dataset, as a pull request, with JSON output.
    hub.write("extra.csv", b"a,b\n1,2\n");
    let outcome = hub.run(&[
        "upload",
        "datasets/demo-user/cli-data",
        "extra.csv",
        "data/train.csv",
        "--create-pr",
        "--format",
        "json",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let json = outcome.json();
    assert_eq!(json["repo_type"], "dataset");
    assert_eq!(json["commits"][0]["pr_revision"], "refs/pr/1");
    assert!(
        json["url"].as_str().unwrap().ends_with("/discussions/1"),
        "{json}"
    );

    // Nothing changed: nothing is committed.
    let again = hub.run(&["upload", "demo-user/cli-model", "model"]);
    assert_eq!(again.code, Some(0), "{}", again.transcript());
    insta::assert_snapshot!(again.stdout, @"No files have been modified since the last commit; nothing was uploaded.");
}

#[test]
fn include_exclude_and_delete_patterns() {
    let hub = HubEnv::new(|t| &t.write);
    folder_with_files(&hub, "model");
    assert_eq!(
        hub.run(&["upload", "demo-user/patterns", "model"]).code,
        Some(0)
    );
    hub.write("model/new.txt", b"new\n");
    let outcome = hub.run(&[
        "upload",
        "demo-user/patterns",
        "model",
        ".",
        "--include",
        "*.txt",
        "--exclude",
        "sub/*",
        "--delete",
        "*.json",
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let files = hub.remote_files("models", "demo-user/patterns");
    assert!(files.contains(&"new.txt".to_owned()), "{files:?}");
    assert!(
        !files.contains(&"config.json".to_owned()),
        "deleted by --delete: {files:?}"
    );
    assert!(
        files.contains(&"weights.bin".to_owned()),
        "not matched by --delete: {files:?}"
    );
}

#[test]
fn legacy_huggingface_cli_upload_works_verbatim() {
    let hub = HubEnv::new(|t| &t.write);
    folder_with_files(&hub, "model_folder");
    let output = hub
        .env
        .legacy_command(["upload", "demo-user/model-name", "./model_folder"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("deprecated"), "{stderr}");
    let files = hub.remote_files("models", "demo-user/model-name");
    assert!(files.contains(&"sub/notes.txt".to_owned()), "{files:?}");
}

#[test]
fn a_read_token_is_refused_before_anything_is_sent() {
    let hub = HubEnv::new(|t| &t.read);
    folder_with_files(&hub, "model");
    hub.server.clear_requests();
    let outcome = hub.run(&["upload", "demo-user/private-model", "model"]);
    assert_eq!(outcome.code, Some(1));
    let transcript = hub.env.normalize(&outcome.transcript());
    insta::assert_snapshot!(transcript);
    let requests = hub.server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.path_and_query == "/api/whoami-v2"),
        "only whoami: {requests:?}"
    );
}

#[test]
fn without_a_token_the_error_says_where_it_looked() {
    let hub = HubEnv::new(|t| &t.write);
    let mut env = TestEnv::new();
    env.endpoint(hub.server.endpoint());
    std::fs::write(env.path("a.txt"), b"a\n").unwrap();
    hub.server.clear_requests();
    let outcome = env.run(["upload", "demo-user/x", "a.txt"]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    assert!(
        outcome.stderr.contains("no access token found")
            && outcome.stderr.contains("HF_TOKEN")
            && !outcome.stderr.contains("built without a token"),
        "{}",
        outcome.transcript()
    );
    assert!(
        hub.server.requests().is_empty(),
        "nothing is sent without a token"
    );
}

#[test]
fn secrets_are_refused_unless_allowed() {
    let hub = HubEnv::new(|t| &t.write);
    hub.write("app/main.py", b"print('hi')\n");
    hub.write("app/.env", b"OPENAI_API_KEY=sk-123\n");
    let mut config = b"[auth]\n".to_vec();
    config.extend_from_slice(format!("token = {}\n", hub.server.tokens().write).as_bytes());
    hub.write("app/conf/settings.ini", &config);
    hub.server.clear_requests();
    let outcome = hub.run(&["upload", "demo-user/secret-app", "app"]);
    assert_eq!(outcome.code, Some(1));
    insta::assert_snapshot!(hub.env.normalize(&outcome.transcript()));
    assert!(
        !hub.server
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("preupload") || r.origin == Origin::Cdn),
        "nothing was uploaded"
    );
    let allowed = hub.run(&["upload", "demo-user/secret-app", "app", "--allow-secrets"]);
    assert_eq!(allowed.code, Some(0), "{}", allowed.transcript());
    let files = hub.remote_files("models", "demo-user/secret-app");
    assert!(
        files.contains(&".env".to_owned()) && files.contains(&"conf/settings.ini".to_owned()),
        "{files:?}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let hub = HubEnv::new(|t| &t.write);
    let missing = hub.run(&["upload", "demo-user/x", "does/not/exist"]);
    assert_eq!(missing.code, Some(2), "{}", missing.transcript());
    assert!(!Path::new(&hub.env.path("does")).exists());
    let bad_id = hub.run(&["upload", "a--b", "."]);
    assert_eq!(bad_id.code, Some(2), "{}", bad_id.transcript());
}

#[test]
fn a_repo_id_without_namespace_is_the_users_own() {
    let hub = HubEnv::new(|t| &t.write);
    hub.write("solo.txt", b"solo\n");
    let outcome = hub.run(&["upload", "solo-model", "solo.txt"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(
        outcome.stdout.contains("/demo-user/solo-model/commit/"),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        hub.remote_files("models", "demo-user/solo-model")
            .iter()
            .filter(|f| *f == "solo.txt")
            .count(),
        1
    );
}

#[test]
fn an_interrupted_file_upload_resumes_its_parts() {
    let mut hub = HubEnv::new(|t| &t.write);
    // The LFS API's multipart path (a Hub without Xet, or Xet turned off, as here).
    hub.env.set("HF_HUB_DISABLE_XET", "1");
    hub.server.set_multipart(256 * 1024, 256 * 1024);
    let content: Vec<u8> = (0..5 * 256 * 1024 + 7)
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    hub.write("big.bin", &content);
    // The last part is refused once with a status that is not retried: the run stops.
    hub.server.add_fault(hf_test_server::FaultRule {
        origin: Some(Origin::Cdn),
        method: Some("PUT".into()),
        path_contains: "/part/6?".into(),
        action: hf_test_server::FaultAction::StatusSequence(vec![400]),
        times: Some(1),
    });
    let parts = |hub: &HubEnv| -> Vec<String> {
        hub.server
            .requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path_and_query.contains("/part/") && r.status == 200)
            .map(|r| {
                r.path_and_query
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let failed = hub.run(&["upload", "demo-user/resumed", "big.bin"]);
    assert_eq!(failed.code, Some(1), "{}", failed.transcript());
    let first = parts(&hub);
    assert_eq!(first.len(), 5, "{first:?}");
    hub.server.clear_requests();
    let done = hub.run(&["upload", "demo-user/resumed", "big.bin", "--format", "json"]);
    assert_eq!(done.code, Some(0), "{}", done.transcript());
    assert_eq!(done.json()["parts_resumed"], 5);
    let second = parts(&hub);
    assert_eq!(
        second.len(),
        1,
        "only the missing part is sent again: {second:?}"
    );
    assert!(!first.contains(&second[0]));
}

#[test]
fn uploads_go_through_xet_and_report_the_bytes_sent_and_deduplicated() {
    let hub = HubEnv::new(|t| &t.write);
    let content: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    hub.write("a.bin", &content);
    hub.write("b.bin", &content);
    let first = hub
        .ok(&["upload", "demo-user/xet-cli", "a.bin", "--json"])
        .json();
    assert_eq!(first["xet_files"], 1, "{first}");
    assert_eq!(first["lfs_uploaded"], 0, "{first}");
    assert!(first["bytes_uploaded"].as_u64().unwrap() > 0, "{first}");
    // The same bytes under another name: nothing new to send.
    let second = hub
        .ok(&["upload", "demo-user/xet-cli", "b.bin", "--json"])
        .json();
    assert_eq!(second["bytes_uploaded"], 0, "{second}");
    assert_eq!(second["bytes_deduplicated"], content.len(), "{second}");
    assert!(
        !hub.server
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.origin == Origin::Cdn),
        "the LFS upload URLs were used"
    );
}
