//! The REST answer for a stored file (recording audio, fax documents): streamed from disk, with
//! HTTP Range support (RFC 9110 §14) so players can seek, typed by the stored format.

use poem::Body;
use poem_openapi::payload::Binary;
use poem_openapi::{ApiResponse, ResponseContent};

use super::problem::ApiResult;
use crate::service::download::{Disposition, Download};
use crate::service::files::ByteRange;

/// The bytes of a stored file, in the media types one kind of file can have.
pub trait FileContent: ResponseContent + poem::IntoResponse + Send + Sized + 'static {
    /// `body`, typed by the stored file's `content_type`.
    fn new(content_type: &str, body: Body) -> Self;
}

/// A recording's audio, typed by its format.
#[derive(ResponseContent)]
pub enum Audio {
    /// MP3 audio.
    #[oai(content_type = "audio/mpeg")]
    Mp3(Binary<Body>),
    /// WAV audio.
    #[oai(content_type = "audio/wav")]
    Wav(Binary<Body>),
    /// Another format Asterisk records (gsm, ogg, ...), as plain bytes.
    #[oai(content_type = "application/octet-stream")]
    Other(Binary<Body>),
}

impl FileContent for Audio {
    fn new(content_type: &str, body: Body) -> Audio {
        match content_type {
            "audio/mpeg" => Audio::Mp3(Binary(body)),
            "audio/wav" => Audio::Wav(Binary(body)),
            _ => Audio::Other(Binary(body)),
        }
    }
}

/// A fax document: always stored as PDF.
#[derive(ResponseContent)]
pub enum Pdf {
    /// The PDF.
    #[oai(content_type = "application/pdf")]
    Pdf(Binary<Body>),
}

impl FileContent for Pdf {
    fn new(_content_type: &str, body: Body) -> Pdf {
        Pdf::Pdf(Binary(body))
    }
}

/// A file download.
#[derive(ApiResponse)]
pub enum FileAnswer<C: FileContent> {
    /// The whole file.
    #[oai(status = 200)]
    Full(
        C,
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
        C,
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
pub async fn answer<C: FileContent>(download: Download, range: Option<&str>) -> ApiResult<FileAnswer<C>> {
    let len = download.file.len;
    let disposition = download.disposition(Disposition::Attachment);
    let content_type = download.content_type;
    let bytes = "bytes".to_string();
    match byte_range(range, len) {
        Err(()) => Ok(FileAnswer::Unsatisfiable(format!("bytes */{len}"))),
        Ok(None) => Ok(FileAnswer::Full(
            C::new(content_type, Body::from_async_read(download.file.file)),
            bytes,
            len.to_string(),
            disposition,
        )),
        Ok(Some(part)) => {
            let reader = download.file.into_range_reader(part).await?;
            Ok(FileAnswer::Partial(
                C::new(content_type, Body::from_async_read(reader)),
                bytes,
                part.len().to_string(),
                disposition,
                format!("bytes {}-{}/{len}", part.start, part.end),
            ))
        }
    }
}

/// Parses one HTTP `Range: bytes=` value against a file of `len` bytes. `Ok(None)`: no usable header (serve
/// the whole file); `Err(())`: unsatisfiable (416).
#[allow(clippy::result_unit_err)]
pub fn byte_range(header: Option<&str>, len: u64) -> Result<Option<ByteRange>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    // Several ranges would need multipart/byteranges; players ask for one. Serve the whole file.
    if spec.contains(',') {
        return Ok(None);
    }
    let (first, last) = spec.split_once('-').ok_or(())?;
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let suffix: u64 = last.parse().map_err(|_| ())?;
        if suffix == 0 || len == 0 {
            return Err(());
        }
        ByteRange { start: len.saturating_sub(suffix), end: len - 1 }
    } else {
        let start: u64 = first.parse().map_err(|_| ())?;
        let end = if last.is_empty() { len.saturating_sub(1) } else { last.parse::<u64>().map_err(|_| ())? };
        if start >= len || end < start {
            return Err(());
        }
        ByteRange { start, end: end.min(len - 1) }
    };
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(byte_range(None, 10), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-3"), 10), Ok(Some(ByteRange { start: 0, end: 3 })));
        assert_eq!(byte_range(Some("bytes=5-"), 10), Ok(Some(ByteRange { start: 5, end: 9 })));
        assert_eq!(byte_range(Some("bytes=-4"), 10), Ok(Some(ByteRange { start: 6, end: 9 })));
        assert_eq!(byte_range(Some("bytes=8-100"), 10), Ok(Some(ByteRange { start: 8, end: 9 })));
        assert_eq!(byte_range(Some("bytes=10-"), 10), Err(()));
        assert_eq!(byte_range(Some("bytes=4-2"), 10), Err(()));
        assert_eq!(byte_range(Some("bytes=x-2"), 10), Err(()));
        assert_eq!(byte_range(Some("bytes=0-1,4-5"), 10), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 10), Ok(None));
    }
}
