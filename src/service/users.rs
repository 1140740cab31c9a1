//! Users: people who log in (`/v1/auth/login`) for a short-lived token. A user's role and linked
//! tenants decide its reach: `admin` = every tenant and the global objects; `operator` = read-write
//! on its tenants; `viewer` = read-only on its tenants.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::audit::{self, Change};
use super::catalog::USER;
use super::objects;
use super::page::PageRequest;
use super::rules::{BoxFuture, Input, ObjectRules, Prepare, effective_text, set};
use super::{Core, ServiceError, ServiceResult, access};
use crate::auth::Principal;
use crate::domain::Username;
use crate::domain::object::ObjectDef;
use crate::service::Missing;
use crate::store::objects::{self as store, Changes, Row, Value};
use crate::store::user_tenants;

/// Roles, as stored in `us_role`.
pub const ROLES: [&str; 3] = ["admin", "operator", "viewer"];

/// Rules of the user object.
#[derive(Debug)]
pub struct UserRules;

impl ObjectRules for UserRules {
    fn def(&self) -> &'static ObjectDef {
        &USER
    }

    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        Username::parse(&effective_text(ctx, changes, "us_username"))?;
        let password = ctx.input.get("us_password").and_then(|v| v.as_str()).unwrap_or_default();
        if ctx.current.is_none() && password.is_empty() {
            return Err(ServiceError::invalid("us_password", "is required"));
        }
        let role = effective_text(ctx, changes, "us_role");
        let role = if role.is_empty() { "viewer".to_string() } else { role };
        if !ROLES.contains(&role.as_str()) {
            return Err(ServiceError::invalid("us_role", "must be admin, operator or viewer"));
        }
        set(changes, "us_role", Value::Text(role));
        Ok(())
    }

    /// A deleted user's API keys are revoked with it.
    fn before_delete<'a>(&'a self, conn: &'a mut AnyConnection, id: i64) -> BoxFuture<'a, ServiceResult<()>> {
        Box::pin(async move { super::api_keys::revoke_keys_of_user(conn, id).await.map(drop) })
    }
}

/// Creates a user and, in the same transaction, links it to `tenant_codes`.
pub async fn create(core: &Core, principal: &Principal, input: &Input, tenant_codes: &[String]) -> ServiceResult<Row> {
    access::require_admin(principal)?;
    objects::create_then(core, principal, &UserRules, None, input, async |conn, id| {
        link_codes(conn, id, tenant_codes).await
    })
    .await
}

/// Updates a user; when `tenant_codes` is given its links are replaced in the same transaction.
pub async fn update(
    core: &Core,
    principal: &Principal,
    id: i64,
    input: &Input,
    tenant_codes: Option<&[String]>,
) -> ServiceResult<Row> {
    objects::update_then(core, principal, &UserRules, None, id, input, None, async |conn, id| {
        if let Some(codes) = tenant_codes {
            link_codes(conn, id, codes).await?;
        }
        // A disabled user's keys stop with it, in the same transaction.
        if store::get(conn, &USER, None, id).await?.is_some_and(|row| row.flag("us_disabled")) {
            super::api_keys::revoke_keys_of_user(conn, id).await?;
        }
        Ok(())
    })
    .await
}

async fn link_codes(conn: &mut AnyConnection, user_id: i64, codes: &[String]) -> ServiceResult<()> {
    let mut ids = Vec::with_capacity(codes.len());
    for code in codes {
        ids.push(
            tenant_id_by_code(conn, code)
                .await?
                .ok_or_else(|| ServiceError::invalid("tenants", format!("unknown tenant {}", sanitize(code))))?,
        );
    }
    user_tenants::replace(conn, user_id, &ids).await?;
    Ok(())
}

fn sanitize(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(32).collect()
}

async fn tenant_id_by_code(conn: &mut AnyConnection, code: &str) -> ServiceResult<Option<i64>> {
    Ok(store::find_by(conn, &super::catalog::TENANT, "te_code", code).await?.map(|row| row.id))
}

/// The `(te_id, te_code)` links of a user (admin only).
pub async fn tenants(core: &Core, principal: &Principal, user_id: i64) -> ServiceResult<Vec<(i64, String)>> {
    objects::get(core, principal, &UserRules, None, user_id).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(user_tenants::list(&mut conn, user_id).await?)
}

/// The `(te_id, te_code)` links of each of `user_ids` (admin only), read together: a page of users
/// costs one query, not one [`tenants`] per user. Users without links are absent.
pub async fn tenants_of(
    core: &Core,
    principal: &Principal,
    user_ids: &[i64],
) -> ServiceResult<HashMap<i64, Vec<(i64, String)>>> {
    access::require_admin(principal)?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(user_tenants::list_many(&mut conn, user_ids).await?)
}

/// Links a user to a tenant by tenant id (legacy `addtenant`).
pub async fn add_tenant(core: &Core, principal: &Principal, user_id: i64, tenant_id: i64) -> ServiceResult<()> {
    objects::get(core, principal, &UserRules, None, user_id).await?;
    objects::get(core, principal, &super::tenants::TenantRules, None, tenant_id).await?;
    let mut tx = core.db().begin().await?;
    user_tenants::add(&mut tx, user_id, tenant_id).await?;
    let change = Change::new("user", "add_tenant").id(user_id).tenant_id(tenant_id);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Unlinks a user from a tenant (legacy `deltenant`); a missing link is `NotFound`.
pub async fn remove_tenant(core: &Core, principal: &Principal, user_id: i64, tenant_id: i64) -> ServiceResult<()> {
    objects::get(core, principal, &UserRules, None, user_id).await?;
    let mut tx = core.db().begin().await?;
    if !user_tenants::remove(&mut tx, user_id, tenant_id).await? {
        return Err(ServiceError::NotFound(Missing::TenantLink));
    }
    let change = Change::new("user", "remove_tenant").id(user_id).tenant_id(tenant_id);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Finds a user row by username (no authorization: used by login).
pub async fn find_by_username(conn: &mut AnyConnection, username: &str) -> ServiceResult<Option<Row>> {
    Ok(store::find_by(conn, &USER, "us_username", username).await?)
}

/// All users, for views that need every page (legacy list).
pub async fn list_all(core: &Core, principal: &Principal) -> ServiceResult<Vec<Row>> {
    Ok(objects::list(core, principal, &UserRules, None, Vec::new(), PageRequest::ALL).await?.items)
}
