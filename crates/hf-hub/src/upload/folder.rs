//! `upload_file` and `upload_folder`: walking, include/exclude/delete patterns, splitting.

use std::path::{Path, PathBuf};

use super::commit::normalize_path_in_repo;
use super::types::{CommitOperation, CommitOptions, UploadOptions, UploadReport, UploadSource};
use crate::patterns::PatternFilter;
use crate::repo::{DEFAULT_REVISION, Repo};
use crate::{Error, HubApi};

/// Always ignored by `upload_folder`, whatever the patterns say (as in the Python client).
pub const FORCED_IGNORE_PATTERNS: [&str; 8] = [
    ".git",
    ".git/*",
    "*/.git",
    "**/.git/**",
    ".cache/huggingface",
    ".cache/huggingface/*",
    "*/.cache/huggingface",
    "**/.cache/huggingface/**",
];

/// What [`HubApi::upload_folder`] uploads and where.
#[derive(Debug, Clone, Default)]
pub struct FolderUpload {
    /// The local folder.
    pub folder: PathBuf,
    /// Where it goes in the repo (the root when `None`).
    pub path_in_repo: Option<String>,
    /// Only files matching one of these (relative to the folder; Python `fnmatch` rules).
    pub allow_patterns: Option<Vec<String>>,
    /// Files matching one of these are skipped.
    pub ignore_patterns: Vec<String>,
    /// Remote files under `path_in_repo` matching one of these are deleted in the same
    /// upload (never `.gitattributes`, never a file being uploaded).
    pub delete_patterns: Vec<String>,
    /// Follow symbolic links whose target lies outside `folder` (off by default: such a
    /// link stops the upload before anything is sent, naming it).
    pub follow_external_symlinks: bool,
}

/// Joins the destination prefix and a relative path.
fn join_in_repo(prefix: &str, relative: &str) -> String {
    if prefix.is_empty() {
        relative.to_owned()
    } else {
        format!("{prefix}/{relative}")
    }
}

/// `path` relative to `root`, `/`-separated (lossy: only for matching patterns).
fn relative_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file below `root`, as sorted `/`-separated relative paths.
///
/// Symbolic links are followed while they stay inside `root` (a link to a file or folder
/// of the same tree uploads what it points to). A link leading out of `root` stops the
/// walk with [`Error::InvalidInput`] naming it, before anything is sent, unless
/// `follow_external` allows it; a link loop, or a link that cannot be resolved, is an
/// error too.
fn walk(
    root: &Path,
    follow_external: bool,
    filter: &PatternFilter,
) -> Result<Vec<(String, PathBuf)>, Error> {
    let real_root = root
        .canonicalize()
        .map_err(|e| Error::io(format!("resolving {}", root.display()), e))?;
    let mut files = Vec::new();
    // Folders already entered, by real path: a link back to one of them would never end.
    let mut entered = std::collections::HashSet::from([real_root.clone()]);
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
            let path = entry.path();
            let link = std::fs::symlink_metadata(&path)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
                .file_type()
                .is_symlink();
            if link {
                let real = path.canonicalize().map_err(|e| {
                    Error::InvalidInput(format!(
                        "the symbolic link {} cannot be followed ({e}); remove it or exclude it",
                        path.display()
                    ))
                })?;
                if !real.starts_with(&real_root) && !follow_external {
                    // Excluded by the patterns (the link itself, or everything below it):
                    // not followed, and no reason to stop.
                    let relative = relative_name(root, &path);
                    if !filter.matches(&relative) || !filter.matches(&format!("{relative}/x")) {
                        continue;
                    }
                    return Err(Error::InvalidInput(format!(
                        "the symbolic link {} leads out of the folder (to {}); nothing was uploaded. \
                         Remove or exclude it, or allow links out of the folder (--follow-symlinks)",
                        path.display(),
                        real.display()
                    )));
                }
            }
            let meta = std::fs::metadata(&path)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            if meta.is_dir() {
                let real = path
                    .canonicalize()
                    .map_err(|e| Error::io(format!("resolving {}", path.display()), e))?;
                if !entered.insert(real) {
                    return Err(Error::InvalidInput(format!(
                        "the symbolic link {} makes a loop (it leads back to a folder already walked); remove it or exclude it",
                        path.display()
                    )));
                }
                stack.push(path);
            } else if meta.is_file() {
                let relative = path.strip_prefix(root).map_err(|_| {
                    Error::InvalidInput(format!("{} is outside {}", path.display(), root.display()))
                })?;
                let parts: Option<Vec<&str>> = relative
                    .components()
                    .map(|c| c.as_os_str().to_str())
                    .collect();
                let Some(parts) = parts else {
                    return Err(Error::InvalidInput(format!(
                        "{} has a name that is not valid UTF-8",
                        path.display()
                    )));
                };
                files.push((parts.join("/"), path));
            }
        }
    }
    files.sort();
    Ok(files)
}

