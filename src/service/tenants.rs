//! Tenants: declaration and rules.

use super::catalog::TENANT;
use super::rules::{ObjectRules, Prepare, effective_text};
use super::{ServiceError, ServiceResult};
use crate::domain::TenantCode;
use crate::domain::object::ObjectDef;
use crate::store::objects::{Changes, Row};

/// Objects a tenant must no longer own before it can be deleted.
static TENANT_DEPENDENTS: &[&ObjectDef] = &[&super::catalog::EXTENSION];

/// Rules of the tenant object.
#[derive(Debug)]
pub struct TenantRules;

impl ObjectRules for TenantRules {
    fn def(&self) -> &'static ObjectDef {
        &TENANT
    }

    fn prepare(&self, ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        if ctx.current.is_none() {
            TenantCode::parse(&effective_text(ctx, changes, "te_code"))?;
            if effective_text(ctx, changes, "te_name").trim().is_empty() {
                return Err(ServiceError::invalid("te_name", "is required"));
            }
        }
        if changes.iter().any(|(name, value)| *name == "te_name" && value.to_text().trim().is_empty()) {
            return Err(ServiceError::invalid("te_name", "must not be empty"));
        }
        let start = parking_bound(&effective_text(ctx, changes, "pk_start"), "pk_start")?;
        let end = parking_bound(&effective_text(ctx, changes, "pk_end"), "pk_end")?;
        if let (Some(start), Some(end)) = (start, end)
            && start > end
        {
            return Err(ServiceError::invalid("pk_end", "must not be below pk_start"));
        }
        Ok(())
    }

    fn dependents(&self) -> &'static [&'static ObjectDef] {
        TENANT_DEPENDENTS
    }
}

/// A parking slot bound: empty, or a number up to 10 digits.
fn parking_bound(text: &str, field: &'static str) -> ServiceResult<Option<u64>> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ServiceError::invalid(field, "must be a number"));
    }
    Ok(text.parse().ok())
}

/// The code of a tenant row.
pub fn code(row: &Row) -> &str {
    row.text("te_code")
}

/// The id of the tenant with `code`, for admin operations that address tenants by code.
/// Missing is `TenantNotFound`, like everywhere tenants are addressed.
pub async fn id_by_code(core: &super::Core, principal: &crate::auth::Principal, code: &str) -> ServiceResult<i64> {
    super::access::require_admin(principal)?;
    Ok(super::access::tenant_scope(core, principal, code, super::access::Intent::Read).await?.tenant_id)
}

/// The rows of the tenants among `ids` that the caller reaches, for records that embed their tenant
/// (legacy INFO DIDS). Unreachable ids are left out, never an error.
pub async fn reachable_rows(
    core: &super::Core,
    principal: &crate::auth::Principal,
    ids: &[i64],
) -> ServiceResult<Vec<Row>> {
    let reachable: Vec<i64> = ids.iter().copied().filter(|id| principal.reaches(*id)).collect();
    let mut conn = core.db().pool().acquire().await?;
    Ok(crate::store::objects::get_many(&mut conn, &TENANT, &reachable).await?)
}
