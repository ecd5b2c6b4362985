//! The secret scan run on every byte about to be uploaded.
//!
//! What is scanned, and how:
//! - **by name**: `.env` and `.env.*` files (except `.env.example`, `.env.sample`,
//!   `.env.template`, `.env.dist`) are refused whatever they hold;
//! - **by content**: every byte of every file, whatever its size or kind (a token in a
//!   binary or a 20 GiB file is still a token), streamed through [`SecretScanner`] in the
//!   same read that hashes it: no second pass, never a whole file in memory. It looks for
//!   Hugging Face user tokens (`hf_` + 30 or more letters/digits), OAuth tokens (`hf_oauth_` +
//!   20 or more), organisation API tokens (`api_org_` + 30 or more), private key blocks
//!   (`-----BEGIN ... PRIVATE KEY-----`) and AWS access key ids (`AKIA` + 16).
//!
//! Findings name the file and line; the secret itself is never shown, only masked.

use std::io::Read;
use std::sync::Arc;

use memchr::memmem::Finder;

use super::types::UploadSource;
use crate::Error;

/// Read size of [`scan_for_secrets`].
const READ_CHUNK: usize = 1024 * 1024;
/// The longest stretch a finding is judged on: candidates in the last `SEAM` bytes of a
/// chunk are judged together with the start of the next one, so nothing is missed at a cut.
const SEAM: usize = 256;

/// Something that looks like a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SecretFinding {
    /// The file's path in the repo.
    pub path: String,
    /// 1-based line, or `None` for findings about the whole file (a `.env` file).
    pub line: Option<usize>,
    /// What was found (`Hugging Face token`, `private key`, ...).
    pub kind: &'static str,
    /// The secret, masked (`hf_***…(37 characters)`); never the secret itself.
    pub masked: String,
}

impl std::fmt::Display for SecretFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = hf_auth::sanitize::for_display(&self.path);
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {} ({})", self.kind, self.masked),
            None => write!(f, "{path}: {} ({})", self.kind, self.masked),
        }
    }
}

pub(crate) fn is_dotenv(path_in_repo: &str) -> bool {
    let name = path_in_repo.rsplit('/').next().unwrap_or(path_in_repo);
    name == ".env"
        || (name.starts_with(".env.")
            && !matches!(
                name,
                ".env.example" | ".env.sample" | ".env.template" | ".env.dist"
            ))
}

/// The finding for a `.env` file, refused by name.
pub(crate) fn dotenv_finding(path_in_repo: &str) -> SecretFinding {
    SecretFinding {
        path: path_in_repo.to_owned(),
        line: None,
        kind: "environment file",
        masked: "`.env` files usually hold credentials".to_owned(),
    }
}

/// The needles, found with SIMD substring search (a few hundred ms per GiB in all, in a
/// thread of its own beside the hash: see `files::hash_source`).
struct Needles {
    hf: Finder<'static>,
    org: Finder<'static>,
    aws: Finder<'static>,
    pem: Finder<'static>,
}

fn needles() -> &'static Needles {
    static NEEDLES: std::sync::OnceLock<Needles> = std::sync::OnceLock::new();
    NEEDLES.get_or_init(|| Needles {
        hf: Finder::new(b"hf_"),
        org: Finder::new(b"api_org_"),
        aws: Finder::new(b"AKIA"),
        pem: Finder::new(b"PRIVATE KEY-----"),
    })
}

/// A streaming scan of one file: feed it the bytes in order, in chunks of any size.
#[derive(Debug)]
pub struct SecretScanner {
    path: Arc<str>,
    /// The last bytes of the previous chunk, whose candidates are judged with the next one.
    carry: Vec<u8>,
    /// Newlines before `carry`'s first byte.
    lines_before_carry: usize,
    findings: Vec<SecretFinding>,
}

impl SecretScanner {
    /// A scan of the file `path` (its path in the repo, for the findings).
    #[must_use]
    pub fn new(path: Arc<str>) -> Self {
        let mut findings = Vec::new();
        if is_dotenv(&path) {
            findings.push(dotenv_finding(&path));
        }
        Self {
            path,
            carry: Vec::with_capacity(2 * SEAM),
            lines_before_carry: 0,
            findings,
        }
    }

