use super::*;

/// Minimal well-formedness check for what [`document`] can emit: one declaration, balanced
/// element tags, no attributes, and text free of raw `<` and unknown entities.
fn assert_well_formed(doc: &str) {
    let body = doc.strip_prefix(DECLARATION).unwrap_or_else(|| panic!("no declaration: {doc}"));
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = body;
    let mut roots = 0;
    while !rest.is_empty() {
        if let Some(tag_start) = rest.strip_prefix('<') {
            let end = tag_start.find('>').unwrap_or_else(|| panic!("open tag: {rest}"));
            let tag = &tag_start[..end];
            if let Some(closing) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(closing), "mismatched close in {doc}");
            } else {
                assert!(!tag.is_empty() && !tag.contains(['<', ' ', '/', '&', '"']));
                let first = tag.chars().next().unwrap_or('0');
                assert!(first.is_ascii_alphabetic() || first == '_', "bad name {tag}");
                if stack.is_empty() {
                    roots += 1;
                }
                stack.push(tag);
            }
            rest = &tag_start[end + 1..];
        } else {
            assert!(!stack.is_empty(), "text outside the root: {rest}");
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            assert!(!text.contains('>') && !text.contains('\r'));
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#13;"].iter().any(|e| entity.starts_with(e)),
                    "bad entity in {text}"
                );
            }
            assert!(!text.chars().any(|c| c < ' ' && c != '\t' && c != '\n'));
            rest = &rest[end..];
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1);
}

#[test]
fn escapes_markup_quotes_and_control_characters() {
    assert_eq!(
        escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
    );
    assert_eq!(escape("a\r\nb\tc\u{1}d\u{ffff}é"), "a&#13;\nb\tc\u{fffd}d\u{fffd}é");
}

#[test]
fn element_names_are_repaired() {
    assert_eq!(element_name("ex_number"), "ex_number");
    assert_eq!(element_name("0"), "_0");
    assert_eq!(element_name("my var<x>"), "my_var_x_");
    assert_eq!(element_name(""), "_");
    assert_eq!(element_name("-a"), "_-a");
    assert_eq!(element_name("né"), "n_");
}

#[test]
fn document_is_well_formed_with_escaped_values() {
    let mut cdr = LegacyRecord::new();
    cdr.push("uniqueid", "node-1700000000.1");
    cdr.push("clid", "\"Evil\" <script>&amp;</script>");
    cdr.push("userfield", None::<String>);
    cdr.push("0", "positional");
    cdr.push("billsec", 42_i64);
    let doc = document("cdrs", "cdr", &[cdr.clone(), cdr]);
    let one = "<cdr><uniqueid>node-1700000000.1</uniqueid>\
               <clid>&quot;Evil&quot; &lt;script&gt;&amp;amp;&lt;/script&gt;</clid>\
               <userfield></userfield><_0>positional</_0><billsec>42</billsec></cdr>";
    assert_eq!(doc, format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><cdrs>{one}{one}</cdrs>"));
    assert_well_formed(&doc);
}

#[test]
fn empty_document_and_hostile_names_stay_well_formed() {
    let empty = document("cdrs", "cdr", &[]);
    assert_eq!(empty, format!("{DECLARATION}<cdrs></cdrs>"));
    assert_well_formed(&empty);
    let mut record = LegacyRecord::new();
    record.push("a></x><y", "v\u{0}\r\n");
    record.push("", "");
    let doc = document("1 root", "it em", &[record]);
    assert_well_formed(&doc);
}

#[test]
fn the_checker_rejects_broken_documents() {
    let broken = format!("{DECLARATION}<a><b></a></b>");
    assert!(std::panic::catch_unwind(|| assert_well_formed(&broken)).is_err());
    let raw_amp = format!("{DECLARATION}<a>x & y</a>");
    assert!(std::panic::catch_unwind(|| assert_well_formed(&raw_amp)).is_err());
}
