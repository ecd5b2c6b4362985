//! Webhooks of the token's user (`/api/settings/webhooks...`): what they watch, where they
//! send (a URL, or a Job to trigger), and the secret that signs their payloads, which is a
//! [`SecretValue`] that never prints.

use serde::Serialize;
use serde_json::{Value, json};

use crate::api::SecretValue;
use crate::{Error, HubApi};

/// The most webhooks read from one listing.
pub const MAX_WEBHOOKS: usize = 1_000;
/// The most watched items read from one webhook.
pub const MAX_WATCHED: usize = 1_000;

/// What a webhook watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum WatchedKind {
    /// A storage bucket.
    Bucket,
    /// A dataset repo.
    Dataset,
    /// A model repo.
    Model,
    /// Every repo of an organisation.
    Org,
    /// A Space.
    Space,
    /// Every repo of a user.
    User,
}

impl WatchedKind {
    /// Every kind, in Python's order.
    pub const ALL: [Self; 6] = [
        Self::Bucket,
        Self::Dataset,
        Self::Model,
        Self::Org,
        Self::Space,
        Self::User,
    ];

    /// The API's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bucket => "bucket",
            Self::Dataset => "dataset",
            Self::Model => "model",
            Self::Org => "org",
            Self::Space => "space",
            Self::User => "user",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One watched item: a repo (`model:bert-base-uncased`), a user or an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchedItem {
    /// What it is.
    #[serde(rename = "type")]
    pub kind: WatchedKind,
    /// Its name (a repo id, a user or organisation name).
    pub name: String,
}

impl std::str::FromStr for WatchedItem {
    type Err = Error;

    /// `type:name`, as `hf webhooks create --watch` takes it.
    fn from_str(text: &str) -> Result<Self, Error> {
        let kinds = WatchedKind::ALL.map(WatchedKind::as_str).join(", ");
        let Some((kind, name)) = text.split_once(':') else {
            return Err(Error::InvalidInput(format!(
                "expected format 'type:name' (e.g. 'model:bert-base-uncased'), got '{text}'. Valid types: {kinds}."
            )));
        };
        let Some(kind) = WatchedKind::parse(kind) else {
            return Err(Error::InvalidInput(format!(
                "invalid type '{kind}'. Valid types: {kinds}."
            )));
        };
        if name.is_empty() {
            return Err(Error::InvalidInput(format!(
                "'{text}' names nothing to watch"
            )));
        }
        Ok(Self {
            kind,
            name: name.to_owned(),
        })
    }
}

/// What a webhook reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum WebhookDomain {
    /// Commits, repo creation and settings.
    Repo,
    /// Discussions, pull requests and comments.
    Discussion,
}

impl WebhookDomain {
    /// The API's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repo => "repo",
            Self::Discussion => "discussion",
        }
    }
}

/// A webhook, as the Hub describes it (its secret hidden: see [`SecretValue`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Its id.
    pub id: String,
    /// Where it sends payloads (`None` for a Job webhook).
    pub url: Option<String>,
    /// The Job it triggers, as the Hub describes it (`None` for a URL webhook).
    pub job: Option<Value>,
    /// What it watches.
    pub watched: Vec<WatchedItem>,
    /// What it reacts to.
    pub domains: Vec<String>,
    /// The secret that signs its payloads, if any.
    pub secret: Option<SecretValue>,
    /// Whether it is disabled.
    pub disabled: bool,
}

