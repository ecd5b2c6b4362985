//! `hf models|datasets|spaces list|info|card`.

use futures_util::TryStreamExt as _;
use hf_hub::api::{ListReposOptions, RepoInfo, RepoSort};
use hf_hub::tree::TreeEntry;
use hf_hub::{Repo, RepoType};
use serde::Serialize;
use serde_json::Value;

use crate::args::{TokenArg, parse_repo};
use crate::commands::Context;
use crate::exit::UsageError;
use crate::hints::HintExt as _;
use crate::output::{Human, OutputFormat, Render};

/// `--sort` values, in Python's spelling (`trending_score`) or ours (`trending-score`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SortArg {
    /// Most recently created first.
    #[value(alias = "created_at")]
    CreatedAt,
    /// Most downloaded first.
    Downloads,
    /// Most recently modified first.
    #[value(alias = "last_modified")]
    LastModified,
    /// Most liked first.
    Likes,
    /// Trending first.
    #[value(alias = "trending_score")]
    TrendingScore,
}

impl From<SortArg> for RepoSort {
    fn from(value: SortArg) -> Self {
        match value {
            SortArg::CreatedAt => Self::CreatedAt,
            SortArg::Downloads => Self::Downloads,
            SortArg::LastModified => Self::LastModified,
            SortArg::Likes => Self::Likes,
            SortArg::TrendingScore => Self::TrendingScore,
        }
    }
}

/// `hf models <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct ModelsArgs {
    #[command(subcommand)]
    command: ModelsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ModelsCommand {
    /// List models on the Hub, or the files of one model when MODEL_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ModelListArgs),
    /// Get info about a model on the Hub.
    Info(InfoArgs),
    /// Get the model card (README) of a model on the Hub.
    Card(CardArgs),
}

/// `hf datasets <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct DatasetsArgs {
    #[command(subcommand)]
    command: DatasetsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DatasetsCommand {
    /// List datasets on the Hub, or the files of one dataset when DATASET_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ListArgs),
    /// Get info about a dataset on the Hub.
    Info(InfoArgs),
    /// Get the dataset card (README) of a dataset on the Hub.
    Card(CardArgs),
    /// List model scores from a benchmark dataset's leaderboard, best first.
    Leaderboard(LeaderboardArgs),
    /// List the Parquet files of a dataset (from the Dataset Viewer), with their URLs.
    Parquet(ParquetArgs),
    /// Execute a raw SQL query with DuckDB against dataset parquet URLs (needs the `duckdb`
    /// program on PATH, as Python's does without its `duckdb` package).
    Sql(SqlArgs),
}

#[derive(Debug, clap::Args)]
struct SqlArgs {
    /// Raw SQL query to execute.
    sql: String,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct ParquetArgs {
    /// The dataset id (e.g. `username/repo-name`).
    dataset_id: String,
    /// Only this subset (config).
    #[arg(long, value_name = "SUBSET")]
    subset: Option<String>,
    /// Only this split.
    #[arg(long, value_name = "SPLIT")]
    split: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

/// The Parquet files, as Python's table (`subset`, `split`, `url`, `size`; quiet: the URLs).
#[derive(Debug)]
struct ParquetList {
    files: Vec<hf_hub::api::ParquetFile>,
}

impl Serialize for ParquetList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<Value> = self
            .files
            .iter()
            .map(|f| serde_json::json!({"subset": f.config, "split": f.split, "url": f.url, "size": f.size}))
            .collect();
        rows.serialize(serializer)
    }
}

