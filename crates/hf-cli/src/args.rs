//! The global options, options several commands share, and the parsing of repo ids as typed
//! on the command line.

use std::path::PathBuf;

use clap::Args;
use hf_hub::{Repo, RepoId, RepoType};

use crate::command_error::UsageError;
use crate::output::OutputFormat;

/// The heading of the options every command accepts.
pub(crate) const GLOBAL_HEADING: &str = "Global options";

/// Options accepted before or after any subcommand (listed under their own heading).
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Output format. Defaults to 'auto', which picks 'human' on a terminal and 'agent'
    /// otherwise.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Auto, help_heading = GLOBAL_HEADING)]
    pub(crate) format: OutputFormat,

    /// JSON output. Equivalent to '--format json'.
    #[arg(long, global = true, conflicts_with = "format", help_heading = GLOBAL_HEADING)]
    pub(crate) json: bool,

    /// Quiet output (one ID or path per line; only errors on stderr). Equivalent to
    /// '--format quiet'.
    #[arg(short, long, global = true, conflicts_with_all = ["verbose", "format", "json"], help_heading = GLOBAL_HEADING)]
    pub(crate) quiet: bool,

    /// Do not truncate values in human tables.
    #[arg(long, global = true, help_heading = GLOBAL_HEADING)]
    pub(crate) no_truncate: bool,

    /// More log output on stderr (-v info, -vv debug, -vvv trace for every crate).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL_HEADING)]
    pub(crate) verbose: u8,

    /// Read variables such as HF_TOKEN from this .env file (before the command:
    /// `hf --env-file .env download ...`; after it, `--env-file` is the command's own, as
    /// `hf repos create --env-file` in Python).
    #[arg(long, value_name = "PATH", help_heading = GLOBAL_HEADING)]
    pub(crate) env_file: Option<PathBuf>,
}

impl GlobalArgs {
    /// The format asked for: `--json` and `-q` are spellings of `--format`.
    pub(crate) fn requested_format(&self) -> OutputFormat {
        if self.json {
            OutputFormat::Json
        } else if self.quiet {
            OutputFormat::Quiet
        } else {
            self.format
        }
    }
}

/// `--token`, on every command that talks to the Hub.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct TokenArg {
    /// A User Access Token generated from https://huggingface.co/settings/tokens (prefer
    /// `hf auth login` or HF_TOKEN: command-line arguments are visible to other users of
    /// this machine).
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
}

