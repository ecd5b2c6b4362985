//! Inference Endpoints: dedicated deployments of a model, on the Endpoints API's own base
//! URL (`HF_INFERENCE_ENDPOINTS_URL`) and catalog (`HF_INFERENCE_CATALOG_URL`), both sent
//! the token as a Hub origin is ([`hf_auth::http::HubConfig::inference_endpoints_url`]).
//!
//! An endpoint's `namespace` is a user or organisation; `None` means the token's user.
//! Answers are kept whole ([`InferenceEndpoint::raw`], what `--format json` prints), with
//! secret values and registry passwords masked before anything else sees them.

use std::time::{Duration, Instant};

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};
use url::Url;

use crate::api::SecretValue;
use crate::{Error, HubApi};

/// The most endpoints, hardware entries or catalog models read from one answer.
pub const MAX_ENDPOINT_LIST: usize = 10_000;
/// What replaces a secret value in [`InferenceEndpoint::raw`].
pub const MASKED: &str = "(hidden)";

/// A deployed (or deploying) Inference Endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct InferenceEndpoint {
    /// Its namespace (user or organisation).
    pub namespace: String,
    raw: Value,
}

impl Serialize for InferenceEndpoint {
    /// As the API answered it (secret values masked).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

fn text(value: &Value) -> Option<&str> {
    value.as_str()
}

impl InferenceEndpoint {
    fn from_json(mut raw: Value, namespace: &str) -> Result<Self, Error> {
        let name = raw["name"].as_str().ok_or_else(|| {
            Error::Protocol("the Endpoints API answered an endpoint without a name".into())
        })?;
        check_name(name).map_err(|_| {
            Error::Protocol(format!(
                "the Endpoints API answered a malformed endpoint name {name:?}"
            ))
        })?;
        if raw["status"]["state"].as_str().is_none() {
            return Err(Error::Protocol(format!(
                "endpoint {name} has no status.state"
            )));
        }
        mask_secrets(&mut raw);
        Ok(Self {
            namespace: namespace.to_owned(),
            raw,
        })
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        text(&self.raw["name"]).unwrap_or_default()
    }
    /// Its state: `pending`, `initializing`, `updating`, `updateFailed`, `running`, `paused`,
    /// `failed`, `scaledToZero`.
    #[must_use]
    pub fn status(&self) -> &str {
        text(&self.raw["status"]["state"]).unwrap_or_default()
    }
    /// Where it answers, once running.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        text(&self.raw["status"]["url"])
    }
    /// The model repo it serves.
    #[must_use]
    pub fn repository(&self) -> &str {
        text(&self.raw["model"]["repository"]).unwrap_or_default()
    }
    /// The framework (`pytorch`, `custom`...).
    #[must_use]
    pub fn framework(&self) -> &str {
        text(&self.raw["model"]["framework"]).unwrap_or_default()
    }
    /// The task, if set.
    #[must_use]
    pub fn task(&self) -> Option<&str> {
        text(&self.raw["model"]["task"])
    }
    /// The instance type (`intel-icl`, `nvidia-l4`...).
    #[must_use]
    pub fn instance_type(&self) -> &str {
        text(&self.raw["compute"]["instanceType"]).unwrap_or_default()
    }
    /// The cloud vendor.
    #[must_use]
    pub fn vendor(&self) -> &str {
        text(&self.raw["provider"]["vendor"]).unwrap_or_default()
    }
    /// The cloud region.
    #[must_use]
    pub fn region(&self) -> &str {
        text(&self.raw["provider"]["region"]).unwrap_or_default()
    }
    /// The whole answer, secret values masked.
    #[must_use]
    pub fn raw(&self) -> &Value {
        &self.raw
    }
    /// Whether it is on its way to another state (deploying, initializing, updating): what
    /// [`HubApi::wait_for_inference_endpoint`] waits out.
    #[must_use]
    pub fn is_settling(&self) -> bool {
        matches!(self.status(), "pending" | "initializing" | "updating")
    }
}

/// Masks `model.secrets` values and registry passwords, wherever an image variant has them.
fn mask_secrets(raw: &mut Value) {
    if let Some(secrets) = raw["model"]
        .get_mut("secrets")
        .and_then(Value::as_object_mut)
    {
        for value in secrets.values_mut() {
            *value = json!(MASKED);
        }
    }
    if let Some(image) = raw["model"].get_mut("image").and_then(Value::as_object_mut) {
        for variant in image.values_mut() {
            if let Some(password) = variant
                .get_mut("credentials")
                .and_then(|c| c.get_mut("password"))
            {
                *password = json!(MASKED);
            }
        }
    }
}

