//! Paginated GETs: each page is a JSON array; the next page's URL is in `Link: <..>; rel="next"`.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, BoxStream, StreamExt as _};
use hf_auth::http::{HubClient, MAX_JSON_BODY};
use serde::de::DeserializeOwned;
use url::Url;

use crate::Error;

/// Bounds on one paginated listing, over all its pages. A server whose every page links to
/// another (by accident or by design) would otherwise grow the process without end; past a
/// bound the listing stops with [`Error::Protocol`] naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListingLimits {
    /// Pages fetched.
    pub max_pages: usize,
    /// Entries over all pages.
    pub max_entries: usize,
    /// JSON bytes over all pages.
    pub max_bytes: u64,
}

impl ListingLimits {
    /// For listings collected whole in memory (repo trees): 500,000 entries, 10,000 pages and
    /// 160 MiB of JSON, five times the largest repos the Hub holds, and well under 512 MiB
    /// of memory once parsed.
    pub const COLLECTED: Self = Self {
        max_pages: 10_000,
        max_entries: 500_000,
        max_bytes: 160 * 1024 * 1024,
    };
    /// For listings streamed to the caller (repos, refs, commits), which hold one page at a
    /// time: bounded so an endless listing still ends, far above the Hub's real sizes.
    pub const STREAMED: Self = Self {
        max_pages: 50_000,
        max_entries: 5_000_000,
        max_bytes: 4 * 1024 * 1024 * 1024,
    };
}

/// What one listing has consumed so far, checked against its [`ListingLimits`].
#[derive(Debug)]
pub(crate) struct ListingBudget {
    limits: ListingLimits,
    what: String,
    /// Pages already fetched: a server whose links lead back to one would loop forever.
    visited: HashSet<Url>,
    entries: usize,
    bytes: u64,
}

impl ListingBudget {
    /// A budget for the listing described by `what` ("the tree listing of org/name").
    pub(crate) fn new(limits: ListingLimits, what: impl Into<String>) -> Self {
        Self {
            limits,
            what: what.into(),
            visited: HashSet::new(),
            entries: 0,
            bytes: 0,
        }
    }

    fn exceeded(&self, bound: &str) -> Error {
        Error::Protocol(format!(
            "{} goes past {bound} ({} pages, {} entries and {} bytes read); a server that never stops paginating? stopping",
            self.what,
            self.visited.len(),
            self.entries,
            self.bytes
        ))
    }

    /// Call before fetching `url`: refuses a page already read and a page over the bound.
    pub(crate) fn before_page(&mut self, url: &Url) -> Result<(), Error> {
        if self.visited.len() >= self.limits.max_pages {
            return Err(self.exceeded(&format!("{} pages", self.limits.max_pages)));
        }
        if !self.visited.insert(url.clone()) {
            return Err(Error::Protocol(format!(
                "{}: the server's pagination links loop back to a page already read (a pagination loop); stopping",
                self.what
            )));
        }
        Ok(())
    }

    /// The most bytes the next page may have (the per-body limit, or what is left).
    pub(crate) fn page_byte_limit(&self) -> u64 {
        MAX_JSON_BODY.min(self.limits.max_bytes.saturating_sub(self.bytes))
    }

    /// Call after reading a page of `bytes` bytes holding `entries` entries.
    pub(crate) fn after_page(&mut self, bytes: u64, entries: usize) -> Result<(), Error> {
        self.bytes = self.bytes.saturating_add(bytes);
        self.entries = self.entries.saturating_add(entries);
        if self.entries > self.limits.max_entries {
            return Err(self.exceeded(&format!("{} entries", self.limits.max_entries)));
        }
        if self.bytes >= self.limits.max_bytes {
            return Err(self.exceeded(&format!("{} bytes", self.limits.max_bytes)));
        }
        Ok(())
    }
}

struct PageState<T> {
    next: Option<Url>,
    budget: ListingBudget,
    buffered: VecDeque<T>,
    remaining: Option<usize>,
}

/// Streams the items of every page starting at `first`, stopping after `limit` items,
/// within [`ListingLimits::STREAMED`]. Page requests are retried (as the Python client's
/// pagination is).
pub(crate) fn paginate<T>(
    http: HubClient,
    first: Url,
    limit: Option<usize>,
) -> BoxStream<'static, Result<T, Error>>
where
    T: DeserializeOwned + Send + 'static,
{
    let what = format!("the listing GET {}", hf_auth::redact_url(first.as_str()));
    let state = PageState {
        next: Some(first),
        budget: ListingBudget::new(ListingLimits::STREAMED, what),
        buffered: VecDeque::new(),
        remaining: limit,
    };
    stream::try_unfold((http, state), |(http, mut state)| async move {
        loop {
            if state.remaining == Some(0) {
                return Ok(None);
            }
            if let Some(item) = state.buffered.pop_front() {
                state.remaining = state.remaining.map(|n| n - 1);
                return Ok(Some((item, (http, state))));
            }
            let Some(url) = state.next.take() else {
                return Ok(None);
            };
            state.budget.before_page(&url)?;
            let (items, next, bytes) =
                fetch_page::<T>(&http, url, state.budget.page_byte_limit()).await?;
            state.budget.after_page(bytes, items.len())?;
            state.buffered = items.into();
            state.next = next;
        }
    })
    .boxed()
}

async fn fetch_page<T: DeserializeOwned>(
    http: &HubClient,
    url: Url,
    byte_limit: u64,
) -> Result<(Vec<T>, Option<Url>, u64), Error> {
    let response = http.get(url.clone()).idempotent(true).send().await?;
    let next = response
        .header("link")
        .and_then(|h| next_link(h, response.url()));
    let body = response
        .read_limited(byte_limit)
        .await
        .map_err(|e| decode_error(&url, &e))?;
    let items: Vec<T> = serde_json::from_slice(&body)
        .map_err(|e| decode_error(&url, &format!("invalid JSON page: {e}")))?;
    Ok((items, next, body.len() as u64))
}

fn decode_error(url: &Url, detail: &str) -> Error {
    Error::Protocol(format!(
        "GET {}: {detail}",
        hf_auth::redact_url(url.as_str())
    ))
}

/// The `rel="next"` target of a `Link` header, resolved against `base`.
#[must_use]
pub fn next_link(header: &str, base: &Url) -> Option<Url> {
    header.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim().strip_prefix('<')?.strip_suffix('>')?;
        let is_next = pieces.any(|p| {
            let p = p.trim().replace(' ', "");
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        if is_next {
            base.join(target).ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next_is_found_and_resolved() {
        let base = Url::parse("http://127.0.0.1:1/api/models?limit=5").unwrap();
        let h = r#"<http://127.0.0.1:1/api/models?cursor=abc>; rel="next", <http://x/prev>; rel="prev""#;
        assert_eq!(
            next_link(h, &base).unwrap().as_str(),
            "http://127.0.0.1:1/api/models?cursor=abc"
        );
        let relative = r#"</api/models?cursor=2>; rel="next""#;
        assert_eq!(
            next_link(relative, &base).unwrap().as_str(),
            "http://127.0.0.1:1/api/models?cursor=2"
        );
        assert!(next_link(r#"<http://x/prev>; rel="prev""#, &base).is_none());
        assert!(next_link("garbage", &base).is_none());
    }
}
