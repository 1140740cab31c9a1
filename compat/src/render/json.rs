//! JSON encoding rules of §0.9: compact, raw UTF-8, `/` not escaped, and a JSONP wrapper that is
//! safe to evaluate as script.

use serde_json::Value;

/// Compact JSON text; serde_json's compact form already matches §0.9 byte for byte.
pub fn encode(value: &Value) -> String {
    value.to_string()
}

/// `NAME(JSON);` for a callback already validated by
/// [`crate::command::is_valid_callback`]. U+2028/U+2029 are escaped because older JavaScript
/// engines treat them as line ends inside string literals, which would break the script.
pub fn wrap_jsonp(callback: &str, json: &str) -> String {
    let safe = json.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    format!("{callback}({safe});")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_compactly_with_order_preserved() {
        let value = json!({"z": "1", "a": null, "m": 2});
        assert_eq!(encode(&value), r#"{"z":"1","a":null,"m":2}"#);
        assert_eq!(encode(&json!("a/b<c>")), r#""a/b<c>""#);
    }

    #[test]
    fn wraps_jsonp() {
        assert_eq!(wrap_jsonp("cb", "null"), "cb(null);");
        assert_eq!(wrap_jsonp("$", "\"\u{2028}\""), "$(\"\\u2028\");");
    }
}
