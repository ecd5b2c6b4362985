//! A Space's runtime against hf-test-server: restart and wait, hardware and sleep time,
//! pause, dev mode, logs (read and followed), and who may do it.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use hf_hub::api::{CreateRepoOptions, SpaceLogOptions};
use hf_hub::{HttpErrorKind, RepoType};
use hf_test_server::{ServerConfig, TestServer};

use crate::upload::{api_for, repo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_space_restarts_builds_runs_and_logs_it() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let space = repo("demo-user/runtime-app", RepoType::Space);
    let options = CreateRepoOptions::default().with_space_sdk(Some("gradio".into()));
    api.create_repo(&space, &options).await.unwrap();
    let id = &space.id;
    assert_eq!(api.space_runtime(id).await.unwrap().stage, "RUNNING");

    let restarted = api.restart_space(id, false).await.unwrap();
    assert_eq!(restarted.stage, "BUILDING");
    assert!(restarted.is_settling());
    // The build log, followed, arrives as it is written and ends with the build.
    let mut follow = SpaceLogOptions::default();
    follow.build = true;
    follow.follow = true;
    let build: Vec<String> = api
        .space_logs(id, follow)
        .map_ok(|l| l.data)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(build.len(), 3, "{build:?}");
    assert!(build[0].contains("Build Queued (restart)"), "{build:?}");
    let mut stages = Vec::new();
    let runtime = api
        .wait_for_space(
            id,
            Some(Duration::from_secs(10)),
            Duration::from_millis(50),
            |r| stages.push(r.stage.clone()),
        )
        .await
        .unwrap();
    assert_eq!(runtime.stage, "RUNNING");
    assert_eq!(
        stages.last().map(String::as_str),
        Some("RUNNING"),
        "{stages:?}"
    );
    let run: Vec<_> = api
        .space_logs(id, SpaceLogOptions::default())
        .try_collect()
        .await
        .unwrap();
    assert!(
        run.iter().any(|l| l.data.contains("Running on local URL")),
        "{run:?}"
    );
    assert!(run.iter().all(|l| l.timestamp.is_some()));

    // A timeout returns the runtime still settling.
    api.restart_space(id, true).await.unwrap();
    let early = api
        .wait_for_space(
            id,
            Some(Duration::from_millis(50)),
            Duration::from_millis(20),
            |_| {},
        )
        .await
        .unwrap();
    assert!(early.is_settling(), "{early:?}");

    let hardware = api.list_space_hardware().await.unwrap();
    assert!(
        hardware
            .iter()
            .any(|h| h.name == "cpu-basic" && h.unit_cost_usd == 0.0)
    );
    let t4 = hardware.iter().find(|h| h.name == "t4-small").unwrap();
    assert_eq!(
        t4.accelerator.as_ref().map(|a| a.model.as_str()),
        Some("T4")
    );
    let upgraded = api
        .request_space_hardware(id, "t4-small", Some(3600))
        .await
        .unwrap();
    assert_eq!(
        (upgraded.requested_hardware.as_deref(), upgraded.sleep_time),
        (Some("t4-small"), Some(3600))
    );
    let bad = api
        .request_space_hardware(id, "h100x64", None)
        .await
        .unwrap_err();
    assert_eq!(bad.http_kind(), Some(&HttpErrorKind::BadRequest), "{bad}");
    assert_eq!(
        api.set_space_sleep_time(id, -1).await.unwrap().sleep_time,
        Some(-1)
    );
    assert!(api.set_space_dev_mode(id, true).await.unwrap().dev_mode);
    assert!(!api.set_space_dev_mode(id, false).await.unwrap().dev_mode);
    let paused = api.pause_space(id).await.unwrap();
    assert_eq!((paused.stage.as_str(), paused.hardware), ("PAUSED", None));
    let settled = api
        .wait_for_space(id, None, Duration::from_millis(20), |_| {})
        .await
        .unwrap();
    assert_eq!(settled.stage, "PAUSED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_token_may_not_run_a_space_nor_read_its_logs() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let writer = api_for(&server, &server.tokens().write);
    let space = repo("demo-user/guarded-app", RepoType::Space);
    let options = CreateRepoOptions::default().with_space_sdk(Some("gradio".into()));
    writer.create_repo(&space, &options).await.unwrap();
    let reader = api_for(&server, &server.tokens().read);
    let id = &space.id;
    assert_eq!(reader.space_runtime(id).await.unwrap().stage, "RUNNING");
    for err in [
        reader.pause_space(id).await.unwrap_err(),
        reader.restart_space(id, false).await.unwrap_err(),
        reader.set_space_sleep_time(id, 60).await.unwrap_err(),
        reader
            .space_logs(id, SpaceLogOptions::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.http_kind(), Some(&HttpErrorKind::Forbidden), "{err}");
    }
    let org = api_for(&server, &server.tokens().org_write);
    let err = org.pause_space(id).await.unwrap_err();
    assert!(err.http_kind().is_some(), "{err}");
    assert_eq!(writer.space_runtime(id).await.unwrap().stage, "RUNNING");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_are_found_by_semantic_search_with_their_filters() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().read);
    let found = api
        .search_spaces(
            "gradio template",
            &hf_hub::api::SpaceSearchOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(found[0].id, "demo-org/gradio-template");
    assert_eq!(found[0].stage.as_deref(), Some("RUNNING"));
    assert_eq!(found[0].semantic_relevancy_score, Some(1.0));
    let mut options = hf_hub::api::SpaceSearchOptions::default();
    options.sdk = vec!["docker".into()];
    assert!(
        api.search_spaces("gradio", &options)
            .await
            .unwrap()
            .is_empty()
    );
}
