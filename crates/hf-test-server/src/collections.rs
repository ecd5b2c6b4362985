//! Collections (`/api/collections...`): listing (owner, item, sort, paginated), one
//! collection, create (409 with the existing `slug` for a title already used), metadata
//! updates, delete, and items (add: the item must exist; 409 for a duplicate; update and
//! delete by the item's object id).
//!
//! Private collections are visible to members of their owner only; changing one needs
//! [`crate::model::Db::check_namespace_write`] with `collection.write`.

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::model::{CollectionItemRecord, CollectionRecord, Db, RepoType};
use crate::respond::{Ctx, forbidden, next_link};
use crate::seed::PAPERS;
use crate::util::{error_response, iso8601, now_secs, ok_json, random_hex, set_header, sha1_hex};

/// The Hub's page size for `/api/collections`.
const PAGE_SIZE: usize = 100;
/// A listing shows this many items of each collection (the Hub's preview).
const LISTING_ITEMS: usize = 4;
/// At most this many items in a collection (as on the Hub).
const MAX_ITEMS: usize = 1000;
const ITEM_TYPES: &[&str] = &["model", "dataset", "space", "paper", "collection", "bucket"];

fn not_found(slug: &str) -> Response {
    error_response(404, None, &format!("Collection {slug} not found"))
}

fn visible(db: &Db, ctx: &Ctx, c: &CollectionRecord) -> bool {
    !c.private || ctx.user().is_some_and(|u| db.is_member(u, &c.owner))
}

fn item_json(item: &CollectionItemRecord, position: usize) -> Value {
    let mut v = json!({
        "_id": item.object_id,
        "id": item.id,
        "type": item.kind,
        "position": position,
    });
    if let Some(note) = &item.note {
        v["note"] = json!({"text": note, "html": note});
    }
    match item.kind.as_str() {
        "collection" => v["slug"] = json!(item.id),
        "paper" => {
            if let Some(p) = PAPERS.iter().find(|p| p.id == item.id) {
                v["title"] = json!(p.title);
            }
        }
        "model" | "dataset" | "space" => {
            v["author"] = json!(item.id.split('/').next().unwrap_or_default());
            v["repoType"] = json!(item.kind);
        }
        _ => {}
    }
    v
}

fn collection_json(ctx: &Ctx, db: &Db, c: &CollectionRecord, items: usize) -> Value {
    let mut v = json!({
        "slug": c.slug,
        "title": c.title,
        "owner": {"name": c.owner, "type": if db.orgs.contains_key(&c.owner) { "org" } else { "user" }},
        "items": c.items.iter().take(items).enumerate().map(|(i, it)| item_json(it, i)).collect::<Vec<_>>(),
        "lastUpdated": iso8601(c.last_updated_secs),
        "position": c.position,
        "private": c.private,
        "theme": c.theme,
        "upvotes": c.upvotes,
        "isUpvotedByUser": false,
        "shareUrl": format!("{}/collections/{}", ctx.shared.endpoint, c.slug),
    });
    if let Some(d) = &c.description {
        v["description"] = json!(d);
    }
    v
}

/// `my Title!` → `my-title`.
fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "collection".to_owned()
    } else {
        out.chars().take(60).collect()
    }
}

