//! Request recording and fault injection, as one axum middleware applied to every origin.

pub(crate) mod rules;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt as _;

use self::rules::RecordEntry;
pub use self::rules::{FaultAction, FaultRule, Origin, RecordedRequest};
use crate::state::Shared;
use crate::util::{error_response, json_response, random_hex, set_header};

#[derive(Default, Debug)]
struct Plan {
    status: Option<u16>,
    retry_after: Option<u64>,
    latency_ms: u64,
    first_byte_delay_ms: u64,
    cut_after: Option<u64>,
    drip: Option<u64>,
    uplink: Option<u64>,
    corrupt: bool,
    ignore_range: bool,
}

fn plan(shared: &Shared, origin: Origin, method: &str, pq: &str) -> Plan {
    let mut plan = Plan::default();
    let Ok(mut faults) = shared.faults.lock() else {
        return plan;
    };
    for f in faults.iter_mut() {
        let r = &f.rule;
        if r.origin.is_some_and(|o| o != origin)
            || r.method
                .as_ref()
                .is_some_and(|m| !m.eq_ignore_ascii_case(method))
            || !pq.contains(&r.path_contains)
            || r.times.is_some_and(|t| f.applied >= t)
        {
            continue;
        }
        match &r.action {
            FaultAction::StatusSequence(seq) => {
                let Some(&s) = seq.get(f.applied as usize) else {
                    continue;
                };
                if plan.status.is_some() {
                    continue;
                }
                if s != 0 {
                    plan.status = Some(s);
                }
            }
            FaultAction::RateLimit { retry_after_secs } => {
                if plan.status.is_some() {
                    continue;
                }
                plan.status = Some(429);
                plan.retry_after = Some(*retry_after_secs);
            }
            FaultAction::CutBodyAfter(n) => plan.cut_after = Some(*n),
            FaultAction::LatencyMs(ms) => plan.latency_ms += ms,
            FaultAction::FirstByteDelayMs(ms) => plan.first_byte_delay_ms += ms,
            FaultAction::DripBytesPerSec(r) => plan.drip = Some((*r).max(1)),
            FaultAction::UplinkBytesPerSec(r) => plan.uplink = Some((*r).max(1)),
            FaultAction::CorruptBody => plan.corrupt = true,
            FaultAction::IgnoreRange => plan.ignore_range = true,
            FaultAction::EgressLimit => {
                if plan.status.is_some() {
                    continue;
                }
                plan.status = Some(402);
            }
        }
        f.applied += 1;
    }
    plan
}

fn fault_response(status: u16, retry_after: Option<u64>, path: &str) -> Response {
    if let Some(model) = path
        .strip_prefix("/hf-inference/models/")
        .map(|m| m.split("/pipeline/").next().unwrap_or(m))
        .map(|m| m.trim_end_matches("/v1/chat/completions"))
        && status == 503
    {
        let msg = format!("Model {model} is currently loading");
        let mut r = json_response(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            &serde_json::json!({ "error": msg, "estimated_time": 20.0 }),
        );
        set_header(&mut r, "x-error-message", &msg);
        return r;
    }
    if status == 402 {
        // The Hub's answer once an account used its egress allowance (what Python 2.5 turns
        // into `EgressLimitError`).
        let msg = format!(
            "Egress limit reached for url: {path}. You've downloaded 1.2 TB over the last 30 \
             days, compared to your account's egress allowance of 1 TB."
        );
        return error_response(status, Some("EgressLimitReached"), &msg);
    }
    let msg = match status {
        429 => "You have exceeded our hourly quotas for action: api. Retry later.".to_owned(),
        500 => "Internal Error - We're working hard to fix this as soon as possible!".to_owned(),
        502 => "Bad Gateway".to_owned(),
        503 => "Service Unavailable".to_owned(),
        504 => "Gateway Timeout".to_owned(),
        s => format!("Injected fault: HTTP {s}"),
    };
    let mut resp = error_response(status, None, &msg);
    if let Some(secs) = retry_after {
        set_header(&mut resp, "retry-after", &secs.to_string());
        set_header(&mut resp, "ratelimit", &format!("\"api\";r=0;t={secs}"));
        set_header(
            &mut resp,
            "ratelimit-policy",
            "\"fixed window\";\"api\";q=500;w=300",
        );
    }
    resp
}

