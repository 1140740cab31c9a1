//! Failed-login counters in the database, so every replica enforces the same limit. A counter's
//! key is a username, or a username and a client address (`lf_username` holds either).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Counts one attempt, starting a new window at `now` when the stored one is older than
/// `window_start`, and answers the attempts of the window including this one. One statement, so
/// parallel attempts each get their own number and no more than the limit are ever let through.
pub async fn record(conn: &mut AnyConnection, key: &str, window_start: &str, now: &str) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO lf_login_failures (lf_username, lf_window_start, lf_count) VALUES ($1, $3, 1) \
         ON CONFLICT (lf_username) DO UPDATE SET \
           lf_count = CASE WHEN lf_login_failures.lf_window_start >= $2 THEN lf_login_failures.lf_count + 1 ELSE 1 END, \
           lf_window_start = CASE WHEN lf_login_failures.lf_window_start >= $2 THEN lf_login_failures.lf_window_start ELSE $3 END \
         RETURNING lf_count",
    )
    .bind(key.to_string())
    .bind(window_start.to_string())
    .bind(now.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("lf_count")?)
}

/// Forgets the failures counted under `key` (after a successful login).
pub async fn clear(conn: &mut AnyConnection, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM lf_login_failures WHERE lf_username = $1")
        .bind(key.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes back one counted attempt of `key` (an attempt that turned out not to be a guess).
pub async fn forget_one(conn: &mut AnyConnection, key: &str) -> StoreResult<()> {
    sqlx::query("UPDATE lf_login_failures SET lf_count = lf_count - 1 WHERE lf_username = $1 AND lf_count > 0")
        .bind(key.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
