//! Discussions and pull requests against hf-test-server: the whole life of a PR, listings
//! across pages, conflicts, attachments, and who may do what.

use futures_util::TryStreamExt as _;
use hf_hub::api::{
    CreateRepoOptions, DiscussionEventKind, DiscussionKind, DiscussionStatus,
    DiscussionStatusFilter, ListDiscussionsOptions,
};
use hf_hub::upload::{CommitOperation, CommitOptions, UploadOptions};
use hf_hub::{HttpErrorKind, RepoType};
use hf_test_server::{ServerConfig, TestServer};

use crate::upload::{api_for, repo};

fn to(revision: &str, message: &str) -> CommitOptions {
    CommitOptions::default()
        .with_message(message)
        .with_revision(Some(revision.into()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_request_is_opened_committed_to_reviewed_and_merged() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let model = repo("demo-user/reviewed", RepoType::Model);
    api.create_repo(&model, &CreateRepoOptions::default())
        .await
        .unwrap();
    api.create_commit(
        &model,
        vec![CommitOperation::add_bytes("notes.txt", "one\ntwo\n")],
        &to("main", "first notes"),
        &UploadOptions::default(),
    )
    .await
    .unwrap();

    let pr = api
        .create_discussion(&model, "  Better notes ", "Please review", true)
        .await
        .unwrap();
    assert_eq!(pr.title, "Better notes");
    assert_eq!(pr.status, DiscussionStatus::Draft);
    assert_eq!(pr.git_reference().as_deref(), Some("refs/pr/1"));
    assert_eq!(
        pr.url,
        format!("{}/demo-user/reviewed/discussions/1", server.endpoint())
    );

    // A draft has nothing to merge.
    let early = api.merge_pull_request(&model, 1, None).await.unwrap_err();
    assert_eq!(early.http_kind(), Some(&HttpErrorKind::Conflict), "{early}");

    let commit = api
        .create_commit(
            &model,
            vec![CommitOperation::add_bytes("notes.txt", "one\ntwo\nthree\n")],
            &to("refs/pr/1", "add three"),
            &UploadOptions::default(),
        )
        .await
        .unwrap();
    let comment = api
        .comment_discussion(&model, 1, "Looks good")
        .await
        .unwrap();
    let edited = api
        .edit_discussion_comment(&model, 1, &comment.id.to_uppercase(), "Looks great")
        .await
        .unwrap();
    assert_eq!(edited.id, comment.id);
    api.rename_discussion(&model, 1, "Even better notes")
        .await
        .unwrap();

    let details = api.discussion(&model, 1).await.unwrap();
    assert_eq!(details.discussion.status, DiscussionStatus::Open);
    assert_eq!(details.discussion.title, "Even better notes");
    assert_eq!(details.target_branch.as_deref(), Some("refs/heads/main"));
    assert_eq!(details.conflicting_files, Some(vec![]));
    let diff = details.diff.as_deref().unwrap();
    assert!(
        diff.contains("diff --git a/notes.txt b/notes.txt"),
        "{diff}"
    );
    assert!(diff.contains("+three"), "{diff}");
    let kinds: Vec<&DiscussionEventKind> = details.events.iter().map(|e| &e.kind).collect();
    assert!(
        matches!(kinds[0], DiscussionEventKind::Comment { content, .. } if content == "Please review")
    );
    assert!(
        matches!(kinds[1], DiscussionEventKind::Commit { oid, summary } if *oid == commit.commit_oid && summary == "add three")
    );
    assert!(
        matches!(kinds[2], DiscussionEventKind::Comment { content, edited: true, .. } if content == "Looks great")
    );
    assert!(
        matches!(kinds[3], DiscussionEventKind::TitleChange { old_title, new_title } if old_title == "Better notes" && new_title == "Even better notes")
    );

    api.merge_pull_request(&model, 1, Some("Thanks!"))
        .await
        .unwrap();
    let merged = api.discussion(&model, 1).await.unwrap();
    assert_eq!(merged.discussion.status, DiscussionStatus::Merged);
    let merge_commit = merged.merge_commit_oid.clone().unwrap();
    let info = api.repo_info(&model, None, false).await.unwrap();
    assert_eq!(info.sha.as_deref(), Some(merge_commit.as_str()));
    assert!(matches!(
        merged.events.last().map(|e| &e.kind),
        Some(DiscussionEventKind::StatusChange { new_status }) if new_status == "merged"
    ));
    // Merged is final: no reopening, no second merge.
    let reopen = api
        .change_discussion_status(&model, 1, true, None)
        .await
        .unwrap_err();
    assert_eq!(
        reopen.http_kind(),
        Some(&HttpErrorKind::Conflict),
        "{reopen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflicting_pull_request_is_not_merged() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let model = repo("demo-user/conflicted", RepoType::Model);
    api.create_repo(&model, &CreateRepoOptions::default())
        .await
        .unwrap();
    let add = |text: &'static str| vec![CommitOperation::add_bytes("a.txt", text)];
    api.create_commit(
        &model,
        add("base\n"),
        &to("main", "base"),
        &UploadOptions::default(),
    )
    .await
    .unwrap();
    api.create_discussion(&model, "Change a", "", true)
        .await
        .unwrap();
    api.create_commit(
        &model,
        add("pr\n"),
        &to("refs/pr/1", "pr side"),
        &UploadOptions::default(),
    )
    .await
    .unwrap();
    api.create_commit(
        &model,
        add("main\n"),
        &to("main", "main side"),
        &UploadOptions::default(),
    )
    .await
    .unwrap();
    let details = api.discussion(&model, 1).await.unwrap();
    assert_eq!(details.conflicting_files, Some(vec!["a.txt".to_owned()]));
    let err = api.merge_pull_request(&model, 1, None).await.unwrap_err();
    assert_eq!(err.http_kind(), Some(&HttpErrorKind::Conflict), "{err}");
    assert!(err.to_string().contains("a.txt"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_filter_and_follow_pages() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let model = repo("demo-user/busy", RepoType::Model);
    api.create_repo(&model, &CreateRepoOptions::default())
        .await
        .unwrap();
    // 60 discussions and 5 PRs: more than one page of 50.
    for i in 0..60 {
        api.create_discussion(&model, &format!("Question {i}"), "?", false)
            .await
            .unwrap();
    }
    for i in 0..5 {
        api.create_discussion(&model, &format!("Change {i}"), "", true)
            .await
            .unwrap();
    }
    api.change_discussion_status(&model, 1, false, Some("answered"))
        .await
        .unwrap();
    let all: Vec<_> = api
        .list_discussions(&model, &ListDiscussionsOptions::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 65);
    assert_eq!(all[0].num, 65, "newest first");
    let mut open = ListDiscussionsOptions::default();
    open.status = Some(DiscussionStatusFilter::Open);
    open.kind = Some(DiscussionKind::Discussion);
    let open: Vec<_> = api
        .list_discussions(&model, &open)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(open.len(), 59);
    assert!(open.iter().all(|d| !d.is_pull_request));
    let mut prs = ListDiscussionsOptions::default();
    prs.kind = Some(DiscussionKind::PullRequest);
    prs.author = Some("demo-user".into());
    let prs: Vec<_> = api
        .list_discussions(&model, &prs)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(prs.len(), 5);
    let mut closed = ListDiscussionsOptions::default();
    closed.status = Some(DiscussionStatusFilter::Closed);
    let closed: Vec<_> = api
        .list_discussions(&model, &closed)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(closed.iter().map(|d| d.num).collect::<Vec<_>>(), vec![1]);
    let mut nobody = ListDiscussionsOptions::default();
    nobody.author = Some("someone-else".into());
    let none: Vec<_> = api
        .list_discussions(&model, &nobody)
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_and_out_of_org_tokens_are_refused() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let tokens = server.tokens();
    let writer = api_for(&server, &tokens.write);
    let mine = repo("demo-user/talked-about", RepoType::Model);
    writer
        .create_repo(&mine, &CreateRepoOptions::default())
        .await
        .unwrap();
    writer
        .create_discussion(&mine, "Hello there", "", false)
        .await
        .unwrap();

    let reader = api_for(&server, &tokens.read);
    // A read token reads discussions but may not take part.
    assert_eq!(reader.discussion(&mine, 1).await.unwrap().discussion.num, 1);
    for err in [
        reader
            .create_discussion(&mine, "From a reader", "", false)
            .await
            .unwrap_err(),
        reader
            .comment_discussion(&mine, 1, "me too")
            .await
            .unwrap_err(),
        reader
            .upload_attachment(b"\x89PNG".to_vec(), "image/png")
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.http_kind(), Some(&HttpErrorKind::Forbidden), "{err}");
        assert!(err.to_string().contains("read role"), "{err}");
    }

    // An organisation's token works in its organisation only.
    let org = api_for(&server, &tokens.org_write);
    let err = org
        .create_discussion(&mine, "From the org", "", false)
        .await
        .unwrap_err();
    assert_eq!(err.http_kind(), Some(&HttpErrorKind::Forbidden), "{err}");
    assert!(err.to_string().contains("discussion.write"), "{err}");
    let err = org
        .change_discussion_status(&mine, 1, false, None)
        .await
        .unwrap_err();
    assert_eq!(err.http_kind(), Some(&HttpErrorKind::Forbidden), "{err}");
    let theirs = repo("demo-org/org-talk", RepoType::Model);
    writer
        .create_repo(&theirs, &CreateRepoOptions::default())
        .await
        .unwrap();
    let d = org
        .create_discussion(&theirs, "From the org", "", false)
        .await
        .unwrap();
    org.change_discussion_status(&theirs, d.num, false, Some("done"))
        .await
        .unwrap();

    // Nobody merges a discussion, and a missing one is "not found".
    let err = writer.merge_pull_request(&mine, 1, None).await.unwrap_err();
    assert_eq!(err.http_kind(), Some(&HttpErrorKind::BadRequest), "{err}");
    let err = writer.discussion(&mine, 99).await.unwrap_err();
    assert!(err.http_kind().is_some(), "{err}");
    // Client-side checks come before any request.
    let bad = writer
        .edit_discussion_comment(&mine, 1, "not-hex!", "x")
        .await
        .unwrap_err();
    assert!(matches!(bad, hf_hub::Error::InvalidInput(_)), "{bad}");
    let empty = writer
        .comment_discussion(&mine, 1, "   ")
        .await
        .unwrap_err();
    assert!(matches!(empty, hf_hub::Error::InvalidInput(_)), "{empty}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_uploaded_and_served_back() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let api = api_for(&server, &server.tokens().write);
    let png = b"\x89PNG\r\n\x1a\nnot really an image".to_vec();
    let url = api
        .upload_attachment(png.clone(), "image/png")
        .await
        .unwrap();
    assert!(
        url.starts_with(&format!("{}/uploads/demo-user/", server.endpoint())),
        "{url}"
    );
    assert!(url.ends_with(".png"), "{url}");
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    let err = api
        .upload_attachment(vec![0; 10], "application/x-msdownload")
        .await
        .unwrap_err();
    assert!(err.http_kind().is_some(), "{err}");
}
