//! `/v1/tenants`: tenant CRUD (admin). Tenants are addressed by their code.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};

use super::bounded::{Text, text_rules};
use super::input::{InputBuilder, time};
use super::pagination::{next_cursor, page_request};
use super::problem::{ApiError, ApiResult, from_service};
use super::resource::{fetched, matches_if, saved};
use super::security::Auth;
use super::{ApiTags, Created, Deleted, Fetched, Saved, rest_name};
use crate::service::catalog::TENANT;
use crate::service::model::Row;
use crate::service::objects::Filter;
use crate::service::objects::{self, Input};
use crate::service::tenants::{self as service, TenantRules};
use crate::service::{Core, ServiceError};

/// REST name ↔ legacy column.
const NAMES: &[(&str, &str)] = &[
    ("code", "te_code"),
    ("name", "te_name"),
    ("disabled", "te_disabled"),
    ("billing_code", "te_billingcode"),
    ("recording_host", "te_recordinghost"),
    ("recording_user", "te_recordinguser"),
    ("recording_password", "te_recordingpassword"),
    ("parking_start", "pk_start"),
    ("parking_end", "pk_end"),
];

fn field(legacy: &str) -> &str {
    rest_name(NAMES, legacy)
}

fn err(e: ServiceError) -> ApiError {
    from_service(e, field)
}

