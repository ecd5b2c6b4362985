//! `hf endpoints list|describe|pause|resume|scale-to-zero|delete|wait`.

use super::common::{EndpointRow, NameArgs, NamespaceArgs, NamespaceOpt, document, found, wait};
use crate::args::TokenArg;
use crate::commands::Context;
use crate::output::{Listing, Report};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub(crate) struct ResumeArgs {
    /// Endpoint name.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// Fail if the Inference Endpoint is already running.
    #[arg(long)]
    pub(crate) fail_if_already_running: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeleteArgs {
    /// Endpoint name.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// Skip confirmation prompts (there are none: without --yes nothing is deleted).
    #[arg(long)]
    pub(crate) yes: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WaitArgs {
    /// Endpoint name.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// Max time to wait: int with s (seconds, default), m (minutes), h (hours) or d (days).
    #[arg(long, value_parser = crate::args::parse_duration, value_name = "DURATION")]
    pub(crate) timeout: Option<Duration>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// `hf endpoints list`.
pub(crate) async fn list(a: NamespaceArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let items: Vec<EndpointRow> = api
        .list_inference_endpoints(a.namespace.namespace.as_deref())
        .await?
        .iter()
        .map(|e| EndpointRow {
            name: e.name().to_owned(),
            model: e.repository().to_owned(),
            status: e.status().to_owned(),
            task: e.task().unwrap_or_default().to_owned(),
            framework: e.framework().to_owned(),
            instance: e.instance_type().to_owned(),
            vendor: e.vendor().to_owned(),
            region: e.region().to_owned(),
        })
        .collect();
    context.output.emit(&Listing {
        items,
        headers: &[
            "NAME",
            "MODEL",
            "STATUS",
            "TASK",
            "FRAMEWORK",
            "INSTANCE",
            "VENDOR",
            "REGION",
        ],
        row: |r: &EndpointRow| {
            vec![
                r.name.clone(),
                r.model.clone(),
                r.status.clone(),
                r.task.clone(),
                r.framework.clone(),
                r.instance.clone(),
                r.vendor.clone(),
                r.region.clone(),
            ]
        },
        id: |r| r.name.clone(),
    })
}

/// `hf endpoints describe`.
pub(crate) async fn describe(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(api.inference_endpoint(&a.name, ns).await, &a.name, ns)?;
    context.output.emit(&document(e))
}

/// `hf endpoints pause`.
pub(crate) async fn pause(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(api.pause_inference_endpoint(&a.name, ns).await, &a.name, ns)?;
    context.output.emit(&document(e))
}

/// `hf endpoints scale-to-zero`.
pub(crate) async fn scale_to_zero(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(
        api.scale_to_zero_inference_endpoint(&a.name, ns).await,
        &a.name,
        ns,
    )?;
    context.output.emit(&document(e))
}

/// `hf endpoints resume`.
pub(crate) async fn resume(a: ResumeArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(
        api.resume_inference_endpoint(&a.name, ns, !a.fail_if_already_running)
            .await,
        &a.name,
        ns,
    )?;
    context.output.emit(&document(e))
}

/// `hf endpoints delete`.
pub(crate) async fn delete(a: DeleteArgs, context: &mut Context) -> anyhow::Result<()> {
    crate::args::require_yes(a.yes, &format!("deleting endpoint '{}'", a.name))?;
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    found(
        api.delete_inference_endpoint(&a.name, ns).await,
        &a.name,
        ns,
    )?;
    context.output.emit(&Report {
        message: format!("Deleted '{}'.", a.name),
        fields: vec![("name", a.name.clone().into())],
    })
}

/// `hf endpoints wait`.
pub(crate) async fn wait_command(a: WaitArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let e = wait(
        context,
        &api,
        &a.name,
        a.namespace.namespace.as_deref(),
        a.timeout,
    )
    .await?;
    context.output.emit(&Report {
        message: format!("Endpoint {} running", a.name),
        fields: vec![
            ("name", a.name.clone().into()),
            ("status", e.status().into()),
            ("url", e.url().map(str::to_owned).into()),
        ],
    })
}
