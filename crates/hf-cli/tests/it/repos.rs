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
    // Quiet: the URL alone, one line, for scripts.
    let quiet = hub.run(&["repos", "create", "demo-user/life-quiet", "-q"]);
    assert_eq!(
        hub.env.normalize(&quiet.stdout),
        "http://127.0.0.1:[PORT]/demo-user/life-quiet\n",
        "{}",
        quiet.transcript()
    );
    let quiet = hub.run(&["repos", "delete", "demo-user/life-quiet", "--yes", "-q"]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (Some(0), ""),
        "{}",
        quiet.transcript()
    );
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
        Some(2),
        "a Space needs an SDK, a usage error: {}",
        space.transcript()
    );
    assert!(space.stderr.contains("--space-sdk"), "{}", space.stderr);
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
    let listing = [
        "models",
        "list",
        "--author",
        "demo-org",
        "--sort",
        "downloads",
        "--limit",
        "3",
    ];
    let table = hub.run(&[&listing[..], &["--format", "human"]].concat());
    assert_eq!(table.code, Some(0), "{}", table.transcript());
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("DOWNLOADS"),
        "{}",
        table.stdout
    );
    assert_eq!(lines.len(), 4, "header + 3 rows: {}", table.stdout);
    // Not a terminal: `auto` is the agent form, tab-separated with snake_case headers.
    let agent = hub.run(&listing);
    let rows: Vec<Vec<&str>> = agent
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(
        rows[0],
        ["id", "downloads", "likes", "private", "last_modified"],
        "{}",
        agent.stdout
    );
    assert_eq!(rows.len(), 4, "{}", agent.stdout);
    assert!(rows.iter().all(|r| r.len() == 5), "{}", agent.stdout);
    // Quiet: the ids alone, one a line, in the table's order (`hf models ls -q | xargs ...`).
    let quiet = hub.run(&[&listing[..], &["-q"]].concat());
    let ids: Vec<&str> = quiet.stdout.lines().collect();
    assert_eq!(
        ids,
        rows[1..].iter().map(|r| r[0]).collect::<Vec<_>>(),
        "{}",
        quiet.transcript()
    );
    assert_eq!(quiet.stderr, "");
    // `--json` is `--format json`; keys are Python's field names.
    let json = hub
        .run(&[
            "models",
            "list",
            "--search",
            "demo-model",
            "--filter",
            "text-classification",
            "--json",
        ])
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["id"], "demo-org/demo-model");
    assert!(json[0].get("last_modified").is_some(), "{json}");
    assert!(json[0].get("lastModified").is_none(), "{json}");
    // Python's enum spelling is accepted beside ours.
    for sort in [
        "trending_score",
        "trending-score",
        "last_modified",
        "created_at",
    ] {
        let sorted = hub.run(&["models", "ls", "--sort", sort, "-q"]);
        assert_eq!(
            sorted.code,
            Some(0),
            "--sort {sort}: {}",
            sorted.transcript()
        );
    }
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
    let info = hub.run(&[
        "datasets",
        "info",
        "demo-org/demo-dataset",
        "--format",
        "human",
    ]);
    assert_eq!(info.code, Some(0), "{}", info.transcript());
    assert!(info.stdout.starts_with("id:"), "{}", info.stdout);
    let spaces = hub.run(&["spaces", "list"]);
    assert_eq!(spaces.code, Some(0), "{}", spaces.transcript());
    let missing = hub.run(&["models", "info", "demo-org/nope"]);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.contains("hint:"), "{}", missing.stderr);
}

#[test]
fn file_listings_follow_python_flat_tree_recursive_and_sizes() {
    let hub = HubEnv::new(|t| &t.read);
    let list = |extra: &[&str]| {
        let args = [&["datasets", "ls", "demo-org/demo-dataset"][..], extra].concat();
        let outcome = hub.run(&args);
        assert_eq!(outcome.code, Some(0), "{args:?}: {}", outcome.transcript());
        outcome.stdout
    };
    // Top level only by default; folders end with `/`.
    let top = list(&["-q"]);
    assert!(top.lines().any(|l| l == "data/"), "{top}");
    assert!(
        !top.lines().any(|l| l.starts_with("data/") && l != "data/"),
        "{top}"
    );
    let all = list(&["-q", "-R"]);
    assert!(
        all.lines().any(|l| l.starts_with("data/") && l.len() > 5),
        "{all}"
    );
    // Sizes: bytes, or with a unit under -h (`--human-readable`); Python's `-h` is not help here.
    let sized = list(&["-R", "-h", "--format", "human"]);
    assert!(sized.contains(" B  ") || sized.contains(" KB  "), "{sized}");
    let tree = list(&["--tree", "-R", "--format", "human"]);
    assert!(tree.contains("└── ") && tree.contains("data/"), "{tree}");
    let json = hub
        .run(&["datasets", "ls", "demo-org/demo-dataset", "-R", "--json"])
        .json();
    let entries = json.as_array().unwrap();
    assert!(entries.iter().any(|e| e.get("tree_id").is_some()), "{json}");
    assert!(
        entries
            .iter()
            .filter(|e| e.get("blob_id").is_some())
            .all(|e| e["size"].is_u64()),
        "{json}"
    );
    let help = hub.run(&["models", "ls", "--help"]);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("--human-readable"), "{}", help.stdout);
    // File-listing flags are refused for repo listings, and repo filters for file listings.
    assert_eq!(hub.run(&["models", "ls", "-R"]).code, Some(2));
    assert_eq!(
        hub.run(&["models", "ls", "demo-org/demo-model", "--search", "x"])
            .code,
        Some(2)
    );
    assert_eq!(
        hub.run(&["models", "ls", "demo-org/demo-model", "--pipeline-tag", "x"])
            .code,
        Some(2)
    );
}

