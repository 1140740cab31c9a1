//! `/v1/tenants/{code}/media-files/{id}/audio`: upload (WAV or MP3, recognised by content,
//! size-limited) and download of a media file's audio.

use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiRequest, ApiResponse, Object, OpenApi, ResponseContent};

use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::service::{Core, media};

/// Audio to store. The declared type is not trusted: the bytes must be WAV or MP3.
#[derive(Debug, ApiRequest)]
pub enum AudioUpload {
    /// WAV.
    #[oai(content_type = "audio/wav")]
    Wav(Binary<Vec<u8>>),
    /// MP3.
    #[oai(content_type = "audio/mpeg")]
    Mp3(Binary<Vec<u8>>),
    /// Either, undeclared.
    #[oai(content_type = "application/octet-stream")]
    Raw(Binary<Vec<u8>>),
}

/// Audio of a media file.
#[derive(Debug, ResponseContent)]
pub enum AudioContent {
    /// WAV.
    #[oai(content_type = "audio/wav")]
    Wav(Binary<Vec<u8>>),
    /// MP3.
    #[oai(content_type = "audio/mpeg")]
    Mp3(Binary<Vec<u8>>),
}

/// The audio.
#[derive(Debug, ApiResponse)]
pub enum AudioAnswer {
    /// The bytes, typed by their format.
    #[oai(status = 200)]
    Ok(AudioContent),
}

/// What was stored.
#[derive(Debug, Object)]
pub struct StoredAudio {
    /// `wav` or `mp3`.
    pub format: String,
    /// Bytes stored.
    pub size: u64,
}

/// Media audio endpoints.
#[derive(Debug)]
pub struct MediaAudioApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::MediaFiles")]
impl MediaAudioApi {
    /// Download a media file's audio.
    #[oai(path = "/v1/tenants/:code/media-files/:id/audio", method = "get", operation_id = "get_media_audio")]
    async fn get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<AudioAnswer> {
        let principal = auth.principal(&self.core).await?;
        let audio = media::get_audio(&self.core, &principal, Some(&code), id.0).await?.ok_or_else(|| {
            ApiError::new(poem::http::StatusCode::NOT_FOUND, "not_found", Some("no audio uploaded yet".into()))
        })?;
        Ok(AudioAnswer::Ok(if audio.content_type == "audio/mpeg" {
            AudioContent::Mp3(Binary(audio.bytes))
        } else {
            AudioContent::Wav(Binary(audio.bytes))
        }))
    }

    /// Upload (replace) a media file's audio: WAV or MP3, at most 8 MiB.
    #[oai(path = "/v1/tenants/:code/media-files/:id/audio", method = "put", operation_id = "put_media_audio")]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: AudioUpload,
    ) -> ApiResult<Json<StoredAudio>> {
        let principal = auth.principal(&self.core).await?;
        let bytes = match body {
            AudioUpload::Wav(b) | AudioUpload::Mp3(b) | AudioUpload::Raw(b) => b.0,
        };
        let format = media::put_audio(&self.core, &principal, Some(&code), id.0, &bytes)
            .await
            .map_err(|e| super::problem::from_service(e, |f| if f == "filename" { "body" } else { f }))?;
        Ok(Json(StoredAudio { format: format.extension().to_string(), size: bytes.len() as u64 }))
    }
}
