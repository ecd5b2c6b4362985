//! `hf repos list` (storage per repo, or `--explore`'s skyline).

use crate::args::TokenArg;
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render};
use serde::Serialize;

/// `--type` of `hf repos list`: the repo types, and Python's `bucket` (listed, never matched
/// here: this client has no buckets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ListedType {
    Model,
    Dataset,
    Space,
    Kernel,
    Bucket,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// An organization you are a member of (default: your own repos).
    #[arg(long)]
    pub(crate) namespace: Option<String>,
    /// Only repos of this type.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    pub(crate) repo_type: Option<ListedType>,
    /// Only repos whose id contains this text (case-insensitive).
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Show at most this many repos (0: all).
    #[arg(long, default_value_t = 30)]
    pub(crate) limit: usize,
    /// Explore your repos as a 3D city: drawn as a skyline, one building a repo, its height
    /// its storage (Python's is interactive; this one prints once).
    #[arg(long)]
    pub(crate) explore: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// The most buildings in the skyline; smaller repos share the last one (as Python's city).
pub(crate) const SKYLINE_BUILDINGS: usize = 30;

/// The tallest building, in lines.
pub(crate) const SKYLINE_HEIGHT: usize = 16;

/// `hf repos list --explore`: the repos (largest first) as buildings whose height grows with
/// the square root of their storage (Python's rule), a roof letter for their type, and a
/// legend. Plain text: it works on any terminal and in a pipe.
pub(crate) fn skyline(repos: &[hf_hub::api::RepoStorage]) -> String {
    if repos.is_empty() {
        return "No repositories found.\n".to_owned();
    }
    let mut sorted: Vec<&hf_hub::api::RepoStorage> = repos.iter().collect();
    sorted.sort_by(|a, b| b.storage.cmp(&a.storage).then_with(|| a.id.cmp(&b.id)));
    let mut buildings: Vec<(String, String, u64)> = sorted
        .iter()
        .take(SKYLINE_BUILDINGS)
        .map(|r| (r.id.clone(), r.kind.clone(), r.storage))
        .collect();
    let rest = &sorted[buildings.len()..];
    if !rest.is_empty() {
        buildings.push((
            format!("{} more repos", rest.len()),
            "other".to_owned(),
            rest.iter().map(|r| r.storage).sum(),
        ));
    }
    let tallest = buildings.iter().map(|b| b.2).max().unwrap_or(0).max(1) as f64;
    let heights: Vec<usize> = buildings
        .iter()
        .map(|b| {
            let h = ((b.2 as f64 / tallest).sqrt() * SKYLINE_HEIGHT as f64).round() as usize;
            h.clamp(1, SKYLINE_HEIGHT)
        })
        .collect();
    let roof = |kind: &str| match kind {
        "model" => 'M',
        "dataset" => 'D',
        "space" => 'S',
        "bucket" => 'B',
        _ => '+',
    };
    let mut out = String::new();
    for level in (1..=SKYLINE_HEIGHT + 1).rev() {
        let mut line = String::new();
        for (i, b) in buildings.iter().enumerate() {
            let h = heights[i];
            let piece = if level == h + 1 {
                format!(" {}{} ", roof(&b.1), roof(&b.1))
            } else if level <= h {
                " || ".to_owned()
            } else {
                "    ".to_owned()
            };
            line.push_str(&piece);
        }
        let line = line.trim_end();
        if !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&"=".repeat(buildings.len() * 4));
    out.push('\n');
    let numbers: String = (1..=buildings.len()).map(|n| format!("{n:^4}")).collect();
    out.push_str(numbers.trim_end());
    out.push_str("\n\n");
    let total: u64 = repos.iter().map(|r| r.storage).sum();
    for (i, b) in buildings.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}  {}  {:>9}  {}\n",
            i + 1,
            roof(&b.1),
            crate::output::size_with_unit(b.2),
            b.0
        ));
    }
    out.push_str(&format!(
        "\n{} repos, {} in all. Roofs: M model, D dataset, S space, B bucket.\n",
        repos.len(),
        crate::output::size_with_unit(total)
    ));
    out
}

/// `hf repos list`'s rows, as Python prints them.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct StorageList {
    pub(crate) repos: Vec<StorageRow>,
    #[serde(skip)]
    pub(crate) shown_of: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct StorageRow {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) updated: String,
    pub(crate) visibility: String,
    pub(crate) storage: String,
    #[serde(rename = "%_of_total")]
    pub(crate) percent_of_total: String,
}

impl Render for StorageList {
    fn human(&self) -> Human {
        if self.repos.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: [
                "ID",
                "TYPE",
                "UPDATED",
                "VISIBILITY",
                "STORAGE",
                "%_OF_TOTAL",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: self
                .repos
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.kind.clone(),
                        r.updated.clone(),
                        r.visibility.clone(),
                        r.storage.clone(),
                        r.percent_of_total.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.repos.iter().map(|r| r.id.clone()).collect()
    }

    fn summary(&self) -> Option<String> {
        (self.shown_of > self.repos.len()).then(|| {
            format!(
                "Showing {} of {} repos. Use `--limit 0` to list all.",
                self.repos.len(),
                self.shown_of
            )
        })
    }
}

/// `hf repos list`.
pub(crate) async fn list(
    api: &hf_hub::HubApi,
    a: ListArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    use futures_util::TryStreamExt as _;
    let wanted = a.repo_type.map(|t| format!("{t:?}").to_lowercase());
    let search = a.search.as_deref().map(str::to_lowercase);
    let all: Vec<hf_hub::api::RepoStorage> = api
        .list_namespace_repos(a.namespace.as_deref())?
        .try_filter(|r| {
            let keep = wanted.as_deref().is_none_or(|t| r.kind == t)
                && search
                    .as_deref()
                    .is_none_or(|s| r.id.to_lowercase().contains(s));
            std::future::ready(keep)
        })
        .try_collect()
        .await?;
    if a.explore {
        if !matches!(
            context.output.format(),
            crate::output::OutputFormat::Human | crate::output::OutputFormat::Auto
        ) {
            return Err(
                UsageError("Repository exploration is only available in terminal.".into()).into(),
            );
        }
        return context.output.write_text(&skyline(&all));
    }
    let total = all.len();
    let shown = if a.limit == 0 {
        total
    } else {
        a.limit.min(total)
    };
    let repos = all
        .into_iter()
        .take(shown)
        .map(|r| StorageRow {
            id: r.id,
            kind: r.kind,
            updated: r.updated_at.chars().take(10).collect(),
            visibility: r.visibility,
            storage: crate::output::size_with_unit(r.storage),
            percent_of_total: format!("{:.1}%", r.storage_percent),
        })
        .collect();
    context.output.emit(&StorageList {
        repos,
        shown_of: total,
    })
}
