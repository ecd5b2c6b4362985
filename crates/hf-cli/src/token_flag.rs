//! The `--token` option, the same on every command that takes it.

use hf_auth::Token;

/// A token given on the command line. The warning comes first, on every command: argv is
/// readable by the machine's other users (`ps`, `/proc/<pid>/cmdline`) for as long as the
/// command runs, and may be kept in shell history.
pub(crate) fn from_flag(value: &str, instead: &str) -> Token {
    tracing::warn!(
        "--token puts the token in the command line, where other users of this machine \
         can see it (ps, /proc); prefer {instead}"
    );
    Token::new(value.to_owned())
}

/// What to use instead of `--token` on commands other than `hf auth login`.
pub(crate) const USE_LOGIN_OR_ENV: &str = "`hf auth login` or HF_TOKEN";
