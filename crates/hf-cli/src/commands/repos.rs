//! `hf repos create|delete|move|settings|branch|tag|delete-files`.

use hf_hub::api::{
    CreateRepoOptions, DuplicateRepoOptions, GatedMode, GitRef, Outcome, RepoSettings, Visibility,
};
use hf_hub::upload::{CommitOperation, CommitOptions, UploadOptions};
use serde::Serialize;

use crate::args::{RepoArg, RepoTypeArg, SpaceSettingsArgs, TokenArg, parse_repo, require_yes};
use crate::commands::Context;
use crate::exit::UsageError;
use crate::output::{Human, Render};

/// `hf repos <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReposArgs {
    #[command(subcommand)]
    command: ReposCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReposCommand {
    /// Create a new repo on the Hub.
    Create(CreateArgs),
    /// Delete a repo from the Hub (irreversible).
    Delete(DeleteArgs),
    /// Move (rename) a repo, possibly to another namespace.
    Move(MoveArgs),
    /// Update the settings of a repo (visibility, gating).
    Settings(SettingsArgs),
    /// Manage branches.
    #[command(subcommand)]
    Branch(BranchCommand),
    /// Manage tags.
    #[command(subcommand)]
    Tag(TagCommand),
    /// Delete files matching patterns from a repo, in one commit.
    DeleteFiles(DeleteFilesArgs),
    /// Duplicate a repo (its files and history) under a new id.
    Duplicate(DuplicateArgs),
    /// List your repos (or an organization's) with their storage use.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Copy one file between a local path (or stdin/stdout, `-`) and a repo, or between repos.
    Cp(CpArgs),
}

#[derive(Debug, clap::Args)]
struct CpArgs {
    /// Source: a local file, an hf:// URI of a file in a repo
    /// (`hf://[TYPE/]namespace/name[@REVISION]/PATH`), or - for stdin.
    src: String,
    /// Destination: a local path (default: the file's name here), an hf:// URI (a folder
    /// ending with `/` keeps the source's name), or - for stdout.
    dst: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

/// What `hf repos cp` did.
#[derive(Debug, Serialize)]
struct Copied {
    #[serde(skip)]
    action: &'static str,
    src: String,
    dst: String,
}

impl Render for Copied {
    fn human(&self) -> Human {
        Human::Fields(vec![
            ("src".to_owned(), self.src.clone()),
            ("dst".to_owned(), self.dst.clone()),
        ])
    }

    fn quiet(&self) -> Vec<String> {
        vec![self.dst.clone()]
    }

    fn summary(&self) -> Option<String> {
        Some(self.action.to_owned())
    }
}

/// `--type` of `hf repos list`: the repo types, and Python's `bucket` (listed, never matched
/// here: this client has no buckets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListedType {
    Model,
    Dataset,
    Space,
    Kernel,
    Bucket,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// An organization you are a member of (default: your own repos).
    #[arg(long)]
    namespace: Option<String>,
    /// Only repos of this type.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    repo_type: Option<ListedType>,
    /// Only repos whose id contains this text (case-insensitive).
    #[arg(long)]
    search: Option<String>,
    /// Show at most this many repos (0: all).
    #[arg(long, default_value_t = 30)]
    limit: usize,
    /// Explore your repos as a 3D city: drawn as a skyline, one building a repo, its height
    /// its storage (Python's is interactive; this one prints once).
    #[arg(long)]
    explore: bool,
    #[command(flatten)]
    token: TokenArg,
}

/// The most buildings in the skyline; smaller repos share the last one (as Python's city).
const SKYLINE_BUILDINGS: usize = 30;
/// The tallest building, in lines.
const SKYLINE_HEIGHT: usize = 16;

