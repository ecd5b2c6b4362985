//! `hf collections ...` against the test server: a collection from creation to deletion,
//! its items, its privacy, and the refusals of read and organisation tokens.

use crate::upload::HubEnv;

#[test]
fn a_collection_is_created_filled_reordered_made_private_and_deleted() {
    let mut hub = HubEnv::new(|t| &t.write);
    let created = hub
        .ok(&[
            "collections",
            "create",
            "My Models",
            "--description",
            "Favourites",
            "--json",
        ])
        .json();
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("demo-user/my-models-"), "{created}");
    assert_eq!(
        created["url"],
        format!("{}/collections/{slug}", hub.server.endpoint())
    );
    let added = hub.ok(&[
        "collections",
        "add-item",
        &slug,
        "demo-org/demo-model",
        "model",
        "--note",
        "The best",
    ]);
    assert!(
        added.stdout.starts_with("Item added to collection"),
        "{}",
        added.stdout
    );
    hub.ok(&["collections", "add-item", &slug, "2611.01234", "paper"]);
    // Twice: refused with a hint, unless --exists-ok.
    let twice = hub.fails(&[
        "collections",
        "add-item",
        &slug,
        "demo-org/demo-model",
        "model",
    ]);
    assert!(twice.stderr.contains("--exists-ok"), "{}", twice.stderr);
    hub.ok(&[
        "collections",
        "add-item",
        &slug,
        "demo-org/demo-model",
        "model",
        "--exists-ok",
    ]);
    // An item that does not exist is refused before it is added.
    let missing = hub.fails(&["collections", "add-item", &slug, "demo-org/nope", "dataset"]);
    assert!(
        missing.stderr.contains("dataset 'demo-org/nope' exists"),
        "{}",
        missing.stderr
    );

    let info = hub.ok(&["collections", "info", &slug, "--json"]).json();
    let items = info["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{info}");
    assert_eq!(items[0]["item_id"], "demo-org/demo-model");
    assert_eq!(items[0]["note"], "The best");
    assert_eq!(items[1]["item_type"], "paper");
    let paper_object = items[1]["item_object_id"].as_str().unwrap().to_owned();
    hub.ok(&[
        "collections",
        "update-item",
        &slug,
        &paper_object,
        "--position",
        "0",
        "--note",
        "Read first",
    ]);
    let info = hub.ok(&["collections", "info", &slug, "--json"]).json();
    assert_eq!(info["items"][0]["item_id"], "2611.01234", "{info}");
    assert_eq!(info["items"][0]["note"], "Read first");

    let listed = hub
        .ok(&[
            "collections",
            "ls",
            "--owner",
            "demo-user",
            "--format",
            "human",
            "--no-truncate",
        ])
        .stdout;
    insta::assert_snapshot!(listed.replace(&slug, "<SLUG>").replace(&info["last_updated"].as_str().unwrap()[..10], "<DAY>"), @"
    SLUG                                          TITLE      OWNER      ITEMS                            LAST_UPDATED  POSITION  PRIVATE  THEME   UPVOTES
    <SLUG>  My Models  demo-user  2611.01234, demo-org/demo-model  <DAY>    0                  indigo  0
    ");
    let by_item = hub
        .ok(&["collections", "ls", "--item", "papers/2611.01234", "-q"])
        .stdout;
    assert_eq!(by_item.trim(), slug);

    // Private: gone for everyone else.
    let updated = hub.ok(&[
        "collections",
        "update",
        &slug,
        "--private",
        "--title",
        "Secret Models",
    ]);
    assert!(
        updated.stdout.starts_with("Collection updated"),
        "{}",
        updated.stdout
    );
    hub.env.unset("HF_TOKEN");
    let hidden = hub.fails(&["collections", "info", &slug]);
    assert!(
        hidden
            .stderr
            .contains("visible to its owner's members only"),
        "{}",
        hidden.stderr
    );
    assert_eq!(
        hub.ok(&["collections", "ls", "--owner", "demo-user", "-q"])
            .stdout,
        ""
    );
    hub.env.set("HF_TOKEN", hub.server.tokens().write.clone());

    // The same title again: refused, or the existing one with --exists-ok.
    let again = hub.fails(&["collections", "create", "Secret Models"]);
    assert!(again.stderr.contains("--exists-ok"), "{}", again.stderr);
    let existing = hub
        .ok(&[
            "collections",
            "create",
            "Secret Models",
            "--exists-ok",
            "--json",
        ])
        .json();
    assert_eq!(existing["slug"], slug);

    hub.ok(&["collections", "delete-item", &slug, &paper_object]);
    hub.fails(&["collections", "delete-item", &slug, &paper_object]);
    hub.ok(&[
        "collections",
        "delete-item",
        &slug,
        &paper_object,
        "--missing-ok",
    ]);
    let deleted = hub
        .ok(&["collections", "delete", &slug, "--format", "human"])
        .stdout;
    assert_eq!(deleted, format!("Collection deleted\n  slug: {slug}\n"));
    hub.fails(&["collections", "delete", &slug]);
    hub.ok(&["collections", "delete", &slug, "--missing-ok"]);
}

#[test]
fn read_and_organisation_tokens_are_refused_outside_their_rights() {
    let mut hub = HubEnv::new(|t| &t.read);
    let refused = hub.fails(&["collections", "create", "Mine"]);
    assert!(
        refused.stderr.contains("forbidden (403)") && refused.stderr.contains("'collection.write'"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("read role"), "{}", refused.stderr);
    hub.env
        .set("HF_TOKEN", hub.server.tokens().org_write.clone());
    let outside = hub.fails(&["collections", "create", "Mine"]);
    assert!(
        outside
            .stderr
            .contains("does not have the collection.write permission on demo-user"),
        "{}",
        outside.stderr
    );
    let inside = hub
        .ok(&[
            "collections",
            "create",
            "Org picks",
            "--namespace",
            "demo-org",
            "--json",
        ])
        .json();
    let slug = inside["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("demo-org/org-picks-"), "{inside}");
    hub.ok(&[
        "collections",
        "add-item",
        &slug,
        "demo-org/demo-dataset",
        "dataset",
    ]);
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
