//! Text messages (`sm_sms`): every SMS the gateway sent, with what the PBX answered.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// One stored message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SmsRow {
    /// `sm_id`.
    pub id: i64,
    /// When (stored UTC text).
    pub date: String,
    /// `OUT` (sent through the gateway) or `IN`.
    pub direction: String,
    /// Source extension number.
    pub source: String,
    /// Destination as given (extension number or external number).
    pub dest: String,
    /// The text.
    pub message: String,
    /// `SENT` or `FAILED`.
    pub status: String,
    /// Why it failed (the PBX's message), empty when sent.
    pub error: String,
    /// The node it went through.
    pub node: String,
}

const COLUMNS: &str = "sm_id, sm_date, sm_direction, sm_source, sm_dest, sm_message, sm_status, sm_error, sm_node";

fn decode(r: &sqlx::any::AnyRow) -> StoreResult<SmsRow> {
    Ok(SmsRow {
        id: r.try_get("sm_id")?,
        date: r.try_get("sm_date")?,
        direction: r.try_get("sm_direction")?,
        source: r.try_get("sm_source")?,
        dest: r.try_get("sm_dest")?,
        message: r.try_get("sm_message")?,
        status: r.try_get("sm_status")?,
        error: r.try_get("sm_error")?,
        node: r.try_get("sm_node")?,
    })
}

/// Stores a message (`row.id` is ignored) and answers it with its id.
pub async fn insert(conn: &mut AnyConnection, tenant_id: i64, row: &SmsRow) -> StoreResult<SmsRow> {
    let sql = format!(
        "INSERT INTO sm_sms (sm_te_id, sm_date, sm_direction, sm_source, sm_dest, sm_message, sm_status, sm_error, \
         sm_node) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    );
    let stored = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(&row.date)
        .bind(&row.direction)
        .bind(&row.source)
        .bind(&row.dest)
        .bind(&row.message)
        .bind(&row.status)
        .bind(&row.error)
        .bind(&row.node)
        .fetch_one(conn)
        .await?;
    decode(&stored)
}

/// Up to `limit` of a tenant's messages dated within `[from, to]` (inclusive, stored text) with
/// `sm_id > after_id`, in id order (which is sending order).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    (from, to): (&str, &str),
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<SmsRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sm_sms WHERE sm_te_id = $1 AND sm_date >= $2 AND sm_date <= $3 AND sm_id > $4 \
         ORDER BY sm_id LIMIT $5"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(from)
        .bind(to)
        .bind(after_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}
