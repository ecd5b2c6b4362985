//! Uploads: preupload, LFS batch (basic + multipart) and verify, CDN upload targets,
//! and the NDJSON commit endpoint.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::model::{Entry, RefName, RepoType};
use crate::multipart::Refusal;
use crate::respond::{
    Ctx, find_or_return, open_discussion, repo_not_found, repo_url, revision_not_found, signed_url,
    writable,
};
use crate::seed::parse_card;
use crate::state::Shared;
use crate::util::{
    error_response, gitattributes_match, iso8601, json_response, now_secs, ok_json, set_header,
    sha256_hex,
};

const TEN_MIB: u64 = 10 * 1024 * 1024;

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `POST /api/{t}/{repo}/preupload/{rev}`
pub(crate) fn preupload(ctx: &Ctx, kind: RepoType, id: &str, rev: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let rev = if rev.is_empty() { "main" } else { rev };
    let Some(commit) = repo.resolve_rev(rev) else {
        return revision_not_found(rev);
    };
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let patterns = repo.lfs_patterns(&ctx.shared.blobs, commit);
    let files: Vec<Value> = body["files"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap_or("");
            let size = f["size"].as_u64().unwrap_or(0);
            let lfs = size > 0
                && (size >= TEN_MIB || patterns.iter().any(|p| gitattributes_match(p, path)));
            let mut v = json!({
                "path": path,
                "uploadMode": if lfs { "lfs" } else { "regular" },
                "shouldIgnore": false,
            });
            if let Some(e) = commit.tree.get(path) {
                v["oid"] = json!(e.lfs.clone().unwrap_or_else(|| e.oid.clone()));
            }
            v
        })
        .collect();
    ok_json(json!({"files": files, "commitOid": commit.id}))
}

fn lfs_json(status: StatusCode, v: &Value) -> Response {
    let mut r = json_response(status, v);
    if let Some(msg) = v["message"].as_str() {
        set_header(&mut r, "x-error-message", msg);
    }
    set_header(&mut r, "content-type", "application/vnd.git-lfs+json");
    r
}

/// `POST /{prefix}{repo}.git/info/lfs/objects/batch`
pub(crate) fn lfs_batch(ctx: &Ctx, kind: RepoType, id: &str) -> Response {
    if ctx.caller.token().is_none() {
        return error_response(401, None, "Authentication required to upload LFS objects");
    }
    drop(match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    });
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    if body["operation"].as_str() != Some("upload") {
        return lfs_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({"message": "Only the upload operation is supported", "error": "Only the upload operation is supported"}),
        );
    }
    let transfers: Vec<&str> = body["transfers"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["basic"]);
    let cfg = ctx.shared.upload_config();
    let verify_href = format!(
        "{}/{}{id}.git/info/lfs/objects/verify",
        ctx.shared.endpoint,
        kind.prefix()
    );
    let mut any_multipart = false;
    let objects: Vec<Value> = body["objects"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let oid = o["oid"].as_str().unwrap_or("").to_owned();
            let size = o["size"].as_u64().unwrap_or(0);
            if !is_sha256(&oid) {
                return json!({"oid": oid, "size": size, "error": {"code": 422, "message": "Invalid oid"}});
            }
            let key = format!("lfs/{oid}");
            if ctx.shared.blobs.contains(&key) {
                return json!({"oid": oid, "size": size});
            }
            let expires_at = iso8601(now_secs() + 3600);
            let multipart = transfers.contains(&"multipart")
                && (size >= cfg.multipart_threshold || !transfers.contains(&"basic"));
            let upload = if multipart {
                any_multipart = true;
                let n = size.div_ceil(cfg.chunk_size).max(1);
                let mut header = serde_json::Map::new();
                header.insert("chunk_size".into(), json!(cfg.chunk_size.to_string()));
                for i in 1..=n {
                    header.insert(
                        i.to_string(),
                        json!(signed_url(
                            &ctx.shared,
                            &format!("/upload/{oid}/{size}/{}/part/{i}", cfg.chunk_size)
                        )),
                    );
                }
                json!({
                    "href": signed_url(&ctx.shared, &format!("/upload/{oid}/{size}/complete")),
                    "header": header,
                    "expires_at": expires_at,
                })
            } else {
                json!({
                    "href": signed_url(&ctx.shared, &format!("/upload/{oid}/{size}")),
                    "expires_at": expires_at,
                })
            };
            json!({
                "oid": oid,
                "size": size,
                "authenticated": true,
                "actions": {
                    "upload": upload,
                    "verify": {"href": verify_href, "expires_at": expires_at},
                },
            })
        })
        .collect();
    lfs_json(
        StatusCode::OK,
        &json!({
            "transfer": if any_multipart { "multipart" } else { "basic" },
            "objects": objects,
            "hash_algo": "sha256",
        }),
    )
}

