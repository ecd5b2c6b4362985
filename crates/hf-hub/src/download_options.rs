//! Download settings.

use std::path::PathBuf;
use std::time::Duration;

use hf_auth::env::{self, EnvSource};

use crate::Error;
use crate::progress::{SharedProgress, no_progress};

/// Parallel range requests per large file before the count adapted to the link (kept for
/// callers that pin the old default: `connections: Some(DEFAULT_CONNECTIONS)`).
pub const DEFAULT_CONNECTIONS: usize = 4;
/// The most range requests per large file the adaptive count opens.
pub const DEFAULT_MAX_CONNECTIONS: usize = 32;
/// The most files of a snapshot the adaptive count downloads at once.
pub const DEFAULT_MAX_FILES_IN_FLIGHT: usize = 64;
/// Default size of one range request.
pub const DEFAULT_CHUNK_SIZE: u64 = 16 * 1024 * 1024;
/// Default number of files downloaded at once by a snapshot (as the Python client).
pub const DEFAULT_MAX_WORKERS: usize = 8;

/// How downloads behave. Build with [`DownloadOptions::new`] or
/// [`DownloadOptions::from_env_source`], then chain the `with_*` setters
/// (`DownloadOptions::new(dir).with_max_workers(4)`).
#[derive(Clone)]
#[non_exhaustive]
pub struct DownloadOptions {
    /// The shared cache root (`HF_HUB_CACHE`).
    pub cache_dir: PathBuf,
    /// When set, files land in this directory instead of the cache (Python's `local_dir=`).
    pub local_dir: Option<PathBuf>,
    /// Parallel range requests per large file. `None` (the default) finds the count while
    /// downloading: it starts at 2 (4 for a file of 16 chunks or more) and doubles while the
    /// aggregate rate keeps rising, up to `max_connections`, and halves on resets. `Some(n)` pins it
    /// (`HF_HUB_DOWNLOAD_CONNECTIONS`); `Some(1)` disables ranges.
    pub connections: Option<usize>,
    /// The ceiling of the adaptive range count.
    pub max_connections: usize,
    /// The ceiling of the files of a snapshot in flight: they start at `max_workers` and
    /// double while the rate of files completed keeps rising (round trips bound small
    /// files). Equal to `max_workers` pins the count.
    pub max_files_in_flight: usize,
    /// Bytes per range request (`HF_HUB_DOWNLOAD_CHUNK_SIZE`). Files of at least twice this
    /// size are fetched in parallel ranges.
    pub chunk_size: u64,
    /// Files fetched at once by a snapshot.
    pub max_workers: usize,
    /// The longest wait for another process's lock on the same blob (`HF_HUB_LOCK_TIMEOUT`);
    /// `None` waits as long as the other download takes.
    pub lock_timeout: Option<Duration>,
    /// Link snapshot files to blobs with relative symlinks (off: copies; `HF_HUB_DISABLE_SYMLINKS`).
    pub use_symlinks: bool,
    /// Download again even when the cache has the file.
    pub force_download: bool,
    /// Never use the network: serve from the cache or fail saying what is missing
    /// (also implied by `HF_HUB_OFFLINE`, which the HTTP client carries).
    pub local_files_only: bool,
    /// Reconstruct Xet files from the CAS (feature `xet`; off: through the bridge, as with
    /// `HF_HUB_DISABLE_XET`).
    pub xet: bool,
    /// The Xet client's cache (`HF_XET_CACHE`, else `$HF_HOME/xet`; `None`: the Xet client's
    /// own default). The first Xet download of a process fixes it for the process.
    pub xet_cache_dir: Option<PathBuf>,
    /// Share Xet files across cached repos through the cache-wide blob store the Python client
    /// keeps (`<cache>/blobs/<h[:2]>/<xet_hash>`, with symlinks only): a file another repo
    /// already has is linked instead of downloaded, and a Xet download is published there
    /// (off: `HF_HUB_DISABLE_SHARED_BLOBS` or `HF_HUB_DISABLE_XET`).
    pub shared_blobs: bool,
    /// Receives progress events.
    pub progress: SharedProgress,
}

crate::setters::setters!(DownloadOptions {
    with_cache_dir => cache_dir: into PathBuf,
    with_local_dir => local_dir: Option<PathBuf>,
    with_connections => connections: Option<usize>,
    with_max_connections => max_connections: usize,
    with_max_files_in_flight => max_files_in_flight: usize,
    with_chunk_size => chunk_size: u64,
    with_max_workers => max_workers: usize,
    with_lock_timeout => lock_timeout: Option<Duration>,
    with_use_symlinks => use_symlinks: bool,
    with_force_download => force_download: bool,
    with_local_files_only => local_files_only: bool,
    with_xet => xet: bool,
    with_xet_cache_dir => xet_cache_dir: Option<PathBuf>,
    with_shared_blobs => shared_blobs: bool,
    with_progress => progress: SharedProgress,
});

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("cache_dir", &self.cache_dir)
            .field("local_dir", &self.local_dir)
            .field("connections", &self.connections)
            .field("max_connections", &self.max_connections)
            .field("max_files_in_flight", &self.max_files_in_flight)
            .field("chunk_size", &self.chunk_size)
            .field("max_workers", &self.max_workers)
            .field("lock_timeout", &self.lock_timeout)
            .field("use_symlinks", &self.use_symlinks)
            .field("force_download", &self.force_download)
            .field("local_files_only", &self.local_files_only)
            .field("xet", &self.xet)
            .field("shared_blobs", &self.shared_blobs)
            .finish_non_exhaustive()
    }
}

