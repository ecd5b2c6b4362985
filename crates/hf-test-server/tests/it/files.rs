//! Resolve (regular and LFS files) and the tree / paths-info listings.

use serde_json::Value;

use crate::*;

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