#[test]
fn python_model_filters_reach_the_hub() {
    let hub = HubEnv::new(|t| &t.read);
    let ids = |args: &[&str]| {
        let outcome = hub.run(&[&["models", "ls", "-q"][..], args].concat());
        assert_eq!(outcome.code, Some(0), "{args:?}: {}", outcome.transcript());
        outcome
            .stdout
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let classifiers = ids(&[
        "--pipeline-tag",
        "text-classification",
        "--author",
        "demo-org",
    ]);
    assert!(
        classifiers.contains(&"demo-org/demo-model".to_owned()),
        "{classifiers:?}"
    );
    let gated = ids(&["--gated", "--author", "demo-org"]);
    assert_eq!(gated, ["demo-org/gated-model"]);
    let open = ids(&["--no-gated", "--author", "demo-org"]);
    assert!(!open.is_empty() && !open.contains(&"demo-org/gated-model".to_owned()));
    ids(&[
        "--apps",
        "vllm",
        "--num-parameters",
        "min:6B,max:128B",
        "--inference-provider",
        "together",
    ]);
    ids(&["--warm"]);
    let queries: Vec<String> = hub
        .server
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .filter(|q| q.starts_with("/api/models?"))
        .collect();
    for wanted in [
        "pipeline_tag=text-classification",
        "gated=true",
        "gated=false",
        "apps=vllm&num_parameters=min%3A6B%2Cmax%3A128B&inference_provider=together",
        "inference=warm",
    ] {
        assert!(
            queries.iter().any(|q| q.contains(wanted)),
            "{wanted}: {queries:#?}"
        );
    }
    // --warm and --inference-provider contradict each other, as in Python.
    let both = hub.run(&["models", "ls", "--warm", "--inference-provider", "groq"]);
    assert_eq!(both.code, Some(2), "{}", both.transcript());
}

#[test]
fn info_expands_and_shows_file_sizes_and_cards_print() {
    let hub = HubEnv::new(|t| &t.read);
    let expanded = hub
        .run(&[
            "models",
            "info",
            "demo-org/demo-model",
            "--expand",
            "downloads,likes",
            "--json",
        ])
        .json();
    assert_eq!(expanded["id"], "demo-org/demo-model");
    assert!(expanded.get("downloads").is_some(), "{expanded}");
    assert!(
        hub.server
            .requests()
            .iter()
            .any(|r| r.path_and_query.ends_with("?expand=downloads&expand=likes")),
        "expand is sent as Python sends it"
    );
    let sizes = hub.run(&[
        "models",
        "info",
        "demo-org/demo-model",
        "--files-metadata",
        "--format",
        "human",
    ]);
    assert_eq!(sizes.code, Some(0), "{}", sizes.transcript());
    let files_line = sizes
        .stdout
        .lines()
        .find(|l| l.starts_with("files:"))
        .unwrap_or_default();
    assert!(
        files_line.ends_with(" MB)") || files_line.ends_with(" KB)"),
        "{}",
        sizes.stdout
    );
    assert!(sizes.stdout.contains("  config.json:"), "{}", sizes.stdout);

    let card = hub.run(&["models", "card", "demo-org/demo-model"]);
    assert_eq!(card.code, Some(0), "{}", card.transcript());
    assert!(
        card.stdout.starts_with("---\n") && card.stdout.contains("# Demo model"),
        "{}",
        card.stdout
    );
    let text = hub.run(&["models", "card", "demo-org/demo-model", "--text"]);
    assert!(text.stdout.starts_with("# Demo model"), "{}", text.stdout);
    let metadata = hub
        .run(&[
            "models",
            "card",
            "demo-org/demo-model",
            "--metadata",
            "--json",
        ])
        .json();
    assert_eq!(metadata["license"], "apache-2.0");
    assert_eq!(metadata["tags"][0], "demo");
    let both = hub.run(&[
        "models",
        "card",
        "demo-org/demo-model",
        "--metadata",
        "--text",
    ]);
    assert_eq!(both.code, Some(2));
    let dataset = hub.run(&["datasets", "card", "demo-org/demo-dataset", "--text"]);
    assert_eq!(dataset.code, Some(0), "{}", dataset.transcript());
}

#[test]
fn token_flag_works_on_repos_commands_with_its_warning() {
    let hub = HubEnv::new(|t| &t.read);
    let write = hub.server.tokens().write.clone();
    // The read token in HF_TOKEN cannot create; --token (the write token) can, with the warning.
    let refused = hub.run(&["repos", "create", "demo-user/flagged"]);
    assert_eq!(refused.code, Some(1), "{}", refused.transcript());
    let created = hub.run(&["repos", "create", "demo-user/flagged", "--token", &write]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    assert!(
        created
            .stderr
            .contains("--token puts the token in the command line"),
        "{}",
        created.stderr
    );
    let tags = hub.run(&[
        "repos",
        "tag",
        "list",
        "demo-user/flagged",
        "--token",
        &write,
        "-q",
    ]);
    assert_eq!(tags.code, Some(0), "{}", tags.transcript());
    let deleted = hub.run(&[
        "repos",
        "delete",
        "demo-user/flagged",
        "--yes",
        "--no-missing-ok",
        "--token",
        &write,
    ]);
    assert_eq!(deleted.code, Some(0), "{}", deleted.transcript());
}

#[test]
fn a_legacy_admin_token_is_shown_as_admin_and_writes() {
    let hub = HubEnv::new(|t| &t.admin);
    let who = hub.run(&["auth", "whoami", "--json"]).json();
    assert_eq!(who["role"], "admin", "{who}");
    let human = hub.run(&["auth", "whoami", "--format", "human"]);
    assert!(
        human.stdout.contains("role:") && human.stdout.contains("admin"),
        "{}",
        human.stdout
    );
    hub.write("admin/config.json", b"{}\n");
    let uploaded = hub.run(&[
        "upload",
        "demo-user/admin-model",
        hub.env.path("admin").to_str().unwrap(),
        ".",
    ]);
    assert_eq!(
        uploaded.code,
        Some(0),
        "admin counts as write: {}",
        uploaded.transcript()
    );
}

#[test]
fn repos_duplicate_copies_files_into_the_callers_namespace() {
    let hub = HubEnv::new(|t| &t.write);
    let copied = hub.run(&["repos", "duplicate", "demo-org/demo-model", "--private"]);
    assert_eq!(copied.code, Some(0), "{}", copied.transcript());
    let copy = hub.remote_files("models", "demo-user/demo-model");
    let original = hub.remote_files("models", "demo-org/demo-model");
    assert_eq!(copy, original);
    let info = hub
        .run(&["models", "info", "demo-user/demo-model", "--json"])
        .json();
    assert_eq!(info["private"], true);
    let again = hub.run(&["repos", "duplicate", "demo-org/demo-model"]);
    assert_eq!(again.code, Some(1), "{}", again.transcript());
    let tolerated = hub.run(&[
        "repos",
        "duplicate",
        "demo-org/demo-model",
        "--exist-ok",
        "-q",
    ]);
    assert_eq!(tolerated.code, Some(0), "{}", tolerated.transcript());
    let dataset = hub.run(&[
        "repos",
        "duplicate",
        "demo-org/demo-dataset",
        "demo-user/data-copy",
        "--type",
        "dataset",
    ]);
    assert_eq!(dataset.code, Some(0), "{}", dataset.transcript());
    assert!(
        !hub.remote_files("datasets", "demo-user/data-copy")
            .is_empty()
    );
    // Into a namespace the token cannot write to: refused by the Hub.
    let foreign = hub.run(&[
        "repos",
        "duplicate",
        "demo-org/demo-model",
        "someone-else/x",
    ]);
    assert_eq!(foreign.code, Some(1), "{}", foreign.transcript());
}

#[test]
fn repos_list_shows_the_namespaces_repos_with_storage() {
    let hub = HubEnv::new(|t| &t.read);
    let mine = hub.run(&["repos", "ls", "-q"]);
    assert_eq!(mine.code, Some(0), "{}", mine.transcript());
    let ids: Vec<&str> = mine.stdout.lines().collect();
    assert!(ids.contains(&"demo-user/private-model"), "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("demo-user/")), "{ids:?}");
    let org = hub
        .run(&[
            "repos",
            "ls",
            "--namespace",
            "demo-org",
            "--type",
            "dataset",
            "--json",
        ])
        .json();
    let rows = org.as_array().unwrap();
    assert!(!rows.is_empty(), "{org}");
    for row in rows {
        assert_eq!(row["type"], "dataset", "{row}");
        for key in ["id", "updated", "visibility", "storage", "%_of_total"] {
            assert!(row.get(key).is_some(), "{key} missing: {row}");
        }
    }
    let limited = hub.run(&[
        "repos",
        "ls",
        "--namespace",
        "demo-org",
        "--limit",
        "1",
        "--format",
        "human",
    ]);
    assert_eq!(limited.code, Some(0), "{}", limited.transcript());
    assert!(
        limited.stdout.contains("Use `--limit 0` to list all."),
        "{}",
        limited.stdout
    );
    let searched = hub.run(&[
        "repos",
        "ls",
        "--namespace",
        "demo-org",
        "--search",
        "GATED",
        "-q",
    ]);
    assert_eq!(
        searched.stdout,
        "demo-org/gated-model\n",
        "{}",
        searched.transcript()
    );
    let foreign = hub.run(&["repos", "ls", "--namespace", "someone-else"]);
    assert_eq!(foreign.code, Some(1), "{}", foreign.transcript());
    let anonymous = {
        let mut env = crate::common::TestEnv::new();
        env.endpoint(hub.server.endpoint());
        env.run(["repos", "ls"])
    };
    assert_eq!(anonymous.code, Some(1), "{}", anonymous.transcript());
}

#[test]
fn a_space_is_created_with_pythons_settings_and_its_secrets_stay_hidden() {
    let mut hub = HubEnv::new(|t| &t.write);
    hub.env.set("MY_API_KEY", "fake-secret-from-env-1234");
    hub.write("vars.env", b"THEME=dark\nLEVEL=3\n");
    let vars = hub.env.path("vars.env");
    let created = hub.run(&[
        "repos",
        "create",
        "demo-user/settings-space",
        "--type",
        "space",
        "--sdk",
        "gradio",
        "--flavor",
        "t4-medium",
        "--sleep-time",
        "-1",
        "--secrets",
        "MY_API_KEY",
        "-s",
        "INLINE=fake-inline-secret-5678",
        "-e",
        "MODE=fast",
        "--env-file",
        vars.to_str().unwrap(),
        "--protected",
        "--volume",
        "hf://datasets/demo-org/demo-dataset:/data",
        "--volume",
        "hf://buckets/demo-user/scratch:/mnt:rw",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    // A secret typed on the command line gets the argv warning; no secret value is printed.
    assert!(
        created
            .stderr
            .contains("--secrets INLINE=... puts the secret"),
        "{}",
        created.stderr
    );
    for value in ["fake-secret-from-env-1234", "fake-inline-secret-5678"] {
        assert!(!created.stdout.contains(value) && !created.stderr.contains(value));
    }
    let space = "demo-user/settings-space";
    assert_eq!(
        hub.server.space_secret(space, "MY_API_KEY").as_deref(),
        Some("fake-secret-from-env-1234")
    );
    assert_eq!(
        hub.server.space_secret(space, "INLINE").as_deref(),
        Some("fake-inline-secret-5678")
    );
    for (key, value) in [("MODE", "fast"), ("THEME", "dark"), ("LEVEL", "3")] {
        assert_eq!(
            hub.server.space_variable(space, key).as_deref(),
            Some(value),
            "{key}"
        );
    }
    let info = hub.run(&["spaces", "info", space, "--json"]).json();
    assert_eq!(
        info["runtime"]["hardware"]["requested"], "t4-medium",
        "{info}"
    );
    assert_eq!(info["runtime"]["gcTimeout"], -1, "{info}");
    assert_eq!(
        info["runtime"]["volumes"],
        serde_json::json!([
            {"type": "dataset", "source": "demo-org/demo-dataset", "mountPath": "/data"},
            {"type": "bucket", "source": "demo-user/scratch", "mountPath": "/mnt", "readOnly": false},
        ]),
        "{info}"
    );
    let listed = hub
        .run(&["repos", "ls", "--type", "space", "--json"])
        .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == space && r["visibility"] == "protected"),
        "{listed}"
    );
    // `--secrets HF_TOKEN` is the token found the usual way, as in Python.
    let with_token = hub.run(&[
        "repos",
        "duplicate",
        space,
        "demo-user/settings-copy",
        "--type",
        "space",
        "--secrets",
        "HF_TOKEN",
        "--flavor",
        "l4x1",
    ]);
    assert_eq!(with_token.code, Some(0), "{}", with_token.transcript());
    assert_eq!(
        hub.server
            .space_secret("demo-user/settings-copy", "HF_TOKEN")
            .as_deref(),
        Some(hub.server.tokens().write.as_str())
    );
    // Space settings on a model, a missing variable, and a bad name are usage errors.
    for args in [
        &["repos", "create", "demo-user/m1", "--flavor", "t4-medium"][..],
        &["repos", "create", "demo-user/m2", "--protected"],
        &[
            "repos",
            "create",
            "spaces/demo-user/s2",
            "--sdk",
            "gradio",
            "-s",
            "NOT_SET_ANYWHERE",
        ],
        &[
            "repos",
            "create",
            "spaces/demo-user/s3",
            "--sdk",
            "gradio",
            "-e",
            "1BAD=x",
        ],
    ] {
        let outcome = hub.run(args);
        assert_eq!(outcome.code, Some(2), "{args:?}: {}", outcome.transcript());
    }
}

#[test]
fn a_dataset_leaderboard_lists_models_best_first() {
    let hub = HubEnv::new(|t| &t.read);
    let quiet = hub.run(&["datasets", "leaderboard", "demo-org/demo-dataset", "-q"]);
    assert_eq!(quiet.code, Some(0), "{}", quiet.transcript());
    assert_eq!(quiet.stdout, "demo-org/demo-model\ndemo-org/xet-model\n");
    let json = hub
        .run(&[
            "datasets",
            "leaderboard",
            "demo-org/demo-dataset",
            "--limit",
            "1",
            "--json",
        ])
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(
        (json[0]["rank"].clone(), json[0]["value"].clone()),
        (1.into(), 0.91.into())
    );
    let human = hub.run(&[
        "datasets",
        "leaderboard",
        "demo-org/demo-dataset",
        "--format",
        "human",
    ]);
    assert!(human.stdout.starts_with("RANK"), "{}", human.stdout);
    let missing = hub.run(&["datasets", "leaderboard", "demo-org/nope"]);
    assert_eq!(missing.code, Some(1), "{}", missing.transcript());
}

#[test]
fn repos_cp_uploads_downloads_pipes_and_copies_between_repos() {
    let hub = HubEnv::new(|t| &t.write);
    assert_eq!(
        hub.run(&["repos", "create", "demo-user/cp-model"]).code,
        Some(0)
    );
    hub.write("notes.txt", b"copied by hf repos cp\n");
    let up = hub.run(&[
        "repos",
        "cp",
        "notes.txt",
        "hf://demo-user/cp-model/docs/",
        "--json",
    ]);
    assert_eq!(up.code, Some(0), "{}", up.transcript());
    assert_eq!(up.json()["dst"], "hf://demo-user/cp-model/docs/notes.txt");
    // stdin to a full path.
    let mut child = hub
        .env
        .command(["repos", "cp", "-", "hf://demo-user/cp-model/from-stdin.txt"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"piped\n").unwrap();
    let piped = child.wait_with_output().unwrap();
    assert!(
        piped.status.success(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let files = hub.remote_files("models", "demo-user/cp-model");
    assert!(
        files.contains(&"docs/notes.txt".to_owned())
            && files.contains(&"from-stdin.txt".to_owned()),
        "{files:?}"
    );
    // Down: to stdout, to the current folder under its own name, into a folder.
    let out = hub.run(&["repos", "cp", "hf://demo-user/cp-model/docs/notes.txt", "-"]);
    assert_eq!(
        out.stdout,
        "copied by hf repos cp\n",
        "{}",
        out.transcript()
    );
    let here = hub.run(&[
        "repos",
        "cp",
        "hf://demo-user/cp-model/from-stdin.txt",
        "-q",
    ]);
    assert_eq!(here.code, Some(0), "{}", here.transcript());
    assert_eq!(
        std::fs::read(hub.env.path("from-stdin.txt")).unwrap(),
        b"piped\n"
    );
    let into = hub.run(&[
        "repos",
        "cp",
        "hf://demo-org/demo-model/config.json",
        "got/",
    ]);
    assert_eq!(into.code, Some(0), "{}", into.transcript());
    assert!(hub.env.path("got/config.json").is_file());
    assert!(
        std::fs::read_dir(hub.env.path("got")).unwrap().count() == 1,
        "no temporary folder is left behind"
    );
    // Repo to repo, at a revision of the source.
    let across = hub.run(&[
        "repos",
        "cp",
        "hf://demo-org/demo-model@v1.0/config.json",
        "hf://demo-user/cp-model/copied/config.json",
    ]);
    assert_eq!(across.code, Some(0), "{}", across.transcript());
    assert!(
        hub.remote_files("models", "demo-user/cp-model")
            .contains(&"copied/config.json".to_owned())
    );
    // Misuse is a usage error; a missing file is a plain failure.
    for args in [
        &["repos", "cp", "notes.txt", "elsewhere.txt"][..],
        &["repos", "cp", "notes.txt"],
        &["repos", "cp", "hf://buckets/org/b/x", "-"],
        &["repos", "cp", "hf://demo-org/demo-model", "-"],
        &["repos", "cp", "got", "hf://demo-user/cp-model/"],
    ] {
        let outcome = hub.run(args);
        assert_eq!(outcome.code, Some(2), "{args:?}: {}", outcome.transcript());
    }
    let missing = hub.run(&["repos", "cp", "hf://demo-org/demo-model/nope.txt", "-"]);
    assert_eq!(missing.code, Some(1), "{}", missing.transcript());
}

#[test]
fn a_space_starts_from_a_template_by_name_or_id() {
    let hub = HubEnv::new(|t| &t.write);
    let created = hub.run(&[
        "repos",
        "create",
        "demo-user/from-template",
        "--type",
        "space",
        "--template",
        "gradio",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    let files = hub.remote_files("spaces", "demo-user/from-template");
    assert!(files.contains(&"app.py".to_owned()), "{files:?}");
    let info = hub
        .run(&["spaces", "info", "demo-user/from-template", "--json"])
        .json();
    assert_eq!(info["sdk"], "gradio");
    let by_id = hub.run(&[
        "repos",
        "create",
        "spaces/demo-user/from-template-2",
        "--template",
        "demo-org/gradio-template",
    ]);
    assert_eq!(by_id.code, Some(0), "{}", by_id.transcript());
    let unknown = hub.run(&[
        "repos",
        "create",
        "spaces/demo-user/x",
        "--template",
        "nope",
    ]);
    assert_eq!(unknown.code, Some(1), "{}", unknown.transcript());
    assert!(
        unknown.stderr.contains("Gradio"),
        "the known templates are named: {}",
        unknown.stderr
    );
    let wrong_sdk = hub.run(&[
        "repos",
        "create",
        "spaces/demo-user/y",
        "--template",
        "Gradio",
        "--sdk",
        "docker",
    ]);
    assert_eq!(wrong_sdk.code, Some(1), "{}", wrong_sdk.transcript());
    let model = hub.run(&["repos", "create", "demo-user/z", "--template", "Gradio"]);
    assert_eq!(model.code, Some(2), "{}", model.transcript());
}

#[test]
fn datasets_parquet_lists_the_viewers_files_with_the_token_sent() {
    let mut hub = HubEnv::new(|t| &t.read);
    let endpoint = hub.server.endpoint().to_owned();
    hub.env.set("HF_DATASET_VIEWER_URL", &endpoint);
    let quiet = hub.run(&["datasets", "parquet", "demo-org/demo-dataset", "-q"]);
    assert_eq!(quiet.code, Some(0), "{}", quiet.transcript());
    let urls: Vec<&str> = quiet.stdout.lines().collect();
    assert_eq!(urls.len(), 1, "{}", quiet.stdout);
    assert!(
        urls[0].starts_with(&format!(
            "{endpoint}/datasets/demo-org/demo-dataset/resolve/"
        )) && urls[0].ends_with("/data/train-00000-of-00001.parquet"),
        "{}",
        urls[0]
    );
    let json = hub
        .run(&[
            "datasets",
            "parquet",
            "demo-org/demo-dataset",
            "--split",
            "train",
            "--json",
        ])
        .json();
    assert_eq!(json[0]["subset"], "default");
    assert_eq!(json[0]["split"], "train");
    assert!(json[0]["size"].as_u64().unwrap() > 64 * 1024, "{json}");
    let none = hub.run(&[
        "datasets",
        "parquet",
        "demo-org/demo-dataset",
        "--split",
        "test",
        "-q",
    ]);
    assert_eq!(none.stdout, "", "{}", none.transcript());
    let asked: Vec<_> = hub
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/parquet?"))
        .collect();
    assert!(
        asked
            .iter()
            .all(|r| r.authorization
                && r.path_and_query == "/parquet?dataset=demo-org%2Fdemo-dataset"),
        "{asked:?}"
    );
    let missing = hub.run(&["datasets", "parquet", "demo-org/nope"]);
    assert_eq!(missing.code, Some(1), "{}", missing.transcript());
}

#[test]
fn space_secrets_and_variables_are_managed_and_secret_values_never_shown() {
    let mut hub = HubEnv::new(|t| &t.write);
    let space = "demo-user/settings-managed";
    let created = hub.run(&[
        "repos", "create", space, "--type", "space", "--sdk", "gradio",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.transcript());
    let value = "fake-secret-value-abcd-9876";
    hub.env.set("MY_KEY", value);
    let ok = |outcome: crate::common::Outcome| {
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        assert!(!outcome.stdout.contains(value) && !outcome.stderr.contains(value));
        outcome
    };
    ok(hub.run(&["spaces", "secrets", "add", space, "-s", "MY_KEY"]));
    assert_eq!(
        hub.server.space_secret(space, "MY_KEY").as_deref(),
        Some(value)
    );
    assert_eq!(
        ok(hub.run(&["spaces", "secrets", "ls", space, "-q"])).stdout,
        "MY_KEY\n"
    );
    let listed = ok(hub.run(&["spaces", "secrets", "list", space, "--json"])).json();
    assert_eq!(listed[0]["key"], "MY_KEY", "{listed}");
    assert!(listed[0].get("value").is_none(), "{listed}");
    ok(hub.run(&[
        "spaces",
        "variables",
        "add",
        space,
        "-e",
        "THEME=dark",
        "-e",
        "LEVEL=3",
    ]));
    let variables = ok(hub.run(&["spaces", "variables", "list", space, "--json"])).json();
    assert_eq!(
        (
            variables[0]["key"].clone(),
            variables[1]["key"].clone(),
            variables[1]["value"].clone()
        ),
        ("LEVEL".into(), "THEME".into(), "dark".into()),
        "{variables}"
    );
    let unconfirmed = hub.run(&["spaces", "variables", "delete", space, "THEME"]);
    assert_eq!(unconfirmed.code, Some(2), "{}", unconfirmed.transcript());
    ok(hub.run(&["spaces", "variables", "delete", space, "THEME", "--yes"]));
    assert_eq!(
        ok(hub.run(&["spaces", "variables", "ls", space, "-q"])).stdout,
        "LEVEL\n"
    );
    ok(hub.run(&["spaces", "secrets", "delete", space, "MY_KEY", "-y"]));
    assert_eq!(
        ok(hub.run(&["spaces", "secrets", "ls", space, "-q"])).stdout,
        ""
    );
    // A read token can neither set nor list them.
    let read = hub.server.tokens().read.clone();
    hub.env.set("HF_TOKEN", &read);
    for args in [
        &["spaces", "secrets", "add", space, "-s", "MY_KEY"][..],
        &["spaces", "secrets", "ls", space],
        &["spaces", "variables", "add", space, "-e", "A=1"],
    ] {
        let refused = hub.run(args);
        assert_eq!(refused.code, Some(1), "{args:?}: {}", refused.transcript());
        assert!(refused.stderr.contains("hint:"), "{}", refused.stderr);
    }
}

/// The DuckDB program `.ci/run` installs (`duckdb-cli` in `.venv`), or one on PATH.
/// The DuckDB program `hf datasets sql` runs (`.venv/bin/duckdb`, or on `PATH`); `None` (the
/// test skipped) when neither has it.
fn duckdb_program() -> Option<std::path::PathBuf> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/duckdb");
    #[allow(clippy::disallowed_methods, reason = "finds the test's own tool")]
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::iter::once(venv)
        .chain(std::env::split_paths(&path).map(|dir| dir.join("duckdb")))
        .find(|p| p.is_file());
    hf_test_server::provisioned(
        "the DuckDB program (`.venv/bin/pip install duckdb-cli`; cargo xtask ci installs it)",
        found,
    )
}

#[test]
fn datasets_sql_runs_duckdb_on_parquet_and_prints_python_s_table() {
    let Some(duckdb) = duckdb_program() else {
        return;
    };
    let mut hub = HubEnv::new(|t| &t.read);
    // A real Parquet file, written by DuckDB itself.
    let made = std::process::Command::new(&duckdb)
        .current_dir(hub.env.root())
        .args(["-c", "COPY (SELECT range AS id, 'row ' || range AS label, range % 2 = 0 AS even FROM range(5)) TO 'rows.parquet'"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let bin = duckdb.parent().unwrap().to_str().unwrap().to_owned();
    hub.env.set("PATH", &bin);
    let query = "SELECT label, id, even FROM read_parquet('rows.parquet') WHERE id < 3 ORDER BY id";
    let table = hub
        .ok(&["datasets", "sql", query, "--format", "human"])
        .stdout;
    insta::assert_snapshot!(table, @"
    LABEL  ID  EVEN
    row 0  0   ✔
    row 1  1
    row 2  2   ✔
    ");
    let json = hub.ok(&["datasets", "sql", query, "--json"]).stdout;
    assert!(
        json.contains(r#""label": "row 0","#),
        "columns keep the query's order: {json}"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()[2]["id"],
        2
    );
    assert_eq!(
        hub.ok(&["datasets", "sql", query, "-q"]).stdout,
        "row 0\nrow 1\nrow 2\n"
    );
    assert_eq!(
        hub.ok(&[
            "datasets",
            "sql",
            "SELECT * FROM read_parquet('rows.parquet') WHERE id > 9"
        ])
        .stdout,
        "No results found.\n"
    );
    // Refused before DuckDB runs: an empty query, a dot command.
    for bad in ["  ;  ", "SELECT 1;\n.shell touch pwned"] {
        let refused = hub.run(&["datasets", "sql", bad]);
        assert_eq!(refused.code, Some(2), "{}", refused.transcript());
    }
    assert!(!hub.env.path("pwned").exists());
    // DuckDB's own error, as it said it.
    let wrong = hub.fails(&["datasets", "sql", "SELEC 1"]);
    assert!(wrong.stderr.contains("syntax error"), "{}", wrong.stderr);
    // Without DuckDB: what to install.
    hub.env.set("PATH", hub.env.path("empty").to_str().unwrap());
    let missing = hub.fails(&["datasets", "sql", "SELECT 1"]);
    assert!(
        missing.stderr.contains("DuckDB is required")
            && missing.stderr.contains("pip install duckdb-cli"),
        "{}",
        missing.stderr
    );
}

#[cfg(unix)]
#[test]
fn datasets_sql_gives_duckdb_the_token_on_stdin_never_in_argv() {
    use std::os::unix::fs::PermissionsExt as _;
    let mut hub = HubEnv::new(|t| &t.read);
    let bin = hub.env.path("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = hub.env.path("record");
    let script = format!(
        // `cat` by its path: PATH holds only this folder.
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}.argv'\n/bin/cat > '{0}.stdin'\necho '[{{\"n\":1}}]'\n",
        record.display()
    );
    std::fs::write(bin.join("duckdb"), script).unwrap();
    std::fs::set_permissions(bin.join("duckdb"), std::fs::Permissions::from_mode(0o755)).unwrap();
    hub.env.set("PATH", bin.to_str().unwrap());
    let query = "SELECT COUNT(*) AS n FROM 'hf://datasets/demo-org/demo-dataset/data/*.parquet'";
    assert_eq!(hub.ok(&["datasets", "sql", query, "-q"]).stdout, "1\n");
    let argv = std::fs::read_to_string(format!("{}.argv", record.display())).unwrap();
    assert_eq!(argv, "-json\n");
    let stdin = std::fs::read_to_string(format!("{}.stdin", record.display())).unwrap();
    let token = hub.server.tokens().read.clone();
    assert!(
        stdin.starts_with(
            ".output /dev/null\nCREATE OR REPLACE SECRET hf_hub_token (TYPE HTTP, BEARER_TOKEN '"
        ) && stdin.contains(&format!("TOKEN '{token}')"))
            && stdin.contains(&format!("SCOPE '{}'", hub.server.endpoint()))
            && stdin.ends_with(&format!(".output\n{query};\n")),
        "{}",
        stdin.replace(&token, "<TOKEN>")
    );
    // A local file gets no secrets (creating them needs DuckDB's network extension).
    hub.ok(&["datasets", "sql", "SELECT 1 AS n FROM 'local.parquet'"]);
    let stdin = std::fs::read_to_string(format!("{}.stdin", record.display())).unwrap();
    assert_eq!(stdin, "SELECT 1 AS n FROM 'local.parquet';\n");
}

#[test]
fn repos_list_explore_draws_the_repos_as_a_skyline() {
    let hub = HubEnv::new(|t| &t.write);
    let city = hub
        .ok(&[
            "repos",
            "list",
            "--namespace",
            "demo-org",
            "--explore",
            "--format",
            "human",
        ])
        .stdout;
    insta::assert_snapshot!(city, @"
     MM
     ||
     ||
     ||
     ||  MM
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||
     ||  ||  DD  MM
     ||  ||  ||  ||  MM  SS
     ||  ||  ||  ||  ||  ||
    ========================
     1   2   3   4   5   6

      1  M     5.2 MB  demo-org/xet-model
      2  M     3.1 MB  demo-org/demo-model
      3  D    68.8 KB  demo-org/demo-dataset
      4  M    67.2 KB  demo-org/gated-model
      5  M    20.9 KB  demo-org/many-files
      6  S     1.7 KB  demo-org/gradio-template

    6 repos, 8.6 MB in all. Roofs: M model, D dataset, S space, B bucket.
    ");
    // As Python: not for programs.
    let refused = hub.run(&["repos", "list", "--explore", "--json"]);
    assert_eq!(refused.code, Some(2), "{}", refused.transcript());
    assert!(
        refused
            .stderr
            .contains("Repository exploration is only available in terminal."),
        "{}",
        refused.stderr
    );
}