impl Render for ParquetList {
    fn human(&self) -> Human {
        if self.files.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: ["SUBSET", "SPLIT", "URL", "SIZE"]
                .map(str::to_owned)
                .to_vec(),
            rows: self
                .files
                .iter()
                .map(|f| {
                    vec![
                        f.config.clone(),
                        f.split.clone(),
                        f.url.clone(),
                        file_size(f.size, true),
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.files.iter().map(|f| f.url.clone()).collect()
    }
}

#[derive(Debug, clap::Args)]
struct LeaderboardArgs {
    /// The benchmark dataset id (e.g. `SWE-bench/SWE-bench_Verified`).
    dataset_id: String,
    /// Show at most this many rows.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[command(flatten)]
    token: TokenArg,
}

/// The leaderboard rows, as Python's table (`rank`, `model_id`, `value`, `source`).
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Leaderboard {
    rows: Vec<hf_hub::api::LeaderboardEntry>,
}

impl Render for Leaderboard {
    fn human(&self) -> Human {
        if self.rows.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: ["RANK", "MODEL_ID", "VALUE", "SOURCE"]
                .map(str::to_owned)
                .to_vec(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let source = r
                        .source
                        .as_ref()
                        .and_then(|s| s.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    vec![
                        r.rank.to_string(),
                        r.model_id.clone(),
                        r.value.to_string(),
                        source,
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.rows.iter().map(|r| r.model_id.clone()).collect()
    }
}

/// `hf spaces <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct SpacesArgs {
    #[command(subcommand)]
    command: SpacesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SpacesCommand {
    /// List Spaces on the Hub, or the files of one Space when SPACE_ID is given.
    #[command(visible_alias = "ls", disable_help_flag = true)]
    List(ListArgs),
    /// Get info about a Space on the Hub.
    Info(InfoArgs),
    /// Get the card (README) of a Space on the Hub.
    Card(CardArgs),
    /// Search Spaces on the Hub using semantic search.
    Search(SpaceSearchArgs),
    /// Manage a Space's secrets (values are write-only: never shown).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Manage a Space's environment variables.
    #[command(subcommand)]
    Variables(VariablesCommand),
    /// Pause a Space (it stops running, and billing, until restarted).
    Pause(SpaceIdArgs),
    /// Restart a Space (a rebuild); `hf spaces wait` waits until it runs.
    Restart(RestartArgs),
    /// List available hardware options for Spaces.
    Hardware(HardwareArgs),
    /// Update the settings of a Space (hardware, sleep time).
    Settings(SpaceSettingsUpdateArgs),
    /// Fetch the run or build logs of a Space.
    Logs(LogsArgs),
    /// Wait for a Space to finish building/starting; exits 0 only if it runs.
    Wait(WaitArgs),
    /// Enable or disable dev mode on a Space (enabling needs a PRO or Team & Enterprise plan).
    DevMode(DevModeArgs),
}

#[derive(Debug, clap::Args)]
struct RestartArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// Rebuild the Space from scratch without using the build cache.
    #[arg(long)]
    factory_reboot: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct SpaceSearchArgs {
    /// Search query.
    query: String,
    /// Filter by tags (e.g. 'text-classification'). Can be used multiple times.
    #[arg(long)]
    filter: Vec<String>,
    /// Filter by SDK (e.g. gradio, docker, static). Can be used multiple times.
    #[arg(long)]
    sdk: Vec<String>,
    /// Include non-running spaces in results.
    #[arg(long, overrides_with = "no_include_non_running")]
    include_non_running: bool,
    /// Only running spaces (the default).
    #[arg(long, overrides_with = "include_non_running")]
    no_include_non_running: bool,
    /// Show AI-generated descriptions.
    #[arg(long, overrides_with = "no_description")]
    description: bool,
    /// Do not show AI-generated descriptions (the default).
    #[arg(long, overrides_with = "description")]
    no_description: bool,
    /// Limit the number of results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[command(flatten)]
    token: TokenArg,
}

/// A row of `hf spaces search`, as Python's.
#[derive(Debug, Serialize)]
struct SpaceFound {
    id: String,
    title: String,
    sdk: Option<String>,
    likes: u64,
    stage: Option<String>,
    category: Option<String>,
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Debug, clap::Args)]
struct HardwareArgs {
    #[command(flatten)]
    token: TokenArg,
}

/// Python's flavors (`--hardware`); others are passed on for the Hub to judge.
const HARDWARE_FLAVORS: &[&str] = &[
    "cpu-basic",
    "cpu-upgrade",
    "zero-a10g",
    "t4-small",
    "t4-medium",
    "l4x1",
    "l4x4",
    "l40sx1",
    "l40sx4",
    "l40sx8",
    "a10g-small",
    "a10g-large",
    "a10g-largex2",
    "a10g-largex4",
    "a100-large",
    "a100x4",
    "a100x8",
    "rtx-pro-6000",
    "rtx-pro-6000x2",
    "rtx-pro-6000x4",
    "rtx-pro-6000x8",
];

#[derive(Debug, clap::Args)]
struct SpaceSettingsUpdateArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// Idle time in seconds after which the Space goes to sleep. Use -1 to never sleep. Only
    /// available on upgraded hardware.
    #[arg(long, allow_negative_numbers = true, value_name = "SECONDS")]
    sleep_time: Option<i64>,
    /// Space hardware flavor (e.g. 'cpu-basic', 't4-medium', 'l4x4'). Run 'hf spaces
    /// hardware' to list available options.
    #[arg(long, value_name = "FLAVOR")]
    hardware: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct LogsArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// Fetch the container build logs instead of the run logs. Useful when a Space is stuck
    /// in BUILD_ERROR.
    #[arg(long)]
    build: bool,
    /// Follow log output (stream until the server closes the stream). Without this flag,
    /// only currently available logs are printed.
    #[arg(short, long, conflicts_with = "tail")]
    follow: bool,
    /// Number of lines to show from the end of the logs.
    #[arg(short = 'n', long, value_name = "N")]
    tail: Option<usize>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct WaitArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// Max time to wait: int with s (seconds, default), m (minutes), h (hours) or d (days).
    #[arg(long, value_parser = crate::args::parse_duration, value_name = "DURATION")]
    timeout: Option<std::time::Duration>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct DevModeArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// Stop dev mode.
    #[arg(long, overrides_with = "no_stop")]
    stop: bool,
    /// Start dev mode (the default).
    #[arg(long, overrides_with = "stop")]
    no_stop: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Subcommand)]
enum SecretsCommand {
    /// Add or update secrets of a Space.
    Add(SecretsAddArgs),
    /// List the secrets of a Space (names only: values are write-only).
    #[command(visible_alias = "ls")]
    List(SpaceIdArgs),
    /// Remove a secret from a Space.
    Delete(SpaceKeyArgs),
}

#[derive(Debug, clap::Subcommand)]
enum VariablesCommand {
    /// Add or update environment variables of a Space.
    Add(VariablesAddArgs),
    /// List the environment variables of a Space.
    #[command(visible_alias = "ls")]
    List(SpaceIdArgs),
    /// Remove an environment variable from a Space.
    Delete(SpaceKeyArgs),
}

#[derive(Debug, clap::Args)]
struct SpaceIdArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct SpaceKeyArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// The name to remove.
    key: String,
    /// Confirm the removal.
    #[arg(short, long)]
    yes: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct SecretsAddArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// A secret: `--secrets NAME` takes the value of NAME from your environment
    /// (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line, where
    /// other users of this machine can see it. Repeat for several.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    secrets: Vec<String>,
    /// Read secrets from a file of `NAME=value` lines; `-` reads them from stdin.
    #[arg(long, value_name = "FILE")]
    secrets_file: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct VariablesAddArgs {
    /// The Space id (e.g. `username/repo-name`).
    space_id: String,
    /// A variable: `NAME=value` (or `NAME`, from your environment). Repeat for several.
    #[arg(short = 'e', long = "env", value_name = "VAR")]
    env: Vec<String>,
    /// Read variables from a file of `NAME=value` lines; `-` reads stdin.
    #[arg(long = "env-file", value_name = "FILE")]
    env_file: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

/// A Space's secrets (names and dates) or variables, as Python's tables.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum SpaceSettingsList {
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
struct SpaceSettingsChanged {
    space: String,
    keys: Vec<String>,
    #[serde(skip)]
    message: String,
}

impl Render for SpaceSettingsChanged {
    fn human(&self) -> Human {
        Human::Text(self.message.clone())
    }

    fn quiet(&self) -> Vec<String> {
        self.keys.clone()
    }
}

/// `hf spaces secrets|variables ...`.
async fn space_settings_command(
    secrets: Option<SecretsCommand>,
    variables: Option<VariablesCommand>,
    context: &mut Context,
) -> anyhow::Result<()> {
    let space_repo = |id: &str| parse_repo(id, Some(RepoType::Space));
    match (secrets, variables) {
        (Some(SecretsCommand::Add(args)), _) => {
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
        (Some(SecretsCommand::List(args)), _) => {
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            let list = api.list_space_secrets(&repo.id).await?;
            context.output.emit(&SpaceSettingsList::Secrets(list))
        }
        (Some(SecretsCommand::Delete(args)), _) => {
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
        (None, Some(VariablesCommand::Add(args))) => {
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
        (None, Some(VariablesCommand::List(args))) => {
            let api = context.session.hub_api(args.token.flag())?;
            let repo = space_repo(&args.space_id)?;
            let list = api.list_space_variables(&repo.id).await?;
            context.output.emit(&SpaceSettingsList::Variables(list))
        }
        (None, Some(VariablesCommand::Delete(args))) => {
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
        (None, None) => Ok(()),
    }
}

/// The options of every `list` command.
#[derive(Debug, clap::Args)]
struct ListArgs {
    /// List the files of this repo instead of listing repos.
    repo_id: Option<String>,
    /// Search query (substring of the repo id).
    #[arg(long)]
    search: Option<String>,
    /// Filter by author or organization.
    #[arg(long)]
    author: Option<String>,
    /// Filter by tag (e.g. 'text-classification'); repeat for several.
    #[arg(long)]
    filter: Vec<String>,
    /// Sort results (descending).
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 30)]
    limit: usize,
    /// Comma-separated properties to return (e.g. 'downloads,likes,tags'); only those (and the
    /// id) come back.
    #[arg(long, value_delimiter = ',')]
    expand: Vec<String>,
    /// Show sizes with a unit (only when listing files).
    #[arg(short = 'h', long)]
    human_readable: bool,
    /// List files as a tree (only when listing files).
    #[arg(long)]
    tree: bool,
    /// List files of every folder, recursively (only when listing files).
    #[arg(short = 'R', long)]
    recursive: bool,
    /// Revision to list files at (only when listing files).
    #[arg(long)]
    revision: Option<String>,
    #[command(flatten)]
    token: TokenArg,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
}

/// The filters only models have.
#[derive(Debug, clap::Args)]
struct ModelListArgs {
    #[command(flatten)]
    list: ListArgs,
    /// Filter by pipeline tag (task), e.g. 'summarization'.
    #[arg(long)]
    pipeline_tag: Option<String>,
    /// Only gated models.
    #[arg(long, overrides_with = "no_gated")]
    gated: bool,
    /// Only models that are not gated.
    #[arg(long, overrides_with = "gated")]
    no_gated: bool,
    /// Only models these apps can run, e.g. 'ollama' or 'vllm'; repeat for several.
    #[arg(long)]
    apps: Vec<String>,
    /// Filter by parameter count, e.g. 'min:6B,max:128B'.
    #[arg(long, value_name = "RANGE")]
    num_parameters: Option<String>,
    /// Only models served by these inference providers, e.g. 'fireworks-ai'; repeat for several.
    #[arg(long, value_name = "PROVIDER", conflicts_with = "warm")]
    inference_provider: Vec<String>,
    /// Only models served by at least one inference provider now.
    #[arg(long)]
    warm: bool,
}

#[derive(Debug, clap::Args)]
struct InfoArgs {
    /// The repo id (e.g. `username/repo-name`).
    repo_id: String,
    /// Git revision: a branch name, a tag or a commit hash.
    #[arg(long)]
    revision: Option<String>,
    /// Comma-separated properties to return (e.g. 'downloads,likes,tags').
    #[arg(long, value_delimiter = ',')]
    expand: Vec<String>,
    /// Include the size and LFS details of every file.
    #[arg(long)]
    files_metadata: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct CardArgs {
    /// The repo id (e.g. `username/repo-name`).
    repo_id: String,
    /// Only the metadata (the YAML header, as the Hub parsed it).
    #[arg(long, conflicts_with = "text")]
    metadata: bool,
    /// Only the text body (no metadata).
    #[arg(long)]
    text: bool,
    #[command(flatten)]
    token: TokenArg,
}

/// A `RepoInfo` as Python's `hf` prints it in JSON: its dataclass field names (snake_case),
/// the Hub's internal `_id` dropped.
fn python_shape(info: &RepoInfo) -> Value {
    let Ok(Value::Object(map)) = serde_json::to_value(info) else {
        return Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (key, value) in map {
        if key == "_id" || key == "modelId" || value.is_null() {
            continue;
        }
        let value = if key == "siblings" {
            snake_keys_of_items(value)
        } else {
            value
        };
        out.insert(snake(&key), value);
    }
    Value::Object(out)
}

/// `lastModified` -> `last_modified`, `model-index` -> `model_index` (as Python's fields).
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c == '-' {
            out.push('_');
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// Each object of a list with snake_case keys, one level down too (`lfs.pointerSize`).
fn snake_keys_of_items(value: Value) -> Value {
    fn convert(value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (snake(&key), convert(value)))
                    .collect(),
            ),
            other => other,
        }
    }
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
        other => other,
    }
}

#[derive(Debug)]
struct RepoList {
    repo_type: RepoType,
    repos: Vec<RepoInfo>,
}

impl Serialize for RepoList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shaped: Vec<Value> = self.repos.iter().map(python_shape).collect();
        shaped.serialize(serializer)
    }
}

impl Render for RepoList {
    fn human(&self) -> Human {
        if self.repos.is_empty() {
            return Human::Text(format!("No {} found.", self.repo_type.plural()));
        }
        let opt = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
        let date = |d: &Option<String>| {
            d.as_deref()
                .map_or_else(|| "-".to_owned(), |d| d.chars().take(10).collect())
        };
        let (headers, rows) = match self.repo_type {
            RepoType::Space => (
                vec!["ID", "SDK", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            r.sdk.clone().unwrap_or_else(|| "-".into()),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => (
                vec!["ID", "DOWNLOADS", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            opt(r.downloads),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect(),
            ),
        };
        Human::Table {
            headers: headers.into_iter().map(str::to_owned).collect(),
            rows,
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.repos.iter().map(|r| r.id.clone()).collect()
    }
}

/// `523 B`, `1.2 MB` with `-h`, else the byte count (as Python's file listing).
fn file_size(bytes: u64, human_readable: bool) -> String {
    if human_readable {
        crate::output::size_with_unit(bytes)
    } else {
        bytes.to_string()
    }
}

/// One entry of a file listing; in JSON, Python's `RepoFile` (`path`, `size`, `blob_id`,
/// `lfs`, `last_commit`, `security`) or `RepoFolder` (`path`, `tree_id`, `last_commit`) fields.
#[derive(Debug)]
struct FileEntry {
    kind: String,
    path: String,
    size: Option<u64>,
    oid: String,
    lfs: Option<hf_hub::tree::TreeLfs>,
    last_commit: Option<hf_hub::tree::TreeLastCommit>,
    security: Option<Value>,
}

/// A JSON value without its `null` members (Python's `_serialize_value` drops them).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// `2024-01-02T01:00:00.000Z` as Python's listing prints it: `2024-01-02 01:00:00`, or
/// `Jan 02 01:00` with `-h`; empty when unknown.
fn listing_date(iso: Option<&str>, human_readable: bool) -> String {
    let Some(iso) = iso.filter(|d| d.len() >= 16 && d.is_char_boundary(19.min(d.len()))) else {
        return String::new();
    };
    if !human_readable {
        return iso.chars().take(19).collect::<String>().replace('T', " ");
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = iso
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (month, iso.get(8..10), iso.get(11..16)) {
        (Some(month), Some(day), Some(time)) => format!("{month} {day} {time}"),
        _ => String::new(),
    }
}

impl Serialize for FileEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        map.insert("path".into(), self.path.clone().into());
        if let Some(commit) = &self.last_commit {
            map.insert(
                "last_commit".into(),
                serde_json::json!({"oid": commit.id, "title": commit.title, "date": commit.date}),
            );
        }
        if self.kind == "directory" {
            map.insert("tree_id".into(), self.oid.clone().into());
        } else {
            if let Some(security) = &self.security {
                let status = security.get("status").cloned().unwrap_or(Value::Null);
                map.insert(
                    "security".into(),
                    without_nulls(serde_json::json!({
                        "safe": status.as_str() == Some("safe"),
                        "status": status,
                        "av_scan": security.get("avScan").cloned().unwrap_or(Value::Null),
                        "pickle_import_scan": security
                            .get("pickleImportScan")
                            .cloned()
                            .unwrap_or(Value::Null),
                    })),
                );
            }
            map.insert("size".into(), self.size.unwrap_or(0).into());
            map.insert("blob_id".into(), self.oid.clone().into());
            if let Some(lfs) = &self.lfs {
                map.insert(
                    "lfs".into(),
                    serde_json::json!({
                        "size": lfs.size,
                        "sha256": lfs.oid,
                        "pointer_size": lfs.pointer_size,
                    }),
                );
            }
        }
        Value::Object(map).serialize(serializer)
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct FileList {
    files: Vec<FileEntry>,
    #[serde(skip)]
    human_readable: bool,
    #[serde(skip)]
    tree: bool,
}

impl FileList {
    fn shown_path(entry: &FileEntry) -> String {
        if entry.kind == "directory" {
            format!("{}/", entry.path)
        } else {
            entry.path.clone()
        }
    }

    /// Python's tree view: `├── name`, folders ending with `/`, sizes before the connector.
    fn tree_lines(&self, with_sizes: bool) -> Vec<String> {
        #[derive(Default)]
        struct Node {
            children: std::collections::BTreeMap<String, Node>,
            /// Size and last-commit date, for files.
            label: Option<(String, String)>,
            folder: bool,
        }
        let human = self.human_readable;
        let mut root = Node::default();
        for entry in &self.files {
            let mut node = &mut root;
            let parts: Vec<&str> = entry.path.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                node = node.children.entry((*part).to_owned()).or_default();
                if i + 1 < parts.len() {
                    node.folder = true;
                }
            }
            if entry.kind == "directory" {
                node.folder = true;
            } else {
                node.label = Some((
                    file_size(entry.size.unwrap_or(0), human),
                    listing_date(entry.last_commit.as_ref().map(|c| c.date.as_str()), human),
                ));
            }
        }
        // Python's layout: `SIZE  DATE  ├── name` for files, blanks of that width for folders.
        let labels = self.files.iter().filter(|e| e.kind != "directory");
        let (size_width, date_width) = if with_sizes {
            labels.fold((0, 0), |(s, d), e| {
                (
                    s.max(file_size(e.size.unwrap_or(0), human).len()),
                    d.max(
                        listing_date(e.last_commit.as_ref().map(|c| c.date.as_str()), human).len(),
                    ),
                )
            })
        } else {
            (0, 0)
        };
        struct Layout {
            size_width: usize,
            date_width: usize,
        }
        fn walk(node: &Node, indent: &str, layout: &Layout, lines: &mut Vec<String>) {
            let count = node.children.len();
            for (i, (name, child)) in node.children.iter().enumerate() {
                let last = i + 1 == count;
                let connector = if last { "└── " } else { "├── " };
                let prefix = if layout.size_width == 0 {
                    String::new()
                } else {
                    let (size, date) = child
                        .label
                        .clone()
                        .filter(|_| !child.folder)
                        .unwrap_or_default();
                    let (sw, dw) = (layout.size_width, layout.date_width);
                    format!("{size:>sw$}  {date:<dw$}  ")
                };
                let slash = if child.folder { "/" } else { "" };
                lines.push(format!("{prefix}{indent}{connector}{name}{slash}"));
                let deeper = format!("{indent}{}", if last { "    " } else { "│   " });
                walk(child, &deeper, layout, lines);
            }
        }
        let mut lines = Vec::new();
        walk(
            &root,
            "",
            &Layout {
                size_width,
                date_width,
            },
            &mut lines,
        );
        lines
    }
}

impl Render for FileList {
    fn human(&self) -> Human {
        if self.files.is_empty() {
            return Human::Text("(empty)".into());
        }
        if self.tree {
            return Human::Text(self.tree_lines(true).join("\n"));
        }
        let lines: Vec<String> = self
            .files
            .iter()
            .map(|entry| {
                let size = entry
                    .size
                    .filter(|_| entry.kind != "directory")
                    .map(|s| file_size(s, self.human_readable))
                    .unwrap_or_default();
                let date = listing_date(
                    entry.last_commit.as_ref().map(|c| c.date.as_str()),
                    self.human_readable,
                );
                format!("{size:>12}  {date:>19}  {}", Self::shown_path(entry))
            })
            .collect();
        Human::Text(lines.join("\n"))
    }

    fn quiet(&self) -> Vec<String> {
        if self.tree {
            return self.tree_lines(false);
        }
        self.files.iter().map(Self::shown_path).collect()
    }
}

#[derive(Debug)]
struct InfoOutput {
    info: RepoInfo,
}

impl Serialize for InfoOutput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        python_shape(&self.info).serialize(serializer)
    }
}

impl Render for InfoOutput {
    fn human(&self) -> Human {
        let info = &self.info;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let mut fields = vec![
            ("id".to_owned(), info.id.clone()),
            ("sha".to_owned(), opt(&info.sha)),
            ("private".to_owned(), info.private.to_string()),
            ("gated".to_owned(), info.gated.as_str().to_owned()),
        ];
        if let Some(downloads) = info.downloads {
            fields.push(("downloads".into(), downloads.to_string()));
        }
        if let Some(likes) = info.likes {
            fields.push(("likes".into(), likes.to_string()));
        }
        for (key, value) in [
            ("library", &info.library_name),
            ("pipeline tag", &info.pipeline_tag),
            ("sdk", &info.sdk),
            ("last modified", &info.last_modified),
        ] {
            if value.is_some() {
                fields.push((key.to_owned(), opt(value)));
            }
        }
        if !info.tags.is_empty() {
            fields.push(("tags".into(), info.tags.join(", ")));
        }
        if let Some(siblings) = &info.siblings {
            let sized: Vec<u64> = siblings.iter().filter_map(|s| s.size).collect();
            if sized.len() == siblings.len() && !siblings.is_empty() {
                fields.push((
                    "files".into(),
                    format!(
                        "{} ({})",
                        siblings.len(),
                        file_size(sized.iter().sum(), true)
                    ),
                ));
                for sibling in siblings {
                    fields.push((
                        format!("  {}", sibling.rfilename),
                        file_size(sibling.size.unwrap_or(0), true),
                    ));
                }
            } else {
                fields.push(("files".into(), siblings.len().to_string()));
            }
        }
        Human::Fields(fields)
    }

    fn quiet(&self) -> Vec<String> {
        vec![self.info.id.clone()]
    }
}

/// A repo card: the README, its metadata as the Hub parsed it, or its text body.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Card {
    Content { content: String },
    Metadata(Value),
}

impl Render for Card {
    fn human(&self) -> Human {
        match self {
            Self::Content { content } => Human::Text(content.clone()),
            Self::Metadata(value) => {
                Human::Text(serde_json::to_string_pretty(value).unwrap_or_default())
            }
        }
    }
}

/// The README without its `---` YAML header (Python's `card.text`).
fn card_text(content: &str) -> &str {
    let Some(rest) = content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))
    else {
        return content;
    };
    let mut offset = content.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return content[offset..].trim_start_matches(['\r', '\n']);
        }
    }
    content
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
            let mut options = list_options(&list.list);
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
            list_command(repo_type, &list.list, options, context).await
        }
        ModelsCommand::Info(info) => info_command(repo_type, info, context).await,
        ModelsCommand::Card(card) => card_command(repo_type, card, context).await,
    }
}

