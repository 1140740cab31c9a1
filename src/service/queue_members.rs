//! Queue membership (legacy QUEUE reqtype, REST `queues/{id}/members`): which extensions answer a
//! queue, with penalty, pause state and the legacy member type. Live pushes to the PBX
//! (QueueAdd/QueueRemove/QueuePause) come with the live-PBX port; the stored membership is what
//! Asterisk's realtime `queue_members` reads.

use sqlx::AnyConnection;

use super::access::{self, Intent, TenantScope};
use super::audit::{self, Change};
use super::catalog::QUEUE;
use super::extensions::username;
use super::lookup::ExtensionRef;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::bounds::IntRange;
use crate::service::Missing;
use crate::store::objects::{self as store, CondOp, Condition, ListQuery, Row, Value};
use crate::store::queue_members::{self as members, Member, MemberRow, QueueEvent};

/// Legacy member types (CONTRACT §1.4 row 25).
pub const MEMBER_TYPES: [&str; 12] =
    ["NF", "AD", "NFR", "ADR", "EA", "EANM", "EAC", "EANMC", "CU", "CUNM", "CC", "CUFF"];

/// Accepted penalties.
pub const PENALTY: IntRange = IntRange { min: 0, max: 1_000_000 };
/// Accepted legacy orders.
pub const ORDER: IntRange = IntRange { min: 0, max: i64::MAX };

/// How a call names a queue.
#[derive(Debug, Clone, Copy)]
pub enum QueueRef<'a> {
    /// `qu_id`.
    Id(i64),
    /// `qu_number`.
    Number(&'a str),
}

/// Member settings to apply; absent ones keep their current (or default) value.
#[derive(Debug, Clone, Default)]
pub struct MemberChange {
    /// Penalty (0 = rings first).
    pub penalty: Option<i64>,
    /// Paused.
    pub paused: Option<bool>,
    /// Legacy member type.
    pub kind: Option<String>,
    /// Legacy order.
    pub order: Option<i64>,
}

impl MemberChange {
    fn validate(&self) -> ServiceResult<Option<String>> {
        if let Some(penalty) = self.penalty
            && !PENALTY.admits(penalty)
        {
            return Err(ServiceError::invalid("penalty", PENALTY.message()));
        }
        if self.order.is_some_and(|o| !ORDER.admits(o)) {
            return Err(ServiceError::invalid("order", "must not be negative"));
        }
        self.kind
            .as_deref()
            .map(|k| {
                MEMBER_TYPES
                    .iter()
                    .find(|t| t.eq_ignore_ascii_case(k))
                    .map(|t| (*t).to_string())
                    .ok_or_else(|| ServiceError::invalid("type", format!("must be one of {}", MEMBER_TYPES.join(", "))))
            })
            .transpose()
    }
}

/// A queue of the caller's tenant, authorized for `intent`.
/// The audit entry of a change to the membership of extension `extension_id` in queue `queue_id`
/// (object id `<queue id>/<extension id>`).
pub(crate) fn member_change(action: &'static str, queue_id: i64, extension_id: i64) -> Change {
    Change::new("queue_member", action).id(format!("{queue_id}/{extension_id}"))
}

struct Target {
    scope: TenantScope,
    queue: Row,
}

impl Target {
    /// The audit entry of a change to a member of this queue.
    fn change(&self, action: &'static str, extension_id: i64) -> Change {
        member_change(action, self.queue.id, extension_id).tenant(self.scope.tenant_id, &self.scope.code)
    }
}

async fn target(
    principal: &Principal,
    tenant: &str,
    queue: QueueRef<'_>,
    intent: Intent,
    conn: &mut AnyConnection,
) -> ServiceResult<Target> {
    let scope = access::tenant_scope_on(conn, principal, tenant, intent).await?;
    let row = match queue {
        QueueRef::Id(id) => store::get(conn, &QUEUE, Some(scope.tenant_id), id).await?,
        QueueRef::Number(number) => first(conn, &QUEUE, scope.tenant_id, "qu_number", number).await?,
    };
    let queue = row.ok_or(ServiceError::NotFound(Missing::Queue))?;
    Ok(Target { scope, queue })
}

