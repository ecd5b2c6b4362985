//! Inference Endpoints, served under the Hub origin as two base URLs the start-up line names:
//! the API (`/_endpoints/v2`: `/endpoint/{ns}[/{name}[/pause|resume|scale-to-zero]]`,
//! `/provider/{ns}`) and the catalog (`/_catalog/api/v1/catalog`: `/list`,
//! `/model/{repo}/deploy`, `/recipe/{id}/deploy`).
//!
//! An endpoint deploys through `pending` ([`PENDING_MS`]) and `initializing` (until
//! [`RUNNING_MS`]) to `running`; an update goes through `updating`; pause, resume and
//! scale-to-zero change it at once, and `/_admin/endpoint-state` sets any state (`failed`...).
//! Reading needs a member of the namespace; changing needs write access there (a read
//! token is refused, a fine-grained token needs `inference.endpoints.write` on it). Secret
//! values and registry passwords are stored and never answered.

use axum::http::Method;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::model::{Caller, Db, EndpointPhase, EndpointRecord};
use crate::respond::{Ctx, forbidden};
use crate::util::{error_response, iso8601, now_ms, now_secs, ok_json, random_u64};

/// `pending` lasts this long after a deploy or resume...
pub(crate) const PENDING_MS: u64 = 300;
/// ...then `initializing` (or `updating`) until this long after it.
pub(crate) const RUNNING_MS: u64 = 900;
/// At most this many endpoints in a namespace.
const MAX_ENDPOINTS: usize = 50;
/// What replaces a secret value or a password in answers.
const MASK: &str = "********";

/// Vendor, region, accelerator, instance type, size, architecture, accelerators, CPUs,
/// memory GB, GPU memory GB, USD per hour, status, accelerator quota.
type Hardware = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    u64,
    Option<u64>,
    f64,
    &'static str,
    u64,
);

const HARDWARE: &[Hardware] = &[
    (
        "aws",
        "us-east-1",
        "cpu",
        "intel-icl",
        "x1",
        "Intel Ice Lake",
        1,
        1,
        2,
        None,
        0.033,
        "available",
        16,
    ),
    (
        "aws",
        "us-east-1",
        "cpu",
        "intel-icl",
        "x2",
        "Intel Ice Lake",
        2,
        2,
        4,
        None,
        0.067,
        "available",
        16,
    ),
    (
        "aws",
        "us-east-1",
        "cpu",
        "intel-icl",
        "x4",
        "Intel Ice Lake",
        4,
        4,
        8,
        None,
        0.134,
        "available",
        16,
    ),
    (
        "aws",
        "us-east-1",
        "gpu",
        "nvidia-t4",
        "x1",
        "NVIDIA T4",
        1,
        4,
        15,
        Some(16),
        0.5,
        "available",
        4,
    ),
    (
        "aws",
        "us-east-1",
        "gpu",
        "nvidia-l4",
        "x1",
        "NVIDIA L4",
        1,
        8,
        30,
        Some(24),
        0.8,
        "available",
        4,
    ),
    (
        "aws",
        "us-east-1",
        "gpu",
        "nvidia-a100",
        "x8",
        "NVIDIA A100",
        8,
        88,
        1140,
        Some(640),
        36.0,
        "available",
        4,
    ),
    (
        "aws",
        "us-east-1",
        "neuron",
        "inf2",
        "x1",
        "AWS Inferentia2",
        1,
        4,
        16,
        Some(32),
        0.75,
        "deprecated",
        4,
    ),
    (
        "gcp",
        "us-central1",
        "gpu",
        "nvidia-l4",
        "x1",
        "NVIDIA L4",
        1,
        8,
        30,
        Some(24),
        0.7,
        "not_available",
        4,
    ),
];

