//! Call recordings: metadata rows the PBX writes (`re_recordings`) and audio files under the
//! recordings directory. A recording is always looked up within the caller's tenant, so another
//! tenant's recording answers exactly like a missing one; the audio is reached only through
//! [`FileRoot`], so a stored path can never lead outside the directory.

use super::access::{self, Intent, TenantScope};
use super::download::Download;
use super::files::FileRoot;
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::call_id::CallId;
use crate::service::Missing;
use crate::store::recordings::{self as store, RecordingFilter, RecordingRow};

/// A recording's metadata, as both doors show it.
pub type Recording = RecordingRow;

/// The MIME type of a stored recording format (CONTRACT §0.12: `audio/mpeg` observed for MP3). Other
/// formats Asterisk can record (gsm, ogg, ...) go out as plain bytes, keeping their file extension.
pub fn content_type(format: &str) -> &'static str {
    match format.to_ascii_lowercase().as_str() {
        "mp3" => "audio/mpeg",
        "wav" | "wav49" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// The recordings directory.
fn root(core: &Core) -> FileRoot {
    FileRoot::new(core.config().dirs.recordings.clone(), "recordings")
}

async fn scope(core: &Core, principal: &Principal, tenant: &str) -> ServiceResult<TenantScope> {
    access::tenant_scope(core, principal, tenant, Intent::Read).await
}

/// The first recording of a call, named by its unique id (`_` accepted for `.`) or by the
/// originate id DIAL returned.
pub async fn find_by_call(core: &Core, principal: &Principal, tenant: &str, call_id: &str) -> ServiceResult<Recording> {
    let scope = scope(core, principal, tenant).await?;
    let Some(call_id) = CallId::parse(call_id) else { return Err(ServiceError::NotFound(Missing::Recording)) };
    let mut conn = core.db().pool().acquire().await?;
    let row = match &call_id {
        CallId::Unique(uniqueid) => store::by_uniqueid(&mut conn, scope.tenant_id, uniqueid).await?,
        CallId::Originate(originate_id) => store::by_originate_id(&mut conn, scope.tenant_id, originate_id).await?,
    };
    row.ok_or(ServiceError::NotFound(Missing::Recording))
}

/// A recording by its id.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<Recording> {
    let scope = scope(core, principal, tenant).await?;
    let mut conn = core.db().pool().acquire().await?;
    store::by_id(&mut conn, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound(Missing::Recording))
}

/// The tenant's recordings matching `filter`, in id order. The unique id filter takes the same
/// spellings as a lookup; one that cannot be a call id matches nothing.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    mut filter: RecordingFilter,
    page: PageRequest,
) -> ServiceResult<Page<Recording>> {
    let scope = scope(core, principal, tenant).await?;
    if let Some(raw) = filter.uniqueid.take() {
        match CallId::parse(&raw) {
            Some(CallId::Unique(uniqueid)) => filter.uniqueid = Some(uniqueid),
            _ => return Ok(Page { items: Vec::new(), next_after: None }),
        }
    }
    let mut conn = core.db().pool().acquire().await?;
    let rows =
        store::list(&mut conn, scope.tenant_id, &filter, page.after_id.unwrap_or(0), page.limit.saturating_add(1))
            .await?;
    Ok(Page::from_overfetch(rows, page.limit, |r| r.id))
}

/// Opens a recording's audio for streaming, named `<uniqueid>.<format>`. A row whose path is unsafe
/// or whose file is missing gives `NotFound`, like a missing row.
pub async fn open_audio(core: &Core, recording: &Recording) -> ServiceResult<Download> {
    let file = root(core).open(&recording.path).await?;
    Ok(Download::new(file, content_type(&recording.format), &recording.uniqueid, &recording.format))
}

/// The transcript of a call's recording; `NotFound` when the call has no recording or it has no
/// (non-empty) transcript.
pub async fn transcript(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    call_id: &str,
) -> ServiceResult<(String, String)> {
    let recording = find_by_call(core, principal, tenant, call_id).await?;
    match recording.transcript {
        Some(text) if !text.is_empty() => Ok((recording.uniqueid, text)),
        _ => Err(ServiceError::NotFound(Missing::Transcript)),
    }
}
