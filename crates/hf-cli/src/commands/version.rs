//! `hf version`: the tool's version (`hf --version` prints the same line).

use serde::Serialize;

use crate::commands::Context;
use crate::output::{Human, Render};

/// Arguments of `hf version` (none).
#[derive(Debug, clap::Args)]
pub(crate) struct VersionArgs {}

#[derive(Debug, Serialize)]
struct Version {
    version: &'static str,
}

impl Render for Version {
    fn human(&self) -> Human {
        Human::Text(format!("hf {}", self.version))
    }
}

/// Prints the version.
pub(crate) fn run(_args: &VersionArgs, context: &mut Context) -> anyhow::Result<()> {
    context.output.emit(&Version {
        version: env!("CARGO_PKG_VERSION"),
    })
}
