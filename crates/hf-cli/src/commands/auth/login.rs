//! `hf auth login`: a token from the flag, stdin or a hidden prompt, validated, stored (file or
//! keyring) and optionally given to git's credential helper.

use super::common::{env_token_set, join_or_none, storage_name, validate};
use crate::commands::Context;
use crate::hints::HintExt;
use crate::hints::ROLE_GUIDE;
use crate::output::{Human, Render};
use anyhow::Context as _;
use clap::Args;
use hf_auth::discovery::DiscoveryOptions;
use hf_auth::store::{Storage, TokenStore};
use hf_auth::{Token, TokenSource};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::{Command as Process, Stdio};

/// Options of `hf auth login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// A User Access Token generated from https://huggingface.co/settings/tokens. Other users of this
    /// machine can see command-line arguments: prefer --token-stdin or the prompt.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_stdin")]
    pub(crate) token: Option<String>,
    /// Read the token from standard input (`hf auth login --token-stdin < token.txt`).
    #[arg(long)]
    pub(crate) token_stdin: bool,
    /// Log in even when a token is already configured.
    #[arg(long, overrides_with = "no_force")]
    pub(crate) force: bool,
    #[arg(long, hide = true, overrides_with = "force")]
    pub(crate) no_force: bool,
    /// Keep the secret in the OS keyring; the token files record only its name.
    #[arg(long)]
    pub(crate) keyring: bool,
    /// Also save the token to git's credential helper (for plain `git` commands).
    #[arg(long, overrides_with = "no_add_to_git_credential")]
    pub(crate) add_to_git_credential: bool,
    #[arg(long, hide = true, overrides_with = "add_to_git_credential")]
    pub(crate) no_add_to_git_credential: bool,
}

// ----- login -----

#[derive(Debug, Serialize)]
pub(crate) struct LoginReport {
    pub(crate) user: String,
    pub(crate) orgs: Vec<String>,
    pub(crate) token_name: String,
    pub(crate) role: Option<String>,
    pub(crate) storage: &'static str,
    pub(crate) token_path: String,
    pub(crate) git_credential: bool,
}

impl Render for LoginReport {
    fn human(&self) -> Human {
        let where_ = match self.storage {
            "keyring" => "the OS keyring (name recorded in stored_tokens)".to_owned(),
            _ => self.token_path.clone(),
        };
        Human::Fields(vec![
            ("logged in as".into(), self.user.clone()),
            ("orgs".into(), join_or_none(&self.orgs)),
            ("token".into(), self.token_name.clone()),
            (
                "role".into(),
                self.role.clone().unwrap_or_else(|| "unknown".into()),
            ),
            ("saved to".into(), where_),
        ])
    }
}

pub(crate) async fn login(args: LoginArgs, context: &mut Context) -> anyhow::Result<()> {
    let (raw, source) = match (args.token, args.token_stdin) {
        (Some(token), _) => (
            crate::token_flag::from_flag(&token, "--token-stdin or the prompt"),
            TokenSource::Explicit,
        ),
        (None, true) => (read_stdin_token()?, TokenSource::Stdin),
        (None, false) => {
            if !args.force
                && let Some(found) = context.session.token_on_purpose()?.clone().found
            {
                tracing::warn!(
                    "already logged in with the token from {}; run `hf auth login --force` to log in again",
                    found.source
                );
                return Ok(());
            }
            // Typed at the terminal, i.e. read from standard input.
            (prompt_for_token()?, TokenSource::Stdin)
        }
    };
    // Cleaning and format checks, before any request.
    let options = DiscoveryOptions::new()
        .explicit(Some(raw), source)
        .without_keyring();
    let resolution = context.session.resolve_given_token(&options)?;
    for notice in &resolution.notices {
        tracing::warn!("{notice}");
    }
    let Some(found) = resolution.found else {
        return Err(anyhow::anyhow!("the token given is empty")).hint(crate::hints::ROLE_GUIDE);
    };
    let who = validate(context, &found)
        .await
        .context("nothing was saved")?;
    let name = who.storage_name();
    let store = TokenStore::new(context.session.token_files());
    let storage = if args.keyring {
        Storage::Keyring
    } else {
        Storage::Files
    };
    let outcome = store.save(&name, &found.token, storage)?;
    if let Some(reason) = &outcome.keyring_error {
        tracing::warn!("{reason}; the token was saved to the token files instead");
    }
    let git_credential = args.add_to_git_credential && add_to_git_credential(context, &found.token);
    if let Some(var) = env_token_set(context) {
        tracing::warn!(
            "{var} is set and takes precedence over the token you just saved; unset it to use '{name}'"
        );
    }
    let report = LoginReport {
        user: who.name.clone(),
        orgs: who.org_names().into_iter().map(str::to_owned).collect(),
        token_name: name,
        // The Hub's own name: `read`, `write`, `fineGrained`, `admin`, or a newer one as sent.
        role: who.access_token().and_then(|t| t.role.clone()),
        storage: storage_name(outcome.stored_in),
        token_path: store.files().token_path().display().to_string(),
        git_credential,
    };
    context.output.emit(&report)
}