/// Runs `hf datasets ...`.
pub(crate) async fn run_datasets(args: DatasetsArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo_type = RepoType::Dataset;
    match args.command {
        DatasetsCommand::List(list) => {
            let options = list_options(&list);
            list_command(repo_type, &list, options, context).await
        }
        DatasetsCommand::Info(info) => info_command(repo_type, info, context).await,
        DatasetsCommand::Card(card) => card_command(repo_type, card, context).await,
        DatasetsCommand::Sql(a) => {
            let query = crate::duckdb::check_query(&a.sql)?;
            let path = context.session.env().get(&hf_auth::env::PATH);
            let Some(binary) = crate::duckdb::find(path.as_deref()) else {
                return Err(anyhow::anyhow!("DuckDB is required for `hf datasets sql`.")).hint(
                    "install the DuckDB program so that `duckdb` is on PATH (`pip install \
                     duckdb-cli`, `brew install duckdb`, or https://duckdb.org/docs/installation)",
                );
            };
            let token = context.session.token_or_flag(a.token.flag())?;
            let endpoint = context.session.endpoint()?;
            let rows = tokio::task::spawn_blocking(move || {
                crate::duckdb::run(&binary, &query, token.as_ref(), &endpoint)
            })
            .await??;
            context.output.emit(&rows)
        }
        DatasetsCommand::Parquet(parquet) => {
            let (api, viewer) = context.session.dataset_viewer_api(parquet.token.flag())?;
            let repo = parse_repo(&parquet.dataset_id, Some(repo_type))?;
            let mut files = api
                .dataset_parquet_files(&viewer, &repo.id, parquet.subset.as_deref())
                .await?;
            if let Some(split) = &parquet.split {
                files.retain(|f| f.split == *split);
            }
            context.output.emit(&ParquetList { files })
        }
        DatasetsCommand::Leaderboard(board) => {
            let api = context.session.hub_api(board.token.flag())?;
            let repo = parse_repo(&board.dataset_id, Some(repo_type))?;
            let mut rows = api.dataset_leaderboard(&repo.id).await?;
            rows.truncate(board.limit);
            context.output.emit(&Leaderboard { rows })
        }
    }
}

