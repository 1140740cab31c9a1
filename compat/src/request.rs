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

/// Property tests: what the examples above show must hold for whatever a client (or a fuzzer) sends.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// Few cases keep the suite fast on two cores; a failure found here becomes a named example
    /// test instead of a regression file next to the source.
    fn config() -> ProptestConfig {
        ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
    }

    /// Pieces that stress the decoder: escapes whole, cut short, not hex or not UTF-8 once decoded
    /// (a lone continuation byte, a surrogate), separators doubled, multi-byte characters.
    const HOSTILE: &[&str] = &[
        "%",
        "%%",
        "%4",
        "%41",
        "%4g",
        "%zz",
        "%25",
        "%2B",
        "%26",
        "%3D",
        "%c3",
        "%C3",
        "%A9",
        "%C3%A9",
        "%FF",
        "%ED%A0%80",
        "%00",
        "+",
        "&",
        "&&",
        "=",
        "==",
        "a",
        "A",
        "é",
        "\u{1F600}",
        "\r\n",
        " ",
        "key",
        "reqtype",
    ];

    fn hostile_text(max_pieces: usize) -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => prop::sample::select(HOSTILE).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..max_pieces).prop_map(|pieces| pieces.concat())
    }

    /// Any text paired with one way a client may encode it: each character literal unless it is a
    /// separator, or escaped byte by byte in upper- or lower-case hex; a space also as `+`.
    fn client_encoded(text: String) -> impl Strategy<Value = (String, String)> {
        let count = text.chars().count();
        prop::collection::vec(0u8..4, count).prop_map(move |choices| {
            let mut out = String::new();
            for (c, choice) in text.chars().zip(choices) {
                match (c, choice) {
                    (' ', 0) => out.push('+'),
                    (c, 0 | 1) if !"&=+%".contains(c) => out.push(c),
                    (c, _) => {
                        for byte in c.to_string().bytes() {
                            let _ =
                                if choice % 2 == 0 { write!(out, "%{byte:02X}") } else { write!(out, "%{byte:02x}") };
                        }
                    }
                }
            }
            (text.clone(), out)
        })
    }

    /// Parameter names, often repeated and differing only in case, so last-wins and `get_all` are hit.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(&["a", "A", "var", "Var", "key", "reqtype", "", "é"][..]).prop_map(str::to_string),
            1 => any::<String>(),
        ]
    }

    /// Decoded pairs with their encoded `name=value` segments; a name without a value may drop the `=`.
    fn encoded_pairs() -> impl Strategy<Value = Vec<((String, String), String)>> {
        prop::collection::vec((name(), prop_oneof![Just(String::new()), any::<String>()], any::<bool>()), 0..12)
            .prop_flat_map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(name, value, bare)| {
                        (client_encoded(name), client_encoded(value)).prop_map(move |((n, raw_n), (v, raw_v))| {
                            let segment =
                                if bare && !n.is_empty() && v.is_empty() { raw_n } else { format!("{raw_n}={raw_v}") };
                            ((n, v), segment)
                        })
                    })
                    .collect::<Vec<_>>()
            })
    }

    fn flip_case(text: &str, flips: &[bool]) -> String {
        text.chars()
            .zip(flips.iter().chain(std::iter::repeat(&false)))
            .map(|(c, &flip)| match (flip, c.is_ascii_lowercase()) {
                (false, _) => c,
                (true, true) => c.to_ascii_uppercase(),
                (true, false) => c.to_ascii_lowercase(),
            })
            .collect()
    }

    proptest! {
        #![proptest_config(config())]

        /// No byte string makes decoding fail or panic; it yields one pair per non-empty segment,
        /// and a segment without escapes or `+` comes back as its own (lossy) text.
        #[test]
        fn any_bytes_decode_one_pair_per_segment(
            raw in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..256),
                hostile_text(64).prop_map(String::into_bytes),
            ]
        ) {
            let decoded = decode_urlencoded(&raw);
            let segments: Vec<&[u8]> = raw.split(|&b| b == b'&').filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(decoded.len(), segments.len());
            for ((name, value), segment) in decoded.iter().zip(&segments) {
                prop_assert!(name.chars().count() + value.chars().count() <= segment.len());
                if !segment.contains(&b'%') && !segment.contains(&b'+') {
                    let lossy = String::from_utf8_lossy(segment);
                    let (raw_name, raw_value) = lossy.split_once('=').unwrap_or((&lossy, ""));
                    prop_assert_eq!((name.as_str(), value.as_str()), (raw_name, raw_value));
                }
            }
            let text = String::from_utf8_lossy(&raw).into_owned();
            let req = LegacyRequest::from_raw(&text, &raw);
            for (name, _) in &decoded {
                prop_assert!(req.get(name).is_some());
                prop_assert!(!req.get_all(name).is_empty());
            }
            prop_assert!(!req.log_line().contains(['\r', '\n']));
        }

        /// Very long hostile input (thousands of escapes and separators, or one huge name and
        /// value) is decoded, not refused.
        #[test]
        fn long_hostile_input_never_panics(text in hostile_text(4096)) {
            let req = LegacyRequest::from_raw(&text, text.as_bytes());
            let segments = text.split('&').filter(|s| !s.is_empty()).count();
            prop_assert_eq!(decode_urlencoded(text.as_bytes()).len(), segments);
            let one_pair = text.replace('&', "%26");
            prop_assert_eq!(decode_urlencoded(one_pair.as_bytes()).len(), usize::from(!one_pair.is_empty()));
            let line = req.log_line();
            prop_assert!(!line.contains(['\r', '\n', ' ']));
            let _ = req.get_any(&["reqtype", "key", ""]);
        }

        /// Whatever a client encodes comes back: every pair, in order, repeated names kept, empty
        /// names and values kept, separators doubled or dangling ignored.
        #[test]
        fn encoded_pairs_decode_back_in_order(pairs in encoded_pairs()) {
            let (expected, segments): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
            prop_assert_eq!(&decode_urlencoded(segments.join("&").as_bytes()), &expected);
            let sloppy = format!("&{}&", segments.join("&&"));
            prop_assert_eq!(&decode_urlencoded(sloppy.as_bytes()), &expected);
        }

        /// The crate's own encoder produces only safe characters and is undone by the decoder.
        #[test]
        fn encode_component_round_trips(name in any::<String>(), value in any::<String>()) {
            let (raw_name, raw_value) = (encode_component(&name), encode_component(&value));
            prop_assert!(raw_name.chars().chain(raw_value.chars()).all(|c| c.is_ascii_alphanumeric() || "-._*%+".contains(c)));
            let decoded = decode_urlencoded(format!("{raw_name}={raw_value}").as_bytes());
            prop_assert_eq!(decoded, vec![(name, value)]);
        }

        /// Split over query and body: `get` is the body's last occurrence, else the query's last;
        /// `get_all` is every occurrence, query first; absent names stay absent.
        #[test]
        fn body_over_query_and_last_over_first(pairs in encoded_pairs(), split in any::<prop::sample::Index>()) {
            let at = split.index(pairs.len() + 1);
            let query_raw = pairs[..at].iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("&");
            let body_raw = pairs[at..].iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("&");
            let req = LegacyRequest::from_raw(&query_raw, body_raw.as_bytes());
            let (query, body) = pairs.split_at(at);
            let last = |list: &[((String, String), String)], name: &str| {
                list.iter().rev().find(|((n, _), _)| n == name).map(|((_, v), _)| v.clone())
            };
            for ((name, _), _) in &pairs {
                let expected = last(body, name).or_else(|| last(query, name));
                prop_assert_eq!(req.get(name).map(str::to_string), expected);
                let all: Vec<&str> =
                    pairs.iter().filter(|((n, _), _)| n == name).map(|((_, v), _)| v.as_str()).collect();
                prop_assert_eq!(req.get_all(name), all);
            }
            let absent = "\u{0}absent";
            prop_assert_eq!(req.get(absent), None);
            prop_assert!(req.get_all(absent).is_empty());
        }

        /// Names are matched exactly (`key` is not `Key`), as PHP's `$_REQUEST` does; only the log
        /// redaction ignores case, so `KEY=…` is masked like `key=…`.
        #[test]
        fn names_are_case_sensitive_but_redaction_is_not(
            name in "[A-Za-z][A-Za-z0-9_]{0,11}",
            secret in prop::sample::select(REDACTED_NAMES),
            flips in prop::collection::vec(any::<bool>(), 12),
            value in any::<String>(),
        ) {
            let raw = format!("{}={}", encode_component(&name), encode_component(&value));
            let req = LegacyRequest::from_raw(&raw, b"");
            prop_assert_eq!(req.get(&name), Some(value.as_str()));
            let variant = flip_case(&name, &flips);
            if variant != name {
                prop_assert_eq!(req.get(&variant), None);
                prop_assert!(!req.contains(&variant));
            }
            let masked = flip_case(secret, &flips);
            let req = LegacyRequest::from_raw(&format!("{masked}={}", encode_component(&value)), b"");
            prop_assert_eq!(req.log_line(), format!("{masked}=***"));
        }

        /// The log line decodes back to each name once, in order of first appearance, with the
        /// effective value or `***`; it never holds a raw line break or space.
        #[test]
        fn log_line_decodes_to_the_effective_values(pairs in encoded_pairs(), split in any::<prop::sample::Index>()) {
            let at = split.index(pairs.len() + 1);
            let query_raw = pairs[..at].iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("&");
            let body_raw = pairs[at..].iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("&");
            let req = LegacyRequest::from_raw(&query_raw, body_raw.as_bytes());
            let line = req.log_line();
            prop_assert!(!line.contains(['\r', '\n', ' ']));
            let mut expected: Vec<(String, String)> = Vec::new();
            for ((name, _), _) in &pairs {
                if expected.iter().all(|(n, _)| n != name) {
                    let value = if is_redacted(name) { "***" } else { req.get(name).unwrap_or_default() };
                    expected.push((name.clone(), value.to_string()));
                }
            }
            // An empty name with an empty value logs as a bare `=`, which decodes to that pair again.
            prop_assert_eq!(decode_urlencoded(line.as_bytes()), expected);
        }
    }
}
