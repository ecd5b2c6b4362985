//! `hf webhooks list|info|create|update|enable|disable|delete`: the token's user's webhooks,
//! with Python's names, arguments and output. The webhook secret is handled like a Space
//! secret: `--secret NAME` reads it from your environment, `--secret-file F` (`-`: stdin)
//! from a file, a value on argv is accepted with the argv warning; it is never printed back.

use std::path::PathBuf;

use hf_hub::api::{SecretValue, WatchedItem, Webhook, WebhookDomain, WebhookSpec, WebhookTarget};
use serde::Serialize;

use crate::args::TokenArg;
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::operation::{Operation, OperationExt as _};
use crate::output::{Document, Listing, Report, check};

/// `hf webhooks <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct WebhooksArgs {
    #[command(subcommand)]
    command: WebhooksCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WebhooksCommand {
    /// List all webhooks for the current user.
    #[command(visible_alias = "ls")]
    List(TokenOnly),
    /// Show full details for a single webhook (its secret hidden).
    Info(IdArgs),
    /// Create a new webhook: provide either --url (to ping a remote server) or --job-id (to
    /// trigger a Job), but not both.
    Create(CreateArgs),
    /// Update an existing webhook. Only provided options are changed.
    Update(UpdateArgs),
    /// Enable a disabled webhook.
    Enable(IdArgs),
    /// Disable an active webhook.
    Disable(IdArgs),
    /// Delete a webhook permanently.
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DomainArg {
    Repo,
    Discussion,
}

#[derive(Debug, clap::Args)]
struct TokenOnly {
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct IdArgs {
    /// The ID of the webhook.
    webhook_id: String,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct DeleteArgs {
    /// The ID of the webhook to delete.
    webhook_id: String,
    /// Skip confirmation prompt (there is none: without --yes nothing is deleted).
    #[arg(short, long)]
    yes: bool,
    #[command(flatten)]
    token: TokenArg,
}

/// What create and update share.
#[derive(Debug, clap::Args)]
struct SpecArgs {
    /// URL to send webhook payloads to. Mutually exclusive with --job-id.
    #[arg(long, conflicts_with = "job_id")]
    url: Option<String>,
    /// ID of a Job to trigger (from job.id) instead of pinging a URL. Mutually exclusive with --url.
    #[arg(long)]
    job_id: Option<String>,
    /// Domain to watch: 'repo' or 'discussion'. Repeatable. Defaults to all domains.
    #[arg(long, value_enum)]
    domain: Vec<DomainArg>,
    /// The secret used to sign webhook payloads: `--secret NAME` reads it from your environment
    /// variable NAME; another value puts it in the command line (see --secret-file).
    #[arg(long, value_name = "SECRET", conflicts_with = "secret_file")]
    secret: Option<String>,
    /// Read the signing secret from a file; `-` reads it from stdin.
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// A secret of the triggered Job: `--secrets NAME` reads it from your environment
    /// (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line. Repeatable.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    secrets: Vec<String>,
    /// Read the Job's secrets from a file of `NAME=value` lines; `-` reads them from stdin.
    #[arg(long, value_name = "PATH")]
    secrets_file: Option<String>,
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// Item to watch, in 'type:name' format (e.g. 'model:bert-base-uncased'). Repeatable.
    #[arg(long, required = true, value_name = "TYPE:NAME")]
    watch: Vec<String>,
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// The ID of the webhook to update.
    webhook_id: String,
    /// New list of items to watch, in 'type:name' format. Repeatable. Replaces the entire
    /// existing watched list.
    #[arg(long, value_name = "TYPE:NAME")]
    watch: Vec<String>,
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    token: TokenArg,
}

/// A row of `hf webhooks list`, as Python's.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    url: String,
    disabled: bool,
    domains: Vec<String>,
    watched: Vec<String>,
}

fn row(w: &Webhook) -> Row {
    Row {
        id: w.id.clone(),
        url: w.url.clone().unwrap_or_else(|| "(job)".to_owned()),
        disabled: w.disabled,
        domains: w.domains.clone(),
        watched: w
            .watched
            .iter()
            .map(|i| format!("{}:{}", i.kind.as_str(), i.name))
            .collect(),
    }
}

fn spec_from(
    context: &Context,
    watch: &[String],
    args: &SpecArgs,
    creating: bool,
) -> anyhow::Result<WebhookSpec> {
    if creating && args.url.is_none() && args.job_id.is_none() {
        return Err(UsageError("provide either --url or --job-id".into()).into());
    }
    let mut spec = WebhookSpec::default();
    spec.watched = watch
        .iter()
        .map(|w| {
            w.parse::<WatchedItem>()
                .map_err(|e| anyhow::Error::new(UsageError(format!("--watch: {e}"))))
        })
        .collect::<anyhow::Result<_>>()?;
    spec.domains = args
        .domain
        .iter()
        .map(|d| match d {
            DomainArg::Repo => WebhookDomain::Repo,
            DomainArg::Discussion => WebhookDomain::Discussion,
        })
        .collect();
    spec.target = match (&args.url, &args.job_id) {
        (Some(url), _) => Some(WebhookTarget::Url(url.clone())),
        (None, Some(job)) => Some(WebhookTarget::Job(job.clone())),
        (None, None) => None,
    };
    spec.secret = context
        .session
        .secret_value(
            "--secret",
            args.secret.as_deref(),
            args.secret_file.as_deref(),
        )?
        .map(SecretValue::new);
    spec.job_secrets = context
        .session
        .secrets(&args.secrets, args.secrets_file.as_deref())?;
    if !spec.job_secrets.is_empty() && args.job_id.is_none() {
        return Err(UsageError("--secrets and --secrets-file require --job-id".into()).into());
    }
    Ok(spec)
}

fn not_found_hint<T>(result: Result<T, hf_hub::Error>, id: &str) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            Err(e).hint(crate::hints::webhook_not_found(id))
        }
        other => Ok(other?),
    }
}

