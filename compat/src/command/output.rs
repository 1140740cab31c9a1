//! Output selection (`format`, `callback`, CONTRACT §0.4): decided once per request so every
//! answer, errors included, gets the Content-Type its format implies.

use crate::request::LegacyRequest;

/// The four legacy output formats; support is per call, the gateway decides what each renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pipe-separated text, the legacy default.
    Plain,
    /// Compact JSON (or JSONP with a valid callback).
    Json,
    /// XML, only for INFO `cdrs` and RESPONSEPATH `getlast`.
    Xml,
    /// Comma-separated values, only for the CDR-style reports.
    Csv,
}

impl Format {
    /// Reads `format` leniently: legacy treated anything it did not know as plain (§0.4).
    pub fn parse(value: Option<&str>) -> Format {
        match value {
            Some(v) if v.eq_ignore_ascii_case("json") => Format::Json,
            Some(v) if v.eq_ignore_ascii_case("xml") => Format::Xml,
            Some(v) if v.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Plain,
        }
    }
}

/// The validated output choice of one request; the callback only survives the checks of Q-25.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOptions {
    /// Requested format.
    pub format: Format,
    /// JSONP function name, present only with `Format::Json` and a safe name.
    pub callback: Option<String>,
}

impl OutputOptions {
    /// Reads `format` and `callback`; an unsafe callback is dropped rather than refused, so the
    /// caller still gets plain JSON (§0.4 hardening).
    pub fn from_request(req: &LegacyRequest) -> Self {
        let format = Format::parse(req.get("format"));
        let callback = match format {
            Format::Json => req.get("callback").filter(|name| is_valid_callback(name)).map(str::to_string),
            _ => None,
        };
        Self { format, callback }
    }

    /// JSON without callback, for MANAGEDB which answers JSON whatever `format` says.
    pub fn json() -> Self {
        Self { format: Format::Json, callback: None }
    }
}

/// `^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$`, hand-written: a name that cannot smuggle script into the
/// JSONP wrapper.
pub fn is_valid_callback(name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some((first, rest)) = bytes.split_first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || *first == b'_' || *first == b'$')
        && rest.len() <= 63
        && rest.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_case_insensitive_and_defaults_to_plain() {
        assert_eq!(Format::parse(Some("JSON")), Format::Json);
        assert_eq!(Format::parse(Some("xml")), Format::Xml);
        assert_eq!(Format::parse(Some("Csv")), Format::Csv);
        assert_eq!(Format::parse(Some("plain")), Format::Plain);
        assert_eq!(Format::parse(Some("yaml")), Format::Plain);
        assert_eq!(Format::parse(Some("")), Format::Plain);
        assert_eq!(Format::parse(None), Format::Plain);
    }

    #[test]
    fn callback_names_are_validated() {
        let max = format!("a{}", "b".repeat(63));
        for good in ["cb", "_x", "$", "jQuery123_456", "a.b.c", max.as_str()] {
            assert!(is_valid_callback(good), "{good}");
        }
        let too_long = format!("a{}", "b".repeat(64));
        for bad in ["", "1cb", ".a", "a-b", "alert(1)", "a b", "é", too_long.as_str()] {
            assert!(!is_valid_callback(bad), "{bad}");
        }
    }

    #[test]
    fn callback_only_survives_with_json() {
        let json = LegacyRequest::from_raw("format=json&callback=cb", b"");
        assert_eq!(
            OutputOptions::from_request(&json),
            OutputOptions { format: Format::Json, callback: Some("cb".to_string()) }
        );
        let plain = LegacyRequest::from_raw("callback=cb", b"");
        assert_eq!(OutputOptions::from_request(&plain).callback, None);
        let evil = LegacyRequest::from_raw("format=json&callback=alert(1)", b"");
        assert_eq!(OutputOptions::from_request(&evil), OutputOptions::json());
    }
}
