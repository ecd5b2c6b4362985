//! Cross-process file locks (`flock`) with a configurable wait.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Error;

/// How often a waiting process logs that it is still waiting.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// An exclusive lock on a file, released on drop (or when the process dies).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the lock at `path`, creating the file (and its directory) if needed, polling
    /// until it is free. `wait` bounds the wait; `None` waits as long as it takes.
    ///
    /// # Errors
    /// [`Error::LockTimeout`] when `wait` passes, [`Error::Io`] when the file cannot be opened.
    pub async fn acquire(path: &Path, wait: Option<Duration>) -> Result<Self, Error> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::io(
                    format!("cannot create the lock directory {}", parent.display()),
                    e,
                )
            })?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| Error::io(format!("cannot open the lock file {}", path.display()), e))?;
        let started = Instant::now();
        let mut next_log = LOG_EVERY;
        let mut delay = Duration::from_millis(5);
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(Self {
                        file,
                        path: path.to_owned(),
                    });
                }
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    return Err(Error::io(format!("cannot lock {}", path.display()), e));
                }
            }
            let waited = started.elapsed();
            if let Some(limit) = wait
                && waited >= limit
            {
                return Err(Error::LockTimeout {
                    path: path.to_owned(),
                    waited_secs: waited.as_secs(),
                });
            }
            if waited >= next_log {
                tracing::info!(lock = %path.display(), waited_secs = waited.as_secs(), "still waiting for another process to finish this download");
                next_log += LOG_EVERY;
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(200));
        }
    }

    /// The lock file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // A failed release is harmless: the OS drops the lock with the file handle.
        let _ = self.file.unlock();
    }
}
