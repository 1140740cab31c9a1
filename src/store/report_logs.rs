//! Reading what the PBX logs for a tenant: Asterisk's `queue_log` events (of the tenant's queues),
//! IVR choices (`il_ivrlogs`) and response-path steps (`rr_responsepath_results`). Every query is
//! tenant-bound in SQL, bounded by `LIMIT` and walks an index (`queue_log_queue_time`,
//! `il_ivrlogs_tenant_time`, `rr_results_path`). Optional text filters bind `''` for "any" so one
//! SQL text serves both backends without NULL-typed parameters.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// One row of Asterisk's `queue_log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLogEntry {
    /// Row id (keyset cursor).
    pub id: i64,
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC.
    pub time: String,
    /// Call unique id, `NONE` for member events.
    pub callid: String,
    /// Queue id as text (Asterisk's queue name).
    pub queuename: String,
    /// Member name `<number>-<TENANT>` or `NONE`.
    pub agent: String,
    /// Event name (`ENTERQUEUE`, `CONNECT`, ...).
    pub event: String,
    /// `data1`..`data5`, meaning per event.
    pub data: [String; 5],
}

/// Which `queue_log` rows to read.
#[derive(Debug, Clone)]
pub struct QueueLogQuery<'a> {
    /// Only events of this tenant's queues.
    pub tenant_id: i64,
    /// Only this queue id (`None` = every queue of the tenant).
    pub queue_id: Option<i64>,
    /// Lower time bound (inclusive, stored text).
    pub from: &'a str,
    /// Upper time bound (inclusive, stored text, may carry fractions).
    pub to: &'a str,
    /// Only this agent (`""` = any).
    pub agent: &'a str,
    /// Only this event (`""` = any).
    pub event: &'a str,
    /// Only rows with a greater id.
    pub after_id: i64,
    /// Row cap.
    pub limit: i64,
}

/// Queue events of a tenant, id order.
pub async fn queue_log(conn: &mut AnyConnection, q: &QueueLogQuery<'_>) -> StoreResult<Vec<QueueLogEntry>> {
    // queuename holds the queue id as text; the sub-select keeps the tenant bound in SQL and lets the
    // (queuename, time) index serve each of the tenant's queues.
    let rows = sqlx::query(
        "SELECT l.id, l.time, l.callid, l.queuename, l.agent, l.event, l.data1, l.data2, l.data3, l.data4, l.data5 \
         FROM queue_log l \
         WHERE l.queuename IN (SELECT CAST(q.qu_id AS TEXT) FROM qu_queues q WHERE q.qu_te_id = $1) \
         AND ($2 = '' OR l.queuename = $2) AND l.time >= $3 AND l.time <= $4 \
         AND ($5 = '' OR l.agent = $5) AND ($6 = '' OR l.event = $6) AND l.id > $7 \
         ORDER BY l.id LIMIT $8",
    )
    .bind(q.tenant_id)
    .bind(q.queue_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(q.from.to_string())
    .bind(q.to.to_string())
    .bind(q.agent.to_string())
    .bind(q.event.to_string())
    .bind(q.after_id)
    .bind(q.limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(QueueLogEntry {
                id: r.try_get("id")?,
                time: r.try_get("time")?,
                callid: r.try_get("callid")?,
                queuename: r.try_get("queuename")?,
                agent: r.try_get("agent")?,
                event: r.try_get("event")?,
                data: [
                    r.try_get("data1")?,
                    r.try_get("data2")?,
                    r.try_get("data3")?,
                    r.try_get("data4")?,
                    r.try_get("data5")?,
                ],
            })
        })
        .collect()
}

/// One IVR choice, with the IVR's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvrLogEntry {
    /// `il_id` (keyset cursor).
    pub id: i64,
    /// When (stored UTC text).
    pub time: String,
    /// Call unique id.
    pub uniqueid: String,
    /// Caller id of the call.
    pub callerid: String,
    /// IVR id.
    pub ivr_id: i64,
    /// IVR name; empty when the IVR was deleted since.
    pub ivr_name: String,
    /// Key pressed.
    pub digit: String,
    /// Destination tag taken.
    pub destination: String,
}

/// Which IVR log rows to read.
#[derive(Debug, Clone)]
pub struct IvrLogQuery<'a> {
    /// Tenant.
    pub tenant_id: i64,
    /// Lower time bound (inclusive).
    pub from: &'a str,
    /// Upper time bound (inclusive).
    pub to: &'a str,
    /// Only this IVR (`0` = any; ids start at 1).
    pub ivr_id: i64,
    /// Only this call (`""` = any).
    pub uniqueid: &'a str,
    /// Only rows with a greater id.
    pub after_id: i64,
    /// Row cap.
    pub limit: i64,
}

/// IVR choices of a tenant, id order.
pub async fn ivr_log(conn: &mut AnyConnection, q: &IvrLogQuery<'_>) -> StoreResult<Vec<IvrLogEntry>> {
    let rows = sqlx::query(
        "SELECT i.il_id, i.il_time, i.il_uniqueid, i.il_callerid, i.il_iv_id, COALESCE(v.iv_name, '') AS ivr_name, \
         i.il_digit, i.il_destination FROM il_ivrlogs i LEFT JOIN iv_ivrs v ON v.iv_id = i.il_iv_id AND v.iv_te_id = i.il_te_id \
         WHERE i.il_te_id = $1 AND i.il_time >= $2 AND i.il_time <= $3 AND ($4 = 0 OR i.il_iv_id = $4) \
         AND ($5 = '' OR i.il_uniqueid = $5) AND i.il_id > $6 ORDER BY i.il_id LIMIT $7",
    )
    .bind(q.tenant_id)
    .bind(q.from.to_string())
    .bind(q.to.to_string())
    .bind(q.ivr_id)
    .bind(q.uniqueid.to_string())
    .bind(q.after_id)
    .bind(q.limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(IvrLogEntry {
                id: r.try_get("il_id")?,
                time: r.try_get("il_time")?,
                uniqueid: r.try_get("il_uniqueid")?,
                callerid: r.try_get("il_callerid")?,
                ivr_id: r.try_get("il_iv_id")?,
                ivr_name: r.try_get("ivr_name")?,
                digit: r.try_get("il_digit")?,
                destination: r.try_get("il_destination")?,
            })
        })
        .collect()
}

