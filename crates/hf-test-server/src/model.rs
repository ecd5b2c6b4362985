//! In-memory Hub state: users, orgs, tokens, repos with a linear git-like history, blobs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::blobs::Blobs;
use crate::util::{git_blob_sha1, iso8601, lfs_pointer, now_secs, sha1_hex};

/// How long a Space's (re)build takes, from `BUILDING` through `APP_STARTING` to `RUNNING`.
pub(crate) const BUILD_MS: u64 = 600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum RepoType {
    Model,
    Dataset,
    Space,
    /// Kernel repos (`kernels/` prefix), as Python 2.4 accepts with `--type kernel`.
    Kernel,
}

impl RepoType {
    pub(crate) fn from_plural(s: &str) -> Option<Self> {
        match s {
            "models" => Some(Self::Model),
            "datasets" => Some(Self::Dataset),
            "spaces" => Some(Self::Space),
            "kernels" => Some(Self::Kernel),
            _ => None,
        }
    }
    pub(crate) fn from_singular(s: &str) -> Option<Self> {
        match s {
            "model" => Some(Self::Model),
            "dataset" => Some(Self::Dataset),
            "space" => Some(Self::Space),
            "kernel" => Some(Self::Kernel),
            _ => None,
        }
    }
    pub(crate) fn singular(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
            Self::Space => "space",
            Self::Kernel => "kernel",
        }
    }
    /// URL prefix for resolve/web URLs: "", "datasets/", "spaces/", "kernels/".
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Self::Model => "",
            Self::Dataset => "datasets/",
            Self::Space => "spaces/",
            Self::Kernel => "kernels/",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Gated {
    No,
    Auto,
    Manual,
}

impl Gated {
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Gated::No => json!(false),
            Gated::Auto => json!("auto"),
            Gated::Manual => json!("manual"),
        }
    }
}

/// One file in a commit's tree.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) size: u64,
    /// Git blob id (of the content, or of the LFS pointer).
    pub(crate) oid: String,
    /// sha256 of the content for LFS files.
    pub(crate) lfs: Option<String>,
    /// Xet hash of the content, for LFS files stored in the CAS (served through Xet and the bridge).
    pub(crate) xet: Option<String>,
    pub(crate) pointer_size: u64,
    pub(crate) last_commit: String,
}

impl Entry {
    pub(crate) fn regular(data: &[u8], commit: &str) -> Self {
        Entry {
            size: data.len() as u64,
            oid: git_blob_sha1(data),
            lfs: None,
            xet: None,
            pointer_size: 0,
            last_commit: commit.to_owned(),
        }
    }
    pub(crate) fn lfs(sha256: &str, size: u64, commit: &str) -> Self {
        let pointer = lfs_pointer(sha256, size);
        Entry {
            size,
            oid: git_blob_sha1(pointer.as_bytes()),
            lfs: Some(sha256.to_owned()),
            xet: None,
            pointer_size: pointer.len() as u64,
            last_commit: commit.to_owned(),
        }
    }
    /// An LFS file whose bytes are in the CAS as the Xet file `xet_hash`.
    pub(crate) fn xet(sha256: &str, size: u64, xet_hash: &str, commit: &str) -> Self {
        Entry {
            xet: Some(xet_hash.to_owned()),
            ..Entry::lfs(sha256, size, commit)
        }
    }
    /// Key in the blob store.
    pub(crate) fn blob_key(&self) -> String {
        match &self.lfs {
            Some(sha) => format!("lfs/{sha}"),
            None => format!("git/{}", self.oid),
        }
    }
}

pub(crate) type Tree = BTreeMap<String, Entry>;

#[derive(Clone, Debug)]
pub(crate) struct Commit {
    pub(crate) id: String,
    pub(crate) parent: Option<String>,
    pub(crate) title: String,
    pub(crate) message: String,
    pub(crate) date: u64,
    pub(crate) author: String,
    pub(crate) tree: Arc<Tree>,
}

