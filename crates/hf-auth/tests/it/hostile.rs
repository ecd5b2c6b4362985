//! The HTTP core against hostile servers: redirect tricks aimed at the token (other origins and
//! back, downgrades, host aliases, scheme-relative and userinfo locations, endless chains),
//! stalls and drips that only a read timeout can end, oversized and lying JSON bodies.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hf_auth::http::{HubClient, HubConfig, MAX_JSON_BODY, RetryPolicy};
use hf_auth::{HttpErrorKind, Token};

use crate::hostile_server::{Body, HostileServer, Reply, Seen};

/// A named scripted answer, for tables of cases.
type NamedReply = (&'static str, fn() -> Reply);

const TOKEN: &str = "hf_fakeHostileAuthTokenNotReal0000";

fn config(endpoint: &str) -> HubConfig {
    let mut config = HubConfig::new(endpoint).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    config.read_timeout = Duration::from_secs(1);
    config
}

fn client(config: HubConfig) -> HubClient {
    HubClient::builder(config)
        .token(Some(Token::new(TOKEN.to_owned())))
        .build()
        .unwrap()
}

fn assert_no_token(seen: &[Seen], who: &str) {
    for req in seen {
        assert!(
            req.header("authorization").is_none(),
            "{who} received the token on {} {}",
            req.method,
            req.target
        );
        assert!(
            !req.target.contains(TOKEN) && !String::from_utf8_lossy(&req.body).contains(TOKEN),
            "{who} received the token in the URL or body"
        );
    }
}

/// "evil" bounces everything back to the Hub under `/back`.
async fn evil_bouncing_to(hub: Arc<OnceLock<String>>) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        Reply::redirect(302, &format!("{}/back{}", hub.get().unwrap(), req.target))
    })
    .await
}

#[tokio::test]
async fn no_location_spelling_carries_the_token_off_the_hub() {
    let hub_url: Arc<OnceLock<String>> = Arc::default();
    let evil = evil_bouncing_to(hub_url.clone()).await;
    let evil_port = evil.port();
    let hub = HostileServer::start(move |req: &Seen| {
        if req.target.starts_with("/back/") {
            return Reply::json(&serde_json::json!({"ok": true}));
        }
        let location = match req.path() {
            "/plain" => format!("http://127.0.0.1:{evil_port}/plain"),
            "/alias" => format!("http://localhost:{evil_port}/alias"),
            "/scheme-relative" => format!("//127.0.0.1:{evil_port}/scheme-relative"),
            "/upper" => format!("HTTP://127.0.0.1:{evil_port}/upper"),
            "/dotted" => format!("http://127.0.0.1.:{evil_port}/dotted"),
            "/decimal" => format!("http://2130706433:{evil_port}/decimal"),
            _ => "/".to_owned(),
        };
        Reply::redirect(302, &location)
    })
    .await;
    hub_url.set(hub.url()).unwrap();
    let client = client(config(&hub.url()));
    for path in [
        "/plain",
        "/alias",
        "/scheme-relative",
        "/upper",
        "/dotted",
        "/decimal",
    ] {
        let url = client.url(path).unwrap();
        // Some spellings may not resolve here; either way the token must stay home.
        let outcome = client.get(url).send().await;
        if let Err(error) = outcome {
            assert!(!error.to_string().contains(TOKEN), "{path}: {error}");
        }
    }
    assert!(evil.seen().len() >= 3, "{:?}", evil.seen().len());
    assert_no_token(&evil.seen(), "another origin");
    let back: Vec<Seen> = hub
        .seen()
        .into_iter()
        .filter(|r| r.target.starts_with("/back/"))
        .collect();
    assert!(!back.is_empty());
    assert_no_token(&back, "the Hub, after a hop elsewhere,");
}

