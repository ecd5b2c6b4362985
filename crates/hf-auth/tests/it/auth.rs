//! Token discovery, storage and validation, against real files in a temp
//! `HF_HOME` and the local test server.

use std::path::Path;
use std::sync::Arc;

use keyring_core::CredentialStore;

use hf_auth::discovery::{self, DiscoveryOptions, Notice};
use hf_auth::dotenv::DotEnv;
use hf_auth::env::MapEnv;
use hf_auth::http::{HubClient, HubConfig};
use hf_auth::keyring::Keyring;
use hf_auth::store::{Storage, TokenFiles, TokenStore};
use hf_auth::whoami::{self, Role};
use hf_auth::{Error, HttpErrorKind, Token, TokenSource};
use hf_test_server::{FaultAction, FaultRule, ServerConfig, TestServer};

const FILE_TOKEN: &str = "hf_fakeFILEFILEFILEFILEFILEFILEFIwxyz";
const ENV_TOKEN: &str = "hf_fakeENVENVENVENVENVENVENVENVENabcd";

fn home_env(home: &Path) -> MapEnv {
    MapEnv::new()
        .with("HOME", home.display().to_string())
        .with("HF_HOME", home.join("hf").display().to_string())
}

fn no_keyring() -> DiscoveryOptions {
    DiscoveryOptions::new().without_keyring()
}

#[test]
fn precedence_follows_the_python_client() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let files = TokenFiles::from_env_source(&env);
    files.write_active(&Token::new(FILE_TOKEN)).unwrap();

    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.token.expose_secret(), FILE_TOKEN);
    assert_eq!(
        found.source,
        TokenSource::TokenFile(dir.path().join("hf/token"))
    );

    // The legacy variable beats the file; an empty HF_TOKEN counts as unset.
    let env = env
        .with("HF_TOKEN", "")
        .with("HUGGING_FACE_HUB_TOKEN", ENV_TOKEN);
    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::EnvLegacy);

    let env = env.with("HF_TOKEN", ENV_TOKEN);
    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::EnvHfToken);

    let explicit = no_keyring().explicit(Some(Token::new(FILE_TOKEN)), TokenSource::Explicit);
    let found = discovery::resolve(&explicit, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::Explicit);
    assert_eq!(found.token.expose_secret(), FILE_TOKEN);
}

#[test]
fn hf_token_path_moves_the_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("elsewhere/tok");
    let env = home_env(dir.path()).with("HF_TOKEN_PATH", custom.display().to_string());
    TokenFiles::new(&custom)
        .write_active(&Token::new(FILE_TOKEN))
        .unwrap();
    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::TokenFile(custom));
    // XDG_CACHE_HOME locates HF_HOME when HF_HOME is unset.
    let xdg_env = MapEnv::new().with("HOME", "/nonexistent-home").with(
        "XDG_CACHE_HOME",
        dir.path().join("xdg").display().to_string(),
    );
    TokenFiles::new(dir.path().join("xdg/huggingface/token"))
        .write_active(&Token::new(FILE_TOKEN))
        .unwrap();
    let found = discovery::resolve(&no_keyring(), &xdg_env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(
        found.source,
        TokenSource::TokenFile(dir.path().join("xdg/huggingface/token"))
    );
}

#[test]
fn disable_implicit_token_stops_everything_but_explicit() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path())
        .with("HF_TOKEN", ENV_TOKEN)
        .with("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
    let resolution = discovery::resolve(&no_keyring(), &env).unwrap();
    assert!(resolution.found.is_none());
    assert!(resolution.implicit_disabled);
    let err = resolution.require().unwrap_err();
    assert!(
        err.to_string().contains("HF_HUB_DISABLE_IMPLICIT_TOKEN"),
        "{err}"
    );

    let on_purpose = no_keyring().ignore_disable_implicit(true);
    let found = discovery::resolve(&on_purpose, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::EnvHfToken);

    let explicit = no_keyring().explicit(Some(Token::new(FILE_TOKEN)), TokenSource::Stdin);
    let found = discovery::resolve(&explicit, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::Stdin);
}

