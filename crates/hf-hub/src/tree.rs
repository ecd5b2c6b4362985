//! Repo tree listings: `GET /api/{t}/{repo}/tree/{rev}[/{path}]?recursive=&expand=`,
//! paginated through the `Link: rel="next"` header.

use futures_util::StreamExt as _;

pub use crate::entry::{TreeEntry, TreeLastCommit, TreeLfs};

use crate::api::pagination::ListingBudget;
use crate::api::pagination::ListingLimits;
use crate::repo::{Repo, encode_revision, validate_revision};
use crate::{Error, HubApi};

/// Reads a page of at most `limit` bytes; a stalled or broken body keeps its HTTP error kind.
async fn read_page(response: hf_auth::http::HubResponse, limit: u64) -> Result<Vec<u8>, Error> {
    let url = hf_auth::redact_url(response.url().as_str());
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(Error::Protocol(format!(
            "GET {url}: the listing page is larger than {limit} bytes"
        )));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(Error::Http)?;
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(Error::Protocol(format!(
                "GET {url}: the listing page is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub use crate::api::pagination::next_link;

impl HubApi {
    /// Lists the tree of `repo` at `revision`, below `path` (the root when `None`),
    /// recursively or not, following every page.
    ///
    /// # Errors
    /// HTTP failures (repo/revision not found...) and malformed pages.
    pub async fn list_repo_tree(
        &self,
        repo: &Repo,
        revision: &str,
        path: Option<&str>,
        recursive: bool,
    ) -> Result<Vec<TreeEntry>, Error> {
        self.tree_listing(repo, revision, path, recursive, false)
            .await
    }

    /// As [`HubApi::list_repo_tree`], with each entry's last commit and security scan
    /// (`expand=true`, as Python's `list_repo_tree(expand=True)`; slower on the Hub).
    ///
    /// # Errors
    /// As [`HubApi::list_repo_tree`].
    pub async fn list_repo_tree_expanded(
        &self,
        repo: &Repo,
        revision: &str,
        path: Option<&str>,
        recursive: bool,
    ) -> Result<Vec<TreeEntry>, Error> {
        self.tree_listing(repo, revision, path, recursive, true)
            .await
    }

    async fn tree_listing(
        &self,
        repo: &Repo,
        revision: &str,
        path: Option<&str>,
        recursive: bool,
        expand: bool,
    ) -> Result<Vec<TreeEntry>, Error> {
        validate_revision(revision)?;
        let mut api_path = format!("{}/tree/{}", repo.api_path(), encode_revision(revision));
        if let Some(path) = path.map(|p| p.trim_matches('/')).filter(|p| !p.is_empty()) {
            api_path.push('/');
            api_path.push_str(&encode_revision(path));
        }
        let mut url = self.http.url(&api_path)?;
        url.query_pairs_mut()
            .append_pair("recursive", if recursive { "true" } else { "false" })
            .append_pair("expand", if expand { "true" } else { "false" });
        let mut entries = Vec::new();
        let mut budget = ListingBudget::new(
            ListingLimits::COLLECTED,
            format!("the tree listing of {repo}"),
        );
        let mut next = Some(url);
        while let Some(page) = next.take() {
            budget.before_page(&page)?;
            let response = self.http.get(page.clone()).idempotent(true).send().await?;
            next = response
                .header("link")
                .and_then(|h| next_link(h, response.url()));
            let body = read_page(response, budget.page_byte_limit()).await?;
            let items: Vec<TreeEntry> = serde_json::from_slice(&body).map_err(|e| {
                Error::Protocol(format!("tree page of {repo} is not a valid listing: {e}"))
            })?;
            budget.after_page(body.len() as u64, items.len())?;
            entries.extend(items);
        }
        Ok(entries)
    }

    /// The paths of every file of `repo` at `revision`.
    ///
    /// # Errors
    /// As [`HubApi::list_repo_tree`].
    pub async fn list_repo_files(&self, repo: &Repo, revision: &str) -> Result<Vec<String>, Error> {
        Ok(self
            .list_repo_tree(repo, revision, None, true)
            .await?
            .into_iter()
            .filter(TreeEntry::is_file)
            .map(|e| e.path)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;

    #[test]
    fn link_header_next_is_found_and_resolved() {
        let base =
            Url::parse("http://127.0.0.1:1/api/models/a/b/tree/main?recursive=true").unwrap();
        let header = r#"<http://127.0.0.1:1/api/models/a/b/tree/main?cursor=x>; rel="next", <http://x/p>; rel="prev""#;
        assert_eq!(
            next_link(header, &base).unwrap().as_str(),
            "http://127.0.0.1:1/api/models/a/b/tree/main?cursor=x"
        );
        assert_eq!(
            next_link(r#"</api/x?cursor=2>; rel=next"#, &base)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:1/api/x?cursor=2"
        );
        assert!(next_link(r#"<http://x/p>; rel="prev""#, &base).is_none());
        assert!(next_link("garbage", &base).is_none());
    }
}
