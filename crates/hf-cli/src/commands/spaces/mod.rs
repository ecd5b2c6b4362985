//! `hf spaces list|info|card|search|secrets|variables|pause|restart|hardware|settings|logs|wait|dev-mode`.

mod logs;
mod runtime;
mod settings;

use hf_hub::RepoType;

use crate::commands::Context;
use crate::repo_views::{self, CardArgs, InfoArgs, ListArgs};
use logs::LogsArgs;
use runtime::{
    DevModeArgs, HardwareArgs, RestartArgs, SpaceSearchArgs, SpaceSettingsUpdateArgs, WaitArgs,
};
use settings::{SecretsCommand, SpaceIdArgs, VariablesCommand};

/// `hf spaces <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct SpacesArgs {
    #[command(subcommand)]
    pub(crate) command: SpacesCommand,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum SpacesCommand {
    /// List Spaces on the Hub, or the files of one Space when SPACE_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ListArgs),
    /// Get info about a Space on the Hub.
    Info(InfoArgs),
    /// Get the card (README) of a Space on the Hub.
    Card(CardArgs),
    /// Search Spaces on the Hub using semantic search.
    Search(SpaceSearchArgs),
    /// Manage a Space's secrets (values are write-only: never shown).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Manage a Space's environment variables.
    #[command(subcommand)]
    Variables(VariablesCommand),
    /// Pause a Space (it stops running, and billing, until restarted).
    Pause(SpaceIdArgs),
    /// Restart a Space (a rebuild); `hf spaces wait` waits until it runs.
    Restart(RestartArgs),
    /// List available hardware options for Spaces.
    Hardware(HardwareArgs),
    /// Update the settings of a Space (hardware, sleep time).
    Settings(SpaceSettingsUpdateArgs),
    /// Fetch the run or build logs of a Space.
    Logs(LogsArgs),
    /// Wait for a Space to finish building/starting; exits 0 only if it runs.
    Wait(WaitArgs),
    /// Enable or disable dev mode on a Space (enabling needs a PRO or Team & Enterprise plan).
    DevMode(DevModeArgs),
}

/// Runs `hf spaces ...`: one function per verb.
pub(crate) async fn run_spaces(args: SpacesArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo_type = RepoType::Space;
    match args.command {
        SpacesCommand::List(list) => {
            let options = repo_views::list_options(&list);
            repo_views::list_command(repo_type, &list, options, context).await
        }
        SpacesCommand::Info(info) => repo_views::info_command(repo_type, info, context).await,
        SpacesCommand::Card(card) => repo_views::card_command(repo_type, card, context).await,
        SpacesCommand::Secrets(command) => settings::secrets(command, context).await,
        SpacesCommand::Variables(command) => settings::variables(command, context).await,
        SpacesCommand::Search(a) => runtime::search(a, context).await,
        SpacesCommand::Pause(a) => runtime::pause(a, context).await,
        SpacesCommand::Restart(a) => runtime::restart(a, context).await,
        SpacesCommand::Hardware(a) => runtime::hardware(a, context).await,
        SpacesCommand::Settings(a) => runtime::settings(a, context).await,
        SpacesCommand::Logs(a) => logs::space_logs(a, context).await,
        SpacesCommand::Wait(a) => runtime::wait(a, context).await,
        SpacesCommand::DevMode(a) => runtime::dev_mode(a, context).await,
    }
}
