//! The Hub's JSON API: repo info and existence checks, repo management (create, delete,
//! move, settings), branches and tags, discussions and pull requests, refs and commit history,
//! repo listings, Space runtimes, collections, papers, webhooks and Inference Endpoints.
//!
//! Every call is a method on [`HubApi`](crate::HubApi); paginated endpoints are
//! returned as [`Stream`](futures_util::Stream)s that follow the `Link: rel="next"` header.

mod collections;
mod discussions;
mod endpoints;
mod info;
mod listing;
mod manage;
pub(crate) mod pagination;
mod papers;
mod refs;
mod spaces;
mod webhooks;

pub use collections::{
    Collection, CollectionItem, CollectionItemType, CollectionSort, CollectionUpdate,
    ListCollectionsOptions, MAX_COLLECTION_ITEMS,
};
pub use endpoints::{
    CatalogDeploy, CatalogFilter, CatalogModel, CatalogRecipe, EndpointHardware, EndpointImage,
    EndpointSpec, InferenceEndpoint, MASKED, MAX_ENDPOINT_LIST, ScalingMetric,
};
pub use papers::{
    DailyPapersOptions, DailyPapersSort, MAX_PAPER_MARKDOWN_BYTES, MAX_PAPERS, Paper,
};
pub use webhooks::{
    MAX_WATCHED, MAX_WEBHOOKS, WatchedItem, WatchedKind, Webhook, WebhookDomain, WebhookSpec,
    WebhookTarget,
};

pub use discussions::{
    ATTACHMENT_EXTENSIONS, Discussion, DiscussionDetails, DiscussionEvent, DiscussionEventKind,
    DiscussionKind, DiscussionStatus, DiscussionStatusFilter, ListDiscussionsOptions,
    MAX_ATTACHMENT_BYTES, MAX_DIFF_BYTES, MAX_DISCUSSION_EVENTS, attachment_content_type,
};
pub use info::{BlobLfsInfo, GatedMode, RepoInfo, Sibling};
pub use listing::{LeaderboardEntry, ListReposOptions, ParquetFile, RepoSort, RepoStorage};
pub use manage::{
    CreateRepoOptions, CreatedRepo, DuplicateRepoOptions, Outcome, RepoSettings, SecretValue,
    SpaceOptions, SpaceSecret, SpaceSecretInfo, SpaceTemplate, SpaceVariable, SpaceVariableInfo,
    SpaceVolume, Visibility,
};
pub use pagination::ListingLimits;
pub use refs::{CommitAuthor, GitCommit, GitRef, GitRefs};
pub use spaces::{
    SpaceAccelerator, SpaceHardware, SpaceLogLine, SpaceLogOptions, SpaceRuntime,
    SpaceSearchOptions, SpaceSearchResult,
};
