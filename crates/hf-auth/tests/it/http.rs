//! The HTTP core against a scripted local server: auth-header rules on redirects, retries,
//! error mapping and offline mode.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hf_auth::http::{HubClient, HubConfig, Redirects, RetryPolicy};
use hf_auth::{HttpErrorKind, Token};
use hf_test_server::raw::HostileServer;

const FAKE_TOKEN: &str = "hf_fakeHTTPCOREtestTOKENxxxxxxxxxxxxx";

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
    user_agent: Option<String>,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn reply(status: u16) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: String::new(),
    }
}

impl Reply {
    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }
}

/// A one-origin HTTP/1.1 server on 127.0.0.1 (the tests' raw server, `hf_test_server::raw`)
/// that answers each request with `script(request, index)`.
struct Scripted {
    base: String,
    server: HostileServer,
}

/// The parts of a request these tests look at.
fn view(raw: &hf_test_server::raw::Seen) -> Seen {
    Seen {
        method: raw.method.clone(),
        path: raw.target.clone(),
        authorization: raw.header("authorization").map(str::to_owned),
        user_agent: raw.header("user-agent").map(str::to_owned),
    }
}

impl Scripted {
    async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let count = AtomicUsize::new(0);
        let server = HostileServer::start(move |raw| {
            let index = count.fetch_add(1, Ordering::SeqCst);
            let r = script(&view(raw), index);
            let headers: Vec<(&str, &str)> = r
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            hf_test_server::raw::Reply::new(r.status, &headers, r.body.into_bytes())
        })
        .await;
        Self {
            base: server.url(),
            server,
        }
    }

    fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", self.base)).unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.server.seen().iter().map(view).collect()
    }
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_server_wait: Duration::from_secs(5),
        ..RetryPolicy::default()
    }
}

fn client_for(hub: &Scripted) -> HubClient {
    let mut config = HubConfig::new(&hub.base).unwrap();
    config.retry = fast_retry();
    HubClient::builder(config)
        .token(Some(Token::new(FAKE_TOKEN)))
        .caller("hf-auth-tests", "0.0.0")
        .build()
        .unwrap()
}

#[tokio::test]
async fn token_reaches_the_hub_but_never_another_origin_after_a_redirect() {
    let cdn = Scripted::start(|_, _| reply(200).body("blob")).await;
    let cdn_base = cdn.base.clone();
    let hub = Scripted::start(move |req, _| match req.path.as_str() {
        "/old-name/resolve/main/f" => reply(307).header("location", "/new-name/resolve/main/f"),
        "/new-name/resolve/main/f" => {
            reply(302).header("location", &format!("{cdn_base}/lfs/abc?sig=1"))
        }
        "/back" => reply(200).body("back on the hub"),
        _ => reply(404),
    })
    .await;
    let client = client_for(&hub);

    let response = client
        .get(hub.url("/old-name/resolve/main/f"))
        .send()
        .await
        .unwrap();
    assert_eq!(&response.read_limited(1024).await.unwrap()[..], b"blob");

    let hub_seen = hub.seen();
    assert_eq!(hub_seen.len(), 2, "relative redirect followed on the hub");
    for req in &hub_seen {
        assert_eq!(
            req.authorization.as_deref(),
            Some(format!("Bearer {FAKE_TOKEN}").as_str()),
            "{}",
            req.path
        );
        let ua = req.user_agent.as_deref().unwrap();
        assert!(
            ua.starts_with("hf-rs/") && ua.contains("hf-auth-tests/0.0.0"),
            "{ua}"
        );
    }
    let cdn_seen = cdn.seen();
    assert_eq!(cdn_seen.len(), 1);
    assert_eq!(
        cdn_seen[0].authorization, None,
        "the token leaked to another origin"
    );
}

