//! `hf env`: versions, endpoint, paths, offline mode, timeouts, proxies and *where* a
//! token would come from. The token itself never reaches the output, not even masked.
//!
//! The token source comes from the same discovery chain the other commands use
//! (`Session::token_on_purpose`: environment, `--env-file`, token file, keyring), so
//! the report cannot drift from what a command would actually send.

use std::collections::BTreeMap;

use hf_auth::TokenSource;
use hf_auth::env::{self, EnvSource};
use hf_auth::http::HubConfig;
use hf_auth::paths;
use serde::Serialize;

use crate::commands::Context;
use crate::output::{Human, Render};

/// Arguments of `hf env`.
#[derive(Debug, clap::Args)]
pub(crate) struct EnvArgs {
    /// Also ask the Hub who the token belongs to (one request; without it, `hf env` makes none).
    #[arg(long)]
    whoami: bool,
}

/// Who the token belongs to, when `--whoami` asked.
#[derive(Debug, Serialize)]
struct Owner {
    user: String,
    orgs: Vec<String>,
    token_name: Option<String>,
    role: Option<String>,
}

/// Proxy variables shown by name; their values have credentials removed.
const PROXY_VARS: &[&env::EnvVar] = &[&env::HTTPS_PROXY, &env::HTTP_PROXY, &env::NO_PROXY];

#[derive(Debug, Serialize)]
struct EnvReport {
    hf_version: &'static str,
    platform: String,
    endpoint: String,
    /// Where Inference Providers calls go (`HF_ROUTER_URL`).
    router_url: String,
    hf_home: String,
    hub_cache: String,
    token_path: String,
    /// `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, `env_file`, `token_file`, `keyring` or `none`.
    token_source: &'static str,
    /// Where exactly, in words (`the token file /path`, `the OS keyring (token 'name')`).
    token_source_detail: Option<String>,
    /// Why the token that was found cannot be used (it is never shown itself).
    token_problem: Option<String>,
    /// False when `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set: the token is sent only when asked for.
    implicit_token: bool,
    offline: bool,
    etag_timeout_secs: f64,
    download_timeout_secs: f64,
    user_agent_origin: Option<String>,
    progress_bars: bool,
    no_color: bool,
    proxies: BTreeMap<&'static str, Option<String>>,
    /// With `--whoami`: the token's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    whoami: Option<Owner>,
    /// With `--whoami`: why the Hub could not say (no token, refused, unreachable).
    #[serde(skip_serializing_if = "Option::is_none")]
    whoami_error: Option<String>,
}

