//! [`InferenceClient`]: the builder, where requests go (router, provider mapping, explicit
//! base URL), chat, and how every call is sent (through the `hf-auth` HTTP core, with the
//! inference retry rules). The typed task methods live in `tasks`, beside their types, and
//! all take one path (`InferenceClient::task`): routing, POST and decode.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hf_auth::discovery::{self, DiscoveryOptions};
use hf_auth::env::{self, EnvSource};
use hf_auth::http::{FailedAttempt, HubClient, HubConfig, HubRequest, HubResponse, MAX_JSON_BODY};
use hf_auth::{Token, TokenSource};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use url::Url;

use crate::chat::{ChatCompletion, ChatCompletionRequest, ResponseFormat};
use crate::error::{CallFacts, Error, from_http};
use crate::routing::{
    DEFAULT_ROUTER_URL, HF_INFERENCE, Provider, ProviderMapping, chat_path, check_model_id,
    explicit_model, parse_base, parse_mapping,
};
use crate::stream::{ChatStream, EventStream, error_in};
use crate::tasks::types::Task;

/// How long a read may stall by default: models can think for a long time before the first byte.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Builds an [`InferenceClient`].
#[derive(Debug)]
pub struct InferenceClientBuilder {
    token: Option<Token>,
    token_source: Option<TokenSource>,
    hub_config: Option<HubConfig>,
    router_url: Option<String>,
    base_url: Option<String>,
    send_token_to_base_url: Option<bool>,
    provider: Provider,
    bill_to: Option<String>,
    read_timeout: Duration,
    connect_timeout: Option<Duration>,
    retry_transient: bool,
    caller: (String, String),
}

impl InferenceClientBuilder {
    /// The access token (from `hf_auth` discovery). Without one, calls are anonymous and the
    /// router will answer 401.
    #[must_use]
    pub fn token(mut self, token: Option<Token>) -> Self {
        self.token_source = token.as_ref().map(|_| TokenSource::Explicit);
        self.token = token;
        self
    }

    /// The token found in `source` by the same discovery as the `hf` CLI (`HF_TOKEN`, the
    /// token file, the OS keyring); notices go to `tracing`.
    ///
    /// # Errors
    /// When the token found cannot be sent (see [`hf_auth::discovery::check_format`]) or the
    /// token file cannot be read.
    pub fn token_from_env_source(mut self, source: &dyn EnvSource) -> Result<Self, Error> {
        let resolution =
            discovery::resolve(&DiscoveryOptions::new(), source).map_err(Error::Token)?;
        for notice in &resolution.notices {
            tracing::warn!("{notice}");
        }
        (self.token, self.token_source) = match resolution.found {
            Some(found) => (Some(found.token), Some(found.source)),
            None => (None, None),
        };
        Ok(self)
    }

    /// Reads `HF_ROUTER_URL` and the HTTP core's variables (`HF_ENDPOINT`, `HF_HUB_OFFLINE`, ...)
    /// from `source`. Values set on the builder afterwards win.
    ///
    /// # Errors
    /// When a variable is malformed; the error names it.
    pub fn from_env_source(mut self, source: &dyn EnvSource) -> Result<Self, Error> {
        self.hub_config =
            Some(HubConfig::from_env_source(source).map_err(|e| Error::Config(e.to_string()))?);
        if let Some(router) = source.get(&env::HF_ROUTER_URL) {
            self.router_url = Some(router);
        }
        Ok(self)
    }

    /// The HTTP core configuration (Hub endpoint for provider-mapping lookups, offline mode,
    /// retry policy). Its read timeout is replaced by [`InferenceClientBuilder::read_timeout`].
    #[must_use]
    pub fn hub_config(mut self, config: HubConfig) -> Self {
        self.hub_config = Some(config);
        self
    }

    /// The router's base URL (default [`DEFAULT_ROUTER_URL`], or `HF_ROUTER_URL`).
    #[must_use]
    pub fn router_url(mut self, url: impl Into<String>) -> Self {
        self.router_url = Some(url.into());
        self
    }

    /// Send every call to this server instead of the router: a dedicated Inference Endpoint
    /// (`https://xyz.endpoints.huggingface.cloud`) or a local OpenAI-compatible server
    /// (TGI, vLLM, llama.cpp: `http://127.0.0.1:8080` or `.../v1`). Chat goes to
    /// `{base}/v1/chat/completions` (or `{base}/chat/completions` when the URL ends in `/v1`,
    /// or the URL itself when it ends in `/chat/completions`); tasks post to the URL itself.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Whether the token is sent to the [`InferenceClientBuilder::base_url`]. Default: only for
    /// `https` Inference Endpoints (`*.endpoints.huggingface.cloud`), so a local server never sees it.
    #[must_use]
    pub fn send_token_to_base_url(mut self, send: bool) -> Self {
        self.send_token_to_base_url = Some(send);
        self
    }

