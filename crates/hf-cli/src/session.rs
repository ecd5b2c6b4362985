//! The floor every command stands on: the settings (the process environment, then
//! `--env-file`), the token (found once, its notices printed once) and the constructors of
//! the Hub and inference clients. Built once in [`crate::run`]; commands never read settings
//! or build clients any other way.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hf_auth::Token;
use hf_auth::discovery::{self, DiscoveryOptions, Resolution};
use hf_auth::dotenv::DotEnv;
use hf_auth::env::{self, EnvSource, EnvVar};
use hf_auth::http::{HubClient, HubConfig};
use hf_auth::store::TokenFiles;
use hf_hub::HubApi;
use hf_hub::download::DownloadOptions;
use hf_hub::upload::UploadOptions;
use hf_inference::{InferenceClient, Provider};

use crate::args::{InferenceOptions, inference_error};
use crate::command_error::UsageError;

/// The name and version sent in the User-Agent of every request.
const CALLER: (&str, &str) = ("hf-cli", env!("CARGO_PKG_VERSION"));

/// Settings, token and clients for one run of `hf`.
pub(crate) struct Session {
    settings: Settings,
    /// The implicit chain, `HF_HUB_DISABLE_IMPLICIT_TOKEN` honoured.
    token: OnceLock<Resolution>,
    /// The chain for commands about the token itself (`hf auth whoami`, `hf env`...).
    token_on_purpose: OnceLock<Resolution>,
    /// The HTTP settings, read once (the CA bundle among them) for every client built.
    hub_config: OnceLock<HubConfig>,
    /// The upload settings, read once.
    upload_options: OnceLock<UploadOptions>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("env_file", &self.settings.file.as_ref().map(DotEnv::path))
            .finish_non_exhaustive()
    }
}

/// The process environment first, then the `--env-file` (variables already set win, as
/// documented in guide 02).
struct Settings {
    process: Arc<dyn EnvSource>,
    file: Option<DotEnv>,
}

impl EnvSource for Settings {
    fn raw(&self, var: &EnvVar) -> Option<String> {
        self.process
            .get(var)
            .or_else(|| self.file.as_ref().and_then(|file| file.raw(var)))
    }
}

/// The settings without the token variables of the `.env` file: discovery reads those itself,
/// so the token is reported as coming from the file rather than from the environment.
struct WithoutFileTokens<'a>(&'a Settings);

impl EnvSource for WithoutFileTokens<'_> {
    fn raw(&self, var: &EnvVar) -> Option<String> {
        if var.name == env::HF_TOKEN.name || var.name == env::HUGGING_FACE_HUB_TOKEN.name {
            self.0.process.raw(var)
        } else {
            self.0.raw(var)
        }
    }
}

impl Session {
    /// Reads `env_file` (when given) on top of `process`.
    pub(crate) fn new(
        process: Arc<dyn EnvSource>,
        env_file: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let file = env_file.map(DotEnv::load).transpose()?;
        Ok(Self {
            settings: Settings { process, file },
            token: OnceLock::new(),
            token_on_purpose: OnceLock::new(),
            hub_config: OnceLock::new(),
            upload_options: OnceLock::new(),
        })
    }

    /// Every setting: the process environment, then `--env-file`.
    pub(crate) fn env(&self) -> &dyn EnvSource {
        &self.settings
    }

    /// The process environment alone (to tell the user what overrides a stored token).
    pub(crate) fn process_env(&self) -> &dyn EnvSource {
        self.settings.process.as_ref()
    }

    /// The token found the implicit way (none when there is none); its notices are printed
    /// the first time only.
    pub(crate) fn token(&self) -> anyhow::Result<&Resolution> {
        self.resolve(false)
    }

    /// As [`Session::token`], for commands about the token: `HF_HUB_DISABLE_IMPLICIT_TOKEN`
    /// does not apply (as in the Python client's `whoami`, `auth list` and `auth token`).
    pub(crate) fn token_on_purpose(&self) -> anyhow::Result<&Resolution> {
        self.resolve(true)
    }

