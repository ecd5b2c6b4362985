//! `hf webhooks ...` against the test server: a webhook from creation to deletion, its
//! secret read like a Space secret and never printed, and the refusals of read and
//! organisation tokens.

use crate::upload::HubEnv;

const SECRET: &str = "fake-webhook-signing-secret-4242";

#[test]
fn a_webhook_is_created_listed_disabled_updated_and_deleted_without_showing_its_secret() {
    let mut hub = HubEnv::new(|t| &t.write);
    hub.env.set("WEBHOOK_SECRET", SECRET);
    let created = hub.ok(&[
        "webhooks",
        "create",
        "--watch",
        "model:demo-org/demo-model",
        "--watch",
        "org:demo-org",
        "--url",
        "https://example.invalid/hook",
        "--secret",
        "WEBHOOK_SECRET",
        "--json",
    ]);
    assert!(
        !created.stderr.contains("command line"),
        "no argv warning: {}",
        created.stderr
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(hub.server.webhook_secret(&id).as_deref(), Some(SECRET));

    let info = hub.ok(&["webhooks", "info", &id]);
    assert!(!info.stdout.contains(SECRET), "{}", info.stdout);
    let info = info.json();
    assert_eq!(info["secret"], "(hidden)");
    assert_eq!(info["domains"], serde_json::json!(["repo", "discussion"]));
    assert_eq!(
        info["watched"][1],
        serde_json::json!({"type": "org", "name": "demo-org"})
    );

    hub.ok(&["webhooks", "disable", &id]);
    let listed = hub
        .ok(&["webhooks", "ls", "--format", "human", "--no-truncate"])
        .stdout;
    insta::assert_snapshot!(listed.replace(&id, "<ID>"), @"
    ID                        URL                           DISABLED  DOMAINS           WATCHED
    <ID>  https://example.invalid/hook  ✔         repo, discussion  model:demo-org/demo-model, org:demo-org
    ");
    let enabled = hub
        .ok(&["webhooks", "enable", &id, "--format", "human"])
        .stdout;
    assert_eq!(enabled, format!("Webhook enabled\n  id: {id}\n"));

    // A new secret from a file, a new domain list; the watched list stays.
    std::fs::write(hub.env.path("secret.txt"), "fake-rotated-secret-777\n").unwrap();
    let secret_file = hub.env.path("secret.txt");
    hub.ok(&[
        "webhooks",
        "update",
        &id,
        "--domain",
        "repo",
        "--secret-file",
        secret_file.to_str().unwrap(),
    ]);
    assert_eq!(
        hub.server.webhook_secret(&id).as_deref(),
        Some("fake-rotated-secret-777")
    );
    let info = hub.ok(&["webhooks", "info", &id, "--json"]).json();
    assert_eq!(info["domains"], serde_json::json!(["repo"]));
    assert_eq!(info["watched"].as_array().map(Vec::len), Some(2));

    // A literal secret works, with the argv warning.
    let literal = hub.ok(&["webhooks", "update", &id, "--secret", "fake-literal-9"]);
    assert!(
        literal
            .stderr
            .contains("--secret puts the secret in the command line"),
        "{}",
        literal.stderr
    );

    // A Job webhook takes the Job's secrets; a URL webhook does not.
    let job = hub.ok(&[
        "webhooks",
        "create",
        "--watch",
        "user:demo-user",
        "--job-id",
        "687f911eaea852de79c4a50a",
        "-s",
        "WEBHOOK_SECRET",
        "-q",
    ]);
    let job_id = job.stdout.trim().to_owned();
    let info = hub.ok(&["webhooks", "info", &job_id, "--json"]).json();
    assert_eq!(info["url"], serde_json::Value::Null);
    assert_eq!(
        info["job"]["secrets"],
        serde_json::json!(["WEBHOOK_SECRET"]),
        "{info}"
    );
    let listed = hub.ok(&["webhooks", "ls", "--json"]).json();
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");

    for (args, message) in [
        (
            vec!["webhooks", "create", "--watch", "user:demo-user"],
            "provide either --url or --job-id",
        ),
        (
            vec![
                "webhooks",
                "create",
                "--watch",
                "user:demo-user",
                "--url",
                "https://x.invalid",
                "-s",
                "WEBHOOK_SECRET",
            ],
            "--secrets and --secrets-file require --job-id",
        ),
        (
            vec![
                "webhooks",
                "create",
                "--watch",
                "repo:x",
                "--url",
                "https://x.invalid",
            ],
            "Invalid type 'repo'",
        ),
        (vec!["webhooks", "delete", &id], "pass --yes to confirm"),
    ] {
        let refused = hub.run(&args);
        assert_eq!(refused.code, Some(2), "{args:?}: {}", refused.transcript());
        assert!(
            refused
                .stderr
                .to_lowercase()
                .contains(&message.to_lowercase()),
            "{args:?}: {}",
            refused.stderr
        );
    }
    let deleted = hub
        .ok(&["webhooks", "delete", &id, "--yes", "--format", "human"])
        .stdout;
    assert_eq!(deleted, format!("Webhook deleted\n  id: {id}\n"));
    let gone = hub.run(&["webhooks", "info", &id]);
    assert_eq!(gone.code, Some(1));
    assert!(
        gone.stderr.contains("`hf webhooks list` lists them"),
        "{}",
        gone.stderr
    );
}

#[test]
fn read_and_organisation_tokens_cannot_change_webhooks() {
    let mut hub = HubEnv::new(|t| &t.read);
    // A read token lists them...
    assert_eq!(hub.ok(&["webhooks", "ls"]).stdout, "No results found.\n");
    for token in [
        hub.server.tokens().read.clone(),
        hub.server.tokens().org_write.clone(),
    ] {
        hub.env.set("HF_TOKEN", &token);
        let refused = hub.run(&[
            "webhooks",
            "create",
            "--watch",
            "user:demo-user",
            "--url",
            "https://x.invalid",
        ]);
        assert_eq!(refused.code, Some(1), "{}", refused.transcript());
        assert!(
            refused.stderr.contains("forbidden (403)")
                && refused.stderr.contains("'user.webhooks.write'"),
            "{}",
            refused.stderr
        );
    }
}