    /// The provider (default [`Provider::Auto`]).
    #[must_use]
    pub fn provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
    }

    /// Bill an organization you belong to (`X-HF-Bill-To`).
    #[must_use]
    pub fn bill_to(mut self, organization: impl Into<String>) -> Self {
        self.bill_to = Some(organization.into());
        self
    }

    /// How long a read may stall (default [`DEFAULT_READ_TIMEOUT`]).
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How long connecting may take (default: the HTTP core's, `HF_HUB_ETAG_TIMEOUT`).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Whether calls are retried on 502/503 (model loading, provider overloaded) and on 429 when
    /// the server says when (`Retry-After` within the retry policy's limit). Default: on.
    ///
    /// Inference calls are `POST`s, which the HTTP core never retries on error statuses. They
    /// have no side effect on the server, though, so retrying them is safe; the delays are the
    /// HTTP core's [`hf_auth::http::RetryPolicy`]. A 504 is never retried (streaming avoids it).
    #[must_use]
    pub fn retry_transient(mut self, retry: bool) -> Self {
        self.retry_transient = retry;
        self
    }

    /// The program making the calls, named in the User-Agent.
    #[must_use]
    pub fn caller(mut self, name: &str, version: &str) -> Self {
        self.caller = (name.to_owned(), version.to_owned());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// When a URL is malformed or the HTTP client cannot be created.
    pub fn build(self) -> Result<InferenceClient, Error> {
        let config_error = |e: hf_auth::Error| Error::Config(e.to_string());
        let mut config = match self.hub_config {
            Some(config) => config,
            None => HubConfig::new(hf_auth::http::DEFAULT_ENDPOINT).map_err(config_error)?,
        };
        config.read_timeout = self.read_timeout;
        if let Some(connect) = self.connect_timeout {
            config.connect_timeout = connect;
        }
        let router = parse_base(
            "router URL",
            self.router_url.as_deref().unwrap_or(DEFAULT_ROUTER_URL),
        )?;
        config.trust_origin(router.as_str()).map_err(config_error)?;
        let base_url = match &self.base_url {
            Some(raw) => {
                let url = parse_base("base URL", raw)?;
                let is_endpoint = url.scheme() == "https"
                    && url
                        .host_str()
                        .is_some_and(|h| h.ends_with(".endpoints.huggingface.cloud"));
                if self.send_token_to_base_url.unwrap_or(is_endpoint) {
                    config.trust_origin(url.as_str()).map_err(config_error)?;
                }
                Some(url)
            }
            None => None,
        };
        let hub = HubClient::builder(config)
            .token(self.token)
            .caller(&self.caller.0, &self.caller.1)
            .build()
            .map_err(config_error)?;
        Ok(InferenceClient {
            hub,
            token_source: self.token_source,
            router,
            base_url,
            provider: self.provider,
            bill_to: self.bill_to,
            retry_transient: self.retry_transient,
            mappings: Arc::new(Mutex::new(HashMap::new())),
        })
    }
}

/// Calls models through Inference Providers (or a dedicated endpoint / local server).
/// Cheap to clone: clones share the connection pool and the provider-mapping cache.
#[derive(Clone)]
pub struct InferenceClient {
    hub: HubClient,
    token_source: Option<TokenSource>,
    router: Url,
    base_url: Option<Url>,
    provider: Provider,
    bill_to: Option<String>,
    retry_transient: bool,
    mappings: Arc<Mutex<HashMap<String, Vec<ProviderMapping>>>>,
}

impl fmt::Debug for InferenceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InferenceClient")
            .field("router", &self.router.as_str())
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("provider", &self.provider)
            .field("token", &self.hub.token())
            .finish_non_exhaustive()
    }
}

/// A request body.
pub(crate) enum Payload {
    Json(Bytes),
    Binary(Bytes, &'static str),
}

impl InferenceClient {
    /// Starts building a client.
    #[must_use]
    pub fn builder() -> InferenceClientBuilder {
        InferenceClientBuilder {
            token: None,
            token_source: None,
            hub_config: None,
            router_url: None,
            base_url: None,
            send_token_to_base_url: None,
            provider: Provider::Auto,
            bill_to: None,
            read_timeout: DEFAULT_READ_TIMEOUT,
            connect_timeout: None,
            retry_transient: true,
            caller: (
                "hf-inference".to_owned(),
                env!("CARGO_PKG_VERSION").to_owned(),
            ),
        }
    }

