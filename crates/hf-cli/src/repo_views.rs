//! The repo views shared by `hf models`, `hf datasets` and `hf spaces`: `list` (repos, or one
//! repo's files), `info` and `card`, in Python's shapes.

use futures_util::TryStreamExt as _;
use hf_hub::api::{ListReposOptions, RepoInfo, RepoSort};
use hf_hub::tree::TreeEntry;
use hf_hub::{Repo, RepoType};
use serde::Serialize;
use serde_json::Value;

use crate::args::{TokenArg, parse_repo};
use crate::command_error::UsageError;
use crate::commands::Context;
use crate::output::{Human, OutputFormat, Render};

/// `--sort` values, in Python's spelling (`trending_score`) or ours (`trending-score`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SortArg {
    /// Most recently created first.
    #[value(alias = "created_at")]
    CreatedAt,
    /// Most downloaded first.
    Downloads,
    /// Most recently modified first.
    #[value(alias = "last_modified")]
    LastModified,
    /// Most liked first.
    Likes,
    /// Trending first.
    #[value(alias = "trending_score")]
    TrendingScore,
}

impl From<SortArg> for RepoSort {
    fn from(value: SortArg) -> Self {
        match value {
            SortArg::CreatedAt => Self::CreatedAt,
            SortArg::Downloads => Self::Downloads,
            SortArg::LastModified => Self::LastModified,
            SortArg::Likes => Self::Likes,
            SortArg::TrendingScore => Self::TrendingScore,
        }
    }
}

/// The options of every `list` command.
#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// List the files of this repo instead of listing repos.
    pub(crate) repo_id: Option<String>,
    /// Search query (substring of the repo id).
    #[arg(long)]
    pub(crate) search: Option<String>,
    /// Filter by author or organization.
    #[arg(long)]
    pub(crate) author: Option<String>,
    /// Filter by tag (e.g. 'text-classification'); repeat for several.
    #[arg(long)]
    pub(crate) filter: Vec<String>,
    /// Sort results (descending).
    #[arg(long, value_enum)]
    pub(crate) sort: Option<SortArg>,
    /// Limit the number of results.
    #[arg(long, default_value_t = 30)]
    pub(crate) limit: usize,
    /// Comma-separated properties to return (e.g. 'downloads,likes,tags'); only those (and the
    /// id) come back.
    #[arg(long, value_delimiter = ',')]
    pub(crate) expand: Vec<String>,
    /// Show sizes with a unit (only when listing files).
    #[arg(short = 'h', long)]
    pub(crate) human_readable: bool,
    /// List files as a tree (only when listing files).
    #[arg(long)]
    pub(crate) tree: bool,
    /// List files of every folder, recursively (only when listing files).
    #[arg(short = 'R', long)]
    pub(crate) recursive: bool,
    /// Revision to list files at (only when listing files).
    #[arg(long)]
    pub(crate) revision: Option<String>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub(crate) help: Option<bool>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InfoArgs {
    /// The repo id (e.g. `username/repo-name`).
    pub(crate) repo_id: String,
    /// Git revision: a branch name, a tag or a commit hash.
    #[arg(long)]
    pub(crate) revision: Option<String>,
    /// Comma-separated properties to return (e.g. 'downloads,likes,tags').
    #[arg(long, value_delimiter = ',')]
    pub(crate) expand: Vec<String>,
    /// Include the size and LFS details of every file.
    #[arg(long)]
    pub(crate) files_metadata: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CardArgs {
    /// The repo id (e.g. `username/repo-name`).
    pub(crate) repo_id: String,
    /// Only the metadata (the YAML header, as the Hub parsed it).
    #[arg(long, conflicts_with = "text")]
    pub(crate) metadata: bool,
    /// Only the text body (no metadata).
    #[arg(long)]
    pub(crate) text: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A `RepoInfo` as Python's `hf` prints it in JSON: its dataclass field names (snake_case),
/// the Hub's internal `_id` dropped.
pub(crate) fn python_shape(info: &RepoInfo) -> Value {
    let Ok(Value::Object(map)) = serde_json::to_value(info) else {
        return Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (key, value) in map {
        if key == "_id" || key == "modelId" || value.is_null() {
            continue;
        }
        let value = if key == "siblings" {
            snake_keys_of_items(value)
        } else {
            value
        };
        out.insert(snake(&key), value);
    }
    Value::Object(out)
}

/// `lastModified` -> `last_modified`, `model-index` -> `model_index` (as Python's fields).
pub(crate) fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c == '-' {
            out.push('_');
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// Each object of a list with snake_case keys, one level down too (`lfs.pointerSize`).
pub(crate) fn snake_keys_of_items(value: Value) -> Value {
    fn convert(value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (snake(&key), convert(value)))
                    .collect(),
            ),
            other => other,
        }
    }
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
        other => other,
    }
}

