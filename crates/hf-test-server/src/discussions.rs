//! Discussions and pull requests (`/api/{t}/{repo}/discussions...`) and their attachments
//! (`POST /uploads`, served back at `/uploads/{user}/{name}`).
//!
//! Rights, as on the Hub: taking part (open, comment) needs a token that may post
//! discussions ([`crate::model::Db::check_discuss`]); closing, reopening and renaming need the
//! author or write access; merging and editing need write access or, to edit, the comment's author.

use axum::http::Method;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::model::{Discussion, EventData, Repo, RepoType, Tree};
use crate::respond::{Ctx, find_or_return, forbidden, open_discussion, repo_not_found, repo_url};
use crate::util::{error_response, iso8601, now_secs, ok_json, sha256_hex, text_response};

/// A listing page holds this many discussions (as the Hub's).
const PAGE_SIZE: usize = 50;
/// Files larger than this are shown in a diff by their ids, not their lines.
const DIFF_TEXT_LIMIT: u64 = 256 * 1024;

fn event_json(d: &Discussion, i: usize) -> Value {
    let e = &d.events[i];
    let (kind, data) = match &e.data {
        EventData::Comment { raw, edits, hidden } => (
            "comment",
            json!({
                "edited": *edits > 0,
                "hidden": hidden,
                "numEdits": edits,
                "editors": [e.author],
                "latest": {"raw": raw, "html": raw, "updatedAt": iso8601(e.created), "author": {"name": e.author}},
            }),
        ),
        EventData::Status(status) => ("status-change", json!({"status": status})),
        EventData::Title { from, to } => ("title-change", json!({"from": from, "to": to})),
        EventData::Commit { oid, subject } => ("commit", json!({"oid": oid, "subject": subject})),
    };
    json!({
        "id": e.id,
        "type": kind,
        "createdAt": iso8601(e.created),
        "author": {"name": e.author, "type": "user"},
        "data": data,
    })
}

fn summary_json(ctx: &Ctx, repo: &Repo, d: &Discussion) -> Value {
    let comments = d
        .events
        .iter()
        .filter(|e| matches!(e.data, EventData::Comment { .. }))
        .count();
    json!({
        "num": d.num,
        "title": d.title,
        "status": d.status,
        "author": {"name": d.author, "type": "user"},
        "createdAt": iso8601(d.created),
        "isPullRequest": d.is_pr,
        "url": format!("{}/discussions/{}", repo_url(ctx, repo.kind, &repo.id), d.num),
        "repo": {"name": repo.id, "type": repo.kind.singular()},
        "numComments": comments,
        "pinned": false,
        "topReactions": [],
    })
}

/// The PR's tree, and its base's.
fn pr_trees(repo: &Repo, d: &Discussion) -> Option<(Tree, Tree)> {
    let head = repo.commits.get(repo.prs.get(&d.num)?)?;
    let base = repo.commits.get(d.base.as_ref()?)?;
    Some(((*head.tree).clone(), (*base.tree).clone()))
}