#[tokio::test]
async fn a_downgrade_of_a_trusted_origin_to_http_is_another_origin() {
    // The router is trusted on https; a redirect to the same host on plain http is not.
    let evil = HostileServer::start(|_req: &Seen| Reply::json(&serde_json::json!({}))).await;
    let evil_port = evil.port();
    let hub = HostileServer::start(move |_req: &Seen| {
        Reply::redirect(307, &format!("http://127.0.0.1:{evil_port}/downgraded"))
    })
    .await;
    let mut config = config(&hub.url());
    config
        .trust_origin(&format!("https://127.0.0.1:{evil_port}"))
        .unwrap();
    let client = client(config);
    client.get(client.url("/x").unwrap()).send().await.unwrap();
    assert_eq!(evil.seen().len(), 1);
    assert_no_token(&evil.seen(), "the http downgrade of a trusted https origin");
}

#[tokio::test]
async fn userinfo_tricks_are_refused_without_a_request() {
    let evil = HostileServer::start(|_req: &Seen| Reply::json(&serde_json::json!({}))).await;
    let evil_port = evil.port();
    let hub = HostileServer::start(move |req: &Seen| {
        let host = req.header("host").unwrap_or_default().to_owned();
        let location = match req.path() {
            "/a" => format!("http://hub@127.0.0.1:{evil_port}/a"),
            "/b" => format!("http://{host}@127.0.0.1:{evil_port}/b"),
            "/c" => format!("http://{host}:x@127.0.0.1:{evil_port}/c"),
            "/d" => format!("http://user:pass@{host}/d"),
            "/e" => format!("http://%68ub@127.0.0.1:{evil_port}/e"),
            _ => "ftp://127.0.0.1/f".to_owned(),
        };
        Reply::redirect(302, &location)
    })
    .await;
    let client = client(config(&hub.url()));
    for path in ["/a", "/b", "/c", "/d", "/e", "/f"] {
        let error = client
            .get(client.url(path).unwrap())
            .send()
            .await
            .expect_err(path);
        assert_eq!(error.kind(), &HttpErrorKind::Redirect, "{path}: {error}");
        let text = error.to_string();
        assert!(
            !text.contains(TOKEN) && !text.contains("pass"),
            "{path}: {text}"
        );
    }
    assert!(
        evil.seen().is_empty(),
        "no request may follow a location with credentials"
    );
}

