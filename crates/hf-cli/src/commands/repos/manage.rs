//! `hf repos create|delete|move|settings|duplicate`.

use super::common::{Done, VisibilityArgs, chosen_visibility, spaces_only};
use crate::args::{RepoArg, RepoTypeArg, SpaceSettingsArgs, TokenArg, parse_repo, require_yes};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::operation::{Operation, OperationExt as _};
use hf_hub::api::{CreateRepoOptions, DuplicateRepoOptions, GatedMode, Outcome, RepoSettings};

#[derive(Debug, clap::Args)]
pub(crate) struct DuplicateArgs {
    /// The repo to copy (`namespace/name`).
    pub(crate) from_id: String,
    /// The new repo id (default: the same name in your namespace).
    pub(crate) to_id: Option<String>,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    pub(crate) repo_type: Option<RepoTypeArg>,
    #[command(flatten)]
    pub(crate) visibility: VisibilityArgs,
    /// The Enterprise resource group of the copy.
    #[arg(long, value_name = "ID")]
    pub(crate) resource_group_id: Option<String>,
    #[command(flatten)]
    pub(crate) space: SpaceSettingsArgs,
    /// Do not fail if the new repo already exists (nothing is copied then).
    #[arg(long, overrides_with = "no_exist_ok")]
    pub(crate) exist_ok: bool,
    /// Fail if the new repo already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    pub(crate) no_exist_ok: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// Space SDK (gradio, streamlit, docker, static); required for Spaces.
    #[arg(long = "space-sdk", visible_alias = "sdk")]
    pub(crate) space_sdk: Option<String>,
    #[command(flatten)]
    pub(crate) visibility: VisibilityArgs,
    /// Do not fail if the repo already exists.
    #[arg(long, overrides_with = "no_exist_ok")]
    pub(crate) exist_ok: bool,
    /// Fail if the repo already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    pub(crate) no_exist_ok: bool,
    /// The Enterprise resource group to create the repo in.
    #[arg(long, value_name = "ID")]
    pub(crate) resource_group_id: Option<String>,
    /// The storage region (Team plan or above).
    #[arg(long, value_parser = ["us", "eu"])]
    pub(crate) region: Option<String>,
    /// Start the Space from an official template: its repo id or short name (e.g.
    /// 'JupyterLab'); the SDK comes from it. Spaces only.
    #[arg(long, value_name = "TEMPLATE")]
    pub(crate) template: Option<String>,
    #[command(flatten)]
    pub(crate) space: SpaceSettingsArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeleteArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// Do not fail if the repo does not exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    pub(crate) missing_ok: bool,
    /// Fail if the repo does not exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    pub(crate) no_missing_ok: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short, long)]
    pub(crate) yes: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MoveArgs {
    /// The current repo id (`namespace/name`).
    pub(crate) from_id: String,
    /// The new repo id (`namespace/name`).
    pub(crate) to_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    pub(crate) repo_type: Option<RepoTypeArg>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum GatedArg {
    Auto,
    Manual,
    False,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SettingsArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// Gating: auto, manual or false.
    #[arg(long, value_enum)]
    pub(crate) gated: Option<GatedArg>,
    /// Make the repo private.
    #[arg(long, conflicts_with_all = ["public", "no_private"])]
    pub(crate) private: bool,
    /// Make the repo public (same as --public).
    #[arg(long)]
    pub(crate) no_private: bool,
    /// Make the repo public.
    #[arg(long, conflicts_with = "protected")]
    pub(crate) public: bool,
    /// Make the Space protected: its page is public, its app only for you (Spaces only).
    #[arg(long, conflicts_with_all = ["private", "no_private"])]
    pub(crate) protected: bool,
}

/// `hf repos create`.
pub(crate) async fn create(
    api: &hf_hub::HubApi,
    a: CreateArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        // Caught here, before any request, as the usage errors they are (exit 2).
        if a.template.is_some() && repo.repo_type != hf_hub::RepoType::Space {
            return Err(UsageError(
                "--template only applies to Spaces (add --repo-type space)".into(),
            )
            .into());
        }
        match (repo.repo_type, &a.space_sdk) {
            (hf_hub::RepoType::Space, None) if a.template.is_none() => {
                return Err(UsageError(format!(
                    "creating the Space {} needs an SDK: pass --space-sdk gradio, \
                     streamlit, docker or static",
                    repo.id
                ))
                .into());
            }
            (kind, Some(_)) if kind != hf_hub::RepoType::Space => {
                return Err(UsageError(
                    "--space-sdk only applies to Spaces (add --repo-type space)".into(),
                )
                .into());
            }
            _ => {}
        }
        spaces_only(&a.space, repo.repo_type)?;
        let options = CreateRepoOptions::default()
            .with_visibility(a.visibility.choose(repo.repo_type)?)
            .with_exist_ok(a.exist_ok)
            .with_space_sdk(a.space_sdk)
            .with_space(context.session.space_options(&a.space)?)
            .with_resource_group_id(a.resource_group_id)
            .with_region(a.region)
            .with_space_template(a.template);
        let created = api
            .create_repo(&repo, &options)
            .await
            .doing(Operation::Create)?;
        Done {
            message: match created.outcome {
                Outcome::Done => format!("Created {repo}"),
                Outcome::AlreadySo => format!("{repo} already exists; nothing was changed"),
            },
            url: Some(created.url),
        }
    };
    context.output.emit(&done)
}

/// `hf repos delete`.
pub(crate) async fn delete(
    api: &hf_hub::HubApi,
    a: DeleteArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        require_yes(a.yes, &format!("deleting {repo}"))?;
        let outcome = api.delete_repo(&repo, a.missing_ok).await?;
        Done {
            message: match outcome {
                Outcome::Done => format!("Deleted {repo}"),
                Outcome::AlreadySo => format!("{repo} does not exist; nothing to delete"),
            },
            url: None,
        }
    };
    context.output.emit(&done)
}

