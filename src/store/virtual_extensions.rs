//! Virtual extensions (`ve_virtualextensions`) and their member extensions
//! (`vx_virtualextension_members`).

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult, now_text};

/// A virtual extension with its member count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualExtension {
    /// `ve_id`.
    pub id: i64,
    /// The number that is dialled, unique within the tenant.
    pub number: String,
    /// How many extensions it rings.
    pub members: i64,
}

/// A member extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualMember {
    /// `ex_id`.
    pub extension_id: i64,
    /// `ex_number`.
    pub number: String,
}

const LIST: &str = "SELECT v.ve_id, v.ve_number, \
     (SELECT COUNT(*) FROM vx_virtualextension_members x WHERE x.vx_ve_id = v.ve_id) AS members \
     FROM ve_virtualextensions v WHERE v.ve_te_id = $1 AND v.ve_id > $2 ORDER BY v.ve_id LIMIT $3";

const FIND: &str = "SELECT v.ve_id, v.ve_number, \
     (SELECT COUNT(*) FROM vx_virtualextension_members x WHERE x.vx_ve_id = v.ve_id) AS members \
     FROM ve_virtualextensions v WHERE v.ve_te_id = $1 AND v.ve_number = $2";

fn decode(r: &sqlx::any::AnyRow) -> StoreResult<VirtualExtension> {
    Ok(VirtualExtension { id: r.try_get("ve_id")?, number: r.try_get("ve_number")?, members: r.try_get("members")? })
}

/// A tenant's virtual extensions in id order, after `after_id`, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<VirtualExtension>> {
    let rows = sqlx::query(LIST).bind(tenant_id).bind(after_id).bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(decode).collect()
}

/// A tenant's virtual extension by number.
pub async fn find(conn: &mut AnyConnection, tenant_id: i64, number: &str) -> StoreResult<Option<VirtualExtension>> {
    let row = sqlx::query(FIND).bind(tenant_id).bind(number.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// Creates a virtual extension unless the tenant has one with that number already (a concurrent
/// first add of the same number then finds the other's row instead of failing).
pub async fn ensure(conn: &mut AnyConnection, tenant_id: i64, number: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ve_virtualextensions (ve_te_id, ve_number, ve_created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (ve_te_id, ve_number) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(number.to_string())
    .bind(now_text())
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Deletes a virtual extension and its memberships; returns whether it existed in the tenant.
pub async fn delete(conn: &mut AnyConnection, tenant_id: i64, id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM ve_virtualextensions WHERE ve_te_id = $1 AND ve_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// The members of a virtual extension, by number.
pub async fn members(conn: &mut AnyConnection, id: i64) -> StoreResult<Vec<VirtualMember>> {
    let rows = sqlx::query(
        "SELECT x.vx_ex_id, e.ex_number FROM vx_virtualextension_members x \
         JOIN ex_extensions e ON e.ex_id = x.vx_ex_id WHERE x.vx_ve_id = $1 ORDER BY e.ex_number, e.ex_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok(VirtualMember { extension_id: r.try_get("vx_ex_id")?, number: r.try_get("ex_number")? }))
        .collect()
}

/// Adds a member; returns whether it was new.
pub async fn add_member(conn: &mut AnyConnection, id: i64, extension_id: i64) -> StoreResult<bool> {
    let result = sqlx::query(
        "INSERT INTO vx_virtualextension_members (vx_ve_id, vx_ex_id) VALUES ($1, $2) \
         ON CONFLICT (vx_ve_id, vx_ex_id) DO NOTHING",
    )
    .bind(id)
    .bind(extension_id)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(result.rows_affected() > 0)
}

/// Removes a member; returns whether it was one.
pub async fn remove_member(conn: &mut AnyConnection, id: i64, extension_id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM vx_virtualextension_members WHERE vx_ve_id = $1 AND vx_ex_id = $2")
        .bind(id)
        .bind(extension_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Removes every member; returns how many there were.
pub async fn clear(conn: &mut AnyConnection, id: i64) -> StoreResult<u64> {
    let result =
        sqlx::query("DELETE FROM vx_virtualextension_members WHERE vx_ve_id = $1").bind(id).execute(&mut *conn).await?;
    Ok(result.rows_affected())
}