#[test]
fn no_token_lists_every_place_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let err = discovery::resolve(&DiscoveryOptions::new(), &env)
        .unwrap()
        .require()
        .unwrap_err();
    let message = err.to_string();
    let order = [
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "hf/token",
        "OS keyring",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|place| {
            message
                .find(place)
                .unwrap_or_else(|| panic!("{place} missing: {message}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{message}");
}

#[test]
fn stray_whitespace_is_removed_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path()).with("HF_TOKEN", format!(" {ENV_TOKEN}\r\n"));
    let resolution = discovery::resolve(&no_keyring(), &env).unwrap();
    assert_eq!(resolution.token().unwrap().expose_secret(), ENV_TOKEN);
    let [Notice::Cleaned { source, removed }] = resolution.notices.as_slice() else {
        panic!("{:?}", resolution.notices);
    };
    assert_eq!(*source, TokenSource::EnvHfToken);
    assert_eq!(
        removed,
        "1 newline(s) and 1 carriage return(s) and 1 surrounding whitespace character"
    );
    let shown = resolution.notices[0].to_string();
    assert!(
        shown.contains("HF_TOKEN") && !shown.contains(ENV_TOKEN),
        "{shown}"
    );

    // A token file holding only whitespace means "no token".
    let env = home_env(dir.path());
    std::fs::create_dir_all(dir.path().join("hf")).unwrap();
    std::fs::write(dir.path().join("hf/token"), " \n").unwrap();
    assert!(
        discovery::resolve(&no_keyring(), &env)
            .unwrap()
            .found
            .is_none()
    );
}

#[test]
fn bad_tokens_are_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path()).with("HF_TOKEN", "api_org_abcdefabcdefabcdefabcdefabcd");
    let err = discovery::resolve(&no_keyring(), &env).unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)));
    assert!(err.to_string().contains("HF_TOKEN"), "{err}");

    let env = home_env(dir.path()).with("HF_TOKEN", format!("Bearer {ENV_TOKEN}"));
    let err = discovery::resolve(&no_keyring(), &env).unwrap_err();
    assert!(!err.to_string().contains(ENV_TOKEN));

    let env = home_env(dir.path()).with("HF_TOKEN", "ghp_notahubtokenatallnotahubtoken00");
    let resolution = discovery::resolve(&no_keyring(), &env).unwrap();
    assert!(matches!(
        resolution.notices.as_slice(),
        [Notice::UnusualFormat { .. }]
    ));
}

#[test]
fn dotenv_is_read_only_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let path = dir.path().join(".env");
    std::fs::write(&path, format!("export HF_TOKEN={ENV_TOKEN}\n")).unwrap();
    // Not given: a .env in the working tree is never read.
    assert!(
        discovery::resolve(&no_keyring(), &env)
            .unwrap()
            .found
            .is_none()
    );
    let options = no_keyring().dotenv(Some(DotEnv::load(&path).unwrap()));
    let found = discovery::resolve(&options, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::DotEnv(path));
    // The process environment still wins.
    let env = env.with("HF_TOKEN", FILE_TOKEN);
    let found = discovery::resolve(&options, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::EnvHfToken);
}

#[cfg(unix)]
#[test]
fn files_are_written_like_the_python_client() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let store = TokenStore::new(TokenFiles::from_env_source(&env));
    store
        .save("laptop", &Token::new(FILE_TOKEN), Storage::Files)
        .unwrap();
    store
        .save("ci", &Token::new(ENV_TOKEN), Storage::Files)
        .unwrap();

    let token_file = dir.path().join("hf/token");
    assert_eq!(std::fs::read_to_string(&token_file).unwrap(), ENV_TOKEN);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&token_file), 0o600);
    assert_eq!(mode(&dir.path().join("hf/stored_tokens")), 0o600);
    assert_eq!(mode(&dir.path().join("hf")), 0o700);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("hf/stored_tokens")).unwrap(),
        format!("[ci]\nhf_token = {ENV_TOKEN}\n\n[laptop]\nhf_token = {FILE_TOKEN}\n\n")
    );
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("hf"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn switch_list_and_logout() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let store = TokenStore::new(TokenFiles::from_env_source(&env));
    store
        .save("a", &Token::new(FILE_TOKEN), Storage::Files)
        .unwrap();
    store
        .save("b", &Token::new(ENV_TOKEN), Storage::Files)
        .unwrap();

    store.switch("a").unwrap();
    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.token.expose_secret(), FILE_TOKEN);
    let listed = store.list(Some(&found)).unwrap();
    let rows: Vec<_> = listed
        .iter()
        .map(|t| (t.name.as_str(), t.masked.as_str(), t.active))
        .collect();
    assert_eq!(
        rows,
        [("a", "hf_****wxyz", true), ("b", "hf_****abcd", false)]
    );

    let err = store.switch("missing").unwrap_err();
    assert!(matches!(err, Error::UnknownTokenName { .. }), "{err}");

    // Logging out of an inactive token keeps the active one.
    let outcome = store.logout(Some("b")).unwrap();
    assert!(!outcome.active_removed);
    assert!(
        discovery::resolve(&no_keyring(), &env)
            .unwrap()
            .found
            .is_some()
    );
    // Logging out of the active one removes the token file too.
    let outcome = store.logout(Some("a")).unwrap();
    assert!(outcome.active_removed);
    assert!(
        discovery::resolve(&no_keyring(), &env)
            .unwrap()
            .found
            .is_none()
    );

    store
        .save("c", &Token::new(FILE_TOKEN), Storage::Files)
        .unwrap();
    let outcome = store.logout(None).unwrap();
    assert_eq!(outcome.removed, ["c"]);
    assert!(!dir.path().join("hf/stored_tokens").exists());
    assert!(!dir.path().join("hf/token").exists());
}

