//! Finding the token to use, in the Python client's order, plus the OS keyring:
//!
//! 1. an explicit token (`--token`, `--token-stdin`, or a library argument);
//! 2. `HF_TOKEN`, then `HUGGING_FACE_HUB_TOKEN`;
//! 3. a `.env` file, only when one was given ([`DiscoveryOptions::dotenv`]);
//! 4. the active token file, `HF_TOKEN_PATH` (default `$HF_HOME/token`);
//! 5. the OS keyring, for the token `stored_tokens` marks as the active keyring token.
//!
//! An empty value counts as unset. `HF_HUB_DISABLE_IMPLICIT_TOKEN` turns off steps 2–5
//! unless the caller asks for the token on purpose (`hf auth whoami` does, as in Python).
//! Every source is cleaned the same way ([`clean_secret`]) and checked ([`check_format`])
//! before any request. Warnings are returned as data ([`Notice`]); this crate prints nothing.

use std::fmt;

use crate::dotenv::DotEnv;
use crate::env::{self, EnvSource};
use crate::error::Error;
use crate::keyring::Keyring;
use crate::store::TokenFiles;
use crate::{Token, TokenSource};

/// Where to create a token, named in every "no token" and "invalid token" message.
pub const TOKEN_SETTINGS_URL: &str = "https://huggingface.co/settings/tokens";

/// Something the user should be told about the token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// Line breaks or surrounding whitespace were removed.
    Cleaned {
        /// Where the token came from.
        source: TokenSource,
        /// What was removed, e.g. "a trailing newline".
        removed: String,
    },
    /// The token does not look like a Hub user token; it is used anyway.
    UnusualFormat {
        /// Where the token came from.
        source: TokenSource,
        /// Why it looks wrong.
        reason: String,
    },
    /// The keyring should have held the active token but could not be read.
    KeyringUnavailable {
        /// The token name looked up.
        name: String,
        /// The keyring's error.
        reason: String,
    },
    /// `stored_tokens` marks a keyring token active, but the keyring has no such entry.
    KeyringEntryMissing {
        /// The token name looked up.
        name: String,
    },
    /// `stored_tokens` could not be read while looking for a keyring token.
    StoredTokensUnreadable {
        /// The error.
        reason: String,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cleaned { source, removed } => {
                write!(f, "removed {removed} from the token found in {source}")
            }
            Self::UnusualFormat { source, reason } => write!(
                f,
                "the token found in {source} does not look like a Hugging Face user access token: \
                 {reason}; it will be used anyway (tokens are created at {TOKEN_SETTINGS_URL})"
            ),
            Self::KeyringUnavailable { name, reason } => write!(
                f,
                "the active token '{name}' is kept in the OS keyring, which cannot be read ({reason}); \
                 continuing without it (run `hf auth login` to store a token in the token file)"
            ),
            Self::KeyringEntryMissing { name } => write!(
                f,
                "the active token '{name}' should be in the OS keyring but is not there; \
                 run `hf auth login --keyring` again or `hf auth switch` to another token"
            ),
            Self::StoredTokensUnreadable { reason } => {
                write!(f, "cannot look for a keyring token: {reason}")
            }
        }
    }
}

pub use crate::token::{Found, clean_secret};

/// How to search. [`DiscoveryOptions::default`] is the implicit chain used by every command.
#[derive(Debug, Clone)]
pub struct DiscoveryOptions {
    explicit: Option<(Token, TokenSource)>,
    dotenv: Option<DotEnv>,
    ignore_disable_implicit: bool,
    keyring: KeyringChoice,
}

#[derive(Debug, Clone)]
enum KeyringChoice {
    System,
    Given(Keyring),
    Off,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        Self {
            explicit: None,
            dotenv: None,
            ignore_disable_implicit: false,
            keyring: KeyringChoice::System,
        }
    }
}

impl DiscoveryOptions {
    /// The implicit chain (same as `default()`).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A token given explicitly (raw: it is cleaned and checked like any other), with
    /// where it came from ([`TokenSource::Explicit`] or [`TokenSource::Stdin`]).
    #[must_use]
    pub fn explicit(mut self, token: Option<Token>, source: TokenSource) -> Self {
        self.explicit = token.map(|token| (token, source));
        self
    }