#[derive(Debug)]
pub(crate) struct RepoList {
    pub(crate) repo_type: RepoType,
    pub(crate) repos: Vec<RepoInfo>,
}

impl Serialize for RepoList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shaped: Vec<Value> = self.repos.iter().map(python_shape).collect();
        shaped.serialize(serializer)
    }
}

impl Render for RepoList {
    fn human(&self) -> Human {
        if self.repos.is_empty() {
            return Human::Text(format!("No {} found.", self.repo_type.plural()));
        }
        let opt = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
        let date = |d: &Option<String>| {
            d.as_deref()
                .map_or_else(|| "-".to_owned(), |d| d.chars().take(10).collect())
        };
        let (headers, rows) = match self.repo_type {
            RepoType::Space => (
                vec!["ID", "SDK", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            r.sdk.clone().unwrap_or_else(|| "-".into()),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => (
                vec!["ID", "DOWNLOADS", "LIKES", "PRIVATE", "LAST MODIFIED"],
                self.repos
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            opt(r.downloads),
                            opt(r.likes),
                            r.private.to_string(),
                            date(&r.last_modified),
                        ]
                    })
                    .collect(),
            ),
        };
        Human::Table {
            headers: headers.into_iter().map(str::to_owned).collect(),
            rows,
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.repos.iter().map(|r| r.id.clone()).collect()
    }
}

/// `523 B`, `1.2 MB` with `-h`, else the byte count (as Python's file listing).
pub(crate) fn file_size(bytes: u64, human_readable: bool) -> String {
    if human_readable {
        crate::output::size_with_unit(bytes)
    } else {
        bytes.to_string()
    }
}

/// One entry of a file listing; in JSON, Python's `RepoFile` (`path`, `size`, `blob_id`,
/// `lfs`, `last_commit`, `security`) or `RepoFolder` (`path`, `tree_id`, `last_commit`) fields.
#[derive(Debug)]
pub(crate) struct FileEntry {
    pub(crate) kind: String,
    pub(crate) path: String,
    pub(crate) size: Option<u64>,
    pub(crate) oid: String,
    pub(crate) lfs: Option<hf_hub::tree::TreeLfs>,
    pub(crate) last_commit: Option<hf_hub::tree::TreeLastCommit>,
    pub(crate) security: Option<Value>,
}

