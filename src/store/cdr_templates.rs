//! Output templates of INFO cdrs (CONTRACT §4), per tenant or global (`tp_te_id = 0`).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// `tp_te_id` of the global (admin) templates.
pub const GLOBAL: i64 = 0;

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TemplateRow {
    /// Name, unique per scope.
    pub name: String,
    /// Template text.
    pub body: String,
    /// The scope's CSV export template.
    pub csv_default: bool,
    /// Creation time (stored text).
    pub created_at: String,
    /// Last change (stored text).
    pub updated_at: String,
}

const COLUMNS: &str = "tp_name, tp_body, tp_csv_default, tp_created_at, tp_updated_at";

fn decode(row: &sqlx::any::AnyRow) -> Result<TemplateRow, sqlx::Error> {
    Ok(TemplateRow {
        name: row.try_get("tp_name")?,
        body: row.try_get("tp_body")?,
        csv_default: row.try_get::<i64, _>("tp_csv_default")? != 0,
        created_at: row.try_get("tp_created_at")?,
        updated_at: row.try_get("tp_updated_at")?,
    })
}

/// The templates of a scope, by name.
pub async fn list(conn: &mut AnyConnection, scope: i64) -> StoreResult<Vec<TemplateRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tp_cdrtemplates WHERE tp_te_id = $1 ORDER BY tp_name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(decode).collect::<Result<_, _>>()?)
}

/// One template by name.
pub async fn get(conn: &mut AnyConnection, scope: i64, name: &str) -> StoreResult<Option<TemplateRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tp_cdrtemplates WHERE tp_te_id = $1 AND tp_name = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope).bind(name).fetch_optional(&mut *conn).await?;
    Ok(row.as_ref().map(decode).transpose()?)
}

/// The scope's CSV export template, if one is marked.
pub async fn csv_default(conn: &mut AnyConnection, scope: i64) -> StoreResult<Option<TemplateRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tp_cdrtemplates WHERE tp_te_id = $1 AND tp_csv_default = 1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope).fetch_optional(&mut *conn).await?;
    Ok(row.as_ref().map(decode).transpose()?)
}

/// Creates or replaces a template; marking it the CSV template unmarks the scope's previous one.
/// Returns true when it was created. Run inside a transaction.
pub async fn upsert(
    conn: &mut AnyConnection,
    scope: i64,
    name: &str,
    body: &str,
    csv_default: bool,
    now: &str,
) -> StoreResult<bool> {
    if csv_default {
        sqlx::query("UPDATE tp_cdrtemplates SET tp_csv_default = 0 WHERE tp_te_id = $1 AND tp_name <> $2")
            .bind(scope)
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    let updated = sqlx::query(
        "UPDATE tp_cdrtemplates SET tp_body = $1, tp_csv_default = $2, tp_updated_at = $3 \
         WHERE tp_te_id = $4 AND tp_name = $5",
    )
    .bind(body)
    .bind(i64::from(csv_default))
    .bind(now)
    .bind(scope)
    .bind(name)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO tp_cdrtemplates (tp_te_id, tp_name, tp_body, tp_csv_default, tp_created_at, tp_updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(scope)
    .bind(name)
    .bind(body)
    .bind(i64::from(csv_default))
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(super::StoreError::classify)?;
    Ok(true)
}

/// Deletes a template; false when there was none.
pub async fn delete(conn: &mut AnyConnection, scope: i64, name: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM tp_cdrtemplates WHERE tp_te_id = $1 AND tp_name = $2")
        .bind(scope)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
