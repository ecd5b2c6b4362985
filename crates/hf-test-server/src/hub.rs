//! Hub API handlers: repo metadata and listings, repo management (create, delete, move,
//! settings, branches, tags), refs, commits, discussions and the admin API.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::model::{Gated, Repo, RepoType, Tree};
use crate::respond::{
    Ctx, find_or_return, forbidden, gated_error, next_link, repo_not_found, repo_url,
    revision_not_found, writable,
};
use crate::util::{
    error_response, iso8601, json_response, now_secs, ok_json, set_header, text_response,
};

use crate::{FaultRule, seed};

/// `/_admin/...`
pub(crate) fn admin(ctx: &Ctx, segs: &[String]) -> Response {
    let s = &ctx.shared;
    match (
        ctx.method.clone(),
        segs.first().map(String::as_str).unwrap_or(""),
    ) {
        (Method::POST, "faults") => match serde_json::from_slice::<FaultRule>(&ctx.body) {
            Ok(rule) => {
                s.add_fault(rule);
                ok_json(json!({"ok": true}))
            }
            Err(e) => error_response(400, None, &format!("invalid FaultRule: {e}")),
        },
        (Method::DELETE, "faults") => {
            s.clear_faults();
            ok_json(json!({"ok": true}))
        }
        (Method::GET, "faults") => {
            let rules: Vec<Value> = s
                .faults
                .lock()
                .map(|f| {
                    f.iter()
                        .map(|a| json!({"rule": a.rule, "applied": a.applied}))
                        .collect()
                })
                .unwrap_or_default();
            ok_json(Value::Array(rules))
        }
        (Method::GET, "requests") => ok_json(json!(s.requests())),
        (Method::DELETE, "requests") => {
            s.clear_requests();
            ok_json(json!({"ok": true}))
        }
        (Method::GET, "stats") => {
            let n = s.requests.lock().map(|r| r.len()).unwrap_or(0);
            ok_json(json!({
                "cdn_auth_violations": s.cdn_auth_violations.load(std::sync::atomic::Ordering::SeqCst),
                "requests": n,
            }))
        }
        (Method::POST, "grant") => {
            let v: Value = serde_json::from_slice(&ctx.body).unwrap_or(json!({}));
            match (v["user"].as_str(), v["repo"].as_str()) {
                (Some(u), Some(r)) => {
                    s.grant(u, r);
                    ok_json(json!({"ok": true}))
                }
                _ => error_response(400, None, "expected {\"user\", \"repo\"}"),
            }
        }
        (Method::POST, "config") => {
            let v: Value = serde_json::from_slice(&ctx.body).unwrap_or(json!({}));
            let cur = s.upload_config();
            s.set_upload_config(
                v["multipart_threshold"]
                    .as_u64()
                    .unwrap_or(cur.multipart_threshold),
                v["chunk_size"].as_u64().unwrap_or(cur.chunk_size),
            );
            let u = s.upload_config();
            ok_json(
                json!({"multipart_threshold": u.multipart_threshold, "chunk_size": u.chunk_size}),
            )
        }
        _ => error_response(404, None, "unknown admin route"),
    }
}

fn siblings(repo: &Repo, tree: &Tree, blobs: bool) -> Vec<Value> {
    let _ = repo;
    tree.iter()
        .map(|(p, e)| {
            let mut v = json!({"rfilename": p});
            if blobs {
                v["size"] = json!(e.size);
                v["blobId"] = json!(e.oid);
                if let Some(sha) = &e.lfs {
                    v["lfs"] =
                        json!({"size": e.size, "sha256": sha, "pointerSize": e.pointer_size});
                }
            }
            v
        })
        .collect()
}

