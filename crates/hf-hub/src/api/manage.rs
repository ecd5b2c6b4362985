//! Repo management: create, delete, move, settings, branches and tags.

use hf_auth::HttpErrorKind;
use serde_json::{Map, Value, json};

use crate::api::GatedMode;
use crate::repo::{Repo, RepoId, RepoType, encode_revision, validate_revision};
use crate::{Error, HubApi};

/// Who can see a repo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone.
    Public,
    /// The owner and, for organisations, its members.
    Private,
    /// A Space whose page is public but whose app only the owner (and members) can use.
    Protected,
}

impl Visibility {
    /// `public`, `private` or `protected`, as sent to the Hub.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Protected => "protected",
        }
    }
}

/// A Space secret: a name and a value that is never printed (`Debug` shows the name only).
#[derive(Clone, PartialEq, Eq)]
pub struct SpaceSecret {
    key: String,
    value: String,
}

impl SpaceSecret {
    /// The secret `key` with `value`.
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }

    /// The name (shown freely).
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value, for the request that sets it; never for display.
    #[must_use]
    pub fn expose_value(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Debug for SpaceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpaceSecret")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A secret value on its own (a webhook's signing secret, a registry password): `Debug` and
/// `Serialize` show `(hidden)`; [`SecretValue::expose_secret`] is the only way to the value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wraps `value`.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the request that sends it; never for display.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(hidden)")
    }
}

impl serde::Serialize for SecretValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("(hidden)")
    }
}

/// A secret of a Space as the Hub lists it: its name, never its value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpaceSecretInfo {
    /// The name.
    pub key: String,
    /// Its description, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was last set, ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// A variable of a Space as the Hub lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpaceVariableInfo {
    /// The name.
    pub key: String,
    /// The value.
    pub value: String,
    /// Its description, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was last set, ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The most secrets or variables a Space listing may hold.
const MAX_SPACE_SETTINGS: usize = 10_000;

/// One entry of a Space's secrets or variables: its name and the fields the Hub sent.
type SettingEntry = (String, Map<String, Value>);

/// `{key: {value?, description?, updatedAt?}}` as the Hub answers, bounded, sorted by key.
fn settings_map(answer: Value, what: &str) -> Result<Vec<SettingEntry>, Error> {
    let Value::Object(map) = answer else {
        return Err(Error::Protocol(format!(
            "the Space's {what} are not a JSON object"
        )));
    };
    if map.len() > MAX_SPACE_SETTINGS {
        return Err(Error::Protocol(format!(
            "the Space lists {} {what} (at most {MAX_SPACE_SETTINGS} are read)",
            map.len()
        )));
    }
    let mut entries: Vec<SettingEntry> = map
        .into_iter()
        .map(|(key, value)| match value {
            Value::Object(fields) => (key, fields),
            _ => (key, Map::new()),
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

fn text_field(fields: &Map<String, Value>, name: &str) -> Option<String> {
    fields.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn variables_from(answer: Value) -> Result<Vec<SpaceVariableInfo>, Error> {
    Ok(settings_map(answer, "variables")?
        .into_iter()
        .map(|(key, fields)| SpaceVariableInfo {
            value: text_field(&fields, "value").unwrap_or_default(),
            description: text_field(&fields, "description"),
            updated_at: text_field(&fields, "updatedAt"),
            key,
        })
        .collect())
}

/// A public Space variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceVariable {
    /// The name.
    pub key: String,
    /// The value (public: shown on the Space's settings page).
    pub value: String,
}

/// A volume mounted in a Space's container: a repo or bucket, read-only or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceVolume {
    /// `model`, `dataset`, `space` or `bucket`.
    pub kind: String,
    /// `namespace/name`.
    pub source: String,
    /// Where it appears in the container (starts with `/`).
    pub mount_path: String,
    /// The revision of a repo (`None`: its default branch).
    pub revision: Option<String>,
    /// Read-only (`None`: the Hub's default: repos read-only, buckets read-write).
    pub read_only: Option<bool>,
    /// A sub-folder of the source to mount instead of all of it.
    pub path: Option<String>,
}

impl SpaceVolume {
    fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("type".into(), self.kind.as_str().into());
        map.insert("source".into(), self.source.as_str().into());
        map.insert("mountPath".into(), self.mount_path.as_str().into());
        if let Some(revision) = &self.revision {
            map.insert("revision".into(), revision.as_str().into());
        }
        if let Some(read_only) = self.read_only {
            map.insert("readOnly".into(), read_only.into());
        }
        if let Some(path) = &self.path {
            map.insert("path".into(), path.as_str().into());
        }
        Value::Object(map)
    }
}

/// What a new Space (or a duplicated one) runs with; every field is optional.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpaceOptions {
    /// The hardware flavor (`cpu-basic`, `t4-medium`, `l4x4`...).
    pub hardware: Option<String>,
    /// Seconds of inactivity before the Space sleeps (`-1`: never).
    pub sleep_time: Option<i64>,
    /// Secrets, set with the Space (values never printed).
    pub secrets: Vec<SpaceSecret>,
    /// Public environment variables.
    pub variables: Vec<SpaceVariable>,
    /// Volumes mounted in the container.
    pub volumes: Vec<SpaceVolume>,
}

