//! `hf repos branch create|delete` and `hf repos tag create|list|delete`.

use super::common::Done;
use crate::args::{RepoArg, require_yes};
use crate::commands::Context;
use crate::operation::{Operation, OperationExt as _};
use crate::output::{Human, Render};
use hf_hub::api::{GitRef, Outcome};
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum BranchCommand {
    /// Create a branch.
    Create(BranchCreateArgs),
    /// Delete a branch.
    Delete(BranchDeleteArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BranchCreateArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The branch to create.
    pub(crate) branch: String,
    /// Start from this revision (default: the default branch's head).
    #[arg(long)]
    pub(crate) revision: Option<String>,
    /// Do not fail if the branch already exists.
    #[arg(long, overrides_with = "no_exist_ok")]
    pub(crate) exist_ok: bool,
    /// Fail if the branch already exists (the default).
    #[arg(long, overrides_with = "exist_ok")]
    pub(crate) no_exist_ok: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BranchDeleteArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The branch to delete.
    pub(crate) branch: String,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum TagCommand {
    /// Tag a revision.
    Create(TagCreateArgs),
    /// List the tags.
    #[command(visible_alias = "ls")]
    List(TagListArgs),
    /// Delete a tag.
    Delete(TagDeleteArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct TagCreateArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The tag to create.
    pub(crate) tag: String,
    /// The tag's message.
    #[arg(short, long)]
    pub(crate) message: Option<String>,
    /// The revision to tag (default: the default branch's head).
    #[arg(long)]
    pub(crate) revision: Option<String>,
    /// Do not fail if the tag already exists.
    #[arg(long)]
    pub(crate) exist_ok: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TagListArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TagDeleteArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The tag to delete.
    pub(crate) tag: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub(crate) yes: bool,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Tags {
    pub(crate) tags: Vec<GitRef>,
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

/// `hf repos branch create`.
pub(crate) async fn branch_create(
    api: &hf_hub::HubApi,
    a: BranchCreateArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        let outcome = api
            .create_branch(&repo, &a.branch, a.revision.as_deref(), a.exist_ok)
            .await
            .doing(Operation::Create)?;
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
    };
    context.output.emit(&done)
}

/// `hf repos branch delete`.
pub(crate) async fn branch_delete(
    api: &hf_hub::HubApi,
    a: BranchDeleteArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        api.delete_branch(&repo, &a.branch).await?;
        Done {
            message: format!("Deleted branch {} of {repo}", a.branch),
            url: None,
        }
    };
    context.output.emit(&done)
}

/// `hf repos tag create`.
pub(crate) async fn tag_create(
    api: &hf_hub::HubApi,
    a: TagCreateArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        let outcome = api
            .create_tag(
                &repo,
                &a.tag,
                a.revision.as_deref(),
                a.message.as_deref(),
                a.exist_ok,
            )
            .await
            .doing(Operation::Create)?;
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
    };
    context.output.emit(&done)
}

/// `hf repos tag list`.
pub(crate) async fn tag_list(
    api: &hf_hub::HubApi,
    a: TagListArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let repo = a.repo.repo()?;
    let refs = api.list_repo_refs(&repo, false).await?;
    context.output.emit(&Tags { tags: refs.tags })
}

/// `hf repos tag delete`.
pub(crate) async fn tag_delete(
    api: &hf_hub::HubApi,
    a: TagDeleteArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let repo = a.repo.repo()?;
        require_yes(a.yes, &format!("deleting tag {}", a.tag))?;
        api.delete_tag(&repo, &a.tag).await?;
        Done {
            message: format!("Deleted tag {} of {repo}", a.tag),
            url: None,
        }
    };
    context.output.emit(&done)
}
