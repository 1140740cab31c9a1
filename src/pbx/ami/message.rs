//! AMI messages: an ordered list of `Key: Value` headers. Both directions use the same shape; a
//! message we send is built through [`Action`], which refuses any value that could smuggle a header
//! (CR or LF) into the wire.

use std::fmt::Write as _;

/// One AMI message as received: headers in wire order. Names compare case-insensitively; values are
/// kept exactly (minus the one space after the colon), because Asterisk keeps leading and trailing
/// whitespace in some values (captures 29, 37).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    headers: Vec<(String, String)>,
}

/// What a received message is, decided by its first header (README fact 6: `OriginateResponse` is
/// an event that also carries a `Response` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Response: Success|Error|Goodbye|Follows`.
    Response,
    /// `Event: <Name>`.
    Event,
    /// Anything else (never seen from Asterisk; kept so a parser never has to guess).
    Other,
}

impl Message {
    /// A message from headers in wire order.
    pub fn from_headers(headers: Vec<(String, String)>) -> Message {
        Message { headers }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The value of `name`, or "" when absent.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Every value of a repeated header (`Output` of Command, `Variable`).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The headers in wire order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Response, event or other, by the first header.
    pub fn kind(&self) -> Kind {
        match self.headers.first() {
            Some((key, _)) if key.eq_ignore_ascii_case("Response") => Kind::Response,
            Some((key, _)) if key.eq_ignore_ascii_case("Event") => Kind::Event,
            _ => Kind::Other,
        }
    }

    /// The event name, for events.
    pub fn event(&self) -> Option<&str> {
        (self.kind() == Kind::Event).then(|| self.text("Event"))
    }

    /// The ActionID, when the message carries one (its position varies: README fact 7).
    pub fn action_id(&self) -> Option<&str> {
        self.get("ActionID")
    }

    /// `Response: Success` (or `Follows`, the pre-13 Command answer).
    pub fn is_success(&self) -> bool {
        matches!(self.get("Response"), Some(value) if value.eq_ignore_ascii_case("Success") || value.eq_ignore_ascii_case("Follows"))
    }

    /// `Message:` of a response, trimmed of the bare LF some PJSIP errors end in (README fact 23).
    pub fn message_text(&self) -> &str {
        self.text("Message").trim_end_matches(['\n', '\r'])
    }

    /// `EventList: start` on a response: list items follow.
    pub fn starts_list(&self) -> bool {
        matches!(self.get("EventList"), Some(value) if value.eq_ignore_ascii_case("start"))
    }

    /// `EventList: Complete` on an event: the list is over.
    pub fn completes_list(&self) -> bool {
        matches!(self.get("EventList"), Some(value) if value.eq_ignore_ascii_case("Complete"))
    }
}

/// A value that would break the framing or smuggle data past it: CR or LF (header injection), any
/// other control character (NUL ends a C string inside Asterisk) or a Unicode line/paragraph
/// separator (a line break to whatever later renders the value), or a header name with a colon or
/// blank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("AMI header {name} may not contain control characters or line breaks{extra}")]
pub struct HeaderInjection {
    /// The header whose name or value was refused.
    pub name: String,
    extra: &'static str,
}

/// Control characters (C0 with NUL, TAB, CR, LF; DEL; C1) and U+2028/U+2029.
pub fn breaks_framing(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// An action to send. Every header goes through [`Action::header`], the one place that checks for
/// control characters and line breaks, so no caller can write a raw line into the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    name: String,
    headers: Vec<(String, String)>,
}

impl Action {
    /// `Action: <name>`. Names are compile-time constants of the adapter.
    pub fn new(name: &'static str) -> Action {
        Action { name: name.to_string(), headers: Vec::new() }
    }

    /// Adds a header; refuses control characters and line separators anywhere and `:` in the name.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Result<Action, HeaderInjection> {
        let value = value.into();
        if name.is_empty() || name.contains([':', ' ']) || name.chars().any(breaks_framing) {
            return Err(HeaderInjection {
                name: name.replace(|c: char| breaks_framing(c), " "),
                extra: " or a colon in its name",
            });
        }
        if value.chars().any(breaks_framing) {
            return Err(HeaderInjection { name: name.to_string(), extra: "" });
        }
        self.headers.push((name.to_string(), value));
        Ok(self)
    }

    /// Adds a header only when a value is given.
    pub fn optional(self, name: &str, value: Option<impl Into<String>>) -> Result<Action, HeaderInjection> {
        match value {
            Some(value) => self.header(name, value),
            None => Ok(self),
        }
    }

    /// The action name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The first value of a header, for logs and tests.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The wire form with the given ActionID, CRLF-terminated.
    pub fn encode(&self, action_id: &str) -> String {
        let mut out = String::with_capacity(64 + self.headers.len() * 32);
        let _ = write!(out, "Action: {}\r\nActionID: {}\r\n", self.name, action_id);
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        out.push_str("\r\n");
        out
    }

    /// The wire form for logs: secrets (`Secret`, `Key`) replaced.
    pub fn redacted(&self) -> String {
        let mut out = format!("Action: {}", self.name);
        for (name, value) in &self.headers {
            let shown = if ["Secret", "Key"].iter().any(|s| s.eq_ignore_ascii_case(name)) { "***" } else { value };
            let _ = write!(out, "; {name}: {shown}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_unicode_line_breaks_never_reach_the_wire() {
        for bad in ["a\0b", "a\u{2028}b", "a\u{2029}b", "a\u{85}b", "a\u{7f}b", "a\tb", "a\rb", "a\nb"] {
            assert!(Action::new("Originate").header("CallerID", bad).is_err(), "{bad:?} in a value");
            assert!(Action::new("Originate").header(&format!("Var{bad}"), "x").is_err(), "{bad:?} in a name");
        }
        let fine = Action::new("Originate").header("CallerID", "\"Zoë Müller\" <103>").expect("plain unicode is fine");
        assert!(fine.encode("1").contains("Zoë Müller"));
    }

    #[test]
    fn header_values_with_cr_or_lf_are_refused() {
        for bad in ["a\r\nAction: Hangup", "x\n", "\rY"] {
            assert!(Action::new("Originate").header("Variable", bad).is_err(), "{bad:?}");
        }
        assert!(Action::new("Originate").header("Bad:Name", "x").is_err());
        assert!(Action::new("Originate").header("Bad\nName", "x").is_err());
        let ok = Action::new("Originate").header("Variable", "A=1, b").expect("plain value");
        assert_eq!(ok.encode("id-1"), "Action: Originate\r\nActionID: id-1\r\nVariable: A=1, b\r\n\r\n");
    }

    #[test]
    fn secrets_are_redacted_for_logs() {
        let login = Action::new("Login").header("Username", "gw").and_then(|a| a.header("Secret", "s3cret"));
        let shown = login.expect("valid").redacted();
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn kind_comes_from_the_first_header() {
        let originate = Message::from_headers(vec![
            ("Event".into(), "OriginateResponse".into()),
            ("Response".into(), "Success".into()),
        ]);
        assert_eq!(originate.kind(), Kind::Event);
        assert_eq!(originate.event(), Some("OriginateResponse"));
        let response = Message::from_headers(vec![("Response".into(), "Error".into())]);
        assert_eq!(response.kind(), Kind::Response);
        assert!(!response.is_success());
    }
}
