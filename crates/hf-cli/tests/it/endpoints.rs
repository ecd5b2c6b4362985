//! `hf endpoints ...` against the test server's Inference Endpoints API and catalog (its
//! own base URLs, `HF_INFERENCE_ENDPOINTS_URL` and `HF_INFERENCE_CATALOG_URL`): an endpoint
//! deployed and waited for, updated, paused, resumed, scaled to zero and deleted; hardware
//! and quota; the catalog; the refusals of read and organisation tokens.

use crate::upload::HubEnv;

const CPU: &[&str] = &[
    "--accelerator",
    "cpu",
    "--instance-type",
    "intel-icl",
    "--instance-size",
    "x2",
    "--region",
    "us-east-1",
    "--vendor",
    "aws",
];

fn deploy<'a>(name: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "endpoints",
        "deploy",
        name,
        "--repo",
        "demo-org/demo-model",
        "--framework",
        "pytorch",
    ];
    args.extend_from_slice(CPU);
    args.extend_from_slice(extra);
    args
}

#[test]
fn an_endpoint_from_deploy_to_delete() {
    let mut hub = HubEnv::new(|t| &t.write);
    hub.env.set("REGISTRY_PASSWORD", "fake-registry-pass-31");
    let token = hub.server.tokens().write.clone();
    let deployed = hub.ok(&deploy(
        "my-endpoint",
        &[
            "--task",
            "text-classification",
            "-e",
            "MODE=fast",
            "-s",
            "HF_TOKEN",
            "--wait",
            "--json",
        ],
    ));
    // Each state on stderr while waiting, the running endpoint on stdout, its secret masked.
    for state in ["pending", "initializing", "running"] {
        assert!(
            deployed
                .stderr
                .contains(&format!("Endpoint my-endpoint: {state}")),
            "{}",
            deployed.stderr
        );
    }
    let e = deployed.json();
    assert_eq!(e["status"]["state"], "running", "{e}");
    assert_eq!(e["model"]["env"]["MODE"], "fast");
    assert_eq!(e["model"]["secrets"]["HF_TOKEN"], "(hidden)");
    assert!(
        e["status"]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/demo-user/my-endpoint")),
        "{e}"
    );
    assert_eq!(
        hub.server
            .endpoint_secret("demo-user", "my-endpoint", "HF_TOKEN")
            .as_deref(),
        Some(token.as_str()),
        "the secret arrived as the token"
    );

    insta::assert_snapshot!(hub.ok(&["endpoints", "ls", "--format", "human", "--no-truncate"]).stdout, @r"
    NAME         MODEL                STATUS   TASK                 FRAMEWORK  INSTANCE   VENDOR  REGION
    my-endpoint  demo-org/demo-model  running  text-classification  pytorch    intel-icl  aws     us-east-1
    ");
    let described = hub.ok(&["endpoints", "describe", "my-endpoint"]).json();
    assert_eq!(described["compute"]["instanceSize"], "x2");

    // An update goes through `updating`; `wait` follows it.
    let updated = hub
        .ok(&[
            "endpoints",
            "update",
            "my-endpoint",
            "--min-replica",
            "2",
            "--max-replica",
            "2",
            "--json",
        ])
        .json();
    assert_eq!(updated["status"]["state"], "updating", "{updated}");
    assert_eq!(updated["compute"]["scaling"]["minReplica"], 2);
    let waited = hub.ok(&[
        "endpoints",
        "wait",
        "my-endpoint",
        "--timeout",
        "30s",
        "--json",
    ]);
    assert_eq!(waited.json()["status"], "running");
    assert!(
        waited.stderr.contains("Endpoint my-endpoint: updating"),
        "{}",
        waited.stderr
    );

    let paused = hub.ok(&["endpoints", "pause", "my-endpoint"]).json();
    assert_eq!(paused["status"]["state"], "paused");
    let waited = hub.fails(&["endpoints", "wait", "my-endpoint"]);
    assert!(
        waited
            .stderr
            .contains("hint: `hf endpoints resume my-endpoint` starts it"),
        "{}",
        waited.stderr
    );
    let resumed = hub.ok(&["endpoints", "resume", "my-endpoint"]).json();
    assert_eq!(resumed["status"]["state"], "pending");
    hub.ok(&["endpoints", "wait", "my-endpoint"]);
    // Resuming a running endpoint is fine, unless asked to fail.
    assert_eq!(
        hub.ok(&["endpoints", "resume", "my-endpoint"]).json()["status"]["state"],
        "running"
    );
    let refused = hub.fails(&[
        "endpoints",
        "resume",
        "my-endpoint",
        "--fail-if-already-running",
    ]);
    assert!(
        refused.stderr.contains("already running"),
        "{}",
        refused.stderr
    );
    let zero = hub
        .ok(&["endpoints", "scale-to-zero", "my-endpoint"])
        .json();
    assert_eq!(zero["status"]["state"], "scaledToZero");

    // A custom image with registry credentials: the password from the environment, masked back.
    let custom = hub.ok(&deploy(
        "custom-one",
        &[
            "--custom-image",
            "registry.example/app:1",
            "--health-route",
            "/ok",
            "--port",
            "8080",
            "--container-registry-username",
            "me",
            "--container-registry-password",
            "REGISTRY_PASSWORD",
            "--container-command",
            "python -m 'my app'",
            "--json",
        ],
    ));
    assert!(
        !custom.stdout.contains("fake-registry-pass-31"),
        "{}",
        custom.stdout
    );
    let custom = custom.json();
    assert_eq!(
        custom["model"]["image"]["custom"]["credentials"]["password"],
        "(hidden)"
    );
    assert_eq!(
        custom["model"]["command"],
        serde_json::json!(["python", "-m", "my app"])
    );
    assert_eq!(custom["healthRoute"], "/ok");
    let without_image = hub.run(&deploy("x", &["--engine", "vllm"]));
    assert_eq!(
        without_image.code,
        Some(2),
        "{}",
        without_image.transcript()
    );
    assert!(
        without_image
            .stderr
            .contains("--custom-image is required when using --engine."),
        "{}",
        without_image.stderr
    );

    // A name taken, a failing endpoint, deleting.
    let taken = hub.fails(&deploy("my-endpoint", &[]));
    assert!(
        taken.stderr.contains("conflict (409)") && taken.stderr.contains("hf endpoints update"),
        "{}",
        taken.stderr
    );
    hub.server
        .set_endpoint_state("demo-user", "custom-one", "failed");
    let broken = hub.fails(&["endpoints", "wait", "custom-one"]);
    assert!(
        broken.stderr.contains("is not running (state failed)"),
        "{}",
        broken.stderr
    );
    let unconfirmed = hub.run(&["endpoints", "delete", "my-endpoint"]);
    assert_eq!(unconfirmed.code, Some(2), "{}", unconfirmed.transcript());
    let deleted = hub
        .ok(&[
            "endpoints",
            "delete",
            "my-endpoint",
            "--yes",
            "--format",
            "human",
        ])
        .stdout;
    assert_eq!(deleted, "Deleted 'my-endpoint'.\n  name: my-endpoint\n");
    let gone = hub.fails(&["endpoints", "describe", "my-endpoint"]);
    assert!(
        gone.stderr.contains("`hf endpoints list` lists them"),
        "{}",
        gone.stderr
    );
}

#[test]
fn hardware_quota_and_the_catalog() {
    let hub = HubEnv::new(|t| &t.write);
    let hardware = hub.ok(&[
        "endpoints",
        "hardware",
        "--accelerator",
        "gpu",
        "--format",
        "human",
        "--no-truncate",
    ]);
    insta::assert_snapshot!(hardware.stdout, @r"
    VENDOR  REGION     ACCELERATOR  INSTANCE_TYPE  INSTANCE_SIZE  MEMORY_GB  GPU_MEMORY_GB  PRICE_PER_HOUR  QUOTA  STATUS
    aws     us-east-1  gpu          nvidia-l4      x1             30         24             0.8             0/4    available
    aws     us-east-1  gpu          nvidia-t4      x1             15         16             0.5             0/4    available
    ");
    assert!(
        hardware.stderr.contains("--vendor aws --region us-east-1 --accelerator gpu --instance-type nvidia-l4 --instance-size x1"),
        "{}",
        hardware.stderr
    );
    let all = hub.ok(&["endpoints", "hardware", "--all", "-q"]).stdout;
    assert_eq!(all.lines().count(), 8, "{all}");
    let typo = hub.ok(&["endpoints", "hardware", "--vendor", "azure"]);
    assert!(
        typo.stderr
            .contains("No such hardware: --vendor 'azure' (valid: aws, gcp)."),
        "{}",
        typo.stderr
    );
    // Eight A100s are over the quota of four.
    let over = hub.fails(&[
        "endpoints",
        "deploy",
        "big",
        "--repo",
        "demo-org/demo-model",
        "--framework",
        "pytorch",
        "--accelerator",
        "gpu",
        "--instance-type",
        "nvidia-a100",
        "--instance-size",
        "x8",
        "--region",
        "us-east-1",
        "--vendor",
        "aws",
    ]);
    assert!(over.stderr.contains("Quota exceeded"), "{}", over.stderr);

    insta::assert_snapshot!(hub.ok(&["endpoints", "catalog", "ls", "--format", "human", "--no-truncate"]).stdout, @r"
    REPO_ID              TASK                 LICENSE     ACCELERATOR  ENGINE    GGUF_FILE         RECIPE_ID
    demo-org/demo-model  text-classification  Apache 2.0  cpu          tei                         crispy-demo-cpu01
    demo-org/demo-model  text-classification  Apache 2.0  gpu          vllm                        crispy-demo-gpu01
    demo-org/tiny-gguf   text-generation      MIT         cpu          llamacpp  tiny-Q4_K_M.gguf  sizzling-gguf-q4k01
    demo-org/tiny-gguf   text-generation      MIT         cpu          llamacpp  tiny-Q8_0.gguf    sizzling-gguf-q8001
    ");
    assert_eq!(
        hub.ok(&["endpoints", "list-catalog", "--engine", "vllm", "-q"])
            .stdout,
        "crispy-demo-gpu01\n"
    );
    let from_recipe = hub
        .ok(&[
            "endpoints",
            "catalog",
            "deploy",
            "--recipe",
            "sizzling-gguf-q8001",
            "--name",
            "tiny",
            "--json",
        ])
        .json();
    assert_eq!(
        from_recipe["model"]["env"]["GGUF_FILE"], "tiny-Q8_0.gguf",
        "{from_recipe}"
    );
    let from_repo = hub
        .ok(&[
            "endpoints",
            "catalog",
            "deploy",
            "--repo",
            "demo-org/demo-model",
            "--accelerator",
            "gpu",
            "--json",
        ])
        .json();
    assert_eq!(
        from_repo["compute"]["instanceType"], "nvidia-l4",
        "{from_repo}"
    );
    let neither = hub.run(&["endpoints", "catalog", "deploy"]);
    assert_eq!(neither.code, Some(2));
    assert!(
        neither
            .stderr
            .contains("Provide exactly one of --repo or --recipe"),
        "{}",
        neither.stderr
    );
}

#[test]
fn read_and_organisation_tokens_are_refused_outside_their_rights() {
    let mut hub = HubEnv::new(|t| &t.read);
    // A read token of a member lists...
    assert_eq!(hub.ok(&["endpoints", "ls"]).stdout, "No results found.\n");
    // ...and may not deploy.
    let refused = hub.fails(&deploy("e1", &[]));
    assert!(
        refused.stderr.contains("read role")
            && refused.stderr.contains("'inference.endpoints.write'"),
        "{}",
        refused.stderr
    );
    // An organisation token: refused in the user's namespace, fine in its organisation.
    hub.env
        .set("HF_TOKEN", hub.server.tokens().org_write.clone());
    let outside = hub.fails(&deploy("e1", &[]));
    assert!(
        outside
            .stderr
            .contains("does not have the inference.endpoints.write permission on demo-user")
            && outside.stderr.contains("--namespace ORG"),
        "{}",
        outside.stderr
    );
    let inside = hub
        .ok(&deploy("e1", &["--namespace", "demo-org", "--json"]))
        .json();
    assert_eq!(inside["status"]["state"], "pending");
    assert_eq!(
        hub.ok(&["endpoints", "ls", "--namespace", "demo-org", "-q"])
            .stdout,
        "e1\n"
    );
    // Another user's namespace: not a member.
    hub.env.set("HF_TOKEN", hub.server.tokens().write.clone());
    let stranger = hub.fails(&["endpoints", "ls", "--namespace", "other-user"]);
    assert!(
        stranger.stderr.contains("is not a member of other-user"),
        "{}",
        stranger.stderr
    );
}
