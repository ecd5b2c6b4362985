//! Repo ids, repo types and revisions, with the Hub's validation rules and URL encoding.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// The kind of repository.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    /// A model repo (the default).
    #[default]
    Model,
    /// A dataset repo.
    Dataset,
    /// A Space.
    Space,
    /// A kernel repo (compute kernels for the `kernels` library).
    Kernel,
}

impl RepoType {
    /// `model`, `dataset`, `space` or `kernel`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
            Self::Space => "space",
            Self::Kernel => "kernel",
        }
    }

    /// The plural used in API paths and cache folders: `models`, `datasets`, `spaces`,
    /// `kernels`.
    #[must_use]
    pub fn plural(self) -> &'static str {
        match self {
            Self::Model => "models",
            Self::Dataset => "datasets",
            Self::Space => "spaces",
            Self::Kernel => "kernels",
        }
    }

    /// The prefix of resolve URLs: empty for models, `datasets/`, `spaces/`, `kernels/`.
    #[must_use]
    pub fn url_prefix(self) -> &'static str {
        match self {
            Self::Model => "",
            Self::Dataset => "datasets/",
            Self::Space => "spaces/",
            Self::Kernel => "kernels/",
        }
    }
}

impl fmt::Display for RepoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RepoType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "model" | "models" => Ok(Self::Model),
            "dataset" | "datasets" => Ok(Self::Dataset),
            "space" | "spaces" => Ok(Self::Space),
            "kernel" | "kernels" => Ok(Self::Kernel),
            other => Err(Error::InvalidInput(format!(
                "unknown repo type '{other}' (expected model, dataset, space or kernel)"
            ))),
        }
    }
}

/// A validated repo id: `name` or `namespace/name`, following the Hub's rules
/// (`[\w\-.]{1,96}` per part, no `--` or `..`, no trailing `.git`, ASCII only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoId(String);

impl RepoId {
    /// Validates `id`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] explaining which rule the id breaks.
    pub fn new(id: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::InvalidInput(format!("invalid repo id '{id}': {why}"));
        if id.is_empty() {
            return Err(bad("it is empty"));
        }
        let parts: Vec<&str> = id.split('/').collect();
        if parts.len() > 2 {
            return Err(bad("expected 'name' or 'namespace/name'"));
        }
        for part in &parts {
            if part.is_empty() || part.len() > 96 {
                return Err(bad("each part must be 1 to 96 characters long"));
            }
            if !part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                return Err(bad(
                    "only ASCII letters, digits, '-', '_' and '.' are allowed",
                ));
            }
            if part.starts_with(['-', '.']) || part.ends_with(['-', '.']) {
                return Err(bad("a part cannot start or end with '-' or '.'"));
            }
        }
        if id.contains("--") || id.contains("..") {
            return Err(bad("'--' and '..' are not allowed"));
        }
        if id.ends_with(".git") {
            return Err(bad("it cannot end with '.git'"));
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The namespace (user or organisation), when the id has one.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.0.split_once('/').map(|(ns, _)| ns)
    }

    /// The name without namespace.
    #[must_use]
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for RepoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RepoId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

/// A repo: its id and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo {
    /// The repo id.
    pub id: RepoId,
    /// The repo type.
    pub repo_type: RepoType,
}

impl Repo {
    /// A repo of `repo_type`.
    #[must_use]
    pub fn new(id: RepoId, repo_type: RepoType) -> Self {
        Self { id, repo_type }
    }

    /// A model repo.
    #[must_use]
    pub fn model(id: RepoId) -> Self {
        Self::new(id, RepoType::Model)
    }

    /// A repo as people type it: `name`, `ns/name`, `hf://ns/name`, or with a type prefix
    /// (`models/ns/name`, `datasets/ns/name`, `spaces/ns/name`). The prefix sets the type;
    /// `repo_type` (an explicit option) applies when there is none, and a model repo
    /// otherwise. With this and [`Repo::parse_typed`], the one parser of repo ids and types.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the id breaks the Hub's rules, or when the prefix names a
    /// different type than `repo_type`.
    pub fn parse(raw: &str, repo_type: Option<RepoType>) -> Result<Self, Error> {
        let id = raw.strip_prefix("hf://").unwrap_or(raw).trim_matches('/');
        // `models/x` alone is the repo `x` of the user `models`: ids have at most two parts.
        let prefixed = split_type_prefix(id).filter(|(_, rest)| rest.contains('/'));
        Self::typed(raw, prefixed, id, repo_type)
    }