/// What happened in a discussion.
#[derive(Clone, Debug)]
pub(crate) enum EventData {
    /// A comment (the first is the description); `edits` counts its edits.
    Comment {
        raw: String,
        edits: u32,
        hidden: bool,
    },
    /// `open`, `closed` or `merged`.
    Status(&'static str),
    Title {
        from: String,
        to: String,
    },
    Commit {
        oid: String,
        subject: String,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct DiscussionEvent {
    pub(crate) id: String,
    pub(crate) author: String,
    pub(crate) created: u64,
    pub(crate) data: EventData,
}

#[derive(Clone, Debug)]
pub(crate) struct Discussion {
    pub(crate) num: u64,
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) is_pr: bool,
    pub(crate) created: u64,
    /// `open`, `closed`, `merged` or `draft` (a PR opened without a commit).
    pub(crate) status: &'static str,
    /// The commit of `main` a PR started from (what its diff and conflicts are against).
    pub(crate) base: Option<String>,
    pub(crate) merge_commit: Option<String>,
    pub(crate) events: Vec<DiscussionEvent>,
}

impl Discussion {
    /// Appends an event with a fresh id (24 hex characters, as the Hub's).
    pub(crate) fn push_event(&mut self, repo_id: &str, author: &str, data: EventData) -> usize {
        let id = sha1_hex(
            format!(
                "{repo_id}#{}#{}#{}",
                self.num,
                self.events.len(),
                crate::util::random_u64()
            )
            .as_bytes(),
        )[..24]
            .to_owned();
        self.events.push(DiscussionEvent {
            id,
            author: author.to_owned(),
            created: now_secs(),
            data,
        });
        self.events.len() - 1
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Repo {
    pub(crate) kind: RepoType,
    pub(crate) id: String,
    pub(crate) mongo_id: String,
    pub(crate) private: bool,
    pub(crate) gated: Gated,
    pub(crate) created: u64,
    pub(crate) downloads: u64,
    pub(crate) likes: u64,
    pub(crate) tags: Vec<String>,
    pub(crate) pipeline_tag: Option<String>,
    pub(crate) library_name: Option<String>,
    pub(crate) sdk: Option<String>,
    pub(crate) card_data: Option<Value>,
    pub(crate) provider_mapping: Option<Value>,
    /// New uploads may go to the CAS (`xetEnabled`); LFS uploads keep working either way.
    pub(crate) xet_enabled: bool,
    /// Shared between clones (handlers clone repos); copied on write.
    pub(crate) commits: Arc<HashMap<String, Commit>>,
    pub(crate) branches: BTreeMap<String, String>,
    pub(crate) tag_refs: BTreeMap<String, String>,
    pub(crate) prs: BTreeMap<u64, String>,
    pub(crate) discussions: Vec<Discussion>,
    /// A Space's settings: requested hardware, sleep time, secrets and variables.
    pub(crate) space: SpaceSettings,
    /// A benchmark dataset's scores: (model id, value, verified).
    pub(crate) leaderboard: Vec<(String, f64, bool)>,
    /// A Space offered as a template: its short name and whether new copies default to private.
    pub(crate) template: Option<(String, bool)>,
}

/// What a Space was created (or duplicated) with.
#[derive(Clone, Debug, Default)]
pub(crate) struct SpaceSettings {
    pub(crate) hardware: Option<String>,
    pub(crate) sleep_time: Option<i64>,
    /// Name -> (value, description, updated at); values are never sent back by the API.
    pub(crate) secrets: BTreeMap<String, (String, Option<String>, u64)>,
    /// Name -> (value, updated at).
    pub(crate) variables: BTreeMap<String, (String, u64)>,
    pub(crate) protected: bool,
    /// Mounted volumes, as sent (`type`, `source`, `mountPath`, ...).
    pub(crate) volumes: Vec<Value>,
    /// The stage when not `RUNNING` (`BUILDING`, `PAUSED`, `BUILD_ERROR`...); empty: running.
    pub(crate) stage: &'static str,
    /// When a build started by a restart or a hardware change ends (ms since the epoch).
    pub(crate) settles_at_ms: Option<u64>,
    /// The hardware running now, when it differs from the requested one (during a rebuild).
    pub(crate) current_hardware: Option<String>,
    pub(crate) dev_mode: bool,
    /// Build and run log lines, each due at its time (ms): a follower sees them arrive.
    pub(crate) logs: Vec<SpaceLog>,
}

/// One line of a Space's build or run log.
#[derive(Clone, Debug)]
pub(crate) struct SpaceLog {
    pub(crate) build: bool,
    pub(crate) at_ms: u64,
    pub(crate) line: String,
}

impl SpaceSettings {
    /// The stage at `now_ms`: a build in progress ends by itself (`BUILDING`, then
    /// `APP_STARTING` for its last fifth, then `RUNNING`).
    pub(crate) fn stage_at(&self, now_ms: u64) -> &'static str {
        match self.settles_at_ms {
            Some(at) if now_ms >= at => "RUNNING",
            Some(at) if at - now_ms < BUILD_MS / 5 => "APP_STARTING",
            Some(_) => "BUILDING",
            None if self.stage.is_empty() => "RUNNING",
            None => self.stage,
        }
    }

    /// `GET /api/spaces/{id}/runtime`, and the `runtime` of a Space's info.
    pub(crate) fn runtime_json(&self) -> Value {
        let now = crate::util::now_ms();
        let stage = self.stage_at(now);
        let mut runtime = json!({
            "stage": stage,
            "hardware": {
                "current": if stage == "PAUSED" { Value::Null } else { json!(self.hardware_at(now)) },
                "requested": self.hardware.clone().unwrap_or_else(|| "cpu-basic".into()),
            },
            "storage": null,
            "gcTimeout": self.sleep_time.unwrap_or(172_800),
            "replicas": {"current": 1, "requested": 1},
            "devMode": self.dev_mode,
        });
        if !self.volumes.is_empty() {
            runtime["volumes"] = Value::Array(self.volumes.clone());
        }
        runtime
    }

    /// The hardware running at `now_ms`.
    pub(crate) fn hardware_at(&self, now_ms: u64) -> String {
        let requested = self.hardware.clone().unwrap_or_else(|| "cpu-basic".into());
        match (&self.current_hardware, self.settles_at_ms) {
            (Some(current), Some(at)) if now_ms < at => current.clone(),
            _ => requested,
        }
    }
}

impl SpaceSettings {
    /// Reads Python's create/duplicate payload keys (`hardware`, `sleepTimeSeconds`,
    /// `secrets`, `variables`, `visibility: protected`) over the current settings.
    pub(crate) fn apply(&mut self, body: &Value, now: u64) {
        if let Some(hardware) = body["hardware"].as_str() {
            self.hardware = Some(hardware.to_owned());
        }
        if let Some(seconds) = body["sleepTimeSeconds"].as_i64() {
            self.sleep_time = Some(seconds);
        }
        for item in body["secrets"].as_array().into_iter().flatten() {
            if let (Some(key), Some(value)) = (item["key"].as_str(), item["value"].as_str()) {
                self.secrets
                    .insert(key.to_owned(), (value.to_owned(), None, now));
            }
        }
        for item in body["variables"].as_array().into_iter().flatten() {
            if let (Some(key), Some(value)) = (item["key"].as_str(), item["value"].as_str()) {
                self.variables
                    .insert(key.to_owned(), (value.to_owned(), now));
            }
        }
        if body["visibility"].as_str() == Some("protected") {
            self.protected = true;
        }
        if let Some(volumes) = body["volumes"].as_array() {
            self.volumes = volumes
                .iter()
                .filter(|v| v["source"].is_string() && v["mountPath"].is_string())
                .cloned()
                .collect();
        }
    }
}

impl Repo {
    pub(crate) fn new(kind: RepoType, id: &str, created: u64) -> Self {
        Repo {
            kind,
            id: id.to_owned(),
            mongo_id: sha1_hex(format!("{}/{id}", kind.singular()).as_bytes())[..24].to_owned(),
            private: false,
            gated: Gated::No,
            created,
            downloads: 0,
            likes: 0,
            tags: Vec::new(),
            pipeline_tag: None,
            library_name: None,
            sdk: None,
            card_data: None,
            provider_mapping: None,
            xet_enabled: false,
            commits: Arc::new(HashMap::new()),
            branches: BTreeMap::new(),
            tag_refs: BTreeMap::new(),
            prs: BTreeMap::new(),
            discussions: Vec::new(),
            space: SpaceSettings::default(),
            leaderboard: Vec::new(),
            template: None,
        }
    }

    pub(crate) fn namespace(&self) -> &str {
        self.id.split_once('/').map(|(ns, _)| ns).unwrap_or("")
    }

    /// Resolves a revision (branch, tag, `refs/heads/x`, `refs/tags/x`, `refs/pr/N`, commit id).
    pub(crate) fn resolve_rev(&self, rev: &str) -> Option<&Commit> {
        let id = if let Some(id) = self.branches.get(rev) {
            id
        } else if let Some(id) = self.tag_refs.get(rev) {
            id
        } else if let Some(b) = rev.strip_prefix("refs/heads/") {
            self.branches.get(b)?
        } else if let Some(t) = rev.strip_prefix("refs/tags/") {
            self.tag_refs.get(t)?
        } else if let Some(n) = rev.strip_prefix("refs/pr/") {
            self.prs.get(&n.parse::<u64>().ok()?)?
        } else if rev.len() >= 7 && rev.len() <= 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            if rev.len() == 40 {
                return self.commits.get(rev);
            }
            let mut found = self.commits.keys().filter(|k| k.starts_with(rev));
            let first = found.next()?;
            if found.next().is_some() {
                return None;
            }
            first
        } else {
            return None;
        };
        self.commits.get(id)
    }

    pub(crate) fn head(&self) -> Option<&Commit> {
        self.resolve_rev("main")
    }

    /// Which ref a revision writes to, if it is writable (a branch or a PR ref).
    pub(crate) fn writable_ref(&self, rev: &str) -> Option<RefName> {
        let b = rev.strip_prefix("refs/heads/").unwrap_or(rev);
        if self.branches.contains_key(b) {
            return Some(RefName::Branch(b.to_owned()));
        }
        if let Some(n) = rev
            .strip_prefix("refs/pr/")
            .and_then(|n| n.parse::<u64>().ok())
            && self.prs.contains_key(&n)
        {
            return Some(RefName::Pr(n));
        }
        None
    }

    pub(crate) fn set_ref(&mut self, r: &RefName, commit: &str) {
        match r {
            RefName::Branch(b) => {
                self.branches.insert(b.clone(), commit.to_owned());
            }
            RefName::Pr(n) => {
                self.prs.insert(*n, commit.to_owned());
            }
        }
    }

    pub(crate) fn get_ref(&self, r: &RefName) -> Option<&String> {
        match r {
            RefName::Branch(b) => self.branches.get(b),
            RefName::Pr(n) => self.prs.get(n),
        }
    }

    /// A commit landed on `refs/pr/{num}`: the PR shows it, and a draft becomes open.
    pub(crate) fn record_pr_commit(&mut self, num: u64, oid: &str, subject: &str, author: &str) {
        let id = self.id.clone();
        if let Some(d) = self.discussions.iter_mut().find(|d| d.num == num) {
            d.push_event(
                &id,
                author,
                EventData::Commit {
                    oid: oid.to_owned(),
                    subject: subject.to_owned(),
                },
            );
            if d.status == "draft" {
                d.status = "open";
            }
        }
    }

    /// Creates a commit on top of `parent` with `tree`; returns its id. Does not move refs.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_commit(
        &mut self,
        parent: Option<&str>,
        title: &str,
        message: &str,
        author: &str,
        date: u64,
        mut tree: Tree,
        changed: &[String],
    ) -> String {
        let mut material = format!(
            "repo {}\nparent {}\nseq {}\nauthor {author}\ndate {date}\n\n{title}\n\n{message}\n",
            self.id,
            parent.unwrap_or("-"),
            self.commits.len()
        );
        for (p, e) in &tree {
            material.push_str(&format!("{} {}\n", e.oid, p));
        }
        let id = sha1_hex(material.as_bytes());
        for p in changed {
            if let Some(e) = tree.get_mut(p) {
                e.last_commit = id.clone();
            }
        }
        Arc::make_mut(&mut self.commits).insert(
            id.clone(),
            Commit {
                id: id.clone(),
                parent: parent.map(str::to_owned),
                title: title.to_owned(),
                message: message.to_owned(),
                date,
                author: author.to_owned(),
                tree: Arc::new(tree),
            },
        );
        id
    }

    /// Commits from `from` back to the root, newest first.
    pub(crate) fn history(&self, from: &str) -> Vec<&Commit> {
        let mut out = Vec::new();
        let mut cur = self.commits.get(from);
        while let Some(c) = cur {
            out.push(c);
            cur = c.parent.as_ref().and_then(|p| self.commits.get(p));
        }
        out
    }

    pub(crate) fn last_modified(&self) -> u64 {
        self.head().map(|c| c.date).unwrap_or(self.created)
    }

    /// LFS patterns from `.gitattributes` at the given commit.
    pub(crate) fn lfs_patterns(&self, blobs: &Blobs, commit: &Commit) -> Vec<String> {
        let Some(e) = commit.tree.get(".gitattributes") else {
            return Vec::new();
        };
        let Some(data) = blobs.get(&e.blob_key()) else {
            return Vec::new();
        };
        String::from_utf8_lossy(&data)
            .lines()
            .filter(|l| l.contains("filter=lfs"))
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RefName {
    Branch(String),
    Pr(u64),
}

#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) fullname: String,
    pub(crate) orgs: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Org {
    pub(crate) name: String,
    pub(crate) fullname: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Read,
    Write,
    FineGrained,
    /// A legacy admin token: writes like `write`.
    Admin,
}

#[derive(Clone, Debug)]
pub(crate) struct Scope {
    /// "user" | "org" | "model" | "dataset" | "space"
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) permissions: Vec<&'static str>,
}

#[derive(Clone, Debug)]
pub(crate) struct TokenInfo {
    pub(crate) user: String,
    pub(crate) role: Role,
    pub(crate) display_name: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) global: Vec<&'static str>,
    pub(crate) can_read_gated: bool,
    pub(crate) expired: bool,
}

/// Who is calling.
#[derive(Clone, Debug)]
pub(crate) enum Caller {
    Anonymous,
    Invalid,
    Token(TokenInfo),
}

impl Caller {
    pub(crate) fn token(&self) -> Option<&TokenInfo> {
        match self {
            Caller::Token(t) => Some(t),
            _ => None,
        }
    }
}

/// Everything mutable about the Hub.
#[derive(Debug, Default)]
pub(crate) struct Db {
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) orgs: BTreeMap<String, Org>,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) repos: BTreeMap<(RepoType, String), Repo>,
    pub(crate) redirects: HashMap<(RepoType, String), String>,
    pub(crate) grants: HashSet<(String, String)>,
    /// Files attached to discussions (`POST /uploads`): name → (content type, bytes).
    pub(crate) attachments: HashMap<String, (String, Bytes)>,
    /// Collections by slug (`{owner}/{title-slug}-{24 hex}`).
    pub(crate) collections: BTreeMap<String, CollectionRecord>,
    /// Webhooks by id, each with its owner.
    pub(crate) webhooks: BTreeMap<String, WebhookRecord>,
    /// Inference Endpoints by (namespace, name).
    pub(crate) endpoints: BTreeMap<(String, String), EndpointRecord>,
}