impl Render for EnvReport {
    fn human(&self) -> Human {
        let on_off = |on: bool| if on { "enabled" } else { "disabled" }.to_owned();
        let unset = || "(unset)".to_owned();
        let token_source = match (&self.token_problem, &self.token_source_detail) {
            (Some(problem), _) => format!("unusable: {problem}"),
            (None, Some(detail)) => detail.clone(),
            (None, None) => "none (not logged in)".to_owned(),
        };
        let mut fields = vec![
            ("hf version", self.hf_version.to_owned()),
            ("platform", self.platform.clone()),
            ("endpoint", self.endpoint.clone()),
            ("router url", self.router_url.clone()),
            ("HF_HOME", self.hf_home.clone()),
            ("hub cache", self.hub_cache.clone()),
            ("token path", self.token_path.clone()),
            ("token source", token_source),
            ("implicit token", on_off(self.implicit_token)),
            ("offline", self.offline.to_string()),
            ("etag timeout", format!("{}s", self.etag_timeout_secs)),
            (
                "download timeout",
                format!("{}s", self.download_timeout_secs),
            ),
            (
                "user agent origin",
                self.user_agent_origin.clone().unwrap_or_else(unset),
            ),
            ("progress bars", on_off(self.progress_bars)),
            ("no color", self.no_color.to_string()),
        ];
        for (name, value) in &self.proxies {
            fields.push((name, value.clone().unwrap_or_else(unset)));
        }
        if let Some(owner) = &self.whoami {
            let mut who = owner.user.clone();
            if let Some(role) = &owner.role {
                who.push_str(&format!(" (role: {role})"));
            }
            fields.push(("whoami", who));
            if !owner.orgs.is_empty() {
                fields.push(("orgs", owner.orgs.join(", ")));
            }
        }
        if let Some(error) = &self.whoami_error {
            fields.push(("whoami", format!("unknown: {error}")));
        }
        Human::Fields(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

/// Prints the report. Fails with one line naming the variable when one is malformed.
pub(crate) async fn run(args: &EnvArgs, context: &mut Context) -> anyhow::Result<()> {
    let mut report = collect(context.session.env())?;
    // On purpose: report the source even when HF_HUB_DISABLE_IMPLICIT_TOKEN is set
    // (`implicit_token` says whether it would be sent without being asked for).
    match context.session.token_on_purpose() {
        Ok(resolution) => {
            if let Some(found) = &resolution.found {
                report.token_source = source_key(&found.source);
                report.token_source_detail = Some(found.source.to_string());
            }
        }
        Err(error) => report.token_problem = Some(crate::command_error::chain_text(&error)),
    }
    if args.whoami {
        match owner(context).await {
            Ok(owner) => report.whoami = Some(owner),
            Err(error) => report.whoami_error = Some(crate::command_error::chain_text(&error)),
        }
    }
    context.output.emit(&report)
}

/// `GET /api/whoami-v2` with the token found on purpose.
async fn owner(context: &Context) -> anyhow::Result<Owner> {
    let found = context.session.token_on_purpose()?.clone().require()?;
    let client = context.session.hub_client(Some(found.token.clone()))?;
    let who = hf_auth::whoami::validate(&client, &found.source).await?;
    Ok(Owner {
        user: who.name.clone(),
        orgs: who.org_names().into_iter().map(str::to_owned).collect(),
        token_name: who.token_name().map(str::to_owned),
        // The Hub's own name: `read`, `write`, `fineGrained`, `admin`, or a newer one as sent.
        role: who.access_token().and_then(|t| t.role.clone()),
    })
}

/// The stable JSON name of a token source.
fn source_key(source: &TokenSource) -> &'static str {
    match source {
        TokenSource::EnvHfToken => "HF_TOKEN",
        TokenSource::EnvLegacy => "HUGGING_FACE_HUB_TOKEN",
        TokenSource::DotEnv(_) => "env_file",
        TokenSource::TokenFile(_) => "token_file",
        TokenSource::Keyring(_) => "keyring",
        _ => "explicit",
    }
}

/// Everything but the token source, from `source`.
fn collect(source: &dyn EnvSource) -> Result<EnvReport, hf_auth::Error> {
    let config = HubConfig::from_env_source(source)?;
    let token_path = paths::token_path(source);
    Ok(EnvReport {
        hf_version: env!("CARGO_PKG_VERSION"),
        platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        endpoint: config.endpoint().as_str().trim_end_matches('/').to_owned(),
        router_url: source
            .get(&env::HF_ROUTER_URL)
            .unwrap_or_else(|| hf_inference::DEFAULT_ROUTER_URL.to_owned())
            .trim_end_matches('/')
            .to_owned(),
        hf_home: paths::hf_home(source).display().to_string(),
        hub_cache: paths::hub_cache_dir(source).display().to_string(),
        token_source: "none",
        token_source_detail: None,
        token_problem: None,
        token_path: token_path.display().to_string(),
        implicit_token: !source.flag(&env::HF_HUB_DISABLE_IMPLICIT_TOKEN),
        offline: config.offline,
        etag_timeout_secs: config.metadata_timeout.as_secs_f64(),
        download_timeout_secs: config.read_timeout.as_secs_f64(),
        user_agent_origin: config.user_agent_origin.clone(),
        progress_bars: !source.flag(&env::HF_HUB_DISABLE_PROGRESS_BARS),
        no_color: source.get(&env::NO_COLOR).is_some(),
        proxies: PROXY_VARS
            .iter()
            .map(|var| (var.name, source.get(var).map(|v| redact_userinfo(&v))))
            .collect(),
        whoami: None,
        whoami_error: None,
    })
}

/// Replaces the `user:password@` part of a proxy URL with `****@`.
fn redact_userinfo(value: &str) -> String {
    let authority_start = value.find("://").map_or(0, |i| i + 3);
    let rest = &value[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!(
            "{}****{}",
            &value[..authority_start],
            &value[authority_start + at..]
        ),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hf_auth::env::MapEnv;

    #[test]
    fn proxy_credentials_are_removed() {
        assert_eq!(
            redact_userinfo("http://alice:s3cret@proxy:3128/x"),
            "http://****@proxy:3128/x"
        );
        assert_eq!(
            redact_userinfo("alice:s3cret@proxy:3128"),
            "****@proxy:3128"
        );
        assert_eq!(redact_userinfo("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(redact_userinfo("localhost,.corp"), "localhost,.corp");
    }

    #[test]
    fn token_sources_have_stable_names() {
        assert_eq!(source_key(&TokenSource::EnvHfToken), "HF_TOKEN");
        assert_eq!(
            source_key(&TokenSource::EnvLegacy),
            "HUGGING_FACE_HUB_TOKEN"
        );
        assert_eq!(
            source_key(&TokenSource::TokenFile("/t".into())),
            "token_file"
        );
        assert_eq!(source_key(&TokenSource::DotEnv("/e".into())), "env_file");
        assert_eq!(source_key(&TokenSource::Keyring("n".into())), "keyring");
    }

    #[test]
    fn malformed_endpoint_names_the_variable() {
        let env = MapEnv::new().with("HF_ENDPOINT", "not a url");
        let error = collect(&env).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid HF_ENDPOINT: 'not a url'"),
            "{error}"
        );
    }
}
