//! Collections: curated lists of models, datasets, Spaces, papers, collections and buckets,
//! owned by a user or an organisation (`/api/collections...`).

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::pagination::paginate;
use crate::{Error, HubApi};

/// The most items read from one collection (the Hub holds at most 1,000).
pub const MAX_COLLECTION_ITEMS: usize = 1_000;

/// What a collection item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CollectionItemType {
    /// A model repo.
    Model,
    /// A dataset repo.
    Dataset,
    /// A Space.
    Space,
    /// A paper (its arXiv id).
    Paper,
    /// Another collection (its slug).
    Collection,
    /// A storage bucket.
    Bucket,
}

impl CollectionItemType {
    /// Every type, in Python's order.
    pub const ALL: [Self; 6] = [
        Self::Model,
        Self::Dataset,
        Self::Space,
        Self::Paper,
        Self::Collection,
        Self::Bucket,
    ];

    /// The API's name (`model`...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
            Self::Space => "space",
            Self::Paper => "paper",
            Self::Collection => "collection",
            Self::Bucket => "bucket",
        }
    }
}

/// How [`HubApi::list_collections`] sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CollectionSort {
    /// Most recently changed first.
    LastModified,
    /// Trending first.
    Trending,
    /// Most upvoted first.
    Upvotes,
}

impl CollectionSort {
    /// The API's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LastModified => "lastModified",
            Self::Trending => "trending",
            Self::Upvotes => "upvotes",
        }
    }
}

/// One item of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CollectionItem {
    /// The item's id in the collection (what item updates and deletes take).
    pub item_object_id: String,
    /// The repo id, paper id or collection slug.
    pub item_id: String,
    /// What it is (`model`...), as the Hub wrote it.
    pub item_type: String,
    /// Its position in the collection.
    pub position: u64,
    /// The note attached, as plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A collection, as the Hub describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Collection {
    /// `{owner}/{title-slug}-{id}`.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The user or organisation that owns it.
    pub owner: String,
    /// Its items (in a listing, the Hub's preview of the first few).
    pub items: Vec<CollectionItem>,
    /// When it last changed (ISO 8601).
    pub last_updated: String,
    /// Its position among its owner's collections (in a listing: its rank there).
    pub position: i64,
    /// Whether only members of the owner see it.
    pub private: bool,
    /// Its colour theme.
    pub theme: String,
    /// Upvotes.
    pub upvotes: u64,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its page on the Hub (not serialised: Python's dict of a collection has no `url`).
    #[serde(skip_serializing)]
    pub url: String,
}

#[derive(Deserialize)]
struct RawItem {
    #[serde(rename = "_id")]
    object_id: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    position: u64,
    #[serde(default)]
    note: Option<Value>,
    #[serde(default)]
    slug: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCollection {
    slug: String,
    title: String,
    owner: Value,
    #[serde(default)]
    items: Vec<RawItem>,
    #[serde(default)]
    last_updated: String,
    #[serde(default)]
    position: i64,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    upvotes: u64,
    #[serde(default)]
    description: Option<String>,
}

/// What to list (all optional).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListCollectionsOptions {
    /// Collections of this user or organisation.
    pub owner: Option<String>,
    /// Collections holding this item, as `models/gpt2`, `datasets/squad`, `papers/2311.12983`.
    pub item: Option<String>,
    /// Sort order.
    pub sort: Option<CollectionSort>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// Metadata to change ([`HubApi::update_collection`]); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CollectionUpdate {
    /// A new title.
    pub title: Option<String>,
    /// A new description (at most 150 characters).
    pub description: Option<String>,
    /// A new position among the owner's collections.
    pub position: Option<i64>,
    /// Private or public.
    pub private: Option<bool>,
    /// A new theme (`green`, `blue`...).
    pub theme: Option<String>,
}

impl Collection {
    fn from_raw(raw: RawCollection, endpoint: &str) -> Result<Self, Error> {
        if raw.items.len() > MAX_COLLECTION_ITEMS {
            return Err(Error::Protocol(format!(
                "collection {} lists {} items (at most {MAX_COLLECTION_ITEMS} are read)",
                raw.slug,
                raw.items.len()
            )));
        }
        check_slug(&raw.slug).map_err(|_| {
            Error::Protocol(format!(
                "the Hub answered a malformed collection slug {:?}",
                raw.slug
            ))
        })?;
        let owner = match &raw.owner {
            Value::String(name) => name.clone(),
            other => other["name"].as_str().unwrap_or_default().to_owned(),
        };
        let items = raw
            .items
            .into_iter()
            .map(|item| CollectionItem {
                item_object_id: item.object_id,
                item_id: item.slug.unwrap_or(item.id),
                item_type: item.kind,
                position: item.position,
                note: item
                    .note
                    .and_then(|n| n["text"].as_str().map(str::to_owned)),
            })
            .collect();
        Ok(Self {
            url: format!(
                "{}/collections/{}",
                endpoint.trim_end_matches('/'),
                raw.slug
            ),
            slug: raw.slug,
            title: raw.title,
            owner,
            items,
            last_updated: raw.last_updated,
            position: raw.position,
            private: raw.private,
            theme: raw.theme,
            upvotes: raw.upvotes,
            description: raw.description,
        })
    }
}