/// `hf repos list --explore`: the repos (largest first) as buildings whose height grows with
/// the square root of their storage (Python's rule), a roof letter for their type, and a
/// legend. Plain text: it works on any terminal and in a pipe.
fn skyline(repos: &[hf_hub::api::RepoStorage]) -> String {
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
struct StorageList {
    repos: Vec<StorageRow>,
    #[serde(skip)]
    shown_of: usize,
}

#[derive(Debug, Serialize)]
struct StorageRow {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    updated: String,
    visibility: String,
    storage: String,
    #[serde(rename = "%_of_total")]
    percent_of_total: String,
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

#[derive(Debug, clap::Args)]
struct DuplicateArgs {
    /// The repo to copy (`namespace/name`).
    from_id: String,
    /// The new repo id (default: the same name in your namespace).
    to_id: Option<String>,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    repo_type: Option<RepoTypeArg>,
    #[command(flatten)]
    visibility: VisibilityArgs,
    /// The Enterprise resource group of the copy.
    #[arg(long, value_name = "ID")]
    resource_group_id: Option<String>,
    #[command(flatten)]
    space: SpaceSettingsArgs,
    /// Do not fail if the new repo already exists (nothing is copied then).
    #[arg(long, overrides_with = "no_exist_ok")]
    exist_ok: bool,
    /// Fail if the new repo already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    no_exist_ok: bool,
    #[command(flatten)]
    token: TokenArg,
}

impl ReposCommand {
    /// `--token`, which every subcommand takes.
    fn token(&self) -> Option<&str> {
        match self {
            Self::Create(a) => a.repo.token.flag(),
            Self::Delete(a) => a.repo.token.flag(),
            Self::Move(a) => a.token.flag(),
            Self::Settings(a) => a.repo.token.flag(),
            Self::Branch(BranchCommand::Create(a)) => a.repo.token.flag(),
            Self::Branch(BranchCommand::Delete(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::Create(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::List(a)) => a.repo.token.flag(),
            Self::Tag(TagCommand::Delete(a)) => a.repo.token.flag(),
            Self::DeleteFiles(a) => a.repo.token.flag(),
            Self::Duplicate(a) => a.token.flag(),
            Self::List(a) => a.token.flag(),
            Self::Cp(a) => a.token.flag(),
        }
    }
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// Space SDK (gradio, streamlit, docker, static); required for Spaces.
    #[arg(long = "space-sdk", visible_alias = "sdk")]
    space_sdk: Option<String>,
    #[command(flatten)]
    visibility: VisibilityArgs,
    /// Do not fail if the repo already exists.
    #[arg(long, overrides_with = "no_exist_ok")]
    exist_ok: bool,
    /// Fail if the repo already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    no_exist_ok: bool,
    /// The Enterprise resource group to create the repo in.
    #[arg(long, value_name = "ID")]
    resource_group_id: Option<String>,
    /// The storage region (Team plan or above).
    #[arg(long, value_parser = ["us", "eu"])]
    region: Option<String>,
    /// Start the Space from an official template: its repo id or short name (e.g.
    /// 'JupyterLab'); the SDK comes from it. Spaces only.
    #[arg(long, value_name = "TEMPLATE")]
    template: Option<String>,
    #[command(flatten)]
    space: SpaceSettingsArgs,
}

#[derive(Debug, clap::Args)]
struct DeleteArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// Do not fail if the repo does not exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    missing_ok: bool,
    /// Fail if the repo does not exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    no_missing_ok: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short, long)]
    yes: bool,
}

#[derive(Debug, clap::Args)]
struct MoveArgs {
    /// The current repo id (`namespace/name`).
    from_id: String,
    /// The new repo id (`namespace/name`).
    to_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    repo_type: Option<RepoTypeArg>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum GatedArg {
    Auto,
    Manual,
    False,
}

#[derive(Debug, clap::Args)]
struct SettingsArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// Gating: auto, manual or false.
    #[arg(long, value_enum)]
    gated: Option<GatedArg>,
    /// Make the repo private.
    #[arg(long, conflicts_with_all = ["public", "no_private"])]
    private: bool,
    /// Make the repo public (same as --public).
    #[arg(long)]
    no_private: bool,
    /// Make the repo public.
    #[arg(long, conflicts_with = "protected")]
    public: bool,
    /// Make the Space protected: its page is public, its app only for you (Spaces only).
    #[arg(long, conflicts_with_all = ["private", "no_private"])]
    protected: bool,
}

#[derive(Debug, clap::Subcommand)]
enum BranchCommand {
    /// Create a branch.
    Create(BranchCreateArgs),
    /// Delete a branch.
    Delete(BranchDeleteArgs),
}

#[derive(Debug, clap::Args)]
struct BranchCreateArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The branch to create.
    branch: String,
    /// Start from this revision (default: the default branch's head).
    #[arg(long)]
    revision: Option<String>,
    /// Do not fail if the branch already exists.
    #[arg(long, overrides_with = "no_exist_ok")]
    exist_ok: bool,
    /// Fail if the branch already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    no_exist_ok: bool,
}

#[derive(Debug, clap::Args)]
struct BranchDeleteArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The branch to delete.
    branch: String,
}

#[derive(Debug, clap::Subcommand)]
enum TagCommand {
    /// Tag a revision.
    Create(TagCreateArgs),
    /// List the tags.
    #[command(visible_alias = "ls")]
    List(TagListArgs),
    /// Delete a tag.
    Delete(TagDeleteArgs),
}

#[derive(Debug, clap::Args)]
struct TagCreateArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The tag to create.
    tag: String,
    /// The tag's message.
    #[arg(short, long)]
    message: Option<String>,
    /// The revision to tag (default: the default branch's head).
    #[arg(long)]
    revision: Option<String>,
    /// Do not fail if the tag already exists.
    #[arg(long)]
    exist_ok: bool,
}