/// Runs `hf spaces ...`.
pub(crate) async fn run_spaces(args: SpacesArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo_type = RepoType::Space;
    match args.command {
        SpacesCommand::List(list) => {
            let options = list_options(&list);
            list_command(repo_type, &list, options, context).await
        }
        SpacesCommand::Info(info) => info_command(repo_type, info, context).await,
        SpacesCommand::Card(card) => card_command(repo_type, card, context).await,
        SpacesCommand::Secrets(secrets) => {
            space_settings_command(Some(secrets), None, context).await
        }
        SpacesCommand::Variables(variables) => {
            space_settings_command(None, Some(variables), context).await
        }
        command => space_runtime_command(command, context).await,
    }
}

/// The hardware catalogue, as Python's table.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct HardwareList {
    items: Vec<hf_hub::api::SpaceHardware>,
}

impl Render for HardwareList {
    fn human(&self) -> Human {
        if self.items.is_empty() {
            return Human::Text("No results found.".into());
        }
        let cost = |usd: f64, per: f64| {
            if usd > 0.0 {
                format!(
                    "${:.prec$}",
                    usd * per,
                    prec = if per > 1.0 { 2 } else { 4 }
                )
            } else {
                "free".to_owned()
            }
        };
        Human::Table {
            headers: [
                "NAME",
                "PRETTY NAME",
                "CPU",
                "RAM",
                "ACCELERATOR",
                "COST/MIN",
                "COST/HOUR",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: self
                .items
                .iter()
                .map(|h| {
                    vec![
                        h.name.clone(),
                        h.pretty_name.clone(),
                        h.cpu.clone(),
                        h.ram.clone(),
                        h.accelerator
                            .as_ref()
                            .map(|a| format!("{}x {} ({})", a.quantity, a.model, a.vram))
                            .unwrap_or_default(),
                        cost(h.unit_cost_usd, 1.0),
                        cost(h.unit_cost_usd, 60.0),
                    ]
                })
                .collect(),
        }
    }
}

/// `hf spaces pause|restart|hardware|settings|logs|wait|dev-mode`.
async fn space_runtime_command(
    command: SpacesCommand,
    context: &mut Context,
) -> anyhow::Result<()> {
    use crate::output::Report;
    use serde_json::json;
    let space = |id: &str| parse_repo(id, Some(RepoType::Space)).map(|r| r.id);
    match command {
        SpacesCommand::Pause(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let id = space(&a.space_id)?;
            let runtime = api.pause_space(&id).await?;
            context.output.emit(&Report {
                message: format!("Space {id} paused"),
                fields: vec![
                    ("space_id", json!(id.to_string())),
                    ("stage", json!(runtime.stage)),
                ],
            })?;
            context.output.note(&crate::hints::space_paused(&id));
            Ok(())
        }
        SpacesCommand::Restart(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let id = space(&a.space_id)?;
            let runtime = api.restart_space(&id, a.factory_reboot).await?;
            context.output.emit(&Report {
                message: format!("Space {id} restart triggered"),
                fields: vec![
                    ("space_id", json!(id.to_string())),
                    ("stage", json!(runtime.stage)),
                    ("factory_reboot", json!(a.factory_reboot)),
                ],
            })?;
            context.output.note(&crate::hints::space_restarting(&id));
            Ok(())
        }
        SpacesCommand::Search(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let mut options = hf_hub::api::SpaceSearchOptions::default();
            options.filter = a.filter;
            options.sdk = a.sdk;
            options.include_non_running = a.include_non_running;
            let items: Vec<SpaceFound> = api
                .search_spaces(&a.query, &options)
                .await?
                .into_iter()
                .take(a.limit)
                .map(|r| SpaceFound {
                    id: r.id,
                    title: r.title,
                    sdk: r.sdk,
                    likes: r.likes,
                    stage: r.stage,
                    category: r.ai_category,
                    score: r
                        .semantic_relevancy_score
                        .map(|s| (s * 100.0).round() / 100.0),
                    description: if a.description {
                        r.ai_short_description
                    } else {
                        None
                    },
                })
                .collect();
            let headers: &'static [&'static str] = if a.description {
                &[
                    "ID",
                    "TITLE",
                    "SDK",
                    "LIKES",
                    "STAGE",
                    "CATEGORY",
                    "SCORE",
                    "DESCRIPTION",
                ]
            } else {
                &["ID", "TITLE", "SDK", "LIKES", "STAGE", "CATEGORY", "SCORE"]
            };
            context.output.emit(&crate::output::Listing {
                items,
                headers,
                row: |f: &SpaceFound| {
                    let mut row = vec![
                        f.id.clone(),
                        f.title.clone(),
                        f.sdk.clone().unwrap_or_default(),
                        f.likes.to_string(),
                        f.stage.clone().unwrap_or_default(),
                        f.category.clone().unwrap_or_default(),
                        f.score.map(|s| s.to_string()).unwrap_or_default(),
                    ];
                    row.extend(f.description.clone());
                    row
                },
                id: |f| f.id.clone(),
            })?;
            if !a.description {
                context
                    .output
                    .note("Use --description to show AI-generated descriptions.");
            }
            Ok(())
        }
        SpacesCommand::Hardware(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let items = api.list_space_hardware().await?;
            context.output.emit(&HardwareList { items })
        }
        SpacesCommand::Settings(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let id = space(&a.space_id)?;
            let runtime = match (&a.hardware, a.sleep_time) {
                (Some(flavor), sleep) => {
                    if !HARDWARE_FLAVORS.contains(&flavor.as_str()) {
                        tracing::warn!(
                            "'{flavor}' is not a flavor this version knows; sending it to the Hub as is (`hf spaces hardware` lists them)"
                        );
                    }
                    api.request_space_hardware(&id, flavor, sleep).await?
                }
                (None, Some(seconds)) => api.set_space_sleep_time(&id, seconds).await?,
                (None, None) => {
                    return Err(UsageError(
                        "nothing to change: pass --hardware FLAVOR and/or --sleep-time SECONDS"
                            .into(),
                    )
                    .into());
                }
            };
            if runtime.requested_hardware.as_deref().unwrap_or("cpu-basic") == "cpu-basic"
                && a.sleep_time.is_some()
            {
                tracing::warn!(
                    "a Space on the free cpu-basic hardware sleeps after 48 hours of inactivity whatever the sleep time; upgrade its hardware to choose"
                );
            }
            context.output.emit(&Report {
                message: format!("Space {id} settings updated"),
                fields: vec![
                    ("space_id", json!(id.to_string())),
                    ("hardware", json!(runtime.requested_hardware)),
                    ("sleep_time", json!(runtime.sleep_time)),
                ],
            })
        }
        SpacesCommand::Logs(a) => space_logs(a, context).await,
        SpacesCommand::Wait(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let id = space(&a.space_id)?;
            let output = &mut context.output;
            let runtime = api
                .wait_for_space(&id, a.timeout, std::time::Duration::from_millis(500), |r| {
                    output.note(&format!("Space {id}: {}", r.stage));
                })
                .await?;
            if runtime.is_settling() {
                return Err(anyhow::anyhow!(
                    "timed out waiting for Space {id}: still {}",
                    runtime.stage
                ))
                .hint(format!(
                    "`hf spaces logs {id} --build` shows how the build goes"
                ));
            }
            if runtime.stage != "RUNNING" {
                let hint = match runtime.stage.as_str() {
                    "PAUSED" | "STOPPED" | "SLEEPING" => {
                        format!("`hf spaces restart {id}` starts it again")
                    }
                    "BUILD_ERROR" => format!("`hf spaces logs {id} --build` shows why"),
                    _ => format!("`hf spaces logs {id}` shows why"),
                };
                return Err(anyhow::anyhow!(
                    "Space {id} is not running (stage {})",
                    runtime.stage
                ))
                .hint(hint);
            }
            context.output.emit(&Report {
                message: format!("Space {id} ready"),
                fields: vec![
                    ("space_id", json!(id.to_string())),
                    ("stage", json!(runtime.stage)),
                ],
            })
        }
        SpacesCommand::DevMode(a) => {
            let api = context.session.hub_api(a.token.flag())?;
            let id = space(&a.space_id)?;
            if a.stop {
                api.set_space_dev_mode(&id, false).await?;
                return context.output.emit(&Report {
                    message: format!("Dev mode disabled for {id}"),
                    fields: vec![
                        ("space_id", json!(id.to_string())),
                        ("dev_mode", json!(false)),
                    ],
                });
            }
            api.set_space_dev_mode(&id, true).await?;
            let output = &mut context.output;
            let runtime = api
                .wait_for_space(&id, None, std::time::Duration::from_millis(500), |r| {
                    output.note(&format!("Space {id}: {}", r.stage));
                })
                .await?;
            if runtime.stage != "RUNNING" {
                tracing::warn!("dev mode is not ready (stage {})", runtime.stage);
            }
            let info = api.space_info(&id, None).await?;
            let subdomain = info
                .extra
                .get("subdomain")
                .and_then(Value::as_str)
                .map_or_else(|| id.to_string().replace('/', "-"), str::to_owned);
            let folder = if info.sdk.as_deref() == Some("docker") {
                ""
            } else {
                "/home/user/app"
            };
            let web = format!(
                "{}/dev-mode/vscode-web{}",
                api.repo_url(&hf_hub::Repo::new(id.clone(), RepoType::Space)),
                if folder.is_empty() {
                    String::new()
                } else {
                    format!("?folder={folder}")
                }
            );
            context.output.emit(&Report {
                message: format!("Dev mode enabled for {id} (it stops after 48 hours of inactivity: save your changes)"),
                fields: vec![
                    ("space_id", json!(id.to_string())),
                    ("vscode_web", json!(web)),
                    ("ssh", json!(format!("{subdomain}@ssh.hf.space"))),
                    ("stage", json!(runtime.stage)),
                ],
            })
        }
        _ => unreachable!("the other Space commands are dispatched above"),
    }
}

