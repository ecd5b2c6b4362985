//! `hf endpoints list|describe|deploy|update|pause|resume|scale-to-zero|delete|hardware|
//! catalog list|deploy|wait`: Inference Endpoints, with Python's names, arguments and output
//! (`wait` is ours). Answers print as the API gave them, secret values masked.

use std::time::Duration;

use hf_hub::api::{
    CatalogDeploy, CatalogFilter, EndpointHardware, EndpointImage, EndpointSpec, InferenceEndpoint,
    ScalingMetric, SecretValue,
};
use serde::Serialize;
use serde_json::Value;

use crate::args::TokenArg;
use crate::commands::Context;
use crate::exit::UsageError;
use crate::hints::HintExt as _;
use crate::output::{Document, Listing, Report};

/// `hf endpoints <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct EndpointsArgs {
    #[command(subcommand)]
    command: EndpointsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EndpointsCommand {
    /// Lists all Inference Endpoints for the given namespace.
    #[command(visible_alias = "ls")]
    List(NamespaceArgs),
    /// Get information about an existing endpoint.
    Describe(NameArgs),
    /// Deploy an Inference Endpoint from a Hub repository (`hf endpoints hardware` lists the
    /// valid vendor, region, accelerator, instance type and size combinations).
    Deploy(Box<DeployArgs>),
    /// Update an existing endpoint.
    Update(Box<UpdateArgs>),
    /// Pause an Inference Endpoint.
    Pause(NameArgs),
    /// Resume an Inference Endpoint.
    Resume(ResumeArgs),
    /// Scale an Inference Endpoint to zero.
    ScaleToZero(NameArgs),
    /// Delete an Inference Endpoint permanently.
    Delete(DeleteArgs),
    /// List the hardware available to deploy an Inference Endpoint on (only what the
    /// namespace can deploy on right now; --all for every combination). Prices are in USD,
    /// per replica per hour.
    Hardware(HardwareArgs),
    /// Interact with the Inference Endpoints catalog.
    Catalog(CatalogArgs),
    /// List the models available in the Model Catalog (same as `catalog list`).
    #[command(hide = true)]
    ListCatalog(CatalogListArgs),
    /// Wait until an endpoint is no longer deploying, initializing or updating, showing each
    /// state (ours).
    Wait(WaitArgs),
}