impl DownloadOptions {
    /// Defaults, with the cache at `cache_dir`.
    #[must_use]
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        Self {
            cache_dir: cache_dir.into(),
            local_dir: None,
            connections: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_files_in_flight: DEFAULT_MAX_FILES_IN_FLIGHT,
            chunk_size: DEFAULT_CHUNK_SIZE,
            max_workers: DEFAULT_MAX_WORKERS,
            lock_timeout: None,
            use_symlinks: true,
            force_download: false,
            local_files_only: false,
            xet: cfg!(feature = "xet"),
            xet_cache_dir: None,
            shared_blobs: true,
            progress: no_progress(),
        }
    }

    /// Reads `HF_HUB_CACHE` (and `HF_HOME`...), `HF_HUB_DISABLE_SYMLINKS`, `HF_HUB_OFFLINE`,
    /// `HF_HUB_DOWNLOAD_CONNECTIONS`, `HF_HUB_DOWNLOAD_CHUNK_SIZE`, `HF_HUB_LOCK_TIMEOUT`,
    /// `HF_HUB_DISABLE_XET`, `HF_HUB_DISABLE_SHARED_BLOBS` and `HF_XET_CACHE`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming a malformed variable.
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        let mut options = Self::new(hf_auth::paths::hub_cache_dir(source));
        options.use_symlinks = !source.flag(&env::HF_HUB_DISABLE_SYMLINKS);
        options.xet = cfg!(feature = "xet") && !source.flag(&env::HF_HUB_DISABLE_XET);
        options.shared_blobs = !source.flag(&env::HF_HUB_DISABLE_SHARED_BLOBS)
            && !source.flag(&env::HF_HUB_DISABLE_XET);
        options.xet_cache_dir = Some(source.get(&env::HF_XET_CACHE).map_or_else(
            || hf_auth::paths::hf_home(source).join("xet"),
            PathBuf::from,
        ));
        options.local_files_only =
            source.flag(&env::HF_HUB_OFFLINE) || source.flag(&env::TRANSFORMERS_OFFLINE);
        if let Some(n) = parse_number(source, &env::HF_HUB_DOWNLOAD_CONNECTIONS)? {
            // The variable pins the count.
            options.connections = Some(usize::try_from(n.max(1)).unwrap_or(DEFAULT_CONNECTIONS));
        }
        if let Some(n) = parse_size(source, &env::HF_HUB_DOWNLOAD_CHUNK_SIZE)? {
            options.chunk_size = n.max(64 * 1024);
        }
        if let Some(secs) = parse_number(source, &env::HF_HUB_LOCK_TIMEOUT)? {
            options.lock_timeout = (secs > 0).then(|| Duration::from_secs(secs));
        }
        Ok(options)
    }

    /// Like [`DownloadOptions::from_env_source`] with the process environment.
    ///
    /// # Errors
    /// As [`DownloadOptions::from_env_source`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&env::ProcessEnv)
    }

    /// Whether large files are fetched in parallel ranges at all.
    #[must_use]
    pub fn ranges_allowed(&self) -> bool {
        self.connections.is_none_or(|n| n > 1)
    }

    /// Files of at least this size are fetched in parallel ranges.
    #[must_use]
    pub fn parallel_threshold(&self) -> u64 {
        self.chunk_size.saturating_mul(2)
    }
}

fn parse_number(source: &dyn EnvSource, var: &env::EnvVar) -> Result<Option<u64>, Error> {
    source
        .get(var)
        .map(|raw| {
            raw.trim().parse::<u64>().map_err(|_| {
                Error::InvalidInput(format!(
                    "invalid {}: '{raw}' is not a whole number",
                    var.name
                ))
            })
        })
        .transpose()
}

/// A byte count: `8388608`, `8MiB`, `8MB`, `512KiB`...
fn parse_size(source: &dyn EnvSource, var: &env::EnvVar) -> Result<Option<u64>, Error> {
    let Some(raw) = source.get(var) else {
        return Ok(None);
    };
    let text = raw.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => 0,
    };
    match digits.parse::<u64>() {
        Ok(n) if multiplier > 0 => Ok(Some(n.saturating_mul(multiplier))),
        _ => Err(Error::InvalidInput(format!(
            "invalid {}: '{raw}' is not a size (e.g. 16777216 or 16MiB)",
            var.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hf_auth::env::MapEnv;

    #[test]
    fn settings_come_from_the_environment() {
        let env = MapEnv::new()
            .with("HF_HOME", "/tmp/hfhome")
            .with("HF_HUB_DOWNLOAD_CONNECTIONS", "6")
            .with("HF_HUB_DOWNLOAD_CHUNK_SIZE", "8MiB")
            .with("HF_HUB_LOCK_TIMEOUT", "30")
            .with("HF_HUB_DISABLE_SYMLINKS", "1");
        let options = DownloadOptions::from_env_source(&env).unwrap();
        assert_eq!(options.cache_dir, PathBuf::from("/tmp/hfhome/hub"));
        assert_eq!(options.connections, Some(6));
        assert_eq!(options.chunk_size, 8 * 1024 * 1024);
        assert_eq!(options.lock_timeout, Some(Duration::from_secs(30)));
        assert!(!options.use_symlinks);
        assert!(!options.local_files_only);
        let bad = MapEnv::new().with("HF_HUB_DOWNLOAD_CHUNK_SIZE", "lots");
        assert!(
            DownloadOptions::from_env_source(&bad)
                .unwrap_err()
                .to_string()
                .contains("HF_HUB_DOWNLOAD_CHUNK_SIZE")
        );
    }
}
