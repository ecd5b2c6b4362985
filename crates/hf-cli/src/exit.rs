//! Exit codes and how errors are shown (see `docs/exit-codes.md`).
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success (also: stdout was closed by the reader) |
//! | 1 | failure: the command could not do its job (network, Hub answer, files, a malformed environment variable) |
//! | 2 | usage: the command line is wrong (clap errors and [`UsageError`]) |
//!
//! Errors print as `error: <what, why>` on stderr, followed by `hint: <what to do>`
//! lines when one is known (from [`crate::hints`]).

use std::fmt;
use std::io::{self, Write};

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
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

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

/// Prints `error: ...` and any `hint: ...` lines to `stderr`. Write errors are ignored:
/// there is nowhere left to report them.
///
/// Both pass through [`hf_auth::sanitize::for_display`]: an error may quote what a server
/// said, and a server may send escape sequences or echo a token.
pub(crate) fn report(error: &anyhow::Error, stderr: &mut dyn Write) {
    let safe = hf_auth::sanitize::for_display;
    let _ = writeln!(stderr, "error: {}", safe(&chain_text(error)));
    for hint in crate::hints::for_error(error) {
        let _ = writeln!(stderr, "{}", safe(&crate::hints::line(&hint)));
    }
}

/// The causes joined with `: `, each said once: a wrapper that shows its source's text (a
/// library error around the `HttpError` it keeps as its source) does not repeat it, and a
/// download error that already says which repo, revision or file failed ends the line.
pub(crate) fn chain_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !part.is_empty() && !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        if matches!(
            cause.downcast_ref::<hf_hub::Error>(),
            Some(hf_hub::Error::Hub { .. })
        ) {
            break;
        }
    }
    text
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
        use crate::hints::HintExt as _;
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
            crate::hints::for_error(&error),
            vec!["log in with `hf auth login`, or set HF_TOKEN"]
        );
    }

    #[test]
    fn a_wrapper_that_shows_its_source_is_not_repeated() {
        let inner = hf_auth::Error::NoToken {
            looked_in: "HF_TOKEN".into(),
        };
        let wrapped = anyhow::Error::new(hf_hub::Error::Auth(inner)).context("nothing was saved");
        let mut buffer = Vec::new();
        report(&wrapped, &mut buffer);
        assert_eq!(
            String::from_utf8(buffer).unwrap(),
            "error: nothing was saved: no access token found (looked in: HF_TOKEN)\n\
             hint: log in with `hf auth login`, or set HF_TOKEN\n"
        );
    }
}
