//! The permission check run before any upload request.

use crate::repo::Repo;
use crate::{Error, HubApi};

impl HubApi {
    /// Asks whoami whether the token may write to `repo` (role, fine-grained scopes, org
    /// membership), so that a read token is refused before any file data is sent.
    ///
    /// # Errors
    /// [`hf_auth::Error::PermissionDenied`] (as [`Error::Auth`]) naming what the token lacks;
    /// `NoToken` without a token; `InvalidToken` on 401.
    pub async fn check_write_access(&self, repo: &Repo) -> Result<(), Error> {
        let who = hf_auth::whoami::whoami(&self.http).await?;
        who.check_write(repo.repo_type.as_str(), repo.id.as_str())?;
        Ok(())
    }
}
