//! Discussions and pull requests: list, read (with the PR's diff), open, comment, edit a
//! comment, rename, close or reopen, merge; and attachments (`POST /uploads`) to embed in them.

use futures_util::stream::{self, BoxStream, StreamExt as _};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::pagination::ListingBudget;
use crate::api::pagination::ListingLimits;
use crate::repo::Repo;
use crate::{Error, HubApi};

/// The most bytes of a pull request's diff kept (the Hub truncates large diffs itself).
pub const MAX_DIFF_BYTES: usize = 16 * 1024 * 1024;
/// The most events (comments, status and title changes, commits) read from one discussion.
pub const MAX_DISCUSSION_EVENTS: usize = 100_000;
/// The most bytes of an attachment sent (the Hub's own limit is lower for images).
pub const MAX_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;

/// The state of a discussion or pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DiscussionStatus {
    /// Open for comments (a PR can be merged).
    Open,
    /// Closed without merging.
    Closed,
    /// A merged pull request.
    Merged,
    /// A pull request opened through the API that has no commit yet.
    Draft,
    /// A state this client does not know.
    #[serde(other)]
    Unknown,
}

impl DiscussionStatus {
    /// The Hub's name for it (`open`, `closed`, `merged`, `draft`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Merged => "merged",
            Self::Draft => "draft",
            Self::Unknown => "unknown",
        }
    }
}

/// Which discussions a listing returns, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscussionKind {
    /// Discussions only.
    Discussion,
    /// Pull requests only.
    PullRequest,
}

/// Which discussions a listing returns, by state (the Hub filters open and closed only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscussionStatusFilter {
    /// Open ones (drafts included).
    Open,
    /// Closed ones (merged included).
    Closed,
}

/// Filters of [`HubApi::list_discussions`]; the default lists every discussion and PR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListDiscussionsOptions {
    /// Only those opened by this user or organisation.
    pub author: Option<String>,
    /// Only discussions, or only pull requests.
    pub kind: Option<DiscussionKind>,
    /// Only open, or only closed.
    pub status: Option<DiscussionStatusFilter>,
}

/// A discussion or pull request, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discussion {
    /// Its number in the repo (`#5`; a PR's ref is `refs/pr/5`).
    pub num: u64,
    /// The title.
    pub title: String,
    /// Open, closed, merged or draft.
    pub status: DiscussionStatus,
    /// Who opened it (`deleted` for a deleted account).
    pub author: String,
    /// When it was opened (ISO 8601, as the Hub sent it).
    pub created_at: String,
    /// Whether it is a pull request.
    pub is_pull_request: bool,
    /// The repo it belongs to (`namespace/name`).
    pub repo_id: String,
    /// `model`, `dataset`, `space` or `kernel`.
    pub repo_type: String,
    /// Its page on the Hub.
    pub url: String,
}

impl Discussion {
    /// `refs/pr/N` for a pull request: the revision to commit to or download from.
    #[must_use]
    pub fn git_reference(&self) -> Option<String> {
        self.is_pull_request
            .then(|| format!("refs/pr/{}", self.num))
    }
}

/// What happened in a discussion, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiscussionEventKind {
    /// A comment (the first one is the description).
    Comment {
        /// The text as written (Markdown).
        content: String,
        /// Whether it was edited after posting.
        edited: bool,
        /// Whether a maintainer hid it.
        hidden: bool,
    },
    /// The state changed (opened, closed, merged).
    StatusChange {
        /// The new state.
        new_status: String,
    },
    /// A commit was pushed to the pull request.
    Commit {
        /// The commit's title.
        summary: String,
        /// The commit id.
        oid: String,
    },
    /// The title changed.
    TitleChange {
        /// The title before.
        old_title: String,
        /// The title after.
        new_title: String,
    },
    /// An event this client does not know (its type as the Hub named it).
    Other {
        /// The Hub's event type.
        event_type: String,
    },
}

/// One event of a discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscussionEvent {
    /// Its id (hexadecimal): what `edit_discussion_comment` takes for a comment.
    pub id: String,
    /// Who did it.
    pub author: String,
    /// When (ISO 8601).
    pub created_at: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: DiscussionEventKind,
}

