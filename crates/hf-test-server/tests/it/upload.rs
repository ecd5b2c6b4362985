//! Preupload, LFS batch, multipart parts and commits.

use serde_json::{Value, json};

use crate::*;

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
