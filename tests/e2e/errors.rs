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
        missing.stderr.contains("was not found")
            && missing
                .stderr
                .contains("hint: check the repo id and --repo-type"),
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

/// The token a documented case runs with.
#[derive(Clone, Copy)]
enum Login {
    None,
    Read,
    Write,
}

/// One documented failure: the command, its environment, and fragments that must appear
/// both in what `hf` prints and in docs/guides/10-troubleshooting.md.
struct Documented {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// Which token the command gets (through HF_TOKEN).
    token: Login,
    stdin: Option<&'static str>,
    code: i32,
    fragments: &'static [&'static str],
    test_server_only: bool,
}

const DOCUMENTED: &[Documented] = &[
    Documented {
        args: &["auth", "whoami"],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "error: not logged in: no access token found (looked in: the HF_TOKEN environment variable, then the HUGGING_FACE_HUB_TOKEN environment variable, then the token file ",
            "hint: log in with `hf auth login`, or set HF_TOKEN",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["auth", "whoami"],
        env: &[("HF_TOKEN", "hf_invalidtoken000000000000000000000")],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "error: the Hub rejected the token (hf_****0000) from the HF_TOKEN environment variable (401 Unauthorized): it was revoked, has expired, was mistyped, or belongs to another Hub endpoint",
            "hint: update or unset HF_TOKEN (it takes precedence over `hf auth login`) (tokens are managed at https://huggingface.co/settings/tokens)",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["auth", "login", "--token-stdin"],
        env: &[],
        token: Login::None,
        stdin: Some("hf_invalidtoken000000000000000000000\n"),
        code: 1,
        fragments: &[
            "error: nothing was saved: the Hub rejected the token (hf_****0000) from standard input (401 Unauthorized)",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["auth", "login", "--token-stdin"],
        env: &[],
        token: Login::None,
        stdin: Some("not a token"),
        code: 1,
        fragments: &[
            "error: the token found in standard input contains a space (likely copied with extra text)",
            "hint: use a personal User Access Token, copied whole (no 'Bearer ', no spaces) from https://huggingface.co/settings/tokens",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["auth", "switch", "nope"],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "error: no stored token named 'nope' in ",
            "hint: `hf auth list` shows the stored tokens",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["upload", "demo-user/e2e-not-created", "hello.txt"],
        env: &[],
        token: Login::Read,
        stdin: None,
        code: 1,
        fragments: &[
            "(role: read) of user ",
            "a read token can only download and run inference\nhint: create a write token, or a fine-grained token with 'repo.write' on model ",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["download", "demo-user/private-model", "config.json"],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "(model) was not found on ",
            "hint: check the repo id and --repo-type; if the repo is private, log in with `hf auth login` or pass a token (--token or HF_TOKEN)",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["download", "demo-org/gated-model", "config.json"],
        env: &[],
        token: Login::Read,
        stdin: None,
        code: 1,
        fragments: &[
            " is gated: access is granted per account on ",
            "hint: request access at ",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["download", "demo-org/demo-model", "nope.json"],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &["error: file 'nope.json' was not found in "],
        test_server_only: true,
    },
    Documented {
        args: &[
            "download",
            "demo-org/demo-model",
            "config.json",
            "--revision",
            "nope",
        ],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "error: revision 'nope' was not found in ",
            "hint: check the branch, tag or commit name",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["upload", "demo-user/e2e-secrets", "."],
        env: &[],
        token: Login::Write,
        stdin: None,
        code: 1,
        fragments: &[
            "error: refusing to upload: 1 possible secret found (nothing was uploaded):",
            ".env: environment file (`.env` files usually hold credentials)",
            "hint: remove the secrets (or leave the files out with --exclude), or pass --allow-secrets if they are not secrets",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["download", "demo-org/demo-model", "config.json"],
        env: &[("HF_HUB_OFFLINE", "1")],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "has no cached revision 'main' in ",
            "; downloads are disabled (HF_HUB_OFFLINE=1 or --local-files-only)",
            "hint: allow network access to fetch it (unset HF_HUB_OFFLINE, drop --local-files-only)",
        ],
        test_server_only: true,
    },
    Documented {
        args: &["download", "demo-org/demo-model", "config.json"],
        env: &[("HF_ENDPOINT", "huggingface.co")],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &[
            "error: invalid HF_ENDPOINT: 'huggingface.co' is not a URL (expected an absolute URL such as https://huggingface.co)",
        ],
        test_server_only: false,
    },
    Documented {
        args: &["download", "demo-org/demo-model", "config.json"],
        env: &[("HF_HUB_ETAG_TIMEOUT", "abc")],
        token: Login::None,
        stdin: None,
        code: 1,
        fragments: &["error: invalid HF_HUB_ETAG_TIMEOUT: 'abc' is not a number of seconds"],
        test_server_only: false,
    },
    Documented {
        args: &["dowload"],
        env: &[],
        token: Login::None,
        stdin: None,
        code: 2,
        fragments: &[
            "error: unrecognized subcommand 'dowload'",
            "tip: a similar subcommand exists: 'download'",
        ],
        test_server_only: false,
    },
];

#[test]
fn the_troubleshooting_guide_quotes_what_hf_prints() {
    let Some(target) = Target::from_env("the_troubleshooting_guide_quotes_what_hf_prints") else {
        return;
    };
    let guide_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/guides/10-troubleshooting.md"
    );
    let guide = std::fs::read_to_string(guide_path).expect("read the troubleshooting guide");
    let mut checked = 0;
    for case in DOCUMENTED {
        if case.test_server_only && !target.test_server {
            continue;
        }
        let session = Session::new(&target);
        std::fs::write(session.home().join("hello.txt"), "hello\n").expect("write");
        std::fs::write(
            session.home().join(".env"),
            "HF_TOKEN=hf_fakeNotARealToken\n",
        )
        .expect("write");
        let mut invocation = session.hf(case.args);
        match case.token {
            Login::None => {}
            Login::Read => {
                let token = target
                    .read_token()
                    .expect("the test server has a read token");
                invocation = invocation.env("HF_TOKEN", token);
            }
            Login::Write => invocation = invocation.env("HF_TOKEN", target.token()),
        }
        for (name, value) in case.env {
            invocation = invocation.env(name, value);
        }
        if let Some(text) = case.stdin {
            invocation = invocation.stdin(text);
        }
        let outcome = invocation.run().failure(case.code);
        for fragment in case.fragments {
            assert!(
                outcome.stderr.contains(fragment),
                "hf no longer prints {fragment:?}: {outcome:?}"
            );
            assert!(
                guide.contains(fragment),
                "docs/guides/10-troubleshooting.md does not quote {fragment:?} (hf prints it: {outcome:?})"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 6,
        "only {checked} documented errors were checked"
    );
}
