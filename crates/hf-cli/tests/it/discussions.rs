//! `hf discussions ...` against the local test server: Python's commands, flags and output.

use crate::common::Outcome;
use crate::upload::HubEnv;

/// `2026-12-03` → `[DATE]` (and the time after it in ISO dates), so snapshots hold.
fn mask_dates(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    while i < bytes.len() {
        if i + 10 <= bytes.len()
            && digits(&bytes[i..i + 4])
            && bytes[i + 4] == b'-'
            && digits(&bytes[i + 5..i + 7])
            && bytes[i + 7] == b'-'
            && digits(&bytes[i + 8..i + 10])
        {
            out.push_str("[DATE]");
            i += 10;
            if bytes.get(i) == Some(&b'T') {
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\t' | b'\n' | b' ') {
                    i += 1;
                }
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn ok(hub: &HubEnv, args: &[&str]) -> Outcome {
    let outcome = hub.run(args);
    assert_eq!(outcome.code, Some(0), "{args:?}\n{}", outcome.transcript());
    outcome
}

fn shown(hub: &HubEnv, args: &[&str]) -> String {
    mask_dates(&hub.env.normalize(&ok(hub, args).stdout))
}

#[test]
fn a_discussion_and_a_pull_request_from_open_to_merged() {
    let hub = HubEnv::new(|t| &t.write);
    let repo = "demo-user/talk";
    ok(&hub, &["repos", "create", repo]);
    insta::assert_snapshot!(shown(&hub, &["discussions", "create", repo, "--title", "Bug report", "--body", "It breaks"]), @r"
    Created discussion #1 on demo-user/talk
      num: 1
      url: http://127.0.0.1:[PORT]/demo-user/talk/discussions/1
    ");
    // Quiet: the number alone, for scripts; JSON: Python's keys.
    assert_eq!(
        ok(
            &hub,
            &[
                "discussions",
                "create",
                repo,
                "--title",
                "Fix typo",
                "--pr",
                "-q"
            ]
        )
        .stdout,
        "2\n"
    );
    hub.write("notes/README.md", b"# Talk\nfixed typo\n");
    ok(
        &hub,
        &[
            "upload",
            repo,
            &hub.env.path("notes/README.md").display().to_string(),
            "README.md",
            "--revision",
            "refs/pr/2",
        ],
    );
    insta::assert_snapshot!(shown(&hub, &["discussions", "list", repo, "--format", "human"]), @r"
    NUM  TITLE       IS_PULL_REQUEST  STATUS  AUTHOR     CREATED_AT
    2    Fix typo    true             open    demo-user  [DATE]
    1    Bug report  false            open    demo-user  [DATE]
    ");
    insta::assert_snapshot!(shown(&hub, &["discussions", "ls", repo, "--kind", "pull_request", "--format", "agent"]), @r"
    num	title	is_pull_request	status	author	created_at
    2	Fix typo	true	open	demo-user	[DATE]
    ");
    insta::assert_snapshot!(shown(&hub, &["discussions", "diff", repo, "2"]), @r"
    diff --git a/README.md b/README.md
    new file mode 100644
    index 0000000..5a7e30d
    --- /dev/null
    +++ b/README.md
    @@ -0,0 +1,2 @@
    +# Talk
    +fixed typo
    ");

    // Comment from a file, find its id in the JSON details, edit it.
    hub.write("comment.md", b"Thanks for the fix!");
    let comment_file = hub.env.path("comment.md").display().to_string();
    ok(
        &hub,
        &[
            "discussions",
            "comment",
            repo,
            "2",
            "--body-file",
            &comment_file,
        ],
    );
    let info = ok(
        &hub,
        &["discussions", "info", repo, "2", "--format", "json"],
    )
    .json();
    let events = info["events"].as_array().unwrap();
    let comment = events
        .iter()
        .find(|e| e["content"] == "Thanks for the fix!")
        .unwrap_or_else(|| panic!("{info}"));
    let id = comment["id"].as_str().unwrap();
    insta::assert_snapshot!(shown(&hub, &["discussions", "edit", repo, "2", id, "--body", "Thanks a lot!"]).replace(id, "[ID]"), @r"
    Edited comment [ID] on #2 in demo-user/talk
      num: 2
      repo: demo-user/talk
      comment_id: [ID]
    ");
    ok(
        &hub,
        &["discussions", "rename", repo, "2", "Fix the README typo"],
    );
    let info = ok(&hub, &["discussions", "info", repo, "2"]).json();
    assert_eq!(info["title"], "Fix the README typo", "{info}");
    assert_eq!(info["target_branch"], "refs/heads/main", "{info}");
    assert!(
        info["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "commit"),
        "{info}"
    );
    assert!(info["diff"].as_str().unwrap().contains("+fixed typo"));

    // Changes that close or merge ask for --yes; nothing happens without it.
    let unconfirmed = hub.run(&["discussions", "merge", repo, "2"]);
    assert_eq!(unconfirmed.code, Some(2), "{}", unconfirmed.transcript());
    assert!(
        unconfirmed.stderr.contains("--yes"),
        "{}",
        unconfirmed.stderr
    );
    insta::assert_snapshot!(shown(&hub, &["discussions", "merge", repo, "2", "--comment", "Merging, thanks!", "--yes"]), @r"
    Merged #2 in demo-user/talk
      num: 2
      repo: demo-user/talk
    ");
    let readme = ok(&hub, &["download", repo, "README.md", "--quiet"]).stdout;
    assert_eq!(
        std::fs::read_to_string(readme.trim()).unwrap(),
        "# Talk\nfixed typo\n"
    );
    assert_eq!(
        ok(
            &hub,
            &["discussions", "list", repo, "--status", "merged", "-q"]
        )
        .stdout,
        "2\n"
    );
    ok(
        &hub,
        &[
            "discussions",
            "close",
            repo,
            "1",
            "--comment",
            "Fixed by #2",
            "-y",
        ],
    );
    assert_eq!(ok(&hub, &["discussions", "list", repo, "-q"]).stdout, "");
    let closed = ok(
        &hub,
        &["discussions", "list", repo, "-s", "closed", "--json"],
    )
    .json();
    assert_eq!(closed.as_array().unwrap().len(), 2, "{closed}");
    ok(&hub, &["discussions", "reopen", repo, "1", "--yes"]);
    assert_eq!(ok(&hub, &["discussions", "list", repo, "-q"]).stdout, "1\n");
    // A merged PR cannot be merged again: the error says where to look.
    let again = hub.run(&["discussions", "merge", repo, "2", "--yes"]);
    assert_eq!(again.code, Some(1), "{}", again.transcript());
    assert!(
        again
            .stderr
            .contains("hint: `hf discussions info demo-user/talk 2`"),
        "{}",
        again.stderr
    );
}

#[test]
fn attachments_are_uploaded_and_embedded_as_the_hub_editor_does() {
    let hub = HubEnv::new(|t| &t.write);
    let repo = "demo-user/pictures";
    ok(&hub, &["repos", "create", repo]);
    hub.write("before.png", b"\x89PNG fake before");
    hub.write("after.png", b"\x89PNG fake after");
    hub.write("notes.exe", b"MZ");
    let before = hub.env.path("before.png").display().to_string();
    let after = hub.env.path("after.png").display().to_string();
    let body = format!("Result: ![the result]({after})");
    ok(
        &hub,
        &[
            "discussions",
            "create",
            repo,
            "--title",
            "Rendering",
            "--body",
            &body,
            "--attach",
            &format!("{before}#Before the fix"),
            "--attach",
            &after,
        ],
    );
    let info = ok(&hub, &["discussions", "info", repo, "1", "--json"]).json();
    let description = info["events"][0]["content"].as_str().unwrap();
    let text = mask_dates(&hub.env.normalize(description));
    let text: String = text
        .split("uploads/demo-user/")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                format!("uploads/demo-user/[HASH]{}", &part[32..])
            }
        })
        .collect();
    insta::assert_snapshot!(text, @r"
    Result: ![the result](http://127.0.0.1:[PORT]/uploads/demo-user/[HASH].png)

    ![Before the fix](http://127.0.0.1:[PORT]/uploads/demo-user/[HASH].png)
    ");
    // A format the Hub does not take, or a missing file, is refused before any upload.
    for file in [hub.env.path("notes.exe"), hub.env.path("missing.png")] {
        let refused = hub.run(&[
            "discussions",
            "comment",
            repo,
            "1",
            "--attach",
            &file.display().to_string(),
        ]);
        assert_eq!(refused.code, Some(2), "{}", refused.transcript());
    }
    let nothing = hub.run(&["discussions", "comment", repo, "1"]);
    assert_eq!(nothing.code, Some(2), "{}", nothing.transcript());
    let both = hub.run(&[
        "discussions",
        "comment",
        repo,
        "1",
        "--body",
        "a",
        "--body-file",
        &before,
    ]);
    assert_eq!(both.code, Some(2), "{}", both.transcript());
}

#[test]
fn read_and_out_of_org_tokens_are_refused_with_the_permission_named() {
    let mut hub = HubEnv::new(|t| &t.write);
    let repo = "demo-user/guarded";
    ok(&hub, &["repos", "create", repo]);
    ok(
        &hub,
        &["discussions", "create", repo, "--title", "Open question"],
    );
    let read = hub.server.tokens().read.clone();
    let org = hub.server.tokens().org_write.clone();
    for token in [read, org] {
        hub.env.set("HF_TOKEN", &token);
        // Reading is fine with any token that sees the repo.
        ok(&hub, &["discussions", "list", repo]);
        for args in [
            &["discussions", "create", repo, "--title", "Another one"][..],
            &["discussions", "comment", repo, "1", "--body", "me too"],
            &["discussions", "close", repo, "1", "--yes"],
        ] {
            let refused = hub.run(args);
            assert_eq!(refused.code, Some(1), "{args:?}: {}", refused.transcript());
            assert!(
                refused.stderr.contains("forbidden (403)")
                    && refused.stderr.contains("hint:")
                    && refused.stderr.contains("'discussion.write'"),
                "{args:?}: {}",
                refused.stderr
            );
        }
    }
    // A number that is not there says how to list them.
    hub.env.set("HF_TOKEN", hub.server.tokens().write.clone());
    let missing = hub.run(&["discussions", "info", repo, "42"]);
    assert_eq!(missing.code, Some(1), "{}", missing.transcript());
    assert!(
        missing
            .stderr
            .contains("`hf discussions list demo-user/guarded --status all`"),
        "{}",
        missing.stderr
    );
    let zero = hub.run(&["discussions", "info", repo, "0"]);
    assert_eq!(zero.code, Some(2), "{}", zero.transcript());
}