/// A slug is `owner/name`, each part free of `/`, `..` and control characters.
fn check_slug(slug: &str) -> Result<(), Error> {
    let ok = slug.split_once('/').is_some_and(|(owner, name)| {
        [owner, name].iter().all(|part| {
            !part.is_empty()
                && *part != "."
                && *part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
    });
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{slug}' is not a collection slug (expected owner/title-slug-id, as `hf collections list` shows)"
        )))
    }
}

/// An item object id: hexadecimal.
fn check_object_id(id: &str) -> Result<(), Error> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{id}' is not an item object id (see `item_object_id` in `hf collections info`)"
        )))
    }
}

fn is_status(error: &hf_auth::HttpError, status: u16) -> bool {
    error.status() == Some(status)
}

impl HubApi {
    fn collection_url(&self, slug: &str, rest: &str) -> Result<url::Url, Error> {
        check_slug(slug)?;
        Ok(self.http.url(&format!("/api/collections/{slug}{rest}"))?)
    }

    fn parse_collection(&self, value: Value) -> Result<Collection, Error> {
        let raw: RawCollection = serde_json::from_value(value).map_err(|e| {
            Error::Protocol(format!("the Hub answered a malformed collection: {e}"))
        })?;
        Collection::from_raw(raw, self.http.endpoint().as_str())
    }

