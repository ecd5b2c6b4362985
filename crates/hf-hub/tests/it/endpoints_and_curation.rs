//! Inference Endpoints, collections, papers and webhooks through `HubApi` against
//! hf-test-server, and what a hostile Endpoints API cannot do (show a secret, name a path).

use std::time::Duration;

use futures_util::TryStreamExt as _;
use hf_auth::Token;
use hf_auth::http::HubConfig;
use hf_hub::HubApi;
use hf_hub::api::{
    CatalogDeploy, CatalogFilter, CollectionItemType, DailyPapersOptions, EndpointSpec,
    ListCollectionsOptions, SecretValue, SpaceSecret, WebhookSpec, WebhookTarget,
};
use hf_test_server::{ServerConfig, TestServer};

use crate::hostile_server::{HostileServer, Reply, Seen};

/// A client of `server` whose Endpoints API and catalog are the server's.
fn api(server: &TestServer, token: &str) -> HubApi {
    let mut config = HubConfig::new(server.endpoint()).unwrap();
    config
        .set_inference_endpoints_urls(&server.inference_endpoints(), &server.inference_catalog())
        .unwrap();
    HubApi::new(config, Some(Token::new(token))).unwrap()
}

fn cpu_spec() -> EndpointSpec {
    let mut spec = EndpointSpec::default();
    spec.repository = Some("demo-org/demo-model".into());
    spec.framework = Some("pytorch".into());
    spec.accelerator = Some("cpu".into());
    spec.instance_type = Some("intel-icl".into());
    spec.instance_size = Some("x1".into());
    spec.region = Some("us-east-1".into());
    spec.vendor = Some("aws".into());
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_is_deployed_waited_for_and_managed() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api(&server, &server.tokens().write);
    let mut spec = cpu_spec();
    spec.secrets
        .push(SpaceSecret::new("API_KEY", "fake-api-key-2024"));
    let created = api
        .create_inference_endpoint("lib-one", &spec, None)
        .await
        .unwrap();
    assert_eq!(
        (created.namespace.as_str(), created.status()),
        ("demo-user", "pending")
    );
    assert!(!format!("{created:?}").contains("fake-api-key-2024"));
    assert_eq!(
        server
            .endpoint_secret("demo-user", "lib-one", "API_KEY")
            .as_deref(),
        Some("fake-api-key-2024")
    );

    let mut states = Vec::new();
    let running = api
        .wait_for_inference_endpoint(
            "lib-one",
            None,
            Some(Duration::from_secs(20)),
            Duration::from_millis(50),
            |e| {
                states.push(e.status().to_owned());
            },
        )
        .await
        .unwrap();
    assert_eq!(running.status(), "running");
    assert_eq!(states, ["pending", "initializing", "running"]);
    assert!(running.url().is_some());

    // A timeout returns the endpoint still settling.
    api.pause_inference_endpoint("lib-one", None).await.unwrap();
    api.resume_inference_endpoint("lib-one", None, false)
        .await
        .unwrap();
    let early = api
        .wait_for_inference_endpoint(
            "lib-one",
            None,
            Some(Duration::ZERO),
            Duration::from_millis(50),
            |_| {},
        )
        .await
        .unwrap();
    assert!(early.is_settling(), "{}", early.status());

    let mut update = EndpointSpec::default();
    update.max_replica = Some(3);
    let updated = api
        .update_inference_endpoint("lib-one", &update, None)
        .await
        .unwrap();
    assert_eq!(updated.raw()["compute"]["scaling"]["maxReplica"], 3);
    assert_eq!(
        updated.raw()["compute"]["instanceSize"],
        "x1",
        "a partial update keeps the rest"
    );

    let hardware = api.list_endpoint_hardware(None).await.unwrap();
    let cpu = hardware
        .iter()
        .find(|h| h.instance_type == "intel-icl" && h.instance_size == "x1")
        .unwrap();
    assert_eq!(
        cpu.used_accelerators, 1,
        "the running endpoint counts against the quota"
    );
    assert!(hardware.iter().any(|h| !h.is_deployable()));

    let catalog = api
        .list_inference_catalog(&CatalogFilter::default())
        .await
        .unwrap();
    assert_eq!(catalog.len(), 2);
    let mut filter = CatalogFilter::default();
    filter.engine = Some("llamacpp".into());
    assert_eq!(
        api.list_inference_catalog(&filter).await.unwrap()[0].repo_id,
        "demo-org/tiny-gguf"
    );
    let from_catalog = api
        .deploy_from_catalog(
            &CatalogDeploy::Model {
                repo_id: "demo-org/tiny-gguf".into(),
                accelerator: None,
                gguf_file: Some("tiny-Q4_K_M.gguf".into()),
            },
            Some("gguf-one"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(from_catalog.name(), "gguf-one");
    assert_eq!(api.list_inference_endpoints(None).await.unwrap().len(), 2);
    api.delete_inference_endpoint("gguf-one", None)
        .await
        .unwrap();
    let gone = api.inference_endpoint("gguf-one", None).await.unwrap_err();
    assert_eq!(gone.as_http().and_then(|h| h.status()), Some(404));
    // Names are checked before they are joined into a URL.
    assert!(api.inference_endpoint("../x", None).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_goes_to_the_endpoints_api_and_secrets_coming_back_are_masked() {
    let hostile = HostileServer::start(|req: &Seen| {
        if req.path().ends_with("/whoami-v2") {
            return Reply::json(&serde_json::json!({"name": "demo-user", "type": "user"}));
        }
        Reply::json(&serde_json::json!({"items": [{
            "name": "leaky", "status": {"state": "running"},
            "model": {"repository": "m/x", "secrets": {"K": "fake-leaked-secret-99"},
                      "image": {"custom": {"url": "i", "credentials": {"username": "u", "password": "fake-leaked-pass-77"}}}},
        }]}))
    })
    .await;
    let mut config = HubConfig::new(&hostile.url()).unwrap();
    let base = format!("{}/elsewhere/v2", hostile.url());
    config
        .set_inference_endpoints_urls(&base, &format!("{}/catalog", hostile.url()))
        .unwrap();
    let api = HubApi::new(
        config,
        Some(Token::new("hf_fakeEndpointsTokenForTheTest0001")),
    )
    .unwrap();
    let list = api.list_inference_endpoints(None).await.unwrap();
    let shown = serde_json::to_string(&list).unwrap() + &format!("{list:?}");
    assert!(
        !shown.contains("fake-leaked-secret-99") && !shown.contains("fake-leaked-pass-77"),
        "{shown}"
    );
    let seen = hostile.seen();
    let listing = seen
        .iter()
        .find(|s| s.path().starts_with("/elsewhere/v2/endpoint/demo-user"))
        .unwrap();
    assert_eq!(
        listing.header("authorization"),
        Some("Bearer hf_fakeEndpointsTokenForTheTest0001"),
        "the Endpoints API is sent the token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collections_papers_and_webhooks() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api(&server, &server.tokens().write);
    let c = api
        .create_collection("Lib picks", None, Some("d"), false, false)
        .await
        .unwrap();
    assert_eq!(c.owner, "demo-user");
    let again = api
        .create_collection("Lib picks", None, None, false, true)
        .await
        .unwrap();
    assert_eq!(again.slug, c.slug, "exists_ok finds the existing one");
    let with_item = api
        .add_collection_item(
            &c.slug,
            "demo-org/demo-model",
            CollectionItemType::Model,
            None,
            false,
        )
        .await
        .unwrap();
    assert_eq!(with_item.items.len(), 1);
    let mut options = ListCollectionsOptions::default();
    options.item = Some("models/demo-org/demo-model".into());
    let found: Vec<_> = api
        .list_collections(&options)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    api.delete_collection(&c.slug, false).await.unwrap();
    api.delete_collection(&c.slug, true).await.unwrap();

    let mut daily = DailyPapersOptions::default();
    daily.submitter = Some("demo-user".into());
    assert_eq!(api.list_daily_papers(&daily).await.unwrap().len(), 2);
    assert!(
        api.read_paper("2610.09999")
            .await
            .unwrap()
            .contains("two GPUs")
    );

    let mut spec = WebhookSpec::default();
    spec.watched
        .push("model:demo-org/demo-model".parse().unwrap());
    spec.target = Some(WebhookTarget::Url("https://example.invalid/h".into()));
    spec.secret = Some(SecretValue::new("fake-lib-webhook-secret"));
    let w = api.create_webhook(&spec).await.unwrap();
    assert_eq!(
        w.secret.as_ref().map(SecretValue::expose_secret),
        Some("fake-lib-webhook-secret")
    );
    assert!(!format!("{w:?}").contains("fake-lib-webhook-secret"));
    assert!(
        api.set_webhook_enabled(&w.id, false)
            .await
            .unwrap()
            .disabled
    );
    api.delete_webhook(&w.id).await.unwrap();
    assert!(api.list_webhooks().await.unwrap().is_empty());

    // An organisation token: not for the user's webhooks.
    let org = api_for_org(&server);
    let refused = org.create_webhook(&spec).await.unwrap_err();
    assert_eq!(refused.as_http().and_then(|h| h.status()), Some(403));
}

fn api_for_org(server: &TestServer) -> HubApi {
    api(server, &server.tokens().org_write)
}