/// A JSON value without its `null` members (Python's `_serialize_value` drops them).
pub(crate) fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// `2024-01-02T01:00:00.000Z` as Python's listing prints it: `2024-01-02 01:00:00`, or
/// `Jan 02 01:00` with `-h`; empty when unknown.
pub(crate) fn listing_date(iso: Option<&str>, human_readable: bool) -> String {
    let Some(iso) = iso.filter(|d| d.len() >= 16 && d.is_char_boundary(19.min(d.len()))) else {
        return String::new();
    };
    if !human_readable {
        return iso.chars().take(19).collect::<String>().replace('T', " ");
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = iso
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (month, iso.get(8..10), iso.get(11..16)) {
        (Some(month), Some(day), Some(time)) => format!("{month} {day} {time}"),
        _ => String::new(),
    }
}

impl Serialize for FileEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        map.insert("path".into(), self.path.clone().into());
        if let Some(commit) = &self.last_commit {
            map.insert(
                "last_commit".into(),
                serde_json::json!({"oid": commit.id, "title": commit.title, "date": commit.date}),
            );
        }
        if self.kind == "directory" {
            map.insert("tree_id".into(), self.oid.clone().into());
        } else {
            if let Some(security) = &self.security {
                let status = security.get("status").cloned().unwrap_or(Value::Null);
                map.insert(
                    "security".into(),
                    without_nulls(serde_json::json!({
                        "safe": status.as_str() == Some("safe"),
                        "status": status,
                        "av_scan": security.get("avScan").cloned().unwrap_or(Value::Null),
                        "pickle_import_scan": security
                            .get("pickleImportScan")
                            .cloned()
                            .unwrap_or(Value::Null),
                    })),
                );
            }
            map.insert("size".into(), self.size.unwrap_or(0).into());
            map.insert("blob_id".into(), self.oid.clone().into());
            if let Some(lfs) = &self.lfs {
                map.insert(
                    "lfs".into(),
                    serde_json::json!({
                        "size": lfs.size,
                        "sha256": lfs.oid,
                        "pointer_size": lfs.pointer_size,
                    }),
                );
            }
        }
        Value::Object(map).serialize(serializer)
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct FileList {
    pub(crate) files: Vec<FileEntry>,
    #[serde(skip)]
    pub(crate) human_readable: bool,
    #[serde(skip)]
    pub(crate) tree: bool,
}

impl FileList {
    fn shown_path(entry: &FileEntry) -> String {
        if entry.kind == "directory" {
            format!("{}/", entry.path)
        } else {
            entry.path.clone()
        }
    }

    /// Python's tree view: `├── name`, folders ending with `/`, sizes before the connector.
    fn tree_lines(&self, with_sizes: bool) -> Vec<String> {
        #[derive(Default)]
        struct Node {
            children: std::collections::BTreeMap<String, Node>,
            /// Size and last-commit date, for files.
            label: Option<(String, String)>,
            folder: bool,
        }
        let human = self.human_readable;
        let mut root = Node::default();
        for entry in &self.files {
            let mut node = &mut root;
            let parts: Vec<&str> = entry.path.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                node = node.children.entry((*part).to_owned()).or_default();
                if i + 1 < parts.len() {
                    node.folder = true;
                }
            }
            if entry.kind == "directory" {
                node.folder = true;
            } else {
                node.label = Some((
                    file_size(entry.size.unwrap_or(0), human),
                    listing_date(entry.last_commit.as_ref().map(|c| c.date.as_str()), human),
                ));
            }
        }
        // Python's layout: `SIZE  DATE  ├── name` for files, blanks of that width for folders.
        let labels = self.files.iter().filter(|e| e.kind != "directory");
        let (size_width, date_width) = if with_sizes {
            labels.fold((0, 0), |(s, d), e| {
                (
                    s.max(file_size(e.size.unwrap_or(0), human).len()),
                    d.max(
                        listing_date(e.last_commit.as_ref().map(|c| c.date.as_str()), human).len(),
                    ),
                )
            })
        } else {
            (0, 0)
        };
        struct Layout {
            size_width: usize,
            date_width: usize,
        }
        fn walk(node: &Node, indent: &str, layout: &Layout, lines: &mut Vec<String>) {
            let count = node.children.len();
            for (i, (name, child)) in node.children.iter().enumerate() {
                let last = i + 1 == count;
                let connector = if last { "└── " } else { "├── " };
                let prefix = if layout.size_width == 0 {
                    String::new()
                } else {
                    let (size, date) = child
                        .label
                        .clone()
                        .filter(|_| !child.folder)
                        .unwrap_or_default();
                    let (sw, dw) = (layout.size_width, layout.date_width);
                    format!("{size:>sw$}  {date:<dw$}  ")
                };
                let slash = if child.folder { "/" } else { "" };
                lines.push(format!("{prefix}{indent}{connector}{name}{slash}"));
                let deeper = format!("{indent}{}", if last { "    " } else { "│   " });
                walk(child, &deeper, layout, lines);
            }
        }
        let mut lines = Vec::new();
        walk(
            &root,
            "",
            &Layout {
                size_width,
                date_width,
            },
            &mut lines,
        );
        lines
    }
}

impl Render for FileList {
    fn human(&self) -> Human {
        if self.files.is_empty() {
            return Human::Text("(empty)".into());
        }
        if self.tree {
            return Human::Text(self.tree_lines(true).join("\n"));
        }
        let lines: Vec<String> = self
            .files
            .iter()
            .map(|entry| {
                let size = entry
                    .size
                    .filter(|_| entry.kind != "directory")
                    .map(|s| file_size(s, self.human_readable))
                    .unwrap_or_default();
                let date = listing_date(
                    entry.last_commit.as_ref().map(|c| c.date.as_str()),
                    self.human_readable,
                );
                format!("{size:>12}  {date:>19}  {}", Self::shown_path(entry))
            })
            .collect();
        Human::Text(lines.join("\n"))
    }