impl HubApi {
    /// Uploads one file (from a path or bytes) as `path_in_repo`. The default message is
    /// "Upload {path_in_repo} with huggingface_hub", as in the Python client.
    ///
    /// # Errors
    /// As [`HubApi::create_commit`].
    pub async fn upload_file(
        &self,
        repo: &Repo,
        source: UploadSource,
        path_in_repo: &str,
        commit: &CommitOptions,
        options: &UploadOptions,
    ) -> Result<UploadReport, Error> {
        let path_in_repo = normalize_path_in_repo(path_in_repo)?;
        if let UploadSource::Path(path) = &source
            && !path.is_file()
        {
            return Err(Error::InvalidInput(format!(
                "{} is not a file",
                path.display()
            )));
        }
        let mut commit = commit.clone();
        if commit.message.trim().is_empty() {
            commit.message = format!("Upload {path_in_repo} with huggingface_hub");
        }
        let single = UploadOptions {
            max_operations_per_commit: usize::MAX,
            max_regular_bytes_per_commit: u64::MAX,
            ..options.clone()
        };
        let operations = vec![CommitOperation::Add {
            path_in_repo,
            source,
        }];
        self.upload_operations(repo, operations, &commit, &single)
            .await
    }

    /// Uploads a folder: files are walked in sorted order and filtered by the patterns
    /// (`.git/` and `.cache/huggingface/` are always ignored); remote files matching the
    /// delete patterns are removed; files the Hub already has are skipped; large uploads
    /// are split into several commits (`"<message> (part i/n)"`). Re-running after an
    /// interruption re-uses what was already uploaded (committed files, stored LFS objects
    /// and accepted multipart parts, remembered under `<folder>/.cache/huggingface/upload`).
    ///
    /// # Errors
    /// As [`HubApi::create_commit`], plus I/O errors while walking.
    pub async fn upload_folder(
        &self,
        repo: &Repo,
        upload: &FolderUpload,
        commit: &CommitOptions,
        options: &UploadOptions,
    ) -> Result<UploadReport, Error> {
        if !upload.folder.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{} is not a folder",
                upload.folder.display()
            )));
        }
        let prefix = match upload.path_in_repo.as_deref().map(|p| p.trim_matches('/')) {
            None | Some("" | ".") => String::new(),
            Some(p) => normalize_path_in_repo(p)?,
        };
        let mut ignore: Vec<String> = upload.ignore_patterns.clone();
        ignore.extend(FORCED_IGNORE_PATTERNS.iter().map(|p| (*p).to_owned()));
        let filter = PatternFilter::new(upload.allow_patterns.clone(), ignore);
        let root = upload.folder.clone();
        let follow_external = upload.follow_external_symlinks;
        let walk_filter = filter.clone();
        let files = tokio::task::spawn_blocking(move || walk(&root, follow_external, &walk_filter))
            .await
            .map_err(|e| Error::Protocol(format!("a local task failed: {e}")))??;
        let files: Vec<(String, PathBuf)> = filter
            .filter(files, |(relative, _)| relative.as_str())
            .collect();
        let mut operations: Vec<CommitOperation> = files
            .iter()
            .map(|(relative, path)| {
                CommitOperation::add_file(join_in_repo(&prefix, relative), path.clone())
            })
            .collect();
        if !upload.delete_patterns.is_empty() {
            let revision = commit.revision.as_deref().unwrap_or(DEFAULT_REVISION);
            let delete = PatternFilter::new(Some(&upload.delete_patterns), Vec::<String>::new());
            let adding: std::collections::HashSet<String> = operations
                .iter()
                .map(|op| op.path_in_repo().to_owned())
                .collect();
            let remote = self.list_repo_files(repo, revision).await?;
            for path in remote {
                let relative = if prefix.is_empty() {
                    Some(path.as_str())
                } else {
                    path.strip_prefix(&format!("{prefix}/"))
                };
                let Some(relative) = relative else { continue };
                if path != ".gitattributes" && !adding.contains(&path) && delete.matches(relative) {
                    operations.push(CommitOperation::delete_file(path.clone()));
                }
            }
        }
        if operations.is_empty() {
            return Err(Error::InvalidInput(format!(
                "nothing to upload: no file of {} passes the include/exclude patterns",
                upload.folder.display()
            )));
        }
        let mut commit = commit.clone();
        if commit.message.trim().is_empty() {
            commit.message = "Upload folder using huggingface_hub".to_owned();
        }
        let mut options = options.clone();
        if options.resume_dir.is_none() {
            options.resume_dir = Some(
                upload
                    .folder
                    .join(".cache")
                    .join("huggingface")
                    .join("upload"),
            );
        }
        self.upload_operations(repo, operations, &commit, &options)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_is_sorted_and_forced_ignores_apply() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "b.txt",
            "a/z.bin",
            "a/b/c.txt",
            ".git/config",
            "sub/.git/x",
            ".cache/huggingface/upload/x.parts",
        ] {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, b"x").unwrap();
        }
        let filter = PatternFilter::new(None::<Vec<String>>, FORCED_IGNORE_PATTERNS);
        let files = walk(dir.path(), false, &filter).unwrap();
        let kept: Vec<&str> = filter
            .filter(files.iter(), |(r, _)| r.as_str())
            .map(|(r, _)| r.as_str())
            .collect();
        assert_eq!(kept, vec!["a/b/c.txt", "a/z.bin", "b.txt"]);
        assert_eq!(join_in_repo("", "x"), "x");
        assert_eq!(join_in_repo("d", "x"), "d/x");
    }
}
