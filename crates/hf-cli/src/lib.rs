//! The `hf` command-line tool. Both binaries, `hf` and the legacy `huggingface-cli`,
//! call [`run`]; this library is not a public API.
//!
//! Layout: `cli` (clap declarations), `commands/` (one module per command group), and the
//! floor every command stands on: `session` (settings, token, clients), `args` (shared
//! options, repo ids), `hints` (what to do about an error), `progress` (bars on stderr),
//! `output` (stdout data in human or JSON form), `logging` (stderr via tracing), `exit`
//! (exit codes, `error:`/`hint:` lines). See docs/CONTRIBUTING.md to add a command.

mod args;
mod cli;
mod command_error;
mod commands;
mod duckdb;
mod examples;
mod hints;
mod logging;
mod operation;
mod output;
mod progress;
#[cfg(test)]
mod python_flags;
mod repo_views;
mod session;
mod token_flag;

use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, FromArgMatches};
use hf_auth::env::{self, EnvSource, ProcessEnv};

use crate::cli::{Cli, Command};
use crate::command_error::{CommandError, ErrorKind};
use crate::commands::Context;
use crate::output::Output;
use crate::session::Session;

/// Parses `argv` (program name first), runs the command and returns the exit code:
/// 0 success, 1 failure, 2 usage error. `legacy` selects the `huggingface-cli` name.
pub fn run<I, T>(argv: I, legacy: bool) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let process_env = ProcessEnv;
    let name = if legacy { "huggingface-cli" } else { "hf" };
    let color = if process_env.get(&env::NO_COLOR).is_some() {
        clap::ColorChoice::Never
    } else {
        clap::ColorChoice::Auto
    };
    let command = examples::attach(Cli::command())
        .name(name)
        .bin_name(name)
        .color(color)
        .arg_required_else_help(true);
    let parsed = command
        .try_get_matches_from(argv)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version land here too, with exit code 0; a closed stdout is ignored.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(command_error::USAGE));
        }
    };

    let format = cli.global.requested_format();
    logging::init(
        cli.global.verbose,
        format == output::OutputFormat::Quiet,
        &process_env,
    );
    if legacy {
        tracing::warn!("`huggingface-cli` is deprecated; use `hf` instead (same commands)");
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let error = CommandError::from(
                anyhow::Error::new(error).context("could not start the async runtime"),
            );
            error.report(&mut std::io::stderr().lock());
            return ExitCode::from(error.exit_code());
        }
    };
    let result = Session::new(Arc::new(process_env), cli.global.env_file.as_deref())
        .map_err(CommandError::from)
        .and_then(|session| {
            let mut context = Context {
                output: Output::stdout(
                    format.resolve(std::io::stdout().is_terminal()),
                    table_width(cli.global.no_truncate, &process_env),
                ),
                global: cli.global,
                session,
                legacy,
            };
            runtime.block_on(until_interrupted(dispatch(cli.command, &mut context)))
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            error.report(&mut std::io::stderr().lock());
            if error.kind() == ErrorKind::Interrupted {
                // Threads still hashing or writing are not waited for: partial files stay
                // resumable, as after a kill.
                runtime.shutdown_background();
            }
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs `command` until it ends or the user presses Ctrl-C. A command that handles Ctrl-C
/// itself (`hf upload --every` stops between rounds) is polled first and ends on its own.
async fn until_interrupted(
    command: impl Future<Output = anyhow::Result<()>>,
) -> Result<(), CommandError> {
    tokio::select! {
        biased;
        result = command => result.map_err(CommandError::from),
        // A failure to listen for Ctrl-C disables this branch (the default handler stays).
        Ok(()) = tokio::signal::ctrl_c() => {
            Err(CommandError::from(anyhow::Error::new(command_error::Interrupted)))
        }
    }
}

/// The columns a human table may use: none with `--no-truncate`, else `COLUMNS`, the
/// terminal's width, or 80 (as Python's `shutil.get_terminal_size`).
fn table_width(no_truncate: bool, process_env: &dyn EnvSource) -> Option<usize> {
    if no_truncate {
        return None;
    }
    let from_env = process_env
        .get(&env::COLUMNS)
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0);
    let from_terminal = || {
        terminal_size::terminal_size()
            .map(|(terminal_size::Width(columns), _)| usize::from(columns))
    };
    Some(
        from_env
            .or_else(from_terminal)
            .unwrap_or(output::DEFAULT_WIDTH),
    )
}

/// Runs one parsed command.
async fn dispatch(command: Command, context: &mut Context) -> anyhow::Result<()> {
    match command {
        Command::Auth(args) => commands::auth::run(args, context).await,
        Command::Cache(args) => commands::cache::run(args, context).await,
        Command::Chat(args) => commands::chat::run(args, context).await,
        Command::Collections(args) => commands::collections::run(args, context).await,
        Command::Endpoints(args) => commands::endpoints::run(args, context).await,
        Command::Papers(args) => commands::papers::run(args, context).await,
        Command::Webhooks(args) => commands::webhooks::run(args, context).await,
        Command::Completion(args) => commands::completion::run(&args, context, Cli::command()),
        Command::Discussions(args) => commands::discussions::run(args, context).await,
        Command::Download(args) => commands::download::run(args, context).await,
        Command::Login(args) => commands::auth::legacy_login(args, context).await,
        Command::Whoami(args) => commands::auth::legacy_whoami(args, context).await,
        Command::Logout(args) => commands::auth::legacy_logout(&args, context).await,
        Command::Env(args) => commands::env::run(&args, context).await,
        Command::Infer(args) => commands::infer::run(args, context).await,
        Command::Models(args) => commands::models::run_models(args, context).await,
        Command::Datasets(args) => commands::datasets::run_datasets(args, context).await,
        Command::Spaces(args) => commands::spaces::run_spaces(args, context).await,
        Command::Repos(args) => commands::repos::run(args, context).await,
        Command::Upload(args) => commands::upload::run(args, context).await,
        Command::Version(args) => commands::version::run(&args, context),
    }
}
