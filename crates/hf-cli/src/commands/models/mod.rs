//! `hf models list|info|card`.

use hf_hub::RepoType;

use crate::command_error::UsageError;
use crate::commands::Context;
use crate::repo_views::{self, CardArgs, InfoArgs, ListArgs};

/// `hf models <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct ModelsArgs {
    #[command(subcommand)]
    pub(crate) command: ModelsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum ModelsCommand {
    /// List models on the Hub, or the files of one model when MODEL_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ModelListArgs),
    /// Get info about a model on the Hub.
    Info(InfoArgs),
    /// Get the model card (README) of a model on the Hub.
    Card(CardArgs),
}

/// The filters only models have.
#[derive(Debug, clap::Args)]
pub(crate) struct ModelListArgs {
    #[command(flatten)]
    pub(crate) list: ListArgs,
    /// Filter by pipeline tag (task), e.g. 'summarization'.
    #[arg(long)]
    pub(crate) pipeline_tag: Option<String>,
    /// Only gated models.
    #[arg(long, overrides_with = "no_gated")]
    pub(crate) gated: bool,
    /// Only models that are not gated.
    #[arg(long, overrides_with = "gated")]
    pub(crate) no_gated: bool,
    /// Only models these apps can run, e.g. 'ollama' or 'vllm'; repeat for several.
    #[arg(long)]
    pub(crate) apps: Vec<String>,
    /// Filter by parameter count, e.g. 'min:6B,max:128B'.
    #[arg(long, value_name = "RANGE")]
    pub(crate) num_parameters: Option<String>,
    /// Only models served by these inference providers, e.g. 'fireworks-ai'; repeat for several.
    #[arg(long, value_name = "PROVIDER", conflicts_with = "warm")]
    pub(crate) inference_provider: Vec<String>,
    /// Only models served by at least one inference provider now.
    #[arg(long)]
    pub(crate) warm: bool,
}

/// Runs `hf models ...`.
pub(crate) async fn run_models(args: ModelsArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo_type = RepoType::Model;
    match args.command {
        ModelsCommand::List(list) => {
            let model_filters_given = list.pipeline_tag.is_some()
                || list.gated
                || list.no_gated
                || !list.apps.is_empty()
                || list.num_parameters.is_some()
                || !list.inference_provider.is_empty()
                || list.warm;
            if list.list.repo_id.is_some() && model_filters_given {
                return Err(UsageError(
                    "model filters (--pipeline-tag, --gated, --apps, --num-parameters, \
                     --inference-provider, --warm) do not apply when listing files"
                        .into(),
                )
                .into());
            }
            let mut options = repo_views::list_options(&list.list);
            options.pipeline_tag = list.pipeline_tag;
            options.gated = match (list.gated, list.no_gated) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            options.apps = list.apps;
            options.num_parameters = list.num_parameters;
            options.inference_provider = list.inference_provider;
            options.warm = list.warm;
            repo_views::list_command(repo_type, &list.list, options, context).await
        }
        ModelsCommand::Info(info) => repo_views::info_command(repo_type, info, context).await,
        ModelsCommand::Card(card) => repo_views::card_command(repo_type, card, context).await,
    }
}
