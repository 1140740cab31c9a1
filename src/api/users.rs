//! `/v1/users`: users and the tenants they may act on (admin).

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Enum, Object, OpenApi};

use super::bounded::{Text, choice_rules, text_rules};
use super::input::{InputBuilder, time};
use super::pagination::{next_cursor, page_request};
use super::problem::{ApiError, ApiResult, from_service};
use super::resource::IntoInput;
use super::security::Auth;
use super::{ApiTags, Created, Deleted, rest_name};
use crate::auth::Principal;
use crate::service::catalog::USER;
use crate::service::model::Row;
use crate::service::objects::Filter;
use crate::service::objects::{self, Input};
use crate::service::users::{self as service, UserRules};
use crate::service::{Core, ServiceError};

/// REST name ↔ legacy column.
const NAMES: &[(&str, &str)] = &[
    ("username", "us_username"),
    ("password", "us_password"),
    ("profile_id", "us_up_id"),
    ("role", "us_role"),
    ("disabled", "us_disabled"),
];

fn field(legacy: &str) -> &str {
    rest_name(NAMES, legacy)
}

fn err(e: ServiceError) -> ApiError {
    from_service(e, field)
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Role {
    /// Everything, every tenant.
    Admin,
    /// Read and write on the linked tenants.
    Operator,
    /// Read on the linked tenants.
    Viewer,
}

impl Role {
    fn parse(stored: &str) -> Role {
        match stored {
            "admin" => Role::Admin,
            "operator" => Role::Operator,
            _ => Role::Viewer,
        }
    }
}

/// A user. The password is write-only.
#[derive(Debug, Object)]
pub struct User {
    /// Id (`us_id`).
    pub id: i64,
    /// Login name.
    pub username: String,
    pub role: Role,
    /// Legacy user profile id (`us_up_id`), kept for legacy clients.
    pub profile_id: String,
    /// Disabled users cannot log in.
    pub disabled: bool,
    /// Codes of the tenants the user may act on (ignored for admins, who reach all).
    pub tenants: Vec<String>,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

/// The view of a user row and its `(te_id, te_code)` tenant links.
fn user(row: &Row, tenants: Vec<(i64, String)>) -> User {
    User {
        id: row.id,
        username: row.text("us_username").into(),
        role: Role::parse(row.text("us_role")),
        profile_id: row.text("us_up_id").into(),
        disabled: row.flag("us_disabled"),
        tenants: tenants.into_iter().map(|(_, code)| code).collect(),
        created_at: time(row.text("us_created_at")),
        updated_at: time(row.text("us_updated_at")),
    }
}

async fn with_tenants(core: &Core, principal: &Principal, row: &Row) -> ApiResult<User> {
    let tenants = service::tenants(core, principal, row.id).await.map_err(err)?;
    Ok(user(row, tenants))
}

choice_rules! {
    /// `us_role`.
    RoleRule = service::ROLES;
}

text_rules! {
    /// `us_username`.
    UsernameRule = USER.length_of("us_username"), crate::domain::Username::PATTERN;
    /// `us_password`.
    PasswordRule = USER.length_of("us_password");
    /// `us_up_id`: a whole number.
    ProfileIdRule = USER.length_of("us_up_id"), crate::domain::object::WHOLE_NUMBER_PATTERN;
}

/// A new user.
#[derive(Debug, Object)]
pub struct UserCreate {
    /// Login name: 1-64 characters of A-Z, a-z, 0-9, `.`, `_`, `@`, `-`.
    pub username: Text<UsernameRule>,
    /// Password, 8-1024 characters (write-only; stored as argon2id).
    #[oai(write_only)]
    pub password: Text<PasswordRule>,
    /// `admin` (every tenant, read-write), `operator` (its tenants, read-write) or `viewer` (its tenants,
    /// read-only; the default).
    pub role: Option<Text<RoleRule>>,
    /// Legacy user profile id.
    pub profile_id: Option<Text<ProfileIdRule>>,
    /// Create disabled.
    pub disabled: Option<bool>,
    /// Codes of the tenants the user may act on.
    pub tenants: Option<Vec<String>>,
}

/// Changes to a user, as a JSON Merge Patch: absent members stay as they are, `null` empties one
/// (`role` back to `viewer`, `tenants` to none; a login name or password cannot be emptied). `tenants`,
/// when sent, replaces the links.
#[derive(Debug, Object)]
pub struct UserPatch {
    /// Login name.
    pub username: MaybeUndefined<Text<UsernameRule>>,
    /// New password, 8-1024 characters (write-only).
    #[oai(write_only)]
    pub password: MaybeUndefined<Text<PasswordRule>>,
    /// `admin` (every tenant, read-write), `operator` (its tenants, read-write) or `viewer` (its tenants,
    /// read-only; the default).
    pub role: MaybeUndefined<Text<RoleRule>>,
    /// Legacy user profile id.
    pub profile_id: MaybeUndefined<Text<ProfileIdRule>>,
    /// Disabled.
    pub disabled: MaybeUndefined<bool>,
    /// Codes of the tenants the user may act on.
    pub tenants: MaybeUndefined<Vec<String>>,
}

fn input(
    username: impl IntoInput,
    password: impl IntoInput,
    role: impl IntoInput,
    profile: impl IntoInput,
    disabled: impl IntoInput,
) -> Input {
    InputBuilder::new()
        .set("us_username", username)
        .set("us_password", password)
        .set("us_role", role)
        .set("us_up_id", profile)
        .set("us_disabled", disabled)
        .build()
}

/// A page of users.
#[derive(Debug, Object)]
pub struct UserPage {
    /// The users, by id.
    pub items: Vec<User>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// User endpoints.
#[derive(Debug)]
pub struct UsersApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// List users (admin).
    #[oai(path = "/v1/users", method = "get", operation_id = "list_users")]
    async fn list(
        &self,
        auth: Auth,
        /// Only the user with this username.
        username: Query<Option<String>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<crate::api::pagination::Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<UserPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(crate::api::pagination::Limit::get), cursor.0.as_deref())?;
        let filters = match username.0 {
            Some(username) => vec![Filter::equals(&UserRules, "us_username", &username).map_err(err)?],
            None => Vec::new(),
        };
        let rows = objects::list(&self.core, &principal, &UserRules, None, filters, page).await.map_err(err)?;
        // The links of the whole page in one query (not `with_tenants` per user).
        let ids: Vec<i64> = rows.items.iter().map(|row| row.id).collect();
        let mut links = service::tenants_of(&self.core, &principal, &ids).await.map_err(err)?;
        let items = rows.items.iter().map(|row| user(row, links.remove(&row.id).unwrap_or_default())).collect();
        Ok(Json(UserPage { items, next_cursor: next_cursor(rows.next_after) }))
    }

    /// Create a user (admin).
    #[oai(path = "/v1/users", method = "post", operation_id = "create_user")]
    async fn create(&self, auth: Auth, body: Json<UserCreate>) -> ApiResult<Created<User>> {
        let principal = auth.principal(&self.core).await?;
        let b = body.0;
        let input = input(Some(b.username), Some(b.password), b.role, b.profile_id, b.disabled);
        let tenants = b.tenants.unwrap_or_default();
        let row = service::create(&self.core, &principal, &input, &tenants).await.map_err(err)?;
        let created = with_tenants(&self.core, &principal, &row).await?;
        let location = format!("/v1/users/{}", created.id);
        Ok(Created::Created(Json(created), location))
    }

    /// Get a user (admin).
    #[oai(path = "/v1/users/:id", method = "get", operation_id = "get_user")]
    async fn get(&self, auth: Auth, id: Path<i64>) -> ApiResult<Json<User>> {
        let principal = auth.principal(&self.core).await?;
        let row = objects::get(&self.core, &principal, &UserRules, None, id.0).await.map_err(err)?;
        Ok(Json(with_tenants(&self.core, &principal, &row).await?))
    }

    /// Change a user (admin); only the members sent change.
    #[oai(path = "/v1/users/:id", method = "patch", operation_id = "update_user")]
    async fn update(&self, auth: Auth, id: Path<i64>, body: Json<UserPatch>) -> ApiResult<Json<User>> {
        let principal = auth.principal(&self.core).await?;
        let b = body.0;
        let input = input(b.username, b.password, b.role, b.profile_id, b.disabled);
        let tenants = match b.tenants {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(Vec::new()),
            MaybeUndefined::Value(codes) => Some(codes),
        };
        let row = service::update(&self.core, &principal, id.0, &input, tenants.as_deref()).await.map_err(err)?;
        Ok(Json(with_tenants(&self.core, &principal, &row).await?))
    }

    /// Delete a user (admin).
    #[oai(path = "/v1/users/:id", method = "delete", operation_id = "delete_user")]
    async fn delete(&self, auth: Auth, id: Path<i64>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        objects::delete(&self.core, &principal, &UserRules, None, id.0).await.map_err(err)?;
        Ok(Deleted::Deleted)
    }
}
