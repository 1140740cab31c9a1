//! Queue membership rows (Asterisk realtime `queue_members` layout) and custom `queue_log` events.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// A member of a queue, joined with its extension.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// `ex_id` of the member extension.
    pub extension_id: i64,
    /// Its number.
    pub number: String,
    /// Its SIP/agent username (`membername`).
    pub username: String,
    /// Queue penalty (lower rings first).
    pub penalty: i64,
    /// Paused members get no calls.
    pub paused: bool,
    /// Legacy member type (`NF`, `AD`, ...).
    pub kind: String,
    /// Legacy order within the queue.
    pub order: i64,
    /// Asterisk interface, e.g. `PJSIP/100-ACME`.
    pub interface: String,
}

/// What to store for a member.
#[derive(Debug, Clone)]
pub struct MemberRow<'a> {
    /// Tenant.
    pub tenant_id: i64,
    /// Queue id (also Asterisk's queue name).
    pub queue_id: i64,
    /// Extension id.
    pub extension_id: i64,
    /// Asterisk interface, e.g. `PJSIP/100-ACME`.
    pub interface: &'a str,
    /// Member name = SIP username.
    pub membername: &'a str,
    /// Penalty.
    pub penalty: i64,
    /// Paused.
    pub paused: bool,
    /// Legacy type.
    pub kind: &'a str,
    /// Legacy order.
    pub order: i64,
}

/// Members of a queue, by order then extension number.
pub async fn list(conn: &mut AnyConnection, tenant_id: i64, queue_id: i64) -> StoreResult<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT m.qm_ex_id, e.ex_number, m.membername, m.penalty, m.paused, m.qm_type, m.qm_order, m.interface \
         FROM queue_members m JOIN ex_extensions e ON e.ex_id = m.qm_ex_id \
         WHERE m.qm_te_id = $1 AND m.qm_qu_id = $2 ORDER BY m.qm_order, e.ex_number, m.qm_ex_id",
    )
    .bind(tenant_id)
    .bind(queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                extension_id: r.try_get("qm_ex_id")?,
                number: r.try_get("ex_number")?,
                username: r.try_get("membername")?,
                penalty: r.try_get("penalty")?,
                paused: r.try_get::<i64, _>("paused")? != 0,
                kind: r.try_get("qm_type")?,
                order: r.try_get("qm_order")?,
                interface: r.try_get("interface")?,
            })
        })
        .collect()
}

/// Adds a member or updates an existing one; returns whether it was new.
pub async fn upsert(conn: &mut AnyConnection, m: &MemberRow<'_>) -> StoreResult<bool> {
    let updated = sqlx::query(
        "UPDATE queue_members SET interface = $1, membername = $2, state_interface = $1, penalty = $3, paused = $4, \
         qm_type = $5, qm_order = $6 WHERE qm_qu_id = $7 AND qm_ex_id = $8 AND qm_te_id = $9",
    )
    .bind(m.interface.to_string())
    .bind(m.membername.to_string())
    .bind(m.penalty)
    .bind(i64::from(m.paused))
    .bind(m.kind.to_string())
    .bind(m.order)
    .bind(m.queue_id)
    .bind(m.extension_id)
    .bind(m.tenant_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO queue_members (qm_te_id, qm_qu_id, qm_ex_id, queue_name, interface, membername, state_interface, \
         penalty, paused, qm_type, qm_order) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8, $9, $10)",
    )
    .bind(m.tenant_id)
    .bind(m.queue_id)
    .bind(m.extension_id)
    .bind(m.queue_id.to_string())
    .bind(m.interface.to_string())
    .bind(m.membername.to_string())
    .bind(m.penalty)
    .bind(i64::from(m.paused))
    .bind(m.kind.to_string())
    .bind(m.order)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(true)
}

