//! Integration tests of hf-test-server, over real HTTP with reqwest.

use std::time::{Duration, Instant};

use base64::Engine as _;
use hf_test_server::{FaultAction, FaultRule, Origin, Seed, ServerConfig, TestServer};
use reqwest::{Client, Method, StatusCode, redirect};
use serde_json::{Value, json};
use sha2::Digest as _;

fn server() -> TestServer {
    TestServer::spawn(ServerConfig::default()).expect("server starts")
}

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

fn sha256(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn git_sha1(data: &[u8]) -> String {
    use sha1::Digest as _;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    hex(&h.finalize())
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn get(c: &Client, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = c.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.expect("request")
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}

fn ndjson(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

async fn commit(
    c: &Client,
    s: &TestServer,
    repo: &str,
    rev: &str,
    token: &str,
    lines: &[Value],
) -> reqwest::Response {
    c.post(format!("{}/api/models/{repo}/commit/{rev}", s.endpoint()))
        .bearer_auth(token)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(lines))
        .send()
        .await
        .expect("commit")
}

fn file_line(path: &str, data: &[u8]) -> Value {
    json!({"key": "file", "value": {
        "path": path,
        "content": base64::engine::general_purpose::STANDARD.encode(data),
        "encoding": "base64",
    }})
}

fn header_line(summary: &str) -> Value {
    json!({"key": "header", "value": {"summary": summary, "description": ""}})
}

#[tokio::test]
async fn startup_is_fast_and_shutdown_frees_ports() {
    let t0 = Instant::now();
    let s = server();
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "spawn took {:?}",
        t0.elapsed()
    );
    let endpoint = s.endpoint().to_owned();
    let cdn = s.cdn().to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert!(cdn.starts_with("http://127.0.0.1:"));
    assert_ne!(endpoint, cdn);
    assert!(
        !format!("{s:?}").contains(&s.tokens().write),
        "Debug must not print tokens"
    );
    let dir = s.data_dir().to_owned();
    assert!(dir.exists());
    let c = client();
    assert_eq!(get(&c, &endpoint, None).await.status(), 200);
    let t0 = Instant::now();
    s.shutdown();
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "shutdown took {:?}",
        t0.elapsed()
    );
    assert!(!dir.exists(), "temp data dir removed");
    for url in [endpoint, cdn] {
        let addr = url.trim_start_matches("http://");
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "{addr} still listening"
        );
    }
}

#[test]
fn works_from_sync_code() {
    let s = TestServer::spawn(ServerConfig {
        seed: Seed::Empty,
        ..ServerConfig::default()
    })
    .expect("spawn");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        let c = client();
        let r = get(
            &c,
            &format!("{}/api/whoami-v2", s.endpoint()),
            Some(&s.tokens().read),
        )
        .await;
        assert_eq!(r.status(), 200);
        let r = get(&c, &format!("{}/api/models", s.endpoint()), None).await;
        assert_eq!(json_of(r).await, json!([]));
    });
}

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

#[tokio::test]
async fn repo_info_shapes() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let v = json_of(get(&c, &format!("{e}/api/models/demo-org/demo-model"), None).await).await;
    for k in [
        "_id",
        "id",
        "author",
        "sha",
        "private",
        "gated",
        "disabled",
        "downloads",
        "likes",
        "tags",
        "pipeline_tag",
        "library_name",
        "lastModified",
        "createdAt",
        "siblings",
        "cardData",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["id"], "demo-org/demo-model");
    assert_eq!(v["author"], "demo-org");
    assert_eq!(v["cardData"]["license"], "apache-2.0");
    assert!(
        v["siblings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["rfilename"] == "model.safetensors")
    );
    assert!(v["siblings"][0].get("size").is_none());
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/demo-model?blobs=true"),
            None,
        )
        .await,
    )
    .await;
    let st = v["siblings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rfilename"] == "model.safetensors")
        .unwrap()
        .clone();
    assert_eq!(st["lfs"]["size"], st["size"]);
    assert_eq!(st["lfs"]["sha256"].as_str().unwrap().len(), 64);
    assert!(st["lfs"]["pointerSize"].as_u64().unwrap() > 100);
    // revision routes
    let main_sha = v["sha"].as_str().unwrap().to_owned();
    let dev = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/demo-model/revision/dev"),
            None,
        )
        .await,
    )
    .await;
    assert_ne!(dev["sha"], main_sha);
    let tag = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/demo-model/revision/v1.0"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(tag["sha"], main_sha);
    let r = get(
        &c,
        &format!("{e}/api/models/demo-org/demo-model/revision/nope"),
        None,
    )
    .await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-error-code").as_str()),
        (404, "RevisionNotFound")
    );
    // expand
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/gpt2?expand=inferenceProviderMapping&expand=pipeline_tag"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        v["inferenceProviderMapping"]["hf-inference"]["status"],
        "live"
    );
    assert_eq!(
        v["inferenceProviderMapping"]["hf-inference"]["providerId"],
        "gpt2"
    );
    assert_eq!(v["pipeline_tag"], "text-generation");
    assert!(v.get("siblings").is_none());
    // dataset + listing with Link pagination
    let v = json_of(get(&c, &format!("{e}/api/datasets/demo-org/demo-dataset"), None).await).await;
    assert_eq!(v["id"], "demo-org/demo-dataset");
    let r = get(&c, &format!("{e}/api/models?limit=3&sort=downloads"), None).await;
    let link = header(&r, "link");
    assert!(
        link.contains("rel=\"next\"") && link.contains("cursor="),
        "{link}"
    );
    assert_eq!(json_of(r).await.as_array().unwrap().len(), 3);
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models?search=bert&author=distilbert"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 2);
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models?filter=text-classification"),
            None,
        )
        .await,
    )
    .await;
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|m| m["pipeline_tag"] == "text-classification")
    );
    // private repos are not listed anonymously
    let v = json_of(get(&c, &format!("{e}/api/models?author=demo-user"), None).await).await;
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != "demo-user/private-model")
    );
}