/// `/api/collections[/{slug}[/items[/{id}]]]`: `segs` follow `collections`.
pub(crate) fn route(ctx: &Ctx, segs: &[String]) -> Response {
    match (segs.len(), &ctx.method) {
        (0, &Method::GET) => list(ctx),
        (0, &Method::POST) => create(ctx),
        (2, &Method::GET) => get(ctx, &segs.join("/")),
        (2, &Method::PATCH) => update(ctx, &segs.join("/")),
        (2, &Method::DELETE) => delete(ctx, &segs.join("/")),
        (3, &Method::POST) if segs[2] == "items" => add_item(ctx, &segs[..2].join("/")),
        (4, &Method::PATCH | &Method::DELETE) if segs[2] == "items" => {
            change_item(ctx, &segs[..2].join("/"), &segs[3])
        }
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

fn list(ctx: &Ctx) -> Response {
    let db = ctx.db();
    let owner = ctx.q("owner");
    let item = ctx.q("item").map(|i| {
        // `models/gpt2`, `datasets/squad`, `spaces/x/y`, `papers/2311.12983`; a bare id is a model.
        match i.split_once('/') {
            Some((
                kind @ ("models" | "datasets" | "spaces" | "papers" | "collections" | "buckets"),
                rest,
            )) => (kind.trim_end_matches('s').to_owned(), rest.to_owned()),
            _ => ("model".to_owned(), i.to_owned()),
        }
    });
    let mut found: Vec<&CollectionRecord> = db
        .collections
        .values()
        .filter(|c| visible(&db, ctx, c))
        .filter(|c| owner.is_none_or(|o| c.owner == o))
        .filter(|c| {
            item.as_ref()
                .is_none_or(|(kind, id)| c.items.iter().any(|it| it.kind == *kind && it.id == *id))
        })
        .collect();
    match ctx.q("sort") {
        Some("upvotes") | Some("trending") => {
            found.sort_by(|a, b| b.upvotes.cmp(&a.upvotes).then(a.slug.cmp(&b.slug)));
        }
        _ => found.sort_by(|a, b| {
            b.last_updated_secs
                .cmp(&a.last_updated_secs)
                .then(a.slug.cmp(&b.slug))
        }),
    }
    let page = ctx
        .q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(PAGE_SIZE)
        .clamp(1, PAGE_SIZE);
    let start: usize = ctx.q("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let total = found.len();
    let out: Vec<Value> = found
        .into_iter()
        .skip(start)
        .take(page)
        .map(|c| {
            let mut v = collection_json(ctx, &db, c, LISTING_ITEMS);
            // The Hub's listing has no position (Python numbers the collections it lists).
            if let Some(o) = v.as_object_mut() {
                o.remove("position");
            }
            v
        })
        .collect();
    let mut resp = ok_json(Value::Array(out));
    if start + page < total {
        set_header(&mut resp, "link", &next_link(ctx, start + page));
    }
    resp
}

fn get(ctx: &Ctx, slug: &str) -> Response {
    let db = ctx.db();
    match db.collections.get(slug) {
        Some(c) if visible(&db, ctx, c) => ok_json(collection_json(ctx, &db, c, MAX_ITEMS)),
        _ => not_found(slug),
    }
}

/// The collection, for a change by the caller: Err = 404 (invisible) or 403.
fn writable<'a>(
    ctx: &Ctx,
    db: &'a mut Db,
    slug: &str,
) -> Result<&'a mut CollectionRecord, Response> {
    let owner = match db.collections.get(slug) {
        Some(c) if visible(db, ctx, c) => c.owner.clone(),
        _ => return Err(not_found(slug)),
    };
    if ctx.caller.token().is_none() {
        return Err(error_response(
            401,
            None,
            "You must be authenticated to manage collections",
        ));
    }
    db.check_namespace_write(&ctx.caller, &owner, "collection.write", "collections")
        .map_err(|m| forbidden(&m))?;
    db.collections.get_mut(slug).ok_or_else(|| not_found(slug))
}

fn text_field(body: &Value, key: &str, max: usize) -> Result<Option<String>, Response> {
    match &body[key] {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= max => Ok(Some(s.clone())),
        Value::String(_) => Err(error_response(
            400,
            None,
            &format!("\"{key}\" must be at most {max} characters"),
        )),
        _ => Err(error_response(
            400,
            None,
            &format!("\"{key}\" must be a string"),
        )),
    }
}

fn create(ctx: &Ctx) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(title) = body["title"]
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return error_response(400, None, "\"title\" is required");
    };
    if title.chars().count() > 60 {
        return error_response(400, None, "\"title\" must be at most 60 characters");
    }
    let description = match text_field(&body, "description", 150) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(user) = ctx.user().map(str::to_owned) else {
        return error_response(401, None, "You must be authenticated to manage collections");
    };
    let namespace = body["namespace"].as_str().unwrap_or(&user).to_owned();
    let mut db = ctx.db();
    if !db.users.contains_key(&namespace) && !db.orgs.contains_key(&namespace) {
        return error_response(404, None, &format!("Namespace {namespace} not found"));
    }
    if let Err(m) =
        db.check_namespace_write(&ctx.caller, &namespace, "collection.write", "collections")
    {
        return forbidden(&m);
    }
    if let Some(existing) = db
        .collections
        .values()
        .find(|c| c.owner == namespace && c.title == title)
    {
        let mut resp = crate::util::json_response(
            axum::http::StatusCode::CONFLICT,
            &json!({"error": "Collection already exists", "slug": existing.slug}),
        );
        set_header(&mut resp, "x-error-message", "Collection already exists");
        return resp;
    }
    let slug = format!("{namespace}/{}-{}", slugify(title), random_hex(24));
    let position = db
        .collections
        .values()
        .filter(|c| c.owner == namespace)
        .count() as i64;
    let record = CollectionRecord {
        slug: slug.clone(),
        title: title.to_owned(),
        owner: namespace,
        description,
        private: body["private"].as_bool().unwrap_or(false),
        theme: "indigo".to_owned(),
        position,
        upvotes: 0,
        last_updated_secs: now_secs(),
        items: Vec::new(),
    };
    let out = collection_json(ctx, &db, &record, MAX_ITEMS);
    db.collections.insert(slug, record);
    ok_json(out)
}

