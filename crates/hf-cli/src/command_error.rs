//! `CommandError`: how a command failed, and what that means for the exit code (see
//! `docs/exit-codes.md`) and for the lines on stderr.
//!
//! | code | kind |
//! | --- | --- |
//! | 0 | success; also [`ErrorKind::BrokenPipe`] (stdout was closed by its reader) |
//! | 1 | [`ErrorKind::Input`], [`ErrorKind::Configuration`], [`ErrorKind::Remote`], [`ErrorKind::Internal`]: the command could not do its job |
//! | 2 | [`ErrorKind::Usage`]: the command line is wrong (clap errors and [`UsageError`]) |
//! | 130 | [`ErrorKind::Interrupted`]: stopped by Ctrl-C |
//!
//! Commands return `anyhow::Result` and mark what matters on the way: [`UsageError`] for a
//! usage mistake clap cannot express, `.doing(Operation::..)` for what they were doing,
//! `.hint(hints::..)` for their own advice. [`CommandError::from`] reads the chain once: the
//! kind (which alone decides the exit code) and the `hint:` lines (from [`crate::hints`]).
//! Errors print as `error: <what, why>` on stderr, followed by those hints.

use std::fmt;
use std::io::{self, Write};

use hf_auth::HttpError;

use crate::output::BrokenPipe;

/// What kind of failure ended a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// The command line is wrong.
    Usage,
    /// A value, file or name the user gave cannot be used (a missing file, an invalid repo
    /// id, a secret found in an upload).
    Input,
    /// The environment or configuration is wrong (a malformed variable, no token, no keyring).
    Configuration,
    /// A server refused or failed (an error answer, a broken connection, bad data).
    Remote,
    /// The user pressed Ctrl-C.
    Interrupted,
    /// A bug: a task panicked or the runtime failed.
    Internal,
    /// The reader of stdout went away: not an error.
    BrokenPipe,
}

impl ErrorKind {
    /// The process exit code for this kind (the only place that decides it).
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Self::BrokenPipe => SUCCESS,
            Self::Usage => USAGE,
            Self::Interrupted => INTERRUPTED,
            Self::Input | Self::Configuration | Self::Remote | Self::Internal => FAILURE,
        }
    }
}

/// Success.
pub(crate) const SUCCESS: u8 = 0;
/// The command failed.
pub(crate) const FAILURE: u8 = 1;
/// The command line is wrong.
pub(crate) const USAGE: u8 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report a process the signal ended).
pub(crate) const INTERRUPTED: u8 = 130;

/// A command-line mistake found after parsing (for example two options that
/// cannot be combined in a way clap cannot express). Its kind is [`ErrorKind::Usage`].
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The command was stopped by Ctrl-C.
#[derive(Debug)]
pub(crate) struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// How a command failed: its kind, the error chain and the hints for it.
#[derive(Debug)]
pub(crate) struct CommandError {
    kind: ErrorKind,
    error: anyhow::Error,
    hints: Vec<String>,
}

impl From<anyhow::Error> for CommandError {
    fn from(error: anyhow::Error) -> Self {
        let kind = kind_of(&error);
        let hints = if kind == ErrorKind::BrokenPipe {
            Vec::new()
        } else {
            crate::hints::for_error(&error)
        };
        Self { kind, error, hints }
    }
}

impl CommandError {
    /// The kind, which decides the exit code.
    pub(crate) fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The process exit code.
    pub(crate) fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// Prints `error: ...` and the `hint: ...` lines to `stderr` (nothing for a closed
    /// stdout). Write errors are ignored: there is nowhere left to report them.
    ///
    /// Both pass through [`hf_auth::sanitize::for_display`]: an error may quote what a
    /// server said, and a server may send escape sequences or echo a token.
    pub(crate) fn report(&self, stderr: &mut dyn Write) {
        if self.kind == ErrorKind::BrokenPipe {
            return;
        }
        let safe = hf_auth::sanitize::for_display;
        let _ = writeln!(stderr, "error: {}", safe(&chain_text(&self.error)));
        for hint in &self.hints {
            let _ = writeln!(stderr, "{}", safe(&crate::hints::line(hint)));
        }
    }
}

/// The kind of an error chain: the markers commands put on it first, then what the library
/// errors in it say.
fn kind_of(error: &anyhow::Error) -> ErrorKind {
    let marked = error.chain().find_map(|cause| {
        if cause.is::<BrokenPipe>()
            || cause
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        {
            Some(ErrorKind::BrokenPipe)
        } else if cause.is::<UsageError>() {
            Some(ErrorKind::Usage)
        } else if cause.is::<Interrupted>() {
            Some(ErrorKind::Interrupted)
        } else {
            None
        }
    });
    let marked = marked.or_else(|| {
        error.chain().find_map(|cause| {
            if let Some(e) = cause.downcast_ref::<hf_auth::Error>() {
                Some(auth_kind(e))
            } else if let Some(e) = cause.downcast_ref::<hf_hub::Error>() {
                Some(hub_kind(e))
            } else if let Some(e) = cause.downcast_ref::<hf_inference::Error>() {
                Some(inference_kind(e))
            } else if cause.is::<HttpError>() {
                Some(ErrorKind::Remote)
            } else if cause.is::<tokio::task::JoinError>() {
                Some(ErrorKind::Internal)
            } else {
                None
            }
        })
    });
    // What is left is the command's own message about what it was given.
    marked.unwrap_or(ErrorKind::Input)
}