/// A container image to run instead of Hugging Face's managed one.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EndpointImage {
    /// The image URL (`vllm/vllm-openai:v0.23.0`).
    pub url: String,
    /// The API's variant: `custom` (an arbitrary container, the default) or a managed engine
    /// (`vLLM`, `sGLang`, `tgi`, `tei`, `llamacpp`...).
    pub variant: Option<String>,
    /// Its health check route.
    pub health_route: Option<String>,
    /// The port it listens on.
    pub port: Option<u16>,
    /// Registry credentials (custom containers only).
    pub registry_username: Option<String>,
    /// The registry password (needs a user name).
    pub registry_password: Option<SecretValue>,
    /// Accelerators one model copy is sharded across (vLLM, SGLang).
    pub tensor_parallel_size: Option<u32>,
    /// Model copies, one per accelerator (vLLM).
    pub data_parallel_size: Option<u32>,
}

impl EndpointImage {
    fn to_json(&self) -> Result<Value, Error> {
        let variant = self.variant.clone().unwrap_or_else(|| "custom".to_owned());
        let mut config = json!({"url": self.url});
        if let Some(r) = &self.health_route {
            config["healthRoute"] = json!(r);
        }
        if let Some(p) = self.port {
            config["port"] = json!(p);
        }
        if self.registry_password.is_some() && self.registry_username.is_none() {
            return Err(Error::InvalidInput(
                "a registry password needs a registry user name".into(),
            ));
        }
        if let Some(user) = &self.registry_username {
            if variant != "custom" {
                return Err(Error::InvalidInput(
                    "registry credentials can only be set for a custom container (no engine)"
                        .into(),
                ));
            }
            let mut credentials = json!({"username": user});
            if let Some(p) = &self.registry_password {
                credentials["password"] = json!(p.expose_secret());
            }
            config["credentials"] = credentials;
        }
        if variant == "custom"
            && (self.tensor_parallel_size.is_some() || self.data_parallel_size.is_some())
        {
            return Err(Error::InvalidInput(
                "tensor and data parallel sizes need an engine (e.g. vllm)".into(),
            ));
        }
        if let Some(n) = self.tensor_parallel_size {
            config["tensorParallelSize"] = json!(n);
        }
        if let Some(n) = self.data_parallel_size {
            config["dataParallelSize"] = json!(n);
        }
        Ok(json!({ variant: config }))
    }
}

/// The scaling metric of [`EndpointSpec::scaling`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScalingMetric {
    /// Requests waiting.
    PendingRequests,
    /// Accelerator use.
    HardwareUsage,
}

impl ScalingMetric {
    /// The API's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingRequests => "pendingRequests",
            Self::HardwareUsage => "hardwareUsage",
        }
    }
}

/// An endpoint to deploy ([`HubApi::create_inference_endpoint`]), or what to change
/// ([`HubApi::update_inference_endpoint`]: `None` and empty leave a field as it is).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// The model repo.
    pub repository: Option<String>,
    /// The framework (`pytorch`, `custom`...).
    pub framework: Option<String>,
    /// `cpu`, `gpu`, `neuron`.
    pub accelerator: Option<String>,
    /// `x1`, `x4`...
    pub instance_size: Option<String>,
    /// `intel-icl`, `nvidia-l4`...
    pub instance_type: Option<String>,
    /// The cloud region (create only).
    pub region: Option<String>,
    /// The cloud vendor (create only).
    pub vendor: Option<String>,
    /// The task.
    pub task: Option<String>,
    /// The model revision.
    pub revision: Option<String>,
    /// Replicas kept running (create: 1 when `None`).
    pub min_replica: Option<u32>,
    /// Replicas at most (create: 1 when `None`).
    pub max_replica: Option<u32>,
    /// Minutes without requests before scaling to zero.
    pub scale_to_zero_timeout: Option<u32>,
    /// What triggers a scale-up, and its threshold.
    pub scaling: Option<(ScalingMetric, Option<f64>)>,
    /// A container image (Hugging Face's managed one when `None`).
    pub image: Option<EndpointImage>,
    /// The container entrypoint.
    pub command: Option<Vec<String>>,
    /// Arguments appended to it.
    pub args: Option<Vec<String>>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Secret environment variables (never printed).
    pub secrets: Vec<crate::api::SpaceSecret>,
    /// `public`, `authenticated` (the API's default) or `private` (create only).
    pub endpoint_type: Option<String>,
}

