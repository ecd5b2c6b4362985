//! A local, Hub-compatible server for tests and demos.
//!
//! It serves three origins on `127.0.0.1`: the **Hub** (`endpoint()`: API, resolve,
//! LFS batch, Xet tokens, router/inference routes, admin), a **CDN** (`cdn()`: LFS
//! downloads, upload URLs and the Xet bridge, signed and expiring) and the **CAS**
//! (`cas()`: Hugging Face's own Xet CAS server, `xet-client`'s `LocalServer`, behind a
//! front that records, faults and checks tokens; see `xet.rs` and REFERENCE.md). It is an independent oracle:
//! it keeps its own wire types and depends on no `hf-*` crate.
//!
//! # Routes
//!
//! | Origin | Method | Path | What |
//! |---|---|---|---|
//! | Hub | GET | `/api/whoami-v2` | token owner, orgs, token role and fine-grained scopes |
//! | Hub | GET | `/api/{models,datasets,spaces}` | listing: `search`, `author`, `filter`, `sort`, `limit`, `expand`, `full`, `cursor` (+ `Link` rel=next) |
//! | Hub | GET | `/api/{t}/{repo}[/revision/{rev}]` | repo info (`expand`, `blobs=true`) |
//! | Hub | GET | `/api/{t}/{repo}/tree/{rev}[/{path}]` | tree (`recursive`, `expand`, 1000 per page, `Link`) |
//! | Hub | POST | `/api/{t}/{repo}/paths-info/{rev}` | form `paths=..&expand=` |
//! | Hub | GET | `/api/{t}/{repo}/refs[?include_prs=1]` | branches, tags, converts, pullRequests |
//! | Hub | GET | `/api/{t}/{repo}/commits/{rev}` | history, 50 per page (`p=`), `Link` |
//! | Hub | POST, DELETE | `/api/{t}/{repo}/branch/{branch}` | `{"startingPoint"?}` |
//! | Hub | POST | `/api/{t}/{repo}/tag/{rev}` | `{"tag","message"?}`; DELETE `/tag/{tag}` |
//! | Hub | PUT | `/api/{t}/{repo}/settings` | `{"private"?, "visibility"?, "gated"?}` |
//! | Hub | GET | `/api/settings/repositories`, `/api/organizations/{ns}/settings/repositories` | the namespace's repos with `storage` and `storagePercent` (token required; org members only) |
//! | Hub | GET | `/api/spaces/templates` | the seeded template Spaces (`demo-org/gradio-template`, name `Gradio`); `repos/create` with `template` copies one |
//! | Hub | GET | `/api/datasets/{repo}/leaderboard` | scores best first: `rank`, `modelId`, `value`, `verified`, `source`, `author` |
//! | Hub | GET | `/api/spaces/{repo}/runtime` | stage (a restart or hardware change: `BUILDING`, `APP_STARTING`, then `RUNNING` after 600 ms), hardware (`current`, `requested`), `gcTimeout` (sleep time), `devMode` |
//! | Hub | POST | `/api/spaces/{repo}/{pause,restart[?factory=true],hardware,sleeptime,dev-mode}` | `{}`, `{}`, `{"flavor","sleepTimeSeconds"?}`, `{"seconds"}`, `{"enabled"}` -> the runtime; write access |
//! | Hub | GET | `/api/spaces/{repo}/logs/{build,run}` | SSE `data: {"data","timestamp"}`; lines still due (a build in progress) arrive as they come; write access |
//! | Hub | GET | `/api/spaces/semantic-search` | `q`, `filter`, `sdk`, `includeNonRunning`: Spaces whose id, title, tags and SDK hold the words, `semanticRelevancyScore` first |
//! | Hub | GET | `/api/spaces/hardware` | the hardware catalogue (`name`, `prettyName`, `cpu`, `ram`, `accelerator`, `unitCostUSD`...) |
//! | Admin | POST | `/_admin/space-stage` | `{"repo", "stage"?, "logs"?, "build"?}`: set a Space's stage at once, append log lines |
//! | Hub | GET, POST, DELETE | `/api/spaces/{repo}/variables` | `{key: {value, updatedAt}}`; POST `{key, value}` / DELETE `{key}` need write access and answer the list |
//! | Hub | GET, POST, DELETE | `/api/spaces/{repo}/secrets` | names only (`{key: {description, updatedAt}}`, never a value); POST `{key, value, description?}`, DELETE `{key}`; write access |
//! | Hub | POST | `/api/{t}/{repo}/duplicate` | `{"repository", "visibility"?}`: files and history copied, settings not -> `{"url"}` |
//! | Hub | GET, POST | `/api/{t}/{repo}/discussions` | list (`type`, `status`, `author`, `p`; 50 a page: `{discussions, count, start}`); POST `{"title","description","pullRequest"}` opens one (a PR is a draft until a commit lands on `refs/pr/N`); a read token is refused |
//! | Hub | GET | `/api/{t}/{repo}/discussions/{num}[?diff=1]` | details: `events` (comment, status-change, title-change, commit), `changes.base`, `filesWithConflicts`, `diff` |
//! | Hub | POST | `/api/{t}/{repo}/discussions/{num}/{comment,title,status,merge}`, `…/comment/{id}/{edit,hide}` | `newMessage`, `newTitle`, `newStatus`, `updatedComment`; title and status: author or writer; merge (conflicts: 409) and hide: writer; edit: the comment's author |
//! | Hub | GET, POST | `/api/collections` | list (`owner`, `item` as `models/{id}`..., `sort`, `limit`, `cursor`; 4 items each) / create `{title, namespace?, description?, private?}` (409 with `slug` for a title used) |
//! | Hub | GET, PATCH, DELETE | `/api/collections/{slug}` | one collection / `{title?, description?, position?, private?, theme?}` -> `{data}` / delete; `collection.write` |
//! | Hub | POST | `/api/collections/{slug}/items` | `{item: {id, type}, note?}`: the item must exist (404), once (409) |
//! | Hub | PATCH, DELETE | `/api/collections/{slug}/items/{item_object_id}` | `{note?, position?}` / remove |
//! | Hub | GET | `/api/papers/search?q&limit`, `/api/papers/{id}`, `/papers/{id}.md`, `/api/daily_papers` | the seeded papers (`date`, `week`, `month`, `submitter`, `sort`, `p`, `limit`) |
//! | Hub | GET, POST | `/api/settings/webhooks` | the caller's webhooks / create `{watched, domains, url or jobSourceId, secret?, secrets?}` -> `{webhook}`; `user.webhooks.write` |
//! | Hub | GET, POST, DELETE | `/api/settings/webhooks/{id}[/enable,/disable]` | `{webhook}` (its `secret` included, as the Hub does) / update / delete |
//! | Hub | GET, POST | `/_endpoints/v2/endpoint/{ns}` | Inference Endpoints: `{items}` / deploy (hardware and quota checked; `pending`, `initializing`, then `running` after 900 ms) |
//! | Hub | GET, PUT, DELETE | `/_endpoints/v2/endpoint/{ns}/{name}` | one (secret values masked) / partial update (`updating`) / delete |
//! | Hub | POST | `/_endpoints/v2/endpoint/{ns}/{name}/{pause,resume,scale-to-zero}` | resume of a running one: 400 "already running" |
//! | Hub | GET | `/_endpoints/v2/provider/{ns}` | hardware by vendor and region, with quotas |
//! | Hub | GET, POST | `/_catalog/api/v1/catalog/list`, `/model/{repo}/deploy`, `/recipe/{id}/deploy` | the catalog (`accelerator`, `engine`, `license`, `task`, `search`, `limit`) and deploying from it -> `{endpoint}` |
//! | Admin | POST | `/_admin/endpoint-state` | `{"namespace", "name", "state"}`: set an endpoint's state at once |
//! | Hub | POST, GET | `/uploads`, `/uploads/{user}/{name}` | a discussion attachment (image, video, audio by `content-type`) -> its URL as text; served back |
//! | Hub | GET | `/api/{t}/{repo}/auth-check[/write]` | read / write access check |
//! | Hub | GET | `/api/{t}/{repo}/xet-read-token/{rev}`, `/xet-write-token/{rev}` | CAS access token (`accessToken`, `exp`, `casUrl`, `X-Xet-*` headers) |
//! | Hub | POST | `/api/{t}/{repo}/preupload/{rev}[?create_pr=1]` | upload modes (`.gitattributes` + 10 MiB rule) |
//! | Hub | POST | `/api/{t}/{repo}/commit/{rev}[?create_pr=1]` | NDJSON commit (`header`, `file`, `lfsFile`, `deletedFile`, `deletedFolder`) |
//! | Hub | POST | `/api/repos/{create,delete,move}` | repo management |
//! | Hub | POST | `/api/validate-yaml` | always `{}` |
//! | Hub | GET, HEAD | `/{prefix}{repo}/resolve/{rev}/{path}` | regular: 200 + `Range`; LFS: 302 to a signed CDN URL; Xet: 302 to the bridge with `X-Xet-Hash` and `Link: rel="xet-auth"` |
//! | Hub | POST | `/{prefix}{repo}.git/info/lfs/objects/batch` | LFS batch (basic or multipart) |
//! | Hub | POST | `/{prefix}{repo}.git/info/lfs/objects/verify` | LFS verify `{"oid","size"}` |
//! | Hub | POST | `/v1/chat/completions` | router chat (JSON or SSE) |
//! | Hub | POST | `/hf-inference/models/{id}[/pipeline/{task}|/v1/chat/completions]` | hf-inference tasks |
//! | Hub | POST, DELETE, GET | `/_admin/faults`, `/_admin/requests`, `/_admin/stats`, `/_admin/grant`, `/_admin/config` | test control (never recorded, never faulted) |
//! | CDN | GET, HEAD | `/lfs/{sha256}?expires=&sig=` | LFS bytes (`Range`, 206/416) |
//! | CDN | GET, HEAD | `/xet/{xet_hash}?expires=&sig=` | the bridge: a Xet file reconstructed from the CAS (`Range`) |
//! | CAS | * | `/v1/...`, `/v2/...` | the CAS protocol (reconstructions, xorbs, shards, dedup), Xet token required |
//! | CDN | PUT | `/upload/{oid}/{size}?expires=&sig=` | basic LFS upload |
//! | CDN | PUT | `/upload/{oid}/{size}/{chunk}/part/{n}?expires=&sig=` | multipart part (answers `ETag`) |
//! | CDN | POST | `/upload/{oid}/{size}/complete?expires=&sig=` | multipart completion |
//!
//! Renamed repos answer `307` with a relative `Location` on `/api/...` and `/resolve/...`.
//! Every response carries `X-Request-Id`; every error carries `X-Error-Message` and
//! a JSON `{"error": ...}` body, plus `X-Error-Code` where the Hub sends one.

