//! The same listing through the Python client's `hf` (huggingface_hub 2.4.0) and ours, on
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
        &["spaces", "ls", "-q"],
        &["datasets", "ls", "demo-org/demo-dataset", "-R", "-q"],
        &["models", "ls", "demo-org/demo-model", "-q"],
    ] {
        let (ours, python) = outputs(&session, args);
        let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(lines(&ours), lines(&python), "hf {}", args.join(" "));
        // The demo seed has no Space; every other listing has entries.
        assert!(
            !ours.is_empty() || args[0] == "spaces",
            "hf {}: nothing listed",
            args.join(" ")
        );
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
