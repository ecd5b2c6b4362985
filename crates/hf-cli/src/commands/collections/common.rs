//! What the `hf collections` verbs share: the slug argument, the table's columns, the hint for
//! a collection that is not there.

use crate::args::TokenArg;
use crate::hints::HintExt as _;
use crate::output::{check, day};
use hf_hub::api::Collection;

#[derive(Debug, clap::Args)]
pub(crate) struct SlugArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

pub(crate) const HEADERS: &[&str] = &[
    "SLUG",
    "TITLE",
    "OWNER",
    "ITEMS",
    "LAST_UPDATED",
    "POSITION",
    "PRIVATE",
    "THEME",
    "UPVOTES",
];

pub(crate) fn row(c: &Collection) -> Vec<String> {
    vec![
        c.slug.clone(),
        c.title.clone(),
        c.owner.clone(),
        c.items
            .iter()
            .map(|i| i.item_id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        day(&c.last_updated),
        c.position.to_string(),
        check(c.private),
        c.theme.clone(),
        c.upvotes.to_string(),
    ]
}

/// A collection (or an item in it) that is not there: say how to find the right one.
pub(crate) fn not_found_hint<T>(result: Result<T, hf_hub::Error>, slug: &str) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            Err(e).hint(crate::hints::collection_not_found(slug))
        }
        other => Ok(other?),
    }
}
