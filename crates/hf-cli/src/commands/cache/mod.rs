//! `hf cache ls|rm|prune|verify`: the clap tree and the dispatch; the verbs are in the files
//! beside this one.

mod common;
mod list;
mod remove;
mod verify;

use crate::commands::Context;
use clap::{Args, Subcommand};
use list::ListArgs;
use remove::{PruneArgs, RmArgs};
use verify::VerifyArgs;

/// `hf cache ...`.
#[derive(Debug, Args)]
pub(crate) struct CacheArgs {
    #[command(subcommand)]
    command: CacheCommand,
}

#[derive(Debug, Subcommand)]
enum CacheCommand {
    /// List cached repositories or revisions.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Remove cached repositories or revisions.
    Rm(RmArgs),
    /// Remove detached revisions and incomplete downloads from the cache.
    Prune(PruneArgs),
    /// Verify checksums of a cached repo revision (or a local directory) against the Hub, or
    /// offline against the hashes the cache records.
    Verify(VerifyArgs),
}

/// Runs `hf cache ...`.
pub(crate) async fn run(args: CacheArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        CacheCommand::List(args) => list::list(&args, context),
        CacheCommand::Rm(args) => remove::rm(&args, context),
        CacheCommand::Prune(args) => remove::prune(&args, context),
        CacheCommand::Verify(args) => verify::verify(args, context).await,
    }
}