/// The id of a tenant's queue named by id or number; `NotFound(Missing::Queue)` otherwise.
pub async fn queue_id(
    conn: &mut AnyConnection,
    scope: &super::access::TenantScope,
    queue: QueueRef<'_>,
) -> ServiceResult<i64> {
    let row = match queue {
        QueueRef::Id(id) => store::get(conn, &QUEUE, Some(scope.tenant_id), id).await?,
        QueueRef::Number(number) => first(conn, &QUEUE, scope.tenant_id, "qu_number", number).await?,
    };
    row.map(|row| row.id).ok_or(ServiceError::NotFound(Missing::Queue))
}

async fn first(
    conn: &mut AnyConnection,
    def: &'static crate::domain::object::ObjectDef,
    tenant_id: i64,
    column: &'static str,
    value: &str,
) -> ServiceResult<Option<Row>> {
    if value.is_empty() {
        return Ok(None);
    }
    let query = ListQuery {
        tenant_id: Some(tenant_id),
        conditions: vec![Condition { column, op: CondOp::Eq, value: Value::Text(value.to_string()) }],
        limit: Some(1),
        ..Default::default()
    };
    Ok(store::list(conn, def, &query).await?.into_iter().next())
}

async fn extension(conn: &mut AnyConnection, t: &Target, ext: ExtensionRef<'_>) -> ServiceResult<Row> {
    super::lookup::extension(conn, &t.scope, ext).await
}

/// The queue's row and members.
#[tracing::instrument(name = "service.queue_members.list", skip_all)]
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    queue: QueueRef<'_>,
) -> ServiceResult<(Row, Vec<Member>)> {
    let mut conn = core.db().pool().acquire().await?;
    let t = target(principal, tenant, queue, Intent::Read, &mut conn).await?;
    let list = members::list(&mut conn, t.scope.tenant_id, t.queue.id).await?;
    Ok((t.queue, list))
}

/// Adds an extension to a queue or changes its settings; returns the member and whether it is new.
#[tracing::instrument(name = "service.queue_members.put", skip_all)]
pub async fn put(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    queue: QueueRef<'_>,
    ext: ExtensionRef<'_>,
    change: &MemberChange,
) -> ServiceResult<(Member, bool)> {
    let kind = change.validate()?;
    let mut tx = core.db().begin().await?;
    let t = target(principal, tenant, queue, Intent::Write, &mut tx).await?;
    let ext = extension(&mut tx, &t, ext).await?;
    let current =
        members::list(&mut tx, t.scope.tenant_id, t.queue.id).await?.into_iter().find(|m| m.extension_id == ext.id);
    let member_name = username(ext.text("ex_number"), &t.scope.code);
    let interface = format!("{}/{member_name}", ext.text("ex_tech"));
    let row = MemberRow {
        tenant_id: t.scope.tenant_id,
        queue_id: t.queue.id,
        extension_id: ext.id,
        interface: &interface,
        membername: &member_name,
        penalty: change.penalty.or(current.as_ref().map(|m| m.penalty)).unwrap_or(0),
        paused: change.paused.or(current.as_ref().map(|m| m.paused)).unwrap_or(false),
        kind: kind.as_deref().or(current.as_ref().map(|m| m.kind.as_str())).unwrap_or("NF"),
        order: change.order.or(current.as_ref().map(|m| m.order)).unwrap_or(0),
    };
    let created = members::upsert(&mut tx, &row).await?;
    let member = members::list(&mut tx, t.scope.tenant_id, t.queue.id)
        .await?
        .into_iter()
        .find(|m| m.extension_id == ext.id)
        .ok_or(ServiceError::NotFound(Missing::QueueMember))?;
    let mut audit = t.change(if created { "create" } else { "update" }, member.extension_id);
    if let Some(current) = &current {
        audit = audit.before_view(current);
    }
    audit::record(&mut tx, principal, audit.after_view(&member)).await?;
    tx.commit().await?;
    super::live::members::push_member(core, t.queue.id, &member, created).await;
    Ok((member, created))
}