/// A discussion or pull request with its events and, for a PR, its target, conflicts and diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscussionDetails {
    /// The discussion as listed.
    #[serde(flatten)]
    pub discussion: Discussion,
    /// Comments, state and title changes and commits, oldest first.
    pub events: Vec<DiscussionEvent>,
    /// The branch a PR merges into (`refs/heads/main`).
    pub target_branch: Option<String>,
    /// Files changed both in the PR and on its target since it was opened.
    pub conflicting_files: Option<Vec<String>>,
    /// The merge commit of a merged PR.
    pub merge_commit_oid: Option<String>,
    /// The PR's changes as a unified diff (at most [`MAX_DIFF_BYTES`]).
    pub diff: Option<String>,
}

#[derive(Deserialize)]
struct RawAuthor {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawRepo {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDiscussion {
    num: u64,
    title: String,
    status: DiscussionStatus,
    #[serde(default)]
    author: Option<RawAuthor>,
    created_at: String,
    is_pull_request: bool,
    repo: RawRepo,
    #[serde(default)]
    events: Vec<Value>,
    #[serde(default)]
    changes: Option<Value>,
    #[serde(default)]
    files_with_conflicts: Option<Vec<String>>,
    #[serde(default)]
    diff: Option<String>,
}

fn author_name(author: Option<&RawAuthor>) -> String {
    author
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| "deleted".to_owned())
}

fn event_from(raw: &Value) -> Result<DiscussionEvent, Error> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let id = text(&raw["id"]).ok_or_else(|| malformed("an event without an id"))?;
    let event_type = text(&raw["type"]).unwrap_or_default();
    let data = &raw["data"];
    let kind = match event_type.as_str() {
        "comment" => DiscussionEventKind::Comment {
            content: text(&data["latest"]["raw"]).unwrap_or_default(),
            edited: data["edited"].as_bool().unwrap_or(false),
            hidden: data["hidden"].as_bool().unwrap_or(false),
        },
        "status-change" => DiscussionEventKind::StatusChange {
            new_status: text(&data["status"]).unwrap_or_default(),
        },
        "commit" => DiscussionEventKind::Commit {
            summary: text(&data["subject"]).unwrap_or_default(),
            oid: text(&data["oid"]).unwrap_or_default(),
        },
        "title-change" => DiscussionEventKind::TitleChange {
            old_title: text(&data["from"]).unwrap_or_default(),
            new_title: text(&data["to"]).unwrap_or_default(),
        },
        _ => DiscussionEventKind::Other { event_type },
    };
    Ok(DiscussionEvent {
        id,
        author: raw["author"]["name"]
            .as_str()
            .unwrap_or("deleted")
            .to_owned(),
        created_at: text(&raw["createdAt"]).unwrap_or_default(),
        kind,
    })
}

fn malformed(what: &str) -> Error {
    Error::Protocol(format!("the discussion answer holds {what}"))
}

/// The Hub answers a change with the new event under one key (`newMessage`, `newTitle`...).
fn changed_event(answer: &Value, key: &str) -> Result<DiscussionEvent, Error> {
    event_from(&answer[key]).map_err(|_| malformed(&format!("no `{key}` event")))
}

