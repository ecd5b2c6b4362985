//! The one HTTP core every Hub request goes through.
//!
//! It alone owns: the endpoint ([`HubConfig::endpoint`]), the User-Agent, when the
//! `Authorization` header is attached (only to trusted Hub origins, never after a
//! redirect has left them), timeouts, retries with backoff for idempotent requests,
//! the mapping of error responses to [`HttpError`](crate::HttpError), and offline mode.
//! Crates above build requests with [`HubClient`] and never talk to `reqwest` directly.

mod client;
mod config;
mod errors;
mod request;
mod response;
mod retry;
mod runtime;
pub mod sse;

pub use client::{HubClient, HubClientBuilder};
pub use config::{
    DEFAULT_DOWNLOAD_TIMEOUT, DEFAULT_ENDPOINT, DEFAULT_ETAG_TIMEOUT, HubConfig, MAX_JSON_BODY,
    MAX_REDIRECTS,
};
pub use http::Method;
pub use request::{HubRequest, OutgoingBody, Redirects};
pub use response::HubResponse;
pub use retry::{
    FailedAttempt, RetryObserver, RetryPolicy, RetryPredicate, observing_retries, parse_rate_limit,
    parse_retry_after,
};
pub use runtime::blocking_runtime;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use url::Url;

    use super::config::is_loopback;
    use super::*;
    use crate::env::MapEnv;

    #[test]
    fn malformed_endpoint_names_the_variable() {
        let err = HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", "huggingface.co"))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("invalid HF_ENDPOINT:"), "{text}");
        assert!(HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", "ftp://x")).is_err());
        let ok = HubConfig::from_env_source(
            &MapEnv::new().with("HF_ENDPOINT", "http://127.0.0.1:8080/"),
        )
        .unwrap();
        assert_eq!(ok.endpoint().as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn timeouts_and_offline_come_from_the_environment() {
        let env = MapEnv::new()
            .with("HF_HUB_ETAG_TIMEOUT", "3")
            .with("HF_HUB_DOWNLOAD_TIMEOUT", "0")
            .with("TRANSFORMERS_OFFLINE", "1");
        let config = HubConfig::from_env_source(&env).unwrap();
        assert_eq!(config.metadata_timeout, Duration::from_secs(3));
        assert_eq!(config.read_timeout, DEFAULT_DOWNLOAD_TIMEOUT);
        assert!(config.offline);
        let err = HubConfig::from_env_source(&MapEnv::new().with("HF_HUB_ETAG_TIMEOUT", "soon"))
            .unwrap_err();
        assert!(err.to_string().contains("HF_HUB_ETAG_TIMEOUT"));
    }

    #[test]
    fn an_invalid_endpoint_is_shown_without_its_password() {
        for value in [
            "ftp://alice:s3cretPassw0rd@hub.example/",
            "https://alice:s3cretPassw0rd@",
            "alice:s3cretPassw0rd@hub.example",
        ] {
            let err =
                HubConfig::from_env_source(&MapEnv::new().with("HF_ENDPOINT", value)).unwrap_err();
            let text = err.to_string();
            assert!(!text.contains("s3cretPassw0rd"), "{text}");
            assert!(!text.contains("alice"), "{text}");
            assert!(text.contains("***@"), "{text}");
        }
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (url, expected) in [
            ("http://127.0.0.1:1/", true),
            ("http://127.8.9.10/", true),
            ("http://[::1]:80/", true),
            ("http://localhost:1/", true),
            ("http://hub.localhost/", true),
            ("http://hub.example/", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), expected, "{url}");
        }
    }

    #[test]
    fn trust_is_by_exact_origin() {
        let config = HubConfig::new("https://huggingface.co").unwrap();
        let trusted = |u: &str| config.is_trusted(&Url::parse(u).unwrap());
        assert!(trusted("https://huggingface.co/api/whoami-v2"));
        assert!(
            !trusted("http://huggingface.co/api/whoami-v2"),
            "downgrade to http"
        );
        assert!(!trusted("https://huggingface.co:8443/x"));
        assert!(!trusted("https://cdn-lfs.huggingface.co/x"));
        assert!(!trusted("https://huggingface.co@evil.example/x"));
        assert!(
            !trusted("https://user@huggingface.co/x"),
            "userinfo is never trusted"
        );
    }
}
