//! Destination lists (`ds_destinations`) and condition schedules (`co_schedules`). Writes run on the
//! caller's connection so the service can put them in its transaction; SQL texts are static except
//! for `IN (...)` placeholder lists, whose length comes from static slices, never from input.

use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::StoreResult;
use crate::domain::destination::{DestinationKind, DestinationTag, TypeSrc};
use crate::domain::object::ObjectDef;
use crate::domain::schedule::ScheduleRow;

/// A destination entry found by its target ("who points at this object?").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The list it belongs to (`DID`, `IVR_1`, …), as stored.
    pub typesrc: String,
    /// The owner's id.
    pub typeidsrc: i64,
    /// 1-based position in that list.
    pub position: i64,
}

/// Locks row `id` of `def` (within a tenant when given) until the transaction ends and reports
/// whether it exists. A no-op `UPDATE` is the portable `SELECT … FOR UPDATE`: on PostgreSQL it takes
/// the row lock, so a list replace and a delete of an object it names cannot interleave; SQLite
/// writers are serialized by `BEGIN IMMEDIATE` anyway. Table and column names come from the static
/// declaration.
pub async fn lock_row(conn: &mut AnyConnection, def: &ObjectDef, tenant_id: Option<i64>, id: i64) -> StoreResult<bool> {
    let id_column = def.id_column;
    let mut sql = format!("UPDATE {} SET {id_column} = {id_column} WHERE {id_column} = $1", def.table);
    let tenant = def.tenant_column().zip(tenant_id);
    if let Some((column, _)) = tenant {
        sql.push_str(&format!(" AND {column} = $2"));
    }
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id);
    if let Some((_, tid)) = tenant {
        query = query.bind(tid);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected() > 0)
}

/// The entries of one list, in position order. Stored tags this build cannot parse (hand-edited
/// data) are skipped with a warning rather than failing the whole list.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: i64,
    typesrc: TypeSrc,
    typeidsrc: i64,
) -> StoreResult<Vec<DestinationTag>> {
    Ok(lists(conn, tenant_id, &[typesrc], typeidsrc).await?.into_iter().flat_map(|(_, tags)| tags).collect())
}