#![allow(clippy::result_large_err)] // handlers return `Result<_, Response>` by design

// Floors, bottom up: `util` and `model` (data), `seed`, `respond` (context and shared answers),
// the handlers (`hub`, `files`, `upload`, `inference`, `faults`, `discussions`, `spaces`,
// `collections`, `papers`, `webhooks`, `endpoints`), then `router` on top.
mod blobs;
mod collections;
mod credentials;
mod demo_models;
mod discussions;
mod endpoints;
mod faults;
mod files;
mod hub;
mod inference;
mod model;
mod multipart;
mod papers;
pub mod raw;
mod respond;
mod router;
mod seed;
mod spaces;
mod state;
mod upload;
mod util;
mod webhooks;
mod xet;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use axum::Router;

pub use faults::{FaultAction, FaultRule, Origin, RecordedRequest};
pub use seed::{Seed, Tokens};
pub use state::{DEFAULT_CHUNK_SIZE, DEFAULT_MULTIPART_THRESHOLD};

/// Words of advice. What to do belongs to the caller (hf-cli's `hints`), never to a library
/// error's message: every library's tests check its messages against this one list.
pub const ADVICE_WORDS: &[&str] = &[
    "hint",
    "run `",
    "log in with",
    "log in again",
    "hf auth login",
    "retry",
    "try again",
    "request access",
    "check the",
    "copy it",
    "unset ",
    "pass ",
    "please",
    "allow network",
    "rename it",
    "free some",
];