    /// Also read `HF_TOKEN` / `HUGGING_FACE_HUB_TOKEN` from this `.env` file (after the
    /// process environment, before the token file).
    #[must_use]
    pub fn dotenv(mut self, file: Option<DotEnv>) -> Self {
        self.dotenv = file;
        self
    }

    /// Look for a token even when `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set (for commands
    /// whose whole purpose is the token, such as `whoami`).
    #[must_use]
    pub fn ignore_disable_implicit(mut self, ignore: bool) -> Self {
        self.ignore_disable_implicit = ignore;
        self
    }

    /// Use this keyring instead of the platform one (tests use [`Keyring::in_memory`]).
    #[must_use]
    pub fn keyring(mut self, keyring: Keyring) -> Self {
        self.keyring = KeyringChoice::Given(keyring);
        self
    }

    /// Never consult a keyring.
    #[must_use]
    pub fn without_keyring(mut self) -> Self {
        self.keyring = KeyringChoice::Off;
        self
    }
}

/// The outcome of a search: the token (if any), what to tell the user, and where we looked.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The token to use, or `None` (anonymous requests).
    pub found: Option<Found>,
    /// Warnings to show (on stderr in the CLI).
    pub notices: Vec<Notice>,
    /// The places searched, in order, for "no token found" messages.
    pub looked_in: Vec<String>,
    /// Whether `HF_HUB_DISABLE_IMPLICIT_TOKEN` stopped the search.
    pub implicit_disabled: bool,
}

impl Resolution {
    /// The token, or [`Error::NoToken`] listing where we looked, in order.
    ///
    /// # Errors
    /// [`Error::NoToken`] when nothing was found.
    pub fn require(self) -> Result<Found, Error> {
        match self.found {
            Some(found) => Ok(found),
            None => Err(Error::NoToken {
                looked_in: self.looked_in.join(", then "),
            }),
        }
    }

    /// The token alone, for [`crate::http::HubClientBuilder::token`].
    #[must_use]
    pub fn token(&self) -> Option<Token> {
        self.found.as_ref().map(|found| found.token.clone())
    }
}

/// Searches for the token to use.
///
/// # Errors
/// When the token found is unusable ([`check_format`]: an organisation API key, or
/// characters that cannot be sent), or the token file exists but cannot be read.
/// A keyring that cannot be reached is a [`Notice`], not an error.
pub fn resolve(options: &DiscoveryOptions, env: &dyn EnvSource) -> Result<Resolution, Error> {
    let mut resolution = Resolution {
        found: None,
        notices: Vec::new(),
        looked_in: Vec::new(),
        implicit_disabled: false,
    };
    if let Some((raw, source)) = &options.explicit {
        resolution.looked_in.push(source.to_string());
        if let Some(found) = accept(raw.expose_secret(), source.clone(), &mut resolution.notices)? {
            resolution.found = Some(found);
            return Ok(resolution);
        }
    }
    if env.flag(&env::HF_HUB_DISABLE_IMPLICIT_TOKEN) && !options.ignore_disable_implicit {
        resolution.implicit_disabled = true;
        resolution
            .looked_in
            .push("nowhere else (HF_HUB_DISABLE_IMPLICIT_TOKEN is set)".to_owned());
        return Ok(resolution);
    }
    let from_env = [
        (&env::HF_TOKEN, TokenSource::EnvHfToken),
        (&env::HUGGING_FACE_HUB_TOKEN, TokenSource::EnvLegacy),
    ];
    for (var, source) in from_env {
        resolution
            .looked_in
            .push(format!("the {} environment variable", var.name));
        if let Some(raw) = env.get(var).map(Token::new)
            && let Some(found) = accept(raw.expose_secret(), source, &mut resolution.notices)?
        {
            resolution.found = Some(found);
            return Ok(resolution);
        }
    }
    if let Some(file) = &options.dotenv {
        let source = TokenSource::DotEnv(file.path().to_path_buf());
        resolution.looked_in.push(source.to_string());
        for var in [&env::HF_TOKEN, &env::HUGGING_FACE_HUB_TOKEN] {
            if let Some(raw) = file.value(var.name)
                && let Some(found) = accept(raw, source.clone(), &mut resolution.notices)?
            {
                resolution.found = Some(found);
                return Ok(resolution);
            }
        }
    }
    let files = TokenFiles::from_env_source(env);
    let source = TokenSource::TokenFile(files.token_path().to_path_buf());
    resolution.looked_in.push(source.to_string());
    if let Some(raw) = files.read_active_raw()?
        && let Some(found) = accept(raw.expose_secret(), source, &mut resolution.notices)?
    {
        resolution.found = Some(found);
        return Ok(resolution);
    }
    if !matches!(options.keyring, KeyringChoice::Off) {
        resolution
            .looked_in
            .push("the OS keyring (the token marked active in stored_tokens)".to_owned());
        resolution.found = from_keyring(options, &files, &mut resolution.notices)?;
    }
    Ok(resolution)
}