/// `POST /{prefix}{repo}.git/info/lfs/objects/verify`
pub(crate) fn lfs_verify(ctx: &Ctx, kind: RepoType, id: &str) -> Response {
    if ctx.caller.token().is_none() {
        return error_response(401, None, "Authentication required");
    }
    let _repo = find_or_return!(ctx, kind, id);
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let oid = body["oid"].as_str().unwrap_or("");
    let size = body["size"].as_u64();
    match ctx.shared.blobs.size(&format!("lfs/{oid}")) {
        Some(s) if size.is_none_or(|x| x == s) => ok_json(json!({"message": "Object verified"})),
        Some(s) => error_response(
            422,
            None,
            &format!(
                "Size mismatch for {oid}: stored {s}, declared {}",
                size.unwrap_or(0)
            ),
        ),
        None => error_response(404, None, &format!("Object {oid} not found")),
    }
}

async fn verify_and_store(shared: &Arc<Shared>, oid: &str, size: u64, data: Bytes) -> Response {
    if !is_sha256(oid) {
        return error_response(400, None, "Invalid oid");
    }
    if data.len() as u64 != size {
        return error_response(
            400,
            None,
            &format!("Size mismatch: expected {size} bytes, got {}", data.len()),
        );
    }
    let d = data.clone();
    let actual = tokio::task::spawn_blocking(move || sha256_hex(&d))
        .await
        .unwrap_or_default();
    if actual != oid {
        return error_response(
            400,
            None,
            &format!("sha256 mismatch: expected {oid}, got {actual}"),
        );
    }
    let s = shared.clone();
    let key = format!("lfs/{oid}");
    match tokio::task::spawn_blocking(move || s.blobs.put(&key, data)).await {
        Ok(Ok(())) => ok_json(json!({})),
        Ok(Err(e)) => error_response(500, None, &format!("storage error: {e}")),
        Err(e) => error_response(500, None, &format!("storage error: {e}")),
    }
}

/// CDN `PUT /upload/{oid}/{size}` (basic transfer).
pub(crate) async fn store_lfs_object(
    shared: &Arc<Shared>,
    oid: &str,
    size: u64,
    data: Bytes,
) -> Response {
    verify_and_store(shared, oid, size, data).await
}

/// CDN `PUT /upload/{oid}/{size}/{chunk}/part/{n}`: streams the part into place and
/// answers an `ETag`; the part is hashed afterwards, in order, in the background.
pub(crate) async fn store_part(
    shared: &Arc<Shared>,
    oid: &str,
    size: u64,
    chunk: u64,
    n: &str,
    body: axum::body::Body,
) -> Response {
    use futures_util::StreamExt as _;
    let (true, Ok(number)) = (is_sha256(oid), n.parse::<u64>()) else {
        return error_response(400, None, "Invalid part");
    };
    let dir = shared.blobs.parts_dir().join(oid);
    let started = {
        let shared = shared.clone();
        let oid = oid.to_owned();
        tokio::task::spawn_blocking(move || shared.assemblies.part(dir, &oid, size, chunk, number))
            .await
    };
    let mut writer = match started {
        Ok(Ok(writer)) => writer,
        Ok(Err(refusal)) => return refusal_response(refusal),
        Err(e) => return error_response(500, None, &format!("could not store part: {e}")),
    };
    // The body is handed to a blocking writer through a short queue (bounded memory).
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let written = tokio::task::spawn_blocking(move || {
        while let Some(bytes) = rx.blocking_recv() {
            writer.write(&bytes)?;
        }
        writer.finish()
    });
    let mut stream = body.into_data_stream();
    while let Some(frame) = stream.next().await {
        // On a broken body the writer sees a short part and refuses it.
        let Ok(bytes) = frame else { break };
        if tx.send(bytes).await.is_err() {
            break;
        }
    }
    drop(tx);
    match written.await {
        Ok(Ok((etag, hash))) => {
            drop(tokio::task::spawn_blocking(move || hash.run()));
            let mut r = crate::respond::empty_body_response(StatusCode::OK);
            set_header(&mut r, "etag", &etag);
            r
        }
        Ok(Err(refusal)) => refusal_response(refusal),
        Err(e) => error_response(500, None, &format!("could not store part: {e}")),
    }
}

