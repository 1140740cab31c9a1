//! Campaign run state (`ca_campaigns.ca_status`) and the numbers a campaign dials
//! (`cn_campaign_numbers`). The dialer's writes are guarded by the status they expect, so two
//! dialers (replicas sharing PostgreSQL) never claim the same number twice.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// The columns of a campaign the live operations need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRow {
    /// `ca_id`.
    pub id: i64,
    /// `ca_te_id`.
    pub tenant_id: i64,
    /// The tenant's code (joined).
    pub tenant_code: String,
    /// `ca_name`.
    pub name: String,
    /// `ONDEMAND` or `SCHEDULED`.
    pub campaign_type: String,
    /// `STOPPED`, `RUNNING` or `PAUSED`.
    pub status: String,
    /// `ca_maxchannels` as stored (text; may be empty).
    pub max_channels: String,
}

/// One number of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRow {
    /// `cn_id`.
    pub id: i64,
    /// `cn_ca_id`.
    pub campaign_id: i64,
    /// The number to dial.
    pub number: String,
    /// Free text.
    pub description: String,
    /// `NEW`, `DIALING`, `ANSWERED`, `FAILED` or `DONE`.
    pub status: String,
    /// Originates placed so far.
    pub attempts: i64,
    /// When the last one was placed (stored UTC text).
    pub last_attempt_at: Option<String>,
    /// The originate id of the last attempt.
    pub originate_id: Option<String>,
}

const CAMPAIGN_COLUMNS: &str = "ca_id, ca_te_id, te_code, ca_name, ca_type, ca_status, ca_maxchannels FROM ca_campaigns JOIN te_tenants ON te_id = ca_te_id";

fn decode_campaign(r: &sqlx::any::AnyRow) -> StoreResult<CampaignRow> {
    Ok(CampaignRow {
        id: r.try_get("ca_id")?,
        tenant_id: r.try_get("ca_te_id")?,
        tenant_code: r.try_get("te_code")?,
        name: r.try_get("ca_name")?,
        campaign_type: r.try_get("ca_type")?,
        status: r.try_get("ca_status")?,
        max_channels: r.try_get("ca_maxchannels")?,
    })
}

/// A campaign of a tenant; `None` also for another tenant's campaign.
pub async fn campaign(conn: &mut AnyConnection, tenant_id: i64, id: i64) -> StoreResult<Option<CampaignRow>> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} WHERE ca_te_id = $1 AND ca_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(decode_campaign).transpose()
}

/// Every campaign in `RUNNING` state, for the dialer.
pub async fn running(conn: &mut AnyConnection) -> StoreResult<Vec<CampaignRow>> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} WHERE ca_status = 'RUNNING' ORDER BY ca_id");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?.iter().map(decode_campaign).collect()
}

/// Changes the run state from `from` to `to` (compare-and-set); `false` when it was not `from`.
pub async fn set_status(conn: &mut AnyConnection, id: i64, from: &str, to: &str) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE ca_campaigns SET ca_status = $1 WHERE ca_id = $2 AND ca_status = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

const NUMBER_COLUMNS: &str = "cn_id, cn_ca_id, cn_number, cn_description, cn_status, cn_attempts, \
     cn_last_attempt_at, cn_originate_id";

fn decode_number(r: &sqlx::any::AnyRow) -> StoreResult<NumberRow> {
    Ok(NumberRow {
        id: r.try_get("cn_id")?,
        campaign_id: r.try_get("cn_ca_id")?,
        number: r.try_get("cn_number")?,
        description: r.try_get("cn_description")?,
        status: r.try_get("cn_status")?,
        attempts: r.try_get("cn_attempts")?,
        last_attempt_at: r.try_get("cn_last_attempt_at")?,
        originate_id: r.try_get("cn_originate_id")?,
    })
}

