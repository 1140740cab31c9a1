//! The audit log (`au_audit`): appended to in each write's transaction, read with filters and keyset
//! paging, trimmed by age (service::audit says what goes in).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// One entry, as written and as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// `au_id` (0 before insert).
    pub id: i64,
    /// UTC, storage format.
    pub at: String,
    /// `key`, `user` or `system`.
    pub actor_kind: String,
    /// Key id or user id; `None` for the system.
    pub actor_id: Option<i64>,
    /// The tenant the object belongs to (tenant objects, and a tenant's own row).
    pub tenant_id: Option<i64>,
    /// That tenant's code at the time of the write.
    pub tenant_code: Option<String>,
    /// Object name (`extension`, `api_key`, `queue_member`, ...).
    pub object: String,
    /// The object's id or name, as text.
    pub object_id: Option<String>,
    /// `create`, `update`, `delete` or the operation's verb (`revoke`, `adjust`, ...).
    pub action: String,
    /// JSON of the object before the write (credentials blanked).
    pub before: Option<String>,
    /// JSON of the object after the write (credentials blanked).
    pub after: Option<String>,
    /// JSON array of the changed columns.
    pub changed: Option<String>,
    /// `rest`, `legacy` or `cli`.
    pub door: String,
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
    /// The client's address.
    pub client: Option<String>,
}

/// What to read: every condition is ANDed; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries of these tenants (`None`: every tenant and the global objects).
    pub tenant_ids: Option<Vec<i64>>,
    /// Only this object name.
    pub object: Option<String>,
    /// Only this object id.
    pub object_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only this actor kind ...
    pub actor_kind: Option<String>,
    /// ... and id.
    pub actor_id: Option<i64>,
    /// Only this request.
    pub request_id: Option<String>,
    /// At or after this time (storage format).
    pub since: Option<String>,
    /// Before this time (storage format).
    pub until: Option<String>,
    /// Entries with an id below this one (newest first, keyset paging).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

const COLUMNS: &str = "au_id, au_at, au_actor_kind, au_actor_id, au_te_id, au_tenant_code, au_object, \
                       au_object_id, au_action, au_before, au_after, au_changed, au_door, au_request_id, au_client";

/// Appends `entry` (its `id` is ignored) and answers the new id.
pub async fn insert(conn: &mut AnyConnection, entry: &AuditRow) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO au_audit (au_at, au_actor_kind, au_actor_id, au_te_id, au_tenant_code, au_object, \
         au_object_id, au_action, au_before, au_after, au_changed, au_door, au_request_id, au_client) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING au_id",
    )
    .bind(entry.at.clone())
    .bind(entry.actor_kind.clone())
    .bind(entry.actor_id)
    .bind(entry.tenant_id)
    .bind(entry.tenant_code.clone())
    .bind(entry.object.clone())
    .bind(entry.object_id.clone())
    .bind(entry.action.clone())
    .bind(entry.before.clone())
    .bind(entry.after.clone())
    .bind(entry.changed.clone())
    .bind(entry.door.clone())
    .bind(entry.request_id.clone())
    .bind(entry.client.clone())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Entries matching `query`, newest first.
pub async fn list(conn: &mut AnyConnection, query: &AuditQuery) -> StoreResult<Vec<AuditRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM au_audit WHERE 1 = 1");
    // Placeholders are numbered in the order conditions are added; values bound in that order.
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(ids) = &query.tenant_ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        // Ids are integers from the principal's reach, never client text.
        sql.push_str(&format!(" AND au_te_id IN ({})", list.join(", ")));
    }
    let text_filters = [
        ("au_object", &query.object),
        ("au_object_id", &query.object_id),
        ("au_action", &query.action),
        ("au_actor_kind", &query.actor_kind),
        ("au_request_id", &query.request_id),
    ];
    for (column, value) in text_filters {
        if let Some(value) = value {
            binds.push(Bind::Text(value.clone()));
            sql.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    }
    if let Some(id) = query.actor_id {
        binds.push(Bind::Int(id));
        sql.push_str(&format!(" AND au_actor_id = ${}", binds.len()));
    }
    if let Some(since) = &query.since {
        binds.push(Bind::Text(since.clone()));
        sql.push_str(&format!(" AND au_at >= ${}", binds.len()));
    }
    if let Some(until) = &query.until {
        binds.push(Bind::Text(until.clone()));
        sql.push_str(&format!(" AND au_at < ${}", binds.len()));
    }
    if let Some(before) = query.before_id {
        binds.push(Bind::Int(before));
        sql.push_str(&format!(" AND au_id < ${}", binds.len()));
    }
    binds.push(Bind::Int(query.limit));
    sql.push_str(&format!(" ORDER BY au_id DESC LIMIT ${}", binds.len()));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bind in binds {
        q = match bind {
            Bind::Text(text) => q.bind(text),
            Bind::Int(number) => q.bind(number),
        };
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(AuditRow {
                id: row.try_get("au_id")?,
                at: row.try_get("au_at")?,
                actor_kind: row.try_get("au_actor_kind")?,
                actor_id: row.try_get("au_actor_id")?,
                tenant_id: row.try_get("au_te_id")?,
                tenant_code: row.try_get("au_tenant_code")?,
                object: row.try_get("au_object")?,
                object_id: row.try_get("au_object_id")?,
                action: row.try_get("au_action")?,
                before: row.try_get("au_before")?,
                after: row.try_get("au_after")?,
                changed: row.try_get("au_changed")?,
                door: row.try_get("au_door")?,
                request_id: row.try_get("au_request_id")?,
                client: row.try_get("au_client")?,
            })
        })
        .collect()
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Deletes the entries written before `cutoff` (storage format); answers how many.
pub async fn forget_before(conn: &mut AnyConnection, cutoff: &str) -> StoreResult<u64> {
    let done =
        sqlx::query("DELETE FROM au_audit WHERE au_at < $1").bind(cutoff.to_string()).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}
