//! Xet uploads through Hugging Face's own client (`hf-xet`), behind the `xet` feature: the
//! large (LFS-mode) files of a commit are chunked, deduplicated against the CAS and sent as
//! xorbs and shards, then committed as LFS pointers, as Python's `hf_xet` does. A server
//! without Xet (its write-token route answers 404) gets the LFS batch upload instead.

use serde_json::Value;
use url::Url;
use xet::xet_session::Sha256Policy;

use crate::download::{new_xet_session, xet_auth_headers, xet_error};

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

impl HubApi {
    /// The write-token route of `repo` at `revision` (`?create_pr=1` for a pull request) and
    /// its first answer (CAS URL, token, expiry), or `None` when the Hub has no Xet (a 404).
    async fn xet_write_route(
        &self,
        repo: &Repo,
        revision: &str,
        create_pr: bool,
    ) -> Result<Option<(Url, String, String, u64)>, Error> {
        let mut url = self.http.url(&format!(
            "/api/{}/{}/xet-write-token/{}",
            repo.repo_type.plural(),
            repo.id,
            percent_encoding::utf8_percent_encode(revision, percent_encoding::NON_ALPHANUMERIC)
        ))?;
        if create_pr {
            url.set_query(Some("create_pr=1"));
        }
        let answer: Value = match self.http.get(url.clone()).send_json().await {
            Ok(answer) => answer,
            Err(e) if e.status() == Some(404) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let (Some(cas), Some(token), Some(exp)) = (
            answer["casUrl"].as_str(),
            answer["accessToken"].as_str(),
            answer["exp"].as_u64(),
        ) else {
            return Err(Error::Protocol(
                "the Xet write-token answer lacks casUrl, accessToken or exp".into(),
            ));
        };
        if !Url::parse(cas).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            return Err(Error::Protocol(
                "the Xet write-token answer's casUrl is not an http(s) URL".into(),
            ));
        }
        Ok(Some((url, cas.to_owned(), token.to_owned(), exp)))
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
        let Some((route, cas, token, exp)) =
            self.xet_write_route(repo, revision, create_pr).await?
        else {
            tracing::debug!("the Hub has no Xet write route here; uploading through LFS");
            return Ok((objects, XetOutcome::default()));
        };
        // The first token is the one just fetched; hf-xet refreshes it through the route.
        let commit = new_xet_session(cache_dir)?
            .new_upload_commit()
            .map_err(|e| xet_error("upload could not start", e))?
            .with_endpoint(cas)
            .with_token_info(token, exp)
            .with_token_refresh_url(route.as_str(), xet_auth_headers(&self.http)?)
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
