//! Webhooks (`/api/settings/webhooks...`), the caller's own: list, one, create, update,
//! enable, disable, delete. A webhook pings a `url` or triggers a Job (`jobSourceId`; this
//! server has no Jobs, so its `job` is a placeholder spec with the secrets' names only).
//!
//! Reading needs a token of the user; changing needs a write token, or a fine-grained one
//! with `user.webhooks.write` (an org token has not).

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::model::WebhookRecord;
use crate::respond::{Ctx, forbidden};
use crate::util::{error_response, ok_json, random_hex};

const WATCHED_TYPES: &[&str] = &["bucket", "dataset", "model", "org", "space", "user"];
const DOMAINS: &[&str] = &["repo", "discussion"];
/// A user may have this many webhooks.
const MAX_WEBHOOKS: usize = 100;
/// A webhook may watch this many items.
const MAX_WATCHED: usize = 100;

fn not_found(id: &str) -> Response {
    error_response(404, None, &format!("Webhook {id} not found"))
}

/// `segs` follow `settings/webhooks`.
pub(crate) fn route(ctx: &Ctx, segs: &[String]) -> Response {
    let Some(user) = ctx.user().map(str::to_owned) else {
        return error_response(401, None, "You must be authenticated to manage webhooks");
    };
    let writes = ctx.method != Method::GET;
    if writes {
        let db = ctx.db();
        if let Err(m) =
            db.check_namespace_write(&ctx.caller, &user, "user.webhooks.write", "webhooks")
        {
            return forbidden(&m);
        }
    } else {
        let db = ctx.db();
        if let Err(m) =
            db.check_namespace_read(&ctx.caller, &user, "user.webhooks.read", "webhooks")
        {
            return forbidden(&m);
        }
    }
    match (segs, &ctx.method) {
        ([], &Method::GET) => {
            let db = ctx.db();
            let list: Vec<Value> = db
                .webhooks
                .values()
                .filter(|w| w.owner == user)
                .map(|w| w.json.clone())
                .collect();
            ok_json(Value::Array(list))
        }
        ([], &Method::POST) => save(ctx, &user, None),
        ([id], &Method::GET) => {
            let db = ctx.db();
            match db.webhooks.get(id.as_str()) {
                Some(w) if w.owner == user => ok_json(json!({"webhook": w.json})),
                _ => not_found(id),
            }
        }
        ([id], &Method::POST) => save(ctx, &user, Some(id)),
        ([id], &Method::DELETE) => {
            let mut db = ctx.db();
            match db.webhooks.get(id.as_str()) {
                Some(w) if w.owner == user => {
                    db.webhooks.remove(id.as_str());
                    ok_json(json!({}))
                }
                _ => not_found(id),
            }
        }
        ([id, action], &Method::POST) if action == "enable" || action == "disable" => {
            let mut db = ctx.db();
            match db.webhooks.get_mut(id.as_str()) {
                Some(w) if w.owner == user => {
                    w.json["disabled"] = json!(action == "disable");
                    ok_json(json!({"webhook": w.json}))
                }
                _ => not_found(id),
            }
        }
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

/// The `watched` list of a body, validated.
fn watched(body: &Value) -> Result<Vec<Value>, String> {
    let Some(list) = body["watched"].as_array() else {
        return Err("\"watched\" must be a list of {type, name}".into());
    };
    if list.is_empty() || list.len() > MAX_WATCHED {
        return Err(format!("\"watched\" must hold 1 to {MAX_WATCHED} items"));
    }
    list.iter()
        .map(|item| {
            let (Some(kind), Some(name)) = (item["type"].as_str(), item["name"].as_str()) else {
                return Err("each watched item is {type, name}".to_owned());
            };
            if !WATCHED_TYPES.contains(&kind) {
                return Err(format!(
                    "invalid watched type '{kind}': one of {}",
                    WATCHED_TYPES.join(", ")
                ));
            }
            if name.is_empty() {
                return Err("a watched item needs a name".to_owned());
            }
            Ok(json!({"type": kind, "name": name}))
        })
        .collect()
}

/// Create (`id` none) or update.
fn save(ctx: &Ctx, user: &str, id: Option<&String>) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut db = ctx.db();
    let mut json = match id {
        Some(id) => match db.webhooks.get(id.as_str()) {
            Some(w) if w.owner == user => w.json.clone(),
            _ => return not_found(id),
        },
        None => {
            if db.webhooks.values().filter(|w| w.owner == user).count() >= MAX_WEBHOOKS {
                return error_response(
                    400,
                    None,
                    &format!("A user may have at most {MAX_WEBHOOKS} webhooks"),
                );
            }
            json!({"id": random_hex(24), "watched": [], "domains": DOMAINS, "disabled": false})
        }
    };
    if id.is_none() || !body["watched"].is_null() {
        match watched(&body) {
            Ok(w) => json["watched"] = Value::Array(w),
            Err(m) => return error_response(400, None, &m),
        }
    }
    if let Some(domains) = body.get("domains").filter(|d| !d.is_null()) {
        let ok = domains.as_array().is_some_and(|d| {
            !d.is_empty()
                && d.iter()
                    .all(|x| x.as_str().is_some_and(|x| DOMAINS.contains(&x)))
        });
        if !ok {
            return error_response(
                400,
                None,
                "\"domains\" must be a non-empty list of 'repo', 'discussion'",
            );
        }
        json["domains"] = domains.clone();
    }
    let (url, job) = (body["url"].as_str(), body["jobSourceId"].as_str());
    if url.is_some() && job.is_some() {
        return error_response(400, None, "Set \"url\" or \"jobSourceId\", not both");
    }
    if let Some(url) = url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return error_response(
                400,
                None,
                &format!("Invalid webhook URL '{url}': http(s) only"),
            );
        }
        json["url"] = json!(url);
        if let Some(o) = json.as_object_mut() {
            o.remove("job");
        }
    }
    if let Some(job) = job {
        json["job"] = json!({"dockerImage": format!("(job {job})"), "secrets": []});
        if let Some(o) = json.as_object_mut() {
            o.remove("url");
        }
    }
    if json.get("url").is_none() && json.get("job").is_none() {
        return error_response(400, None, "Missing \"url\" or \"jobSourceId\"");
    }
    if let Some(secrets) = body.get("secrets").filter(|s| !s.is_null()) {
        let Some(map) = secrets.as_object() else {
            return error_response(400, None, "\"secrets\" must be an object");
        };
        if json.get("job").is_none() {
            return error_response(400, None, "\"secrets\" can only be set on a Job webhook");
        }
        let mut names: Vec<String> = json["job"]["secrets"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for key in map.keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
        json["job"]["secrets"] = json!(names);
    }
    if let Some(secret) = body["secret"].as_str() {
        json["secret"] = json!(secret);
    }
    let webhook_id = json["id"].as_str().unwrap_or_default().to_owned();
    db.webhooks.insert(
        webhook_id,
        WebhookRecord {
            owner: user.to_owned(),
            json: json.clone(),
        },
    );
    ok_json(json!({"webhook": json}))
}
