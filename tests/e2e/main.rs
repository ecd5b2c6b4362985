//! End-to-end tests: a built `hf` binary driven as a user would drive it, against
//! hf-test-server (`cargo xtask e2e`) or a real Hub (`cargo xtask e2e --endpoint URL`).
//! See `tests/lib.rs` for the environment the runner sets.

mod auth;
mod chat;
mod errors;
mod python;
mod transfer;

use hf_e2e::{Session, Target};

/// The target and a logged-in session, or `None` when `HF_BIN` is unset.
fn logged_in(test: &str) -> Option<(Target, Session)> {
    let target = Target::from_env(test)?;
    let session = Session::new(&target);
    session
        .hf(["auth", "login", "--token-stdin"])
        .stdin(target.token())
        .run()
        .success();
    Some((target, session))
}

/// The account the target's token belongs to (from `hf auth whoami --format json`).
fn username(session: &Session) -> String {
    let whoami = session
        .hf(["auth", "whoami", "--format", "json"])
        .run()
        .success();
    whoami.json()["user"]
        .as_str()
        .unwrap_or_else(|| panic!("whoami has no user: {whoami:?}"))
        .to_owned()
}