impl TokenArg {
    /// The flag's value, for [`crate::session::Session::hub_api`].
    pub(crate) fn flag(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

/// An irreversible operation goes ahead only with `--yes` (there is no interactive prompt).
pub(crate) fn require_yes(yes: bool, what: &str) -> anyhow::Result<()> {
    if yes {
        Ok(())
    } else {
        Err(UsageError(format!("{what} is irreversible; pass --yes to confirm")).into())
    }
}

/// Python's Space settings of `hf repos create` and `hf repos duplicate`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct SpaceSettingsArgs {
    /// Space hardware flavor (e.g. 'cpu-basic', 't4-medium', 'l4x4'). Only for Spaces.
    #[arg(long, value_name = "FLAVOR")]
    pub(crate) flavor: Option<String>,
    /// Seconds of inactivity before the Space is put to sleep; -1 never. Only for Spaces.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub(crate) sleep_time: Option<i64>,
    /// A secret of the Space: `--secrets NAME` takes the value of NAME from your environment
    /// (`--secrets HF_TOKEN`: your token); `NAME=value` puts it in the command line, where
    /// other users of this machine can see it. Repeat for several.
    #[arg(short = 's', long = "secrets", value_name = "SECRET")]
    pub(crate) secrets: Vec<String>,
    /// Read secrets from a file of `NAME=value` lines; `-` reads them from stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) secrets_file: Option<String>,
    /// A public environment variable of the Space: `NAME=value` (or `NAME`, from your
    /// environment). Repeat for several.
    #[arg(short = 'e', long = "env", value_name = "VAR")]
    pub(crate) env: Vec<String>,
    /// Read environment variables from a file of `NAME=value` lines; `-` reads stdin.
    #[arg(long = "env-file", value_name = "FILE")]
    pub(crate) env_file: Option<String>,
    /// Mount a volume: `hf://[TYPE/]SOURCE[@REVISION][/PATH]:/MOUNT_PATH[:ro|:rw]` (TYPE:
    /// models, the default, datasets, spaces or buckets; repos are always read-only). Repeat
    /// for several. (`-v` is our verbosity flag: spell it `--volume`.)
    #[arg(long = "volume", value_name = "SPEC", value_parser = parse_volume)]
    pub(crate) volumes: Vec<hf_hub::api::SpaceVolume>,
}

/// One `--volume` spec, as Python's `parse_hf_mount` reads it.
pub(crate) fn parse_volume(spec: &str) -> Result<hf_hub::api::SpaceVolume, String> {
    let bad = |why: &str| {
        format!(
            "'{spec}' is not a volume ({why}); expected hf://[TYPE/]SOURCE[@REVISION][/PATH]:/MOUNT_PATH[:ro|:rw]"
        )
    };
    let (rest, read_only) = match spec.rsplit_once(':') {
        Some((rest, "ro")) => (rest, Some(true)),
        Some((rest, "rw")) => (rest, Some(false)),
        _ => (spec, None),
    };
    let (source, mount_path) = rest
        .rsplit_once(":/")
        .map(|(source, mount)| (source, format!("/{mount}")))
        .ok_or_else(|| bad("no :/MOUNT_PATH"))?;
    if let Some(bucket) = source
        .strip_prefix("hf://buckets/")
        .or_else(|| source.strip_prefix("hf://bucket/"))
    {
        let mut parts = bucket.splitn(3, '/');
        let (Some(namespace), Some(name)) = (parts.next(), parts.next()) else {
            return Err(bad("a bucket is namespace/name"));
        };
        let id = format!("{namespace}/{name}");
        RepoId::new(&id).map_err(|e| bad(&e.to_string()))?;
        return Ok(hf_hub::api::SpaceVolume {
            kind: "bucket".into(),
            source: id,
            mount_path,
            revision: None,
            read_only,
            path: parts.next().filter(|p| !p.is_empty()).map(str::to_owned),
        });
    }
    let uri = hf_hub::repo::HfUri::parse(source).map_err(|e| bad(&e.to_string()))?;
    Ok(hf_hub::api::SpaceVolume {
        kind: uri.repo.repo_type.as_str().into(),
        source: uri.repo.id.to_string(),
        mount_path,
        revision: uri.revision,
        read_only,
        path: (!uri.path.is_empty()).then_some(uri.path),
    })
}

impl SpaceSettingsArgs {
    /// Whether any Space setting was given.
    pub(crate) fn any(&self) -> bool {
        !self.volumes.is_empty()
            || self.flavor.is_some()
            || self.sleep_time.is_some()
            || !self.secrets.is_empty()
            || self.secrets_file.is_some()
            || !self.env.is_empty()
            || self.env_file.is_some()
    }
}

/// `NAME=value` pairs from `--secrets`/`--env` values and a `NAME=value` file (`-`: stdin),
/// as Python's `parse_env_map`: a bare `NAME` takes its value from `lookup`, later entries
/// win. `on_argv_value` is told of each value given on the command line.
pub(crate) fn env_map(
    values: &[String],
    file: Option<&str>,
    lookup: &dyn Fn(&str) -> anyhow::Result<Option<String>>,
    on_argv_value: &mut dyn FnMut(&str),
    what: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |key: String, value: String| {
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key, value));
    };
    if let Some(path) = file {
        let text = if path == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                anyhow::Error::new(e).context(format!("could not read {what} from stdin"))
            })?;
            text
        } else {
            std::fs::read_to_string(path).map_err(|e| {
                anyhow::Error::new(e).context(format!("could not read the {what} file {path}"))
            })?
        };
        let parsed = hf_auth::dotenv::DotEnv::parse(&text, path)?;
        for key in parsed.names() {
            put(
                key.to_owned(),
                parsed.value(key).unwrap_or_default().to_owned(),
            );
        }
    }
    for raw in values {
        match raw.split_once('=') {
            Some((key, value)) => {
                let key = valid_variable_name(key, what)?;
                on_argv_value(&key);
                put(key, value.to_owned());
            }
            None => {
                let key = valid_variable_name(raw, what)?;
                let value = lookup(&key)?.ok_or_else(|| {
                    UsageError(format!(
                        "{what} {key} has no value: it is not set in your environment (set it, \
                         or read it from a file of NAME=value lines)"
                    ))
                })?;
                put(key, value);
            }
        }
    }
    Ok(pairs)
}