/// The entries of several lists of one owner (e.g. every key of an IVR), one entry per requested
/// list, in the order requested.
pub async fn lists(
    conn: &mut AnyConnection,
    tenant_id: i64,
    typesrcs: &[TypeSrc],
    typeidsrc: i64,
) -> StoreResult<Vec<(TypeSrc, Vec<DestinationTag>)>> {
    let sql = format!(
        "SELECT ds_typesrc, ds_tag, ds_target FROM ds_destinations \
         WHERE ds_te_id = $1 AND ds_typeidsrc = $2 AND ds_typesrc IN ({}) ORDER BY ds_typesrc, ds_position, ds_id",
        super::placeholders(3, typesrcs.len())
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(tenant_id).bind(typeidsrc);
    for typesrc in typesrcs {
        query = query.bind(typesrc.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out: Vec<(TypeSrc, Vec<DestinationTag>)> = typesrcs.iter().map(|t| (*t, Vec::new())).collect();
    for row in rows {
        let typesrc: String = row.try_get("ds_typesrc")?;
        let tag: String = row.try_get("ds_tag")?;
        let target: i64 = row.try_get("ds_target")?;
        let Some(kind) = DestinationKind::parse(&tag) else {
            tracing::warn!(typesrc, typeidsrc, tag, "skipping a stored destination with an unknown tag");
            continue;
        };
        if let Some((_, tags)) = out.iter_mut().find(|(t, _)| t.as_str() == typesrc) {
            tags.push(DestinationTag { kind, id: target });
        }
    }
    Ok(out)
}

/// Replaces one list with `tags` (positions 1..n). Run it inside the caller's transaction.
pub async fn replace(
    conn: &mut AnyConnection,
    tenant_id: i64,
    typesrc: TypeSrc,
    typeidsrc: i64,
    tags: &[DestinationTag],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM ds_destinations WHERE ds_te_id = $1 AND ds_typesrc = $2 AND ds_typeidsrc = $3")
        .bind(tenant_id)
        .bind(typesrc.as_str())
        .bind(typeidsrc)
        .execute(&mut *conn)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    // One statement for the whole list (at most a hundred entries).
    let sql = format!(
        "INSERT INTO ds_destinations (ds_te_id, ds_typesrc, ds_typeidsrc, ds_position, ds_tag, ds_target) VALUES {}",
        value_rows(tags.len(), 6)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (position, tag) in (1_i64..).zip(tags) {
        query = query
            .bind(tenant_id)
            .bind(typesrc.as_str())
            .bind(typeidsrc)
            .bind(position)
            .bind(tag.kind.as_str())
            .bind(tag.id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Entries whose tag is one of `kinds` and whose target is `target`, in owner order; restricted to
/// a tenant when given (an admin deleting by id alone passes `None`).
pub async fn references(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    kinds: &[DestinationKind],
    target: i64,
) -> StoreResult<Vec<Reference>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let (tenant_clause, first) = match tenant_id {
        Some(_) => ("ds_te_id = $2 AND ", 3),
        None => ("", 2),
    };
    let sql = format!(
        "SELECT ds_typesrc, ds_typeidsrc, ds_position FROM ds_destinations \
         WHERE {tenant_clause}ds_target = $1 AND ds_tag IN ({}) ORDER BY ds_typesrc, ds_typeidsrc, ds_position",
        super::placeholders(first, kinds.len())
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(target);
    if let Some(tid) = tenant_id {
        query = query.bind(tid);
    }
    for kind in kinds {
        query = query.bind(kind.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(Reference {
                typesrc: row.try_get("ds_typesrc")?,
                typeidsrc: row.try_get("ds_typeidsrc")?,
                position: row.try_get("ds_position")?,
            })
        })
        .collect()
}

/// Deletes every list in `typesrcs` owned by `typeidsrc` (the owner row is going away); restricted to
/// a tenant when given.
pub async fn delete_lists(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    typesrcs: &[TypeSrc],
    typeidsrc: i64,
) -> StoreResult<u64> {
    if typesrcs.is_empty() {
        return Ok(0);
    }
    let (tenant_clause, first) = match tenant_id {
        Some(_) => ("ds_te_id = $2 AND ", 3),
        None => ("", 2),
    };
    let sql = format!(
        "DELETE FROM ds_destinations WHERE {tenant_clause}ds_typeidsrc = $1 AND ds_typesrc IN ({})",
        super::placeholders(first, typesrcs.len())
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(typeidsrc);
    if let Some(tid) = tenant_id {
        query = query.bind(tid);
    }
    for typesrc in typesrcs {
        query = query.bind(typesrc.as_str());
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

/// The schedule rows of a condition, in order.
pub async fn schedule(conn: &mut AnyConnection, tenant_id: i64, condition_id: i64) -> StoreResult<Vec<ScheduleRow>> {
    let rows = sqlx::query(
        "SELECT cs_param1, cs_param2, cs_param3 FROM co_schedules \
         WHERE cs_te_id = $1 AND cs_co_id = $2 ORDER BY cs_position, cs_id",
    )
    .bind(tenant_id)
    .bind(condition_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ScheduleRow {
                param1: row.try_get("cs_param1")?,
                param2: row.try_get("cs_param2")?,
                param3: row.try_get("cs_param3")?,
            })
        })
        .collect()
}

/// Replaces a condition's schedule (positions 1..n). Run it inside the caller's transaction.
pub async fn replace_schedule(
    conn: &mut AnyConnection,
    tenant_id: i64,
    condition_id: i64,
    entries: &[ScheduleRow],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM co_schedules WHERE cs_te_id = $1 AND cs_co_id = $2")
        .bind(tenant_id)
        .bind(condition_id)
        .execute(&mut *conn)
        .await?;
    if entries.is_empty() {
        return Ok(());
    }
    // One statement for the whole schedule (at most two hundred rows).
    let sql = format!(
        "INSERT INTO co_schedules (cs_te_id, cs_co_id, cs_position, cs_param1, cs_param2, cs_param3) VALUES {}",
        value_rows(entries.len(), 6)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (position, entry) in (1_i64..).zip(entries) {
        query = query
            .bind(tenant_id)
            .bind(condition_id)
            .bind(position)
            .bind(entry.param1.as_str())
            .bind(entry.param2.as_str())
            .bind(entry.param3.as_str());
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Deletes a condition's schedule rows (the condition is going away).
pub async fn delete_schedule(conn: &mut AnyConnection, tenant_id: Option<i64>, condition_id: i64) -> StoreResult<u64> {
    let result = match tenant_id {
        Some(tid) => {
            sqlx::query("DELETE FROM co_schedules WHERE cs_co_id = $1 AND cs_te_id = $2")
                .bind(condition_id)
                .bind(tid)
                .execute(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM co_schedules WHERE cs_co_id = $1").bind(condition_id).execute(&mut *conn).await?
        }
    };
    Ok(result.rows_affected())
}

/// `($1, ..., $cols), ($cols+1, ...)`: placeholders of a multi-row `VALUES` for `rows` rows.
fn value_rows(rows: usize, cols: usize) -> String {
    (0..rows).map(|row| format!("({})", super::placeholders(row * cols + 1, cols))).collect::<Vec<_>>().join(", ")
}