impl EndpointSpec {
    fn body(&self, name: Option<&str>) -> Result<Value, Error> {
        let creating = name.is_some();
        let mut compute = Map::new();
        let mut scaling = Map::new();
        let mut model = Map::new();
        let put = |m: &mut Map<String, Value>, key: &str, v: &Option<String>| {
            if let Some(v) = v {
                m.insert(key.into(), json!(v));
            }
        };
        put(&mut compute, "accelerator", &self.accelerator);
        put(&mut compute, "instanceSize", &self.instance_size);
        put(&mut compute, "instanceType", &self.instance_type);
        match (self.min_replica, creating) {
            (Some(n), _) => drop(scaling.insert("minReplica".into(), json!(n))),
            (None, true) => drop(scaling.insert("minReplica".into(), json!(1))),
            _ => {}
        }
        match (self.max_replica, creating) {
            (Some(n), _) => drop(scaling.insert("maxReplica".into(), json!(n))),
            (None, true) => drop(scaling.insert("maxReplica".into(), json!(1))),
            _ => {}
        }
        if let Some(t) = self.scale_to_zero_timeout {
            scaling.insert("scaleToZeroTimeout".into(), json!(t));
        } else if creating {
            scaling.insert("scaleToZeroTimeout".into(), Value::Null);
        }
        if let Some((metric, threshold)) = self.scaling {
            scaling.insert("measure".into(), json!({ metric.as_str(): threshold }));
        }
        if !scaling.is_empty() {
            compute.insert("scaling".into(), Value::Object(scaling));
        }
        put(&mut model, "repository", &self.repository);
        put(&mut model, "framework", &self.framework);
        put(&mut model, "task", &self.task);
        if self.revision.is_some() || creating {
            model.insert("revision".into(), json!(self.revision));
        }
        match &self.image {
            Some(image) => drop(model.insert("image".into(), image.to_json()?)),
            None if creating => drop(model.insert("image".into(), json!({"huggingface": {}}))),
            None => {}
        }
        if let Some(c) = &self.command {
            model.insert("command".into(), json!(c));
        }
        if let Some(a) = &self.args {
            model.insert("args".into(), json!(a));
        }
        if !self.env.is_empty() {
            model.insert(
                "env".into(),
                self.env
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect::<Map<_, _>>()
                    .into(),
            );
        }
        if !self.secrets.is_empty() {
            model.insert(
                "secrets".into(),
                self.secrets
                    .iter()
                    .map(|s| (s.key().to_owned(), json!(s.expose_value())))
                    .collect::<Map<_, _>>()
                    .into(),
            );
        }
        let mut body = Map::new();
        if let Some(name) = name {
            for (what, value) in [
                ("repository", &self.repository),
                ("framework", &self.framework),
                ("accelerator", &self.accelerator),
                ("instance size", &self.instance_size),
                ("instance type", &self.instance_type),
                ("region", &self.region),
                ("vendor", &self.vendor),
            ] {
                if value.as_deref().is_none_or(str::is_empty) {
                    return Err(Error::InvalidInput(format!(
                        "an endpoint to deploy needs its {what}"
                    )));
                }
            }
            body.insert("name".into(), json!(name));
            body.insert(
                "provider".into(),
                json!({"region": self.region, "vendor": self.vendor}),
            );
            body.insert(
                "type".into(),
                json!(self.endpoint_type.as_deref().unwrap_or("authenticated")),
            );
        }
        if !compute.is_empty() {
            body.insert("compute".into(), Value::Object(compute));
        }
        if !model.is_empty() {
            body.insert("model".into(), Value::Object(model));
        }
        Ok(Value::Object(body))
    }
}

