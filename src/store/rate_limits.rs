//! Shared rate-limit windows (`rl_rate_limits`): one row per bucket holding the count of its
//! current window, added to by every replica (service::rate_limit).

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Adds `count` requests to `bucket`'s window `window` and answers the window's total. A row of an
/// older window starts over; a row already in a newer window keeps its count (a late flush of
/// the old window is dropped rather than charged to the new one).
pub async fn add(conn: &mut AnyConnection, bucket: &str, window: u64, count: u64) -> StoreResult<u64> {
    let window = i64::try_from(window).unwrap_or(i64::MAX);
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let row = sqlx::query(
        "INSERT INTO rl_rate_limits (rl_bucket, rl_window, rl_count) VALUES ($1, $2, $3) \
         ON CONFLICT (rl_bucket) DO UPDATE SET \
           rl_count = CASE WHEN rl_rate_limits.rl_window = $2 THEN rl_rate_limits.rl_count + $3 \
                           WHEN rl_rate_limits.rl_window > $2 THEN rl_rate_limits.rl_count ELSE $3 END, \
           rl_window = CASE WHEN rl_rate_limits.rl_window > $2 THEN rl_rate_limits.rl_window ELSE $2 END \
         RETURNING rl_window, rl_count",
    )
    .bind(bucket.to_string())
    .bind(window)
    .bind(count)
    .fetch_one(&mut *conn)
    .await?;
    let (stored_window, total): (i64, i64) = (row.try_get("rl_window")?, row.try_get("rl_count")?);
    // A newer window's count says nothing about this one.
    Ok(if stored_window == window { u64::try_from(total).unwrap_or(0) } else { 0 })
}

/// Deletes the rows of windows before `window`.
pub async fn forget_before(conn: &mut AnyConnection, window: u64) -> StoreResult<()> {
    sqlx::query("DELETE FROM rl_rate_limits WHERE rl_window < $1")
        .bind(i64::try_from(window).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