fn auth_kind(error: &hf_auth::Error) -> ErrorKind {
    match error {
        hf_auth::Error::Http(_) | hf_auth::Error::TokenRejected { .. } => ErrorKind::Remote,
        hf_auth::Error::Config { .. }
        | hf_auth::Error::NoToken { .. }
        | hf_auth::Error::Keyring(_)
        | hf_auth::Error::Parse(_) => ErrorKind::Configuration,
        _ => ErrorKind::Input,
    }
}

fn hub_kind(error: &hf_hub::Error) -> ErrorKind {
    match error {
        hf_hub::Error::Auth(auth) => auth_kind(auth),
        hf_hub::Error::Http(_)
        | hf_hub::Error::Hub { .. }
        | hf_hub::Error::PermissionDenied { .. }
        | hf_hub::Error::Protocol(_)
        | hf_hub::Error::UnsafePath { .. }
        | hf_hub::Error::Integrity { .. } => ErrorKind::Remote,
        _ => ErrorKind::Input,
    }
}

fn inference_kind(error: &hf_inference::Error) -> ErrorKind {
    match error {
        hf_inference::Error::Token(auth) => auth_kind(auth),
        hf_inference::Error::Config(_) => ErrorKind::Configuration,
        hf_inference::Error::InvalidInput(_) => ErrorKind::Input,
        _ => ErrorKind::Remote,
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

    fn kind(error: anyhow::Error) -> ErrorKind {
        CommandError::from(error).kind()
    }

    fn printed(error: anyhow::Error) -> String {
        let mut buffer = Vec::new();
        CommandError::from(error).report(&mut buffer);
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn kinds_decide_the_documented_codes() {
        let codes = [
            (ErrorKind::Usage, 2),
            (ErrorKind::Input, 1),
            (ErrorKind::Configuration, 1),
            (ErrorKind::Remote, 1),
            (ErrorKind::Interrupted, 130),
            (ErrorKind::Internal, 1),
            (ErrorKind::BrokenPipe, 0),
        ];
        for (kind, code) in codes {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn the_chain_gives_the_kind() {
        assert_eq!(kind(anyhow::anyhow!("no such folder: x")), ErrorKind::Input);
        assert_eq!(
            kind(anyhow::Error::new(UsageError("bad".into())).context("parsing")),
            ErrorKind::Usage
        );
        let config = hf_auth::Error::Config {
            name: "HF_ENDPOINT".into(),
            reason: "'x' is not a URL".into(),
        };
        assert_eq!(kind(anyhow::Error::new(config)), ErrorKind::Configuration);
        let no_token = hf_hub::Error::Auth(hf_auth::Error::NoToken {
            looked_in: "HF_TOKEN".into(),
        });
        assert_eq!(kind(anyhow::Error::new(no_token)), ErrorKind::Configuration);
        let refused = HttpError::synthetic(
            hf_auth::HttpErrorKind::Forbidden,
            Some(403),
            "POST",
            "https://hub.example/api/repos/create",
            None,
            true,
        );
        assert_eq!(
            kind(anyhow::Error::new(hf_hub::Error::Http(refused)).context("creating")),
            ErrorKind::Remote
        );
        assert_eq!(
            kind(anyhow::Error::new(Interrupted)),
            ErrorKind::Interrupted
        );
        let pipe = anyhow::Error::new(BrokenPipe).context("printing");
        assert_eq!(kind(pipe), ErrorKind::BrokenPipe);
        let io_pipe = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(kind(io_pipe), ErrorKind::BrokenPipe);
        assert_eq!(printed(anyhow::Error::new(BrokenPipe)), "");
    }

    #[test]
    fn report_prints_error_chain_and_hints() {
        use crate::hints::HintExt as _;
        let result: Result<(), _> = Err(anyhow::anyhow!("inner")).hint("do this");
        let error = result.map_err(|e| e.context("outer")).unwrap_err();
        assert_eq!(printed(error), "error: outer: inner\nhint: do this\n");
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
        assert_eq!(
            printed(wrapped),
            "error: nothing was saved: no access token found (looked in: HF_TOKEN)\n\
             hint: log in with `hf auth login`, or set HF_TOKEN\n"
        );
    }

    #[test]
    fn the_operation_a_command_names_picks_the_hint_not_the_url() {
        use crate::operation::{Operation, OperationExt as _};
        let conflict = || {
            HttpError::synthetic(
                hf_auth::HttpErrorKind::Conflict,
                Some(409),
                "POST",
                "https://hub.example/api/somewhere",
                None,
                true,
            )
        };
        let creating: anyhow::Result<()> = Err(conflict()).doing(Operation::Create);
        let text = printed(creating.unwrap_err().context("creating the repo"));
        assert!(text.starts_with("error: creating the repo: "), "{text}");
        assert!(text.contains("--exist-ok"), "{text}");
        assert_eq!(text.matches("conflict").count(), 1, "said once: {text}");
        let deploying: anyhow::Result<()> = Err(conflict()).doing(Operation::DeployEndpoint);
        assert!(printed(deploying.unwrap_err()).contains("pick another name"));
        assert!(!printed(anyhow::Error::new(conflict())).contains("hint:"));
    }
}
