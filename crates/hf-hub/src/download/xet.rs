//! Xet downloads through Hugging Face's own client (`hf-xet`, the engine of Python's
//! `hf_xet`), behind the `xet` feature: a file whose HEAD names its Xet hash and a
//! `xet-auth` route on the Hub is reconstructed from the CAS instead of the bridge.
//!
//! The CAS token comes from that route (the Hub's token goes there, and only when the route is
//! on a trusted origin); `hf-xet` refreshes it as it expires. Bytes arrive in order and go
//! through the same writer and hash as every download: nothing enters the cache unverified.

use std::sync::OnceLock;

use hf_auth::http::HubClient;
use url::Url;
use xet::xet_session::{
    HeaderMap, HeaderValue, XetConfig, XetDownloadStreamGroup, XetFileInfo, XetSession,
    XetSessionBuilder, header,
};

use crate::Error;

/// One session per process, on the caller's runtime (it holds HTTP pools and the chunk cache).
static SESSION: OnceLock<XetSession> = OnceLock::new();

pub(crate) fn xet_error(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Protocol(format!("Xet {what}: {error}"))
}

/// The Xet client's settings: its reconstruction buffers bounded (by default they grow with
/// the machine's memory, a sixteenth of it and more: 670 MiB of RSS on a 24 GiB machine for
/// one 1 GiB file) and its xorb uploads in flight, then any `HF_XET_*` setting of the user's
/// on top, as Python's hf_xet reads.
pub(crate) fn config() -> Result<XetConfig, Error> {
    let config = XetConfig::new()
        .with_config("reconstruction.download_buffer_size", "64mb")
        .and_then(|c| c.with_config("reconstruction.download_buffer_perfile_size", "16mb"))
        .and_then(|c| c.with_config("reconstruction.download_buffer_limit", "96mb"))
        .and_then(|c| c.with_config("reconstruction.min_reconstruction_fetch_size", "32mb"))
        // Each xorb in flight is held whole (up to 64 MiB, more while it is compressed): 4 at
        // once kept a 1 GiB upload at 479 MiB of RSS against 650 MiB for the default of 64,
        // and no slower here (`docs/benchmarks.md`, Xet).
        .and_then(|c| c.with_config("client.ac_max_upload_concurrency", "4"))
        .map_err(|e| xet_error("settings were refused", e))?;
    Ok(config.with_env_overrides())
}

/// A new Xet session with our settings, its cache in `cache_dir`, on the caller's runtime.
pub(crate) fn new_session(cache_dir: Option<&std::path::Path>) -> Result<XetSession, Error> {
    let mut builder = XetSessionBuilder::new_with_config(config()?);
    if let Some(dir) = cache_dir {
        builder = builder.with_cache_dir(dir);
    }
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        builder = builder.with_tokio_handle(handle);
    }
    builder
        .build()
        .map_err(|e| xet_error("session could not start", e))
}

fn session(cache_dir: Option<&std::path::Path>) -> Result<&'static XetSession, Error> {
    if let Some(session) = SESSION.get() {
        return Ok(session);
    }
    let session = new_session(cache_dir)?;
    Ok(SESSION.get_or_init(|| session))
}

/// The headers a token route is called with: the Hub's token (marked sensitive) and our
/// user agent.
pub(crate) fn auth_headers(http: &HubClient) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    if let Some(token) = http.token() {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| Error::Protocol("the token is not a valid header value".into()))?;
        value.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, value);
    }
    if let Ok(agent) = HeaderValue::from_str(http.user_agent()) {
        headers.insert(header::USER_AGENT, agent);
    }
    Ok(headers)
}

/// Download groups kept for reuse, by token route and caller: the files of one snapshot (one
/// commit, one route) share a group, so one CAS token and one connection pool serve them all.
/// Bounded; the oldest goes first.
static GROUPS: std::sync::Mutex<Vec<(String, XetDownloadStreamGroup)>> =
    std::sync::Mutex::new(Vec::new());
const GROUPS_KEPT: usize = 8;
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Which caller a group was built for: the route, and a digest of the Hub token sent there
/// (a group built with one user's token never serves another's downloads).
fn group_key(http: &HubClient, auth: &Url) -> String {
    use sha2::Digest as _;
    let token = http
        .token()
        .map(|t| sha2::Sha256::digest(t.expose_secret().as_bytes()))
        .map(|d| {
            d.iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("{auth} {token}")
}

/// A download group whose CAS token comes from `auth` (the Hub's `xet-read-token` route),
/// or `None` when `auth` is not on a trusted origin (then the file goes through the bridge).
pub(crate) async fn download_group(
    http: &HubClient,
    auth: &Url,
    cache_dir: Option<&std::path::Path>,
) -> Result<Option<XetDownloadStreamGroup>, Error> {
    if !http.config().is_trusted(auth) {
        tracing::debug!(url = %hf_auth::redact_url(auth.as_str()), "Xet token route is not on the Hub: using the bridge");
        return Ok(None);
    }
    let key = group_key(http, auth);
    let kept = || {
        GROUPS.lock().ok().and_then(|groups| {
            groups
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, g)| g.clone())
        })
    };
    if let Some(group) = kept() {
        return Ok(Some(group));
    }
    // One group built at a time: the files of a snapshot that start together wait for the
    // first one's group (and its one token) instead of each asking for their own.
    let _building = BUILDING.lock().await;
    if let Some(group) = kept() {
        return Ok(Some(group));
    }
    let headers = auth_headers(http)?;
    let group = session(cache_dir)?
        .new_download_stream_group()
        .map_err(|e| xet_error("download could not start", e))?
        .with_token_refresh_url(auth.as_str(), headers)
        .build()
        .await
        .map_err(|e| xet_error("token refused or CAS unreachable", e))?;
    if let Ok(mut groups) = GROUPS.lock() {
        if groups.len() >= GROUPS_KEPT {
            groups.remove(0);
        }
        groups.push((key, group.clone()));
    }
    Ok(Some(group))
}

/// The file `hash` of `size` bytes, as `hf-xet` names it.
pub(crate) fn file_info(hash: &str, size: u64) -> XetFileInfo {
    XetFileInfo::new(hash.to_owned(), size)
}