/// Shorthand for the implicit chain with the process environment.
///
/// # Errors
/// As [`resolve`].
pub fn resolve_from_env() -> Result<Resolution, Error> {
    resolve(&DiscoveryOptions::default(), &env::ProcessEnv)
}

fn from_keyring(
    options: &DiscoveryOptions,
    files: &TokenFiles,
    notices: &mut Vec<Notice>,
) -> Result<Option<Found>, Error> {
    let stored = match files.read_stored() {
        Ok(stored) => stored,
        Err(e) => {
            notices.push(Notice::StoredTokensUnreadable {
                reason: e.to_string(),
            });
            return Ok(None);
        }
    };
    let Some(name) = stored.active_keyring_name() else {
        return Ok(None);
    };
    let keyring = match &options.keyring {
        KeyringChoice::Given(keyring) => Ok(keyring.clone()),
        KeyringChoice::System => Keyring::system(),
        KeyringChoice::Off => return Ok(None),
    };
    let secret = keyring.and_then(|keyring| keyring.get(name));
    match secret {
        Ok(Some(raw)) => accept(
            raw.expose_secret(),
            TokenSource::Keyring(name.to_owned()),
            notices,
        ),
        Ok(None) => {
            notices.push(Notice::KeyringEntryMissing {
                name: name.to_owned(),
            });
            Ok(None)
        }
        Err(e) => {
            notices.push(Notice::KeyringUnavailable {
                name: name.to_owned(),
                reason: e.to_string(),
            });
            Ok(None)
        }
    }
}

/// Cleans and checks one candidate. `Ok(None)` when it is empty after cleaning.
fn accept(
    raw: &str,
    source: TokenSource,
    notices: &mut Vec<Notice>,
) -> Result<Option<Found>, Error> {
    let (token, removed) = clean_secret(raw);
    if token.expose_secret().is_empty() {
        return Ok(None);
    }
    // A line break ending piped input (`echo $TOKEN | hf auth login --token-stdin`) is expected.
    let piped_line =
        source == TokenSource::Stdin && raw.trim_end_matches(['\r', '\n']) == token.expose_secret();
    if let Some(removed) = removed.filter(|_| !piped_line) {
        notices.push(Notice::Cleaned {
            source: source.clone(),
            removed,
        });
    }
    if let Some(reason) = check_format(&token, &source)? {
        notices.push(Notice::UnusualFormat {
            source: source.clone(),
            reason,
        });
    }
    Ok(Some(Found { token, source }))
}