    /// A repo named with its type first, as `hf cache rm` takes them: `model/gpt2`,
    /// `datasets/org/name`, `hf://spaces/org/app`; without a type word, a model repo.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the id breaks the Hub's rules.
    pub fn parse_typed(raw: &str) -> Result<Self, Error> {
        let id = raw.strip_prefix("hf://").unwrap_or(raw).trim_matches('/');
        Self::typed(raw, split_type_prefix(id), id, None)
    }

    fn typed(
        raw: &str,
        prefixed: Option<(RepoType, &str)>,
        id: &str,
        repo_type: Option<RepoType>,
    ) -> Result<Self, Error> {
        let (kind, id) = match prefixed {
            Some((kind, rest)) => {
                if let Some(asked) = repo_type
                    && asked != kind
                {
                    return Err(Error::InvalidInput(format!(
                        "'{raw}' names a {kind} repo but the repo type given is {asked}"
                    )));
                }
                (kind, rest)
            }
            None => (repo_type.unwrap_or_default(), id),
        };
        Ok(Self::new(RepoId::new(id)?, kind))
    }

    /// `/api/{type}s/{id}`.
    #[must_use]
    pub fn api_path(&self) -> String {
        format!("/api/{}/{}", self.repo_type.plural(), self.id)
    }

    /// `/{prefix}{id}/resolve/{revision}/{path}` with the revision fully encoded and the path's `/` kept.
    #[must_use]
    pub fn resolve_path(&self, revision: &str, path: &str) -> String {
        format!(
            "/{}{}/resolve/{}/{}",
            self.repo_type.url_prefix(),
            self.id,
            encode_revision(revision),
            encode_path(path)
        )
    }

    /// The cache folder name: `models--org--name` (as the Python client).
    #[must_use]
    pub fn cache_folder_name(&self) -> String {
        format!(
            "{}--{}",
            self.repo_type.plural(),
            self.id.as_str().replace('/', "--")
        )
    }

    /// The repo's page on the Hub, relative to the endpoint: `/{prefix}{id}`.
    #[must_use]
    pub fn web_path(&self) -> String {
        format!("/{}{}", self.repo_type.url_prefix(), self.id)
    }
}

/// The web page of the repo a Hub URL points into (where access to a gated repo is
/// requested): `https://hub/api/datasets/org/x/tree/main` -> `https://hub/datasets/org/x`.
#[must_use]
pub fn repo_page(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let origin = parsed.origin().ascii_serialization();
    let segments: Vec<&str> = parsed.path_segments()?.filter(|s| !s.is_empty()).collect();
    let (prefix, rest) = match segments.as_slice() {
        ["api", "models", rest @ ..] => ("", rest),
        ["api", "datasets", rest @ ..] => ("datasets/", rest),
        ["api", "spaces", rest @ ..] => ("spaces/", rest),
        ["api", "kernels", rest @ ..] => ("kernels/", rest),
        ["datasets", rest @ ..] => ("datasets/", rest),
        ["spaces", rest @ ..] => ("spaces/", rest),
        ["kernels", rest @ ..] => ("kernels/", rest),
        ["api", ..] => return None,
        rest => ("", rest),
    };
    // Everything up to an action segment (`resolve`, `tree`, `revision`, ...) is the repo id.
    let end = rest
        .iter()
        .position(|s| {
            matches!(
                *s,
                "resolve" | "tree" | "revision" | "blob" | "paths-info" | "refs" | "commits"
            )
        })
        .unwrap_or(rest.len());
    let id = &rest[..end.min(2)];
    if id.is_empty() {
        return None;
    }
    Some(format!("{origin}/{prefix}{}", id.join("/")))
}

/// A file (or folder) named as Python's `hf://` URIs name them:
/// `hf://[TYPE/]namespace/name[@REVISION][/PATH]` (`TYPE`: `models`, `datasets`, `spaces`,
/// `kernels`, or their singulars; none: a model). Buckets (`hf://buckets/...`) are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HfUri {
    /// The repo.
    pub repo: Repo,
    /// `@REVISION` when given (`refs/pr/N` and `refs/convert/X` included).
    pub revision: Option<String>,
    /// The path in the repo (empty for the repo itself).
    pub path: String,
}