/// The full info object of a repo at a commit.
pub(crate) fn info_json(
    ctx: &Ctx,
    repo: &Repo,
    commit: Option<&crate::model::Commit>,
    blobs: bool,
) -> Value {
    let author = repo.namespace().to_owned();
    let mut v = json!({
        "_id": repo.mongo_id,
        "id": repo.id,
        "author": if author.is_empty() { Value::Null } else { json!(author) },
        "sha": commit.map(|c| c.id.clone()),
        "lastModified": iso8601(commit.map(|c| c.date).unwrap_or(repo.created)),
        "private": repo.private,
        "gated": repo.gated.to_json(),
        "disabled": false,
        "downloads": repo.downloads,
        "downloadsAllTime": repo.downloads * 3,
        "likes": repo.likes,
        "trendingScore": repo.likes / 10,
        "tags": repo.tags,
        "createdAt": iso8601(repo.created),
        "siblings": commit.map(|c| siblings(repo, &c.tree, blobs)).unwrap_or_default(),
        "usedStorage": commit.map(|c| c.tree.values().map(|e| e.size).sum::<u64>()).unwrap_or(0),
        "xetEnabled": repo.xet_enabled,
    });
    if let Some(card) = &repo.card_data {
        v["cardData"] = card.clone();
    }
    match repo.kind {
        RepoType::Model => {
            v["modelId"] = json!(repo.id);
            v["pipeline_tag"] = json!(repo.pipeline_tag);
            v["library_name"] = json!(repo.library_name);
            v["spaces"] = json!([]);
            v["widgetData"] = json!([]);
            if repo.pipeline_tag.is_some() {
                v["inference"] = json!("warm");
            }
            if let Some(m) = &repo.provider_mapping {
                v["inferenceProviderMapping"] = m.clone();
            }
        }
        RepoType::Dataset => {
            v["description"] = json!(format!("Dataset {}", repo.id));
            v["citation"] = Value::Null;
            v["paperswithcode_id"] = Value::Null;
        }
        RepoType::Space => {
            v["sdk"] = json!(repo.sdk.clone().unwrap_or_else(|| "gradio".into()));
            v["subdomain"] = json!(repo.id.replace(['/', '_', '.'], "-").to_lowercase());
            v["host"] = json!(format!("{}/spaces/{}", ctx.shared.endpoint, repo.id));
            v["runtime"] = repo.space.runtime_json();
        }
        RepoType::Kernel => {}
    }
    v
}

/// Keeps only `_id`, `id` and the expanded keys.
pub(crate) fn apply_expand(full: Value, expand: &[String]) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("_id".into(), full["_id"].clone());
    out.insert("id".into(), full["id"].clone());
    for key in expand {
        let val = match key.as_str() {
            "inferenceProviderMapping" => {
                let m = full.get(key).cloned().unwrap_or(json!({}));
                if m.is_null() { json!({}) } else { m }
            }
            "config" => json!({}),
            "safetensors" | "gguf" | "transformersInfo" | "baseModels" | "evalResults" => continue,
            k => match full.get(k) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        out.insert(key.clone(), val);
    }
    Value::Object(out)
}

pub(crate) fn repo_info(ctx: &Ctx, kind: RepoType, id: &str, rev: Option<&str>) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let commit = match rev {
        Some(r) => match repo.resolve_rev(r) {
            Some(c) => Some(c.clone()),
            None => return revision_not_found(r),
        },
        None => repo.head().cloned(),
    };
    let full = info_json(ctx, &repo, commit.as_ref(), ctx.q_bool("blobs"));
    let expand = ctx.q_all("expand");
    let v = if expand.is_empty() {
        full
    } else {
        apply_expand(full, &expand)
    };
    ok_json(v)
}