    fn resolve(&self, on_purpose: bool) -> anyhow::Result<&Resolution> {
        let cell = if on_purpose {
            &self.token_on_purpose
        } else {
            &self.token
        };
        if let Some(resolution) = cell.get() {
            return Ok(resolution);
        }
        let options = DiscoveryOptions::new()
            .dotenv(self.settings.file.clone())
            .ignore_disable_implicit(on_purpose);
        let resolution = discovery::resolve(&options, &WithoutFileTokens(&self.settings))?;
        let other = if on_purpose {
            &self.token
        } else {
            &self.token_on_purpose
        };
        // The two chains find the same token and the same notices: say them once.
        if other.get().is_none() {
            for notice in &resolution.notices {
                tracing::warn!("{notice}");
            }
        }
        Ok(cell.get_or_init(|| resolution))
    }

    /// `--token` when given (with its warning), else the discovered token.
    pub(crate) fn token_or_flag(&self, flag: Option<&str>) -> anyhow::Result<Option<Token>> {
        match flag {
            Some(value) => Ok(Some(crate::token_flag::from_flag(
                value,
                crate::token_flag::USE_LOGIN_OR_ENV,
            ))),
            None => Ok(self.token()?.token()),
        }
    }

    /// A variable the user named on the command line (`--secrets NAME`): the process
    /// environment, then `--env-file`; `HF_TOKEN` is also the token found the usual way, as
    /// in Python's extended environment.
    pub(crate) fn named_variable(&self, name: &str) -> anyhow::Result<Option<String>> {
        // The registry's variables are `'static`; a name typed by the user is leaked once
        // (argv-bounded) to look it up through the same sources.
        let var = env::EnvVar {
            name: Box::leak(name.to_owned().into_boxed_str()),
            meaning: "a variable named on the command line",
            default: "(unset)",
            read_by: "hf-cli",
        };
        if let Some(value) = self.settings.get(&var) {
            return Ok(Some(value));
        }
        if name == env::HF_TOKEN.name {
            return Ok(self
                .token_on_purpose()?
                .token()
                .map(|t| t.expose_secret().to_owned()));
        }
        Ok(None)
    }

    /// Secrets from `--secrets` values and `--secrets-file` (`-`: stdin): a bare `NAME` from
    /// [`Session::named_variable`], `NAME=value` on argv with the argv warning.
    pub(crate) fn secrets(
        &self,
        values: &[String],
        file: Option<&str>,
    ) -> anyhow::Result<Vec<hf_hub::api::SpaceSecret>> {
        let lookup = |name: &str| self.named_variable(name);
        let pairs = crate::args::env_map(
            values,
            file,
            &lookup,
            &mut |key| {
                tracing::warn!(
                    "--secrets {key}=... puts the secret in the command line, where other users \
                     of this machine can see it (ps, /proc); prefer --secrets {key} (from your \
                     environment) or --secrets-file"
                );
            },
            "secret",
        )?;
        Ok(pairs
            .into_iter()
            .map(|(key, value)| hf_hub::api::SpaceSecret::new(key, value))
            .collect())
    }

    /// Variables from `--env` values and `--env-file` (`-`: stdin), a bare `NAME` from
    /// [`Session::named_variable`].
    pub(crate) fn variables(
        &self,
        values: &[String],
        file: Option<&str>,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let lookup = |name: &str| self.named_variable(name);
        crate::args::env_map(values, file, &lookup, &mut |_| {}, "env")
    }