/// Removes one member; returns whether it was a member.
pub async fn remove(conn: &mut AnyConnection, tenant_id: i64, queue_id: i64, extension_id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM queue_members WHERE qm_te_id = $1 AND qm_qu_id = $2 AND qm_ex_id = $3")
        .bind(tenant_id)
        .bind(queue_id)
        .bind(extension_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Removes every member of a queue; returns how many.
pub async fn clear(conn: &mut AnyConnection, tenant_id: i64, queue_id: i64) -> StoreResult<u64> {
    let result = sqlx::query("DELETE FROM queue_members WHERE qm_te_id = $1 AND qm_qu_id = $2")
        .bind(tenant_id)
        .bind(queue_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected())
}

/// One queue an extension is a member of (AGENT listqueues).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Membership {
    /// `qu_id` (Asterisk's queue name).
    pub queue_id: i64,
    /// `qu_name`.
    pub queue_name: String,
    /// Asterisk interface.
    pub interface: String,
    /// Stored pause flag.
    pub paused: bool,
    /// Penalty.
    pub penalty: i64,
    /// Legacy member type.
    pub kind: String,
}

/// The memberships of one extension, optionally in one queue only, by queue id.
pub async fn memberships(
    conn: &mut AnyConnection,
    tenant_id: i64,
    extension_id: i64,
    queue_id: Option<i64>,
) -> StoreResult<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT m.qm_qu_id, q.qu_name, m.interface, m.paused, m.penalty, m.qm_type \
         FROM queue_members m JOIN qu_queues q ON q.qu_id = m.qm_qu_id \
         WHERE m.qm_te_id = $1 AND m.qm_ex_id = $2 AND ($3 = 0 OR m.qm_qu_id = $3) ORDER BY m.qm_qu_id",
    )
    .bind(tenant_id)
    .bind(extension_id)
    .bind(queue_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Membership {
                queue_id: r.try_get("qm_qu_id")?,
                queue_name: r.try_get("qu_name")?,
                interface: r.try_get("interface")?,
                paused: r.try_get::<i64, _>("paused")? != 0,
                penalty: r.try_get("penalty")?,
                kind: r.try_get("qm_type")?,
            })
        })
        .collect()
}

/// Sets the pause flag of an extension's memberships (one queue or all); returns how many.
pub async fn set_paused(
    conn: &mut AnyConnection,
    tenant_id: i64,
    extension_id: i64,
    queue_id: Option<i64>,
    paused: bool,
) -> StoreResult<u64> {
    let result = sqlx::query(
        "UPDATE queue_members SET paused = $1 WHERE qm_te_id = $2 AND qm_ex_id = $3 AND ($4 = 0 OR qm_qu_id = $4)",
    )
    .bind(i64::from(paused))
    .bind(tenant_id)
    .bind(extension_id)
    .bind(queue_id.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected())
}

/// A custom queue event, as Asterisk's `QueueLog` application would write it.
#[derive(Debug, Clone)]
pub struct QueueEvent<'a> {
    /// Time, `YYYY-MM-DD HH:MM:SS`.
    pub time: &'a str,
    /// Call unique id (or `NONE`).
    pub callid: &'a str,
    /// Queue name (the queue id).
    pub queuename: &'a str,
    /// Agent (username) or `NONE`.
    pub agent: &'a str,
    /// Event name.
    pub event: &'a str,
    /// `data1`..`data5`.
    pub data: [&'a str; 5],
}

/// Appends an event to `queue_log`.
pub async fn log(conn: &mut AnyConnection, e: &QueueEvent<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO queue_log (time, callid, queuename, agent, event, data, data1, data2, data3, data4, data5) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(e.time.to_string())
    .bind(e.callid.to_string())
    .bind(e.queuename.to_string())
    .bind(e.agent.to_string())
    .bind(e.event.to_string())
    .bind(e.data.join("|"))
    .bind(e.data[0].to_string())
    .bind(e.data[1].to_string())
    .bind(e.data[2].to_string())
    .bind(e.data[3].to_string())
    .bind(e.data[4].to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