#[tokio::test]
async fn resolve_regular_and_lfs() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let url = format!("{e}/demo-org/demo-model/resolve/main/config.json");
    let r = get(&c, &url, Some(&t.read)).await;
    assert_eq!(r.status(), 200);
    let commit = header(&r, "x-repo-commit");
    assert_eq!(commit.len(), 40);
    let etag = header(&r, "etag");
    let len = header(&r, "content-length");
    assert_eq!(header(&r, "accept-ranges"), "bytes");
    let body = r.bytes().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", git_sha1(&body)));
    assert_eq!(len, body.len().to_string());
    // HEAD: same headers, no body
    let r = c.head(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "etag"), etag);
    assert_eq!(header(&r, "content-length"), len);
    assert_eq!(header(&r, "x-repo-commit"), commit);
    assert!(r.bytes().await.unwrap().is_empty());
    // Range
    let r = c
        .get(&url)
        .header("range", "bytes=2-5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(
        header(&r, "content-range"),
        format!("bytes 2-5/{}", body.len())
    );
    assert_eq!(r.bytes().await.unwrap(), body.slice(2..6));
    let r = c
        .get(&url)
        .header("range", "bytes=99999-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
    // missing entry
    let r = get(
        &c,
        &format!("{e}/demo-org/demo-model/resolve/main/nope.txt"),
        None,
    )
    .await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-error-code").as_str()),
        (404, "EntryNotFound")
    );
    assert_eq!(header(&r, "x-repo-commit"), commit);
    let r = get(
        &c,
        &format!("{e}/demo-org/demo-model/resolve/nope/config.json"),
        None,
    )
    .await;
    assert_eq!(header(&r, "x-error-code"), "RevisionNotFound");
    let r = get(
        &c,
        &format!("{e}/demo-org/nope/resolve/main/config.json"),
        None,
    )
    .await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-error-code").as_str()),
        (401, "RepoNotFound")
    );
    // datasets prefix
    let r = get(
        &c,
        &format!("{e}/datasets/demo-org/demo-dataset/resolve/main/data/test.csv"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().starts_with("text,label"));

    // LFS: 302 to a signed CDN URL
    let url = format!("{e}/demo-org/demo-model/resolve/main/model.safetensors");
    for r in [
        get(&c, &url, Some(&t.read)).await,
        c.head(&url).send().await.unwrap(),
    ] {
        assert_eq!(r.status(), 302);
        assert_eq!(header(&r, "x-repo-commit"), commit);
        assert!(header(&r, "location").starts_with(&format!("{}/lfs/", s.cdn())));
        assert!(header(&r, "x-linked-etag").len() == 66);
        assert!(!header(&r, "etag").is_empty());
    }
    let r = get(&c, &url, None).await;
    let location = header(&r, "location");
    let linked = header(&r, "x-linked-etag");
    let size: usize = header(&r, "x-linked-size").parse().unwrap();
    let r = get(&c, &location, None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "accept-ranges"), "bytes");
    assert_eq!(header(&r, "content-length"), size.to_string());
    let data = r.bytes().await.unwrap();
    assert_eq!(format!("\"{}\"", sha256(&data)), linked);
    let r = c
        .get(&location)
        .header("range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(header(&r, "content-range"), format!("bytes 10-19/{size}"));
    assert_eq!(r.bytes().await.unwrap(), data.slice(10..20));
    let r = c
        .get(&location)
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
    // bad signature
    let bad = location.replace("sig=", "sig=0");
    assert_eq!(get(&c, &bad, None).await.status(), 403);
    // auth to the CDN is served but counted
    assert_eq!(s.cdn_auth_violations(), 0);
    assert_eq!(get(&c, &location, Some(&t.read)).await.status(), 200);
    assert_eq!(s.cdn_auth_violations(), 1);
}

