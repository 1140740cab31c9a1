//! Virtual extensions (legacy VIRTUALEXT reqtype, REST `virtual-extensions/{number}/members`): a
//! number of the tenant that rings a set of its extensions at once.
//!
//! Rules: the number is 1-20 digits, unique among the tenant's virtual extensions and not the number
//! of one of its extensions (the dialplan could not tell them apart). Adding a member to a number
//! that is not a virtual extension yet creates it (legacy clients have no other way to create one);
//! removing the last member keeps it. Members are extensions of the same tenant.

use super::access::{self, Intent, TenantScope};
use super::audit::{self, Change};
use super::extensions::username;
use super::lookup;
use super::lookup::ExtensionRef;
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::ExtensionNumber;
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::virtual_extensions::{self as store, VirtualExtension};

/// Most members one virtual extension may ring.
pub const MAX_MEMBERS: i64 = 100;

/// A member extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// `ex_id`.
    pub extension_id: i64,
    /// `ex_number`.
    pub number: String,
    /// SIP username `<number>-<TENANT>`.
    pub username: String,
}

/// The tenant's virtual extensions, in creation order.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    page: PageRequest,
) -> ServiceResult<Page<VirtualExtension>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let rows =
        store::list(&mut conn, scope.tenant_id, page.after_id.unwrap_or(0), page.limit.saturating_add(1)).await?;
    Ok(Page::from_overfetch(rows, page.limit, |v| v.id))
}

/// The audit entry of a membership change of virtual extension `number`.
fn member_change(scope: &TenantScope, action: &'static str, number: &str, member: &str) -> Change {
    Change::new("virtual_extension", action).id(number).in_scope(scope).after_field("member", member)
}

async fn existing(
    conn: &mut sqlx::AnyConnection,
    scope: &TenantScope,
    number: &str,
) -> ServiceResult<VirtualExtension> {
    store::find(conn, scope.tenant_id, number.trim()).await?.ok_or(ServiceError::NotFound(Missing::VirtualExtension))
}

async fn members_of(conn: &mut sqlx::AnyConnection, scope: &TenantScope, id: i64) -> ServiceResult<Vec<Member>> {
    Ok(store::members(conn, id)
        .await?
        .into_iter()
        .map(|m| Member { username: username(&m.number, &scope.code), extension_id: m.extension_id, number: m.number })
        .collect())
}

/// The members of a virtual extension; `NotFound(Missing::VirtualExtension)` when the number is none.
pub async fn members(core: &Core, principal: &Principal, tenant: &str, number: &str) -> ServiceResult<Vec<Member>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let virt = existing(&mut conn, &scope, number).await?;
    members_of(&mut conn, &scope, virt.id).await
}

/// Adds an extension to a virtual extension, creating the virtual extension on first use; returns
/// the member and whether it is new.
pub async fn add(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    number: &str,
    ext: ExtensionRef<'_>,
) -> ServiceResult<(Member, bool)> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let number = ExtensionNumber::parse(number).map_err(|e| ServiceError::invalid("number", e.message))?;
    let mut tx = core.db().begin().await?;
    let extension = lookup::extension(&mut tx, &scope, ext).await?;
    let virt = match store::find(&mut tx, scope.tenant_id, number.as_str()).await? {
        Some(virt) => virt,
        None => {
            if lookup::extension(&mut tx, &scope, ExtensionRef::Name(number.as_str())).await.is_ok() {
                return Err(ServiceError::conflict(ConflictKind::Duplicate, "the number belongs to an extension"));
            }
            store::ensure(&mut tx, scope.tenant_id, number.as_str()).await?;
            existing(&mut tx, &scope, number.as_str()).await?
        }
    };
    let created = store::add_member(&mut tx, virt.id, extension.id).await?;
    if created && virt.members >= MAX_MEMBERS {
        return Err(ServiceError::invalid("extension", format!("a virtual extension rings at most {MAX_MEMBERS}")));
    }
    let member_number = extension.text("ex_number").to_string();
    if created {
        let change = member_change(&scope, "add_member", &virt.number, &member_number);
        audit::record(&mut tx, principal, change).await?;
    }
    tx.commit().await?;
    let number = member_number;
    Ok((Member { username: username(&number, &scope.code), extension_id: extension.id, number }, created))
}

/// Removes an extension from a virtual extension; `NotFound` when the virtual extension, the
/// extension or the membership does not exist.
pub async fn remove(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    number: &str,
    ext: ExtensionRef<'_>,
) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let virt = existing(&mut tx, &scope, number).await?;
    let extension = lookup::extension(&mut tx, &scope, ext).await?;
    if !store::remove_member(&mut tx, virt.id, extension.id).await? {
        return Err(ServiceError::NotFound(Missing::VirtualExtensionMember));
    }
    let change = member_change(&scope, "remove_member", &virt.number, extension.text("ex_number"));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes every member (the virtual extension stays); returns how many there were.
pub async fn clear(core: &Core, principal: &Principal, tenant: &str, number: &str) -> ServiceResult<u64> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let virt = existing(&mut tx, &scope, number).await?;
    let removed = store::clear(&mut tx, virt.id).await?;
    let change = Change::new("virtual_extension", "clear_members").id(&virt.number).in_scope(&scope);
    audit::record(&mut tx, principal, change.after_field("removed", removed)).await?;
    tx.commit().await?;
    Ok(removed)
}

/// Deletes a virtual extension with its memberships.
pub async fn delete(core: &Core, principal: &Principal, tenant: &str, number: &str) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let virt = existing(&mut tx, &scope, number).await?;
    store::delete(&mut tx, scope.tenant_id, virt.id).await?;
    let change = Change::new("virtual_extension", "delete").id(&virt.number).in_scope(&scope);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}