/// Cuts `text` to at most `max` bytes on a character boundary.
fn truncate_text(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// How a discussion answer becomes a [`Discussion`] (the URL is made by the client).
fn discussion_from(api: &HubApi, repo: &Repo, raw: &RawDiscussion) -> Discussion {
    Discussion {
        num: raw.num,
        title: raw.title.clone(),
        status: raw.status,
        author: author_name(raw.author.as_ref()),
        created_at: raw.created_at.clone(),
        is_pull_request: raw.is_pull_request,
        repo_id: raw.repo.name.clone(),
        repo_type: raw.repo.kind.clone(),
        url: format!("{}/discussions/{}", api.repo_url(repo), raw.num),
    }
}

struct PageCursor {
    page: u64,
    done: bool,
    budget: ListingBudget,
    buffered: std::collections::VecDeque<Discussion>,
}

impl HubApi {
    /// `GET /api/{t}/{repo}/discussions?p=N`: every discussion and PR matching `options`,
    /// newest first, page after page.
    ///
    /// # Errors
    /// Items carry request failures (`RepoNotFound`...) and [`Error::Protocol`] for a malformed
    /// page or a listing past [`ListingLimits::STREAMED`].
    pub fn list_discussions(
        &self,
        repo: &Repo,
        options: &ListDiscussionsOptions,
    ) -> BoxStream<'static, Result<Discussion, Error>> {
        let mut query: Vec<(&'static str, String)> = Vec::new();
        match options.kind {
            Some(DiscussionKind::Discussion) => query.push(("type", "discussion".into())),
            Some(DiscussionKind::PullRequest) => query.push(("type", "pull_request".into())),
            None => {}
        }
        match options.status {
            Some(DiscussionStatusFilter::Open) => query.push(("status", "open".into())),
            Some(DiscussionStatusFilter::Closed) => query.push(("status", "closed".into())),
            None => {}
        }
        if let Some(author) = &options.author {
            query.push(("author", author.clone()));
        }
        let api = self.clone();
        let repo = repo.clone();
        let cursor = PageCursor {
            page: 0,
            done: false,
            budget: ListingBudget::new(
                ListingLimits::STREAMED,
                format!("the discussions of {}", repo.id),
            ),
            buffered: std::collections::VecDeque::new(),
        };
        stream::try_unfold(
            (api, repo, query, cursor),
            |(api, repo, query, mut cursor)| async move {
                loop {
                    if let Some(item) = cursor.buffered.pop_front() {
                        return Ok(Some((item, (api, repo, query, cursor))));
                    }
                    if cursor.done {
                        return Ok(None);
                    }
                    let mut url = api.http.url(&format!("{}/discussions", repo.api_path()))?;
                    {
                        let mut pairs = url.query_pairs_mut();
                        for (key, value) in &query {
                            pairs.append_pair(key, value);
                        }
                        pairs.append_pair("p", &cursor.page.to_string());
                    }
                    cursor.budget.before_page(&url)?;
                    let response = api.http.get(url).idempotent(true).send().await?;
                    let body = response
                        .read_limited(cursor.budget.page_byte_limit())
                        .await
                        .map_err(|e| Error::Protocol(format!("the discussions page: {e}")))?;
                    #[derive(Deserialize)]
                    struct Page {
                        discussions: Vec<RawDiscussion>,
                        count: u64,
                        start: u64,
                    }
                    let page: Page = serde_json::from_slice(&body).map_err(|e| {
                        Error::Protocol(format!("the discussions page is not the Hub's JSON: {e}"))
                    })?;
                    cursor
                        .budget
                        .after_page(body.len() as u64, page.discussions.len())?;
                    let read = page.start + page.discussions.len() as u64;
                    // An empty page ends the listing even if `count` says more: no endless loop.
                    cursor.done = page.discussions.is_empty() || read >= page.count;
                    cursor.page += 1;
                    cursor.buffered = page
                        .discussions
                        .iter()
                        .map(|d| discussion_from(&api, &repo, d))
                        .collect();
                }
            },
        )
        .boxed()
    }

    /// `GET /api/{t}/{repo}/discussions/{num}?diff=1`: one discussion or PR with its events.
    ///
    /// # Errors
    /// `RepoNotFound`, `EntryNotFound` (no such discussion), network failures;
    /// [`Error::Protocol`] for a malformed answer.
    pub async fn discussion(&self, repo: &Repo, num: u64) -> Result<DiscussionDetails, Error> {
        let url = self
            .http
            .url(&format!("{}/discussions/{num}", repo.api_path()))?;
        let raw: RawDiscussion = self
            .http
            .get(url)
            .query(&[("diff", "1")])
            .send_json()
            .await?;
        if raw.events.len() > MAX_DISCUSSION_EVENTS {
            return Err(Error::Protocol(format!(
                "discussion #{num} lists {} events (at most {MAX_DISCUSSION_EVENTS} are read)",
                raw.events.len()
            )));
        }
        let events = raw
            .events
            .iter()
            .map(event_from)
            .collect::<Result<Vec<_>, _>>()?;
        let pr = raw.is_pull_request;
        let changes = raw.changes.as_ref();
        Ok(DiscussionDetails {
            discussion: discussion_from(self, repo, &raw),
            events,
            target_branch: changes
                .filter(|_| pr)
                .and_then(|c| c["base"].as_str())
                .map(str::to_owned),
            conflicting_files: if pr {
                raw.files_with_conflicts.clone()
            } else {
                None
            },
            merge_commit_oid: changes
                .filter(|_| pr)
                .and_then(|c| c["mergeCommitId"].as_str())
                .map(str::to_owned),
            diff: raw.diff.map(|d| truncate_text(d, MAX_DIFF_BYTES)),
        })
    }

    /// `POST /api/{t}/{repo}/discussions`: opens a discussion, or a pull request (a draft with
    /// its own `refs/pr/N` to commit to), and returns it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty title; 401/403 when the token may not open
    /// discussions there; `RepoNotFound`.
    pub async fn create_discussion(
        &self,
        repo: &Repo,
        title: &str,
        description: &str,
        pull_request: bool,
    ) -> Result<Discussion, Error> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Error::InvalidInput(
                "a discussion needs a title (at least 3 characters)".into(),
            ));
        }
        let url = self.http.url(&format!("{}/discussions", repo.api_path()))?;
        let answer: Value = self
            .http
            .post(url)
            .json(&json!({"title": title, "description": description.trim(), "pullRequest": pull_request}))
            .send_json()
            .await?;
        let num = answer["num"]
            .as_u64()
            .ok_or_else(|| malformed("no discussion number"))?;
        Ok(self.discussion(repo, num).await?.discussion)
    }

    async fn discussion_change(
        &self,
        repo: &Repo,
        num: u64,
        resource: &str,
        body: Option<Value>,
    ) -> Result<Value, Error> {
        let url = self
            .http
            .url(&format!("{}/discussions/{num}/{resource}", repo.api_path()))?;
        let mut request = self.http.post(url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let body = response
            .read_limited(hf_auth::http::MAX_JSON_BODY)
            .await
            .map_err(|e| Error::Protocol(format!("the answer to {resource}: {e}")))?;
        Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// `POST …/discussions/{num}/comment`: adds a comment; returns it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty comment; 403 without the right to comment.
    pub async fn comment_discussion(
        &self,
        repo: &Repo,
        num: u64,
        comment: &str,
    ) -> Result<DiscussionEvent, Error> {
        if comment.trim().is_empty() {
            return Err(Error::InvalidInput("a comment cannot be empty".into()));
        }
        let answer = self
            .discussion_change(repo, num, "comment", Some(json!({"comment": comment})))
            .await?;
        changed_event(&answer, "newMessage")
    }

    /// `POST …/discussions/{num}/comment/{id}/edit`: replaces the text of one of your comments.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty text or a comment id that is not hexadecimal; 403
    /// for someone else's comment.
    pub async fn edit_discussion_comment(
        &self,
        repo: &Repo,
        num: u64,
        comment_id: &str,
        content: &str,
    ) -> Result<DiscussionEvent, Error> {
        let id = comment_id.to_ascii_lowercase();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidInput(format!(
                "{} is not a comment id (a hexadecimal string, listed by `discussion()`)",
                hf_auth::sanitize::quoted(comment_id)
            )));
        }
        if content.trim().is_empty() {
            return Err(Error::InvalidInput("a comment cannot be empty".into()));
        }
        let answer = self
            .discussion_change(
                repo,
                num,
                &format!("comment/{id}/edit"),
                Some(json!({"content": content})),
            )
            .await?;
        changed_event(&answer, "updatedComment")
    }

    /// `POST …/discussions/{num}/title`: renames it; returns the title change.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty title; 403 unless you opened it or may write to the repo.
    pub async fn rename_discussion(
        &self,
        repo: &Repo,
        num: u64,
        new_title: &str,
    ) -> Result<DiscussionEvent, Error> {
        let title = new_title.trim();
        if title.is_empty() {
            return Err(Error::InvalidInput("a discussion needs a title".into()));
        }
        let answer = self
            .discussion_change(repo, num, "title", Some(json!({"title": title})))
            .await?;
        changed_event(&answer, "newTitle")
    }

    /// `POST …/discussions/{num}/status`: closes it (`open = false`) or reopens it, with an
    /// optional comment; returns the status change.
    ///
    /// # Errors
    /// 403 unless you opened it or may write to the repo.
    pub async fn change_discussion_status(
        &self,
        repo: &Repo,
        num: u64,
        open: bool,
        comment: Option<&str>,
    ) -> Result<DiscussionEvent, Error> {
        let mut body = json!({"status": if open { "open" } else { "closed" }});
        if let Some(comment) = comment.map(str::trim).filter(|c| !c.is_empty()) {
            body["comment"] = comment.into();
        }
        let answer = self
            .discussion_change(repo, num, "status", Some(body))
            .await?;
        changed_event(&answer, "newStatus")
    }

    /// `POST …/discussions/{num}/merge`: merges a pull request into its target branch.
    ///
    /// # Errors
    /// 403 without write access to the repo; 409 when it conflicts or is not an open PR.
    pub async fn merge_pull_request(
        &self,
        repo: &Repo,
        num: u64,
        comment: Option<&str>,
    ) -> Result<(), Error> {
        let body = comment
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| json!({"comment": c}));
        self.discussion_change(repo, num, "merge", body).await?;
        Ok(())
    }

    /// `POST /uploads`: uploads an image, video or audio file to embed in a discussion;
    /// returns its URL. `content_type` is one of [`attachment_content_type`]'s answers.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] past [`MAX_ATTACHMENT_BYTES`]; 401/403 without the right to
    /// post; [`Error::Protocol`] when the answer is not a URL.
    pub async fn upload_attachment(
        &self,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<String, Error> {
        if bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
            return Err(Error::InvalidInput(format!(
                "an attachment may have at most {MAX_ATTACHMENT_BYTES} bytes ({} given)",
                bytes.len()
            )));
        }
        let url = self.http.url("/uploads")?;
        let response = self
            .http
            .post(url)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await?;
        let body = response
            .read_limited(64 * 1024)
            .await
            .map_err(|e| Error::Protocol(format!("the attachment's URL: {e}")))?;
        let text = String::from_utf8_lossy(&body).trim().to_owned();
        match url::Url::parse(&text) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(text),
            _ => Err(Error::Protocol(
                "the answer to an attachment upload is not a URL".into(),
            )),
        }
    }
}

