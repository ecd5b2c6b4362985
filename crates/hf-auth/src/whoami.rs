//! Token validation with `GET /api/whoami-v2`, the typed answer ([`WhoAmI`]), and the
//! permission check write operations run before sending anything
//! ([`WhoAmI::check_write`]).
//!
//! [`advice`] turns a failed request into the next step for the user (invalid token,
//! 401 vs 403, gated repo, rate limit), naming where the token came from.

use serde::{Deserialize, Serialize};

use crate::discovery::TOKEN_SETTINGS_URL;
use crate::error::{Error, HttpError, HttpErrorKind};
use crate::http::HubClient;
use crate::{Token, TokenSource};

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
}

impl Role {
    /// The name the Hub uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::FineGrained => "fineGrained",
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

    /// Whether the token may write to `repo_id` (an existing repo, or one to create), judged
    /// from the role, the scopes and org membership, before any upload traffic.
    ///
    /// `repo_type` is `model`, `dataset` or `space` (plurals accepted); a `repo_id` without a
    /// namespace means the user's own. Tokens of an unknown kind (OAuth, app) are let through:
    /// the server decides.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] naming the token, its role, what it lacks and the fix.
    pub fn check_write(&self, repo_type: &str, repo_id: &str) -> Result<(), Error> {
        let kind = singular(repo_type);
        let (namespace, full_id) = match repo_id.split_once('/') {
            Some((namespace, _)) => (namespace.to_owned(), repo_id.to_owned()),
            None => (self.name.clone(), format!("{}/{repo_id}", self.name)),
        };
        let Some(role) = self.role() else {
            return Ok(());
        };
        let token = self.describe_token(role);
        let fix = format!(
            "create a write token, or a fine-grained token with '{REPO_WRITE}' on {kind} {full_id} \
             (or on all repos of {namespace}), at {TOKEN_SETTINGS_URL}, then run `hf auth login`"
        );
        let member = namespace == self.name || self.orgs.iter().any(|org| org.name == namespace);
        if !member {
            return Err(Error::PermissionDenied(format!(
                "{token} cannot write to {kind} {full_id}: user '{}' is not '{namespace}' and not a \
                 member of an organization named '{namespace}' (check the repo id, or ask an admin of \
                 '{namespace}' to add you)",
                self.name
            )));
        }
        match role {
            Role::Write => Ok(()),
            Role::Read => Err(Error::PermissionDenied(format!(
                "{token} cannot write to {kind} {full_id}: a read token can only download and run inference; {fix}"
            ))),
            Role::FineGrained => {
                if self.scope_allows(kind, &full_id, &namespace, REPO_WRITE) {
                    Ok(())
                } else {
                    Err(Error::PermissionDenied(format!(
                        "{token} cannot write to {kind} {full_id}: it has no '{REPO_WRITE}' permission \
                         on that repo or on '{namespace}'; {fix}"
                    )))
                }
            }
        }
    }

    fn describe_token(&self, role: Role) -> String {
        match self.token_name() {
            Some(name) => format!("the token '{name}' (role: {role}) of user '{}'", self.name),
            None => format!("the token (role: {role}) of user '{}'", self.name),
        }
    }

    fn scope_allows(&self, kind: &str, repo_id: &str, namespace: &str, permission: &str) -> bool {
        let Some(fine) = self.access_token().and_then(|t| t.fine_grained.as_ref()) else {
            return false;
        };
        fine.global.iter().any(|p| p == permission)
            || fine.scoped.iter().any(|scope| {
                let matches = match scope.entity.kind.as_str() {
                    "user" | "org" => scope.entity.name == namespace,
                    entity_kind => entity_kind == kind && scope.entity.name == repo_id,
                };
                matches && scope.permissions.iter().any(|p| p == permission)
            })
    }
}

fn singular(repo_type: &str) -> &str {
    match repo_type {
        "models" | "model" | "" => "model",
        "datasets" | "dataset" => "dataset",
        "spaces" | "space" => "space",
        other => other,
    }
}

