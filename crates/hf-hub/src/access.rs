//! What a token may do to a repo, judged from its whoami answer before any traffic: a read
//! token is refused before an upload creates or sends anything.

use std::fmt;

use hf_auth::whoami::{Role, WhoAmI};

use crate::repo::Repo;
use crate::{Error, HubApi};

/// The fine-grained permission that allows writing to a repo.
pub const REPO_WRITE: &str = "repo.write";

/// Why a token may not write to a repo.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteDenied {
    /// The repo's namespace is neither the user nor one of the user's organizations.
    NotAMember {
        /// The token's user.
        user: String,
        /// The repo's namespace.
        namespace: String,
    },
    /// A read token: it can download and call inference, nothing else.
    ReadToken,
    /// A fine-grained token without [`REPO_WRITE`] on the repo or its namespace.
    NoWriteScope,
}

impl fmt::Display for WriteDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAMember { user, namespace } => write!(
                f,
                "user '{user}' is not '{namespace}' and not a member of an organization named '{namespace}'"
            ),
            Self::ReadToken => f.write_str("a read token can only download and run inference"),
            Self::NoWriteScope => write!(
                f,
                "it has no '{REPO_WRITE}' permission on that repo or on its namespace"
            ),
        }
    }
}

/// Whether the token behind `who` may write to `repo` (an existing repo, or one to create),
/// judged from the role, the fine-grained scopes and org membership. A repo id without a
/// namespace means the user's own. Tokens of an unknown kind (OAuth, app) are let through:
/// the server decides.
///
/// # Errors
/// [`Error::PermissionDenied`] naming the token, the repo and what is missing.
pub fn check_write(who: &WhoAmI, repo: &Repo) -> Result<(), Error> {
    let kind = repo.repo_type.as_str();
    let (namespace, full_id) = match repo.id.namespace() {
        Some(namespace) => (namespace.to_owned(), repo.id.to_string()),
        None => (who.name.clone(), format!("{}/{}", who.name, repo.id)),
    };
    let Some(role) = who.role() else {
        return Ok(());
    };
    let denied = |reason| Error::PermissionDenied {
        token: describe_token(who, role),
        repo: format!("{kind} {full_id}"),
        namespace: namespace.clone(),
        reason,
    };
    let member = namespace == who.name || who.orgs.iter().any(|org| org.name == namespace);
    if !member {
        return Err(denied(WriteDenied::NotAMember {
            user: who.name.clone(),
            namespace: namespace.clone(),
        }));
    }
    match role {
        // A legacy admin token writes wherever a write token does.
        Role::Write | Role::Admin => Ok(()),
        Role::Read => Err(denied(WriteDenied::ReadToken)),
        Role::FineGrained if scope_allows(who, kind, &full_id, &namespace, REPO_WRITE) => Ok(()),
        Role::FineGrained => Err(denied(WriteDenied::NoWriteScope)),
        // A role added after this was written: the server decides.
        _ => Ok(()),
    }
}

fn describe_token(who: &WhoAmI, role: Role) -> String {
    match who.token_name() {
        Some(name) => format!("the token '{name}' (role: {role}) of user '{}'", who.name),
        None => format!("the token (role: {role}) of user '{}'", who.name),
    }
}

fn scope_allows(
    who: &WhoAmI,
    kind: &str,
    repo_id: &str,
    namespace: &str,
    permission: &str,
) -> bool {
    let Some(fine) = who.access_token().and_then(|t| t.fine_grained.as_ref()) else {
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

impl HubApi {
    /// Asks whoami whether the token may write to `repo` (see [`check_write`]), so that a read
    /// token is refused before any file data is sent. Returns the answer, for callers that
    /// need the user's name too.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`]; [`hf_auth::Error::NoToken`] without a token and
    /// [`hf_auth::Error::TokenRejected`] on 401 (as [`Error::Auth`]).
    pub async fn check_write_access(&self, repo: &Repo) -> Result<WhoAmI, Error> {
        let who = hf_auth::whoami::whoami(&self.http).await?;
        check_write(&who, repo)?;
        Ok(who)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RepoId;

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

    fn repo(kind: &str, id: &str) -> Repo {
        Repo::new(RepoId::new(id).unwrap(), kind.parse().unwrap())
    }

    #[test]
    fn read_tokens_cannot_write() {
        let err = check_write(&who("read", None), &repo("model", "demo-user/m")).unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(
                &err,
                Error::PermissionDenied {
                    reason: WriteDenied::ReadToken,
                    ..
                }
            ),
            "{message}"
        );
        assert!(message.contains("'my-token' (role: read)"), "{message}");
        assert!(message.contains("model demo-user/m"), "{message}");
    }

    #[test]
    fn write_tokens_write_where_the_user_is_a_member() {
        let w = who("write", None);
        check_write(&w, &repo("model", "demo-user/m")).unwrap();
        check_write(&w, &repo("datasets", "demo-org/d")).unwrap();
        check_write(&w, &repo("model", "bare-name")).unwrap();
        let err = check_write(&w, &repo("model", "someone-else/m")).unwrap_err();
        assert!(err.to_string().contains("not a member"), "{err}");
        assert!(
            matches!(&err, Error::PermissionDenied { namespace, .. } if namespace == "someone-else"),
            "{err}"
        );
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
        check_write(&repo_scoped, &repo("model", "demo-user/scoped-model")).unwrap();
        assert!(check_write(&repo_scoped, &repo("dataset", "demo-user/scoped-model")).is_err());
        let err = check_write(&repo_scoped, &repo("model", "demo-user/other")).unwrap_err();
        assert!(err.to_string().contains("no 'repo.write'"), "{err}");

        let org_scoped = who(
            "fineGrained",
            Some(
                serde_json::json!({"scoped": [{"entity": {"type": "org", "name": "demo-org"},
                "permissions": ["repo.write"]}]}),
            ),
        );
        check_write(&org_scoped, &repo("space", "demo-org/anything")).unwrap();
        assert!(check_write(&org_scoped, &repo("model", "demo-user/m")).is_err());
    }

    #[test]
    fn unknown_token_kinds_are_left_to_the_server() {
        let mut w = who("write", None);
        w.auth = None;
        check_write(&w, &repo("model", "demo-user/m")).unwrap();
    }
}
