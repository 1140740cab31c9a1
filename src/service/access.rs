//! Turning credentials into a `Principal`, and the authorization checks every capability uses.
//! A `TenantScope` can only be obtained through `tenant_scope`, so a function holding one has
//! already been authorized for that tenant.

use super::catalog::{TENANT, USER};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::{Principal, Reach, Subject, secrets};
use crate::domain::address_range::AddressRange;
use crate::store::api_keys::{self, ApiKeyRow};
use crate::store::objects;

/// Read or write: what the caller intends to do with a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Look only.
    Read,
    /// Change something.
    Write,
}

/// Proof that the caller may act on this tenant with the intent it was obtained for. Only this
/// module builds one (the private field seals it), so holding a scope means the check ran.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::manual_non_exhaustive)] // `#[non_exhaustive]` would not stop construction inside this crate
pub struct TenantScope {
    /// `te_id`.
    pub tenant_id: i64,
    /// `te_code`.
    pub code: String,
    sealed: (),
}

/// The tenant of a row an admin with global reach addressed without naming a tenant: the rules of
/// a tenant object still need it. `None` for global rows or callers without global reach.
pub fn scope_of_row(principal: &Principal, row: &crate::store::objects::Row) -> Option<TenantScope> {
    match (&principal.reach, row.tenant_id, &row.tenant_code) {
        (Reach::Global, Some(tenant_id), Some(code)) => Some(TenantScope { tenant_id, code: code.clone(), sealed: () }),
        _ => None,
    }
}

/// Authenticates an API key value.
pub async fn authenticate_key(core: &Core, key: &str) -> ServiceResult<Principal> {
    if key.is_empty() || key.len() > 512 {
        return Err(ServiceError::InvalidApiKey);
    }
    let hash = secrets::digest(key);
    let mut conn = core.db().pool().acquire().await?;
    let row = api_keys::find_active_by_hash(&mut conn, &hash).await?.ok_or(ServiceError::InvalidApiKey)?;
    // The lookup is by digest already; the constant-time comparison keeps the check honest even if
    // the database ever matched loosely (collation, trailing spaces).
    if !secrets::digests_match(&row.hash, &hash) {
        return Err(ServiceError::InvalidApiKey);
    }
    // An expired key, or one used from outside its networks, answers as an unknown one.
    if !usable_now(&row, super::request_scope::client()) {
        tracing::info!(key_id = row.id, "API key refused: expired or used from an address it does not allow");
        return Err(ServiceError::InvalidApiKey);
    }
    let reach = match row.tenant_id {
        None => Reach::Global,
        Some(tenant_id) => Reach::Tenants(vec![tenant_id]),
    };
    super::rate_limit::charge_credential(core, &format!("key {}", row.id))?;
    Ok(Principal { subject: Subject::ApiKey { id: row.id }, reach, read_only: row.read_only })
}

/// Authenticates a bearer credential: a JWT issued by `/v1/auth/login`, or an API key.
pub async fn authenticate_bearer(core: &Core, credential: &str) -> ServiceResult<Principal> {
    if crate::auth::jwt::JwtKeys::looks_like_jwt(credential) {
        let user_id = core.jwt().verify(credential).ok_or(ServiceError::InvalidApiKey)?;
        let principal = principal_for(core, user_id).await?.ok_or(ServiceError::InvalidApiKey)?;
        super::rate_limit::charge_credential(core, &format!("user {user_id}"))?;
        return Ok(principal);
    }
    authenticate_key(core, credential).await
}

/// Whether a stored key may be used now by a client at `client` (expiry and address list).
pub fn usable_now(row: &ApiKeyRow, client: Option<std::net::IpAddr>) -> bool {
    let now = crate::store::now_text();
    if row.expires_at.as_deref().is_some_and(|at| at <= now.as_str()) {
        return false;
    }
    match row.allowed_addresses.as_deref() {
        None => true,
        Some(list) => client.is_some_and(|client| {
            list.split(',').filter_map(|text| AddressRange::parse(text).ok()).any(|range| range.contains(client))
        }),
    }
}

/// The principal of an enabled user, re-read on every request so role changes and disabling apply
/// at once, whatever tokens are out there.
pub async fn principal_for(core: &Core, user_id: i64) -> ServiceResult<Option<Principal>> {
    let mut conn = core.db().pool().acquire().await?;
    let Some(row) = objects::get(&mut conn, &USER, None, user_id).await? else {
        return Ok(None);
    };
    if row.flag("us_disabled") {
        return Ok(None);
    }
    let subject = Subject::User { id: user_id };
    let principal = match row.text("us_role") {
        "admin" => Principal { subject, reach: Reach::Global, read_only: false },
        role => {
            let mut ids: Vec<i64> =
                crate::store::user_tenants::list(&mut conn, user_id).await?.into_iter().map(|(id, _)| id).collect();
            ids.extend(crate::store::user_groups::inherited_tenants(&mut conn, user_id).await?);
            ids.sort_unstable();
            ids.dedup();
            Principal { subject, reach: Reach::Tenants(ids), read_only: role != "operator" }
        }
    };
    Ok(Some(principal))
}

/// Refuses anything but a global read-write principal.
pub fn require_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.is_admin() { Ok(()) } else { Err(ServiceError::AdminRequired) }
}

/// Refuses writes by read-only principals.
pub fn require_write(principal: &Principal) -> ServiceResult<()> {
    if principal.read_only { Err(ServiceError::ReadOnly) } else { Ok(()) }
}

/// Resolves a tenant code for the caller. A tenant that does not exist and one the caller cannot
/// reach give the same error, so codes of other tenants cannot be probed.
pub async fn tenant_scope(
    core: &Core,
    principal: &Principal,
    code: &str,
    intent: Intent,
) -> ServiceResult<TenantScope> {
    let mut conn = core.db().pool().acquire().await?;
    tenant_scope_on(&mut conn, principal, code, intent).await
}

/// [`tenant_scope`] on the caller's connection: inside a transaction the lookup must not take a
/// second pool connection (with the small SQLite pool, writers holding one each and waiting for
/// another could starve the pool).
pub async fn tenant_scope_on(
    conn: &mut sqlx::AnyConnection,
    principal: &Principal,
    code: &str,
    intent: Intent,
) -> ServiceResult<TenantScope> {
    let row = objects::find_by(conn, &TENANT, "te_code", code).await?;
    let row = row.filter(|r| principal.reaches(r.id)).ok_or(ServiceError::TenantNotFound)?;
    if intent == Intent::Write {
        require_write(principal)?;
    }
    Ok(TenantScope { tenant_id: row.id, code: row.text("te_code").to_string(), sealed: () })
}

/// The tenant codes a principal reaches (`None` = all), for CHECKAUTH and user views.
pub async fn reachable_codes(core: &Core, principal: &Principal) -> ServiceResult<Option<Vec<String>>> {
    let Reach::Tenants(ids) = &principal.reach else { return Ok(None) };
    let mut conn = core.db().pool().acquire().await?;
    let rows = objects::get_many(&mut conn, &TENANT, ids).await?;
    let codes = rows.iter().map(|row| row.text("te_code").to_string()).collect();
    Ok(Some(codes))
}