/// A catalog recipe: id, accelerator, engine, GGUF file.
type Recipe = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);
/// A catalog model: repo, name, author, licence, task, recipes.
type CatalogModel = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [Recipe],
);
const CATALOG: &[CatalogModel] = &[
    (
        "demo-org/demo-model",
        "demo-model",
        "demo-org",
        "Apache 2.0",
        "text-classification",
        &[
            ("crispy-demo-cpu01", "cpu", "tei", None),
            ("crispy-demo-gpu01", "gpu", "vllm", None),
        ],
    ),
    (
        "demo-org/tiny-gguf",
        "tiny-gguf",
        "demo-org",
        "MIT",
        "text-generation",
        &[
            (
                "sizzling-gguf-q4k01",
                "cpu",
                "llamacpp",
                Some("tiny-Q4_K_M.gguf"),
            ),
            (
                "sizzling-gguf-q8001",
                "cpu",
                "llamacpp",
                Some("tiny-Q8_0.gguf"),
            ),
        ],
    ),
];

fn error(status: u16, msg: &str) -> Response {
    error_response(status, None, msg)
}

fn not_found(ns: &str, name: &str) -> Response {
    error(404, &format!("Endpoint {name} not found in {ns}"))
}

/// The state of `phase` at `now`.
fn state(phase: EndpointPhase, now: u64) -> &'static str {
    match phase {
        EndpointPhase::Deploying { since_ms, updating } => {
            let age = now.saturating_sub(since_ms);
            if age < PENDING_MS && !updating {
                "pending"
            } else if age < RUNNING_MS {
                if updating { "updating" } else { "initializing" }
            } else {
                "running"
            }
        }
        EndpointPhase::Fixed(s) => s,
    }
}

/// `values` with every value replaced by [`MASK`].
fn masked(values: &Value) -> Value {
    match values.as_object() {
        Some(map) => Value::Object(map.keys().map(|k| (k.clone(), json!(MASK))).collect()),
        None => values.clone(),
    }
}

/// The endpoint as the API answers it.
fn endpoint_json(ctx: &Ctx, ns: &str, e: &EndpointRecord) -> Value {
    let mut raw = e.spec.clone();
    let now = now_ms();
    let st = state(e.phase, now);
    let name = raw["name"].as_str().unwrap_or_default().to_owned();
    if !raw["model"]["secrets"].is_null() {
        raw["model"]["secrets"] = masked(&raw["model"]["secrets"]);
    }
    if let Some(custom) = raw["model"]["image"]["custom"].as_object_mut()
        && let Some(credentials) = custom.get_mut("credentials")
        && credentials.get("password").is_some()
    {
        credentials["password"] = json!(MASK);
    }
    for key in ["revision", "task"] {
        if raw["model"].get(key).is_none() {
            raw["model"][key] = Value::Null;
        }
    }
    let running = st == "running";
    let replicas = raw["compute"]["scaling"]["minReplica"]
        .as_u64()
        .unwrap_or(1)
        .max(1);
    let mut status = json!({
        "state": st,
        "message": match st {
            "running" => "Endpoint is running",
            "paused" => "Endpoint is paused",
            "scaledToZero" => "Endpoint is scaled to zero",
            "failed" => "Endpoint failed to start",
            _ => "Endpoint is being deployed",
        },
        "createdAt": iso8601(e.created_secs),
        "updatedAt": iso8601(e.updated_secs),
        "createdBy": {"id": crate::util::sha1_hex(e.created_by.as_bytes())[..24], "name": e.created_by},
        "updatedBy": {"id": crate::util::sha1_hex(e.updated_by.as_bytes())[..24], "name": e.updated_by},
        "readyReplica": if running { replicas } else { 0 },
        "targetReplica": if matches!(st, "paused" | "scaledToZero") { 0 } else { replicas },
        "private": null,
    });
    if running {
        status["url"] = json!(format!(
            "{}/_endpoints/run/{ns}/{name}",
            ctx.shared.endpoint
        ));
    }
    raw["status"] = status;
    raw["healthRoute"] = raw["model"]["image"]
        .as_object()
        .and_then(|i| {
            i.values()
                .find_map(|v| v["healthRoute"].as_str().map(str::to_owned))
        })
        .map_or(json!("/health"), Value::from);
    raw["accountId"] = Value::Null;
    raw
}

