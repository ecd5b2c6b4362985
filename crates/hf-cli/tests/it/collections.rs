//! `hf collections ...` against the test server: a collection from creation to deletion,
//! its items, its privacy, and the refusals of read and organisation tokens.

use crate::common::Outcome;
use crate::upload::HubEnv;

fn ok(hub: &HubEnv, args: &[&str]) -> Outcome {
    let outcome = hub.run(args);
    assert_eq!(outcome.code, Some(0), "{args:?}\n{}", outcome.transcript());
    outcome
}

fn failed(hub: &HubEnv, args: &[&str]) -> Outcome {
    let outcome = hub.run(args);
    assert_eq!(outcome.code, Some(1), "{args:?}\n{}", outcome.transcript());
    assert!(outcome.stderr.contains("hint:"), "{}", outcome.stderr);
    outcome
}

#[test]
fn a_collection_is_created_filled_reordered_made_private_and_deleted() {
    let mut hub = HubEnv::new(|t| &t.write);
    let created = ok(
        &hub,
        &[
            "collections",
            "create",
            "My Models",
            "--description",
            "Favourites",
            "--json",
        ],
    )
    .json();
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("demo-user/my-models-"), "{created}");
    assert_eq!(
        created["url"],
        format!("{}/collections/{slug}", hub.server.endpoint())
    );
    let added = ok(
        &hub,
        &[
            "collections",
            "add-item",
            &slug,
            "demo-org/demo-model",
            "model",
            "--note",
            "The best",
        ],
    );
    assert!(
        added.stdout.starts_with("Item added to collection"),
        "{}",
        added.stdout
    );
    ok(
        &hub,
        &["collections", "add-item", &slug, "2611.01234", "paper"],
    );
    // Twice: refused with a hint, unless --exists-ok.
    let twice = failed(
        &hub,
        &[
            "collections",
            "add-item",
            &slug,
            "demo-org/demo-model",
            "model",
        ],
    );
    assert!(twice.stderr.contains("--exists-ok"), "{}", twice.stderr);
    ok(
        &hub,
        &[
            "collections",
            "add-item",
            &slug,
            "demo-org/demo-model",
            "model",
            "--exists-ok",
        ],
    );
    // An item that does not exist is refused before it is added.
    let missing = failed(
        &hub,
        &["collections", "add-item", &slug, "demo-org/nope", "dataset"],
    );
    assert!(
        missing.stderr.contains("dataset 'demo-org/nope' exists"),
        "{}",
        missing.stderr
    );

    let info = ok(&hub, &["collections", "info", &slug, "--json"]).json();
    let items = info["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{info}");
    assert_eq!(items[0]["item_id"], "demo-org/demo-model");
    assert_eq!(items[0]["note"], "The best");
    assert_eq!(items[1]["item_type"], "paper");
    let paper_object = items[1]["item_object_id"].as_str().unwrap().to_owned();
    ok(
        &hub,
        &[
            "collections",
            "update-item",
            &slug,
            &paper_object,
            "--position",
            "0",
            "--note",
            "Read first",
        ],
    );
    let info = ok(&hub, &["collections", "info", &slug, "--json"]).json();
    assert_eq!(info["items"][0]["item_id"], "2611.01234", "{info}");
    assert_eq!(info["items"][0]["note"], "Read first");

    let listed = ok(
        &hub,
        &[
            "collections",
            "ls",
            "--owner",
            "demo-user",
            "--format",
            "human",
            "--no-truncate",
        ],
    )
    .stdout;
    insta::assert_snapshot!(listed.replace(&slug, "<SLUG>").replace(&info["last_updated"].as_str().unwrap()[..10], "<DAY>"), @"
    SLUG                                          TITLE      OWNER      ITEMS                            LAST_UPDATED  POSITION  PRIVATE  THEME   UPVOTES
    <SLUG>  My Models  demo-user  2611.01234, demo-org/demo-model  <DAY>    0                  indigo  0
    ");
    let by_item = ok(
        &hub,
        &["collections", "ls", "--item", "papers/2611.01234", "-q"],
    )
    .stdout;
    assert_eq!(by_item.trim(), slug);

    // Private: gone for everyone else.
    let updated = ok(
        &hub,
        &[
            "collections",
            "update",
            &slug,
            "--private",
            "--title",
            "Secret Models",
        ],
    );
    assert!(
        updated.stdout.starts_with("Collection updated"),
        "{}",
        updated.stdout
    );
    hub.env.unset("HF_TOKEN");
    let hidden = failed(&hub, &["collections", "info", &slug]);
    assert!(
        hidden
            .stderr
            .contains("visible to its owner's members only"),
        "{}",
        hidden.stderr
    );
    assert_eq!(
        ok(&hub, &["collections", "ls", "--owner", "demo-user", "-q"]).stdout,
        ""
    );
    hub.env.set("HF_TOKEN", hub.server.tokens().write.clone());

    // The same title again: refused, or the existing one with --exists-ok.
    let again = failed(&hub, &["collections", "create", "Secret Models"]);
    assert!(again.stderr.contains("--exists-ok"), "{}", again.stderr);
    let existing = ok(
        &hub,
        &[
            "collections",
            "create",
            "Secret Models",
            "--exists-ok",
            "--json",
        ],
    )
    .json();
    assert_eq!(existing["slug"], slug);

    ok(&hub, &["collections", "delete-item", &slug, &paper_object]);
    failed(&hub, &["collections", "delete-item", &slug, &paper_object]);
    ok(
        &hub,
        &[
            "collections",
            "delete-item",
            &slug,
            &paper_object,
            "--missing-ok",
        ],
    );
    let deleted = ok(&hub, &["collections", "delete", &slug, "--format", "human"]).stdout;
    assert_eq!(deleted, format!("Collection deleted\n  slug: {slug}\n"));
    failed(&hub, &["collections", "delete", &slug]);
    ok(&hub, &["collections", "delete", &slug, "--missing-ok"]);
}

#[test]
fn read_and_organisation_tokens_are_refused_outside_their_rights() {
    let mut hub = HubEnv::new(|t| &t.read);
    let refused = failed(&hub, &["collections", "create", "Mine"]);
    assert!(
        refused.stderr.contains("forbidden (403)") && refused.stderr.contains("'collection.write'"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("read role"), "{}", refused.stderr);
    hub.env
        .set("HF_TOKEN", hub.server.tokens().org_write.clone());
    let outside = failed(&hub, &["collections", "create", "Mine"]);
    assert!(
        outside
            .stderr
            .contains("does not have the collection.write permission on demo-user"),
        "{}",
        outside.stderr
    );
    let inside = ok(
        &hub,
        &[
            "collections",
            "create",
            "Org picks",
            "--namespace",
            "demo-org",
            "--json",
        ],
    )
    .json();
    let slug = inside["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("demo-org/org-picks-"), "{inside}");
    ok(
        &hub,
        &[
            "collections",
            "add-item",
            &slug,
            "demo-org/demo-dataset",
            "dataset",
        ],
    );
    // A malformed slug is refused before any request.
    hub.server.clear_requests();
    let bad = hub.run(&["collections", "info", "../../etc/passwd"]);
    assert_eq!(bad.code, Some(1), "{}", bad.transcript());
    assert!(hub.server.requests().is_empty(), "a request was sent");
    assert!(
        bad.stderr.contains("is not a collection slug"),
        "{}",
        bad.stderr
    );
}
