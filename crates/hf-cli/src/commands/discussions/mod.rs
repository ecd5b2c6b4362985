//! `hf discussions ...` (discussions and pull requests): the clap tree and the dispatch; one
//! function per verb, in the files beside this one.

mod common;
mod read;
mod write;

use crate::commands::Context;
use crate::operation::{Operation, OperationExt as _};
use common::NumArgs;
use read::ListArgs;
use write::{Change, CommentArgs, CreateArgs, EditArgs, RenameArgs, StatusArgs};

/// What the verbs that change something were doing, for the hints.
const CHANGE: Operation = Operation::ChangeDiscussion;

/// `hf discussions <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiscussionsArgs {
    #[command(subcommand)]
    command: DiscussionsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DiscussionsCommand {
    /// List discussions and pull requests on a repo.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Get info about a discussion or pull request (its comments, events, and a PR's target).
    Info(NumArgs),
    /// Create a new discussion or pull request on a repo.
    Create(CreateArgs),
    /// Comment on a discussion or pull request.
    Comment(CommentArgs),
    /// Edit an existing comment on a discussion or pull request.
    Edit(EditArgs),
    /// Rename a discussion or pull request.
    Rename(RenameArgs),
    /// Close a discussion or pull request.
    Close(StatusArgs),
    /// Reopen a closed discussion or pull request.
    Reopen(StatusArgs),
    /// Merge a pull request.
    Merge(StatusArgs),
    /// Show the diff of a pull request.
    Diff(NumArgs),
}

/// `hf discussions ...`.
pub(crate) async fn run(args: DiscussionsArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        DiscussionsCommand::List(a) => read::list(a, context).await,
        DiscussionsCommand::Info(a) => read::info(a, context).await,
        DiscussionsCommand::Diff(a) => read::diff(a, context).await,
        DiscussionsCommand::Create(a) => write::create(a, context).await.doing(CHANGE),
        DiscussionsCommand::Comment(a) => write::comment(a, context).await.doing(CHANGE),
        DiscussionsCommand::Edit(a) => write::edit(a, context).await.doing(CHANGE),
        DiscussionsCommand::Rename(a) => write::rename(a, context).await.doing(CHANGE),
        DiscussionsCommand::Close(a) => write::status_change(a, Change::Close, context)
            .await
            .doing(CHANGE),
        DiscussionsCommand::Reopen(a) => write::status_change(a, Change::Reopen, context)
            .await
            .doing(CHANGE),
        DiscussionsCommand::Merge(a) => write::status_change(a, Change::Merge, context)
            .await
            .doing(CHANGE),
    }
}
