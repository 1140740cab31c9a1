//! `/v1/tenants/{code}/extensions`: extension CRUD within a tenant.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::input::{InputBuilder, time};
use super::pagination::{next_cursor, page_request};
use super::problem::{ApiError, ApiResult, from_service};
use super::security::Auth;
use super::{ApiTags, Created, Deleted, rest_name};
use crate::service::extensions::{ExtensionRules, username};
use crate::service::objects::{self, Input};
use crate::service::{Core, ServiceError};
use crate::store::objects::{CondOp, Condition, Row, Value};

/// REST name ↔ legacy column.
const NAMES: &[(&str, &str)] = &[
    ("number", "ex_number"),
    ("name", "ex_name"),
    ("tech", "ex_tech"),
    ("caller_id_number", "ex_cidnum"),
    ("caller_id_name", "ex_cidname"),
    ("call_group", "ex_callgroup"),
    ("pickup_group", "ex_pickupgroup"),
    ("call_allowed", "ex_callallowed"),
    ("email", "ex_email"),
    ("description", "ex_description"),
    ("web_password", "ex_webpassword"),
];

fn field(legacy: &str) -> &str {
    rest_name(NAMES, legacy)
}

fn err(e: ServiceError) -> ApiError {
    from_service(e, field)
}

/// SIP channel driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Tech {
    /// chan_sip.
    #[oai(rename = "SIP")]
    Sip,
    /// chan_pjsip.
    #[oai(rename = "PJSIP")]
    Pjsip,
}

impl Tech {
    fn parse(stored: &str) -> Tech {
        if stored.eq_ignore_ascii_case("SIP") { Tech::Sip } else { Tech::Pjsip }
    }

    fn as_str(self) -> &'static str {
        match self {
            Tech::Sip => "SIP",
            Tech::Pjsip => "PJSIP",
        }
    }
}

