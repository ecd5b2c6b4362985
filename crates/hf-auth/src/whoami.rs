//! Token validation with `GET /api/whoami-v2` and the typed answer ([`WhoAmI`]). What the
//! answer allows (writing to a repo) is judged in `hf-hub`, which knows repos.

use serde::{Deserialize, Serialize};

use crate::TokenSource;
use crate::error::{Error, HttpError, HttpErrorKind};
use crate::http::HubClient;

/// The account behind a token, as returned by `GET /api/whoami-v2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WhoAmI {
    /// The user (or org, or app) name.
    pub name: String,
    /// `user`, `org` or `app`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// The account e-mail, when the token may see it.
    #[serde(default)]
    pub email: Option<String>,
    /// Organisations the user belongs to.
    #[serde(default)]
    pub orgs: Vec<Org>,
    /// What the token itself is.
    #[serde(default)]
    pub auth: Option<Auth>,
}

/// An organisation in [`WhoAmI::orgs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Org {
    /// The org name (the namespace of its repos).
    pub name: String,
    /// The display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// The user's role in the org (`admin`, `write`, `contributor`, `read`), when given.
    #[serde(default)]
    pub role_in_org: Option<String>,
}

/// The `auth` object: how the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Auth {
    /// `access_token`, `app_token`, `app_token_as_user`, ...
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The access token's details (absent for OAuth/app tokens).
    #[serde(default)]
    pub access_token: Option<AccessToken>,
}

/// An access token's name, role and, for fine-grained tokens, its scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessToken {
    /// The name given to the token on the settings page.
    #[serde(default)]
    pub display_name: Option<String>,
    /// `read`, `write` or `fineGrained`.
    #[serde(default)]
    pub role: Option<String>,
    /// When the token expires (ISO 8601), if it does.
    #[serde(default, alias = "expiresAt")]
    pub expiration: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The scopes of a fine-grained token.
    #[serde(default)]
    pub fine_grained: Option<FineGrained>,
}

/// The scopes of a fine-grained token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FineGrained {
    /// Whether it may read gated repos the user was granted.
    #[serde(default)]
    pub can_read_gated_repos: bool,
    /// Permissions that apply everywhere (e.g. `discussion.write`).
    #[serde(default)]
    pub global: Vec<String>,
    /// Permissions on given users, orgs or repos.
    #[serde(default)]
    pub scoped: Vec<Scope>,
}

/// Permissions on one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Scope {
    /// The user, org or repo the permissions apply to.
    pub entity: Entity,
    /// e.g. `repo.content.read`, `repo.write`.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A user, org or repo named in a [`Scope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entity {
    /// `user`, `org`, `model`, `dataset` or `space`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The user/org name, or the repo id.
    pub name: String,
}

/// A token's role, parsed from [`AccessToken::role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// Read-only: downloads and inference.
    Read,
    /// Read and write everywhere the user can.
    Write,
    /// Only what its scopes allow.
    FineGrained,
    /// A legacy admin token (no longer created): it can do what a write token can.
    Admin,
}

impl Role {
    /// The name the Hub uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::FineGrained => "fineGrained",
            Self::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The permission a fine-grained token needs to write to a repo.
pub const REPO_WRITE: &str = "repo.write";

impl WhoAmI {
    /// The organisation names, in the order the Hub lists them.
    #[must_use]
    pub fn org_names(&self) -> Vec<&str> {
        self.orgs.iter().map(|org| org.name.as_str()).collect()
    }

    /// The access token's details, when the request used one.
    #[must_use]
    pub fn access_token(&self) -> Option<&AccessToken> {
        self.auth.as_ref()?.access_token.as_ref()
    }

    /// The token's display name, when known.
    #[must_use]
    pub fn token_name(&self) -> Option<&str> {
        self.access_token()?.display_name.as_deref()
    }

