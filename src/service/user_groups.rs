//! User groups (legacy USERGROUP, REST `/v1/user-groups`): admin only. Inheriting members reach the
//! group's tenants (see `access::principal_for`).

use super::audit::{self, Change};
use super::catalog::USERGROUPS;
use super::objects;
use super::page::PageRequest;
use super::{Core, ServiceError, ServiceResult, tenants::TenantRules, users::UserRules};
use crate::auth::Principal;
use crate::service::Missing;
use crate::store::objects::Row;
use crate::store::user_groups as store;

/// All groups.
pub async fn list(core: &Core, principal: &Principal) -> ServiceResult<Vec<Row>> {
    Ok(objects::list(core, principal, &USERGROUPS, None, Vec::new(), PageRequest::ALL).await?.items)
}

/// A group's tenants `(te_id, te_code)`.
pub async fn tenants(core: &Core, principal: &Principal, group_id: i64) -> ServiceResult<Vec<(i64, String)>> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::tenants(&mut conn, group_id).await?)
}

/// A group's users `(us_id, us_username, inherit)`.
pub async fn users(core: &Core, principal: &Principal, group_id: i64) -> ServiceResult<Vec<(i64, String, bool)>> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::users(&mut conn, group_id).await?)
}

/// Links a tenant to a group.
pub async fn add_tenant(core: &Core, principal: &Principal, group_id: i64, tenant_id: i64) -> ServiceResult<()> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    objects::get(core, principal, &TenantRules, None, tenant_id).await?;
    let mut tx = core.db().begin().await?;
    store::add_tenant(&mut tx, group_id, tenant_id).await?;
    audit::record(&mut tx, principal, group_change(group_id, "add_tenant").tenant_id(tenant_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Unlinks a tenant from a group; `NotFound` when it was not linked.
pub async fn remove_tenant(core: &Core, principal: &Principal, group_id: i64, tenant_id: i64) -> ServiceResult<()> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    let mut tx = core.db().begin().await?;
    if !store::remove_tenant(&mut tx, group_id, tenant_id).await? {
        return Err(ServiceError::NotFound(Missing::GroupTenant));
    }
    audit::record(&mut tx, principal, group_change(group_id, "remove_tenant").tenant_id(tenant_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a user to a group (or changes whether it inherits the group's tenants).
pub async fn add_user(
    core: &Core,
    principal: &Principal,
    group_id: i64,
    user_id: i64,
    inherit: bool,
) -> ServiceResult<()> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    objects::get(core, principal, &UserRules, None, user_id).await?;
    let mut tx = core.db().begin().await?;
    store::add_user(&mut tx, group_id, user_id, inherit).await?;
    let change =
        group_change(group_id, "add_user").after(serde_json::json!({ "user_id": user_id, "inherit": inherit }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a user from a group; `NotFound` when it was not a member.
pub async fn remove_user(core: &Core, principal: &Principal, group_id: i64, user_id: i64) -> ServiceResult<()> {
    objects::get(core, principal, &USERGROUPS, None, group_id).await?;
    let mut tx = core.db().begin().await?;
    if !store::remove_user(&mut tx, group_id, user_id).await? {
        return Err(ServiceError::NotFound(Missing::GroupUser));
    }
    let change = group_change(group_id, "remove_user").before(serde_json::json!({ "user_id": user_id }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// The audit entry of a change to the links of user group `group_id`.
fn group_change(group_id: i64, action: &'static str) -> Change {
    Change::new("user_group", action).id(group_id)
}