    /// Scans the next `chunk` of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        if chunk.len() < SEAM {
            // Small pieces gather in the carry until it holds enough to judge its start.
            self.carry.extend_from_slice(chunk);
            if self.carry.len() >= 2 * SEAM {
                let judged = self.carry.len() - SEAM;
                let lines = self.lines_before_carry;
                scan_region(
                    &self.path,
                    &self.carry,
                    0..judged,
                    lines,
                    &mut self.findings,
                );
                self.lines_before_carry +=
                    memchr::memchr_iter(b'\n', &self.carry[..judged]).count();
                self.carry.drain(..judged);
            }
            return;
        }
        // The seam: candidates starting in the carry, judged with the start of this chunk.
        let carry_len = self.carry.len();
        if carry_len > 0 {
            let mut seam = std::mem::take(&mut self.carry);
            seam.extend_from_slice(&chunk[..SEAM]);
            let lines = self.lines_before_carry;
            scan_region(&self.path, &seam, 0..carry_len, lines, &mut self.findings);
            self.lines_before_carry += memchr::memchr_iter(b'\n', &seam[..carry_len]).count();
            seam.clear();
            self.carry = seam;
        }
        let own = chunk.len() - SEAM;
        let lines = self.lines_before_carry;
        scan_region(&self.path, chunk, 0..own, lines, &mut self.findings);
        self.lines_before_carry += memchr::memchr_iter(b'\n', &chunk[..own]).count();
        self.carry.extend_from_slice(&chunk[own..]);
    }

    /// Ends the scan and returns what it found.
    #[must_use]
    pub fn finish(mut self) -> Vec<SecretFinding> {
        let carry = std::mem::take(&mut self.carry);
        let lines = self.lines_before_carry;
        scan_region(
            &self.path,
            &carry,
            0..carry.len(),
            lines,
            &mut self.findings,
        );
        self.findings
    }
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn mask(secret: &[u8], keep: usize) -> String {
    let shown = String::from_utf8_lossy(&secret[..keep.min(secret.len())]).into_owned();
    format!("{shown}*** ({} characters)", secret.len())
}

/// A Hugging Face token written in a buffer.
struct HubTokenSpan {
    start: usize,
    end: usize,
    kind: &'static str,
    /// Characters kept when it is masked (its prefix).
    shown: usize,
}

/// The Hugging Face tokens of `buf` that start inside `starts`: `hf_` + 30 letters/digits,
/// `hf_oauth_` + 20, `api_org_` + 30; not inside a word.
fn hub_tokens(buf: &[u8], starts: std::ops::Range<usize>) -> Vec<HubTokenSpan> {
    let region = &buf[..starts.end.min(buf.len())];
    let boundary =
        |start: usize| start == 0 || !(is_token_char(buf[start - 1]) || buf[start - 1] == b'_');
    let run = |from: usize| {
        buf[from..]
            .iter()
            .take_while(|b| is_token_char(**b))
            .count()
    };
    let n = needles();
    let mut found = Vec::new();
    for start in n.hf.find_iter(region).filter(|s| *s >= starts.start) {
        if !boundary(start) {
            continue;
        }
        let body = start + 3;
        if buf[body..].starts_with(b"oauth_") && run(body + 6) >= 20 {
            let end = body + 6 + run(body + 6);
            found.push(HubTokenSpan {
                start,
                end,
                kind: "Hugging Face OAuth token",
                shown: 9,
            });
        } else if run(body) >= 30 {
            found.push(HubTokenSpan {
                start,
                end: body + run(body),
                kind: "Hugging Face token",
                shown: 3,
            });
        }
    }
    for start in n.org.find_iter(region).filter(|s| *s >= starts.start) {
        let body = start + 8;
        if boundary(start) && run(body) >= 30 {
            found.push(HubTokenSpan {
                start,
                end: body + run(body),
                kind: "Hugging Face organisation token",
                shown: 8,
            });
        }
    }
    found.sort_by_key(|t| t.start);
    found
}

/// A Hugging Face token found in a text by [`find_hub_tokens`].
#[derive(Debug, Clone)]
pub struct FoundToken {
    /// The token (never printed: see [`Token`](hf_auth::Token)).
    pub token: hf_auth::Token,
    /// The 1-based line it is first on.
    pub line: usize,
    /// `Hugging Face token`, `Hugging Face OAuth token` or `Hugging Face organisation token`.
    pub kind: &'static str,
    /// The token masked (`hf_*** (37 characters)`), to show what was found.
    pub masked: String,
}