#[derive(Debug, clap::Args)]
struct TagListArgs {
    #[command(flatten)]
    repo: RepoArg,
}

#[derive(Debug, clap::Args)]
struct TagDeleteArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The tag to delete.
    tag: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    yes: bool,
}

#[derive(Debug, clap::Args)]
struct DeleteFilesArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// Patterns of the files to delete (fnmatch: '*' also matches '/'; 'dir/' deletes a folder).
    #[arg(required = true)]
    patterns: Vec<String>,
    /// The branch to commit to.
    #[arg(long)]
    revision: Option<String>,
    /// The commit's summary.
    #[arg(long)]
    commit_message: Option<String>,
    /// The commit's description.
    #[arg(long)]
    commit_description: Option<String>,
    /// Open a pull request instead of committing to the branch.
    #[arg(long, overrides_with = "no_create_pr")]
    create_pr: bool,
    /// Commit to the branch (the default).
    #[arg(long, overrides_with = "create_pr")]
    no_create_pr: bool,
}

/// A one-line result: `{"url": ...}` or a message.
#[derive(Debug, Serialize)]
struct Done {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl Render for Done {
    fn human(&self) -> Human {
        match &self.url {
            Some(url) => Human::Text(format!("{}\n{url}", self.message)),
            None => Human::Text(self.message.clone()),
        }
    }

