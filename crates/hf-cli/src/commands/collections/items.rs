//! `hf collections add-item|update-item|delete-item`.

use super::common::not_found_hint;
use crate::args::TokenArg;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::Report;
use hf_hub::api::CollectionItemType;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ItemTypeArg {
    Model,
    Dataset,
    Space,
    Paper,
    Collection,
    Bucket,
}

impl ItemTypeArg {
    fn api(self) -> CollectionItemType {
        match self {
            Self::Model => CollectionItemType::Model,
            Self::Dataset => CollectionItemType::Dataset,
            Self::Space => CollectionItemType::Space,
            Self::Paper => CollectionItemType::Paper,
            Self::Collection => CollectionItemType::Collection,
            Self::Bucket => CollectionItemType::Bucket,
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct AddItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    /// The ID of the item to add (repo_id for repos, paper ID for papers).
    pub(crate) item_id: String,
    /// The type of item (model, dataset, space, paper, collection, or bucket).
    #[arg(value_enum)]
    pub(crate) item_type: ItemTypeArg,
    /// A note to attach to the item (max 500 characters).
    #[arg(long)]
    pub(crate) note: Option<String>,
    /// Do not raise an error if the item is already in the collection.
    #[arg(long, overrides_with = "no_exists_ok")]
    pub(crate) exists_ok: bool,
    /// Raise an error if the item is already in the collection (the default).
    #[arg(long, overrides_with = "exists_ok")]
    pub(crate) no_exists_ok: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct UpdateItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    /// The ID of the item in the collection (from 'item_object_id' field, not the repo_id).
    pub(crate) item_object_id: String,
    /// A new note for the item (max 500 characters).
    #[arg(long)]
    pub(crate) note: Option<String>,
    /// The new position of the item in the collection.
    #[arg(long)]
    pub(crate) position: Option<u64>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeleteItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    pub(crate) collection_slug: String,
    /// The ID of the item in the collection (the `item_object_id` of 'hf collections info').
    pub(crate) item_object_id: String,
    /// Do not raise an error if the item doesn't exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    pub(crate) missing_ok: bool,
    /// Raise an error if the item doesn't exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    pub(crate) no_missing_ok: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// `hf collections add-item`.
pub(crate) async fn add_item(a: AddItemArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let result = api
        .add_collection_item(
            &a.collection_slug,
            &a.item_id,
            a.item_type.api(),
            a.note.as_deref(),
            a.exists_ok,
        )
        .await;
    let c = match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(409)) => {
            return Err(e).hint(crate::hints::ITEM_IN_COLLECTION);
        }
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            return Err(e).hint(crate::hints::collection_item_not_found(
                a.item_type.api().as_str(),
                &a.item_id,
            ));
        }
        other => other?,
    };
    context.output.emit(&Report {
        message: "Item added to collection".into(),
        fields: vec![("slug", a.collection_slug.into()), ("url", c.url.into())],
    })
}

/// `hf collections update-item`.
pub(crate) async fn update_item(a: UpdateItemArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    not_found_hint(
        api.update_collection_item(
            &a.collection_slug,
            &a.item_object_id,
            a.note.as_deref(),
            a.position,
        )
        .await,
        &a.collection_slug,
    )?;
    context.output.emit(&Report {
        message: "Item updated in collection".into(),
        fields: vec![("slug", a.collection_slug.into())],
    })
}

/// `hf collections delete-item`.
pub(crate) async fn delete_item(a: DeleteItemArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    not_found_hint(
        api.delete_collection_item(&a.collection_slug, &a.item_object_id, a.missing_ok)
            .await,
        &a.collection_slug,
    )?;
    context.output.emit(&Report {
        message: "Item deleted from collection".into(),
        fields: vec![("slug", a.collection_slug.into())],
    })
}