/// Every Hugging Face token written in `text` (a leaked `.env`, a log), each once, in the
/// order found: what the upload's secret scan looks for, with the values, to revoke them.
#[must_use]
pub fn find_hub_tokens(text: &[u8]) -> Vec<FoundToken> {
    let mut found: Vec<FoundToken> = Vec::new();
    for span in hub_tokens(text, 0..text.len()) {
        let value = String::from_utf8_lossy(&text[span.start..span.end]);
        if found.iter().any(|f| f.token.expose_secret() == value) {
            continue;
        }
        found.push(FoundToken {
            line: memchr::memchr_iter(b'\n', &text[..span.start]).count() + 1,
            kind: span.kind,
            masked: mask(&text[span.start..span.end], span.shown),
            token: hf_auth::Token::new(value.into_owned()),
        });
    }
    found
}

/// Reports the secrets of `buf` that start inside `starts`; `lines` newlines precede `buf`.
fn scan_region(
    path: &str,
    buf: &[u8],
    starts: std::ops::Range<usize>,
    lines: usize,
    findings: &mut Vec<SecretFinding>,
) {
    if starts.is_empty() {
        return;
    }
    let mut push = |at: usize, kind: &'static str, masked: String| {
        let line = lines + memchr::memchr_iter(b'\n', &buf[..at]).count() + 1;
        let finding = SecretFinding {
            path: path.to_owned(),
            line: Some(line),
            kind,
            masked,
        };
        if !findings.contains(&finding) && findings.len() < 1000 {
            findings.push(finding);
        }
    };
    let region = &buf[..starts.end.min(buf.len())];
    let n = needles();
    for token in hub_tokens(buf, starts.clone()) {
        push(
            token.start,
            token.kind,
            mask(&buf[token.start..token.end], token.shown),
        );
    }
    // Private keys (PEM / OpenSSH): `-----BEGIN ` shortly before `PRIVATE KEY-----`.
    for at in n.pem.find_iter(region).filter(|s| *s >= starts.start) {
        let window = &buf[at.saturating_sub(64)..at];
        // On the same line: `-----END ... PRIVATE KEY-----` follows a BEGIN line too.
        let line = memchr::memrchr(b'\n', window).map_or(window, |nl| &window[nl + 1..]);
        if memchr::memmem::find(line, b"-----BEGIN ").is_some() {
            push(
                at,
                "private key",
                "-----BEGIN *** PRIVATE KEY-----".to_owned(),
            );
        }
    }
    // AWS access key ids.
    for start in n.aws.find_iter(region).filter(|s| *s >= starts.start) {
        let boundary = start == 0 || !is_token_char(buf[start - 1]);
        let run = buf[start + 4..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            .count();
        if boundary && run == 16 {
            push(start, "AWS access key id", mask(&buf[start..start + 20], 4));
        }
    }
}

/// Scans the files about to be uploaded (`(path_in_repo, source)` pairs), every byte of
/// each, in a pass of its own. Uploads do not call it: they scan in the read that hashes.
/// Blocking.
///
/// # Errors
/// Only when a file cannot be read.
pub fn scan_for_secrets<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a UploadSource)>,
) -> Result<Vec<SecretFinding>, Error> {
    let mut findings = Vec::new();
    for (path_in_repo, source) in files {
        let mut scanner = SecretScanner::new(Arc::from(path_in_repo));
        match source {
            UploadSource::Bytes(bytes) => scanner.feed(bytes),
            UploadSource::Path(path) => {
                let context = || format!("scanning {} for secrets", path.display());
                let mut file = std::fs::File::open(path).map_err(|e| Error::io(context(), e))?;
                let mut buffer = vec![0u8; READ_CHUNK];
                loop {
                    let n = match file.read(&mut buffer) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(Error::io(context(), e)),
                    };
                    scanner.feed(&buffer[..n]);
                }
            }
        }
        findings.extend(scanner.finish());
    }
    Ok(findings)
}

