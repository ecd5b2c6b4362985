//! `RateLimit` and `Retry-After` headers: any wait is capped at a day.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    if let Some(wait) = hf_auth::http::parse_rate_limit(text) {
        assert!(wait <= day);
    }
    if let Some(wait) = hf_auth::http::parse_retry_after(text) {
        assert!(wait <= day);
    }
});
