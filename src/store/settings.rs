//! Gateway-wide named values shared by replicas (e.g. the generated JWT secret).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Reads a value.
pub async fn get(conn: &mut AnyConnection, name: &str) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT gw_value FROM gw_settings WHERE gw_name = $1")
        .bind(name.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("gw_value")).transpose()?)
}

/// Stores `value` unless a value exists already, and returns the value that is stored afterwards.
/// Two replicas starting at once therefore agree on the first writer's value.
pub async fn get_or_insert(conn: &mut AnyConnection, name: &str, value: &str) -> StoreResult<String> {
    sqlx::query("INSERT INTO gw_settings (gw_name, gw_value) VALUES ($1, $2) ON CONFLICT (gw_name) DO NOTHING")
        .bind(name.to_string())
        .bind(value.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(get(conn, name).await?.unwrap_or_else(|| value.to_string()))
}
