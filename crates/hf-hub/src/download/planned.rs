//! What a download is about: the file's metadata from the Hub's HEAD, and a file of a
//! snapshot planned for fetching.

use std::sync::Arc;

use hf_auth::http::{HubClient, HubRequest};
use url::Url;

use crate::hash::HashKind;
use crate::repo::Repo;
use crate::{Error, HubApi};

/// What a HEAD on a resolve URL says about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMetadata {
    /// The commit the revision resolved to (`X-Repo-Commit`).
    pub commit: String,
    /// The blob id: sha256 for LFS files, git-sha1 otherwise (`X-Linked-Etag`, else `ETag`).
    pub etag: String,
    /// The content size (`X-Linked-Size`, else `Content-Length`).
    pub size: Option<u64>,
    /// Where the bytes are: the CDN location when the Hub redirected there.
    pub location: Url,
    /// Whether `location` is a CDN (fetched without the token) rather than the Hub itself.
    pub on_cdn: bool,
    /// The file's Xet hash (`X-Xet-Hash`), when it is stored in Xet.
    pub xet_hash: Option<String>,
    /// The Hub route that hands out CAS read tokens for it (`Link: <..>; rel="xet-auth"`).
    pub xet_auth: Option<Url>,
}

/// One file to fetch, with everything needed to place and verify it.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub(super) path: Arc<str>,
    pub(super) etag: String,
    pub(super) size: u64,
    pub(super) source: Option<Source>,
    /// Its Xet hash, when it is stored in Xet (a key into the shared blob store).
    pub(super) xet_hash: Option<String>,
}

impl Planned {
    /// The one file a HEAD described: refused early when its etag cannot be verified or its
    /// size is missing; a file not on the CDN is fetched at the commit the HEAD saw, so the
    /// bytes match its etag.
    pub(super) fn from_head(
        api: &HubApi,
        repo: &Repo,
        path: &str,
        metadata: &FileMetadata,
    ) -> Result<Self, Error> {
        if HashKind::of_etag(&metadata.etag).is_none() {
            return Err(Error::Protocol(format!(
                "the Hub's etag for {path} ('{}') is not a sha256 or git-sha1, so the file cannot be verified",
                metadata.etag
            )));
        }
        let Some(size) = metadata.size else {
            return Err(Error::Protocol(format!(
                "the Hub did not send the size of {path}"
            )));
        };
        let source = if metadata.on_cdn {
            Source::from_metadata(metadata)
        } else {
            Source::Hub(api.http.url(&repo.resolve_path(&metadata.commit, path))?)
        };
        Ok(Self {
            path: Arc::from(path),
            etag: metadata.etag.clone(),
            size,
            source: Some(source),
            xet_hash: metadata.xet_hash.clone(),
        })
    }
}

/// Where a file's bytes are fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Source {
    /// A Hub URL: sent with the token, redirects followed (the token is dropped when they leave the Hub).
    Hub(Url),
    /// A CDN URL: never sent the token.
    Cdn(Url),
    /// A file stored in Xet: reconstructed from the CAS (feature `xet`, unless
    /// `HF_HUB_DISABLE_XET`), else fetched from `bridge` (the CDN URL the Hub redirected to).
    Xet {
        /// The file's Xet hash.
        hash: String,
        /// The Hub route that hands out CAS read tokens (`rel="xet-auth"`).
        auth: Url,
        /// Where the Hub redirected: the bridge, for clients without Xet.
        bridge: Url,
    },
}

impl Source {
    /// The source a HEAD's metadata points to.
    #[must_use]
    pub(crate) fn from_metadata(metadata: &FileMetadata) -> Self {
        match (&metadata.xet_hash, &metadata.xet_auth) {
            (Some(hash), Some(auth)) if metadata.on_cdn => Self::Xet {
                hash: hash.clone(),
                auth: auth.clone(),
                bridge: metadata.location.clone(),
            },
            _ if metadata.on_cdn => Self::Cdn(metadata.location.clone()),
            _ => Self::Hub(metadata.location.clone()),
        }
    }

    /// This source fetched over plain HTTP: a Xet file through its bridge (with the token
    /// only when the bridge is the Hub's own resolve URL).
    pub(super) fn over_http(&self, http: &HubClient) -> Self {
        match self {
            Self::Xet { bridge, .. } if http.config().is_trusted(bridge) => {
                Self::Hub(bridge.clone())
            }
            Self::Xet { bridge, .. } => Self::Cdn(bridge.clone()),
            other => other.clone(),
        }
    }

    pub(super) fn request(&self, http: &HubClient) -> HubRequest {
        match self {
            Self::Hub(url) => http.get(url.clone()),
            Self::Cdn(url) | Self::Xet { bridge: url, .. } => http.get(url.clone()).without_auth(),
        }
    }
}