    /// A single secret value from `flag VALUE` or `flag-file PATH` (`-`: stdin): a `VALUE`
    /// that names a variable set in your environment is read from it (as `--secrets NAME`);
    /// any other value is taken as it is, with the argv warning.
    pub(crate) fn secret_value(
        &self,
        flag: &str,
        value: Option<&str>,
        file: Option<&std::path::Path>,
    ) -> anyhow::Result<Option<String>> {
        if let Some(path) = file {
            let mut text = String::new();
            if path.as_os_str() == "-" {
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                    anyhow::Error::new(e).context(format!("could not read {flag} from stdin"))
                })?;
            } else {
                text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::Error::new(e)
                        .context(format!("could not read {flag}-file {}", path.display()))
                })?;
            }
            let text = text.trim_end_matches(['\r', '\n']).to_owned();
            if text.is_empty() {
                return Err(UsageError(format!("{flag}-file {} is empty", path.display())).into());
            }
            return Ok(Some(text));
        }
        let Some(value) = value else {
            return Ok(None);
        };
        let is_name = !value.is_empty()
            && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !value.starts_with(|c: char| c.is_ascii_digit());
        if is_name && let Some(found) = self.named_variable(value)? {
            return Ok(Some(found));
        }
        tracing::warn!(
            "{flag} puts the secret in the command line, where other users of this machine can \
             see it (ps, /proc); prefer {flag} NAME (read from your environment) or {flag}-file"
        );
        Ok(Some(value.to_owned()))
    }

    /// The Space settings of `args` (`hf repos create|duplicate`), values resolved: a bare
    /// `NAME` from [`Session::named_variable`], a file (or stdin), `NAME=value` on argv with
    /// the argv warning for secrets.
    pub(crate) fn space_options(
        &self,
        args: &crate::args::SpaceSettingsArgs,
    ) -> anyhow::Result<hf_hub::api::SpaceOptions> {
        if args.secrets_file.as_deref() == Some("-") && args.env_file.as_deref() == Some("-") {
            return Err(UsageError(
                "--secrets-file - and --env-file - cannot both read stdin".into(),
            )
            .into());
        }
        let secrets = self.secrets(&args.secrets, args.secrets_file.as_deref())?;
        let variables = self.variables(&args.env, args.env_file.as_deref())?;
        Ok(hf_hub::api::SpaceOptions::default()
            .with_hardware(args.flavor.clone())
            .with_sleep_time(args.sleep_time)
            .with_secrets(secrets)
            .with_variables(
                variables
                    .into_iter()
                    .map(|(key, value)| hf_hub::api::SpaceVariable { key, value })
                    .collect(),
            )
            .with_volumes(args.volumes.clone()))
    }

    /// The HTTP settings (endpoint, timeouts, offline, certificates), read from the
    /// environment on first use and kept for the run.
    pub(crate) fn hub_config(&self) -> anyhow::Result<HubConfig> {
        if let Some(config) = self.hub_config.get() {
            return Ok(config.clone());
        }
        let config = HubConfig::from_env_source(self.env())?;
        Ok(self.hub_config.get_or_init(|| config).clone())
    }

    /// The upload settings (`HF_HUB_DISABLE_XET`, ...), read once.
    pub(crate) fn upload_options(&self) -> UploadOptions {
        self.upload_options
            .get_or_init(|| UploadOptions::from_env_source(self.env()))
            .clone()
    }

    /// `HF_HOME`, as the Python client finds it.
    pub(crate) fn hf_home(&self) -> PathBuf {
        hf_auth::paths::hf_home(self.env())
    }

    /// `path` as the user would write it (`~/.cache/...` rather than the absolute path).
    pub(crate) fn display_path(&self, path: &Path) -> String {
        hf_auth::paths::display_path(self.env(), path)
    }

    /// Whether progress bars are wanted for output in `format` (a terminal, and not turned
    /// off by `HF_HUB_DISABLE_PROGRESS_BARS`).
    pub(crate) fn progress_wanted(&self, format: crate::output::OutputFormat) -> bool {
        crate::progress::wanted(format, self.env())
    }

    /// A token given on purpose (`hf auth login --token`, stdin), cleaned and checked as
    /// discovery does, with this run's settings.
    pub(crate) fn resolve_given_token(
        &self,
        options: &DiscoveryOptions,
    ) -> anyhow::Result<Resolution> {
        Ok(discovery::resolve(options, self.env())?)
    }

    /// The environment variable (`HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`) of the process that
    /// holds a token and so overrides the stored ones, if any.
    pub(crate) fn token_variable_set(&self) -> Option<&'static str> {
        [&env::HF_TOKEN, &env::HUGGING_FACE_HUB_TOKEN]
            .into_iter()
            .find(|var| {
                self.process_env()
                    .get(var)
                    .is_some_and(|v| !discovery::clean_secret(&v).0.expose_secret().is_empty())
            })
            .map(|var| var.name)
    }

    /// The `PATH` the programs `hf` runs are looked up on.
    pub(crate) fn program_path(&self) -> Option<String> {
        self.env().get(&env::PATH)
    }

    /// The Hub's base URL, without a trailing slash.
    pub(crate) fn endpoint(&self) -> anyhow::Result<String> {
        Ok(self
            .hub_config()?
            .endpoint()
            .as_str()
            .trim_end_matches('/')
            .to_owned())
    }

    /// An HTTP client for the Hub that sends `token`.
    pub(crate) fn hub_client(&self, token: Option<Token>) -> anyhow::Result<HubClient> {
        Ok(HubClient::builder(self.hub_config()?)
            .token(token)
            .caller(CALLER.0, CALLER.1)
            .build()?)
    }

    /// The Hub API with `--token` (when given) or the discovered token.
    pub(crate) fn hub_api(&self, token_flag: Option<&str>) -> anyhow::Result<HubApi> {
        let token = self.token_or_flag(token_flag)?;
        Ok(HubApi::from_client(self.hub_client(token)?))
    }

    /// The Dataset Viewer's base URL (`HF_DATASET_VIEWER_URL`) and a Hub API that also sends
    /// the token there (a Hugging Face service, as the router is).
    pub(crate) fn dataset_viewer_api(
        &self,
        token_flag: Option<&str>,
    ) -> anyhow::Result<(HubApi, String)> {
        let viewer = self
            .env()
            .get(&env::HF_DATASET_VIEWER_URL)
            .unwrap_or_else(|| env::HF_DATASET_VIEWER_URL.default.to_owned());
        let mut config = self.hub_config()?;
        config.trust_origin(&viewer)?;
        let token = self.token_or_flag(token_flag)?;
        let client = HubClient::builder(config)
            .token(token)
            .caller(CALLER.0, CALLER.1)
            .build()?;
        Ok((HubApi::from_client(client), viewer))
    }

    /// The token files shared with the Python client (under `HF_HOME`).
    pub(crate) fn token_files(&self) -> TokenFiles {
        TokenFiles::from_env_source(self.env())
    }

    /// Download settings, with the `--cache-dir` override.
    pub(crate) fn download_options(
        &self,
        cache_dir: Option<PathBuf>,
    ) -> anyhow::Result<DownloadOptions> {
        let mut options = DownloadOptions::from_env_source(self.env())?;
        if let Some(dir) = cache_dir {
            options.cache_dir = dir;
        }
        Ok(options)
    }

    /// The inference client: settings (`HF_ROUTER_URL`, `HF_ENDPOINT`...), token (`--token` or
    /// discovery), provider, billing and timeout. A `model` or `--base-url` of the retired
    /// Inference API (`https://api-inference.huggingface.co/models/<id>`) becomes model `<id>`
    /// on the hf-inference provider through the router, where the token goes as to any Hub
    /// origin; `model` is rewritten then.
    pub(crate) fn inference_client(
        &self,
        options: &InferenceOptions,
        model: &mut String,
    ) -> anyhow::Result<InferenceClient> {
        let retired = hf_inference::retired_inference_api_model(model).or_else(|| {
            options
                .base_url
                .as_deref()
                .and_then(hf_inference::retired_inference_api_model)
        });
        let mut provider: Provider = options
            .provider
            .parse()
            .map_err(|e: hf_inference::Error| UsageError(e.to_string()))?;
        if let Some(id) = &retired {
            tracing::warn!(
                "{} is retired: calling {id} on the hf-inference provider through the router",
                hf_inference::RETIRED_INFERENCE_API_HOST
            );
            id.clone_into(model);
            provider = hf_inference::HF_INFERENCE
                .parse()
                .map_err(|e: hf_inference::Error| UsageError(e.to_string()))?;
        }
        let token = self.token_or_flag(options.token.as_deref())?;
        let mut builder = InferenceClient::builder()
            .caller(CALLER.0, CALLER.1)
            .from_env_source(self.env())
            .map_err(inference_error)?
            .token(token)
            .provider(provider)
            .read_timeout(std::time::Duration::from_secs(options.timeout.max(1)));
        if let Some(org) = &options.bill_to {
            builder = builder.bill_to(org.clone());
        }
        if let Some(url) = options.base_url.as_ref().filter(|_| retired.is_none()) {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(inference_error)
    }
}