/// Checks the caller may read (`write` false) or change the endpoints of `ns`.
fn check(ctx: &Ctx, db: &Db, ns: &str, write: bool) -> Result<(), Response> {
    if matches!(ctx.caller, Caller::Anonymous) {
        return Err(error(
            401,
            "You must be authenticated to use Inference Endpoints",
        ));
    }
    if !db.users.contains_key(ns) && !db.orgs.contains_key(ns) {
        return Err(error(404, &format!("Namespace {ns} not found")));
    }
    let result = if write {
        db.check_namespace_write(
            &ctx.caller,
            ns,
            "inference.endpoints.write",
            "Inference Endpoints",
        )
    } else {
        db.check_namespace_read(
            &ctx.caller,
            ns,
            "inference.endpoints.write",
            "Inference Endpoints",
        )
    };
    result.map_err(|m| forbidden(&m))
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=32).contains(&name.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

fn hardware_of(compute: &Value, provider: &Value) -> Option<&'static Hardware> {
    HARDWARE.iter().find(|h| {
        Some(h.0) == provider["vendor"].as_str()
            && Some(h.1) == provider["region"].as_str()
            && Some(h.2) == compute["accelerator"].as_str()
            && Some(h.3) == compute["instanceType"].as_str()
            && Some(h.4) == compute["instanceSize"].as_str()
    })
}

/// Accelerators of `instance_type` in use in `ns` (endpoints not paused, scaled to zero or failed).
fn used(db: &Db, ns: &str, vendor: &str, instance_type: &str, except: Option<&str>) -> u64 {
    let now = now_ms();
    db.endpoints
        .iter()
        .filter(|((n, name), e)| {
            n == ns
                && Some(name.as_str()) != except
                && e.spec["compute"]["instanceType"] == instance_type
                && e.spec["provider"]["vendor"] == vendor
                && !matches!(state(e.phase, now), "paused" | "scaledToZero" | "failed")
        })
        .map(|(_, e)| {
            hardware_of(&e.spec["compute"], &e.spec["provider"]).map_or(0, |h| h.6)
                * e.spec["compute"]["scaling"]["minReplica"]
                    .as_u64()
                    .unwrap_or(1)
                    .max(1)
        })
        .sum()
}

/// Validates a spec's compute against the hardware and the quota. Err = 400 message.
fn check_compute(db: &Db, ns: &str, spec: &Value, except: Option<&str>) -> Result<(), String> {
    let (compute, provider) = (&spec["compute"], &spec["provider"]);
    let Some(h) = hardware_of(compute, provider) else {
        return Err(format!(
            "No such hardware: vendor '{}', region '{}', accelerator '{}', instance type '{}', size '{}' (see /provider/{ns})",
            provider["vendor"].as_str().unwrap_or(""),
            provider["region"].as_str().unwrap_or(""),
            compute["accelerator"].as_str().unwrap_or(""),
            compute["instanceType"].as_str().unwrap_or(""),
            compute["instanceSize"].as_str().unwrap_or(""),
        ));
    };
    if matches!(h.11, "deprecated" | "not_available") {
        return Err(format!("Hardware {} {} in {} is {}", h.3, h.4, h.1, h.11));
    }
    let scaling = &compute["scaling"];
    let (min, max) = (
        scaling["minReplica"].as_u64().unwrap_or(1),
        scaling["maxReplica"].as_u64().unwrap_or(1),
    );
    if max == 0 || min > max {
        return Err(format!(
            "Invalid scaling: minReplica {min}, maxReplica {max}"
        ));
    }
    let need = h.6 * min.max(1);
    let in_use = used(db, ns, h.0, h.3, except);
    if in_use + need > h.12 {
        return Err(format!(
            "Quota exceeded: {ns} uses {in_use} of {} {} accelerators, this needs {need}",
            h.12, h.3
        ));
    }
    Ok(())
}

