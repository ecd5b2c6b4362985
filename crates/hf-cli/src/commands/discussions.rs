//! `hf discussions list|info|create|comment|edit|rename|close|reopen|merge|diff`: discussions
//! and pull requests, with Python's names, arguments and output.

use std::path::{Path, PathBuf};

use futures_util::{StreamExt as _, TryStreamExt as _};
use hf_hub::Repo;
use hf_hub::api::{
    Discussion, DiscussionDetails, DiscussionKind, DiscussionStatus, DiscussionStatusFilter,
    ListDiscussionsOptions,
};
use serde::Serialize;

use crate::args::RepoArg;
use crate::commands::Context;
use crate::exit::UsageError;
use crate::hints::HintExt as _;
use crate::output::{Human, Render, Report};

/// `hf discussions <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiscussionsArgs {
    #[command(subcommand)]
    command: DiscussionsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DiscussionsCommand {
    /// List discussions and pull requests on a repo.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Get info about a discussion or pull request (its comments, events, and a PR's target).
    Info(NumArgs),
    /// Create a new discussion or pull request on a repo.
    Create(CreateArgs),
    /// Comment on a discussion or pull request.
    Comment(CommentArgs),
    /// Edit an existing comment on a discussion or pull request.
    Edit(EditArgs),
    /// Rename a discussion or pull request.
    Rename(RenameArgs),
    /// Close a discussion or pull request.
    Close(StatusArgs),
    /// Reopen a closed discussion or pull request.
    Reopen(StatusArgs),
    /// Merge a pull request.
    Merge(StatusArgs),
    /// Show the diff of a pull request.
    Diff(NumArgs),
}

/// `--status` of `list`: the Hub filters open and closed; merged and draft are picked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StatusArg {
    Open,
    Closed,
    Merged,
    Draft,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    All,
    Discussion,
    #[value(name = "pull_request", alias = "pull-request")]
    PullRequest,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// Filter by status (open, closed, merged, draft, all).
    #[arg(short, long, value_enum, default_value = "open")]
    status: StatusArg,
    /// Filter by kind (discussion, pull_request, all).
    #[arg(short, long, value_enum, default_value = "all")]
    kind: KindArg,
    /// Filter by author or organization.
    #[arg(long)]
    author: Option<String>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 30)]
    limit: usize,
}

#[derive(Debug, clap::Args)]
struct NumArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    num: u64,
}

/// A text from `--body` or `--body-file` (`-`: stdin), with `--attach` files.
#[derive(Debug, clap::Args)]
struct BodyArgs {
    /// The text (supports Markdown).
    #[arg(long, conflicts_with = "body_file")]
    body: Option<String>,
    /// Read the text from a file. Use '-' for stdin.
    #[arg(long, value_name = "PATH")]
    body_file: Option<PathBuf>,
    /// Attach an image, video or audio file, as 'FILE' or 'FILE#alt text'. A
    /// '![alt](FILE)' reference in the body is replaced by the uploaded file, other files are
    /// appended. Can be used multiple times.
    #[arg(long, value_name = "FILE")]
    attach: Vec<String>,
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The title of the discussion or pull request.
    #[arg(long)]
    title: String,
    #[command(flatten)]
    body: BodyArgs,
    /// Create a pull request instead of a discussion.
    #[arg(long = "pull-request", visible_alias = "pr")]
    pull_request: bool,
}

#[derive(Debug, clap::Args)]
struct CommentArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    num: u64,
    #[command(flatten)]
    body: BodyArgs,
}

#[derive(Debug, clap::Args)]
struct EditArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    num: u64,
    /// The ID of the comment to edit (see 'hf discussions info ... --format json').
    comment_id: String,
    #[command(flatten)]
    body: BodyArgs,
}

#[derive(Debug, clap::Args)]
struct RenameArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    num: u64,
    /// The new title.
    new_title: String,
}

#[derive(Debug, clap::Args)]
struct StatusArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    num: u64,
    /// An optional comment to post with the change.
    #[arg(long)]
    comment: Option<String>,
    /// Skip confirmation prompt (there is none: without --yes nothing is changed).
    #[arg(short, long)]
    yes: bool,
}

/// Discussions as Python's table (`num`, `title`, `is_pull_request`, `status`, `author`,
/// `created_at`; quiet: the numbers).
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct DiscussionList {
    items: Vec<Discussion>,
}

