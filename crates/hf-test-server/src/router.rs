//! The top floor: routes each request of the Hub and CDN origins (the CAS origin is
//! `xet::dispatch`) to its handler (repo ids
//! may or may not contain a `/`, so routing is by hand). Handlers never route to each other.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::Response;

use crate::model::{Caller, Db, RepoType};
use crate::respond::{Ctx, caller_from, invalid_credentials};
use crate::state::Shared;
use crate::util::{error_response, ok_json, parse_query, pct_decode, set_header, text_response};
use crate::{
    collections, credentials, discussions, endpoints, files, hub, inference, papers, spaces,
    upload, webhooks, xet,
};
use serde_json::json;

/// Words that follow a repo id in `/api/{t}/{repo}/...`.
const REPO_ACTIONS: &[&str] = &[
    "revision",
    "tree",
    "paths-info",
    "preupload",
    "commit",
    "branch",
    "tag",
    "refs",
    "commits",
    "discussions",
    "settings",
    "auth-check",
    "xet-read-token",
    "xet-write-token",
    "lfs-files",
    "super-squash",
    "duplicate",
    "variables",
    "runtime",
    "leaderboard",
    "secrets",
    "pause",
    "restart",
    "hardware",
    "sleeptime",
    "dev-mode",
    "logs",
];

/// Entry point for every request on the Hub origin.
pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return error_response(400, None, &format!("could not read body: {e}")),
    };
    let caller = {
        let db = match shared.db.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        caller_from(&parts.headers, &db)
    };
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let ctx = Ctx {
        shared,
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parse_query(&raw_query),
        raw_query,
        headers: parts.headers,
        caller,
        body,
    };
    let segs: Vec<String> = ctx
        .path
        .trim_start_matches('/')
        .split('/')
        .map(pct_decode)
        .collect();
    if segs.first().map(String::as_str) == Some("_admin")
        && segs.get(1).map(String::as_str) == Some("space-stage")
    {
        return spaces::admin(&ctx);
    }
    if segs.first().map(String::as_str) == Some("_admin")
        && segs.get(1).map(String::as_str) == Some("endpoint-state")
    {
        return endpoints::admin(&ctx);
    }
    if segs.first().map(String::as_str) == Some("_admin")
        && segs.get(1).map(String::as_str) == Some("tokens")
        && ctx.method == Method::POST
    {
        return credentials::mint(&ctx);
    }
    if segs.first().map(String::as_str) == Some("_admin") {
        return hub::admin(&ctx, &segs[1..]);
    }
    if matches!(ctx.caller, Caller::Invalid) {
        return invalid_credentials();
    }
    let first = segs.first().map(String::as_str).unwrap_or("");
    match first {
        "api" => api(&ctx, &segs[1..]).await,
        "v1" | "hf-inference" => inference::dispatch(&ctx, &segs).await,
        "uploads" => discussions::attachment(&ctx, &segs),
        // The Inference Endpoints API and catalog, served on this origin (see the start-up line).
        "_endpoints" if segs.get(1).map(String::as_str) == Some("v2") => {
            endpoints::api(&ctx, &segs[2..])
        }
        "_catalog" if segs.get(1..4) == Some(&["api".into(), "v1".into(), "catalog".into()]) => {
            endpoints::catalog(&ctx, &segs[4..])
        }
        "papers" if segs.len() == 2 && segs[1].ends_with(".md") && ctx.method == Method::GET => {
            papers::markdown(segs[1].trim_end_matches(".md"))
        }
        // The Dataset Viewer's route, served on this origin (point HF_DATASET_VIEWER_URL here).
        "parquet" if segs.len() == 1 && ctx.method == Method::GET => hub::viewer_parquet(&ctx),
        "" => text_response(200, "hf-test-server"),
        _ => web(&ctx, &segs).await,
    }
}

/// Splits `segs` (after the type) into a repo id and the rest.
fn split_repo(db: &Db, kind: RepoType, segs: &[String]) -> (String, usize) {
    if segs.len() >= 2 {
        let two = format!("{}/{}", segs[0], segs[1]);
        let key = (kind, two.clone());
        if db.repos.contains_key(&key) || db.redirects.contains_key(&key) {
            return (two, 2);
        }
        let one = (kind, segs[0].clone());
        if (db.repos.contains_key(&one) || db.redirects.contains_key(&one))
            && REPO_ACTIONS.contains(&segs[1].as_str())
        {
            return (segs[0].clone(), 1);
        }
        if REPO_ACTIONS.contains(&segs[1].as_str()) && segs.len() == 2 {
            return (segs[0].clone(), 1);
        }
        return (two, 2);
    }
    (segs.first().cloned().unwrap_or_default(), 1)
}

