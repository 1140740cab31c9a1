//! Faxes (`fx_faxes`): documents the gateway queued for sending (and, later, received ones). Every
//! read is bounded by the tenant. The idempotency key is unique per tenant, which is what keeps two
//! concurrent retries of one REST send from creating two faxes.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// A fax row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FaxRow {
    /// `fx_id`: the fax id returned by a send.
    pub id: i64,
    /// `OUT` (sent by the tenant) or `IN`.
    pub direction: String,
    /// Sending number.
    pub source_number: String,
    /// Receiving number.
    pub dest_number: String,
    /// Pages counted in the document (0: unknown).
    pub pages: i64,
    /// `QUEUED` until the PBX reports progress.
    pub status: String,
    /// Last transmission error, empty when none.
    pub error: String,
    /// When it was queued, stored UTC text.
    pub date: String,
    /// The PDF, relative to the fax directory (never shown to clients).
    pub path: String,
    /// Document size in bytes.
    pub size: i64,
    /// Resolution: `204x98`, `204x196` or `204x392`.
    pub quality: String,
    /// `a4`, `letter` or `legal`.
    pub pagesize: String,
    /// Empty, `E`, `W` or `no`.
    pub rotate: String,
    /// Remove the document once sent.
    pub deleteaftersend: bool,
    /// Send not before this stored UTC time.
    pub schedule: Option<String>,
    /// Address told about the outcome, empty when none.
    pub statusemail: String,
    /// The call that carried the fax, once there is one.
    pub uniqueid: String,
    /// Digest of the request that created it (REST sends with an idempotency key).
    pub request_hash: Option<String>,
}

/// What a send stores (`fx_id`, status and direction are the table's to give).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFax<'a> {
    /// Owner.
    pub tenant_id: i64,
    /// The row's fields; `id`, `direction`, `status`, `error` and `uniqueid` are ignored.
    pub fax: &'a FaxRow,
    /// REST `Idempotency-Key`, if any.
    pub idempotency_key: Option<&'a str>,
}

const COLUMNS: &str = "fx_id, fx_direction, fx_source_number, fx_dest_number, fx_pages, fx_status, fx_error, \
     fx_date, fx_path, fx_size, fx_quality, fx_pagesize, fx_rotate, fx_deleteaftersend, fx_schedule, \
     fx_statusemail, fx_uniqueid, fx_request_hash";

fn decode(r: &sqlx::any::AnyRow) -> StoreResult<FaxRow> {
    Ok(FaxRow {
        id: r.try_get("fx_id")?,
        direction: r.try_get("fx_direction")?,
        source_number: r.try_get("fx_source_number")?,
        dest_number: r.try_get("fx_dest_number")?,
        pages: r.try_get("fx_pages")?,
        status: r.try_get("fx_status")?,
        error: r.try_get("fx_error")?,
        date: r.try_get("fx_date")?,
        path: r.try_get("fx_path")?,
        size: r.try_get("fx_size")?,
        quality: r.try_get("fx_quality")?,
        pagesize: r.try_get("fx_pagesize")?,
        rotate: r.try_get("fx_rotate")?,
        deleteaftersend: r.try_get::<i64, _>("fx_deleteaftersend")? != 0,
        schedule: r.try_get("fx_schedule")?,
        statusemail: r.try_get("fx_statusemail")?,
        uniqueid: r.try_get("fx_uniqueid")?,
        request_hash: r.try_get("fx_request_hash")?,
    })
}

/// Inserts a queued outgoing fax; `None` when the tenant already has a fax with this idempotency
/// key (the caller then reads that one instead).
pub async fn insert(conn: &mut AnyConnection, new: &NewFax<'_>) -> StoreResult<Option<i64>> {
    let fax = new.fax;
    let row = sqlx::query(
        "INSERT INTO fx_faxes (fx_te_id, fx_direction, fx_source_number, fx_dest_number, fx_pages, fx_status, \
         fx_date, fx_path, fx_size, fx_quality, fx_pagesize, fx_rotate, fx_deleteaftersend, fx_schedule, \
         fx_statusemail, fx_idempotency_key, fx_request_hash) \
         VALUES ($1, 'OUT', $2, $3, $4, 'QUEUED', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (fx_te_id, fx_idempotency_key) DO NOTHING RETURNING fx_id",
    )
    .bind(new.tenant_id)
    .bind(fax.source_number.clone())
    .bind(fax.dest_number.clone())
    .bind(fax.pages)
    .bind(fax.date.clone())
    .bind(fax.path.clone())
    .bind(fax.size)
    .bind(fax.quality.clone())
    .bind(fax.pagesize.clone())
    .bind(fax.rotate.clone())
    .bind(i64::from(fax.deleteaftersend))
    .bind(fax.schedule.clone())
    .bind(fax.statusemail.clone())
    .bind(new.idempotency_key.map(str::to_string))
    .bind(fax.request_hash.clone())
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(row.map(|r| r.try_get("fx_id")).transpose()?)
}

/// A tenant's fax by id.
pub async fn by_id(conn: &mut AnyConnection, tenant_id: i64, id: i64) -> StoreResult<Option<FaxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM fx_faxes WHERE fx_te_id = $1 AND fx_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's first fax carried by the call with this unique id.
pub async fn by_uniqueid(conn: &mut AnyConnection, tenant_id: i64, uniqueid: &str) -> StoreResult<Option<FaxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM fx_faxes WHERE fx_te_id = $1 AND fx_uniqueid = $2 ORDER BY fx_id LIMIT 1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(uniqueid.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's fax created with this idempotency key.
pub async fn by_idempotency_key(conn: &mut AnyConnection, tenant_id: i64, key: &str) -> StoreResult<Option<FaxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM fx_faxes WHERE fx_te_id = $1 AND fx_idempotency_key = $2");
    let row =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(key.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// A tenant's faxes dated within `[from, to]` (stored text; `None` = unbounded), in id order, after
/// `after_id`, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    from: Option<&str>,
    to: Option<&str>,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<FaxRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM fx_faxes WHERE fx_te_id = $1 AND fx_id > $2 AND fx_date >= $3 AND fx_date <= $4 \
         ORDER BY fx_id LIMIT $5"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(after_id)
        .bind(from.unwrap_or_default().to_string())
        .bind(to.unwrap_or("9999-12-31 23:59:59").to_string())
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(decode).collect()
}
