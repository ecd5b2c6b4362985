//! `hf upload REPO_ID [LOCAL_PATH] [PATH_IN_REPO]` (also `huggingface-cli upload`):
//! creates the repo when missing, uploads a file or a folder, prints the commit URL.

use crate::args::CommitArgs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hf_hub::api::{CreateRepoOptions, Visibility};
use hf_hub::upload::{FolderUpload, UploadReport, UploadSource};
use hf_hub::{HubApi, Repo, RepoType};
use serde::Serialize;

use crate::args::{RepoTypeArg, TokenArg, parse_repo};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render};
use crate::progress;

/// Arguments of `hf upload`.
#[derive(Debug, clap::Args)]
pub(crate) struct UploadArgs {
    /// The repo id (e.g. `username/repo-name` or `spaces/username/repo-name`).
    repo_id: String,
    /// The file or folder to upload (a pattern such as `*.json` selects files of the current
    /// folder). Defaults to the current folder.
    local_path: Option<String>,
    /// Where it goes in the repo. Defaults to the file's name, or the root for a folder.
    path_in_repo: Option<String>,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    repo_type: Option<RepoTypeArg>,
    /// The branch to commit to (created when missing).
    #[arg(long)]
    revision: Option<String>,
    /// Create the repo private if it does not exist (ignored otherwise).
    #[arg(long, overrides_with = "no_private")]
    private: bool,
    /// Create the repo public if it does not exist (the default).
    #[arg(long, hide = true)]
    no_private: bool,
    /// Only upload files matching these patterns (fnmatch; '*' also matches '/').
    #[arg(long, num_args = 1..)]
    include: Vec<String>,
    /// Skip files matching these patterns.
    #[arg(long, num_args = 1..)]
    exclude: Vec<String>,
    /// Delete remote files matching these patterns (under PATH_IN_REPO) in the same commit.
    #[arg(long, num_args = 1..)]
    delete: Vec<String>,
    #[command(flatten)]
    commit: CommitArgs,
    /// Commit to the branch (the default).
    #[arg(long, hide = true)]
    no_create_pr: bool,
    /// Upload again every N minutes until interrupted (Ctrl-C).
    #[arg(long, value_name = "MINUTES")]
    every: Option<f64>,
    /// Upload even if the secret scan finds tokens, private keys or `.env` files.
    #[arg(long)]
    allow_secrets: bool,
    #[command(flatten)]
    token: TokenArg,
    /// Follow symbolic links that lead out of the folder (by default such a link stops the
    /// upload before anything is sent, naming it).
    #[arg(long)]
    follow_symlinks: bool,
}

#[derive(Debug, Serialize)]
struct UploadOutput {
    repo_id: String,
    repo_type: RepoType,
    /// The commit (or pull request) URL; `None` when nothing changed.
    url: Option<String>,
    #[serde(flatten)]
    report: UploadReport,
}

impl Render for UploadOutput {
    fn human(&self) -> Human {
        match &self.url {
            Some(url) => Human::Text(url.clone()),
            None => Human::Text(
                "No files have been modified since the last commit; nothing was uploaded.".into(),
            ),
        }
    }

    /// The commit URL, or nothing when nothing was uploaded.
    fn quiet(&self) -> Vec<String> {
        self.url.iter().cloned().collect()
    }
}

/// What to upload, resolved from the positional arguments as the Python CLI does.
#[derive(Debug)]
enum Target {
    File {
        local: PathBuf,
        path_in_repo: String,
    },
    Folder {
        local: PathBuf,
        path_in_repo: Option<String>,
        include: Option<Vec<String>>,
    },
}

