//! API keys: issued once (the value is returned a single time), stored as SHA-256, listed without
//! secrets, revoked rather than deleted so audit trails keep their reference.

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Subject;
use crate::auth::{Principal, secrets};
use crate::domain::address_range::AddressRange;
use crate::domain::bounds::Length;
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::api_keys::{self as store, ApiKeyRow, Creator, NewApiKey};

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

/// Where and until when a key works, as requested.
#[derive(Debug, Clone, Default)]
pub struct KeyLimits {
    /// After this time the key answers as an unknown key; must lie in the future.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Networks (`192.0.2.0/24`, `2001:db8::/32`, one address) the key may be used from; empty =
    /// anywhere. At most [`MAX_ALLOWED_NETWORKS`].
    pub allowed_addresses: Vec<String>,
}

/// Most networks one key may list.
pub const MAX_ALLOWED_NETWORKS: usize = 32;

/// The stored form of [`KeyLimits`]: (expiry as UTC text, networks comma-joined).
type StoredLimits = (Option<String>, Option<String>);

impl KeyLimits {
    fn validate(&self) -> ServiceResult<StoredLimits> {
        let expires_at = match self.expires_at {
            Some(at) if at <= chrono::Utc::now() => {
                return Err(ServiceError::invalid("expires_at", "must lie in the future"));
            }
            Some(at) => Some(crate::domain::time::storable(at, "expires_at")?),
            None => None,
        };
        if self.allowed_addresses.len() > MAX_ALLOWED_NETWORKS {
            let message = format!("at most {MAX_ALLOWED_NETWORKS} networks");
            return Err(ServiceError::invalid("allowed_addresses", message));
        }
        let networks = self
            .allowed_addresses
            .iter()
            .map(|text| AddressRange::parse(text).map(|range| range.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| ServiceError::invalid(err.field, err.message))?;
        Ok((expires_at, (!networks.is_empty()).then(|| networks.join(","))))
    }
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
    limits: &KeyLimits,
) -> ServiceResult<IssuedKey> {
    let limits = limits.validate()?;
    insert(core, principal, tenant, read_only, name, limits, secrets::new_api_key()).await
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
    insert(core, principal, tenant, read_only, "imported", (None, None), value.to_string()).await
}

async fn insert(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    read_only: bool,
    name: &str,
    limits: StoredLimits,
    value: String,
) -> ServiceResult<IssuedKey> {
    if !Length::NAME.admits(name.chars().count()) || name.chars().any(char::is_control) {
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
    let issued = insert_in(&mut tx, tenant_id, read_only, name, limits, value, creator_of(principal)).await?;
    audit::record(&mut tx, principal, key_change(&issued.row, "create").after(audit_view(&issued.row))).await?;
    tx.commit().await?;
    Ok(issued)
}

/// A key as the audit shows it: everything but its digest.
fn audit_view(row: &ApiKeyRow) -> serde_json::Value {
    serde_json::json!({
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "read_only": row.read_only,
        "expires_at": row.expires_at,
        "allowed_addresses": row.allowed_addresses,
        "revoked_at": row.revoked_at,
    })
}

fn key_change(row: &ApiKeyRow, action: &'static str) -> Change {
    let change = Change::new("api_key", action).id(row.id);
    match (row.tenant_id, &row.tenant_code) {
        (Some(id), Some(code)) => change.tenant(id, code),
        _ => change,
    }
}

/// Stores a key value in the caller's transaction.
async fn insert_in(
    conn: &mut sqlx::AnyConnection,
    tenant_id: Option<i64>,
    read_only: bool,
    name: &str,
    (expires_at, allowed_addresses): StoredLimits,
    value: String,
    created_by: Creator,
) -> ServiceResult<IssuedKey> {
    let hash = secrets::digest(&value);
    let prefix = secrets::display_prefix(&value);
    let now = crate::store::now_text();
    let new = NewApiKey {
        tenant_id,
        name,
        prefix: &prefix,
        hash: &hash,
        read_only,
        created_at: &now,
        created_by,
        expires_at: expires_at.as_deref(),
        allowed_addresses: allowed_addresses.as_deref(),
    };
    let id = store::insert(conn, &new).await.map_err(|e| match e {
        crate::store::StoreError::Duplicate => {
            ServiceError::conflict(ConflictKind::Duplicate, "this key value is already in use")
        }
        other => other.into(),
    })?;
    let row = store::find_active_by_hash(conn, &hash)
        .await?
        .filter(|r| r.id == id)
        .ok_or(ServiceError::NotFound(Missing::ApiKey))?;
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
    store::get(&mut conn, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound(Missing::ApiKey))
}

/// Revokes a key of a tenant; it stops working at once on every replica.
pub async fn revoke(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let now = crate::store::now_text();
    let before = store::get(&mut tx, scope.tenant_id, id).await?;
    if !store::revoke(&mut tx, scope.tenant_id, id, &now).await? {
        return Err(ServiceError::NotFound(Missing::ApiKey));
    }
    // A key lives no longer than its creator: the keys it made (and theirs) go with it.
    let cascaded = store::revoke_created_by(&mut tx, Creator::Key(id), &now).await?;
    let mut change = Change::new("api_key", "revoke").id(id).in_scope(&scope);
    if let Some(before) = before {
        let mut after = audit_view(&before);
        after["revoked_at"] = serde_json::Value::from(now.clone());
        change = change.before(audit_view(&before)).after(after);
    }
    let change = change.after_field("keys_revoked_with_it", cascaded);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Who a key made by `principal` was created by.
fn creator_of(principal: &Principal) -> Creator {
    match principal.subject {
        Subject::ApiKey { id } => Creator::Key(id),
        Subject::User { id } => Creator::User(id),
        Subject::System => Creator::System,
    }
}

/// In the caller's transaction, after a user was disabled or before it is deleted: revokes every
/// key the user created and the keys those created (README "Key ownership").
pub async fn revoke_keys_of_user(conn: &mut sqlx::AnyConnection, user_id: i64) -> ServiceResult<u64> {
    Ok(store::revoke_created_by(conn, Creator::User(user_id), &crate::store::now_text()).await?)
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
    let issued = insert_in(&mut tx, None, false, name, (None, None), value, Creator::System).await?;
    let change = key_change(&issued.row, "create").after(audit_view(&issued.row));
    audit::record(&mut tx, &Principal::system(), change).await?;
    tx.commit().await?;
    Ok(Some(issued))
}
