//! Security cases of the HTTP core and the token store: private certificate authorities
//! (a TLS server of our own with a throw-away CA), token directories that are shared, a
//! whoami answer from another origin, and servers that echo the token or send escape bytes.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hf_auth::env::MapEnv;
use hf_auth::http::{HubClient, HubConfig, RetryPolicy};
use hf_auth::store::{Storage, TokenFiles, TokenStore};
use hf_auth::{Error, HttpErrorKind, Token};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::hostile_server::{HostileServer, Reply, Seen};

const TOKEN: &str = "hf_fakeSecurityTestTokenNotARealOne";

/// A throw-away certificate authority (each with a name of its own).
struct Ca {
    pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

/// A server certificate and its key.
struct Pki {
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

fn ca() -> Ca {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("hf test throw-away CA {n}"),
    );
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        issuer: rcgen::Issuer::new(params, key),
    }
}

impl Ca {
    /// A server certificate signed by this CA for `names`, valid or `expired`.
    fn leaf(&self, names: &[&str], expired: bool) -> Pki {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(
            names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
        )
        .unwrap();
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Pki {
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        }
    }
}

/// A TLS server on 127.0.0.1 answering every request with a whoami JSON; counts handshakes.
async fn tls_server(pki: &Pki) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    use tokio_rustls::rustls;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(
                pki.cert_der.clone(),
            )],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let _ = tls.read(&mut buf).await;
                let body = json!({"type": "user", "name": "tls-user", "auth": {"accessToken": {"role": "read"}}})
                    .to_string();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, connections)
}

