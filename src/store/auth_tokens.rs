//! One-time and expiring login tokens (legacy AUTHTOKEN). Only digests are stored.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Stores a token digest for a user.
pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
    single_use: bool,
    expires_at: &str,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO at_authtokens (at_us_id, at_hash, at_single_use, at_expires_at, at_created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(hash.to_string())
    .bind(i64::from(single_use))
    .bind(expires_at.to_string())
    .bind(now.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Redeems a token for `user_id`. A single-use token is marked used by the same statement that checks
/// it, so two concurrent logins can never both succeed with it (on SQLite and PostgreSQL alike).
pub async fn redeem(conn: &mut AnyConnection, user_id: i64, hash: &str, now: &str) -> StoreResult<bool> {
    let consumed = sqlx::query(
        "UPDATE at_authtokens SET at_used_at = $1 \
         WHERE at_hash = $2 AND at_us_id = $3 AND at_single_use = 1 AND at_used_at IS NULL AND at_expires_at > $1",
    )
    .bind(now.to_string())
    .bind(hash.to_string())
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    if consumed.rows_affected() > 0 {
        return Ok(true);
    }
    let reusable = sqlx::query(
        "SELECT COUNT(*) AS n FROM at_authtokens \
         WHERE at_hash = $1 AND at_us_id = $2 AND at_single_use = 0 AND at_expires_at > $3",
    )
    .bind(hash.to_string())
    .bind(user_id)
    .bind(now.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(reusable.try_get::<i64, _>("n")? > 0)
}

/// Whether `hash` is a login token issued to the user, used or expired alike.
pub async fn issued_to(conn: &mut AnyConnection, user_id: i64, hash: &str) -> StoreResult<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM at_authtokens WHERE at_hash = $1 AND at_us_id = $2")
        .bind(hash.to_string())
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Deletes every token of a user (AUTHTOKEN reset); returns how many.
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> StoreResult<u64> {
    let result = sqlx::query("DELETE FROM at_authtokens WHERE at_us_id = $1").bind(user_id).execute(&mut *conn).await?;
    Ok(result.rows_affected())
}