/// Adds a `NEW` number; `StoreError::Duplicate` when the campaign has it already.
pub async fn insert(
    conn: &mut AnyConnection,
    tenant_id: i64,
    campaign_id: i64,
    number: &str,
    description: &str,
) -> StoreResult<NumberRow> {
    let sql = format!(
        "INSERT INTO cn_campaign_numbers (cn_te_id, cn_ca_id, cn_number, cn_description) VALUES ($1, $2, $3, $4) \
         RETURNING {NUMBER_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(campaign_id)
        .bind(number)
        .bind(description)
        .fetch_one(conn)
        .await
        .map_err(super::StoreError::classify)?;
    decode_number(&row)
}

/// Removes one number; `false` when the campaign does not have it.
pub async fn delete(conn: &mut AnyConnection, campaign_id: i64, number: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM cn_campaign_numbers WHERE cn_ca_id = $1 AND cn_number = $2")
        .bind(campaign_id)
        .bind(number)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes every number of a campaign; answers how many.
pub async fn delete_all(conn: &mut AnyConnection, campaign_id: i64) -> StoreResult<u64> {
    let done =
        sqlx::query("DELETE FROM cn_campaign_numbers WHERE cn_ca_id = $1").bind(campaign_id).execute(conn).await?;
    Ok(done.rows_affected())
}

/// Up to `limit` numbers of a campaign with `cn_id > after_id`, in the order they were added.
pub async fn list(
    conn: &mut AnyConnection,
    campaign_id: i64,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<NumberRow>> {
    let sql = format!(
        "SELECT {NUMBER_COLUMNS} FROM cn_campaign_numbers WHERE cn_ca_id = $1 AND cn_id > $2 ORDER BY cn_id LIMIT $3"
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(after_id).bind(limit).fetch_all(conn).await?;
    rows.iter().map(decode_number).collect()
}

/// How many numbers of a campaign hold a channel: ringing (`DIALING`) or in the call (`ANSWERED`).
pub async fn count_in_flight(conn: &mut AnyConnection, campaign_id: i64) -> StoreResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM cn_campaign_numbers WHERE cn_ca_id = $1 AND cn_status IN ('DIALING', 'ANSWERED')",
    )
    .bind(campaign_id)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// The next `limit` numbers waiting to be dialled.
pub async fn next_new(conn: &mut AnyConnection, campaign_id: i64, limit: i64) -> StoreResult<Vec<NumberRow>> {
    let sql = format!(
        "SELECT {NUMBER_COLUMNS} FROM cn_campaign_numbers WHERE cn_ca_id = $1 AND cn_status = 'NEW' \
         ORDER BY cn_id LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(campaign_id)
        .bind(limit)
        .fetch_all(conn)
        .await?
        .iter()
        .map(decode_number)
        .collect()
}

/// Claims a `NEW` number of a `RUNNING` campaign for a call: `DIALING`, one more attempt, the
/// originate id. `false` when it is no longer `NEW` (another dialer took it, it was deleted) or the
/// campaign was paused or stopped meanwhile.
pub async fn claim(conn: &mut AnyConnection, id: i64, originate_id: &str, now: &str) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE cn_campaign_numbers SET cn_status = 'DIALING', cn_attempts = cn_attempts + 1, \
         cn_last_attempt_at = $1, cn_originate_id = $2 WHERE cn_id = $3 AND cn_status = 'NEW' \
         AND EXISTS (SELECT 1 FROM ca_campaigns WHERE ca_id = cn_ca_id AND ca_status = 'RUNNING')",
    )
    .bind(now)
    .bind(originate_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Gives a claimed number back (the call was certainly not placed): `NEW` again, attempt undone.
pub async fn release(conn: &mut AnyConnection, originate_id: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE cn_campaign_numbers SET cn_status = 'NEW', cn_attempts = cn_attempts - 1, cn_originate_id = NULL \
         WHERE cn_originate_id = $1 AND cn_status = 'DIALING'",
    )
    .bind(originate_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the number of this originate id from status `from` to `to`; `false` when it is not in
/// `from` (any more).
pub async fn advance(conn: &mut AnyConnection, originate_id: &str, from: &str, to: &str) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE cn_campaign_numbers SET cn_status = $1 WHERE cn_originate_id = $2 AND cn_status = $3")
            .bind(to)
            .bind(originate_id)
            .bind(from)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Moves every number in status `from` whose last attempt started before `before` to `to`: its
/// OriginateResponse or hangup was never seen (node restart, lost event), and it must not hold one
/// of the campaign's channels forever.
pub async fn expire(conn: &mut AnyConnection, from: &str, to: &str, before: &str) -> StoreResult<u64> {
    let done =
        sqlx::query("UPDATE cn_campaign_numbers SET cn_status = $1 WHERE cn_status = $2 AND cn_last_attempt_at < $3")
            .bind(to)
            .bind(from)
            .bind(before)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}