    fn quiet(&self) -> Vec<String> {
        if self.tree {
            return self.tree_lines(false);
        }
        self.files.iter().map(Self::shown_path).collect()
    }
}

#[derive(Debug)]
pub(crate) struct InfoOutput {
    pub(crate) info: RepoInfo,
}

impl Serialize for InfoOutput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        python_shape(&self.info).serialize(serializer)
    }
}

impl Render for InfoOutput {
    fn human(&self) -> Human {
        let info = &self.info;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let mut fields = vec![
            ("id".to_owned(), info.id.clone()),
            ("sha".to_owned(), opt(&info.sha)),
            ("private".to_owned(), info.private.to_string()),
            ("gated".to_owned(), info.gated.as_str().to_owned()),
        ];
        if let Some(downloads) = info.downloads {
            fields.push(("downloads".into(), downloads.to_string()));
        }
        if let Some(likes) = info.likes {
            fields.push(("likes".into(), likes.to_string()));
        }
        for (key, value) in [
            ("library", &info.library_name),
            ("pipeline tag", &info.pipeline_tag),
            ("sdk", &info.sdk),
            ("last modified", &info.last_modified),
        ] {
            if value.is_some() {
                fields.push((key.to_owned(), opt(value)));
            }
        }
        if !info.tags.is_empty() {
            fields.push(("tags".into(), info.tags.join(", ")));
        }
        if let Some(siblings) = &info.siblings {
            let sized: Vec<u64> = siblings.iter().filter_map(|s| s.size).collect();
            if sized.len() == siblings.len() && !siblings.is_empty() {
                fields.push((
                    "files".into(),
                    format!(
                        "{} ({})",
                        siblings.len(),
                        file_size(sized.iter().sum(), true)
                    ),
                ));
                for sibling in siblings {
                    fields.push((
                        format!("  {}", sibling.rfilename),
                        file_size(sibling.size.unwrap_or(0), true),
                    ));
                }
            } else {
                fields.push(("files".into(), siblings.len().to_string()));
            }
        }
        Human::Fields(fields)
    }

    fn quiet(&self) -> Vec<String> {
        vec![self.info.id.clone()]
    }
}

/// A repo card: the README, its metadata as the Hub parsed it, or its text body.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Card {
    Content { content: String },
    Metadata(Value),
}

impl Render for Card {
    fn human(&self) -> Human {
        match self {
            Self::Content { content } => Human::Text(content.clone()),
            Self::Metadata(value) => {
                Human::Text(serde_json::to_string_pretty(value).unwrap_or_default())
            }
        }
    }
}

/// The README without its `---` YAML header (Python's `card.text`).
pub(crate) fn card_text(content: &str) -> &str {
    let Some(rest) = content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))
    else {
        return content;
    };
    let mut offset = content.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return content[offset..].trim_start_matches(['\r', '\n']);
        }
    }
    content
}

pub(crate) fn list_options(list: &ListArgs) -> ListReposOptions {
    ListReposOptions::default()
        .with_search(list.search.clone())
        .with_author(list.author.clone())
        .with_filter(list.filter.clone())
        .with_sort(list.sort.map(Into::into))
        .with_limit(Some(list.limit))
        .with_expand(list.expand.clone())
}

