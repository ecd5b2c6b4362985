//! Tokens kept in the OS keyring (Secret Service on Linux), an opt-in alternative to
//! the plain `stored_tokens` file.
//!
//! Entries use the service name [`SERVICE`] and the token name as the user name. The
//! platform store is created lazily, on first use, so programs that never touch the
//! keyring never open a D-Bus connection. "Not stored" ([`Keyring::get`] returning
//! `Ok(None)`) is distinct from "keyring unavailable" ([`Error::Keyring`]), which
//! callers report and then fall back to the token files.
//!
//! The calls block (they talk to a daemon); from async code, run them with
//! `tokio::task::spawn_blocking` when latency matters.

use std::fmt;
use std::sync::{Arc, OnceLock};

use keyring_core::{CredentialStore, Entry};

use crate::Token;
use crate::error::Error;

/// The keyring service name under which tokens are stored.
pub const SERVICE: &str = "huggingface";

/// A handle on a credential store.
#[derive(Clone)]
pub struct Keyring {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("store", &self.store.vendor())
            .finish()
    }
}

impl Keyring {
    /// The platform keyring (Secret Service on Linux), connected on first use and then
    /// shared by the whole process (a failure to connect is remembered as well, so a
    /// missing keyring costs one attempt per process).
    ///
    /// # Errors
    /// [`Error::Keyring`] when no keyring is reachable (no session bus, locked keyring,
    /// unsupported platform); the message says what to do.
    pub fn system() -> Result<Self, Error> {
        static SYSTEM: OnceLock<Result<Arc<CredentialStore>, String>> = OnceLock::new();
        SYSTEM
            .get_or_init(platform_store)
            .clone()
            .map(|store| Self { store })
            .map_err(Error::Keyring)
    }

    /// A keyring backed by `store` (for example `keyring_core::mock::Store::new()?` in tests).
    #[must_use]
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self { store }
    }

    /// An in-memory keyring for tests: nothing persists beyond this value and its clones.
    ///
    /// # Errors
    /// Never in practice; the mock store's constructor is fallible by signature only.
    pub fn in_memory() -> Result<Self, Error> {
        let store = keyring_core::mock::Store::new().map_err(|e| describe(&e))?;
        Ok(Self { store })
    }

    /// The token stored under `name`, or `None` when there is none.
    ///
    /// # Errors
    /// [`Error::Keyring`] when the keyring cannot be used.
    pub fn get(&self, name: &str) -> Result<Option<Token>, Error> {
        match self.entry(name)?.get_password() {
            Ok(secret) => Ok(Some(Token::new(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(&e)),
        }
    }

    /// Stores `token` under `name`, replacing a previous value.
    ///
    /// # Errors
    /// [`Error::Keyring`] when the keyring cannot be used.
    pub fn set(&self, name: &str, token: &Token) -> Result<(), Error> {
        self.entry(name)?
            .set_password(token.expose_secret())
            .map_err(|e| describe(&e))
    }

    /// Deletes the token stored under `name`. Returns whether there was one.
    ///
    /// # Errors
    /// [`Error::Keyring`] when the keyring cannot be used.
    pub fn delete(&self, name: &str) -> Result<bool, Error> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(describe(&e)),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, Error> {
        Entry::new_in_store(&self.store, SERVICE, name).map_err(|e| describe(&e))
    }
}

/// Turns a keyring error into ours, with the likely cause.
fn describe(error: &keyring_core::Error) -> Error {
    let cause = match error {
        keyring_core::Error::NoStorageAccess(_) => "the keyring is locked or access was refused",
        keyring_core::Error::PlatformFailure(_) | keyring_core::Error::NoDefaultStore => {
            "no Secret Service (gnome-keyring, KWallet) answered on the session bus"
        }
        _ => "the keyring returned an unexpected answer",
    };
    Error::Keyring(format!("{error} ({cause})"))
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, String> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(store) => Ok(store),
        Err(e) => Err(format!(
            "cannot connect to the Secret Service: {e} (a session D-Bus with gnome-keyring or \
             KWallet is needed; on a headless machine, store tokens in the token files instead)"
        )),
    }
}

#[cfg(not(target_os = "linux"))]
fn platform_store() -> Result<Arc<CredentialStore>, String> {
    Err(
        "this build has no keyring backend for this platform; tokens are kept in the token files"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_memory() {
        let keyring = Keyring::in_memory().unwrap();
        assert_eq!(keyring.get("t").unwrap(), None);
        let token = Token::new("hf_fakeKEYRINGKEYRINGKEYRINGwxyz");
        keyring.set("t", &token).unwrap();
        assert_eq!(keyring.get("t").unwrap(), Some(token));
        assert!(keyring.delete("t").unwrap());
        assert!(!keyring.delete("t").unwrap());
        assert_eq!(keyring.get("t").unwrap(), None);
    }

    #[test]
    fn platform_errors_become_keyring_errors() {
        let keyring = Keyring::in_memory().unwrap();
        let entry = keyring.entry("t").unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
        let err = keyring.get("t").unwrap_err();
        assert!(matches!(err, Error::Keyring(_)));
        assert!(err.to_string().contains("locked"), "{err}");
    }
}