/// Asks the Hub who the client's token belongs to (`GET /api/whoami-v2`, one attempt,
/// as the Python client does).
///
/// # Errors
/// [`Error::NoToken`] when the client has no token; [`Error::InvalidToken`] on 401 (with
/// the fix); [`Error::Http`] for other failures (see [`advice`]).
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
        .idempotent(false)
        .redirects(crate::http::Redirects::StopAtUntrusted)
        .send()
        .await
    {
        Ok(response) if response.status().is_redirection() => {
            let elsewhere = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
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
        Err(e) if *e.kind() == HttpErrorKind::Unauthorized => Err(Error::InvalidToken(
            invalid_token_message(client.token(), source),
        )),
        Err(e) => Err(Error::Http(e)),
    }
}

async fn decode_whoami(response: reqwest::Response) -> Result<WhoAmI, HttpError> {
    let url = response.url().to_string();
    let body = crate::http::read_body_limited(response, crate::http::MAX_JSON_BODY)
        .await
        .map_err(|e| HttpError::new(HttpErrorKind::Decode, "GET", &url).with_detail(e))?;
    serde_json::from_slice(&body).map_err(|e| {
        HttpError::new(HttpErrorKind::Decode, "GET", &url).with_detail(format!("invalid JSON: {e}"))
    })
}

fn invalid_token_message(token: Option<&Token>, source: Option<&TokenSource>) -> String {
    let shown = token.map_or_else(String::new, |t| format!(" ({t})"));
    let origin = source.map_or_else(String::new, |s| format!(" from {s}"));
    let fix = match source {
        Some(TokenSource::EnvHfToken) => {
            "update or unset HF_TOKEN (it takes precedence over `hf auth login`)".to_owned()
        }
        Some(TokenSource::EnvLegacy) => "update or unset HUGGING_FACE_HUB_TOKEN".to_owned(),
        Some(TokenSource::DotEnv(path)) => format!("update HF_TOKEN in {}", path.display()),
        Some(TokenSource::TokenFile(_) | TokenSource::Keyring(_)) => {
            "run `hf auth login --force` with a valid token".to_owned()
        }
        _ => "pass a valid token".to_owned(),
    };
    format!(
        "the Hub rejected the token{shown}{origin} (401 Unauthorized): it was revoked, has \
         expired, was mistyped, or belongs to another Hub endpoint; {fix} (tokens are managed at \
         {TOKEN_SETTINGS_URL})"
    )
}

/// What the user should do after a failed request, or `None` when there is nothing
/// specific to say. `source` is where the token came from (`None`: no token was sent).
#[must_use]
pub fn advice(error: &HttpError, source: Option<&TokenSource>) -> Option<String> {
    let login = "run `hf auth login` (create a token at https://huggingface.co/settings/tokens)";
    match error.kind() {
        HttpErrorKind::Unauthorized => Some(match source {
            None => format!("this needs a token; {login}"),
            Some(source) => format!(
                "the token from {source} was rejected (revoked, expired, mistyped, or copied with \
                 stray spaces or newlines); {login}"
            ),
        }),
        HttpErrorKind::RepoNotFound if source.is_none() => Some(format!(
            "the repo does not exist, or it is private and you are not logged in; check the id or {login}"
        )),
        HttpErrorKind::Forbidden => Some(format!(
            "the token{} is valid but lacks the permission: use a write token, or a fine-grained \
             token with the needed scope, created at {TOKEN_SETTINGS_URL}",
            source.map_or_else(String::new, |s| format!(" from {s}"))
        )),
        HttpErrorKind::GatedRepo => Some(format!(
            "this repo is gated: request access at {} and wait for approval, then retry logged in \
             (a fine-grained token also needs 'read access to contents of all public gated repos')",
            repo_page(error.url()).unwrap_or_else(|| "the repo's page on the Hub".to_owned())
        )),
        HttpErrorKind::RepoNotFound if source.is_some() => Some(format!(
            "the repo does not exist, or it is private and the token from {} has no access to it; \
             check the id and the token's permissions at {TOKEN_SETTINGS_URL}",
            source.map_or_else(String::new, ToString::to_string)
        )),
        HttpErrorKind::RateLimited => Some(match error.retry_after() {
            Some(wait) => format!(
                "rate limited by the Hub: retry in {} seconds; logged-in requests get higher limits",
                wait.as_secs().max(1)
            ),
            None => "rate limited by the Hub: wait a few minutes before retrying; logged-in \
                     requests get higher limits"
                .to_owned(),
        }),
        _ => None,
    }
}

