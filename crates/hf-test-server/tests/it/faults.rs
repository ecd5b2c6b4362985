//! The fault-injection API.

use hf_test_server::{FaultAction, FaultRule, Origin};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

use crate::*;

#[tokio::test]
async fn faults() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let url = format!("{e}/api/models/demo-org/demo-model");
    s.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("GET".into()),
        path_contains: "/api/models/demo-org/demo-model".into(),
        action: FaultAction::StatusSequence(vec![503, 502]),
        times: None,
    });
    let statuses = [
        get(&c, &url, None).await.status(),
        get(&c, &url, None).await.status(),
        get(&c, &url, None).await.status(),
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::BAD_GATEWAY,
            StatusCode::OK
        ]
    );
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "whoami".into(),
        action: FaultAction::RateLimit {
            retry_after_secs: 7,
        },
        times: Some(1),
    });
    let r = get(&c, &format!("{e}/api/whoami-v2"), Some(&s.tokens().read)).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after"), "7");
    assert_eq!(header(&r, "ratelimit"), "\"api\";r=0;t=7");
    assert_eq!(
        get(&c, &format!("{e}/api/whoami-v2"), Some(&s.tokens().read))
            .await
            .status(),
        200
    );
    s.clear_faults();

    // body faults on the CDN
    let lfs = header(
        &get(
            &c,
            &format!("{e}/demo-org/demo-model/resolve/main/model.safetensors"),
            None,
        )
        .await,
        "location",
    );
    let full = get(&c, &lfs, None).await.bytes().await.unwrap();
    s.clear_requests();
    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::CutBodyAfter(1000),
        times: Some(1),
    });
    let r = get(&c, &lfs, None).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "cut body must fail");
    let recs = s.requests();
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0].origin, recs[0].body_bytes, recs[0].status),
        (Origin::Cdn, 1000, 200)
    );
    assert!(!recs[0].authorization);

    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::CorruptBody,
        times: Some(1),
    });
    let corrupted = get(&c, &lfs, None).await.bytes().await.unwrap();
    assert_eq!(corrupted.len(), full.len());
    assert_ne!(corrupted, full);

    s.add_fault(FaultRule {
        origin: Some(Origin::Cdn),
        method: None,
        path_contains: "/lfs/".into(),
        action: FaultAction::IgnoreRange,
        times: Some(1),
    });
    let r = c
        .get(&lfs)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), full.len());

    let t0 = Instant::now();
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "config.json".into(),
        action: FaultAction::LatencyMs(300),
        times: Some(1),
    });
    assert_eq!(
        get(
            &c,
            &format!("{e}/demo-org/demo-model/resolve/main/config.json"),
            None
        )
        .await
        .status(),
        200
    );
    assert!(t0.elapsed() >= Duration::from_millis(300));

    let t0 = Instant::now();
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "tokenizer.json".into(),
        action: FaultAction::DripBytesPerSec(2000),
        times: Some(1),
    });
    let body = get(
        &c,
        &format!("{e}/demo-org/demo-model/resolve/main/tokenizer.json"),
        None,
    )
    .await
    .bytes()
    .await
    .unwrap();
    let expected = Duration::from_secs_f64(body.len() as f64 / 2000.0 * 0.8);
    assert!(
        t0.elapsed() >= expected,
        "{:?} < {:?}",
        t0.elapsed(),
        expected
    );

    // the admin API does the same out of process
    let r = c
        .post(format!("{e}/_admin/faults"))
        .json(&json!({"path_contains": "/api/models/gpt2", "action": {"StatusSequence": [500]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get(&c, &format!("{e}/api/models/gpt2"), None)
            .await
            .status(),
        500
    );
    assert_eq!(
        get(&c, &format!("{e}/api/models/gpt2"), None)
            .await
            .status(),
        200
    );
    let reqs = json_of(get(&c, &format!("{e}/_admin/requests"), None).await).await;
    assert!(
        reqs.as_array()
            .unwrap()
            .iter()
            .all(|r| !r["path_and_query"].as_str().unwrap().starts_with("/_admin"))
    );
    let stats = json_of(get(&c, &format!("{e}/_admin/stats"), None).await).await;
    assert_eq!(stats["cdn_auth_violations"], 0);
    let rule: FaultRule = serde_json::from_value(
        json!({"origin": "cdn", "path_contains": "x", "action": "CorruptBody"}),
    )
    .unwrap();
    assert_eq!(rule.action, FaultAction::CorruptBody);
}

/// Two uploads at once through a 1 MB/s uplink: together they take as long as their sum
/// would alone (the budget is shared), not as long as one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uplink_is_shared_by_the_requests_that_use_it() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    s.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".into()),
        path_contains: "/api/".into(),
        action: FaultAction::UplinkBytesPerSec(1_000_000),
        times: None,
    });
    let body = vec![b'x'; 300_000];
    let t0 = Instant::now();
    let send = |path: &str| {
        c.post(format!("{e}{path}"))
            .header("content-type", "application/octet-stream")
            .body(body.clone())
            .send()
    };
    let (a, b) = tokio::join!(
        send("/api/models/demo-org/demo-model/preupload/main"),
        send("/api/models/demo-org/demo-model/preupload/main")
    );
    a.unwrap();
    b.unwrap();
    let took = t0.elapsed();
    // 600 kB at 1 MB/s: 0.6 s shared; one alone would have been 0.3 s.
    assert!(took >= Duration::from_millis(540), "{took:?}");
    // And each request's uploaded bytes are recorded.
    let uploaded: Vec<u64> = s
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains("/preupload/"))
        .map(|r| r.request_bytes)
        .collect();
    assert_eq!(uploaded, vec![300_000, 300_000]);
}