/// Fails when `message` gives advice (one of [`ADVICE_WORDS`], in any letter case).
///
/// # Panics
/// When it does, naming the word.
pub fn assert_no_advice(message: &str) {
    let lower = message.to_lowercase();
    for word in ADVICE_WORDS {
        assert!(!lower.contains(word), "advice ({word:?}) in: {message}");
    }
}

/// The Python reference client's interpreter, `.venv/bin/python` at the workspace root
/// (`cargo xtask ci` creates it), through [`provisioned`]: `None` (skipped) when absent.
#[must_use]
pub fn python_client() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    provisioned(
        "the Python reference client in .venv (cargo xtask ci creates it)",
        python.is_file().then_some(python),
    )
}

/// A program the tests need that `cargo xtask ci` provisions (the Python client in `.venv`,
/// `duckdb`, ...), as `found` by the caller. When it is absent, a test that needs it is
/// skipped with a `skipped: ...` line on stderr, so a plain clone passes; under `CI` (set and
/// not `false`), where it must have been provisioned, its absence fails the test instead.
///
/// # Panics
/// When `found` is `None` under `CI`.
#[must_use]
pub fn provisioned(what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    #[allow(
        clippy::disallowed_methods,
        reason = "the CI switch of the test suite itself"
    )]
    let on_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    assert!(!on_ci, "{what} is missing, and CI must have it");
    #[allow(clippy::print_stderr, reason = "the test's own skip notice")]
    {
        eprintln!("skipped: {what} is missing");
    }
    None
}