fn client_for(env: &MapEnv) -> Result<HubClient, Error> {
    let mut config = HubConfig::from_env_source(env)?;
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    HubClient::builder(config)
        .token(Some(Token::new(TOKEN)))
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_ca_is_trusted_through_the_python_worlds_variables() {
    let dir = tempfile::tempdir().unwrap();
    let authority = ca();
    let good = authority.leaf(&["localhost"], false);
    let ca_file = dir.path().join("corporate-ca.pem");
    std::fs::write(&ca_file, &authority.pem).unwrap();
    let ca_dir = dir.path().join("certs");
    std::fs::create_dir_all(&ca_dir).unwrap();
    std::fs::write(ca_dir.join("ca.pem"), &authority.pem).unwrap();
    std::fs::write(ca_dir.join("README"), "not a certificate").unwrap();
    let (port, _) = tls_server(&good).await;
    let endpoint = format!("https://localhost:{port}");
    let file = ca_file.to_string_lossy().into_owned();
    let folder = ca_dir.to_string_lossy().into_owned();
    for (var, value) in [
        ("SSL_CERT_FILE", file.as_str()),
        ("REQUESTS_CA_BUNDLE", file.as_str()),
        ("CURL_CA_BUNDLE", file.as_str()),
        ("SSL_CERT_DIR", folder.as_str()),
    ] {
        let env = MapEnv::new()
            .with("HF_ENDPOINT", &endpoint)
            .with(var, value);
        let who = hf_auth::whoami::whoami(&client_for(&env).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{var}: {e}"));
        assert_eq!(who.name, "tls-user", "{var}");
    }
    // A bundle that holds no certificate is a clear configuration error.
    let env = MapEnv::new().with("SSL_CERT_FILE", ca_dir.join("README").to_string_lossy());
    let error = client_for(&env).unwrap_err();
    assert!(
        error.to_string().starts_with("invalid SSL_CERT_FILE:")
            && error.to_string().contains("no PEM"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_failures_say_what_failed_and_are_never_retried() {
    let trusted = ca();
    let other = ca();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &trusted.pem).unwrap();
    let cases = [
        (
            other.leaf(&["localhost"], false),
            "unknown certificate authority",
        ),
        (trusted.leaf(&["localhost"], true), "expired"),
        (
            trusted.leaf(&["hub.internal.example"], false),
            "not valid for this host name",
        ),
    ];
    for (server_pki, words) in cases {
        let (port, handshakes) = tls_server(&server_pki).await;
        let env = MapEnv::new()
            .with("HF_ENDPOINT", format!("https://localhost:{port}"))
            .with("SSL_CERT_FILE", ca_file.to_string_lossy());
        let started = Instant::now();
        let error = hf_auth::whoami::whoami(&client_for(&env).unwrap())
            .await
            .expect_err(words);
        let http = error
            .as_http()
            .unwrap_or_else(|| panic!("{words}: {error}"));
        let text = error.to_string();
        assert_eq!(http.kind(), &HttpErrorKind::Certificate, "{text}");
        assert!(
            text.contains(words) && text.contains("localhost"),
            "{words}: {text}"
        );
        assert_eq!(http.attempts(), 1, "never retried: {text}");
        assert_eq!(
            handshakes.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{words}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!text.contains(TOKEN));
    }
}

#[cfg(unix)]
#[test]
fn only_directories_we_create_get_our_mode() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    for shared_mode in [0o1777, 0o755] {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(shared_mode)).unwrap();
        let env = MapEnv::new()
            .with("HOME", dir.path().to_string_lossy())
            .with("HF_HOME", dir.path().join("hf").to_string_lossy())
            .with("HF_TOKEN_PATH", shared.join("token").to_string_lossy());
        let store = TokenStore::new(TokenFiles::from_env_source(&env));
        store
            .save("ci", &Token::new(TOKEN), Storage::Files)
            .unwrap();
        assert_eq!(
            mode(&shared),
            shared_mode,
            "an existing shared folder keeps its mode"
        );
        assert_eq!(mode(&shared.join("token")) & 0o777, 0o600);

        // Folders that did not exist are created owner-only.
        let env = env.with(
            "HF_TOKEN_PATH",
            shared.join("new/deeper/token").to_string_lossy(),
        );
        TokenStore::new(TokenFiles::from_env_source(&env))
            .save("ci", &Token::new(TOKEN), Storage::Files)
            .unwrap();
        assert_eq!(mode(&shared), shared_mode);
        assert_eq!(mode(&shared.join("new")) & 0o777, 0o700);
        assert_eq!(mode(&shared.join("new/deeper")) & 0o777, 0o700);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whoami_answer_from_another_origin_is_not_accepted() {
    let elsewhere = HostileServer::start(|_: &Seen| {
        Reply::json(&json!({"type": "user", "name": "attacker", "auth": {"accessToken": {"role": "write"}}}))
    })
    .await;
    let target = format!("{}/api/whoami-v2", elsewhere.url());
    let hub = HostileServer::start(move |_: &Seen| Reply::redirect(302, &target)).await;
    let env = MapEnv::new().with("HF_ENDPOINT", hub.url());
    let error = hf_auth::whoami::whoami(&client_for(&env).unwrap())
        .await
        .expect_err("an answer from an origin that never saw the token vouches for nothing");
    let text = error.to_string();
    assert_eq!(
        error.as_http().map(|h| h.kind()),
        Some(&HttpErrorKind::Redirect),
        "{text}"
    );
    assert!(text.contains("another origin"), "{text}");
    assert!(
        elsewhere.seen().is_empty(),
        "the other origin is never even asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_tokens_and_escape_sequences_never_reach_an_error_message() {
    let echo = |req: &Seen| {
        let auth = req.header("authorization").unwrap_or_default().to_owned();
        let other = format!("hf_{}", "Q".repeat(34));
        let message = format!("bad credentials {auth} \u{1b}]52;c;cHduZWQ=\u{7} also {other}");
        Reply::new(
            403,
            &[("x-error-message", &message.replace(['\u{1b}', '\u{7}'], ""))],
            serde_json::to_vec(&json!({"error": message})).unwrap(),
        )
    };
    let hub = HostileServer::start(echo).await;
    // A token of no known shape is masked because it is the one that was sent.
    let custom = "custom-secret-value-0123456789";
    let mut config = HubConfig::new(&hub.url()).unwrap();
    config.retry.max_attempts = 1;
    for token in [TOKEN, custom] {
        let client = HubClient::builder(config.clone())
            .token(Some(Token::new(token)))
            .build()
            .unwrap();
        let url = client.url("/api/models/x/y").unwrap();
        let error = client.get(url).send().await.unwrap_err();
        let text = error.to_string();
        assert!(!text.contains(token), "the sent token is masked: {text}");
        assert!(
            !text.contains(&"Q".repeat(34)),
            "token shapes are masked: {text}"
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(
            text.contains("\\x1b]52"),
            "escape bytes are shown escaped: {text}"
        );
        assert!(!error.server_message().unwrap_or_default().contains(token));
    }
}