crate::setters::setters!(SpaceOptions {
    with_hardware => hardware: Option<String>,
    with_sleep_time => sleep_time: Option<i64>,
    with_secrets => secrets: Vec<SpaceSecret>,
    with_variables => variables: Vec<SpaceVariable>,
    with_volumes => volumes: Vec<SpaceVolume>,
});

impl SpaceOptions {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hardware.is_none()
            && self.sleep_time.is_none()
            && self.secrets.is_empty()
            && self.variables.is_empty()
            && self.volumes.is_empty()
    }

    /// Adds the options to a create or duplicate payload (Python's keys).
    fn write_to(&self, body: &mut Map<String, Value>) {
        if let Some(hardware) = &self.hardware {
            body.insert("hardware".into(), hardware.as_str().into());
        }
        if let Some(seconds) = self.sleep_time {
            body.insert("sleepTimeSeconds".into(), seconds.into());
        }
        if !self.secrets.is_empty() {
            let secrets: Vec<Value> = self
                .secrets
                .iter()
                .map(|s| json!({"key": s.key, "value": s.value}))
                .collect();
            body.insert("secrets".into(), secrets.into());
        }
        if !self.variables.is_empty() {
            let variables: Vec<Value> = self
                .variables
                .iter()
                .map(|v| json!({"key": v.key, "value": v.value}))
                .collect();
            body.insert("variables".into(), variables.into());
        }
        if !self.volumes.is_empty() {
            let volumes: Vec<Value> = self.volumes.iter().map(SpaceVolume::to_json).collect();
            body.insert("volumes".into(), volumes.into());
        }
    }
}

/// Options of [`HubApi::create_repo`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CreateRepoOptions {
    /// `Some(Private)` or `Some(Public)`; `None` leaves the Hub's default (public).
    pub visibility: Option<Visibility>,
    /// Succeed when the repo already exists.
    pub exist_ok: bool,
    /// The Space SDK (`gradio`, `streamlit`, `docker`, `static`); required for Spaces.
    pub space_sdk: Option<String>,
    /// Hardware, sleep time, secrets and variables of a new Space (Spaces only).
    pub space: SpaceOptions,
    /// The Enterprise resource group to create the repo in.
    pub resource_group_id: Option<String>,
    /// The storage region (`us` or `eu`; Team plan or above).
    pub region: Option<String>,
    /// Start the Space from this official template: its repo id or short name (see
    /// [`HubApi::list_space_templates`]). The SDK then comes from the template.
    pub space_template: Option<String>,
}

