//! `POST /api/credentials/revoke` (`{"credentials": [...]}`): anyone holding a token's value
//! may revoke it, with no authentication; a revoked token answers 401 everywhere after. The
//! Hub does not say whether a token existed.
//!
//! For tests, `POST /_admin/tokens` (`{"role": "read"|"write"}`) mints a new token of
//! `demo-user`, so a test may revoke one without spoiling the seeded ones.

use axum::response::Response;
use serde_json::json;

use crate::model::{Db, Role, TokenInfo};
use crate::respond::Ctx;
use crate::seed;
use crate::util::{error_response, ok_json};

pub(crate) fn mint(ctx: &Ctx) -> Response {
    let body = match ctx.json_body() {
        Ok(body) => body,
        Err(response) => return response,
    };
    let role = body.get("role").and_then(|r| r.as_str()).unwrap_or("read");
    match mint_token(&mut ctx.db(), role) {
        Some(token) => ok_json(json!({ "token": token })),
        None => error_response(400, None, &format!("unknown role '{role}'")),
    }
}

/// A new token of `demo-user` with `role` (`read` or `write`); `None` for another role.
pub(crate) fn mint_token(db: &mut Db, role: &str) -> Option<String> {
    let role = match role {
        "read" => Role::Read,
        "write" => Role::Write,
        _ => return None,
    };
    let token = seed::token("minted");
    db.tokens.insert(
        token.clone(),
        TokenInfo {
            user: "demo-user".into(),
            role,
            display_name: "demo-minted".into(),
            scopes: vec![],
            global: vec![],
            can_read_gated: false,
            expired: false,
        },
    );
    Some(token)
}

/// The most tokens one request may name (the Python client sends batches of this size).
const MAX_PER_REQUEST: usize = 1000;

pub(crate) fn revoke(ctx: &Ctx) -> Response {
    let body = match ctx.json_body() {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(credentials) = body.get("credentials").and_then(|c| c.as_array()) else {
        return error_response(400, None, "Expected a 'credentials' list of tokens");
    };
    if credentials.is_empty() || credentials.len() > MAX_PER_REQUEST {
        return error_response(
            400,
            None,
            &format!("'credentials' must hold 1 to {MAX_PER_REQUEST} tokens"),
        );
    }
    let Some(values) = credentials
        .iter()
        .map(|c| c.as_str())
        .collect::<Option<Vec<&str>>>()
    else {
        return error_response(400, None, "Every credential must be a string");
    };
    let mut db = ctx.db();
    for value in values {
        if let Some(token) = db.tokens.get_mut(value) {
            token.expired = true;
        }
    }
    ok_json(json!({}))
}
