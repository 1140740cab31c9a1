//! Media file audio: uploads are size-limited and must be WAV or MP3 by content; the media file row
//! records the format and size.

use super::audit;
use super::catalog::{MEDIAFILE, MEDIAFILES};
use super::{Core, ServiceError, ServiceResult, objects};
use crate::auth::Principal;
use crate::domain::audio::AudioFormat;
use crate::service::Missing;
use crate::store::objects::{self as rows, Value};

/// Largest audio accepted (a prompt or hold music file, not an album).
pub const MAX_AUDIO_BYTES: usize = 8 * 1024 * 1024;

/// Audio bytes with their MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    /// Bytes.
    pub bytes: Vec<u8>,
    /// MIME type.
    pub content_type: String,
}

/// Stores new audio for a media file of the tenant.
pub async fn put_audio(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    media_id: i64,
    bytes: &[u8],
) -> ServiceResult<AudioFormat> {
    if bytes.len() > MAX_AUDIO_BYTES {
        return Err(ServiceError::invalid("filename", format!("is larger than {MAX_AUDIO_BYTES} bytes")));
    }
    let format = AudioFormat::sniff(bytes)?;
    // Authorizes (tenant, read-only) and proves the row is the tenant's before anything is written.
    let row = objects::get(core, principal, &MEDIAFILES, tenant, media_id).await?;
    crate::service::access::require_write(principal)?;
    let now = crate::store::now_text();
    let mut tx = core.db().begin().await?;
    crate::store::media::put(&mut tx, row.id, bytes, format.content_type(), &now).await?;
    let changes = vec![
        ("me_format", Value::Text(format.extension().into())),
        ("me_size", Value::Text(bytes.len().to_string())),
        ("me_updated_at", Value::Text(now)),
    ];
    rows::update(&mut tx, &MEDIAFILE, row.tenant_id, row.id, &changes).await?;
    let after = rows::get(&mut tx, &MEDIAFILE, row.tenant_id, row.id)
        .await?
        .ok_or(ServiceError::NotFound(Missing::MediaFile))?;
    // The update entry names the audio columns that changed; the audio itself is not copied.
    audit::record_update(&mut tx, principal, &row, &after).await?;
    tx.commit().await?;
    Ok(format)
}

/// The audio of a media file of the tenant; `None` when none was uploaded.
pub async fn get_audio(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    media_id: i64,
) -> ServiceResult<Option<Audio>> {
    let row = objects::get(core, principal, &MEDIAFILES, tenant, media_id).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(crate::store::media::get(&mut conn, row.id).await?.map(|(bytes, content_type)| Audio { bytes, content_type }))
}
