//! What the legacy door answers for stored files (recordings, fax documents): the streamed bytes
//! with their type and disposition, or 0 bytes for a miss (CONTRACT §0.6: lookup misses are empty).

use super::dispatch::Answer;
use crate::service::download::{Disposition, Download};

/// The file, streamed.
pub fn body(download: Download, disposition: Disposition) -> Answer {
    Answer::Body {
        content_type: download.content_type.to_string(),
        disposition: Some(download.disposition(disposition)),
        body: poem::Body::from_async_read(download.file.file),
    }
}
