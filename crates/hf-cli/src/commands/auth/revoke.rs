//! `hf auth revoke TOKEN… | --from-file FILE`: revoke tokens, typically leaked ones. No
//! authentication is needed (the request carries no `Authorization` header, so one's own
//! token is never used); the Hub notifies each token's owner by email.

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use hf_auth::Token;
use serde_json::Value;

use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::Report;

/// Options of `hf auth revoke`.
#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The token(s) to revoke. The command line is visible to other users of this machine
    /// while it runs: prefer --from-file.
    #[arg(required_unless_present = "from_file", value_name = "TOKENS")]
    tokens: Vec<String>,
    /// Revoke every Hugging Face token written in this file (a leaked `.env`, a log, a
    /// notebook); `-` reads standard input. What was found is listed, masked.
    #[arg(long, value_name = "FILE")]
    from_file: Option<PathBuf>,
}

/// The most a `--from-file` may hold (a log can be large; a token is 40 bytes).
const MAX_FILE: u64 = 64 * 1024 * 1024;

pub(crate) async fn revoke(args: RevokeArgs, context: &mut Context) -> anyhow::Result<()> {
    let mut tokens: Vec<Token> = Vec::new();
    if !args.tokens.is_empty() {
        tracing::warn!(
            "the tokens are on the command line, where other users of this machine can see \
             them (ps, /proc); prefer --from-file FILE (or `--from-file -` with the tokens on \
             standard input)"
        );
        for value in &args.tokens {
            let value = value.trim();
            if value.is_empty() {
                return Err(UsageError("an empty token cannot be revoked".to_owned()).into());
            }
            push_once(&mut tokens, Token::new(value.to_owned()));
        }
    }
    if let Some(file) = &args.from_file {
        let text = read_limited(file)?;
        let found = hf_hub::upload::find_hub_tokens(&text);
        if found.is_empty() {
            anyhow::bail!(
                "no Hugging Face token (hf_…, hf_oauth_…, api_org_…) found in {}",
                context.session.display_path(file)
            );
        }
        for item in found {
            context.output.note(&format!(
                "found a {} on line {}: {}",
                item.kind, item.line, item.masked
            ));
            push_once(&mut tokens, item.token);
        }
    }
    let client = context.session.hub_client(None)?;
    hf_auth::revoke::revoke_tokens(&client, &tokens).await?;
    let count = tokens.len();
    context.output.emit(&Report {
        message: format!("Revocation requested for {count} token(s)"),
        fields: vec![("count", Value::from(count))],
    })
}

fn push_once(tokens: &mut Vec<Token>, token: Token) {
    if !tokens.contains(&token) {
        tokens.push(token);
    }
}

/// The file's bytes (`-`: standard input), at most [`MAX_FILE`].
fn read_limited(file: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let mut text = Vec::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_FILE + 1)
            .read_to_end(&mut text)
            .context("could not read standard input")?
    } else {
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut text))
            .with_context(|| format!("could not read {}", file.display()))?
    };
    if read as u64 > MAX_FILE {
        anyhow::bail!(
            "{} is larger than {} MiB: pass the part that holds the tokens",
            file.display(),
            MAX_FILE / (1024 * 1024)
        );
    }
    Ok(text)
}
