//! Xet: the seeded Xet-backed model through the bridge, the Xet token routes and their access
//! rules, the CAS origin's token checks, recording and faults, and LFS pointers tied to
//! content the CAS holds. (Uploads through the CAS protocol are exercised by the Python
//! client with `hf_xet` in `tests/python/conformance.py`.)

use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};
use serde_json::{Value, json};

use crate::*;

const XET_FILE: &str = "demo-org/xet-model/resolve/main/model.safetensors";

#[tokio::test]
async fn a_xet_file_carries_its_hash_and_is_served_through_the_bridge_with_ranges() {
    let s = server();
    let c = client();
    let r = c
        .head(format!("{}/{XET_FILE}", s.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let xet_hash = header(&r, "x-xet-hash");
    assert_eq!(xet_hash.len(), 64, "{:?}", r.headers());
    let commit = header(&r, "x-repo-commit");
    assert_eq!(
        header(&r, "link"),
        format!(
            "<{}/api/models/demo-org/xet-model/xet-read-token/{commit}>; rel=\"xet-auth\"",
            s.endpoint()
        )
    );
    let sha = header(&r, "x-linked-etag").trim_matches('"').to_owned();
    let size: u64 = header(&r, "x-linked-size").parse().unwrap();
    assert!(size > 5 * 1024 * 1024, "{size}");
    let location = header(&r, "location");
    assert!(
        location.starts_with(&format!("{}/xet/{xet_hash}?", s.cdn())),
        "{location}"
    );

    // The bridge reconstructs the bytes from the CAS (they are in no blob store).
    let body = get(&c, &location, None).await.bytes().await.unwrap();
    assert_eq!(body.len() as u64, size);
    assert_eq!(sha256(&body), sha);
    let part = c
        .get(&location)
        .header("range", "bytes=1000-70000")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 1000-70000/{size}")
    );
    assert_eq!(part.bytes().await.unwrap(), body.slice(1000..70001));
    let past = c
        .get(&location)
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 416);
    // Signed like every CDN URL.
    let unsigned = get(&c, &format!("{}/xet/{xet_hash}", s.cdn()), None).await;
    assert_eq!(unsigned.status(), 403);
    assert_eq!(s.cdn_auth_violations(), 0);

    // Listings and repo info say so; the legacy LFS repo does not.
    let tree = json_of(
        get(
            &c,
            &format!("{}/api/models/demo-org/xet-model/tree/main", s.endpoint()),
            None,
        )
        .await,
    )
    .await;
    let entry = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "model.safetensors")
        .unwrap();
    assert_eq!(entry["xetHash"], xet_hash);
    assert_eq!(entry["lfs"]["oid"], sha);
    let info = |id: &'static str| {
        let c = c.clone();
        let url = format!("{}/api/models/{id}", s.endpoint());
        async move { json_of(get(&c, &url, None).await).await }
    };
    assert_eq!(info("demo-org/xet-model").await["xetEnabled"], true);
    assert_eq!(info("demo-org/demo-model").await["xetEnabled"], false);
    let legacy = json_of(
        get(
            &c,
            &format!("{}/api/models/demo-org/demo-model/tree/main", s.endpoint()),
            None,
        )
        .await,
    )
    .await;
    assert!(
        legacy
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("xetHash").is_none())
    );
}

async fn xet_token(
    c: &Client,
    s: &TestServer,
    repo: &str,
    kind: &str,
    token: Option<&str>,
) -> reqwest::Response {
    get(
        c,
        &format!("{}/api/models/{repo}/xet-{kind}-token/main", s.endpoint()),
        token,
    )
    .await
}