#[tokio::test]
async fn an_endless_redirect_chain_stops() {
    let hub = HostileServer::start(|req: &Seen| {
        let n: u64 = req.path().trim_start_matches("/hop").parse().unwrap_or(0);
        Reply::redirect(302, &format!("/hop{}", n + 1))
    })
    .await;
    let client = client(config(&hub.url()));
    let started = Instant::now();
    let error = client
        .get(client.url("/hop0").unwrap())
        .send()
        .await
        .expect_err("endless chain");
    assert_eq!(error.kind(), &HttpErrorKind::Redirect);
    assert!(error.to_string().contains("redirects"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(hub.seen().len() <= 2 * (hf_auth::http::MAX_REDIRECTS + 1));
}

#[tokio::test]
async fn stalls_end_with_a_timeout() {
    let cases: Vec<NamedReply> = vec![
        ("no answer at all", Reply::stall),
        ("half a status line", || Reply {
            head: String::new(),
            body: Body::Drip {
                chunks: vec![b"HTTP/1.1 2".to_vec()],
                every: Duration::from_secs(3600),
                forever: false,
            },
        }),
        ("headers then silence", || {
            Reply::streaming(200, &[("content-type", "application/json")], Body::Stall)
        }),
        ("a body that stops", || Reply {
            head: "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close".to_owned(),
            body: Body::Drip {
                chunks: vec![b"{\"a\":".to_vec()],
                every: Duration::from_secs(3600),
                forever: false,
            },
        }),
    ];
    for (name, reply) in cases {
        let hub = HostileServer::start(move |_req: &Seen| reply()).await;
        let client = client(config(&hub.url()));
        let started = Instant::now();
        let error = client
            .get(client.url("/api/whoami-v2").unwrap())
            .send_json::<serde_json::Value>()
            .await
            .expect_err(name);
        let elapsed = started.elapsed();
        // 1 s read timeout, 2 attempts.
        assert!(elapsed < Duration::from_secs(8), "{name}: {elapsed:?}");
        assert!(
            matches!(error.kind(), HttpErrorKind::Timeout | HttpErrorKind::Decode),
            "{name}: {error}"
        );
    }
}

#[tokio::test]
async fn a_metadata_request_is_bounded_even_when_the_server_drips() {
    // One byte of headers every 300 ms never trips the per-read timeout; the metadata
    // timeout (total time per attempt) still ends it.
    let hub = HostileServer::start(|_req: &Seen| Reply {
        head: String::new(),
        body: Body::Drip {
            chunks: b"HTTP/1.1 200 OK\r\nx-padding: "
                .iter()
                .map(|b| vec![*b])
                .chain(std::iter::once(b"a".to_vec()))
                .collect(),
            every: Duration::from_millis(300),
            forever: true,
        },
    })
    .await;
    let mut config = config(&hub.url());
    config.metadata_timeout = Duration::from_secs(2);
    let client = client(config);
    let started = Instant::now();
    let error = client
        .head(client.url("/x/resolve/main/f").unwrap())
        .metadata_timeout()
        .send()
        .await
        .expect_err("a dripping head");
    assert_eq!(error.kind(), &HttpErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn json_bodies_are_bounded() {
    let cases: Vec<NamedReply> = vec![
        ("declared 500 MB", || {
            Reply::streaming(
                200,
                &[("content-length", "500000000")],
                Body::Endless(vec![b' '; 65536]),
            )
        }),
        ("undeclared endless", || {
            Reply::streaming(200, &[], Body::Endless(b"{\"a\":[".repeat(10000)))
        }),
        ("chunked endless", || {
            let chunk = b"[".repeat(60000);
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            Reply::streaming(
                200,
                &[("transfer-encoding", "chunked")],
                Body::Endless(framed),
            )
        }),
        ("a length that lies short", || {
            Reply::new(200, &[("content-length", "3")], b"{\"a\": 1}".to_vec())
        }),
    ];
    for (name, reply) in cases {
        let hub = HostileServer::start(move |_req: &Seen| reply()).await;
        let client = client(config(&hub.url()));
        let error = client
            .get(client.url("/api/models/x/y").unwrap())
            .send_json::<serde_json::Value>()
            .await
            .expect_err(name);
        assert_eq!(error.kind(), &HttpErrorKind::Decode, "{name}: {error}");
        assert!(
            hub.body_bytes_sent() < MAX_JSON_BODY + 32 * 1024 * 1024,
            "{name}: {} bytes sent before the client stopped",
            hub.body_bytes_sent()
        );
    }
}

#[tokio::test]
async fn an_error_body_is_read_only_in_part() {
    // A 500 whose body never ends: the error must still come back, with a bounded read.
    let hub = HostileServer::start(|_req: &Seen| {
        Reply::streaming(
            500,
            &[("content-type", "text/plain")],
            Body::Endless(b"oops ".repeat(10000)),
        )
    })
    .await;
    let client = client(config(&hub.url()));
    let error = client
        .get(client.url("/api/x").unwrap())
        .send()
        .await
        .expect_err("500");
    assert_eq!(error.kind(), &HttpErrorKind::Server);
    assert!(error.to_string().len() < 4096, "the message is bounded");
    assert!(hub.body_bytes_sent() < 64 * 1024 * 1024);
}

#[test]
fn absurd_timeouts_in_the_environment_are_errors_not_panics() {
    for value in ["1e300", "inf", "NaN", "-1", "1e20"] {
        for name in ["HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT"] {
            let env = hf_auth::env::MapEnv::new().with(name, value);
            let outcome = std::panic::catch_unwind(|| HubConfig::from_env_source(&env));
            let result = outcome.unwrap_or_else(|_| panic!("{name}={value} panicked"));
            let error = result.expect_err(&format!("{name}={value} is refused"));
            assert!(error.to_string().contains(name), "{error}");
        }
    }
}
