//! `hf repos ...`: the clap tree and the dispatch; one function per verb, in the files
//! beside this one (manage, refs, files, list).

mod common;
mod files;
mod list;
mod manage;
mod refs;

use crate::commands::Context;
use files::{CpArgs, DeleteFilesArgs};
use list::ListArgs;
use manage::{CreateArgs, DeleteArgs, DuplicateArgs, MoveArgs, SettingsArgs};
use refs::{BranchCommand, TagCommand};

/// `hf repos <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReposArgs {
    #[command(subcommand)]
    command: ReposCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReposCommand {
    /// Create a new repo on the Hub.
    Create(CreateArgs),
    /// Delete a repo from the Hub (irreversible).
    Delete(DeleteArgs),
    /// Move (rename) a repo, possibly to another namespace.
    Move(MoveArgs),
    /// Update the settings of a repo (visibility, gating).
    Settings(SettingsArgs),
    /// Manage branches.
    #[command(subcommand)]
    Branch(BranchCommand),
    /// Manage tags.
    #[command(subcommand)]
    Tag(TagCommand),
    /// Delete files matching patterns from a repo, in one commit.
    DeleteFiles(DeleteFilesArgs),
    /// Duplicate a repo (its files and history) under a new id.
    Duplicate(DuplicateArgs),
    /// List your repos (or an organization's) with their storage use.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Copy one file between a local path (or stdin/stdout, `-`) and a repo, or between repos.
    Cp(CpArgs),
}

impl ReposCommand {
    /// `--token`, which every subcommand takes.
    fn token(&self) -> Option<&str> {
        match self {
            Self::Create(a) => a.repo.token.flag(),
            Self::Delete(a) => a.repo.token.flag(),
            Self::Move(a) => a.token.flag(),
            Self::Settings(a) => a.repo.token.flag(),
            Self::Branch(BranchCommand::Create(a)) => a.repo.token.flag(),
            Self::Branch(BranchCommand::Delete(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::Create(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::List(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::Delete(a)) => a.repo.token.flag(),
            Self::DeleteFiles(a) => a.repo.token.flag(),
            Self::Duplicate(a) => a.token.flag(),
            Self::List(a) => a.token.flag(),
            Self::Cp(a) => a.token.flag(),
        }
    }
}

/// Runs `hf repos ...`.
pub(crate) async fn run(args: ReposArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(args.command.token())?;
    match args.command {
        ReposCommand::Create(a) => manage::create(&api, a, context).await,
        ReposCommand::Delete(a) => manage::delete(&api, a, context).await,
        ReposCommand::Move(a) => manage::move_repo(&api, a, context).await,
        ReposCommand::Settings(a) => manage::settings(&api, a, context).await,
        ReposCommand::Branch(BranchCommand::Create(a)) => {
            refs::branch_create(&api, a, context).await
        }
        ReposCommand::Branch(BranchCommand::Delete(a)) => {
            refs::branch_delete(&api, a, context).await
        }
        ReposCommand::Tag(TagCommand::Create(a)) => refs::tag_create(&api, a, context).await,
        ReposCommand::Tag(TagCommand::List(a)) => refs::tag_list(&api, a, context).await,
        ReposCommand::Tag(TagCommand::Delete(a)) => refs::tag_delete(&api, a, context).await,
        ReposCommand::DeleteFiles(a) => files::delete_files(&api, a, context).await,
        ReposCommand::Cp(a) => files::copy(&api, a, context).await,
        ReposCommand::List(a) => list::list(&api, a, context).await,
        ReposCommand::Duplicate(a) => manage::duplicate(&api, a, context).await,
    }
}
