//! Well-formed XML output (§0.11, Q-20): the legacy sample was malformed; this keeps its element
//! names but escapes text and repairs names so any parser accepts the document.

use crate::record::LegacyRecord;

/// The XML declaration every document starts with.
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Escapes text for element content and attribute values; characters XML 1.0 forbids become
/// U+FFFD, and CR is kept as a reference so parsers do not normalise it away.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Turns a field name into a valid XML element name: characters outside `[A-Za-z0-9_.-]`
/// become `_`, and a name that cannot start an element (digit, `-`, `.`, empty) gets a `_` prefix.
pub fn element_name(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// `<root><item><FIELD>value</FIELD>…</item>…</root>` after the XML declaration; NULL gives an
/// empty element. Always a full document: whether an empty result answers 0 bytes is the
/// caller's decision (§0.7).
pub fn document(root: &str, item: &str, records: &[LegacyRecord]) -> String {
    let mut out = document_start(root);
    for record in records {
        out.push_str(&element(item, record));
    }
    out.push_str(&document_end(root));
    out
}

/// The declaration and the root's opening tag, for documents streamed element by element.
pub fn document_start(root: &str) -> String {
    format!("{DECLARATION}<{}>", element_name(root))
}

/// The root's closing tag.
pub fn document_end(root: &str) -> String {
    format!("</{}>", element_name(root))
}

/// `<item><FIELD>value</FIELD>…</item>` for one record.
pub fn element(item: &str, record: &LegacyRecord) -> String {
    let item = element_name(item);
    let mut out = format!("<{item}>");
    for (name, value) in record.fields() {
        let name = element_name(name);
        out.push_str(&format!("<{name}>{}</{name}>", escape(&value.to_text())));
    }
    out.push_str(&format!("</{item}>"));
    out
}

#[cfg(test)]
mod tests;