impl Render for DiscussionList {
    fn human(&self) -> Human {
        if self.items.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: [
                "NUM",
                "TITLE",
                "IS_PULL_REQUEST",
                "STATUS",
                "AUTHOR",
                "CREATED_AT",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: self
                .items
                .iter()
                .map(|d| {
                    vec![
                        d.num.to_string(),
                        d.title.clone(),
                        d.is_pull_request.to_string(),
                        d.status.as_str().to_owned(),
                        d.author.clone(),
                        d.created_at.chars().take(10).collect(),
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.items.iter().map(|d| d.num.to_string()).collect()
    }
}

/// A discussion's details: JSON in every format but quiet (Python's `out.dict`); quiet: its number.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Details {
    details: DiscussionDetails,
}

impl Render for Details {
    /// JSON, indented (Python prints `out.dict` as JSON in every mode: scripts parse it).
    fn human(&self) -> Human {
        Human::Text(serde_json::to_string_pretty(&self.details).unwrap_or_default())
    }

    fn quiet(&self) -> Vec<String> {
        vec![self.details.discussion.num.to_string()]
    }
}

/// `--body` or `--body-file` (`-`: stdin), `None` when neither is given.
fn read_body(args: &BodyArgs) -> anyhow::Result<Option<String>> {
    if let Some(body) = &args.body {
        return Ok(Some(body.clone()));
    }
    let Some(path) = &args.body_file else {
        return Ok(None);
    };
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| anyhow::Error::new(e).context("could not read the text from stdin"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            anyhow::Error::new(e).context(format!("could not read {}", path.display()))
        })?
    };
    Ok(Some(text))
}

/// The Markdown the Hub's editor inserts for an uploaded file.
fn media_markdown(content_type: &str, url: &str, alt: &str) -> String {
    match content_type.split('/').next() {
        Some("image") => format!("![{alt}]({url})"),
        Some("audio") => format!("<audio controls src=\"{url}\"></audio>"),
        // The Hub renders an uploaded video's bare URL as a player.
        _ => url.to_owned(),
    }
}

/// One `--attach` value: `FILE` or `FILE#alt text` (a file whose name holds `#` is taken whole).
fn attachment_spec(value: &str) -> (PathBuf, String) {
    let whole = Path::new(value);
    let (file, alt) = if whole.is_file() {
        (value, "")
    } else {
        value.split_once('#').unwrap_or((value, ""))
    };
    let path = PathBuf::from(file);
    let alt = if alt.is_empty() {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        alt.to_owned()
    };
    (path, alt)
}

/// Uploads the `--attach` files and embeds them: a `![alt](FILE)` reference in `body` is
/// replaced by the uploaded file, the others are appended (as Python does).
async fn with_attachments(
    api: &hf_hub::HubApi,
    body: String,
    attach: &[String],
) -> anyhow::Result<String> {
    if attach.is_empty() {
        return Ok(body);
    }
    // Checked before any upload: a bad file uploads nothing.
    let mut files = Vec::new();
    for value in attach {
        let (path, alt) = attachment_spec(value);
        if !path.is_file() {
            return Err(UsageError(format!("attachment not found: '{}'", path.display())).into());
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(content_type) = hf_hub::api::attachment_content_type(&ext) else {
            return Err(UsageError(format!(
                "cannot attach '{}': supported formats are {}",
                path.display(),
                hf_hub::api::ATTACHMENT_EXTENSIONS.join(", ")
            ))
            .into());
        };
        let absolute = std::fs::canonicalize(&path)?;
        files.push((path, absolute, alt, content_type));
    }
    let mut uploaded = Vec::new();
    for (path, absolute, alt, content_type) in files {
        let bytes = std::fs::read(&path).map_err(|e| {
            anyhow::Error::new(e).context(format!("could not read {}", path.display()))
        })?;
        let url = api.upload_attachment(bytes, content_type).await?;
        uploaded.push((absolute, alt, content_type, url));
    }
    let mut referenced = vec![false; uploaded.len()];
    let body = replace_image_references(
        &body,
        |target| {
            let target = std::fs::canonicalize(target).ok()?;
            let i = uploaded.iter().position(|(p, ..)| *p == target)?;
            referenced[i] = true;
            Some(i)
        },
        |i, alt| media_markdown(uploaded[i].2, &uploaded[i].3, alt),
    );
    let mut parts = vec![body.trim().to_owned()];
    for (i, (_, alt, content_type, url)) in uploaded.iter().enumerate() {
        if !referenced[i] {
            parts.push(media_markdown(content_type, url, alt));
        }
    }
    Ok(parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n"))
}

/// Replaces each `![alt](target)` whose target `find` knows by `render(index, alt)`.
fn replace_image_references(
    body: &str,
    mut find: impl FnMut(&str) -> Option<usize>,
    render: impl Fn(usize, &str) -> String,
) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            let alt = &after[..close];
            let target_part = &after[close + 2..];
            let end = target_part.find(')')?;
            (!alt.contains(']') && !alt.contains('\n')).then_some((
                alt,
                &target_part[..end],
                close + 2 + end + 1,
            ))
        });
        match parsed {
            Some((alt, target, used)) => {
                // `(<path> "title")`: drop the title, then the angle brackets.
                let clean = target.split(" \"").next().unwrap_or(target).trim();
                let clean = clean.trim_start_matches('<').trim_end_matches('>');
                match find(clean) {
                    Some(i) => out.push_str(&render(i, alt)),
                    None => out.push_str(&rest[start..start + 2 + used]),
                }
                rest = &rest[start + 2 + used..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn confirm(yes: bool, what: &str) -> anyhow::Result<()> {
    if yes {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{what}: pass --yes to confirm (nothing was changed)"
        ))
        .into())
    }
}

/// A discussion that is not there: say how to find the right number.
fn not_found_hint<T>(result: Result<T, hf_hub::Error>, repo: &Repo, num: u64) -> anyhow::Result<T> {
    match result {
        Err(e)
            if e.as_http().is_some_and(|h| {
                matches!(
                    h.kind(),
                    hf_hub::HttpErrorKind::EntryNotFound | hf_hub::HttpErrorKind::NotFound
                )
            }) =>
        {
            Err(e).hint(format!(
                "#{num} is not a discussion of {}: `hf discussions list {} --status all` lists them",
                repo.id, repo.id
            ))
        }
        other => Ok(other?),
    }
}

/// `hf discussions ...`.
pub(crate) async fn run(args: DiscussionsArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        DiscussionsCommand::List(a) => list(a, context).await,
        DiscussionsCommand::Info(a) => info(a, context).await,
        DiscussionsCommand::Diff(a) => diff(a, context).await,
        DiscussionsCommand::Create(a) => create(a, context).await,
        DiscussionsCommand::Comment(a) => comment(a, context).await,
        DiscussionsCommand::Edit(a) => edit(a, context).await,
        DiscussionsCommand::Rename(a) => rename(a, context).await,
        DiscussionsCommand::Close(a) => status_change(a, Change::Close, context).await,
        DiscussionsCommand::Reopen(a) => status_change(a, Change::Reopen, context).await,
        DiscussionsCommand::Merge(a) => status_change(a, Change::Merge, context).await,
    }
}

