//! Xet: Hugging Face's own CAS server (`xet-client`'s `LocalServer`, feature `simulation`)
//! as this Hub's content store, and the Hub's side of Xet around it.
//!
//! - The CAS runs in-process on an internal port. Clients reach it through the **CAS
//!   origin** (`TestServer::cas()`), a thin front that records requests, applies faults,
//!   checks the Xet access tokens this Hub issued (read for downloads, write for uploads),
//!   learns from every uploaded shard which sha256 belongs to which Xet file, and forwards
//!   the request unchanged (its `Host` too, so the CAS's presigned `fetch_term` URLs point back
//!   at the front). The protocol itself is the CAS's; nothing here reimplements it.
//! - Hub routes: `xet-read-token` / `xet-write-token`, the Xet headers on `resolve`, and the
//!   **bridge** on the CDN origin (`/xet/{hash}`): the bytes of a Xet file reconstructed from
//!   the CAS, with `Range`, for clients without Xet.

pub(crate) mod cas;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use xet_client::cas_types::FileRange;
use xet_core_structures::merklehash::MerkleHash;

pub(crate) use self::cas::Cas;
use crate::state::Shared;
use crate::util::{error_response, set_header};

/// Largest request body the front reads (a xorb is at most 64 MiB, a shard far less).
const MAX_BODY: usize = 80 * 1024 * 1024;

/// Whether a CAS route needs a token, and which.
enum Needs {
    Nothing,
    Read,
    Write,
}

fn needs(method: &Method, path: &str) -> Needs {
    // Presigned, like S3 URLs on the real service: the term itself is the credential.
    if path == "/v1/fetch_term"
        || path == "/health"
        || path.starts_with("/v1/get_xorb/")
        || path.starts_with("/simulation/xorb-uploads/")
    {
        return Needs::Nothing;
    }
    let writes = matches!(*method, Method::POST | Method::PUT)
        && [
            "/v1/xorbs/",
            "/v1/xorb-grants/",
            "/v1/xorb-commits/",
            "/v1/shards",
            "/v2/shards",
        ]
        .iter()
        .any(|p| path.starts_with(p));
    if writes { Needs::Write } else { Needs::Read }
}

/// Entry point for every request on the CAS origin.
pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let Some(cas) = shared.cas.get() else {
        return error_response(503, None, "the CAS is not running");
    };
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    if path.starts_with("/simulation/") && !path.starts_with("/simulation/xorb-uploads/") {
        return error_response(404, None, "Not found");
    }
    let grant = cas.grant(&parts.headers);
    match (needs(&parts.method, &path), &grant) {
        (Needs::Nothing, _) => {}
        (_, None) => return error_response(401, None, "Invalid or expired Xet access token"),
        (Needs::Write, Some(g)) if !g.write => {
            return error_response(403, None, "This Xet access token may not write");
        }
        _ => {}
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return error_response(413, None, &format!("could not read body: {e}")),
    };
    if parts.method == Method::POST
        && (path == "/v1/shards" || path == "/v2/shards")
        && let Err(e) = cas.learn_from_shard(&body)
    {
        return error_response(400, None, &format!("invalid shard: {e}"));
    }
    let target = format!(
        "{}{}",
        cas.internal,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut forward = cas.http.request(parts.method.clone(), target).body(body);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
            forward = forward.header(name, value);
        }
    }
    let answer = match forward.send().await {
        Ok(a) => a,
        Err(e) => return error_response(502, None, &format!("the CAS did not answer: {e}")),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => return error_response(502, None, &format!("the CAS answer broke off: {e}")),
    };
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    for (name, value) in &headers {
        if name != header::CONTENT_LENGTH
            && name != header::TRANSFER_ENCODING
            && name != header::CONNECTION
        {
            resp.headers_mut().append(name, value.clone());
        }
    }
    resp
}

/// `GET|HEAD /xet/{hash}` on the CDN origin (signed URL checked by the caller): the file's
/// bytes reconstructed from the CAS, with `Range` (206/416).
pub(crate) async fn bridge(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    xet_hash: &str,
) -> Response {
    let Some(cas) = shared.cas.get() else {
        return error_response(503, None, "the CAS is not running");
    };
    let Ok(hash) = MerkleHash::from_hex(xet_hash) else {
        return error_response(404, None, "NoSuchKey: The specified key does not exist.");
    };
    let Ok(len) = cas.client.get_file_size(&hash).await else {
        return error_response(404, None, "NoSuchKey: The specified key does not exist.");
    };
    let mut resp = Response::new(Body::empty());
    set_header(&mut resp, "accept-ranges", "bytes");
    set_header(&mut resp, "content-type", "application/octet-stream");
    set_header(&mut resp, "etag", &format!("\"{xet_hash}\""));
    let (status, start, end) = match crate::respond::parse_range(headers, len) {
        crate::respond::RangeReq::Full => (StatusCode::OK, 0, len),
        crate::respond::RangeReq::Part(a, b) => {
            if *method == Method::GET {
                set_header(&mut resp, "content-range", &format!("bytes {a}-{b}/{len}"));
                (StatusCode::PARTIAL_CONTENT, a, b + 1)
            } else {
                (StatusCode::OK, 0, len)
            }
        }
        crate::respond::RangeReq::Unsatisfiable => {
            let mut r = error_response(416, None, "Requested Range Not Satisfiable");
            set_header(&mut r, "content-range", &format!("bytes */{len}"));
            return r;
        }
    };
    *resp.status_mut() = status;
    set_header(&mut resp, "content-length", &(end - start).to_string());
    if *method == Method::GET && end > start {
        match cas
            .client
            .get_file_data(&hash, Some(FileRange::new(start, end)))
            .await
        {
            Ok(bytes) => *resp.body_mut() = Body::from(bytes),
            Err(e) => {
                return error_response(
                    500,
                    None,
                    &format!("could not reconstruct {xet_hash}: {e}"),
                );
            }
        }
    }
    resp
}

/// `GET /api/{t}s/{repo}/xet-read-token/{rev}` and `.../xet-write-token/{rev}`: a CAS access
/// token for a caller who may download (read) or push to (write) the repo, as JSON
/// (`accessToken`, `exp`, `casUrl`, what `hf_xet` reads) and as the `X-Xet-*` headers (what
/// `huggingface_hub` reads).
pub(crate) fn token(
    ctx: &crate::respond::Ctx,
    kind: crate::model::RepoType,
    id: &str,
    write: bool,
) -> Response {
    let Some(cas) = ctx.shared.cas.get() else {
        return error_response(503, None, "the CAS is not running");
    };
    if write {
        if let Err(r) = crate::respond::writable(ctx, kind, id) {
            return r;
        }
    } else {
        let repo = crate::respond::find_or_return!(ctx, kind, id);
        if !ctx.db().can_download(&ctx.caller, &repo) {
            return crate::respond::gated_error(&repo);
        }
    }
    let (token, exp) = cas.issue(write);
    let mut resp = crate::util::ok_json(serde_json::json!({
        "accessToken": token,
        "exp": exp,
        "casUrl": ctx.shared.cas_url,
    }));
    set_header(&mut resp, "x-xet-cas-url", &ctx.shared.cas_url);
    set_header(&mut resp, "x-xet-access-token", &token);
    set_header(&mut resp, "x-xet-token-expiration", &exp.to_string());
    resp
}
