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

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use xet_client::cas_client::{DirectAccessClient, LocalClient, LocalServer, MemoryClient};
use xet_client::cas_types::FileRange;
use xet_core_structures::merklehash::{MerkleHash, file_hash};
use xet_core_structures::metadata_shard::file_structs::{
    FileDataSequenceEntry, FileDataSequenceHeader, FileMetadataExt, MDBFileInfo,
};
use xet_core_structures::metadata_shard::shard_in_memory::MDBInMemoryShard;
use xet_core_structures::metadata_shard::streaming_shard::MDBMinimalShard;
use xet_core_structures::xorb_object::{CompressionScheme, RawXorbData, SerializedXorbObject};

use crate::Shared;
use crate::util::{error_response, now_secs, random_hex, set_header};

/// How long a Xet access token lives (the Hub's are about an hour).
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 3600;
/// Largest request body the front reads (a xorb is at most 64 MiB, a shard far less).
const MAX_BODY: usize = 80 * 1024 * 1024;

/// A Xet access token issued by `xet-read-token` / `xet-write-token`.
#[derive(Clone, Debug)]
pub(crate) struct XetGrant {
    pub(crate) write: bool,
    pub(crate) expires: u64,
}

/// The CAS and what the Hub knows about its content.
pub(crate) struct Cas {
    client: Arc<dyn DirectAccessClient>,
    /// `http://127.0.0.1:PORT` of the CAS itself (only the front talks to it).
    internal: String,
    http: reqwest::Client,
    /// Access tokens issued, by value.
    grants: Mutex<HashMap<String, XetGrant>>,
    /// sha256 (hex) of each file the CAS holds → its Xet hash, learned from uploaded shards.
    by_sha256: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for Cas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cas")
            .field("internal", &self.internal)
            .finish_non_exhaustive()
    }
}

impl Cas {
    /// Starts the CAS on an internal port: on disk under `dir`, or in memory.
    pub(crate) async fn start(dir: Option<&std::path::Path>) -> std::io::Result<Cas> {
        let io = |e: String| std::io::Error::other(e);
        let ctx = xet_runtime::core::XetContext::default().map_err(|e| io(e.to_string()))?;
        let (client, deletion): (Arc<dyn DirectAccessClient>, _) = match dir {
            Some(dir) => {
                let client = LocalClient::new(ctx, dir)
                    .await
                    .map_err(|e| io(e.to_string()))?;
                (client.clone(), Some(client as _))
            }
            None => {
                let client = MemoryClient::new(ctx);
                (client.clone(), Some(client as _))
            }
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let server = LocalServer::from_client(client.clone(), deletion, "127.0.0.1".into(), port);
        let (_keep, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            // The sender lives in this task, so the CAS serves until the runtime stops.
            let _keep = _keep;
            if let Err(e) = server.serve_until_stopped(listener, stop).await {
                tracing::error!("the CAS stopped: {e}");
            }
        });
        Ok(Cas {
            client,
            internal: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .map_err(|e| io(e.to_string()))?,
            grants: Mutex::new(HashMap::new()),
            by_sha256: Mutex::new(HashMap::new()),
        })
    }

    /// A new access token.
    pub(crate) fn issue(&self, write: bool) -> (String, u64) {
        let token = format!("xet_fake_{}", random_hex(24));
        let expires = now_secs() + TOKEN_LIFETIME_SECS;
        if let Ok(mut grants) = self.grants.lock() {
            grants.insert(token.clone(), XetGrant { write, expires });
        }
        (token, expires)
    }

    fn grant(&self, headers: &HeaderMap) -> Option<XetGrant> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let token = value.strip_prefix("Bearer ")?;
        let grant = self.grants.lock().ok()?.get(token).cloned()?;
        (grant.expires >= now_secs()).then_some(grant)
    }

    /// The Xet hash of the file whose sha256 is `sha256`, if an uploaded shard named it.
    pub(crate) fn file_for_sha256(&self, sha256: &str) -> Option<String> {
        self.by_sha256.lock().ok()?.get(sha256).cloned()
    }

    /// The size of a Xet file, if the CAS has it.
    pub(crate) async fn file_size(&self, xet_hash: &str) -> Option<u64> {
        let hash = MerkleHash::from_hex(xet_hash).ok()?;
        self.client.get_file_size(&hash).await.ok()
    }

    /// Records the files an uploaded shard describes (sha256 → Xet hash).
    fn learn_from_shard(&self, shard: &[u8]) -> Result<usize, String> {
        let parsed = MDBMinimalShard::from_reader(&mut std::io::Cursor::new(shard), true, false)
            .map_err(|e| format!("not a shard: {e}"))?;
        let mut learned = 0;
        let mut map = self.by_sha256.lock().map_err(|e| e.to_string())?;
        for i in 0..parsed.num_files() {
            let Some(file) = parsed.file(i) else { continue };
            // `hf_xet` writes the sha256 with `DataHash::from_hex`, so `hex()` gives it back
            // as the usual lowercase hex the commit's `lfsFile` oid carries.
            if let Some(ext) = file.metadata_ext() {
                map.insert(ext.sha256.hex(), file.file_hash().hex());
                learned += 1;
            }
        }
        Ok(learned)
    }

    /// Stores `data` in the CAS as one Xet file (fixed-size chunks, one xorb per 64 MiB) and
    /// returns its Xet hash. Used for seeded repos.
    pub(crate) async fn store(&self, data: &[u8]) -> Result<String, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        let chunks = crate::util::xet_chunks(data);
        let mut shard = MDBInMemoryShard::default();
        let mut segments = Vec::new();
        // 64 MiB of 64 KiB chunks per xorb, well under the format's limits.
        for group in chunks.chunks(1024) {
            let raw = RawXorbData::from_chunks(group, vec![0]);
            shard
                .add_xorb_block(raw.xorb_info.clone())
                .map_err(|x| e(&x))?;
            let bytes: usize = group.iter().map(|c| c.data.len()).sum();
            segments.push(FileDataSequenceEntry::new(
                raw.hash(),
                bytes,
                0,
                group.len(),
            ));
            let serialized = SerializedXorbObject::from_xorb_with_compression(
                raw,
                CompressionScheme::LZ4,
                false,
                0,
            )
            .map_err(|x| e(&x))?;
            let permit = self
                .client
                .acquire_upload_permit()
                .await
                .map_err(|x| e(&x))?;
            self.client
                .upload_xorb("default", serialized, None, permit)
                .await
                .map_err(|x| e(&x))?;
        }
        let sizes: Vec<(MerkleHash, u64)> = chunks
            .iter()
            .map(|c| (c.hash, c.data.len() as u64))
            .collect();
        let hash = file_hash(&sizes);
        // Written as `hf_xet` writes it (see `learn_from_shard`).
        let sha256 =
            xet_core_structures::metadata_shard::Sha256::from_hex(&crate::util::sha256_hex(data))
                .map_err(|x| e(&x))?;
        shard
            .add_file_reconstruction_info(MDBFileInfo {
                metadata: FileDataSequenceHeader::new(hash, segments.len(), false, true),
                segments,
                verification: vec![],
                metadata_ext: Some(FileMetadataExt::new(sha256)),
            })
            .map_err(|x| e(&x))?;
        let bytes = shard.to_bytes().map_err(|x| e(&x))?;
        self.learn_from_shard(&bytes)?;
        let permit = self
            .client
            .acquire_upload_permit()
            .await
            .map_err(|x| e(&x))?;
        self.client
            .upload_shard(bytes.into(), permit, None)
            .await
            .map_err(|x| e(&x))?;
        Ok(hash.hex())
    }
}

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