/// The error for findings, listing each one and the way out.
pub(crate) fn findings_error(findings: &[SecretFinding]) -> Error {
    let mut message = format!(
        "refusing to upload: {} possible secret{} found (nothing was uploaded):",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    );
    for finding in findings.iter().take(20) {
        message.push_str("\n  ");
        message.push_str(&finding.to_string());
    }
    if findings.len() > 20 {
        message.push_str(&format!("\n  ... and {} more", findings.len() - 20));
    }
    Error::SecretDetected(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn scan(path: &str, text: &str) -> Vec<SecretFinding> {
        let source = UploadSource::Bytes(Bytes::from(text.to_owned()));
        scan_for_secrets([(path, &source)]).unwrap()
    }

    #[test]
    fn tokens_are_found_with_their_line_and_masked() {
        let token = format!("hf_{}", "a1B2c3D4".repeat(5));
        let found = scan(
            "cfg/settings.py",
            &format!("x = 1\n\nTOKEN = \"{token}\"\n"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(3));
        assert_eq!(found[0].kind, "Hugging Face token");
        let shown = found[0].to_string();
        assert!(
            shown.starts_with("cfg/settings.py:3: Hugging Face token"),
            "{shown}"
        );
        assert!(
            !shown.contains(&token[3..]),
            "the secret must not be shown: {shown}"
        );
    }

    #[test]
    fn hub_tokens_are_found_with_their_values_once_each() {
        // Built at run time so the repository holds nothing that looks like a token.
        let user = format!("hf_{}", "aB3".repeat(12));
        let org = format!("api_org_{}", "Zy9".repeat(11));
        let oauth = format!("hf_oauth_{}", "q1W2e3R4".repeat(4));
        let text = format!(
            "HF_TOKEN={user}\n# again: {user}\nmy_{user}\nORG={org}\nlogin {oauth} ok\nhf_short\n"
        );
        let found = find_hub_tokens(text.as_bytes());
        let seen: Vec<(&str, usize, &str)> = found
            .iter()
            .map(|f| (f.token.expose_secret(), f.line, f.kind))
            .collect();
        assert_eq!(
            seen,
            [
                (user.as_str(), 1, "Hugging Face token"),
                (org.as_str(), 4, "Hugging Face organisation token"),
                (oauth.as_str(), 5, "Hugging Face OAuth token"),
            ]
        );
        assert!(
            found
                .iter()
                .all(|f| !f.masked.contains(&f.token.expose_secret()[10..]))
        );
        assert!(
            !format!("{found:?}").contains(&user),
            "Debug never shows a token"
        );
    }

    #[test]
    fn near_misses_are_not_secrets() {
        // Built at run time so the repository holds nothing that looks like a token.
        let embedded = format!("my_hf_{}", "abcdefghijklmnopqrstuvwxyz0123456789");
        assert!(scan("a.py", &format!("hf_hub_download(repo)\n{embedded}\n")).is_empty());
        assert!(scan("a.md", "use hf_ then your token\nhf_short\n").is_empty());
        assert!(scan(".env.example", "HF_TOKEN=\n").is_empty());
    }

    #[test]
    fn env_files_keys_and_aws_ids_are_found() {
        assert_eq!(scan("sub/.env", "A=1\n")[0].line, None);
        assert_eq!(scan(".env.local", "")[0].kind, "environment file");
        let key = scan(
            "id_rsa",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n",
        );
        assert_eq!((key.len(), key[0].line), (1, Some(1)));
        assert_eq!(
            scan("c.ini", "key=AKIAABCDEFGHIJKLMNOP\n")[0].kind,
            "AWS access key id"
        );
    }

    #[test]
    fn long_lines_binaries_and_every_cut_point() {
        let token = format!("hf_{}", "Z".repeat(34));
        let long = format!("{}{token}\nnext\n", " ".repeat(64 * 1024 - 10));
        let found = scan("long.txt", &long);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(1));
        // A file starting with NUL (binary) is scanned like any other.
        let mut binary = vec![0u8, 1, 2];
        binary.extend_from_slice(token.as_bytes());
        let source = UploadSource::Bytes(Bytes::from(binary.clone()));
        assert_eq!(scan_for_secrets([("w.bin", &source)]).unwrap().len(), 1);
        // Fed in pieces, wherever the cuts fall, the same single finding on the same line.
        let oauth = format!("hf_oauth_{}", "q1W2e3R4".repeat(4));
        let text = format!("a\nb\n{}x {oauth} y\n", "z".repeat(300));
        for piece in [1, 2, 3, 7, 64, 255, 256, 257, 1000] {
            let mut scanner = SecretScanner::new(Arc::from("f.txt"));
            for chunk in text.as_bytes().chunks(piece) {
                scanner.feed(chunk);
            }
            let found = scanner.finish();
            assert_eq!(found.len(), 1, "piece {piece}: {found:?}");
            assert_eq!(found[0].line, Some(3), "piece {piece}");
            assert_eq!(found[0].kind, "Hugging Face OAuth token");
            assert!(!found[0].masked.contains(&oauth[12..]), "masked");
        }
    }

    #[test]
    fn organisation_tokens_are_found() {
        let token = format!("api_org_{}", "Abc123".repeat(6));
        let found = scan("org.txt", &format!("key: {token}\n"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "Hugging Face organisation token");
    }
}