use crate::blobs::Blobs;
use crate::state::{Shared, UploadConfig};

/// How to start a [`TestServer`].
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Where blobs are stored. `None` = a temporary directory removed on drop.
    pub data_dir: Option<PathBuf>,
    /// Hub port (`0` = any free port).
    pub port: u16,
    /// CDN port (`0` = any free port).
    pub cdn_port: u16,
    /// Xet CAS port (`0` = any free port).
    pub cas_port: u16,
    /// Initial content.
    pub seed: Seed,
    /// Whether repos created on this server are Xet-enabled (as on the Hub: yes).
    pub xet_by_default: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            data_dir: None,
            port: 0,
            cdn_port: 0,
            cas_port: 0,
            seed: Seed::Demo,
            xet_by_default: true,
        }
    }
}

/// A running server. Dropping it (or [`TestServer::shutdown`]) stops it.
pub struct TestServer {
    endpoint: String,
    cdn: String,
    cas: String,
    tokens: Tokens,
    data_dir: PathBuf,
    remove_data_dir: bool,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("endpoint", &self.endpoint)
            .field("cdn", &self.cdn)
            .field("cas", &self.cas)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

fn temp_data_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "hf-test-server-{}-{}",
        std::process::id(),
        util::random_hex(12)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

impl TestServer {
    /// Starts the server on its own thread with its own tokio runtime, so it works
    /// from sync tests and from inside another runtime. Returns once both ports
    /// accept connections.
    pub fn spawn(config: ServerConfig) -> std::io::Result<TestServer> {
        let (data_dir, remove_data_dir) = match config.data_dir {
            Some(d) => {
                std::fs::create_dir_all(&d)?;
                (d, false)
            }
            None => (temp_data_dir()?, true),
        };
        let hub = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.port)))?;
        let cdn = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.cdn_port)))?;
        let cas = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.cas_port)))?;
        hub.set_nonblocking(true)?;
        cdn.set_nonblocking(true)?;
        cas.set_nonblocking(true)?;
        let endpoint = format!("http://127.0.0.1:{}", hub.local_addr()?.port());
        let cdn_url = format!("http://127.0.0.1:{}", cdn.local_addr()?.port());
        let cas_url = format!("http://127.0.0.1:{}", cas.local_addr()?.port());
        // A data dir given by the caller keeps the CAS's content on disk beside the blobs.
        let cas_dir = (!remove_data_dir).then(|| data_dir.join("xet-cas"));
        let (db, tokens) = seed::build_db(config.seed);
        let shared = Arc::new(Shared {
            endpoint: endpoint.clone(),
            cdn: cdn_url.clone(),
            cas_url: cas_url.clone(),
            cas: OnceLock::new(),
            xet_by_default: config.xet_by_default,
            secret: util::random_hex(32),
            db: Mutex::new(db),
            blobs: Blobs::new(&data_dir, seed::seed_blobs()),
            assemblies: multipart::Assemblies::default(),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            cdn_auth_violations: AtomicU64::new(0),
            upload: Mutex::new(UploadConfig {
                multipart_threshold: DEFAULT_MULTIPART_THRESHOLD,
                chunk_size: DEFAULT_CHUNK_SIZE,
            }),
            log_requests: std::sync::atomic::AtomicBool::new(false),
            uplink_free_at: Mutex::new(tokio::time::Instant::now()),
        });
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hf-test-server")
            .enable_all()
            .build()?;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let hub_app = router(shared.clone(), Origin::Hub);
        let cdn_app = router(shared.clone(), Origin::Cdn);
        let cas_app = router(shared.clone(), Origin::Cas);
        // Convert the listeners inside the runtime, so errors surface here.
        let (hub_l, cdn_l, cas_l) = {
            let _guard = rt.enter();
            (
                tokio::net::TcpListener::from_std(hub)?,
                tokio::net::TcpListener::from_std(cdn)?,
                tokio::net::TcpListener::from_std(cas)?,
            )
        };
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let cas_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("hf-test-server".into())
            .spawn(move || {
                rt.block_on(async move {
                    // The CAS and the seeded Xet files first: no request may find them missing.
                    let started = async {
                        let cas = xet::Cas::start(cas_dir.as_deref()).await?;
                        for data in seed::xet_files(config.seed) {
                            cas.store(&data).await.map_err(std::io::Error::other)?;
                        }
                        let _ = cas_shared.cas.set(cas);
                        Ok(())
                    }
                    .await;
                    let failed = started.is_err();
                    let _ = ready_tx.send(started);
                    if failed {
                        return;
                    }
                    let a = tokio::spawn(async move {
                        let _ = axum::serve(hub_l, hub_app).await;
                    });
                    let b = tokio::spawn(async move {
                        let _ = axum::serve(cdn_l, cdn_app).await;
                    });
                    let c = tokio::spawn(async move {
                        let _ = axum::serve(cas_l, cas_app).await;
                    });
                    let _ = stop_rx.await;
                    a.abort();
                    b.abort();
                    c.abort();
                    let _ = a.await;
                    let _ = b.await;
                    let _ = c.await;
                });
                // The listeners are closed already (the serve tasks were awaited);
                // do not wait for idle connections or blocking threads.
                rt.shutdown_background();
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(std::io::Error::other(
                    "the server thread stopped while starting",
                ));
            }
        }
        Ok(TestServer {
            endpoint,
            cdn: cdn_url,
            cas: cas_url,
            tokens,
            data_dir,
            remove_data_dir,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`: Hub API, resolve and router routes.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `http://127.0.0.1:PORT2`: LFS downloads and upload part URLs.
    pub fn cdn(&self) -> &str {
        &self.cdn
    }

    /// `http://127.0.0.1:PORT3`: the Xet CAS (Hugging Face's own, from `xet-client`), as
    /// `xet-read-token`/`xet-write-token` name it.
    pub fn cas(&self) -> &str {
        &self.cas
    }

    /// The Inference Endpoints API's base URL on this server (`HF_INFERENCE_ENDPOINTS_URL`).
    pub fn inference_endpoints(&self) -> String {
        format!("{}/_endpoints/v2", self.endpoint)
    }

    /// The Inference Endpoints catalog's base URL on this server (`HF_INFERENCE_CATALOG_URL`).
    pub fn inference_catalog(&self) -> String {
        format!("{}/_catalog/api/v1/catalog", self.endpoint)
    }

    /// The value of the secret `key` of the Inference Endpoint `namespace/name` as it
    /// arrived (answers mask secret values; tests check what was sent).
    pub fn endpoint_secret(&self, namespace: &str, name: &str, key: &str) -> Option<String> {
        let db = self.shared.db.lock().ok()?;
        db.endpoints
            .get(&(namespace.to_owned(), name.to_owned()))?
            .spec["model"]["secrets"][key]
            .as_str()
            .map(str::to_owned)
    }

    /// Sets the state of the Inference Endpoint `namespace/name` at once (`running`, `failed`,
    /// `paused`, `scaledToZero`; `pending` deploys again), as `/_admin/endpoint-state` does.
    ///
    /// # Panics
    /// For another state (a mistake in the test).
    pub fn set_endpoint_state(&self, namespace: &str, name: &str, state: &str) {
        let Some(phase) = model::EndpointPhase::set_to(state, util::now_ms()) else {
            panic!("unknown endpoint state {state:?}");
        };
        if let Ok(mut db) = self.shared.db.lock()
            && let Some(e) = db
                .endpoints
                .get_mut(&(namespace.to_owned(), name.to_owned()))
        {
            e.phase = phase;
        }
    }

    /// The secret of the webhook `id` as it arrived (a webhook's secret signs its payloads).
    pub fn webhook_secret(&self, id: &str) -> Option<String> {
        let db = self.shared.db.lock().ok()?;
        db.webhooks.get(id)?.json["secret"]
            .as_str()
            .map(str::to_owned)
    }

    /// The server's fake tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// Adds a fault rule (rules are checked in insertion order; several may apply).
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.add_fault(rule);
    }

    /// Removes all fault rules.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// The value of the secret `key` of the Space `space_id`, as set at creation (the API
    /// never returns secrets; tests check what arrived).
    pub fn space_secret(&self, space_id: &str, key: &str) -> Option<String> {
        let db = self.shared.db.lock().ok()?;
        db.repos
            .get(&(model::RepoType::Space, space_id.to_owned()))?
            .space
            .secrets
            .get(key)
            .map(|(value, _, _)| value.clone())
    }

    /// The value of the public variable `key` of the Space `space_id`.
    pub fn space_variable(&self, space_id: &str, key: &str) -> Option<String> {
        let db = self.shared.db.lock().ok()?;
        db.repos
            .get(&(model::RepoType::Space, space_id.to_owned()))?
            .space
            .variables
            .get(key)
            .map(|(value, _)| value.clone())
    }

    /// Every request seen (admin requests excluded), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Forgets the recorded requests.
    /// A new token of `demo-user` with `role` (`read` or `write`), for a test that revokes
    /// it without spoiling the seeded ones (`POST /_admin/tokens` over HTTP).
    ///
    /// # Panics
    /// On another role.
    #[must_use]
    pub fn mint_token(&self, role: &str) -> String {
        let mut db = match self.shared.db.lock() {
            Ok(db) => db,
            Err(poisoned) => poisoned.into_inner(),
        };
        credentials::mint_token(&mut db, role)
            .unwrap_or_else(|| panic!("no such role to mint a token with: {role}"))
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Number of requests to the CDN origin that carried an `Authorization` header.
    pub fn cdn_auth_violations(&self) -> u64 {
        self.shared.cdn_auth_violations.load(Ordering::SeqCst)
    }

    /// Lets `user` download files of the gated repo `repo_id`.
    pub fn grant_gated_access(&self, user: &str, repo_id: &str) {
        self.shared.grant(user, repo_id);
    }

    /// Sets the LFS multipart threshold (objects of at least this size go multipart) and part size.
    pub fn set_multipart(&self, threshold: u64, chunk_size: u64) {
        self.shared.set_upload_config(threshold, chunk_size);
    }

    /// Test helper: commits `files` (`(path, bytes)`) to `main` of `repo_id`, creating
    /// the repo (public, owned by its namespace) if needed. `repo_type` is `"model"`,
    /// `"dataset"` or `"space"`. Paths matching the repo's `.gitattributes` LFS
    /// patterns (or of 10 MiB or more) are stored as LFS. Returns the new commit id.
    pub fn commit_files(
        &self,
        repo_type: &str,
        repo_id: &str,
        files: &[(&str, &[u8])],
    ) -> std::io::Result<String> {
        let kind = model::RepoType::from_singular(repo_type).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "unknown repo type")
        })?;
        upload::commit_files_direct(&self.shared, kind, repo_id, files)
    }

    /// Logs one line per request (`hub GET /path -> 200`) to stderr (off by default;
    /// the binary turns it on unless `--quiet`).
    pub fn log_requests(&self, on: bool) {
        self.shared.log_requests.store(on, Ordering::SeqCst);
    }

    /// Where blobs are stored.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the server; nothing is left listening afterwards.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if self.remove_data_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn router(shared: Arc<Shared>, origin: Origin) -> Router {
    let app = match origin {
        Origin::Hub => Router::new().fallback(router::dispatch),
        Origin::Cdn => Router::new().fallback(router::cdn_dispatch),
        Origin::Cas => Router::new().fallback(xet::dispatch),
    };
    app.layer(axum::middleware::from_fn_with_state(
        (shared.clone(), origin),
        faults::layer,
    ))
    .with_state(shared)
}

// The README example is compiled (and, where it needs no network, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
