//! The same listing through the Python client's `hf` (huggingface_hub 2.5.0) and ours, on
//! the test server: quiet output gives the same ids, and JSON has Python's keys.

use std::collections::BTreeSet;

use hf_e2e::{Session, Target};

/// A session on the test server with the Python CLI at hand, or `None` with the reason.
fn both(test: &str) -> Option<Session> {
    let target = Target::from_env(test)?;
    if !target.test_server {
        hf_e2e::not_run(&format!(
            "{test}: compares seeded listings; only against hf-test-server"
        ));
        return None;
    }
    if target.python_hf.is_none() {
        hf_e2e::not_run(&format!(
            "{test}: HF_E2E_PYTHON_HF is not set (no .venv/bin/hf), nothing compared"
        ));
        return None;
    }
    Some(Session::new(&target))
}

/// stdout of ours and of Python's for `args`; both must succeed.
fn outputs(session: &Session, args: &[&str]) -> (String, String) {
    let ours = session.hf(args).run().success();
    let python = session
        .python_hf(args)
        .expect("the Python CLI")
        .run()
        .success();
    (ours.stdout, python.stdout)
}

/// `hf auth revoke` by each client revokes a token the other then sees refused (Python
/// 2.5's `revoke_tokens`, `POST /api/credentials/revoke` with no `Authorization`).
#[test]
fn a_token_revoked_by_one_client_is_refused_to_the_other() {
    let Some(session) = both("a_token_revoked_by_one_client_is_refused_to_the_other") else {
        return;
    };
    let target = session.target();
    let by_python = target.mint_token("read");
    let by_ours = target.mint_token("read");
    for token in [&by_python, &by_ours] {
        session
            .hf(["auth", "whoami"])
            .env("HF_TOKEN", token)
            .run()
            .success();
    }
    let python = session
        .python_hf(["auth", "revoke", by_python.as_str()])
        .expect("the Python CLI")
        .run()
        .success();
    assert!(
        python
            .stdout
            .contains("Revocation requested for 1 token(s)"),
        "{}",
        python.stdout
    );
    session
        .hf(["auth", "whoami"])
        .env("HF_TOKEN", &by_python)
        .run()
        .failure(1);

    let ours = session
        .hf(["auth", "revoke", "--from-file", "-"])
        .stdin(&format!("leaked: {by_ours}\n"))
        .run()
        .success();
    assert!(
        ours.stdout.contains("Revocation requested for 1 token(s)"),
        "{}",
        ours.stdout
    );
    let refused = session
        .python_hf(["auth", "whoami"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &by_ours)
        .run();
    assert_ne!(
        refused.code,
        Some(0),
        "Python still accepts the revoked token: {}",
        refused.stdout
    );
}

#[test]
fn quiet_listings_give_the_same_ids_as_python() {
    let Some(session) = both("quiet_listings_give_the_same_ids_as_python") else {
        return;
    };
    for args in [
        &["models", "ls", "--author", "demo-org", "-q"][..],
        &[
            "models",
            "ls",
            "--author",
            "demo-org",
            "--sort",
            "downloads",
            "-q",
        ],
        &["models", "ls", "--search", "demo", "--limit", "2", "-q"],
        &[
            "models",
            "ls",
            "--filter",
            "text-classification",
            "--format",
            "quiet",
        ],
        &["datasets", "ls", "--author", "demo-org", "-q"],
        // demo-org's only: other tests create Spaces of demo-user meanwhile.
        &["spaces", "ls", "--author", "demo-org", "-q"],
        &["datasets", "ls", "demo-org/demo-dataset", "-R", "-q"],
        &["models", "ls", "demo-org/demo-model", "-q"],
        &["spaces", "search", "template", "-q"],
    ] {
        let (ours, python) = outputs(&session, args);
        let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(lines(&ours), lines(&python), "hf {}", args.join(" "));
        // Every listing has entries (the seed's one Space is demo-org's template).
        assert!(!ours.is_empty(), "hf {}: nothing listed", args.join(" "));
    }
}

#[test]
fn json_listings_have_pythons_ids_and_keys() {
    let Some(session) = both("json_listings_have_pythons_ids_and_keys") else {
        return;
    };
    for args in [
        &["models", "ls", "--author", "demo-org", "--format", "json"][..],
        &["datasets", "ls", "--author", "demo-org", "--json"],
        &["models", "info", "demo-org/demo-model", "--json"],
        &["datasets", "ls", "demo-org/demo-dataset", "-R", "--json"],
        &["spaces", "search", "template", "--description", "--json"],
    ] {
        let (ours, python) = outputs(&session, args);
        let parse = |text: &str, who: &str| -> Vec<serde_json::Value> {
            match serde_json::from_str(text) {
                Ok(serde_json::Value::Array(items)) => items,
                Ok(one) => vec![one],
                Err(e) => panic!("{who} `hf {}` is not JSON ({e}): {text}", args.join(" ")),
            }
        };
        let (ours, python) = (parse(&ours, "our"), parse(&python, "Python's"));
        let key = |item: &serde_json::Value| {
            item.get("id")
                .or_else(|| item.get("path"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            ours.iter().map(key).collect::<Vec<_>>(),
            python.iter().map(key).collect::<Vec<_>>(),
            "hf {}",
            args.join(" ")
        );
        for (mine, theirs) in ours.iter().zip(&python) {
            let keys = |v: &serde_json::Value| {
                v.as_object()
                    .map(|o| o.keys().cloned().collect::<BTreeSet<_>>())
                    .unwrap_or_default()
            };
            let missing: Vec<String> = keys(theirs).difference(&keys(mine)).cloned().collect();
            assert!(
                missing.is_empty(),
                "hf {}: {} lacks Python's keys {missing:?}\nours: {mine}\nPython: {theirs}",
                args.join(" "),
                key(mine)
            );
        }
    }
}

#[test]
fn space_variables_and_secrets_written_by_one_client_are_read_by_the_other() {
    let Some(session) =
        both("space_variables_and_secrets_written_by_one_client_are_read_by_the_other")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let space = format!("demo-user/{}", hf_e2e::unique_name("settings"));
    session
        .hf([
            "repos", "create", &space, "--type", "space", "--sdk", "gradio",
        ])
        .env("HF_TOKEN", &token)
        .run()
        .success();
    // Ours sets a variable; Python lists it.
    session
        .hf(["spaces", "variables", "add", &space, "-e", "THEME=dark"])
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let listed = session
        .python_hf(["spaces", "variables", "list", &space, "--format", "json"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let variables = listed.json();
    assert!(
        variables.as_array().is_some_and(|v| v
            .iter()
            .any(|v| v["key"] == "THEME" && v["value"] == "dark")),
        "{variables}"
    );
    // Python sets a secret (its value from the environment); ours lists its name only.
    let value = "fake-python-secret-5678";
    session
        .python_hf(["spaces", "secrets", "add", &space, "-s", "PY_SECRET"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &token)
        .env("PY_SECRET", value)
        .run()
        .success();
    let ours = session
        .hf(["spaces", "secrets", "list", &space, "--json"])
        .env("HF_TOKEN", &token)
        .run()
        .success();
    assert!(!ours.stdout.contains(value), "a secret value was printed");
    let secrets = ours.json();
    assert!(
        secrets
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["key"] == "PY_SECRET")),
        "{secrets}"
    );
    // And the same JSON keys as Python's listing of the variables.
    let (mine, theirs) = (
        session
            .hf(["spaces", "variables", "list", &space, "--json"])
            .env("HF_TOKEN", &token)
            .run()
            .success()
            .json(),
        variables,
    );
    let keys = |v: &serde_json::Value| {
        v[0].as_object()
            .map(|o| o.keys().cloned().collect::<BTreeSet<_>>())
            .unwrap_or_default()
    };
    assert_eq!(keys(&mine), keys(&theirs), "ours: {mine}\nPython: {theirs}");
}

#[test]
fn pull_requests_opened_by_one_client_are_reviewed_and_merged_by_the_other() {
    let Some(session) =
        both("pull_requests_opened_by_one_client_are_reviewed_and_merged_by_the_other")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let repo = format!("demo-user/{}", hf_e2e::unique_name("reviewed"));
    let ours = |args: &[&str]| session.hf(args).env("HF_TOKEN", &token).run().success();
    let python = |args: &[&str]| {
        session
            .python_hf(args)
            .expect("the Python CLI")
            .env("HF_TOKEN", &token)
            .run()
            .success()
    };
    ours(&["repos", "create", &repo]);
    let notes = session.home().join("notes.txt");
    std::fs::write(&notes, "written by ours\n").unwrap();
    let notes = notes.display().to_string();

    // Ours opens a PR and commits to it; Python lists it, comments, and merges it.
    let created = ours(&[
        "discussions",
        "create",
        &repo,
        "--title",
        "Add notes",
        "--pr",
        "--json",
    ])
    .json();
    let num = created["num"].as_u64().unwrap().to_string();
    assert_eq!(created["ref"], format!("refs/pr/{num}"), "{created}");
    ours(&[
        "upload",
        &repo,
        &notes,
        "notes.txt",
        "--revision",
        &format!("refs/pr/{num}"),
    ]);
    let listed = python(&[
        "discussions",
        "list",
        &repo,
        "--kind",
        "pull_request",
        "--format",
        "json",
    ])
    .json();
    let pr = listed
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|d| d["num"].as_u64().map(|n| n.to_string()).as_deref() == Some(num.as_str()))
        })
        .unwrap_or_else(|| panic!("Python does not list our PR: {listed}"))
        .clone();
    assert_eq!(
        (pr["status"].as_str(), pr["is_pull_request"].as_bool()),
        (Some("open"), Some(true)),
        "{pr}"
    );
    python(&[
        "discussions",
        "comment",
        &repo,
        &num,
        "--body",
        "Reviewed by Python",
    ]);
    python(&["discussions", "merge", &repo, &num, "--yes"]);
    let details = ours(&["discussions", "info", &repo, &num, "--json"]).json();
    assert_eq!(details["status"], "merged", "{details}");
    assert!(
        details["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["content"] == "Reviewed by Python"),
        "{details}"
    );
    // Our listing has Python's keys (Python adds the endpoint; ours gives the page's URL).
    let mine = ours(&["discussions", "list", &repo, "-s", "all", "--json"]).json();
    let keys = |v: &serde_json::Value| {
        v[0].as_object()
            .map(|o| o.keys().cloned().collect::<BTreeSet<_>>())
            .unwrap_or_default()
    };
    let theirs = python(&[
        "discussions",
        "list",
        &repo,
        "-s",
        "all",
        "--format",
        "json",
    ])
    .json();
    let missing: Vec<_> = keys(&theirs)
        .difference(&keys(&mine))
        .filter(|k| *k != "endpoint")
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "ours lacks {missing:?}: {mine}\nPython: {theirs}"
    );

    // Python opens a PR with a commit (`--create-pr`); ours shows its diff, comments, closes it.
    std::fs::write(session.home().join("notes.txt"), "changed by Python\n").unwrap();
    let uploaded = python(&[
        "upload",
        &repo,
        &notes,
        "notes.txt",
        "--create-pr",
        "--format",
        "json",
    ])
    .json();
    let url = uploaded["pr_url"]
        .as_str()
        .or(uploaded["url"].as_str())
        .map(str::to_owned);
    let python_num = python(&["discussions", "list", &repo, "-q"])
        .stdout
        .lines()
        .next()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("Python's PR is not listed as open: {uploaded}"));
    let diff = ours(&["discussions", "diff", &repo, &python_num]).stdout;
    assert!(
        diff.contains("-written by ours") && diff.contains("+changed by Python"),
        "{url:?}\n{diff}"
    );
    ours(&[
        "discussions",
        "comment",
        &repo,
        &python_num,
        "--body",
        "Not now, thanks",
    ]);
    ours(&["discussions", "close", &repo, &python_num, "--yes"]);
    let details = python(&[
        "discussions",
        "info",
        &repo,
        &python_num,
        "--format",
        "json",
    ])
    .json();
    assert_eq!(details["status"], "closed", "{details}");
    let events = details["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["content"] == "Not now, thanks"),
        "{details}"
    );
}