    /// The token's role, when known and recognised.
    #[must_use]
    pub fn role(&self) -> Option<Role> {
        match self.access_token()?.role.as_deref()? {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "fineGrained" => Some(Role::FineGrained),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The name under which `login` stores the token: the display name, else
    /// `oauth-<user>` (as the Python client does).
    #[must_use]
    pub fn storage_name(&self) -> String {
        self.token_name()
            .filter(|name| !name.is_empty())
            .map_or_else(|| format!("oauth-{}", self.name), str::to_owned)
    }
}

/// Asks the Hub who the client's token belongs to (`GET /api/whoami-v2`), retried like any
/// idempotent GET (a 429 or a 5xx on this check must not fail the work behind it).
///
/// # Errors
/// [`Error::NoToken`] when the client has no token; [`Error::TokenRejected`] on 401;
/// [`Error::Http`] for other failures.
pub async fn whoami(client: &HubClient) -> Result<WhoAmI, Error> {
    whoami_from(client, None).await
}

/// Like [`whoami`], naming where the token came from in the 401 message.
///
/// # Errors
/// As [`whoami`].
pub async fn validate(client: &HubClient, source: &TokenSource) -> Result<WhoAmI, Error> {
    whoami_from(client, Some(source)).await
}

async fn whoami_from(client: &HubClient, source: Option<&TokenSource>) -> Result<WhoAmI, Error> {
    if client.token().is_none() {
        return Err(Error::NoToken {
            looked_in: "the client (it was built without a token)".to_owned(),
        });
    }
    let url = client.url("/api/whoami-v2")?;
    // Only an answer from a trusted origin vouches for the token: a redirect elsewhere
    // is not followed, since the token is not sent there and any answer would do.
    let result = match client
        .get(url)
        .redirects(crate::http::Redirects::StopAtUntrusted)
        .send()
        .await
    {
        Ok(response) if response.is_redirection() => {
            let elsewhere = response
                .header("location")
                .and_then(|l| response.url().join(l).ok())
                .map(|u| crate::redact_url(u.origin().ascii_serialization().as_str()))
                .unwrap_or_default();
            Err(
                HttpError::new(HttpErrorKind::Redirect, "GET", response.url().as_str()).with_detail(
                    format!(
                        "the token check was redirected to another origin ({elsewhere}), which never receives the token, so its answer cannot vouch for it"
                    ),
                ),
            )
        }
        Ok(response) => decode_whoami(response).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(who) => Ok(who),
        Err(e) if *e.kind() == HttpErrorKind::Unauthorized => Err(Error::TokenRejected {
            shown: client.token().map(ToString::to_string),
            origin: source.cloned(),
        }),
        Err(e) => Err(Error::Http(e)),
    }
}

async fn decode_whoami(response: crate::http::HubResponse) -> Result<WhoAmI, HttpError> {
    let url = response.url().to_string();
    let body = response
        .read_limited(crate::http::MAX_JSON_BODY)
        .await
        .map_err(|e| HttpError::new(HttpErrorKind::Decode, "GET", &url).with_detail(e))?;
    serde_json::from_slice(&body).map_err(|e| {
        HttpError::new(HttpErrorKind::Decode, "GET", &url).with_detail(format!("invalid JSON: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: &str, fine: Option<serde_json::Value>) -> WhoAmI {
        let mut access = serde_json::json!({"displayName": "my-token", "role": role});
        if let Some(fine) = fine {
            access["fineGrained"] = fine;
        }
        serde_json::from_value(serde_json::json!({
            "type": "user", "name": "demo-user", "fullname": "Demo User",
            "orgs": [{"type": "org", "name": "demo-org", "fullname": "Demo Org", "roleInOrg": "write"}],
            "auth": {"type": "access_token", "accessToken": access},
        }))
        .unwrap()
    }

    #[test]
    fn parses_the_whoami_shape() {
        let w = who("write", None);
        assert_eq!(w.org_names(), ["demo-org"]);
        assert_eq!(w.role(), Some(Role::Write));
        assert_eq!(w.storage_name(), "my-token");
        assert_eq!(w.orgs[0].role_in_org.as_deref(), Some("write"));
    }
}
