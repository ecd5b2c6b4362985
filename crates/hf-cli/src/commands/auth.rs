//! `hf auth login|logout|whoami|list|switch|token`, and the legacy top-level
//! `huggingface-cli login|whoami|logout`.
//!
//! Tokens are found by `hf_auth::discovery`, saved by `hf_auth::store` (the files the
//! Python client shares, or the OS keyring with `--keyring`) and validated with
//! `GET /api/whoami-v2` before anything is saved. No token ever reaches stdout or stderr,
//! except from `hf auth token`, whose job it is.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::{Command as Process, Stdio};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use hf_auth::discovery::{self, DiscoveryOptions, Found};
use hf_auth::env;
use hf_auth::paths;
use hf_auth::store::{ListedToken, Storage, TokenStore};
use hf_auth::whoami::{self, WhoAmI};
use hf_auth::{Token, TokenSource};
use serde::Serialize;

use crate::commands::Context;
use crate::exit::UsageError;
use crate::hints::HintExt;
use crate::output::{Human, Render};

/// Which role fits which use, shown whenever the user has to go and get a token.
const ROLE_GUIDE: &str = "create one at https://huggingface.co/settings/tokens: a \"read\" token is \
enough for downloads and inference; uploads and creating or deleting repos need a \"write\" token, \
or a \"fine-grained\" one with write access to the repos or organizations concerned";

/// `hf auth ...`.
#[derive(Debug, Args)]
pub(crate) struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// List all stored access tokens.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Log in with a token from huggingface.co/settings/tokens (validated, then saved).
    Login(LoginArgs),
    /// Log out: forget one stored token, or all of them.
    Logout(LogoutArgs),
    /// Switch between stored access tokens.
    Switch(SwitchArgs),
    /// Print the current access token to stdout (for scripts).
    Token(TokenArgs),
    /// Find out which huggingface.co account you are logged in as.
    Whoami(WhoamiArgs),
}

/// Options of `hf auth login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// A User Access Token generated from https://huggingface.co/settings/tokens. Other users of this
    /// machine can see command-line arguments: prefer --token-stdin or the prompt.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_stdin")]
    token: Option<String>,
    /// Read the token from standard input (`hf auth login --token-stdin < token.txt`).
    #[arg(long)]
    token_stdin: bool,
    /// Log in even when a token is already configured.
    #[arg(long, overrides_with = "no_force")]
    force: bool,
    #[arg(long, hide = true, overrides_with = "force")]
    no_force: bool,
    /// Keep the secret in the OS keyring; the token files record only its name.
    #[arg(long)]
    keyring: bool,
    /// Also save the token to git's credential helper (for plain `git` commands).
    #[arg(long, overrides_with = "no_add_to_git_credential")]
    add_to_git_credential: bool,
    #[arg(long, hide = true, overrides_with = "add_to_git_credential")]
    no_add_to_git_credential: bool,
}

/// Options of `hf auth logout`.
#[derive(Debug, Args)]
pub(crate) struct LogoutArgs {
    /// Name of the token to log out from (default: all stored tokens).
    #[arg(long, value_name = "NAME")]
    token_name: Option<String>,
}

/// Options of `hf auth whoami`.
#[derive(Debug, Args)]
pub(crate) struct WhoamiArgs {}

/// Options of `hf auth list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {}

/// Options of `hf auth switch`.
#[derive(Debug, Args)]
pub(crate) struct SwitchArgs {
    /// Name of the stored token to switch to.
    #[arg(value_name = "NAME", conflicts_with = "token_name")]
    name: Option<String>,
    /// Same as NAME (the Python CLI's spelling).
    #[arg(long, value_name = "NAME")]
    token_name: Option<String>,
    /// Also save the token to git's credential helper.
    #[arg(long, overrides_with = "no_add_to_git_credential")]
    add_to_git_credential: bool,
    #[arg(long, hide = true, overrides_with = "add_to_git_credential")]
    no_add_to_git_credential: bool,
}

/// Options of `hf auth token`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Print the token even when stdout is a terminal (where it would stay in the scrollback).
    #[arg(long)]
    show: bool,
}