impl Webhook {
    fn from_json(value: &Value) -> Result<Self, Error> {
        let malformed = |what: &str| Error::Protocol(format!("the Hub answered a webhook {what}"));
        let id = value["id"]
            .as_str()
            .ok_or_else(|| malformed("without an id"))?;
        if !id.chars().all(|c| c.is_ascii_alphanumeric()) || id.len() > 64 {
            return Err(malformed("with a malformed id"));
        }
        let watched = value["watched"].as_array().map_or(&[][..], Vec::as_slice);
        if watched.len() > MAX_WATCHED {
            return Err(malformed(&format!(
                "watching {} items (at most {MAX_WATCHED} are read)",
                watched.len()
            )));
        }
        let watched = watched
            .iter()
            .map(|w| {
                let kind = w["type"].as_str().and_then(WatchedKind::parse);
                match (kind, w["name"].as_str()) {
                    (Some(kind), Some(name)) => Ok(WatchedItem {
                        kind,
                        name: name.to_owned(),
                    }),
                    _ => Err(malformed("with a malformed watched item")),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id: id.to_owned(),
            url: value["url"].as_str().map(str::to_owned),
            job: value.get("job").filter(|j| j.is_object()).cloned(),
            watched,
            domains: value["domains"]
                .as_array()
                .map(|d| {
                    d.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .take(8)
                        .collect()
                })
                .unwrap_or_default(),
            secret: value["secret"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(SecretValue::new),
            disabled: value["disabled"].as_bool().unwrap_or(false),
        })
    }
}

/// Where a webhook sends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookTarget {
    /// A URL that receives each payload.
    Url(String),
    /// A Job (its id) to run with the payload in `WEBHOOK_PAYLOAD`.
    Job(String),
}

/// A webhook to create, or what to change in one ([`HubApi::update_webhook`]: `None` and
/// empty lists leave a field as it is).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WebhookSpec {
    /// Where it sends (required to create).
    pub target: Option<WebhookTarget>,
    /// What it watches (at least one to create; replaces the whole list on update).
    pub watched: Vec<WatchedItem>,
    /// What it reacts to (all domains when empty on create).
    pub domains: Vec<WebhookDomain>,
    /// The secret that signs its payloads.
    pub secret: Option<SecretValue>,
    /// Secrets of a Job webhook's Job, by name (only with [`WebhookTarget::Job`]).
    pub job_secrets: Vec<crate::api::SpaceSecret>,
}

fn check_webhook_id(id: &str) -> Result<(), Error> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{id}' is not a webhook id (see `hf webhooks list`)"
        )))
    }
}

impl WebhookSpec {
    fn body(&self, creating: bool) -> Result<Value, Error> {
        if creating && self.watched.is_empty() {
            return Err(Error::InvalidInput(
                "a webhook watches at least one item".into(),
            ));
        }
        if creating && self.target.is_none() {
            return Err(Error::InvalidInput("a webhook needs a URL or a Job".into()));
        }
        let is_job = matches!(self.target, Some(WebhookTarget::Job(_)));
        if !self.job_secrets.is_empty() && !is_job {
            return Err(Error::InvalidInput(
                "Job secrets need a Job webhook (a Job id)".into(),
            ));
        }
        let mut body = json!({});
        if creating || !self.watched.is_empty() {
            body["watched"] = json!(self.watched);
        }
        if !self.domains.is_empty() {
            body["domains"] = json!(self.domains);
        } else if creating {
            body["domains"] = json!(["repo", "discussion"]);
        }
        match &self.target {
            Some(WebhookTarget::Url(url)) => body["url"] = json!(url),
            Some(WebhookTarget::Job(id)) => body["jobSourceId"] = json!(id),
            None => {}
        }
        if let Some(secret) = &self.secret {
            body["secret"] = json!(secret.expose_secret());
        }
        if !self.job_secrets.is_empty() {
            body["secrets"] = self
                .job_secrets
                .iter()
                .map(|s| (s.key().to_owned(), Value::from(s.expose_value())))
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
        Ok(body)
    }
}

impl HubApi {
    /// `GET /api/settings/webhooks`: the token's user's webhooks.
    ///
    /// # Errors
    /// 401 without a token; [`Error::Protocol`] for a malformed or oversized answer.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let url = self.http.url("/api/settings/webhooks")?;
        let answer: Value = self.http.get(url).send_json().await?;
        let list = answer.as_array().ok_or_else(|| {
            Error::Protocol("the Hub answered webhooks that are not a list".into())
        })?;
        if list.len() > MAX_WEBHOOKS {
            return Err(Error::Protocol(format!(
                "the Hub answered {} webhooks (at most {MAX_WEBHOOKS} are read)",
                list.len()
            )));
        }
        list.iter().map(Webhook::from_json).collect()
    }

