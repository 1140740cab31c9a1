//! Legacy parameter sources (CONTRACT §0.2): a query string and a form body, merged the way PHP's
//! `$_REQUEST` merges them. Decoding is lenient on purpose: real clients send a raw `%` and
//! odd bytes, and a parameter parser that fails would turn them into 500s.

use crate::record::is_credential_field;

/// Names whose values never reach a log line, besides every credential field name (§0.1 Transport).
const REDACTED_NAMES: &[&str] = &["key", "password", "secret", "jsondata", "values", "token", "us_password"];

/// Decodes an `application/x-www-form-urlencoded` text without ever failing, because the legacy
/// endpoint accepted whatever PHP accepted: a lone `%` stays literal, bad UTF-8 is replaced.
pub fn decode_urlencoded(raw: &[u8]) -> Vec<(String, String)> {
    raw.split(|&b| b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.iter().position(|&b| b == b'=') {
            Some(at) => (decode_component(&segment[..at]), decode_component(&segment[at + 1..])),
            None => (decode_component(segment), String::new()),
        })
        .collect()
}

/// Encodes one name or value for a form body or query string; the counterpart of
/// [`decode_urlencoded`] for tests and for clients of this crate that build legacy requests.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn decode_component(raw: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => match (hex_value(raw.get(i + 1)), hex_value(raw.get(i + 2))) {
                (Some(high), Some(low)) => {
                    bytes.push(high * 16 + low);
                    i += 2;
                }
                _ => bytes.push(b'%'),
            },
            other => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn hex_value(byte: Option<&u8>) -> Option<u8> {
    let byte = *byte?;
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

/// The merged parameters of one legacy call. Kept as two ordered lists rather than a map because
/// precedence (body over query, last over first) and DIAL's repeated `var` both need the raw order.
#[derive(Debug, Clone, Default)]
pub struct LegacyRequest {
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
}

impl LegacyRequest {
    /// Builds a request from already decoded pairs, e.g. multipart fields the gateway extracted.
    pub fn new(query: Vec<(String, String)>, body: Vec<(String, String)>) -> Self {
        Self { query, body }
    }

    /// Builds a request from the raw query string and an urlencoded body, the common legacy case.
    pub fn from_raw(raw_query: &str, raw_form_body: &[u8]) -> Self {
        Self::new(decode_urlencoded(raw_query.as_bytes()), decode_urlencoded(raw_form_body))
    }

    /// The effective value of a parameter: body over query, last occurrence within a source (§0.2).
    /// `Some("")` means "present and empty", which DND and CDR distinguish from absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        last_in(&self.body, name).or_else(|| last_in(&self.query, name))
    }

    /// The first of several alias spellings that is present, in the caller's preference order.
    pub fn get_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| self.get(name))
    }

    /// Every occurrence of a parameter, query first; DIAL applies each `var` instead of the last.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.query.iter().chain(self.body.iter()).filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Presence test, independent of the value being empty.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A value only when it carries something; for required parameters where blank means missing.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|value| !value.trim().is_empty())
    }

    /// The merged parameters as one urlencoded line for access logs, with keys and credentials
    /// masked so that logs never hold secrets (§0.1, A-29). Each name appears once, with the value
    /// that [`LegacyRequest::get`] returns, in order of first appearance.
    pub fn log_line(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        let mut parts = Vec::new();
        for (name, _) in self.query.iter().chain(self.body.iter()) {
            if seen.contains(&name.as_str()) {
                continue;
            }
            seen.push(name);
            let value = if is_redacted(name) {
                "***".to_string()
            } else {
                encode_component(self.get(name).unwrap_or_default())
            };
            parts.push(format!("{}={}", encode_component(name), value));
        }
        parts.join("&")
    }
}

fn last_in<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn is_redacted(name: &str) -> bool {
    REDACTED_NAMES.iter().any(|redacted| redacted.eq_ignore_ascii_case(name)) || is_credential_field(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn decodes_plus_percent_and_bare_names() {
        let decoded = decode_urlencoded(b"a=1+2&b=%41%2f&&c&d=&e=x=y");
        assert_eq!(decoded, pairs(&[("a", "1 2"), ("b", "A/"), ("c", ""), ("d", ""), ("e", "x=y")]));
    }

    #[test]
    fn keeps_a_lone_or_broken_percent() {
        assert_eq!(decode_urlencoded(b"tenant=%"), pairs(&[("tenant", "%")]));
        assert_eq!(decode_urlencoded(b"v=%4"), pairs(&[("v", "%4")]));
        assert_eq!(decode_urlencoded(b"v=%zz%41"), pairs(&[("v", "%zzA")]));
        assert_eq!(decode_urlencoded(b"v=100%25"), pairs(&[("v", "100%")]));
    }

    #[test]
    fn replaces_invalid_utf8_instead_of_failing() {
        let decoded = decode_urlencoded(b"n%ff=%C3%A9%FF\xfe");
        assert_eq!(decoded, pairs(&[("n\u{fffd}", "é\u{fffd}\u{fffd}")]));
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let text = "a b&c=d%e+f/é'\"\n";
        let raw = format!("x={}", encode_component(text));
        assert_eq!(decode_urlencoded(raw.as_bytes()), pairs(&[("x", text)]));
    }

    #[test]
    fn body_wins_and_last_occurrence_wins() {
        let req = LegacyRequest::from_raw("a=q1&a=q2&b=q", b"a=b1&a=b2");
        assert_eq!(req.get("a"), Some("b2"));
        assert_eq!(req.get("b"), Some("q"));
        assert_eq!(req.get("A"), None);
        assert_eq!(req.get_all("a"), vec!["q1", "q2", "b1", "b2"]);
    }

    #[test]
    fn empty_is_present_but_not_non_empty() {
        let req = LegacyRequest::from_raw("value=&blank=+++&x=1", b"");
        assert_eq!(req.get("value"), Some(""));
        assert!(req.contains("value"));
        assert!(!req.contains("missing"));
        assert_eq!(req.non_empty("value"), None);
        assert_eq!(req.non_empty("blank"), None);
        assert_eq!(req.non_empty("x"), Some("1"));
    }

    #[test]
    fn get_any_follows_the_alias_order() {
        let req = LegacyRequest::from_raw("exten=2&source=1", b"");
        assert_eq!(req.get_any(&["source", "exten"]), Some("1"));
        assert_eq!(req.get_any(&["exten", "source"]), Some("2"));
        assert_eq!(req.get_any(&["nope", "exten"]), Some("2"));
        assert_eq!(req.get_any(&["nope"]), None);
    }

    #[test]
    fn log_line_masks_keys_and_credentials() {
        let req = LegacyRequest::from_raw(
            "key=SECRETKEY&reqtype=DIAL&tenant=%&password=pw",
            b"jsondata=%7B%7D&ex_webpassword=w&ex_token_validity=ONCE&reqtype=INFO&Key=K2",
        );
        let line = req.log_line();
        assert_eq!(
            line,
            "key=***&reqtype=INFO&tenant=%25&password=***&jsondata=***&ex_webpassword=***\
             &ex_token_validity=ONCE&Key=***"
        );
        assert!(!line.contains("SECRETKEY"));
    }

    #[test]
    fn log_line_cannot_be_split_by_line_breaks() {
        let req = LegacyRequest::from_raw("a=x%0D%0Ay", b"");
        assert_eq!(req.log_line(), "a=x%0D%0Ay");
    }
}
