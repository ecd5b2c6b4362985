//! What several `hf repos` verbs share: the one-line result, visibility flags, Space-only flags.

use crate::args::SpaceSettingsArgs;
use crate::command_error::UsageError;
use crate::output::{Human, Render};
use hf_hub::api::Visibility;
use serde::Serialize;

/// A one-line result: `{"url": ...}` or a message.
#[derive(Debug, Serialize)]
pub(crate) struct Done {
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
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

pub(crate) fn visibility(private: bool, public: bool) -> Option<Visibility> {
    match (private, public) {
        (true, _) => Some(Visibility::Private),
        (_, true) => Some(Visibility::Public),
        _ => None,
    }
}

/// `--private`/`--no-private`, `--public`, `--protected` of `create` and `duplicate`.
#[derive(Debug, clap::Args)]
pub(crate) struct VisibilityArgs {
    /// Make the repo private.
    #[arg(long, conflicts_with = "public", overrides_with = "no_private")]
    pub(crate) private: bool,
    /// Do not make the repo private (the default).
    #[arg(long, overrides_with = "private")]
    pub(crate) no_private: bool,
    /// Make the repo public (the default).
    #[arg(long, conflicts_with = "protected")]
    pub(crate) public: bool,
    /// Make the Space protected: its page is public, its app only for you (Spaces only).
    #[arg(long, conflicts_with = "private")]
    pub(crate) protected: bool,
}

impl VisibilityArgs {
    pub(crate) fn choose(&self, repo_type: hf_hub::RepoType) -> anyhow::Result<Option<Visibility>> {
        chosen_visibility(self.private, self.public, self.protected, repo_type)
    }
}

/// `--private`, `--public` or `--protected` (only for Spaces: a usage error otherwise).
pub(crate) fn chosen_visibility(
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
pub(crate) fn spaces_only(
    space: &SpaceSettingsArgs,
    repo_type: hf_hub::RepoType,
) -> anyhow::Result<()> {
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
