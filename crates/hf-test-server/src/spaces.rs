//! A Space's runtime: its stage (a restart or a hardware change builds for [`BUILD_MS`],
//! then runs), pause, restart, hardware, sleep time, dev mode, the hardware catalogue, and
//! the build and run logs as a Server-Sent Events stream, and semantic search.
//!
//! Changing a Space needs write access to it; so does reading its logs (apps print secrets).

use std::time::Duration;

use axum::body::Body;
use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::model::{BUILD_MS, Repo, RepoType, SpaceLog};
use crate::respond::{Ctx, repo_not_found, writable};
use crate::util::{error_response, iso8601, now_ms, ok_json, set_header};

/// The longest a followed log stream stays open.
const FOLLOW_LIMIT: Duration = Duration::from_secs(30);

/// The hardware a Space may request: `/api/spaces/hardware`, as the Hub lists it.
/// An accelerator: model, quantity, memory.
type Accelerator = Option<(&'static str, &'static str, &'static str)>;

/// Name, display name, CPU, RAM, accelerator, micro-dollars a minute.
const HARDWARE: &[(&str, &str, &str, &str, Accelerator, u64)] = &[
    ("cpu-basic", "CPU Basic", "2 vCPU", "16 GB", None, 0),
    ("cpu-upgrade", "CPU Upgrade", "8 vCPU", "32 GB", None, 500),
    (
        "t4-small",
        "Nvidia T4 - small",
        "4 vCPU",
        "15 GB",
        Some(("T4", "1", "16 GB")),
        6667,
    ),
    (
        "t4-medium",
        "Nvidia T4 - medium",
        "8 vCPU",
        "30 GB",
        Some(("T4", "1", "16 GB")),
        10000,
    ),
    (
        "l4x1",
        "1x Nvidia L4",
        "8 vCPU",
        "30 GB",
        Some(("L4", "1", "24 GB")),
        13333,
    ),
    (
        "a10g-small",
        "Nvidia A10G - small",
        "4 vCPU",
        "15 GB",
        Some(("A10G", "1", "24 GB")),
        16667,
    ),
    (
        "a100-large",
        "Nvidia A100 - large",
        "12 vCPU",
        "142 GB",
        Some(("A100", "1", "80 GB")),
        41667,
    ),
];

fn iso_ms(ms: u64) -> String {
    let secs = iso8601(ms / 1000);
    format!("{}.{:03}Z", &secs[..secs.len() - 5], ms % 1000)
}

/// `GET /api/spaces/hardware`.
pub(crate) fn hardware() -> Response {
    let list: Vec<Value> = HARDWARE
        .iter()
        .map(|(name, pretty, cpu, ram, accelerator, micro_usd)| {
            json!({
                "name": name,
                "prettyName": pretty,
                "cpu": cpu,
                "ram": ram,
                "ephemeralStorage": "50 GB",
                "accelerator": accelerator.map(|(model, quantity, vram)| json!({
                    "type": "gpu", "model": model, "quantity": quantity, "vram": vram, "manufacturer": "Nvidia",
                })),
                "unitCostMicroUSD": micro_usd,
                "unitCostUSD": *micro_usd as f64 / 1_000_000.0,
                "unitLabel": "minute",
            })
        })
        .collect();
    ok_json(Value::Array(list))
}

/// Starts a build: its log lines, and the run log's once it would be up.
fn rebuild(repo: &mut Repo, why: &str) {
    let now = now_ms();
    let space = &mut repo.space;
    space.current_hardware = Some(space.hardware_at(now));
    space.stage = "";
    space.settles_at_ms = Some(now + BUILD_MS);
    let hardware = space.hardware.clone().unwrap_or_else(|| "cpu-basic".into());
    for (build, offset, line) in [
        (true, 0, format!("===== Build Queued ({why}) =====")),
        (true, BUILD_MS / 3, "--> Building the image".to_owned()),
        (true, BUILD_MS * 2 / 3, "--> Pushing the image".to_owned()),
        (
            false,
            BUILD_MS,
            format!("===== Application Startup on {hardware} ====="),
        ),
        (
            false,
            BUILD_MS + 20,
            "Running on local URL:  http://0.0.0.0:7860".to_owned(),
        ),
    ] {
        space.logs.push(SpaceLog {
            build,
            at_ms: now + offset,
            line,
        });
    }
}

/// `POST /api/spaces/{id}/{pause,restart,hardware,sleeptime,dev-mode}`.
pub(crate) fn change(ctx: &Ctx, id: &str, action: &str) -> Response {
    let body = if ctx.body.is_empty() {
        json!({})
    } else {
        match ctx.json_body() {
            Ok(b) => b,
            Err(r) => return r,
        }
    };
    let mut db = match writable(ctx, RepoType::Space, id) {
        Ok(db) => db,
        Err(r) => return r,
    };
    let Some(repo) = db.repos.get_mut(&(RepoType::Space, id.to_owned())) else {
        return repo_not_found(&ctx.caller);
    };
    match action {
        "pause" => {
            repo.space.settles_at_ms = None;
            repo.space.stage = "PAUSED";
        }
        "restart" => {
            let factory = ctx.q("factory") == Some("true");
            rebuild(repo, if factory { "factory reboot" } else { "restart" });
        }
        "hardware" => {
            let Some(flavor) = body["flavor"].as_str() else {
                return error_response(400, None, "a hardware request needs a 'flavor'");
            };
            if !HARDWARE.iter().any(|h| h.0 == flavor) {
                return error_response(400, None, &format!("Unknown hardware flavor: {flavor}"));
            }
            repo.space.hardware = Some(flavor.to_owned());
            if let Some(seconds) = body["sleepTimeSeconds"].as_i64() {
                repo.space.sleep_time = Some(seconds);
            }
            rebuild(repo, &format!("hardware {flavor}"));
        }
        "sleeptime" => {
            let Some(seconds) = body["seconds"].as_i64() else {
                return error_response(400, None, "a sleep time needs 'seconds'");
            };
            repo.space.sleep_time = Some(seconds);
        }
        "dev-mode" => repo.space.dev_mode = body["enabled"].as_bool().unwrap_or(false),
        _ => return error_response(404, None, &format!("Not found: {}", ctx.path)),
    }
    ok_json(repo.space.runtime_json())
}

/// `POST /_admin/space-stage` `{repo, stage}`: sets a stage (`BUILD_ERROR`...) at once, and
/// `{repo, logs: [..], build?}` appends log lines due now.
pub(crate) fn admin(ctx: &Ctx) -> Response {
    let v: Value = serde_json::from_slice(&ctx.body).unwrap_or(json!({}));
    let Some(id) = v["repo"].as_str() else {
        return error_response(400, None, "expected {\"repo\", \"stage\"?, \"logs\"?}");
    };
    let mut db = ctx.db();
    let Some(repo) = db.repos.get_mut(&(RepoType::Space, id.to_owned())) else {
        return error_response(404, None, "no such Space");
    };
    if let Some(stage) = v["stage"].as_str() {
        repo.space.settles_at_ms = None;
        repo.space.stage = match stage {
            "RUNNING" => "",
            "BUILDING" => "BUILDING",
            "BUILD_ERROR" => "BUILD_ERROR",
            "RUNTIME_ERROR" => "RUNTIME_ERROR",
            "PAUSED" => "PAUSED",
            "STOPPED" => "STOPPED",
            "APP_STARTING" => "APP_STARTING",
            other => return error_response(400, None, &format!("unknown stage {other}")),
        };
    }
    let build = v["build"].as_bool().unwrap_or(false);
    for line in v["logs"].as_array().into_iter().flatten() {
        if let Some(line) = line.as_str() {
            repo.space.logs.push(SpaceLog {
                build,
                at_ms: now_ms(),
                line: line.to_owned(),
            });
        }
    }
    ok_json(repo.space.runtime_json())
}

/// `GET /api/spaces/{id}/logs/{build,run}`: an SSE stream of `data: {"data", "timestamp"}`;
/// it ends once every line due is sent, unless a build is still writing its lines (a
/// follower then sees them arrive), and after [`FOLLOW_LIMIT`] at most.
pub(crate) fn logs(ctx: &Ctx, id: &str, kind: &str) -> Response {
    let build = match kind {
        "build" => true,
        "run" => false,
        _ => return error_response(404, None, &format!("Not found: {}", ctx.path)),
    };
    if let Err(r) = writable(ctx, RepoType::Space, id) {
        return r;
    }
    let shared = ctx.shared.clone();
    let id = id.to_owned();
    let started = std::time::Instant::now();
    let stream = futures_util::stream::unfold(0_usize, move |sent| {
        let shared = shared.clone();
        let id = id.clone();
        async move {
            loop {
                let (due, pending) = {
                    let db = match shared.db.lock() {
                        Ok(g) => g,
                        Err(p) => p.into_inner(),
                    };
                    let repo = db.repos.get(&(RepoType::Space, id.clone()))?;
                    let now = now_ms();
                    let lines: Vec<&SpaceLog> = repo
                        .space
                        .logs
                        .iter()
                        .filter(|l| l.build == build)
                        .collect();
                    let due: Vec<String> = lines
                        .iter()
                        .filter(|l| l.at_ms <= now)
                        .skip(sent)
                        .map(|l| {
                            let event = json!({"data": format!("{}\n", l.line), "timestamp": iso_ms(l.at_ms)});
                            format!("data: {event}\n\n")
                        })
                        .collect();
                    (due, lines.iter().any(|l| l.at_ms > now))
                };
                if !due.is_empty() {
                    let n = due.len();
                    return Some((Ok::<_, std::convert::Infallible>(due.concat()), sent + n));
                }
                if !pending || started.elapsed() > FOLLOW_LIMIT {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    set_header(&mut resp, "content-type", "text/event-stream");
    set_header(&mut resp, "cache-control", "no-cache");
    resp
}

/// Routes `/api/spaces/{id}/{action}` for the runtime.
pub(crate) fn route(ctx: &Ctx, id: &str, action: &str, tail: &str) -> Response {
    match (&ctx.method, action) {
        (&Method::POST, "pause" | "restart" | "hardware" | "sleeptime" | "dev-mode") => {
            change(ctx, id, action)
        }
        (&Method::GET, "logs") => logs(ctx, id, tail),
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

/// At most this many results from `/api/spaces/semantic-search`.
const SEARCH_RESULTS: usize = 50;

/// `GET /api/spaces/semantic-search?q&filter&sdk&includeNonRunning`: Spaces the caller can
/// see whose id, title, tags and SDK hold the query's words, best match first (the score is
/// the share of words found); running ones only unless `includeNonRunning`.
pub(crate) fn search(ctx: &Ctx) -> Response {
    let Some(query) = ctx
        .q("q")
        .map(str::to_lowercase)
        .filter(|q| !q.trim().is_empty())
    else {
        return error_response(400, None, "\"q\" is required");
    };
    let words: Vec<&str> = query.split_whitespace().collect();
    let (filters, sdks) = (ctx.q_all("filter"), ctx.q_all("sdk"));
    let include_non_running = ctx.q_bool("includeNonRunning");
    let db = ctx.db();
    let now = now_ms();
    let mut found: Vec<(f64, Value)> = db
        .repos
        .values()
        .filter(|r| r.kind == RepoType::Space && db.can_read(&ctx.caller, r))
        .filter(|r| filters.iter().all(|f| r.tags.contains(f)))
        .filter(|r| sdks.is_empty() || r.sdk.as_ref().is_some_and(|s| sdks.contains(s)))
        .filter(|r| include_non_running || r.space.stage_at(now) == "RUNNING")
        .filter_map(|r| {
            let name = r.id.rsplit('/').next().unwrap_or(&r.id);
            let title = r
                .card_data
                .as_ref()
                .and_then(|c| c["title"].as_str())
                .unwrap_or(name)
                .to_owned();
            let text = format!(
                "{} {} {} {}",
                r.id.replace(['-', '_', '/'], " "),
                title,
                r.tags.join(" "),
                r.sdk.clone().unwrap_or_default()
            )
            .to_lowercase();
            let hits = words.iter().filter(|w| text.contains(*w)).count();
            (hits > 0).then(|| {
                let score = hits as f64 / words.len() as f64;
                let v = json!({
                    "id": r.id,
                    "author": r.namespace(),
                    "title": title,
                    "emoji": r.card_data.as_ref().and_then(|c| c["emoji"].as_str()),
                    "sdk": r.sdk,
                    "likes": r.likes,
                    "private": r.private,
                    "tags": r.tags,
                    "runtime": r.space.runtime_json(),
                    "ai_short_description": format!("{title}: a {} Space", r.sdk.as_deref().unwrap_or("static")),
                    "ai_category": "Other",
                    "semanticRelevancyScore": score,
                    "trendingScore": 0,
                });
                (score, v)
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1["id"].as_str().cmp(&b.1["id"].as_str()))
    });
    ok_json(Value::Array(
        found
            .into_iter()
            .take(SEARCH_RESULTS)
            .map(|(_, v)| v)
            .collect(),
    ))
}