/// A collection as stored.
#[derive(Clone, Debug)]
pub(crate) struct CollectionRecord {
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) owner: String,
    pub(crate) description: Option<String>,
    pub(crate) private: bool,
    pub(crate) theme: String,
    pub(crate) position: i64,
    pub(crate) upvotes: i64,
    pub(crate) last_updated_secs: u64,
    pub(crate) items: Vec<CollectionItemRecord>,
}

/// One item of a collection, in order.
#[derive(Clone, Debug)]
pub(crate) struct CollectionItemRecord {
    /// The item's id in the collection (`_id`).
    pub(crate) object_id: String,
    /// The repo id, paper id or collection slug.
    pub(crate) id: String,
    /// `model`, `dataset`, `space`, `paper`, `collection` or `bucket`.
    pub(crate) kind: String,
    pub(crate) note: Option<String>,
}

/// A webhook as stored: the Hub's JSON (`id`, `url` or `job`, `watched`, `domains`,
/// `secret`, `disabled`) and the user it belongs to.
#[derive(Clone, Debug)]
pub(crate) struct WebhookRecord {
    pub(crate) owner: String,
    pub(crate) json: Value,
}

/// Where an Inference Endpoint is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EndpointPhase {
    /// Deploying since the given time: `pending`, then `initializing`, then `running`.
    Deploying { since_ms: u64, updating: bool },
    /// Set at once (paused, scaledToZero, failed, running...).
    Fixed(&'static str),
}

