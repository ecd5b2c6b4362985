//! One module per command group. Each has an `Args` struct (clap derive, referenced
//! from `cli::Command`) and a `run` function; `crate::dispatch` maps one to the other.
//!
//! A command module imports the floor (`crate::session`, `args`, `hints`, `progress`,
//! `output`, `exit`) and never another command module.

pub(crate) mod auth;
pub(crate) mod cache;
pub(crate) mod chat;
pub(crate) mod collections;
pub(crate) mod completion;
pub(crate) mod datasets;
pub(crate) mod discussions;
pub(crate) mod download;
pub(crate) mod endpoints;
pub(crate) mod env;
pub(crate) mod infer;
pub(crate) mod models;
pub(crate) mod papers;
pub(crate) mod repos;
pub(crate) mod spaces;
pub(crate) mod upload;
pub(crate) mod version;
pub(crate) mod webhooks;

use crate::args::GlobalArgs;
use crate::output::Output;
use crate::session::Session;

/// What every command gets: the global options, the session (settings, token, clients) and
/// the stdout printer.
pub(crate) struct Context {
    /// `--format`, `-v`, `-q`, `--env-file`.
    pub(crate) global: GlobalArgs,
    /// Settings, the token and the clients; commands never call `std::env`.
    pub(crate) session: Session,
    /// stdout, for data only.
    pub(crate) output: Output,
    /// Whether the binary was started as `huggingface-cli` (its completion script's name).
    pub(crate) legacy: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("global", &self.global)
            .field("legacy", &self.legacy)
            .finish_non_exhaustive()
    }
}
