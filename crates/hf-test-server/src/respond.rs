//! The ground floor of the Hub origin: the request context every handler gets and the
//! answers they share (errors shaped as the Hub's, repo lookup, signed CDN URLs, listing
//! links, entries). Handlers (`hub`, `files`, `upload`, `inference`) stand on it; the router
//! (`router`) stands on them. Nothing here imports a handler.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::model::{Caller, Db, Discussion, Entry, EventData, Repo, RepoType};
use crate::state::Shared;
use crate::util::{
    error_response, iso8601, now_secs, pct_encode, set_header, sha256_hex, text_response,
};

/// Everything a handler needs about the request.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) shared: Arc<Shared>,
    pub(crate) method: Method,
    /// Raw (still percent-encoded) path.
    pub(crate) path: String,
    pub(crate) raw_query: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) caller: Caller,
    pub(crate) body: Bytes,
}

impl Ctx {
    pub(crate) fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn q_all(&self, key: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == key || k.strip_suffix("[]") == Some(key))
            .flat_map(|(_, v)| v.split(',').map(str::to_owned).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect()
    }
    pub(crate) fn q_bool(&self, key: &str) -> bool {
        self.q(key)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    }
    pub(crate) fn json_body(&self) -> Result<Value, Response> {
        if self.body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| error_response(400, None, &format!("Invalid JSON body: {e}")))
    }
    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Db> {
        match self.shared.db.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }
    pub(crate) fn user(&self) -> Option<&str> {
        self.caller.token().map(|t| t.user.as_str())
    }
}

pub(crate) const INVALID_CREDENTIALS: &str = "Invalid credentials in Authorization header";

pub(crate) fn caller_from(headers: &HeaderMap, db: &Db) -> Caller {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Caller::Anonymous;
    };
    let v = v.to_str().unwrap_or("").trim();
    let tok = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))
        .unwrap_or(v)
        .trim();
    match db.tokens.get(tok) {
        Some(t) if !t.expired => Caller::Token(t.clone()),
        _ => Caller::Invalid,
    }
}

pub(crate) fn invalid_credentials() -> Response {
    let mut r = error_response(401, None, INVALID_CREDENTIALS);
    set_header(
        &mut r,
        "www-authenticate",
        "Bearer realm=\"Authentication required\", charset=\"UTF-8\"",
    );
    r
}

pub(crate) fn repo_not_found(caller: &Caller) -> Response {
    let status = if matches!(caller, Caller::Anonymous) {
        401
    } else {
        404
    };
    error_response(status, Some("RepoNotFound"), "Repository not found")
}

pub(crate) fn revision_not_found(rev: &str) -> Response {
    error_response(
        404,
        Some("RevisionNotFound"),
        &format!("Invalid rev id: {rev}"),
    )
}

pub(crate) fn forbidden(msg: &str) -> Response {
    error_response(403, None, msg)
}

pub(crate) fn gated_error(repo: &Repo) -> Response {
    error_response(
        403,
        Some("GatedRepo"),
        &format!(
            "Access to {} {} is restricted. You must have access to it and be authenticated to access it. Please log in.",
            repo.kind.singular(),
            repo.id
        ),
    )
}

/// A 307 to the new name of a renamed repo, keeping the rest of the path and the query.
fn redirect(ctx: &Ctx, old: &str, new: &str) -> Response {
    let old_enc = old.to_owned();
    let location = ctx
        .path
        .replacen(&format!("/{old_enc}"), &format!("/{new}"), 1);
    let location = if ctx.raw_query.is_empty() {
        location
    } else {
        format!("{location}?{}", ctx.raw_query)
    };
    let mut r = text_response(
        307,
        &format!("Temporary Redirect. Redirecting to {location}"),
    );
    *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    set_header(&mut r, "location", &location);
    r
}

pub(crate) enum Found {
    Repo(Box<Repo>),
    Redirect(Response),
    Error(Response),
}

/// Looks up a repo the caller may see (or a redirect).
pub(crate) fn find(ctx: &Ctx, kind: RepoType, id: &str) -> Found {
    let db = ctx.db();
    match db.repos.get(&(kind, id.to_owned())) {
        Some(r) if db.can_read(&ctx.caller, r) => Found::Repo(Box::new(r.clone())),
        Some(_) => Found::Error(repo_not_found(&ctx.caller)),
        None => match db.redirects.get(&(kind, id.to_owned())) {
            Some(new) => Found::Redirect(redirect(ctx, id, new)),
            None => Found::Error(repo_not_found(&ctx.caller)),
        },
    }
}

macro_rules! find_or_return {
    ($ctx:expr, $kind:expr, $id:expr) => {
        match $crate::respond::find($ctx, $kind, $id) {
            $crate::respond::Found::Repo(r) => *r,
            $crate::respond::Found::Redirect(r) | $crate::respond::Found::Error(r) => return r,
        }
    };
}

pub(crate) use find_or_return;

pub(crate) fn repo_url(ctx: &Ctx, kind: RepoType, id: &str) -> String {
    format!("{}/{}{}", ctx.shared.endpoint, kind.prefix(), id)
}