#[tokio::test]
async fn a_chain_that_leaves_the_hub_and_comes_back_never_regains_the_token() {
    let hub_base = Arc::new(Mutex::new(String::new()));
    let hub_base2 = hub_base.clone();
    let other = Scripted::start(move |_, _| {
        reply(302).header("location", &format!("{}/back", hub_base2.lock().unwrap()))
    })
    .await;
    let other_base = other.base.clone();
    let hub = Scripted::start(move |req, _| match req.path.as_str() {
        "/start" => reply(302).header("location", &format!("{other_base}/bounce")),
        _ => reply(200).body("ok"),
    })
    .await;
    *hub_base.lock().unwrap() = hub.base.clone();
    let client = client_for(&hub);
    client.get(hub.url("/start")).send().await.unwrap();
    let seen = hub.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].authorization.is_some());
    assert_eq!(
        seen[1].authorization, None,
        "token re-attached after leaving the hub"
    );
    assert_eq!(other.seen()[0].authorization, None);
}

#[tokio::test]
async fn userinfo_redirects_are_refused_and_cdn_redirects_can_be_stopped_at() {
    let hub = Scripted::start(|req, _| match req.path.as_str() {
        "/evil" => reply(302).header("location", "http://hub@127.0.0.1:9/x"),
        _ => reply(302)
            .header("location", "http://127.0.0.1:9/lfs/x")
            .header("x-linked-etag", "\"abc\"")
            .header("x-linked-size", "42"),
    })
    .await;
    let client = client_for(&hub);
    let err = client.get(hub.url("/evil")).send().await.unwrap_err();
    assert_eq!(err.kind(), &HttpErrorKind::Redirect);

    let response = client
        .head(hub.url("/org/model/resolve/main/model.safetensors"))
        .redirects(Redirects::StopAtUntrusted)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.header("x-linked-size"), Some("42"));
}

#[tokio::test]
async fn idempotent_requests_are_retried_through_503s() {
    let hub = Scripted::start(|_, index| {
        if index < 2 {
            reply(503)
        } else {
            reply(200).body("{\"ok\":true}")
        }
    })
    .await;
    let client = client_for(&hub);
    let value: serde_json::Value = client
        .get(hub.url("/api/models/x"))
        .send_json()
        .await
        .unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(hub.seen().len(), 3);
}

#[tokio::test]
async fn a_post_is_not_retried_unless_marked_idempotent() {
    let hub = Scripted::start(|_, _| reply(503)).await;
    let client = client_for(&hub);
    let err = client
        .post(hub.url("/api/repos/create"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &HttpErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    let seen = hub.seen();
    assert_eq!(seen.len(), 1, "a non-idempotent POST was retried");
    assert_eq!(seen[0].method, "POST");

    let err = client
        .post(hub.url("/preupload"))
        .idempotent(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 4);
    assert_eq!(hub.seen().len(), 5);
}

#[tokio::test]
async fn retry_after_is_honoured_and_long_waits_fail_fast() {
    let hub = Scripted::start(|req, index| match (req.path.as_str(), index) {
        ("/short", 0) => reply(429).header("retry-after", "1"),
        ("/short", _) => reply(200),
        _ => reply(429)
            .header("ratelimit", "\"api\";r=0;t=3600")
            .header("x-request-id", "req-429"),
    })
    .await;
    let client = client_for(&hub);
    let started = Instant::now();
    client.get(hub.url("/short")).send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After ignored: {:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let err = client.get(hub.url("/long")).send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.kind(), &HttpErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.request_id(), Some("req-429"));
}

/// A task that observes retries is told of each retried status, with the server's wait;
/// requests outside the scope are not reported to it.
#[tokio::test]
async fn retried_statuses_reach_the_task_observer() {
    let hub = Scripted::start(|req, index| match (req.path.as_str(), index) {
        ("/busy", 0) => reply(503),
        ("/busy", 1) => reply(429).header("retry-after", "0"),
        _ => reply(200),
    })
    .await;
    let client = client_for(&hub);
    type Reports = Vec<(u16, Option<Duration>)>;
    let seen: Arc<Mutex<Reports>> = Arc::default();
    let observer: hf_auth::http::RetryObserver = {
        let seen = seen.clone();
        Arc::new(move |failed: &hf_auth::http::FailedAttempt| {
            seen.lock()
                .unwrap()
                .push((failed.status, failed.server_wait));
        })
    };
    hf_auth::http::observing_retries(observer, client.get(hub.url("/busy")).send())
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![(503, None), (429, Some(Duration::ZERO))]
    );
    client.get(hub.url("/busy")).send().await.unwrap();
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "a request outside the scope was reported"
    );
}

