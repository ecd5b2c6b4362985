//! `hf spaces pause|restart|hardware|settings|logs|wait|dev-mode` against the test server.

use crate::common::Outcome;
use crate::upload::HubEnv;

fn ok(hub: &HubEnv, args: &[&str]) -> Outcome {
    let outcome = hub.run(args);
    assert_eq!(outcome.code, Some(0), "{args:?}\n{}", outcome.transcript());
    outcome
}

#[test]
fn a_space_is_restarted_waited_for_paused_and_its_logs_read() {
    let mut hub = HubEnv::new(|t| &t.write);
    let space = "demo-user/ops-app";
    ok(
        &hub,
        &[
            "repos", "create", space, "--type", "space", "--sdk", "gradio",
        ],
    );
    insta::assert_snapshot!(hub.env.normalize(&ok(&hub, &["spaces", "restart", space, "--format", "human"]).stdout), @r"
    Space demo-user/ops-app restart triggered
      space_id: demo-user/ops-app
      stage: BUILDING
      factory_reboot: false
    ");
    let build = ok(&hub, &["spaces", "logs", space, "--build", "-f"]).stdout;
    insta::assert_snapshot!(build, @r"
    ===== Build Queued (restart) =====
    --> Building the image
    --> Pushing the image
    ");
    let waited = ok(
        &hub,
        &["spaces", "wait", space, "--timeout", "30s", "--json"],
    );
    assert_eq!(
        waited.json(),
        serde_json::json!({"space_id": space, "stage": "RUNNING"})
    );
    assert!(
        waited.stderr.contains("Space demo-user/ops-app: RUNNING"),
        "{}",
        waited.stderr
    );
    let tail = ok(&hub, &["spaces", "logs", space, "-n", "1"]).stdout;
    assert_eq!(tail, "Running on local URL:  http://0.0.0.0:7860\n");
    let json = ok(&hub, &["spaces", "logs", space, "--json"]).stdout;
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{json}");
    assert!(lines[0]["timestamp"].is_string(), "{json}");

    let hardware = ok(&hub, &["spaces", "hardware", "--json"]).json();
    assert!(
        hardware
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["name"] == "t4-small" && h["accelerator"]["model"] == "T4"),
        "{hardware}"
    );
    let table = ok(&hub, &["spaces", "hardware", "--format", "agent"]).stdout;
    assert!(
        table.starts_with("name\tpretty_name\tcpu\tram\taccelerator\tcost_min\tcost_hour\n")
            && table.contains("cpu-basic\tCPU Basic\t2 vCPU\t16 GB\t\tfree\tfree\n"),
        "{table}"
    );
    let settings = ok(
        &hub,
        &[
            "spaces",
            "settings",
            space,
            "--hardware",
            "t4-small",
            "--sleep-time",
            "-1",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        settings,
        serde_json::json!({"space_id": space, "hardware": "t4-small", "sleep_time": -1})
    );
    let nothing = hub.run(&["spaces", "settings", space]);
    assert_eq!(nothing.code, Some(2), "{}", nothing.transcript());
    let both = hub.run(&["spaces", "logs", space, "-f", "-n", "3"]);
    assert_eq!(both.code, Some(2), "{}", both.transcript());

    assert_eq!(
        ok(&hub, &["spaces", "pause", space, "-q"]).stdout,
        "demo-user/ops-app\n"
    );
    // A paused Space is settled but not running: `wait` fails and says how to start it.
    let paused = hub.run(&["spaces", "wait", space]);
    assert_eq!(paused.code, Some(1), "{}", paused.transcript());
    assert!(
        paused.stderr.contains("is not running (stage PAUSED)")
            && paused
                .stderr
                .contains("hint: `hf spaces restart demo-user/ops-app`"),
        "{}",
        paused.stderr
    );
    let timed_out = {
        ok(&hub, &["spaces", "restart", space, "--factory-reboot"]);
        hub.run(&["spaces", "wait", space, "--timeout", "0"])
    };
    assert_eq!(timed_out.code, Some(1), "{}", timed_out.transcript());
    assert!(
        timed_out.stderr.contains("timed out"),
        "{}",
        timed_out.stderr
    );
    let bad = hub.run(&["spaces", "wait", space, "--timeout", "soon"]);
    assert_eq!(bad.code, Some(2), "{}", bad.transcript());

    let dev = ok(&hub, &["spaces", "dev-mode", space, "--json"]).json();
    assert_eq!(dev["ssh"], "demo-user-ops-app@ssh.hf.space", "{dev}");
    ok(&hub, &["spaces", "dev-mode", space, "--stop"]);

    // A read token may not change a Space, nor read its logs.
    let read = hub.server.tokens().read.clone();
    hub.env.set("HF_TOKEN", &read);
    for args in [
        &["spaces", "pause", space][..],
        &["spaces", "restart", space],
        &["spaces", "logs", space],
        &["spaces", "settings", space, "--sleep-time", "60"],
    ] {
        let refused = hub.run(args);
        assert_eq!(refused.code, Some(1), "{args:?}: {}", refused.transcript());
        assert!(
            refused.stderr.contains("forbidden (403)") && refused.stderr.contains("hint:"),
            "{args:?}: {}",
            refused.stderr
        );
    }
}

#[test]
fn spaces_are_found_by_what_they_do() {
    let hub = HubEnv::new(|t| &t.write);
    for (id, sdk) in [
        ("demo-user/image-maker", "gradio"),
        ("demo-user/docs-site", "static"),
    ] {
        hub.ok(&["repos", "create", id, "--type", "space", "--sdk", sdk]);
    }
    let found = hub.ok(&["spaces", "search", "image maker", "-q"]).stdout;
    assert_eq!(
        found.lines().next(),
        Some("demo-user/image-maker"),
        "{found}"
    );
    let by_sdk = hub
        .ok(&["spaces", "search", "demo", "--sdk", "static", "-q"])
        .stdout;
    assert_eq!(by_sdk, "demo-user/docs-site\n");
    let shown = hub.ok(&[
        "spaces",
        "search",
        "image maker",
        "--format",
        "human",
        "--no-truncate",
    ]);
    assert!(
        shown
            .stderr
            .contains("Use --description to show AI-generated descriptions."),
        "{}",
        shown.stderr
    );
    insta::assert_snapshot!(shown.stdout, @"
    ID                     TITLE        SDK     LIKES  STAGE    CATEGORY  SCORE
    demo-user/image-maker  image-maker  gradio  0      RUNNING  Other     1
    ");
    let described = hub
        .ok(&["spaces", "search", "image maker", "--description", "--json"])
        .json();
    assert_eq!(
        described[0]["description"], "image-maker: a gradio Space",
        "{described}"
    );
    assert_eq!(described[0]["score"], 1.0);
    // A paused Space is found only with --include-non-running.
    hub.ok(&["spaces", "pause", "demo-user/image-maker"]);
    let running = hub.ok(&["spaces", "search", "image maker", "-q"]).stdout;
    assert!(!running.contains("image-maker"), "{running}");
    let all = hub
        .ok(&[
            "spaces",
            "search",
            "image maker",
            "--include-non-running",
            "-q",
        ])
        .stdout;
    assert!(all.contains("demo-user/image-maker"), "{all}");
}
