//! Stored output templates for INFO `cdrs` (CONTRACT §4): `{row_loop}`…`{/row_loop}` around the
//! per-row text and `{$field}` placeholders. Output is raw text by design (templates build CSV or
//! ad-hoc XML), so the only protection is that credential fields never substitute.

use crate::record::{LegacyRecord, is_credential_field};

const LOOP_OPEN: &str = "{row_loop}";
const LOOP_CLOSE: &str = "{/row_loop}";
const FIELD_OPEN: &str = "{$";

/// Renders the template: the text before the loop once (header), the loop body once per record
/// with its placeholders filled, the text after once (footer). Header and footer are printed
/// verbatim; a template without a loop is printed once verbatim. A loop without its closing tag
/// runs to the end of the template.
pub fn render(template: &str, records: &[LegacyRecord]) -> String {
    let parsed = Template::parse(template);
    let mut out = String::from(parsed.header);
    for record in records {
        out.push_str(&parsed.row(record));
    }
    out.push_str(parsed.footer);
    out
}

/// A template split into its three parts, for callers that stream rows one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template<'a> {
    /// Printed once before the rows.
    pub header: &'a str,
    /// Printed once per row with placeholders filled (empty when the template has no loop).
    pub body: &'a str,
    /// Printed once after the rows.
    pub footer: &'a str,
}

impl<'a> Template<'a> {
    /// Splits at `{row_loop}` / `{/row_loop}` (see [`render`] for the rules).
    pub fn parse(template: &'a str) -> Template<'a> {
        let Some(open) = template.find(LOOP_OPEN) else {
            return Template { header: template, body: "", footer: "" };
        };
        let after_open = &template[open + LOOP_OPEN.len()..];
        let (body, footer) = match after_open.find(LOOP_CLOSE) {
            Some(close) => (&after_open[..close], &after_open[close + LOOP_CLOSE.len()..]),
            None => (after_open, ""),
        };
        Template { header: &template[..open], body, footer }
    }

    /// The loop body for one record.
    pub fn row(&self, record: &LegacyRecord) -> String {
        fill(self.body, record)
    }
}

/// Replaces every `{$name}` of one loop body with the record's value; an unclosed `{$` is text.
fn fill(body: &str, record: &LegacyRecord) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find(FIELD_OPEN) {
        let after = &rest[start + FIELD_OPEN.len()..];
        let Some(end) = after.find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&lookup(record, &after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Exact name first, then case-insensitive; unknown names and credentials give "".
fn lookup(record: &LegacyRecord, name: &str) -> String {
    if is_credential_field(name) {
        return String::new();
    }
    let fields = record.fields();
    fields
        .iter()
        .find(|(field, _)| field == name)
        .or_else(|| fields.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)))
        .filter(|(field, _)| !is_credential_field(field))
        .map(|(_, value)| value.to_text())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdr(uniqueid: &str, direction: &str) -> LegacyRecord {
        let mut record = LegacyRecord::new();
        record.push("uniqueid", uniqueid);
        record.push("ID", "9");
        record.push("direction", direction);
        record.push("Direction", "shadowed");
        record.push("duration", 30_i64);
        record.push("answer", None::<String>);
        record.push("secret", "s3cr3t");
        record
    }

    #[test]
    fn vendor_sample_with_repeated_field() {
        let template = "{row_loop}{$uniqueid},{$ID},{$direction},{$direction},{$duration},{$answer}\n{/row_loop}";
        let records = [cdr("a-1.1", "IN"), cdr("a-2.2", "OUT")];
        assert_eq!(render(template, &records), "a-1.1,9,IN,IN,30,\na-2.2,9,OUT,OUT,30,\n");
    }

    #[test]
    fn header_loop_footer() {
        let template = "<x>{$uniqueid}\n{row_loop}<r d=\"{$DIRECTION}\" id=\"{$id}\"/>{/row_loop}</x>";
        assert_eq!(render(template, &[cdr("u1", "IN")]), "<x>{$uniqueid}\n<r d=\"IN\" id=\"9\"/></x>");
        assert_eq!(render(template, &[]), "<x>{$uniqueid}\n</x>");
    }

    #[test]
    fn exact_match_beats_case_insensitive() {
        let template = "{row_loop}{$Direction}/{$direction}/{$DIRECTION}{/row_loop}";
        assert_eq!(render(template, &[cdr("u", "IN")]), "shadowed/IN/IN");
    }

    #[test]
    fn unknown_and_credential_fields_are_empty() {
        let template = "{row_loop}[{$nope}][{$secret}][{$SECRET}][{$}]{/row_loop}";
        assert_eq!(render(template, &[cdr("u", "IN")]), "[][][][]");
    }

    #[test]
    fn no_loop_prints_once_verbatim() {
        assert_eq!(render("plain {$uniqueid} text", &[cdr("u", "IN"), cdr("v", "IN")]), "plain {$uniqueid} text");
    }

    #[test]
    fn unclosed_pieces_do_not_panic() {
        let records = [cdr("u", "IN")];
        assert_eq!(render("h{row_loop}{$uniqueid};", &records), "hu;");
        assert_eq!(render("{row_loop}{$uniqueid", &records), "{$uniqueid");
        assert_eq!(render("{row_loop}é{$uniqueid}é{/row_loop}", &records), "éué");
        assert_eq!(render("{/row_loop}{row_loop}x", &records), "{/row_loop}x");
        assert_eq!(render("", &records), "");
    }
}
