//! AMI wire format: parsing client messages and writing server messages.
//!
//! Input is parsed leniently like Asterisk does (README facts 2, 36, 37):
//! bare LF line endings, case-insensitive header names and `Key:Value`
//! without a space are accepted; leading whitespace of a value is stripped,
//! trailing whitespace is kept. Output always uses CRLF.

use std::fmt::Display;

/// One client message: headers in the order received, plus the raw bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// `(name, value)` pairs in wire order, names as sent (not normalised).
    pub headers: Vec<(String, String)>,
    /// The exact bytes of the message, including its blank-line terminator.
    pub raw: Vec<u8>,
}

impl Message {
    /// First value of a header, matching the name case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// First value of a header, or `None` when it is missing or empty.
    pub fn get_nonempty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Every value of a (repeatable) header, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

/// Incremental parser: feed it bytes as they arrive, take complete messages.
#[derive(Debug, Default)]
pub struct Parser {
    buf: Vec<u8>,
}

impl Parser {
    /// Appends bytes read from the socket.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Takes the next complete message (ended by an empty line), if any.
    /// Empty lines between messages are skipped, as Asterisk does.
    pub fn next_message(&mut self) -> Option<Message> {
        let mut pos = 0;
        let mut headers = Vec::new();
        let mut start = None;
        while let Some(nl) = self.buf[pos..].iter().position(|&b| b == b'\n') {
            let line_end = pos + nl;
            let mut line = &self.buf[pos..line_end];
            // Fact 36: bare LF accepted; strip exactly one CR if present.
            if let Some(stripped) = line.strip_suffix(b"\r") {
                line = stripped;
            }
            let next = line_end + 1;
            if line.is_empty() {
                if let Some(s) = start {
                    let raw = self.buf[s..next].to_vec();
                    self.buf.drain(..next);
                    return Some(Message { headers, raw });
                }
                // Stray blank line before any header: skip it.
                pos = next;
                continue;
            }
            if start.is_none() {
                start = Some(pos);
            }
            headers.push(parse_header(line));
            pos = next;
        }
        // Drop consumed leading blank lines so the buffer cannot grow with them.
        if start.is_none() && pos > 0 {
            self.buf.drain(..pos);
        }
        None
    }
}

/// Splits `Key: Value` (fact 37: also `Key:Value`; leading spaces of the
/// value stripped, trailing kept). A line without a colon becomes a key with
/// an empty value.
fn parse_header(line: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(line);
    match text.split_once(':') {
        Some((k, v)) => (k.trim().to_string(), v.trim_start_matches([' ', '\t']).to_string()),
        None => (text.trim().to_string(), String::new()),
    }
}

/// Counts complete messages (blank-line terminators) in client bytes, with
/// the same leniency as [`Parser`].
pub fn count_messages(bytes: &[u8]) -> usize {
    let mut p = Parser::default();
    p.push(bytes);
    let mut n = 0;
    while p.next_message().is_some() {
        n += 1;
    }
    n
}

/// Builder for one server message (`Key: Value\r\n` lines + blank line).
#[derive(Clone, Debug, Default)]
pub struct Out {
    buf: String,
}

impl Out {
    /// Starts a response: `Response: <kind>` then the ActionID if the request
    /// had one (fact 4: omitted entirely when the request had none).
    pub fn response(kind: &str, action_id: Option<&str>) -> Out {
        Out::default().h("Response", kind).opt("ActionID", action_id)
    }

    /// `Response: Success` + ActionID + `Message: <msg>`.
    pub fn success(action_id: Option<&str>, msg: &str) -> Out {
        Out::response("Success", action_id).h("Message", msg)
    }

    /// `Response: Error` + ActionID + `Message: <msg>`.
    pub fn error(action_id: Option<&str>, msg: &str) -> Out {
        Out::response("Error", action_id).h("Message", msg)
    }

    /// Starts an event: `Event: <name>`.
    pub fn event(name: &str) -> Out {
        Out::default().h("Event", name)
    }

    /// Appends one header. Empty values are written as `Key: ` (fact 2).
    /// The value is written as is, so a value ending in `\n` produces the
    /// bare LF of fact 23.
    pub fn h(mut self, key: &str, value: impl Display) -> Out {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = write!(self.buf, "{key}: {value}\r\n");
        self
    }

    /// Appends a header only when a value is present.
    pub fn opt(self, key: &str, value: Option<&str>) -> Out {
        match value {
            Some(v) => self.h(key, v),
            None => self,
        }
    }

    /// Finishes the message with the blank line.
    pub fn end(mut self) -> String {
        self.buf.push_str("\r\n");
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lf_case_and_spacing() {
        let mut p = Parser::default();
        p.push(b"\r\naction:ping\nActionID:   case-3   \n\nAction: Log");
        let m = p.next_message().expect("one message");
        assert_eq!(m.get("ACTION"), Some("ping"));
        assert_eq!(m.get("actionid"), Some("case-3   "));
        assert_eq!(m.raw, b"action:ping\nActionID:   case-3   \n\n");
        assert!(p.next_message().is_none());
        p.push(b"off\r\n\r\n");
        let m = p.next_message().expect("second message");
        assert_eq!(m.get("Action"), Some("Logoff"));
    }

    #[test]
    fn counts_messages() {
        assert_eq!(count_messages(b"A: 1\r\n\r\nB: 2\r\n\r\n"), 2);
        assert_eq!(count_messages(b"A: 1\r\n"), 0);
    }

    #[test]
    fn writes_crlf_and_omits_missing_action_id() {
        let s = Out::response("Success", None).h("Ping", "Pong").end();
        assert_eq!(s, "Response: Success\r\nPing: Pong\r\n\r\n");
        let s = Out::error(Some("x"), "m").h("Val", "").end();
        assert_eq!(s, "Response: Error\r\nActionID: x\r\nMessage: m\r\nVal: \r\n\r\n");
    }
}
