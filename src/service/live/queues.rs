//! Agent pause and listing (AGENT) and statistics reset (QUEUERESET); membership changes are stored
//! by `service::queue_members` and pushed by `members`.

use super::members::{push_removed, queue_name};
use super::push_to_every_node;
use crate::auth::Principal;
use crate::pbx::ami::Action;
use crate::service::Missing;
use crate::service::access::{self, Intent};
use crate::service::audit;
use crate::service::lookup::{self, ExtensionRef};
use crate::service::queue_members::{QueueRef, member_change};
use crate::service::{Core, ServiceError, ServiceResult};
use crate::store::queue_members::{self as members, Membership};

/// An extension's membership of one queue, with the live pause reason when a node knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentQueue {
    /// The stored membership.
    pub membership: Membership,
    /// Pause reason from the live state ("" when unknown or not paused).
    pub pause_reason: String,
}

/// Which queues of an agent a call is about.
#[derive(Debug, Clone, Copy)]
pub enum AgentQueues<'a> {
    /// `queue=ALL` or no queue.
    All,
    /// One queue.
    One(QueueRef<'a>),
}

async fn resolve(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    ext: ExtensionRef<'_>,
    queues: AgentQueues<'_>,
    intent: Intent,
) -> ServiceResult<(i64, i64, Option<i64>)> {
    let scope = access::tenant_scope(core, principal, tenant, intent).await?;
    let mut conn = core.db().pool().acquire().await?;
    let extension = lookup::extension(&mut conn, &scope, ext).await?;
    let queue_id = match queues {
        AgentQueues::All => None,
        AgentQueues::One(queue) => Some(crate::service::queue_members::queue_id(&mut conn, &scope, queue).await?),
    };
    Ok((scope.tenant_id, extension.id, queue_id))
}

/// The queues an extension is a member of (AGENT listqueues). Not a member anywhere:
/// `NotFound(Missing::QueueMember)`.
pub async fn agent_queues(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    ext: ExtensionRef<'_>,
) -> ServiceResult<Vec<AgentQueue>> {
    let (tenant_id, extension_id, _) = resolve(core, principal, tenant, ext, AgentQueues::All, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let list = members::memberships(&mut conn, tenant_id, extension_id, None).await?;
    if list.is_empty() {
        return Err(ServiceError::NotFound(Missing::QueueMember));
    }
    Ok(list
        .into_iter()
        .map(|membership| {
            let pause_reason = live_pause_reason(core, &membership).unwrap_or_default();
            AgentQueue { membership, pause_reason }
        })
        .collect())
}

fn live_pause_reason(core: &Core, membership: &Membership) -> Option<String> {
    let queue = queue_name(membership.queue_id);
    core.pbx().nodes().iter().find_map(|node| {
        node.read(|state| {
            state
                .queue_members(&queue)
                .find(|member| member.interface == membership.interface && member.paused)
                .map(|member| member.paused_reason.clone())
        })
        .ok()
        .flatten()
    })
}

/// Pauses or unpauses an agent in one queue or all its queues (AGENT pause/unpause, REST member
/// pause): stored, then pushed as QueuePause. Returns the memberships changed.
pub async fn set_paused(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    ext: ExtensionRef<'_>,
    queues: AgentQueues<'_>,
    paused: bool,
    reason: Option<&str>,
) -> ServiceResult<Vec<Membership>> {
    if let Some(reason) = reason
        && (reason.len() > 80 || reason.chars().any(char::is_control))
    {
        // It travels in an AMI header, where a line break would end it and other controls garble it.
        return Err(ServiceError::invalid("pausereason", "at most 80 printable characters"));
    }
    let (tenant_id, extension_id, queue_id) = resolve(core, principal, tenant, ext, queues, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let changed = members::memberships(&mut tx, tenant_id, extension_id, queue_id).await?;
    if changed.is_empty() {
        return Err(ServiceError::NotFound(Missing::QueueMember));
    }
    members::set_paused(&mut tx, tenant_id, extension_id, queue_id, paused).await?;
    for membership in &changed {
        let after = Membership { paused, ..membership.clone() };
        let change = member_change(if paused { "pause" } else { "unpause" }, membership.queue_id, extension_id)
            .tenant_id(tenant_id)
            .before_view(membership)
            .after_view(&after);
        let change = match reason.filter(|_| paused) {
            Some(reason) => change.after_field("reason", reason),
            None => change,
        };
        audit::record(&mut tx, principal, change).await?;
    }
    tx.commit().await?;
    for membership in &changed {
        let action = Action::new("QueuePause")
            .header("Interface", membership.interface.clone())?
            .header("Queue", queue_name(membership.queue_id))?
            .header("Paused", if paused { "true" } else { "false" })?
            .optional("Reason", reason.filter(|_| paused))?;
        push_to_every_node(core, &action).await;
    }
    Ok(changed.into_iter().map(|m| Membership { paused, ..m }).collect())
}

/// Removes an agent from one queue or all its queues (AGENT del): stored, then QueueRemove.
pub async fn remove_agent(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    ext: ExtensionRef<'_>,
    queues: AgentQueues<'_>,
) -> ServiceResult<usize> {
    let (tenant_id, extension_id, queue_id) = resolve(core, principal, tenant, ext, queues, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let removed = members::memberships(&mut tx, tenant_id, extension_id, queue_id).await?;
    if removed.is_empty() {
        return Err(ServiceError::NotFound(Missing::QueueMember));
    }
    for membership in &removed {
        members::remove(&mut tx, tenant_id, membership.queue_id, extension_id).await?;
        let change = member_change("delete", membership.queue_id, extension_id).tenant_id(tenant_id);
        audit::record(&mut tx, principal, change.before_view(membership)).await?;
    }
    tx.commit().await?;
    for membership in &removed {
        push_removed(core, membership.queue_id, &membership.interface).await;
    }
    Ok(removed.len())
}

/// Resets a queue's statistics on every node (QUEUERESET). Purely live: fails when no node took it.
pub async fn reset(core: &Core, principal: &Principal, tenant: &str, queue: QueueRef<'_>) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut conn = core.db().pool().acquire().await?;
    let queue_id = crate::service::queue_members::queue_id(&mut conn, &scope, queue).await?;
    drop(conn);
    super::selected_nodes(core, None)?;
    let action = Action::new("QueueReset").header("Queue", queue_name(queue_id))?;
    super::PerNode::require_any(super::on_every_node(core, &action).await)?;
    Ok(())
}
