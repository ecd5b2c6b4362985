//! A Space's secrets and variables.

use hf_hub::RepoType;
use serde::Serialize;

use crate::args::{TokenArg, parse_repo};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum SecretsCommand {
    /// Add or update secrets of a Space.
    Add(SecretsAddArgs),
    /// List the secrets of a Space (names only: values are write-only).
    #[command(visible_alias = "ls")]
    List(SpaceIdArgs),
    /// Remove a secret from a Space.
    Delete(SpaceKeyArgs),
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum VariablesCommand {
    /// Add or update environment variables of a Space.
    Add(VariablesAddArgs),
    /// List the environment variables of a Space.
    #[command(visible_alias = "ls")]
    List(SpaceIdArgs),
    /// Remove an environment variable from a Space.
    Delete(SpaceKeyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct SpaceIdArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SpaceKeyArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// The name to remove.
    pub(crate) key: String,
    /// Confirm the removal.
    #[arg(short, long)]
    pub(crate) yes: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SecretsAddArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// A secret: `--secrets NAME` takes the value of NAME from your environment
    /// (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line, where
    /// other users of this machine can see it. Repeat for several.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    pub(crate) secrets: Vec<String>,
    /// Read secrets from a file of `NAME=value` lines; `-` reads them from stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) secrets_file: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VariablesAddArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// A variable: `NAME=value` (or `NAME`, from your environment). Repeat for several.
    #[arg(short = 'e', long = "env", value_name = "VAR")]
    pub(crate) env: Vec<String>,
    /// Read variables from a file of `NAME=value` lines; `-` reads stdin.
    #[arg(long = "env-file", value_name = "FILE")]
    pub(crate) env_file: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A Space's secrets (names and dates) or variables, as Python's tables.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum SpaceSettingsList {
    Secrets(Vec<hf_hub::api::SpaceSecretInfo>),
    Variables(Vec<hf_hub::api::SpaceVariableInfo>),
}

impl Render for SpaceSettingsList {
    fn human(&self) -> Human {
        let date = |d: &Option<String>| d.clone().unwrap_or_default();
        match self {
            Self::Secrets(list) if list.is_empty() => Human::Text("No secrets.".into()),
            Self::Variables(list) if list.is_empty() => Human::Text("No variables.".into()),
            Self::Secrets(list) => Human::Table {
                headers: ["KEY", "DESCRIPTION", "UPDATED_AT"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: list
                    .iter()
                    .map(|s| {
                        vec![
                            s.key.clone(),
                            s.description.clone().unwrap_or_default(),
                            date(&s.updated_at),
                        ]
                    })
                    .collect(),
            },
            Self::Variables(list) => Human::Table {
                headers: ["KEY", "VALUE", "DESCRIPTION", "UPDATED_AT"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: list
                    .iter()
                    .map(|v| {
                        vec![
                            v.key.clone(),
                            v.value.clone(),
                            v.description.clone().unwrap_or_default(),
                            date(&v.updated_at),
                        ]
                    })
                    .collect(),
            },
        }
    }

    fn quiet(&self) -> Vec<String> {
        match self {
            Self::Secrets(list) => list.iter().map(|s| s.key.clone()).collect(),
            Self::Variables(list) => list.iter().map(|v| v.key.clone()).collect(),
        }
    }
}

/// A change to a Space's settings, said in one line (`Set 2 secrets of user/app`).
#[derive(Debug, Serialize)]
pub(crate) struct SpaceSettingsChanged {
    pub(crate) space: String,
    pub(crate) keys: Vec<String>,
    #[serde(skip)]
    pub(crate) message: String,
}

impl Render for SpaceSettingsChanged {
    fn human(&self) -> Human {
        Human::Text(self.message.clone())
    }

    fn quiet(&self) -> Vec<String> {
        self.keys.clone()
    }
}

/// `hf spaces secrets add|ls|delete` (values are write-only: never shown).
pub(crate) async fn secrets(command: SecretsCommand, context: &mut Context) -> anyhow::Result<()> {
    let space_repo = |id: &str| parse_repo(id, Some(RepoType::Space));
    match command {
        SecretsCommand::Add(args) => {
            let settings = crate::args::SpaceSettingsArgs {
                secrets: args.secrets,
                secrets_file: args.secrets_file,
                ..crate::args::SpaceSettingsArgs::default()
            };
            let secrets = context.session.space_options(&settings)?.secrets;
            if secrets.is_empty() {
                return Err(
                    UsageError("no secret given: pass -s NAME or --secrets-file".into()).into(),
                );
            }
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            for secret in &secrets {
                api.add_space_secret(&repo.id, secret, None).await?;
            }
            let keys: Vec<String> = secrets.iter().map(|s| s.key().to_owned()).collect();
            context.output.emit(&SpaceSettingsChanged {
                message: format!(
                    "Set {} of {}: {}",
                    crate::output::count(keys.len(), "secret", "secrets"),
                    repo.id,
                    keys.join(", ")
                ),
                space: repo.id.to_string(),
                keys,
            })
        }
        SecretsCommand::List(args) => {
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            let list = api.list_space_secrets(&repo.id).await?;
            context.output.emit(&SpaceSettingsList::Secrets(list))
        }
        SecretsCommand::Delete(args) => {
            crate::args::require_yes(args.yes, &format!("deleting the secret {}", args.key))?;
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            api.delete_space_secret(&repo.id, &args.key).await?;
            context.output.emit(&SpaceSettingsChanged {
                message: format!("Deleted the secret {} of {}", args.key, repo.id),
                space: repo.id.to_string(),
                keys: vec![args.key],
            })
        }
    }
}

/// `hf spaces variables add|ls|delete`.
pub(crate) async fn variables(
    command: VariablesCommand,
    context: &mut Context,
) -> anyhow::Result<()> {
    let space_repo = |id: &str| parse_repo(id, Some(RepoType::Space));
    match command {
        VariablesCommand::Add(args) => {
            let settings = crate::args::SpaceSettingsArgs {
                env: args.env,
                env_file: args.env_file,
                ..crate::args::SpaceSettingsArgs::default()
            };
            let variables = context.session.space_options(&settings)?.variables;
            if variables.is_empty() {
                return Err(UsageError(
                    "no variable given: pass -e NAME=value or --env-file".into(),
                )
                .into());
            }
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            for variable in &variables {
                api.add_space_variable(&repo.id, variable, None).await?;
            }
            let keys: Vec<String> = variables.iter().map(|v| v.key.clone()).collect();
            context.output.emit(&SpaceSettingsChanged {
                message: format!(
                    "Set {} of {}: {}",
                    crate::output::count(keys.len(), "variable", "variables"),
                    repo.id,
                    keys.join(", ")
                ),
                space: repo.id.to_string(),
                keys,
            })
        }
        VariablesCommand::List(args) => {
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            let list = api.list_space_variables(&repo.id).await?;
            context.output.emit(&SpaceSettingsList::Variables(list))
        }
        VariablesCommand::Delete(args) => {
            crate::args::require_yes(args.yes, &format!("deleting the variable {}", args.key))?;
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            api.delete_space_variable(&repo.id, &args.key).await?;
            context.output.emit(&SpaceSettingsChanged {
                message: format!("Deleted the variable {} of {}", args.key, repo.id),
                space: repo.id.to_string(),
                keys: vec![args.key],
            })
        }
    }
}
