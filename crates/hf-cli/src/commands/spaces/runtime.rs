//! A Space's runtime: pause, restart, hardware, settings, wait, dev mode; and semantic search.

use hf_hub::RepoType;
use serde::Serialize;
use serde_json::Value;

use serde_json::json;

use super::settings::SpaceIdArgs;
use crate::args::{TokenArg, parse_repo};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::Report;
use crate::output::{Human, Render};

#[derive(Debug, clap::Args)]
pub(crate) struct RestartArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// Rebuild the Space from scratch without using the build cache.
    #[arg(long)]
    pub(crate) factory_reboot: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SpaceSearchArgs {
    /// Search query.
    pub(crate) query: String,
    /// Filter by tags (e.g. 'text-classification'). Can be used multiple times.
    #[arg(long)]
    pub(crate) filter: Vec<String>,
    /// Filter by SDK (e.g. gradio, docker, static). Can be used multiple times.
    #[arg(long)]
    pub(crate) sdk: Vec<String>,
    /// Include non-running spaces in results.
    #[arg(long, overrides_with = "no_include_non_running")]
    pub(crate) include_non_running: bool,
    /// Only running spaces (the default).
    #[arg(long, overrides_with = "include_non_running")]
    pub(crate) no_include_non_running: bool,
    /// Show AI-generated descriptions.
    #[arg(long, overrides_with = "no_description")]
    pub(crate) description: bool,
    /// Do not show AI-generated descriptions (the default).
    #[arg(long, overrides_with = "description")]
    pub(crate) no_description: bool,
    /// Limit the number of results.
    #[arg(long, default_value_t = 10)]
    pub(crate) limit: usize,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A row of `hf spaces search`, as Python's.
#[derive(Debug, Serialize)]
pub(crate) struct SpaceFound {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) sdk: Option<String>,
    pub(crate) likes: u64,
    pub(crate) stage: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct HardwareArgs {
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// Python's flavors (`--hardware`); others are passed on for the Hub to judge.
pub(crate) const HARDWARE_FLAVORS: &[&str] = &[
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
pub(crate) struct SpaceSettingsUpdateArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// Idle time in seconds after which the Space goes to sleep. Use -1 to never sleep. Only
    /// available on upgraded hardware.
    #[arg(long, allow_negative_numbers = true, value_name = "SECONDS")]
    pub(crate) sleep_time: Option<i64>,
    /// Space hardware flavor (e.g. 'cpu-basic', 't4-medium', 'l4x4'). Run 'hf spaces
    /// hardware' to list available options.
    #[arg(long, value_name = "FLAVOR")]
    pub(crate) hardware: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WaitArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// Max time to wait: int with s (seconds, default), m (minutes), h (hours) or d (days).
    #[arg(long, value_parser = crate::args::parse_duration, value_name = "DURATION")]
    pub(crate) timeout: Option<std::time::Duration>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DevModeArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// Stop dev mode.
    #[arg(long, overrides_with = "no_stop")]
    pub(crate) stop: bool,
    /// Start dev mode (the default).
    #[arg(long, overrides_with = "stop")]
    pub(crate) no_stop: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// The hardware catalogue, as Python's table.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct HardwareList {
    pub(crate) items: Vec<hf_hub::api::SpaceHardware>,
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

/// A Space id given on the command line.
fn space_id(id: &str) -> anyhow::Result<hf_hub::RepoId> {
    Ok(parse_repo(id, Some(RepoType::Space))?.id)
}

/// `hf spaces pause`: the Space stops, and its billing with it.
pub(crate) async fn pause(a: SpaceIdArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = space_id(&a.space_id)?;
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

/// `hf spaces restart`: a rebuild, triggered.
pub(crate) async fn restart(a: RestartArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = space_id(&a.space_id)?;
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

/// `hf spaces hardware`: the catalogue.
pub(crate) async fn hardware(a: HardwareArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let items = api.list_space_hardware().await?;
    context.output.emit(&HardwareList { items })
}

/// `hf spaces settings`: hardware and sleep time.
pub(crate) async fn settings(
    a: SpaceSettingsUpdateArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = space_id(&a.space_id)?;
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
                "nothing to change: pass --hardware FLAVOR and/or --sleep-time SECONDS".into(),
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

/// `hf spaces wait`: each stage on stderr until the Space runs (exit 0) or settles elsewhere.
pub(crate) async fn wait(a: WaitArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = space_id(&a.space_id)?;
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
        .hint(crate::hints::space_still_building(&id));
    }
    if runtime.stage != "RUNNING" {
        return Err(anyhow::anyhow!(
            "Space {id} is not running (stage {})",
            runtime.stage
        ))
        .hint(crate::hints::space_not_running(&id, &runtime.stage));
    }
    context.output.emit(&Report {
        message: format!("Space {id} ready"),
        fields: vec![
            ("space_id", json!(id.to_string())),
            ("stage", json!(runtime.stage)),
        ],
    })
}

/// `hf spaces dev-mode`: on (with the editor's and SSH addresses once it runs) or off (`--stop`).
pub(crate) async fn dev_mode(a: DevModeArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = space_id(&a.space_id)?;
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
        message: format!(
            "Dev mode enabled for {id} (it stops after 48 hours of inactivity: save your changes)"
        ),
        fields: vec![
            ("space_id", json!(id.to_string())),
            ("vscode_web", json!(web)),
            ("ssh", json!(format!("{subdomain}@ssh.hf.space"))),
            ("stage", json!(runtime.stage)),
        ],
    })
}

/// `hf spaces search`: semantic search, as Python's table.
pub(crate) async fn search(a: SpaceSearchArgs, context: &mut Context) -> anyhow::Result<()> {
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