/// Runs `hf auth <command>`.
pub(crate) async fn run(args: AuthArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        AuthCommand::List(args) => list(&args, context),
        AuthCommand::Login(args) => login(args, context).await,
        AuthCommand::Logout(args) => logout(&args, context),
        AuthCommand::Switch(args) => switch(&args, context),
        AuthCommand::Token(args) => token(&args, context),
        AuthCommand::Whoami(args) => whoami(&args, context).await,
    }
}

/// Legacy `huggingface-cli login`.
pub(crate) async fn legacy_login(args: LoginArgs, context: &mut Context) -> anyhow::Result<()> {
    login(args, context).await
}

/// Legacy `huggingface-cli whoami`.
pub(crate) async fn legacy_whoami(args: WhoamiArgs, context: &mut Context) -> anyhow::Result<()> {
    whoami(&args, context).await
}

/// Legacy `huggingface-cli logout`.
pub(crate) fn legacy_logout(args: &LogoutArgs, context: &mut Context) -> anyhow::Result<()> {
    logout(args, context)
}

/// Validates `found` with `/api/whoami-v2` (a failure's hint comes from `crate::hints`).
async fn validate(context: &Context, found: &Found) -> anyhow::Result<WhoAmI> {
    let client = context.session.hub_client(Some(found.token.clone()))?;
    Ok(whoami::validate(&client, &found.source).await?)
}

/// A stable, short name for where a token came from (JSON output).
fn source_kind(source: &TokenSource) -> &'static str {
    match source {
        TokenSource::Explicit => "explicit",
        TokenSource::Stdin => "stdin",
        TokenSource::EnvHfToken => "HF_TOKEN",
        TokenSource::EnvLegacy => "HUGGING_FACE_HUB_TOKEN",
        TokenSource::DotEnv(_) => "env_file",
        TokenSource::TokenFile(_) => "token_file",
        TokenSource::Keyring(_) => "keyring",
        _ => "other",
    }
}

fn storage_name(storage: Storage) -> &'static str {
    match storage {
        Storage::Keyring => "keyring",
        _ => "file",
    }
}

/// Whether an environment variable holds a token that overrides the stored ones.
fn env_token_set(context: &Context) -> Option<&'static str> {
    [&env::HF_TOKEN, &env::HUGGING_FACE_HUB_TOKEN]
        .into_iter()
        .find(|var| {
            context
                .session
                .process_env()
                .get(var)
                .is_some_and(|v| !discovery::clean_secret(&v).0.expose_secret().is_empty())
        })
        .map(|var| var.name)
}

// ----- login -----