/// `/_endpoints/v2/...`: `segs` follow `v2`.
pub(crate) fn api(ctx: &Ctx, segs: &[String]) -> Response {
    let m = &ctx.method;
    match segs {
        [kind, ns] if kind == "provider" && *m == Method::GET => provider(ctx, ns),
        [kind, ns] if kind == "endpoint" && *m == Method::GET => list(ctx, ns),
        [kind, ns] if kind == "endpoint" && *m == Method::POST => create(ctx, ns),
        [kind, ns, name] if kind == "endpoint" => one(ctx, ns, name),
        [kind, ns, name, action] if kind == "endpoint" && *m == Method::POST => {
            change(ctx, ns, name, action)
        }
        _ => error(404, &format!("Not found: {} {}", ctx.method, ctx.path)),
    }
}

fn provider(ctx: &Ctx, ns: &str) -> Response {
    let db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, false) {
        return r;
    }
    // Vendor name, then its regions with their computes, in the table's order.
    type Regions = Vec<(String, Vec<Value>)>;
    let mut vendors: Vec<(String, Regions)> = Vec::new();
    for h in HARDWARE {
        let compute = json!({
            "id": format!("{}-{}-{}-{}-{}", h.0, h.1, h.2, h.3, h.4),
            "accelerator": h.2,
            "instanceType": h.3,
            "instanceSize": h.4,
            "architecture": h.5,
            "numAccelerators": h.6,
            "numCpus": h.7,
            "memoryGb": h.8,
            "gpuMemoryGb": h.9,
            "pricePerHour": h.10,
            "status": h.11,
            "quota": {"maxAccelerators": h.12, "usedAccelerators": used(&db, ns, h.0, h.3, None)},
        });
        let vendor = match vendors.iter_mut().position(|v| v.0 == h.0) {
            Some(i) => &mut vendors[i],
            None => {
                vendors.push((h.0.to_owned(), Vec::new()));
                vendors.last_mut().expect("just pushed")
            }
        };
        match vendor.1.iter_mut().find(|r| r.0 == h.1) {
            Some(region) => region.1.push(compute),
            None => vendor.1.push((h.1.to_owned(), vec![compute])),
        }
    }
    let vendors: Vec<Value> = vendors
        .into_iter()
        .map(|(name, regions)| {
            json!({
                "name": name,
                "regions": regions.into_iter().map(|(r, computes)| json!({"name": r, "label": r, "status": "available", "computes": computes})).collect::<Vec<_>>(),
            })
        })
        .collect();
    ok_json(json!({"vendors": vendors}))
}

fn list(ctx: &Ctx, ns: &str) -> Response {
    let db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, false) {
        return r;
    }
    let items: Vec<Value> = db
        .endpoints
        .iter()
        .filter(|((n, _), _)| n == ns)
        .map(|(_, e)| endpoint_json(ctx, ns, e))
        .collect();
    ok_json(json!({"items": items}))
}