/// What does not apply when listing files (`REPO_ID` given) or when listing repos.
pub(crate) fn check_list_flags(list: &ListArgs) -> anyhow::Result<()> {
    let misused: Vec<&str> = if list.repo_id.is_some() {
        [
            ("--search", list.search.is_some()),
            ("--author", list.author.is_some()),
            ("--filter", !list.filter.is_empty()),
            ("--sort", list.sort.is_some()),
            ("--expand", !list.expand.is_empty()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    } else {
        [
            ("--human-readable", list.human_readable),
            ("--tree", list.tree),
            ("--recursive", list.recursive),
            ("--revision", list.revision.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    };
    match misused.as_slice() {
        [] => Ok(()),
        flags if list.repo_id.is_some() => Err(UsageError(format!(
            "{} only apply when listing repos, not the files of one repo",
            flags.join(", ")
        ))
        .into()),
        flags => Err(UsageError(format!(
            "{} only apply when listing the files of a repo (give its id)",
            flags.join(", ")
        ))
        .into()),
    }
}

pub(crate) async fn list_command(
    repo_type: RepoType,
    list: &ListArgs,
    options: ListReposOptions,
    context: &mut Context,
) -> anyhow::Result<()> {
    check_list_flags(list)?;
    let api = context.session.hub_api(list.token.flag())?;
    if let Some(id) = &list.repo_id {
        if list.tree && context.output.format() == OutputFormat::Json {
            return Err(UsageError("--tree cannot be used with --format json".into()).into());
        }
        let repo = parse_repo(id, Some(repo_type))?;
        let revision = list
            .revision
            .as_deref()
            .unwrap_or(hf_hub::repo::DEFAULT_REVISION);
        // Expanded, as Python's listing: each entry's last commit (its date is shown).
        let entries = api
            .list_repo_tree_expanded(&repo, revision, None, list.recursive)
            .await?;
        let has_folders = entries.iter().any(|e| !e.is_file());
        let files = FileList {
            files: entries.into_iter().map(file_entry).collect(),
            human_readable: list.human_readable,
            tree: list.tree,
        };
        context.output.emit(&files)?;
        if has_folders && !list.recursive {
            tracing::info!("use -R to list the files of every folder");
        }
        return Ok(());
    }
    let repos: Vec<RepoInfo> = api.list_repos(repo_type, &options)?.try_collect().await?;
    context.output.emit(&RepoList { repo_type, repos })
}

pub(crate) fn file_entry(entry: TreeEntry) -> FileEntry {
    let size = entry.is_file().then(|| entry.content_size());
    FileEntry {
        kind: entry.kind,
        path: entry.path,
        size,
        oid: entry.oid,
        lfs: entry.lfs,
        last_commit: entry.last_commit,
        security: entry.security,
    }
}

pub(crate) async fn info_command(
    repo_type: RepoType,
    info: InfoArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(info.token.flag())?;
    let repo = parse_repo(&info.repo_id, Some(repo_type))?;
    let info = api
        .repo_info_expanded(
            &repo,
            info.revision.as_deref(),
            info.files_metadata,
            &info.expand,
        )
        .await?;
    context.output.emit(&InfoOutput { info })
}

pub(crate) async fn card_command(
    repo_type: RepoType,
    card: CardArgs,
    context: &mut Context,
) -> anyhow::Result<()> {
    let api = context.session.hub_api(card.token.flag())?;
    let repo: Repo = parse_repo(&card.repo_id, Some(repo_type))?;
    if card.metadata {
        let info = api
            .repo_info_expanded(&repo, None, false, &["cardData".to_owned()])
            .await?;
        let metadata = info
            .extra
            .get("cardData")
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        return context.output.emit(&Card::Metadata(metadata));
    }
    let options = context.session.download_options(None)?;
    let path = api
        .download_file(&repo, "README.md", None, &options)
        .await?;
    let content = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::Error::new(e).context(format!("could not read {}", path.display())))?;
    let content = if card.text {
        card_text(&content).to_owned()
    } else {
        content
    };
    context.output.emit(&Card::Content { content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_cased_as_python_fields() {
        assert_eq!(snake("lastModified"), "last_modified");
        assert_eq!(snake("trendingScore"), "trending_score");
        assert_eq!(snake("library_name"), "library_name");
        assert_eq!(snake("model-index"), "model_index");
        assert_eq!(snake("id"), "id");
    }

    #[test]
    fn the_card_text_drops_the_yaml_header() {
        assert_eq!(
            card_text("---\nlicense: mit\n---\n\n# Title\n"),
            "# Title\n"
        );
        assert_eq!(card_text("# No header\n"), "# No header\n");
        assert_eq!(card_text("---\nunterminated\n"), "---\nunterminated\n");
    }

    #[test]
    fn listing_dates_are_pythons() {
        assert_eq!(
            listing_date(Some("2024-01-02T01:00:00.000Z"), false),
            "2024-01-02 01:00:00"
        );
        assert_eq!(
            listing_date(Some("2024-11-02T01:05:00Z"), true),
            "Nov 02 01:05"
        );
        assert_eq!(listing_date(None, false), "");
        assert_eq!(listing_date(Some("garbage"), true), "");
    }

    #[test]
    fn sizes_are_python_file_listing_sizes() {
        assert_eq!(file_size(523, true), "523 B");
        assert_eq!(file_size(1_234_567, true), "1.2 MB");
        assert_eq!(file_size(1_234_567, false), "1234567");
    }
}
