//! Adversarial servers against hf-hub: unsafe tree paths, lying sizes, endless and oversized
//! bodies, redirect tricks that try to steal the token, pagination loops and malformed `Link`
//! headers, stalls. Each case must end in a clear error, in bounded time and memory, with
//! nothing written outside the cache (or target directory) and no cached file altered.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use hf_auth::Token;
use hf_auth::http::{HubConfig, RetryPolicy};
use hf_hub::api::ListReposOptions;
use hf_hub::download::{ContentHasher, DownloadOptions, HashKind};
use hf_hub::patterns::PatternFilter;
use hf_hub::{Error, HubApi, Repo, RepoId};
use serde_json::json;

use crate::hostile_server::{Body, HostileServer, Reply, Seen};

/// A named scripted answer, for tables of cases.
type NamedReply = (&'static str, fn() -> Reply);
/// A scripted answer that captures data.
type SharedReply = Arc<dyn Fn() -> Reply + Send + Sync>;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const TOKEN: &str = "hf_fakeHostileTestTokenNotARealOne";
const REPO: &str = "org/name";

fn git_sha1(bytes: &[u8]) -> String {
    let mut hasher = ContentHasher::new(HashKind::GitSha1, bytes.len() as u64);
    hasher.update(bytes);
    hasher.finish()
}

fn repo() -> Repo {
    Repo::model(RepoId::new(REPO).unwrap())
}

/// A client for `endpoint` with fast retries and a short read timeout.
fn api_for(endpoint: &str) -> HubApi {
    let mut config = HubConfig::new(endpoint).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    config.read_timeout = Duration::from_secs(2);
    config.metadata_timeout = Duration::from_secs(3);
    HubApi::new(config, Some(Token::new(TOKEN.to_owned()))).unwrap()
}

/// A tiny fake Hub: `revision` -> COMMIT, `tree` -> `entries`, resolve -> `files` (regular files).
fn fake_hub(
    entries: serde_json::Value,
    files: HashMap<String, Vec<u8>>,
) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    let files = Arc::new(files);
    move |req: &Seen| {
        let path = req.path().to_owned();
        if path == format!("/api/models/{REPO}/revision/main") {
            return Reply::json(&json!({"id": REPO, "sha": COMMIT}));
        }
        if path.starts_with(&format!("/api/models/{REPO}/tree/")) {
            return Reply::json(&entries);
        }
        if let Some(file) = path.strip_prefix(&format!("/{REPO}/resolve/{COMMIT}/")) {
            let file = percent_decode(file);
            return match files.get(&file) {
                Some(bytes) => {
                    let etag = format!("\"{}\"", git_sha1(bytes));
                    let body = if req.method == "HEAD" {
                        Vec::new()
                    } else {
                        bytes.clone()
                    };
                    let len = bytes.len().to_string();
                    let mut reply = Reply::new(
                        200,
                        &[
                            ("x-repo-commit", COMMIT),
                            ("etag", &etag),
                            ("content-length", &len),
                        ],
                        body,
                    );
                    if req.method == "HEAD" {
                        reply.body = Body::Bytes(Vec::new());
                    }
                    reply
                }
                None => Reply::new(404, &[("x-error-code", "EntryNotFound")], "{}"),
            };
        }
        Reply::new(404, &[], "{}")
    }
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = (b == b'%' && tail.len() >= 2)
            .then(|| std::str::from_utf8(&tail[..2]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(decoded) => {
                out.push(decoded);
                rest = &tail[2..];
            }
            None => {
                out.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn file_entry(path: &str, bytes: &[u8]) -> serde_json::Value {
    json!({"type": "file", "path": path, "oid": git_sha1(bytes), "size": bytes.len()})
}

/// Every file (not directory) under `dir`, symlinks included, as paths relative to `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_owned());
            }
        }
    }
    out.sort();
    out
}

/// A sandbox: `root/cache` (the cache), `root/target` (a local dir), `root` must hold nothing else.
struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("cache")).unwrap();
        std::fs::create_dir_all(root.path().join("target")).unwrap();
        Self { root }
    }
    fn cache(&self) -> PathBuf {
        self.root.path().join("cache")
    }
    fn target(&self) -> PathBuf {
        self.root.path().join("target")
    }
    /// Files written anywhere in the sandbox outside `cache/` and `target/`.
    fn written_outside(&self) -> Vec<PathBuf> {
        files_under(self.root.path())
            .into_iter()
            .filter(|p| !p.starts_with("cache") && !p.starts_with("target"))
            .collect()
    }
}

const UNSAFE_PATHS: &[&str] = &[
    "../escape.txt",
    "../../escape.txt",
    "/tmp/absolute-escape.txt",
    "a/../../escape.txt",
    "a/./b.txt",
    "..\\escape.txt",
    "a\\..\\..\\escape.txt",
    "nul\0byte.txt",
    "C:/windows/escape.txt",
    "a//b.txt",
    "trailing/",
    "",
];