    /// A client configured from the process environment (`HF_ROUTER_URL`, `HF_ENDPOINT`, ...)
    /// with the token found by the same discovery as the `hf` CLI (`HF_TOKEN`, the token file,
    /// the OS keyring; notices go to `tracing`). Without a token the calls are anonymous.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = hf_test_server::TestServer::spawn(Default::default())?;
    /// # let env = hf_auth::env::MapEnv::new()
    /// #     .with("HF_ROUTER_URL", server.endpoint())
    /// #     .with("HF_TOKEN", server.tokens().read.clone());
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// use hf_inference::{ChatCompletionRequest, InferenceClient};
    ///
    /// // `InferenceClient::from_env()` in a program; here with a test environment.
    /// let client = InferenceClient::from_env_source(&env)?;
    /// assert_eq!(client.token_source(), Some(&hf_auth::TokenSource::EnvHfToken));
    /// let answer = client
    ///     .chat_completion("meta-llama/Llama-3.1-8B-Instruct", ChatCompletionRequest::user("Hi"))
    ///     .await?;
    /// assert_eq!(answer.text(), "You said: Hi");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    ///
    /// # Errors
    /// When a variable is malformed, or the token found cannot be sent.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_source(&env::ProcessEnv)
    }

    /// As [`InferenceClient::from_env`], reading `source`.
    ///
    /// # Errors
    /// As [`InferenceClient::from_env`].
    pub fn from_env_source(source: &dyn EnvSource) -> Result<Self, Error> {
        Self::builder()
            .from_env_source(source)?
            .token_from_env_source(source)?
            .build()
    }

    /// A client configured from the process environment with `token` (no discovery).
    ///
    /// # Errors
    /// When a variable is malformed.
    pub fn from_env_with_token(token: Option<Token>) -> Result<Self, Error> {
        Self::builder()
            .token(token)
            .from_env_source(&env::ProcessEnv)?
            .build()
    }

    /// Where the token came from, when discovery found one (for logs that say so).
    #[must_use]
    pub fn token_source(&self) -> Option<&TokenSource> {
        self.token_source.as_ref()
    }

    /// The router's base URL.
    #[must_use]
    pub fn router_url(&self) -> &Url {
        &self.router
    }

    /// The provider in use.
    #[must_use]
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// A client sharing this one's connections, with another provider.
    #[must_use]
    pub fn with_provider(&self, provider: Provider) -> Self {
        Self {
            provider,
            ..self.clone()
        }
    }

    // ----- chat -------------------------------------------------------------------------------

    /// Sends a chat completion and waits for the whole answer.
    ///
    /// `model` is a Hub model id, optionally with a router suffix (`:fastest`, `:cheapest`,
    /// `:provider`). It fills `request.model`.
    ///
    /// # Errors
    /// HTTP failures (with a hint), model errors ([`Error::Model`]) and unexpected responses.
    pub async fn chat_completion(
        &self,
        model: &str,
        request: ChatCompletionRequest,
    ) -> Result<ChatCompletion, Error> {
        let (url, ctx, body) = self.chat_call(model, request, false)?;
        let response = self.send(url, Payload::Json(body), None, &ctx).await?;
        decode_json(response).await
    }

    /// Sends a chat completion and streams the answer as it is generated.
    ///
    /// The stream yields [`crate::ChatCompletionChunk`]s until `data: [DONE]`; an error event
    /// ends it with [`Error::Model`]. Drop it to cancel.
    ///
    /// # Errors
    /// Failures before the first byte (HTTP status, connection); later ones come through the stream.
    pub async fn chat_completion_stream(
        &self,
        model: &str,
        request: ChatCompletionRequest,
    ) -> Result<ChatStream, Error> {
        let (url, ctx, body) = self.chat_call(model, request, true)?;
        let response = self
            .send(url, Payload::Json(body), Some("text/event-stream"), &ctx)
            .await?;
        Ok(EventStream::from_response(response))
    }

