//! Small helpers: hashing, time, randomness, percent-decoding, JSON responses.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use sha1::Digest as _;

pub(crate) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Chunk size of files this server puts in the CAS itself (the seed). Clients chunk by
/// content; any split reconstructs the same bytes.
pub(crate) const XET_SEED_CHUNK: usize = 64 * 1024;

/// The Xet chunks of `data` as this server stores seeded files.
pub(crate) fn xet_chunks(data: &[u8]) -> Vec<xet_core_structures::xorb_object::Chunk> {
    data.chunks(XET_SEED_CHUNK)
        .map(|c| xet_core_structures::xorb_object::Chunk {
            hash: xet_core_structures::merklehash::compute_data_hash(c),
            data: bytes::Bytes::copy_from_slice(c),
        })
        .collect()
}

/// The Xet hash (file hash) of `data` stored as [`xet_chunks`].
pub(crate) fn xet_file_hash(data: &[u8]) -> String {
    let sizes: Vec<_> = xet_chunks(data)
        .iter()
        .map(|c| (c.hash, c.data.len() as u64))
        .collect();
    xet_core_structures::merklehash::file_hash(&sizes).hex()
}

pub(crate) fn sha1_hex(data: &[u8]) -> String {
    hex(&sha1::Sha1::digest(data))
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

/// Git blob id: `sha1("blob {len}\0" + data)`.
pub(crate) fn git_blob_sha1(data: &[u8]) -> String {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    hex(&h.finalize())
}

pub(crate) fn lfs_pointer(sha256: &str, size: u64) -> String {
    format!("version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n")
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `2024-01-02T03:04:05.000Z`
pub(crate) fn iso8601(secs: u64) -> String {
    let t = i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

pub(crate) fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.write_u128(nanos);
    h.finish()
}

pub(crate) fn random_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut v = random_u64();
        for _ in 0..8 {
            if out.len() == n {
                break;
            }
            out.push(CHARS[(v % CHARS.len() as u64) as usize] as char);
            v /= CHARS.len() as u64;
        }
    }
    out
}

pub(crate) fn random_hex(n: usize) -> String {
    let mut s = String::new();
    while s.len() < n {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(n);
    s
}

/// Deterministic pseudo-random bytes (xorshift64*), cheap even in debug builds.
pub(crate) fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut x = seed | 1;
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Percent-decodes one path segment or query component (`+` is kept as is).
pub(crate) fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(a), Some(c)) = (h(b[i + 1]), h(b[i + 2])) {
                out.push((a * 16 + c) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters and `/` when `keep_slash`.
pub(crate) fn pct_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~".contains(&c) || (keep_slash && c == b'/') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Parses a query string or form body into (key, value) pairs.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

pub(crate) fn ok_json(value: serde_json::Value) -> Response {
    json_response(StatusCode::OK, &value)
}

/// An error in the Hub's shape: `X-Error-Message`, optional `X-Error-Code`, JSON `{"error": msg}`.
pub(crate) fn error_response(status: u16, code: Option<&str>, msg: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = json_response(status, &serde_json::json!({ "error": msg }));
    set_header(&mut resp, "x-error-message", &header_safe(msg));
    if let Some(code) = code {
        set_header(&mut resp, "x-error-code", code);
    }
    resp
}

fn header_safe(msg: &str) -> String {
    msg.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

pub(crate) fn set_header(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

pub(crate) fn text_response(status: u16, text: &str) -> Response {
    let mut resp = Response::new(Body::from(text.to_owned()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// Matches a `.gitattributes`-style pattern against a path.
///
/// Patterns without `/` match the file name; `*` does not cross `/` otherwise,
/// `**` does.
pub(crate) fn gitattributes_match(pattern: &str, path: &str) -> bool {
    if pattern.contains('/') {
        glob_match(
            pattern.trim_start_matches('/').as_bytes(),
            path.as_bytes(),
            true,
        )
    } else {
        let name = path.rsplit('/').next().unwrap_or(path);
        glob_match(pattern.as_bytes(), name.as_bytes(), false)
    }
}

fn glob_match(p: &[u8], s: &[u8], slash_sensitive: bool) -> bool {
    if p.is_empty() {
        return s.is_empty();
    }
    match p[0] {
        b'*' => {
            if p.len() > 1 && p[1] == b'*' {
                let rest = &p[2..];
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=s.len()).any(|i| glob_match(rest, &s[i..], slash_sensitive))
            } else {
                let rest = &p[1..];
                for i in 0..=s.len() {
                    if glob_match(rest, &s[i..], slash_sensitive) {
                        return true;
                    }
                    if i < s.len() && slash_sensitive && s[i] == b'/' {
                        return false;
                    }
                }
                false
            }
        }
        b'?' => !s.is_empty() && glob_match(&p[1..], &s[1..], slash_sensitive),
        c => !s.is_empty() && s[0] == c && glob_match(&p[1..], &s[1..], slash_sensitive),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sha1_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            git_blob_sha1(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
    }

    #[test]
    fn decode() {
        assert_eq!(pct_decode("refs%2Fpr%2F1"), "refs/pr/1");
        assert_eq!(pct_decode("a%2"), "a%2");
        assert_eq!(pct_encode("refs/pr/1", false), "refs%2Fpr%2F1");
    }

    #[test]
    fn patterns() {
        assert!(gitattributes_match("*.bin", "a/b/model.bin"));
        assert!(gitattributes_match("*tfevents*", "runs/x.tfevents.1"));
        assert!(!gitattributes_match("*.bin", "model.binx"));
        assert!(gitattributes_match("saved_model/**/*", "saved_model/a/b"));
    }

    #[test]
    fn tokens_random() {
        let a = random_alnum(26);
        assert_eq!(a.len(), 26);
        assert_ne!(a, random_alnum(26));
    }
}
