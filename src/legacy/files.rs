//! What the legacy door answers for stored files (recordings, fax documents): the streamed bytes
//! with their type and disposition, or 0 bytes for a miss (CONTRACT §0.6: lookup misses are empty).

use pbx_compat::render::Rendered;

use super::dispatch::{Answer, Call, error_text};
use crate::service::ServiceError;
use crate::service::download::{Disposition, Download};

/// The file, streamed.
pub fn body(download: Download, disposition: Disposition) -> Answer {
    Answer::Body {
        content_type: download.content_type.to_string(),
        disposition: Some(download.disposition(disposition)),
        body: poem::Body::from_async_read(download.file.file),
    }
}

/// A lookup miss (missing row, other tenant, unsafe path, missing file): 0 bytes; a refusal: its
/// protocol text.
pub fn miss_or_error(call: &Call<'_>, err: ServiceError) -> Rendered {
    match err {
        ServiceError::NotFound(_) => Rendered::empty(&call.output),
        err => Rendered::text(&call.output, error_text(err)),
    }
}