impl HfUri {
    /// Parses `raw`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `raw` is not an `hf://` URI, names a bucket, or its repo id
    /// is not `namespace/name`.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::InvalidInput(format!("'{raw}' is not a repo URI: {why}"));
        let body = raw
            .strip_prefix("hf://")
            .ok_or_else(|| bad("expected hf://[TYPE/]namespace/name[@REVISION][/PATH]"))?;
        if body.starts_with("buckets/") || body.starts_with("bucket/") {
            return Err(bad("buckets are not supported by this client"));
        }
        let (repo_type, location) = match split_type_prefix(body) {
            Some((kind, rest)) if rest.contains('/') => (kind, rest),
            _ => (RepoType::Model, body),
        };
        let location = location.trim_start_matches('/');
        let (id, revision, path) = match location.find('@') {
            Some(at) if location[..at].matches('/').count() == 1 => {
                let (id, rest) = (&location[..at], &location[at + 1..]);
                let special = ["refs/pr/", "refs/convert/"]
                    .iter()
                    .find(|prefix| rest.starts_with(**prefix));
                let split = match special {
                    // `refs/pr/3/file`: the revision ends after its third segment.
                    Some(prefix) => rest[prefix.len()..].find('/').map(|i| prefix.len() + i),
                    None => rest.find('/'),
                };
                let (revision, path) = match split {
                    Some(i) => (&rest[..i], &rest[i + 1..]),
                    None => (rest, ""),
                };
                if revision.is_empty() {
                    return Err(bad("empty revision after '@'"));
                }
                (id.to_owned(), Some(revision.to_owned()), path.to_owned())
            }
            _ => {
                let mut parts = location.splitn(3, '/');
                let (Some(namespace), Some(name)) = (parts.next(), parts.next()) else {
                    return Err(bad("the repo id must be namespace/name"));
                };
                (
                    format!("{namespace}/{name}"),
                    None,
                    parts.next().unwrap_or_default().to_owned(),
                )
            }
        };
        if let Some(revision) = &revision {
            validate_revision(revision)?;
        }
        Ok(Self {
            repo: Repo::new(RepoId::new(&id)?, repo_type),
            revision,
            path,
        })
    }

    /// Whether `text` is meant as an `hf://` URI.
    #[must_use]
    pub fn is_uri(text: &str) -> bool {
        text.starts_with("hf://")
    }
}

impl fmt::Display for HfUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.repo.repo_type {
            RepoType::Model => "",
            other => other.plural(),
        };
        let slash = if prefix.is_empty() { "" } else { "/" };
        write!(f, "hf://{prefix}{slash}{}", self.repo.id)?;
        if let Some(revision) = &self.revision {
            write!(f, "@{revision}")?;
        }
        if !self.path.is_empty() {
            write!(f, "/{}", self.path)?;
        }
        Ok(())
    }
}

/// `models/rest` -> (model, rest); also the singular words.
fn split_type_prefix(id: &str) -> Option<(RepoType, &str)> {
    let (prefix, rest) = id.split_once('/')?;
    let kind = match prefix {
        "models" | "model" => RepoType::Model,
        "datasets" | "dataset" => RepoType::Dataset,
        "spaces" | "space" => RepoType::Space,
        "kernels" | "kernel" => RepoType::Kernel,
        _ => return None,
    };
    Some((kind, rest))
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repo_type {
            RepoType::Model => write!(f, "{}", self.id),
            other => write!(f, "{} {}", other, self.id),
        }
    }
}

/// The default revision.
pub const DEFAULT_REVISION: &str = "main";

/// Encodes a revision for a URL path segment: everything but unreserved characters,
/// so `refs/pr/1` becomes `refs%2Fpr%2F1` (as `quote(revision, safe="")`).
#[must_use]
pub fn encode_revision(revision: &str) -> String {
    const SET: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(revision, SET).to_string()
}

/// Encodes a file path for a URL, keeping its `/` separators (as `quote(path)`).
#[must_use]
pub fn encode_path(path: &str) -> String {
    const SET: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    utf8_percent_encode(path, SET).to_string()
}

/// Whether `revision` is a full 40-hex commit id.
#[must_use]
pub fn is_commit_hash(revision: &str) -> bool {
    revision.len() == 40
        && revision
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks that a revision is plausible before it is used in a URL or a cache path.
///
/// # Errors
/// [`Error::InvalidInput`] for empty revisions, `..` segments, control characters, or a leading `/`.
pub fn validate_revision(revision: &str) -> Result<(), Error> {
    let bad = |why: &str| Error::InvalidInput(format!("invalid revision '{revision}': {why}"));
    if revision.is_empty() {
        return Err(bad("it is empty"));
    }
    if revision.starts_with('/')
        || revision.ends_with('/')
        || revision
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(bad("it has an empty, '.' or '..' path segment"));
    }
    if revision.chars().any(|c| c.is_control() || c == '\\') {
        return Err(bad("it contains control characters or backslashes"));
    }
    Ok(())
}

#[cfg(test)]
mod uri_tests {
    use super::*;