/// `hf discussions list`.
async fn list(a: ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let mut options = ListDiscussionsOptions::default();
    options.author = a.author.clone();
    options.kind = match a.kind {
        KindArg::All => None,
        KindArg::Discussion => Some(DiscussionKind::Discussion),
        KindArg::PullRequest => Some(DiscussionKind::PullRequest),
    };
    options.status = match a.status {
        StatusArg::Open => Some(DiscussionStatusFilter::Open),
        StatusArg::Closed => Some(DiscussionStatusFilter::Closed),
        _ => None,
    };
    let wanted = match a.status {
        StatusArg::Merged => Some(DiscussionStatus::Merged),
        StatusArg::Draft => Some(DiscussionStatus::Draft),
        _ => None,
    };
    let items: Vec<Discussion> = api
        .list_discussions(&repo, &options)
        .try_filter(|d| std::future::ready(wanted.is_none_or(|w| d.status == w)))
        .take(a.limit)
        .try_collect()
        .await?;
    context.output.emit(&DiscussionList { items })
}

/// `hf discussions info`.
async fn info(a: NumArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let details = not_found_hint(api.discussion(&repo, a.num).await, &repo, a.num)?;
    context.output.emit(&Details { details })
}

/// `hf discussions diff`.
async fn diff(a: NumArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let details = not_found_hint(api.discussion(&repo, a.num).await, &repo, a.num)?;
    let diff = details.diff.filter(|d| !d.is_empty());
    match context.output.format() {
        crate::output::OutputFormat::Json => context.output.emit(&Report {
            message: String::new(),
            fields: vec![("num", a.num.into()), ("diff", diff.into())],
        }),
        crate::output::OutputFormat::Quiet => Ok(()),
        _ => {
            let text = diff.unwrap_or_else(|| "No diff available.\n".to_owned());
            context.output.write_text(&text)
        }
    }
}

/// `hf discussions create`.
async fn create(a: CreateArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let body = read_body(&a.body)?.unwrap_or_default();
    let description = with_attachments(&api, body, &a.body.attach).await?;
    let d = api
        .create_discussion(&repo, &a.title, &description, a.pull_request)
        .await?;
    let kind = if a.pull_request {
        "pull request"
    } else {
        "discussion"
    };
    context.output.emit(&Report {
        message: format!("Created {kind} #{} on {}", d.num, repo.id),
        fields: vec![
            ("num", d.num.into()),
            ("url", d.url.clone().into()),
            ("ref", d.git_reference().into()),
        ],
    })
}

