//! The command line, declared with clap's derive API.
//!
//! To add a command: write `src/commands/<name>.rs` with an `Args` struct (clap
//! derive) and a `run` function, add one variant to [`Command`] below, and one
//! match arm in `crate::dispatch`. Global options live in `args::GlobalArgs`.

use clap::{Parser, Subcommand};

use crate::args::GlobalArgs;
use crate::commands;

/// The `hf` command line.
#[derive(Debug, Parser)]
#[command(
    name = "hf",
    version,
    about = "Hugging Face Hub CLI",
    long_about = "Hugging Face Hub CLI: access tokens, repos, downloads, uploads and inference.",
    disable_help_subcommand = true,
    after_help = "Use `hf <command> --help` for more information about a command."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands. Keep one variant per line of `hf --help`, in display order.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Manage authentication (login, logout, whoami, list, switch, token).
    Auth(commands::auth::AuthArgs),
    /// Manage the local cache: list, remove, prune and verify cached repos.
    Cache(commands::cache::CacheArgs),
    /// Chat with a model through Inference Providers; the answer streams to stdout.
    Chat(commands::chat::ChatArgs),
    /// Interact with collections on the Hub (list, info, create, update, delete, items).
    Collections(commands::collections::CollectionsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell) to stdout.
    Completion(commands::completion::CompletionArgs),
    /// Interact with datasets on the Hub (list, info, card).
    Datasets(commands::datasets::DatasetsArgs),
    /// Manage discussions and pull requests on the Hub.
    Discussions(commands::discussions::DiscussionsArgs),
    /// Download files from the Hub into the cache (or --local-dir) and print their path.
    Download(commands::download::DownloadArgs),
    /// Manage Inference Endpoints (deploy, update, pause, resume, hardware, catalog).
    Endpoints(commands::endpoints::EndpointsArgs),
    /// Print information about the environment (paths, endpoint, where a token would come from).
    Env(commands::env::EnvArgs),
    /// Run an inference task (classification, generation, embeddings, ...) on a hosted model.
    Infer(commands::infer::InferArgs),
    /// Interact with models on the Hub (list, info, card).
    Models(commands::models::ModelsArgs),
    /// Interact with papers on the Hub (daily papers, search, info, read).
    Papers(commands::papers::PapersArgs),
    /// Manage repos on the Hub (create, delete, move, settings, branches, tags, delete files).
    Repos(commands::repos::ReposArgs),
    /// Interact with Spaces on the Hub (list, info, card, secrets, variables, runtime, logs).
    Spaces(commands::spaces::SpacesArgs),
    /// Upload a file or a folder to the Hub (creating the repo when missing).
    Upload(commands::upload::UploadArgs),
    /// Print the hf version.
    Version(commands::version::VersionArgs),
    /// Manage webhooks on the Hub (list, info, create, update, enable, disable, delete).
    Webhooks(commands::webhooks::WebhooksArgs),
    /// Legacy `huggingface-cli login` (same as `hf auth login`).
    #[command(hide = true)]
    Login(commands::auth::LoginArgs),
    /// Legacy `huggingface-cli whoami` (same as `hf auth whoami`).
    #[command(hide = true)]
    Whoami(commands::auth::WhoamiArgs),
    /// Legacy `huggingface-cli logout` (same as `hf auth logout`).
    #[command(hide = true)]
    Logout(commands::auth::LogoutArgs),
}