fn valid_variable_name(name: &str, what: &str) -> anyhow::Result<String> {
    let name = name.trim();
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(UsageError(format!(
            "'{}' is not a {what} name (letters, digits and _, not starting with a digit)",
            hf_auth::sanitize::for_display(name)
        ))
        .into())
    }
}

/// `--repo-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RepoTypeArg {
    /// A model repo.
    Model,
    /// A dataset repo.
    Dataset,
    /// A Space.
    Space,
    /// A kernel repo.
    Kernel,
}

impl From<RepoTypeArg> for RepoType {
    fn from(value: RepoTypeArg) -> Self {
        match value {
            RepoTypeArg::Model => Self::Model,
            RepoTypeArg::Dataset => Self::Dataset,
            RepoTypeArg::Space => Self::Space,
            RepoTypeArg::Kernel => Self::Kernel,
        }
    }
}

/// A repo and its type (`REPO_ID [--type T] [--token]`), shared by the commands on one repo.
#[derive(Debug, clap::Args)]
pub(crate) struct RepoArg {
    /// The repo id (e.g. `username/repo-name` or `spaces/username/repo-name`).
    pub(crate) repo_id: String,
    /// The type of repository.
    #[arg(long = "repo-type", visible_alias = "type", value_enum)]
    pub(crate) repo_type: Option<RepoTypeArg>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

impl RepoArg {
    /// The repo, its type from `--type` or the id's prefix.
    pub(crate) fn repo(&self) -> anyhow::Result<Repo> {
        parse_repo(&self.repo_id, self.repo_type.map(Into::into))
    }
}

/// A repo id as typed (see [`Repo::parse`]); a bad one is a usage error.
pub(crate) fn parse_repo(raw: &str, repo_type: Option<RepoType>) -> anyhow::Result<Repo> {
    Repo::parse(raw, repo_type).map_err(|e| UsageError(e.to_string()).into())
}

/// A `--repo-type` given as text (`model`, `dataset`, `space`, or a plural).
pub(crate) fn repo_type(raw: Option<&str>) -> anyhow::Result<Option<RepoType>> {
    raw.map(str::parse)
        .transpose()
        .map_err(|e: hf_hub::Error| UsageError(e.to_string()).into())
}

/// A repo named with its type first (`model/gpt2`, see [`Repo::parse_typed`]).
pub(crate) fn parse_typed_repo(raw: &str) -> anyhow::Result<Repo> {
    Repo::parse_typed(raw).map_err(|e| UsageError(e.to_string()).into())
}

/// What a commit says (`hf upload`, `hf repos delete-files`); each command adds its own
/// `--no-create-pr` after it.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct CommitArgs {
    /// The commit's summary.
    #[arg(long)]
    pub(crate) commit_message: Option<String>,
    /// The commit's description.
    #[arg(long)]
    pub(crate) commit_description: Option<String>,
    /// Open a pull request instead of committing to the branch.
    #[arg(long, overrides_with = "no_create_pr")]
    pub(crate) create_pr: bool,
}

impl CommitArgs {
    /// The commit options for `revision`, with `default_message` when none was given.
    pub(crate) fn options(
        &self,
        revision: Option<String>,
        default_message: impl FnOnce() -> String,
    ) -> hf_hub::upload::CommitOptions {
        hf_hub::upload::CommitOptions::default()
            .with_message(self.commit_message.clone().unwrap_or_else(default_message))
            .with_description(self.commit_description.clone().unwrap_or_default())
            .with_revision(revision)
            .with_create_pr(self.create_pr)
    }
}

/// `--cache-dir` of the commands that read or clean the cache.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct CacheDirArg {
    /// Cache directory (default: $HF_HUB_CACHE).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

/// `--dry-run`/`--no-dry-run` of the commands that delete.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct DeleteDryRunArgs {
    /// Only show what would be deleted.
    #[arg(long, overrides_with = "no_dry_run")]
    pub(crate) dry_run: bool,
    /// Delete (the default).
    #[arg(long, overrides_with = "dry_run")]
    pub(crate) no_dry_run: bool,
}