/// Paths the PR adds, changes or deletes against its base.
fn changed_paths(head: &Tree, base: &Tree) -> Vec<String> {
    let mut paths: Vec<String> = head
        .iter()
        .filter(|(p, e)| base.get(*p).map(|b| &b.oid) != Some(&e.oid))
        .map(|(p, _)| p.clone())
        .chain(base.keys().filter(|p| !head.contains_key(*p)).cloned())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Paths the PR changes that `main` changed too, differently, since the PR's base.
fn conflicts(repo: &Repo, d: &Discussion) -> Vec<String> {
    let Some((head, base)) = pr_trees(repo, d) else {
        return Vec::new();
    };
    let Some(main) = repo.head() else {
        return Vec::new();
    };
    changed_paths(&head, &base)
        .into_iter()
        .filter(|p| {
            let on_main = main.tree.get(p).map(|e| &e.oid);
            on_main != base.get(p).map(|e| &e.oid) && on_main != head.get(p).map(|e| &e.oid)
        })
        .collect()
}

fn blob_text(ctx: &Ctx, tree: &Tree, path: &str) -> Option<String> {
    let e = tree.get(path)?;
    if e.lfs.is_some() || e.size > DIFF_TEXT_LIMIT {
        return None;
    }
    let data = ctx.shared.blobs.get(&e.blob_key())?;
    String::from_utf8(data.to_vec()).ok()
}

/// A unified diff of the PR against its base: each changed text file as one hunk, other
/// files (LFS, large, binary) by their ids.
fn pr_diff(ctx: &Ctx, repo: &Repo, d: &Discussion) -> String {
    let Some((head, base)) = pr_trees(repo, d) else {
        return String::new();
    };
    let mut out = String::new();
    for path in changed_paths(&head, &base) {
        let (old, new) = (base.get(&path), head.get(&path));
        out.push_str(&format!("diff --git a/{path} b/{path}\n"));
        match (old, new) {
            (None, Some(_)) => out.push_str("new file mode 100644\n"),
            (Some(_), None) => out.push_str("deleted file mode 100644\n"),
            _ => {}
        }
        let short = |e: Option<&crate::model::Entry>| {
            e.map_or_else(|| "0000000".to_owned(), |e| e.oid[..7].to_owned())
        };
        out.push_str(&format!("index {}..{}\n", short(old), short(new)));
        let text = |tree: &Tree, present: bool| {
            if present {
                blob_text(ctx, tree, &path)
            } else {
                Some(String::new())
            }
        };
        match (text(&base, old.is_some()), text(&head, new.is_some())) {
            (Some(before), Some(after)) => {
                let from = if old.is_some() {
                    format!("a/{path}")
                } else {
                    "/dev/null".into()
                };
                let to = if new.is_some() {
                    format!("b/{path}")
                } else {
                    "/dev/null".into()
                };
                out.push_str(&format!("--- {from}\n+++ {to}\n"));
                let (a, b): (Vec<&str>, Vec<&str>) =
                    (before.lines().collect(), after.lines().collect());
                out.push_str(&format!(
                    "@@ -{},{} +{},{} @@\n",
                    usize::from(!a.is_empty()),
                    a.len(),
                    usize::from(!b.is_empty()),
                    b.len()
                ));
                for line in a {
                    out.push_str(&format!("-{line}\n"));
                }
                for line in b {
                    out.push_str(&format!("+{line}\n"));
                }
            }
            _ => out.push_str(&format!("Binary files a/{path} and b/{path} differ\n")),
        }
    }
    out
}

fn details_json(ctx: &Ctx, repo: &Repo, d: &Discussion, with_diff: bool) -> Value {
    let mut v = summary_json(ctx, repo, d);
    v["events"] = Value::Array((0..d.events.len()).map(|i| event_json(d, i)).collect());
    if d.is_pr {
        v["changes"] = json!({"base": "refs/heads/main", "mergeCommitId": d.merge_commit});
        v["filesWithConflicts"] = json!(if d.status == "merged" {
            Vec::new()
        } else {
            conflicts(repo, d)
        });
        if with_diff {
            v["diff"] = json!(pr_diff(ctx, repo, d));
        }
    } else {
        v["changes"] = Value::Null;
        v["filesWithConflicts"] = json!([]);
    }
    v
}

fn status_matches(filter: Option<&str>, status: &str) -> bool {
    match filter {
        Some("open") => matches!(status, "open" | "draft"),
        Some("closed") => matches!(status, "closed" | "merged"),
        _ => true,
    }
}

/// `/api/{t}/{repo}/discussions[/{num}[/{action}]]`.
pub(crate) fn route(ctx: &Ctx, kind: RepoType, id: &str, tail: &str) -> Response {
    let repo = find_or_return!(ctx, kind, id);
    let parts: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    match (&ctx.method, parts.as_slice()) {
        (&Method::GET, []) => list(ctx, &repo),
        (&Method::POST, []) => create(ctx, &repo),
        (&Method::GET, [num]) => match find_discussion(&repo, num) {
            Ok(d) => ok_json(details_json(ctx, &repo, d, ctx.q_bool("diff"))),
            Err(r) => r,
        },
        (&Method::POST, [num, action @ ..]) => change(ctx, &repo, num, action),
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

fn find_discussion<'a>(repo: &'a Repo, num: &str) -> Result<&'a Discussion, Response> {
    num.parse::<u64>()
        .ok()
        .and_then(|n| repo.discussions.iter().find(|d| d.num == n))
        .ok_or_else(|| error_response(404, None, "Discussion not found"))
}

fn list(ctx: &Ctx, repo: &Repo) -> Response {
    let kind = ctx.q("type");
    let status = ctx.q("status");
    let author = ctx.q("author");
    let matching: Vec<&Discussion> = repo
        .discussions
        .iter()
        .rev()
        .filter(|d| match kind {
            Some("pull_request") => d.is_pr,
            Some("discussion") => !d.is_pr,
            _ => true,
        })
        .filter(|d| status_matches(status, d.status))
        .filter(|d| author.is_none_or(|a| a == d.author))
        .collect();
    let page: usize = ctx.q("p").and_then(|p| p.parse().ok()).unwrap_or(0);
    let start = page.saturating_mul(PAGE_SIZE).min(matching.len());
    let end = (start + PAGE_SIZE).min(matching.len());
    let items: Vec<Value> = matching[start..end]
        .iter()
        .map(|d| summary_json(ctx, repo, d))
        .collect();
    let closed = repo
        .discussions
        .iter()
        .filter(|d| matches!(d.status, "closed" | "merged"))
        .count();
    ok_json(json!({
        "discussions": items,
        "count": matching.len(),
        "start": start,
        "numClosedDiscussions": closed,
    }))
}

fn create(ctx: &Ctx, repo: &Repo) -> Response {
    if let Err(msg) = ctx.db().check_discuss(&ctx.caller, repo) {
        return rights_error(ctx, &msg);
    }
    let body = match ctx.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let title = body["title"].as_str().unwrap_or("").trim().to_owned();
    if title.chars().count() < 3 || title.chars().count() > 200 {
        return error_response(
            400,
            None,
            "The title must be between 3 and 200 characters long",
        );
    }
    let user = ctx.user().unwrap_or("").to_owned();
    let mut db = ctx.db();
    let Some(r) = db.repos.get_mut(&(repo.kind, repo.id.clone())) else {
        return repo_not_found(&ctx.caller);
    };
    let num = open_discussion(
        r,
        &title,
        body["description"].as_str().unwrap_or(""),
        &user,
        body["pullRequest"].as_bool().unwrap_or(false),
        None,
    );
    let r = r.clone();
    drop(db);
    let d = r
        .discussions
        .iter()
        .find(|d| d.num == num)
        .expect("just opened");
    ok_json(details_json(ctx, &r, d, false))
}

/// 401 without a token, 403 otherwise.
fn rights_error(ctx: &Ctx, msg: &str) -> Response {
    if ctx.caller.token().is_none() {
        error_response(401, None, msg)
    } else {
        forbidden(msg)
    }
}

/// `POST …/{num}/comment|title|status|merge|comment/{id}/edit|comment/{id}/hide`.
fn change(ctx: &Ctx, repo: &Repo, num: &str, action: &[&str]) -> Response {
    let d = match find_discussion(repo, num) {
        Ok(d) => d.clone(),
        Err(r) => return r,
    };
    let user = ctx.user().unwrap_or("").to_owned();
    let (may_discuss, may_write) = {
        let db = ctx.db();
        (
            db.check_discuss(&ctx.caller, repo),
            db.check_write(&ctx.caller, repo.kind, &repo.id),
        )
    };
    if let Err(msg) = &may_discuss {
        return rights_error(ctx, msg);
    }
    let is_author = !user.is_empty() && user == d.author;
    let body = if ctx.body.is_empty() {
        json!({})
    } else {
        match ctx.json_body() {
            Ok(b) => b,
            Err(r) => return r,
        }
    };
    let text = |key: &str| body[key].as_str().map(str::trim).unwrap_or("").to_owned();
    let needs_author_or_writer = || -> Result<(), Response> {
        match &may_write {
            Ok(()) => Ok(()),
            Err(_) if is_author => Ok(()),
            Err(msg) => Err(forbidden(&format!(
                "Only the author of #{} or someone who can write to {} may do this: {msg}",
                d.num, repo.id
            ))),
        }
    };
    let mut db = ctx.db();
    let Some(r) = db.repos.get_mut(&(repo.kind, repo.id.clone())) else {
        return repo_not_found(&ctx.caller);
    };
    let repo_id = r.id.clone();
    let main_head = r.branches.get("main").cloned();
    let pr_head = r.prs.get(&d.num).cloned();
    let conflicting = if d.is_pr {
        conflicts(r, &d)
    } else {
        Vec::new()
    };
    let merged_tree = match (&pr_head, d.base.as_ref()) {
        (Some(_), Some(_)) if action == ["merge"] => pr_trees(r, &d).and_then(|(head, base)| {
            let main = r.head()?;
            let mut tree: Tree = (*main.tree).clone();
            for path in changed_paths(&head, &base) {
                match head.get(&path) {
                    Some(e) => tree.insert(path, e.clone()),
                    None => tree.remove(&path),
                };
            }
            Some((tree, changed_paths(&head, &base)))
        }),
        _ => None,
    };
    let Some(disc) = r.discussions.iter_mut().find(|x| x.num == d.num) else {
        return error_response(404, None, "Discussion not found");
    };
    match action {
        ["comment"] => {
            let comment = text("comment");
            if comment.is_empty() {
                return error_response(400, None, "The comment cannot be empty");
            }
            let i = disc.push_event(
                &repo_id,
                &user,
                EventData::Comment {
                    raw: comment,
                    edits: 0,
                    hidden: false,
                },
            );
            ok_json(json!({"newMessage": event_json(disc, i)}))
        }
        ["title"] => {
            if let Err(r) = needs_author_or_writer() {
                return r;
            }
            let title = text("title");
            if title.chars().count() < 3 || title.chars().count() > 200 {
                return error_response(
                    400,
                    None,
                    "The title must be between 3 and 200 characters long",
                );
            }
            let from = std::mem::replace(&mut disc.title, title.clone());
            let i = disc.push_event(&repo_id, &user, EventData::Title { from, to: title });
            ok_json(json!({"newTitle": event_json(disc, i)}))
        }
        ["status"] => {
            if let Err(r) = needs_author_or_writer() {
                return r;
            }
            let status: &'static str = match body["status"].as_str() {
                Some("open") => "open",
                Some("closed") => "closed",
                _ => return error_response(400, None, "status must be 'open' or 'closed'"),
            };
            if disc.status == "merged" {
                return error_response(409, None, "A merged pull request cannot change status");
            }
            let comment = text("comment");
            if !comment.is_empty() {
                disc.push_event(
                    &repo_id,
                    &user,
                    EventData::Comment {
                        raw: comment,
                        edits: 0,
                        hidden: false,
                    },
                );
            }
            disc.status = status;
            let i = disc.push_event(&repo_id, &user, EventData::Status(status));
            ok_json(json!({"newStatus": event_json(disc, i)}))
        }
        ["merge"] => {
            if let Err(msg) = &may_write {
                return forbidden(msg);
            }
            if !disc.is_pr {
                return error_response(
                    400,
                    None,
                    &format!("#{} is a discussion, not a pull request", disc.num),
                );
            }
            if disc.status == "draft" {
                return error_response(
                    409,
                    None,
                    &format!(
                        "Pull request #{} is a draft: it has no commits to merge yet",
                        disc.num
                    ),
                );
            }
            if disc.status != "open" {
                return error_response(
                    409,
                    None,
                    &format!("Pull request #{} is {}", disc.num, disc.status),
                );
            }
            if !conflicting.is_empty() {
                return error_response(
                    409,
                    None,
                    &format!(
                        "Pull request #{} has conflicts with main in {}",
                        disc.num,
                        conflicting.join(", ")
                    ),
                );
            }
            let Some((tree, changed)) = merged_tree else {
                return error_response(
                    409,
                    None,
                    &format!("Pull request #{} has no commits to merge", disc.num),
                );
            };
            let comment = text("comment");
            if !comment.is_empty() {
                disc.push_event(
                    &repo_id,
                    &user,
                    EventData::Comment {
                        raw: comment,
                        edits: 0,
                        hidden: false,
                    },
                );
            }
            disc.status = "merged";
            disc.push_event(&repo_id, &user, EventData::Status("merged"));
            let title = format!("Merge pull request #{}: {}", disc.num, disc.title);
            let num = disc.num;
            let oid = r.add_commit(
                main_head.as_deref(),
                &title,
                "",
                &user,
                now_secs(),
                tree,
                &changed,
            );
            r.branches.insert("main".into(), oid.clone());
            if let Some(disc) = r.discussions.iter_mut().find(|x| x.num == num) {
                disc.merge_commit = Some(oid.clone());
            }
            ok_json(json!({"mergeCommitId": oid}))
        }
        ["comment", id, what @ ("edit" | "hide")] => {
            let Some(i) = disc.events.iter().position(|e| e.id == *id) else {
                return error_response(404, None, "Comment not found");
            };
            let comment_author = disc.events[i].author.clone();
            let allowed = if *what == "edit" {
                comment_author == user
            } else {
                may_write.is_ok()
            };
            if !allowed {
                return forbidden(&format!(
                    "Only {} may {what} this comment",
                    if *what == "edit" {
                        comment_author.as_str()
                    } else {
                        "a writer of the repo"
                    }
                ));
            }
            let EventData::Comment { raw, edits, hidden } = &mut disc.events[i].data else {
                return error_response(400, None, "This event is not a comment");
            };
            if *what == "edit" {
                let content = text("content");
                if content.is_empty() {
                    return error_response(400, None, "The comment cannot be empty");
                }
                *raw = content;
                *edits += 1;
            } else {
                *hidden = true;
            }
            ok_json(json!({"updatedComment": event_json(disc, i)}))
        }
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}

/// `POST /uploads` (a discussion attachment; its content type says what it is) and
/// `GET /uploads/{user}/{name}`.
pub(crate) fn attachment(ctx: &Ctx, segs: &[String]) -> Response {
    match (&ctx.method, segs) {
        (&Method::POST, [_]) => {
            let Some(user) = ctx.user().map(str::to_owned) else {
                return error_response(
                    401,
                    None,
                    "You must be authenticated to upload attachments",
                );
            };
            if let Some(t) = ctx.caller.token()
                && t.role == crate::model::Role::Read
            {
                return forbidden(&format!(
                    "You don't have the rights to upload attachments: this token has a read role (token \"{}\")",
                    t.display_name
                ));
            }
            let content_type = ctx
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let ext = match content_type {
                "image/png" => "png",
                "image/jpeg" => "jpg",
                "image/gif" => "gif",
                "image/webp" => "webp",
                "video/mp4" => "mp4",
                "video/quicktime" => "mov",
                "video/webm" => "webm",
                "audio/mpeg" => "mp3",
                "audio/wav" => "wav",
                _ => {
                    return error_response(
                        415,
                        None,
                        &format!("Unsupported attachment type: {content_type}"),
                    );
                }
            };
            let name = format!("{user}/{}.{ext}", &sha256_hex(&ctx.body)[..32]);
            ctx.db().attachments.insert(
                name.clone(),
                (content_type.to_owned(), Bytes::clone(&ctx.body)),
            );
            text_response(200, &format!("{}/uploads/{name}", ctx.shared.endpoint))
        }
        (&Method::GET, [_, user, file]) => {
            let name = format!("{user}/{file}");
            match ctx.db().attachments.get(&name) {
                Some((content_type, data)) => {
                    let mut resp = Response::new(axum::body::Body::from(data.clone()));
                    crate::util::set_header(&mut resp, "content-type", content_type);
                    resp
                }
                None => error_response(404, None, "Not found"),
            }
        }
        _ => error_response(
            404,
            None,
            &format!("Not found: {} {}", ctx.method, ctx.path),
        ),
    }
}