/// Checks a cleaned token before it is sent anywhere.
///
/// - `Err(InvalidToken)`: an organisation API key (`api_org_…`), which the Hub no longer
///   accepts for login, or characters that cannot be sent in a header (spaces inside,
///   control characters, non-ASCII) — typically a copy-paste accident.
/// - `Ok(Some(reason))`: plausible but unusual (no `hf_` prefix, punctuation, odd length).
/// - `Ok(None)`: looks like a Hub user access token.
///
/// # Errors
/// As above; the message names the source and never contains the token.
pub fn check_format(token: &Token, source: &TokenSource) -> Result<Option<String>, Error> {
    let secret = token.expose_secret();
    if secret.starts_with("api_org") {
        return Err(Error::InvalidToken(format!(
            "the token found in {source} is an organization API key (api_org_…); these cannot be \
             used to log in or call the Hub (only personal user access tokens can)"
        )));
    }
    if let Some(bad) = secret.chars().find(|c| !c.is_ascii_graphic()) {
        let what = match bad {
            ' ' => "a space".to_owned(),
            '\t' => "a tab".to_owned(),
            c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
            c if c.is_whitespace() => format!("a non-ASCII space (U+{:04X})", u32::from(c)),
            c => format!("a non-ASCII character (U+{:04X})", u32::from(c)),
        };
        let hint = if secret.starts_with("Bearer ") {
            " (it starts with 'Bearer ')"
        } else {
            " (likely copied with extra text)"
        };
        return Err(Error::InvalidToken(format!(
            "the token found in {source} contains {what}{hint}"
        )));
    }
    let Some(rest) = secret.strip_prefix("hf_") else {
        return Ok(Some("it does not start with 'hf_'".to_owned()));
    };
    // Letters and digits; `_` too, for OAuth access tokens (`hf_oauth_…`).
    if let Some(bad) = rest
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Ok(Some(format!(
            "it contains '{}', but Hub tokens have only letters, digits and '_' after 'hf_'",
            if bad.is_ascii_punctuation() { bad } else { '?' }
        )));
    }
    if !(30..=100).contains(&secret.len()) {
        return Ok(Some(format!(
            "it is {} characters long, while Hub tokens are usually 37",
            secret.len()
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "hf_fakeAAAAAAAAAAAAAAAAAAAAAAAAAAwxyz";

    #[test]
    fn cleaning_reports_what_was_removed() {
        let (token, removed) = clean_secret(GOOD);
        assert_eq!(token.expose_secret(), GOOD);
        assert_eq!(removed, None);
        let (token, removed) = clean_secret(&format!("  {GOOD}\n"));
        assert_eq!(token.expose_secret(), GOOD);
        assert_eq!(
            removed.as_deref(),
            Some("a newline and 2 surrounding whitespace characters")
        );
        let (token, removed) = clean_secret(&format!("hf_fake\r\n{}", &GOOD[7..]));
        assert_eq!(token.expose_secret(), GOOD);
        assert!(removed.unwrap().contains("inside the token"));
        assert_eq!(clean_secret(" \n ").0.expose_secret(), "");
    }

    #[test]
    fn format_checks() {
        let src = TokenSource::EnvHfToken;
        assert_eq!(check_format(&Token::new(GOOD), &src).unwrap(), None);
        let org = check_format(&Token::new("api_org_abcdefabcdefabcdefabcdef"), &src).unwrap_err();
        assert!(org.to_string().contains("organization API key"));
        let bearer = check_format(&Token::new(format!("Bearer {GOOD}")), &src).unwrap_err();
        assert!(bearer.to_string().contains("Bearer"));
        assert!(!bearer.to_string().contains(GOOD));
        let unicode = check_format(&Token::new(format!("{GOOD}\u{a0}x")), &src).unwrap_err();
        assert!(unicode.to_string().contains("U+00A0"));
        assert!(
            check_format(&Token::new("gho_abcdefabcdefabcdefabcdefabcdefab"), &src)
                .unwrap()
                .unwrap()
                .contains("hf_")
        );
        assert!(
            check_format(&Token::new("hf_short"), &src)
                .unwrap()
                .unwrap()
                .contains("8 characters")
        );
        assert!(
            check_format(&Token::new("hf_abc-defabcdefabcdefabcdefabcdefab"), &src)
                .unwrap()
                .unwrap()
                .contains("'-'")
        );
        let oauth = Token::new("hf_oauth_abcdefabcdefabcdefabcdefabcdefabcd");
        assert_eq!(check_format(&oauth, &src).unwrap(), None);
    }
}