/// The content type the Hub accepts for an attachment with this file extension (`png`,
/// `jpg`, `mp4`...), or `None` for a format it does not take.
#[must_use]
pub fn attachment_content_type(extension: &str) -> Option<&'static str> {
    Some(match extension.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => return None,
    })
}

/// The extensions [`attachment_content_type`] accepts, for error messages.
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "mp4", "mov", "webm", "mp3", "wav",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_by_type_and_unknown_types_kept() {
        let comment = json!({"id": "ab12", "type": "comment", "createdAt": "2026-01-01T00:00:00.000Z",
            "author": {"name": "alice"}, "data": {"edited": true, "hidden": false, "latest": {"raw": "hi"}}});
        let e = event_from(&comment).unwrap();
        assert_eq!(e.author, "alice");
        assert_eq!(
            e.kind,
            DiscussionEventKind::Comment {
                content: "hi".into(),
                edited: true,
                hidden: false
            }
        );
        let title = json!({"id": "cd", "type": "title-change", "createdAt": "x", "data": {"from": "a", "to": "b"}});
        let e = event_from(&title).unwrap();
        assert_eq!(e.author, "deleted");
        assert_eq!(
            e.kind,
            DiscussionEventKind::TitleChange {
                old_title: "a".into(),
                new_title: "b".into()
            }
        );
        let other = json!({"id": "ef", "type": "pinned", "createdAt": "x"});
        assert_eq!(
            event_from(&other).unwrap().kind,
            DiscussionEventKind::Other {
                event_type: "pinned".into()
            }
        );
        assert!(event_from(&json!({"type": "comment"})).is_err());
    }

    #[test]
    fn unknown_statuses_do_not_fail_a_listing() {
        let s: DiscussionStatus = serde_json::from_value(json!("archived")).unwrap();
        assert_eq!(s, DiscussionStatus::Unknown);
        let s: DiscussionStatus = serde_json::from_value(json!("draft")).unwrap();
        assert_eq!(s.as_str(), "draft");
    }

    #[test]
    fn diffs_are_cut_on_a_character_boundary() {
        let cut = truncate_text("aé".repeat(4), 4);
        assert_eq!(cut, "aéa");
    }

    #[test]
    fn attachment_types_follow_the_python_client() {
        assert_eq!(attachment_content_type("PNG"), Some("image/png"));
        assert_eq!(attachment_content_type("mov"), Some("video/quicktime"));
        assert_eq!(attachment_content_type("exe"), None);
        for ext in ATTACHMENT_EXTENSIONS {
            assert!(attachment_content_type(ext).is_some());
        }
    }
}
