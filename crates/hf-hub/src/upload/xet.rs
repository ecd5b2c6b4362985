//! Xet uploads through Hugging Face's own client (`hf-xet`), behind the `xet` feature: the
//! large (LFS-mode) files of a commit are chunked, deduplicated against the CAS and sent as
//! xorbs and shards, then committed as LFS pointers, as Python's `hf_xet` does. A server
//! without Xet (its write-token route answers 404) gets the LFS batch upload instead.

use hf_auth::http::HubClient;
use url::Url;
use xet::xet_session::{HeaderMap, HeaderValue, Sha256Policy, XetSessionBuilder, header};

use crate::repo::Repo;
use crate::upload::UploadSource;
use crate::upload::lfs::LfsObject;
use crate::{Error, HubApi};

/// What the Xet upload did.
#[derive(Debug, Default)]
pub(crate) struct XetOutcome {
    /// Files sent through Xet.
    pub(crate) files: usize,
    /// Bytes of new chunks sent (in xorbs).
    pub(crate) bytes_uploaded: u64,
    /// Bytes the CAS already had (local and global deduplication).
    pub(crate) bytes_deduplicated: u64,
}

fn xet_error(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Protocol(format!("Xet {what}: {error}"))
}

fn auth_headers(http: &HubClient) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    if let Some(token) = http.token() {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| Error::Protocol("the token is not a valid header value".into()))?;
        value.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, value);
    }
    if let Ok(agent) = HeaderValue::from_str(http.user_agent()) {
        headers.insert(header::USER_AGENT, agent);
    }
    Ok(headers)
}

impl HubApi {
    /// The write-token route of `repo` at `revision` (`?create_pr=1` for a pull request), and
    /// whether the Hub answers it (a 404: no Xet here).
    async fn xet_write_route(
        &self,
        repo: &Repo,
        revision: &str,
        create_pr: bool,
    ) -> Result<Option<Url>, Error> {
        let mut url = self.http.url(&format!(
            "/api/{}/{}/xet-write-token/{}",
            repo.repo_type.plural(),
            repo.id,
            percent_encoding::utf8_percent_encode(revision, percent_encoding::NON_ALPHANUMERIC)
        ))?;
        if create_pr {
            url.set_query(Some("create_pr=1"));
        }
        match self.http.get(url.clone()).send().await {
            Ok(_) => Ok(Some(url)),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Uploads `objects` through Xet; returns the ones left for the LFS batch API (all of
    /// them when the Hub has no Xet) and what was sent. Each file's sha256, computed again
    /// by Xet from the bytes it chunked, must be the one hashed before: a file that changed
    /// in between is refused.
    pub(crate) async fn upload_xet_objects(
        &self,
        repo: &Repo,
        revision: &str,
        create_pr: bool,
        objects: Vec<LfsObject>,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<(Vec<LfsObject>, XetOutcome), Error> {
        let Some(route) = self.xet_write_route(repo, revision, create_pr).await? else {
            tracing::debug!("the Hub has no Xet write route here; uploading through LFS");
            return Ok((objects, XetOutcome::default()));
        };
        let mut builder = XetSessionBuilder::new_with_config(crate::download::xet_config()?);
        if let Some(dir) = cache_dir {
            builder = builder.with_cache_dir(dir);
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            builder = builder.with_tokio_handle(handle);
        }
        let session = builder
            .build()
            .map_err(|e| xet_error("session could not start", e))?;
        let commit = session
            .new_upload_commit()
            .map_err(|e| xet_error("upload could not start", e))?
            .with_token_refresh_url(route.as_str(), auth_headers(&self.http)?)
            .build()
            .await
            .map_err(|e| xet_error("token refused or CAS unreachable", e))?;
        let mut expected = Vec::with_capacity(objects.len());
        for object in &objects {
            let handle = match &object.source {
                UploadSource::Path(path) => {
                    commit
                        .upload_from_path(path.clone(), Sha256Policy::Compute)
                        .await
                }
                UploadSource::Bytes(bytes) => {
                    commit
                        .upload_bytes(
                            bytes.to_vec(),
                            Sha256Policy::Compute,
                            Some(object.path_in_repo.to_string()),
                        )
                        .await
                }
            }
            .map_err(|e| xet_error(&format!("upload of {} failed", object.path_in_repo), e))?;
            expected.push((handle.task_id(), object));
        }
        let report = commit
            .commit()
            .await
            .map_err(|e| xet_error("commit of the uploaded files failed", e))?;
        for (task, object) in &expected {
            let Some(meta) = report.uploads.get(task) else {
                return Err(Error::Protocol(format!(
                    "Xet reported no upload for {}",
                    object.path_in_repo
                )));
            };
            let size = meta.xet_info.file_size().unwrap_or(0);
            if size != object.size {
                return Err(Error::SourceChanged {
                    path: object.path_in_repo.to_string(),
                    before: object.size,
                    now: size,
                });
            }
            if meta.xet_info.sha256() != Some(object.oid.as_str()) {
                return Err(Error::Protocol(format!(
                    "{} changed while it was being uploaded (its sha256 is not the one hashed before); nothing was committed",
                    object.path_in_repo
                )));
            }
        }
        let metrics = &report.dedup_metrics;
        Ok((
            Vec::new(),
            XetOutcome {
                files: expected.len(),
                bytes_uploaded: metrics.new_bytes,
                bytes_deduplicated: metrics.deduped_bytes,
            },
        ))
    }
}
