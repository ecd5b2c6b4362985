//! The [`Token`] secret type and where a token came from ([`TokenSource`]).

use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroizing;

/// A Hub access token. `Debug` and `Display` show only a mask such as
/// `hf_****abcd`; the secret is wiped from memory when the value is dropped.
/// The only way to read it is [`Token::expose_secret`], so every place that
/// handles the raw secret is greppable.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    secret: Zeroizing<String>,
}

impl Token {
    /// Wraps a secret as is. Clean user input first (see the `discovery` module).
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: Zeroizing::new(secret.into()),
        }
    }

    /// The raw secret, for the `Authorization` header and the token files only.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// The masked form shown to people: the first 3 characters, `****`, the last 4
    /// (the same mask as `hf auth list` in the Python client). Short values are fully masked.
    #[must_use]
    pub fn masked(&self) -> String {
        let s = self.secret.as_str();
        if s.len() < 12 || !s.is_ascii() {
            return "****".to_owned();
        }
        format!("{}****{}", &s[..3], &s[s.len() - 4..])
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.masked())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Where a token was found, so tools can tell the user (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// Passed explicitly (a `--token` flag or a library call).
    Explicit,
    /// Read from standard input (`--token-stdin`).
    Stdin,
    /// The `HF_TOKEN` variable.
    EnvHfToken,
    /// The legacy `HUGGING_FACE_HUB_TOKEN` variable.
    EnvLegacy,
    /// A `.env` file given explicitly.
    DotEnv(PathBuf),
    /// The active token file (`HF_TOKEN_PATH`, default `$HF_HOME/token`).
    TokenFile(PathBuf),
    /// The OS keyring, under this token name.
    Keyring(String),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Explicit => f.write_str("the --token option"),
            Self::Stdin => f.write_str("standard input"),
            Self::EnvHfToken => f.write_str("the HF_TOKEN environment variable"),
            Self::EnvLegacy => f.write_str("the HUGGING_FACE_HUB_TOKEN environment variable"),
            Self::DotEnv(path) => write!(f, "the .env file {}", path.display()),
            Self::TokenFile(path) => write!(f, "the token file {}", path.display()),
            Self::Keyring(name) => write!(f, "the OS keyring (token '{name}')"),
        }
    }
}

/// A token that was found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The cleaned token.
    pub token: Token,
    /// Where it came from.
    pub source: TokenSource,
}

/// Cleans a token as the Python client does: every `\r` and `\n` removed, then surrounding
/// whitespace. Returns the cleaned token and, when something was removed, what (for a notice).
#[must_use]
pub fn clean_secret(raw: &str) -> (Token, Option<String>) {
    let without_breaks: String = raw.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let cleaned = Token::new(without_breaks.trim());
    let without_breaks = Token::new(without_breaks);
    if cleaned.expose_secret().len() == raw.len() {
        return (cleaned, None);
    }
    let mut parts = Vec::new();
    let newlines = raw.matches('\n').count();
    let returns = raw.matches('\r').count();
    let inner_breaks = raw.trim().contains(['\r', '\n']);
    if newlines + returns > 0 {
        let what = match (newlines, returns) {
            (1, 0) => "a newline".to_owned(),
            (n, 0) => format!("{n} newlines"),
            (0, r) => format!("{r} carriage returns"),
            (n, r) => format!("{n} newline(s) and {r} carriage return(s)"),
        };
        parts.push(if inner_breaks {
            format!("{what} (some inside the token)")
        } else {
            what
        });
    }
    let spaces = without_breaks.expose_secret().len() - cleaned.expose_secret().len();
    if spaces > 0 {
        parts.push(if spaces == 1 {
            "1 surrounding whitespace character".to_owned()
        } else {
            format!("{spaces} surrounding whitespace characters")
        });
    }
    (cleaned, Some(parts.join(" and ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let secret = "hf_fakeAAAAAAAAAAAAAAAAAAAAAAAAAAwxyz";
        let token = Token::new(secret);
        assert_eq!(format!("{token}"), "hf_****wxyz");
        assert_eq!(format!("{token:?}"), "Token(hf_****wxyz)");
        assert!(!format!("{token:#?}").contains("AAAA"));
        assert_eq!(Token::new("short").masked(), "****");
    }
}
