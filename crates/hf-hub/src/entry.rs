//! What a repo's file listing says about one file or folder: the type the Hub API's tree
//! listing returns and the cache keeps (`trees/<commit>.json`), below both.

use serde::Deserialize;

/// One entry of a tree listing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TreeEntry {
    /// `file` or `directory`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The path in the repo.
    pub path: String,
    /// The git object id (git blob sha1 for files).
    #[serde(default)]
    pub oid: String,
    /// Size in bytes (of the real content for LFS files).
    #[serde(default)]
    pub size: u64,
    /// LFS details, for files stored in LFS.
    #[serde(default)]
    pub lfs: Option<TreeLfs>,
    /// Xet hash, when the file is stored in Xet.
    #[serde(default, rename = "xetHash")]
    pub xet_hash: Option<String>,
    /// The last commit that changed the path (only from [`HubApi::list_repo_tree_expanded`](crate::HubApi::list_repo_tree_expanded)).
    #[serde(default, rename = "lastCommit")]
    pub last_commit: Option<TreeLastCommit>,
    /// The Hub's security scan of a file, as sent (`status`, `avScan`, `pickleImportScan`;
    /// only from [`HubApi::list_repo_tree_expanded`](crate::HubApi::list_repo_tree_expanded)).
    #[serde(default, rename = "securityFileStatus")]
    pub security: Option<serde_json::Value>,
}

/// The last commit of a tree entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TreeLastCommit {
    /// The commit hash.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its date, ISO 8601.
    #[serde(default)]
    pub date: String,
}

/// LFS details of a tree entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TreeLfs {
    /// The sha256 of the content.
    pub oid: String,
    /// The content size.
    pub size: u64,
    /// The size of the pointer file in git.
    #[serde(default, rename = "pointerSize")]
    pub pointer_size: u64,
}

impl TreeEntry {
    /// Whether this is a file (not a directory).
    #[must_use]
    pub fn is_file(&self) -> bool {
        self.kind == "file"
    }

    /// The blob name in the cache: the LFS sha256, else the git blob sha1 (as the Python client's etag).
    #[must_use]
    pub fn etag(&self) -> &str {
        self.lfs.as_ref().map_or(&self.oid, |lfs| &lfs.oid)
    }

    /// The content size.
    #[must_use]
    pub fn content_size(&self) -> u64 {
        self.lfs.as_ref().map_or(self.size, |lfs| lfs.size)
    }
}
