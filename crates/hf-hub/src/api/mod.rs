//! The Hub's JSON API: repo info and existence checks, repo management (create, delete,
//! move, settings), branches and tags, discussions and pull requests, refs and commit history, and repo listings.
//!
//! Every call is a method on [`HubApi`](crate::HubApi); paginated endpoints are
//! returned as [`Stream`](futures_util::Stream)s that follow the `Link: rel="next"` header.

mod discussions;
mod info;
mod listing;
mod manage;
pub(crate) mod pagination;
mod refs;
mod spaces;

pub use discussions::{
    ATTACHMENT_EXTENSIONS, Discussion, DiscussionDetails, DiscussionEvent, DiscussionEventKind,
    DiscussionKind, DiscussionStatus, DiscussionStatusFilter, ListDiscussionsOptions,
    MAX_ATTACHMENT_BYTES, MAX_DIFF_BYTES, MAX_DISCUSSION_EVENTS, attachment_content_type,
};
pub use info::{BlobLfsInfo, GatedMode, RepoInfo, Sibling};
pub use listing::{LeaderboardEntry, ListReposOptions, ParquetFile, RepoSort, RepoStorage};
pub use manage::{
    CreateRepoOptions, CreatedRepo, DuplicateRepoOptions, Outcome, RepoSettings, SpaceOptions,
    SpaceSecret, SpaceSecretInfo, SpaceTemplate, SpaceVariable, SpaceVariableInfo, SpaceVolume,
    Visibility,
};
pub use pagination::ListingLimits;
pub use refs::{CommitAuthor, GitCommit, GitRef, GitRefs};
pub use spaces::{SpaceAccelerator, SpaceHardware, SpaceLogLine, SpaceLogOptions, SpaceRuntime};
