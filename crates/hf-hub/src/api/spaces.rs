//! A Space's runtime: its stage and hardware, pause, restart, hardware and sleep-time
//! requests, dev mode, waiting for a build to settle, the hardware catalogue, and the build
//! and run logs (Server-Sent Events).

use std::time::{Duration, Instant};

use futures_util::stream::{self, BoxStream, StreamExt as _};
use hf_auth::http::sse::SseParser;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::repo::RepoId;
use crate::{Error, HubApi};

/// The most hardware entries read from the catalogue.
const MAX_HARDWARE: usize = 1_000;

/// What a Space is doing now, as `GET /api/spaces/{id}/runtime` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpaceRuntime {
    /// `RUNNING`, `BUILDING`, `APP_STARTING`, `PAUSED`, `BUILD_ERROR`, `RUNTIME_ERROR`...
    pub stage: String,
    /// The hardware running now (none while paused).
    pub hardware: Option<String>,
    /// The hardware asked for (what runs after the next build).
    pub requested_hardware: Option<String>,
    /// Seconds of inactivity before the Space sleeps (`-1`: never).
    pub sleep_time: Option<i64>,
    /// Whether dev mode is on.
    pub dev_mode: bool,
}

impl SpaceRuntime {
    /// Whether the Space is on its way to another stage (building or starting): what
    /// [`HubApi::wait_for_space`] waits out.
    #[must_use]
    pub fn is_settling(&self) -> bool {
        matches!(
            self.stage.as_str(),
            "BUILDING" | "RUNNING_BUILDING" | "APP_STARTING" | "RUNNING_APP_STARTING"
        )
    }

    fn from_json(value: &Value) -> Result<Self, Error> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let stage = text(&value["stage"])
            .ok_or_else(|| Error::Protocol("the Space's runtime has no stage".into()))?;
        Ok(Self {
            stage,
            hardware: text(&value["hardware"]["current"]),
            requested_hardware: text(&value["hardware"]["requested"]),
            sleep_time: value["gcTimeout"].as_i64(),
            dev_mode: value["devMode"].as_bool().unwrap_or(false),
        })
    }
}

/// An accelerator of a hardware flavor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceAccelerator {
    /// `T4`, `A100`...
    pub model: String,
    /// How many.
    pub quantity: String,
    /// Memory, as the Hub writes it (`16 GB`).
    pub vram: String,
}

/// One hardware flavor a Space may request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceHardware {
    /// The flavor to request (`t4-medium`).
    pub name: String,
    /// Its display name.
    pub pretty_name: String,
    /// CPUs (`8 vCPU`).
    pub cpu: String,
    /// Memory (`30 GB`).
    pub ram: String,
    /// The GPU, if any.
    #[serde(default)]
    pub accelerator: Option<SpaceAccelerator>,
    /// US dollars per [`SpaceHardware::unit_label`] (0 for free hardware).
    #[serde(rename = "unitCostUSD", default)]
    pub unit_cost_usd: f64,
    /// The billing unit (`minute`).
    #[serde(default)]
    pub unit_label: String,
}

/// The most results read from one semantic search.
const MAX_SEARCH_RESULTS: usize = 1_000;

/// A Space found by [`HubApi::search_spaces`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SpaceSearchResult {
    /// `owner/name`.
    pub id: String,
    /// Its owner.
    pub author: String,
    /// Its title.
    pub title: String,
    /// Its emoji.
    pub emoji: Option<String>,
    /// `gradio`, `docker`, `static`...
    pub sdk: Option<String>,
    /// Likes.
    pub likes: u64,
    /// Whether it is private.
    pub private: bool,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its stage (`RUNNING`...), when the Hub said.
    pub stage: Option<String>,
    /// The Hub's AI-written one-line description.
    pub ai_short_description: Option<String>,
    /// The Hub's AI-chosen category.
    pub ai_category: Option<String>,
    /// How well it matches the query.
    pub semantic_relevancy_score: Option<f64>,
    /// Its trending score.
    pub trending_score: Option<f64>,
}