crate::setters::setters!(CreateRepoOptions {
    with_visibility => visibility: Option<Visibility>,
    with_exist_ok => exist_ok: bool,
    with_space_sdk => space_sdk: Option<String>,
    with_space => space: SpaceOptions,
    with_resource_group_id => resource_group_id: Option<String>,
    with_region => region: Option<String>,
    with_space_template => space_template: Option<String>,
});

/// A Space the Hub offers as a template ([`HubApi::list_space_templates`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceTemplate {
    /// The short name (`Gradio`, `JupyterLab`).
    pub name: String,
    /// The template Space.
    pub repo_id: String,
    /// Its SDK, which Spaces made from it use.
    pub sdk: String,
    /// Whether copies should be private unless asked otherwise.
    #[serde(default)]
    pub preferred_private: bool,
}

/// Options of [`HubApi::duplicate_repo`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DuplicateRepoOptions {
    /// The copy's visibility (`None`: the Hub's default).
    pub visibility: Option<Visibility>,
    /// Succeed when the target exists (nothing is copied then).
    pub exist_ok: bool,
    /// Hardware, sleep time, secrets and variables of a duplicated Space.
    pub space: SpaceOptions,
    /// The Enterprise resource group of the copy.
    pub resource_group_id: Option<String>,
}

crate::setters::setters!(DuplicateRepoOptions {
    with_visibility => visibility: Option<Visibility>,
    with_exist_ok => exist_ok: bool,
    with_space => space: SpaceOptions,
    with_resource_group_id => resource_group_id: Option<String>,
});

/// Whether a call with `exist_ok` / `missing_ok` changed anything: callers say "already
/// exists" or "nothing to delete" rather than claim work that was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The repo, branch or tag was created (or deleted).
    Done,
    /// It already existed (or was already gone): nothing was changed.
    AlreadySo,
}

/// What [`HubApi::create_repo`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRepo {
    /// The repo's web URL.
    pub url: String,
    /// Whether it was created now or existed already.
    pub outcome: Outcome,
}

/// Changes for [`HubApi::update_repo_settings`]; at least one must be set.
#[derive(Debug, Clone, Copy, Default)]
pub struct RepoSettings {
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New gating mode.
    pub gated: Option<GatedMode>,
}

/// `{"name", "organization"}` as the repo endpoints expect them.
fn name_and_org(id: &RepoId) -> (String, Value) {
    let org = id
        .namespace()
        .map_or(Value::Null, |ns| Value::String(ns.to_owned()));
    (id.name().to_owned(), org)
}

impl HubApi {
    /// `POST /api/repos/create`. Returns the repo's URL and whether it was created now.
    ///
    /// With `exist_ok`, a repo that already exists is not an error (a 409, or a 401/402/403
    /// for a repo the token can read but not create, as the Python client does).
    ///
    /// # Errors
    /// 409 when it exists (without `exist_ok`), 403 without the permission, [`Error::InvalidInput`]
    /// for a Space without SDK.
    pub async fn create_repo(
        &self,
        repo: &Repo,
        options: &CreateRepoOptions,
    ) -> Result<CreatedRepo, Error> {
        if let Some(wanted) = &options.space_template {
            return self.create_from_template(repo, options, wanted).await;
        }
        self.create_repo_with(repo, options, None).await
    }

    /// `GET /api/spaces/templates`: the official Space templates.
    ///
    /// # Errors
    /// HTTP failures.
    pub async fn list_space_templates(&self) -> Result<Vec<SpaceTemplate>, Error> {
        #[derive(serde::Deserialize)]
        struct Answer {
            templates: Vec<SpaceTemplate>,
        }
        let url = self.http.url("/api/spaces/templates")?;
        let answer: Answer = self.http.get(url).send_json().await?;
        Ok(answer.templates)
    }

