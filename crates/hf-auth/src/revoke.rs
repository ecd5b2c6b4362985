//! Revoking tokens, typically leaked ones (`POST /api/credentials/revoke`).
//!
//! Anyone holding a token's value may revoke it: the Hub needs no authentication for it and
//! notifies each token's owner by email. The request is sent without an `Authorization`
//! header, so the caller's own token is never used, nor revoked by mistake. The Hub does not
//! say whether a token existed.

use crate::Token;
use crate::error::Error;
use crate::http::HubClient;

/// Tokens per request, as the Python client sends them.
pub const REVOKE_BATCH: usize = 1000;

/// Asks the Hub to revoke `tokens`, in batches of [`REVOKE_BATCH`]; returns the number of
/// requests sent.
///
/// # Errors
/// [`Error::InvalidToken`] when `tokens` is empty; the first batch the Hub refuses (the
/// batches before it were revoked).
pub async fn revoke_tokens(client: &HubClient, tokens: &[Token]) -> Result<usize, Error> {
    if tokens.is_empty() {
        return Err(Error::InvalidToken("no token to revoke".to_owned()));
    }
    let url = client.url("/api/credentials/revoke")?;
    let mut requests = 0;
    for batch in tokens.chunks(REVOKE_BATCH) {
        let credentials: Vec<&str> = batch.iter().map(Token::expose_secret).collect();
        client
            .post(url.clone())
            .without_auth()
            // Revoking twice is revoking: safe to repeat after a lost answer.
            .idempotent(true)
            .json(&serde_json::json!({ "credentials": credentials }))
            .send()
            .await
            .map_err(Error::Http)?;
        requests += 1;
    }
    Ok(requests)
}