impl EndpointPhase {
    /// The phase an admin call sets: `running`, `failed`, `paused`, `scaledToZero` at once,
    /// `pending` to deploy again from `now_ms`.
    pub(crate) fn set_to(state: &str, now_ms: u64) -> Option<Self> {
        Some(match state {
            "running" => Self::Fixed("running"),
            "failed" => Self::Fixed("failed"),
            "paused" => Self::Fixed("paused"),
            "scaledToZero" => Self::Fixed("scaledToZero"),
            "pending" => Self::Deploying {
                since_ms: now_ms,
                updating: false,
            },
            _ => return None,
        })
    }
}

/// An Inference Endpoint as stored: its spec (the create payload, updated in place) and phase.
#[derive(Clone, Debug)]
pub(crate) struct EndpointRecord {
    pub(crate) spec: Value,
    pub(crate) phase: EndpointPhase,
    pub(crate) created_secs: u64,
    pub(crate) updated_secs: u64,
    pub(crate) created_by: String,
    pub(crate) updated_by: String,
}

impl Db {
    pub(crate) fn is_member(&self, user: &str, namespace: &str) -> bool {
        user == namespace
            || self
                .users
                .get(user)
                .is_some_and(|u| u.orgs.iter().any(|o| o == namespace))
    }

    fn scope_allows(t: &TokenInfo, repo_kind: RepoType, repo_id: &str, perm: &str) -> bool {
        let ns = repo_id.split_once('/').map(|(n, _)| n).unwrap_or("");
        t.scopes.iter().any(|s| {
            let matches = match s.kind {
                "user" | "org" => s.name == ns,
                k => k == repo_kind.singular() && s.name == repo_id,
            };
            matches && s.permissions.contains(&perm)
        })
    }

