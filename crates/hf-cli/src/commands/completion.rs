//! `hf completion bash|zsh|fish|powershell`: the shell completion script on stdout.
//!
//! Generated from the same clap declarations as the parser, so it always matches the
//! installed version. Install it once, e.g. `hf completion bash > ~/.local/share/bash-completion/completions/hf`
//! (see docs/getting-started.md for every shell).

use crate::commands::Context;

/// Shells a completion script can be generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Shell {
    /// Bash (bash-completion).
    Bash,
    /// Zsh (a `_hf` file on `$fpath`).
    Zsh,
    /// Fish (`~/.config/fish/completions/hf.fish`).
    Fish,
    /// PowerShell (dot-source it from `$PROFILE`).
    Powershell,
}

/// Arguments of `hf completion`.
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionArgs {
    /// The shell to generate the completion script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Writes the completion script for the chosen shell to stdout (whatever `--format` says:
/// a script has only one form).
/// `command` is the whole command line's declaration (from `crate::cli`, which the commands
/// do not import: it imports them).
pub(crate) fn run(
    args: &CompletionArgs,
    context: &mut Context,
    command: clap::Command,
) -> anyhow::Result<()> {
    let name = if context.legacy {
        "huggingface-cli"
    } else {
        "hf"
    };
    let script = script(args.shell, name, command);
    context.output.write_raw(&script)
}

/// The completion script for `shell`, completing the binary `name`.
pub(crate) fn script(shell: Shell, name: &'static str, command: clap::Command) -> Vec<u8> {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut command = command.name(name).bin_name(name);
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut command, name, &mut script);
    script
}