impl SpaceSearchResult {
    fn from_json(value: &Value) -> Result<Self, Error> {
        let text = |key: &str| value[key].as_str().map(str::to_owned);
        let id = text("id").ok_or_else(|| {
            Error::Protocol("the Hub answered a search result without an id".into())
        })?;
        RepoId::new(&id).map_err(|_| {
            Error::Protocol(format!("the Hub answered a malformed Space id {id:?}"))
        })?;
        Ok(Self {
            author: text("author").unwrap_or_default(),
            title: text("title").unwrap_or_default(),
            emoji: text("emoji"),
            sdk: text("sdk"),
            likes: value["likes"].as_u64().unwrap_or(0),
            private: value["private"].as_bool().unwrap_or(false),
            tags: value["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .take(1_000)
                        .collect()
                })
                .unwrap_or_default(),
            stage: value["runtime"]["stage"].as_str().map(str::to_owned),
            ai_short_description: text("ai_short_description"),
            ai_category: text("ai_category"),
            semantic_relevancy_score: value["semanticRelevancyScore"].as_f64(),
            trending_score: value["trendingScore"].as_f64(),
            id,
        })
    }
}

/// What [`HubApi::search_spaces`] narrows to (all optional).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpaceSearchOptions {
    /// Spaces with every one of these tags.
    pub filter: Vec<String>,
    /// Spaces with one of these SDKs.
    pub sdk: Vec<String>,
    /// Also Spaces that are not running.
    pub include_non_running: bool,
}

/// One line of a Space's build or run log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceLogLine {
    /// The text, as the Space wrote it (a trailing newline included).
    pub data: String,
    /// When (ISO 8601), if the Hub said.
    pub timestamp: Option<String>,
}

/// Which log, and how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SpaceLogOptions {
    /// The container build's log instead of the running app's.
    pub build: bool,
    /// Keep reading as lines arrive, until the Hub closes the stream (reconnecting, up to 5
    /// times in a row, after a broken connection). Otherwise read what is there and stop.
    pub follow: bool,
}

/// Seconds since the epoch of a UTC date and time, `None` when it is no real one.
fn utc_seconds(year: i32, month: u8, day: u8, h: u8, m: u8, s: u8) -> Option<i64> {
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let time = time::Time::from_hms(h, m, s).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// Seconds since the epoch of `2026-12-03T13:06:50[.123]Z` (the fraction dropped).
fn iso_seconds(text: &str) -> Option<i64> {
    fn num<T: std::str::FromStr>(text: &str, range: std::ops::Range<usize>) -> Option<T> {
        text.get(range)?.parse().ok()
    }
    utc_seconds(
        num(text, 0..4)?,
        num(text, 5..7)?,
        num(text, 8..10)?,
        num(text, 11..13)?,
        num(text, 14..16)?,
        num(text, 17..19)?,
    )
}

/// Seconds since the epoch of an HTTP date (`Thu, 03 Dec 2026 13:06:50 GMT`).
fn http_date_seconds(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, _] = parts.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)?;
    let hms: Vec<u8> = time.split(':').filter_map(|p| p.parse().ok()).collect();
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    utc_seconds(
        year.parse().ok()?,
        u8::try_from(month + 1).ok()?,
        day.parse().ok()?,
        *h,
        *m,
        *s,
    )
}

/// Where a log stream is.
struct LogCursor {
    url: url::Url,
    follow: bool,
    response: Option<BoxStream<'static, Result<bytes::Bytes, hf_auth::HttpError>>>,
    parser: SseParser,
    /// Without follow: lines stamped after the server's clock at the answer (plus 1 s) are
    /// not yet "what is there" (Python's rule); the stream is left there.
    replay_end: Option<i64>,
    /// Lines already given, so that a reconnection (which replays the log) skips them.
    given: usize,
    /// Lines seen in the current connection.
    seen: usize,
    failures: u32,
    buffered: std::collections::VecDeque<SpaceLogLine>,
    done: bool,
}

/// Idle time after which a log without follow is considered read to its end.
const LOG_IDLE: Duration = Duration::from_secs(5);
/// Idle time after which a followed log is reconnected.
const FOLLOW_IDLE: Duration = Duration::from_secs(120);
/// Broken connections in a row after which following gives up.
const FOLLOW_RETRIES: u32 = 5;

