//! `hf repos delete-files` and `hf repos cp`.

use super::common::Done;
use crate::args::CommitArgs;
use crate::args::{RepoArg, TokenArg};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, Render};
use hf_hub::upload::{CommitOperation, CommitOptions, UploadOptions};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub(crate) struct CpArgs {
    /// Source: a local file, an hf:// URI of a file in a repo
    /// (`hf://[TYPE/]namespace/name[@REVISION]/PATH`), or - for stdin.
    pub(crate) src: String,
    /// Destination: a local path (default: the file's name here), an hf:// URI (a folder
    /// ending with `/` keeps the source's name), or - for stdout.
    pub(crate) dst: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// What `hf repos cp` did.
#[derive(Debug, Serialize)]
pub(crate) struct Copied {
    #[serde(skip)]
    pub(crate) action: &'static str,
    pub(crate) src: String,
    pub(crate) dst: String,
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

#[derive(Debug, clap::Args)]
pub(crate) struct DeleteFilesArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// Patterns of the files to delete (fnmatch: '*' also matches '/'; 'dir/' deletes a folder).
    #[arg(required = true)]
    pub(crate) patterns: Vec<String>,
    /// The branch to commit to.
    #[arg(long)]
    pub(crate) revision: Option<String>,
    #[command(flatten)]
    pub(crate) commit: CommitArgs,
    /// Commit to the branch (the default).
    #[arg(long, overrides_with = "create_pr")]
    pub(crate) no_create_pr: bool,
}

/// `hf repos delete-files`.
pub(crate) async fn delete_files(
    api: &hf_hub::HubApi,
    a: DeleteFilesArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let done = {
        let options = context.session.upload_options();
        commit_deletions(api, a, &options).await?
    };
    context.output.emit(&done)
}

/// A file URI of `hf repos cp` (a usage error otherwise).
pub(crate) fn file_uri(raw: &str) -> anyhow::Result<hf_hub::repo::HfUri> {
    hf_hub::repo::HfUri::parse(raw).map_err(|e| UsageError(e.to_string()).into())
}

/// `hf repos cp SRC [DST]`, as Python's: upload (local file or stdin to a repo), download
/// (a repo file to a local path or stdout) or a copy between repos (downloaded, then
/// uploaded: content already on the Hub is not sent again).
pub(crate) async fn copy(
    api: &hf_hub::HubApi,
    args: CpArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
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
        return copy_from_repo(api, &args, dst_remote, context).await;
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

/// `hf repos cp` from a repo file: to a local path, to stdout (`-`), or to another repo.
async fn copy_from_repo(
    api: &hf_hub::HubApi,
    args: &CpArgs,
    dst_remote: bool,
    context: &mut Context,
) -> anyhow::Result<()> {
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
    context.output.emit(&Copied {
        action: "Copied",
        src: src.to_string(),
        dst: dst.to_string(),
    })
}

/// Downloads the file `src` into the folder `into` (not the cache) and returns its path.
pub(crate) async fn fetch(
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
pub(crate) fn target_path(path: &str, raw: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else if raw.ends_with('/') {
        format!("{}/{name}", path.trim_end_matches('/'))
    } else {
        path.to_owned()
    }
}

pub(crate) async fn upload_one(
    api: &hf_hub::HubApi,
    dst: &hf_hub::repo::HfUri,
    source: hf_hub::upload::UploadSource,
    context: &Context,
) -> anyhow::Result<()> {
    let commit = CommitOptions::default()
        .with_message(format!("Upload {} with huggingface_hub", dst.path))
        .with_description(String::new())
        .with_revision(dst.revision.clone())
        .with_parent_commit(None)
        .with_create_pr(false);
    api.upload_file(
        &dst.repo,
        source,
        &dst.path,
        &commit,
        &context.session.upload_options(),
    )
    .await?;
    Ok(())
}

pub(crate) async fn commit_deletions(
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
    let commit = args.commit.options(args.revision, || {
        format!(
            "Delete files {} with huggingface_hub",
            args.patterns.join(" ")
        )
    });
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
