//! The OS keyring, for real: a round trip through the Secret Service.
//!
//! It runs only when `HF_TEST_SECRET_SERVICE=1` (set by `.ci/run`, which starts a session
//! bus with an unlocked gnome-keyring). Then a keyring failure fails the test; it is
//! never skipped silently. Without the variable, the test says why it did nothing.

use hf_auth::Token;
use hf_auth::TokenSource;
use hf_auth::discovery::{self, DiscoveryOptions};
use hf_auth::env::MapEnv;
use hf_auth::keyring::Keyring;
use hf_auth::store::{Storage, TokenFiles, TokenStore};

#[allow(
    clippy::print_stderr,
    reason = "says in the test output why nothing ran"
)]
fn secret_service_required() -> bool {
    #[allow(
        clippy::disallowed_methods,
        reason = "a test-only switch set by .ci/run, not a variable the crates read"
    )]
    let required = std::env::var("HF_TEST_SECRET_SERVICE").is_ok_and(|v| v == "1");
    if !required {
        eprintln!(
            "keyring: HF_TEST_SECRET_SERVICE is not 1, so the real Secret Service round trip did not run \
             (.ci/run sets it inside dbus-run-session with an unlocked gnome-keyring)"
        );
    }
    required
}

#[test]
fn secret_service_round_trip() {
    if !secret_service_required() {
        return;
    }
    let keyring =
        Keyring::system().expect("HF_TEST_SECRET_SERVICE=1 but the Secret Service is unavailable");
    let name = format!("hf-it-{:016x}", fastrand::u64(..));
    let token = Token::new("hf_fakeSECRETSERVICEroundTRIPxxxxxxxx");
    assert_eq!(keyring.get(&name).unwrap(), None);
    keyring.set(&name, &token).unwrap();
    assert_eq!(keyring.get(&name).unwrap(), Some(token.clone()));
    // A fresh lookup through the shared store sees the same secret.
    assert_eq!(Keyring::system().unwrap().get(&name).unwrap(), Some(token));
    assert!(keyring.delete(&name).unwrap());
    assert_eq!(keyring.get(&name).unwrap(), None);
    assert!(!keyring.delete(&name).unwrap());
}

#[test]
fn login_with_keyring_then_discovery_through_secret_service() {
    if !secret_service_required() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = MapEnv::new()
        .with("HOME", dir.path().display().to_string())
        .with("HF_HOME", dir.path().join("hf").display().to_string());
    let name = format!("hf-it-login-{:016x}", fastrand::u64(..));
    let token = Token::new("hf_fakeSECRETSERVICEloginTOKENxxxxxxx");
    let store = TokenStore::new(TokenFiles::from_env_source(&env));
    let outcome = store.save(&name, &token, Storage::Keyring).unwrap();
    assert_eq!(
        outcome.stored_in,
        Storage::Keyring,
        "{:?}",
        outcome.keyring_error
    );
    let stored = std::fs::read_to_string(dir.path().join("hf/stored_tokens")).unwrap();
    assert!(!stored.contains(token.expose_secret()));

    let found = discovery::resolve(&DiscoveryOptions::new(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::Keyring(name.clone()));
    assert_eq!(found.token, token);

    store.logout(Some(&name)).unwrap();
    assert_eq!(Keyring::system().unwrap().get(&name).unwrap(), None);
}