/// The middleware: records the request, applies faults, counts CDN auth violations.
pub(crate) async fn layer(
    State((shared, origin)): State<(Arc<Shared>, Origin)>,
    mut req: Request,
    next: Next,
) -> Response {
    let pq = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let authorization = req.headers().contains_key(header::AUTHORIZATION);
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_admin = path.starts_with("/_admin");
    if origin == Origin::Cdn && authorization {
        shared.cdn_auth_violations.fetch_add(1, Ordering::SeqCst);
        tracing::warn!(%method, path = %path, "request to the CDN origin carries an Authorization header");
    }
    let record = (!is_admin).then(|| {
        let entry = Arc::new(RecordEntry {
            origin,
            method: method.as_str().to_owned(),
            path_and_query: pq.clone(),
            authorization,
            range,
            status: AtomicU16::new(0),
            body_bytes: AtomicU64::new(0),
            request_bytes: AtomicU64::new(0),
        });
        if let Ok(mut r) = shared.requests.lock() {
            r.push(entry.clone());
        }
        entry
    });
    let plan = if is_admin {
        Plan::default()
    } else {
        plan(&shared, origin, method.as_str(), &pq)
    };
    if plan.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.latency_ms)).await;
    }
    let mut resp = if let Some(status) = plan.status {
        fault_response(status, plan.retry_after, &path)
    } else {
        if plan.ignore_range {
            req.headers_mut().remove(header::RANGE);
        }
        if let Some(rate) = plan.uplink {
            let (parts, body) = req.into_parts();
            req = Request::from_parts(parts, throttle_upload(body, rate, shared.clone()));
        }
        if let Some(entry) = &record {
            let (parts, body) = req.into_parts();
            req = Request::from_parts(parts, count_upload(body, entry.clone()));
        }
        next.run(req).await
    };
    let request_id = format!("Root=1-{}-{}", random_hex(8), random_hex(24));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    if let Some(r) = &record {
        r.status.store(resp.status().as_u16(), Ordering::SeqCst);
    }
    tracing::debug!(?origin, %method, pq = %pq, status = resp.status().as_u16(), "request");
    if shared.log_requests.load(Ordering::Relaxed) {
        log_line(origin, &method, &pq, resp.status().as_u16(), authorization);
    }
    if method == Method::HEAD {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    if !parts.headers.contains_key(header::CONTENT_LENGTH)
        && let Some(n) = body.size_hint().exact()
    {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    let ctl = BodyCtl {
        first_byte_delay: Duration::from_millis(plan.first_byte_delay_ms),
        cut_after: plan.cut_after,
        drip: plan.drip,
        corrupt: plan.corrupt,
        sent: 0,
        record,
        pending: VecDeque::new(),
        done: false,
    };
    Response::from_parts(parts, wrap_body(body, ctl))
}

/// `body` read no faster than the shared uplink allows: each chunk books its transfer time on
/// the one uplink clock (`Shared::uplink_free_at`) and is handed on when that time comes.
fn throttle_upload(body: Body, rate: u64, shared: Arc<Shared>) -> Body {
    let stream = body.into_data_stream();
    let throttled =
        futures_util::stream::unfold((stream, shared), move |(mut stream, shared)| async move {
            let chunk = stream.next().await?;
            if let Ok(bytes) = &chunk {
                let due = {
                    let now = tokio::time::Instant::now();
                    let mut free_at = shared
                        .uplink_free_at
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let start = (*free_at).max(now);
                    *free_at = start + Duration::from_secs_f64(bytes.len() as f64 / rate as f64);
                    *free_at
                };
                tokio::time::sleep_until(due).await;
            }
            Some((chunk, (stream, shared)))
        });
    Body::from_stream(throttled)
}

/// `body`, its bytes counted into `entry` as they are read.
fn count_upload(body: Body, entry: Arc<RecordEntry>) -> Body {
    let stream = body.into_data_stream();
    let counted = futures_util::stream::unfold((stream, entry), |(mut stream, entry)| async move {
        let chunk = stream.next().await?;
        if let Ok(bytes) = &chunk {
            entry
                .request_bytes
                .fetch_add(bytes.len() as u64, Ordering::SeqCst);
        }
        Some((chunk, (stream, entry)))
    });
    Body::from_stream(counted)
}

struct BodyCtl {
    /// Waited once, before the first body byte.
    first_byte_delay: Duration,
    cut_after: Option<u64>,
    drip: Option<u64>,
    corrupt: bool,
    sent: u64,
    record: Option<Arc<RecordEntry>>,
    pending: VecDeque<Bytes>,
    done: bool,
}

fn wrap_body(body: Body, ctl: BodyCtl) -> Body {
    let stream = body.into_data_stream();
    let s = futures_util::stream::unfold((stream, ctl), |(mut stream, mut ctl)| async move {
        if ctl.done {
            return None;
        }
        if !ctl.first_byte_delay.is_zero() {
            tokio::time::sleep(std::mem::take(&mut ctl.first_byte_delay)).await;
        }
        let mut chunk = match ctl.pending.pop_front() {
            Some(c) => c,
            None => match stream.next().await {
                None => return None,
                Some(Err(e)) => {
                    ctl.done = true;
                    return Some((Err(std::io::Error::other(e)), (stream, ctl)));
                }
                Some(Ok(c)) => c,
            },
        };
        if let Some(cut) = ctl.cut_after {
            if ctl.sent >= cut {
                // Give hyper a moment to flush what was sent, then abort the connection.
                tokio::time::sleep(Duration::from_millis(100)).await;
                ctl.done = true;
                return Some((
                    Err(std::io::Error::other("fault: body cut")) as Result<Bytes, std::io::Error>,
                    (stream, ctl),
                ));
            }
            let left = cut - ctl.sent;
            if (chunk.len() as u64) > left {
                chunk = chunk.slice(..left as usize);
                ctl.pending.clear();
                ctl.pending.push_back(Bytes::new());
            }
        }
        if let Some(rate) = ctl.drip {
            let piece = ((rate / 10).max(1)) as usize;
            if chunk.len() > piece {
                let rest = chunk.slice(piece..);
                chunk = chunk.slice(..piece);
                ctl.pending.push_front(rest);
            }
            let delay = chunk.len() as f64 / rate as f64;
            tokio::time::sleep(Duration::from_secs_f64(delay)).await;
        }
        if ctl.corrupt && !chunk.is_empty() {
            let mut v = chunk.to_vec();
            v[0] ^= 0xFF;
            let mid = v.len() / 2;
            v[mid] ^= 0x55;
            chunk = Bytes::from(v);
        }
        ctl.sent += chunk.len() as u64;
        if let Some(r) = &ctl.record {
            r.body_bytes.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
        Some((Ok(chunk), (stream, ctl)))
    });
    Body::from_stream(s)
}

#[allow(clippy::print_stderr)]
fn log_line(origin: Origin, method: &Method, pq: &str, status: u16, auth: bool) {
    let o = match origin {
        Origin::Hub => "hub",
        Origin::Cdn => "cdn",
        Origin::Cas => "cas",
    };
    let pq = pq.split("sig=").next().unwrap_or(pq);
    eprintln!(
        "{o} {method} {pq} -> {status}{}",
        if auth { " (auth)" } else { "" }
    );
}
