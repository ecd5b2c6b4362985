//! Login, whoami, the token list, switching between a stored token and HF_TOKEN, logout.

use hf_e2e::{Session, Target};

#[test]
fn login_then_whoami_then_logout() {
    let Some(target) = Target::from_env("login_then_whoami_then_logout") else {
        return;
    };
    let session = Session::new(&target);

    // Nothing stored yet: whoami explains how to log in.
    let anonymous = session.hf(["auth", "whoami"]).run().failure(1);
    assert!(
        anonymous.stderr.contains("not logged in") && anonymous.stderr.contains("hf auth login"),
        "{anonymous:?}"
    );

    let login = session
        .hf(["auth", "login", "--token-stdin"])
        .stdin(target.token())
        .run()
        .success();
    // Not a terminal: the agent form (`key=value` lines).
    assert!(login.stdout.contains("logged_in_as="), "{login:?}");
    // The token file is where the Python client looks too.
    let stored = std::fs::read_to_string(session.home().join("token")).expect("token file");
    assert_eq!(
        stored.trim(),
        target.token(),
        "the token file holds the token"
    );

    let whoami = session
        .hf(["auth", "whoami", "--format", "json"])
        .run()
        .success();
    let json = whoami.json();
    assert!(
        json["user"].as_str().is_some_and(|u| !u.is_empty()),
        "{whoami:?}"
    );
    assert_eq!(json["token_source"], "token_file", "{whoami:?}");
    if target.test_server {
        assert_eq!(json["user"], "demo-user");
        assert_eq!(json["role"], "write");
    }

    // The list masks the secret.
    let list = session.hf(["auth", "list"]).run().success();
    assert!(list.stdout.contains("hf_****"), "{list:?}");

    session.hf(["auth", "logout"]).run().success();
    assert!(
        !session.home().join("token").exists(),
        "logout removes the token file"
    );
    session.hf(["auth", "whoami"]).run().failure(1);
}

#[test]
fn hf_token_overrides_the_stored_token() {
    let Some(target) = Target::from_env("hf_token_overrides_the_stored_token") else {
        return;
    };
    let Some(read) = target.read_token() else {
        hf_e2e::not_run(
            "no second token for this endpoint; the override is covered by hf-cli's tests",
        );
        return;
    };
    let session = Session::new(&target);
    session
        .hf(["auth", "login", "--token-stdin"])
        .stdin(target.token())
        .run()
        .success();
    let whoami = session
        .hf(["auth", "whoami", "--format", "json"])
        .env("HF_TOKEN", read)
        .run()
        .success();
    let json = whoami.json();
    assert_eq!(json["token_source"], "HF_TOKEN", "{whoami:?}");
    assert_eq!(json["role"], "read", "{whoami:?}");
}

#[test]
fn a_wrong_token_is_refused_at_login() {
    let Some(target) = Target::from_env("a_wrong_token_is_refused_at_login") else {
        return;
    };
    let session = Session::new(&target);
    let refused = session
        .hf(["auth", "login", "--token-stdin"])
        .stdin("hf_thisTokenDoesNotExist000000000000000")
        .run()
        .failure(1);
    assert!(refused.stderr.starts_with("error:"), "{refused:?}");
    assert!(!session.home().join("token").exists(), "nothing was saved");
}