pub(crate) fn listing(ctx: &Ctx, kind: RepoType) -> Response {
    let db = ctx.db();
    let search = ctx.q_all("search");
    let author = ctx.q("author").map(str::to_owned);
    let filters = ctx.q_all("filter");
    let expand = ctx.q_all("expand");
    let full = ctx.q_bool("full");
    let gated = ctx.q("gated").map(|g| g == "true");
    let pipeline = ctx.q("pipeline_tag").map(str::to_owned);
    let mut items: Vec<&Repo> = db
        .repos
        .values()
        .filter(|r| r.kind == kind && db.can_read(&ctx.caller, r))
        .filter(|r| {
            search
                .iter()
                .all(|s| r.id.to_lowercase().contains(&s.to_lowercase()))
        })
        .filter(|r| author.as_ref().is_none_or(|a| r.namespace() == a))
        .filter(|r| gated.is_none_or(|g| (r.gated != Gated::No) == g))
        .filter(|r| {
            pipeline
                .as_ref()
                .is_none_or(|p| r.pipeline_tag.as_ref() == Some(p))
        })
        .filter(|r| {
            filters.iter().all(|f| {
                r.tags.contains(f)
                    || r.pipeline_tag.as_ref() == Some(f)
                    || r.library_name.as_ref() == Some(f)
                    || r.id == *f
            })
        })
        .collect();
    let sort = ctx.q("sort").unwrap_or("");
    let key = |r: &Repo| -> u64 {
        match sort {
            "downloads" => r.downloads,
            "likes" | "trendingScore" | "trending_score" => r.likes,
            "createdAt" | "created_at" => r.created,
            "lastModified" | "last_modified" => r.last_modified(),
            _ => 0,
        }
    };
    if !sort.is_empty() {
        let asc = ctx.q("direction") == Some("1");
        items.sort_by(|a, b| {
            let o = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
            if asc { o } else { o.reverse() }
        });
    }
    let page = ctx
        .q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(1000)
        .clamp(1, 1000);
    let start: usize = ctx.q("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let total = items.len();
    let out: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(page)
        .map(|r| {
            let head = r.head();
            let mut v = info_json(ctx, r, head, false);
            if !full && let Some(o) = v.as_object_mut() {
                o.remove("siblings");
                o.remove("cardData");
                o.remove("widgetData");
                o.remove("spaces");
            }
            if expand.is_empty() {
                v
            } else {
                apply_expand(v, &expand)
            }
        })
        .collect();
    let mut resp = ok_json(Value::Array(out));
    if start + page < total {
        let link = next_link(ctx, start + page);
        set_header(&mut resp, "link", &link);
    }
    resp
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 96
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.contains("--")
        && !name.contains("..")
        && !name.ends_with(".git")
}

/// `/api/repos/{create,delete,move}`
pub(crate) fn repos_admin(ctx: &Ctx, what: &str) -> Response {
    let Some(t) = ctx.caller.token() else {
        return error_response(
            401,
            None,
            "You must be authenticated to manage repositories",
        );
    };
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let kind = body["type"]
        .as_str()
        .and_then(RepoType::from_singular)
        .unwrap_or(RepoType::Model);
    let full_id = |body: &Value| -> String {
        let name = body["name"].as_str().unwrap_or("");
        match body["organization"].as_str() {
            Some(org) if !org.is_empty() => format!("{org}/{name}"),
            _ if name.contains('/') => name.to_owned(),
            _ => format!("{}/{name}", t.user),
        }
    };
    match (what, &ctx.method) {
        ("create", &Method::POST) => {
            let id = full_id(&body);
            let name = id.split('/').nth(1).unwrap_or("");
            if !valid_name(name) {
                return error_response(400, None, &format!("Invalid repo name: {name}"));
            }
            let mut db = ctx.db();
            if let Err(msg) = db.check_write(&ctx.caller, kind, &id) {
                return forbidden(&msg);
            }
            let url = repo_url(ctx, kind, &id);
            if db.repos.contains_key(&(kind, id.clone())) {
                let mut r = json_response(
                    StatusCode::CONFLICT,
                    &json!({"error": format!("You already created this {} repo", kind.singular()), "url": url}),
                );
                set_header(
                    &mut r,
                    "x-error-message",
                    &format!("You already created this {} repo", kind.singular()),
                );
                return r;
            }
            let now = now_secs();
            // From a template: the new Space starts with the template's files and history.
            let template = body["template"].as_str().map(str::to_owned);
            if let Some(template) = &template {
                let known = db
                    .repos
                    .get(&(RepoType::Space, template.clone()))
                    .filter(|r| r.template.is_some() && kind == RepoType::Space)
                    .cloned();
                let Some(mut repo) = known else {
                    return error_response(
                        400,
                        None,
                        &format!("Unknown Space template: {template}"),
                    );
                };
                repo.id = id.clone();
                repo.mongo_id =
                    crate::util::sha1_hex(format!("space/{id}").as_bytes())[..24].to_owned();
                repo.template = None;
                repo.created = now;
                repo.private = body["private"].as_bool().unwrap_or(false)
                    || matches!(body["visibility"].as_str(), Some("private" | "protected"));
                repo.space = crate::model::SpaceSettings::default();
                repo.space.apply(&body, now);
                db.redirects.remove(&(kind, id.clone()));
                let mongo = repo.mongo_id.clone();
                db.repos.insert((kind, id.clone()), repo);
                return ok_json(json!({"url": url, "name": id, "id": mongo}));
            }
            let mut repo = Repo::new(kind, &id, now);
            repo.xet_enabled = ctx.shared.xet_by_default;
            repo.private = body["private"].as_bool().unwrap_or(false)
                || matches!(body["visibility"].as_str(), Some("private" | "protected"));
            repo.sdk = body["sdk"].as_str().map(str::to_owned);
            if kind == RepoType::Space {
                repo.space.apply(&body, now);
            }
            let (entry, data) = seed::gitattributes_entry("");
            let _ = ctx.shared.blobs.put(&entry.blob_key(), data);
            let mut tree = Tree::new();
            tree.insert(".gitattributes".into(), entry);
            let c = repo.add_commit(
                None,
                "initial commit",
                "",
                &t.user,
                now,
                tree,
                &[".gitattributes".to_owned()],
            );
            repo.branches.insert("main".into(), c);
            let mongo = repo.mongo_id.clone();
            db.redirects.remove(&(kind, id.clone()));
            db.repos.insert((kind, id.clone()), repo);
            ok_json(json!({"url": url, "name": id, "id": mongo}))
        }
        ("delete", &Method::DELETE) => {
            let id = full_id(&body);
            let mut db = ctx.db();
            let visible = db
                .repos
                .get(&(kind, id.clone()))
                .is_some_and(|r| db.can_read(&ctx.caller, r));
            if !visible {
                return repo_not_found(&ctx.caller);
            }
            if let Err(msg) = db.check_write(&ctx.caller, kind, &id) {
                return forbidden(&msg);
            }
            db.repos.remove(&(kind, id));
            text_response(200, "OK")
        }
        ("move", &Method::POST) => {
            let from = body["fromRepo"].as_str().unwrap_or("").to_owned();
            let to = body["toRepo"].as_str().unwrap_or("").to_owned();
            let mut db = ctx.db();
            let visible = db
                .repos
                .get(&(kind, from.clone()))
                .is_some_and(|r| db.can_read(&ctx.caller, r));
            if !visible {
                return repo_not_found(&ctx.caller);
            }
            for id in [&from, &to] {
                if let Err(msg) = db.check_write(&ctx.caller, kind, id) {
                    return forbidden(&msg);
                }
            }
            if db.repos.contains_key(&(kind, to.clone())) {
                return error_response(409, None, &format!("Repository {to} already exists"));
            }
            let Some(mut repo) = db.repos.remove(&(kind, from.clone())) else {
                return repo_not_found(&ctx.caller);
            };
            repo.id = to.clone();
            db.repos.insert((kind, to.clone()), repo);
            for v in db.redirects.values_mut() {
                if *v == from {
                    *v = to.clone();
                }
            }
            db.redirects.remove(&(kind, to.clone()));
            db.redirects.insert((kind, from), to);
            text_response(200, "OK")
        }
        _ => error_response(404, None, "Not found"),
    }
}

/// The Dataset Viewer's `GET /parquet?dataset=ID[&config=C]`: the `.parquet` files of the
/// dataset's main branch, each with its subset (`default`, or the folder under `data/` that
/// holds splits), split (from the file name: `train-00000-of-00001.parquet` -> `train`),
/// resolve URL and size.
pub(crate) fn viewer_parquet(ctx: &Ctx) -> Response {
    let Some(id) = ctx.q("dataset").map(str::to_owned) else {
        return error_response(422, None, "Parameter 'dataset' is required");
    };
    let config = ctx.q("config").map(str::to_owned);
    let db = ctx.db();
    let Some(repo) = db
        .repos
        .get(&(RepoType::Dataset, id.clone()))
        .filter(|r| db.can_read(&ctx.caller, r))
    else {
        return error_response(
            404,
            None,
            "The dataset does not exist, or is not accessible",
        );
    };
    let Some(head) = repo.head() else {
        return ok_json(json!({"parquet_files": []}));
    };
    let files: Vec<Value> = head
        .tree
        .iter()
        .filter(|(path, _)| path.ends_with(".parquet"))
        .filter_map(|(path, entry)| {
            let mut parts: Vec<&str> = path.split('/').collect();
            let file = parts.pop()?;
            let subset = match parts.as_slice() {
                ["data", subset, ..] => (*subset).to_owned(),
                _ => "default".to_owned(),
            };
            let split = file.split(['-', '.']).next().unwrap_or("train").to_owned();
            Some(json!({
                "dataset": id,
                "config": subset,
                "split": split,
                "url": format!("{}/datasets/{id}/resolve/{}/{path}", ctx.shared.endpoint, head.id),
                "filename": file,
                "size": entry.size,
            }))
        })
        .filter(|f| config.as_deref().is_none_or(|c| f["config"] == c))
        .collect();
    ok_json(json!({"parquet_files": files, "pending": [], "failed": [], "partial": false}))
}

/// `GET /api/spaces/templates`: the Spaces offered as templates
/// (`{"templates": [{name, repoId, sdk, preferredPrivate}]}`).
pub(crate) fn space_templates(ctx: &Ctx) -> Response {
    let db = ctx.db();
    let templates: Vec<Value> = db
        .repos
        .values()
        .filter_map(|r| {
            let (name, private) = r.template.as_ref()?;
            Some(json!({
                "name": name,
                "repoId": r.id,
                "sdk": r.sdk.clone().unwrap_or_else(|| "gradio".into()),
                "preferredPrivate": private,
            }))
        })
        .collect();
    ok_json(json!({"templates": templates}))
}

/// `GET /api/datasets/{id}/leaderboard`: the dataset's scores, best first, with ranks and
/// each model's author, as Python's `get_dataset_leaderboard` reads them.
pub(crate) fn leaderboard(ctx: &Ctx, id: &str) -> Response {
    let db = ctx.db();
    let Some(repo) = db
        .repos
        .get(&(RepoType::Dataset, id.to_owned()))
        .filter(|r| db.can_read(&ctx.caller, r))
    else {
        return repo_not_found(&ctx.caller);
    };
    let mut scores = repo.leaderboard.clone();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let name = id.rsplit('/').next().unwrap_or(id);
    let entries: Vec<Value> = scores
        .iter()
        .enumerate()
        .map(|(i, (model, value, verified))| {
            let author = model.split('/').next().unwrap_or_default();
            let kind = if db.orgs.contains_key(author) { "org" } else { "user" };
            json!({
                "rank": i + 1,
                "modelId": model,
                "value": value,
                "filename": format!(".eval_results/{name}.yaml"),
                "verified": verified,
                "source": {"name": "hf-test-server", "url": format!("{}/{model}", ctx.shared.endpoint), "isExternal": false},
                "author": {"name": author, "type": kind, "fullname": author, "avatarUrl": ""},
            })
        })
        .collect();
    ok_json(Value::Array(entries))
}

/// A Space's runtime as the Hub reports it (`GET /api/spaces/{id}/runtime`, and in its info).
/// `GET /api/spaces/{id}/runtime`.
pub(crate) fn space_runtime_route(ctx: &Ctx, id: &str) -> Response {
    let db = ctx.db();
    match db
        .repos
        .get(&(RepoType::Space, id.to_owned()))
        .filter(|r| db.can_read(&ctx.caller, r))
    {
        Some(repo) => ok_json(repo.space.runtime_json()),
        None => repo_not_found(&ctx.caller),
    }
}

/// The variables of a Space as the API lists them: `{key: {value, description?, updatedAt}}`.
fn variables_json(repo: &Repo) -> Value {
    let mut out = serde_json::Map::new();
    for (key, (value, updated)) in &repo.space.variables {
        out.insert(
            key.clone(),
            json!({"value": value, "updatedAt": iso8601(*updated)}),
        );
    }
    Value::Object(out)
}

/// `POST` (`{key, value, description?}`) or `DELETE` (`{key}`)
/// `/api/spaces/{id}/variables`: needs write access; answers every variable.
pub(crate) fn change_space_variable(ctx: &Ctx, id: &str) -> Response {
    let body = ctx.json_body().unwrap_or(json!({}));
    let Some(key) = body["key"]
        .as_str()
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
    else {
        return error_response(400, None, "A variable needs a 'key'");
    };
    let mut db = match writable(ctx, RepoType::Space, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let Some(repo) = db.repos.get_mut(&(RepoType::Space, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    if ctx.method == Method::DELETE {
        repo.space.variables.remove(&key);
    } else {
        let value = body["value"].as_str().unwrap_or("").to_owned();
        repo.space.variables.insert(key, (value, now_secs()));
    }
    ok_json(variables_json(repo))
}

/// `/api/spaces/{id}/secrets`: `GET` lists names (`{key: {description, updatedAt}}`, never a
/// value; write access needed, as on the Hub), `POST` `{key, value, description?}` sets one,
/// `DELETE` `{key}` removes one.
pub(crate) fn space_secrets(ctx: &Ctx, id: &str) -> Response {
    let body = ctx.json_body().unwrap_or(json!({}));
    let mut db = match writable(ctx, RepoType::Space, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let Some(repo) = db.repos.get_mut(&(RepoType::Space, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    if ctx.method == Method::GET {
        let mut out = serde_json::Map::new();
        for (key, (_, description, updated)) in &repo.space.secrets {
            out.insert(
                key.clone(),
                json!({"description": description, "updatedAt": iso8601(*updated)}),
            );
        }
        return ok_json(Value::Object(out));
    }
    let Some(key) = body["key"]
        .as_str()
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
    else {
        return error_response(400, None, "A secret needs a 'key'");
    };
    if ctx.method == Method::DELETE {
        repo.space.secrets.remove(&key);
    } else {
        let value = body["value"].as_str().unwrap_or("").to_owned();
        let description = body["description"].as_str().map(str::to_owned);
        repo.space
            .secrets
            .insert(key, (value, description, now_secs()));
    }
    ok_json(json!({}))
}

/// `GET /api/spaces/{id}/variables`: the Space's public variables, as Python's
/// `get_space_variables` reads them (`{key: {value, updatedAt}}`); secrets are never listed.
pub(crate) fn space_variables(ctx: &Ctx, id: &str) -> Response {
    let db = ctx.db();
    let Some(repo) = db
        .repos
        .get(&(RepoType::Space, id.to_owned()))
        .filter(|r| db.can_read(&ctx.caller, r))
    else {
        return repo_not_found(&ctx.caller);
    };
    ok_json(variables_json(repo))
}

/// `GET /api/settings/repositories` (the caller's own) or
/// `/api/organizations/{ns}/settings/repositories` (a member's org): every repo of the
/// namespace with its storage (the bytes of its main branch) and share of the total, sorted by id.
pub(crate) fn namespace_repositories(ctx: &Ctx, org: Option<&str>) -> Response {
    let Some(token) = ctx.caller.token() else {
        return error_response(401, None, "Invalid username or password.");
    };
    let db = ctx.db();
    let namespace = match org {
        None => token.user.clone(),
        Some(org) => {
            let member = db
                .users
                .get(&token.user)
                .is_some_and(|u| u.orgs.iter().any(|o| o == org));
            if !member {
                return forbidden(&format!("You are not a member of {org}"));
            }
            org.to_owned()
        }
    };
    let mut repos: Vec<&Repo> = db
        .repos
        .values()
        .filter(|r| r.namespace() == namespace && db.can_read(&ctx.caller, r))
        .collect();
    repos.sort_by(|a, b| a.id.cmp(&b.id));
    let storage = |r: &Repo| -> u64 {
        r.head()
            .map(|c| c.tree.values().map(|e| e.size).sum())
            .unwrap_or(0)
    };
    let total: u64 = repos.iter().map(|r| storage(r)).sum();
    let items: Vec<Value> = repos
        .iter()
        .map(|r| {
            let bytes = storage(r);
            json!({
                "id": r.id,
                "type": r.kind.singular(),
                "updatedAt": crate::util::iso8601(r.last_modified()),
                "visibility": match (r.space.protected, r.private) {
                    (true, _) => "protected",
                    (false, true) => "private",
                    (false, false) => "public",
                },
                "storage": bytes,
                "storagePercent": if total == 0 { 0.0 } else { bytes as f64 * 100.0 / total as f64 },
            })
        })
        .collect();
    ok_json(Value::Array(items))
}

/// `POST /api/{t}/{from}/duplicate` `{"repository": "ns/name", "visibility"?}`: a copy of a
/// readable repo (files and history) under a namespace the caller may write to.
pub(crate) fn duplicate(ctx: &Ctx, kind: RepoType, from: &str) -> Response {
    let body = ctx.json_body().unwrap_or(json!({}));
    let to = body["repository"].as_str().unwrap_or("").to_owned();
    let name = to.split('/').nth(1).unwrap_or("");
    if to.split('/').count() != 2 || !valid_name(name) {
        return error_response(400, None, &format!("Invalid repository: {to}"));
    }
    let mut db = ctx.db();
    let Some(source) = db
        .repos
        .get(&(kind, from.to_owned()))
        .filter(|r| db.can_read(&ctx.caller, r))
        .cloned()
    else {
        return repo_not_found(&ctx.caller);
    };
    if let Err(msg) = db.check_write(&ctx.caller, kind, &to) {
        return forbidden(&msg);
    }
    if db.repos.contains_key(&(kind, to.clone())) {
        // As the create endpoint: the conflict names the existing repo's URL (Python's
        // `duplicate_repo(exist_ok=True)` returns it).
        let message = format!("Repository {to} already exists");
        let mut r = json_response(
            StatusCode::CONFLICT,
            &json!({"error": message, "url": repo_url(ctx, kind, &to)}),
        );
        set_header(&mut r, "x-error-message", &message);
        return r;
    }
    let mut copy = source;
    copy.id = to.clone();
    copy.mongo_id =
        crate::util::sha1_hex(format!("{}/{to}", kind.singular()).as_bytes())[..24].to_owned();
    // Files and history are copied; settings are the new repo's own: public unless asked.
    copy.private = matches!(body["visibility"].as_str(), Some("private" | "protected"));
    copy.gated = Gated::No;
    copy.space = crate::model::SpaceSettings::default();
    if kind == RepoType::Space {
        copy.space.apply(&body, now_secs());
    }
    db.repos.insert((kind, to.clone()), copy);
    ok_json(json!({"url": repo_url(ctx, kind, &to)}))
}

pub(crate) fn branch(ctx: &Ctx, kind: RepoType, id: &str, name: &str) -> Response {
    let mut db = match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let body = ctx.json_body().unwrap_or(json!({}));
    let Some(repo) = db.repos.get_mut(&(kind, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    if ctx.method == Method::DELETE {
        if name == "main" {
            return forbidden("Cannot delete the default branch 'main'");
        }
        if repo.branches.remove(name).is_none() {
            return revision_not_found(name);
        }
        return ok_json(json!({}));
    }
    if name.is_empty() || name.starts_with("refs/") {
        return error_response(400, None, &format!("Invalid branch name: {name}"));
    }
    if repo.branches.contains_key(name) {
        return error_response(
            409,
            None,
            &format!("Reference already exists: refs/heads/{name}"),
        );
    }
    let start = body["startingPoint"].as_str().unwrap_or("main");
    let Some(c) = repo.resolve_rev(start).map(|c| c.id.clone()) else {
        return revision_not_found(start);
    };
    repo.branches.insert(name.to_owned(), c);
    ok_json(json!({}))
}

pub(crate) fn tag(ctx: &Ctx, kind: RepoType, id: &str, tail: &str) -> Response {
    let mut db = match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let body = ctx.json_body().unwrap_or(json!({}));
    let Some(repo) = db.repos.get_mut(&(kind, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    if ctx.method == Method::DELETE {
        if repo.tag_refs.remove(tail).is_none() {
            return revision_not_found(tail);
        }
        return ok_json(json!({}));
    }
    let rev = if tail.is_empty() { "main" } else { tail };
    let Some(name) = body["tag"].as_str().filter(|t| !t.is_empty()) else {
        return error_response(400, None, "Missing tag name");
    };
    if repo.tag_refs.contains_key(name) {
        return error_response(409, None, &format!("Tag {name} already exists"));
    }
    let Some(c) = repo.resolve_rev(rev).map(|c| c.id.clone()) else {
        return revision_not_found(rev);
    };
    repo.tag_refs.insert(name.to_owned(), c);
    ok_json(json!({}))
}

pub(crate) fn refs(ctx: &Ctx, kind: RepoType, id: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let r = |name: &str, full: String, target: &str| json!({"name": name, "ref": full, "targetCommit": target});
    let mut branches: Vec<Value> = Vec::new();
    if let Some(main) = repo.branches.get("main") {
        branches.push(r("main", "refs/heads/main".into(), main));
    }
    for (b, c) in repo.branches.iter().filter(|(b, _)| *b != "main") {
        branches.push(r(b, format!("refs/heads/{b}"), c));
    }
    let tags: Vec<Value> = repo
        .tag_refs
        .iter()
        .map(|(t, c)| r(t, format!("refs/tags/{t}"), c))
        .collect();
    let mut v = json!({"branches": branches, "converts": [], "tags": tags});
    if ctx.q_bool("include_prs") {
        v["pullRequests"] = repo
            .prs
            .iter()
            .map(|(n, c)| r(&format!("refs/pr/{n}"), format!("refs/pr/{n}"), c))
            .collect();
    }
    ok_json(v)
}

pub(crate) fn commits(ctx: &Ctx, kind: RepoType, id: &str, rev: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let Some(head) = repo.resolve_rev(rev) else {
        return revision_not_found(rev);
    };
    let history = repo.history(&head.id);
    let per_page = ctx
        .q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 1000);
    let start = ctx
        .q("cursor")
        .and_then(|c| c.parse::<usize>().ok())
        .or_else(|| {
            ctx.q("p")
                .and_then(|p| p.parse::<usize>().ok())
                .map(|p| p.saturating_mul(per_page))
        })
        .unwrap_or(0);
    let formatted = ctx.q_all("expand").iter().any(|e| e == "formatted");
    let out: Vec<Value> = history
        .iter()
        .skip(start)
        .take(per_page)
        .map(|c| {
            let mut v = json!({
                "id": c.id,
                "title": c.title,
                "message": c.message,
                "date": iso8601(c.date),
                "authors": [{"user": c.author, "avatar": format!("/avatars/{}.svg", c.author)}],
            });
            if formatted {
                v["formatted"] = json!({"title": c.title, "message": c.message});
            }
            v
        })
        .collect();
    let mut resp = ok_json(Value::Array(out));
    set_header(&mut resp, "x-total-count", &history.len().to_string());
    if start + per_page < history.len() {
        set_header(&mut resp, "link", &next_link(ctx, start + per_page));
    }
    resp
}

pub(crate) fn settings(ctx: &Ctx, kind: RepoType, id: &str) -> Response {
    let mut db = match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(repo) = db.repos.get_mut(&(kind, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    if let Some(p) = body["private"].as_bool() {
        repo.private = p;
    }
    match body["visibility"].as_str() {
        Some(visibility @ ("private" | "protected")) => {
            repo.private = true;
            repo.space.protected = visibility == "protected";
        }
        Some("public") => {
            repo.private = false;
            repo.space.protected = false;
        }
        _ => {}
    }
    match &body["gated"] {
        Value::Bool(false) => repo.gated = Gated::No,
        Value::String(s) if s == "auto" => repo.gated = Gated::Auto,
        Value::String(s) if s == "manual" => repo.gated = Gated::Manual,
        _ => {}
    }
    ok_json(json!({"private": repo.private, "gated": repo.gated.to_json()}))
}

pub(crate) fn auth_check(ctx: &Ctx, kind: RepoType, id: &str, write: bool) -> Response {
    if write {
        return match writable(ctx, kind, id) {
            Ok(_) => ok_json(json!({})),
            Err(r) => r,
        };
    }
    let repo = find_or_return!(ctx, kind, id);
    if !ctx.db().can_download(&ctx.caller, &repo) {
        return gated_error(&repo);
    }
    ok_json(json!({}))
}

/// `POST /api/{t}/{repo}/super-squash/{branch}` with `{"message"}`: one commit with the same tree.
pub(crate) fn super_squash(ctx: &Ctx, kind: RepoType, id: &str, branch: &str) -> Response {
    let mut db = match writable(ctx, kind, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let body = ctx.json_body().unwrap_or(json!({}));
    let user = ctx.user().unwrap_or("").to_owned();
    let Some(repo) = db.repos.get_mut(&(kind, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    let Some(head) = repo
        .branches
        .get(branch)
        .and_then(|h| repo.commits.get(h))
        .cloned()
    else {
        return revision_not_found(branch);
    };
    let message = body["message"]
        .as_str()
        .unwrap_or("Super-squash commit")
        .to_owned();
    let changed: Vec<String> = head.tree.keys().cloned().collect();
    let oid = repo.add_commit(
        None,
        &message,
        "",
        &user,
        now_secs(),
        (*head.tree).clone(),
        &changed,
    );
    repo.branches.insert(branch.to_owned(), oid.clone());
    ok_json(json!({"commitId": oid}))
}