    #[test]
    fn hf_uris_name_a_repo_a_revision_and_a_path_as_python_reads_them() {
        let uri = HfUri::parse("hf://datasets/org/data@refs/pr/3/train/part.json").unwrap();
        assert_eq!(
            (
                uri.repo.repo_type,
                uri.repo.id.as_str(),
                uri.revision.as_deref(),
                uri.path.as_str()
            ),
            (
                RepoType::Dataset,
                "org/data",
                Some("refs/pr/3"),
                "train/part.json"
            )
        );
        let uri = HfUri::parse("hf://org/model/sub/config.json").unwrap();
        assert_eq!(
            (uri.repo.repo_type, uri.path.as_str()),
            (RepoType::Model, "sub/config.json")
        );
        assert_eq!(uri.to_string(), "hf://org/model/sub/config.json");
        let uri = HfUri::parse("hf://spaces/user/app@dev").unwrap();
        assert_eq!(
            (uri.revision.as_deref(), uri.path.as_str()),
            (Some("dev"), "")
        );
        assert_eq!(uri.to_string(), "hf://spaces/user/app@dev");
        for bad in [
            "org/model",
            "hf://gpt2",
            "hf://buckets/org/b/x",
            "hf://org/m@/x",
            "hf://o/../x",
        ] {
            assert!(HfUri::parse(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_pages_for_gated_errors() {
        assert_eq!(
            repo_page("https://huggingface.co/meta/llama/resolve/main/config.json").as_deref(),
            Some("https://huggingface.co/meta/llama")
        );
        assert_eq!(
            repo_page("http://127.0.0.1:9/datasets/org/data/resolve/main/x.csv").as_deref(),
            Some("http://127.0.0.1:9/datasets/org/data")
        );
        assert_eq!(
            repo_page("https://huggingface.co/api/models/gpt2/revision/main").as_deref(),
            Some("https://huggingface.co/gpt2")
        );
        assert_eq!(
            repo_page("https://huggingface.co/api/models/org/gated/tree/main").as_deref(),
            Some("https://huggingface.co/org/gated")
        );
        assert_eq!(repo_page("https://huggingface.co/api/whoami-v2"), None);
    }

    #[test]
    fn typed_repo_ids_parse_one_way() {
        let parsed = |raw, kind| Repo::parse(raw, kind).map(|r| (r.repo_type, r.id.to_string()));
        assert_eq!(
            parsed("gpt2", None).unwrap(),
            (RepoType::Model, "gpt2".into())
        );
        assert_eq!(
            parsed("hf://datasets/org/data/", None).unwrap(),
            (RepoType::Dataset, "org/data".into())
        );
        assert_eq!(
            parsed("spaces/org/app", Some(RepoType::Space)).unwrap(),
            (RepoType::Space, "org/app".into())
        );
        // Two parts are a namespace and a name, whatever the namespace is called.
        assert_eq!(
            parsed("datasets/x", Some(RepoType::Dataset)).unwrap(),
            (RepoType::Dataset, "datasets/x".into())
        );
        let conflict = parsed("datasets/org/data", Some(RepoType::Model)).unwrap_err();
        assert!(
            conflict.to_string().contains("names a dataset repo"),
            "{conflict}"
        );
        assert!(parsed("a/b/c/d", None).is_err());

        let typed = |raw| Repo::parse_typed(raw).map(|r| (r.repo_type, r.id.to_string()));
        assert_eq!(
            typed("model/gpt2").unwrap(),
            (RepoType::Model, "gpt2".into())
        );
        assert_eq!(
            typed("dataset/org/d").unwrap(),
            (RepoType::Dataset, "org/d".into())
        );
        assert_eq!(
            typed("hf://spaces/o/a").unwrap(),
            (RepoType::Space, "o/a".into())
        );
        assert_eq!(
            typed("org/name").unwrap(),
            (RepoType::Model, "org/name".into())
        );
    }

    #[test]
    fn repo_ids_follow_hub_rules() {
        for ok in ["gpt2", "org/name", "a-b_c.d/x.y-z", "google-t5/t5-small"] {
            assert!(RepoId::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a/b/c",
            "a--b",
            "a..b",
            "x.git",
            "ns/",
            "/name",
            "ünï/x",
            "a b",
            "-a",
            &"x".repeat(97),
        ] {
            assert!(RepoId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_and_cache_names_match_python() {
        let repo = Repo::new(RepoId::new("org/name").unwrap(), RepoType::Dataset);
        assert_eq!(repo.api_path(), "/api/datasets/org/name");
        assert_eq!(
            repo.resolve_path("refs/pr/1", "data/train file.csv"),
            "/datasets/org/name/resolve/refs%2Fpr%2F1/data/train%20file.csv"
        );
        assert_eq!(repo.cache_folder_name(), "datasets--org--name");
        assert!(is_commit_hash(&"a".repeat(40)));
        assert!(!is_commit_hash("main"));
        assert!(validate_revision("refs/pr/1").is_ok());
        assert!(validate_revision("../x").is_err());
    }
}