    /// `GET /api/settings/webhooks/{id}`.
    ///
    /// # Errors
    /// 404 for a webhook the user does not have.
    pub async fn webhook(&self, id: &str) -> Result<Webhook, Error> {
        check_webhook_id(id)?;
        let url = self.http.url(&format!("/api/settings/webhooks/{id}"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        Webhook::from_json(&answer["webhook"])
    }

    /// `POST /api/settings/webhooks`: a new webhook.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an incomplete spec; 403 for a read token or a fine-grained
    /// token without `user.webhooks.write` (an organisation token).
    pub async fn create_webhook(&self, spec: &WebhookSpec) -> Result<Webhook, Error> {
        let body = spec.body(true)?;
        let url = self.http.url("/api/settings/webhooks")?;
        let answer: Value = self.http.post(url).json(&body).send_json().await?;
        Webhook::from_json(&answer["webhook"])
    }

    /// `POST /api/settings/webhooks/{id}`: changes what `spec` sets.
    ///
    /// # Errors
    /// As [`HubApi::create_webhook`]; 404.
    pub async fn update_webhook(&self, id: &str, spec: &WebhookSpec) -> Result<Webhook, Error> {
        check_webhook_id(id)?;
        let body = spec.body(false)?;
        let url = self.http.url(&format!("/api/settings/webhooks/{id}"))?;
        let answer: Value = self.http.post(url).json(&body).send_json().await?;
        Webhook::from_json(&answer["webhook"])
    }

    /// `POST /api/settings/webhooks/{id}/enable` or `/disable`.
    ///
    /// # Errors
    /// As [`HubApi::update_webhook`].
    pub async fn set_webhook_enabled(&self, id: &str, enabled: bool) -> Result<Webhook, Error> {
        check_webhook_id(id)?;
        let action = if enabled { "enable" } else { "disable" };
        let url = self
            .http
            .url(&format!("/api/settings/webhooks/{id}/{action}"))?;
        let answer: Value = self.http.post(url).send_json().await?;
        Webhook::from_json(&answer["webhook"])
    }

    /// `DELETE /api/settings/webhooks/{id}`.
    ///
    /// # Errors
    /// As [`HubApi::update_webhook`].
    pub async fn delete_webhook(&self, id: &str) -> Result<(), Error> {
        check_webhook_id(id)?;
        let url = self.http.url(&format!("/api/settings/webhooks/{id}"))?;
        self.http.delete(url).send_json::<Value>().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_never_prints() {
        let w = Webhook::from_json(&json!({
            "id": "abc123", "url": "https://example.invalid/hook", "watched": [{"type": "model", "name": "m/x"}],
            "domains": ["repo"], "secret": "fake-webhook-secret-1234", "disabled": false,
        }))
        .unwrap();
        let shown = format!("{w:?} {}", serde_json::to_string(&w).unwrap());
        assert!(!shown.contains("fake-webhook-secret-1234"), "{shown}");
        assert_eq!(
            w.secret.as_ref().map(SecretValue::expose_secret),
            Some("fake-webhook-secret-1234")
        );
    }

    #[test]
    fn watched_items_parse_as_python_does() {
        let item: WatchedItem = "org:HuggingFace".parse().unwrap();
        assert_eq!(
            (item.kind, item.name.as_str()),
            (WatchedKind::Org, "HuggingFace")
        );
        let model: WatchedItem = "model:a/b:c".parse().unwrap();
        assert_eq!(model.name, "a/b:c");
        assert!("nope".parse::<WatchedItem>().is_err());
        assert!("repo:x".parse::<WatchedItem>().is_err());
    }

    #[test]
    fn a_spec_is_complete_before_it_is_sent() {
        let mut spec = WebhookSpec::default();
        assert!(spec.body(true).is_err());
        spec.watched.push("user:u".parse().unwrap());
        spec.target = Some(WebhookTarget::Url("https://x.invalid".into()));
        spec.job_secrets
            .push(crate::api::SpaceSecret::new("K", "v"));
        assert!(spec.body(true).is_err(), "job secrets on a URL webhook");
        spec.job_secrets.clear();
        let body = spec.body(true).unwrap();
        assert_eq!(body["domains"], json!(["repo", "discussion"]));
    }
}
