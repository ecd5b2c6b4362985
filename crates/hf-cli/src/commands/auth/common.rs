//! What the `hf auth` verbs share: validating a token, where it came from and is stored.

use crate::commands::Context;
use hf_auth::TokenSource;
use hf_auth::discovery::Found;
use hf_auth::store::Storage;
use hf_auth::whoami::{self, WhoAmI};

/// Validates `found` with `/api/whoami-v2` (a failure's hint comes from `crate::hints`).
pub(crate) async fn validate(context: &Context, found: &Found) -> anyhow::Result<WhoAmI> {
    let client = context.session.hub_client(Some(found.token.clone()))?;
    Ok(whoami::validate(&client, &found.source).await?)
}

/// A stable, short name for where a token came from (JSON output).
pub(crate) fn source_kind(source: &TokenSource) -> &'static str {
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

pub(crate) fn storage_name(storage: Storage) -> &'static str {
    match storage {
        Storage::Keyring => "keyring",
        _ => "file",
    }
}

/// Whether an environment variable holds a token that overrides the stored ones.
pub(crate) fn env_token_set(context: &Context) -> Option<&'static str> {
    context.session.token_variable_set()
}

pub(crate) fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}
