//! The one registry of environment variables the project reads.
//!
//! Libraries never call `std::env` directly: they take an [`EnvSource`] in an
//! explicit `from_env*` constructor, and every name they may ask for is listed
//! in [`VARS`]. `docs/reference/environment.md` is generated from this table
//! ([`render_markdown`]) and a test fails when the two differ.

use std::collections::HashMap;

/// One environment variable: its name, what it means and its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name, e.g. `HF_ENDPOINT`.
    pub name: &'static str,
    /// What it changes, in one sentence.
    pub meaning: &'static str,
    /// The value used when it is unset or empty.
    pub default: &'static str,
    /// Which part of the project reads it.
    pub read_by: &'static str,
}

macro_rules! registry {
    ($( $ident:ident = $name:literal, $read_by:literal, $default:literal, $meaning:literal; )*) => {
        $(
            #[doc = $meaning]
            pub const $ident: EnvVar = EnvVar { name: $name, meaning: $meaning, default: $default, read_by: $read_by };
        )*
        /// Every variable the project reads, in documentation order.
        pub const VARS: &[EnvVar] = &[$($ident),*];
    };
}

registry! {
    HF_ENDPOINT = "HF_ENDPOINT", "hf-auth (HTTP core)", "https://huggingface.co",
        "Base URL of the Hub. Its origin is the one that receives the access token.";
    HF_HOME = "HF_HOME", "hf-auth, hf-hub", "$XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface",
        "Root directory for the token files and the cache.";
    XDG_CACHE_HOME = "XDG_CACHE_HOME", "hf-auth, hf-hub", "~/.cache",
        "Used to locate HF_HOME when HF_HOME is unset.";
    HOME = "HOME", "hf-auth, hf-hub", "(the OS home directory)",
        "Used to expand `~` and to locate the default HF_HOME.";
    HF_HUB_CACHE = "HF_HUB_CACHE", "hf-hub", "$HF_HOME/hub",
        "The shared repo cache (same layout as the Python client).";
    HUGGINGFACE_HUB_CACHE = "HUGGINGFACE_HUB_CACHE", "hf-hub", "(unset)",
        "Legacy name of HF_HUB_CACHE, used when HF_HUB_CACHE is unset.";
    HF_TOKEN = "HF_TOKEN", "hf-auth", "(unset)",
        "Access token; takes precedence over the stored token.";
    HUGGING_FACE_HUB_TOKEN = "HUGGING_FACE_HUB_TOKEN", "hf-auth", "(unset)",
        "Legacy name of HF_TOKEN, used when HF_TOKEN is unset.";
    HF_TOKEN_PATH = "HF_TOKEN_PATH", "hf-auth", "$HF_HOME/token",
        "File holding the active token; `stored_tokens` lives beside it.";
    HF_HUB_DISABLE_IMPLICIT_TOKEN = "HF_HUB_DISABLE_IMPLICIT_TOKEN", "hf-auth", "false",
        "When truthy, no token is sent unless one is given explicitly.";
    HF_HUB_OFFLINE = "HF_HUB_OFFLINE", "hf-auth (HTTP core)", "false",
        "When truthy, every HTTP request is refused before a connection is opened; downloads are served from the cache.";
    TRANSFORMERS_OFFLINE = "TRANSFORMERS_OFFLINE", "hf-auth (HTTP core)", "false",
        "Same as HF_HUB_OFFLINE (honoured for compatibility).";
    HF_HUB_ETAG_TIMEOUT = "HF_HUB_ETAG_TIMEOUT", "hf-auth (HTTP core)", "10",
        "Seconds allowed to connect and to fetch file metadata (HEAD).";
    HF_HUB_DOWNLOAD_TIMEOUT = "HF_HUB_DOWNLOAD_TIMEOUT", "hf-auth (HTTP core)", "10",
        "Seconds a read may stall before the request fails (and is retried or resumed).";
    HF_HUB_USER_AGENT_ORIGIN = "HF_HUB_USER_AGENT_ORIGIN", "hf-auth (HTTP core)", "(unset)",
        "Appended to the User-Agent as `origin/<value>`.";
    SSL_CERT_FILE = "SSL_CERT_FILE", "hf-auth (HTTP core)", "(unset)",
        "A PEM file of CA certificates trusted in addition to the platform's (a private or corporate CA, an on-premise Hub).";
    SSL_CERT_DIR = "SSL_CERT_DIR", "hf-auth (HTTP core)", "(unset)",
        "Folders (`:`-separated) whose PEM files are CA certificates trusted in addition to the platform's.";
    REQUESTS_CA_BUNDLE = "REQUESTS_CA_BUNDLE", "hf-auth (HTTP core)", "(unset)",
        "Like SSL_CERT_FILE (the name the Python `requests` library reads).";
    CURL_CA_BUNDLE = "CURL_CA_BUNDLE", "hf-auth (HTTP core)", "(unset)",
        "Like SSL_CERT_FILE (the name curl reads).";
    HF_HUB_DISABLE_PROGRESS_BARS = "HF_HUB_DISABLE_PROGRESS_BARS", "hf-cli", "false",
        "When truthy, no progress bars are drawn.";
    HF_HUB_DISABLE_SYMLINKS = "HF_HUB_DISABLE_SYMLINKS", "hf-hub", "false",
        "When truthy, the cache copies files into snapshots instead of symlinking them.";
    HF_HUB_DOWNLOAD_CONNECTIONS = "HF_HUB_DOWNLOAD_CONNECTIONS", "hf-hub", "adaptive",
        "Pins the parallel range requests per large file download (1 turns them off). Unset, the count starts at 2 (4 for long files) and widens while the download gets faster, up to 32.";
    HF_HUB_DOWNLOAD_CHUNK_SIZE = "HF_HUB_DOWNLOAD_CHUNK_SIZE", "hf-hub", "16MiB",
        "Size of each range request of a parallel download (bytes, or with a KiB/MiB/GiB suffix); files of at least twice this size are fetched in parallel.";
    HF_HUB_LOCK_TIMEOUT = "HF_HUB_LOCK_TIMEOUT", "hf-hub", "0 (wait as long as needed)",
        "Seconds to wait for another process downloading the same file before failing.";
    HF_HUB_DISABLE_TELEMETRY = "HF_HUB_DISABLE_TELEMETRY", "hf-auth (HTTP core)", "false",
        "Accepted for compatibility; this client sends no telemetry.";
    HF_HUB_DISABLE_XET = "HF_HUB_DISABLE_XET", "hf-hub", "false",
        "Never use Xet: Xet files are downloaded through the bridge over HTTP and uploads use the LFS API.";
    HF_HUB_DISABLE_SHARED_BLOBS = "HF_HUB_DISABLE_SHARED_BLOBS", "hf-hub", "false",
        "Never use the cache-wide shared Xet blob store (`<cache>/blobs/`, shared with the Python client); also off with HF_HUB_DISABLE_XET.";
    HF_XET_CACHE = "HF_XET_CACHE", "hf-hub", "$HF_HOME/xet",
        "The Xet client's own cache (shards and staging), shared with Python's hf_xet.";
    HF_DEBUG = "HF_DEBUG", "hf-cli", "false",
        "When truthy, debug logging is enabled (tokens are never logged).";
    HF_HUB_VERBOSITY = "HF_HUB_VERBOSITY", "hf-cli", "warning",
        "Log level: debug, info, warning, error or critical.";
    HF_ROUTER_URL = "HF_ROUTER_URL", "hf-inference", "https://router.huggingface.co",
        "Base URL of the Inference Providers router.";
    HF_DATASET_VIEWER_URL = "HF_DATASET_VIEWER_URL", "hf-hub", "https://datasets-server.huggingface.co",
        "Base URL of the Dataset Viewer (`hf datasets parquet`); ours: Python's is fixed.";
    HF_INFERENCE_ENDPOINTS_URL = "HF_INFERENCE_ENDPOINTS_URL", "hf-auth", "https://api.endpoints.huggingface.cloud/v2",
        "Base URL of the Inference Endpoints API (`hf endpoints`); the token is sent there. Ours: Python's is fixed.";
    HF_INFERENCE_CATALOG_URL = "HF_INFERENCE_CATALOG_URL", "hf-auth", "https://endpoints.huggingface.co/api/v1/catalog",
        "Base URL of the Inference Endpoints catalog (`hf endpoints catalog`); the token is sent there. Ours: Python's is fixed.";
    PATH = "PATH", "hf-cli", "(the system's)",
        "Where `hf datasets sql` looks for the `duckdb` program, as Python does.";
    COLUMNS = "COLUMNS", "hf-cli", "(the terminal's width, else 80)",
        "Width human tables are cut to (see `--no-truncate`).";
    NO_COLOR = "NO_COLOR", "hf-cli", "(unset)",
        "When set to anything, output has no colour.";
    RUST_LOG = "RUST_LOG", "hf-cli", "(unset)",
        "tracing filter directives; overrides -v and HF_HUB_VERBOSITY.";
    HTTPS_PROXY = "HTTPS_PROXY", "hf-auth (HTTP core)", "(unset)",
        "Proxy for HTTPS requests (also `https_proxy`, `ALL_PROXY`, `NO_PROXY`).";
    HTTP_PROXY = "HTTP_PROXY", "hf-auth (HTTP core)", "(unset)",
        "Proxy for plain HTTP requests.";
    NO_PROXY = "NO_PROXY", "hf-auth (HTTP core)", "(unset)",
        "Hosts that bypass the proxy.";
}