/// A hardware flavor an endpoint may be deployed on, with the namespace's quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EndpointHardware {
    /// Its id.
    pub id: String,
    /// The cloud vendor.
    pub vendor: String,
    /// The cloud region.
    pub region: String,
    /// `cpu`, `gpu`, `neuron`.
    pub accelerator: String,
    /// `intel-icl`, `nvidia-l4`...
    pub instance_type: String,
    /// `x1`, `x4`...
    pub instance_size: String,
    /// The processor or GPU model.
    pub architecture: String,
    /// Accelerators of one replica.
    pub num_accelerators: u64,
    /// CPUs of one replica.
    pub num_cpus: Option<u64>,
    /// Memory of one replica, GB.
    pub memory_gb: f64,
    /// GPU memory of one replica, GB.
    pub gpu_memory_gb: Option<f64>,
    /// US dollars per replica per hour.
    pub price_per_hour: f64,
    /// `available`, `deprecated`, `not_available`...
    pub status: String,
    /// The namespace's accelerator quota for this instance type.
    pub max_accelerators: u64,
    /// Accelerators of it in use in the namespace.
    pub used_accelerators: u64,
}

impl EndpointHardware {
    /// Whether one replica can be deployed on it now: a usable status and enough quota.
    #[must_use]
    pub fn is_deployable(&self) -> bool {
        !matches!(self.status.as_str(), "deprecated" | "not_available")
            && self.max_accelerators.saturating_sub(self.used_accelerators) >= self.num_accelerators
    }
}

/// A tested way of deploying a catalog model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CatalogRecipe {
    /// Its id (`hf endpoints catalog deploy --recipe`).
    pub id: String,
    /// `cpu`, `gpu`, `neuron`.
    pub accelerator: String,
    /// The inference engine (`vllm`, `llamacpp`...).
    pub engine: String,
    /// The GGUF file, for models with one recipe per quantisation.
    pub gguf_file: Option<String>,
    /// The model revision.
    pub revision: Option<String>,
}

/// A model of the Inference Endpoints catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CatalogModel {
    /// The model repo.
    pub repo_id: String,
    /// Its name.
    pub name: String,
    /// Its author.
    pub author: String,
    /// Its licence.
    pub license: String,
    /// Its task.
    pub task: String,
    /// When it joined the catalog.
    pub created_at: String,
    /// Its recipes.
    pub recipes: Vec<CatalogRecipe>,
}

/// Filters of [`HubApi::list_inference_catalog`] (all optional).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CatalogFilter {
    /// Recipes on this accelerator.
    pub accelerator: Option<String>,
    /// Recipes with this engine.
    pub engine: Option<String>,
    /// Models under this licence.
    pub license: Option<String>,
    /// Models for this task.
    pub task: Option<String>,
    /// A search text.
    pub search: Option<String>,
    /// At most this many models.
    pub limit: Option<usize>,
}

/// What to deploy from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogDeploy {
    /// A model's default recipe, narrowed by accelerator and GGUF file.
    Model {
        /// The model repo.
        repo_id: String,
        /// `cpu`, `gpu`, `neuron`.
        accelerator: Option<String>,
        /// The GGUF file.
        gguf_file: Option<String>,
    },
    /// An exact recipe.
    Recipe(String),
}

/// A user, organisation or endpoint name as the Endpoints API takes it in a path.
fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 96
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name != "."
        && name != "..";
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{name}' is not a valid endpoint or namespace name (letters, digits, '-', '_', '.')"
        )))
    }
}

fn list_of<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, Error> {
    let list = value.as_array().ok_or_else(|| {
        Error::Protocol(format!(
            "the Endpoints API answered {what} that are not a list"
        ))
    })?;
    if list.len() > MAX_ENDPOINT_LIST {
        return Err(Error::Protocol(format!(
            "the Endpoints API answered {} {what} (at most {MAX_ENDPOINT_LIST} are read)",
            list.len()
        )));
    }
    Ok(list)
}