#[tokio::test]
async fn error_codes_map_to_typed_errors_with_message_and_request_id() {
    let hub = Scripted::start(|req, _| {
        let (status, code) = match req.path.as_str() {
            "/repo" => (404, "RepoNotFound"),
            "/rev" => (404, "RevisionNotFound"),
            "/entry" => (404, "EntryNotFound"),
            "/gated" => (403, "GatedRepo"),
            "/egress" => (402, "EgressLimitReached"),
            _ => (401, ""),
        };
        let mut r = reply(status)
            .header("x-error-message", &format!("message for {}", req.path))
            .header("x-request-id", "Root=1-abc")
            .header("content-type", "application/json")
            .body("{\"error\":\"body message\"}");
        if !code.is_empty() {
            r = r.header("x-error-code", code);
        }
        r
    })
    .await;
    let client = client_for(&hub);
    for (path, kind) in [
        ("/repo", HttpErrorKind::RepoNotFound),
        ("/rev", HttpErrorKind::RevisionNotFound),
        ("/entry", HttpErrorKind::EntryNotFound),
        ("/gated", HttpErrorKind::GatedRepo),
        ("/egress", HttpErrorKind::PaymentRequired),
        ("/whoami", HttpErrorKind::Unauthorized),
    ] {
        let err = client.get(hub.url(path)).send().await.unwrap_err();
        assert_eq!(err.kind(), &kind, "{path}");
        if path == "/egress" {
            assert_eq!(err.error_code(), Some("EgressLimitReached"));
            assert_eq!(err.attempts(), 1, "a 402 is not retried");
        }
        assert_eq!(
            err.server_message(),
            Some(format!("message for {path} body message").as_str())
        );
        assert_eq!(err.request_id(), Some("Root=1-abc"));
        let text = err.to_string();
        assert!(text.contains("Root=1-abc") && text.contains(path), "{text}");
        assert!(!text.contains(FAKE_TOKEN));
    }
}

#[tokio::test]
async fn a_401_on_a_repo_url_means_repo_not_found_unless_credentials_are_invalid() {
    let hub = Scripted::start(|req, _| {
        if req.path.starts_with("/api/models/bad-token") {
            reply(401).header(
                "x-error-message",
                "Invalid credentials in Authorization header",
            )
        } else {
            reply(401)
        }
    })
    .await;
    let client = client_for(&hub);
    let err = client
        .get(hub.url("/api/models/org/private"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &HttpErrorKind::RepoNotFound);
    let err = client
        .get(hub.url("/api/models/bad-token"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &HttpErrorKind::Unauthorized);
}

#[tokio::test]
async fn offline_mode_fails_before_any_connection() {
    let hub = Scripted::start(|_, _| reply(200)).await;
    let mut config = HubConfig::new(&hub.base).unwrap();
    config.offline = true;
    let client = HubClient::builder(config).build().unwrap();
    let err = client
        .get(hub.url("/api/whoami-v2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &HttpErrorKind::Offline);
    assert!(err.to_string().contains("HF_HUB_OFFLINE"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        hub.server.connections(),
        0,
        "a connection was opened in offline mode"
    );
}

#[tokio::test]
async fn signed_urls_do_not_leak_into_errors() {
    let cdn = Scripted::start(|_, _| reply(403)).await;
    let hub = Scripted::start(|_, _| reply(200)).await;
    let client = client_for(&hub);
    let err = client
        .get(cdn.url("/lfs/abc?X-Amz-Signature=supersecret"))
        .without_auth()
        .send()
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("supersecret"), "{err}");
    assert_eq!(cdn.seen()[0].authorization, None);
}