#[test]
fn keyring_storage_keeps_only_the_name_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let keyring = Keyring::in_memory().unwrap();
    let store = TokenStore::new(TokenFiles::from_env_source(&env)).with_keyring(keyring.clone());
    store
        .save("files", &Token::new(ENV_TOKEN), Storage::Files)
        .unwrap();
    let outcome = store
        .save("secure", &Token::new(FILE_TOKEN), Storage::Keyring)
        .unwrap();
    assert_eq!(outcome.stored_in, Storage::Keyring);

    let stored = std::fs::read_to_string(dir.path().join("hf/stored_tokens")).unwrap();
    assert!(!stored.contains(FILE_TOKEN), "{stored}");
    assert!(
        stored.contains("[secure]\nkeyring = huggingface\nkeyring_active = true\n"),
        "{stored}"
    );
    assert!(!dir.path().join("hf/token").exists());

    let options = DiscoveryOptions::new().keyring(keyring.clone());
    let found = discovery::resolve(&options, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::Keyring("secure".into()));
    assert_eq!(found.token.expose_secret(), FILE_TOKEN);
    let listed = store.list(Some(&found)).unwrap();
    assert_eq!(listed[1].masked, "<keyring>");
    assert!(listed[1].active && !listed[0].active);

    // Switching to a file token and back.
    assert_eq!(store.switch("files").unwrap(), Storage::Files);
    let found = discovery::resolve(&options, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.token.expose_secret(), ENV_TOKEN);
    assert_eq!(store.switch("secure").unwrap(), Storage::Keyring);
    let found = discovery::resolve(&options, &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.source, TokenSource::Keyring("secure".into()));

    store.logout(Some("secure")).unwrap();
    assert_eq!(keyring.get("secure").unwrap(), None);
}

#[test]
fn an_unavailable_keyring_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let env = home_env(dir.path());
    let (keyring, mock) = mock_keyring();
    let store = TokenStore::new(TokenFiles::from_env_source(&env)).with_keyring(keyring.clone());
    // The keyring refuses: the token goes to the files and the reason is returned.
    fail_next_call(&mock, "secure");
    let outcome = store
        .save("secure", &Token::new(FILE_TOKEN), Storage::Keyring)
        .unwrap();
    assert_eq!(outcome.stored_in, Storage::Files);
    assert!(outcome.keyring_error.unwrap().contains("locked"));
    let found = discovery::resolve(&no_keyring(), &env)
        .unwrap()
        .require()
        .unwrap();
    assert_eq!(found.token.expose_secret(), FILE_TOKEN);

    // A keyring token whose keyring cannot be read: a notice, no error, no token.
    store
        .save("secure", &Token::new(FILE_TOKEN), Storage::Keyring)
        .unwrap();
    fail_next_call(&mock, "secure");
    let resolution = discovery::resolve(&DiscoveryOptions::new().keyring(keyring), &env).unwrap();
    assert!(resolution.found.is_none());
    assert!(
        matches!(&resolution.notices[..], [Notice::KeyringUnavailable { name, .. }] if name == "secure"),
        "{:?}",
        resolution.notices
    );
}

/// An in-memory keyring, with the store kept to inject failures.
fn mock_keyring() -> (Keyring, Arc<CredentialStore>) {
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    (Keyring::with_store(store.clone()), store)
}

