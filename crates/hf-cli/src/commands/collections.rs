//! `hf collections list|info|create|update|delete|add-item|update-item|delete-item`, with
//! Python's names, arguments and output.

use futures_util::TryStreamExt as _;
use hf_hub::api::{
    Collection, CollectionItemType, CollectionSort, CollectionUpdate, ListCollectionsOptions,
};

use crate::args::TokenArg;
use crate::commands::Context;
use crate::hints::HintExt as _;
use crate::output::{Document, Listing, Report, check, day};

/// `hf collections <command>`.
#[derive(Debug, clap::Args)]
pub(crate) struct CollectionsArgs {
    #[command(subcommand)]
    command: CollectionsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CollectionsCommand {
    /// List collections on the Hub.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Get info about a collection on the Hub.
    Info(SlugArgs),
    /// Create a new collection on the Hub.
    Create(CreateArgs),
    /// Update a collection's metadata on the Hub.
    Update(UpdateArgs),
    /// Delete a collection from the Hub.
    Delete(DeleteArgs),
    /// Add an item to a collection.
    AddItem(AddItemArgs),
    /// Update an item in a collection.
    UpdateItem(UpdateItemArgs),
    /// Delete an item from a collection.
    DeleteItem(DeleteItemArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SortArg {
    #[value(name = "lastModified")]
    LastModified,
    #[value(name = "trending")]
    Trending,
    #[value(name = "upvotes")]
    Upvotes,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ItemTypeArg {
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
struct ListArgs {
    /// Filter by owner username or organization.
    #[arg(long)]
    owner: Option<String>,
    /// Filter collections containing a specific item (e.g., "models/gpt2", "datasets/squad",
    /// "papers/2311.12983").
    #[arg(long)]
    item: Option<String>,
    /// Sort results by last modified, trending, or upvotes.
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct SlugArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// The title of the collection.
    title: String,
    /// The namespace (username or organization). Defaults to the authenticated user.
    #[arg(long)]
    namespace: Option<String>,
    /// A description for the collection (max 150 characters).
    #[arg(long)]
    description: Option<String>,
    /// Create a private collection.
    #[arg(long, overrides_with = "no_private")]
    private: bool,
    /// Create a public collection (the default).
    #[arg(long, overrides_with = "private")]
    no_private: bool,
    /// Do not raise an error if the collection already exists.
    #[arg(long, overrides_with = "no_exists_ok")]
    exists_ok: bool,
    /// Raise an error if the collection already exists (the default).
    #[arg(long, overrides_with = "exists_ok")]
    no_exists_ok: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    /// The new title for the collection.
    #[arg(long)]
    title: Option<String>,
    /// The new description for the collection (max 150 characters).
    #[arg(long)]
    description: Option<String>,
    /// The new position of the collection in the owner's list.
    #[arg(long, allow_negative_numbers = true)]
    position: Option<i64>,
    /// Make the collection private.
    #[arg(long, overrides_with = "no_private")]
    private: bool,
    /// Make the collection public.
    #[arg(long, overrides_with = "private")]
    no_private: bool,
    /// The theme color for the collection (e.g., 'green', 'blue').
    #[arg(long)]
    theme: Option<String>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct DeleteArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    /// Do not raise an error if the collection doesn't exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    missing_ok: bool,
    /// Raise an error if the collection doesn't exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    no_missing_ok: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct AddItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    /// The ID of the item to add (repo_id for repos, paper ID for papers).
    item_id: String,
    /// The type of item (model, dataset, space, paper, collection, or bucket).
    #[arg(value_enum)]
    item_type: ItemTypeArg,
    /// A note to attach to the item (max 500 characters).
    #[arg(long)]
    note: Option<String>,
    /// Do not raise an error if the item is already in the collection.
    #[arg(long, overrides_with = "no_exists_ok")]
    exists_ok: bool,
    /// Raise an error if the item is already in the collection (the default).
    #[arg(long, overrides_with = "exists_ok")]
    no_exists_ok: bool,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct UpdateItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    /// The ID of the item in the collection (from 'item_object_id' field, not the repo_id).
    item_object_id: String,
    /// A new note for the item (max 500 characters).
    #[arg(long)]
    note: Option<String>,
    /// The new position of the item in the collection.
    #[arg(long)]
    position: Option<u64>,
    #[command(flatten)]
    token: TokenArg,
}

#[derive(Debug, clap::Args)]
struct DeleteItemArgs {
    /// The collection slug (e.g., 'username/collection-slug').
    collection_slug: String,
    /// The ID of the item in the collection (the `item_object_id` of 'hf collections info').
    item_object_id: String,
    /// Do not raise an error if the item doesn't exist.
    #[arg(long, overrides_with = "no_missing_ok")]
    missing_ok: bool,
    /// Raise an error if the item doesn't exist (the default).
    #[arg(long, overrides_with = "missing_ok")]
    no_missing_ok: bool,
    #[command(flatten)]
    token: TokenArg,
}

const HEADERS: &[&str] = &[
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

fn row(c: &Collection) -> Vec<String> {
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
fn not_found_hint<T>(result: Result<T, hf_hub::Error>, slug: &str) -> anyhow::Result<T> {
    match result {
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => Err(e).hint(format!(
            "check the slug '{slug}' (owner/title-id, as `hf collections list --owner OWNER` \
             shows) and the item's object id (`hf collections info {slug}`); a private \
             collection is visible to its owner's members only"
        )),
        other => Ok(other?),
    }
}

/// `hf collections ...`.
pub(crate) async fn run(args: CollectionsArgs, context: &mut Context) -> anyhow::Result<()> {
    match args.command {
        CollectionsCommand::List(a) => list(a, context).await,
        CollectionsCommand::Info(a) => info(a, context).await,
        CollectionsCommand::Create(a) => create(a, context).await,
        CollectionsCommand::Update(a) => update(a, context).await,
        CollectionsCommand::Delete(a) => delete(a, context).await,
        CollectionsCommand::AddItem(a) => add_item(a, context).await,
        CollectionsCommand::UpdateItem(a) => update_item(a, context).await,
        CollectionsCommand::DeleteItem(a) => delete_item(a, context).await,
    }
}

/// `hf collections list`.
async fn list(a: ListArgs, context: &mut Context) -> anyhow::Result<()> {
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
async fn info(a: SlugArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let value = not_found_hint(api.collection(&a.collection_slug).await, &a.collection_slug)?;
    let id = value.slug.clone();
    context.output.emit(&Document { value, id })
}

/// `hf collections create`.
async fn create(a: CreateArgs, context: &mut Context) -> anyhow::Result<()> {
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
            return Err(e).hint(
                "a collection of this title exists in the namespace: pass --exists-ok to \
                 get it, or choose another title",
            );
        }
        other => other?,
    };
    context.output.emit(&Report {
        message: "Collection created".into(),
        fields: vec![("slug", c.slug.clone().into()), ("url", c.url.into())],
    })
}

/// `hf collections update`.
async fn update(a: UpdateArgs, context: &mut Context) -> anyhow::Result<()> {
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
async fn delete(a: DeleteArgs, context: &mut Context) -> anyhow::Result<()> {
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

/// `hf collections add-item`.
async fn add_item(a: AddItemArgs, context: &mut Context) -> anyhow::Result<()> {
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
            return Err(e)
                .hint("the item is already in the collection: pass --exists-ok to accept that");
        }
        Err(e) if e.as_http().is_some_and(|h| h.status() == Some(404)) => {
            return Err(e).hint(format!(
                "check the collection slug and that {} '{}' exists on the Hub (and that \
                 your token can see it)",
                a.item_type.api().as_str(),
                a.item_id
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
async fn update_item(a: UpdateItemArgs, context: &mut Context) -> anyhow::Result<()> {
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
async fn delete_item(a: DeleteItemArgs, context: &mut Context) -> anyhow::Result<()> {
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