#[derive(Debug, Serialize)]
struct LoginReport {
    user: String,
    orgs: Vec<String>,
    token_name: String,
    role: Option<String>,
    storage: &'static str,
    token_path: String,
    git_credential: bool,
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

async fn login(args: LoginArgs, context: &mut Context) -> anyhow::Result<()> {
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
    let resolution = discovery::resolve(&options, context.session.env())?;
    for notice in &resolution.notices {
        tracing::warn!("{notice}");
    }
    let Some(found) = resolution.found else {
        return Err(anyhow::anyhow!("the token given is empty")).hint(ROLE_GUIDE);
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
fn read_stdin_token() -> anyhow::Result<Token> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .context("could not read the token from standard input")?;
    Ok(Token::new(text))
}

/// Asks for the token without echoing it, or explains how to get one when there is no terminal.
fn prompt_for_token() -> anyhow::Result<Token> {
    if !std::io::stdin().is_terminal() {
        return Err(anyhow::anyhow!(
            "no token given, and standard input is not a terminal to prompt on"
        ))
        .hint(format!(
            "{ROLE_GUIDE}; then pass it with `hf auth login --token-stdin` (for example \
             `hf auth login --token-stdin < token.txt`)"
        ));
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
fn read_hidden_line() -> std::io::Result<Token> {
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
fn read_hidden_line() -> std::io::Result<Token> {
    Err(std::io::Error::other(
        "hidden input is not supported on this platform; use `hf auth login --token-stdin`",
    ))
}

// ----- git credential helper -----

fn git_credential_helper_configured() -> bool {
    Process::new("git")
        .args(["config", "--get-all", "credential.helper"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.trim_ascii().is_empty())
}

/// `git credential approve|reject` for the endpoint with user `hf_user`, as the Python client.
/// The token goes through stdin, never the command line.
fn git_credential(action: &str, endpoint: &str, token: Option<&Token>) -> std::io::Result<bool> {
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

fn add_to_git_credential(context: &Context, token: &Token) -> bool {
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

// ----- whoami -----

#[derive(Debug, Serialize)]
struct WhoamiReport {
    user: String,
    fullname: Option<String>,
    orgs: Vec<String>,
    token_name: Option<String>,
    role: Option<String>,
    expires: Option<String>,
    fine_grained: Option<FineGrainedReport>,
    token_source: &'static str,
    token_source_detail: String,
}

#[derive(Debug, Serialize)]
struct FineGrainedReport {
    can_read_gated_repos: bool,
    global: Vec<String>,
    scoped: Vec<ScopeReport>,
}

#[derive(Debug, Serialize)]
struct ScopeReport {
    entity_type: String,
    entity: String,
    permissions: Vec<String>,
}

impl Render for WhoamiReport {
    fn human(&self) -> Human {
        let user = match &self.fullname {
            Some(full) if !full.is_empty() => format!("{} ({full})", self.user),
            _ => self.user.clone(),
        };
        let mut fields = vec![
            ("user".to_owned(), user),
            ("orgs".to_owned(), join_or_none(&self.orgs)),
            (
                "token".to_owned(),
                self.token_name
                    .clone()
                    .unwrap_or_else(|| "(unnamed)".into()),
            ),
            (
                "role".to_owned(),
                self.role.clone().unwrap_or_else(|| "unknown".into()),
            ),
        ];
        if let Some(fine) = &self.fine_grained {
            for scope in &fine.scoped {
                fields.push((
                    "scope".to_owned(),
                    format!(
                        "{} {}: {}",
                        scope.entity_type,
                        scope.entity,
                        scope.permissions.join(", ")
                    ),
                ));
            }
            if !fine.global.is_empty() {
                fields.push(("global".to_owned(), fine.global.join(", ")));
            }
            fields.push((
                "gated repos".to_owned(),
                if fine.can_read_gated_repos {
                    "readable (when access was granted)"
                } else {
                    "not readable with this token"
                }
                .to_owned(),
            ));
        }
        if let Some(expires) = &self.expires {
            fields.push(("expires".to_owned(), expires.clone()));
        }
        fields.push(("token source".to_owned(), self.token_source_detail.clone()));
        Human::Fields(fields)
    }
}

async fn whoami(_args: &WhoamiArgs, context: &mut Context) -> anyhow::Result<()> {
    let found = context
        .session
        .token_on_purpose()?
        .clone()
        .require()
        .context("not logged in")?;
    let who = validate(context, &found).await?;
    let access = who.access_token();
    let report = WhoamiReport {
        user: who.name.clone(),
        fullname: who.fullname.clone(),
        orgs: who.org_names().into_iter().map(str::to_owned).collect(),
        token_name: who.token_name().map(str::to_owned),
        // The Hub's own name: `read`, `write`, `fineGrained`, `admin`, or a newer one as sent.
        role: who.access_token().and_then(|t| t.role.clone()),
        expires: access.and_then(|a| a.expiration.clone()),
        fine_grained: access
            .and_then(|a| a.fine_grained.as_ref())
            .map(|fine| FineGrainedReport {
                can_read_gated_repos: fine.can_read_gated_repos,
                global: fine.global.clone(),
                scoped: fine
                    .scoped
                    .iter()
                    .map(|scope| ScopeReport {
                        entity_type: scope.entity.kind.clone(),
                        entity: scope.entity.name.clone(),
                        permissions: scope.permissions.clone(),
                    })
                    .collect(),
            }),
        token_source: source_kind(&found.source),
        token_source_detail: match &found.source {
            // `~/.cache/huggingface/token` reads better than the absolute path.
            TokenSource::TokenFile(path) => format!(
                "from the token file {}",
                paths::display_path(context.session.env(), path)
            ),
            other => format!("from {other}"),
        },
    };
    context.output.emit(&report)
}

// ----- list -----

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct ListReport(Vec<ListedToken>);

impl Render for ListReport {
    fn human(&self) -> Human {
        if self.0.is_empty() {
            return Human::Text("No stored access tokens.".to_owned());
        }
        let show_expires = self.0.iter().any(|t| t.expires_at.is_some());
        let mut headers = vec!["active", "name", "token", "storage"];
        if show_expires {
            headers.push("expires (UTC)");
        }
        Human::Table {
            headers: headers.into_iter().map(str::to_owned).collect(),
            rows: self
                .0
                .iter()
                .map(|t| {
                    let mut row = vec![
                        if t.active { "*" } else { "" }.to_owned(),
                        t.name.clone(),
                        t.masked.clone(),
                        t.storage.to_owned(),
                    ];
                    if show_expires {
                        row.push(t.expires_at.map(format_expiry).unwrap_or_default());
                    }
                    row
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.0.iter().map(|t| t.name.clone()).collect()
    }
}

/// An OAuth expiry as the Python client shows it: `YYYY-MM-DD`, plus ` (expired)` when past
/// (the date in UTC here, so the output does not depend on the machine's time zone).
fn format_expiry(unix: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let date = crate::output::utc_date(unix);
    if unix < now {
        format!("{date} (expired)")
    } else {
        date
    }
}

fn list(_args: &ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let resolution = context.session.token_on_purpose()?.clone();
    let store = TokenStore::new(context.session.token_files());
    let listed = store.list(resolution.found.as_ref())?;
    if let Some(found) = &resolution.found
        && matches!(
            found.source,
            TokenSource::EnvHfToken | TokenSource::EnvLegacy | TokenSource::DotEnv(_)
        )
    {
        tracing::warn!(
            "the token in use comes from {}, independently of the stored tokens",
            found.source
        );
    } else if resolution.found.is_none() && !listed.is_empty() {
        tracing::warn!("no token is active; run `hf auth switch NAME` or `hf auth login`");
    }
    context.output.emit(&ListReport(listed))
}

// ----- switch -----

#[derive(Debug, Serialize)]
struct SwitchReport {
    active: String,
    storage: &'static str,
}

impl Render for SwitchReport {
    fn human(&self) -> Human {
        Human::Text(format!(
            "Switched to token '{}' (stored in the {}).",
            self.active,
            if self.storage == "keyring" {
                "OS keyring"
            } else {
                "token files"
            }
        ))
    }
}

fn switch(args: &SwitchArgs, context: &mut Context) -> anyhow::Result<()> {
    let store = TokenStore::new(context.session.token_files());
    let picked;
    let name = match args.name.as_deref().or(args.token_name.as_deref()) {
        Some(name) => name,
        None => {
            let current = context.session.token_on_purpose()?.found.clone();
            let listed = store.list(current.as_ref())?;
            let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            if listed.is_empty() || !interactive {
                let names: Vec<&str> = listed.iter().map(|t| t.name.as_str()).collect();
                let known = if names.is_empty() {
                    "no tokens are stored; run `hf auth login`".to_owned()
                } else {
                    format!("stored tokens: {}", names.join(", "))
                };
                return Err(anyhow::Error::new(UsageError(format!(
                    "which token? pass its name: `hf auth switch --token-name NAME` ({known})"
                ))));
            }
            picked = pick_token(
                &listed,
                &mut std::io::stdin().lock(),
                &mut std::io::stderr().lock(),
            )?;
            picked.as_str()
        }
    };
    let storage = store
        .switch(name)
        .hint("`hf auth list` shows the stored tokens")?;
    if args.add_to_git_credential {
        let found = context.session.token_on_purpose()?.clone().require()?;
        add_to_git_credential(context, &found.token);
    }
    if let Some(var) = env_token_set(context) {
        tracing::warn!("{var} is set and will override the token you just switched to");
    }
    context.output.emit(&SwitchReport {
        active: name.to_owned(),
        storage: storage_name(storage),
    })
}

/// The interactive picker of `hf auth switch` on a terminal: the stored tokens numbered on
/// `out` (the active one marked), a number or a name read from `input`.
fn pick_token(
    listed: &[hf_auth::store::ListedToken],
    input: &mut dyn std::io::BufRead,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<String> {
    writeln!(out, "Stored tokens:")?;
    for (number, token) in listed.iter().enumerate() {
        let active = if token.active { " (active)" } else { "" };
        writeln!(
            out,
            "  {}) {}  {}{active}",
            number + 1,
            hf_auth::sanitize::for_display(&token.name),
            token.masked
        )?;
    }
    loop {
        write!(out, "Switch to (number or name, empty to cancel): ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 || line.trim().is_empty() {
            return Err(UsageError("no token chosen; nothing was changed".into()).into());
        }
        let answer = line.trim();
        let chosen = answer
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| listed.get(i))
            .or_else(|| listed.iter().find(|t| t.name == answer));
        match chosen {
            Some(token) => return Ok(token.name.clone()),
            None => writeln!(
                out,
                "no stored token is '{}'",
                hf_auth::sanitize::for_display(answer)
            )?,
        }
    }
}

// ----- logout -----

#[derive(Debug, Serialize)]
struct LogoutReport {
    removed: Vec<String>,
    active_removed: bool,
}

impl Render for LogoutReport {
    fn human(&self) -> Human {
        Human::Text(match self.removed.as_slice() {
            [] if self.active_removed => {
                "Logged out (the active token file was removed).".to_owned()
            }
            [] => "Not logged in: there was nothing to remove.".to_owned(),
            names => format!("Logged out of: {}.", names.join(", ")),
        })
    }
}

fn logout(args: &LogoutArgs, context: &mut Context) -> anyhow::Result<()> {
    let store = TokenStore::new(context.session.token_files());
    let outcome = store
        .logout(args.token_name.as_deref())
        .hint("`hf auth list` shows the stored tokens")?;
    for failure in &outcome.keyring_errors {
        tracing::warn!("could not delete the keyring entry {failure}");
    }
    if (outcome.active_removed || args.token_name.is_none())
        && git_credential_helper_configured()
        && let Ok(endpoint) = context.session.endpoint()
    {
        let _ = git_credential("reject", &endpoint, None);
    }
    if let Some(var) = env_token_set(context) {
        tracing::warn!(
            "{var} is still set, so commands keep using that token; unset {var} to log out completely"
        );
    }
    context.output.emit(&LogoutReport {
        removed: outcome.removed,
        active_removed: outcome.active_removed,
    })
}

// ----- token -----

#[derive(Debug, Serialize)]
struct TokenReport {
    #[serde(serialize_with = "serialize_secret")]
    token: Token,
    token_source: &'static str,
}

fn serialize_secret<S: serde::Serializer>(token: &Token, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(token.expose_secret())
}

impl Render for TokenReport {
    fn human(&self) -> Human {
        Human::Text(self.token.expose_secret().to_owned())
    }
}

fn token(args: &TokenArgs, context: &mut Context) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() && !args.show {
        return Err(anyhow::anyhow!(
            "refusing to print the token to a terminal, where it would stay in the scrollback"
        ))
        .hint("pipe it (`hf auth token | ...`), or pass --show to print it anyway");
    }
    let found = context
        .session
        .token_on_purpose()?
        .clone()
        .require()
        .context("not logged in")?;
    let report = TokenReport {
        token_source: source_kind(&found.source),
        token: found.token,
    };
    context.output.emit_revealing_secret(&report)
}

fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_match_the_calendar() {
        assert_eq!(format_expiry(1_700_000_000), "2023-11-14 (expired)");
        assert_eq!(format_expiry(4_102_444_800), "2100-01-01");
    }

    #[test]
    fn the_switch_picker_takes_a_number_or_a_name_and_asks_again_otherwise() {
        let token = |name: &str, active: bool| hf_auth::store::ListedToken {
            name: name.to_owned(),
            masked: "hf_****abcd".to_owned(),
            storage: "file",
            active,
            expires_at: None,
        };
        let listed = [token("work", true), token("home", false)];
        let pick = |typed: &str| {
            let mut out = Vec::new();
            let chosen = pick_token(&listed, &mut typed.as_bytes(), &mut out);
            (
                chosen.map_err(|e| e.to_string()),
                String::from_utf8(out).unwrap(),
            )
        };
        let (chosen, shown) = pick("2\n");
        assert_eq!(chosen.unwrap(), "home");
        assert!(shown.contains("1) work  hf_****abcd (active)"), "{shown}");
        assert_eq!(pick("work\n").0.unwrap(), "work");
        let (chosen, shown) = pick("7\nnobody\n1\n");
        assert_eq!(chosen.unwrap(), "work");
        assert_eq!(shown.matches("no stored token is").count(), 2, "{shown}");
        assert!(pick("\n").0.unwrap_err().contains("nothing was changed"));
        assert!(pick("").0.is_err());
    }
}
