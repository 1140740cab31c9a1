//! Media file audio bytes.

use sqlx::{AnyConnection, Row as _};

use super::StoreResult;

/// Stores (or replaces) the audio of a media file.
pub async fn put(
    conn: &mut AnyConnection,
    media_id: i64,
    content: &[u8],
    content_type: &str,
    now: &str,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM mb_mediabinaries WHERE mb_me_id = $1").bind(media_id).execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO mb_mediabinaries (mb_me_id, mb_content, mb_content_type, mb_updated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(media_id)
    .bind(content.to_vec())
    .bind(content_type.to_string())
    .bind(now.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The audio of a media file and its content type, if any was uploaded.
pub async fn get(conn: &mut AnyConnection, media_id: i64) -> StoreResult<Option<(Vec<u8>, String)>> {
    let row = sqlx::query("SELECT mb_content, mb_content_type FROM mb_mediabinaries WHERE mb_me_id = $1")
        .bind(media_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| Ok::<_, sqlx::Error>((r.try_get("mb_content")?, r.try_get("mb_content_type")?))).transpose()?)
}
