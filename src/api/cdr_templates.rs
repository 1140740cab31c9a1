//! `/v1/tenants/{code}/cdr-templates` and the admin `/v1/cdr-templates`: the output templates of the
//! legacy INFO cdrs (CONTRACT §4). `{row_loop}`…`{/row_loop}` wraps the per-call text, `{$field}`
//! inserts a CDR field. Stored by name; PUT creates or replaces.

use chrono::{DateTime, Utc};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::Deleted;
use super::bounded::{Text, TextRule, text_rules};
use super::problem::ApiResult;
use super::security::Auth;
use crate::domain::bounds::Length;
use crate::domain::time::stored_utc;
use crate::service::Core;
use crate::service::cdr_templates::{self, TemplateInput, TemplateScope};
use crate::service::model::TemplateRow;

/// A stored template.
#[derive(Debug, Object)]
pub struct CdrTemplate {
    /// Name (1-64 of letters, digits, `_ . -`); legacy `template=` selects it.
    pub name: String,
    /// Template text.
    pub body: String,
    /// Used for legacy `format=csv` output when no `template` is given.
    pub csv_default: bool,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<TemplateRow> for CdrTemplate {
    fn from(row: TemplateRow) -> Self {
        CdrTemplate {
            created_at: stored_utc(&row.created_at),
            updated_at: stored_utc(&row.updated_at),
            name: row.name,
            body: row.body,
            csv_default: row.csv_default,
        }
    }
}

text_rules! {
    /// A template's name, as the path takes it.
    TemplateNameRule = Length { min: 1, max: 64 }, cdr_templates::NAME_PATTERN;
}

/// Template texts: 1 to [`cdr_templates::MAX_BODY`] bytes (the schema's `maxLength` counts
/// characters, so a text of many multi-byte characters can still be refused).
#[derive(Debug)]
pub struct BodyRule;

impl TextRule for BodyRule {
    const LENGTH: Length = Length { min: 1, max: cdr_templates::MAX_BODY };
    /// Templates are multi-line text.
    const MULTILINE: bool = true;
}

/// Template content to store.
#[derive(Debug, Object)]
pub struct CdrTemplateInput {
    /// Template text, at most 64 KiB (counted in UTF-8 bytes), at most one `{row_loop}`.
    pub body: Text<BodyRule>,
    /// Make it the CSV export template of its scope (unmarks the previous one).
    #[oai(default)]
    pub csv_default: bool,
}

/// Templates of a scope.
#[derive(Debug, Object)]
pub struct CdrTemplateList {
    /// By name.
    pub items: Vec<CdrTemplate>,
}

/// 201 when created, 200 when replaced.
#[derive(ApiResponse)]
pub enum Stored {
    /// Replaced.
    #[oai(status = 200)]
    Replaced(Json<CdrTemplate>),
    /// Created.
    #[oai(status = 201)]
    Created(Json<CdrTemplate>),
}

/// Template endpoints.
#[derive(Debug)]
pub struct CdrTemplatesApi {
    /// Service core.
    pub core: Core,
}

impl CdrTemplatesApi {
    async fn list_in(&self, auth: Auth, scope: TemplateScope<'_>) -> ApiResult<Json<CdrTemplateList>> {
        let principal = auth.principal(&self.core).await?;
        let rows = cdr_templates::list(&self.core, &principal, scope).await?;
        Ok(Json(CdrTemplateList { items: rows.into_iter().map(CdrTemplate::from).collect() }))
    }

    async fn get_in(&self, auth: Auth, scope: TemplateScope<'_>, name: &str) -> ApiResult<Json<CdrTemplate>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(cdr_templates::get(&self.core, &principal, scope, name).await?.into()))
    }

    async fn put_in(
        &self,
        auth: Auth,
        scope: TemplateScope<'_>,
        name: &str,
        input: CdrTemplateInput,
    ) -> ApiResult<Stored> {
        let principal = auth.principal(&self.core).await?;
        let input = TemplateInput { body: &input.body.0, csv_default: input.csv_default };
        let (row, created) = cdr_templates::put(&self.core, &principal, scope, name, input).await?;
        Ok(if created { Stored::Created(Json(row.into())) } else { Stored::Replaced(Json(row.into())) })
    }

    async fn delete_in(&self, auth: Auth, scope: TemplateScope<'_>, name: &str) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        cdr_templates::delete(&self.core, &principal, scope, name).await?;
        Ok(Deleted::Deleted)
    }
}

#[OpenApi(tag = "super::ApiTags::CdrTemplates")]
impl CdrTemplatesApi {
    /// The tenant's templates.
    #[oai(path = "/v1/tenants/:code/cdr-templates", method = "get", operation_id = "list_cdr_templates")]
    async fn list(&self, auth: Auth, code: Path<String>) -> ApiResult<Json<CdrTemplateList>> {
        self.list_in(auth, TemplateScope::Tenant(&code)).await
    }

    /// One of the tenant's templates.
    #[oai(path = "/v1/tenants/:code/cdr-templates/:name", method = "get", operation_id = "get_cdr_template")]
    async fn get(
        &self,
        auth: Auth,
        code: Path<String>,
        name: Path<Text<TemplateNameRule>>,
    ) -> ApiResult<Json<CdrTemplate>> {
        self.get_in(auth, TemplateScope::Tenant(&code), &name.0.0).await
    }

    /// Create or replace one of the tenant's templates.
    #[oai(path = "/v1/tenants/:code/cdr-templates/:name", method = "put", operation_id = "put_cdr_template")]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        name: Path<Text<TemplateNameRule>>,
        body: Json<CdrTemplateInput>,
    ) -> ApiResult<Stored> {
        self.put_in(auth, TemplateScope::Tenant(&code), &name.0.0, body.0).await
    }

    /// Delete one of the tenant's templates.
    #[oai(path = "/v1/tenants/:code/cdr-templates/:name", method = "delete", operation_id = "delete_cdr_template")]
    async fn delete(&self, auth: Auth, code: Path<String>, name: Path<Text<TemplateNameRule>>) -> ApiResult<Deleted> {
        self.delete_in(auth, TemplateScope::Tenant(&code), &name.0.0).await
    }

    /// The admin templates (all-tenant output; admin only).
    #[oai(path = "/v1/cdr-templates", method = "get", operation_id = "list_admin_cdr_templates")]
    async fn list_global(&self, auth: Auth) -> ApiResult<Json<CdrTemplateList>> {
        self.list_in(auth, TemplateScope::Global).await
    }

    /// One admin template.
    #[oai(path = "/v1/cdr-templates/:name", method = "get", operation_id = "get_admin_cdr_template")]
    async fn get_global(&self, auth: Auth, name: Path<Text<TemplateNameRule>>) -> ApiResult<Json<CdrTemplate>> {
        self.get_in(auth, TemplateScope::Global, &name.0.0).await
    }

    /// Create or replace an admin template.
    #[oai(path = "/v1/cdr-templates/:name", method = "put", operation_id = "put_admin_cdr_template")]
    async fn put_global(
        &self,
        auth: Auth,
        name: Path<Text<TemplateNameRule>>,
        body: Json<CdrTemplateInput>,
    ) -> ApiResult<Stored> {
        self.put_in(auth, TemplateScope::Global, &name.0.0, body.0).await
    }

    /// Delete an admin template.
    #[oai(path = "/v1/cdr-templates/:name", method = "delete", operation_id = "delete_admin_cdr_template")]
    async fn delete_global(&self, auth: Auth, name: Path<Text<TemplateNameRule>>) -> ApiResult<Deleted> {
        self.delete_in(auth, TemplateScope::Global, &name.0.0).await
    }
}