/// Where environment values come from. [`ProcessEnv`] in programs, [`MapEnv`] in tests.
pub trait EnvSource: Send + Sync {
    /// The raw value of `var`, or `None` when unset.
    fn raw(&self, var: &EnvVar) -> Option<String>;

    /// The value of `var`, with an empty value treated as unset (as the Python client does).
    fn get(&self, var: &EnvVar) -> Option<String> {
        self.raw(var).filter(|v| !v.is_empty())
    }

    /// Whether `var` holds a truthy value (`1`, `on`, `yes`, `true`, any case).
    fn flag(&self, var: &EnvVar) -> bool {
        self.get(var).is_some_and(|v| is_truthy(&v))
    }
}

/// Whether a value is truthy by the Python client's rules.
#[must_use]
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_uppercase().as_str(),
        "1" | "ON" | "YES" | "TRUE"
    )
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the process environment"
    )]
    fn raw(&self, var: &EnvVar) -> Option<String> {
        std::env::var_os(var.name).map(|v| v.to_string_lossy().into_owned())
    }
}

/// A fixed set of variables, for tests and embedding.
#[derive(Debug, Clone, Default)]
pub struct MapEnv(HashMap<String, String>);

impl MapEnv {
    /// An empty environment.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value`.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }
}

impl EnvSource for MapEnv {
    fn raw(&self, var: &EnvVar) -> Option<String> {
        self.0.get(var.name).cloned()
    }
}

