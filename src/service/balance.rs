//! Tenant balance (legacy BALANCE, INFO balance; REST `balance`): admins adjust it, never below the
//! tenant's floor; tenants read it. An idempotency key makes a retried adjustment a replay.

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::bounds::Length;
use crate::domain::money::Money;
use crate::service::ConflictKind;
use crate::store::balance::{self as store, Movement};
use crate::store::{StoreError, TIME_FORMAT};

/// A tenant's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// Current amount.
    pub amount: Money,
    /// Lowest amount an adjustment may leave.
    pub floor: Money,
}

/// The outcome of an adjustment.
#[derive(Debug, Clone)]
pub struct Adjusted {
    /// The movement recorded (the first one, for a replay).
    pub movement: Movement,
    /// Whether this answer replays an earlier request with the same idempotency key.
    pub replayed: bool,
}

/// Longest idempotency key accepted.
const MAX_KEY_LEN: usize = 255;

/// The balance of a tenant.
pub async fn get(core: &Core, principal: &Principal, tenant: &str) -> ServiceResult<Balance> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let (amount, floor) = store::get(&mut conn, scope.tenant_id).await?;
    Ok(Balance { amount: Money::from_raw(amount), floor: Money::from_raw(floor) })
}

/// Length of an adjustment's description.
pub const DESCRIPTION: Length = Length { min: 0, max: 500 };

/// Adds a signed amount (admin only). Refused, changing nothing, when the balance would go below the
/// floor. With an idempotency key already used for this tenant, returns that first adjustment.
pub async fn adjust(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    amount: Money,
    description: &str,
    idempotency_key: Option<&str>,
) -> ServiceResult<Adjusted> {
    access::require_admin(principal)?;
    if !DESCRIPTION.admits(description.chars().count()) || description.chars().any(char::is_control) {
        return Err(ServiceError::invalid("description", "must be at most 500 printable characters"));
    }
    if let Some(key) = idempotency_key
        && (key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(ServiceError::invalid("Idempotency-Key", "must be 1-255 printable characters"));
    }
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    if let Some(key) = idempotency_key
        && let Some(first) = replay(core, scope.tenant_id, key).await?
    {
        return Ok(first);
    }
    let mut tx = core.db().begin().await?;
    let Some(balance) = store::adjust(&mut tx, scope.tenant_id, amount.raw(), Money::MAX_BALANCE.raw()).await? else {
        let (current, _) = store::get(&mut tx, scope.tenant_id).await?;
        let message = if current.saturating_add(amount.raw()) > Money::MAX_BALANCE.raw() {
            format!("the balance would exceed its maximum of {}", Money::MAX_BALANCE)
        } else {
            "the balance would go below its floor".to_string()
        };
        return Err(ServiceError::invalid("amount", message));
    };
    let mut movement = Movement {
        id: 0,
        date: chrono::Utc::now().format(TIME_FORMAT).to_string(),
        amount: amount.raw(),
        balance,
        description: description.to_string(),
    };
    match store::insert_movement(&mut tx, scope.tenant_id, &movement, idempotency_key).await {
        Ok(id) => movement.id = id,
        // A concurrent request with the same key won: undo ours (rollback) and answer with theirs.
        Err(StoreError::Duplicate) => {
            drop(tx);
            let key = idempotency_key.unwrap_or_default();
            return replay(core, scope.tenant_id, key)
                .await?
                .ok_or_else(|| ServiceError::conflict(ConflictKind::Busy, "idempotency key in use"));
        }
        Err(other) => return Err(other.into()),
    }
    let change = Change::new("balance", "adjust").id(movement.id).in_scope(&scope).after(serde_json::json!({
        "amount": amount.to_string(),
        "balance": Money::from_raw(balance).to_string(),
        "description": movement.description,
        "idempotency_key": idempotency_key,
    }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(Adjusted { movement, replayed: false })
}

async fn replay(core: &Core, tenant_id: i64, key: &str) -> ServiceResult<Option<Adjusted>> {
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::find_by_key(&mut conn, tenant_id, key).await?.map(|movement| Adjusted { movement, replayed: true }))
}

/// Sets the floor (admin only); it may be negative (credit).
pub async fn set_floor(core: &Core, principal: &Principal, tenant: &str, floor: Money) -> ServiceResult<Balance> {
    access::require_admin(principal)?;
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let (_, old_floor) = store::get(&mut tx, scope.tenant_id).await?;
    store::set_floor(&mut tx, scope.tenant_id, floor.raw()).await?;
    let (amount, floor) = store::get(&mut tx, scope.tenant_id).await?;
    let change = Change::new("balance", "set_floor").in_scope(&scope);
    let change = change
        .before(serde_json::json!({ "floor": Money::from_raw(old_floor).to_string() }))
        .after(serde_json::json!({ "floor": Money::from_raw(floor).to_string() }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(Balance { amount: Money::from_raw(amount), floor: Money::from_raw(floor) })
}

/// Movements between two stored times (inclusive), oldest first.
pub async fn movements(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    range: (&str, &str),
    page: PageRequest,
) -> ServiceResult<Page<Movement>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let limit = page.limit.clamp(1, 1000);
    let items =
        store::movements(&mut conn, scope.tenant_id, range.0, range.1, page.after_id.unwrap_or(0), limit + 1).await?;
    Ok(Page::from_overfetch(items, limit, |m| m.id))
}
