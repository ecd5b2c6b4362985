//! Retry policy: which statuses are retried, backoff with jitter, and the server's own wait hints.

use std::time::Duration;

use http::header::HeaderMap;

/// How failed requests are retried: the one retry policy, as data. [`super::HubRequest::send`]
/// applies it to every request (with [`super::HubRequest::retry_status_when`] for requests whose
/// retryable statuses differ), and the download engine takes its stream-resume schedule from
/// it. Only idempotent requests are retried on error statuses; a connection that could not be
/// opened is retried for any method. A wait of a second or more is announced at the default
/// verbosity (`tracing` warn), so a long `Retry-After` is never silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 disables retries).
    pub max_attempts: u32,
    /// The first backoff delay; it doubles each attempt.
    pub base_delay: Duration,
    /// The largest backoff delay.
    pub max_delay: Duration,
    /// The longest server-requested wait (`Retry-After`, `RateLimit`) we honour;
    /// a longer one fails at once with the wait reported on the error.
    pub max_server_wait: Duration,
    /// The error statuses retried for idempotent requests.
    pub statuses: Vec<u16>,
    /// How often a broken download stream is resumed without progress before giving up.
    pub max_stream_resumes: u32,
    /// The pause before resuming a broken stream, times the failures in a row.
    pub resume_delay: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts with delays of about 1, 2, 4, 8, 8 s (the Python client's schedule, jittered);
    /// 408, 429 and 5xx but 501 retried; broken streams resumed 5 times after 250, 500, ... ms.
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            max_server_wait: Duration::from_secs(60),
            statuses: vec![408, 429, 500, 502, 503, 504],
            max_stream_resumes: 5,
            resume_delay: Duration::from_millis(250),
        }
    }
}

/// A failed attempt, as a retry predicate sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FailedAttempt {
    /// The status of the answer.
    pub status: u16,
    /// The wait the server asked for (`Retry-After`, `RateLimit`), when it named one.
    pub server_wait: Option<Duration>,
}

/// Which error statuses a request retries, when not the policy's (see
/// [`super::HubRequest::retry_status_when`]).
pub type RetryPredicate = fn(&FailedAttempt) -> bool;

/// Told of every error status that is about to be waited out and retried (see
/// [`observing_retries`]).
pub type RetryObserver = std::sync::Arc<dyn Fn(&FailedAttempt) + Send + Sync>;

tokio::task_local! {
    static RETRY_OBSERVER: RetryObserver;
}

/// Runs `work` with `observer` told of each retried error status of the requests it sends
/// (a 429 or 503 waited out): callers that run many requests at once, such as the download
/// engine, narrow their width when the server pushes back, without threading a callback
/// through every layer that builds a request. Scoped to the task: futures spawned inside are
/// not observed unless they are wrapped too.
pub async fn observing_retries<F: std::future::Future>(
    observer: RetryObserver,
    work: F,
) -> F::Output {
    RETRY_OBSERVER.scope(observer, work).await
}

/// Tells the current task's observer, if any, of a retried status.
pub(crate) fn notify_retry(failed: &FailedAttempt) {
    let _ = RETRY_OBSERVER.try_with(|observer| observer(failed));
}

impl RetryPolicy {
    /// No retries at all.
    #[must_use]
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether the policy retries `status` (for idempotent requests).
    #[must_use]
    pub fn retries_status(&self, status: u16) -> bool {
        self.statuses.contains(&status)
    }

    /// The pause before resuming a stream that broke `failures` times in a row.
    #[must_use]
    pub fn resume_delay(&self, failures: u32) -> Duration {
        self.resume_delay.saturating_mul(failures.max(1))
    }

    /// The backoff before attempt `attempt + 1`: exponential, capped, with ±25 % jitter
    /// so that many clients do not retry in lockstep.
    #[must_use]
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(0.75 + fastrand::f64() * 0.5)
    }

    /// The delay before retrying a response with these headers: the server's hint when it
    /// gives one, else the backoff. `Err(wait)` when the server asks for longer than allowed.
    pub(crate) fn delay_for(
        &self,
        attempt: u32,
        headers: &HeaderMap,
    ) -> Result<Duration, Duration> {
        match server_wait(headers) {
            Some(wait) if wait > self.max_server_wait => Err(wait),
            Some(wait) => Ok(wait),
            None => Ok(self.backoff(attempt)),
        }
    }
}

/// The wait a response asks for: `RateLimit` with `r=0` first, then `Retry-After`.
pub(crate) fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header("ratelimit")
        .and_then(parse_rate_limit)
        .or_else(|| header("retry-after").and_then(parse_retry_after))
}

/// Parses `Retry-After` holding whole seconds. HTTP dates are ignored, as in the Python client.
#[must_use]
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(secs.min(24 * 3600)))
}

/// Parses the Hub's `RateLimit` header (`"api";r=0;t=55`): the wait `t` when no request is left (`r=0`).
#[must_use]
pub fn parse_rate_limit(value: &str) -> Option<Duration> {
    let mut remaining = None;
    let mut reset = None;
    for part in value.split(';').skip(1) {
        let (key, val) = part.split_once('=')?;
        let val: u64 = val.trim().trim_matches('"').parse().ok()?;
        match key.trim() {
            "r" => remaining = Some(val),
            "t" => reset = Some(val),
            _ => {}
        }
    }
    match (remaining, reset) {
        (Some(0), Some(t)) => Some(Duration::from_secs(t.min(24 * 3600))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_hints_are_parsed() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(
            parse_rate_limit("\"api\";r=0;t=55"),
            Some(Duration::from_secs(55))
        );
        assert_eq!(parse_rate_limit("\"api\";r=3;t=55"), None);
        assert_eq!(parse_rate_limit("garbage"), None);
        assert_eq!(parse_rate_limit("\"api\";r=0;t=x"), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let policy = RetryPolicy::default();
        for attempt in 1..10 {
            let d = policy.backoff(attempt);
            let nominal = Duration::from_secs(1 << (attempt - 1).min(3));
            assert!(
                d >= nominal.mul_f64(0.75) && d <= nominal.mul_f64(1.25),
                "{attempt}: {d:?}"
            );
        }
    }

    #[test]
    fn long_server_waits_are_not_slept() {
        let policy = RetryPolicy::default();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3600".parse().unwrap());
        assert_eq!(
            policy.delay_for(1, &headers),
            Err(Duration::from_secs(3600))
        );
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(policy.delay_for(1, &headers), Ok(Duration::from_secs(2)));
    }
}
