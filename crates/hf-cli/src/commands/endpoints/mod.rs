//! `hf endpoints ...` (Inference Endpoints): the clap tree and the dispatch; one function per
//! verb, in the files beside this one.

mod catalog;
mod common;
mod deploy;
mod hardware;
mod lifecycle;

use crate::commands::Context;
use crate::operation::{Operation, OperationExt as _};
use catalog::{CatalogDeployArgs, CatalogListArgs};
use common::{NameArgs, NamespaceArgs};
use deploy::{DeployArgs, UpdateArgs};
use hardware::HardwareArgs;
use lifecycle::{DeleteArgs, ResumeArgs, WaitArgs};

/// `hf endpoints <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct EndpointsArgs {
    #[command(subcommand)]
    command: EndpointsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EndpointsCommand {
    /// Lists all Inference Endpoints for the given namespace.
    #[command(visible_alias = "ls")]
    List(NamespaceArgs),
    /// Get information about an existing endpoint.
    Describe(NameArgs),
    /// Deploy an Inference Endpoint from a Hub repository (`hf endpoints hardware` lists the
    /// valid vendor, region, accelerator, instance type and size combinations).
    Deploy(Box<DeployArgs>),
    /// Update an existing endpoint.
    Update(Box<UpdateArgs>),
    /// Pause an Inference Endpoint.
    Pause(NameArgs),
    /// Resume an Inference Endpoint.
    Resume(ResumeArgs),
    /// Scale an Inference Endpoint to zero.
    ScaleToZero(NameArgs),
    /// Delete an Inference Endpoint permanently.
    Delete(DeleteArgs),
    /// List the hardware available to deploy an Inference Endpoint on (only what the
    /// namespace can deploy on right now; --all for every combination). Prices are in USD,
    /// per replica per hour.
    Hardware(HardwareArgs),
    /// Interact with the Inference Endpoints catalog.
    Catalog(CatalogArgs),
    /// List the models available in the Model Catalog (same as `catalog list`).
    #[command(hide = true)]
    ListCatalog(CatalogListArgs),
    /// Wait until an endpoint is no longer deploying, initializing or updating, showing each
    /// state (ours).
    Wait(WaitArgs),
}

#[derive(Debug, clap::Args)]
struct CatalogArgs {
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CatalogCommand {
    /// List the models available in the Model Catalog: one row per recipe.
    #[command(visible_alias = "ls")]
    List(CatalogListArgs),
    /// Deploy an Inference Endpoint from the Model Catalog: --repo for a model's default
    /// recipe, or --recipe for an exact one.
    Deploy(CatalogDeployArgs),
}

/// `hf endpoints ...`.
#[allow(
    clippy::too_many_lines,
    reason = "one arm per command page, each short"
)]
pub(crate) async fn run(args: EndpointsArgs, context: &mut Context) -> anyhow::Result<()> {
    let manage = Operation::InferenceEndpoints;
    match args.command {
        EndpointsCommand::List(a) => lifecycle::list(a, context).await.doing(manage),
        EndpointsCommand::Describe(a) => lifecycle::describe(a, context).await.doing(manage),
        EndpointsCommand::Deploy(a) => deploy::deploy(a, context)
            .await
            .doing(Operation::DeployEndpoint),
        EndpointsCommand::Update(a) => deploy::update(a, context).await.doing(manage),
        EndpointsCommand::Pause(a) => lifecycle::pause(a, context).await.doing(manage),
        EndpointsCommand::ScaleToZero(a) => {
            lifecycle::scale_to_zero(a, context).await.doing(manage)
        }
        EndpointsCommand::Resume(a) => lifecycle::resume(a, context).await.doing(manage),
        EndpointsCommand::Delete(a) => lifecycle::delete(a, context).await.doing(manage),
        EndpointsCommand::Wait(a) => lifecycle::wait_command(a, context).await.doing(manage),
        EndpointsCommand::Hardware(a) => hardware::hardware(a, context).await.doing(manage),
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::List(a),
        })
        | EndpointsCommand::ListCatalog(a) => catalog::catalog_list(a, context).await.doing(manage),
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::Deploy(a),
        }) => catalog::catalog_deploy(a, context)
            .await
            .doing(Operation::DeployEndpoint),
    }
}