/// An extension. Credentials are write-only and never returned.
#[derive(Debug, Object)]
pub struct Extension {
    /// Internal id (`ex_id`; destination tags such as `EXT-<id>` use it).
    pub id: i64,
    /// Number, unique within the tenant.
    pub number: String,
    /// Display name.
    pub name: String,
    pub tech: Tech,
    /// SIP username: `<number>-<TENANT>`.
    pub username: String,
    /// Outbound caller id number.
    pub caller_id_number: String,
    /// Outbound caller id name.
    pub caller_id_name: String,
    /// Call groups (comma list).
    pub call_group: String,
    /// Pickup groups (comma list).
    pub pickup_group: String,
    /// Outbound call permission (e.g. `all`, `none`).
    pub call_allowed: String,
    /// E-mail address.
    pub email: String,
    /// Free description.
    pub description: String,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<&Row> for Extension {
    fn from(row: &Row) -> Self {
        Extension {
            id: row.id,
            number: row.text("ex_number").into(),
            name: row.text("ex_name").into(),
            tech: Tech::parse(row.text("ex_tech")),
            username: username(row.text("ex_number"), row.tenant_code.as_deref().unwrap_or_default()),
            caller_id_number: row.text("ex_cidnum").into(),
            caller_id_name: row.text("ex_cidname").into(),
            call_group: row.text("ex_callgroup").into(),
            pickup_group: row.text("ex_pickupgroup").into(),
            call_allowed: row.text("ex_callallowed").into(),
            email: row.text("ex_email").into(),
            description: row.text("ex_description").into(),
            created_at: time(row.text("ex_datecreation")),
            updated_at: time(row.text("ex_lastchange")),
        }
    }
}

/// Members shared by create and patch. On create `number` is required; on patch every member is
/// optional and absent members stay as they are.
#[derive(Debug, Object)]
pub struct ExtensionWrite {
    /// Number: 1-20 digits, unique within the tenant. Changing it changes the SIP username, so send
    /// `secret` with it.
    #[oai(validator(pattern = "^[0-9]{1,20}$"))]
    pub number: Option<String>,
    /// Display name.
    #[oai(validator(max_length = 200))]
    pub name: Option<String>,
    pub tech: Option<Tech>,
    /// SIP secret, 8-128 characters (write-only; stored only as the SIP digest).
    #[oai(write_only, validator(min_length = 8, max_length = 128))]
    pub secret: Option<String>,
    /// Password of the user portal (write-only; stored as argon2id).
    #[oai(write_only, validator(min_length = 8, max_length = 128))]
    pub web_password: Option<String>,
    /// Outbound caller id number.
    pub caller_id_number: Option<String>,
    /// Outbound caller id name.
    pub caller_id_name: Option<String>,
    /// Call groups (comma list).
    pub call_group: Option<String>,
    /// Pickup groups (comma list).
    pub pickup_group: Option<String>,
    /// Outbound call permission.
    pub call_allowed: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Free description.
    pub description: Option<String>,
}

impl ExtensionWrite {
    fn into_input(self) -> Input {
        InputBuilder::new()
            .set("ex_number", self.number)
            .set("ex_name", self.name)
            .set("ex_tech", self.tech.map(Tech::as_str))
            .set("secret", self.secret)
            .set("ex_webpassword", self.web_password)
            .set("ex_cidnum", self.caller_id_number)
            .set("ex_cidname", self.caller_id_name)
            .set("ex_callgroup", self.call_group)
            .set("ex_pickupgroup", self.pickup_group)
            .set("ex_callallowed", self.call_allowed)
            .set("ex_email", self.email)
            .set("ex_description", self.description)
            .build()
    }
}

/// A page of extensions.
#[derive(Debug, Object)]
pub struct ExtensionPage {
    /// The extensions, by id.
    pub items: Vec<Extension>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Extension endpoints.
#[derive(Debug)]
pub struct ExtensionsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Extensions")]
impl ExtensionsApi {
    /// List a tenant's extensions.
    #[oai(path = "/v1/tenants/:code/extensions", method = "get", operation_id = "list_extensions")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Only the extension with this number.
        number: Query<Option<String>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<u32>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ExtensionPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let conditions = number
            .0
            .map(|n| vec![Condition { column: "ex_number", op: CondOp::Eq, value: Value::Text(n) }])
            .unwrap_or_default();
        let rows =
            objects::list(&self.core, &principal, &ExtensionRules, Some(&code), conditions, page).await.map_err(err)?;
        Ok(Json(ExtensionPage {
            items: rows.items.iter().map(Extension::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// Create an extension. `number` is required.
    #[oai(path = "/v1/tenants/:code/extensions", method = "post", operation_id = "create_extension")]
    async fn create(
        &self,
        auth: Auth,
        code: Path<String>,
        body: Json<ExtensionWrite>,
    ) -> ApiResult<Created<Extension>> {
        let principal = auth.principal(&self.core).await?;
        if body.number.is_none() {
            return Err(ApiError::invalid("number", "number: is required"));
        }
        let input = body.0.into_input();
        let row = objects::create(&self.core, &principal, &ExtensionRules, Some(&code), &input).await.map_err(err)?;
        let extension = Extension::from(&row);
        let location = format!("/v1/tenants/{}/extensions/{}", code.0, extension.id);
        Ok(Created::Created(Json(extension), location))
    }

    /// Get an extension.
    #[oai(path = "/v1/tenants/:code/extensions/:id", method = "get", operation_id = "get_extension")]
    async fn get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<Extension>> {
        let principal = auth.principal(&self.core).await?;
        let row = objects::get(&self.core, &principal, &ExtensionRules, Some(&code), id.0).await.map_err(err)?;
        Ok(Json(Extension::from(&row)))
    }

    /// Change an extension; only the members sent change.
    #[oai(path = "/v1/tenants/:code/extensions/:id", method = "patch", operation_id = "update_extension")]
    async fn update(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<ExtensionWrite>,
    ) -> ApiResult<Json<Extension>> {
        let principal = auth.principal(&self.core).await?;
        let input = body.0.into_input();
        let row =
            objects::update(&self.core, &principal, &ExtensionRules, Some(&code), id.0, &input).await.map_err(err)?;
        Ok(Json(Extension::from(&row)))
    }

    /// Delete an extension.
    #[oai(path = "/v1/tenants/:code/extensions/:id", method = "delete", operation_id = "delete_extension")]
    async fn delete(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        objects::delete(&self.core, &principal, &ExtensionRules, Some(&code), id.0).await.map_err(err)?;
        Ok(Deleted::Deleted)
    }
}