/// One step a response path recorded for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `rr_id`: steps of a call are in this order.
    pub id: i64,
    /// Call unique id.
    pub uniqueid: String,
    /// When (stored UTC text; may be empty).
    pub time: String,
    /// `START`, `CALLERID`, `VARIABLE`, `QUEUE`, `ANSWER`, `HANGUP`, ...
    pub kind: String,
    /// Id of the object the step is about (queue id, variable id, ...).
    pub type_id: String,
    /// Value.
    pub value: String,
    /// Name of the object (the variable name for `VARIABLE`).
    pub type_name: String,
    /// Name of the value.
    pub value_name: String,
}

/// Which calls of a response path to read, newest first.
#[derive(Debug, Clone)]
pub struct CallQuery<'a> {
    /// Tenant (checked again on every row).
    pub tenant_id: i64,
    /// `rh_id`.
    pub path_id: i64,
    /// Lower step time bound (`""` = none).
    pub from: &'a str,
    /// Upper step time bound.
    pub to: &'a str,
    /// Only this call (`""` = any).
    pub uniqueid: &'a str,
    /// Only calls with an ANSWER step of this value (`""` = any).
    pub answered_by: &'a str,
    /// Only calls with a QUEUE step whose type id or value is this (`""` = any).
    pub queue: &'a str,
    /// Only calls whose first step id is smaller (keyset, newest first).
    pub before_id: i64,
    /// Call cap.
    pub limit: i64,
}

/// `(uniqueid, first step id)` of matching calls, newest first.
pub async fn calls(conn: &mut AnyConnection, q: &CallQuery<'_>) -> StoreResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT r.rr_uniqueid, MIN(r.rr_id) AS first_id FROM rr_responsepath_results r \
         WHERE r.rr_rh_id = $1 AND r.rr_te_id = $2 AND r.rr_time >= $3 AND r.rr_time <= $4 \
         AND ($5 = '' OR r.rr_uniqueid = $5) \
         AND ($6 = '' OR EXISTS (SELECT 1 FROM rr_responsepath_results a WHERE a.rr_rh_id = r.rr_rh_id \
              AND a.rr_uniqueid = r.rr_uniqueid AND a.rr_type = 'ANSWER' AND a.rr_value = $6)) \
         AND ($7 = '' OR EXISTS (SELECT 1 FROM rr_responsepath_results a WHERE a.rr_rh_id = r.rr_rh_id \
              AND a.rr_uniqueid = r.rr_uniqueid AND a.rr_type = 'QUEUE' AND (a.rr_type_id = $7 OR a.rr_value = $7))) \
         GROUP BY r.rr_uniqueid HAVING MIN(r.rr_id) < $8 ORDER BY first_id DESC LIMIT $9",
    )
    .bind(q.path_id)
    .bind(q.tenant_id)
    .bind(q.from.to_string())
    .bind(q.to.to_string())
    .bind(q.uniqueid.to_string())
    .bind(q.answered_by.to_string())
    .bind(q.queue.to_string())
    .bind(q.before_id)
    .bind(q.limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("rr_uniqueid")?, r.try_get("first_id")?))).collect()
}

/// The steps of the given calls of a response path, step order.
pub async fn steps(
    conn: &mut AnyConnection,
    tenant_id: i64,
    path_id: i64,
    uniqueids: &[String],
) -> StoreResult<Vec<Step>> {
    if uniqueids.is_empty() {
        return Ok(Vec::new());
    }
    // Only placeholders are generated; the ids themselves are bound.
    let placeholders: Vec<String> = (0..uniqueids.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT rr_id, rr_uniqueid, rr_time, rr_type, rr_type_id, rr_value, rr_type_name, rr_value_name \
         FROM rr_responsepath_results WHERE rr_rh_id = $1 AND rr_te_id = $2 AND rr_uniqueid IN ({}) ORDER BY rr_id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(path_id).bind(tenant_id);
    for uniqueid in uniqueids {
        query = query.bind(uniqueid.clone());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(Step {
                id: r.try_get("rr_id")?,
                uniqueid: r.try_get("rr_uniqueid")?,
                time: r.try_get("rr_time")?,
                kind: r.try_get("rr_type")?,
                type_id: r.try_get("rr_type_id")?,
                value: r.try_get("rr_value")?,
                type_name: r.try_get("rr_type_name")?,
                value_name: r.try_get("rr_value_name")?,
            })
        })
        .collect()
}

/// The call unique id of one result row (legacy `rrid` given as a response id).
pub async fn uniqueid_of(
    conn: &mut AnyConnection,
    tenant_id: i64,
    path_id: i64,
    result_id: i64,
) -> StoreResult<Option<String>> {
    let row = sqlx::query(
        "SELECT rr_uniqueid FROM rr_responsepath_results WHERE rr_id = $1 AND rr_rh_id = $2 AND rr_te_id = $3",
    )
    .bind(result_id)
    .bind(path_id)
    .bind(tenant_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("rr_uniqueid")).transpose()?)
}