#[test]
fn a_space_restarted_by_one_client_is_waited_for_and_paused_by_the_other() {
    let Some(session) =
        both("a_space_restarted_by_one_client_is_waited_for_and_paused_by_the_other")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let space = format!("demo-user/{}", hf_e2e::unique_name("runtime"));
    let ours = |args: &[&str]| session.hf(args).env("HF_TOKEN", &token).run();
    let python = |args: &[&str]| {
        session
            .python_hf(args)
            .expect("the Python CLI")
            .env("HF_TOKEN", &token)
            .run()
    };
    ours(&[
        "repos", "create", &space, "--type", "space", "--sdk", "gradio",
    ])
    .success();
    // Python restarts; ours follows the build and waits for it; Python reads the run log.
    python(&["spaces", "restart", &space]).success();
    let build = ours(&["spaces", "logs", &space, "--build", "--follow"]).success();
    assert!(build.stdout.contains("Build Queued"), "{}", build.stdout);
    let ready = ours(&["spaces", "wait", &space, "--json"]).success().json();
    assert_eq!(ready["stage"], "RUNNING", "{ready}");
    let run = python(&["spaces", "logs", &space]).success();
    assert!(
        run.stdout.contains("Running on local URL"),
        "{}",
        run.stdout
    );
    // Ours changes the hardware and pauses; Python sees both and its wait fails as ours does.
    ours(&["spaces", "settings", &space, "--hardware", "t4-small"]).success();
    python(&["spaces", "wait", &space]).success();
    ours(&["spaces", "pause", &space]).success();
    let info = python(&["spaces", "info", &space, "--format", "json"])
        .success()
        .json();
    assert_eq!(info["runtime"]["stage"], "PAUSED", "{info}");
    assert_eq!(info["runtime"]["requested_hardware"], "t4-small", "{info}");
    python(&["spaces", "wait", &space]).failure(1);
    ours(&["spaces", "wait", &space]).failure(1);
}