    fn chat_call(
        &self,
        model: &str,
        mut request: ChatCompletionRequest,
        stream: bool,
    ) -> Result<(Url, CallFacts, Bytes), Error> {
        let model = model.trim();
        let (url, provider, wire_model) = if let Some(base) = self.base_for(model)? {
            (
                chat_path(&base)?,
                "base-url".to_owned(),
                explicit_model(model),
            )
        } else {
            check_model_id(model, true)?;
            match &self.provider {
                Provider::Auto => (
                    self.router_join("/v1/chat/completions")?,
                    "auto".to_owned(),
                    model.to_owned(),
                ),
                Provider::HfInference => (
                    self.router_join(&format!(
                        "/{HF_INFERENCE}/models/{model}/v1/chat/completions"
                    ))?,
                    HF_INFERENCE.to_owned(),
                    model.to_owned(),
                ),
                Provider::Other(name) => {
                    // The router resolves `model:provider` to that provider's model id and route.
                    let wire = if model.contains(':') {
                        model.to_owned()
                    } else {
                        format!("{model}:{name}")
                    };
                    (
                        self.router_join("/v1/chat/completions")?,
                        name.clone(),
                        wire,
                    )
                }
            }
        };
        request.model = wire_model;
        request.stream = stream;
        let mut body =
            serde_json::to_value(&request).map_err(|e| Error::InvalidInput(e.to_string()))?;
        if provider == HF_INFERENCE
            && let Some(ResponseFormat::JsonSchema { json_schema }) = &request.response_format
        {
            // hf-inference (TGI) takes a JSON schema as `{"type": "json_object", "value": schema}`.
            body["response_format"] = json!({"type": "json_object", "value": json_schema.schema});
        }
        let ctx = self.context(model, &provider, stream);
        Ok((url, ctx, Bytes::from(body.to_string())))
    }

    // ----- provider mapping -------------------------------------------------------------------

    /// The providers serving `model`, from the Hub (`GET /api/models/{id}?expand=inferenceProviderMapping`).
    /// Results are cached for the life of the client.
    ///
    /// # Errors
    /// When the model does not exist or the Hub cannot be reached.
    pub async fn provider_mapping(&self, model: &str) -> Result<Vec<ProviderMapping>, Error> {
        let model = model.trim();
        check_model_id(model, false)?;
        if let Some(cached) = self
            .mappings
            .lock()
            .ok()
            .and_then(|m| m.get(model).cloned())
        {
            return Ok(cached);
        }
        let ctx = self.context(model, "the Hub", false);
        let url = self
            .hub
            .url(&format!("/api/models/{model}"))
            .map_err(|e| from_http(e, &ctx))?;
        let info: Value = self
            .hub
            .get(url)
            .query(&[("expand", "inferenceProviderMapping")])
            .metadata_timeout()
            .send_json()
            .await
            .map_err(|e| from_http(e, &ctx))?;
        let mappings = parse_mapping(info.get("inferenceProviderMapping").unwrap_or(&Value::Null));
        if let Ok(mut cache) = self.mappings.lock() {
            cache.insert(model.to_owned(), mappings.clone());
        }
        Ok(mappings)
    }

    /// Where a task call goes, checking the provider mapping under [`Provider::Auto`].
    pub(crate) async fn task_url(&self, model: &str, task: Task) -> Result<(Url, String), Error> {
        let model = model.trim();
        if let Some(base) = self.base_for(model)? {
            return Ok((base, "base-url".to_owned()));
        }
        check_model_id(model, false)?;
        match &self.provider {
            Provider::HfInference => {}
            Provider::Auto => {
                let mappings = self.provider_mapping(model).await?;
                if !mappings.iter().any(|m| m.provider == HF_INFERENCE) {
                    return Err(Error::ProviderUnavailable {
                        model: model.to_owned(),
                        provider: HF_INFERENCE.to_owned(),
                        task: task.to_string(),
                        available: mappings
                            .iter()
                            .map(|m| format!("{} ({})", m.provider, m.task))
                            .collect(),
                    });
                }
            }
            Provider::Other(name) => {
                return Err(Error::InvalidInput(format!(
                    "the {task} task is only available on the {HF_INFERENCE} provider in this client, not on '{name}' \
                     (chat completion works with any provider)"
                )));
            }
        }
        let path = if task.uses_pipeline_route() {
            format!("/{HF_INFERENCE}/models/{model}/pipeline/{task}")
        } else {
            format!("/{HF_INFERENCE}/models/{model}")
        };
        Ok((self.router_join(&path)?, HF_INFERENCE.to_owned()))
    }

    // ----- tasks (the methods are in `tasks`, beside their types) -----------------------------

