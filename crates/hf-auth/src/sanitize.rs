//! Making text that a server (or any other untrusted party) supplied safe to show.
//!
//! Two dangers, handled here once for every crate and every output path:
//! - **control characters**: ESC and the other C0/C1 controls drive the terminal (colours,
//!   cursor moves, OSC 52 clipboard writes, hyperlinks, title changes); Unicode bidi overrides
//!   make text read differently from what it is. They are shown escaped (`\x1b`, `\u{202e}`);
//!   newline and tab are kept.
//! - **secrets**: a server may echo the request's `Authorization` header, or any token it
//!   knows. Every substring shaped like a Hub token (`hf_…`, `hf_oauth_…`, `api_org_…`) is
//!   masked, and so is the exact token that was sent, whatever its shape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Prefixes of Hub tokens, longest first so `hf_oauth_` wins over `hf_`.
const TOKEN_PREFIXES: [&str; 3] = ["hf_oauth_", "api_org_", "hf_"];

/// How many token characters must follow a prefix before the run counts as a token. Real
/// tokens carry 30 or more; words such as `hf_transfer` or `hf_hub_download` carry fewer
/// without a break.
pub const MIN_TOKEN_BODY: usize = 16;

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// Whether `c` must not reach a terminal as it is.
#[must_use]
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `text` with control characters (but newline and tab) and bidi overrides escaped.
#[must_use]
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            if (c as u32) < 0x80 {
                let _ = write!(out, "\\x{:02x}", c as u32);
            } else {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The byte ranges of token-shaped substrings of `text`.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let Some(found) = TOKEN_PREFIXES
            .iter()
            .filter_map(|p| text[at..].find(p).map(|i| (at + i, p.len())))
            .min_by_key(|&(start, len)| (start, usize::MAX - len))
        else {
            break;
        };
        let (start, prefix_len) = found;
        let body_start = start + prefix_len;
        let body_len = bytes[body_start..]
            .iter()
            .take_while(|&&b| is_token_char(b))
            .count();
        if body_len >= MIN_TOKEN_BODY {
            spans.push((start, body_start + body_len));
            at = body_start + body_len;
        } else {
            at = start + 1;
        }
    }
    spans
}

/// Whether `text` holds something shaped like a Hub token.
#[must_use]
pub fn contains_token_shape(text: &str) -> bool {
    !token_spans(text).is_empty()
}

fn mask(token: &str) -> String {
    let prefix = TOKEN_PREFIXES
        .iter()
        .find(|p| token.starts_with(**p))
        .copied()
        .unwrap_or("");
    let tail: String = token
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{prefix}****{tail}")
}

/// `text` with every token-shaped substring masked (`hf_****abcd`).
#[must_use]
pub fn mask_tokens(text: &str) -> Cow<'_, str> {
    let spans = token_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(&mask(&text[start..end]));
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// `text` with every occurrence of `secret` (the token that was sent) replaced by `****`.
/// Secrets shorter than 8 characters are left alone: masking them would garble text while
/// protecting nothing.
#[must_use]
pub fn mask_secret<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    if secret.len() < 8 || !text.contains(secret) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace(secret, "****"))
}

/// Everything above at once: what any server-supplied text goes through before it is shown.
#[must_use]
pub fn for_display(text: &str) -> Cow<'_, str> {
    match mask_tokens(text) {
        Cow::Borrowed(b) => escape_controls(b),
        Cow::Owned(o) => Cow::Owned(escape_controls(&o).into_owned()),
    }
}

/// Like [`for_display`], also masking `secret` (the token sent with the request).
#[must_use]
pub fn for_display_with_secret(text: &str, secret: Option<&str>) -> String {
    let unmasked = match secret {
        Some(secret) => mask_secret(text, secret),
        None => Cow::Borrowed(text),
    };
    for_display(&unmasked).into_owned()
}

/// `'text'` made safe to show: a server-supplied name in an error message.
#[must_use]
pub fn quoted(text: &str) -> String {
    format!("'{}'", for_display(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_but_newlines_and_tabs_kept() {
        let osc52 = "a\u{1b}]52;c;ZXZpbA==\u{7}b\r\nc\td\u{9b}31m\u{202e}";
        assert_eq!(
            escape_controls(osc52),
            "a\\x1b]52;c;ZXZpbA==\\x07b\\x0d\nc\td\\u{9b}31m\\u{202e}"
        );
        assert!(matches!(escape_controls("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn token_shapes_are_masked_and_short_words_are_not() {
        let body = "Bearer hf_abcdefghijklmnopqrstuvwxyz0123 and hf_oauth_ABCDEFGHIJKLMNOPQRSTUV9999 \
                    and api_org_ZYXWVUTSRQPONMLKJIHGFEDCBA1234, but hf_transfer and hf_hub_download stay";
        let masked = mask_tokens(body);
        assert_eq!(
            masked,
            "Bearer hf_****0123 and hf_oauth_****9999 and api_org_****1234, but hf_transfer and hf_hub_download stay"
        );
        assert!(!contains_token_shape(&masked));
        assert!(contains_token_shape(body));
    }

    #[test]
    fn the_sent_secret_is_masked_whatever_its_shape() {
        let text = for_display_with_secret(
            "echo: Bearer my-custom-secret-value",
            Some("my-custom-secret-value"),
        );
        assert_eq!(text, "echo: Bearer ****");
        assert_eq!(quoted("a\u{1b}[31mb"), "'a\\x1b[31mb'");
    }
}
