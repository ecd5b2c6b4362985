//! The one place that says what to do about an error: the `hint:` lines under `error:`.
//!
//! Libraries return kinds and facts (status, repo, the URL of a gated repo, the server's
//! wait, the permission that is missing, whether a token was sent); this module maps them to
//! advice. A command adds its own with [`HintExt::hint`]; otherwise the first cause in the
//! chain that this module knows gets its hint.

use std::fmt;
use std::io;

use hf_auth::discovery::TOKEN_SETTINGS_URL;
use hf_auth::{HttpError, HttpErrorKind, TokenSource};

use crate::operation::Operation;

/// An error carrying a `hint:` line for the user.
#[derive(Debug)]
pub(crate) struct Hinted {
    error: anyhow::Error,
    hint: String,
}

/// Shows the wrapped error's own message; its causes follow in the chain.
impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for Hinted {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Attaches a hint to an error: `result.hint("run `hf auth login` first")`.
pub(crate) trait HintExt<T> {
    /// Adds `hint`, printed as `hint: ...` below the error.
    fn hint(self, hint: impl Into<String>) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> HintExt<T> for Result<T, E> {
    fn hint(self, hint: impl Into<String>) -> anyhow::Result<T> {
        self.map_err(|error| {
            anyhow::Error::new(Hinted {
                error: error.into(),
                hint: hint.into(),
            })
        })
    }
}

/// The hint lines for an error: the command's own first, else the first known cause's.
pub(crate) fn for_error(error: &anyhow::Error) -> Vec<String> {
    let hints: Vec<String> = error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<Hinted>())
        .map(|hinted| hinted.hint.clone())
        .collect();
    if !hints.is_empty() {
        return hints;
    }
    let operation = crate::operation::of(error);
    error
        .chain()
        .find_map(|cause| for_cause(cause, operation))
        .into_iter()
        .collect()
}

/// A hint as the line it is printed as (`hint: ...`), on stderr under an error or a result.
pub(crate) fn line(hint: &str) -> String {
    format!("hint: {hint}")
}

/// Under a human table whose long cells were cut to the terminal's width.
pub(crate) const TRUNCATED_VALUES: &str =
    "use `--no-truncate` or `--format json` to display full values";

/// How to get a token and which role fits which use, shown whenever the user has to go and
/// get one.
pub(crate) const ROLE_GUIDE: &str = "create one at https://huggingface.co/settings/tokens: a \"read\" token is \
enough for downloads and inference; uploads and creating or deleting repos need a \"write\" token, \
or a \"fine-grained\" one with write access to the repos or organizations concerned";

/// When `hf auth login` has no terminal to prompt on.
pub(crate) fn token_via_stdin() -> String {
    format!(
        "{ROLE_GUIDE}; then pass it with `hf auth login --token-stdin` (for example \
         `hf auth login --token-stdin < token.txt`)"
    )
}

/// When a stored token was named that is not there.
pub(crate) const STORED_TOKENS: &str = "`hf auth list` shows the stored tokens";

/// When `hf auth token` would print the token on a terminal.
pub(crate) const TOKEN_ON_A_TERMINAL: &str =
    "pipe it (`hf auth token | ...`), or pass --show to print it anyway";

/// When `hf datasets sql` finds no DuckDB program.
pub(crate) const INSTALL_DUCKDB: &str = "install the DuckDB program so that `duckdb` is on PATH (`pip install \
     duckdb-cli`, `brew install duckdb`, or https://duckdb.org/docs/installation)";

/// When a paper is not on the Hub.
pub(crate) fn paper_not_found(id: &str) -> String {
    format!("check the arXiv id, or search: `hf papers search \"{id}\"`")
}

/// When a webhook id is not one of the caller's.
pub(crate) fn webhook_not_found(id: &str) -> String {
    format!("'{id}' is not one of your webhooks: `hf webhooks list` lists them")
}

/// When the Hub refused to merge a pull request.
pub(crate) fn merge_refused(repo: &impl fmt::Display, num: u64) -> String {
    format!("`hf discussions info {repo} {num}` shows its state and conflicting files")
}

/// When a discussion number is not one of the repo's.
pub(crate) fn discussion_not_found(num: u64, repo: &impl fmt::Display) -> String {
    format!(
        "#{num} is not a discussion of {repo}: `hf discussions list {repo} --status all` lists them"
    )
}

/// When an Inference Endpoint is not in the namespace asked.
pub(crate) fn endpoint_not_found(name: &str, namespace: Option<&str>) -> String {
    let ns = namespace
        .map(|n| format!(" --namespace {n}"))
        .unwrap_or_default();
    format!(
        "no endpoint '{name}' there: `hf endpoints list{ns}` lists them (an organisation's \
         endpoints need --namespace ORG)"
    )
}

/// When waiting for an endpoint timed out.
pub(crate) fn endpoint_still_settling(name: &str) -> String {
    format!("`hf endpoints describe {name}` shows its state and message")
}

/// When an endpoint settled in another state than running.
pub(crate) fn endpoint_not_running(name: &str, status: &str) -> String {
    match status {
        "paused" | "scaledToZero" => format!("`hf endpoints resume {name}` starts it"),
        _ => format!(
            "`hf endpoints describe {name}` shows the message; `hf endpoints update {name}` \
             changes what it runs"
        ),
    }
}

/// When a collection of that title already exists.
pub(crate) const COLLECTION_EXISTS: &str = "a collection of this title exists in the namespace: pass --exists-ok to \
     get it, or choose another title";

/// When the item is already in the collection.
pub(crate) const ITEM_IN_COLLECTION: &str =
    "the item is already in the collection: pass --exists-ok to accept that";

/// When the collection or the item to add was not found.
pub(crate) fn collection_item_not_found(kind: &str, id: &str) -> String {
    format!(
        "check the collection slug and that {kind} '{id}' exists on the Hub (and that \
         your token can see it)"
    )
}

/// When a collection (or its item) was not found.
pub(crate) fn collection_not_found(slug: &str) -> String {
    format!(
        "check the slug '{slug}' (owner/title-id, as `hf collections list --owner OWNER` \
         shows) and the item's object id (`hf collections info {slug}`); a private \
         collection is visible to its owner's members only"
    )
}

/// After a Space was paused.
pub(crate) fn space_paused(id: &impl fmt::Display) -> String {
    line(&format!("`hf spaces restart {id}` starts it again"))
}

/// After a Space's restart was triggered.
pub(crate) fn space_restarting(id: &impl fmt::Display) -> String {
    line(&format!("`hf spaces wait {id}` waits until it runs"))
}

/// When `hf spaces wait` timed out while the Space was still building or starting.
pub(crate) fn space_still_building(id: &impl fmt::Display) -> String {
    format!("`hf spaces logs {id} --build` shows how the build goes")
}

/// When `hf spaces wait` saw the Space settle in another stage than running.
pub(crate) fn space_not_running(id: &impl fmt::Display, stage: &str) -> String {
    match stage {
        "PAUSED" | "STOPPED" | "SLEEPING" => format!("`hf spaces restart {id}` starts it again"),
        "BUILD_ERROR" => format!("`hf spaces logs {id} --build` shows why"),
        _ => format!("`hf spaces logs {id}` shows why"),
    }
}

/// When a Space has no run logs (it may never have built).
pub(crate) fn space_without_run_logs(id: &impl fmt::Display) -> String {
    line(&format!(
        "no run logs for Space {id}; `hf spaces logs {id} --build` shows the build's"
    ))
}

const LOG_IN: &str = "log in with `hf auth login`, or set HF_TOKEN";

fn for_cause(
    cause: &(dyn std::error::Error + 'static),
    operation: Option<Operation>,
) -> Option<String> {
    if let Some(error) = cause.downcast_ref::<hf_auth::Error>() {
        return for_auth(error, operation);
    }
    if let Some(error) = cause.downcast_ref::<hf_hub::Error>() {
        return for_hub(error, operation);
    }
    if let Some(error) = cause.downcast_ref::<hf_inference::Error>() {
        return for_inference(error);
    }
    if let Some(http) = cause.downcast_ref::<HttpError>() {
        return for_http(http, operation);
    }
    if let Some(io) = cause.downcast_ref::<io::Error>()
        && io.kind() == io::ErrorKind::StorageFull
    {
        return Some(DISK_FULL.to_owned());
    }
    None
}

const DISK_FULL: &str = "the disk is full: free some space (e.g. with `hf cache prune`) and run \
     again; a partial download resumes, and nothing unfinished was placed in the snapshot";

fn for_auth(error: &hf_auth::Error, operation: Option<Operation>) -> Option<String> {
    Some(match error {
        hf_auth::Error::Http(http) => return for_http(http, operation),
        hf_auth::Error::NoToken { .. } => LOG_IN.to_owned(),
        hf_auth::Error::TokenRejected { origin, .. } => {
            let fix = match origin {
                Some(TokenSource::EnvHfToken) => {
                    "update or unset HF_TOKEN (it takes precedence over `hf auth login`)".to_owned()
                }
                Some(TokenSource::EnvLegacy) => "update or unset HUGGING_FACE_HUB_TOKEN".to_owned(),
                Some(TokenSource::DotEnv(path)) => format!("update HF_TOKEN in {}", path.display()),
                Some(TokenSource::TokenFile(_) | TokenSource::Keyring(_)) => {
                    "run `hf auth login --force` with a valid token".to_owned()
                }
                _ => "pass a valid token".to_owned(),
            };
            format!("{fix} (tokens are managed at {TOKEN_SETTINGS_URL})")
        }
        hf_auth::Error::InvalidToken(_) => format!(
            "use a personal User Access Token, copied whole (no 'Bearer ', no spaces) from {TOKEN_SETTINGS_URL}"
        ),
        hf_auth::Error::UnknownTokenName { .. } => {
            "`hf auth list` shows the stored tokens".to_owned()
        }
        hf_auth::Error::Keyring(_) => "unlock the OS keyring (log in to the desktop session) and \
             run again, or log in again with `hf auth login --force` (the token file is used \
             without --keyring)"
            .to_owned(),
        hf_auth::Error::Parse(_) => {
            "fix or delete the file, then log in again with `hf auth login --force`".to_owned()
        }
        _ => return None,
    })
}

fn for_hub(error: &hf_hub::Error, operation: Option<Operation>) -> Option<String> {
    Some(match error {
        hf_hub::Error::Http(http) | hf_hub::Error::Hub { http, .. } => {
            return for_http(http, operation);
        }
        hf_hub::Error::Auth(auth) => return for_auth(auth, operation),
        hf_hub::Error::UnsafePath { path, .. } => format!(
            "no client writes that path; to download the rest of the repo, skip it with --exclude {}",
            shell_quote(path)
        ),
        hf_hub::Error::PermissionDenied {
            repo,
            namespace,
            reason,
            ..
        } => match reason {
            hf_hub::access::WriteDenied::NotAMember { .. } => {
                format!("check the repo id, or ask an admin of '{namespace}' to add you")
            }
            _ => format!(
                "create a write token, or a fine-grained token with '{}' on {repo} (or on all \
                 repos of {namespace}), at {TOKEN_SETTINGS_URL}, then run `hf auth login`",
                hf_hub::access::REPO_WRITE
            ),
        },
        hf_hub::Error::Integrity { .. } => {
            "run the download again: the file is fetched afresh (nothing corrupt was kept)"
                .to_owned()
        }
        hf_hub::Error::NotInCache {
            downloads_disabled: true,
            ..
        } => "allow network access to fetch it (unset HF_HUB_OFFLINE, drop --local-files-only)"
            .to_owned(),
        hf_hub::Error::SecretDetected(_) => "remove the secrets (or leave the files out with \
             --exclude), or pass --allow-secrets if they are not secrets"
            .to_owned(),
        hf_hub::Error::SourceChanged { .. } => {
            "upload again once the file has stopped changing".to_owned()
        }
        hf_hub::Error::Io { source, .. } if source.kind() == io::ErrorKind::StorageFull => {
            DISK_FULL.to_owned()
        }
        hf_hub::Error::LockTimeout { .. } => {
            "another `hf` or Python process is downloading the same file; wait for it, or \
             remove the lock if that process is gone"
                .to_owned()
        }
        _ => return None,
    })
}

/// Hub requests: what each kind of failure asks of the user, during `operation` when the
/// command said what it was doing.
fn for_http(http: &HttpError, operation: Option<Operation>) -> Option<String> {
    let after = match http.attempts() {
        0 | 1 => String::new(),
        n => format!(" (gave up after {n} attempts)"),
    };
    Some(match http.kind() {
        HttpErrorKind::Unauthorized => {
            format!("the token is missing, invalid or expired: {LOG_IN}")
        }
        HttpErrorKind::RepoNotFound if http.token_sent() => "check the repo id and --repo-type; \
             if the repo is private, check that the token can read it"
            .to_owned(),
        HttpErrorKind::RepoNotFound => "check the repo id and --repo-type; if the repo is \
             private, log in with `hf auth login` or pass a token (--token or HF_TOKEN)"
            .to_owned(),
        HttpErrorKind::GatedRepo => format!(
            "request access at {} and wait for approval, then run again with a token of that \
             account (a fine-grained token also needs 'read access to contents of all public \
             gated repos')",
            hf_hub::repo::repo_page(http.url())
                .unwrap_or_else(|| "the repo's page on the Hub".to_owned())
        ),
        HttpErrorKind::RevisionNotFound => "check the branch, tag or commit name".to_owned(),
        HttpErrorKind::Forbidden if operation == Some(Operation::ChangeDiscussion) => format!(
            "opening and commenting needs a write token, or a fine-grained token with \
             'discussion.write' (or 'repo.write' on this repo), created at {TOKEN_SETTINGS_URL}; \
             closing, reopening and renaming need the author or write access to the repo, \
             merging needs write access"
        ),
        HttpErrorKind::Forbidden if operation == Some(Operation::ChangeCollection) => format!(
            "changing a collection needs a write token, or a fine-grained token with \
             'collection.write' on its owner (an organisation token works only in its \
             organisation), created at {TOKEN_SETTINGS_URL}"
        ),
        HttpErrorKind::Forbidden if operation == Some(Operation::Webhooks) => format!(
            "webhooks belong to your user: use a write token (a read token lists them only), or a \
             fine-grained token with 'user.webhooks.write' (organisation tokens have not), \
             created at {TOKEN_SETTINGS_URL}"
        ),
        HttpErrorKind::Forbidden
            if matches!(
                operation,
                Some(Operation::InferenceEndpoints | Operation::DeployEndpoint)
            ) =>
        {
            format!(
                "Inference Endpoints of a namespace need a token of a member: a write token, or a \
             fine-grained token with 'inference.endpoints.write' on that namespace (an \
             organisation token works only with --namespace ORG), created at {TOKEN_SETTINGS_URL}"
            )
        }
        HttpErrorKind::Forbidden => format!(
            "the token lacks the permission: use a write token, or a fine-grained token with \
             the needed scope, created at {TOKEN_SETTINGS_URL}"
        ),
        HttpErrorKind::Conflict if operation == Some(Operation::DeployEndpoint) => {
            "an endpoint of that name exists in the namespace: pick another name, or change it \
             with `hf endpoints update`"
                .to_owned()
        }
        HttpErrorKind::Conflict if operation == Some(Operation::Create) => {
            "it already exists: pass --exist-ok to accept the existing one".to_owned()
        }
        HttpErrorKind::Offline => "unset HF_HUB_OFFLINE to allow network access".to_owned(),
        HttpErrorKind::Certificate => "if this Hub (or a proxy in between) uses a private or \
             corporate certificate authority, point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) at its \
             PEM certificate bundle"
            .to_owned(),
        HttpErrorKind::Timeout if http.metadata_request() => format!(
            "the Hub did not answer in time{after}: raise HF_HUB_ETAG_TIMEOUT (seconds, default 10) \
             for metadata requests, or check the network and HF_ENDPOINT"
        ),
        HttpErrorKind::Timeout => format!(
            "the transfer stalled{after}: raise HF_HUB_DOWNLOAD_TIMEOUT (seconds a read may \
             stall, default 10), or check the network; a download resumes where it stopped"
        ),
        HttpErrorKind::Connection => {
            format!("the connection failed{after}: check the network and HF_ENDPOINT")
        }
        HttpErrorKind::RateLimited => match http.retry_after() {
            Some(wait) => format!(
                "rate limited by the Hub: run again in {} s; logged-in requests get higher limits",
                wait.as_secs().max(1)
            ),
            None => "rate limited by the Hub: wait a few minutes before running again; \
                     logged-in requests get higher limits"
                .to_owned(),
        },
        HttpErrorKind::PaymentRequired if http.error_code() == Some("EgressLimitReached") => {
            EGRESS_LIMIT.to_owned()
        }
        HttpErrorKind::PaymentRequired => format!(
            "the account has no allowance or credits left for this (see the message above): \
             check its usage and billing at {BILLING_URL}"
        ),
        HttpErrorKind::Server => format!("the Hub failed{after}: try again later"),
        _ => return None,
    })
}

/// After a 402 `EgressLimitReached`: what Python's `EgressLimitError` stands for.
const EGRESS_LIMIT: &str = "the account reached its download (egress) allowance for the last 30 \
     days: wait until older downloads leave the window (the message above says how much was \
     used), or raise the allowance with a PRO subscription or an organization plan \
     (https://huggingface.co/pricing); files already in the cache stay usable offline \
     (HF_HUB_OFFLINE=1)";

/// Where an account's usage and billing are.
const BILLING_URL: &str = "https://huggingface.co/settings/billing";

/// Inference calls: the same failures read differently (permissions, providers, credits).
fn for_inference(error: &hf_inference::Error) -> Option<String> {
    let (http, call) = match error {
        hf_inference::Error::Http { source, call } => (source, call),
        hf_inference::Error::StreamBroken { .. } => {
            return Some("the connection broke off: try again".to_owned());
        }
        hf_inference::Error::ProviderUnavailable { .. } => {
            return Some(
                "the 'Inference Providers' section of the model's page lists who serves it"
                    .to_owned(),
            );
        }
        _ => return None,
    };
    let retried = match http.attempts() {
        0 | 1 => String::new(),
        n => format!(" (gave up after {n} attempts)"),
    };
    let permission = "'Make calls to Inference Providers'";
    Some(match (http.kind(), http.status()) {
        (HttpErrorKind::Unauthorized, _) | (HttpErrorKind::RepoNotFound, Some(401))
            if !call.token_sent =>
        {
            format!(
                "no access token was sent: log in with `hf auth login` or set HF_TOKEN \
                 (Inference Providers need a token with the {permission} permission)"
            )
        }
        (HttpErrorKind::Unauthorized, _) | (_, Some(401)) => format!(
            "the token was rejected (invalid, expired or revoked): create a new one at \
             {TOKEN_SETTINGS_URL} with the {permission} permission"
        ),
        (HttpErrorKind::Forbidden, _) => format!(
            "the token lacks the {permission} permission, or access to this model: edit the \
             token's permissions at {TOKEN_SETTINGS_URL} (for gated models, request access on \
             the model page)"
        ),
        (_, Some(404)) => format!(
            "model '{}' is not served by provider '{}' (or does not exist): check the \
             'Inference Providers' section of its model page, or let the router choose with \
             provider 'auto'",
            call.model, call.provider
        ),
        (_, Some(402)) => format!(
            "the monthly inference credits are used up: buy credits or subscribe to PRO at \
             {BILLING_URL}, or bill an organization with --bill-to"
        ),
        (_, Some(422)) => {
            "the server could not process these inputs or parameters (see its message above)"
                .to_owned()
        }
        (_, Some(429)) => {
            let when = http.retry_after().map_or_else(
                || "in a minute".to_owned(),
                |wait| format!("in {} s", wait.as_secs().max(1)),
            );
            format!(
                "rate limit reached{retried}: retry {when}. Free accounts have small monthly \
                 inference credits; a PRO subscription or billing an organization (--bill-to) \
                 raises the limits"
            )
        }
        (_, Some(503)) => format!(
            "the model is loading or the provider is overloaded{retried}: try again in a \
             minute, or pick another provider"
        ),
        (_, Some(504)) if !call.streaming => "the gateway timed out before the full answer was \
             ready: stream the response (`hf chat` streams by default) for long generations"
            .to_owned(),
        (_, Some(500..=599)) => format!("the provider failed{retried}: try again later"),
        (HttpErrorKind::Timeout, _) => "no answer in time: raise --timeout (models can take long \
             before the first byte), or stream the response"
            .to_owned(),
        _ => return None,
    })
}

/// `text` quoted for a POSIX shell (single quotes), so a hint can be pasted as it is.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hf_inference::CallFacts;

    use super::*;

    fn http(kind: HttpErrorKind, status: u16, method: &str, url: &str) -> HttpError {
        HttpError::synthetic(kind, Some(status), method, url, None, true)
    }

    fn hint_for(error: impl std::error::Error + Send + Sync + 'static) -> String {
        for_error(&anyhow::Error::new(error)).join("\n")
    }

    fn inference(source: HttpError, token_sent: bool, streaming: bool) -> String {
        hint_for(hf_inference::Error::Http {
            source,
            call: CallFacts::new("org/model", "hf-inference", token_sent, streaming),
        })
    }

    const CHAT: &str = "https://router.example/v1/chat/completions";

    /// The advice the inference client's messages used to carry, now said here.
    #[test]
    fn inference_failures() {
        let unauthorized = || http(HttpErrorKind::Unauthorized, 401, "POST", CHAT);
        assert!(inference(unauthorized(), false, false).contains("no access token was sent"));
        let rejected = inference(unauthorized(), true, false);
        assert!(
            rejected.contains("token was rejected") && rejected.contains("Inference Providers"),
            "{rejected}"
        );
        let forbidden = inference(
            http(HttpErrorKind::Forbidden, 403, "POST", CHAT),
            true,
            false,
        );
        assert!(forbidden.contains("'Make calls to Inference Providers' permission"));
        let missing = inference(
            http(HttpErrorKind::NotFound, 404, "POST", CHAT),
            true,
            false,
        );
        assert!(
            missing.contains("'org/model' is not served by provider 'hf-inference'"),
            "{missing}"
        );
        let unprocessable = http(HttpErrorKind::Unprocessable, 422, "POST", CHAT);
        assert!(inference(unprocessable, true, false).contains("could not process"));
        let limited = HttpError::synthetic(
            HttpErrorKind::RateLimited,
            Some(429),
            "POST",
            CHAT,
            Some(Duration::from_secs(600)),
            true,
        );
        let limited = inference(limited, true, false);
        assert!(
            limited.contains("rate limit reached") && limited.contains("retry in 600 s"),
            "{limited}"
        );
        assert!(limited.contains("PRO"), "{limited}");
        let loading = inference(http(HttpErrorKind::Server, 503, "POST", CHAT), true, false);
        assert!(loading.contains("try again in a minute"), "{loading}");
        let gateway = || http(HttpErrorKind::Server, 504, "POST", CHAT);
        assert!(inference(gateway(), true, false).contains("stream the response"));
        assert!(!inference(gateway(), true, true).contains("stream the response"));
        let stalled = HttpError::synthetic(HttpErrorKind::Timeout, None, "POST", CHAT, None, true);
        assert!(inference(stalled, true, false).contains("raise --timeout"));
        let unavailable = hint_for(hf_inference::Error::ProviderUnavailable {
            model: "m".into(),
            provider: "groq".into(),
            task: "conversational".into(),
            available: Vec::new(),
        });
        assert!(
            unavailable.contains("'Inference Providers' section"),
            "{unavailable}"
        );
    }

    /// The advice `hf_auth::whoami::advice` and `hf_hub`'s download messages used to carry.
    #[test]
    fn hub_failures() {
        let gated = http(
            HttpErrorKind::GatedRepo,
            403,
            "GET",
            "http://127.0.0.1:9/api/models/org/gated/tree/main",
        );
        let hint = hint_for(hf_hub::Error::Http(gated));
        assert!(
            hint.contains("request access at http://127.0.0.1:9/org/gated"),
            "{hint}"
        );
        let anonymous = HttpError::synthetic(
            HttpErrorKind::RepoNotFound,
            Some(401),
            "GET",
            "https://hub.example/api/models/org/private",
            None,
            false,
        );
        let hint = hint_for(anonymous);
        assert!(hint.contains("log in with `hf auth login`"), "{hint}");
        let with_token = http(
            HttpErrorKind::RepoNotFound,
            404,
            "GET",
            "https://hub.example/api/models/org/private",
        );
        assert!(hint_for(with_token).contains("check that the token can read it"));
        let limited = HttpError::synthetic(
            HttpErrorKind::RateLimited,
            Some(429),
            "GET",
            "https://hub.example/api/whoami-v2",
            Some(Duration::from_secs(7)),
            true,
        );
        assert!(hint_for(limited).contains("run again in 7 s"));
        let conflict = http(
            HttpErrorKind::Conflict,
            409,
            "POST",
            "https://hub.example/api/repos/create",
        );
        // The command says it was creating; the URL alone says nothing.
        let creating = crate::operation::OperationExt::doing(
            Err::<(), _>(conflict),
            crate::operation::Operation::Create,
        );
        assert!(for_error(&creating.unwrap_err())[0].contains("--exist-ok"));
        let commit_conflict = http(
            HttpErrorKind::Conflict,
            409,
            "POST",
            "https://hub.example/api/models/o/m/commit/main",
        );
        assert!(!hint_for(commit_conflict).contains("--exist-ok"));
        let metadata = HttpError::synthetic(
            HttpErrorKind::Timeout,
            None,
            "HEAD",
            "https://hub.example/o/m/resolve/main/config.json",
            None,
            true,
        )
        .synthetic_metadata_request();
        assert!(hint_for(metadata).contains("HF_HUB_ETAG_TIMEOUT"));
        let transfer = HttpError::synthetic(
            HttpErrorKind::Timeout,
            None,
            "GET",
            "https://cdn.example/lfs/abc",
            None,
            true,
        );
        assert!(hint_for(transfer).contains("HF_HUB_DOWNLOAD_TIMEOUT"));
    }

    #[test]
    fn token_failures_name_the_token_source() {
        let rejected = |origin| {
            hint_for(hf_auth::Error::TokenRejected {
                shown: None,
                origin: Some(origin),
            })
        };
        assert!(rejected(TokenSource::EnvHfToken).contains("update or unset HF_TOKEN"));
        assert!(
            rejected(TokenSource::DotEnv("/w/org.env".into()))
                .contains("update HF_TOKEN in /w/org.env")
        );
        assert!(
            rejected(TokenSource::TokenFile("/h/token".into())).contains("hf auth login --force")
        );
        let full = std::io::Error::from(io::ErrorKind::StorageFull);
        let hint = hint_for(hf_hub::Error::Io {
            context: "cannot write x".into(),
            source: full,
        });
        assert!(hint.contains("hf cache prune"), "{hint}");
    }
}