    /// As Python's `create_repo(space_template=...)`: the template found by repo id or
    /// (case-insensitive) name, its SDK used, private by default when it prefers so.
    async fn create_from_template(
        &self,
        repo: &Repo,
        options: &CreateRepoOptions,
        wanted: &str,
    ) -> Result<CreatedRepo, Error> {
        if repo.repo_type != RepoType::Space {
            return Err(Error::InvalidInput(
                "a Space template can only be used to create a Space".into(),
            ));
        }
        let templates = self.list_space_templates().await?;
        let Some(template) = templates.iter().find(|t| t.repo_id == wanted).or_else(|| {
            templates
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(wanted))
        }) else {
            let mut names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
            names.sort_unstable();
            return Err(Error::InvalidInput(format!(
                "unknown Space template '{wanted}' (the Hub offers: {})",
                names.join(", ")
            )));
        };
        if let Some(sdk) = &options.space_sdk
            && *sdk != template.sdk
        {
            return Err(Error::InvalidInput(format!(
                "the template {} uses the {} SDK, not {sdk}",
                template.name, template.sdk
            )));
        }
        let mut resolved = options.clone();
        resolved.space_sdk = Some(template.sdk.clone());
        if resolved.visibility.is_none() && template.preferred_private {
            resolved.visibility = Some(Visibility::Private);
        }
        self.create_repo_with(repo, &resolved, Some(&template.repo_id))
            .await
    }

    async fn create_repo_with(
        &self,
        repo: &Repo,
        options: &CreateRepoOptions,
        template: Option<&str>,
    ) -> Result<CreatedRepo, Error> {
        let (name, organization) = name_and_org(&repo.id);
        let mut body = Map::new();
        body.insert("name".into(), name.into());
        body.insert("organization".into(), organization);
        if let Some(visibility) = options.visibility {
            body.insert("visibility".into(), visibility.as_str().into());
        }
        if repo.repo_type != RepoType::Model {
            body.insert("type".into(), repo.repo_type.as_str().into());
        }
        match (&options.space_sdk, repo.repo_type) {
            (Some(sdk), RepoType::Space) => {
                body.insert("sdk".into(), sdk.as_str().into());
            }
            (None, RepoType::Space) => {
                return Err(Error::InvalidInput(
                    "creating a Space needs an SDK (gradio, streamlit, docker or static)".into(),
                ));
            }
            (Some(_), _) => {
                return Err(Error::InvalidInput(
                    "a Space SDK can only be given for Spaces".into(),
                ));
            }
            (None, _) => {}
        }
        if !options.space.is_empty() {
            if repo.repo_type != RepoType::Space {
                return Err(Error::InvalidInput(
                    "Space hardware, sleep time, secrets and variables only apply to Spaces".into(),
                ));
            }
            options.space.write_to(&mut body);
        }
        if options.visibility == Some(Visibility::Protected) && repo.repo_type != RepoType::Space {
            return Err(Error::InvalidInput("only a Space can be protected".into()));
        }
        if let Some(group) = &options.resource_group_id {
            body.insert("resourceGroupId".into(), group.as_str().into());
        }
        if let Some(region) = &options.region {
            body.insert("region".into(), region.as_str().into());
        }
        if let Some(template) = template {
            body.insert("template".into(), template.into());
        }
        let url = self.http.url("/api/repos/create")?;
        // Never retried: a create that timed out may have succeeded (Python does the same).
        let result = self.http.post(url).json(&body).send_json::<Value>().await;
        let existing = || CreatedRepo {
            url: self.repo_url(repo),
            outcome: Outcome::AlreadySo,
        };
        match result {
            Ok(answer) => Ok(CreatedRepo {
                url: answer
                    .get("url")
                    .and_then(Value::as_str)
                    .map_or_else(|| self.repo_url(repo), str::to_owned),
                outcome: Outcome::Done,
            }),
            Err(e) if options.exist_ok && *e.kind() == HttpErrorKind::Conflict => Ok(existing()),
            Err(e)
                if options.exist_ok
                    && (matches!(
                        e.kind(),
                        HttpErrorKind::Unauthorized | HttpErrorKind::Forbidden
                    ) || e.status() == Some(402)) =>
            {
                // The token may not create repos here but the repo may already exist.
                match self.repo_info(repo, None, false).await {
                    Ok(_) => Ok(existing()),
                    Err(_) => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /api/{t}/{from}/duplicate`: a copy of `from` (its files and history) as `to`, with
    /// the visibility and Space settings of `options`. With `exist_ok`, an existing `to` is not
    /// an error (nothing is copied then).
    ///
    /// # Errors
    /// [`HttpErrorKind::RepoNotFound`] for an unreadable `from`, 403 without write access to
    /// `to`'s namespace, 409 when `to` exists (without `exist_ok`).
    pub async fn duplicate_repo(
        &self,
        from: &Repo,
        to: &RepoId,
        options: &DuplicateRepoOptions,
    ) -> Result<CreatedRepo, Error> {
        let exist_ok = options.exist_ok;
        let target = Repo::new(to.clone(), from.repo_type);
        let mut body = Map::new();
        body.insert("repository".into(), to.as_str().into());
        if let Some(visibility) = options.visibility {
            body.insert("visibility".into(), visibility.as_str().into());
        }
        if let Some(group) = &options.resource_group_id {
            body.insert("resourceGroupId".into(), group.as_str().into());
        }
        if !options.space.is_empty() {
            if from.repo_type != RepoType::Space {
                return Err(Error::InvalidInput(
                    "Space hardware, sleep time, secrets and variables only apply to Spaces".into(),
                ));
            }
            options.space.write_to(&mut body);
        }
        let url = self.http.url(&format!("{}/duplicate", from.api_path()))?;
        // Never retried, as a create: a timed-out copy may have been made.
        match self.http.post(url).json(&body).send_json::<Value>().await {
            Ok(answer) => Ok(CreatedRepo {
                url: answer
                    .get("url")
                    .and_then(Value::as_str)
                    .map_or_else(|| self.repo_url(&target), str::to_owned),
                outcome: Outcome::Done,
            }),
            Err(e) if exist_ok && *e.kind() == HttpErrorKind::Conflict => Ok(CreatedRepo {
                url: self.repo_url(&target),
                outcome: Outcome::AlreadySo,
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /api/spaces/{space}/secrets`: sets (or replaces) a secret of the Space.
    ///
    /// # Errors
    /// 403 without write access to the Space, 404 for a Space that is not found.
    pub async fn add_space_secret(
        &self,
        space: &RepoId,
        secret: &SpaceSecret,
        description: Option<&str>,
    ) -> Result<(), Error> {
        let mut body = json!({"key": secret.key(), "value": secret.expose_value()});
        if let Some(description) = description {
            body["description"] = description.into();
        }
        let url = self.http.url(&format!("/api/spaces/{space}/secrets"))?;
        self.http.post(url).json(&body).send().await?;
        Ok(())
    }

    /// `DELETE /api/spaces/{space}/secrets` `{key}`.
    ///
    /// # Errors
    /// As [`HubApi::add_space_secret`].
    pub async fn delete_space_secret(&self, space: &RepoId, key: &str) -> Result<(), Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/secrets"))?;
        self.http
            .delete(url)
            .json(&json!({"key": key}))
            .send()
            .await?;
        Ok(())
    }

    /// `GET /api/spaces/{space}/secrets`: the secrets' names (values are write-only).
    ///
    /// # Errors
    /// As [`HubApi::add_space_secret`]; [`Error::Protocol`] for a malformed or oversized list.
    pub async fn list_space_secrets(&self, space: &RepoId) -> Result<Vec<SpaceSecretInfo>, Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/secrets"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        Ok(settings_map(answer, "secrets")?
            .into_iter()
            .map(|(key, fields)| SpaceSecretInfo {
                description: text_field(&fields, "description"),
                updated_at: text_field(&fields, "updatedAt"),
                key,
            })
            .collect())
    }

    /// `POST /api/spaces/{space}/variables`: sets (or replaces) a variable; returns them all.
    ///
    /// # Errors
    /// As [`HubApi::add_space_secret`].
    pub async fn add_space_variable(
        &self,
        space: &RepoId,
        variable: &SpaceVariable,
        description: Option<&str>,
    ) -> Result<Vec<SpaceVariableInfo>, Error> {
        let mut body = json!({"key": variable.key, "value": variable.value});
        if let Some(description) = description {
            body["description"] = description.into();
        }
        let url = self.http.url(&format!("/api/spaces/{space}/variables"))?;
        variables_from(self.http.post(url).json(&body).send_json().await?)
    }

    /// `DELETE /api/spaces/{space}/variables` `{key}`; returns the variables left.
    ///
    /// # Errors
    /// As [`HubApi::add_space_secret`].
    pub async fn delete_space_variable(
        &self,
        space: &RepoId,
        key: &str,
    ) -> Result<Vec<SpaceVariableInfo>, Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/variables"))?;
        variables_from(
            self.http
                .delete(url)
                .json(&json!({"key": key}))
                .send_json()
                .await?,
        )
    }

    /// `GET /api/spaces/{space}/variables`.
    ///
    /// # Errors
    /// As [`HubApi::list_space_secrets`].
    pub async fn list_space_variables(
        &self,
        space: &RepoId,
    ) -> Result<Vec<SpaceVariableInfo>, Error> {
        let url = self.http.url(&format!("/api/spaces/{space}/variables"))?;
        variables_from(self.http.get(url).send_json().await?)
    }

    /// The repo's web URL: `{endpoint}/{prefix}{id}`.
    #[must_use]
    pub fn repo_url(&self, repo: &Repo) -> String {
        format!(
            "{}{}",
            self.http.endpoint().as_str().trim_end_matches('/'),
            repo.web_path()
        )
    }

    /// `DELETE /api/repos/delete`. With `missing_ok`, a repo that does not exist is not an error.
    ///
    /// # Errors
    /// [`HttpErrorKind::RepoNotFound`] (without `missing_ok`), 403 without the permission.
    pub async fn delete_repo(&self, repo: &Repo, missing_ok: bool) -> Result<Outcome, Error> {
        let (name, organization) = name_and_org(&repo.id);
        let mut body = json!({"name": name, "organization": organization});
        if repo.repo_type != RepoType::Model {
            body["type"] = repo.repo_type.as_str().into();
        }
        let url = self.http.url("/api/repos/delete")?;
        match self
            .http
            .delete(url)
            .idempotent(false)
            .json(&body)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Done),
            Err(e) if missing_ok && *e.kind() == HttpErrorKind::RepoNotFound => {
                Ok(Outcome::AlreadySo)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /api/repos/move`: renames `from` to `to` (possibly into another namespace).
    ///
    /// # Errors
    /// 404/403 when `from` is not yours, 409 when `to` exists.
    pub async fn move_repo(&self, from: &Repo, to: &RepoId) -> Result<(), Error> {
        if from.id.namespace().is_none() || to.namespace().is_none() {
            return Err(Error::InvalidInput(format!(
                "moving needs full ids 'namespace/name' for both repos (got '{}' and '{to}')",
                from.id
            )));
        }
        let body = json!({"fromRepo": from.id.as_str(), "toRepo": to.as_str(), "type": from.repo_type.as_str()});
        let url = self.http.url("/api/repos/move")?;
        self.http.post(url).json(&body).send().await?;
        Ok(())
    }

    /// `PUT /api/{t}/{repo}/settings`: changes visibility and/or gating.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when nothing is to change; 403 without admin rights.
    pub async fn update_repo_settings(
        &self,
        repo: &Repo,
        settings: &RepoSettings,
    ) -> Result<(), Error> {
        let mut body = Map::new();
        if let Some(gated) = settings.gated {
            body.insert("gated".into(), gated.to_json());
        }
        if let Some(visibility) = settings.visibility {
            body.insert("visibility".into(), visibility.as_str().into());
        }
        if body.is_empty() {
            return Err(Error::InvalidInput(
                "nothing to update: give a visibility and/or a gated mode".into(),
            ));
        }
        let url = self.http.url(&format!("{}/settings", repo.api_path()))?;
        self.http
            .put(url)
            .idempotent(false)
            .json(&body)
            .send()
            .await?;
        Ok(())
    }

    /// `POST /api/{t}/{repo}/branch/{branch}`, starting from `starting_point` (the default
    /// branch's head when `None`). With `exist_ok`, an existing branch is not an error.
    ///
    /// # Errors
    /// 409 when it exists (without `exist_ok`), `RevisionNotFound` for a bad starting point.
    pub async fn create_branch(
        &self,
        repo: &Repo,
        branch: &str,
        starting_point: Option<&str>,
        exist_ok: bool,
    ) -> Result<Outcome, Error> {
        validate_revision(branch)?;
        let url = self.http.url(&format!(
            "{}/branch/{}",
            repo.api_path(),
            encode_revision(branch)
        ))?;
        let mut body = Map::new();
        if let Some(start) = starting_point {
            validate_revision(start)?;
            body.insert("startingPoint".into(), start.into());
        }
        match self.http.post(url).json(&body).send().await {
            Ok(_) => Ok(Outcome::Done),
            Err(e) if exist_ok && *e.kind() == HttpErrorKind::Conflict => Ok(Outcome::AlreadySo),
            Err(e) => Err(e.into()),
        }
    }

    /// `DELETE /api/{t}/{repo}/branch/{branch}`.
    ///
    /// # Errors
    /// `RevisionNotFound` / 404 for an unknown branch, 403 for protected ones.
    pub async fn delete_branch(&self, repo: &Repo, branch: &str) -> Result<(), Error> {
        validate_revision(branch)?;
        let url = self.http.url(&format!(
            "{}/branch/{}",
            repo.api_path(),
            encode_revision(branch)
        ))?;
        self.http.delete(url).idempotent(false).send().await?;
        Ok(())
    }

    /// `POST /api/{t}/{repo}/tag/{revision}` with `{"tag", "message"?}`: tags `revision`
    /// (the default branch when `None`). With `exist_ok`, an existing tag is not an error.
    ///
    /// # Errors
    /// 409 when the tag exists (without `exist_ok`), `RevisionNotFound`.
    pub async fn create_tag(
        &self,
        repo: &Repo,
        tag: &str,
        revision: Option<&str>,
        message: Option<&str>,
        exist_ok: bool,
    ) -> Result<Outcome, Error> {
        validate_revision(tag)?;
        let revision = revision.unwrap_or(crate::repo::DEFAULT_REVISION);
        validate_revision(revision)?;
        let url = self.http.url(&format!(
            "{}/tag/{}",
            repo.api_path(),
            encode_revision(revision)
        ))?;
        let mut body = json!({"tag": tag});
        if let Some(message) = message {
            body["message"] = message.into();
        }
        match self.http.post(url).json(&body).send().await {
            Ok(_) => Ok(Outcome::Done),
            Err(e) if exist_ok && *e.kind() == HttpErrorKind::Conflict => Ok(Outcome::AlreadySo),
            Err(e) => Err(e.into()),
        }
    }

    /// `DELETE /api/{t}/{repo}/tag/{tag}`.
    ///
    /// # Errors
    /// 404 for an unknown tag, 403 without the permission.
    pub async fn delete_tag(&self, repo: &Repo, tag: &str) -> Result<(), Error> {
        validate_revision(tag)?;
        let url = self
            .http
            .url(&format!("{}/tag/{}", repo.api_path(), encode_revision(tag)))?;
        self.http.delete(url).idempotent(false).send().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_becomes_organization() {
        let (name, org) = name_and_org(&RepoId::new("org/x").unwrap());
        assert_eq!((name.as_str(), org), ("x", Value::String("org".into())));
        let (name, org) = name_and_org(&RepoId::new("x").unwrap());
        assert_eq!((name.as_str(), org), ("x", Value::Null));
    }
}
