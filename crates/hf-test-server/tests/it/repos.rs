//! Repo info, redirects after a rename, refs, commits and repo management.

use serde_json::json;

use crate::*;

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
