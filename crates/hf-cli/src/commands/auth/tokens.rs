//! `hf auth list|switch|token`: the stored tokens, the active one, and printing it on purpose.

use super::common::{env_token_set, source_kind, storage_name};
use super::login::add_to_git_credential;
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::hints::HintExt;
use crate::output::{Human, Render};
use anyhow::Context as _;
use clap::Args;
use hf_auth::store::{ListedToken, TokenStore};
use hf_auth::{Token, TokenSource};
use serde::Serialize;
use std::io::IsTerminal;

/// Options of `hf auth list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {}

/// Options of `hf auth switch`.
#[derive(Debug, Args)]
pub(crate) struct SwitchArgs {
    /// Name of the stored token to switch to.
    #[arg(value_name = "NAME", conflicts_with = "token_name")]
    pub(crate) name: Option<String>,
    /// Same as NAME (the Python CLI's spelling).
    #[arg(long, value_name = "NAME")]
    pub(crate) token_name: Option<String>,
    /// Also save the token to git's credential helper.
    #[arg(long, overrides_with = "no_add_to_git_credential")]
    pub(crate) add_to_git_credential: bool,
    #[arg(long, hide = true, overrides_with = "add_to_git_credential")]
    pub(crate) no_add_to_git_credential: bool,
}

/// Options of `hf auth token`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Print the token even when stdout is a terminal (where it would stay in the scrollback).
    #[arg(long)]
    pub(crate) show: bool,
}

// ----- list -----

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct ListReport(Vec<ListedToken>);

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
pub(crate) fn format_expiry(unix: i64) -> String {
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

pub(crate) fn list(_args: &ListArgs, context: &mut Context) -> anyhow::Result<()> {
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
pub(crate) struct SwitchReport {
    pub(crate) active: String,
    pub(crate) storage: &'static str,
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

pub(crate) fn switch(args: &SwitchArgs, context: &mut Context) -> anyhow::Result<()> {
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
    let storage = store.switch(name).hint(crate::hints::STORED_TOKENS)?;
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
pub(crate) fn pick_token(
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

// ----- token -----

#[derive(Debug, Serialize)]
pub(crate) struct TokenReport {
    #[serde(serialize_with = "serialize_secret")]
    pub(crate) token: Token,
    pub(crate) token_source: &'static str,
}

pub(crate) fn serialize_secret<S: serde::Serializer>(
    token: &Token,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(token.expose_secret())
}

impl Render for TokenReport {
    fn human(&self) -> Human {
        Human::Text(self.token.expose_secret().to_owned())
    }
}

pub(crate) fn token(args: &TokenArgs, context: &mut Context) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() && !args.show {
        return Err(anyhow::anyhow!(
            "refusing to print the token to a terminal, where it would stay in the scrollback"
        ))
        .hint(crate::hints::TOKEN_ON_A_TERMINAL);
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
