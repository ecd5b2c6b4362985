//! `hf discussions create|comment|edit|rename|close|reopen|merge`.

use super::common::{BodyArgs, confirm, not_found_hint, read_body, with_attachments};
use crate::args::RepoArg;
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::Report;

#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The title of the discussion or pull request.
    #[arg(long)]
    pub(crate) title: String,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
    /// Create a pull request instead of a discussion.
    #[arg(long = "pull-request", visible_alias = "pr")]
    pub(crate) pull_request: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CommentArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) num: u64,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct EditArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) num: u64,
    /// The ID of the comment to edit (see 'hf discussions info ... --format json').
    pub(crate) comment_id: String,
    #[command(flatten)]
    pub(crate) body: BodyArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RenameArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) num: u64,
    /// The new title.
    pub(crate) new_title: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) num: u64,
    /// An optional comment to post with the change.
    #[arg(long)]
    pub(crate) comment: Option<String>,
    /// Skip confirmation prompt (there is none: without --yes nothing is changed).
    #[arg(short, long)]
    pub(crate) yes: bool,
}

/// `hf discussions create`.
pub(crate) async fn create(a: CreateArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) async fn comment(a: CommentArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) async fn edit(a: EditArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) async fn rename(a: RenameArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) enum Change {
    Close,
    Reopen,
    Merge,
}

pub(crate) async fn status_change(
    a: StatusArgs,
    change: Change,
    context: &mut Context,
) -> anyhow::Result<()> {
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
        return Err(result.unwrap_err()).hint(crate::hints::merge_refused(&repo.id, a.num));
    }
    not_found_hint(result, &repo, a.num)?;
    context.output.emit(&Report {
        message: format!("{done} #{} in {}", a.num, repo.id),
        fields: vec![("num", a.num.into()), ("repo", repo.id.to_string().into())],
    })
}