/// Removes an extension from a queue; `NotFound` when it was not a member.
#[tracing::instrument(name = "service.queue_members.remove", skip_all)]
pub async fn remove(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    queue: QueueRef<'_>,
    ext: ExtensionRef<'_>,
) -> ServiceResult<()> {
    let mut tx = core.db().begin().await?;
    let t = target(principal, tenant, queue, Intent::Write, &mut tx).await?;
    let ext = extension(&mut tx, &t, ext).await?;
    let member = members::list(&mut tx, t.scope.tenant_id, t.queue.id)
        .await?
        .into_iter()
        .find(|m| m.extension_id == ext.id)
        .ok_or(ServiceError::NotFound(Missing::QueueMember))?;
    members::remove(&mut tx, t.scope.tenant_id, t.queue.id, ext.id).await?;
    audit::record(&mut tx, principal, t.change("delete", member.extension_id).before_view(&member)).await?;
    tx.commit().await?;
    super::live::members::push_removed(core, t.queue.id, &member.interface).await;
    Ok(())
}

/// Removes every member of a queue; returns how many there were.
#[tracing::instrument(name = "service.queue_members.clear", skip_all)]
pub async fn clear(core: &Core, principal: &Principal, tenant: &str, queue: QueueRef<'_>) -> ServiceResult<u64> {
    let mut tx = core.db().begin().await?;
    let t = target(principal, tenant, queue, Intent::Write, &mut tx).await?;
    let before = members::list(&mut tx, t.scope.tenant_id, t.queue.id).await?;
    let removed = members::clear(&mut tx, t.scope.tenant_id, t.queue.id).await?;
    let change = Change::new("queue", "clear_members").id(t.queue.id).tenant(t.scope.tenant_id, &t.scope.code);
    audit::record(&mut tx, principal, change.before_view(&before).after_field("removed", removed)).await?;
    tx.commit().await?;
    for member in &before {
        super::live::members::push_removed(core, t.queue.id, &member.interface).await;
    }
    Ok(removed)
}

/// A custom queue event (legacy QUEUE `log`).
#[derive(Debug, Clone, Default)]
pub struct LogEvent<'a> {
    /// Call unique id; `NONE` when absent.
    pub callid: Option<&'a str>,
    /// Agent extension (number or username); `NONE` when absent.
    pub agent: Option<&'a str>,
    /// Event name (required).
    pub event: &'a str,
    /// `data1`..`data5`.
    pub data: [&'a str; 5],
}

/// Appends a custom event to the queue log.
pub async fn log_event(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    queue: QueueRef<'_>,
    event: &LogEvent<'_>,
) -> ServiceResult<()> {
    let valid_event = !event.event.is_empty()
        && event.event.len() <= 64
        && event.event.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid_event {
        return Err(ServiceError::invalid("event", "must be 1-64 characters of A-Z, 0-9 and _"));
    }
    if event.data.iter().chain(event.callid.iter()).any(|d| d.len() > 1024 || d.contains(['|', '\r', '\n'])) {
        return Err(ServiceError::invalid("data", "values must be at most 1024 characters without | or line breaks"));
    }
    let mut tx = core.db().begin().await?;
    let t = target(principal, tenant, queue, Intent::Write, &mut tx).await?;
    let agent = match event.agent {
        Some(name) => {
            username(extension(&mut tx, &t, ExtensionRef::Name(name)).await?.text("ex_number"), &t.scope.code)
        }
        None => "NONE".to_string(),
    };
    let time = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let queuename = t.queue.id.to_string();
    let e = QueueEvent {
        time: &time,
        callid: event.callid.unwrap_or("NONE"),
        queuename: &queuename,
        agent: &agent,
        event: event.event,
        data: event.data,
    };
    members::log(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}
