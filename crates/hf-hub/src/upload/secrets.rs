//! The secret scan run before anything is uploaded.
//!
//! What is scanned, and how:
//! - **by name**: `.env` and `.env.*` files (except `.env.example`, `.env.sample`,
//!   `.env.template`, `.env.dist`) are refused whatever they hold;
//! - **by content**: files of at most [`SCAN_SIZE_LIMIT`] bytes whose first 8 KiB hold no
//!   NUL byte (text), read line by line through a bounded buffer (never whole), looking for
//!   Hugging Face tokens (`hf_` + 30 or more letters/digits), private key blocks
//!   (`-----BEGIN ... PRIVATE KEY-----`) and AWS access key ids (`AKIA` + 16).
//!
//! Larger or binary files (weights, archives: what goes to LFS) are not scanned.
//! Findings name the file and line; the secret itself is never shown, only masked.

use std::io::{BufRead, BufReader, Read};

use super::UploadSource;
use crate::Error;

/// Files larger than this are not scanned by content (they are LFS-sized binaries in practice).
pub const SCAN_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
/// A line longer than this is scanned in pieces (with an overlap, so tokens are not split).
const MAX_LINE: usize = 64 * 1024;
const TEXT_PROBE: usize = 8 * 1024;

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
        match self.line {
            Some(line) => write!(f, "{}:{line}: {} ({})", self.path, self.kind, self.masked),
            None => write!(f, "{}: {} ({})", self.path, self.kind, self.masked),
        }
    }
}

fn is_dotenv(path_in_repo: &str) -> bool {
    let name = path_in_repo.rsplit('/').next().unwrap_or(path_in_repo);
    name == ".env"
        || (name.starts_with(".env.")
            && !matches!(
                name,
                ".env.example" | ".env.sample" | ".env.template" | ".env.dist"
            ))
}

/// Scans the files about to be uploaded (`(path_in_repo, source)` pairs). Blocking.
///
/// # Errors
/// Only when a file cannot be read.
pub fn scan_for_secrets<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a UploadSource)>,
) -> Result<Vec<SecretFinding>, Error> {
    let mut findings = Vec::new();
    for (path_in_repo, source) in files {
        if is_dotenv(path_in_repo) {
            findings.push(SecretFinding {
                path: path_in_repo.to_owned(),
                line: None,
                kind: "environment file",
                masked: "`.env` files usually hold credentials".to_owned(),
            });
            continue;
        }
        match source {
            UploadSource::Bytes(bytes) => {
                if (bytes.len() as u64) <= SCAN_SIZE_LIMIT
                    && !bytes[..bytes.len().min(TEXT_PROBE)].contains(&0)
                {
                    scan_reader(path_in_repo, &bytes[..], &mut findings)
                        .map_err(|e| Error::io(format!("scanning {path_in_repo}"), e))?;
                }
            }
            UploadSource::Path(path) => {
                let context = || format!("scanning {} for secrets", path.display());
                let file = std::fs::File::open(path).map_err(|e| Error::io(context(), e))?;
                let size = file.metadata().map_err(|e| Error::io(context(), e))?.len();
                if size > SCAN_SIZE_LIMIT {
                    continue;
                }
                let mut reader = BufReader::with_capacity(TEXT_PROBE, file);
                let probe = reader.fill_buf().map_err(|e| Error::io(context(), e))?;
                if probe.contains(&0) {
                    continue;
                }
                scan_reader(path_in_repo, reader, &mut findings)
                    .map_err(|e| Error::io(context(), e))?;
            }
        }
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
    message.push_str(
        "\nRemove the secrets (or exclude the files), or pass --allow-secrets (UploadOptions::allow_secrets) if they are not secrets.",
    );
    Error::SecretDetected(message)
}

fn scan_reader(
    path_in_repo: &str,
    reader: impl Read,
    findings: &mut Vec<SecretFinding>,
) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut piece = Vec::with_capacity(1024);
    let mut tail: Vec<u8> = Vec::new();
    let mut number = 0usize;
    let mut inside_long_line = false;
    loop {
        piece.clear();
        if inside_long_line {
            // Keep the end of the previous piece so a token spanning the cut is still seen.
            piece.extend_from_slice(&tail);
        } else {
            number += 1;
        }
        // Bounded: a line longer than MAX_LINE is read in pieces.
        let n = (&mut reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut piece)?;
        if n == 0 {
            return Ok(());
        }
        scan_line(path_in_repo, number, &piece, findings);
        inside_long_line = piece.last() != Some(&b'\n');
        if inside_long_line {
            tail = piece[piece.len().saturating_sub(128)..].to_vec();
        }
    }
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn mask(secret: &[u8], keep: usize) -> String {
    let shown = String::from_utf8_lossy(&secret[..keep.min(secret.len())]).into_owned();
    format!("{shown}*** ({} characters)", secret.len())
}

fn scan_line(path: &str, number: usize, line: &[u8], findings: &mut Vec<SecretFinding>) {
    let mut push = |kind: &'static str, masked: String| {
        let finding = SecretFinding {
            path: path.to_owned(),
            line: Some(number),
            kind,
            masked,
        };
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    };
    // Hugging Face tokens: `hf_` + at least 30 letters/digits, not inside a longer word.
    let mut i = 0;
    while let Some(pos) = find(&line[i..], b"hf_") {
        let start = i + pos;
        let boundary = start == 0 || !(is_token_char(line[start - 1]) || line[start - 1] == b'_');
        let body_len = line[start + 3..]
            .iter()
            .take_while(|b| is_token_char(**b))
            .count();
        if boundary && body_len >= 30 {
            push(
                "Hugging Face token",
                mask(&line[start..start + 3 + body_len], 3),
            );
        }
        i = start + 3 + body_len;
    }
    // Private keys (PEM / OpenSSH).
    if find(line, b"-----BEGIN ").is_some() && find(line, b"PRIVATE KEY-----").is_some() {
        push("private key", "-----BEGIN *** PRIVATE KEY-----".to_owned());
    }
    // AWS access key ids.
    let mut i = 0;
    while let Some(pos) = find(&line[i..], b"AKIA") {
        let start = i + pos;
        let boundary = start == 0 || !is_token_char(line[start - 1]);
        let body = &line[start + 4..];
        let run = body
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            .count();
        if boundary && run == 16 {
            push("AWS access key id", mask(&line[start..start + 20], 4));
        }
        i = start + 4;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
    fn long_lines_and_binaries() {
        let token = format!("hf_{}", "Z".repeat(34));
        let long = format!("{}{token}\nnext\n", " ".repeat(MAX_LINE - 10));
        let found = scan("long.txt", &long);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(1));
        let mut binary = vec![0u8, 1, 2];
        binary.extend_from_slice(token.as_bytes());
        let source = UploadSource::Bytes(Bytes::from(binary));
        assert!(scan_for_secrets([("w.bin", &source)]).unwrap().is_empty());
    }
}
