//! What the fault API sets (rules, actions, origins) and what the request log keeps.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Which origin a request reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// The Hub API / resolve / router origin (`TestServer::endpoint`).
    #[serde(alias = "hub")]
    Hub,
    /// The CDN / storage origin (`TestServer::cdn`).
    #[serde(alias = "cdn")]
    Cdn,
    /// The Xet CAS origin (`TestServer::cas`).
    #[serde(alias = "cas")]
    Cas,
}

/// A fault to inject on matching requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Only requests to this origin (`None` = every origin).
    #[serde(default)]
    pub origin: Option<Origin>,
    /// Only this HTTP method, case-insensitive (`None` = any).
    #[serde(default)]
    pub method: Option<String>,
    /// Substring that the request's path-and-query must contain (`""` = every request).
    #[serde(default)]
    pub path_contains: String,
    /// What to do.
    pub action: FaultAction,
    /// How many matching requests are affected (`None` = forever). For
    /// `StatusSequence` the sequence length also bounds it.
    #[serde(default)]
    pub times: Option<u32>,
}

/// What a fault does. Serialized in serde's default (externally tagged) form, e.g.
/// `{"StatusSequence":[503,503]}`, `{"RateLimit":{"retry_after_secs":1}}`, `"CorruptBody"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultAction {
    /// Answer these statuses (one per matching request), then behave normally. A `0` lets
    /// that request through untouched, so `[0, 500]` fails exactly the second request.
    StatusSequence(Vec<u16>),
    /// 429 with `Retry-After: N` and `RateLimit: "api";r=0;t=N`.
    RateLimit {
        /// Seconds announced in the headers.
        retry_after_secs: u64,
    },
    /// Send the headers and this many body bytes, then drop the connection.
    CutBodyAfter(u64),
    /// Wait this long before handling the request.
    LatencyMs(u64),
    /// Send the headers at once, then wait this long before the first body byte (a CDN or
    /// bridge that needs time to start each range).
    FirstByteDelayMs(u64),
    /// Stream the body at most this many bytes per second.
    DripBytesPerSec(u64),
    /// Read request bodies at most this many bytes per second in all: one uplink shared by
    /// every matching request, however many run at once (a client's upload link).
    UplinkBytesPerSec(u64),
    /// Flip bytes in the body (same length).
    CorruptBody,
    /// Answer `200` with the full body even to a `Range` request.
    IgnoreRange,
    /// 402 with `X-Error-Code: EgressLimitReached`: the account used its download (egress)
    /// allowance, as the Hub answers then.
    EgressLimit,
}

/// One request as seen by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Origin that received it.
    pub origin: Origin,
    /// HTTP method.
    pub method: String,
    /// Path and query, as sent.
    pub path_and_query: String,
    /// Whether an `Authorization` header was present (the value is never stored).
    pub authorization: bool,
    /// The `Range` header, if any.
    pub range: Option<String>,
    /// Response status (0 while the handler is still running).
    pub status: u16,
    /// Response body bytes actually sent so far.
    pub body_bytes: u64,
    /// Request body bytes read so far (what a client uploaded).
    #[serde(default)]
    pub request_bytes: u64,
}

#[derive(Debug)]
pub(crate) struct RecordEntry {
    pub(super) origin: Origin,
    pub(super) method: String,
    pub(super) path_and_query: String,
    pub(super) authorization: bool,
    pub(super) range: Option<String>,
    pub(super) status: AtomicU16,
    pub(super) body_bytes: AtomicU64,
    pub(super) request_bytes: AtomicU64,
}

impl RecordEntry {
    pub(crate) fn snapshot(&self) -> RecordedRequest {
        RecordedRequest {
            origin: self.origin,
            method: self.method.clone(),
            path_and_query: self.path_and_query.clone(),
            authorization: self.authorization,
            range: self.range.clone(),
            status: self.status.load(Ordering::SeqCst),
            body_bytes: self.body_bytes.load(Ordering::SeqCst),
            request_bytes: self.request_bytes.load(Ordering::SeqCst),
        }
    }
}

#[derive(Debug)]
pub(crate) struct ActiveFault {
    pub(crate) rule: FaultRule,
    pub(crate) applied: u32,
}