#[tokio::test]
async fn unsafe_tree_paths_are_refused_before_anything_is_downloaded() {
    let good = b"good content".to_vec();
    for bad in UNSAFE_PATHS {
        for local_dir in [false, true] {
            let entries = json!([file_entry("good.txt", &good), file_entry(bad, b"evil")]);
            let files = HashMap::from([
                ("good.txt".to_owned(), good.clone()),
                ((*bad).to_owned(), b"evil".to_vec()),
            ]);
            let server = HostileServer::start(fake_hub(entries, files)).await;
            let sandbox = Sandbox::new();
            let mut options = DownloadOptions::new(sandbox.cache());
            if local_dir {
                options.local_dir = Some(sandbox.target());
            }
            let result = api_for(&server.url())
                .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
                .await;
            let error = result.expect_err(&format!("{bad:?} must be refused"));
            assert!(
                matches!(error, Error::UnsafePath { .. })
                    && error.to_string().contains("refusing the path"),
                "{bad:?}: {error}"
            );
            assert!(
                sandbox.written_outside().is_empty(),
                "{bad:?}: {:?}",
                sandbox.written_outside()
            );
            assert!(
                !server.seen().iter().any(|r| r.target.contains("/resolve/")),
                "{bad:?}: nothing may be downloaded once the listing holds an unsafe path"
            );
            let written: Vec<_> = files_under(&sandbox.cache())
                .into_iter()
                .chain(files_under(&sandbox.target()))
                .filter(|p| !p.to_string_lossy().contains("CACHEDIR.TAG"))
                .collect();
            assert!(
                written.is_empty(),
                "{bad:?} (local_dir={local_dir}): {written:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_unsafe_etag_in_a_head_answer_cannot_name_a_path() {
    // The blob name comes from the server's ETag: a traversal there must be refused.
    let server = HostileServer::start(|req: &Seen| {
        Reply::new(
            200,
            &[
                ("x-repo-commit", COMMIT),
                ("etag", "\"../../../../escape\""),
                ("content-length", "4"),
            ],
            if req.method == "HEAD" {
                Vec::new()
            } else {
                b"evil".to_vec()
            },
        )
    })
    .await;
    for local_dir in [false, true] {
        let sandbox = Sandbox::new();
        let mut options = DownloadOptions::new(sandbox.cache());
        if local_dir {
            options.local_dir = Some(sandbox.target());
        }
        let error = api_for(&server.url())
            .download_file(&repo(), "config.json", None, &options)
            .await
            .expect_err("an etag that is not a hash must be refused");
        assert!(matches!(error, Error::Protocol(_)), "{error}");
        assert!(
            sandbox.written_outside().is_empty(),
            "{:?}",
            sandbox.written_outside()
        );
        let written: Vec<_> = files_under(sandbox.root.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("escape"))
            .collect();
        assert!(written.is_empty(), "{written:?}");
    }
}

#[tokio::test]
async fn very_long_names_fail_with_a_clear_error() {
    let long_segment = "x".repeat(300);
    let deep = vec!["d".repeat(200); 30].join("/") + "/f.txt";
    for name in [long_segment.as_str(), deep.as_str()] {
        let entries = json!([file_entry(name, b"long")]);
        let files = HashMap::from([(name.to_owned(), b"long".to_vec())]);
        let server = HostileServer::start(fake_hub(entries, files)).await;
        let sandbox = Sandbox::new();
        let options = DownloadOptions::new(sandbox.cache());
        let error = api_for(&server.url())
            .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
            .await
            .expect_err("a name the file system cannot hold fails");
        let text = error.to_string();
        assert!(
            matches!(error, Error::Io { .. } | Error::Protocol(_)),
            "unexpected error kind: {text}"
        );
        assert!(text.len() < 16 * 1024, "the message stays readable");
        assert!(sandbox.written_outside().is_empty());
    }
}

#[tokio::test]
async fn symlink_looking_and_conflicting_entries_never_escape_the_snapshot() {
    let sandbox = Sandbox::new();
    let outside = sandbox.root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let link_name = format!("sub -> {}", outside.display());
    let entries = json!([
        {"type": "symlink", "path": "sub", "oid": git_sha1(b"x"), "size": 1, "target": outside},
        {"type": "directory", "path": "dir", "oid": "", "size": 0},
        file_entry(&link_name, b"arrow"),
        file_entry("a", b"file a"),
        file_entry("a/b", b"file under a"),
    ]);
    let files = HashMap::from([
        (link_name.clone(), b"arrow".to_vec()),
        ("a".to_owned(), b"file a".to_vec()),
        ("a/b".to_owned(), b"file under a".to_vec()),
    ]);
    let server = HostileServer::start(fake_hub(entries, files)).await;
    let options = DownloadOptions::new(sandbox.cache()).with_max_workers(1);
    // "a" as a file and as a directory cannot both exist: an error, not a corrupt snapshot.
    let result = api_for(&server.url())
        .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
        .await;
    assert!(
        result.is_err(),
        "a path that is both a file and a directory must fail"
    );
    assert!(
        files_under(&outside).is_empty(),
        "nothing may be written through a symlink-looking entry"
    );
    // Every symlink in the cache points at a blob of this repo.
    let snapshots = sandbox
        .cache()
        .join(format!("models--org--name/snapshots/{COMMIT}"));
    for rel in files_under(&snapshots) {
        let path = snapshots.join(&rel);
        if let Ok(target) = std::fs::read_link(&path) {
            let resolved = std::fs::canonicalize(&path).unwrap();
            assert!(
                resolved.starts_with(
                    std::fs::canonicalize(sandbox.cache())
                        .unwrap()
                        .join("models--org--name/blobs")
                ),
                "{rel:?} -> {target:?}"
            );
        }
    }
    assert!(
        sandbox
            .written_outside()
            .iter()
            .all(|p| !p.starts_with("outside"))
    );
}

/// HEAD answers with `size` as X-Linked-Size / Content-Length while GET sends `body`.
fn lying_size_hub(
    announced: u64,
    body: Vec<u8>,
    etag: String,
) -> impl Fn(&Seen) -> Reply + Send + Sync {
    move |req: &Seen| {
        let etag = format!("\"{etag}\"");
        let announced = announced.to_string();
        if req.method == "HEAD" {
            let mut reply = Reply::new(
                200,
                &[
                    ("x-repo-commit", COMMIT),
                    ("etag", &etag),
                    ("x-linked-size", &announced),
                    ("content-length", &announced),
                ],
                Vec::new(),
            );
            reply.body = Body::Bytes(Vec::new());
            reply
        } else {
            Reply::streaming(
                200,
                &[("x-repo-commit", COMMIT), ("etag", &etag)],
                Body::Bytes(body.clone()),
            )
        }
    }
}

#[tokio::test]
async fn sizes_that_lie_end_in_an_error_and_keep_no_blob() {
    let real = b"the real content of the file".to_vec();
    let etag = git_sha1(&real);
    // Announced smaller than sent, then larger than sent.
    for (announced, body) in [(5u64, real.clone()), (1_000_000, real.clone())] {
        let server = HostileServer::start(lying_size_hub(announced, body, etag.clone())).await;
        let sandbox = Sandbox::new();
        let options = DownloadOptions::new(sandbox.cache());
        let started = Instant::now();
        let error = api_for(&server.url())
            .download_file(&repo(), "f.txt", None, &options)
            .await
            .expect_err("a lying size must fail");
        assert!(started.elapsed() < Duration::from_secs(30), "bounded time");
        let text = error.to_string();
        assert!(
            text.contains("more than the") || text.contains("ended after"),
            "{announced}: {text}"
        );
        let blobs = sandbox.cache().join("models--org--name/blobs");
        let complete: Vec<_> = files_under(&blobs)
            .into_iter()
            .filter(|p| !p.to_string_lossy().contains(".incomplete"))
            .collect();
        assert!(complete.is_empty(), "no blob may be kept: {complete:?}");
        assert!(
            !sandbox
                .cache()
                .join(format!("models--org--name/snapshots/{COMMIT}/f.txt"))
                .exists()
        );
    }
}

#[tokio::test]
async fn an_endless_file_body_is_cut_at_the_announced_size() {
    let etag = "1111111111111111111111111111111111111111".to_owned();
    let server = HostileServer::start(move |req: &Seen| {
        let etag = format!("\"{etag}\"");
        if req.method == "HEAD" {
            let mut r = Reply::new(
                200,
                &[
                    ("x-repo-commit", COMMIT),
                    ("etag", &etag),
                    ("content-length", "1048576"),
                ],
                Vec::new(),
            );
            r.body = Body::Bytes(Vec::new());
            r
        } else {
            Reply::streaming(200, &[], Body::Endless(vec![b'z'; 64 * 1024]))
        }
    })
    .await;
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let error = api_for(&server.url())
        .download_file(
            &repo(),
            "f.bin",
            None,
            &DownloadOptions::new(sandbox.cache()),
        )
        .await
        .expect_err("an endless body must fail");
    assert!(
        error.to_string().contains("more than the 1048576 bytes"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        server.body_bytes_sent() < 64 * 1024 * 1024,
        "the client stopped reading"
    );
    assert!(files_under(&sandbox.cache().join("models--org--name/blobs")).is_empty());
}

#[tokio::test]
async fn an_existing_cached_file_is_never_altered_by_a_bad_answer() {
    let good = b"good cached content".to_vec();
    let good_etag = git_sha1(&good);
    let sandbox = Sandbox::new();
    // First: a healthy download fills the cache.
    {
        let entries = json!([file_entry("f.txt", &good)]);
        let files = HashMap::from([("f.txt".to_owned(), good.clone())]);
        let server = HostileServer::start(fake_hub(entries, files)).await;
        api_for(&server.url())
            .snapshot_download(
                &repo(),
                None,
                &PatternFilter::default(),
                &DownloadOptions::new(sandbox.cache()),
            )
            .await
            .unwrap();
    }
    let pointer = sandbox
        .cache()
        .join(format!("models--org--name/snapshots/{COMMIT}/f.txt"));
    assert_eq!(std::fs::read(&pointer).unwrap(), good);
    // Then a hostile server claims the same blob id for other bytes, with force_download.
    let server = HostileServer::start(lying_size_hub(
        good.len() as u64,
        b"EVIL EVIL EVIL EVIL".to_vec(),
        good_etag.clone(),
    ))
    .await;
    let options = DownloadOptions::new(sandbox.cache()).with_force_download(true);
    let error = api_for(&server.url())
        .download_file(&repo(), "f.txt", Some(COMMIT), &options)
        .await
        .expect_err("bytes that do not match the etag are refused");
    assert!(matches!(error, Error::Integrity { .. }), "{error}");
    assert_eq!(
        std::fs::read(&pointer).unwrap(),
        good,
        "the cached file is unchanged"
    );
    let blob = sandbox
        .cache()
        .join("models--org--name/blobs")
        .join(&good_etag);
    assert_eq!(std::fs::read(blob).unwrap(), good);
}

#[tokio::test]
async fn oversized_and_endless_json_bodies_are_refused_with_bounded_memory() {
    // A declared 300 MB body, an undeclared endless one, and a gzip "bomb" on a JSON endpoint.
    let bomb = gzip_bomb(256 * 1024 * 1024);
    let cases: Vec<(&str, SharedReply)> = vec![
        (
            "declared",
            Arc::new(|| {
                Reply::streaming(
                    200,
                    &[
                        ("content-type", "application/json"),
                        ("content-length", "300000000"),
                    ],
                    Body::Endless(b"[{\"type\":\"file\",\"path\":\"a\"},".repeat(1000)),
                )
            }),
        ),
        (
            "endless",
            Arc::new(|| {
                Reply::streaming(
                    200,
                    &[("content-type", "application/json")],
                    Body::Endless(b"[[[[[[[[[[".repeat(4096)),
                )
            }),
        ),
        (
            "gzip",
            Arc::new(move || {
                Reply::new(
                    200,
                    &[
                        ("content-type", "application/json"),
                        ("content-encoding", "gzip"),
                    ],
                    bomb.clone(),
                )
            }),
        ),
    ];
    for (name, body) in cases {
        let server = HostileServer::start(move |req: &Seen| {
            if req.path().ends_with("/revision/main") {
                Reply::json(&json!({"sha": COMMIT}))
            } else {
                body()
            }
        })
        .await;
        let sandbox = Sandbox::new();
        let started = Instant::now();
        let error = api_for(&server.url())
            .snapshot_download(
                &repo(),
                None,
                &PatternFilter::default(),
                &DownloadOptions::new(sandbox.cache()),
            )
            .await
            .expect_err("an oversized listing must fail");
        let text = error.to_string();
        assert!(
            text.contains("larger than")
                || text.contains("more than")
                || text.contains("not a valid listing"),
            "{name}: {text}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{name}: bounded time"
        );
        // The limit is 64 MiB: the client must hang up long before the server runs dry.
        assert!(
            server.body_bytes_sent() < 100 * 1024 * 1024,
            "{name}: {} bytes read",
            server.body_bytes_sent()
        );
        assert!(sandbox.written_outside().is_empty());
    }
}

/// A gzip member whose deflate stream expands to `size` zero bytes (fixed-Huffman back-references),
/// about 1/160 of its expanded size.
fn gzip_bomb(size: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        // Deflate packs bits LSB-first; Huffman codes are written MSB-first.
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        fn code(&mut self, code: u64, len: u32) {
            let mut reversed = 0;
            for i in 0..len {
                reversed |= ((code >> i) & 1) << (len - 1 - i);
            }
            self.put(reversed, len);
        }
    }
    let mut bits = Bits {
        out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    bits.code(0b0011_0000, 8); // literal 0
    let mut written = 1;
    while written + 258 <= size {
        bits.code(0b1100_0101, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1
        written += 258;
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    let mut out = bits.out;
    out.extend_from_slice(&0u32.to_le_bytes()); // CRC (not checked: nothing may inflate this)
    out.extend_from_slice(&(written as u32).to_le_bytes());
    out
}

#[tokio::test]
async fn the_token_never_follows_a_download_to_another_origin() {
    // The Hub redirects the file to "evil" (plainly, through a host alias, scheme-relative),
    // which bounces back to the Hub: no hop after the first may carry the token.
    let hub_url: Arc<std::sync::OnceLock<String>> = Arc::default();
    let evil = {
        let hub_url = hub_url.clone();
        HostileServer::start(move |req: &Seen| {
            Reply::redirect(
                302,
                &format!("{}/back{}", hub_url.get().unwrap(), req.target),
            )
        })
        .await
    };
    let evil_url = evil.url();
    let evil_port = evil.port();
    let content = b"payload".to_vec();
    let etag = git_sha1(&content);
    let hub = {
        let content = content.clone();
        HostileServer::start(move |req: &Seen| {
            let etag_header = format!("\"{etag}\"");
            let size = content.len().to_string();
            if req.target.starts_with("/back/") {
                return Reply::new(200, &[], content.clone());
            }
            let location = match req.path() {
                p if p.ends_with("/resolve/main/plain.txt") => format!("{evil_url}/cdn/plain.txt"),
                p if p.ends_with("/resolve/main/alias.txt") => {
                    format!("http://localhost:{evil_port}/cdn/alias.txt")
                }
                p if p.ends_with("/resolve/main/relative.txt") => {
                    format!("//127.0.0.1:{evil_port}/cdn/relative.txt")
                }
                _ => return Reply::new(404, &[], "{}"),
            };
            Reply::new(
                302,
                &[
                    ("x-repo-commit", COMMIT),
                    ("x-linked-etag", &etag_header),
                    ("x-linked-size", &size),
                    ("location", &location),
                ],
                Vec::new(),
            )
        })
        .await
    };
    hub_url.set(hub.url()).unwrap();
    for file in ["plain.txt", "alias.txt", "relative.txt"] {
        let sandbox = Sandbox::new();
        let path = api_for(&hub.url())
            .download_file(&repo(), file, None, &DownloadOptions::new(sandbox.cache()))
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(std::fs::read(path).unwrap(), content);
    }
    assert!(
        evil.seen().len() >= 3,
        "the downloads went through the other origin"
    );
    for req in evil.seen() {
        assert!(
            req.header("authorization").is_none(),
            "token sent to another origin: {}",
            req.target
        );
    }
    let back: Vec<Seen> = hub
        .seen()
        .into_iter()
        .filter(|r| r.target.starts_with("/back/"))
        .collect();
    assert!(!back.is_empty());
    for req in back {
        assert!(
            req.header("authorization").is_none(),
            "token re-attached after leaving the Hub: {}",
            req.target
        );
    }
    assert!(
        hub.seen()
            .iter()
            .any(|r| r.header("authorization").is_some()),
        "the Hub itself gets the token"
    );
}

#[tokio::test]
async fn redirects_with_credentials_are_refused() {
    let evil = HostileServer::start(|_req: &Seen| Reply::new(200, &[], "owned")).await;
    let evil_port = evil.port();
    let hub = HostileServer::start(move |req: &Seen| {
        let hub_host = req.header("host").unwrap_or_default().to_owned();
        let location = match req.path() {
            p if p.ends_with("/a.txt") => format!("http://hub@127.0.0.1:{evil_port}/a.txt"),
            p if p.ends_with("/b.txt") => format!("http://{hub_host}@127.0.0.1:{evil_port}/b.txt"),
            p if p.ends_with("/c.txt") => format!("http://user:pass@{hub_host}/c.txt"),
            _ => "file:///etc/passwd".to_owned(),
        };
        Reply::new(
            302,
            &[
                ("x-repo-commit", COMMIT),
                (
                    "x-linked-etag",
                    "\"1111111111111111111111111111111111111111\"",
                ),
                ("x-linked-size", "5"),
                ("location", &location),
            ],
            Vec::new(),
        )
    })
    .await;
    for file in ["a.txt", "b.txt", "c.txt", "d.txt"] {
        let sandbox = Sandbox::new();
        let error = api_for(&hub.url())
            .download_file(&repo(), file, None, &DownloadOptions::new(sandbox.cache()))
            .await
            .expect_err(file);
        let text = error.to_string();
        assert!(!text.contains(TOKEN), "{text}");
        assert!(
            !text.contains("pass"),
            "credentials in the location are not echoed: {text}"
        );
    }
    assert!(
        evil.seen()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "no token ever reaches the other origin"
    );
    assert!(
        hub.seen()
            .iter()
            .filter(|r| r.method == "GET")
            .all(|r| r.header("authorization").is_none()),
        "a location with userinfo is never followed with the token"
    );
}

/// Serves pages of repos; `link(n)` is the Link header of page `n`.
async fn paging_server(
    link: impl Fn(u64, &str) -> Option<String> + Send + Sync + 'static,
) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        let page: u64 = req
            .target
            .split("page=")
            .nth(1)
            .and_then(|p| p.split('&').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let host = req.header("host").unwrap_or_default().to_owned();
        let body = serde_json::to_vec(&json!([{"id": format!("org/repo-{page}")}])).unwrap();
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if let Some(link) = link(page, &host) {
            headers.push(("link".to_owned(), link));
        }
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Reply::new(200, &headers, body)
    })
    .await
}

#[tokio::test]
async fn pagination_loops_end_with_an_error() {
    // Page 0 -> 1 -> 2 -> 0 -> ...: a cycle longer than one page.
    let server = paging_server(|page, host| {
        Some(format!(
            "<http://{host}/api/models?page={}>; rel=\"next\"",
            (page + 1) % 3
        ))
    })
    .await;
    let api = api_for(&server.url());
    let listing = tokio::time::timeout(Duration::from_secs(30), async {
        api.list_models(&ListReposOptions::default())
            .unwrap()
            .collect::<Vec<_>>()
            .await
    })
    .await
    .expect("a pagination loop must not run forever");
    let error = listing
        .iter()
        .find_map(|r| r.as_ref().err())
        .expect("the loop is reported");
    assert!(error.to_string().contains("loop"), "{error}");
    assert!(
        server.seen().len() <= 4,
        "{} pages fetched",
        server.seen().len()
    );

    // The tree listing follows the same rule.
    let tree = paging_server(|page, host| {
        Some(format!(
            "<http://{host}/api/models/{REPO}/tree/main?page={}>; rel=\"next\"",
            (page + 1) % 2
        ))
    })
    .await;
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        api_for(&tree.url()).list_repo_tree(&repo(), "main", None, true),
    )
    .await
    .expect("a tree pagination loop must not run forever");
    assert!(result.is_err());
}

#[tokio::test]
async fn malformed_link_headers_end_the_listing_cleanly() {
    for link in [
        "<>; rel=\"next\"",
        "garbage",
        "<http://[::1>; rel=next",
        "<file:///etc/passwd>; rel=\"next\"",
        "<javascript:alert(1)>; rel=next",
        "<http://127.0.0.1:1/unreachable>; rel=\"next\"",
        ";;;,,,<<<>>>",
    ] {
        let link = link.to_owned();
        let server = paging_server(move |page, _host| (page == 0).then(|| link.clone())).await;
        let outcome = tokio::time::timeout(Duration::from_secs(30), async {
            api_for(&server.url())
                .list_models(&ListReposOptions::default())
                .unwrap()
                .collect::<Vec<_>>()
                .await
        })
        .await
        .expect("bounded time");
        assert!(
            outcome.first().is_some_and(Result::is_ok),
            "the first page is returned"
        );
        assert!(outcome.len() <= 2, "{outcome:?}");
        if let Some(Err(error)) = outcome.get(1) {
            assert!(!error.to_string().contains(TOKEN));
        }
        assert!(server.seen().len() <= 2);
    }
}

#[tokio::test]
async fn stalled_answers_hit_the_read_timeout() {
    // No head at all, a head and then silence, a body that stops halfway.
    let cases: Vec<NamedReply> = vec![
        ("no answer", Reply::stall),
        ("head only", || {
            Reply::streaming(200, &[("content-type", "application/json")], Body::Stall)
        }),
        ("half a body", || {
            Reply {
            head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close".to_owned(),
            body: Body::Drip {
                chunks: vec![b"[{\"type\":".to_vec()],
                every: Duration::from_secs(3600),
                forever: false,
            },
        }
        }),
    ];
    for (name, reply) in cases {
        let server = HostileServer::start(move |req: &Seen| {
            if req.path().ends_with("/revision/main") {
                Reply::json(&json!({"sha": COMMIT}))
            } else {
                reply()
            }
        })
        .await;
        let sandbox = Sandbox::new();
        let started = Instant::now();
        let error = api_for(&server.url())
            .snapshot_download(
                &repo(),
                None,
                &PatternFilter::default(),
                &DownloadOptions::new(sandbox.cache()),
            )
            .await
            .expect_err(name);
        let elapsed = started.elapsed();
        // read timeout 2 s, 2 attempts.
        assert!(elapsed < Duration::from_secs(15), "{name}: {elapsed:?}");
        assert!(
            error.http_kind() == Some(&hf_hub::HttpErrorKind::Timeout)
                || error.to_string().contains("stalled")
                || error.to_string().contains("no answer in time"),
            "{name}: {error}"
        );
    }
}

#[tokio::test]
async fn unsafe_commit_paths_are_refused_before_any_request() {
    let server = HostileServer::start(|_req: &Seen| Reply::json(&json!({}))).await;
    let commit = hf_hub::upload::CommitOptions::default().with_message("evil".to_owned());
    for bad in [
        "../escape.txt",
        "a/../../escape.txt",
        "a\\..\\escape.txt",
        "nul\0.txt",
        "a//b.txt",
        ".git/config",
        "x/.cache/huggingface/y",
        "",
    ] {
        for operation in [
            hf_hub::upload::CommitOperation::add_bytes(bad, b"x".to_vec()),
            hf_hub::upload::CommitOperation::delete_file(bad),
        ] {
            let error = api_for(&server.url())
                .create_commit(
                    &repo(),
                    vec![operation],
                    &commit,
                    &hf_hub::upload::UploadOptions::default(),
                )
                .await
                .expect_err(bad);
            assert!(matches!(error, Error::InvalidInput(_)), "{bad:?}: {error}");
        }
    }
    assert!(
        server.seen().is_empty(),
        "nothing may be sent for an unsafe path"
    );
}

#[tokio::test]
async fn absurd_sizes_in_a_listing_fail_cleanly() {
    // Sizes near u64::MAX must not overflow a total (a panic in debug builds, a wrong total
    // in release) and must end in an error, not a crash.
    let entries = json!([
        {"type": "file", "path": "a.bin", "oid": git_sha1(b"a"), "size": u64::MAX},
        {"type": "file", "path": "b.bin", "oid": git_sha1(b"b"), "size": u64::MAX - 1},
    ]);
    let files = HashMap::from([
        ("a.bin".to_owned(), b"a".to_vec()),
        ("b.bin".to_owned(), b"b".to_vec()),
    ]);
    for local_dir in [false, true] {
        let server = HostileServer::start(fake_hub(entries.clone(), files.clone())).await;
        let sandbox = Sandbox::new();
        let mut options = DownloadOptions::new(sandbox.cache());
        if local_dir {
            options.local_dir = Some(sandbox.target());
        }
        let outcome = tokio::spawn(async move {
            api_for(&server.url())
                .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await;
        let outcome = outcome.expect("no panic on absurd sizes");
        assert!(outcome.is_err(), "local_dir={local_dir}: {outcome:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_cache_with_symlink_loops_and_links_outside_is_scanned_safely() {
    // The cache directory is input too: links that loop or leave it must not hang the scan
    // (nor overflow its stack), and nothing outside may be counted or touched.
    let sandbox = Sandbox::new();
    let repo_dir = sandbox.cache().join("models--org--loops");
    let snapshot = repo_dir.join("snapshots").join(COMMIT);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo_dir.join("blobs")).unwrap();
    std::fs::create_dir_all(repo_dir.join("refs")).unwrap();
    std::fs::write(repo_dir.join("refs/main"), COMMIT).unwrap();
    let outside = sandbox.root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("big.bin"), vec![0u8; 4096]).unwrap();
    let link = |target: &Path, at: PathBuf| std::os::unix::fs::symlink(target, at).unwrap();
    link(Path::new("."), repo_dir.join("refs/loop"));
    link(Path::new(".."), repo_dir.join("refs/up"));
    link(Path::new("."), snapshot.join("self"));
    link(&outside, snapshot.join("outside-dir"));
    link(&outside.join("big.bin"), snapshot.join("outside-file"));
    link(Path::new("../../blobs/missing"), snapshot.join("dangling"));
    link(
        &sandbox.cache(),
        sandbox.cache().join("models--org--root-loop"),
    );
    let started = Instant::now();
    let info = std::thread::spawn({
        let cache = sandbox.cache();
        move || hf_hub::cache::scan_cache(&cache).map(|i| i.repos.len())
    })
    .join()
    .expect("the scan must not crash");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(info.is_ok(), "{info:?}");
    assert_eq!(std::fs::read(outside.join("big.bin")).unwrap().len(), 4096);
}

#[cfg(unix)]
#[test]
fn deleting_a_revision_never_deletes_a_linked_file_outside_the_cache() {
    let sandbox = Sandbox::new();
    let repo_dir = sandbox.cache().join("models--org--links");
    let blobs = repo_dir.join("blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    let outside = sandbox.root.path().join("precious.txt");
    std::fs::write(&outside, b"not the cache's").unwrap();
    let (old, new) = (COMMIT, "89abcdef0123456789abcdef0123456789abcdef");
    for commit in [old, new] {
        std::fs::create_dir_all(repo_dir.join("snapshots").join(commit)).unwrap();
    }
    let etag = git_sha1(b"own blob");
    std::fs::write(blobs.join(&etag), b"own blob").unwrap();
    let old_dir = repo_dir.join("snapshots").join(old);
    std::os::unix::fs::symlink(&outside, old_dir.join("linked-out.txt")).unwrap();
    std::os::unix::fs::symlink(format!("../../blobs/{etag}"), old_dir.join("own.txt")).unwrap();
    std::fs::write(repo_dir.join("snapshots").join(new).join("other.txt"), b"x").unwrap();
    let info = hf_hub::cache::scan_cache(&sandbox.cache()).unwrap();
    let repo = info
        .repos
        .iter()
        .find(|r| r.repo_id == "org/links")
        .unwrap();
    let summary = info.delete_revisions(repo, &[old], false).unwrap();
    assert!(
        outside.exists(),
        "a file outside the cache was deleted: {:?}",
        summary.paths
    );
    assert_eq!(std::fs::read(&outside).unwrap(), b"not the cache's");
    assert!(!old_dir.exists(), "the revision itself is gone");
    assert!(
        !blobs.join(&etag).exists(),
        "its own unshared blob is freed"
    );
}

// ----- Issue: hostile trees (.git, bookkeeping, symlinked folders, endless listings) -----

/// Entries that name git's folder or the local-dir bookkeeping, in any letter case.
const RESERVED_PATHS: &[&str] = &[
    ".git/config",
    "sub/.GIT/hooks/post-checkout",
    "a/.git./x",
    ".cache/huggingface/download/good.txt.metadata",
    ".cache/huggingface/.gitignore",
    "x/.Cache/HuggingFace/y",
];

#[tokio::test]
async fn git_and_bookkeeping_entries_are_refused_before_anything_is_written() {
    let good = b"good content".to_vec();
    for reserved in RESERVED_PATHS {
        for local_dir in [false, true] {
            let entries = json!([file_entry("good.txt", &good), file_entry(reserved, b"evil")]);
            let files = HashMap::from([
                ("good.txt".to_owned(), good.clone()),
                (
                    (*reserved).to_owned(),
                    b"[core]\n\tfsmonitor = touch pwned\n".to_vec(),
                ),
            ]);
            let server = HostileServer::start(fake_hub(entries, files)).await;
            let sandbox = Sandbox::new();
            // The target is a git checkout.
            let git_config = sandbox.target().join(".git/config");
            std::fs::create_dir_all(git_config.parent().unwrap()).unwrap();
            std::fs::write(&git_config, b"[core]\n").unwrap();
            let mut options = DownloadOptions::new(sandbox.cache());
            if local_dir {
                options.local_dir = Some(sandbox.target());
            }
            let error = api_for(&server.url())
                .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
                .await
                .expect_err(&format!("{reserved} must be refused"));
            let text = error.to_string();
            assert!(
                matches!(&error, Error::UnsafePath { path, .. } if path == reserved),
                "{reserved}: {text}"
            );
            assert!(text.contains(reserved), "the error names the entry: {text}");
            assert_eq!(
                std::fs::read(&git_config).unwrap(),
                b"[core]\n",
                "{reserved}"
            );
            assert!(
                !server.seen().iter().any(|r| r.target.contains("/resolve/")),
                "{reserved}: nothing is downloaded once the listing holds it"
            );
            let written: Vec<_> = files_under(&sandbox.cache())
                .into_iter()
                .chain(files_under(&sandbox.target()))
                .filter(|p| !p.to_string_lossy().contains("CACHEDIR.TAG") && !p.starts_with(".git"))
                .collect();
            assert!(
                written.is_empty(),
                "{reserved} (local_dir={local_dir}): {written:?}"
            );
            // Excluding it downloads the rest.
            let skip = PatternFilter::new(None::<Vec<String>>, [(*reserved).to_owned()]);
            api_for(&server.url())
                .snapshot_download(&repo(), None, &skip, &options)
                .await
                .unwrap_or_else(|e| panic!("{reserved} excluded: {e}"));
            assert_eq!(std::fs::read(&git_config).unwrap(), b"[core]\n");
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn symlinked_folders_inside_the_local_dir_never_lead_out() {
    let good = b"good content".to_vec();
    // (link inside the target, entry the listing names)
    for (link, entry) in [
        ("sub", "sub/file.txt"),
        ("deep/er", "deep/er/x/file.txt"),
        (".cache", "good.txt"),
    ] {
        let entries = json!([file_entry("good.txt", &good), file_entry(entry, &good)]);
        let files = HashMap::from([
            ("good.txt".to_owned(), good.clone()),
            (entry.to_owned(), good.clone()),
        ]);
        let server = HostileServer::start(fake_hub(entries, files)).await;
        let sandbox = Sandbox::new();
        let outside = sandbox.root.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let link_path = sandbox.target().join(link);
        std::fs::create_dir_all(link_path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&outside, &link_path).unwrap();
        let mut options = DownloadOptions::new(sandbox.cache());
        options.local_dir = Some(sandbox.target());
        let error = api_for(&server.url())
            .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
            .await
            .expect_err(&format!(
                "{link}: writing through a link out of the target must be refused"
            ));
        assert!(matches!(error, Error::UnsafePath { .. }), "{link}: {error}");
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(
            files_under(&outside).is_empty(),
            "{link}: written outside: {:?}",
            files_under(&outside)
        );
        assert!(!server.seen().iter().any(|r| r.target.contains("/resolve/")));
    }

    // A link that stays inside the target is an ordinary folder.
    let entries = json!([file_entry("inner/f.txt", &good)]);
    let files = HashMap::from([("inner/f.txt".to_owned(), good.clone())]);
    let server = HostileServer::start(fake_hub(entries, files)).await;
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.target().join("real")).unwrap();
    std::os::unix::fs::symlink(
        sandbox.target().join("real"),
        sandbox.target().join("inner"),
    )
    .unwrap();
    let mut options = DownloadOptions::new(sandbox.cache());
    options.local_dir = Some(sandbox.target());
    api_for(&server.url())
        .snapshot_download(&repo(), None, &PatternFilter::default(), &options)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(sandbox.target().join("real/f.txt")).unwrap(),
        good
    );
}

/// A tree whose every page links to one more, each holding `per_page` entries.
fn endless_tree(per_page: usize) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |req: &Seen| {
        let path = req.path().to_owned();
        if path == format!("/api/models/{REPO}/revision/main") {
            return Reply::json(&json!({"id": REPO, "sha": COMMIT}));
        }
        if path.starts_with(&format!("/api/models/{REPO}/tree/")) || path == "/api/models" {
            let page: usize = req
                .target
                .split("cursor=")
                .nth(1)
                .and_then(|c| c.split('&').next())
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let items: Vec<serde_json::Value> = (0..per_page)
                .map(|i| {
                    if path == "/api/models" {
                        json!({"id": format!("org/m{page}-{i}")})
                    } else {
                        json!({"type": "file", "path": format!("d{page}/f{i}.bin"), "oid": COMMIT, "size": 1})
                    }
                })
                .collect();
            let next = format!("<{path}?cursor={}>; rel=\"next\"", page + 1);
            let body = serde_json::to_vec(&items).unwrap();
            return Reply::new(
                200,
                &[("content-type", "application/json"), ("link", &next)],
                body,
            );
        }
        Reply::new(404, &[], "{}")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_paginated_listings_stop_at_their_bounds() {
    let server = HostileServer::start(endless_tree(1000)).await;
    let api = api_for(&server.url());
    let started = Instant::now();
    let error = api
        .list_repo_tree(&repo(), "main", None, true)
        .await
        .expect_err("an endless tree listing must end");
    let text = error.to_string();
    assert!(matches!(error, Error::Protocol(_)), "{text}");
    assert!(text.contains("goes past 500000 entries"), "{text}");
    let pages = server.seen().len();
    assert!((500..=502).contains(&pages), "{pages} pages fetched");
    assert!(started.elapsed() < Duration::from_secs(120));

    // Streamed listings are bounded too (by entries here).
    let server = HostileServer::start(endless_tree(10_000)).await;
    let api = api_for(&server.url());
    let mut stream = api
        .list_repos(hf_hub::RepoType::Model, &ListReposOptions::default())
        .unwrap();
    let mut count = 0usize;
    let error = loop {
        match stream.next().await {
            Some(Ok(_)) => count += 1,
            Some(Err(error)) => break error,
            None => panic!("an endless listing cannot end normally"),
        }
    };
    assert!(error.to_string().contains("goes past"), "{error}");
    assert_eq!(count, hf_hub::api::ListingLimits::STREAMED.max_entries);
}
