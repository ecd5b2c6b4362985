//! `hf auth logout`: one stored token, or all of them.

use super::common::env_token_set;
use super::login::{git_credential, git_credential_helper_configured};
use crate::commands::Context;
use crate::hints::HintExt;
use crate::output::{Human, Render};
use anyhow::Context as _;
use clap::Args;
use hf_auth::store::TokenStore;
use serde::Serialize;

/// Options of `hf auth logout`.
#[derive(Debug, Args)]
pub(crate) struct LogoutArgs {
    /// Name of the token to log out from (default: all stored tokens).
    #[arg(long, value_name = "NAME")]
    pub(crate) token_name: Option<String>,
    /// Also revoke the tokens removed, on the Hub (first: if the Hub refuses, nothing is
    /// removed here, so it can be tried again).
    #[arg(long)]
    pub(crate) revoke: bool,
}

// ----- logout -----

#[derive(Debug, Serialize)]
pub(crate) struct LogoutReport {
    pub(crate) removed: Vec<String>,
    pub(crate) active_removed: bool,
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

pub(crate) async fn logout(args: &LogoutArgs, context: &mut Context) -> anyhow::Result<()> {
    let store = TokenStore::new(context.session.token_files());
    if args.revoke {
        let secrets = store
            .secrets_to_remove(args.token_name.as_deref())
            .hint(crate::hints::STORED_TOKENS)?;
        if !secrets.is_empty() {
            let client = context.session.hub_client(None)?;
            hf_auth::revoke::revoke_tokens(&client, &secrets)
                .await
                .context("the Hub did not revoke the tokens, so none was removed here")?;
            context.output.note(&format!(
                "Revocation requested for {} token(s).",
                secrets.len()
            ));
        }
    }
    let outcome = store
        .logout(args.token_name.as_deref())
        .hint(crate::hints::STORED_TOKENS)?;
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
