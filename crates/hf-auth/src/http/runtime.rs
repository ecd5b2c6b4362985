//! The one tokio runtime behind the blocking APIs (`hf_hub::blocking`,
//! `hf_inference::blocking`): made on first use and shared by every blocking client in the
//! process, so a synchronous program never builds or names a runtime.

use std::sync::OnceLock;

use tokio::runtime::Runtime;

static SHARED: OnceLock<Runtime> = OnceLock::new();

/// The shared runtime (a multi-threaded one, so parallel downloads and hashing use every core).
///
/// Blocking clients call `block_on` on it, so they must not be used from inside an async
/// task (tokio panics with "Cannot start a runtime from within a runtime"); async code uses
/// the async clients.
///
/// # Errors
/// When the operating system refuses the runtime's threads.
pub fn blocking_runtime() -> std::io::Result<&'static Runtime> {
    if let Some(runtime) = SHARED.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("hf-blocking")
        .build()?;
    // Two threads may race to make it; the loser's runtime is dropped here, unused.
    Ok(SHARED.get_or_init(|| runtime))
}