impl HubApi {
    /// `GET /api/spaces/semantic-search?q=`: Spaces that do what `query` says, best match
    /// first.
    ///
    /// # Errors
    /// Network failures; [`Error::Protocol`] for a malformed or oversized answer.
    pub async fn search_spaces(
        &self,
        query: &str,
        options: &SpaceSearchOptions,
    ) -> Result<Vec<SpaceSearchResult>, Error> {
        let mut url = self.http.url("/api/spaces/semantic-search")?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("q", query);
            for f in &options.filter {
                q.append_pair("filter", f);
            }
            for sdk in &options.sdk {
                q.append_pair("sdk", sdk);
            }
            if options.include_non_running {
                q.append_pair("includeNonRunning", "true");
            }
        }
        let answer: Value = self.http.get(url).send_json().await?;
        let list = answer.as_array().ok_or_else(|| {
            Error::Protocol("the Hub answered a search that is not a list".into())
        })?;
        if list.len() > MAX_SEARCH_RESULTS {
            return Err(Error::Protocol(format!(
                "the Hub answered {} search results (at most {MAX_SEARCH_RESULTS} are read)",
                list.len()
            )));
        }
        list.iter().map(SpaceSearchResult::from_json).collect()
    }

    /// `GET /api/spaces/{id}/runtime`.
    ///
    /// # Errors
    /// `RepoNotFound`, network failures; [`Error::Protocol`] for an answer without a stage.
    pub async fn space_runtime(&self, space: &RepoId) -> Result<SpaceRuntime, Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/runtime"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        SpaceRuntime::from_json(&answer)
    }

    async fn space_change(
        &self,
        space: &RepoId,
        action: &str,
        query: &[(&str, &str)],
        body: Value,
    ) -> Result<SpaceRuntime, Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/{action}"))?;
        let answer: Value = self
            .http
            .post(url)
            .query(query)
            .json(&body)
            .send_json()
            .await?;
        SpaceRuntime::from_json(&answer)
    }

    /// `POST /api/spaces/{id}/pause`: stops the Space (and its billing) until restarted.
    ///
    /// # Errors
    /// 403 without write access to the Space; `RepoNotFound`.
    pub async fn pause_space(&self, space: &RepoId) -> Result<SpaceRuntime, Error> {
        self.space_change(space, "pause", &[], json!({})).await
    }

    /// `POST /api/spaces/{id}/restart[?factory=true]`: rebuilds and starts the Space;
    /// `factory_reboot` rebuilds without the build cache.
    ///
    /// # Errors
    /// As [`HubApi::pause_space`].
    pub async fn restart_space(
        &self,
        space: &RepoId,
        factory_reboot: bool,
    ) -> Result<SpaceRuntime, Error> {
        let query: &[(&str, &str)] = if factory_reboot {
            &[("factory", "true")]
        } else {
            &[]
        };
        self.space_change(space, "restart", query, json!({})).await
    }

    /// `POST /api/spaces/{id}/hardware`: asks for `flavor` (see [`HubApi::list_space_hardware`]),
    /// and a sleep time with it; the Space rebuilds on it.
    ///
    /// # Errors
    /// As [`HubApi::pause_space`]; 400 for a flavor the Hub does not know.
    pub async fn request_space_hardware(
        &self,
        space: &RepoId,
        flavor: &str,
        sleep_time: Option<i64>,
    ) -> Result<SpaceRuntime, Error> {
        let mut body = json!({"flavor": flavor});
        if let Some(seconds) = sleep_time {
            body["sleepTimeSeconds"] = seconds.into();
        }
        self.space_change(space, "hardware", &[], body).await
    }

    /// `POST /api/spaces/{id}/sleeptime`: seconds of inactivity before the Space sleeps
    /// (`-1`: never; free hardware always sleeps after 48 hours).
    ///
    /// # Errors
    /// As [`HubApi::pause_space`].
    pub async fn set_space_sleep_time(
        &self,
        space: &RepoId,
        seconds: i64,
    ) -> Result<SpaceRuntime, Error> {
        self.space_change(space, "sleeptime", &[], json!({"seconds": seconds}))
            .await
    }

    /// `POST /api/spaces/{id}/dev-mode` `{"enabled"}`: dev mode on (a paid plan) or off.
    ///
    /// # Errors
    /// As [`HubApi::pause_space`]; 402/403 when the plan does not include it.
    pub async fn set_space_dev_mode(
        &self,
        space: &RepoId,
        enabled: bool,
    ) -> Result<SpaceRuntime, Error> {
        self.space_change(space, "dev-mode", &[], json!({"enabled": enabled}))
            .await
    }

    /// `GET /api/spaces/hardware`: the flavors a Space may request, with their prices.
    ///
    /// # Errors
    /// Network failures; [`Error::Protocol`] for a malformed or oversized catalogue.
    pub async fn list_space_hardware(&self) -> Result<Vec<SpaceHardware>, Error> {
        let url = self.http.url("/api/spaces/hardware")?;
        let list: Vec<SpaceHardware> = self.http.get(url).send_json().await?;
        if list.len() > MAX_HARDWARE {
            return Err(Error::Protocol(format!(
                "the hardware catalogue lists {} flavors (at most {MAX_HARDWARE} are read)",
                list.len()
            )));
        }
        Ok(list)
    }

    /// Polls the runtime every `poll_interval` until the Space is no longer building or
    /// starting ([`SpaceRuntime::is_settling`]), or `timeout` passes; returns the last
    /// runtime seen (still settling after a timeout). `on_stage` sees each new stage.
    ///
    /// # Errors
    /// As [`HubApi::space_runtime`].
    pub async fn wait_for_space(
        &self,
        space: &RepoId,
        timeout: Option<Duration>,
        poll_interval: Duration,
        mut on_stage: impl FnMut(&SpaceRuntime) + Send,
    ) -> Result<SpaceRuntime, Error> {
        let start = Instant::now();
        let mut last_stage: Option<String> = None;
        loop {
            let runtime = self.space_runtime(space).await?;
            if last_stage.as_deref() != Some(runtime.stage.as_str()) {
                on_stage(&runtime);
                last_stage = Some(runtime.stage.clone());
            }
            if !runtime.is_settling() {
                return Ok(runtime);
            }
            let waited = start.elapsed();
            let pause = match timeout {
                Some(limit) if waited >= limit => return Ok(runtime),
                Some(limit) => poll_interval.min(limit - waited),
                None => poll_interval,
            };
            tokio::time::sleep(pause).await;
        }
    }

    /// `GET /api/spaces/{id}/logs/{build,run}`: the log's lines as they are read.
    ///
    /// # Errors
    /// Items carry request failures (403 without write access: logs are the owner's) and
    /// [`Error::Protocol`] for an event past the SSE size bound.
    pub fn space_logs(
        &self,
        space: &RepoId,
        options: SpaceLogOptions,
    ) -> BoxStream<'static, Result<SpaceLogLine, Error>> {
        let kind = if options.build { "build" } else { "run" };
        let url = match self.http.url(&format!("/api/spaces/{space}/logs/{kind}")) {
            Ok(url) => url,
            Err(e) => return stream::once(async move { Err(e.into()) }).boxed(),
        };
        let cursor = LogCursor {
            url,
            follow: options.follow,
            response: None,
            parser: SseParser::new(),
            replay_end: None,
            given: 0,
            seen: 0,
            failures: 0,
            buffered: std::collections::VecDeque::new(),
            done: false,
        };
        let http = self.http.clone();
        stream::try_unfold((http, cursor), |(http, mut cursor)| async move {
            loop {
                if let Some(line) = cursor.buffered.pop_front() {
                    return Ok(Some((line, (http, cursor))));
                }
                if cursor.done {
                    return Ok(None);
                }
                if cursor.response.is_none() {
                    let response = http.get(cursor.url.clone()).send().await?;
                    if !cursor.follow {
                        cursor.replay_end = response
                            .header("date")
                            .and_then(http_date_seconds)
                            .map(|s| s + 1);
                    }
                    cursor.parser = SseParser::new();
                    cursor.seen = 0;
                    cursor.response = Some(response.bytes_stream().boxed());
                }
                let idle = if cursor.follow { FOLLOW_IDLE } else { LOG_IDLE };
                let next = {
                    let body = cursor.response.as_mut().expect("set above");
                    tokio::time::timeout(idle, body.next()).await
                };
                let chunk = match next {
                    Ok(Some(Ok(chunk))) => chunk,
                    // The end of the stream: what is there has been read.
                    Ok(None) => {
                        let last = cursor.parser.finish();
                        cursor.take_events(last.into_iter().map(|e| e.data).collect());
                        cursor.done = true;
                        continue;
                    }
                    // A stall or a broken connection: without follow, that is the end; with
                    // follow, reconnect (the log is replayed; lines already given are skipped).
                    Ok(Some(Err(_))) | Err(_) if !cursor.follow => {
                        cursor.done = true;
                        continue;
                    }
                    Ok(Some(Err(e))) => {
                        cursor.failures += 1;
                        if cursor.failures > FOLLOW_RETRIES {
                            return Err(Error::Http(e));
                        }
                        tokio::time::sleep(Duration::from_secs(u64::from(cursor.failures).min(10)))
                            .await;
                        cursor.response = None;
                        continue;
                    }
                    Err(_) => {
                        cursor.response = None;
                        continue;
                    }
                };
                let events = cursor
                    .parser
                    .push(&chunk)
                    .map_err(|e| Error::Protocol(format!("the Space's log stream: {e}")))?;
                cursor.failures = 0;
                cursor.take_events(events.into_iter().map(|e| e.data).collect());
            }
        })
        .boxed()
    }
}