/// The web page of the repo a Hub URL points into (where access to a gated repo is requested).
#[must_use]
pub fn repo_page(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let origin = parsed.origin().ascii_serialization();
    let segments: Vec<&str> = parsed.path_segments()?.filter(|s| !s.is_empty()).collect();
    let (prefix, rest) = match segments.as_slice() {
        ["api", "models", rest @ ..] => ("", rest),
        ["api", "datasets", rest @ ..] => ("datasets/", rest),
        ["api", "spaces", rest @ ..] => ("spaces/", rest),
        ["datasets", rest @ ..] => ("datasets/", rest),
        ["spaces", rest @ ..] => ("spaces/", rest),
        ["api", ..] => return None,
        rest => ("", rest),
    };
    // Everything up to an action segment (`resolve`, `tree`, `revision`, ...) is the repo id.
    let end = rest
        .iter()
        .position(|s| {
            matches!(
                *s,
                "resolve" | "tree" | "revision" | "blob" | "paths-info" | "refs" | "commits"
            )
        })
        .unwrap_or(rest.len());
    let id = &rest[..end.min(2)];
    if id.is_empty() {
        return None;
    }
    Some(format!("{origin}/{prefix}{}", id.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_pages_for_gated_errors() {
        assert_eq!(
            repo_page("https://huggingface.co/meta/llama/resolve/main/config.json").as_deref(),
            Some("https://huggingface.co/meta/llama")
        );
        assert_eq!(
            repo_page("http://127.0.0.1:9/datasets/org/data/resolve/main/x.csv").as_deref(),
            Some("http://127.0.0.1:9/datasets/org/data")
        );
        assert_eq!(
            repo_page("https://huggingface.co/api/models/gpt2/revision/main").as_deref(),
            Some("https://huggingface.co/gpt2")
        );
        assert_eq!(repo_page("https://huggingface.co/api/whoami-v2"), None);
    }

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

    #[test]
    fn read_tokens_cannot_write() {
        let err = who("read", None)
            .check_write("model", "demo-user/m")
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::PermissionDenied(_)));
        assert!(message.contains("'my-token' (role: read)"), "{message}");
        assert!(message.contains(TOKEN_SETTINGS_URL));
    }

    #[test]
    fn write_tokens_write_where_the_user_is_a_member() {
        let w = who("write", None);
        w.check_write("model", "demo-user/m").unwrap();
        w.check_write("datasets", "demo-org/d").unwrap();
        w.check_write("model", "bare-name").unwrap();
        let err = w.check_write("model", "someone-else/m").unwrap_err();
        assert!(err.to_string().contains("not a member"), "{err}");
    }

    #[test]
    fn fine_grained_scopes_are_honoured() {
        let repo_scoped = who(
            "fineGrained",
            Some(
                serde_json::json!({"canReadGatedRepos": true, "global": ["discussion.write"],
                "scoped": [{"entity": {"_id": "x", "type": "model", "name": "demo-user/scoped-model"},
                            "permissions": ["repo.content.read", "repo.write"]}]}),
            ),
        );
        repo_scoped
            .check_write("model", "demo-user/scoped-model")
            .unwrap();
        assert!(
            repo_scoped
                .check_write("dataset", "demo-user/scoped-model")
                .is_err()
        );
        let err = repo_scoped
            .check_write("model", "demo-user/other")
            .unwrap_err();
        assert!(err.to_string().contains("no 'repo.write'"), "{err}");

        let org_scoped = who(
            "fineGrained",
            Some(
                serde_json::json!({"scoped": [{"entity": {"type": "org", "name": "demo-org"},
                "permissions": ["repo.write"]}]}),
            ),
        );
        org_scoped
            .check_write("space", "demo-org/anything")
            .unwrap();
        assert!(org_scoped.check_write("model", "demo-user/m").is_err());
    }

    #[test]
    fn unknown_token_kinds_are_left_to_the_server() {
        let mut w = who("write", None);
        w.auth = None;
        w.check_write("model", "demo-user/m").unwrap();
    }
}