/// Validates a create payload into a stored spec.
fn spec_from(body: &Value) -> Result<Value, String> {
    let name = body["name"].as_str().unwrap_or_default();
    if !valid_name(name) {
        return Err(format!(
            "Invalid endpoint name '{name}': 1 to 32 lowercase letters, digits and dashes, not starting or ending with a dash"
        ));
    }
    for (path, value) in [
        ("compute.accelerator", &body["compute"]["accelerator"]),
        ("compute.instanceSize", &body["compute"]["instanceSize"]),
        ("compute.instanceType", &body["compute"]["instanceType"]),
        ("model.framework", &body["model"]["framework"]),
        ("model.repository", &body["model"]["repository"]),
        ("provider.region", &body["provider"]["region"]),
        ("provider.vendor", &body["provider"]["vendor"]),
    ] {
        if value.as_str().is_none_or(str::is_empty) {
            return Err(format!("\"{path}\" is required"));
        }
    }
    if !body["model"]["image"].is_object() {
        return Err("\"model.image\" is required".into());
    }
    let kind = body["type"].as_str().unwrap_or("authenticated");
    if !matches!(kind, "public" | "authenticated" | "private") {
        return Err(format!(
            "Invalid type '{kind}': public, authenticated or private"
        ));
    }
    if body["model"].get("task").is_some_and(Value::is_null) {
        return Err("\"model.task\" must not be null".into());
    }
    let mut spec = body.clone();
    spec["type"] = json!(kind);
    Ok(spec)
}

fn create(ctx: &Ctx, ns: &str) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let spec = match spec_from(&body) {
        Ok(s) => s,
        Err(m) => return error(400, &m),
    };
    let mut db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, true) {
        return r;
    }
    insert(ctx, &mut db, ns, spec)
}

/// Stores a new endpoint (name free, hardware and quota checked) and answers it.
fn insert(ctx: &Ctx, db: &mut Db, ns: &str, spec: Value) -> Response {
    let name = spec["name"].as_str().unwrap_or_default().to_owned();
    if db.endpoints.contains_key(&(ns.to_owned(), name.clone())) {
        return error(409, &format!("Endpoint {name} already exists in {ns}"));
    }
    if db.endpoints.keys().filter(|(n, _)| n == ns).count() >= MAX_ENDPOINTS {
        return error(
            400,
            &format!("A namespace may have at most {MAX_ENDPOINTS} endpoints"),
        );
    }
    if let Err(m) = check_compute(db, ns, &spec, None) {
        return error(400, &m);
    }
    let user = ctx.user().unwrap_or_default().to_owned();
    let record = EndpointRecord {
        spec,
        phase: EndpointPhase::Deploying {
            since_ms: now_ms(),
            updating: false,
        },
        created_secs: now_secs(),
        updated_secs: now_secs(),
        created_by: user.clone(),
        updated_by: user,
    };
    let out = endpoint_json(ctx, ns, &record);
    db.endpoints.insert((ns.to_owned(), name), record);
    ok_json(out)
}