fn string(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

impl HubApi {
    /// `namespace`, or the token's user.
    async fn endpoints_namespace(&self, namespace: Option<&str>) -> Result<String, Error> {
        let ns = match namespace {
            Some(ns) => ns.to_owned(),
            None => hf_auth::whoami::whoami(&self.http).await?.name,
        };
        check_name(&ns)?;
        Ok(ns)
    }

    fn endpoints_url(&self, path: &str) -> Result<Url, Error> {
        let base = self
            .http
            .config()
            .inference_endpoints_url()
            .as_str()
            .trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::InvalidInput(format!("Inference Endpoints URL: {e}")))
    }

    fn catalog_url(&self, path: &str) -> Result<Url, Error> {
        let base = self
            .http
            .config()
            .inference_catalog_url()
            .as_str()
            .trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::InvalidInput(format!("Inference Endpoints catalog URL: {e}")))
    }

    async fn endpoint_path(
        &self,
        name: &str,
        namespace: Option<&str>,
        rest: &str,
    ) -> Result<(Url, String), Error> {
        check_name(name)?;
        let ns = self.endpoints_namespace(namespace).await?;
        Ok((
            self.endpoints_url(&format!("/endpoint/{ns}/{name}{rest}"))?,
            ns,
        ))
    }

    /// `GET {endpoints}/endpoint/{namespace}`: the namespace's endpoints.
    ///
    /// # Errors
    /// 401/403 without access to the namespace; [`Error::Protocol`] for a malformed answer.
    pub async fn list_inference_endpoints(
        &self,
        namespace: Option<&str>,
    ) -> Result<Vec<InferenceEndpoint>, Error> {
        let ns = self.endpoints_namespace(namespace).await?;
        let url = self.endpoints_url(&format!("/endpoint/{ns}"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        list_of(&answer["items"], "endpoints")?
            .iter()
            .map(|raw| InferenceEndpoint::from_json(raw.clone(), &ns))
            .collect()
    }

    /// `GET {endpoints}/endpoint/{namespace}/{name}`.
    ///
    /// # Errors
    /// 404 for an endpoint the namespace does not have.
    pub async fn inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        let (url, ns) = self.endpoint_path(name, namespace, "").await?;
        let answer: Value = self.http.get(url).send_json().await?;
        InferenceEndpoint::from_json(answer, &ns)
    }

    /// `POST {endpoints}/endpoint/{namespace}`: deploys `name` (see [`HubApi::list_endpoint_hardware`]
    /// for the valid vendor, region, accelerator, type and size).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an incomplete spec; 400 for hardware the namespace cannot
    /// use; 403 without write access there; 409 for a name used.
    pub async fn create_inference_endpoint(
        &self,
        name: &str,
        spec: &EndpointSpec,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        check_name(name)?;
        let body = spec.body(Some(name))?;
        let ns = self.endpoints_namespace(namespace).await?;
        let url = self.endpoints_url(&format!("/endpoint/{ns}"))?;
        let answer: Value = self.http.post(url).json(&body).send_json().await?;
        InferenceEndpoint::from_json(answer, &ns)
    }

    /// `PUT {endpoints}/endpoint/{namespace}/{name}`: changes what `update` sets.
    ///
    /// # Errors
    /// As [`HubApi::create_inference_endpoint`]; 404.
    pub async fn update_inference_endpoint(
        &self,
        name: &str,
        update: &EndpointSpec,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        let body = update.body(None)?;
        let (url, ns) = self.endpoint_path(name, namespace, "").await?;
        let answer: Value = self.http.put(url).json(&body).send_json().await?;
        InferenceEndpoint::from_json(answer, &ns)
    }

    /// `DELETE {endpoints}/endpoint/{namespace}/{name}`.
    ///
    /// # Errors
    /// 404; 403.
    pub async fn delete_inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<(), Error> {
        let (url, _) = self.endpoint_path(name, namespace, "").await?;
        self.http.delete(url).send_json::<Value>().await?;
        Ok(())
    }

    async fn endpoint_action(
        &self,
        name: &str,
        namespace: Option<&str>,
        action: &str,
    ) -> Result<InferenceEndpoint, Error> {
        let (url, ns) = self
            .endpoint_path(name, namespace, &format!("/{action}"))
            .await?;
        let answer: Value = self.http.post(url).send_json().await?;
        InferenceEndpoint::from_json(answer, &ns)
    }

    /// `POST .../pause`: stops it (and its billing) until resumed.
    ///
    /// # Errors
    /// 404; 403.
    pub async fn pause_inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        self.endpoint_action(name, namespace, "pause").await
    }

    /// `POST .../scale-to-zero`: no replica until the next request.
    ///
    /// # Errors
    /// 404; 403.
    pub async fn scale_to_zero_inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        self.endpoint_action(name, namespace, "scale-to-zero").await
    }

    /// `POST .../resume`: starts a paused (or scaled-to-zero, or failed) endpoint. With
    /// `running_ok`, one already running is returned as it is (the API answers 400).
    ///
    /// # Errors
    /// 400 when already running (unless `running_ok`); 404; 403.
    pub async fn resume_inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
        running_ok: bool,
    ) -> Result<InferenceEndpoint, Error> {
        let (url, ns) = self.endpoint_path(name, namespace, "/resume").await?;
        match self.http.post(url).send_json::<Value>().await {
            Ok(answer) => InferenceEndpoint::from_json(answer, &ns),
            Err(e)
                if running_ok
                    && e.status() == Some(400)
                    && e.to_string().contains("already running") =>
            {
                self.inference_endpoint(name, Some(&ns)).await
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `GET {endpoints}/provider/{namespace}`: every hardware flavor, with the namespace's quota.
    ///
    /// # Errors
    /// 401/403; [`Error::Protocol`] for a malformed answer.
    pub async fn list_endpoint_hardware(
        &self,
        namespace: Option<&str>,
    ) -> Result<Vec<EndpointHardware>, Error> {
        let ns = self.endpoints_namespace(namespace).await?;
        let url = self.endpoints_url(&format!("/provider/{ns}"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        let mut out = Vec::new();
        for vendor in list_of(&answer["vendors"], "vendors")? {
            for region in list_of(&vendor["regions"], "regions")? {
                for c in list_of(&region["computes"], "computes")? {
                    if out.len() >= MAX_ENDPOINT_LIST {
                        return Err(Error::Protocol(format!(
                            "the Endpoints API answered more than {MAX_ENDPOINT_LIST} hardware flavors"
                        )));
                    }
                    out.push(EndpointHardware {
                        id: string(c, "id"),
                        vendor: string(vendor, "name"),
                        region: string(region, "name"),
                        accelerator: string(c, "accelerator"),
                        instance_type: string(c, "instanceType"),
                        instance_size: string(c, "instanceSize"),
                        architecture: string(c, "architecture"),
                        num_accelerators: c["numAccelerators"].as_u64().unwrap_or(0),
                        num_cpus: c["numCpus"].as_u64(),
                        memory_gb: c["memoryGb"].as_f64().unwrap_or(0.0),
                        gpu_memory_gb: c["gpuMemoryGb"].as_f64(),
                        price_per_hour: c["pricePerHour"].as_f64().unwrap_or(0.0),
                        status: string(c, "status"),
                        max_accelerators: c["quota"]["maxAccelerators"].as_u64().unwrap_or(0),
                        used_accelerators: c["quota"]["usedAccelerators"].as_u64().unwrap_or(0),
                    });
                }
            }
        }
        Ok(out)
    }

    /// `GET {catalog}/list`: the catalog's models and their recipes.
    ///
    /// # Errors
    /// Network failures; [`Error::Protocol`] for a malformed answer.
    pub async fn list_inference_catalog(
        &self,
        filter: &CatalogFilter,
    ) -> Result<Vec<CatalogModel>, Error> {
        let mut url = self.catalog_url("/list")?;
        {
            let mut q = url.query_pairs_mut();
            for (key, value) in [
                ("accelerator", &filter.accelerator),
                ("engine", &filter.engine),
                ("license", &filter.license),
                ("task", &filter.task),
                ("search", &filter.search),
            ] {
                if let Some(v) = value {
                    q.append_pair(key, v);
                }
            }
            if let Some(l) = filter.limit {
                q.append_pair("limit", &l.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let answer: Value = self.http.get(url).send_json().await?;
        list_of(&answer["items"], "catalog models")?
            .iter()
            .map(|m| {
                Ok(CatalogModel {
                    repo_id: string(m, "repoId"),
                    name: string(m, "modelName"),
                    author: string(m, "authorName"),
                    license: string(m, "license"),
                    task: string(m, "task"),
                    created_at: string(m, "createdAt"),
                    recipes: list_of(&m["recipes"], "recipes")?
                        .iter()
                        .map(|r| CatalogRecipe {
                            id: string(r, "publicId"),
                            accelerator: string(r, "accelerator"),
                            engine: string(r, "engineType"),
                            gguf_file: r["ggufFile"].as_str().map(str::to_owned),
                            revision: r["revision"].as_str().map(str::to_owned),
                        })
                        .collect(),
                })
            })
            .collect()
    }

    /// `POST {catalog}/model/{repo}/deploy` or `/recipe/{id}/deploy`: an endpoint from the
    /// catalog, named `name` (or as the API chooses).
    ///
    /// # Errors
    /// 404 for a model or recipe not in the catalog; 403; 400 for hardware or quota.
    pub async fn deploy_from_catalog(
        &self,
        what: &CatalogDeploy,
        name: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<InferenceEndpoint, Error> {
        if let Some(name) = name {
            check_name(name)?;
        }
        let ns = self.endpoints_namespace(namespace).await?;
        let mut body = json!({"namespace": ns});
        if let Some(name) = name {
            body["config"] = json!({"name": name});
        }
        let url = match what {
            CatalogDeploy::Model {
                repo_id,
                accelerator,
                gguf_file,
            } => {
                let repo = crate::repo::RepoId::new(repo_id)?;
                if let Some(a) = accelerator {
                    body["accelerator"] = json!(a);
                }
                if let Some(g) = gguf_file {
                    body["ggufFile"] = json!(g);
                }
                self.catalog_url(&format!("/model/{repo}/deploy"))?
            }
            CatalogDeploy::Recipe(id) => {
                check_name(id)?;
                self.catalog_url(&format!("/recipe/{id}/deploy"))?
            }
        };
        let answer: Value = self.http.post(url).json(&body).send_json().await?;
        InferenceEndpoint::from_json(answer["endpoint"].clone(), &ns)
    }

    /// Polls the endpoint every `poll_interval` until it is no longer deploying, initializing
    /// or updating ([`InferenceEndpoint::is_settling`]), or `timeout` passes; returns the last
    /// answer (still settling after a timeout). `on_state` sees each new state.
    ///
    /// # Errors
    /// As [`HubApi::inference_endpoint`].
    pub async fn wait_for_inference_endpoint(
        &self,
        name: &str,
        namespace: Option<&str>,
        timeout: Option<Duration>,
        poll_interval: Duration,
        mut on_state: impl FnMut(&InferenceEndpoint) + Send,
    ) -> Result<InferenceEndpoint, Error> {
        let ns = self.endpoints_namespace(namespace).await?;
        let start = Instant::now();
        let mut last: Option<String> = None;
        loop {
            let endpoint = self.inference_endpoint(name, Some(&ns)).await?;
            if last.as_deref() != Some(endpoint.status()) {
                on_state(&endpoint);
                last = Some(endpoint.status().to_owned());
            }
            if !endpoint.is_settling() {
                return Ok(endpoint);
            }
            let waited = start.elapsed();
            let pause = match timeout {
                Some(limit) if waited >= limit => return Ok(endpoint),
                Some(limit) => poll_interval.min(limit - waited),
                None => poll_interval,
            };
            tokio::time::sleep(pause).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_and_passwords_are_masked_on_arrival() {
        let e = InferenceEndpoint::from_json(
            json!({
                "name": "e1", "status": {"state": "running"},
                "model": {"secrets": {"HF_TOKEN": "hf_fake_value"},
                          "image": {"custom": {"url": "x", "credentials": {"username": "u", "password": "p4ss-fake"}}}},
            }),
            "ns",
        )
        .unwrap();
        let shown = serde_json::to_string(&e).unwrap();
        assert!(
            !shown.contains("hf_fake_value") && !shown.contains("p4ss-fake"),
            "{shown}"
        );
        assert!(shown.contains("HF_TOKEN"), "{shown}");
        assert!(
            InferenceEndpoint::from_json(
                json!({"name": "../x", "status": {"state": "running"}}),
                "ns"
            )
            .is_err()
        );
    }

    #[test]
    fn a_deploy_body_is_complete_and_an_update_partial() {
        let mut spec = EndpointSpec::default();
        assert!(spec.body(Some("e")).is_err());
        spec.repository = Some("m/x".into());
        spec.framework = Some("pytorch".into());
        spec.accelerator = Some("cpu".into());
        spec.instance_size = Some("x1".into());
        spec.instance_type = Some("intel-icl".into());
        spec.region = Some("us-east-1".into());
        spec.vendor = Some("aws".into());
        let body = spec.body(Some("e")).unwrap();
        assert_eq!(body["model"]["image"], json!({"huggingface": {}}));
        assert_eq!(body["compute"]["scaling"]["minReplica"], 1);
        assert_eq!(body["type"], "authenticated");
        let update = EndpointSpec {
            min_replica: Some(2),
            ..EndpointSpec::default()
        };
        assert_eq!(
            update.body(None).unwrap(),
            json!({"compute": {"scaling": {"minReplica": 2}}})
        );
        let image = EndpointImage {
            url: "img".into(),
            variant: Some("vLLM".into()),
            registry_username: Some("u".into()),
            ..EndpointImage::default()
        };
        assert!(
            image.to_json().is_err(),
            "credentials need a custom container"
        );
    }
}
