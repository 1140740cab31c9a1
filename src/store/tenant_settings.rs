//! Stored tenant settings (`ts_tenantsettings`): one row per tenant and declared code that differs
//! from nothing, i.e. that was ever set. Which codes exist and what they accept is the service's
//! business (`service::settings`).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Every stored `(code, value)` of a tenant, by code.
pub async fn list(conn: &mut AnyConnection, tenant_id: i64) -> StoreResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT ts_code, ts_value FROM ts_tenantsettings WHERE ts_te_id = $1 ORDER BY ts_code")
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("ts_code")?, r.try_get("ts_value")?))).collect()
}

/// The stored value of one code, if it was ever set.
pub async fn get(conn: &mut AnyConnection, tenant_id: i64, code: &str) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT ts_value FROM ts_tenantsettings WHERE ts_te_id = $1 AND ts_code = $2")
        .bind(tenant_id)
        .bind(code.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("ts_value")).transpose()?)
}

/// Stores a value, replacing the previous one.
pub async fn put(conn: &mut AnyConnection, tenant_id: i64, code: &str, value: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ts_tenantsettings (ts_te_id, ts_code, ts_value, ts_updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (ts_te_id, ts_code) DO UPDATE SET ts_value = excluded.ts_value, ts_updated_at = excluded.ts_updated_at",
    )
    .bind(tenant_id)
    .bind(code.to_string())
    .bind(value.to_string())
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
