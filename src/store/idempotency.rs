//! Idempotency keys of REST creates (`ik_idempotency_keys`, see service::idempotency).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// A key's row as another request finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// Digest of the request the key was first used for.
    pub fingerprint: String,
    /// The answer stored once that request succeeded; `None` while it runs.
    pub answer: Option<StoredAnswer>,
}

/// A stored answer: status, the headers worth replaying, the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// HTTP status.
    pub status: u16,
    /// JSON array of `[name, value]`.
    pub headers: String,
    /// Base64 of the body.
    pub body: String,
}

/// Takes `key` of `scope` for a new request: inserts it as pending, or takes over a row that
/// expired (by `now`) or a pending one for the same request started at or before `stale_before`
/// (its request was abandoned). Answers whether the key is now this request's.
pub async fn reserve(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    fingerprint: &str,
    now: i64,
    expires: i64,
    stale_before: i64,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "INSERT INTO ik_idempotency_keys (ik_scope, ik_key, ik_fingerprint, ik_state, ik_started, ik_expires) \
         VALUES ($1, $2, $3, 'pending', $4, $5) \
         ON CONFLICT (ik_scope, ik_key) DO UPDATE SET \
           ik_fingerprint = $3, ik_state = 'pending', ik_started = $4, ik_expires = $5, \
           ik_status = NULL, ik_headers = NULL, ik_body = NULL \
         WHERE ik_idempotency_keys.ik_expires <= $4 \
            OR (ik_idempotency_keys.ik_state = 'pending' AND ik_idempotency_keys.ik_started <= $6 \
                AND ik_idempotency_keys.ik_fingerprint = $3) \
         RETURNING ik_key",
    )
    .bind(scope.to_string())
    .bind(key.to_string())
    .bind(fingerprint.to_string())
    .bind(now)
    .bind(expires)
    .bind(stale_before)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// The unexpired row of `key` in `scope`.
pub async fn find(conn: &mut AnyConnection, scope: &str, key: &str, now: i64) -> StoreResult<Option<KeyRow>> {
    let row = sqlx::query(
        "SELECT ik_fingerprint, ik_state, ik_status, ik_headers, ik_body FROM ik_idempotency_keys \
         WHERE ik_scope = $1 AND ik_key = $2 AND ik_expires > $3",
    )
    .bind(scope.to_string())
    .bind(key.to_string())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let state: String = row.try_get("ik_state")?;
    let status: Option<i64> = row.try_get("ik_status")?;
    let headers: Option<String> = row.try_get("ik_headers")?;
    let body: Option<String> = row.try_get("ik_body")?;
    let answer = match (state.as_str(), status, headers, body) {
        ("done", Some(status), Some(headers), Some(body)) => {
            Some(StoredAnswer { status: u16::try_from(status).unwrap_or(500), headers, body })
        }
        _ => None,
    };
    Ok(Some(KeyRow { fingerprint: row.try_get("ik_fingerprint")?, answer }))
}

/// Stores the answer of the request holding `key` of `scope`.
pub async fn complete(conn: &mut AnyConnection, scope: &str, key: &str, answer: &StoredAnswer) -> StoreResult<()> {
    sqlx::query(
        "UPDATE ik_idempotency_keys SET ik_state = 'done', ik_status = $3, ik_headers = $4, ik_body = $5 \
         WHERE ik_scope = $1 AND ik_key = $2 AND ik_state = 'pending'",
    )
    .bind(scope.to_string())
    .bind(key.to_string())
    .bind(i64::from(answer.status))
    .bind(answer.headers.clone())
    .bind(answer.body.clone())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Frees a pending `key` of `scope` (its request failed; the key may be used again).
pub async fn release(conn: &mut AnyConnection, scope: &str, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM ik_idempotency_keys WHERE ik_scope = $1 AND ik_key = $2 AND ik_state = 'pending'")
        .bind(scope.to_string())
        .bind(key.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes the rows expired by `now`; answers how many.
pub async fn forget_expired(conn: &mut AnyConnection, now: i64) -> StoreResult<u64> {
    let done =
        sqlx::query("DELETE FROM ik_idempotency_keys WHERE ik_expires <= $1").bind(now).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}
