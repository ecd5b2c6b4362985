//! What several `hf endpoints` verbs share: the name and namespace options, the endpoint as a
//! document or a row, and waiting for a state.

use crate::args::TokenArg;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::Document;
use hf_hub::api::InferenceEndpoint;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub(crate) struct NamespaceOpt {
    /// The namespace associated with the Inference Endpoint. Defaults to the current user's
    /// namespace.
    #[arg(long)]
    pub(crate) namespace: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NamespaceArgs {
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NameArgs {
    /// Endpoint name.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A row of `hf endpoints list`, as Python's.
#[derive(Debug, Serialize)]
pub(crate) struct EndpointRow {
    pub(crate) name: String,
    pub(crate) model: String,
    pub(crate) status: String,
    pub(crate) task: String,
    pub(crate) framework: String,
    pub(crate) instance: String,
    pub(crate) vendor: String,
    pub(crate) region: String,
}

pub(crate) fn document(endpoint: InferenceEndpoint) -> Document<Value> {
    Document {
        id: endpoint.name().to_owned(),
        value: endpoint.raw().clone(),
    }
}

/// A missing endpoint: say how to find it.
pub(crate) fn found<T>(
    result: Result<T, hf_hub::Error>,
    name: &str,
    namespace: Option<&str>,
) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            Err(e).hint(crate::hints::endpoint_not_found(name, namespace))
        }
        other => Ok(other?),
    }
}

/// Waits for `name` to settle, one stderr line per state; fails unless it ends running.
pub(crate) async fn wait(
    context: &mut Context,
    api: &hf_hub::HubApi,
    name: &str,
    namespace: Option<&str>,
    timeout: Option<Duration>,
) -> anyhow::Result<InferenceEndpoint> {
    let output = &mut context.output;
    let endpoint = found(
        api.wait_for_inference_endpoint(
            name,
            namespace,
            timeout,
            Duration::from_millis(250),
            |e| {
                output.note(&format!("Endpoint {name}: {}", e.status()));
            },
        )
        .await,
        name,
        namespace,
    )?;
    if endpoint.is_settling() {
        return Err(anyhow::anyhow!(
            "timed out waiting for endpoint {name}: still {}",
            endpoint.status()
        ))
        .hint(crate::hints::endpoint_still_settling(name));
    }
    if endpoint.status() != "running" {
        return Err(anyhow::anyhow!(
            "endpoint {name} is not running (state {})",
            endpoint.status()
        ))
        .hint(crate::hints::endpoint_not_running(name, endpoint.status()));
    }
    Ok(endpoint)
}
