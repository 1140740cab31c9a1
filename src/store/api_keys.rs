//! API keys: rows hold the SHA-256 of the key, never the key.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult};

/// A stored API key (no secret material beyond its digest).
#[derive(Debug, Clone)]
pub struct ApiKeyRow {
    /// Primary key.
    pub id: i64,
    /// Tenant the key belongs to; `None` for admin keys.
    pub tenant_id: Option<i64>,
    /// Tenant code, joined in.
    pub tenant_code: Option<String>,
    /// Free label.
    pub name: String,
    /// First characters of the key, for recognising it in lists.
    pub prefix: String,
    /// Hex SHA-256 of the key.
    pub hash: String,
    /// Reads only.
    pub read_only: bool,
    /// Creation time.
    pub created_at: String,
    /// Revocation time, if revoked.
    pub revoked_at: Option<String>,
    /// Who created it.
    pub created_by: Creator,
    /// When it stops working (UTC text), if ever.
    pub expires_at: Option<String>,
    /// Networks it may be used from (`address/prefix`, comma-separated); `None` = anywhere.
    pub allowed_addresses: Option<String>,
}

/// Who created a key; a key is revoked with its creator (`revoke_created_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creator {
    /// At the command line or on first start.
    System,
    /// Another key (`ak_id`).
    Key(i64),
    /// A user (`us_id`).
    User(i64),
}

/// `system`, `key:<id>` or `user:<id>`: how lists show the creator.
impl std::fmt::Display for Creator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Creator::System => f.write_str("system"),
            Creator::Key(id) => write!(f, "key:{id}"),
            Creator::User(id) => write!(f, "user:{id}"),
        }
    }
}

const SELECT: &str = "SELECT k.ak_id, k.ak_te_id, t.te_code, k.ak_name, k.ak_prefix, k.ak_hash, k.ak_read_only, \
     k.ak_created_at, k.ak_revoked_at, k.ak_created_by_key, k.ak_created_by_user, k.ak_expires_at, \
     k.ak_allowed_addresses \
     FROM ak_api_keys k LEFT JOIN te_tenants t ON t.te_id = k.ak_te_id";

fn decode(row: &sqlx::any::AnyRow) -> StoreResult<ApiKeyRow> {
    Ok(ApiKeyRow {
        id: row.try_get("ak_id")?,
        tenant_id: row.try_get("ak_te_id")?,
        tenant_code: row.try_get("te_code")?,
        name: row.try_get("ak_name")?,
        prefix: row.try_get("ak_prefix")?,
        hash: row.try_get("ak_hash")?,
        read_only: row.try_get::<i64, _>("ak_read_only")? != 0,
        created_at: row.try_get("ak_created_at")?,
        revoked_at: row.try_get("ak_revoked_at")?,
        created_by: match (
            row.try_get::<Option<i64>, _>("ak_created_by_key")?,
            row.try_get::<Option<i64>, _>("ak_created_by_user")?,
        ) {
            (Some(key), _) => Creator::Key(key),
            (None, Some(user)) => Creator::User(user),
            (None, None) => Creator::System,
        },
        expires_at: row.try_get("ak_expires_at")?,
        allowed_addresses: row.try_get("ak_allowed_addresses")?,
    })
}

/// New key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    /// Owning tenant, `None` for admin.
    pub tenant_id: Option<i64>,
    /// Label.
    pub name: &'a str,
    /// Recognisable prefix.
    pub prefix: &'a str,
    /// Hex SHA-256.
    pub hash: &'a str,
    /// Reads only.
    pub read_only: bool,
    /// Creation time.
    pub created_at: &'a str,
    /// Who creates it.
    pub created_by: Creator,
    /// Expiry (UTC text), if any.
    pub expires_at: Option<&'a str>,
    /// Allowed networks, comma-separated, if restricted.
    pub allowed_addresses: Option<&'a str>,
}

/// Stores a key; a duplicate digest (the same key value twice) is `Duplicate`.
pub async fn insert(conn: &mut AnyConnection, key: &NewApiKey<'_>) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO ak_api_keys (ak_te_id, ak_name, ak_prefix, ak_hash, ak_read_only, ak_created_at, \
         ak_created_by_key, ak_created_by_user, ak_expires_at, ak_allowed_addresses) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ak_id",
    )
    .bind(key.tenant_id)
    .bind(key.name.to_string())
    .bind(key.prefix.to_string())
    .bind(key.hash.to_string())
    .bind(i64::from(key.read_only))
    .bind(key.created_at.to_string())
    .bind(match key.created_by {
        Creator::Key(id) => Some(id),
        _ => None,
    })
    .bind(match key.created_by {
        Creator::User(id) => Some(id),
        _ => None,
    })
    .bind(key.expires_at.map(str::to_string))
    .bind(key.allowed_addresses.map(str::to_string))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(row.try_get("ak_id")?)
}

/// Finds an active (not revoked) key by digest.
pub async fn find_active_by_hash(conn: &mut AnyConnection, hash: &str) -> StoreResult<Option<ApiKeyRow>> {
    let sql = format!("{SELECT} WHERE k.ak_hash = $1 AND k.ak_revoked_at IS NULL");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(hash.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// Lists a tenant's keys (or the admin keys when `tenant_id` is `None`), id order, keyset paginated.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<ApiKeyRow>> {
    let filter = if tenant_id.is_some() { "k.ak_te_id = $1" } else { "k.ak_te_id IS NULL AND $1 IS NULL" };
    let sql = format!("{SELECT} WHERE {filter} AND k.ak_id > $2 ORDER BY k.ak_id LIMIT $3");
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id).bind(after_id).bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(decode).collect()
}

/// Loads one key of a tenant by id.
pub async fn get(conn: &mut AnyConnection, tenant_id: i64, id: i64) -> StoreResult<Option<ApiKeyRow>> {
    let sql = format!("{SELECT} WHERE k.ak_id = $1 AND k.ak_te_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(tenant_id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode).transpose()
}

/// Revokes a tenant's key; returns whether an active key was revoked.
pub async fn revoke(conn: &mut AnyConnection, tenant_id: i64, id: i64, at: &str) -> StoreResult<bool> {
    let result = sqlx::query(
        "UPDATE ak_api_keys SET ak_revoked_at = $1 WHERE ak_id = $2 AND ak_te_id = $3 AND ak_revoked_at IS NULL",
    )
    .bind(at.to_string())
    .bind(id)
    .bind(tenant_id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// Whether any active admin key exists (first-start bootstrap).
pub async fn admin_key_exists(conn: &mut AnyConnection) -> StoreResult<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM ak_api_keys WHERE ak_te_id IS NULL AND ak_revoked_at IS NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Revokes every active key `creator` created, and the keys those created, down the whole chain;
/// answers how many. One statement, so a chain is never half revoked.
pub async fn revoke_created_by(conn: &mut AnyConnection, creator: Creator, at: &str) -> StoreResult<u64> {
    let (column, id) = match creator {
        Creator::Key(id) => ("ak_created_by_key", id),
        Creator::User(id) => ("ak_created_by_user", id),
        Creator::System => return Ok(0),
    };
    let sql = format!(
        "WITH RECURSIVE doomed(id) AS ( \
             SELECT ak_id FROM ak_api_keys WHERE {column} = $1 \
             UNION SELECT k.ak_id FROM ak_api_keys k JOIN doomed d ON k.ak_created_by_key = d.id) \
         UPDATE ak_api_keys SET ak_revoked_at = $2 \
         WHERE ak_revoked_at IS NULL AND ak_id IN (SELECT id FROM doomed)"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(at.to_string()).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}