/// `hf discussions comment`.
async fn comment(a: CommentArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let body = read_body(&a.body)?.unwrap_or_default();
    let comment = with_attachments(&api, body, &a.body.attach).await?;
    if comment.trim().is_empty() {
        return Err(UsageError("either --body, --body-file or --attach is required".into()).into());
    }
    not_found_hint(
        api.comment_discussion(&repo, a.num, &comment).await,
        &repo,
        a.num,
    )?;
    context.output.emit(&Report {
        message: format!("Commented on #{} in {}", a.num, repo.id),
        fields: vec![("num", a.num.into()), ("repo", repo.id.to_string().into())],
    })
}

/// `hf discussions edit`.
async fn edit(a: EditArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let Some(body) = read_body(&a.body)? else {
        return Err(UsageError("either --body or --body-file is required".into()).into());
    };
    let api = context.session.hub_api(a.repo.token.flag())?;
    let content = with_attachments(&api, body, &a.body.attach).await?;
    not_found_hint(
        api.edit_discussion_comment(&repo, a.num, &a.comment_id, &content)
            .await,
        &repo,
        a.num,
    )?;
    context.output.emit(&Report {
        message: format!(
            "Edited comment {} on #{} in {}",
            a.comment_id, a.num, repo.id
        ),
        fields: vec![
            ("num", a.num.into()),
            ("repo", repo.id.to_string().into()),
            ("comment_id", a.comment_id.clone().into()),
        ],
    })
}

/// `hf discussions rename`.
async fn rename(a: RenameArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    not_found_hint(
        api.rename_discussion(&repo, a.num, &a.new_title).await,
        &repo,
        a.num,
    )?;
    context.output.emit(&Report {
        message: format!("Renamed #{} in {}", a.num, repo.id),
        fields: vec![
            ("num", a.num.into()),
            ("repo", repo.id.to_string().into()),
            ("title", a.new_title.trim().into()),
        ],
    })
}

#[derive(Debug, Clone, Copy)]
enum Change {
    Close,
    Reopen,
    Merge,
}

async fn status_change(a: StatusArgs, change: Change, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let (verb, done) = match change {
        Change::Close => ("Closing", "Closed"),
        Change::Reopen => ("Reopening", "Reopened"),
        Change::Merge => ("Merging", "Merged"),
    };
    confirm(a.yes, &format!("{verb} #{} on {}", a.num, repo.id))?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let comment = a.comment.as_deref();
    let result = match change {
        Change::Close => api
            .change_discussion_status(&repo, a.num, false, comment)
            .await
            .map(drop),
        Change::Reopen => api
            .change_discussion_status(&repo, a.num, true, comment)
            .await
            .map(drop),
        Change::Merge => api.merge_pull_request(&repo, a.num, comment).await,
    };
    let conflict = result
        .as_ref()
        .err()
        .and_then(hf_hub::Error::as_http)
        .is_some_and(|h| *h.kind() == hf_hub::HttpErrorKind::Conflict);
    if conflict {
        return Err(result.unwrap_err()).hint(format!(
            "`hf discussions info {} {}` shows its state and conflicting files",
            repo.id, a.num
        ));
    }
    not_found_hint(result, &repo, a.num)?;
    context.output.emit(&Report {
        message: format!("{done} #{} in {}", a.num, repo.id),
        fields: vec![("num", a.num.into()), ("repo", repo.id.to_string().into())],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_to_attached_files_are_replaced_and_others_kept() {
        let body = "Before: ![old](./a.png) and ![web](https://x/y.png) ![](<b.png> \"t\")";
        let known = ["./a.png", "b.png"];
        let out = replace_image_references(
            body,
            |t| known.iter().position(|k| *k == t),
            |i, alt| format!("[{i}:{alt}]"),
        );
        assert_eq!(out, "Before: [0:old] and ![web](https://x/y.png) [1:]");
        assert_eq!(
            replace_image_references("a ![broken( b", |_| Some(0), |_, _| "X".into()),
            "a ![broken( b"
        );
    }

    #[test]
    fn attachment_specs_split_alt_text_unless_the_file_exists() {
        let (path, alt) = attachment_spec("shots/before.png#Before the fix");
        assert_eq!(path, PathBuf::from("shots/before.png"));
        assert_eq!(alt, "Before the fix");
        let (_, alt) = attachment_spec("after.png");
        assert_eq!(alt, "after");
    }

    #[test]
    fn media_is_embedded_as_the_hub_editor_does() {
        assert_eq!(media_markdown("image/png", "u", "a"), "![a](u)");
        assert_eq!(media_markdown("video/mp4", "u", "a"), "u");
        assert_eq!(
            media_markdown("audio/wav", "u", "a"),
            "<audio controls src=\"u\"></audio>"
        );
    }
}
