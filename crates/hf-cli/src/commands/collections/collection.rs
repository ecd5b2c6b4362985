//! `hf collections list|info|create|update|delete`.

use super::common::{HEADERS, SlugArgs, not_found_hint, row};
use crate::args::TokenArg;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::{Document, Listing, Report};
use futures_util::TryStreamExt as _;
use hf_hub::api::{Collection, CollectionSort, CollectionUpdate, ListCollectionsOptions};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum SortArg {
    #[value(name = "lastModified")]
    LastModified,
    #[value(name = "trending")]
    Trending,
    #[value(name = "upvotes")]
    Upvotes,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// Filter by owner username or organization.
    #[arg(long)]
    pub(crate) owner: Option<String>,
    /// Filter collections containing a specific item (e.g., "models/gpt2", "datasets/squad",
    /// "papers/2311.12983").
    #[arg(long)]
    pub(crate) item: Option<String>,
    /// Sort results by last modified, trending, or upvotes.
    #[arg(long, value_enum)]
    pub(crate) sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 10)]
    pub(crate) limit: usize,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// The title of the collection.
    pub(crate) title: String,
    /// The namespace (username or organization). Defaults to the authenticated user.
    #[arg(long)]
    pub(crate) namespace: Option<String>,
    /// A description for the collection (max 150 characters).
    #[arg(long)]
    pub(crate) description: Option<String>,
    /// Create a private collection.
    #[arg(long, overrides_with = "no_private")]
    pub(crate) private: bool,
    /// Create a public collection (the default).
    #[arg(long, overrides_with = "private")]
    pub(crate) no_private: bool,
    /// Do not raise an error if the collection already exists.
    #[arg(long, overrides_with = "no_exists_ok")]
    pub(crate) exists_ok: bool,
    /// Raise an error if the collection already exists (the default).
    #[arg(long, overrides_with = "exists_ok")]
    pub(crate) no_exists_ok: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    /// The new title for the collection.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// The new description for the collection (max 150 characters).
    #[arg(long)]
    pub(crate) description: Option<String>,
    /// The new position of the collection in the owner's list.
    #[arg(long, allow_negative_numbers = true)]
    pub(crate) position: Option<i64>,
    /// Make the collection private.
    #[arg(long, overrides_with = "no_private")]
    pub(crate) private: bool,
    /// Make the collection public.
    #[arg(long, overrides_with = "private")]
    pub(crate) no_private: bool,
    /// The theme color for the collection (e.g., 'green', 'blue').
    #[arg(long)]
    pub(crate) theme: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeleteArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    /// Do not raise an error if the collection doesn't exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    pub(crate) missing_ok: bool,
    /// Raise an error if the collection doesn't exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    pub(crate) no_missing_ok: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// `hf collections list`.
pub(crate) async fn list(a: ListArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let mut options = ListCollectionsOptions::default();
    options.owner = a.owner;
    options.item = a.item;
    options.sort = a.sort.map(|s| match s {
        SortArg::LastModified => CollectionSort::LastModified,
        SortArg::Trending => CollectionSort::Trending,
        SortArg::Upvotes => CollectionSort::Upvotes,
    });
    options.limit = Some(a.limit);
    let items: Vec<Collection> = api.list_collections(&options)?.try_collect().await?;
    context.output.emit(&Listing {
        items,
        headers: HEADERS,
        row,
        id: |c| c.slug.clone(),
    })
}

/// `hf collections info`.
pub(crate) async fn info(a: SlugArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let value = not_found_hint(api.collection(&a.collection_slug).await, &a.collection_slug)?;
    let id = value.slug.clone();
    context.output.emit(&Document { value, id })
}

/// `hf collections create`.
pub(crate) async fn create(a: CreateArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let c = api
        .create_collection(
            &a.title,
            a.namespace.as_deref(),
            a.description.as_deref(),
            a.private,
            a.exists_ok,
        )
        .await;
    let c = match c {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(409)) => {
            return Err(e).hint(crate::hints::COLLECTION_EXISTS);
        }
        other => other?,
    };
    context.output.emit(&Report {
        message: "Collection created".into(),
        fields: vec![("slug", c.slug.clone().into()), ("url", c.url.into())],
    })
}

/// `hf collections update`.
pub(crate) async fn update(a: UpdateArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let mut update = CollectionUpdate::default();
    update.title = a.title;
    update.description = a.description;
    update.position = a.position;
    update.private = if a.private {
        Some(true)
    } else if a.no_private {
        Some(false)
    } else {
        None
    };
    update.theme = a.theme;
    let c = not_found_hint(
        api.update_collection(&a.collection_slug, &update).await,
        &a.collection_slug,
    )?;
    context.output.emit(&Report {
        message: "Collection updated".into(),
        fields: vec![("slug", c.slug.clone().into()), ("url", c.url.into())],
    })
}

/// `hf collections delete`.
pub(crate) async fn delete(a: DeleteArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    not_found_hint(
        api.delete_collection(&a.collection_slug, a.missing_ok)
            .await,
        &a.collection_slug,
    )?;
    context.output.emit(&Report {
        message: "Collection deleted".into(),
        fields: vec![("slug", a.collection_slug.into())],
    })
}