    /// Can this caller see the repo at all (metadata)?
    pub(crate) fn can_read(&self, caller: &Caller, repo: &Repo) -> bool {
        if !repo.private {
            return true;
        }
        let Some(t) = caller.token() else {
            return false;
        };
        if !self.is_member(&t.user, repo.namespace()) {
            return false;
        }
        match t.role {
            Role::Read | Role::Write | Role::Admin => true,
            Role::FineGrained => {
                Self::scope_allows(t, repo.kind, &repo.id, "repo.content.read")
                    || Self::scope_allows(t, repo.kind, &repo.id, "repo.write")
            }
        }
    }

    /// Can the caller download files (gating)?
    pub(crate) fn can_download(&self, caller: &Caller, repo: &Repo) -> bool {
        if repo.gated == Gated::No {
            return true;
        }
        let Some(t) = caller.token() else {
            return false;
        };
        // Membership does not bypass gating here (unlike the Hub), so the demo
        // tokens, which all belong to a member of demo-org, exercise the flow.
        let granted = self.grants.contains(&(t.user.clone(), repo.id.clone()));
        granted && (t.role != Role::FineGrained || t.can_read_gated)
    }

    /// Can the caller write in `repo_id` (existing or to be created)? Err = message for 403.
    pub(crate) fn check_write(
        &self,
        caller: &Caller,
        kind: RepoType,
        repo_id: &str,
    ) -> Result<(), String> {
        let Some(t) = caller.token() else {
            return Err("You must be authenticated to write".to_owned());
        };
        let ns = repo_id.split_once('/').map(|(n, _)| n).unwrap_or("");
        if !self.is_member(&t.user, ns) {
            return Err(format!(
                "You don't have the rights to write to {repo_id}: {} is not a member of {ns}",
                t.user
            ));
        }
        match t.role {
            Role::Write | Role::Admin => Ok(()),
            Role::Read => Err(format!(
                "You don't have the rights to write to {repo_id}: this token has a read role (token \"{}\")",
                t.display_name
            )),
            Role::FineGrained => {
                if Self::scope_allows(t, kind, repo_id, "repo.write") {
                    Ok(())
                } else {
                    Err(format!(
                        "This fine-grained token (\"{}\") does not have the repo.write permission on {} {repo_id}",
                        t.display_name,
                        kind.singular()
                    ))
                }
            }
        }
    }