    /// The URL of what was made, or nothing.
    fn quiet(&self) -> Vec<String> {
        self.url.iter().cloned().collect()
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Tags {
    tags: Vec<GitRef>,
}

impl Render for Tags {
    fn human(&self) -> Human {
        if self.tags.is_empty() {
            return Human::Text("No tags.".into());
        }
        Human::Table {
            headers: vec!["TAG".into(), "COMMIT".into()],
            rows: self
                .tags
                .iter()
                .map(|t| vec![t.name.clone(), t.target_commit.clone()])
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.tags.iter().map(|t| t.name.clone()).collect()
    }
}

fn visibility(private: bool, public: bool) -> Option<Visibility> {
    match (private, public) {
        (true, _) => Some(Visibility::Private),
        (_, true) => Some(Visibility::Public),
        _ => None,
    }
}

/// `--private`/`--no-private`, `--public`, `--protected` of `create` and `duplicate`.
#[derive(Debug, clap::Args)]
struct VisibilityArgs {
    /// Make the repo private.
    #[arg(long, conflicts_with = "public", overrides_with = "no_private")]
    private: bool,
    /// Do not make the repo private (the default).
    #[arg(long, overrides_with = "private")]
    no_private: bool,
    /// Make the repo public (the default).
    #[arg(long, conflicts_with = "protected")]
    public: bool,
    /// Make the Space protected: its page is public, its app only for you (Spaces only).
    #[arg(long, conflicts_with = "private")]
    protected: bool,
}

impl VisibilityArgs {
    fn choose(&self, repo_type: hf_hub::RepoType) -> anyhow::Result<Option<Visibility>> {
        chosen_visibility(self.private, self.public, self.protected, repo_type)
    }
}

/// `--private`, `--public` or `--protected` (only for Spaces: a usage error otherwise).
fn chosen_visibility(
    private: bool,
    public: bool,
    protected: bool,
    repo_type: hf_hub::RepoType,
) -> anyhow::Result<Option<Visibility>> {
    if !protected {
        return Ok(visibility(private, public));
    }
    if repo_type != hf_hub::RepoType::Space {
        return Err(UsageError(
            "--protected only applies to Spaces (add --repo-type space)".into(),
        )
        .into());
    }
    Ok(Some(Visibility::Protected))
}

/// Space settings given for a repo that is not a Space: a usage error, before any request.
fn spaces_only(space: &SpaceSettingsArgs, repo_type: hf_hub::RepoType) -> anyhow::Result<()> {
    if space.any() && repo_type != hf_hub::RepoType::Space {
        return Err(UsageError(
            "--flavor, --sleep-time, --secrets, --secrets-file, --env, --env-file and --volume \
             only apply to Spaces (add --repo-type space)"
                .into(),
        )
        .into());
    }
    Ok(())
}

/// Runs `hf repos ...`.
pub(crate) async fn run(args: ReposArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(args.command.token())?;
    let done = match args.command {
        ReposCommand::Create(a) => {
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
            let options = CreateRepoOptions {
                visibility: a.visibility.choose(repo.repo_type)?,
                exist_ok: a.exist_ok,
                space_sdk: a.space_sdk,
                space: context.session.space_options(&a.space)?,
                resource_group_id: a.resource_group_id,
                region: a.region,
                space_template: a.template,
            };
            let created = api.create_repo(&repo, &options).await?;
            Done {
                message: match created.outcome {
                    Outcome::Done => format!("Created {repo}"),
                    Outcome::AlreadySo => format!("{repo} already exists; nothing was changed"),
                },
                url: Some(created.url),
            }
        }
        ReposCommand::Delete(a) => {
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
        }
        ReposCommand::Move(a) => {
            let from = parse_repo(&a.from_id, a.repo_type.map(Into::into))?;
            let to = parse_repo(&a.to_id, Some(from.repo_type))?;
            api.move_repo(&from, &to.id).await?;
            Done {
                message: format!("Moved {from} to {}", to.id),
                url: Some(api.repo_url(&to)),
            }
        }
        ReposCommand::Settings(a) => {
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
                    "nothing to change: pass --private, --public (--no-private) and/or --gated"
                        .into(),
                )
                .into());
            }
            api.update_repo_settings(&repo, &settings).await?;
            Done {
                message: format!("Updated the settings of {repo}"),
                url: None,
            }
        }
        ReposCommand::Branch(BranchCommand::Create(a)) => {
            let repo = a.repo.repo()?;
            let outcome = api
                .create_branch(&repo, &a.branch, a.revision.as_deref(), a.exist_ok)
                .await?;
            Done {
                message: match outcome {
                    Outcome::Done => format!("Created branch {} on {repo}", a.branch),
                    Outcome::AlreadySo => format!(
                        "branch {} already exists on {repo}; nothing was changed",
                        a.branch
                    ),
                },
                url: None,
            }
        }
        ReposCommand::Branch(BranchCommand::Delete(a)) => {
            let repo = a.repo.repo()?;
            api.delete_branch(&repo, &a.branch).await?;
            Done {
                message: format!("Deleted branch {} of {repo}", a.branch),
                url: None,
            }
        }
        ReposCommand::Tag(TagCommand::Create(a)) => {
            let repo = a.repo.repo()?;
            let outcome = api
                .create_tag(
                    &repo,
                    &a.tag,
                    a.revision.as_deref(),
                    a.message.as_deref(),
                    a.exist_ok,
                )
                .await?;
            Done {
                message: match outcome {
                    Outcome::Done => format!("Created tag {} on {repo}", a.tag),
                    Outcome::AlreadySo => {
                        format!(
                            "tag {} already exists on {repo}; nothing was changed",
                            a.tag
                        )
                    }
                },
                url: None,
            }
        }
        ReposCommand::Tag(TagCommand::List(a)) => {
            let repo = a.repo.repo()?;
            let refs = api.list_repo_refs(&repo, false).await?;
            return context.output.emit(&Tags { tags: refs.tags });
        }
        ReposCommand::Tag(TagCommand::Delete(a)) => {
            let repo = a.repo.repo()?;
            require_yes(a.yes, &format!("deleting tag {}", a.tag))?;
            api.delete_tag(&repo, &a.tag).await?;
            Done {
                message: format!("Deleted tag {} of {repo}", a.tag),
                url: None,
            }
        }
        ReposCommand::DeleteFiles(a) => {
            let options = UploadOptions::from_env_source(context.session.env());
            delete_files(&api, a, &options).await?
        }
        ReposCommand::Cp(a) => return copy(&api, a, context).await,
        ReposCommand::List(a) => {
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
                    return Err(UsageError(
                        "Repository exploration is only available in terminal.".into(),
                    )
                    .into());
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
            return context.output.emit(&StorageList {
                repos,
                shown_of: total,
            });
        }
        ReposCommand::Duplicate(a) => {
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
            let options = DuplicateRepoOptions {
                visibility: a.visibility.choose(from.repo_type)?,
                exist_ok: a.exist_ok,
                space: context.session.space_options(&a.space)?,
                resource_group_id: a.resource_group_id,
            };
            let copied = api.duplicate_repo(&from, &to.id, &options).await?;
            Done {
                message: match copied.outcome {
                    Outcome::Done => format!("Duplicated {from} to {}", to.id),
                    Outcome::AlreadySo => format!("{to} already exists; nothing was copied"),
                },
                url: Some(copied.url),
            }
        }
    };
    context.output.emit(&done)
}

/// A file URI of `hf repos cp` (a usage error otherwise).
fn file_uri(raw: &str) -> anyhow::Result<hf_hub::repo::HfUri> {
    hf_hub::repo::HfUri::parse(raw).map_err(|e| UsageError(e.to_string()).into())
}

/// `hf repos cp SRC [DST]`, as Python's: upload (local file or stdin to a repo), download
/// (a repo file to a local path or stdout) or a copy between repos (downloaded, then
/// uploaded: content already on the Hub is not sent again).
async fn copy(api: &hf_hub::HubApi, args: CpArgs, context: &mut Context) -> anyhow::Result<()> {
    let src_remote = hf_hub::repo::HfUri::is_uri(&args.src);
    let dst_remote = args.dst.as_deref().is_some_and(hf_hub::repo::HfUri::is_uri);
    if !src_remote && !dst_remote {
        return Err(UsageError(match args.dst {
            None => "missing destination: give a repo file as an hf:// URI".to_owned(),
            Some(_) => {
                "one of SRC or DST must be a repo file (hf://namespace/name/path)".to_owned()
            }
        })
        .into());
    }
    if src_remote {
        let src = file_uri(&args.src)?;
        let name = match src.path.rsplit('/').next() {
            Some(name) if !name.is_empty() && !args.src.ends_with('/') => name.to_owned(),
            _ => {
                return Err(UsageError(
                    "the source must name a file, not a repo or a folder (use `hf download` \
                     for folders)"
                        .into(),
                )
                .into());
            }
        };
        // Fetched next to where it goes (a temporary folder), so the final move is a rename.
        let fetch_into = |dir: &std::path::Path| -> anyhow::Result<tempfile::TempDir> {
            tempfile::Builder::new()
                .prefix(".hf-cp-")
                .tempdir_in(dir)
                .map_err(|e| {
                    anyhow::Error::new(e).context(format!(
                        "could not create a temporary folder in {}",
                        dir.display()
                    ))
                })
        };
        let options = context.session.download_options(None)?;
        let download = |into: std::path::PathBuf| fetch(api, &options, &src, into);
        if !dst_remote {
            if args.dst.as_deref() == Some("-") {
                let temp = tempfile::tempdir()?;
                let path = download(temp.path().to_path_buf()).await?;
                let mut file = std::fs::File::open(&path)?;
                let mut buffer = vec![0u8; 1 << 20];
                loop {
                    let n = std::io::Read::read(&mut file, &mut buffer)?;
                    if n == 0 {
                        return Ok(());
                    }
                    context.output.write_raw(&buffer[..n])?;
                }
            }
            let target = match args.dst.as_deref() {
                None => std::path::PathBuf::from(&name),
                Some(dst) if dst.ends_with('/') || std::path::Path::new(dst).is_dir() => {
                    std::path::Path::new(dst).join(&name)
                }
                Some(dst) => std::path::PathBuf::from(dst),
            };
            let parent = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(
                    || std::path::PathBuf::from("."),
                    std::path::Path::to_path_buf,
                );
            std::fs::create_dir_all(&parent).map_err(|e| {
                anyhow::Error::new(e).context(format!("could not create {}", parent.display()))
            })?;
            let temp = fetch_into(&parent)?;
            let fetched = download(temp.path().to_path_buf()).await?;
            std::fs::rename(&fetched, &target).map_err(|e| {
                anyhow::Error::new(e)
                    .context(format!("could not move the file to {}", target.display()))
            })?;
            return context.output.emit(&Copied {
                action: "Downloaded",
                src: src.to_string(),
                dst: target.display().to_string(),
            });
        }
        // Repo to repo.
        let dst_raw = args.dst.clone().unwrap_or_default();
        let mut dst = file_uri(&dst_raw)?;
        dst.path = target_path(&dst.path, &dst_raw, &name);
        let temp = tempfile::tempdir()?;
        let fetched = download(temp.path().to_path_buf()).await?;
        upload_one(
            api,
            &dst,
            hf_hub::upload::UploadSource::Path(fetched),
            context,
        )
        .await?;
        return context.output.emit(&Copied {
            action: "Copied",
            src: src.to_string(),
            dst: dst.to_string(),
        });
    }
    // Local file or stdin to a repo.
    let dst_raw = args.dst.clone().unwrap_or_default();
    let mut dst = file_uri(&dst_raw)?;
    let (source, shown) = if args.src == "-" {
        if dst.path.is_empty() || dst_raw.ends_with('/') {
            return Err(UsageError(
                "uploading stdin needs the full destination path, file name included".into(),
            )
            .into());
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| anyhow::Error::new(e).context("could not read stdin"))?;
        (
            hf_hub::upload::UploadSource::Bytes(bytes.into()),
            "stdin".to_owned(),
        )
    } else {
        let local = std::path::Path::new(&args.src);
        if local.is_dir() {
            return Err(
                UsageError("the source is a folder: use `hf upload` for folders".into()).into(),
            );
        }
        if !local.is_file() {
            return Err(UsageError(format!("source file not found: {}", args.src)).into());
        }
        let name = local
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        dst.path = target_path(&dst.path, &dst_raw, &name);
        (
            hf_hub::upload::UploadSource::Path(local.to_path_buf()),
            args.src.clone(),
        )
    };
    upload_one(api, &dst, source, context).await?;
    context.output.emit(&Copied {
        action: "Uploaded",
        src: shown,
        dst: dst.to_string(),
    })
}

/// Downloads the file `src` into the folder `into` (not the cache) and returns its path.
async fn fetch(
    api: &hf_hub::HubApi,
    options: &hf_hub::download::DownloadOptions,
    src: &hf_hub::repo::HfUri,
    into: std::path::PathBuf,
) -> anyhow::Result<std::path::PathBuf> {
    let mut options = options.clone();
    options.local_dir = Some(into);
    Ok(api
        .download_file(&src.repo, &src.path, src.revision.as_deref(), &options)
        .await?)
}

/// Where a file named `name` lands under the destination path `path` (as typed in `raw`):
/// the repo's root when empty, inside it when `raw` ends with `/`, else `path` itself.
fn target_path(path: &str, raw: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else if raw.ends_with('/') {
        format!("{}/{name}", path.trim_end_matches('/'))
    } else {
        path.to_owned()
    }
}

async fn upload_one(
    api: &hf_hub::HubApi,
    dst: &hf_hub::repo::HfUri,
    source: hf_hub::upload::UploadSource,
    context: &Context,
) -> anyhow::Result<()> {
    let commit = CommitOptions {
        message: format!("Upload {} with huggingface_hub", dst.path),
        description: String::new(),
        revision: dst.revision.clone(),
        parent_commit: None,
        create_pr: false,
    };
    api.upload_file(
        &dst.repo,
        source,
        &dst.path,
        &commit,
        &UploadOptions::from_env_source(context.session.env()),
    )
    .await?;
    Ok(())
}

async fn delete_files(
    api: &hf_hub::HubApi,
    args: DeleteFilesArgs,
    options: &UploadOptions,
) -> anyhow::Result<Done> {
    let repo = args.repo.repo()?;
    let revision = args
        .revision
        .clone()
        .unwrap_or_else(|| hf_hub::repo::DEFAULT_REVISION.to_owned());
    let files = api.list_repo_files(&repo, &revision).await?;
    let filter = hf_hub::patterns::PatternFilter::new(Some(&args.patterns), Vec::<String>::new());
    let mut operations: Vec<CommitOperation> = files
        .iter()
        .filter(|path| filter.matches(path))
        .map(|path| CommitOperation::delete_file(path.clone()))
        .collect();
    // `dir/` deletes the folder even when no file pattern matched inside it.
    for pattern in &args.patterns {
        if let Some(folder) = pattern.strip_suffix('/')
            && !folder.contains(['*', '?', '['])
            && files.iter().any(|f| f.starts_with(pattern.as_str()))
        {
            operations.retain(|op| !op.path_in_repo().starts_with(pattern.as_str()));
            operations.push(CommitOperation::delete_folder(folder));
        }
    }
    if operations.is_empty() {
        return Err(anyhow::anyhow!(
            "no file of {repo} at {revision} matches {}",
            args.patterns.join(", ")
        ));
    }
    let count = operations.len();
    let commit = CommitOptions {
        message: args.commit_message.unwrap_or_else(|| {
            format!(
                "Delete files {} with huggingface_hub",
                args.patterns.join(" ")
            )
        }),
        description: args.commit_description.unwrap_or_default(),
        revision: args.revision,
        parent_commit: None,
        create_pr: args.create_pr,
    };
    let info = api
        .create_commit(&repo, operations, &commit, options)
        .await?;
    Ok(Done {
        message: format!(
            "Deleted {} from {repo}",
            crate::output::count(count, "path", "paths")
        ),
        url: Some(info.pr_url.unwrap_or(info.commit_url)),
    })
}