/// `hf spaces logs`: lines as they come (`--follow`), or the last `--tail N`.
async fn space_logs(a: LogsArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = parse_repo(&a.space_id, Some(RepoType::Space))?.id;
    let mut options = hf_hub::api::SpaceLogOptions::default();
    options.build = a.build;
    options.follow = a.follow;
    let mut lines = api.space_logs(&id, options);
    let json = context.output.format() == OutputFormat::Json;
    let print = |output: &mut crate::output::Output, line: &hf_hub::api::SpaceLogLine| {
        if json {
            let event = serde_json::to_string(line).unwrap_or_default();
            output.write_text(&format!("{event}\n"))
        } else {
            output.write_text(&format!("{}\n", line.data.trim()))
        }
    };
    let mut tail = std::collections::VecDeque::new();
    let mut found = false;
    while let Some(line) = lines.try_next().await? {
        found |= !line.data.trim().is_empty();
        match a.tail {
            Some(n) => {
                tail.push_back(line);
                if tail.len() > n {
                    tail.pop_front();
                }
            }
            None => print(&mut context.output, &line)?,
        }
    }
    for line in &tail {
        print(&mut context.output, line)?;
    }
    if !found && !a.build {
        context
            .output
            .note(&crate::hints::space_without_run_logs(&id));
    }
    Ok(())
}