fn update(ctx: &Ctx, slug: &str) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (title, description) = match (
        text_field(&body, "title", 60),
        text_field(&body, "description", 150),
    ) {
        (Ok(t), Ok(d)) => (t, d),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let theme = match text_field(&body, "theme", 20) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let mut db = ctx.db();
    let c = match writable(ctx, &mut db, slug) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Some(t) = title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        c.title = t;
    }
    if let Some(d) = description {
        c.description = Some(d);
    }
    if let Some(t) = theme {
        c.theme = t;
    }
    if let Some(p) = body["private"].as_bool() {
        c.private = p;
    }
    if let Some(p) = body["position"].as_i64() {
        c.position = p;
    }
    c.last_updated_secs = now_secs();
    let c = c.clone();
    ok_json(json!({"success": true, "data": collection_json(ctx, &db, &c, MAX_ITEMS)}))
}

fn delete(ctx: &Ctx, slug: &str) -> Response {
    let mut db = ctx.db();
    if let Err(r) = writable(ctx, &mut db, slug) {
        return r;
    }
    db.collections.remove(slug);
    ok_json(json!({"success": true}))
}

/// Whether the item a collection would point at exists (and the caller sees it).
fn item_exists(ctx: &Ctx, db: &Db, kind: &str, id: &str) -> bool {
    match kind {
        "model" | "dataset" | "space" => {
            let repo_kind = RepoType::from_singular(kind).unwrap_or(RepoType::Model);
            db.repos
                .get(&(repo_kind, id.to_owned()))
                .is_some_and(|r| db.can_read(&ctx.caller, r))
        }
        "paper" => PAPERS.iter().any(|p| p.id == id),
        "collection" => db.collections.get(id).is_some_and(|c| visible(db, ctx, c)),
        _ => true,
    }
}

fn add_item(ctx: &Ctx, slug: &str) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (Some(id), Some(kind)) = (body["item"]["id"].as_str(), body["item"]["type"].as_str())
    else {
        return error_response(400, None, "\"item\" must be {\"id\", \"type\"}");
    };
    if !ITEM_TYPES.contains(&kind) {
        return error_response(
            400,
            None,
            &format!(
                "Invalid item type '{kind}': one of {}",
                ITEM_TYPES.join(", ")
            ),
        );
    }
    let note = match text_field(&body, "note", 500) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut db = ctx.db();
    if let Err(r) = writable(ctx, &mut db, slug) {
        return r;
    }
    if !item_exists(ctx, &db, kind, id) {
        return error_response(404, None, &format!("{kind} {id} not found"));
    }
    let Some(c) = db.collections.get_mut(slug) else {
        return not_found(slug);
    };
    if c.items.iter().any(|it| it.kind == kind && it.id == id) {
        return error_response(
            409,
            None,
            &format!("Item {kind} {id} is already in the collection"),
        );
    }
    if c.items.len() >= MAX_ITEMS {
        return error_response(
            400,
            None,
            &format!("A collection holds at most {MAX_ITEMS} items"),
        );
    }
    c.items.push(CollectionItemRecord {
        object_id: sha1_hex(format!("{slug}/{kind}/{id}/{}", now_secs()).as_bytes())[..24]
            .to_owned(),
        id: id.to_owned(),
        kind: kind.to_owned(),
        note,
    });
    c.last_updated_secs = now_secs();
    let c = c.clone();
    ok_json(collection_json(ctx, &db, &c, MAX_ITEMS))
}

fn change_item(ctx: &Ctx, slug: &str, object_id: &str) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let note = match text_field(&body, "note", 500) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut db = ctx.db();
    let c = match writable(ctx, &mut db, slug) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(at) = c.items.iter().position(|it| it.object_id == object_id) else {
        return error_response(404, None, &format!("Item {object_id} not found in {slug}"));
    };
    if ctx.method == Method::DELETE {
        c.items.remove(at);
    } else {
        if let Some(n) = note {
            c.items[at].note = Some(n);
        }
        if let Some(p) = body["position"].as_u64() {
            let item = c.items.remove(at);
            let p = usize::try_from(p).unwrap_or(usize::MAX).min(c.items.len());
            c.items.insert(p, item);
        }
    }
    c.last_updated_secs = now_secs();
    ok_json(json!({"success": true}))
}
