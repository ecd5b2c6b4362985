//! `hf repos ...` and `hf models|datasets|spaces list|info` against the local test server.

use crate::upload::HubEnv;

#[test]
fn repo_lifecycle() {
    let hub = HubEnv::new(|t| &t.write);
    let ok = |args: &[&str]| {
        let outcome = hub.run(args);
        assert_eq!(outcome.code, Some(0), "{args:?}\n{}", outcome.transcript());
        hub.env.normalize(&outcome.stdout)
    };
    insta::assert_snapshot!(ok(&["repos", "create", "demo-user/life", "--private"]), @r"
    Created demo-user/life
    http://127.0.0.1:[PORT]/demo-user/life
    ");
    let again = hub.run(&["repos", "create", "demo-user/life"]);
    assert_eq!(again.code, Some(1), "{}", again.transcript());
    ok(&["repos", "create", "demo-user/life", "--exist-ok"]);
    ok(&[
        "repos",
        "settings",
        "demo-user/life",
        "--public",
        "--gated",
        "manual",
    ]);
    let info = hub
        .run(&["models", "info", "demo-user/life", "--format", "json"])
        .json();
    assert_eq!(
        (info["private"].clone(), info["gated"].clone()),
        (false.into(), "manual".into())
    );
    ok(&["repos", "branch", "create", "demo-user/life", "dev"]);
    ok(&[
        "repos",
        "tag",
        "create",
        "demo-user/life",
        "v1",
        "-m",
        "first",
        "--revision",
        "dev",
    ]);
    let tags = hub
        .run(&["repos", "tag", "list", "demo-user/life", "--format", "json"])
        .json();
    assert_eq!(tags[0]["name"], "v1");
    ok(&["repos", "tag", "delete", "demo-user/life", "v1", "--yes"]);
    ok(&["repos", "branch", "delete", "demo-user/life", "dev"]);

    hub.write("f/a.txt", b"a\n");
    hub.write("f/b.log", b"b\n");
    hub.write("f/logs/c.log", b"c\n");
    ok(&["upload", "demo-user/life", "f"]);
    ok(&["repos", "delete-files", "demo-user/life", "*.log"]);
    let files = hub.remote_files("models", "demo-user/life");
    assert!(
        files.contains(&"a.txt".to_owned()) && !files.iter().any(|f| f.ends_with(".log")),
        "{files:?}"
    );

    ok(&["repos", "move", "demo-user/life", "demo-user/renamed"]);
    let refused = hub.run(&["repos", "delete", "demo-user/renamed"]);
    assert_eq!(
        refused.code,
        Some(2),
        "deleting needs --yes: {}",
        refused.transcript()
    );
    ok(&["repos", "delete", "demo-user/renamed", "--yes"]);
    let gone = hub.run(&["models", "info", "demo-user/renamed"]);
    assert_eq!(gone.code, Some(1));
    ok(&[
        "repos",
        "delete",
        "demo-user/renamed",
        "--yes",
        "--missing-ok",
    ]);

    let space = hub.run(&["repos", "create", "demo-user/app", "--repo-type", "space"]);
    assert_eq!(
        space.code,
        Some(1),
        "a Space needs an SDK: {}",
        space.transcript()
    );
    ok(&[
        "repos",
        "create",
        "spaces/demo-user/app",
        "--space-sdk",
        "gradio",
    ]);
}

#[test]
fn listings_as_tables_and_json() {
    let hub = HubEnv::new(|t| &t.read);
    let table = hub.run(&[
        "models",
        "list",
        "--author",
        "demo-org",
        "--sort",
        "downloads",
        "--limit",
        "3",
    ]);
    assert_eq!(table.code, Some(0), "{}", table.transcript());
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("DOWNLOADS"),
        "{}",
        table.stdout
    );
    assert_eq!(lines.len(), 4, "header + 3 rows: {}", table.stdout);
    let json = hub
        .run(&[
            "models",
            "list",
            "--search",
            "demo-model",
            "--filter",
            "text-classification",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["id"], "demo-org/demo-model");
    let datasets = hub
        .run(&[
            "datasets", "list", "--author", "demo-org", "--format", "json",
        ])
        .json();
    assert!(
        datasets
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "demo-org/demo-dataset")
    );
    let info = hub.run(&["datasets", "info", "demo-org/demo-dataset"]);
    assert_eq!(info.code, Some(0), "{}", info.transcript());
    assert!(info.stdout.starts_with("id:"), "{}", info.stdout);
    let spaces = hub.run(&["spaces", "list"]);
    assert_eq!(spaces.code, Some(0), "{}", spaces.transcript());
    let missing = hub.run(&["models", "info", "demo-org/nope"]);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.contains("hint:"), "{}", missing.stderr);
}
