//! `hf collections ...`: the clap tree and the dispatch; one function per verb, in the files
//! beside this one.

mod collection;
mod common;
mod items;

use crate::commands::Context;
use crate::operation::{Operation, OperationExt as _};
use collection::{CreateArgs, DeleteArgs, ListArgs, UpdateArgs};
use common::SlugArgs;
use items::{AddItemArgs, DeleteItemArgs, UpdateItemArgs};

/// What the verbs that change something were doing, for the hints.
const CHANGE: Operation = Operation::ChangeCollection;

/// `hf collections <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct CollectionsArgs {
    #[command(subcommand)]
    command: CollectionsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CollectionsCommand {
    /// List collections on the Hub.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Get info about a collection on the Hub.
    Info(SlugArgs),
    /// Create a new collection on the Hub.
    Create(CreateArgs),
    /// Update a collection's metadata on the Hub.
    Update(UpdateArgs),
    /// Delete a collection from the Hub.
    Delete(DeleteArgs),
    /// Add an item to a collection.
    AddItem(AddItemArgs),
    /// Update an item in a collection.
    UpdateItem(UpdateItemArgs),
    /// Delete an item from a collection.
    DeleteItem(DeleteItemArgs),
}

/// `hf collections ...`.
pub(crate) async fn run(args: CollectionsArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        CollectionsCommand::List(a) => collection::list(a, context).await,
        CollectionsCommand::Info(a) => collection::info(a, context).await,
        CollectionsCommand::Create(a) => collection::create(a, context).await.doing(CHANGE),
        CollectionsCommand::Update(a) => collection::update(a, context).await.doing(CHANGE),
        CollectionsCommand::Delete(a) => collection::delete(a, context).await.doing(CHANGE),
        CollectionsCommand::AddItem(a) => items::add_item(a, context).await.doing(CHANGE),
        CollectionsCommand::UpdateItem(a) => items::update_item(a, context).await.doing(CHANGE),
        CollectionsCommand::DeleteItem(a) => items::delete_item(a, context).await.doing(CHANGE),
    }
}