#[tokio::test]
async fn xet_tokens_follow_the_repo_access_rules() {
    let s = server();
    let c = client();
    let t = s.tokens();

    let r = xet_token(&c, &s, "demo-org/xet-model", "read", None).await;
    assert_eq!(r.status(), 200);
    let cas_url = header(&r, "x-xet-cas-url");
    let access = header(&r, "x-xet-access-token");
    let exp: u64 = header(&r, "x-xet-token-expiration").parse().unwrap();
    let body = json_of(r).await;
    assert_eq!(body["casUrl"], s.cas());
    assert_eq!(cas_url, s.cas());
    assert_eq!(body["accessToken"], access);
    assert_eq!(body["exp"], exp);

    // A private repo: not even its existence for the anonymous; its owner's token works.
    let r = xet_token(&c, &s, "demo-user/private-model", "read", None).await;
    assert!(matches!(r.status().as_u16(), 401 | 404), "{}", r.status());
    let r = xet_token(&c, &s, "demo-user/private-model", "read", Some(&t.read)).await;
    assert_eq!(r.status(), 200);
    // Gated: refused until access is granted.
    let r = xet_token(&c, &s, "demo-org/gated-model", "read", Some(&t.read)).await;
    assert_eq!(r.status(), 403);
    s.grant_gated_access("demo-user", "demo-org/gated-model");
    let r = xet_token(&c, &s, "demo-org/gated-model", "read", Some(&t.read)).await;
    assert_eq!(r.status(), 200);
    // Writing needs write access.
    let r = xet_token(&c, &s, "demo-user/private-model", "write", Some(&t.read)).await;
    assert_eq!(r.status(), 403);
    let r = xet_token(&c, &s, "demo-user/private-model", "write", None).await;
    assert!(matches!(r.status().as_u16(), 401 | 404), "{}", r.status());
    let r = xet_token(
        &c,
        &s,
        "demo-user/scoped-model",
        "write",
        Some(&t.fine_grained),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = xet_token(
        &c,
        &s,
        "demo-user/private-model",
        "write",
        Some(&t.fine_grained),
    )
    .await;
    // A token that cannot see a private repo is told it does not exist.
    assert_eq!(r.status(), 404);
    let r = xet_token(&c, &s, "demo-org/xet-model", "read", Some(&t.expired)).await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn the_cas_answers_only_to_the_tokens_this_hub_issued_and_is_recorded_and_faulted() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let xet_hash = header(
        &c.head(format!("{}/{XET_FILE}", s.endpoint()))
            .send()
            .await
            .unwrap(),
        "x-xet-hash",
    );
    let read = json_of(xet_token(&c, &s, "demo-org/xet-model", "read", None).await).await;
    let read = read["accessToken"].as_str().unwrap().to_owned();
    let write =
        json_of(xet_token(&c, &s, "demo-user/scoped-model", "write", Some(&t.write)).await).await;
    let write = write["accessToken"].as_str().unwrap().to_owned();
    let recon = format!("{}/v2/reconstructions/{xet_hash}", s.cas());

    s.clear_requests();
    assert_eq!(get(&c, &recon, None).await.status(), 401);
    assert_eq!(get(&c, &recon, Some("xet_made_up")).await.status(), 401);
    // A Hub token is not a CAS token.
    assert_eq!(get(&c, &recon, Some(&t.write)).await.status(), 401);
    let r = get(&c, &recon, Some(&read)).await;
    assert_eq!(r.status(), 200);
    let plan: Value = r.json().await.unwrap();
    assert!(
        plan["terms"].as_array().is_some_and(|a| !a.is_empty()),
        "{plan}"
    );
    // Its presigned fetch URLs point back at the CAS origin, not at the CAS behind it.
    let text = plan.to_string();
    assert!(
        text.contains(&format!("{}/v1/fetch_term?term=", s.cas())),
        "{text}"
    );
    // A read token may not upload.
    let r = c
        .post(format!("{}/v2/shards", s.cas()))
        .bearer_auth(&read)
        .body(vec![0u8; 16])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A write token may, but a shard must be a shard.
    let r = c
        .post(format!("{}/v2/shards", s.cas()))
        .bearer_auth(&write)
        .body(vec![0u8; 16])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let cas: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.origin == Origin::Cas)
        .collect();
    assert_eq!(cas.len(), 6, "{cas:?}");
    assert!(
        cas.iter().all(|r| r.path_and_query.starts_with("/v2/")),
        "{cas:?}"
    );

    // Faults reach the CAS origin like the others.
    s.add_fault(FaultRule {
        origin: Some(Origin::Cas),
        method: None,
        path_contains: "/reconstructions/".into(),
        action: FaultAction::StatusSequence(vec![503]),
        times: Some(1),
    });
    assert_eq!(get(&c, &recon, Some(&read)).await.status(), 503);
    assert_eq!(get(&c, &recon, Some(&read)).await.status(), 200);
}

#[tokio::test]
async fn a_pointer_commits_only_for_content_stored_through_lfs_or_xet() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let head = c
        .head(format!("{}/{XET_FILE}", s.endpoint()))
        .send()
        .await
        .unwrap();
    let sha = header(&head, "x-linked-etag").trim_matches('"').to_owned();
    let size: u64 = header(&head, "x-linked-size").parse().unwrap();
    let xet_hash = header(&head, "x-xet-hash");
    let lfs_line = |oid: &str, size: u64| json!({"key": "lfsFile", "value": {"path": "w.safetensors", "algo": "sha256", "oid": oid, "size": size}});

    let unknown = sha256(b"never uploaded anywhere");
    let r = commit(
        &c,
        &s,
        "demo-user/scoped-model",
        "main",
        &t.write,
        &[header_line("x"), lfs_line(&unknown, 23)],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("neither through LFS nor through Xet")
    );
    // The CAS holds the seeded file: the shard that stored it tied its sha256 to its Xet hash.
    let r = commit(
        &c,
        &s,
        "demo-user/scoped-model",
        "main",
        &t.write,
        &[header_line("x"), lfs_line(&sha, size)],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = c
        .head(format!(
            "{}/demo-user/scoped-model/resolve/main/w.safetensors",
            s.endpoint()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "x-xet-hash"), xet_hash);
    // A wrong size is refused.
    let r = commit(
        &c,
        &s,
        "demo-user/scoped-model",
        "main",
        &t.write,
        &[header_line("x"), lfs_line(&sha, size + 1)],
    )
    .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn new_repos_are_xet_enabled_unless_the_server_says_otherwise() {
    for (by_default, expected) in [(true, true), (false, false)] {
        let s = TestServer::spawn(ServerConfig {
            xet_by_default: by_default,
            ..ServerConfig::default()
        })
        .unwrap();
        let c = client();
        let r = c
            .post(format!("{}/api/repos/create", s.endpoint()))
            .bearer_auth(&s.tokens().write)
            .json(&json!({"name": "fresh", "organization": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let info = json_of(
            get(
                &c,
                &format!("{}/api/models/demo-user/fresh", s.endpoint()),
                Some(&s.tokens().read),
            )
            .await,
        )
        .await;
        assert_eq!(info["xetEnabled"], expected);
    }
}
