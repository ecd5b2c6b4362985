//! Streaming against hostile servers: an SSE stream that stalls, that sends garbage, that
//! never ends a line, that never ends at all; the token never follows a redirect off the
//! router. Each must end in a clear error (or a consumer-side cancel) in bounded time and memory.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use hf_auth::Token;
use hf_auth::http::{HubConfig, RetryPolicy};
use hf_inference::{ChatCompletionRequest, ChatMessage, Error, InferenceClient};

use crate::hostile_server::{Body, HostileServer, Reply, Seen};

const TOKEN: &str = "hf_fakeHostileInferenceTokenNotReal";
const MODEL: &str = "org/model";

fn client(url: &str) -> InferenceClient {
    let mut config = HubConfig::new(url).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    InferenceClient::builder()
        .hub_config(config)
        .router_url(url)
        .token(Some(Token::new(TOKEN.to_owned())))
        .read_timeout(Duration::from_secs(1))
        .build()
        .unwrap()
}

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new(vec![ChatMessage::user("hi")])
}

fn chunk_event(text: &str) -> Vec<u8> {
    let chunk = serde_json::json!({
        "id": "x", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": null}]
    });
    format!("data: {chunk}\n\n").into_bytes()
}

fn sse(body: Body) -> Reply {
    Reply::streaming(200, &[("content-type", "text/event-stream")], body)
}

/// Collects the stream with a hard ceiling; returns the items and the time taken.
async fn drain(client: &InferenceClient) -> (Vec<Result<String, Error>>, Duration) {
    let started = Instant::now();
    let items = tokio::time::timeout(Duration::from_secs(60), async {
        match client.chat_completion_stream(MODEL, request()).await {
            Ok(stream) => {
                stream
                    .map(|r| r.map(|c| format!("{c:?}")))
                    .collect::<Vec<_>>()
                    .await
            }
            Err(error) => vec![Err(error)],
        }
    })
    .await
    .expect("the stream must end on its own in bounded time");
    (items, started.elapsed())
}

#[tokio::test]
async fn a_stream_that_stalls_hits_the_read_timeout() {
    let server = HostileServer::start(|_req: &Seen| {
        sse(Body::Drip {
            chunks: vec![chunk_event("one"), chunk_event("two")],
            every: Duration::from_secs(3600),
            forever: false,
        })
    })
    .await;
    let (items, elapsed) = drain(&client(&server.url())).await;
    assert!(items[0].is_ok(), "{items:?}");
    let error = items
        .last()
        .unwrap()
        .as_ref()
        .expect_err("the stall ends in an error");
    assert!(
        error.to_string().contains("stalled") || error.to_string().contains("broke off"),
        "{error}"
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn garbage_events_end_in_a_decode_error() {
    for garbage in [
        b"data: {not json}\n\n".to_vec(),
        b"data: {\"choices\": 42}\n\n".to_vec(),
        b"\xff\xfe\x00\x01garbage\n\n".to_vec(),
        vec![0u8; 4096],
    ] {
        let server = HostileServer::start(move |_req: &Seen| {
            let mut body = chunk_event("ok");
            body.extend_from_slice(&garbage);
            body.extend_from_slice(b"data: [DONE]\n\n");
            sse(Body::Bytes(body))
        })
        .await;
        let (items, elapsed) = drain(&client(&server.url())).await;
        assert!(elapsed < Duration::from_secs(10));
        assert!(items.len() <= 3, "{items:?}");
        for item in &items {
            if let Err(error) = item {
                assert!(!error.to_string().contains(TOKEN));
            }
        }
    }
}

#[tokio::test]
async fn a_line_that_never_ends_is_cut_at_the_event_limit() {
    let server = HostileServer::start(|_req: &Seen| {
        let mut start = b"data: {\"a\":\"".to_vec();
        start.extend(std::iter::repeat_n(b'x', 1 << 20));
        sse(Body::Drip {
            chunks: vec![start, vec![b'x'; 1 << 20]],
            every: Duration::from_millis(1),
            forever: true,
        })
    })
    .await;
    let (items, elapsed) = drain(&client(&server.url())).await;
    let error = items.last().unwrap().as_ref().expect_err("too large");
    assert!(error.to_string().contains("larger than"), "{error}");
    assert!(elapsed < Duration::from_secs(30));
    assert!(
        server.body_bytes_sent() < 64 * 1024 * 1024,
        "{} bytes",
        server.body_bytes_sent()
    );
}

#[tokio::test]
async fn an_endless_stream_stops_when_the_consumer_drops_it() {
    let server = HostileServer::start(|_req: &Seen| {
        sse(Body::Drip {
            chunks: vec![chunk_event("again")],
            every: Duration::from_millis(1),
            forever: true,
        })
    })
    .await;
    let client = client(&server.url());
    let stream = client
        .chat_completion_stream(MODEL, request())
        .await
        .unwrap();
    let first: Vec<_> = stream.take(50).collect().await;
    assert_eq!(first.len(), 50);
    assert!(first.iter().all(Result::is_ok));
    // Dropped: the connection closes and the server's writes stop.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_drop = server.body_bytes_sent();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.body_bytes_sent(),
        after_drop,
        "the server still streams into a dropped connection"
    );
}

#[tokio::test]
async fn a_router_redirect_elsewhere_never_carries_the_token() {
    let evil =
        HostileServer::start(|_req: &Seen| sse(Body::Bytes(b"data: [DONE]\n\n".to_vec()))).await;
    let evil_url = evil.url();
    let router = HostileServer::start(move |req: &Seen| {
        Reply::redirect(307, &format!("{evil_url}{}", req.target))
    })
    .await;
    let _ = drain(&client(&router.url())).await;
    assert!(
        router
            .seen()
            .iter()
            .any(|r| r.header("authorization").is_some())
    );
    for req in evil.seen() {
        assert!(
            req.header("authorization").is_none(),
            "token sent to {}",
            req.target
        );
        assert!(!String::from_utf8_lossy(&req.body).contains(TOKEN));
    }
}
