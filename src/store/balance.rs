//! Tenant balances and their movements. Every adjustment is one conditional UPDATE, so concurrent
//! adjustments serialise on the row and none is lost, on SQLite and PostgreSQL alike.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// A balance movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// Id.
    pub id: i64,
    /// When (`YYYY-MM-DD HH:MM:SS` UTC).
    pub date: String,
    /// Signed amount (ten-thousandths).
    pub amount: i64,
    /// Balance after it (ten-thousandths).
    pub balance: i64,
    /// Free text.
    pub description: String,
}

/// `(amount, floor)` of a tenant, creating the zero row on first use.
pub async fn get(conn: &mut AnyConnection, tenant_id: i64) -> StoreResult<(i64, i64)> {
    sqlx::query("INSERT INTO bl_balances (bl_te_id) VALUES ($1) ON CONFLICT (bl_te_id) DO NOTHING")
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query("SELECT bl_amount, bl_floor FROM bl_balances WHERE bl_te_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row.try_get("bl_amount")?, row.try_get("bl_floor")?))
}

/// Adds `delta` unless the result would be below the floor; returns the new amount, or `None`.
pub async fn adjust(conn: &mut AnyConnection, tenant_id: i64, delta: i64, max: i64) -> StoreResult<Option<i64>> {
    get(conn, tenant_id).await?;
    let row = sqlx::query(
        "UPDATE bl_balances SET bl_amount = bl_amount + $1 \
         WHERE bl_te_id = $2 AND bl_amount + $1 >= bl_floor AND bl_amount + $1 <= $3 RETURNING bl_amount",
    )
    .bind(delta)
    .bind(tenant_id)
    .bind(max)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("bl_amount")).transpose()?)
}

/// Sets the floor.
pub async fn set_floor(conn: &mut AnyConnection, tenant_id: i64, floor: i64) -> StoreResult<()> {
    get(conn, tenant_id).await?;
    sqlx::query("UPDATE bl_balances SET bl_floor = $1 WHERE bl_te_id = $2")
        .bind(floor)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const SELECT: &str = "SELECT bm_id, bm_date, bm_amount, bm_balance, bm_description FROM bm_movements";

fn decode(row: &sqlx::any::AnyRow) -> StoreResult<Movement> {
    Ok(Movement {
        id: row.try_get("bm_id")?,
        date: row.try_get("bm_date")?,
        amount: row.try_get("bm_amount")?,
        balance: row.try_get("bm_balance")?,
        description: row.try_get("bm_description")?,
    })
}

/// Records a movement; a repeated idempotency key is `Duplicate`.
pub async fn insert_movement(
    conn: &mut AnyConnection,
    tenant_id: i64,
    movement: &Movement,
    idempotency_key: Option<&str>,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO bm_movements (bm_te_id, bm_date, bm_amount, bm_balance, bm_description, bm_idempotency_key) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING bm_id",
    )
    .bind(tenant_id)
    .bind(movement.date.clone())
    .bind(movement.amount)
    .bind(movement.balance)
    .bind(movement.description.clone())
    .bind(idempotency_key.map(str::to_string))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(row.try_get("bm_id")?)
}

/// The movement recorded under an idempotency key.
pub async fn find_by_key(conn: &mut AnyConnection, tenant_id: i64, key: &str) -> StoreResult<Option<Movement>> {
    let sql = format!("{SELECT} WHERE bm_te_id = $1 AND bm_idempotency_key = $2");
    let row =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(key.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// Movements of a tenant between two times (inclusive), id order, keyset paginated.
pub async fn movements(
    conn: &mut AnyConnection,
    tenant_id: i64,
    from: &str,
    to: &str,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<Movement>> {
    let sql = format!(
        "{SELECT} WHERE bm_te_id = $1 AND bm_date >= $2 AND bm_date <= $3 AND bm_id > $4 ORDER BY bm_id LIMIT $5"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(after_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(decode).collect()
}
