//! Exit codes and how errors are shown (see `docs/exit-codes.md`).
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success (also: stdout was closed by the reader) |
//! | 1 | failure: the command could not do its job (network, Hub answer, files, a malformed environment variable) |
//! | 2 | usage: the command line is wrong (clap errors and [`UsageError`]) |
//!
//! Errors print as `error: <what, why>` on stderr, followed by `hint: <what to do>`
//! lines when one is known ([`HintExt::hint`] or a built-in hint for Hub errors).

use std::fmt;
use std::io::{self, Write};

use hf_auth::{HttpError, HttpErrorKind};

use crate::output::BrokenPipe;

/// Success.
pub(crate) const SUCCESS: u8 = 0;
/// The command failed.
pub(crate) const FAILURE: u8 = 1;
/// The command line is wrong.
pub(crate) const USAGE: u8 = 2;

/// A command-line mistake found after parsing (for example two options that
/// cannot be combined in a way clap cannot express). Exits with [`USAGE`].
#[derive(Debug)]
#[allow(dead_code, reason = "used by commands added by later issues")]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// An error carrying a `hint:` line for the user.
#[derive(Debug)]
pub(crate) struct Hinted {
    error: anyhow::Error,
    hint: String,
}

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for Hinted {}

/// Attaches a hint to an error: `result.hint("run `hf auth login` first")`.
#[allow(dead_code, reason = "used by commands added by later issues")]
pub(crate) trait HintExt<T> {
    /// Adds `hint`, printed as `hint: ...` below the error.
    fn hint(self, hint: impl Into<String>) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> HintExt<T> for Result<T, E> {
    fn hint(self, hint: impl Into<String>) -> anyhow::Result<T> {
        self.map_err(|error| {
            anyhow::Error::new(Hinted {
                error: error.into(),
                hint: hint.into(),
            })
        })
    }
}

/// Whether the error only means that the reader of stdout went away.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<BrokenPipe>()
            || cause
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The exit code for an error.
pub(crate) fn exit_code(error: &anyhow::Error) -> u8 {
    if is_broken_pipe(error) {
        SUCCESS
    } else if error.chain().any(|cause| cause.is::<UsageError>()) {
        USAGE
    } else {
        FAILURE
    }
}

/// The hint lines for an error: explicit ones first, then a built-in one for Hub errors.
pub(crate) fn hints(error: &anyhow::Error) -> Vec<String> {
    let mut hints: Vec<String> = error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<Hinted>())
        .map(|hinted| hinted.hint.clone())
        .collect();
    if hints.is_empty()
        && let Some(hint) = error.chain().find_map(builtin_hint)
    {
        hints.push(hint);
    }
    hints
}

fn builtin_hint(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(hf_auth::Error::NoToken { .. }) = cause.downcast_ref::<hf_auth::Error>() {
        return Some("log in with `hf auth login`, or set HF_TOKEN".to_owned());
    }
    if let Some(hf_hub::Error::UnsafePath { path, .. }) = cause.downcast_ref::<hf_hub::Error>() {
        return Some(format!(
            "no client writes that path; to download the rest of the repo, skip it with --exclude {}",
            shell_quote(path)
        ));
    }
    let http = cause.downcast_ref::<HttpError>().or_else(|| {
        cause
            .downcast_ref::<hf_auth::Error>()
            .and_then(hf_auth::Error::as_http)
    })?;
    let hint = match http.kind() {
        HttpErrorKind::Unauthorized => {
            "the token is missing, invalid or expired: log in with `hf auth login` or set HF_TOKEN"
        }
        HttpErrorKind::RepoNotFound => {
            "check the repo id and --repo-type; a private repo also needs a token with access"
        }
        HttpErrorKind::GatedRepo => "request access on the repo's page on the Hub, then retry",
        HttpErrorKind::Forbidden => "the token lacks the permission; use a token with write access",
        HttpErrorKind::Offline => "unset HF_HUB_OFFLINE to allow network access",
        HttpErrorKind::Certificate => {
            "if this Hub (or a proxy in between) uses a private or corporate certificate authority, \
             point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) at its PEM certificate bundle"
        }
        HttpErrorKind::Timeout | HttpErrorKind::Connection => {
            "check the network and HF_ENDPOINT; HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT raise the timeouts"
        }
        HttpErrorKind::RateLimited => match http.retry_after() {
            Some(wait) => {
                return Some(format!(
                    "rate limited: retry in {} s",
                    wait.as_secs().max(1)
                ));
            }
            None => "rate limited: wait a little and retry",
        },
        _ => return None,
    };
    Some(hint.to_owned())
}

/// `text` quoted for a POSIX shell (single quotes), so a hint can be pasted as it is.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Prints `error: ...` and any `hint: ...` lines to `stderr`. Write errors are ignored:
/// there is nowhere left to report them.
///
/// Both pass through [`hf_auth::sanitize::for_display`]: an error may quote what a server
/// said, and a server may send escape sequences or echo a token.
pub(crate) fn report(error: &anyhow::Error, stderr: &mut dyn Write) {
    let safe = hf_auth::sanitize::for_display;
    let _ = writeln!(stderr, "error: {}", safe(&format!("{error:#}")));
    for hint in hints(error) {
        let _ = writeln!(stderr, "hint: {}", safe(&hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_documented_scheme() {
        assert_eq!(exit_code(&anyhow::anyhow!("boom")), FAILURE);
        assert_eq!(
            exit_code(&anyhow::Error::new(UsageError("bad".into()))),
            USAGE
        );
        let config = hf_auth::Error::Config {
            name: "HF_ENDPOINT".into(),
            reason: "'x' is not a URL".into(),
        };
        assert_eq!(exit_code(&anyhow::Error::new(config)), FAILURE);
        let pipe = anyhow::Error::new(BrokenPipe).context("printing");
        assert_eq!(exit_code(&pipe), SUCCESS);
        let io_pipe = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(exit_code(&io_pipe), SUCCESS);
    }

    #[test]
    fn report_prints_error_chain_and_hints() {
        let result: Result<(), _> = Err(anyhow::anyhow!("inner")).hint("do this");
        let error = result.map_err(|e| e.context("outer")).unwrap_err();
        let mut buffer = Vec::new();
        report(&error, &mut buffer);
        assert_eq!(
            String::from_utf8(buffer).unwrap(),
            "error: outer: inner\nhint: do this\n"
        );
    }

    #[test]
    fn missing_token_gets_a_builtin_hint() {
        let error = anyhow::Error::new(hf_auth::Error::NoToken {
            looked_in: "HF_TOKEN".into(),
        });
        assert_eq!(
            hints(&error),
            vec!["log in with `hf auth login`, or set HF_TOKEN"]
        );
    }
}