/// Reads the token from stdin (all of it: cleaning removes the line break).
pub(crate) fn read_stdin_token() -> anyhow::Result<Token> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .context("could not read the token from standard input")?;
    Ok(Token::new(text))
}

/// Asks for the token without echoing it, or explains how to get one when there is no terminal.
pub(crate) fn prompt_for_token() -> anyhow::Result<Token> {
    if !std::io::stdin().is_terminal() {
        return Err(anyhow::anyhow!(
            "no token given, and standard input is not a terminal to prompt on"
        ))
        .hint(crate::hints::token_via_stdin());
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "To log in, paste a User Access Token; {ROLE_GUIDE}."
    );
    let _ = write!(stderr, "Token (input is hidden): ");
    let _ = stderr.flush();
    let line = read_hidden_line().context("could not read the token from the terminal")?;
    let _ = writeln!(stderr);
    Ok(line)
}

#[cfg(unix)]
pub(crate) fn read_hidden_line() -> std::io::Result<Token> {
    /// Turns terminal echo back on when dropped, even on an early return.
    struct EchoGuard(std::fs::File);
    impl Drop for EchoGuard {
        fn drop(&mut self) {
            if let Ok(tty) = self.0.try_clone() {
                let _ = Process::new("stty").arg("echo").stdin(tty).status();
            }
        }
    }
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let status = Process::new("stty")
        .arg("-echo")
        .stdin(tty.try_clone()?)
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other("`stty -echo` failed"));
    }
    let guard = EchoGuard(tty.try_clone()?);
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line)?;
    drop(guard);
    // Wrapped at once so the buffer is wiped on drop; the Enter key is not part of the token.
    let line = Token::new(line);
    let typed = line.expose_secret();
    let typed = typed.strip_suffix('\n').unwrap_or(typed);
    Ok(Token::new(typed.strip_suffix('\r').unwrap_or(typed)))
}

#[cfg(not(unix))]
pub(crate) fn read_hidden_line() -> std::io::Result<Token> {
    Err(std::io::Error::other(
        "hidden input is not supported on this platform; use `hf auth login --token-stdin`",
    ))
}

// ----- git credential helper -----

pub(crate) fn git_credential_helper_configured() -> bool {
    Process::new("git")
        .args(["config", "--get-all", "credential.helper"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.trim_ascii().is_empty())
}

/// `git credential approve|reject` for the endpoint with user `hf_user`, as the Python client.
/// The token goes through stdin, never the command line.
pub(crate) fn git_credential(
    action: &str,
    endpoint: &str,
    token: Option<&Token>,
) -> std::io::Result<bool> {
    let mut child = Process::new("git")
        .args(["credential", action])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // Built inside a Token so the copy holding the secret is wiped when dropped.
        let input = Token::new(match token {
            Some(token) => format!(
                "url={endpoint}\nusername=hf_user\npassword={}\n\n",
                token.expose_secret()
            ),
            None => format!("url={endpoint}\nusername=hf_user\n\n"),
        });
        stdin.write_all(input.expose_secret().as_bytes())?;
    }
    Ok(child.wait()?.success())
}

pub(crate) fn add_to_git_credential(context: &Context, token: &Token) -> bool {
    if !git_credential_helper_configured() {
        tracing::warn!(
            "the token was not saved to git: no git credential helper is configured \
             (see `git help credentials`, e.g. `git config --global credential.helper store`)"
        );
        return false;
    }
    let Ok(endpoint) = context.session.endpoint() else {
        return false;
    };
    match git_credential("approve", &endpoint, Some(token)) {
        Ok(true) => {
            tracing::info!("the token was saved to git's credential helper for {endpoint}");
            true
        }
        _ => {
            tracing::warn!("`git credential approve` failed; the token was not saved to git");
            false
        }
    }
}