/// `hf webhooks ...`.
pub(crate) async fn run(args: WebhooksArgs, context: &mut Context) -> anyhow::Result<()> {
    let result = match args.command {
        WebhooksCommand::List(a) => list(a, context).await,
        WebhooksCommand::Info(a) => info(a, context).await,
        WebhooksCommand::Create(a) => create(a, context).await,
        WebhooksCommand::Update(a) => update(a, context).await,
        WebhooksCommand::Enable(a) => toggle(context, &a, true).await,
        WebhooksCommand::Disable(a) => toggle(context, &a, false).await,
        WebhooksCommand::Delete(a) => delete(a, context).await,
    };
    result.doing(Operation::Webhooks)
}

/// `hf webhooks list`.
async fn list(a: TokenOnly, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let items: Vec<Row> = api.list_webhooks().await?.iter().map(row).collect();
    context.output.emit(&Listing {
        items,
        headers: &["ID", "URL", "DISABLED", "DOMAINS", "WATCHED"],
        row: |r: &Row| {
            vec![
                r.id.clone(),
                r.url.clone(),
                check(r.disabled),
                r.domains.join(", "),
                r.watched.join(", "),
            ]
        },
        id: |r| r.id.clone(),
    })
}

/// `hf webhooks info`.
async fn info(a: IdArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let value = not_found_hint(api.webhook(&a.webhook_id).await, &a.webhook_id)?;
    let id = value.id.clone();
    context.output.emit(&Document { value, id })
}

/// `hf webhooks create`.
async fn create(a: CreateArgs, context: &mut Context) -> anyhow::Result<()> {
    let spec = spec_from(context, &a.watch, &a.spec, true)?;
    let api = context.session.hub_api(a.token.flag())?;
    let w = api.create_webhook(&spec).await?;
    context.output.emit(&Report {
        message: "Webhook created".into(),
        fields: vec![("id", w.id.into())],
    })
}

/// `hf webhooks update`.
async fn update(a: UpdateArgs, context: &mut Context) -> anyhow::Result<()> {
    let spec = spec_from(context, &a.watch, &a.spec, false)?;
    let api = context.session.hub_api(a.token.flag())?;
    let w = not_found_hint(
        api.update_webhook(&a.webhook_id, &spec).await,
        &a.webhook_id,
    )?;
    context.output.emit(&Report {
        message: "Webhook updated".into(),
        fields: vec![("id", w.id.into())],
    })
}

/// `hf webhooks delete`.
async fn delete(a: DeleteArgs, context: &mut Context) -> anyhow::Result<()> {
    crate::args::require_yes(a.yes, &format!("deleting webhook '{}'", a.webhook_id))?;
    let api = context.session.hub_api(a.token.flag())?;
    not_found_hint(api.delete_webhook(&a.webhook_id).await, &a.webhook_id)?;
    context.output.emit(&Report {
        message: "Webhook deleted".into(),
        fields: vec![("id", a.webhook_id.into())],
    })
}

async fn toggle(context: &mut Context, a: &IdArgs, enabled: bool) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let w = not_found_hint(
        api.set_webhook_enabled(&a.webhook_id, enabled).await,
        &a.webhook_id,
    )?;
    context.output.emit(&Report {
        message: if enabled {
            "Webhook enabled"
        } else {
            "Webhook disabled"
        }
        .into(),
        fields: vec![("id", w.id.into())],
    })
}
