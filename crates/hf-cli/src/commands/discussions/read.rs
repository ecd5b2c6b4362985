//! `hf discussions list|info|diff`.

use super::common::{NumArgs, not_found_hint};
use crate::args::RepoArg;
use crate::commands::Context;
use crate::output::{Human, Render, Report};
use futures_util::{StreamExt as _, TryStreamExt as _};
use hf_hub::api::{
    Discussion, DiscussionDetails, DiscussionKind, DiscussionStatus, DiscussionStatusFilter,
    ListDiscussionsOptions,
};
use serde::Serialize;

/// `--status` of `list`: the Hub filters open and closed; merged and draft are picked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StatusArg {
    Open,
    Closed,
    Merged,
    Draft,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum KindArg {
    All,
    Discussion,
    #[value(name = "pull_request", alias = "pull-request")]
    PullRequest,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// Filter by status (open, closed, merged, draft, all).
    #[arg(short, long, value_enum, default_value = "open")]
    pub(crate) status: StatusArg,
    /// Filter by kind (discussion, pull_request, all).
    #[arg(short, long, value_enum, default_value = "all")]
    pub(crate) kind: KindArg,
    /// Filter by author or organization.
    #[arg(long)]
    pub(crate) author: Option<String>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 30)]
    pub(crate) limit: usize,
}

/// Discussions as Python's table (`num`, `title`, `is_pull_request`, `status`, `author`,
/// `created_at`; quiet: the numbers).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct DiscussionList {
    pub(crate) items: Vec<Discussion>,
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
pub(crate) struct Details {
    pub(crate) details: DiscussionDetails,
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

/// `hf discussions list`.
pub(crate) async fn list(a: ListArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) async fn info(a: NumArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let api = context.session.hub_api(a.repo.token.flag())?;
    let details = not_found_hint(api.discussion(&repo, a.num).await, &repo, a.num)?;
    context.output.emit(&Details { details })
}

/// `hf discussions diff`.
pub(crate) async fn diff(a: NumArgs, context: &mut Context) -> anyhow::Result<()> {
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
