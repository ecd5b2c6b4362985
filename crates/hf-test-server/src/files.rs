//! File routes: resolve (Hub), tree / paths-info listings, and the CDN origin.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::blobs::Blob;
use crate::model::RepoType;
use crate::respond::{
    Ctx, RangeReq, content_type, entry_json, find_or_return, gated_error, next_link, parse_range,
    revision_not_found, sign, signed_url,
};
use crate::state::Shared;
use crate::util::{error_response, now_secs, ok_json, parse_query, set_header};

pub(crate) fn check_sig(
    shared: &Shared,
    path: &str,
    query: &[(String, String)],
) -> Result<(), Response> {
    let get = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    let (Some(expires), Some(sig)) = (get("expires"), get("sig")) else {
        return Err(error_response(403, None, "Missing signature"));
    };
    let Ok(exp) = expires.parse::<u64>() else {
        return Err(error_response(403, None, "Invalid expiry"));
    };
    if exp < now_secs() {
        return Err(error_response(403, None, "Request has expired"));
    }
    if sign(shared, path, exp) != sig {
        return Err(error_response(403, None, "Signature does not match"));
    }
    Ok(())
}

/// Serves a blob with `Content-Length`, `Accept-Ranges`, `Range` (206/416); HEAD without body.
pub(crate) fn serve_blob(
    method: &Method,
    headers: &HeaderMap,
    blob: Blob,
    mut resp: Response,
) -> Response {
    let len = blob.len();
    set_header(&mut resp, "accept-ranges", "bytes");
    let range = if *method == Method::GET {
        parse_range(headers, len)
    } else {
        RangeReq::Full
    };
    let (status, start, end) = match range {
        RangeReq::Full => (StatusCode::OK, 0, len),
        RangeReq::Part(a, b) => {
            set_header(&mut resp, "content-range", &format!("bytes {a}-{b}/{len}"));
            (StatusCode::PARTIAL_CONTENT, a, b + 1)
        }
        RangeReq::Unsatisfiable => {
            let mut r = error_response(416, None, "Requested Range Not Satisfiable");
            set_header(&mut r, "content-range", &format!("bytes */{len}"));
            return r;
        }
    };
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    if *method != Method::HEAD {
        *resp.body_mut() = match blob {
            Blob::Memory(data) => Body::from(data.slice(start as usize..end as usize)),
            Blob::File { path, .. } => file_body(path, start, end),
        };
    }
    resp
}

