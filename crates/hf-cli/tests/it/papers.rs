//! `hf papers ...` against the test server's seeded papers: daily papers by day, week, month
//! and submitter, search, one paper, its page.

use crate::upload::HubEnv;

#[test]
fn daily_papers_search_info_and_read() {
    let mut hub = HubEnv::new(|t| &t.read);
    // Papers are public: no token needed.
    hub.env.unset("HF_TOKEN");
    insta::assert_snapshot!(hub.ok(&["papers", "ls", "--format", "human", "--no-truncate"]).stdout, @"
    ID          TITLE                                   UPVOTES  COMMENTS  PUBLISHED_AT  SUBMITTED_BY_NAME
    2611.01234  Chunked Transfers for Large Model Hubs  42       3         2026-11-30    demo user
    2611.00042  Attention Is Still What You Need        17       0         2026-11-28    other user
    2610.09999  Vision Language Models on a Budget      88       5         2026-10-20    demo user
    ");
    let quiet = |args: &[&str]| {
        hub.ok(args)
            .stdout
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        quiet(&["papers", "ls", "--date", "2026-12-01", "-q"]),
        ["2611.01234", "2611.00042"]
    );
    assert_eq!(
        quiet(&["papers", "ls", "--week", "2026-W43", "-q"]),
        ["2610.09999"]
    );
    assert_eq!(
        quiet(&["papers", "ls", "--month", "2026-10", "-q"]),
        ["2610.09999"]
    );
    assert_eq!(
        quiet(&["papers", "ls", "--submitter", "other-user", "-q"]),
        ["2611.00042"]
    );
    assert_eq!(
        quiet(&["papers", "ls", "--sort", "trending", "--limit", "1", "-q"]),
        ["2610.09999"]
    );
    // `today` is a date (none were submitted today).
    assert_eq!(
        hub.ok(&["papers", "ls", "--date", "today"]).stdout,
        "No results found.\n"
    );
    let bad_date = hub.run(&["papers", "ls", "--date", "yesterday"]);
    assert_eq!(bad_date.code, Some(1), "{}", bad_date.transcript());
    assert!(
        bad_date.stderr.contains("Invalid date 'yesterday'"),
        "{}",
        bad_date.stderr
    );

    assert_eq!(
        quiet(&["papers", "search", "attention", "-q"]),
        ["2611.00042"]
    );
    let found = hub
        .ok(&["papers", "search", "vision language", "--json"])
        .json();
    assert_eq!(found[0]["id"], "2610.09999", "{found}");
    assert_eq!(
        found[0]["authors"],
        serde_json::json!(["Di Placeholder", "Ada Demo"])
    );

    let info = hub.ok(&["papers", "info", "2611.01234"]).json();
    assert_eq!(info["title"], "Chunked Transfers for Large Model Hubs");
    assert_eq!(info["upvotes"], 42);
    assert_eq!(info["comments"], 3);
    let page = hub.ok(&["papers", "read", "2611.01234"]).stdout;
    assert!(
        page.starts_with("# Chunked Transfers for Large Model Hubs\n\n## Abstract"),
        "{page}"
    );

    for command in ["info", "read"] {
        let missing = hub.run(&["papers", command, "9999.99999"]);
        assert_eq!(missing.code, Some(1), "{}", missing.transcript());
        assert!(
            missing
                .stderr
                .contains("Paper '9999.99999' not found on the Hub.")
                && missing.stderr.contains("hint: check the arXiv id"),
            "{}",
            missing.stderr
        );
    }
}