fn resolve_target(args: &UploadArgs, repo: &Repo) -> anyhow::Result<Target> {
    let local = match &args.local_path {
        Some(path) => path.clone(),
        // `hf upload my-model` uploads ./my-model when it exists, else the current folder.
        None if Path::new(repo.id.name()).exists() => repo.id.name().to_owned(),
        None => ".".to_owned(),
    };
    let mut include: Option<Vec<String>> = (!args.include.is_empty()).then(|| args.include.clone());
    let local = if local.contains(['*', '?', '[']) {
        // A wildcard selects files of the current folder.
        if include.is_some() {
            return Err(UsageError(
                "give either a wildcard LOCAL_PATH or --include, not both".into(),
            )
            .into());
        }
        include = Some(vec![local.trim_start_matches("./").to_owned()]);
        PathBuf::from(".")
    } else {
        PathBuf::from(local)
    };
    if local.is_file() {
        if include.is_some() || !args.exclude.is_empty() || !args.delete.is_empty() {
            tracing::warn!(
                "--include, --exclude and --delete apply to folders; they are ignored for a single file"
            );
        }
        let path_in_repo = match &args.path_in_repo {
            Some(p) => p.clone(),
            None => local
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    UsageError(format!("{} has no usable file name", local.display()))
                })?,
        };
        Ok(Target::File {
            local,
            path_in_repo,
        })
    } else if local.is_dir() {
        Ok(Target::Folder {
            local,
            path_in_repo: args.path_in_repo.clone(),
            include,
        })
    } else {
        Err(UsageError(format!("{} is not a file or a folder", local.display())).into())
    }
}

/// Runs `hf upload`.
pub(crate) async fn run(args: UploadArgs, context: &mut Context) -> anyhow::Result<()> {
    let repo = parse_repo(&args.repo_id, args.repo_type.map(Into::into))?;
    let target = resolve_target(&args, &repo)?;
    // Uploading always needs a token: say where we looked before anything else happens.
    if args.token.flag().is_none() {
        context.session.token()?.clone().require()?;
    }
    let api = context.session.hub_api(args.token.flag())?;
    // A read token is refused before anything is created or uploaded; the same whoami
    // answer names the user for `hf upload my-model` (the user's own repo, as in the Python CLI).
    let who = api.check_write_access(&repo).await?;
    let repo = if repo.id.namespace().is_none() {
        parse_repo(&format!("{}/{}", who.name, repo.id), Some(repo.repo_type))?
    } else {
        repo
    };
    if let Some(minutes) = args.every {
        if !(minutes > 0.0 && minutes.is_finite()) {
            return Err(UsageError("--every must be a positive number of minutes".into()).into());
        }
        loop {
            upload_once(&api, &args, &repo, &target, context).await?;
            let unit = if (minutes - 1.0).abs() < f64::EPSILON {
                "minute"
            } else {
                "minutes"
            };
            tracing::info!("next upload in {minutes} {unit}; press Ctrl-C to stop");
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs_f64(minutes * 60.0)) => {}
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
        }
    }
    upload_once(&api, &args, &repo, &target, context).await
}

async fn upload_once(
    api: &HubApi,
    args: &UploadArgs,
    repo: &Repo,
    target: &Target,
    context: &mut Context,
) -> anyhow::Result<()> {
    let options = context
        .session
        .upload_options()
        .with_allow_secrets(args.allow_secrets)
        // Accepted multipart parts of a single file are remembered under HF_HOME (a folder
        // upload keeps them in `<folder>/.cache/huggingface/upload`), so a re-run resumes.
        .with_resume_dir(
            matches!(target, Target::File { .. })
                .then(|| context.session.hf_home().join("upload").join("parts")),
        );
    ensure_repo_and_branch(api, args, repo).await?;
    let bars = progress::Bars::new(context.session.progress_wanted(context.output.format()));
    let options = options
        .with_hash_progress(bars.phase("hashing"))
        .with_upload_progress(bars.phase("uploading"))
        // Already checked above, before the repo was created.
        .with_check_permissions(false);
    let commit = args.commit.options(args.revision.clone(), String::new);
    let result = match target {
        Target::File {
            local,
            path_in_repo,
        } => {
            api.upload_file(
                repo,
                UploadSource::Path(local.clone()),
                path_in_repo,
                &commit,
                &options,
            )
            .await
        }
        Target::Folder {
            local,
            path_in_repo,
            include,
        } => {
            let upload = FolderUpload {
                folder: local.clone(),
                path_in_repo: path_in_repo.clone(),
                allow_patterns: include.clone(),
                ignore_patterns: args.exclude.clone(),
                delete_patterns: args.delete.clone(),
                follow_external_symlinks: args.follow_symlinks,
            };
            api.upload_folder(repo, &upload, &commit, &options).await
        }
    };
    bars.clear();
    let report = result?;
    let url = report
        .last_commit()
        .map(|c| c.pr_url.clone().unwrap_or_else(|| c.commit_url.clone()));
    context.output.emit(&UploadOutput {
        repo_id: repo.id.to_string(),
        repo_type: repo.repo_type,
        url,
        report,
    })
}

