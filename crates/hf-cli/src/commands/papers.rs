//! `hf papers list|search|info|read`: papers on the Hub, with Python's names, arguments and
//! output.

use hf_hub::api::{DailyPapersOptions, DailyPapersSort, Paper};

use crate::args::TokenArg;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::{Document, Listing, day};

/// `hf papers <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct PapersArgs {
    #[command(subcommand)]
    command: PapersCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PapersCommand {
    /// List daily papers on the Hub.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Search papers on the Hub.
    Search(SearchArgs),
    /// Get info about a paper on the Hub.
    Info(IdArgs),
    /// Read a paper as markdown.
    Read(IdArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SortArg {
    #[value(name = "publishedAt")]
    PublishedAt,
    #[value(name = "trending")]
    Trending,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Date in ISO format (YYYY-MM-DD) or 'today'.
    #[arg(long)]
    date: Option<String>,
    /// ISO week to filter by, e.g. '2025-W09'.
    #[arg(long)]
    week: Option<String>,
    /// Month to filter by in ISO format (YYYY-MM), e.g. '2025-02'.
    #[arg(long)]
    month: Option<String>,
    /// Filter by username of the submitter.
    #[arg(long)]
    submitter: Option<String>,
    /// Sort results.
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct SearchArgs {
    /// Search query string.
    query: String,
    /// Limit the number of results.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct IdArgs {
    /// The arXiv paper ID (e.g. '2502.08025').
    paper_id: String,
    #[command(flatten)]
    token: TokenArg,
}

/// A 404 said as Python says it.
fn found<T>(result: Result<T, hf_hub::Error>, id: &str) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            Err(anyhow::anyhow!("Paper '{id}' not found on the Hub."))
                .hint(crate::hints::paper_not_found(id))
        }
        other => Ok(other?),
    }
}

/// `hf papers ...`.
pub(crate) async fn run(args: PapersArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        PapersCommand::List(a) => list(a, context).await,
        PapersCommand::Search(a) => search(a, context).await,
        PapersCommand::Info(a) => info(a, context).await,
        PapersCommand::Read(a) => read(a, context).await,
    }
}

/// `hf papers list`.
async fn list(a: ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let mut options = DailyPapersOptions::default();
    options.date = a.date.map(|d| {
        if d.eq_ignore_ascii_case("today") {
            crate::output::utc_today()
        } else {
            d
        }
    });
    options.week = a.week;
    options.month = a.month;
    options.submitter = a.submitter;
    options.sort = a.sort.map(|s| match s {
        SortArg::PublishedAt => DailyPapersSort::PublishedAt,
        SortArg::Trending => DailyPapersSort::Trending,
    });
    options.limit = Some(a.limit);
    let items = api.list_daily_papers(&options).await?;
    context.output.emit(&Listing {
        items,
        headers: &[
            "ID",
            "TITLE",
            "UPVOTES",
            "COMMENTS",
            "PUBLISHED_AT",
            "SUBMITTED_BY_NAME",
        ],
        row: |p: &Paper| {
            vec![
                p.id.clone(),
                p.title.clone().unwrap_or_default(),
                p.upvotes.map(|n| n.to_string()).unwrap_or_default(),
                p.comments.map(|n| n.to_string()).unwrap_or_default(),
                p.published_at.as_deref().map(day).unwrap_or_default(),
                p.submitted_by_name
                    .clone()
                    .or_else(|| p.submitted_by.clone())
                    .unwrap_or_default(),
            ]
        },
        id: |p| p.id.clone(),
    })
}

/// `hf papers search`.
async fn search(a: SearchArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let items = api.search_papers(&a.query, Some(a.limit)).await?;
    context.output.emit(&Listing {
        items,
        headers: &["ID", "TITLE", "SUMMARY", "UPVOTES", "PUBLISHED_AT"],
        row: |p: &Paper| {
            vec![
                p.id.clone(),
                p.title.clone().unwrap_or_default(),
                p.summary.clone().unwrap_or_default(),
                p.upvotes.map(|n| n.to_string()).unwrap_or_default(),
                p.published_at.as_deref().map(day).unwrap_or_default(),
            ]
        },
        id: |p| p.id.clone(),
    })
}

/// `hf papers info`.
async fn info(a: IdArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let value = found(api.paper(&a.paper_id).await, &a.paper_id)?;
    let id = value.id.clone();
    context.output.emit(&Document { value, id })
}

/// `hf papers read`.
async fn read(a: IdArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let text = found(api.read_paper(&a.paper_id).await, &a.paper_id)?;
    match context.output.format() {
        crate::output::OutputFormat::Json => context.output.emit(&crate::output::Report {
            message: String::new(),
            fields: vec![("id", a.paper_id.into()), ("markdown", text.into())],
        }),
        crate::output::OutputFormat::Quiet => Ok(()),
        _ => {
            let mut text = text;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            context.output.write_text(&text)
        }
    }
}
