//! Repo management and listings against hf-test-server.

use futures_util::TryStreamExt as _;
use hf_hub::api::{
    CreateRepoOptions, GatedMode, ListReposOptions, Outcome, RepoSettings, RepoSort, Visibility,
};
use hf_hub::{HttpErrorKind, RepoId, RepoType};
use hf_test_server::{ServerConfig, TestServer};

use crate::upload::{api_for, repo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_settings_move_and_delete() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let model = repo("demo-user/managed", RepoType::Model);
    let created = api
        .create_repo(
            &model,
            &CreateRepoOptions::default().with_visibility(Some(Visibility::Private)),
        )
        .await
        .unwrap();
    assert_eq!(
        created.url,
        format!("{}/demo-user/managed", server.endpoint())
    );
    assert_eq!(created.outcome, Outcome::Done);
    let again = api
        .create_repo(&model, &CreateRepoOptions::default())
        .await
        .unwrap_err();
    assert_eq!(again.http_kind(), Some(&HttpErrorKind::Conflict), "{again}");
    let existing = api
        .create_repo(&model, &CreateRepoOptions::default().with_exist_ok(true))
        .await
        .unwrap();
    assert_eq!(existing.outcome, Outcome::AlreadySo, "nothing was created");
    let info = api.model_info(&model.id, None).await.unwrap();
    assert!(info.private);
    assert!(api.repo_exists(&model).await.unwrap());
    assert!(
        !api.repo_exists(&repo("demo-user/nope", RepoType::Model))
            .await
            .unwrap()
    );
    assert!(
        api.file_exists(&model, ".gitattributes", None)
            .await
            .unwrap()
            || !api.file_exists(&model, "nope.txt", None).await.unwrap()
    );
    assert!(!api.file_exists(&model, "nope.txt", None).await.unwrap());

    api.update_repo_settings(
        &model,
        &RepoSettings {
            visibility: Some(Visibility::Public),
            gated: Some(GatedMode::Manual),
        },
    )
    .await
    .unwrap();
    let info = api.model_info(&model.id, None).await.unwrap();
    assert!(!info.private);
    assert_eq!(info.gated, GatedMode::Manual);
    assert!(
        api.update_repo_settings(&model, &RepoSettings::default())
            .await
            .is_err()
    );

    // A Space needs an SDK.
    let space = repo("demo-user/my-space", RepoType::Space);
    assert!(
        api.create_repo(&space, &CreateRepoOptions::default())
            .await
            .is_err()
    );
    api.create_repo(
        &space,
        &CreateRepoOptions::default().with_space_sdk(Some("gradio".into())),
    )
    .await
    .unwrap();
    assert_eq!(
        api.space_info(&space.id, None).await.unwrap().id,
        "demo-user/my-space"
    );

    let moved = RepoId::new("demo-user/renamed").unwrap();
    api.move_repo(&model, &moved).await.unwrap();
    assert!(
        api.repo_exists(&repo("demo-user/renamed", RepoType::Model))
            .await
            .unwrap()
    );

    let renamed = repo("demo-user/renamed", RepoType::Model);
    assert_eq!(
        api.delete_repo(&renamed, false).await.unwrap(),
        Outcome::Done
    );
    let missing = api.delete_repo(&renamed, false).await.unwrap_err();
    assert_eq!(
        missing.http_kind(),
        Some(&HttpErrorKind::RepoNotFound),
        "{missing}"
    );
    assert_eq!(
        api.delete_repo(&renamed, true).await.unwrap(),
        Outcome::AlreadySo,
        "nothing to delete"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branches_tags_refs_and_commits() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let model = repo("demo-org/demo-model", RepoType::Model);
    assert_eq!(
        api.create_branch(&model, "dev/feature", None, false)
            .await
            .unwrap(),
        Outcome::Done
    );
    let exists = api
        .create_branch(&model, "dev/feature", None, false)
        .await
        .unwrap_err();
    assert_eq!(
        exists.http_kind(),
        Some(&HttpErrorKind::Conflict),
        "{exists}"
    );
    assert_eq!(
        api.create_branch(&model, "dev/feature", None, true)
            .await
            .unwrap(),
        Outcome::AlreadySo
    );
    api.create_tag(&model, "v9", Some("dev/feature"), Some("release"), false)
        .await
        .unwrap();
    assert_eq!(
        api.create_tag(&model, "v9", None, None, true)
            .await
            .unwrap(),
        Outcome::AlreadySo
    );
    api.create_tag(&model, "v9", None, None, true)
        .await
        .unwrap();

    let refs = api.list_repo_refs(&model, true).await.unwrap();
    let main = refs.branches.iter().find(|b| b.name == "main").unwrap();
    assert_eq!(main.git_ref, "refs/heads/main");
    let dev = refs
        .branches
        .iter()
        .find(|b| b.name == "dev/feature")
        .unwrap();
    assert_eq!(dev.target_commit, main.target_commit);
    assert!(
        refs.tags
            .iter()
            .any(|t| t.name == "v9" && t.target_commit == main.target_commit)
    );
    assert!(refs.pull_requests.is_some());

    let commits: Vec<_> = api
        .list_repo_commits(&model, Some("v9"))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!commits.is_empty());
    assert_eq!(commits[0].id, main.target_commit, "newest first");

    api.delete_tag(&model, "v9").await.unwrap();
    api.delete_branch(&model, "dev/feature").await.unwrap();
    let refs = api.list_repo_refs(&model, false).await.unwrap();
    assert!(!refs.tags.iter().any(|t| t.name == "v9"));
    assert!(!refs.branches.iter().any(|b| b.name == "dev/feature"));
    assert!(api.delete_branch(&model, "dev/feature").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_filter_sort_limit_and_paginate() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let all: Vec<_> = api
        .list_models(&ListReposOptions::default().with_author(Some("demo-org".into())))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(all.len() >= 3, "{all:?}");
    assert!(all.iter().all(|m| m.id.starts_with("demo-org/")));

    let limited: Vec<_> = api
        .list_models(
            &ListReposOptions::default()
                .with_author(Some("demo-org".into()))
                .with_sort(Some(RepoSort::Downloads))
                .with_limit(Some(2)),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(limited.len(), 2);
    assert!(limited[0].downloads >= limited[1].downloads);
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path_and_query == "/api/models?author=demo-org&sort=downloads&limit=2"),
        "{requests:?}"
    );

    // Python's model filters reach the wire as Python sends them.
    let _: Vec<_> = api
        .list_models(
            &ListReposOptions::default()
                .with_pipeline_tag(Some("text-classification".into()))
                .with_gated(Some(false))
                .with_apps(vec!["vllm".into()])
                .with_num_parameters(Some("min:6B,max:128B".into()))
                .with_warm(true)
                .with_inference_provider(vec!["together".into()]),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.path_and_query
            == "/api/models?pipeline_tag=text-classification&gated=false&apps=vllm\
                &num_parameters=min%3A6B%2Cmax%3A128B&inference=warm&inference_provider=together"),
        "{requests:?}"
    );

    let searched: Vec<_> = api
        .list_models(
            &ListReposOptions::default()
                .with_search(Some("demo-model".into()))
                .with_filter(vec!["text-classification".into()]),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        searched.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        vec!["demo-org/demo-model"]
    );

    let datasets: Vec<_> = api
        .list_datasets(&ListReposOptions::default())
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(datasets.iter().any(|d| d.id == "demo-org/demo-dataset"));
    let info = api
        .dataset_info(&RepoId::new("demo-org/demo-dataset").unwrap(), None)
        .await
        .unwrap();
    assert_eq!(info.id, "demo-org/demo-dataset");

    // 1200 files: the tree listing follows the Link header over two pages.
    let files = api
        .list_repo_files(&repo("demo-org/many-files", RepoType::Model), "main")
        .await
        .unwrap();
    assert!(files.len() >= 1200, "{}", files.len());
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains("many-files/tree/"))
        .count();
    assert_eq!(pages, 2);
}