#[tokio::test]
async fn renamed_repo_redirects() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let r = get(
        &c,
        &format!("{e}/api/models/demo-org/old-model-name?expand=sha"),
        None,
    )
    .await;
    assert_eq!(r.status(), 307);
    assert_eq!(
        header(&r, "location"),
        "/api/models/demo-org/demo-model?expand=sha"
    );
    let r = c
        .head(format!(
            "{e}/demo-org/old-model-name/resolve/main/config.json"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 307);
    assert_eq!(
        header(&r, "location"),
        "/demo-org/demo-model/resolve/main/config.json"
    );
    let r = get(
        &c,
        &format!("{e}/api/models/demo-org/old-model-name/tree/main"),
        None,
    )
    .await;
    assert_eq!(
        header(&r, "location"),
        "/api/models/demo-org/demo-model/tree/main"
    );
}

#[tokio::test]
async fn tree_pagination_and_paths_info() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let r = get(
        &c,
        &format!("{e}/api/models/demo-org/many-files/tree/main?recursive=true&expand=false"),
        None,
    )
    .await;
    let link = header(&r, "link");
    let page1 = json_of(r).await;
    assert_eq!(page1.as_array().unwrap().len(), 1000);
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(next.starts_with(e));
    let r = get(&c, &next, None).await;
    assert!(header(&r, "link").is_empty());
    let page2 = json_of(r).await;
    let all: Vec<Value> = page1
        .as_array()
        .unwrap()
        .iter()
        .chain(page2.as_array().unwrap())
        .cloned()
        .collect();
    let files = all.iter().filter(|x| x["type"] == "file").count();
    let dirs = all.iter().filter(|x| x["type"] == "directory").count();
    assert_eq!((files, dirs), (1202, 12));
    // non-recursive root and sub path
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/many-files/tree/main"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 14);
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/many-files/tree/main/shard-03"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 100);
    assert_eq!(v[0]["path"], "shard-03/file-0300.txt");
    // LFS entries
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/demo-model/tree/main?expand=true"),
            None,
        )
        .await,
    )
    .await;
    let st = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"] == "model.safetensors")
        .unwrap()
        .clone();
    assert_eq!(st["lfs"]["oid"].as_str().unwrap().len(), 64);
    assert!(st["lastCommit"]["id"].is_string());
    // paths-info (form)
    let r = c
        .post(format!(
            "{e}/api/models/demo-org/demo-model/paths-info/main"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("paths=config.json&paths=model.safetensors&paths=missing&expand=false")
        .send()
        .await
        .unwrap();
    let v = json_of(r).await;
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn upload_flow_basic_and_multipart() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    // create
    let r = c
        .post(format!("{e}/api/repos/create"))
        .bearer_auth(&t.write)
        .json(&json!({"name": "up", "organization": "demo-org", "visibility": "public"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(json_of(r).await["url"], format!("{e}/demo-org/up"));
    let r = c
        .post(format!("{e}/api/repos/create"))
        .bearer_auth(&t.write)
        .json(&json!({"name": "up", "organization": "demo-org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        json_of(r).await["error"],
        "You already created this model repo"
    );

    // preupload
    let r = c
        .post(format!("{e}/api/models/demo-org/up/preupload/main"))
        .bearer_auth(&t.write)
        .json(&json!({"files": [
            {"path": "a.txt", "sample": "aGVsbG8=", "size": 5},
            {"path": "w.safetensors", "sample": "", "size": 100},
            {"path": "huge.txt", "sample": "", "size": 11 * 1024 * 1024},
        ]}))
        .send()
        .await
        .unwrap();
    let v = json_of(r).await;
    let modes: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uploadMode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["regular", "lfs", "lfs"]);

    s.set_multipart(1024 * 1024, 512 * 1024);
    let small: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let big: Vec<u8> = (0..1_300_000u32).map(|i| (i % 241) as u8).collect();
    let batch_url = format!("{e}/demo-org/up.git/info/lfs/objects/batch");
    let batch = |objs: Value| {
        c.post(&batch_url)
            .bearer_auth(&t.write)
            .header("content-type", "application/vnd.git-lfs+json")
            .header("accept", "application/vnd.git-lfs+json")
            .json(&json!({"operation": "upload", "transfers": ["basic", "multipart"], "objects": objs, "hash_algo": "sha256", "ref": {"name": "main"}}))
            .send()
    };
    let r = batch(json!([{"oid": sha256(&small), "size": small.len()}, {"oid": sha256(&big), "size": big.len()}]))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = json_of(r).await;
    // basic
    let basic = &v["objects"][0]["actions"];
    let href = basic["upload"]["href"].as_str().unwrap();
    assert!(href.starts_with(s.cdn()));
    assert!(basic["upload"].get("header").is_none());
    let r = c.put(href).body(b"wrong".to_vec()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        c.put(href)
            .body(small.clone())
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let verify = basic["verify"]["href"].as_str().unwrap();
    assert!(verify.starts_with(e));
    let r = c
        .post(verify)
        .bearer_auth(&t.write)
        .json(&json!({"oid": sha256(&small), "size": small.len()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // multipart
    let up = &v["objects"][1]["actions"]["upload"];
    let chunk: usize = up["header"]["chunk_size"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(chunk, 512 * 1024);
    let mut parts = Vec::new();
    for (i, piece) in big.chunks(chunk).enumerate() {
        let url = up["header"][(i + 1).to_string()].as_str().unwrap();
        let r = c.put(url).body(piece.to_vec()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        parts.push(json!({"partNumber": i + 1, "etag": header(&r, "etag")}));
    }
    assert_eq!(parts.len(), 3);
    assert!(up["header"].get("4").is_none());
    let r = c
        .post(up["href"].as_str().unwrap())
        .json(&json!({"oid": sha256(&big), "parts": parts}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // now both are known: no actions
    let v = json_of(
        batch(json!([{"oid": sha256(&big), "size": big.len()}]))
            .await
            .unwrap(),
    )
    .await;
    assert!(v["objects"][0].get("actions").is_none());

    // commit: regular + lfs
    let lines = [
        header_line("Add files"),
        file_line("a.txt", b"hello"),
        json!({"key": "lfsFile", "value": {"path": "w/small.bin", "algo": "sha256", "oid": sha256(&small), "size": small.len()}}),
        json!({"key": "lfsFile", "value": {"path": "big.bin", "algo": "sha256", "oid": sha256(&big), "size": big.len()}}),
    ];
    let r = commit(&c, &s, "demo-org/up", "main", &t.write, &lines).await;
    assert_eq!(r.status(), 200);
    let v = json_of(r).await;
    assert_eq!(v["success"], true);
    let oid = v["commitOid"].as_str().unwrap().to_owned();
    assert_eq!(v["commitUrl"], format!("{e}/demo-org/up/commit/{oid}"));
    // download back
    let r = get(&c, &format!("{e}/demo-org/up/resolve/main/big.bin"), None).await;
    assert_eq!(header(&r, "x-repo-commit"), oid);
    let data = get(&c, &header(&r, "location"), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&data[..], &big[..]);
    assert_eq!(
        get(&c, &format!("{e}/demo-org/up/resolve/main/a.txt"), None)
            .await
            .text()
            .await
            .unwrap(),
        "hello"
    );
    // preupload reports existing oids
    let v = json_of(
        c.post(format!("{e}/api/models/demo-org/up/preupload/main"))
            .bearer_auth(&t.write)
            .json(&json!({"files": [{"path": "a.txt", "sample": "aGVsbG8=", "size": 5}, {"path": "big.bin", "sample": "", "size": big.len()}]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["files"][0]["oid"], git_sha1(b"hello"));
    assert_eq!(v["files"][1]["oid"], sha256(&big));

    // missing LFS object, stale parent, deletions, PR
    let missing = [
        header_line("x"),
        json!({"key": "lfsFile", "value": {"path": "m.bin", "algo": "sha256", "oid": "ab".repeat(32), "size": 3}}),
    ];
    let r = commit(&c, &s, "demo-org/up", "main", &t.write, &missing).await;
    assert_eq!(r.status(), 422);
    let stale = [
        json!({"key": "header", "value": {"summary": "x", "description": "", "parentCommit": "0".repeat(40)}}),
        file_line("b.txt", b"b"),
    ];
    let r = commit(&c, &s, "demo-org/up", "main", &t.write, &stale).await;
    assert_eq!(r.status(), 412);
    let ok_parent = [
        json!({"key": "header", "value": {"summary": "del", "description": "", "parentCommit": oid}}),
        json!({"key": "deletedFolder", "value": {"path": "w/"}}),
        json!({"key": "deletedFile", "value": {"path": "a.txt"}}),
    ];
    assert_eq!(
        commit(&c, &s, "demo-org/up", "main", &t.write, &ok_parent)
            .await
            .status(),
        200
    );
    let r = get(&c, &format!("{e}/demo-org/up/resolve/main/a.txt"), None).await;
    assert_eq!(r.status(), 404);
    let r = c
        .post(format!(
            "{e}/api/models/demo-org/up/commit/main?create_pr=1"
        ))
        .bearer_auth(&t.write)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(&[header_line("PR"), file_line("pr.txt", b"pr")]))
        .send()
        .await
        .unwrap();
    let v = json_of(r).await;
    assert_eq!(
        v["pullRequestUrl"],
        format!("{e}/demo-org/up/discussions/1")
    );
    let r = get(
        &c,
        &format!("{e}/demo-org/up/resolve/refs%2Fpr%2F1/pr.txt"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "x-repo-commit"),
        v["commitOid"].as_str().unwrap()
    );
    let info = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/up/revision/refs%2Fpr%2F1"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(info["sha"], v["commitOid"]);
    let refs = json_of(
        get(
            &c,
            &format!("{e}/api/models/demo-org/up/refs?include_prs=1"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(refs["pullRequests"][0]["ref"], "refs/pr/1");
    assert_eq!(
        get(&c, &format!("{e}/demo-org/up/resolve/main/pr.txt"), None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn multipart_parts_may_come_out_of_order_or_again_and_are_checked() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    s.set_multipart(1024, 100_000);
    let big: Vec<u8> = (0..450_000u32).map(|i| (i % 239) as u8).collect();
    let batch = |data: &[u8]| {
        c.post(format!("{e}/demo-user/parts.git/info/lfs/objects/batch"))
            .bearer_auth(&t.write)
            .header("content-type", "application/vnd.git-lfs+json")
            .json(
                &json!({"operation": "upload", "transfers": ["basic", "multipart"],
                "objects": [{"oid": sha256(data), "size": data.len()}], "hash_algo": "sha256"}),
            )
            .send()
    };
    let r = c
        .post(format!("{e}/api/repos/create"))
        .bearer_auth(&t.write)
        .json(&json!({"name": "parts"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = json_of(batch(&big).await.unwrap()).await;
    let up = v["objects"][0]["actions"]["upload"].clone();
    let part_url = |n: usize| up["header"][n.to_string()].as_str().unwrap().to_owned();
    let piece = |n: usize| big[(n - 1) * 100_000..(n * 100_000).min(big.len())].to_vec();
    // A part of the wrong length is refused.
    let r = c.put(part_url(2)).body(vec![0u8; 10]).send().await.unwrap();
    assert_eq!(r.status(), 400);
    // Parts out of order; part 2 first with wrong bytes, then again with the right ones.
    let mut etags = std::collections::BTreeMap::new();
    let r = c
        .put(part_url(2))
        .body(vec![1u8; 100_000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let stale = header(&r, "etag");
    for n in [5, 3, 1, 4, 2] {
        let r = c.put(part_url(n)).body(piece(n)).send().await.unwrap();
        assert_eq!(r.status(), 200, "part {n}");
        etags.insert(n, header(&r, "etag"));
    }
    let complete = |parts: Vec<Value>| {
        c.post(up["href"].as_str().unwrap())
            .json(&json!({"oid": sha256(&big), "parts": parts}))
            .send()
    };
    let listed = |etags: &std::collections::BTreeMap<usize, String>| {
        etags
            .iter()
            .map(|(n, etag)| json!({"partNumber": n, "etag": etag}))
            .collect::<Vec<_>>()
    };
    // A missing part, then the ETag of the replaced part 2, are refused.
    let mut fewer = listed(&etags);
    fewer.pop();
    let r = complete(fewer).await.unwrap();
    assert_eq!(r.status(), 400);
    let mut old = etags.clone();
    old.insert(2, stale);
    let r = complete(listed(&old)).await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("ETag mismatch for part 2"));
    let r = complete(listed(&etags)).await.unwrap();
    assert_eq!(r.status(), 200);
    // The object is stored (the batch has nothing left to do) and served, ranges included.
    let v = json_of(batch(&big).await.unwrap()).await;
    assert!(v["objects"][0].get("actions").is_none());
    let oid = s
        .commit_files("model", "demo-user/parts", &[("big.bin", &big)])
        .unwrap();
    let r = get(
        &c,
        &format!("{e}/demo-user/parts/resolve/{oid}/big.bin"),
        None,
    )
    .await;
    let location = header(&r, "location");
    let whole = get(&c, &location, None).await.bytes().await.unwrap();
    assert_eq!(&whole[..], &big[..]);
    for (range, expected) in [
        ("bytes=1000-1999", &big[1000..2000]),
        ("bytes=-10", &big[big.len() - 10..]),
        ("bytes=449990-", &big[449_990..]),
    ] {
        let r = c
            .get(&location)
            .header("range", range)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 206, "{range}");
        assert_eq!(&r.bytes().await.unwrap()[..], expected, "{range}");
    }
    let r = c
        .get(&location)
        .header("range", "bytes=450000-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);

    // Parts whose bytes do not hash to the object id: the completion is refused.
    let other: Vec<u8> = (0..250_000u32).map(|i| (i % 233) as u8).collect();
    let v = json_of(batch(&other).await.unwrap()).await;
    let up = v["objects"][0]["actions"]["upload"].clone();
    let mut parts = Vec::new();
    for n in 1..=3usize {
        let len = if n == 3 { 50_000 } else { 100_000 };
        let r = c
            .put(up["header"][n.to_string()].as_str().unwrap())
            .body(vec![9u8; len])
            .send()
            .await
            .unwrap();
        parts.push(json!({"partNumber": n, "etag": header(&r, "etag")}));
    }
    let r = c
        .post(up["href"].as_str().unwrap())
        .json(&json!({"oid": sha256(&other), "parts": parts}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("sha256 mismatch"));
}

#[tokio::test]
async fn branches_tags_commits() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let base = format!("{e}/api/models/demo-org/demo-model");
    let r = c
        .post(format!("{base}/branch/feat%2Fx"))
        .bearer_auth(&t.write)
        .json(&json!({"startingPoint": "dev"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(format!("{base}/branch/feat%2Fx"))
        .bearer_auth(&t.write)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = c
        .post(format!("{base}/branch/nope"))
        .bearer_auth(&t.read)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{base}/tag/dev"))
        .bearer_auth(&t.write)
        .json(&json!({"tag": "v2", "message": "m"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let refs = json_of(get(&c, &format!("{base}/refs"), None).await).await;
    let dev = refs["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "dev")
        .unwrap()["targetCommit"]
        .clone();
    let fx = refs["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "feat/x")
        .unwrap()
        .clone();
    assert_eq!(fx["ref"], "refs/heads/feat/x");
    assert_eq!(fx["targetCommit"], dev);
    assert_eq!(refs["branches"][0]["name"], "main");
    let v2 = refs["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "v2")
        .unwrap()
        .clone();
    assert_eq!(v2["targetCommit"], dev);
    assert!(refs.get("pullRequests").is_none());
    let r = c
        .delete(format!("{base}/tag/v2"))
        .bearer_auth(&t.write)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .delete(format!("{base}/branch/feat%2Fx"))
        .bearer_auth(&t.write)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let commits = json_of(get(&c, &format!("{base}/commits/dev"), None).await).await;
    let titles: Vec<&str> = commits
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Add dev notes", "Upload model files", "initial commit"]
    );
    assert_eq!(commits[0]["id"], dev);
    // many commits paginate
    for i in 0..55 {
        let lines = [
            header_line(&format!("c{i}")),
            file_line("n.txt", i.to_string().as_bytes()),
        ];
        assert_eq!(
            commit(&c, &s, "demo-org/demo-model", "main", &t.write, &lines)
                .await
                .status(),
            200
        );
    }
    let r = get(&c, &format!("{base}/commits/main"), None).await;
    let link = header(&r, "link");
    assert_eq!(json_of(r).await.as_array().unwrap().len(), 50);
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        json_of(get(&c, &next, None).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        57 - 50
    );
}

#[tokio::test]
async fn repo_management() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let r = c
        .post(format!("{e}/api/repos/create"))
        .bearer_auth(&t.write)
        .json(&json!({"name": "ds", "organization": null, "type": "dataset", "private": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get(&c, &format!("{e}/api/datasets/demo-user/ds"), None)
            .await
            .status(),
        401
    );
    let r = c
        .put(format!("{e}/api/datasets/demo-user/ds/settings"))
        .bearer_auth(&t.write)
        .json(&json!({"visibility": "public", "gated": "auto"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = json_of(get(&c, &format!("{e}/api/datasets/demo-user/ds"), None).await).await;
    assert_eq!(
        (v["private"].clone(), v["gated"].clone()),
        (json!(false), json!("auto"))
    );
    let r = c
        .post(format!("{e}/api/repos/move"))
        .bearer_auth(&t.write)
        .json(&json!({"fromRepo": "demo-user/ds", "toRepo": "demo-org/ds2", "type": "dataset"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = get(&c, &format!("{e}/api/datasets/demo-user/ds"), None).await;
    assert_eq!(r.status(), 307);
    assert_eq!(header(&r, "location"), "/api/datasets/demo-org/ds2");
    let r = c
        .delete(format!("{e}/api/repos/delete"))
        .bearer_auth(&t.write)
        .json(&json!({"name": "ds2", "organization": "demo-org", "type": "dataset"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get(&c, &format!("{e}/api/datasets/demo-org/ds2"), Some(&t.read))
            .await
            .status(),
        404
    );
    let r = c
        .post(format!("{e}/api/validate-yaml"))
        .bearer_auth(&t.write)
        .json(&json!({"content": "---\n---\n", "repoType": "model"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r).await, json!({}));
}

#[tokio::test]
async fn faults() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let url = format!("{e}/api/models/demo-org/demo-model");
    s.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("GET".into()),
        path_contains: "/api/models/demo-org/demo-model".into(),
        action: FaultAction::StatusSequence(vec![503, 502]),
        times: None,
    });
    let statuses = [
        get(&c, &url, None).await.status(),
        get(&c, &url, None).await.status(),
        get(&c, &url, None).await.status(),
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::BAD_GATEWAY,
            StatusCode::OK
        ]
    );
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "whoami".into(),
        action: FaultAction::RateLimit {
            retry_after_secs: 7,
        },
        times: Some(1),
    });
    let r = get(&c, &format!("{e}/api/whoami-v2"), Some(&s.tokens().read)).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after"), "7");
    assert_eq!(header(&r, "ratelimit"), "\"api\";r=0;t=7");
    assert_eq!(
        get(&c, &format!("{e}/api/whoami-v2"), Some(&s.tokens().read))
            .await
            .status(),
        200
    );
    s.clear_faults();

    // body faults on the CDN
    let lfs = header(
        &get(
            &c,
            &format!("{e}/demo-org/demo-model/resolve/main/model.safetensors"),
            None,
        )
        .await,
        "location",
    );
    let full = get(&c, &lfs, None).await.bytes().await.unwrap();
    s.clear_requests();
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::CutBodyAfter(1000),
        times: Some(1),
    });
    let r = get(&c, &lfs, None).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "cut body must fail");
    let recs = s.requests();
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0].origin, recs[0].body_bytes, recs[0].status),
        (Origin::Cdn, 1000, 200)
    );
    assert!(!recs[0].authorization);

    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::CorruptBody,
        times: Some(1),
    });
    let corrupted = get(&c, &lfs, None).await.bytes().await.unwrap();
    assert_eq!(corrupted.len(), full.len());
    assert_ne!(corrupted, full);

    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::IgnoreRange,
        times: Some(1),
    });
    let r = c
        .get(&lfs)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), full.len());

    let t0 = Instant::now();
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "config.json".into(),
        action: FaultAction::LatencyMs(300),
        times: Some(1),
    });
    assert_eq!(
        get(
            &c,
            &format!("{e}/demo-org/demo-model/resolve/main/config.json"),
            None
        )
        .await
        .status(),
        200
    );
    assert!(t0.elapsed() >= Duration::from_millis(300));

    let t0 = Instant::now();
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "tokenizer.json".into(),
        action: FaultAction::DripBytesPerSec(2000),
        times: Some(1),
    });
    let body = get(
        &c,
        &format!("{e}/demo-org/demo-model/resolve/main/tokenizer.json"),
        None,
    )
    .await
    .bytes()
    .await
    .unwrap();
    let expected = Duration::from_secs_f64(body.len() as f64 / 2000.0 * 0.8);
    assert!(
        t0.elapsed() >= expected,
        "{:?} < {:?}",
        t0.elapsed(),
        expected
    );

    // the admin API does the same out of process
    let r = c
        .post(format!("{e}/_admin/faults"))
        .json(&json!({"path_contains": "/api/models/gpt2", "action": {"StatusSequence": [500]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get(&c, &format!("{e}/api/models/gpt2"), None)
            .await
            .status(),
        500
    );
    assert_eq!(
        get(&c, &format!("{e}/api/models/gpt2"), None)
            .await
            .status(),
        200
    );
    let reqs = json_of(get(&c, &format!("{e}/_admin/requests"), None).await).await;
    assert!(
        reqs.as_array()
            .unwrap()
            .iter()
            .all(|r| !r["path_and_query"].as_str().unwrap().starts_with("/_admin"))
    );
    let stats = json_of(get(&c, &format!("{e}/_admin/stats"), None).await).await;
    assert_eq!(stats["cdn_auth_violations"], 0);
    let rule: FaultRule = serde_json::from_value(
        json!({"origin": "cdn", "path_contains": "x", "action": "CorruptBody"}),
    )
    .unwrap();
    assert_eq!(rule.action, FaultAction::CorruptBody);
}

#[tokio::test]
async fn inference_routes() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let post = |url: String, body: Value, token: Option<String>| {
        let mut r = c.post(url).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let tok = Some(t.read.clone());
    let m = |id: &str| format!("{e}/hf-inference/models/{id}");
    let v = json_of(
        post(
            m("distilbert/distilbert-base-uncased-finetuned-sst-2-english"),
            json!({"inputs": "I like you", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0][0]["label"], "POSITIVE");
    assert!(v[0][0]["score"].as_f64().unwrap() > 0.99);
    let v = json_of(post(m("dbmdz/bert-large-cased-finetuned-conll03-english"), json!({"inputs": "My name is Sarah Jessica Parker but you can call me Jessica", "parameters": {}}), tok.clone()).await.unwrap()).await;
    assert_eq!(v[0]["entity_group"], "PER");
    assert_eq!(v[0]["word"], "Sarah Jessica Parker");
    let v = json_of(
        post(
            m("distilbert/distilroberta-base"),
            json!({"inputs": "Hello <mask>!", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 5);
    assert_eq!(v[0]["sequence"], "Hello the!");
    let v = json_of(
        post(
            m("google-t5/t5-small"),
            json!({"inputs": "Hello world", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["translation_text"], "Hallo Welt");
    let v = json_of(
        post(
            m("facebook/bart-large-cnn"),
            json!({"inputs": "One. Two three.", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["summary_text"], "One.");
    let v = json_of(post(m("deepset/roberta-base-squad2"), json!({"inputs": {"question": "What is the capital of France?", "context": "The capital of France is Paris."}, "parameters": {}}), tok.clone()).await.unwrap()).await;
    assert_eq!(
        (v["answer"].clone(), v["start"].clone(), v["end"].clone()),
        (json!("Paris"), json!(25), json!(30))
    );
    let v = json_of(post(m("facebook/bart-large-mnli"), json!({"inputs": "I love space travel", "parameters": {"candidate_labels": ["cooking", "space"]}}), tok.clone()).await.unwrap()).await;
    assert_eq!(v[0]["label"], "space");
    let v = json_of(
        post(
            format!(
                "{}/pipeline/feature-extraction",
                m("sentence-transformers/all-MiniLM-L6-v2")
            ),
            json!({"inputs": "hello"}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 384);
    let v = json_of(
        post(
            format!(
                "{}/pipeline/sentence-similarity",
                m("sentence-transformers/all-MiniLM-L6-v2")
            ),
            json!({"inputs": {"source_sentence": "a", "sentences": ["a", "b"]}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert!((v[0].as_f64().unwrap() - 1.0).abs() < 1e-5);
    let v = json_of(
        post(
            m("gpt2"),
            json!({"inputs": "Once upon", "parameters": {"max_new_tokens": 3, "details": true}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["generated_text"], " and then the");
    assert_eq!(v[0]["details"]["generated_tokens"], 3);
    let r = post(
        m("gpt2"),
        json!({"inputs": "Once", "parameters": {"max_new_tokens": 2}, "stream": true}),
        tok.clone(),
    )
    .await
    .unwrap();
    assert_eq!(header(&r, "content-type"), "text/event-stream");
    let text = r.text().await.unwrap();
    assert_eq!(text.matches("data:").count(), 2);

    // chat, JSON and SSE, on both routes
    let body = json!({"model": "meta-llama/Llama-3.1-8B-Instruct", "messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "Hi there"}], "stream": false});
    for url in [
        format!("{e}/v1/chat/completions"),
        format!(
            "{}/v1/chat/completions",
            m("meta-llama/Llama-3.1-8B-Instruct")
        ),
    ] {
        let v = json_of(post(url.clone(), body.clone(), tok.clone()).await.unwrap()).await;
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["choices"][0]["message"]["content"], "You said: Hi there");
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
        assert!(v["usage"]["total_tokens"].as_u64().unwrap() > 0);
        let mut sb = body.clone();
        sb["stream"] = json!(true);
        let text = post(url, sb, tok.clone())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.ends_with("data: [DONE]\n\n"));
        let content: String = text
            .split("\n\n")
            .filter_map(|ev| ev.strip_prefix("data: "))
            .filter(|d| *d != "[DONE]")
            .map(|d| {
                serde_json::from_str::<Value>(d).unwrap()["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(content, "You said: Hi there");
    }
    let mut b2 = body.clone();
    b2["model"] = json!("meta-llama/Llama-3.1-8B-Instruct:fastest");
    assert_eq!(
        post(format!("{e}/v1/chat/completions"), b2, tok.clone())
            .await
            .unwrap()
            .status(),
        200
    );

    // errors
    assert_eq!(
        post(m("gpt2"), json!({"inputs": "x"}), None)
            .await
            .unwrap()
            .status(),
        401
    );
    let r = post(m("nope/model"), json!({"inputs": "x"}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(json_of(r).await["error"], "Model nope/model does not exist");
    let r = post(m("gpt2"), json!({"parameters": {}}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(json_of(r).await["error_type"], "validation");
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "/hf-inference/models/gpt2".into(),
        action: FaultAction::StatusSequence(vec![503]),
        times: None,
    });
    let r = post(m("gpt2"), json!({"inputs": "x"}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let v = json_of(r).await;
    assert_eq!(v["error"], "Model gpt2 is currently loading");
    assert_eq!(v["estimated_time"], 20.0);
    // model info of inference models
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/sentence-transformers/all-MiniLM-L6-v2"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v["pipeline_tag"], "sentence-similarity");
    let _ = Method::GET;
}

#[tokio::test]
async fn binary_inference_tasks() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let token = &s.tokens().read;
    let post_bytes = |model: &str, body: Vec<u8>| {
        c.post(format!("{e}/hf-inference/models/{model}"))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let r = post_bytes(
        "google/vit-base-patch16-224",
        b"not really an image".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let labels = json_of(r).await;
    let scores: Vec<f64> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 5);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores.iter().sum::<f64>() <= 1.0);
    let r = post_bytes("openai/whisper-large-v3", b"RIFF....WAVE".to_vec())
        .await
        .unwrap();
    assert!(json_of(r).await["text"].as_str().unwrap().ends_with('.'));
    let r = post_bytes("openai/whisper-large-v3", Vec::new())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // Base64 in JSON is accepted too.
    let r = c
        .post(format!(
            "{e}/hf-inference/models/google/vit-base-patch16-224"
        ))
        .bearer_auth(token)
        .json(&json!({"inputs": "bm90IHJlYWxseSBhbiBpbWFnZQ=="}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r).await, labels);
    let r = c
        .post(format!(
            "{e}/hf-inference/models/stabilityai/stable-diffusion-xl-base-1.0"
        ))
        .bearer_auth(token)
        .json(&json!({"inputs": "a cat"}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-type"), "image/png");
    let png = r.bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.ends_with(b"IEND\xaeB`\x82"));
}

#[tokio::test]
async fn commit_files_helper() {
    let s = server();
    let c = client();
    let big = vec![7u8; 1000];
    let oid = s
        .commit_files(
            "dataset",
            "demo-org/helper",
            &[("a.txt", b"hi".as_slice()), ("w.bin", &big)],
        )
        .unwrap();
    let r = get(
        &c,
        &format!(
            "{}/datasets/demo-org/helper/resolve/main/a.txt",
            s.endpoint()
        ),
        None,
    )
    .await;
    assert_eq!(header(&r, "x-repo-commit"), oid);
    assert_eq!(r.text().await.unwrap(), "hi");
    let r = get(
        &c,
        &format!(
            "{}/datasets/demo-org/helper/resolve/main/w.bin",
            s.endpoint()
        ),
        None,
    )
    .await;
    assert_eq!(r.status(), 302);
    assert_eq!(header(&r, "x-linked-etag"), format!("\"{}\"", sha256(&big)));
    assert!(s.commit_files("nope", "a/b", &[]).is_err());
}