#[derive(Debug, clap::Args)]
struct CatalogArgs {
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CatalogCommand {
    /// List the models available in the Model Catalog: one row per recipe.
    #[command(visible_alias = "ls")]
    List(CatalogListArgs),
    /// Deploy an Inference Endpoint from the Model Catalog: --repo for a model's default
    /// recipe, or --recipe for an exact one.
    Deploy(CatalogDeployArgs),
}

#[derive(Debug, clap::Args)]
struct NamespaceOpt {
    /// The namespace associated with the Inference Endpoint. Defaults to the current user's
    /// namespace.
    #[arg(long)]
    namespace: Option<String>,
}

#[derive(Debug, clap::Args)]
struct NamespaceArgs {
    #[command(flatten)]
    namespace: NamespaceOpt,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct NameArgs {
    /// Endpoint name.
    name: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct ResumeArgs {
    /// Endpoint name.
    name: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// Fail if the Inference Endpoint is already running.
    #[arg(long)]
    fail_if_already_running: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct DeleteArgs {
    /// Endpoint name.
    name: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// Skip confirmation prompts (there are none: without --yes nothing is deleted).
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct WaitArgs {
    /// Endpoint name.
    name: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// Max time to wait: int with s (seconds, default), m (minutes), h (hours) or d (days).
    #[arg(long, value_parser = crate::args::parse_duration, value_name = "DURATION")]
    timeout: Option<Duration>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct HardwareArgs {
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// Only show hardware hosted by this cloud provider (e.g. 'aws').
    #[arg(long)]
    vendor: Option<String>,
    /// Only show hardware available in this cloud region (e.g. 'us-east-1').
    #[arg(long)]
    region: Option<String>,
    /// Only show hardware with this accelerator (e.g. 'cpu', 'gpu', 'neuron').
    #[arg(long)]
    accelerator: Option<String>,
    /// Only show hardware of this instance type (e.g. 'nvidia-l4').
    #[arg(long)]
    instance_type: Option<String>,
    /// Also show hardware that cannot be deployed on right now (unavailable, deprecated or out
    /// of quota).
    #[arg(short = 'a', long = "all")]
    show_all: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CatalogAccelerator {
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
enum CatalogEngine {
    Llamacpp,
    Sglang,
    Tei,
    Vllm,
}

#[derive(Debug, clap::Args)]
struct CatalogListArgs {
    /// Only show recipes running on this accelerator.
    #[arg(long, value_enum)]
    accelerator: Option<CatalogAccelerator>,
    /// Only show recipes running this inference engine.
    #[arg(long, value_enum)]
    engine: Option<CatalogEngine>,
    /// Only show models under this license (e.g. 'Apache 2.0').
    #[arg(long)]
    license: Option<String>,
    /// Only show models for this task (e.g. 'text-generation').
    #[arg(long)]
    task: Option<String>,
    /// Search query.
    #[arg(long)]
    search: Option<String>,
    /// Limit the number of models to return.
    #[arg(long)]
    limit: Option<usize>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct CatalogDeployArgs {
    /// The model repository to deploy (its default recipe). Mutually exclusive with --recipe.
    #[arg(long, conflicts_with = "recipe")]
    repo: Option<String>,
    /// The id of the catalog recipe to deploy, as listed by 'hf endpoints catalog ls'.
    /// Mutually exclusive with --repo.
    #[arg(long)]
    recipe: Option<String>,
    /// Endpoint name.
    #[arg(long)]
    name: Option<String>,
    /// The hardware accelerator to be used for inference. Only with --repo.
    #[arg(long, value_enum)]
    accelerator: Option<CatalogAccelerator>,
    /// The GGUF file to deploy, for models that have one recipe per quant. Only with --repo.
    #[arg(long)]
    gguf_file: Option<String>,
    #[command(flatten)]
    namespace: NamespaceOpt,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum MetricArg {
    #[value(name = "pendingRequests")]
    PendingRequests,
    #[value(name = "hardwareUsage")]
    HardwareUsage,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum EngineArg {
    Custom,
    HfServe,
    Llamacpp,
    Sglang,
    Tei,
    Tgi,
    TgiNeuron,
    Vllm,
    VllmNeuron,
}

impl EngineArg {
    /// The `model.image` variant of the API.
    fn variant(self) -> &'static str {
        match self {
            Self::Custom => "custom",
            Self::HfServe => "hfServe",
            Self::Llamacpp => "llamacpp",
            Self::Sglang => "sGLang",
            Self::Tei => "tei",
            Self::Tgi => "tgi",
            Self::TgiNeuron => "tgiNeuron",
            Self::Vllm => "vLLM",
            Self::VllmNeuron => "vLLMNeuron",
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TypeArg {
    Public,
    Authenticated,
    Private,
}

/// The image and scaling flags deploy and update share.
#[derive(Debug, clap::Args)]
struct ImageArgs {
    /// Docker image URL for the container to run (e.g. 'nexagi/sglang:v0.5.12'). Requires
    /// '--framework custom'.
    #[arg(long)]
    custom_image: Option<String>,
    /// Managed engine image to run --custom-image with (e.g. 'vllm'). Defaults to an arbitrary
    /// container.
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// Health check route exposed by the container (e.g. '/health'). Requires --custom-image.
    #[arg(long)]
    health_route: Option<String>,
    /// Port the container listens on (e.g. 30000). Requires --custom-image.
    #[arg(long)]
    port: Option<u16>,
    /// Number of accelerators to shard a single model copy across (vLLM and SGLang engines only).
    #[arg(long)]
    tensor_parallel_size: Option<u32>,
    /// Number of model copies to run, one per accelerator (vLLM engine only).
    #[arg(long)]
    data_parallel_size: Option<u32>,
    /// Override the container entrypoint, as a quoted string split into tokens (e.g. "python -m
    /// sglang.launch_server").
    #[arg(long, allow_hyphen_values = true)]
    container_command: Option<String>,
    /// Arguments appended to the container entrypoint, as a quoted string split into tokens
    /// (e.g. "--tp 8 --reasoning-parser qwen3").
    #[arg(long, allow_hyphen_values = true)]
    container_args: Option<String>,
    /// The duration in minutes before an inactive endpoint is scaled to zero.
    #[arg(long)]
    scale_to_zero_timeout: Option<u32>,
    /// The metric reference for scaling.
    #[arg(long, value_enum)]
    scaling_metric: Option<MetricArg>,
    /// The scaling metric threshold used to trigger a scale up. Ignored when scaling metric is
    /// not provided.
    #[arg(long)]
    scaling_threshold: Option<f64>,
}

#[derive(Debug, clap::Args)]
struct DeployArgs {
    /// Endpoint name.
    name: String,
    /// The name of the model repository associated with the Inference Endpoint (e.g.
    /// 'openai/gpt-oss-120b').
    #[arg(long)]
    repo: String,
    /// The machine learning framework used for the model (e.g. 'vllm').
    #[arg(long)]
    framework: String,
    /// The hardware accelerator to be used for inference (e.g. 'cpu').
    #[arg(long)]
    accelerator: String,
    /// The size or type of the instance to be used for hosting the model (e.g. 'x4').
    #[arg(long)]
    instance_size: String,
    /// The cloud instance type where the Inference Endpoint will be deployed (e.g. 'intel-icl').
    #[arg(long)]
    instance_type: String,
    /// The cloud region in which the Inference Endpoint will be created (e.g. 'us-east-1').
    #[arg(long)]
    region: String,
    /// The cloud provider or vendor where the Inference Endpoint will be hosted (e.g. 'aws').
    #[arg(long)]
    vendor: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// The task on which to deploy the model (e.g. 'text-classification').
    #[arg(long)]
    task: Option<String>,
    /// The minimum number of replicas (instances) to keep running for the Inference Endpoint.
    #[arg(long, default_value_t = 1)]
    min_replica: u32,
    /// The maximum number of replicas (instances) to scale to for the Inference Endpoint.
    #[arg(long, default_value_t = 1)]
    max_replica: u32,
    /// Git revision id which can be a branch name, a tag, or a commit hash.
    #[arg(long)]
    revision: Option<String>,
    #[command(flatten)]
    image: ImageArgs,
    /// Username used to authenticate with the registry hosting --custom-image.
    #[arg(long)]
    container_registry_username: Option<String>,
    /// Password for the registry hosting --custom-image: `--container-registry-password NAME`
    /// reads it from your environment variable NAME; another value puts it in the command line.
    #[arg(long, value_name = "PASSWORD")]
    container_registry_password: Option<String>,
    /// Set environment variables. E.g. --env ENV=value
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    env: Vec<String>,
    /// Read in a file of environment variables. Use `-` to read them from stdin.
    #[arg(long, value_name = "PATH")]
    env_file: Option<String>,
    /// Set secret environment variables: `--secrets NAME` reads the value from your
    /// environment (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    secrets: Vec<String>,
    /// Read in a file of secret environment variables. Use `-` to read them from stdin.
    #[arg(long, value_name = "PATH")]
    secrets_file: Option<String>,
    /// Endpoint access type. Defaults to 'authenticated' (token-gated, publicly reachable).
    #[arg(long = "type", value_enum)]
    endpoint_type: Option<TypeArg>,
    /// Wait until the endpoint is running (or failed), showing each state (ours).
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// Endpoint name.
    name: String,
    #[command(flatten)]
    namespace: NamespaceOpt,
    /// The name of the model repository associated with the Inference Endpoint.
    #[arg(long)]
    repo: Option<String>,
    /// The hardware accelerator to be used for inference (e.g. 'cpu').
    #[arg(long)]
    accelerator: Option<String>,
    /// The size or type of the instance to be used for hosting the model (e.g. 'x4').
    #[arg(long)]
    instance_size: Option<String>,
    /// The cloud instance type where the Inference Endpoint will be deployed (e.g. 'intel-icl').
    #[arg(long)]
    instance_type: Option<String>,
    /// The machine learning framework used for the model (e.g. 'custom').
    #[arg(long)]
    framework: Option<String>,
    /// The specific model revision to deploy on the Inference Endpoint (e.g.
    /// '6c0e6080953db56375760c0471a8c5f2929baf11').
    #[arg(long)]
    revision: Option<String>,
    /// The task on which to deploy the model (e.g. 'text-classification').
    #[arg(long)]
    task: Option<String>,
    #[command(flatten)]
    image: ImageArgs,
    /// The minimum number of replicas (instances) to keep running for the Inference Endpoint.
    #[arg(long)]
    min_replica: Option<u32>,
    /// The maximum number of replicas (instances) to scale to for the Inference Endpoint.
    #[arg(long)]
    max_replica: Option<u32>,
    /// Wait until the endpoint is running again (or failed), showing each state (ours).
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    token: TokenArg,
}

/// `a "b c" 'd'` → `[a, b c, d]`, as Python's `shlex.split`.
fn split_words(text: &str, flag: &str) -> anyhow::Result<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => {
                            return Err(UsageError(format!("{flag}: no closing quotation")).into());
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => {
                                return Err(
                                    UsageError(format!("{flag}: no closing quotation")).into()
                                );
                            }
                        },
                        Some(c) => word.push(c),
                        None => {
                            return Err(UsageError(format!("{flag}: no closing quotation")).into());
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The image, command and scaling of `a`, checked as Python checks them.
fn apply_image(
    spec: &mut EndpointSpec,
    a: &ImageArgs,
    registry_username: Option<String>,
    registry_password: Option<SecretValue>,
) -> anyhow::Result<()> {
    match &a.custom_image {
        None => {
            let used: Vec<&str> = [
                ("--engine", a.engine.is_some()),
                ("--health-route", a.health_route.is_some()),
                ("--port", a.port.is_some()),
                ("--container-registry-username", registry_username.is_some()),
                ("--container-registry-password", registry_password.is_some()),
                ("--tensor-parallel-size", a.tensor_parallel_size.is_some()),
                ("--data-parallel-size", a.data_parallel_size.is_some()),
            ]
            .into_iter()
            .filter_map(|(flag, set)| set.then_some(flag))
            .collect();
            if !used.is_empty() {
                return Err(UsageError(format!(
                    "--custom-image is required when using {}.",
                    used.join(", ")
                ))
                .into());
            }
        }
        Some(url) => {
            if registry_password.is_some() && registry_username.is_none() {
                return Err(UsageError(
                    "--container-registry-password requires --container-registry-username.".into(),
                )
                .into());
            }
            if a.engine.is_some() && registry_username.is_some() {
                return Err(UsageError(
                    "Container registry credentials can only be set for a custom container without --engine.".into(),
                )
                .into());
            }
            if a.engine.is_none()
                && (a.tensor_parallel_size.is_some() || a.data_parallel_size.is_some())
            {
                return Err(UsageError(
                    "--tensor-parallel-size and --data-parallel-size require --engine (e.g. --engine vllm).".into(),
                )
                .into());
            }
            let mut image = EndpointImage::default();
            image.url = url.clone();
            image.variant = a.engine.map(|e| e.variant().to_owned());
            image.health_route = a.health_route.clone();
            image.port = a.port;
            image.registry_username = registry_username;
            image.registry_password = registry_password;
            image.tensor_parallel_size = a.tensor_parallel_size;
            image.data_parallel_size = a.data_parallel_size;
            spec.image = Some(image);
        }
    }
    if let Some(c) = &a.container_command {
        spec.command = Some(split_words(c, "--container-command")?);
    }
    if let Some(c) = &a.container_args {
        spec.args = Some(split_words(c, "--container-args")?);
    }
    spec.scale_to_zero_timeout = a.scale_to_zero_timeout;
    spec.scaling = a.scaling_metric.map(|m| {
        (
            match m {
                MetricArg::PendingRequests => ScalingMetric::PendingRequests,
                MetricArg::HardwareUsage => ScalingMetric::HardwareUsage,
            },
            a.scaling_threshold,
        )
    });
    Ok(())
}

/// A row of `hf endpoints list`, as Python's.
#[derive(Debug, Serialize)]
struct EndpointRow {
    name: String,
    model: String,
    status: String,
    task: String,
    framework: String,
    instance: String,
    vendor: String,
    region: String,
}

/// A row of `hf endpoints hardware`: the hardware and its quota (`used/max`).
#[derive(Debug, Serialize)]
struct HardwareRow {
    #[serde(flatten)]
    hardware: EndpointHardware,
    quota: String,
}

/// A row of the catalog: one recipe of a model.
#[derive(Debug, Serialize)]
struct RecipeRow {
    repo_id: String,
    task: String,
    license: String,
    accelerator: String,
    engine: String,
    gguf_file: Option<String>,
    recipe_id: String,
}

fn document(endpoint: InferenceEndpoint) -> Document<Value> {
    Document {
        id: endpoint.name().to_owned(),
        value: endpoint.raw().clone(),
    }
}

/// A missing endpoint: say how to find it.
fn found<T>(
    result: Result<T, hf_hub::Error>,
    name: &str,
    namespace: Option<&str>,
) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            let ns = namespace
                .map(|n| format!(" --namespace {n}"))
                .unwrap_or_default();
            Err(e).hint(format!(
                "no endpoint '{name}' there: `hf endpoints list{ns}` lists them (an organisation's \
                 endpoints need --namespace ORG)"
            ))
        }
        other => Ok(other?),
    }
}

/// Waits for `name` to settle, one stderr line per state; fails unless it ends running.
async fn wait(
    context: &mut Context,
    api: &hf_hub::HubApi,
    name: &str,
    namespace: Option<&str>,
    timeout: Option<Duration>,
) -> anyhow::Result<InferenceEndpoint> {
    let output = &mut context.output;
    let endpoint = found(
        api.wait_for_inference_endpoint(
            name,
            namespace,
            timeout,
            Duration::from_millis(250),
            |e| {
                output.note(&format!("Endpoint {name}: {}", e.status()));
            },
        )
        .await,
        name,
        namespace,
    )?;
    if endpoint.is_settling() {
        return Err(anyhow::anyhow!(
            "timed out waiting for endpoint {name}: still {}",
            endpoint.status()
        ))
        .hint(format!(
            "`hf endpoints describe {name}` shows its state and message"
        ));
    }
    if endpoint.status() != "running" {
        let hint = match endpoint.status() {
            "paused" | "scaledToZero" => format!("`hf endpoints resume {name}` starts it"),
            _ => format!(
                "`hf endpoints describe {name}` shows the message; `hf endpoints update {name}` \
                 changes what it runs"
            ),
        };
        return Err(anyhow::anyhow!(
            "endpoint {name} is not running (state {})",
            endpoint.status()
        ))
        .hint(hint);
    }
    Ok(endpoint)
}

/// `hf endpoints ...`.
#[allow(
    clippy::too_many_lines,
    reason = "one arm per command page, each short"
)]
pub(crate) async fn run(args: EndpointsArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        EndpointsCommand::List(a) => list(a, context).await,
        EndpointsCommand::Describe(a) => describe(a, context).await,
        EndpointsCommand::Deploy(a) => deploy(a, context).await,
        EndpointsCommand::Update(a) => update(a, context).await,
        EndpointsCommand::Pause(a) => pause(a, context).await,
        EndpointsCommand::ScaleToZero(a) => scale_to_zero(a, context).await,
        EndpointsCommand::Resume(a) => resume(a, context).await,
        EndpointsCommand::Delete(a) => delete(a, context).await,
        EndpointsCommand::Wait(a) => wait_command(a, context).await,
        EndpointsCommand::Hardware(a) => hardware(a, context).await,
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::List(a),
        })
        | EndpointsCommand::ListCatalog(a) => catalog_list(a, context).await,
        EndpointsCommand::Catalog(CatalogArgs {
            command: CatalogCommand::Deploy(a),
        }) => catalog_deploy(a, context).await,
    }
}

/// `hf endpoints list`.
async fn list(a: NamespaceArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let items: Vec<EndpointRow> = api
        .list_inference_endpoints(a.namespace.namespace.as_deref())
        .await?
        .iter()
        .map(|e| EndpointRow {
            name: e.name().to_owned(),
            model: e.repository().to_owned(),
            status: e.status().to_owned(),
            task: e.task().unwrap_or_default().to_owned(),
            framework: e.framework().to_owned(),
            instance: e.instance_type().to_owned(),
            vendor: e.vendor().to_owned(),
            region: e.region().to_owned(),
        })
        .collect();
    context.output.emit(&Listing {
        items,
        headers: &[
            "NAME",
            "MODEL",
            "STATUS",
            "TASK",
            "FRAMEWORK",
            "INSTANCE",
            "VENDOR",
            "REGION",
        ],
        row: |r: &EndpointRow| {
            vec![
                r.name.clone(),
                r.model.clone(),
                r.status.clone(),
                r.task.clone(),
                r.framework.clone(),
                r.instance.clone(),
                r.vendor.clone(),
                r.region.clone(),
            ]
        },
        id: |r| r.name.clone(),
    })
}

/// `hf endpoints describe`.
async fn describe(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(api.inference_endpoint(&a.name, ns).await, &a.name, ns)?;
    context.output.emit(&document(e))
}

/// `hf endpoints deploy`.
async fn deploy(a: Box<DeployArgs>, context: &mut Context) -> anyhow::Result<()> {
    let a = *a;
    let mut spec = EndpointSpec::default();
    spec.repository = Some(a.repo);
    spec.framework = Some(a.framework);
    spec.accelerator = Some(a.accelerator);
    spec.instance_size = Some(a.instance_size);
    spec.instance_type = Some(a.instance_type);
    spec.region = Some(a.region);
    spec.vendor = Some(a.vendor);
    spec.task = a.task;
    spec.revision = a.revision;
    spec.min_replica = Some(a.min_replica);
    spec.max_replica = Some(a.max_replica);
    spec.endpoint_type = a.endpoint_type.map(|t| {
        match t {
            TypeArg::Public => "public",
            TypeArg::Authenticated => "authenticated",
            TypeArg::Private => "private",
        }
        .to_owned()
    });
    let password = context
        .session
        .secret_value(
            "--container-registry-password",
            a.container_registry_password.as_deref(),
            None,
        )?
        .map(SecretValue::new);
    apply_image(&mut spec, &a.image, a.container_registry_username, password)?;
    if a.secrets_file.as_deref() == Some("-") && a.env_file.as_deref() == Some("-") {
        return Err(
            UsageError("--secrets-file - and --env-file - cannot both read stdin".into()).into(),
        );
    }
    spec.env = context.session.variables(&a.env, a.env_file.as_deref())?;
    spec.secrets = context
        .session
        .secrets(&a.secrets, a.secrets_file.as_deref())?;
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let mut e = api.create_inference_endpoint(&a.name, &spec, ns).await?;
    if a.wait {
        e = wait(context, &api, &a.name, Some(&e.namespace.clone()), None).await?;
    } else {
        context.output.note(&format!(
            "Use 'hf endpoints describe {}' to check the deployment status.",
            a.name
        ));
    }
    context.output.emit(&document(e))
}

/// `hf endpoints update`.
async fn update(a: Box<UpdateArgs>, context: &mut Context) -> anyhow::Result<()> {
    let a = *a;
    let mut spec = EndpointSpec::default();
    spec.repository = a.repo;
    spec.accelerator = a.accelerator;
    spec.instance_size = a.instance_size;
    spec.instance_type = a.instance_type;
    spec.framework = a.framework;
    spec.revision = a.revision;
    spec.task = a.task;
    spec.min_replica = a.min_replica;
    spec.max_replica = a.max_replica;
    apply_image(&mut spec, &a.image, None, None)?;
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let mut e = found(
        api.update_inference_endpoint(&a.name, &spec, ns).await,
        &a.name,
        ns,
    )?;
    if a.wait {
        e = wait(context, &api, &a.name, Some(&e.namespace.clone()), None).await?;
    }
    context.output.emit(&document(e))
}

/// `hf endpoints pause`.
async fn pause(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(api.pause_inference_endpoint(&a.name, ns).await, &a.name, ns)?;
    context.output.emit(&document(e))
}

/// `hf endpoints scale-to-zero`.
async fn scale_to_zero(a: NameArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(
        api.scale_to_zero_inference_endpoint(&a.name, ns).await,
        &a.name,
        ns,
    )?;
    context.output.emit(&document(e))
}

/// `hf endpoints resume`.
async fn resume(a: ResumeArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    let e = found(
        api.resume_inference_endpoint(&a.name, ns, !a.fail_if_already_running)
            .await,
        &a.name,
        ns,
    )?;
    context.output.emit(&document(e))
}

/// `hf endpoints delete`.
async fn delete(a: DeleteArgs, context: &mut Context) -> anyhow::Result<()> {
    crate::args::require_yes(a.yes, &format!("deleting endpoint '{}'", a.name))?;
    let api = context.session.hub_api(a.token.flag())?;
    let ns = a.namespace.namespace.as_deref();
    found(
        api.delete_inference_endpoint(&a.name, ns).await,
        &a.name,
        ns,
    )?;
    context.output.emit(&Report {
        message: format!("Deleted '{}'.", a.name),
        fields: vec![("name", a.name.clone().into())],
    })
}

/// `hf endpoints wait`.
async fn wait_command(a: WaitArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let e = wait(
        context,
        &api,
        &a.name,
        a.namespace.namespace.as_deref(),
        a.timeout,
    )
    .await?;
    context.output.emit(&Report {
        message: format!("Endpoint {} running", a.name),
        fields: vec![
            ("name", a.name.clone().into()),
            ("status", e.status().into()),
            ("url", e.url().map(str::to_owned).into()),
        ],
    })
}

/// `hf endpoints catalog deploy`: a model or a recipe of the Model Catalog.
async fn catalog_deploy(a: CatalogDeployArgs, context: &mut Context) -> anyhow::Result<()> {
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

async fn hardware(a: HardwareArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let all = api
        .list_endpoint_hardware(a.namespace.namespace.as_deref())
        .await?;
    let same = |filter: &Option<String>, value: &str| {
        filter
            .as_ref()
            .is_none_or(|f| f.eq_ignore_ascii_case(value))
    };
    let matching: Vec<&EndpointHardware> = all
        .iter()
        .filter(|h| {
            same(&a.vendor, &h.vendor)
                && same(&a.region, &h.region)
                && same(&a.accelerator, &h.accelerator)
                && same(&a.instance_type, &h.instance_type)
        })
        .collect();
    let mut visible: Vec<&EndpointHardware> = matching
        .iter()
        .copied()
        .filter(|h| a.show_all || h.is_deployable())
        .collect();
    visible.sort_by(|x, y| {
        (
            &x.vendor,
            &x.region,
            &x.accelerator,
            &x.instance_type,
            x.num_accelerators,
        )
            .cmp(&(
                &y.vendor,
                &y.region,
                &y.accelerator,
                &y.instance_type,
                y.num_accelerators,
            ))
    });
    let hint = if let Some(h) = visible.iter().find(|h| h.is_deployable()) {
        format!(
            "Deploy on one of these, e.g.: hf endpoints deploy my-endpoint --repo <repo> --framework <framework> \
             --vendor {} --region {} --accelerator {} --instance-type {} --instance-size {}",
            h.vendor, h.region, h.accelerator, h.instance_type, h.instance_size
        )
    } else if !visible.is_empty() {
        "None of these can be deployed on right now, see the QUOTA and STATUS columns.".to_owned()
    } else if !matching.is_empty() {
        "Use '--all' to also show hardware that cannot be deployed on right now.".to_owned()
    } else {
        let unknown: Vec<String> = [
            (
                "--vendor",
                &a.vendor,
                all.iter().map(|h| h.vendor.as_str()).collect::<Vec<_>>(),
            ),
            (
                "--region",
                &a.region,
                all.iter().map(|h| h.region.as_str()).collect(),
            ),
            (
                "--accelerator",
                &a.accelerator,
                all.iter().map(|h| h.accelerator.as_str()).collect(),
            ),
            (
                "--instance-type",
                &a.instance_type,
                all.iter().map(|h| h.instance_type.as_str()).collect(),
            ),
        ]
        .into_iter()
        .filter_map(|(flag, value, valid)| {
            let value = value.as_ref()?;
            let mut valid: Vec<&str> = valid;
            valid.sort_unstable();
            valid.dedup();
            (!valid.iter().any(|v| v.eq_ignore_ascii_case(value)))
                .then(|| format!("{flag} '{value}' (valid: {})", valid.join(", ")))
        })
        .collect();
        if unknown.is_empty() {
            "No hardware matches all of these filters at once. Try dropping one.".to_owned()
        } else {
            format!("No such hardware: {}.", unknown.join("; "))
        }
    };
    let items: Vec<HardwareRow> = visible
        .into_iter()
        .map(|h| HardwareRow {
            quota: format!("{}/{}", h.used_accelerators, h.max_accelerators),
            hardware: h.clone(),
        })
        .collect();
    context.output.emit(&Listing {
        items,
        headers: &[
            "VENDOR",
            "REGION",
            "ACCELERATOR",
            "INSTANCE_TYPE",
            "INSTANCE_SIZE",
            "MEMORY_GB",
            "GPU_MEMORY_GB",
            "PRICE_PER_HOUR",
            "QUOTA",
            "STATUS",
        ],
        row: |r: &HardwareRow| {
            let h = &r.hardware;
            vec![
                h.vendor.clone(),
                h.region.clone(),
                h.accelerator.clone(),
                h.instance_type.clone(),
                h.instance_size.clone(),
                h.memory_gb.to_string(),
                h.gpu_memory_gb.map(|g| g.to_string()).unwrap_or_default(),
                h.price_per_hour.to_string(),
                r.quota.clone(),
                h.status.clone(),
            ]
        },
        id: |r| r.hardware.id.clone(),
    })?;
    context.output.note(&hint);
    Ok(())
}

async fn catalog_list(a: CatalogListArgs, context: &mut Context) -> anyhow::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn words_split_as_shlex_does() {
        assert_eq!(
            split_words(r#"python -m "a b" 'c d' e\ f"#, "--x").unwrap(),
            ["python", "-m", "a b", "c d", "e f"]
        );
        assert!(split_words("\"open", "--x").is_err());
        assert!(split_words("", "--x").unwrap().is_empty());
    }
}
