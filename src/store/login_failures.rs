//! Failed-login counters in the database, so every replica enforces the same limit.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Failures recorded for `username` since `window_start` (older windows count as zero).
pub async fn count_since(conn: &mut AnyConnection, username: &str, window_start: &str) -> StoreResult<i64> {
    let row = sqlx::query("SELECT lf_count FROM lf_login_failures WHERE lf_username = $1 AND lf_window_start >= $2")
        .bind(username.to_string())
        .bind(window_start.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => r.try_get(0)?,
        None => 0,
    })
}

/// Records one failure, starting a new window at `now` when the stored one is older than `window_start`.
pub async fn record(conn: &mut AnyConnection, username: &str, window_start: &str, now: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO lf_login_failures (lf_username, lf_window_start, lf_count) VALUES ($1, $3, 1) \
         ON CONFLICT (lf_username) DO UPDATE SET \
           lf_count = CASE WHEN lf_login_failures.lf_window_start >= $2 THEN lf_login_failures.lf_count + 1 ELSE 1 END, \
           lf_window_start = CASE WHEN lf_login_failures.lf_window_start >= $2 THEN lf_login_failures.lf_window_start ELSE $3 END",
    )
    .bind(username.to_string())
    .bind(window_start.to_string())
    .bind(now.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets the failures of `username` (after a successful login).
pub async fn clear(conn: &mut AnyConnection, username: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM lf_login_failures WHERE lf_username = $1")
        .bind(username.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
