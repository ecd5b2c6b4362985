//! `hf endpoints catalog list|deploy` (and the hidden `list-catalog`): the Model Catalog.

use super::common::{NamespaceOpt, document};
use crate::args::TokenArg;
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::Listing;
use hf_hub::api::{CatalogDeploy, CatalogFilter};
use serde::Serialize;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum CatalogAccelerator {
    Cpu,
    Gpu,
    Neuron,
}

impl CatalogAccelerator {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
            Self::Neuron => "neuron",
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum CatalogEngine {
    Llamacpp,
    Sglang,
    Tei,
    Vllm,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CatalogListArgs {
    /// Only show recipes running on this accelerator.
    #[arg(long, value_enum)]
    pub(crate) accelerator: Option<CatalogAccelerator>,
    /// Only show recipes running this inference engine.
    #[arg(long, value_enum)]
    pub(crate) engine: Option<CatalogEngine>,
    /// Only show models under this license (e.g. 'Apache 2.0').
    #[arg(long)]
    pub(crate) license: Option<String>,
    /// Only show models for this task (e.g. 'text-generation').
    #[arg(long)]
    pub(crate) task: Option<String>,
    /// Search query.
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Limit the number of models to return.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CatalogDeployArgs {
    /// The model repository to deploy (its default recipe). Mutually exclusive with --recipe.
    #[arg(long, conflicts_with = "recipe")]
    pub(crate) repo: Option<String>,
    /// The id of the catalog recipe to deploy, as listed by 'hf endpoints catalog ls'.
    /// Mutually exclusive with --repo.
    #[arg(long)]
    pub(crate) recipe: Option<String>,
    /// Endpoint name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// The hardware accelerator to be used for inference. Only with --repo.
    #[arg(long, value_enum)]
    pub(crate) accelerator: Option<CatalogAccelerator>,
    /// The GGUF file to deploy, for models that have one recipe per quant. Only with --repo.
    #[arg(long)]
    pub(crate) gguf_file: Option<String>,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A row of the catalog: one recipe of a model.
#[derive(Debug, Serialize)]
pub(crate) struct RecipeRow {
    pub(crate) repo_id: String,
    pub(crate) task: String,
    pub(crate) license: String,
    pub(crate) accelerator: String,
    pub(crate) engine: String,
    pub(crate) gguf_file: Option<String>,
    pub(crate) recipe_id: String,
}

/// `hf endpoints catalog deploy`: a model or a recipe of the Model Catalog.
pub(crate) async fn catalog_deploy(
    a: CatalogDeployArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let what = match (a.repo, a.recipe) {
        (Some(repo_id), None) => CatalogDeploy::Model {
            repo_id,
            accelerator: a.accelerator.map(|x| x.as_str().to_owned()),
            gguf_file: a.gguf_file,
        },
        (None, Some(recipe)) if a.accelerator.is_none() && a.gguf_file.is_none() => {
            CatalogDeploy::Recipe(recipe)
        }
        (None, Some(_)) => {
            return Err(UsageError(
                "--accelerator and --gguf-file go with --repo, not --recipe".into(),
            )
            .into());
        }
        _ => {
            return Err(UsageError(
                "Provide exactly one of --repo or --recipe. List recipes with 'hf endpoints catalog ls'.".into(),
            )
            .into());
        }
    };
    let api = context.session.hub_api(a.token.flag())?;
    let e = api
        .deploy_from_catalog(&what, a.name.as_deref(), a.namespace.namespace.as_deref())
        .await?;
    context.output.note(&format!(
        "Use 'hf endpoints describe {}' to check the deployment status.",
        e.name()
    ));
    context.output.emit(&document(e))
}

pub(crate) async fn catalog_list(a: CatalogListArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let mut filter = CatalogFilter::default();
    filter.accelerator = a.accelerator.map(|x| x.as_str().to_owned());
    filter.engine = a.engine.map(|e| {
        match e {
            CatalogEngine::Llamacpp => "llamacpp",
            CatalogEngine::Sglang => "sglang",
            CatalogEngine::Tei => "tei",
            CatalogEngine::Vllm => "vllm",
        }
        .to_owned()
    });
    filter.license = a.license;
    filter.task = a.task;
    filter.search = a.search;
    filter.limit = a.limit;
    let models = api.list_inference_catalog(&filter).await?;
    let items: Vec<RecipeRow> = models
        .iter()
        .flat_map(|m| {
            m.recipes.iter().map(|r| RecipeRow {
                repo_id: m.repo_id.clone(),
                task: m.task.clone(),
                license: m.license.clone(),
                accelerator: r.accelerator.clone(),
                engine: r.engine.clone(),
                gguf_file: r.gguf_file.clone(),
                recipe_id: r.id.clone(),
            })
        })
        .collect();
    let first = items.first().map(|r| r.recipe_id.clone());
    context.output.emit(&Listing {
        items,
        headers: &[
            "REPO_ID",
            "TASK",
            "LICENSE",
            "ACCELERATOR",
            "ENGINE",
            "GGUF_FILE",
            "RECIPE_ID",
        ],
        row: |r: &RecipeRow| {
            vec![
                r.repo_id.clone(),
                r.task.clone(),
                r.license.clone(),
                r.accelerator.clone(),
                r.engine.clone(),
                r.gguf_file.clone().unwrap_or_default(),
                r.recipe_id.clone(),
            ]
        },
        id: |r| r.recipe_id.clone(),
    })?;
    if let Some(id) = first {
        context.output.note(&format!(
            "Deploy one with: hf endpoints catalog deploy --recipe {id}"
        ));
    }
    Ok(())
}