/// `<{endpoint}{path}?{query with cursor=next}>; rel="next"`
pub(crate) fn next_link(ctx: &Ctx, cursor: usize) -> String {
    let mut q: Vec<String> = ctx
        .query
        .iter()
        .filter(|(k, _)| k != "cursor" && k != "p")
        .map(|(k, v)| format!("{}={}", pct_encode(k, false), pct_encode(v, false)))
        .collect();
    q.push(format!("cursor={cursor}"));
    format!(
        "<{}{}?{}>; rel=\"next\"",
        ctx.shared.endpoint,
        ctx.path,
        q.join("&")
    )
}

/// Loads a repo for writing: visible + write permission. Returns the lock.
pub(crate) fn writable<'a>(
    ctx: &'a Ctx,
    kind: RepoType,
    id: &str,
) -> Result<std::sync::MutexGuard<'a, Db>, Response> {
    let db = ctx.db();
    match db.repos.get(&(kind, id.to_owned())) {
        Some(r) if db.can_read(&ctx.caller, r) => {}
        Some(_) => return Err(repo_not_found(&ctx.caller)),
        None => {
            return Err(match db.redirects.get(&(kind, id.to_owned())) {
                Some(new) => redirect(ctx, id, new),
                None => repo_not_found(&ctx.caller),
            });
        }
    }
    if let Err(msg) = db.check_write(&ctx.caller, kind, id) {
        return Err(forbidden(&msg));
    }
    Ok(db)
}

/// Opens a discussion or PR (a draft until a commit lands on it); a PR gets `refs/pr/N` at `base`.
pub(crate) fn open_discussion(
    repo: &mut Repo,
    title: &str,
    description: &str,
    author: &str,
    is_pr: bool,
    base: Option<String>,
) -> u64 {
    let num = repo.discussions.len() as u64 + 1;
    let base = if is_pr {
        base.or_else(|| repo.branches.get("main").cloned())
    } else {
        None
    };
    let mut d = Discussion {
        num,
        title: title.to_owned(),
        author: author.to_owned(),
        is_pr,
        created: now_secs(),
        status: if is_pr { "draft" } else { "open" },
        base: base.clone(),
        merge_commit: None,
        events: Vec::new(),
    };
    d.push_event(
        &repo.id,
        author,
        EventData::Comment {
            raw: description.to_owned(),
            edits: 0,
            hidden: false,
        },
    );
    repo.discussions.push(d);
    if let Some(b) = base {
        repo.prs.insert(num, b);
    }
    num
}

/// A regular-file entry's content type by extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "json" => "application/json",
        "md" | "txt" | "csv" | "gitattributes" | "yaml" | "yml" | "py" => {
            "text/plain; charset=utf-8"
        }
        _ => "application/octet-stream",
    }
}

/// Builds the JSON of a tree entry.
pub(crate) fn entry_json(
    path: &str,
    e: &Entry,
    expand: bool,
    last_commit: Option<&crate::model::Commit>,
) -> Value {
    let mut v = json!({"type": "file", "oid": e.oid, "size": e.size, "path": path});
    if let Some(sha) = &e.lfs {
        v["lfs"] = json!({"oid": sha, "size": e.size, "pointerSize": e.pointer_size});
    }
    if let Some(xet) = &e.xet {
        v["xetHash"] = json!(xet);
    }
    if expand {
        if let Some(c) = last_commit {
            v["lastCommit"] = json!({"id": c.id, "title": c.title, "date": iso8601(c.date)});
        }
        v["securityFileStatus"] = json!({
            "status": "safe",
            "avScan": {"virusFound": false, "virusNames": null},
            "pickleImportScan": null,
            "jFrogScan": null,
        });
    }
    v
}

pub(crate) fn empty_body_response(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// Signature of a CDN path: `sha256(secret + path + expires)`.
pub(crate) fn sign(shared: &Shared, path: &str, expires: u64) -> String {
    sha256_hex(format!("{}{path}{expires}", shared.secret).as_bytes())
}

/// An absolute signed URL on the CDN, valid for an hour.
pub(crate) fn signed_url(shared: &Shared, path: &str) -> String {
    let expires = now_secs() + 3600;
    format!(
        "{}{path}?expires={expires}&sig={}",
        shared.cdn,
        sign(shared, path, expires)
    )
}

/// A `Range` request header, judged against a length (one range; others ignored).
pub(crate) enum RangeReq {
    Full,
    Part(u64, u64),
    Unsatisfiable,
}

pub(crate) fn parse_range(headers: &HeaderMap, len: u64) -> RangeReq {
    let Some(r) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return RangeReq::Full;
    };
    let Some(spec) = r.trim().strip_prefix("bytes=") else {
        return RangeReq::Full;
    };
    let spec = spec.split(',').next().unwrap_or("").trim();
    let Some((a, b)) = spec.split_once('-') else {
        return RangeReq::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else {
            return RangeReq::Full;
        };
        if n == 0 || len == 0 {
            return RangeReq::Unsatisfiable;
        }
        return RangeReq::Part(len.saturating_sub(n), len - 1);
    }
    let Ok(start) = a.parse::<u64>() else {
        return RangeReq::Full;
    };
    let end = if b.is_empty() {
        len.saturating_sub(1)
    } else {
        match b.parse::<u64>() {
            Ok(e) => e.min(len.saturating_sub(1)),
            Err(_) => return RangeReq::Full,
        }
    };
    if start >= len || start > end {
        return RangeReq::Unsatisfiable;
    }
    RangeReq::Part(start, end)
}
