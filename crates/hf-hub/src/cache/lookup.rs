//! Offline lookups: is this file of this repo in the cache, and where? Synchronous, no
//! network, the Python client's rules (`try_to_load_from_cache`): a revision is a commit hash
//! or a ref under `refs/`, the file is `snapshots/<commit>/<path>` and must resolve to content.

use std::path::{Path, PathBuf};

use hf_auth::env::{EnvSource, ProcessEnv};

use super::layout::{RepoCache, safe_relative_path};
use crate::repo::{DEFAULT_REVISION, Repo, RepoId, RepoType};

/// The shared cache folder (`HF_HUB_CACHE`, else `$HF_HOME/hub`), for lookups.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let server = hf_test_server::TestServer::spawn(Default::default())?;
/// # let cache_dir = tempfile::tempdir()?;
/// # let api = hf_hub::HubApi::builder().endpoint(server.endpoint()).cache_dir(cache_dir.path()).build()?;
/// # let downloaded = tokio::runtime::Runtime::new()?.block_on(api.model("demo-org/demo-model").download("config.json"))?;
/// use hf_hub::cache::Cache;
///
/// // `Cache::from_env()` in a program (the cache `hf download` and Python fill).
/// let cache = Cache::new(cache_dir.path());
/// assert_eq!(cache.model("demo-org/demo-model").get("config.json"), Some(downloaded));
/// assert_eq!(cache.model("demo-org/demo-model").get("README.md"), None);
/// assert_eq!(cache.model("demo-org/demo-model").get_at("config.json", "no-such-branch"), None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// The cache at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache the environment names (`HF_HUB_CACHE`, `HF_HOME`; as the Python client).
    #[must_use]
    pub fn from_env() -> Self {
        Self::from_env_source(&ProcessEnv)
    }

    /// As [`Cache::from_env`], reading `source`.
    #[must_use]
    pub fn from_env_source(source: &dyn EnvSource) -> Self {
        Self::new(hf_auth::paths::hub_cache_dir(source))
    }

    /// The cache folder.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A model repo's cached files (an id that breaks the Hub's rules finds nothing).
    #[must_use]
    pub fn model(&self, id: &str) -> CachedRepoFiles {
        self.repo(id, RepoType::Model)
    }

    /// A dataset repo's cached files.
    #[must_use]
    pub fn dataset(&self, id: &str) -> CachedRepoFiles {
        self.repo(id, RepoType::Dataset)
    }

    /// A Space's cached files.
    #[must_use]
    pub fn space(&self, id: &str) -> CachedRepoFiles {
        self.repo(id, RepoType::Space)
    }

    /// The cached files of the repo `id` of `repo_type`.
    #[must_use]
    pub fn repo(&self, id: &str, repo_type: RepoType) -> CachedRepoFiles {
        CachedRepoFiles {
            cache: RepoId::new(id)
                .ok()
                .map(|id| RepoCache::new(&self.root, &Repo::new(id, repo_type))),
        }
    }
}

/// One repo in the cache: lookups by file and revision.
#[derive(Debug, Clone)]
pub struct CachedRepoFiles {
    cache: Option<RepoCache>,
}

impl CachedRepoFiles {
    /// The cached path of `path` at the default branch (`main`), or `None`.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<PathBuf> {
        self.get_at(path, DEFAULT_REVISION)
    }

    /// The cached path of `path` at `revision` (a branch, tag or commit hash), or `None` when
    /// the revision or the file is not in the cache (or the path is not one a download writes).
    #[must_use]
    pub fn get_at(&self, path: &str, revision: &str) -> Option<PathBuf> {
        let cache = self.cache.as_ref()?;
        let path = safe_relative_path(path).ok()?;
        let commit = cache.resolve_revision(revision)?;
        let pointer = cache.pointer_path(&commit, path);
        // `metadata` follows the link: a dangling pointer is not a cached file.
        std::fs::metadata(&pointer)
            .is_ok_and(|m| m.is_file())
            .then_some(pointer)
    }

    /// Whether an earlier request recorded that `path` does not exist at `revision`
    /// (`.no_exist`, as the Python client keeps it).
    #[must_use]
    pub fn known_missing(&self, path: &str, revision: &str) -> bool {
        let Some(cache) = self.cache.as_ref() else {
            return false;
        };
        let (Ok(path), Some(commit)) = (safe_relative_path(path), cache.resolve_revision(revision))
        else {
            return false;
        };
        cache.no_exist_path(&commit, path).exists()
    }
}