fn refusal_response(refusal: Refusal) -> Response {
    match refusal {
        Refusal::BadRequest(message) => error_response(400, None, &message),
        Refusal::Storage(e) => error_response(500, None, &format!("storage error: {e}")),
    }
}

/// CDN `POST /upload/{oid}/{size}/complete` with `{"oid","parts":[{"partNumber","etag"}]}`.
/// The parts were written in place and hashed as they came (`multipart`), so this checks
/// the listed ETags, the size and the SHA-256, then moves the object into storage.
pub(crate) async fn complete_multipart(
    shared: &Arc<Shared>,
    oid: &str,
    size: u64,
    body: Bytes,
) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error_response(400, None, &format!("Invalid JSON body: {e}")),
    };
    if !is_sha256(oid) {
        return error_response(400, None, "Invalid oid");
    }
    if v["oid"].as_str().is_some_and(|o| o != oid) {
        return error_response(400, None, "oid does not match the upload URL");
    }
    let parts: Vec<(u64, String)> = v["parts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p["partNumber"].as_u64().unwrap_or(0),
                p["etag"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    if parts.is_empty() {
        return error_response(400, None, "No parts given");
    }
    let shared = shared.clone();
    let oid = oid.to_owned();
    let joined = tokio::task::spawn_blocking(move || {
        let assembled = shared.assemblies.complete(&oid, size, &parts)?;
        shared.blobs.put_file(&format!("lfs/{oid}"), &assembled)?;
        let _ = std::fs::remove_dir_all(shared.blobs.parts_dir().join(&oid));
        Ok::<(), Refusal>(())
    })
    .await;
    match joined {
        Ok(Ok(())) => ok_json(json!({})),
        Ok(Err(refusal)) => refusal_response(refusal),
        Err(e) => error_response(500, None, &format!("storage error: {e}")),
    }
}

enum Op {
    File(String, Vec<u8>),
    Lfs(String, String, Option<u64>),
    Delete(String),
    DeleteFolder(String),
}

fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.split('/').any(|s| s.is_empty() || s == "." || s == "..")
        && !p.starts_with(".git/")
        && p != ".git"
}

