//! The tenants a user may act on.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// `(te_id, te_code)` pairs of a user's tenants, by tenant id.
pub async fn list(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT t.te_id, t.te_code FROM ut_user_tenants u JOIN te_tenants t ON t.te_id = u.ut_te_id \
         WHERE u.ut_us_id = $1 ORDER BY t.te_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("te_id")?, r.try_get("te_code")?))).collect()
}

/// [`list`] for many users at once: one query per 500 users, so a page of users costs the same
/// whatever its size. Users without links are absent from the map.
pub async fn list_many(conn: &mut AnyConnection, user_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<(i64, String)>>> {
    let mut links: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for chunk in user_ids.chunks(super::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT u.ut_us_id, t.te_id, t.te_code FROM ut_user_tenants u JOIN te_tenants t ON t.te_id = u.ut_te_id \
             WHERE u.ut_us_id IN ({}) ORDER BY u.ut_us_id, t.te_id",
            super::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            links.entry(row.try_get("ut_us_id")?).or_default().push((row.try_get("te_id")?, row.try_get("te_code")?));
        }
    }
    Ok(links)
}

/// Links a user to a tenant (idempotent).
pub async fn add(conn: &mut AnyConnection, user_id: i64, tenant_id: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO ut_user_tenants (ut_us_id, ut_te_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(user_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

/// Unlinks a user from a tenant; returns whether a link existed.
pub async fn remove(conn: &mut AnyConnection, user_id: i64, tenant_id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM ut_user_tenants WHERE ut_us_id = $1 AND ut_te_id = $2")
        .bind(user_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Replaces all links of a user.
pub async fn replace(conn: &mut AnyConnection, user_id: i64, tenant_ids: &[i64]) -> StoreResult<()> {
    sqlx::query("DELETE FROM ut_user_tenants WHERE ut_us_id = $1").bind(user_id).execute(&mut *conn).await?;
    for tenant_id in tenant_ids {
        add(conn, user_id, *tenant_id).await?;
    }
    Ok(())
}
