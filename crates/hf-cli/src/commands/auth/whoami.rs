//! `hf auth whoami`: who the token belongs to, its role and, for a fine-grained one, its scopes.

use super::common::{join_or_none, source_kind, validate};
use crate::commands::Context;
use crate::output::{Human, Render};
use anyhow::Context as _;
use clap::Args;
use hf_auth::TokenSource;
use serde::Serialize;

/// Options of `hf auth whoami`.
#[derive(Debug, Args)]
pub(crate) struct WhoamiArgs {}

// ----- whoami -----

#[derive(Debug, Serialize)]
pub(crate) struct WhoamiReport {
    pub(crate) user: String,
    pub(crate) fullname: Option<String>,
    pub(crate) orgs: Vec<String>,
    pub(crate) token_name: Option<String>,
    pub(crate) role: Option<String>,
    pub(crate) expires: Option<String>,
    pub(crate) fine_grained: Option<FineGrainedReport>,
    pub(crate) token_source: &'static str,
    pub(crate) token_source_detail: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct FineGrainedReport {
    pub(crate) can_read_gated_repos: bool,
    pub(crate) global: Vec<String>,
    pub(crate) scoped: Vec<ScopeReport>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ScopeReport {
    pub(crate) entity_type: String,
    pub(crate) entity: String,
    pub(crate) permissions: Vec<String>,
}

impl Render for WhoamiReport {
    fn human(&self) -> Human {
        let user = match &self.fullname {
            Some(full) if !full.is_empty() => format!("{} ({full})", self.user),
            _ => self.user.clone(),
        };
        let mut fields = vec![
            ("user".to_owned(), user),
            ("orgs".to_owned(), join_or_none(&self.orgs)),
            (
                "token".to_owned(),
                self.token_name
                    .clone()
                    .unwrap_or_else(|| "(unnamed)".into()),
            ),
            (
                "role".to_owned(),
                self.role.clone().unwrap_or_else(|| "unknown".into()),
            ),
        ];
        if let Some(fine) = &self.fine_grained {
            for scope in &fine.scoped {
                fields.push((
                    "scope".to_owned(),
                    format!(
                        "{} {}: {}",
                        scope.entity_type,
                        scope.entity,
                        scope.permissions.join(", ")
                    ),
                ));
            }
            if !fine.global.is_empty() {
                fields.push(("global".to_owned(), fine.global.join(", ")));
            }
            fields.push((
                "gated repos".to_owned(),
                if fine.can_read_gated_repos {
                    "readable (when access was granted)"
                } else {
                    "not readable with this token"
                }
                .to_owned(),
            ));
        }
        if let Some(expires) = &self.expires {
            fields.push(("expires".to_owned(), expires.clone()));
        }
        fields.push(("token source".to_owned(), self.token_source_detail.clone()));
        Human::Fields(fields)
    }
}

pub(crate) async fn whoami(_args: &WhoamiArgs, context: &mut Context) -> anyhow::Result<()> {
    let found = context
        .session
        .token_on_purpose()?
        .clone()
        .require()
        .context("not logged in")?;
    let who = validate(context, &found).await?;
    let access = who.access_token();
    let report = WhoamiReport {
        user: who.name.clone(),
        fullname: who.fullname.clone(),
        orgs: who.org_names().into_iter().map(str::to_owned).collect(),
        token_name: who.token_name().map(str::to_owned),
        // The Hub's own name: `read`, `write`, `fineGrained`, `admin`, or a newer one as sent.
        role: who.access_token().and_then(|t| t.role.clone()),
        expires: access.and_then(|a| a.expiration.clone()),
        fine_grained: access
            .and_then(|a| a.fine_grained.as_ref())
            .map(|fine| FineGrainedReport {
                can_read_gated_repos: fine.can_read_gated_repos,
                global: fine.global.clone(),
                scoped: fine
                    .scoped
                    .iter()
                    .map(|scope| ScopeReport {
                        entity_type: scope.entity.kind.clone(),
                        entity: scope.entity.name.clone(),
                        permissions: scope.permissions.clone(),
                    })
                    .collect(),
            }),
        token_source: source_kind(&found.source),
        token_source_detail: match &found.source {
            // `~/.cache/huggingface/token` reads better than the absolute path.
            TokenSource::TokenFile(path) => {
                format!("from the token file {}", context.session.display_path(path))
            }
            other => format!("from {other}"),
        },
    };
    context.output.emit(&report)
}