/// `POST /api/{t}/{repo}/commit/{rev}[?create_pr=1]` with an NDJSON body.
pub(crate) async fn commit(ctx: &Ctx, kind: RepoType, id: &str, rev: &str) -> Response {
    let rev = if rev.is_empty() { "main" } else { rev };
    let create_pr = ctx.q_bool("create_pr");
    // Parse the body first (no lock held).
    let mut summary = String::new();
    let mut description = String::new();
    let mut parent_commit: Option<String> = None;
    let mut ops = Vec::new();
    let text = String::from_utf8_lossy(&ctx.body).into_owned();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                return error_response(400, None, &format!("Invalid NDJSON line {}: {e}", i + 1));
            }
        };
        let val = &v["value"];
        let path = val["path"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("./")
            .to_owned();
        match v["key"].as_str().unwrap_or("") {
            "header" => {
                summary = val["summary"].as_str().unwrap_or("").to_owned();
                description = val["description"].as_str().unwrap_or("").to_owned();
                parent_commit = val["parentCommit"].as_str().map(str::to_owned);
            }
            "file" => {
                let content = val["content"].as_str().unwrap_or("");
                let data = if val["encoding"].as_str().unwrap_or("base64") == "base64" {
                    match base64::engine::general_purpose::STANDARD.decode(content) {
                        Ok(d) => d,
                        Err(e) => {
                            return error_response(
                                400,
                                None,
                                &format!("Invalid base64 for {path}: {e}"),
                            );
                        }
                    }
                } else {
                    content.as_bytes().to_vec()
                };
                ops.push(Op::File(path, data));
            }
            "lfsFile" => {
                let oid = val["oid"].as_str().unwrap_or("").to_owned();
                if val["algo"].as_str().unwrap_or("sha256") != "sha256" || !is_sha256(&oid) {
                    return error_response(400, None, &format!("Invalid LFS oid for {path}"));
                }
                ops.push(Op::Lfs(path, oid, val["size"].as_u64()));
            }
            "deletedFile" => ops.push(Op::Delete(path)),
            "deletedFolder" => ops.push(Op::DeleteFolder(path.trim_end_matches('/').to_owned())),
            other => {
                return error_response(400, None, &format!("Unknown commit operation: {other}"));
            }
        }
    }
    for op in &ops {
        let p = match op {
            Op::File(p, _) | Op::Lfs(p, _, _) | Op::Delete(p) => p,
            Op::DeleteFolder(p) => p,
        };
        if !valid_path(p) {
            return error_response(400, None, &format!("Invalid path in repo: {p:?}"));
        }
    }
    if summary.trim().is_empty() {
        summary = "Update files".to_owned();
    }
    // Store regular blobs before taking the lock.
    let mut stored = Vec::new();
    for op in &ops {
        if let Op::File(_, data) = op {
            let e = Entry::regular(data, "");
            if let Err(e) = ctx
                .shared
                .blobs
                .put(&e.blob_key(), Bytes::from(data.clone()))
            {
                return error_response(500, None, &format!("storage error: {e}"));
            }
            stored.push(e);
        }
    }
    // LFS pointers whose bytes came through Xet: the CAS holds them under the Xet hash its
    // uploaded shards named for that sha256.
    let mut in_cas: std::collections::HashMap<String, (String, u64)> = Default::default();
    if let Some(cas) = ctx.shared.cas.get() {
        for op in &ops {
            if let Op::Lfs(_, oid, _) = op
                && !ctx.shared.blobs.contains(&format!("lfs/{oid}"))
                && let Some(xet) = cas.file_for_sha256(oid)
                && let Some(size) = cas.file_size(&xet).await
            {
                in_cas.insert(oid.clone(), (xet, size));
            }
        }
    }
    let user = ctx.user().unwrap_or("").to_owned();
    let mut db = match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let Some(repo) = db.repos.get_mut(&(kind, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    let (target, base) = if create_pr {
        let Some(base) = repo.resolve_rev(rev).map(|c| c.id.clone()) else {
            return revision_not_found(rev);
        };
        (None, base)
    } else {
        match repo.writable_ref(rev) {
            Some(r) => {
                let head = repo.get_ref(&r).cloned().unwrap_or_default();
                (Some(r), head)
            }
            None if repo.resolve_rev(rev).is_some() => {
                return error_response(
                    400,
                    None,
                    &format!(
                        "Invalid rev id: {rev} is not a branch; commits can only be pushed to branches or pull requests"
                    ),
                );
            }
            None => return revision_not_found(rev),
        }
    };
    if let Some(pc) = &parent_commit
        && (!base.starts_with(pc.as_str()) || pc.len() < 5)
    {
        return error_response(
            412,
            None,
            "A commit has happened since. Please refresh and try again.",
        );
    }
    let mut tree = repo
        .commits
        .get(&base)
        .map(|c| (*c.tree).clone())
        .unwrap_or_default();
    let mut changed = Vec::new();
    let mut regular = stored.into_iter();
    let mut readme_changed = false;
    for op in ops {
        match op {
            Op::File(p, _) => {
                let Some(e) = regular.next() else {
                    return error_response(500, None, "internal error");
                };
                readme_changed |= p == "README.md";
                tree.insert(p.clone(), e);
                changed.push(p);
            }
            Op::Lfs(p, oid, size) => {
                let (stored_size, xet) = match ctx.shared.blobs.size(&format!("lfs/{oid}")) {
                    Some(size) => (size, None),
                    None => match in_cas.get(&oid) {
                        Some((xet, size)) => (*size, Some(xet.clone())),
                        None => {
                            return error_response(
                                422,
                                None,
                                &format!(
                                    "LFS object {oid} for {p} was not uploaded (neither through LFS nor through Xet); upload it before committing"
                                ),
                            );
                        }
                    },
                };
                if size.is_some_and(|s| s != stored_size) {
                    return error_response(
                        422,
                        None,
                        &format!(
                            "Size mismatch for {p}: declared {}, uploaded {stored_size}",
                            size.unwrap_or(0)
                        ),
                    );
                }
                let entry = match &xet {
                    Some(xet) => Entry::xet(&oid, stored_size, xet, ""),
                    None => Entry::lfs(&oid, stored_size, ""),
                };
                tree.insert(p.clone(), entry);
                changed.push(p);
            }
            Op::Delete(p) => {
                if tree.remove(&p).is_none() {
                    let mut r = error_response(
                        404,
                        Some("EntryNotFound"),
                        &format!("Cannot delete {p}: entry not found"),
                    );
                    set_header(&mut r, "x-repo-commit", &base);
                    return r;
                }
            }
            Op::DeleteFolder(p) => {
                let prefix = format!("{p}/");
                let before = tree.len();
                tree.retain(|k, _| !k.starts_with(&prefix));
                if tree.len() == before {
                    let mut r = error_response(
                        404,
                        Some("EntryNotFound"),
                        &format!("Cannot delete folder {p}: not found"),
                    );
                    set_header(&mut r, "x-repo-commit", &base);
                    return r;
                }
            }
        }
    }
    let target = match target {
        Some(t) => t,
        None => {
            let num = open_discussion(
                repo,
                &summary,
                &description,
                &user,
                true,
                Some(base.clone()),
            );
            RefName::Pr(num)
        }
    };
    let oid = repo.add_commit(
        Some(&base),
        &summary,
        &description,
        &user,
        now_secs(),
        tree,
        &changed,
    );
    repo.set_ref(&target, &oid);
    if let RefName::Pr(n) = target {
        repo.record_pr_commit(n, &oid, &summary, &user);
    }
    if readme_changed
        && target == RefName::Branch("main".into())
        && let Some(data) = repo
            .commits
            .get(&oid)
            .and_then(|c| c.tree.get("README.md"))
            .and_then(|e| ctx.shared.blobs.get(&e.blob_key()))
    {
        let card = parse_card(&String::from_utf8_lossy(&data));
        if let Some(tag) = card.as_ref().and_then(|c| c["pipeline_tag"].as_str()) {
            repo.pipeline_tag = Some(tag.to_owned());
        }
        if let Some(lib) = card.as_ref().and_then(|c| c["library_name"].as_str()) {
            repo.library_name = Some(lib.to_owned());
        }
        repo.card_data = card;
    }
    let url = repo_url(ctx, kind, id);
    let mut v = json!({
        "success": true,
        "commitOid": oid,
        "commitUrl": format!("{url}/commit/{oid}"),
        "hookOutput": "",
    });
    if let RefName::Pr(n) = target
        && create_pr
    {
        v["pullRequestUrl"] = json!(format!("{url}/discussions/{n}"));
    }
    ok_json(v)
}

/// Backs `TestServer::commit_files`.
pub(crate) fn commit_files_direct(
    shared: &Shared,
    kind: RepoType,
    repo_id: &str,
    files: &[(&str, &[u8])],
) -> std::io::Result<String> {
    let mut db = shared
        .db
        .lock()
        .map_err(|_| std::io::Error::other("state lock poisoned"))?;
    let key = (kind, repo_id.to_owned());
    if !db.repos.contains_key(&key) {
        let now = now_secs();
        let mut repo = crate::model::Repo::new(kind, repo_id, now);
        repo.xet_enabled = shared.xet_by_default;
        let (entry, data) = crate::seed::gitattributes_entry("");
        shared.blobs.put(&entry.blob_key(), data)?;
        let mut tree = crate::model::Tree::new();
        tree.insert(".gitattributes".into(), entry);
        let ns = repo.namespace().to_owned();
        let c = repo.add_commit(
            None,
            "initial commit",
            "",
            &ns,
            now,
            tree,
            &[".gitattributes".to_owned()],
        );
        repo.branches.insert("main".into(), c);
        db.redirects.remove(&key);
        db.repos.insert(key.clone(), repo);
    }
    let Some(repo) = db.repos.get_mut(&key) else {
        return Err(std::io::Error::other("repo vanished"));
    };
    let Some(head) = repo.head().cloned() else {
        return Err(std::io::Error::other("repo has no main branch"));
    };
    let patterns = repo.lfs_patterns(&shared.blobs, &head);
    let mut tree = (*head.tree).clone();
    let mut changed = Vec::new();
    for (path, data) in files {
        let size = data.len() as u64;
        let lfs =
            size > 0 && (size >= TEN_MIB || patterns.iter().any(|p| gitattributes_match(p, path)));
        let entry = if lfs {
            let e = Entry::lfs(&sha256_hex(data), size, "");
            shared
                .blobs
                .put(&e.blob_key(), Bytes::copy_from_slice(data))?;
            e
        } else {
            let e = Entry::regular(data, "");
            shared
                .blobs
                .put(&e.blob_key(), Bytes::copy_from_slice(data))?;
            e
        };
        tree.insert((*path).to_owned(), entry);
        changed.push((*path).to_owned());
    }
    let author = repo.namespace().to_owned();
    let oid = repo.add_commit(
        Some(&head.id),
        "Add files (test helper)",
        "",
        &author,
        now_secs(),
        tree,
        &changed,
    );
    repo.branches.insert("main".into(), oid.clone());
    Ok(oid)
}
