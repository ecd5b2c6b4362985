//! Integration tests of hf-test-server, over real HTTP with reqwest.

mod auth;
mod basics;
mod faults;
mod files;
mod inference;
mod repos;
mod upload;
mod xet;

use base64::Engine as _;
use hf_test_server::{ServerConfig, TestServer};
use reqwest::{Client, redirect};
use serde_json::{Value, json};
use sha2::Digest as _;

pub(crate) fn server() -> TestServer {
    TestServer::spawn(ServerConfig::default()).expect("server starts")
}

pub(crate) fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

pub(crate) fn sha256(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(crate) fn git_sha1(data: &[u8]) -> String {
    use sha1::Digest as _;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    hex(&h.finalize())
}

pub(crate) fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

pub(crate) async fn get(c: &Client, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = c.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.expect("request")
}

pub(crate) async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}

pub(crate) fn ndjson(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

pub(crate) async fn commit(
    c: &Client,
    s: &TestServer,
    repo: &str,
    rev: &str,
    token: &str,
    lines: &[Value],
) -> reqwest::Response {
    c.post(format!("{}/api/models/{repo}/commit/{rev}", s.endpoint()))
        .bearer_auth(token)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(lines))
        .send()
        .await
        .expect("commit")
}

pub(crate) fn file_line(path: &str, data: &[u8]) -> Value {
    json!({"key": "file", "value": {
        "path": path,
        "content": base64::engine::general_purpose::STANDARD.encode(data),
        "encoding": "base64",
    }})
}

pub(crate) fn header_line(summary: &str) -> Value {
    json!({"key": "header", "value": {"summary": summary, "description": ""}})
}