    /// `GET /api/collections`: collections by owner, item and sort, page after page.
    ///
    /// # Errors
    /// Items carry request failures and malformed answers.
    pub fn list_collections(
        &self,
        options: &ListCollectionsOptions,
    ) -> Result<BoxStream<'static, Result<Collection, Error>>, Error> {
        use futures_util::StreamExt as _;
        let mut url = self.http.url("/api/collections")?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(owner) = &options.owner {
                query.append_pair("owner", owner);
            }
            if let Some(item) = &options.item {
                query.append_pair("item", item);
            }
            if let Some(sort) = options.sort {
                query.append_pair("sort", sort.as_str());
            }
            if let Some(limit) = options.limit {
                query.append_pair("limit", &limit.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let endpoint = self.http.endpoint().as_str().to_owned();
        Ok(
            paginate::<RawCollection>(self.http.clone(), url, options.limit)
                .map(move |raw| raw.and_then(|raw| Collection::from_raw(raw, &endpoint)))
                .boxed(),
        )
    }

    /// `GET /api/collections/{slug}`: a collection with all its items.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed slug; 404 when missing or private to others.
    pub async fn collection(&self, slug: &str) -> Result<Collection, Error> {
        let url = self.collection_url(slug, "")?;
        let answer: Value = self.http.get(url).send_json().await?;
        self.parse_collection(answer)
    }

    /// `POST /api/collections`: a new collection in `namespace` (the token's user when `None`).
    /// With `exists_ok`, a collection of the same title there is returned instead of a 409.
    ///
    /// # Errors
    /// 403 without write access to the namespace (a read token; a fine-grained token without
    /// `collection.write` there); 409 for a title already used unless `exists_ok`.
    pub async fn create_collection(
        &self,
        title: &str,
        namespace: Option<&str>,
        description: Option<&str>,
        private: bool,
        exists_ok: bool,
    ) -> Result<Collection, Error> {
        let namespace = match namespace {
            Some(ns) => ns.to_owned(),
            None => hf_auth::whoami::whoami(&self.http).await?.name,
        };
        let mut body = json!({"title": title, "namespace": namespace, "private": private});
        if let Some(d) = description {
            body["description"] = d.into();
        }
        let url = self.http.url("/api/collections")?;
        match self.http.post(url).json(&body).send_json::<Value>().await {
            Ok(answer) => self.parse_collection(answer),
            // The 409 names the existing slug; finding it by title needs no body parsing.
            Err(e) if exists_ok && is_status(&e, 409) => {
                use futures_util::TryStreamExt as _;
                let options = ListCollectionsOptions {
                    owner: Some(namespace.clone()),
                    ..ListCollectionsOptions::default()
                };
                let found = self
                    .list_collections(&options)?
                    .try_filter(|c| std::future::ready(c.title == title))
                    .try_next()
                    .await?;
                match found {
                    Some(c) => self.collection(&c.slug).await,
                    None => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `PATCH /api/collections/{slug}`: changes the metadata given.
    ///
    /// # Errors
    /// 403 without write access; 404.
    pub async fn update_collection(
        &self,
        slug: &str,
        update: &CollectionUpdate,
    ) -> Result<Collection, Error> {
        let mut body = serde_json::Map::new();
        if let Some(v) = &update.title {
            body.insert("title".into(), v.clone().into());
        }
        if let Some(v) = &update.description {
            body.insert("description".into(), v.clone().into());
        }
        if let Some(v) = update.position {
            body.insert("position".into(), v.into());
        }
        if let Some(v) = update.private {
            body.insert("private".into(), v.into());
        }
        if let Some(v) = &update.theme {
            body.insert("theme".into(), v.clone().into());
        }
        let url = self.collection_url(slug, "")?;
        let answer: Value = self.http.patch(url).json(&body).send_json().await?;
        self.parse_collection(answer["data"].clone())
    }

    /// `DELETE /api/collections/{slug}`; with `missing_ok`, a missing collection is no error.
    ///
    /// # Errors
    /// 403 without write access; 404 unless `missing_ok`.
    pub async fn delete_collection(&self, slug: &str, missing_ok: bool) -> Result<(), Error> {
        let url = self.collection_url(slug, "")?;
        match self.http.delete(url).send_json::<Value>().await {
            Ok(_) => Ok(()),
            Err(e) if missing_ok && is_status(&e, 404) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /api/collections/{slug}/items`: adds an item (a repo id, paper id or collection
    /// slug) with an optional note; with `exists_ok`, an item already there is no error.
    ///
    /// # Errors
    /// 404 when the item does not exist; 409 when already there (unless `exists_ok`); 403.
    pub async fn add_collection_item(
        &self,
        slug: &str,
        item_id: &str,
        item_type: CollectionItemType,
        note: Option<&str>,
        exists_ok: bool,
    ) -> Result<Collection, Error> {
        let mut body = json!({"item": {"id": item_id, "type": item_type.as_str()}});
        if let Some(n) = note {
            body["note"] = n.into();
        }
        let url = self.collection_url(slug, "/items")?;
        match self.http.post(url).json(&body).send_json::<Value>().await {
            Ok(answer) => self.parse_collection(answer),
            Err(e) if exists_ok && is_status(&e, 409) => self.collection(slug).await,
            Err(e) => Err(e.into()),
        }
    }

    /// `PATCH /api/collections/{slug}/items/{item_object_id}`: a new note and/or position.
    ///
    /// # Errors
    /// 404 for an item not in the collection; 403.
    pub async fn update_collection_item(
        &self,
        slug: &str,
        item_object_id: &str,
        note: Option<&str>,
        position: Option<u64>,
    ) -> Result<(), Error> {
        check_object_id(item_object_id)?;
        let mut body = serde_json::Map::new();
        if let Some(n) = note {
            body.insert("note".into(), n.into());
        }
        if let Some(p) = position {
            body.insert("position".into(), p.into());
        }
        let url = self.collection_url(slug, &format!("/items/{item_object_id}"))?;
        self.http
            .patch(url)
            .json(&body)
            .send_json::<Value>()
            .await?;
        Ok(())
    }

    /// `DELETE /api/collections/{slug}/items/{item_object_id}`; with `missing_ok`, an item
    /// not there is no error.
    ///
    /// # Errors
    /// 404 unless `missing_ok`; 403.
    pub async fn delete_collection_item(
        &self,
        slug: &str,
        item_object_id: &str,
        missing_ok: bool,
    ) -> Result<(), Error> {
        check_object_id(item_object_id)?;
        let url = self.collection_url(slug, &format!("/items/{item_object_id}"))?;
        match self.http.delete(url).send_json::<Value>().await {
            Ok(_) => Ok(()),
            Err(e) if missing_ok && is_status(&e, 404) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_before_they_are_joined() {
        assert!(check_slug("demo-user/my-models-0123abcd").is_ok());
        for bad in ["", "x", "../x", "a/..", "a/b/c", "a/b?c", "a/\u{1b}[2J"] {
            assert!(check_slug(bad).is_err(), "{bad:?}");
        }
        assert!(check_object_id("65f0aa").is_ok());
        assert!(check_object_id("../x").is_err());
    }

    #[test]
    fn a_collection_item_takes_a_collections_slug_and_the_notes_text() {
        let raw: RawCollection = serde_json::from_value(json!({
            "slug": "o/c-1", "title": "T", "owner": {"name": "o"},
            "items": [
                {"_id": "a1", "id": "x", "type": "collection", "slug": "o/other-2", "position": 0, "note": {"text": "n", "html": "<p>n</p>"}},
                {"_id": "a2", "id": "m/x", "type": "model", "position": 1},
            ],
            "lastUpdated": "2026-12-01T00:00:00.000Z", "position": 0, "private": false, "theme": "green", "upvotes": 1,
        }))
        .unwrap();
        let c = Collection::from_raw(raw, "https://hub/").unwrap();
        assert_eq!(c.url, "https://hub/collections/o/c-1");
        assert_eq!(c.items[0].item_id, "o/other-2");
        assert_eq!(c.items[0].note.as_deref(), Some("n"));
        assert_eq!(c.items[1].note, None);
    }
}