/// Runs ours and Python's with `token` in the environment.
struct Both<'a> {
    session: &'a Session,
    token: String,
}

impl Both<'_> {
    fn ours(&self, args: &[&str]) -> hf_e2e::Outcome {
        self.session.hf(args).env("HF_TOKEN", &self.token).run()
    }
    fn python(&self, args: &[&str]) -> hf_e2e::Outcome {
        self.session
            .python_hf(args)
            .expect("the Python CLI")
            .env("HF_TOKEN", &self.token)
            .run()
    }
    fn python_endpoints(&self, args: &[&str]) -> hf_e2e::Outcome {
        self.session
            .python_hf_with_endpoints(args)
            .expect("the Python CLI and the Endpoints URLs")
            .env("HF_TOKEN", &self.token)
            .run()
    }
}

#[test]
fn collections_made_by_one_client_are_read_and_changed_by_the_other() {
    let Some(session) = both("collections_made_by_one_client_are_read_and_changed_by_the_other")
    else {
        return;
    };
    let both = Both {
        session: &session,
        token: session.target().token().to_owned(),
    };
    let title = hf_e2e::unique_name("picks");
    // Ours creates and adds a model with a note; Python reads both.
    let slug = both
        .ours(&["collections", "create", &title, "-q"])
        .success()
        .stdout
        .trim()
        .to_owned();
    both.ours(&[
        "collections",
        "add-item",
        &slug,
        "demo-org/demo-model",
        "model",
        "--note",
        "From ours",
    ])
    .success();
    let info = both
        .python(&["collections", "info", &slug, "--format", "json"])
        .success()
        .json();
    assert_eq!(info["items"][0]["item_id"], "demo-org/demo-model", "{info}");
    assert_eq!(info["items"][0]["note"], "From ours", "{info}");
    // Python adds a paper and makes it private; ours sees that.
    both.python(&["collections", "add-item", &slug, "2611.01234", "paper"])
        .success();
    both.python(&["collections", "update", &slug, "--private"])
        .success();
    let mine = both
        .ours(&["collections", "info", &slug, "--json"])
        .success()
        .json();
    assert_eq!(mine["private"], true, "{mine}");
    assert_eq!(mine["items"][1]["item_id"], "2611.01234", "{mine}");
    // Same keys as Python's dict of a collection.
    let keys = |v: &serde_json::Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<BTreeSet<_>>())
            .unwrap_or_default()
    };
    let theirs = both
        .python(&["collections", "info", &slug, "--format", "json"])
        .success()
        .json();
    assert_eq!(keys(&mine), keys(&theirs), "ours: {mine}\nPython: {theirs}");
    assert_eq!(keys(&mine["items"][0]), keys(&theirs["items"][0]));
    // Python removes ours' item; ours deletes the collection; Python no longer finds it.
    let object = mine["items"][0]["item_object_id"]
        .as_str()
        .unwrap()
        .to_owned();
    both.python(&["collections", "delete-item", &slug, &object])
        .success();
    let mine = both
        .ours(&["collections", "info", &slug, "--json"])
        .success()
        .json();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1), "{mine}");
    both.ours(&["collections", "delete", &slug]).success();
    both.python(&["collections", "info", &slug]).failure(1);
}