    /// The one path of the typed tasks: route by the provider mapping, POST, and decode the
    /// answer with `shape` (a task's wire shapes vary: a list, one item, a batch of one).
    pub(crate) async fn task<O>(
        &self,
        model: &str,
        task: Task,
        input: TaskInput,
        shape: fn(Value) -> Result<O, String>,
    ) -> Result<O, Error> {
        let value = match input {
            TaskInput::Json(body) => self.run_json(model, task, body).await?,
            TaskInput::Binary(bytes) => self.run_binary_input(model, task, bytes).await?,
        };
        decode_value(shape(value), task.describe())
    }

    pub(crate) async fn run_json(
        &self,
        model: &str,
        task: Task,
        body: Value,
    ) -> Result<Value, Error> {
        let (url, provider) = self.task_url(model, task).await?;
        let ctx = self.context(model, &provider, false);
        let response = self
            .send(
                url,
                Payload::Json(Bytes::from(body.to_string())),
                None,
                &ctx,
            )
            .await?;
        decode_json(response).await
    }

    async fn run_binary_input(
        &self,
        model: &str,
        task: Task,
        input: Bytes,
    ) -> Result<Value, Error> {
        let (url, provider) = self.task_url(model, task).await?;
        let ctx = self.context(model, &provider, false);
        let content_type = sniff_content_type(&input);
        let response = self
            .send(url, Payload::Binary(input, content_type), None, &ctx)
            .await?;
        decode_json(response).await
    }

    // ----- plumbing ---------------------------------------------------------------------------

    pub(crate) fn context(&self, model: &str, provider: &str, streaming: bool) -> CallFacts {
        CallFacts::new(model, provider, self.hub.token().is_some(), streaming)
    }

    fn router_join(&self, path: &str) -> Result<Url, Error> {
        let base = self.router.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::InvalidInput(format!("bad model path {path:?}: {e}")))
    }

    /// The explicit base URL for this call: the client's, or `model` itself when it is a URL.
    fn base_for(&self, model: &str) -> Result<Option<Url>, Error> {
        if model.starts_with("http://") || model.starts_with("https://") {
            return parse_base("model URL", model).map(Some);
        }
        Ok(self.base_url.clone())
    }

    /// Sends a POST with the inference retry rules (see [`InferenceClientBuilder::retry_transient`]):
    /// the HTTP core's policy, with the statuses that are safe to repeat for a call.
    pub(crate) async fn send(
        &self,
        url: Url,
        payload: Payload,
        accept: Option<&str>,
        call: &CallFacts,
    ) -> Result<HubResponse, Error> {
        let mut request = self.build_request(url, &payload, accept);
        if self.retry_transient {
            request = request.retry_status_when(worth_repeating);
        }
        request.send().await.map_err(|error| from_http(error, call))
    }

    fn build_request(&self, url: Url, payload: &Payload, accept: Option<&str>) -> HubRequest {
        let mut request = self.hub.post(url);
        request = match payload {
            Payload::Json(bytes) => request
                .header("content-type", "application/json")
                .body(bytes.clone()),
            Payload::Binary(bytes, content_type) => request
                .header("content-type", content_type)
                .body(bytes.clone()),
        };
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        if let Some(org) = &self.bill_to {
            request = request.header("x-hf-bill-to", org);
        }
        // Error statuses are retried only as `send` allows (the core also retries connections
        // that never opened).
        request.idempotent(false)
    }
}

/// A model that is loading or a busy provider (502, 503) is worth waiting for; a rate limit
/// only when the server says when (blind retries would only burn quota); a 504 never
/// (streaming avoids it).
fn worth_repeating(failed: &FailedAttempt) -> bool {
    match failed.status {
        502 | 503 => true,
        429 => failed.server_wait.is_some(),
        _ => false,
    }
}

/// What a typed task sends: JSON, or the raw bytes of an image or audio file.
pub(crate) enum TaskInput {
    Json(Value),
    Binary(Bytes),
}

/// The largest binary answer accepted (an image).
pub(crate) const MAX_BINARY_BODY: u64 = 256 * 1024 * 1024;

pub(crate) async fn decode_json<T: DeserializeOwned>(response: HubResponse) -> Result<T, Error> {
    let url = response.url().to_string();
    let body = response
        .read_limited(MAX_JSON_BODY)
        .await
        .map_err(|e| Error::decode(&url, e))?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        let start = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        Error::decode(
            &url,
            format!("invalid JSON ({e}); the body starts with {start:?}"),
        )
    })?;
    if let Some(error) = error_in(&value) {
        return Err(error);
    }
    serde_json::from_value(value).map_err(|e| Error::decode(&url, e.to_string()))
}

