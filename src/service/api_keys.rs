//! API keys: issued once (the value is returned a single time), stored as SHA-256, listed without
//! secrets, revoked rather than deleted so audit trails keep their reference.

use super::access::{self, Intent};
use super::objects::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::{Principal, secrets};
use crate::store::api_keys::{self as store, ApiKeyRow, NewApiKey};

/// A key just created: its row and the value, which is never available again.
#[derive(Debug)]
pub struct IssuedKey {
    /// The stored row.
    pub row: ApiKeyRow,
    /// The key value, to hand to the caller once.
    pub value: String,
}

/// Kind of key to issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Global, read-write.
    Admin,
    /// One tenant, read-write.
    TenantReadWrite,
    /// One tenant, read-only.
    TenantReadOnly,
}

/// Shortest imported key value accepted: legacy keys are long random strings; a short one is a
/// guessable one.
const MIN_IMPORTED_LEN: usize = 16;

/// Issues a new random key for a tenant (`Some(code)`) or an admin key (`None`).
pub async fn create(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    read_only: bool,
    name: &str,
) -> ServiceResult<IssuedKey> {
    insert(core, principal, tenant, read_only, name, secrets::new_api_key()).await
}

/// Stores an existing key value (keeping a deployment's legacy keys working).
pub async fn import(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    read_only: bool,
    value: &str,
) -> ServiceResult<IssuedKey> {
    let ok = value.len() >= MIN_IMPORTED_LEN && value.len() <= 512 && value.bytes().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(ServiceError::invalid("value", "must be 16-512 printable characters without spaces"));
    }
    insert(core, principal, tenant, read_only, "imported", value.to_string()).await
}

async fn insert(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    read_only: bool,
    name: &str,
    value: String,
) -> ServiceResult<IssuedKey> {
    if name.len() > 200 || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid("name", "must be at most 200 printable characters"));
    }
    let tenant_id = match tenant {
        Some(code) => Some(access::tenant_scope(core, principal, code, Intent::Write).await?.tenant_id),
        None => {
            access::require_admin(principal)?;
            if read_only {
                return Err(ServiceError::invalid("read_only", "admin keys are read-write"));
            }
            None
        }
    };
    let mut tx = core.db().begin().await?;
    let issued = insert_in(&mut tx, tenant_id, read_only, name, value).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Stores a key value in the caller's transaction.
async fn insert_in(
    conn: &mut sqlx::AnyConnection,
    tenant_id: Option<i64>,
    read_only: bool,
    name: &str,
    value: String,
) -> ServiceResult<IssuedKey> {
    let hash = secrets::digest(&value);
    let prefix = secrets::display_prefix(&value);
    let now = crate::store::now_text();
    let new = NewApiKey { tenant_id, name, prefix: &prefix, hash: &hash, read_only, created_at: &now };
    let id = store::insert(conn, &new).await.map_err(|e| match e {
        crate::store::StoreError::Duplicate => ServiceError::Conflict("this key value is already in use".into()),
        other => other.into(),
    })?;
    let row = store::find_active_by_hash(conn, &hash)
        .await?
        .filter(|r| r.id == id)
        .ok_or(ServiceError::NotFound("api key"))?;
    Ok(IssuedKey { row, value })
}

/// Lists a tenant's keys (no secrets), id order.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    page: PageRequest,
) -> ServiceResult<Page<ApiKeyRow>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let limit = page.limit.clamp(1, 1000);
    let items = store::list(&mut conn, Some(scope.tenant_id), page.after_id.unwrap_or(0), limit + 1).await?;
    Ok(Page::from_overfetch(items, limit, |key| key.id))
}

/// One key of a tenant.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<ApiKeyRow> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    store::get(&mut conn, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound("api key"))
}

/// Revokes a key of a tenant; it stops working at once on every replica.
pub async fn revoke(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    if !store::revoke(&mut tx, scope.tenant_id, id, &crate::store::now_text()).await? {
        return Err(ServiceError::NotFound("api key"));
    }
    tx.commit().await?;
    Ok(())
}

/// On first start: makes `bootstrap` (or a new random value) the admin key if no admin key exists.
/// Returns the issued key when one was created. The check and the insert share one transaction
/// that excludes other writers of the key table, so replicas starting together on an empty database
/// create one admin key, not one each.
pub async fn ensure_admin_key(core: &Core, bootstrap: Option<&str>) -> ServiceResult<Option<IssuedKey>> {
    if let Some(value) = bootstrap
        && (value.len() < MIN_IMPORTED_LEN || value.len() > 512 || !value.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(ServiceError::invalid(
            "PBXGW_BOOTSTRAP_ADMIN_KEY",
            "must be 16-512 printable characters without spaces",
        ));
    }
    let mut tx = core.db().begin().await?;
    if core.db().backend() == crate::store::Backend::Postgres {
        // SHARE ROW EXCLUSIVE conflicts with itself but not with readers: key checks keep working.
        sqlx::query("LOCK TABLE ak_api_keys IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
    }
    if store::admin_key_exists(&mut tx).await? {
        return Ok(None);
    }
    let (value, name) = match bootstrap {
        Some(value) => (value.to_string(), "bootstrap"),
        None => (secrets::new_api_key(), "bootstrap admin"),
    };
    let issued = insert_in(&mut tx, None, false, name, value).await?;
    tx.commit().await?;
    Ok(Some(issued))
}
