use super::*;
use crate::errors::KEY_ERROR;
use crate::request::LegacyRequest;
use serde_json::json;

fn opts(query: &str) -> OutputOptions {
    OutputOptions::from_request(&LegacyRequest::from_raw(query, b""))
}

#[test]
fn key_error_is_46_bytes_with_the_format_content_type() {
    let plain = Rendered::text(&opts(""), KEY_ERROR);
    assert_eq!(plain.body.len(), 46);
    assert_eq!(plain.body, KEY_ERROR.as_bytes());
    assert_eq!(plain.content_type, "text/html; charset=UTF-8");
    let json = Rendered::text(&opts("format=json&callback=cb"), KEY_ERROR);
    assert_eq!(json.body, KEY_ERROR.as_bytes());
    assert_eq!(json.content_type, "application/json");
    let csv = Rendered::text(&opts("format=csv"), KEY_ERROR);
    assert_eq!(csv.content_type, content_type::HTML);
}

#[test]
fn empty_bodies_keep_the_format_content_type() {
    let json = Rendered::empty(&opts("format=JSON"));
    assert!(json.body.is_empty());
    assert_eq!(json.content_type, content_type::JSON);
    let xml = Rendered::empty(&opts("format=xml"));
    assert!(xml.body.is_empty());
    assert_eq!(xml.content_type, content_type::HTML);
}

#[test]
fn json_is_compact_raw_utf8_and_keeps_slashes() {
    let value = json!({"a": "é/ü", "b": [1, null], "c": "x\"y"});
    let rendered = Rendered::json(&opts("format=json"), &value);
    assert_eq!(rendered.content_type, "application/json");
    assert_eq!(String::from_utf8_lossy(&rendered.body), r#"{"a":"é/ü","b":[1,null],"c":"x\"y"}"#);
}

#[test]
fn jsonp_wraps_with_a_valid_callback_only() {
    let value = json!({"ID": "abc"});
    let wrapped = Rendered::json(&opts("format=json&callback=jQuery_1.cb"), &value);
    assert_eq!(wrapped.content_type, "application/javascript; charset=UTF-8");
    assert_eq!(wrapped.body, br#"jQuery_1.cb({"ID":"abc"});"#);
    let refused = Rendered::json(&opts("format=json&callback=alert(document.cookie)"), &value);
    assert_eq!(refused.content_type, "application/json");
    assert_eq!(refused.body, br#"{"ID":"abc"}"#);
}

#[test]
fn jsonp_escapes_js_line_separators() {
    let value = json!(["a\u{2028}b\u{2029}"]);
    let wrapped = Rendered::json(&opts("format=json&callback=cb"), &value);
    assert_eq!(wrapped.body, br#"cb(["a\u2028b\u2029"]);"#);
    let plain_json = Rendered::json(&OutputOptions::json(), &value);
    assert_eq!(plain_json.body, "[\"a\u{2028}b\u{2029}\"]".as_bytes());
}

#[test]
fn html_and_binary_ignore_format() {
    let help = Rendered::html("<pre>HELP</pre>");
    assert_eq!(help.content_type, content_type::HTML);
    assert_eq!(help.body, b"<pre>HELP</pre>");
    let audio = Rendered::binary("audio/mpeg", vec![0xff, 0xfb, 0x00]);
    assert_eq!(audio.content_type, "audio/mpeg");
    assert_eq!(audio.body, vec![0xff, 0xfb, 0x00]);
}