/// `docs/reference/environment.md`, generated from [`VARS`].
#[must_use]
pub fn render_markdown() -> String {
    let mut out = String::from(
        "# Environment variables\n\n\
         <!-- Generated from crates/hf-auth/src/env.rs by `cargo xtask codegen`. Do not edit. -->\n\n\
         Every variable the `hf` crates and CLI read. Names, meanings and defaults match the \
         Python `huggingface_hub` client where it has the same variable, so both tools share one \
         login and one cache. An empty value counts as unset; flags are truthy when set to \
         `1`, `on`, `yes` or `true` (any case).\n\n\
         | Variable | Default | Read by | Meaning |\n| --- | --- | --- | --- |\n",
    );
    for var in VARS {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            var.name,
            escape_cell(var.default),
            var.read_by,
            escape_cell(var.meaning)
        ));
    }
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = VARS.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), VARS.len());
    }

    #[test]
    fn empty_counts_as_unset_and_flags_follow_python() {
        let env = MapEnv::new()
            .with("HF_TOKEN", "")
            .with("HF_HUB_OFFLINE", "Yes");
        assert_eq!(env.get(&HF_TOKEN), None);
        assert!(env.flag(&HF_HUB_OFFLINE));
        assert!(
            !MapEnv::new()
                .with("HF_HUB_OFFLINE", "0")
                .flag(&HF_HUB_OFFLINE)
        );
    }
}
