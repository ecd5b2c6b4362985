//! Start-up, shutdown and use from sync code.

use hf_test_server::{Seed, ServerConfig, TestServer};
use serde_json::json;
use std::time::{Duration, Instant};

use crate::*;

#[tokio::test]
async fn startup_is_fast_and_shutdown_frees_ports() {
    let t0 = Instant::now();
    let s = server();
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "spawn took {:?}",
        t0.elapsed()
    );
    let endpoint = s.endpoint().to_owned();
    let cdn = s.cdn().to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert!(cdn.starts_with("http://127.0.0.1:"));
    assert_ne!(endpoint, cdn);
    assert!(
        !format!("{s:?}").contains(&s.tokens().write),
        "Debug must not print tokens"
    );
    let dir = s.data_dir().to_owned();
    assert!(dir.exists());
    let c = client();
    assert_eq!(get(&c, &endpoint, None).await.status(), 200);
    let t0 = Instant::now();
    s.shutdown();
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "shutdown took {:?}",
        t0.elapsed()
    );
    assert!(!dir.exists(), "temp data dir removed");
    for url in [endpoint, cdn] {
        let addr = url.trim_start_matches("http://");
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "{addr} still listening"
        );
    }
}

#[test]
fn works_from_sync_code() {
    let s = TestServer::spawn(ServerConfig {
        seed: Seed::Empty,
        ..ServerConfig::default()
    })
    .expect("spawn");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        let c = client();
        let r = get(
            &c,
            &format!("{}/api/whoami-v2", s.endpoint()),
            Some(&s.tokens().read),
        )
        .await;
        assert_eq!(r.status(), 200);
        let r = get(&c, &format!("{}/api/models", s.endpoint()), None).await;
        assert_eq!(json_of(r).await, json!([]));
    });
}
