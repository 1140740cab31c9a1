//! Streamed CDR exports for both doors: batches come from the database task
//! (`service::cdrs::CdrExport`) and leave as body chunks, one chunk per batch, so memory holds at
//! most a couple of batches whatever the range. When the client goes away the body is dropped,
//! which drops the export and ends the database read at its next batch.

use futures_util::stream;

use crate::service::cdrs::{Cdr, CdrExport};

/// Turns CDRs into the bytes of one output format.
pub trait CdrWriter: Send + 'static {
    /// Text before the first row (a CSV header, `[`, an XML declaration); may be empty.
    fn header(&mut self, out: &mut String);
    /// One row.
    fn row(&mut self, cdr: &Cdr, out: &mut String);
    /// Text after the last row.
    fn footer(&mut self, out: &mut String);
}

enum Step {
    First(Vec<Cdr>),
    Next,
    Done,
}

/// The streamed body: header and `first` (already read, so that callers can answer an empty
/// result differently), then every further batch, then the footer. A database error mid-way aborts
/// the body, so the client sees a broken transfer rather than a silently short file.
pub fn body(first: Vec<Cdr>, export: CdrExport, writer: impl CdrWriter) -> poem::Body {
    let state = (Step::First(first), export, writer);
    let chunks = stream::unfold(state, |(step, mut export, mut writer)| async move {
        let mut out = String::new();
        match step {
            Step::Done => None,
            Step::First(rows) => {
                writer.header(&mut out);
                rows.iter().for_each(|cdr| writer.row(cdr, &mut out));
                Some((Ok(out), (Step::Next, export, writer)))
            }
            Step::Next => match export.next_batch().await {
                Some(Ok(rows)) => {
                    rows.iter().for_each(|cdr| writer.row(cdr, &mut out));
                    Some((Ok(out), (Step::Next, export, writer)))
                }
                Some(Err(err)) => {
                    tracing::error!(error = %err, "CDR export aborted");
                    Some((Err(std::io::Error::other("export aborted")), (Step::Done, export, writer)))
                }
                None => {
                    writer.footer(&mut out);
                    Some((Ok(out), (Step::Done, export, writer)))
                }
            },
        }
    });
    poem::Body::from_bytes_stream(chunks)
}