/// `hf repos move`.
pub(crate) async fn move_repo(
    api: &hf_hub::HubApi,
    a: MoveArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let from = parse_repo(&a.from_id, a.repo_type.map(Into::into))?;
        let to = parse_repo(&a.to_id, Some(from.repo_type))?;
        api.move_repo(&from, &to.id).await?;
        Done {
            message: format!("Moved {from} to {}", to.id),
            url: Some(api.repo_url(&to)),
        }
    };
    context.output.emit(&done)
}

/// `hf repos settings`.
pub(crate) async fn settings(
    api: &hf_hub::HubApi,
    a: SettingsArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        let settings = RepoSettings {
            visibility: chosen_visibility(
                a.private,
                a.public || a.no_private,
                a.protected,
                repo.repo_type,
            )?,
            gated: a.gated.map(|g| match g {
                GatedArg::Auto => GatedMode::Auto,
                GatedArg::Manual => GatedMode::Manual,
                GatedArg::False => GatedMode::Off,
            }),
        };
        if settings.visibility.is_none() && settings.gated.is_none() {
            return Err(UsageError(
                "nothing to change: pass --private, --public (--no-private) and/or --gated".into(),
            )
            .into());
        }
        api.update_repo_settings(&repo, &settings).await?;
        Done {
            message: format!("Updated the settings of {repo}"),
            url: None,
        }
    };
    context.output.emit(&done)
}

/// `hf repos duplicate`.
pub(crate) async fn duplicate(
    api: &hf_hub::HubApi,
    a: DuplicateArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let from = parse_repo(&a.from_id, a.repo_type.map(Into::into))?;
        let to_id = match &a.to_id {
            Some(to) if to.contains('/') => to.clone(),
            // A bare name, or none: the caller's namespace, as in Python.
            other => {
                let who = hf_auth::whoami::whoami(api.http()).await?;
                let name = other.clone().unwrap_or_else(|| {
                    from.id
                        .as_str()
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                });
                format!("{}/{name}", who.name)
            }
        };
        let to = parse_repo(&to_id, Some(from.repo_type))?;
        spaces_only(&a.space, from.repo_type)?;
        let options = DuplicateRepoOptions::default()
            .with_visibility(a.visibility.choose(from.repo_type)?)
            .with_exist_ok(a.exist_ok)
            .with_space(context.session.space_options(&a.space)?)
            .with_resource_group_id(a.resource_group_id);
        let copied = api.duplicate_repo(&from, &to.id, &options).await?;
        Done {
            message: match copied.outcome {
                Outcome::Done => format!("Duplicated {from} to {}", to.id),
                Outcome::AlreadySo => format!("{to} already exists; nothing was copied"),
            },
            url: Some(copied.url),
        }
    };
    context.output.emit(&done)
}
