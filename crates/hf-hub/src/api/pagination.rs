//! Paginated GETs: each page is a JSON array; the next page's URL is in `Link: <..>; rel="next"`.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, BoxStream, StreamExt as _};
use hf_auth::http::{HubClient, MAX_JSON_BODY, read_body_limited};
use serde::de::DeserializeOwned;
use url::Url;

use crate::Error;

/// The `rel="next"` target of a `Link` header, resolved against `base`.
pub(crate) fn next_link(header: &str, base: &Url) -> Option<Url> {
    header.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        let target = target.strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| base.join(target).ok()).flatten()
    })
}

struct PageState<T> {
    next: Option<Url>,
    /// Pages already fetched: a server whose links lead back to one would loop forever.
    visited: HashSet<Url>,
    buffered: VecDeque<T>,
    remaining: Option<usize>,
}

/// Streams the items of every page starting at `first`, stopping after `limit` items.
/// Page requests are retried (as the Python client's pagination is).
pub(crate) fn paginate<T>(
    http: HubClient,
    first: Url,
    limit: Option<usize>,
) -> BoxStream<'static, Result<T, Error>>
where
    T: DeserializeOwned + Send + 'static,
{
    let state = PageState {
        next: Some(first),
        visited: HashSet::new(),
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
            if !state.visited.insert(url.clone()) {
                return Err(decode_error(
                    &url,
                    "the server's pagination links loop back to a page already read; stopping",
                ));
            }
            let (items, next) = fetch_page::<T>(&http, url).await?;
            state.buffered = items.into();
            state.next = next;
        }
    })
    .boxed()
}

async fn fetch_page<T: DeserializeOwned>(
    http: &HubClient,
    url: Url,
) -> Result<(Vec<T>, Option<Url>), Error> {
    let response = http.get(url.clone()).idempotent(true).send().await?;
    let next = response
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| next_link(h, response.url()));
    let body = read_body_limited(response, MAX_JSON_BODY)
        .await
        .map_err(|e| decode_error(&url, &e))?;
    let items: Vec<T> = serde_json::from_slice(&body)
        .map_err(|e| decode_error(&url, &format!("invalid JSON page: {e}")))?;
    Ok((items, next))
}

fn decode_error(url: &Url, detail: &str) -> Error {
    Error::Protocol(format!(
        "GET {}: {detail}",
        hf_auth::redact_url(url.as_str())
    ))
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