#[test]
fn papers_are_listed_searched_and_read_alike() {
    let Some(session) = both("papers_are_listed_searched_and_read_alike") else {
        return;
    };
    for args in [
        &["papers", "ls", "-q"][..],
        &["papers", "ls", "--week", "2026-W49", "-q"],
        &[
            "papers",
            "ls",
            "--submitter",
            "demo-user",
            "--sort",
            "trending",
            "-q",
        ],
        &["papers", "search", "vision", "-q"],
    ] {
        let (ours, python) = outputs(&session, args);
        assert_eq!(ours, python, "{args:?}");
        assert!(!ours.is_empty(), "{args:?}: nothing listed");
    }
    let (ours, python) = outputs(&session, &["papers", "read", "2611.01234"]);
    assert_eq!(ours.trim_end(), python.trim_end());
    let (ours, python) = outputs(
        &session,
        &["papers", "info", "2611.00042", "--format", "json"],
    );
    let (ours, python): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&ours).unwrap(),
        serde_json::from_str(&python).unwrap(),
    );
    for key in ["id", "title", "summary", "upvotes", "comments"] {
        assert_eq!(
            ours[key], python[key],
            "{key}: ours {ours}\nPython {python}"
        );
    }
}

#[test]
fn webhooks_made_by_one_client_are_read_and_changed_by_the_other() {
    let Some(session) = both("webhooks_made_by_one_client_are_read_and_changed_by_the_other")
    else {
        return;
    };
    let both = Both {
        session: &session,
        token: session.target().token().to_owned(),
    };
    let secret = "fake-interop-webhook-secret";
    // Ours creates, the signing secret from the environment; Python reads it back.
    let ours_id = session
        .hf([
            "webhooks",
            "create",
            "--watch",
            "model:demo-org/demo-model",
            "--url",
            "https://example.invalid/ours",
            "--secret",
            "SIGNING",
            "-q",
        ])
        .env("HF_TOKEN", &both.token)
        .env("SIGNING", secret)
        .run()
        .success()
        .stdout
        .trim()
        .to_owned();
    let info = both
        .python(&["webhooks", "info", &ours_id, "--format", "json"])
        .success()
        .json();
    assert_eq!(info["secret"], secret, "the secret arrived: {info}");
    assert_eq!(info["watched"][0]["name"], "demo-org/demo-model");
    // Python creates one; ours lists both, disables Python's; Python sees it disabled.
    let created = both
        .python(&[
            "webhooks",
            "create",
            "--watch",
            "org:demo-org",
            "--url",
            "https://example.invalid/py",
            "--format",
            "json",
        ])
        .success()
        .json();
    let py_id = created["id"].as_str().unwrap().to_owned();
    let listed = both.ours(&["webhooks", "ls", "-q"]).success().stdout;
    assert!(
        listed.contains(&ours_id) && listed.contains(&py_id),
        "{listed}"
    );
    let shown = both
        .ours(&["webhooks", "info", &ours_id, "--json"])
        .success();
    assert!(
        !shown.stdout.contains(secret),
        "ours never prints the secret"
    );
    both.ours(&["webhooks", "disable", &py_id]).success();
    let info = both
        .python(&["webhooks", "info", &py_id, "--format", "json"])
        .success()
        .json();
    assert_eq!(info["disabled"], true, "{info}");
    // Each deletes the other's.
    both.python(&["webhooks", "delete", &ours_id, "--yes"])
        .success();
    both.ours(&["webhooks", "delete", &py_id, "--yes"])
        .success();
    let left = both.ours(&["webhooks", "ls", "-q"]).success().stdout;
    assert!(!left.contains(&ours_id) && !left.contains(&py_id), "{left}");
}