/// Bytes `start..end` of a file, read in chunks by a blocking task as the client takes them
/// (a bounded queue: memory stays flat whatever the size).
fn file_body(path: PathBuf, start: u64, end: u64) -> Body {
    const CHUNK: u64 = 512 * 1024;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        use std::io::{Read as _, Seek as _};
        let opened = std::fs::File::open(&path).and_then(|mut file| {
            file.seek(std::io::SeekFrom::Start(start))?;
            Ok(file)
        });
        let mut file = match opened {
            Ok(file) => file,
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        };
        let mut pos = start;
        while pos < end {
            let mut buf = vec![0u8; (end - pos).min(CHUNK) as usize];
            let item = file.read_exact(&mut buf).map(|()| Bytes::from(buf));
            let failed = item.is_err();
            pos += CHUNK;
            // A send error means the client went away.
            if tx.blocking_send(item).is_err() || failed {
                return;
            }
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// `GET|HEAD /{prefix}{repo}/resolve/{rev}/{path}`
pub(crate) fn resolve(ctx: &Ctx, kind: RepoType, id: &str, rev: &str, path: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    if !ctx.db().can_download(&ctx.caller, &repo) {
        return gated_error(&repo);
    }
    let Some(commit) = repo.resolve_rev(rev) else {
        return revision_not_found(rev);
    };
    let Some(entry) = commit.tree.get(path) else {
        let mut r = error_response(404, Some("EntryNotFound"), "Entry not found");
        set_header(&mut r, "x-repo-commit", &commit.id);
        return r;
    };
    let mut resp = Response::new(Body::empty());
    set_header(&mut resp, "x-repo-commit", &commit.id);
    set_header(&mut resp, "etag", &format!("\"{}\"", entry.oid));
    if let Some(sha) = &entry.lfs {
        // A Xet file: its hash and where to get a CAS token, as the Hub sends them; clients
        // without Xet follow the redirect to the bridge, which reconstructs the bytes.
        let location = match &entry.xet {
            Some(xet) => {
                set_header(&mut resp, "x-xet-hash", xet);
                let refresh = format!(
                    "{}/api/{}s/{}/xet-read-token/{}",
                    ctx.shared.endpoint,
                    kind.singular(),
                    repo.id,
                    commit.id
                );
                set_header(&mut resp, "link", &format!("<{refresh}>; rel=\"xet-auth\""));
                signed_url(&ctx.shared, &format!("/xet/{xet}"))
            }
            None => signed_url(&ctx.shared, &format!("/lfs/{sha}")),
        };
        *resp.status_mut() = StatusCode::FOUND;
        set_header(&mut resp, "location", &location);
        set_header(&mut resp, "x-linked-etag", &format!("\"{sha}\""));
        set_header(&mut resp, "x-linked-size", &entry.size.to_string());
        set_header(&mut resp, "content-length", "0");
        return resp;
    }
    let Some(blob) = ctx.shared.blobs.open(&entry.blob_key()) else {
        return error_response(500, None, "blob missing from storage");
    };
    set_header(&mut resp, "content-type", content_type(path));
    serve_blob(&ctx.method, &ctx.headers, blob, resp)
}

/// `GET /api/{t}/{repo}/tree/{rev}[/{path}]`
pub(crate) fn tree(ctx: &Ctx, kind: RepoType, id: &str, rev: &str, path: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let Some(commit) = repo.resolve_rev(rev) else {
        return revision_not_found(rev);
    };
    let recursive = ctx.q_bool("recursive");
    let expand = ctx.q_bool("expand");
    let base = path.trim_matches('/');
    let prefix = if base.is_empty() {
        String::new()
    } else {
        format!("{base}/")
    };
    if !base.is_empty() && !commit.tree.keys().any(|p| p.starts_with(&prefix)) {
        let mut r = error_response(
            404,
            Some("EntryNotFound"),
            &format!("Entry not found: {base}"),
        );
        set_header(&mut r, "x-repo-commit", &commit.id);
        return r;
    }
    // Collect files and directories below `prefix`.
    let mut items: BTreeMap<String, Option<&crate::model::Entry>> = BTreeMap::new();
    for (p, e) in commit.tree.iter() {
        let Some(rel) = p.strip_prefix(&prefix) else {
            continue;
        };
        let parts: Vec<&str> = rel.split('/').collect();
        let depth = if recursive { parts.len() } else { 1 };
        for d in 1..parts.len().min(depth + 1) {
            if d < parts.len() {
                items
                    .entry(format!("{prefix}{}", parts[..d].join("/")))
                    .or_insert(None);
            }
        }
        if parts.len() == 1 || recursive {
            items.insert(p.clone(), Some(e));
        }
    }
    // Directories first at each level is not required; keep path order.
    let page = if expand { 50 } else { 1000 };
    let start: usize = ctx.q("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let total = items.len();
    let out: Vec<Value> = items
        .iter()
        .skip(start)
        .take(page)
        .map(|(p, e)| match e {
            Some(e) => {
                let lc = repo.commits.get(&e.last_commit);
                entry_json(p, e, expand, lc)
            }
            None => dir_json(p, &commit.tree),
        })
        .collect();
    let mut resp = ok_json(Value::Array(out));
    if start + page < total {
        set_header(&mut resp, "link", &next_link(ctx, start + page));
    }
    resp
}

fn dir_json(path: &str, tree: &crate::model::Tree) -> Value {
    let prefix = format!("{path}/");
    let mut material = String::new();
    for (p, e) in tree.range(prefix.clone()..) {
        if !p.starts_with(&prefix) {
            break;
        }
        material.push_str(&e.oid);
        material.push_str(p);
    }
    json!({
        "type": "directory",
        "oid": crate::util::sha1_hex(material.as_bytes()),
        "size": 0,
        "path": path,
    })
}

/// `POST /api/{t}/{repo}/paths-info/{rev}` with a form (or JSON) body.
pub(crate) fn paths_info(ctx: &Ctx, kind: RepoType, id: &str, rev: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let rev = if rev.is_empty() { "main" } else { rev };
    let Some(commit) = repo.resolve_rev(rev) else {
        return revision_not_found(rev);
    };
    let (paths, expand) = if ctx.body.first() == Some(&b'{') {
        let v: Value = serde_json::from_slice(&ctx.body).unwrap_or(json!({}));
        let paths = v["paths"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        (paths, v["expand"].as_bool().unwrap_or(false))
    } else {
        let form = parse_query(&String::from_utf8_lossy(&ctx.body));
        let paths: Vec<String> = form
            .iter()
            .filter(|(k, _)| k == "paths" || k == "paths[]")
            .map(|(_, v)| v.clone())
            .collect();
        let expand = form
            .iter()
            .any(|(k, v)| k == "expand" && (v == "true" || v == "True" || v == "1"));
        (paths, expand)
    };
    let mut out = Vec::new();
    for p in paths {
        let p = p.trim_matches('/').to_owned();
        if let Some(e) = commit.tree.get(&p) {
            out.push(entry_json(&p, e, expand, repo.commits.get(&e.last_commit)));
        } else if commit.tree.keys().any(|k| k.starts_with(&format!("{p}/"))) {
            out.push(dir_json(&p, &commit.tree));
        }
    }
    ok_json(Value::Array(out))
}
