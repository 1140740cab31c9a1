//! Just enough PDF knowledge to accept a fax document: recognition by content (the declared type
//! of an upload is not trusted) and a page count for the fax record.

/// True when the bytes are a PDF document (they start with the `%PDF-` header).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// Counts page objects (`/Type /Page`, not the `/Pages` tree nodes). Pages inside compressed object
/// streams are invisible to this scan, so the count is a best effort; 0 means "unknown", never
/// "empty", and nothing refuses a document for it.
pub fn count_pages(bytes: &[u8]) -> i64 {
    const TYPE: &[u8] = b"/Type";
    let mut pages = 0;
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], TYPE) {
        let mut rest = &bytes[at + found + TYPE.len()..];
        while let [first, tail @ ..] = rest
            && first.is_ascii_whitespace()
        {
            rest = tail;
        }
        if let Some(after) = rest.strip_prefix(b"/Page".as_slice())
            && !after.first().is_some_and(|b| b.is_ascii_alphanumeric())
        {
            pages += 1;
        }
        at += found + TYPE.len();
    }
    pages
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pdf_by_content_and_counts_page_objects() {
        assert!(is_pdf(b"%PDF-1.4\n..."));
        assert!(!is_pdf(b"RIFF....WAVE"));
        assert!(!is_pdf(b" %PDF-1.4"));
        let doc = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
            2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n\
            3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n";
        assert_eq!(count_pages(doc), 2);
        assert_eq!(count_pages(b"%PDF-1.7 compressed"), 0);
        assert_eq!(count_pages(b"/Type"), 0);
    }
}