/// Options shared by `hf chat` and `hf infer`: where the call goes and who pays.
#[derive(Debug, Clone, Args)]
pub(crate) struct InferenceOptions {
    /// Inference provider: `auto` (the router chooses), `hf-inference`, or a provider name such
    /// as `together` or `groq`.
    #[arg(long, default_value = "auto", value_name = "PROVIDER")]
    pub(crate) provider: String,
    /// Bill the calls to this organization (it must have billing set up and you must be a member).
    #[arg(long, value_name = "ORG")]
    pub(crate) bill_to: Option<String>,
    /// Call this server instead of the router: an Inference Endpoint URL or a local
    /// OpenAI-compatible server (TGI, vLLM, llama.cpp). The token is only sent to Inference Endpoints.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Seconds a read may stall before the call fails (models can take long to start answering).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub(crate) timeout: u64,
    /// A User Access Token (prefer `hf auth login`: command-line arguments are visible to other
    /// users of this machine). It needs the 'Make calls to Inference Providers' permission.
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
}

/// An inference error for the reporter: bad arguments are usage errors (exit 2); everything
/// else keeps its chain, where [`crate::hints`] finds what to say.
pub(crate) fn inference_error(error: hf_inference::Error) -> anyhow::Error {
    match error {
        hf_inference::Error::InvalidInput(_) => UsageError(error.to_string()).into(),
        other => anyhow::Error::new(other),
    }
}

/// `30`, `30s`, `5m`, `2h`, `1d` (Python's `--timeout`).
pub(crate) fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let seconds: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a duration: use e.g. 90, 30s, 5m, 2h or 1d"))?;
    let scale = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        _ => return Err(format!("'{text}': the unit must be s, m, h or d")),
    };
    Ok(std::time::Duration::from_secs_f64(seconds * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_read_as_python_reads_them() {
        let v = parse_volume("hf://datasets/org/ds@v1/train:/data:ro").unwrap();
        assert_eq!(
            (v.kind.as_str(), v.source.as_str(), v.mount_path.as_str()),
            ("dataset", "org/ds", "/data")
        );
        assert_eq!(
            (v.revision.as_deref(), v.read_only, v.path.as_deref()),
            (Some("v1"), Some(true), Some("train"))
        );
        let v = parse_volume("hf://org/model:/models").unwrap();
        assert_eq!(
            (v.kind.as_str(), v.read_only, v.path),
            ("model", None, None)
        );
        let v = parse_volume("hf://buckets/org/b/sub/dir:/mnt:rw").unwrap();
        assert_eq!(
            (
                v.kind.as_str(),
                v.source.as_str(),
                v.path.as_deref(),
                v.read_only
            ),
            ("bucket", "org/b", Some("sub/dir"), Some(false))
        );
        for bad in [
            "hf://org/model",
            "org/model:/data",
            "hf://buckets/b:/x",
            "hf://a/../b:/x",
        ] {
            assert!(parse_volume(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repo_ids_accept_type_prefixes_and_uris() {
        let repo = parse_repo("hf://datasets/org/data", None).unwrap();
        assert_eq!(
            (repo.repo_type, repo.id.as_str()),
            (RepoType::Dataset, "org/data")
        );
        let space = parse_repo("spaces/user/app", None).unwrap();
        assert_eq!(
            (space.repo_type, space.id.as_str()),
            (RepoType::Space, "user/app")
        );
        let plain = parse_repo("user/model", Some(RepoType::Dataset)).unwrap();
        assert_eq!(plain.repo_type, RepoType::Dataset);
        assert_eq!(parse_repo("gpt2", None).unwrap().id.as_str(), "gpt2");
        // Contradictions and malformed ids are usage errors (exit 2).
        for bad in [
            parse_repo("datasets/org/data", Some(RepoType::Model)),
            parse_repo("spaces/user/app", Some(RepoType::Model)),
            parse_repo("a/b/c/d", None),
        ] {
            assert!(bad.unwrap_err().is::<UsageError>());
        }
        let typed = parse_typed_repo("dataset/org/d").unwrap();
        assert_eq!(
            (typed.repo_type, typed.id.as_str()),
            (RepoType::Dataset, "org/d")
        );
    }
}