    /// May the caller open discussions and comment in `repo` (which it can see)? A read
    /// token may not; a fine-grained one needs `discussion.write` (global, or on the repo or
    /// its namespace) or `repo.write` there. Err = message for 403.
    pub(crate) fn check_discuss(&self, caller: &Caller, repo: &Repo) -> Result<(), String> {
        let Some(t) = caller.token() else {
            return Err("You must be authenticated to take part in discussions".to_owned());
        };
        match t.role {
            Role::Write | Role::Admin => Ok(()),
            Role::Read => Err(format!(
                "You don't have the rights to take part in discussions on {}: this token has a read role (token \"{}\")",
                repo.id, t.display_name
            )),
            Role::FineGrained => {
                if t.global.contains(&"discussion.write")
                    || Self::scope_allows(t, repo.kind, &repo.id, "discussion.write")
                    || Self::scope_allows(t, repo.kind, &repo.id, "repo.write")
                {
                    Ok(())
                } else {
                    Err(format!(
                        "This fine-grained token (\"{}\") does not have the discussion.write permission on {} {}",
                        t.display_name,
                        repo.kind.singular(),
                        repo.id
                    ))
                }
            }
        }
    }

    /// May the caller change `what` (collections, endpoints, webhooks) owned by `namespace`?
    /// A read token may not; a fine-grained one needs `permission` globally or scoped to the
    /// namespace. Err = message for 403.
    pub(crate) fn check_namespace_write(
        &self,
        caller: &Caller,
        namespace: &str,
        permission: &str,
        what: &str,
    ) -> Result<(), String> {
        let Some(t) = caller.token() else {
            return Err(format!("You must be authenticated to manage {what}"));
        };
        if !self.is_member(&t.user, namespace) {
            return Err(format!(
                "You don't have the rights to manage {what} of {namespace}: {} is not a member of {namespace}",
                t.user
            ));
        }
        match t.role {
            Role::Write | Role::Admin => Ok(()),
            Role::Read => Err(format!(
                "You don't have the rights to manage {what} of {namespace}: this token has a read role (token \"{}\")",
                t.display_name
            )),
            Role::FineGrained => {
                let scoped = t.scopes.iter().any(|s| {
                    matches!(s.kind, "user" | "org")
                        && s.name == namespace
                        && s.permissions.contains(&permission)
                });
                if scoped || t.global.contains(&permission) {
                    Ok(())
                } else {
                    Err(format!(
                        "This fine-grained token (\"{}\") does not have the {permission} permission on {namespace}",
                        t.display_name
                    ))
                }
            }
        }
    }