/// Makes the next keyring call for `name` fail as a locked keyring would.
fn fail_next_call(store: &Arc<CredentialStore>, name: &str) {
    // The mock store hands out the same credential for the same service and name.
    let entry = keyring_core::Entry::new_in_store(store, hf_auth::keyring::SERVICE, name).unwrap();
    let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
    mock.set_error(keyring_core::Error::NoStorageAccess(
        "the collection is locked".into(),
    ));
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client(server: &TestServer, token: &str) -> HubClient {
    HubClient::builder(HubConfig::new(server.endpoint()).unwrap())
        .token(Some(Token::new(token)))
        .build()
        .unwrap()
}

#[test]
fn whoami_is_typed_for_every_role() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let tokens = server.tokens();
    rt().block_on(async {
        let read = whoami::whoami(&client(&server, &tokens.read))
            .await
            .unwrap();
        assert_eq!(read.name, "demo-user");
        assert_eq!(read.org_names(), ["demo-org"]);
        assert_eq!(read.role(), Some(Role::Read));
        assert_eq!(read.token_name(), Some("demo-read"));

        let write = whoami::whoami(&client(&server, &tokens.write))
            .await
            .unwrap();
        assert_eq!(write.role(), Some(Role::Write));

        let fine = whoami::whoami(&client(&server, &tokens.fine_grained))
            .await
            .unwrap();
        assert_eq!(fine.role(), Some(Role::FineGrained));
        let scopes = &fine
            .access_token()
            .unwrap()
            .fine_grained
            .as_ref()
            .unwrap()
            .scoped;
        assert_eq!(scopes[0].entity.name, "demo-user/scoped-model");
        assert_eq!(scopes[0].permissions, ["repo.content.read", "repo.write"]);
    });
}

#[test]
fn whoami_failures_have_their_own_messages() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let expired = server.tokens().expired.clone();
    rt().block_on(async {
        let err = whoami::validate(&client(&server, &expired), &TokenSource::EnvHfToken)
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(
                &err,
                Error::TokenRejected {
                    origin: Some(TokenSource::EnvHfToken),
                    ..
                }
            ),
            "{message}"
        );
        assert!(
            message.contains("401") && message.contains("HF_TOKEN"),
            "{message}"
        );
        assert!(!message.contains(&expired));

        // A rate limit on the check is waited out (as the server asks) like any idempotent GET.
        server.clear_requests();
        server.add_fault(FaultRule {
            origin: None,
            method: None,
            path_contains: "whoami".into(),
            action: FaultAction::RateLimit {
                retry_after_secs: 1,
            },
            times: Some(1),
        });
        let read = server.tokens().read.clone();
        let started = std::time::Instant::now();
        let who = whoami::whoami(&client(&server, &read)).await.unwrap();
        assert_eq!(who.name, "demo-user");
        assert!(started.elapsed() >= std::time::Duration::from_secs(1));
        let whoami_calls = server
            .requests()
            .iter()
            .filter(|r| r.path_and_query.contains("whoami"))
            .count();
        assert_eq!(whoami_calls, 2);

        // A wait longer than the policy allows fails at once, with the wait on the error.
        server.add_fault(FaultRule {
            origin: None,
            method: None,
            path_contains: "whoami".into(),
            action: FaultAction::RateLimit {
                retry_after_secs: 3600,
            },
            times: Some(1),
        });
        let err = whoami::whoami(&client(&server, &read)).await.unwrap_err();
        let http = err.as_http().expect("an HTTP error");
        assert_eq!(*http.kind(), HttpErrorKind::RateLimited);
        assert_eq!(
            http.retry_after(),
            Some(std::time::Duration::from_secs(3600))
        );
    });
}

/// The facts the CLI's hints are built from (the hints themselves: hf-cli's `hints` tests).
#[test]
fn failed_requests_carry_the_facts_for_advice() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    rt().block_on(async {
        let anonymous = HubClient::builder(HubConfig::new(server.endpoint()).unwrap())
            .build()
            .unwrap();
        let url = anonymous
            .url("/demo-org/gated-model/resolve/main/README.md")
            .unwrap();
        let err = anonymous.get(url).send().await.unwrap_err();
        assert_eq!(*err.kind(), HttpErrorKind::GatedRepo, "{err}");
        let page = format!("{}/demo-org/gated-model", server.endpoint());
        assert!(err.url().starts_with(&page), "{}", err.url());
        assert!(!err.token_sent());

        // A private repo without access: "does not exist or no access", naming the token's source.
        let read = client(&server, &server.tokens().read);
        let url = read.url("/api/models/other-user/does-not-exist").unwrap();
        let err = read.get(url).send().await.unwrap_err();
        assert_eq!(*err.kind(), HttpErrorKind::RepoNotFound, "{err}");
        assert!(err.token_sent());
    });
}
