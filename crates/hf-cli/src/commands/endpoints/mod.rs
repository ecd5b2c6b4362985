//! `hf endpoints ...` (Inference Endpoints): the clap tree and the dispatch; one function per
//! verb, in the files beside this one.

mod catalog;
mod common;
mod deploy;
mod hardware;
mod lifecycle;

use crate::commands::Context;
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
    match args.command {
        EndpointsCommand::List(a) => lifecycle::list(a, context).await,
        EndpointsCommand::Describe(a) => lifecycle::describe(a, context).await,
        EndpointsCommand::Deploy(a) => deploy::deploy(a, context).await,
        EndpointsCommand::Update(a) => deploy::update(a, context).await,
        EndpointsCommand::Pause(a) => lifecycle::pause(a, context).await,
        EndpointsCommand::ScaleToZero(a) => lifecycle::scale_to_zero(a, context).await,
        EndpointsCommand::Resume(a) => lifecycle::resume(a, context).await,
        EndpointsCommand::Delete(a) => lifecycle::delete(a, context).await,
        EndpointsCommand::Wait(a) => lifecycle::wait_command(a, context).await,
        EndpointsCommand::Hardware(a) => hardware::hardware(a, context).await,
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::List(a),
        })
        | EndpointsCommand::ListCatalog(a) => catalog::catalog_list(a, context).await,
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::Deploy(a),
        }) => catalog::catalog_deploy(a, context).await,
    }
}
