//! Calls placed through the gateway (`lo_originates`): the originate id and, for REST, the
//! idempotency key that makes a retried request answer with the first call instead of a new one.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// One placed (or reserved) call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginateRow {
    /// The 14-hex-digit originate id.
    pub originate_id: String,
    /// The node it went to.
    pub node: String,
    /// Source extension number.
    pub source: String,
    /// Destination.
    pub dest: String,
    /// `SENDING`, `QUEUED` or `UNKNOWN`.
    pub status: String,
    /// When it was placed (stored UTC text).
    pub created_at: String,
    /// Digest of the request, for idempotent replays.
    pub request_hash: Option<String>,
}

/// A new row.
#[derive(Debug, Clone)]
pub struct NewOriginate<'a> {
    /// Tenant.
    pub tenant_id: i64,
    /// The row.
    pub row: &'a OriginateRow,
    /// REST idempotency key.
    pub idempotency_key: Option<&'a str>,
}

const COLUMNS: &str = "lo_originate_id, lo_node, lo_source, lo_dest, lo_status, lo_created_at, lo_request_hash";

fn decode(r: &sqlx::any::AnyRow) -> StoreResult<OriginateRow> {
    Ok(OriginateRow {
        originate_id: r.try_get("lo_originate_id")?,
        node: r.try_get("lo_node")?,
        source: r.try_get("lo_source")?,
        dest: r.try_get("lo_dest")?,
        status: r.try_get("lo_status")?,
        created_at: r.try_get("lo_created_at")?,
        request_hash: r.try_get("lo_request_hash")?,
    })
}

/// Inserts the row; `false` when the tenant already used the idempotency key (nothing written).
pub async fn insert(conn: &mut AnyConnection, new: &NewOriginate<'_>) -> StoreResult<bool> {
    let row = new.row;
    let result = sqlx::query(
        "INSERT INTO lo_originates (lo_te_id, lo_originate_id, lo_node, lo_source, lo_dest, lo_status, \
         lo_created_at, lo_idempotency_key, lo_request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (lo_te_id, lo_idempotency_key) DO NOTHING",
    )
    .bind(new.tenant_id)
    .bind(row.originate_id.clone())
    .bind(row.node.clone())
    .bind(row.source.clone())
    .bind(row.dest.clone())
    .bind(row.status.clone())
    .bind(row.created_at.clone())
    .bind(new.idempotency_key.map(str::to_string))
    .bind(row.request_hash.clone())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The tenant's call placed with this idempotency key.
pub async fn by_idempotency_key(
    conn: &mut AnyConnection,
    tenant_id: i64,
    key: &str,
) -> StoreResult<Option<OriginateRow>> {
    let sql = format!("SELECT {COLUMNS} FROM lo_originates WHERE lo_te_id = $1 AND lo_idempotency_key = $2");
    let row =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(key.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// Records the outcome of the send.
pub async fn set_status(conn: &mut AnyConnection, originate_id: &str, status: &str) -> StoreResult<()> {
    sqlx::query("UPDATE lo_originates SET lo_status = $1 WHERE lo_originate_id = $2")
        .bind(status.to_string())
        .bind(originate_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets a reservation whose action certainly never reached the PBX, so a retry may place it.
pub async fn delete(conn: &mut AnyConnection, originate_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM lo_originates WHERE lo_originate_id = $1")
        .bind(originate_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The status of a placed call (`None`: no such row, e.g. forgotten because it was never placed).
pub async fn status(conn: &mut AnyConnection, originate_id: &str) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT lo_status FROM lo_originates WHERE lo_originate_id = $1")
        .bind(originate_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("lo_status")?),
        None => None,
    })
}
