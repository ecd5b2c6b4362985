//! The messages a user sees for the common failures, with their exit codes.

use hf_e2e::{Session, Target};

use crate::logged_in;

#[test]
fn a_missing_repo_is_reported_with_a_hint() {
    let Some((_target, session)) = logged_in("a_missing_repo_is_reported_with_a_hint") else {
        return;
    };
    let missing = session
        .hf([
            "download",
            "this-org-does-not-exist-e2e/nothing",
            "config.json",
        ])
        .run()
        .failure(1);
    assert!(
        missing.stderr.contains("was not found") && missing.stderr.contains("Check the repo id"),
        "{missing:?}"
    );
}

#[test]
fn a_gated_repo_says_how_to_get_access() {
    let Some(target) = Target::from_env("a_gated_repo_says_how_to_get_access") else {
        return;
    };
    if !target.test_server {
        hf_e2e::not_run("the gated repo is part of hf-test-server's seed");
        return;
    }
    let session = Session::new(&target);
    let gated = session
        .hf(["download", "demo-org/gated-model", "config.json"])
        .env("HF_TOKEN", target.token())
        .run()
        .failure(1);
    assert!(
        gated.stderr.contains("is gated") && gated.stderr.contains("request access"),
        "{gated:?}"
    );
}

#[test]
fn a_usage_error_exits_2() {
    let Some(target) = Target::from_env("a_usage_error_exits_2") else {
        return;
    };
    let session = Session::new(&target);
    session.hf(["download"]).run().failure(2);
    session.hf(["no-such-command"]).run().failure(2);
}
