//! Xet downloads (feature `xet`): a Xet-backed file is reconstructed from the CAS through
//! `hf-xet`, verified like every download, resumed from a partial file; with Xet off it
//! comes through the bridge; a token route off the Hub is never sent the token.

use hf_hub::download::HashKind;
use hf_test_server::{FaultAction, FaultRule, Origin, RecordedRequest};

use crate::download::{api, model, options, server};

const XET_FILE: &str = "model.safetensors";
const XET_REPO: &str = "demo-org/xet-model";

fn by_origin(requests: &[RecordedRequest], origin: Origin) -> Vec<&RecordedRequest> {
    requests.iter().filter(|r| r.origin == origin).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_xet_file_is_reconstructed_from_the_cas_and_verified() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, Some(&server.tokens().read));
    server.clear_requests();
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    let blob = std::fs::canonicalize(&pointer).unwrap();
    let etag = blob.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        hf_hub::hash::hash_file(&blob, HashKind::Sha256).unwrap(),
        etag
    );
    let requests = server.requests();
    let cas = by_origin(&requests, Origin::Cas);
    assert!(
        cas.iter()
            .any(|r| r.path_and_query.contains("/reconstructions/")),
        "no reconstruction asked of the CAS: {requests:?}"
    );
    assert!(
        !by_origin(&requests, Origin::Cdn)
            .iter()
            .any(|r| r.path_and_query.starts_with("/xet/")),
        "the bridge was used: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.origin == Origin::Hub
            && r.path_and_query.contains("/xet-read-token/")
            && r.authorization),
        "the Hub's token route was asked, with the token: {requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_xet_off_the_bridge_serves_the_same_bytes() {
    let server = server();
    let (xet_cache, bridge_cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let api = api(&server, Some(&server.tokens().read));
    let through_xet = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(xet_cache.path()))
        .await
        .unwrap();
    server.clear_requests();
    let mut off = options(bridge_cache.path());
    off.xet = false;
    let through_bridge = api
        .download_file(&model(XET_REPO), XET_FILE, None, &off)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&through_xet).unwrap(),
        std::fs::read(&through_bridge).unwrap()
    );
    let requests = server.requests();
    assert!(
        by_origin(&requests, Origin::Cas)
            .iter()
            .all(|r| !r.path_and_query.contains("/reconstructions/")),
        "{requests:?}"
    );
    assert!(
        by_origin(&requests, Origin::Cdn)
            .iter()
            .any(|r| r.path_and_query.starts_with("/xet/")),
        "{requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_reconstruction_is_retried_and_the_file_still_verifies() {
    let server = server();
    let cache = tempfile::tempdir().unwrap();
    let api = api(&server, Some(&server.tokens().read));
    // The CAS fails the first reconstruction request: hf-xet retries it.
    server.add_fault(FaultRule {
        origin: Some(Origin::Cas),
        method: Some("GET".to_owned()),
        path_contains: "/reconstructions/".to_owned(),
        action: FaultAction::StatusSequence(vec![503]),
        times: Some(1),
    });
    let pointer = api
        .download_file(&model(XET_REPO), XET_FILE, None, &options(cache.path()))
        .await
        .unwrap();
    let blob = std::fs::canonicalize(&pointer).unwrap();
    let etag = blob.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        hf_hub::hash::hash_file(&blob, HashKind::Sha256).unwrap(),
        etag
    );
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.origin == Origin::Cas
            && r.path_and_query.contains("/reconstructions/")
            && r.status == 503),
        "the fault was not met: {requests:?}"
    );
}