/// `/api/...`
async fn api(ctx: &Ctx, segs: &[String]) -> Response {
    let first = segs.first().map(String::as_str).unwrap_or("");
    match (first, &ctx.method) {
        ("whoami-v2" | "whoami", &Method::GET) => match ctx.caller.token() {
            Some(t) => ok_json(ctx.db().whoami(t)),
            None => error_response(401, None, "Invalid username or password."),
        },
        ("validate-yaml", &Method::POST) => ok_json(json!({})),
        ("credentials", &Method::POST) if segs.get(1).map(String::as_str) == Some("revoke") => {
            credentials::revoke(ctx)
        }
        ("agent-harnesses", _) => ok_json(json!({"standardEnvVars": [], "harnesses": {}})),
        ("repos", _) => hub::repos_admin(ctx, segs.get(1).map(String::as_str).unwrap_or("")),
        ("collections", _) => collections::route(ctx, &segs[1..]),
        ("papers", &Method::GET) if segs.len() == 2 && segs[1] == "search" => papers::search(ctx),
        ("papers", &Method::GET) if segs.len() == 2 => papers::info(&segs[1]),
        ("daily_papers", &Method::GET) if segs.len() == 1 => papers::daily(ctx),
        ("settings", _) if segs.get(1).map(String::as_str) == Some("webhooks") => {
            webhooks::route(ctx, &segs[2..])
        }
        ("spaces", &Method::GET) if segs.len() == 2 && segs[1] == "templates" => {
            hub::space_templates(ctx)
        }
        ("spaces", &Method::GET) if segs.len() == 2 && segs[1] == "hardware" => spaces::hardware(),
        ("spaces", &Method::GET) if segs.len() == 2 && segs[1] == "semantic-search" => {
            spaces::search(ctx)
        }
        ("settings", &Method::GET) if segs.get(1).map(String::as_str) == Some("repositories") => {
            hub::namespace_repositories(ctx, None)
        }
        ("organizations", &Method::GET)
            if segs.len() == 4 && segs[2] == "settings" && segs[3] == "repositories" =>
        {
            hub::namespace_repositories(ctx, Some(&segs[1]))
        }
        _ => {
            let Some(kind) = RepoType::from_plural(first) else {
                return error_response(404, None, &format!("Not found: /api/{first}"));
            };
            if segs.len() == 1 || (segs.len() == 2 && segs[1].is_empty()) {
                return hub::listing(ctx, kind);
            }
            let (id, used) = {
                let db = ctx.db();
                split_repo(&db, kind, &segs[1..])
            };
            let rest: Vec<String> = segs[1 + used..].to_vec();
            repo_api(ctx, kind, &id, &rest).await
        }
    }
}