fn list_options(list: &ListArgs) -> ListReposOptions {
    ListReposOptions {
        search: list.search.clone(),
        author: list.author.clone(),
        filter: list.filter.clone(),
        sort: list.sort.map(Into::into),
        limit: Some(list.limit),
        expand: list.expand.clone(),
        ..ListReposOptions::default()
    }
}

/// What does not apply when listing files (`REPO_ID` given) or when listing repos.
fn check_list_flags(list: &ListArgs) -> anyhow::Result<()> {
    let misused: Vec<&str> = if list.repo_id.is_some() {
        [
            ("--search", list.search.is_some()),
            ("--author", list.author.is_some()),
            ("--filter", !list.filter.is_empty()),
            ("--sort", list.sort.is_some()),
            ("--expand", !list.expand.is_empty()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    } else {
        [
            ("--human-readable", list.human_readable),
            ("--tree", list.tree),
            ("--recursive", list.recursive),
            ("--revision", list.revision.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    };
    match misused.as_slice() {
        [] => Ok(()),
        flags if list.repo_id.is_some() => Err(UsageError(format!(
            "{} only apply when listing repos, not the files of one repo",
            flags.join(", ")
        ))
        .into()),
        flags => Err(UsageError(format!(
            "{} only apply when listing the files of a repo (give its id)",
            flags.join(", ")
        ))
        .into()),
    }
}

async fn list_command(
    repo_type: RepoType,
    list: &ListArgs,
    options: ListReposOptions,
    context: &mut Context,
) -> anyhow::Result<()> {
    check_list_flags(list)?;
    let api = context.session.hub_api(list.token.flag())?;
    if let Some(id) = &list.repo_id {
        if list.tree && context.output.format() == OutputFormat::Json {
            return Err(UsageError("--tree cannot be used with --format json".into()).into());
        }
        let repo = parse_repo(id, Some(repo_type))?;
        let revision = list
            .revision
            .as_deref()
            .unwrap_or(hf_hub::repo::DEFAULT_REVISION);
        // Expanded, as Python's listing: each entry's last commit (its date is shown).
        let entries = api
            .list_repo_tree_expanded(&repo, revision, None, list.recursive)
            .await?;
        let has_folders = entries.iter().any(|e| !e.is_file());
        let files = FileList {
            files: entries.into_iter().map(file_entry).collect(),
            human_readable: list.human_readable,
            tree: list.tree,
        };
        context.output.emit(&files)?;
        if has_folders && !list.recursive {
            tracing::info!("use -R to list the files of every folder");
        }
        return Ok(());
    }
    let repos: Vec<RepoInfo> = api.list_repos(repo_type, &options)?.try_collect().await?;
    context.output.emit(&RepoList { repo_type, repos })
}

fn file_entry(entry: TreeEntry) -> FileEntry {
    let size = entry.is_file().then(|| entry.content_size());
    FileEntry {
        kind: entry.kind,
        path: entry.path,
        size,
        oid: entry.oid,
        lfs: entry.lfs,
        last_commit: entry.last_commit,
        security: entry.security,
    }
}

async fn info_command(
    repo_type: RepoType,
    info: InfoArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(info.token.flag())?;
    let repo = parse_repo(&info.repo_id, Some(repo_type))?;
    let info = api
        .repo_info_expanded(
            &repo,
            info.revision.as_deref(),
            info.files_metadata,
            &info.expand,
        )
        .await?;
    context.output.emit(&InfoOutput { info })
}

async fn card_command(
    repo_type: RepoType,
    card: CardArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(card.token.flag())?;
    let repo: Repo = parse_repo(&card.repo_id, Some(repo_type))?;
    if card.metadata {
        let info = api
            .repo_info_expanded(&repo, None, false, &["cardData".to_owned()])
            .await?;
        let metadata = info
            .extra
            .get("cardData")
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        return context.output.emit(&Card::Metadata(metadata));
    }
    let options = context.session.download_options(None)?;
    let path = api
        .download_file(&repo, "README.md", None, &options)
        .await?;
    let content = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::Error::new(e).context(format!("could not read {}", path.display())))?;
    let content = if card.text {
        card_text(&content).to_owned()
    } else {
        content
    };
    context.output.emit(&Card::Content { content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_cased_as_python_fields() {
        assert_eq!(snake("lastModified"), "last_modified");
        assert_eq!(snake("trendingScore"), "trending_score");
        assert_eq!(snake("library_name"), "library_name");
        assert_eq!(snake("model-index"), "model_index");
        assert_eq!(snake("id"), "id");
    }

    #[test]
    fn the_card_text_drops_the_yaml_header() {
        assert_eq!(
            card_text("---\nlicense: mit\n---\n\n# Title\n"),
            "# Title\n"
        );
        assert_eq!(card_text("# No header\n"), "# No header\n");
        assert_eq!(card_text("---\nunterminated\n"), "---\nunterminated\n");
    }

    #[test]
    fn listing_dates_are_pythons() {
        assert_eq!(
            listing_date(Some("2024-01-02T01:00:00.000Z"), false),
            "2024-01-02 01:00:00"
        );
        assert_eq!(
            listing_date(Some("2024-11-02T01:05:00Z"), true),
            "Nov 02 01:05"
        );
        assert_eq!(listing_date(None, false), "");
        assert_eq!(listing_date(Some("garbage"), true), "");
    }

    #[test]
    fn sizes_are_python_file_listing_sizes() {
        assert_eq!(file_size(523, true), "523 B");
        assert_eq!(file_size(1_234_567, true), "1.2 MB");
        assert_eq!(file_size(1_234_567, false), "1234567");
    }
}