    /// May the caller read `what` of `namespace` (a member; a fine-grained token scoped to it
    /// or with `permission` globally)? Err = message for 403.
    pub(crate) fn check_namespace_read(
        &self,
        caller: &Caller,
        namespace: &str,
        permission: &str,
        what: &str,
    ) -> Result<(), String> {
        let Some(t) = caller.token() else {
            return Err(format!("You must be authenticated to read {what}"));
        };
        if !self.is_member(&t.user, namespace) {
            return Err(format!(
                "You don't have the rights to read {what} of {namespace}: {} is not a member of {namespace}",
                t.user
            ));
        }
        if t.role != Role::FineGrained
            || t.global.contains(&permission)
            || t.scopes
                .iter()
                .any(|s| matches!(s.kind, "user" | "org") && s.name == namespace)
        {
            Ok(())
        } else {
            Err(format!(
                "This fine-grained token (\"{}\") does not have the {permission} permission on {namespace}",
                t.display_name
            ))
        }
    }

    pub(crate) fn whoami(&self, t: &TokenInfo) -> Value {
        let user = self.users.get(&t.user);
        let orgs: Vec<Value> = user
            .map(|u| u.orgs.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|o| self.orgs.get(o))
            .map(|o| {
                json!({
                    "type": "org",
                    "id": sha1_hex(format!("org/{}", o.name).as_bytes())[..24],
                    "name": o.name,
                    "fullname": o.fullname,
                    "email": null,
                    "canPay": false,
                    "isEnterprise": false,
                    "avatarUrl": format!("/avatars/{}.svg", o.name),
                    "periodEnd": null,
                    "roleInOrg": "write",
                })
            })
            .collect();
        let role = match t.role {
            Role::Read => "read",
            Role::Write => "write",
            Role::FineGrained => "fineGrained",
            Role::Admin => "admin",
        };
        let mut access = json!({
            "displayName": t.display_name,
            "role": role,
            "createdAt": iso8601(1_704_067_200),
        });
        if t.role == Role::FineGrained {
            let scoped: Vec<Value> = t
                .scopes
                .iter()
                .map(|s| {
                    json!({
                        "entity": {
                            "_id": sha1_hex(format!("{}/{}", s.kind, s.name).as_bytes())[..24],
                            "type": s.kind,
                            "name": s.name,
                        },
                        "permissions": s.permissions,
                    })
                })
                .collect();
            access["fineGrained"] = json!({
                "canReadGatedRepos": t.can_read_gated,
                "global": t.global,
                "scoped": scoped,
            });
        }
        let name = &t.user;
        json!({
            "type": "user",
            "id": sha1_hex(format!("user/{name}").as_bytes())[..24],
            "name": name,
            "fullname": user.map(|u| u.fullname.clone()).unwrap_or_default(),
            "email": format!("{name}@example.com"),
            "emailVerified": true,
            "canPay": false,
            "isPro": false,
            "periodEnd": null,
            "avatarUrl": format!("/avatars/{name}.svg"),
            "orgs": orgs,
            "auth": { "type": "access_token", "accessToken": access },
        })
    }
}
