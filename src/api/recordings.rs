//! `/v1/tenants/{code}/recordings` (metadata, audio) and the recording and transcript of a call,
//! `/v1/tenants/{code}/cdrs/{uniqueid}/recording|transcript`. The same service as the legacy INFO
//! recording calls.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::download::{self, Audio, FileAnswer};
use super::pagination::{Limit, next_cursor, page_request};
use super::period::{self, Bound};
use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::model::RecordingFilter;
use crate::service::recordings::{self as service, Recording as Row};

/// A call recording.
#[derive(Debug, Object)]
pub struct Recording {
    /// Id.
    pub id: i64,
    /// Unique id of the recorded call (`<node>-<epoch>.<seq>`).
    pub uniqueid: String,
    /// Name the PBX gave the recording.
    pub name: String,
    /// When it was recorded (absent if the PBX stored an unreadable time).
    pub date: Option<DateTime<Utc>>,
    /// Audio format (`wav`, `mp3`, ...).
    pub format: String,
    /// Size in bytes, as the PBX recorded it.
    pub size: i64,
    /// Whether a transcript exists (`/cdrs/{uniqueid}/transcript`).
    pub has_transcript: bool,
}

impl From<Row> for Recording {
    fn from(r: Row) -> Self {
        Recording {
            id: r.id,
            date: super::input::time(&r.date),
            has_transcript: r.transcript.as_deref().is_some_and(|t| !t.is_empty()),
            uniqueid: r.uniqueid,
            name: r.name,
            format: r.format,
            size: r.size,
        }
    }
}

/// A page of recordings.
#[derive(Debug, Object)]
pub struct RecordingPage {
    /// Recordings, in the order the PBX stored them.
    pub items: Vec<Recording>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The transcript of a call's recording.
#[derive(Debug, Object)]
pub struct Transcript {
    /// Unique id of the call.
    pub uniqueid: String,
    /// The text.
    pub transcript: String,
}

/// Recording endpoints.
#[derive(Debug)]
pub struct RecordingsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Recordings")]
impl RecordingsApi {
    /// List the tenant's call recordings.
    #[oai(path = "/v1/tenants/:code/recordings", method = "get", operation_id = "list_recordings")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Recorded at or after (RFC 3339, or a UTC date).
        from: Query<period::PeriodParam>,
        /// Recorded at or before (RFC 3339, or a UTC date: the whole day).
        to: Query<period::PeriodParam>,
        /// Only the recordings of this call (`_` accepted for `.`).
        uniqueid: Query<Option<String>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<RecordingPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let filter = RecordingFilter {
            from: period::parse("from", period::text(&from.0), Bound::From)?,
            to: period::parse("to", period::text(&to.0), Bound::To)?,
            uniqueid: uniqueid.0.filter(|u| !u.is_empty()),
        };
        let rows = service::list(&self.core, &principal, &code, filter, page).await?;
        Ok(Json(RecordingPage {
            items: rows.items.into_iter().map(Recording::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// One recording's metadata.
    #[oai(path = "/v1/tenants/:code/recordings/:id", method = "get", operation_id = "get_recording")]
    async fn get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<Recording>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(service::get(&self.core, &principal, &code, id.0).await?.into()))
    }

    /// A recording's audio, streamed; honours `Range` (206, or 416 outside the file).
    #[oai(path = "/v1/tenants/:code/recordings/:id/audio", method = "get", operation_id = "get_recording_audio")]
    async fn audio(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// `bytes=first-last`, `bytes=first-` or `bytes=-suffix`.
        #[oai(name = "Range")]
        range: Header<Option<String>>,
    ) -> ApiResult<FileAnswer<Audio>> {
        let principal = auth.principal(&self.core).await?;
        let recording = service::get(&self.core, &principal, &code, id.0).await?;
        download::answer(service::open_audio(&self.core, &recording).await?, range.0.as_deref()).await
    }

    /// The audio of a call's (first) recording, by the call's unique id or DIAL originate id;
    /// honours `Range`.
    #[oai(path = "/v1/tenants/:code/cdrs/:uniqueid/recording", method = "get", operation_id = "get_call_recording")]
    async fn call_recording(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Unique id (`_` accepted for `.`) or 14-hex originate id.
        uniqueid: Path<String>,
        /// `bytes=first-last`, `bytes=first-` or `bytes=-suffix`.
        #[oai(name = "Range")]
        range: Header<Option<String>>,
    ) -> ApiResult<FileAnswer<Audio>> {
        let principal = auth.principal(&self.core).await?;
        let recording = service::find_by_call(&self.core, &principal, &code, &uniqueid).await?;
        download::answer(service::open_audio(&self.core, &recording).await?, range.0.as_deref()).await
    }

    /// The transcript of a call's recording.
    #[oai(path = "/v1/tenants/:code/cdrs/:uniqueid/transcript", method = "get", operation_id = "get_call_transcript")]
    async fn transcript(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Unique id (`_` accepted for `.`) or 14-hex originate id.
        uniqueid: Path<String>,
    ) -> ApiResult<Json<Transcript>> {
        let principal = auth.principal(&self.core).await?;
        let (uniqueid, transcript) = service::transcript(&self.core, &principal, &code, &uniqueid).await?;
        Ok(Json(Transcript { uniqueid, transcript }))
    }
}