async fn repo_api(ctx: &Ctx, kind: RepoType, id: &str, rest: &[String]) -> Response {
    let action = rest.first().map(String::as_str).unwrap_or("");
    let tail = if rest.len() > 1 {
        rest[1..].join("/")
    } else {
        String::new()
    };
    let m = &ctx.method;
    match (action, m) {
        ("", &Method::GET | &Method::HEAD) => hub::repo_info(ctx, kind, id, None),
        ("revision", &Method::GET | &Method::HEAD) => hub::repo_info(ctx, kind, id, Some(&tail)),
        ("tree", &Method::GET) => {
            let rev = rest.get(1).cloned().unwrap_or_else(|| "main".to_owned());
            let path = if rest.len() > 2 {
                rest[2..].join("/")
            } else {
                String::new()
            };
            files::tree(ctx, kind, id, &rev, &path)
        }
        ("paths-info", &Method::POST) => files::paths_info(ctx, kind, id, &tail),
        ("preupload", &Method::POST) => upload::preupload(ctx, kind, id, &tail),
        ("commit", &Method::POST) => upload::commit(ctx, kind, id, &tail).await,
        ("branch", &Method::POST | &Method::DELETE) => hub::branch(ctx, kind, id, &tail),
        ("tag", &Method::POST | &Method::DELETE) => hub::tag(ctx, kind, id, &tail),
        ("refs", &Method::GET) => hub::refs(ctx, kind, id),
        ("commits", &Method::GET) => {
            hub::commits(ctx, kind, id, if tail.is_empty() { "main" } else { &tail })
        }
        ("discussions", _) => discussions::route(ctx, kind, id, &tail),
        ("settings", &Method::PUT) => hub::settings(ctx, kind, id),
        ("duplicate", &Method::POST) => hub::duplicate(ctx, kind, id),
        ("variables", &Method::GET) if kind == RepoType::Space => hub::space_variables(ctx, id),
        ("variables", &Method::POST | &Method::DELETE) if kind == RepoType::Space => {
            hub::change_space_variable(ctx, id)
        }
        ("secrets", &Method::GET | &Method::POST | &Method::DELETE) if kind == RepoType::Space => {
            hub::space_secrets(ctx, id)
        }
        ("runtime", &Method::GET) if kind == RepoType::Space => hub::space_runtime_route(ctx, id),
        ("pause" | "restart" | "hardware" | "sleeptime" | "dev-mode" | "logs", _)
            if kind == RepoType::Space =>
        {
            spaces::route(ctx, id, action, &tail)
        }
        ("leaderboard", &Method::GET) if kind == RepoType::Dataset => hub::leaderboard(ctx, id),
        ("auth-check", &Method::GET) => hub::auth_check(ctx, kind, id, tail == "write"),
        ("super-squash", &Method::POST) => {
            hub::super_squash(ctx, kind, id, if tail.is_empty() { "main" } else { &tail })
        }
        ("xet-read-token", &Method::GET) => xet::token(ctx, kind, id, false),
        ("xet-write-token", &Method::GET) => xet::token(ctx, kind, id, true),
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

/// Web-style routes: resolve, LFS batch/verify, discussions pages.
async fn web(ctx: &Ctx, segs: &[String]) -> Response {
    let (kind, segs) = match segs.first().map(String::as_str) {
        Some("datasets") => (RepoType::Dataset, &segs[1..]),
        Some("spaces") => (RepoType::Space, &segs[1..]),
        Some("kernels") => (RepoType::Kernel, &segs[1..]),
        _ => (RepoType::Model, segs),
    };
    // LFS: /{repo}.git/info/lfs/objects/{batch,verify}
    for n in [1usize, 2] {
        if segs.len() > n && segs[n - 1].ends_with(".git") && segs[n] == "info" {
            let id = segs[..n].join("/");
            let id = id.trim_end_matches(".git").to_owned();
            let what = segs[n + 1..].join("/");
            return match (what.as_str(), &ctx.method) {
                ("lfs/objects/batch", &Method::POST) => upload::lfs_batch(ctx, kind, &id),
                ("lfs/objects/verify", &Method::POST) => upload::lfs_verify(ctx, kind, &id),
                _ => error_response(404, None, "Not found"),
            };
        }
    }
    // resolve: /{repo}/resolve/{rev}/{path}
    let at = if segs.len() > 2 && segs[1] == "resolve" {
        Some(1)
    } else if segs.len() > 3 && segs[2] == "resolve" {
        Some(2)
    } else {
        None
    };
    if let Some(at) = at
        && matches!(ctx.method, Method::GET | Method::HEAD)
    {
        let id = segs[..at].join("/");
        let rev = segs[at + 1].clone();
        let path = segs[at + 2..].join("/");
        return files::resolve(ctx, kind, &id, &rev, &path);
    }
    error_response(404, None, &format!("Not found: {}", ctx.path))
}

/// Entry point for every request on the CDN origin.
pub(crate) async fn cdn_dispatch(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parse_query(parts.uri.query().unwrap_or(""));
    if let Err(r) = files::check_sig(&shared, &path, &query) {
        return r;
    }
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (&parts.method, segs.as_slice()) {
        (&Method::GET | &Method::HEAD, ["lfs", sha]) => {
            let Some(blob) = shared.blobs.open(&format!("lfs/{sha}")) else {
                return error_response(404, None, "NoSuchKey: The specified key does not exist.");
            };
            let mut resp = Response::new(Body::empty());
            set_header(&mut resp, "etag", &format!("\"{sha}\""));
            set_header(&mut resp, "content-type", "application/octet-stream");
            files::serve_blob(&parts.method, &parts.headers, blob, resp)
        }
        (&Method::GET | &Method::HEAD, ["xet", hash]) => {
            xet::bridge(&shared, &parts.method, &parts.headers, hash).await
        }
        (&Method::PUT, ["upload", oid, size]) => {
            let body = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(b) => b,
                Err(e) => return error_response(400, None, &format!("could not read body: {e}")),
            };
            upload::store_lfs_object(&shared, oid, size.parse().unwrap_or(0), body).await
        }
        (&Method::PUT, ["upload", oid, size, chunk, "part", n]) => {
            let (Ok(size), Ok(chunk)) = (size.parse(), chunk.parse()) else {
                return error_response(400, None, "Invalid part");
            };
            upload::store_part(&shared, oid, size, chunk, n, body).await
        }
        (&Method::POST, ["upload", oid, size, "complete"]) => {
            let body = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(b) => b,
                Err(e) => return error_response(400, None, &format!("could not read body: {e}")),
            };
            upload::complete_multipart(&shared, oid, size.parse().unwrap_or(0), body).await
        }
        _ => error_response(404, None, "Not found"),
    }
}
