//! The REST answer for a stored file (recording audio, fax documents): streamed from disk, with
//! HTTP Range support (RFC 9110 §14) so players can seek, typed by the stored format.

use poem::Body;
use poem_openapi::payload::Binary;
use poem_openapi::{ApiResponse, ResponseContent};

use super::problem::ApiResult;
use crate::service::download::{Disposition, Download};
use crate::service::files::ByteRange;

/// The bytes, typed by their format.
#[derive(ResponseContent)]
pub enum FileContent {
    /// MP3 audio.
    #[oai(content_type = "audio/mpeg")]
    Mp3(Binary<Body>),
    /// WAV audio.
    #[oai(content_type = "audio/wav")]
    Wav(Binary<Body>),
    /// A PDF document.
    #[oai(content_type = "application/pdf")]
    Pdf(Binary<Body>),
    /// Any other stored format.
    #[oai(content_type = "application/octet-stream")]
    Other(Binary<Body>),
}

impl FileContent {
    fn new(content_type: &str, body: Body) -> FileContent {
        match content_type {
            "audio/mpeg" => FileContent::Mp3(Binary(body)),
            "audio/wav" => FileContent::Wav(Binary(body)),
            "application/pdf" => FileContent::Pdf(Binary(body)),
            _ => FileContent::Other(Binary(body)),
        }
    }
}

/// A file download.
#[derive(ApiResponse)]
pub enum FileAnswer {
    /// The whole file.
    #[oai(status = 200)]
    Full(
        FileContent,
        /// Always `bytes`: ranges are supported.
        #[oai(header = "Accept-Ranges")]
        String,
        /// Size in bytes.
        #[oai(header = "Content-Length")]
        String,
        /// `attachment; filename="..."`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
    /// The requested byte range.
    #[oai(status = 206)]
    Partial(
        FileContent,
        /// Always `bytes`.
        #[oai(header = "Accept-Ranges")]
        String,
        /// Bytes in this part.
        #[oai(header = "Content-Length")]
        String,
        /// `attachment; filename="..."`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `bytes first-last/size`.
        #[oai(header = "Content-Range")]
        String,
    ),
    /// The range lies outside the file.
    #[oai(status = 416)]
    Unsatisfiable(
        /// `bytes */size`.
        #[oai(header = "Content-Range")]
        String,
    ),
}

/// Streams `download`, or the part of it `range` (the `Range` header) asks for.
pub async fn answer(download: Download, range: Option<&str>) -> ApiResult<FileAnswer> {
    let len = download.file.len;
    let disposition = download.disposition(Disposition::Attachment);
    let content_type = download.content_type;
    let bytes = "bytes".to_string();
    match ByteRange::parse(range, len) {
        Err(()) => Ok(FileAnswer::Unsatisfiable(format!("bytes */{len}"))),
        Ok(None) => Ok(FileAnswer::Full(
            FileContent::new(content_type, download.into_body()),
            bytes,
            len.to_string(),
            disposition,
        )),
        Ok(Some(part)) => {
            let reader = download.file.into_range_reader(part).await?;
            Ok(FileAnswer::Partial(
                FileContent::new(content_type, Body::from_async_read(reader)),
                bytes,
                part.len().to_string(),
                disposition,
                format!("bytes {}-{}/{len}", part.start, part.end),
            ))
        }
    }
}