impl LogCursor {
    /// Buffers the lines of `events` (`{"data", "timestamp"}` JSON) not given before.
    fn take_events(&mut self, events: Vec<String>) {
        for data in events {
            let Ok(event) = serde_json::from_str::<Value>(&data) else {
                continue;
            };
            self.seen += 1;
            if self.seen <= self.given {
                continue;
            }
            let timestamp = event["timestamp"].as_str().map(str::to_owned);
            if let (Some(end), Some(at)) =
                (self.replay_end, timestamp.as_deref().and_then(iso_seconds))
                && at > end
            {
                self.done = true;
                return;
            }
            self.given += 1;
            self.buffered.push_back(SpaceLogLine {
                data: event["data"].as_str().unwrap_or_default().to_owned(),
                timestamp,
            });
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn log_timestamps_and_http_dates_are_read_as_utc_seconds() {
        let second = 1_796_303_210;
        assert_eq!(super::iso_seconds("2026-12-03T13:06:50.123Z"), Some(second));
        assert_eq!(super::iso_seconds("2026-12-03T13:06:50Z"), Some(second));
        assert_eq!(
            super::http_date_seconds("Thu, 03 Dec 2026 13:06:50 GMT"),
            Some(second)
        );
        assert_eq!(
            super::iso_seconds("2026-02-30T00:00:00Z"),
            None,
            "no such day"
        );
        assert_eq!(
            super::http_date_seconds("Thu, 03 Foo 2026 13:06:50 GMT"),
            None
        );
        assert_eq!(super::iso_seconds("garbage"), None);
    }

    use super::*;

    #[test]
    fn dates_of_both_kinds_meet_on_one_clock() {
        let http = http_date_seconds("Thu, 03 Dec 2026 13:06:50 GMT").unwrap();
        let iso = iso_seconds("2026-12-03T13:06:50.999Z").unwrap();
        assert_eq!(http, iso);
        assert_eq!(iso_seconds("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(http_date_seconds("garbage"), None);
        assert_eq!(iso_seconds("2026-1"), None);
    }

    #[test]
    fn runtimes_read_the_hubs_keys_and_know_what_is_settling() {
        let r = SpaceRuntime::from_json(&json!({
            "stage": "BUILDING", "hardware": {"current": null, "requested": "t4-small"},
            "gcTimeout": 3600, "devMode": true
        }))
        .unwrap();
        assert!(r.is_settling() && r.dev_mode);
        assert_eq!(r.requested_hardware.as_deref(), Some("t4-small"));
        assert_eq!(r.hardware, None);
        assert!(SpaceRuntime::from_json(&json!({})).is_err());
    }

    #[test]
    fn a_replayed_log_skips_what_was_given_and_stops_past_the_servers_clock() {
        let mut cursor = LogCursor {
            url: url::Url::parse("http://127.0.0.1:1/").unwrap(),
            follow: false,
            response: None,
            parser: SseParser::new(),
            replay_end: iso_seconds("2026-12-03T13:00:01Z"),
            given: 1,
            seen: 0,
            failures: 0,
            buffered: std::collections::VecDeque::new(),
            done: false,
        };
        cursor.take_events(vec![
            r#"{"data":"old\n","timestamp":"2026-12-03T12:59:00Z"}"#.into(),
            r#"{"data":"new\n","timestamp":"2026-12-03T13:00:00Z"}"#.into(),
            "not json".into(),
            r#"{"data":"later\n","timestamp":"2026-12-03T13:00:05Z"}"#.into(),
            r#"{"data":"never\n","timestamp":"2026-12-03T13:00:00Z"}"#.into(),
        ]);
        let lines: Vec<&str> = cursor.buffered.iter().map(|l| l.data.as_str()).collect();
        assert_eq!(lines, ["new\n"]);
        assert!(cursor.done);
    }
}
