//! Call recordings (`re_recordings`). The PBX writes the rows; the gateway only reads them. Every
//! query is bounded by the tenant, so another tenant's row is indistinguishable from a missing one.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// A recording row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRow {
    /// `re_id`.
    pub id: i64,
    /// `re_uniqueid`: the call's Asterisk unique id.
    pub uniqueid: String,
    /// `re_name`.
    pub name: String,
    /// `re_date`, stored UTC text.
    pub date: String,
    /// `re_format` (`wav`, `mp3`, ...).
    pub format: String,
    /// `re_size` in bytes, as the PBX recorded it.
    pub size: i64,
    /// `re_path`, relative to the recordings directory (never shown to clients).
    pub path: String,
    /// `re_transcript`, when a transcription exists.
    pub transcript: Option<String>,
}

/// Which recordings a list returns; the bounds are stored-time text, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordingFilter {
    /// Earliest `re_date`.
    pub from: Option<String>,
    /// Latest `re_date`.
    pub to: Option<String>,
    /// Only this call's recordings.
    pub uniqueid: Option<String>,
}

const COLUMNS: &str = "re_id, re_uniqueid, re_name, re_date, re_format, re_size, re_path, re_transcript";

fn decode(r: &sqlx::any::AnyRow) -> StoreResult<RecordingRow> {
    Ok(RecordingRow {
        id: r.try_get("re_id")?,
        uniqueid: r.try_get("re_uniqueid")?,
        name: r.try_get("re_name")?,
        date: r.try_get("re_date")?,
        format: r.try_get("re_format")?,
        size: r.try_get("re_size")?,
        path: r.try_get("re_path")?,
        transcript: r.try_get("re_transcript")?,
    })
}

/// A tenant's recording by `re_id`.
pub async fn by_id(conn: &mut AnyConnection, tenant_id: i64, id: i64) -> StoreResult<Option<RecordingRow>> {
    let sql = format!("SELECT {COLUMNS} FROM re_recordings WHERE re_te_id = $1 AND re_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's first recording of the call with this unique id.
pub async fn by_uniqueid(
    conn: &mut AnyConnection,
    tenant_id: i64,
    uniqueid: &str,
) -> StoreResult<Option<RecordingRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM re_recordings WHERE re_te_id = $1 AND re_uniqueid = $2 ORDER BY re_id LIMIT 1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(uniqueid.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's first recording of the call DIAL started with this originate id (through the CDR's
/// `originateid`; the CDR must be the same tenant's).
pub async fn by_originate_id(
    conn: &mut AnyConnection,
    tenant_id: i64,
    originate_id: &str,
) -> StoreResult<Option<RecordingRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM re_recordings WHERE re_te_id = $1 AND re_uniqueid IN \
         (SELECT c.uniqueid FROM cdr c WHERE c.te_id = $1 AND c.originateid = $2 AND c.uniqueid <> '') \
         ORDER BY re_id LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(originate_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's recordings matching `filter`, in id order, after `after_id`, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    filter: &RecordingFilter,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<RecordingRow>> {
    // Absent bounds become bounds no stored time passes, so one SQL text serves every combination.
    let sql = format!(
        "SELECT {COLUMNS} FROM re_recordings WHERE re_te_id = $1 AND re_id > $2 \
         AND re_date >= $3 AND re_date <= $4 AND ($5 = '' OR re_uniqueid = $5) ORDER BY re_id LIMIT $6"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(after_id)
        .bind(filter.from.clone().unwrap_or_default())
        .bind(filter.to.clone().unwrap_or_else(|| "9999-12-31 23:59:59".to_string()))
        .bind(filter.uniqueid.clone().unwrap_or_default())
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(decode).collect()
}
