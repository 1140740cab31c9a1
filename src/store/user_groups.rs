//! User group links: tenants and users of a group.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// `(te_id, te_code)` of a group's tenants.
pub async fn tenants(conn: &mut AnyConnection, group_id: i64) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT t.te_id, t.te_code FROM ugt_usergroup_tenants g JOIN te_tenants t ON t.te_id = g.ugt_te_id \
         WHERE g.ugt_ug_id = $1 ORDER BY t.te_id",
    )
    .bind(group_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("te_id")?, r.try_get("te_code")?))).collect()
}

/// `(us_id, us_username, inherit)` of a group's users.
pub async fn users(conn: &mut AnyConnection, group_id: i64) -> StoreResult<Vec<(i64, String, bool)>> {
    let rows = sqlx::query(
        "SELECT u.us_id, u.us_username, g.ugu_inherit FROM ugu_usergroup_users g JOIN us_users u ON u.us_id = g.ugu_us_id \
         WHERE g.ugu_ug_id = $1 ORDER BY u.us_id",
    )
    .bind(group_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("us_id")?, r.try_get("us_username")?, r.try_get::<i64, _>("ugu_inherit")? != 0)))
        .collect()
}

/// Links a tenant (idempotent).
pub async fn add_tenant(conn: &mut AnyConnection, group_id: i64, tenant_id: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO ugt_usergroup_tenants (ugt_ug_id, ugt_te_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(group_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

/// Unlinks a tenant; whether it was linked.
pub async fn remove_tenant(conn: &mut AnyConnection, group_id: i64, tenant_id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM ugt_usergroup_tenants WHERE ugt_ug_id = $1 AND ugt_te_id = $2")
        .bind(group_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Adds a user or changes its inheritance.
pub async fn add_user(conn: &mut AnyConnection, group_id: i64, user_id: i64, inherit: bool) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ugu_usergroup_users (ugu_ug_id, ugu_us_id, ugu_inherit) VALUES ($1, $2, $3) \
         ON CONFLICT (ugu_ug_id, ugu_us_id) DO UPDATE SET ugu_inherit = $3",
    )
    .bind(group_id)
    .bind(user_id)
    .bind(i64::from(inherit))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Removes a user; whether it was a member.
pub async fn remove_user(conn: &mut AnyConnection, group_id: i64, user_id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM ugu_usergroup_users WHERE ugu_ug_id = $1 AND ugu_us_id = $2")
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Tenant ids a user inherits through its groups.
pub async fn inherited_tenants(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT DISTINCT t.ugt_te_id FROM ugu_usergroup_users u JOIN ugt_usergroup_tenants t ON t.ugt_ug_id = u.ugu_ug_id \
         WHERE u.ugu_us_id = $1 AND u.ugu_inherit = 1 ORDER BY t.ugt_te_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("ugt_te_id")?)).collect()
}