/// A tenant.
#[derive(Debug, Object)]
pub struct Tenant {
    /// Internal id (`te_id`; legacy destination tags and MANAGEDB use it).
    pub id: i64,
    /// Unique code, fixed at creation; part of SIP usernames (`<number>-<CODE>`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Disabled tenants keep their data but should not place calls.
    pub disabled: bool,
    /// Billing reference.
    pub billing_code: String,
    /// Host receiving call recordings.
    pub recording_host: String,
    /// User on the recording host.
    pub recording_user: String,
    /// First parking slot.
    pub parking_start: Option<u32>,
    /// Last parking slot.
    pub parking_end: Option<u32>,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<&Row> for Tenant {
    fn from(row: &Row) -> Self {
        Tenant {
            id: row.id,
            code: row.text("te_code").into(),
            name: row.text("te_name").into(),
            disabled: row.flag("te_disabled"),
            billing_code: row.text("te_billingcode").into(),
            recording_host: row.text("te_recordinghost").into(),
            recording_user: row.text("te_recordinguser").into(),
            parking_start: row.text("pk_start").parse().ok(),
            parking_end: row.text("pk_end").parse().ok(),
            created_at: time(row.text("te_created_at")),
            updated_at: time(row.text("te_updated_at")),
        }
    }
}

/// Settings shared by create and patch: absent members stay as they are, `null` empties one.
#[derive(Debug, Object)]
pub struct TenantSettings {
    /// Disabled.
    pub disabled: MaybeUndefined<bool>,
    /// Billing reference.
    pub billing_code: MaybeUndefined<String>,
    /// Host receiving call recordings.
    pub recording_host: MaybeUndefined<String>,
    /// User on the recording host.
    pub recording_user: MaybeUndefined<String>,
    /// Password on the recording host (write-only).
    #[oai(write_only)]
    pub recording_password: MaybeUndefined<String>,
    /// First parking slot.
    pub parking_start: MaybeUndefined<u32>,
    /// Last parking slot.
    pub parking_end: MaybeUndefined<u32>,
}

impl TenantSettings {
    fn into_input(self, builder: InputBuilder) -> Input {
        builder
            .set("te_disabled", self.disabled)
            .set("te_billingcode", self.billing_code)
            .set("te_recordinghost", self.recording_host)
            .set("te_recordinguser", self.recording_user)
            .set("te_recordingpassword", self.recording_password)
            .set("pk_start", self.parking_start.map_value(|v| v.to_string()))
            .set("pk_end", self.parking_end.map_value(|v| v.to_string()))
            .build()
    }
}

text_rules! {
    /// `te_code`.
    CodeRule = TENANT.length_of("te_code"), crate::domain::TenantCode::PATTERN;
    /// `te_name`.
    NameRule = TENANT.length_of("te_name");
}

/// A new tenant.
#[derive(Debug, Object)]
pub struct TenantCreate {
    /// Unique code: 1-32 characters of A-Z, a-z, 0-9, `_`; cannot be changed later.
    pub code: Text<CodeRule>,
    /// Display name.
    pub name: Text<NameRule>,
    #[oai(flatten)]
    pub settings: TenantSettings,
}

/// Changes to a tenant, as a JSON Merge Patch: absent members stay as they are, `null` empties one.
/// The code cannot change.
#[derive(Debug, Object)]
pub struct TenantPatch {
    /// Display name (cannot be emptied).
    pub name: MaybeUndefined<Text<NameRule>>,
    #[oai(flatten)]
    pub settings: TenantSettings,
}

/// A page of tenants.
#[derive(Debug, Object)]
pub struct TenantPage {
    /// The tenants, by id.
    pub items: Vec<Tenant>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Tenant endpoints.
#[derive(Debug)]
pub struct TenantsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Tenants")]
impl TenantsApi {
    /// List tenants (admin).
    #[oai(path = "/v1/tenants", method = "get", operation_id = "list_tenants")]
    async fn list(
        &self,
        auth: Auth,
        /// Only the tenant with this exact code.
        code: Query<Option<String>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<crate::api::pagination::Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<TenantPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(crate::api::pagination::Limit::get), cursor.0.as_deref())?;
        let filters = match code.0 {
            Some(code) => vec![Filter::equals(&TenantRules, "te_code", &code).map_err(err)?],
            None => Vec::new(),
        };
        let rows = objects::list(&self.core, &principal, &TenantRules, None, filters, page).await.map_err(err)?;
        Ok(Json(TenantPage {
            items: rows.items.iter().map(Tenant::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// Create a tenant (admin).
    #[oai(path = "/v1/tenants", method = "post", operation_id = "create_tenant")]
    async fn create(&self, auth: Auth, body: Json<TenantCreate>) -> ApiResult<Created<Tenant>> {
        let principal = auth.principal(&self.core).await?;
        let b = body.0;
        let input =
            b.settings.into_input(InputBuilder::new().set("te_code", Some(b.code)).set("te_name", Some(b.name)));
        let row = objects::create(&self.core, &principal, &TenantRules, None, &input).await.map_err(err)?;
        let tenant = Tenant::from(&row);
        let location = format!("/v1/tenants/{}", tenant.code);
        Ok(Created::Created(Json(tenant), location))
    }

    /// Get a tenant by code (admin), with its `ETag`; 304 when `If-None-Match` names it.
    #[oai(path = "/v1/tenants/:code", method = "get", operation_id = "get_tenant")]
    async fn get(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Answer 304 (no body) when the tenant's `ETag` is one of these.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> ApiResult<Fetched<Tenant>> {
        let principal = auth.principal(&self.core).await?;
        let id = service::id_by_code(&self.core, &principal, &code).await.map_err(err)?;
        let row = objects::get(&self.core, &principal, &TenantRules, None, id).await.map_err(err)?;
        Ok(fetched(Tenant::from(&row), if_none_match.0.as_deref()))
    }

    /// Change a tenant (admin) with a JSON Merge Patch: the members sent change, `null` empties one.
    /// The code cannot change.
    #[oai(path = "/v1/tenants/:code", method = "patch", operation_id = "update_tenant")]
    async fn update(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Change only the version with this `ETag` (412 `precondition_failed` otherwise).
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<TenantPatch>,
    ) -> ApiResult<Saved<Tenant>> {
        let principal = auth.principal(&self.core).await?;
        let id = service::id_by_code(&self.core, &principal, &code).await.map_err(err)?;
        let b = body.0;
        let input = b.settings.into_input(InputBuilder::new().set("te_name", b.name));
        let holds = matches_if::<Tenant>(if_match.0.as_deref());
        let row = objects::update_if(&self.core, &principal, &TenantRules, None, id, &input, holds.as_deref())
            .await
            .map_err(err)?;
        Ok(saved(Tenant::from(&row)))
    }

    /// Delete a tenant (admin). Refused with `tenant_not_empty` while it owns extensions; its API
    /// keys and user links go with it.
    #[oai(path = "/v1/tenants/:code", method = "delete", operation_id = "delete_tenant")]
    async fn delete(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Delete only the version with this `ETag` (412 `precondition_failed` otherwise).
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
    ) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        let id = service::id_by_code(&self.core, &principal, &code).await.map_err(err)?;
        let holds = matches_if::<Tenant>(if_match.0.as_deref());
        objects::delete_if(&self.core, &principal, &TenantRules, None, id, holds.as_deref()).await.map_err(err)?;
        Ok(Deleted::Deleted)
    }
}
