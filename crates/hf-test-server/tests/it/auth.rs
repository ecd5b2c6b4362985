//! Tokens, roles, visibility and gated repos.

use serde_json::json;

use crate::*;

#[tokio::test]
async fn whoami_per_role() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let url = format!("{}/api/whoami-v2", s.endpoint());
    for (tok, role, display) in [
        (&t.read, "read", "demo-read"),
        (&t.write, "write", "demo-write"),
        (&t.fine_grained, "fineGrained", "demo-fine-grained"),
        (&t.org_write, "fineGrained", "demo-org-write"),
    ] {
        assert_eq!(tok.len(), 37);
        assert!(tok.starts_with("hf_fake"));
        let v = json_of(get(&c, &url, Some(tok)).await).await;
        assert_eq!(v["type"], "user");
        assert_eq!(v["name"], "demo-user");
        assert_eq!(v["fullname"], "Demo User");
        assert_eq!(v["orgs"][0]["name"], "demo-org");
        assert_eq!(v["orgs"][0]["type"], "org");
        assert_eq!(v["auth"]["type"], "access_token");
        assert_eq!(v["auth"]["accessToken"]["role"], role);
        assert_eq!(v["auth"]["accessToken"]["displayName"], display);
    }
    let v = json_of(get(&c, &url, Some(&t.fine_grained)).await).await;
    let fg = &v["auth"]["accessToken"]["fineGrained"];
    assert_eq!(fg["canReadGatedRepos"], true);
    assert_eq!(fg["scoped"][0]["entity"]["name"], "demo-user/scoped-model");
    assert_eq!(fg["scoped"][0]["entity"]["type"], "model");
    assert!(
        fg["scoped"][0]["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("repo.write"))
    );
    let v = json_of(get(&c, &url, Some(&t.org_write)).await).await;
    assert_eq!(
        v["auth"]["accessToken"]["fineGrained"]["scoped"][0]["entity"]["type"],
        "org"
    );

    for bad in [t.expired.as_str(), "hf_fakenottoken00000000000000000000000"] {
        let r = get(&c, &url, Some(bad)).await;
        assert_eq!(r.status(), 401);
        assert_eq!(
            header(&r, "x-error-message"),
            "Invalid credentials in Authorization header"
        );
        assert!(!header(&r, "x-request-id").is_empty());
        assert_eq!(
            json_of(r).await["error"],
            "Invalid credentials in Authorization header"
        );
    }
    // an invalid token is rejected on every route
    let r = get(
        &c,
        &format!("{}/api/models/demo-org/demo-model", s.endpoint()),
        Some(&t.expired),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(get(&c, &url, None).await.status(), 401);
}

#[tokio::test]
async fn visibility_and_permissions() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    // private: 401 RepoNotFound anonymously, visible to the owner, 404 to a token without scope
    let url = format!("{e}/api/models/demo-user/private-model");
    let r = get(&c, &url, None).await;
    assert_eq!(r.status(), 401);
    assert_eq!(header(&r, "x-error-code"), "RepoNotFound");
    assert_eq!(get(&c, &url, Some(&t.read)).await.status(), 200);
    let r = get(&c, &url, Some(&t.org_write)).await;
    assert_eq!(r.status(), 404);
    assert_eq!(header(&r, "x-error-code"), "RepoNotFound");
    // unknown repo
    let r = get(&c, &format!("{e}/api/models/demo-org/nope"), Some(&t.read)).await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-error-code").as_str()),
        (404, "RepoNotFound")
    );
    // writes
    let lines = [header_line("x"), file_line("x.txt", b"x")];
    let r = commit(&c, &s, "demo-org/demo-model", "main", &t.read, &lines).await;
    assert_eq!(r.status(), 403);
    assert!(!header(&r, "x-error-message").is_empty());
    let r = commit(
        &c,
        &s,
        "demo-org/demo-model",
        "main",
        &t.fine_grained,
        &lines,
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = commit(
        &c,
        &s,
        "demo-user/scoped-model",
        "main",
        &t.fine_grained,
        &lines,
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = commit(
        &c,
        &s,
        "demo-user/scoped-model",
        "main",
        &t.org_write,
        &lines,
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = commit(&c, &s, "demo-org/demo-model", "main", &t.org_write, &lines).await;
    assert_eq!(r.status(), 200);
    let r = commit(&c, &s, "demo-org/demo-model", "main", &t.write, &lines).await;
    assert_eq!(r.status(), 200);
    // write auth-check
    let r = get(
        &c,
        &format!("{e}/api/models/demo-user/scoped-model/auth-check/write"),
        Some(&t.read),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = get(
        &c,
        &format!("{e}/api/models/demo-user/scoped-model/auth-check/write"),
        Some(&t.fine_grained),
    )
    .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn gated_repo() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let info = json_of(get(&c, &format!("{e}/api/models/demo-org/gated-model"), None).await).await;
    assert_eq!(info["gated"], "manual");
    let url = format!("{e}/demo-org/gated-model/resolve/main/config.json");
    let r = get(&c, &url, Some(&t.read)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(header(&r, "x-error-code"), "GatedRepo");
    assert!(
        header(&r, "x-error-message")
            .starts_with("Access to model demo-org/gated-model is restricted.")
    );
    s.grant_gated_access("demo-user", "demo-org/gated-model");
    assert_eq!(get(&c, &url, Some(&t.read)).await.status(), 200);
    assert_eq!(get(&c, &url, None).await.status(), 403);
}