/// Merges `patch` into `target`, objects key by key (what a PUT of a partial spec does).
fn merge(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => {
            for (k, v) in p {
                // A new image replaces the old one (another variant is another key).
                if k == "image" || !v.is_object() {
                    t.insert(k.clone(), v.clone());
                } else {
                    merge(
                        t.entry(k.clone())
                            .or_insert_with(|| Value::Object(Map::new())),
                        v,
                    );
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

fn one(ctx: &Ctx, ns: &str, name: &str) -> Response {
    let write = ctx.method != Method::GET;
    let mut db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, write) {
        return r;
    }
    let key = (ns.to_owned(), name.to_owned());
    if !db.endpoints.contains_key(&key) {
        return not_found(ns, name);
    }
    match ctx.method {
        Method::GET => ok_json(endpoint_json(ctx, ns, &db.endpoints[&key])),
        Method::DELETE => {
            db.endpoints.remove(&key);
            ok_json(json!({}))
        }
        Method::PUT => {
            let body = match ctx.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            if body.get("name").is_some_and(|n| n != name) {
                return error(400, "An endpoint cannot be renamed");
            }
            let mut spec = db.endpoints[&key].spec.clone();
            merge(&mut spec, &body);
            if let Err(m) = spec_from(&spec) {
                return error(400, &m);
            }
            if let Err(m) = check_compute(&db, ns, &spec, Some(name)) {
                return error(400, &m);
            }
            let user = ctx.user().unwrap_or_default().to_owned();
            let Some(e) = db.endpoints.get_mut(&key) else {
                return not_found(ns, name);
            };
            e.spec = spec;
            e.updated_secs = now_secs();
            e.updated_by = user;
            if !matches!(state(e.phase, now_ms()), "paused" | "scaledToZero") {
                e.phase = EndpointPhase::Deploying {
                    since_ms: now_ms(),
                    updating: true,
                };
            }
            ok_json(endpoint_json(ctx, ns, e))
        }
        _ => error(405, "Method not allowed"),
    }
}

fn change(ctx: &Ctx, ns: &str, name: &str, action: &str) -> Response {
    let mut db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, true) {
        return r;
    }
    let key = (ns.to_owned(), name.to_owned());
    let Some(current) = db.endpoints.get(&key).map(|e| state(e.phase, now_ms())) else {
        return not_found(ns, name);
    };
    let phase = match action {
        "pause" => EndpointPhase::Fixed("paused"),
        "scale-to-zero" => EndpointPhase::Fixed("scaledToZero"),
        "resume" => {
            if current == "running" {
                return error(400, &format!("Endpoint {name} is already running"));
            }
            if let Err(m) = check_compute(&db, ns, &db.endpoints[&key].spec, Some(name)) {
                return error(400, &m);
            }
            EndpointPhase::Deploying {
                since_ms: now_ms(),
                updating: false,
            }
        }
        _ => return error(404, &format!("Not found: {} {}", ctx.method, ctx.path)),
    };
    let user = ctx.user().unwrap_or_default().to_owned();
    let Some(e) = db.endpoints.get_mut(&key) else {
        return not_found(ns, name);
    };
    e.phase = phase;
    e.updated_secs = now_secs();
    e.updated_by = user;
    ok_json(endpoint_json(ctx, ns, e))
}

/// `/_catalog/api/v1/catalog/...`: `segs` follow `catalog`.
pub(crate) fn catalog(ctx: &Ctx, segs: &[String]) -> Response {
    match (segs.first().map(String::as_str), &ctx.method) {
        (Some("list"), &Method::GET) if segs.len() == 1 => catalog_list(ctx),
        (Some("model"), &Method::POST)
            if segs.len() >= 3 && segs.last().is_some_and(|s| s == "deploy") =>
        {
            catalog_deploy(ctx, Some(&segs[1..segs.len() - 1].join("/")), None)
        }
        (Some("recipe"), &Method::POST) if segs.len() == 3 && segs[2] == "deploy" => {
            catalog_deploy(ctx, None, Some(&segs[1]))
        }
        _ => error(404, &format!("Not found: {} {}", ctx.method, ctx.path)),
    }
}

fn catalog_list(ctx: &Ctx) -> Response {
    let (accelerator, engine, license, task) = (
        ctx.q("accelerator"),
        ctx.q("engine"),
        ctx.q("license"),
        ctx.q("task"),
    );
    let search = ctx.q("search").map(str::to_lowercase);
    let limit = ctx
        .q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 1000);
    let items: Vec<Value> = CATALOG
        .iter()
        .filter(|m| license.is_none_or(|l| m.3 == l) && task.is_none_or(|t| m.4 == t))
        .filter(|m| search.as_ref().is_none_or(|s| m.0.to_lowercase().contains(s)))
        .filter_map(|m| {
            let recipes: Vec<Value> = m
                .5
                .iter()
                .filter(|r| accelerator.is_none_or(|a| r.1 == a) && engine.is_none_or(|e| r.2 == e))
                .map(|r| json!({"publicId": r.0, "accelerator": r.1, "engineType": r.2, "ggufFile": r.3, "revision": null}))
                .collect();
            (!recipes.is_empty()).then(|| {
                json!({
                    "repoId": m.0, "modelName": m.1, "authorName": m.2, "license": m.3,
                    "task": m.4, "createdAt": iso8601(1_764_547_200), "recipes": recipes,
                })
            })
        })
        .take(limit)
        .collect();
    ok_json(json!({"items": items}))
}

fn catalog_deploy(ctx: &Ctx, repo: Option<&str>, recipe: Option<&str>) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(ns) = body["namespace"].as_str() else {
        return error(400, "\"namespace\" is required");
    };
    let found = CATALOG.iter().find_map(|m| {
        if let Some(repo) = repo {
            if m.0 != repo {
                return None;
            }
            let accelerator = body["accelerator"].as_str();
            let gguf = body["ggufFile"].as_str();
            m.5.iter()
                .find(|r| {
                    accelerator.is_none_or(|a| r.1 == a) && gguf.is_none_or(|g| r.3 == Some(g))
                })
                .map(|r| (m, r))
        } else {
            m.5.iter().find(|r| Some(r.0) == recipe).map(|r| (m, r))
        }
    });
    let Some((model, r)) = found else {
        return error(
            404,
            &match (repo, recipe) {
                (Some(repo), _) => format!("No catalog recipe for {repo} with these options"),
                (_, Some(id)) => format!("Recipe {id} not found in the catalog"),
                _ => "Not found".to_owned(),
            },
        );
    };
    let name = body["config"]["name"].as_str().map_or_else(
        || {
            format!(
                "{}-{:05x}",
                model.1.chars().take(26).collect::<String>(),
                random_u64() % 0xfffff
            )
        },
        str::to_owned,
    );
    let (instance_type, size) = if r.1 == "gpu" {
        ("nvidia-l4", "x1")
    } else {
        ("intel-icl", "x2")
    };
    let mut image = Map::new();
    image.insert(
        match r.2 {
            "vllm" => "vLLM",
            "llamacpp" => "llamacpp",
            "tei" => "tei",
            other => other,
        }
        .to_owned(),
        json!({"url": format!("registry.example/{}:latest", r.2), "healthRoute": "/health", "port": 80}),
    );
    let mut spec = json!({
        "name": name,
        "type": "authenticated",
        "compute": {"accelerator": r.1, "instanceType": instance_type, "instanceSize": size,
                    "scaling": {"minReplica": 1, "maxReplica": 1, "scaleToZeroTimeout": 15}},
        "model": {"framework": "pytorch", "repository": model.0, "revision": null, "task": model.4, "image": image},
        "provider": {"vendor": "aws", "region": "us-east-1"},
    });
    if let Some(g) = r.3 {
        spec["model"]["env"] = json!({"GGUF_FILE": g});
    }
    if let Err(m) = spec_from(&spec) {
        return error(400, &m);
    }
    let mut db = ctx.db();
    if let Err(r) = check(ctx, &db, ns, true) {
        return r;
    }
    let resp = insert(ctx, &mut db, ns, spec);
    if !resp.status().is_success() {
        return resp;
    }
    let record = &db.endpoints[&(ns.to_owned(), name)];
    ok_json(json!({"endpoint": endpoint_json(ctx, ns, record)}))
}

/// `POST /_admin/endpoint-state` `{"namespace", "name", "state"}`: sets the state at once
/// (`running`, `failed`, `paused`, `scaledToZero`, or `pending` to deploy again).
pub(crate) fn admin(ctx: &Ctx) -> Response {
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (Some(ns), Some(name), Some(st)) = (
        body["namespace"].as_str(),
        body["name"].as_str(),
        body["state"].as_str(),
    ) else {
        return error(400, "expected {\"namespace\", \"name\", \"state\"}");
    };
    let Some(phase) = EndpointPhase::set_to(st, now_ms()) else {
        return error(400, &format!("unknown state '{st}'"));
    };
    let mut db = ctx.db();
    let Some(e) = db.endpoints.get_mut(&(ns.to_owned(), name.to_owned())) else {
        return not_found(ns, name);
    };
    e.phase = phase;
    e.updated_secs = now_secs();
    ok_json(json!({"state": st}))
}
