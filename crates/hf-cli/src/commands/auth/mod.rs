//! `hf auth login|logout|revoke|whoami|list|switch|token` (and the legacy top-level `login`, `whoami`,
//! `logout`): the clap tree and the dispatch; the verbs are in the files beside this one.

mod common;
mod login;
mod logout;
mod revoke;
mod tokens;
mod whoami;

use crate::commands::Context;
use clap::{Args, Subcommand};
pub(crate) use login::LoginArgs;
pub(crate) use logout::LogoutArgs;
use revoke::RevokeArgs;
use tokens::{ListArgs, SwitchArgs, TokenArgs};
pub(crate) use whoami::WhoamiArgs;

/// `hf auth ...`.
#[derive(Debug, Args)]
pub(crate) struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// List all stored access tokens.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Log in with a token from huggingface.co/settings/tokens (validated, then saved).
    Login(LoginArgs),
    /// Log out: forget one stored token, or all of them.
    Logout(LogoutArgs),
    /// Revoke access tokens, e.g. leaked ones. No authentication needed: the owner of each
    /// token is notified by email.
    Revoke(RevokeArgs),
    /// Switch between stored access tokens.
    Switch(SwitchArgs),
    /// Print the current access token to stdout (for scripts).
    Token(TokenArgs),
    /// Find out which huggingface.co account you are logged in as.
    Whoami(WhoamiArgs),
}

/// Runs `hf auth <command>`.
pub(crate) async fn run(args: AuthArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        AuthCommand::List(args) => tokens::list(&args, context),
        AuthCommand::Login(args) => login::login(args, context).await,
        AuthCommand::Logout(args) => logout::logout(&args, context).await,
        AuthCommand::Revoke(args) => revoke::revoke(args, context).await,
        AuthCommand::Switch(args) => tokens::switch(&args, context),
        AuthCommand::Token(args) => tokens::token(&args, context),
        AuthCommand::Whoami(args) => whoami::whoami(&args, context).await,
    }
}

/// Legacy `huggingface-cli login`.
pub(crate) async fn legacy_login(args: LoginArgs, context: &mut Context) -> anyhow::Result<()> {
    login::login(args, context).await
}

/// Legacy `huggingface-cli whoami`.
pub(crate) async fn legacy_whoami(args: WhoamiArgs, context: &mut Context) -> anyhow::Result<()> {
    whoami::whoami(&args, context).await
}

/// Legacy `huggingface-cli logout`.
pub(crate) async fn legacy_logout(args: &LogoutArgs, context: &mut Context) -> anyhow::Result<()> {
    logout::logout(args, context).await
}
