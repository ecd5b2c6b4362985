//! `hf endpoints deploy|update`: the container, engine and scaling options.

use super::common::{NamespaceOpt, document, found, wait};
use crate::args::TokenArg;
use crate::command_error::UsageError;
use crate::commands::Context;
use hf_hub::api::{EndpointImage, EndpointSpec, ScalingMetric, SecretValue};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum MetricArg {
    #[value(name = "pendingRequests")]
    PendingRequests,
    #[value(name = "hardwareUsage")]
    HardwareUsage,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum EngineArg {
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
pub(crate) enum TypeArg {
    Public,
    Authenticated,
    Private,
}

/// The image and scaling flags deploy and update share.
#[derive(Debug, clap::Args)]
pub(crate) struct ImageArgs {
    /// Docker image URL for the container to run (e.g. 'nexagi/sglang:v0.5.12'). Requires
    /// '--framework custom'.
    #[arg(long)]
    pub(crate) custom_image: Option<String>,
    /// Managed engine image to run --custom-image with (e.g. 'vllm'). Defaults to an arbitrary
    /// container.
    #[arg(long, value_enum)]
    pub(crate) engine: Option<EngineArg>,
    /// Health check route exposed by the container (e.g. '/health'). Requires --custom-image.
    #[arg(long)]
    pub(crate) health_route: Option<String>,
    /// Port the container listens on (e.g. 30000). Requires --custom-image.
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// Number of accelerators to shard a single model copy across (vLLM and SGLang engines only).
    #[arg(long)]
    pub(crate) tensor_parallel_size: Option<u32>,
    /// Number of model copies to run, one per accelerator (vLLM engine only).
    #[arg(long)]
    pub(crate) data_parallel_size: Option<u32>,
    /// Override the container entrypoint, as a quoted string split into tokens (e.g. "python -m
    /// sglang.launch_server").
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) container_command: Option<String>,
    /// Arguments appended to the container entrypoint, as a quoted string split into tokens
    /// (e.g. "--tp 8 --reasoning-parser qwen3").
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) container_args: Option<String>,
    /// The duration in minutes before an inactive endpoint is scaled to zero.
    #[arg(long)]
    pub(crate) scale_to_zero_timeout: Option<u32>,
    /// The metric reference for scaling.
    #[arg(long, value_enum)]
    pub(crate) scaling_metric: Option<MetricArg>,
    /// The scaling metric threshold used to trigger a scale up. Ignored when scaling metric is
    /// not provided.
    #[arg(long)]
    pub(crate) scaling_threshold: Option<f64>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeployArgs {
    /// Endpoint name.
    pub(crate) name: String,
    /// The name of the model repository associated with the Inference Endpoint (e.g.
    /// 'openai/gpt-oss-120b').
    #[arg(long)]
    pub(crate) repo: String,
    /// The machine learning framework used for the model (e.g. 'vllm').
    #[arg(long)]
    pub(crate) framework: String,
    /// The hardware accelerator to be used for inference (e.g. 'cpu').
    #[arg(long)]
    pub(crate) accelerator: String,
    /// The size or type of the instance to be used for hosting the model (e.g. 'x4').
    #[arg(long)]
    pub(crate) instance_size: String,
    /// The cloud instance type where the Inference Endpoint will be deployed (e.g. 'intel-icl').
    #[arg(long)]
    pub(crate) instance_type: String,
    /// The cloud region in which the Inference Endpoint will be created (e.g. 'us-east-1').
    #[arg(long)]
    pub(crate) region: String,
    /// The cloud provider or vendor where the Inference Endpoint will be hosted (e.g. 'aws').
    #[arg(long)]
    pub(crate) vendor: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// The task on which to deploy the model (e.g. 'text-classification').
    #[arg(long)]
    pub(crate) task: Option<String>,
    /// The minimum number of replicas (instances) to keep running for the Inference Endpoint.
    #[arg(long, default_value_t = 1)]
    pub(crate) min_replica: u32,
    /// The maximum number of replicas (instances) to scale to for the Inference Endpoint.
    #[arg(long, default_value_t = 1)]
    pub(crate) max_replica: u32,
    /// Git revision id which can be a branch name, a tag, or a commit hash.
    #[arg(long)]
    pub(crate) revision: Option<String>,
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// Username used to authenticate with the registry hosting --custom-image.
    #[arg(long)]
    pub(crate) container_registry_username: Option<String>,
    /// Password for the registry hosting --custom-image: `--container-registry-password NAME`
    /// reads it from your environment variable NAME; another value puts it in the command line.
    #[arg(long, value_name = "PASSWORD")]
    pub(crate) container_registry_password: Option<String>,
    /// Set environment variables. E.g. --env ENV=value
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub(crate) env: Vec<String>,
    /// Read in a file of environment variables. Use `-` to read them from stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) env_file: Option<String>,
    /// Set secret environment variables: `--secrets NAME` reads the value from your
    /// environment (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    pub(crate) secrets: Vec<String>,
    /// Read in a file of secret environment variables. Use `-` to read them from stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) secrets_file: Option<String>,
    /// Endpoint access type. Defaults to 'authenticated' (token-gated, publicly reachable).
    #[arg(long = "type", value_enum)]
    pub(crate) endpoint_type: Option<TypeArg>,
    /// Wait until the endpoint is running (or failed), showing each state (ours).
    #[arg(long)]
    pub(crate) wait: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    /// Endpoint name.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// The name of the model repository associated with the Inference Endpoint.
    #[arg(long)]
    pub(crate) repo: Option<String>,
    /// The hardware accelerator to be used for inference (e.g. 'cpu').
    #[arg(long)]
    pub(crate) accelerator: Option<String>,
    /// The size or type of the instance to be used for hosting the model (e.g. 'x4').
    #[arg(long)]
    pub(crate) instance_size: Option<String>,
    /// The cloud instance type where the Inference Endpoint will be deployed (e.g. 'intel-icl').
    #[arg(long)]
    pub(crate) instance_type: Option<String>,
    /// The machine learning framework used for the model (e.g. 'custom').
    #[arg(long)]
    pub(crate) framework: Option<String>,
    /// The specific model revision to deploy on the Inference Endpoint (e.g.
    /// '6c0e6080953db56375760c0471a8c5f2929baf11').
    #[arg(long)]
    pub(crate) revision: Option<String>,
    /// The task on which to deploy the model (e.g. 'text-classification').
    #[arg(long)]
    pub(crate) task: Option<String>,
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// The minimum number of replicas (instances) to keep running for the Inference Endpoint.
    #[arg(long)]
    pub(crate) min_replica: Option<u32>,
    /// The maximum number of replicas (instances) to scale to for the Inference Endpoint.
    #[arg(long)]
    pub(crate) max_replica: Option<u32>,
    /// Wait until the endpoint is running again (or failed), showing each state (ours).
    #[arg(long)]
    pub(crate) wait: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// `a "b c" 'd'` → `[a, b c, d]`, as Python's `shlex.split`.
pub(crate) fn split_words(text: &str, flag: &str) -> anyhow::Result<Vec<String>> {
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
pub(crate) fn apply_image(
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

/// `hf endpoints deploy`.
pub(crate) async fn deploy(a: Box<DeployArgs>, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) async fn update(a: Box<UpdateArgs>, context: &mut Context) -> anyhow::Result<()> {
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