#[test]
fn endpoints_deployed_by_one_client_are_managed_by_the_other() {
    let Some(session) = both("endpoints_deployed_by_one_client_are_managed_by_the_other") else {
        return;
    };
    if session.target().inference_endpoints.is_none() {
        hf_e2e::not_run("endpoints interop: the runner named no Inference Endpoints URLs");
        return;
    }
    let both = Both {
        session: &session,
        token: session.target().token().to_owned(),
    };
    let digits: String = hf_e2e::unique_name("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let suffix = &digits[digits.len().saturating_sub(10)..];
    let (ours_name, py_name) = (format!("ours-{suffix}"), format!("py-{suffix}"));
    let hardware = [
        "--accelerator",
        "cpu",
        "--instance-type",
        "intel-icl",
        "--instance-size",
        "x1",
        "--region",
        "us-east-1",
        "--vendor",
        "aws",
    ];
    let deploy = |name: &str| {
        let mut args = vec![
            "endpoints",
            "deploy",
            name,
            "--repo",
            "demo-org/demo-model",
            "--framework",
            "pytorch",
        ];
        args.extend_from_slice(&hardware);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    fn as_str(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // Ours deploys and waits; Python describes it running and pauses it.
    let mut ours_deploy = deploy(&ours_name);
    ours_deploy.extend(["-s".to_owned(), "HF_TOKEN".to_owned(), "--wait".to_owned()]);
    both.ours(&as_str(&ours_deploy)).success();
    let described = both
        .python_endpoints(&["endpoints", "describe", &ours_name, "--format", "json"])
        .success()
        .json();
    assert_eq!(described["status"]["state"], "running", "{described}");
    assert!(
        !described.to_string().contains(&both.token),
        "the secret is not answered back"
    );
    both.python_endpoints(&["endpoints", "pause", &ours_name])
        .success();
    let mine = both
        .ours(&["endpoints", "describe", &ours_name, "--json"])
        .success()
        .json();
    assert_eq!(mine["status"]["state"], "paused", "{mine}");
    // Python deploys; ours waits for it and scales it to zero; Python sees that.
    both.python_endpoints(&as_str(&deploy(&py_name))).success();
    both.ours(&["endpoints", "wait", &py_name, "--timeout", "60s"])
        .success();
    both.ours(&["endpoints", "scale-to-zero", &py_name])
        .success();
    let theirs = both
        .python_endpoints(&["endpoints", "describe", &py_name, "--format", "json"])
        .success()
        .json();
    assert_eq!(theirs["status"]["state"], "scaledToZero", "{theirs}");
    // Both list both, with the same names in quiet output.
    let ours_list = both.ours(&["endpoints", "ls", "-q"]).success().stdout;
    let py_list = both
        .python_endpoints(&["endpoints", "ls", "-q"])
        .success()
        .stdout;
    for name in [&ours_name, &py_name] {
        assert!(
            ours_list.contains(name.as_str()) && py_list.contains(name.as_str()),
            "ours: {ours_list}\nPython: {py_list}"
        );
    }
    // Each deletes the other's.
    both.python_endpoints(&["endpoints", "delete", &ours_name, "--yes"])
        .success();
    both.ours(&["endpoints", "delete", &py_name, "--yes"])
        .success();
    both.ours(&["endpoints", "describe", &ours_name]).failure(1);
}

#[test]
fn datasets_sql_gives_the_same_rows_as_python() {
    let Some(session) = both("datasets_sql_gives_the_same_rows_as_python") else {
        return;
    };
    // Python runs the DuckDB program when its duckdb package is absent; it sits beside its `hf`.
    let venv_bin = session
        .target()
        .python_hf
        .as_ref()
        .and_then(|p| p.parent())
        .unwrap()
        .to_owned();
    let duckdb = venv_bin.join("duckdb");
    assert!(
        duckdb.is_file(),
        "{} is missing: pip install duckdb-cli (bash .ci/run does)",
        duckdb.display()
    );
    let made = std::process::Command::new(&duckdb)
        .current_dir(session.home())
        .args([
            "-c",
            "COPY (SELECT range AS id, 'city ' || range AS name FROM range(4)) TO 'cities.parquet'",
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let path = format!("{}:/usr/bin:/bin", venv_bin.display());
    let query = "SELECT name, id * 10 AS tens FROM read_parquet('cities.parquet') ORDER BY id DESC";
    for format in ["json", "quiet"] {
        let ours = session
            .hf(["datasets", "sql", query, "--format", format])
            .env("PATH", &path)
            .run()
            .success();
        let python = session
            .python_hf(["datasets", "sql", query, "--format", format])
            .expect("the Python CLI")
            .env("PATH", &path)
            .run()
            .success();
        if format == "json" {
            assert_eq!(
                ours.json(),
                python.json(),
                "ours: {}\nPython: {}",
                ours.stdout,
                python.stdout
            );
        } else {
            assert_eq!(ours.stdout, python.stdout);
        }
    }
}

#[test]
fn a_xet_file_downloaded_through_xet_by_both_clients_is_byte_identical() {
    let Some(session) = both("a_xet_file_downloaded_through_xet_by_both_clients_is_byte_identical")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let (ours_dir, python_dir) = (
        session.home().join("ours-xet"),
        session.home().join("python-xet"),
    );
    // Both with Xet on (Python's default with hf_xet; ours with the `xet` feature).
    session
        .hf([
            "download",
            "demo-org/xet-model",
            "model.safetensors",
            "--local-dir",
        ])
        .arg(&ours_dir)
        .env("HF_TOKEN", &token)
        .run()
        .success();
    session
        .python_hf([
            "download",
            "demo-org/xet-model",
            "model.safetensors",
            "--local-dir",
        ])
        .expect("the Python CLI")
        .arg(&python_dir)
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let read = |dir: &std::path::Path| std::fs::read(dir.join("model.safetensors")).unwrap();
    let (ours, python) = (read(&ours_dir), read(&python_dir));
    assert!(ours.len() > 5 * 1024 * 1024, "{} bytes", ours.len());
    assert!(ours == python, "the two downloads differ");
}

#[test]
fn files_uploaded_through_xet_by_one_client_are_downloaded_by_the_other() {
    let Some(session) =
        both("files_uploaded_through_xet_by_one_client_are_downloaded_by_the_other")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let repo = format!("demo-user/{}", hf_e2e::unique_name("xet-up"));
    let bytes = |seed: u32| -> Vec<u8> {
        (0..2 * 1024 * 1024u32)
            .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect()
    };
    let (ours_bytes, python_bytes) = (bytes(1), bytes(2));
    std::fs::write(session.home().join("ours.bin"), &ours_bytes).unwrap();
    std::fs::write(session.home().join("python.bin"), &python_bytes).unwrap();
    let sent = session
        .hf(["upload", &repo, "ours.bin", "--json"])
        .env("HF_TOKEN", &token)
        .run()
        .success()
        .json();
    assert_eq!(sent["xet_files"], 1, "ours went through Xet: {sent}");
    session
        .python_hf(["upload", &repo, "python.bin"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let (py_dir, our_dir) = (session.home().join("py-dl"), session.home().join("our-dl"));
    session
        .python_hf(["download", &repo, "ours.bin", "--local-dir"])
        .expect("the Python CLI")
        .arg(&py_dir)
        .env("HF_TOKEN", &token)
        .run()
        .success();
    session
        .hf(["download", &repo, "python.bin", "--local-dir"])
        .arg(&our_dir)
        .env("HF_TOKEN", &token)
        .run()
        .success();
    assert!(
        std::fs::read(py_dir.join("ours.bin")).unwrap() == ours_bytes,
        "Python read ours differently"
    );
    assert!(
        std::fs::read(our_dir.join("python.bin")).unwrap() == python_bytes,
        "ours read Python's differently"
    );
}

/// `invocation` offline, and with an endpoint where no request can succeed (a closed port).
fn offline(invocation: hf_e2e::Invocation<'_>) -> hf_e2e::Invocation<'_> {
    invocation
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
}

/// The shared Xet blob store file holding `bytes`, and its Xet hash.
fn store_entry(hub: &std::path::Path, bytes: &[u8]) -> Option<(std::path::PathBuf, String)> {
    let prefixes = std::fs::read_dir(hub.join("blobs")).ok()?;
    for prefix in prefixes.flatten().filter(|p| p.path().is_dir()) {
        for entry in std::fs::read_dir(prefix.path()).ok()?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.len() == 64
                && entry
                    .metadata()
                    .is_ok_and(|m| m.len() == bytes.len() as u64)
                && std::fs::read(entry.path()).is_ok_and(|b| b == bytes)
            {
                return Some((entry.path(), name));
            }
        }
    }
    None
}

#[test]
fn both_clients_share_one_xet_blob_store_and_serve_each_others_downloads_offline() {
    let Some(session) =
        both("both_clients_share_one_xet_blob_store_and_serve_each_others_downloads_offline")
    else {
        return;
    };
    let token = session.target().token().to_owned();
    let hub = session.home().join("hub");
    let bytes = |seed: u32| -> Vec<u8> {
        (0..3 * 1024 * 1024u32)
            .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect()
    };
    let (py_bytes, our_bytes) = (bytes(31), bytes(47));
    std::fs::write(session.home().join("py.bin"), &py_bytes).unwrap();
    std::fs::write(session.home().join("our.bin"), &our_bytes).unwrap();
    // Two repos for each content (one Xet hash each): `-a` downloaded first, `-b` after.
    let name = hf_e2e::unique_name("shared");
    let repo = |which: &str| format!("demo-user/{name}-{which}");
    for (which, file) in [
        ("py-a", "py.bin"),
        ("py-b", "py.bin"),
        ("our-a", "our.bin"),
        ("our-b", "our.bin"),
    ] {
        session
            .hf(["upload", &repo(which), file, "weights.bin"])
            .env("HF_TOKEN", &token)
            .run()
            .success();
    }
    let read_printed = |stdout: &str| {
        // Ours prints the path; Python `path: <path>` under a heading.
        let line = stdout.lines().rfind(|l| l.contains('/')).expect("a path");
        let path = line.trim().trim_start_matches("path:").trim();
        std::fs::read(path).unwrap_or_else(|e| panic!("the printed path {path}: {e}"))
    };

    // Python downloads through Xet into its shared store.
    session
        .python_hf(["download", &repo("py-a"), "weights.bin"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let (py_payload, py_hash) =
        store_entry(&hub, &py_bytes).expect("Python stored the file in the shared store");
    // Ours serves it offline, through both links.
    let served = offline(session.hf(["download", &repo("py-a"), "weights.bin"]))
        .run()
        .success();
    assert!(
        read_printed(&served.stdout) == py_bytes,
        "ours read Python's download differently"
    );
    // And links a second repo's copy from Python's store without reconstructing it.
    let before = session.target().recorded_requests_containing(&py_hash);
    let linked = session
        .hf(["download", &repo("py-b"), "weights.bin"])
        .env("HF_TOKEN", &token)
        .run()
        .success();
    assert!(read_printed(&linked.stdout) == py_bytes);
    assert_eq!(
        session.target().recorded_requests_containing(&py_hash),
        before,
        "ours fetched what Python's store already held"
    );

    // The reverse: ours downloads through Xet and publishes; Python serves it offline.
    session
        .hf(["download", &repo("our-a"), "weights.bin"])
        .env("HF_TOKEN", &token)
        .run()
        .success();
    let (our_payload, our_hash) =
        store_entry(&hub, &our_bytes).expect("ours stored the file in the shared store");
    let served = offline(
        session
            .python_hf(["download", &repo("our-a"), "weights.bin"])
            .expect("the Python CLI"),
    )
    .run()
    .success();
    assert!(
        read_printed(&served.stdout) == our_bytes,
        "Python read our download differently"
    );
    let before = session.target().recorded_requests_containing(&our_hash);
    session
        .python_hf(["download", &repo("our-b"), "weights.bin"])
        .expect("the Python CLI")
        .env("HF_TOKEN", &token)
        .run()
        .success();
    assert_eq!(
        session.target().recorded_requests_containing(&our_hash),
        before,
        "Python fetched what our store already held"
    );

    // Four repos of 3 MiB each, two payloads on disk: the total counts each payload once.
    let listed = session
        .hf(["cache", "ls", "--format", "human"])
        .run()
        .success();
    let expected_total = format!("{:.1}MB on disk", 2.0 * py_bytes.len() as f64 / 1e6);
    assert!(
        listed.stdout.contains(&expected_total) || listed.stderr.contains(&expected_total),
        "expected '{expected_total}': {listed:?}"
    );
    session
        .hf(["cache", "verify", &repo("py-b")])
        .run()
        .success();

    // Removing one repo keeps the payload the other links to; the last one takes it.
    session
        .hf(["cache", "rm", &format!("model/{}", repo("py-a")), "--yes"])
        .run()
        .success();
    assert!(py_payload.is_file(), "still linked from py-b");
    let served = offline(
        session
            .python_hf(["download", &repo("py-b"), "weights.bin"])
            .expect("the Python CLI"),
    )
    .run()
    .success();
    assert!(read_printed(&served.stdout) == py_bytes);
    session
        .hf(["cache", "rm", &format!("model/{}", repo("py-b")), "--yes"])
        .run()
        .success();
    assert!(!py_payload.exists(), "collected with its last link");

    // Python's `cache rm` and ours agree on the same store.
    session
        .python_hf(["cache", "rm", &format!("model/{}", repo("our-a")), "--yes"])
        .expect("the Python CLI")
        .run()
        .success();
    assert!(our_payload.is_file(), "still linked from our-b");
    let served = offline(session.hf(["download", &repo("our-b"), "weights.bin"]))
        .run()
        .success();
    assert!(read_printed(&served.stdout) == our_bytes);
    // A repo folder removed by hand leaves its payload to `prune`.
    std::fs::remove_dir_all(hub.join(format!("models--demo-user--{name}-our-b"))).unwrap();
    let listed = session.hf(["cache", "ls"]).run().success();
    assert!(
        listed.stderr.contains("1 unreferenced shared blob"),
        "{listed:?}"
    );
    session.hf(["cache", "prune", "--yes"]).run().success();
    assert!(!our_payload.exists(), "pruned");
}