pub(crate) fn decode_value<T>(result: Result<T, String>, what: &str) -> Result<T, Error> {
    result.map_err(|detail| Error::Decode {
        url: what.to_owned(),
        detail,
    })
}

/// The parameter names in transformers' "The following `model_kwargs` are not used by the
/// model: ['a', 'b']" message.
pub(crate) fn unused_model_kwargs(message: &str) -> Vec<String> {
    let Some(start) = message.find("are not used by the model: [") else {
        return Vec::new();
    };
    let rest = &message[start + "are not used by the model: [".len()..];
    let list = rest.split(']').next().unwrap_or_default();
    list.split(',')
        .map(|name| {
            name.trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The media type of an image or audio file, from its first bytes.
fn sniff_content_type(bytes: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        "audio/wav"
    } else if starts(b"fLaC") {
        "audio/flac"
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if starts(b"ID3") || starts(b"\xff\xfb") || starts(b"\xff\xf3") || starts(b"\xff\xf2") {
        "audio/mpeg"
    } else if starts(b"BM") {
        "image/bmp"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::*;
    use hf_auth::env::MapEnv;

    #[test]
    fn router_url_comes_from_the_environment_and_is_checked() {
        let env = MapEnv::new().with("HF_ROUTER_URL", "http://127.0.0.1:9/");
        let client = InferenceClient::builder()
            .from_env_source(&env)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.router_url().as_str(), "http://127.0.0.1:9/");
        let bad = InferenceClient::builder()
            .router_url("router.huggingface.co")
            .build();
        assert!(matches!(bad, Err(Error::Config(_))));
    }

    #[test]
    fn providers_parse() {
        assert_eq!("auto".parse::<Provider>().unwrap(), Provider::Auto);
        assert_eq!(
            "HF-Inference".parse::<Provider>().unwrap(),
            Provider::HfInference
        );
        assert_eq!(
            "together".parse::<Provider>().unwrap(),
            Provider::Other("together".to_owned())
        );
        assert!("a/b".parse::<Provider>().is_err());
    }

    #[test]
    fn model_ids_are_checked_before_they_reach_a_path() {
        assert!(check_model_id("gpt2", false).is_ok());
        assert!(check_model_id("meta-llama/Llama-3.1-8B-Instruct", false).is_ok());
        assert!(check_model_id("meta-llama/Llama-3.1-8B-Instruct:fastest", true).is_ok());
        assert!(check_model_id("meta-llama/Llama-3.1-8B-Instruct:fastest", false).is_err());
        for bad in ["", "../x", "a/b/c", "a//b", "a b", "a/..", "a?b"] {
            assert!(check_model_id(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn chat_paths_for_explicit_urls() {
        let path = |s: &str| chat_path(&parse_base("x", s).unwrap()).unwrap().to_string();
        assert_eq!(
            path("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            path("http://127.0.0.1:8080/v1/"),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            path("https://x.endpoints.huggingface.cloud/v1/chat/completions"),
            "https://x.endpoints.huggingface.cloud/v1/chat/completions"
        );
    }

    #[test]
    fn both_mapping_shapes_parse() {
        let object = json!({"hf-inference": {"status": "live", "providerId": "gpt2", "task": "text-generation"}});
        let list = json!([{"provider": "hf-inference", "status": "live", "providerId": "gpt2", "task": "text-generation"}]);
        assert_eq!(parse_mapping(&object), parse_mapping(&list));
        assert_eq!(parse_mapping(&object)[0].provider_id, "gpt2");
        assert!(parse_mapping(&Value::Null).is_empty());
    }

    #[test]
    fn unused_model_kwargs_are_read_from_the_message() {
        let message = "The following `model_kwargs` are not used by the model: ['watermark', 'stop'] (note: typos)";
        assert_eq!(unused_model_kwargs(message), vec!["watermark", "stop"]);
        assert!(unused_model_kwargs("something else").is_empty());
    }

    #[test]
    fn content_types_are_sniffed() {
        assert_eq!(sniff_content_type(b"\x89PNG\r\n\x1a\nrest"), "image/png");
        assert_eq!(sniff_content_type(b"fLaC...."), "audio/flac");
        assert_eq!(sniff_content_type(b"RIFF\0\0\0\0WAVEfmt "), "audio/wav");
        assert_eq!(sniff_content_type(b"??"), "application/octet-stream");
    }
}