/// As the Python CLI: creates the repo when missing, and the branch `--revision` names when
/// it does not exist yet.
async fn ensure_repo_and_branch(
    api: &HubApi,
    args: &UploadArgs,
    repo: &Repo,
) -> anyhow::Result<()> {
    let create = CreateRepoOptions::default()
        .with_visibility(args.private.then_some(Visibility::Private))
        .with_exist_ok(true)
        .with_space_sdk((repo.repo_type == RepoType::Space).then(|| "gradio".to_owned()));
    if !api.repo_exists(repo).await? {
        api.create_repo(repo, &create).await?;
        tracing::info!("created {repo}");
    }
    if let Some(revision) = &args.revision
        && !args.commit.create_pr
        && !hf_hub::repo::is_commit_hash(revision)
    {
        // As Python: only a revision that does not exist yet is created as a branch (so
        // `--revision refs/pr/N` commits to the pull request).
        match api.repo_info(repo, Some(revision), false).await {
            Ok(_) => {}
            Err(e) if e.http_kind() == Some(&hf_hub::HttpErrorKind::RevisionNotFound) => {
                api.create_branch(repo, revision, None, true).await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(local: Option<&str>, path_in_repo: Option<&str>) -> UploadArgs {
        UploadArgs {
            repo_id: "user/model".into(),
            local_path: local.map(str::to_owned),
            path_in_repo: path_in_repo.map(str::to_owned),
            repo_type: None,
            revision: None,
            private: false,
            no_private: false,
            include: Vec::new(),
            exclude: Vec::new(),
            delete: Vec::new(),
            commit: CommitArgs::default(),
            no_create_pr: false,
            every: None,
            allow_secrets: false,
            token: TokenArg::default(),
            follow_symlinks: false,
        }
    }

    #[test]
    fn targets_follow_the_python_cli() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.safetensors");
        std::fs::write(&file, b"x").unwrap();
        let repo = parse_repo("user/model", None).unwrap();
        match resolve_target(&args(Some(file.to_str().unwrap()), None), &repo).unwrap() {
            Target::File { path_in_repo, .. } => assert_eq!(path_in_repo, "w.safetensors"),
            other => panic!("{other:?}"),
        }
        match resolve_target(
            &args(Some(dir.path().to_str().unwrap()), Some("sub")),
            &repo,
        )
        .unwrap()
        {
            Target::Folder {
                path_in_repo,
                include,
                ..
            } => {
                assert_eq!(path_in_repo.as_deref(), Some("sub"));
                assert!(include.is_none());
            }
            other => panic!("{other:?}"),
        }
        match resolve_target(&args(Some("*.json"), None), &repo).unwrap() {
            Target::Folder { include, .. } => assert_eq!(include, Some(vec!["*.json".to_owned()])),
            other => panic!("{other:?}"),
        }
        assert!(resolve_target(&args(Some("/definitely/missing"), None), &repo).is_err());
    }
}
