//! Incremental AMI decoder. Bytes arrive in arbitrary TCP pieces (README fact 3: reads end mid-line
//! and carry several messages); the decoder buffers them and yields the banner line and then whole
//! messages. Lines end in CRLF, but bare LF is accepted too (fact 2): some PJSIP errors put a bare
//! LF at the end of a value (fact 23), which then reads as an end of message followed by an empty
//! line — an empty line with no headers pending is skipped, so nothing is lost or invented.

use super::message::Message;

/// Longest line accepted; anything longer is not AMI and the connection is dropped.
const MAX_LINE: usize = 256 * 1024;
/// Most headers in one message (ListCommands sends one per action, a few hundred).
const MAX_HEADERS: usize = 20_000;

/// What the decoder yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The one greeting line, e.g. `Asterisk Call Manager/13.0.0`.
    Banner(String),
    /// A response or an event.
    Message(Message),
}

/// The peer does not speak AMI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A line longer than [`MAX_LINE`].
    #[error("AMI line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// More than [`MAX_HEADERS`] headers in one message.
    #[error("AMI message with more than {MAX_HEADERS} headers")]
    TooManyHeaders,
}

/// Buffers received bytes and splits them into frames.
#[derive(Debug, Default)]
pub struct Decoder {
    buffer: Vec<u8>,
    /// Start of the first unconsumed byte in `buffer`.
    start: usize,
    banner_seen: bool,
    headers: Vec<(String, String)>,
}

impl Decoder {
    /// A decoder for a fresh connection (the banner comes first).
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Appends received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        // Drop consumed bytes before growing, so the buffer stays as small as one message.
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, if the buffered bytes hold one.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, DecodeError> {
        loop {
            let unread = &self.buffer[self.start..];
            let Some(newline) = unread.iter().position(|&byte| byte == b'\n') else {
                if unread.len() > MAX_LINE {
                    return Err(DecodeError::LineTooLong);
                }
                return Ok(None);
            };
            if newline > MAX_LINE {
                return Err(DecodeError::LineTooLong);
            }
            let mut line = &unread[..newline];
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            let line = String::from_utf8_lossy(line).into_owned();
            self.start += newline + 1;
            if !self.banner_seen {
                self.banner_seen = true;
                return Ok(Some(Frame::Banner(line)));
            }
            if line.is_empty() {
                if self.headers.is_empty() {
                    continue;
                }
                return Ok(Some(Frame::Message(Message::from_headers(std::mem::take(&mut self.headers)))));
            }
            if self.headers.len() >= MAX_HEADERS {
                return Err(DecodeError::TooManyHeaders);
            }
            self.headers.push(split_header(line));
        }
    }
}

/// `Key: Value` → (`Key`, `Value`). Only the one space after the colon is removed: values such as
/// `Value:   minrxlost=...` (fact 29) and `ActionID: case-3   ` (fact 2) keep their blanks.
fn split_header(mut line: String) -> (String, String) {
    match line.find(':') {
        Some(colon) => {
            let value_start = if line[colon + 1..].starts_with(' ') { colon + 2 } else { colon + 1 };
            let value = line[value_start..].to_string();
            line.truncate(colon);
            (line.trim().to_string(), value)
        }
        // Never seen from Asterisk 13+; kept as a nameless header rather than dropped.
        None => (String::new(), line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pbx::ami::message::Kind;

    fn decode_all(chunks: &[&[u8]]) -> Vec<Frame> {
        let mut decoder = Decoder::new();
        let mut frames = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk);
            while let Some(frame) = decoder.next_frame().expect("valid AMI") {
                frames.push(frame);
            }
        }
        frames
    }

    #[test]
    fn banner_then_messages_across_arbitrary_splits() {
        let wire = b"Asterisk Call Manager/13.0.0\r\nResponse: Success\r\nActionID: t-002\r\nPing: Pong\r\n\r\nEvent: X\r\n\r\n";
        for split in 1..wire.len() {
            let frames = decode_all(&[&wire[..split], &wire[split..]]);
            assert_eq!(frames.len(), 3, "split at {split}");
            assert_eq!(frames[0], Frame::Banner("Asterisk Call Manager/13.0.0".into()));
            let Frame::Message(ping) = &frames[1] else { panic!("message") };
            assert_eq!(ping.kind(), Kind::Response);
            assert_eq!(ping.action_id(), Some("t-002"));
        }
    }

    #[test]
    fn bare_lf_at_the_end_of_a_value_ends_the_message_without_an_extra_one() {
        // Capture 39: `Message: Unable to retrieve endpoint nosuch\n\r\n\r\n`.
        let wire = b"Banner\r\nResponse: Error\r\nActionID: a\r\nMessage: Unable to retrieve endpoint nosuch\n\r\n\r\nResponse: Success\r\nActionID: b\r\n\r\n";
        let frames = decode_all(&[wire]);
        assert_eq!(frames.len(), 3);
        let Frame::Message(error) = &frames[1] else { panic!("message") };
        assert_eq!(error.message_text(), "Unable to retrieve endpoint nosuch");
        let Frame::Message(next) = &frames[2] else { panic!("message") };
        assert_eq!(next.action_id(), Some("b"));
    }

    #[test]
    fn only_the_space_after_the_colon_is_stripped() {
        let frames = decode_all(&[b"B\nEvent: VarSet\nValue:   minrxlost=1 \nKey:NoSpace\nEmpty: \n\n"]);
        let Frame::Message(event) = &frames[1] else { panic!("message") };
        assert_eq!(event.get("value"), Some("  minrxlost=1 "));
        assert_eq!(event.get("Key"), Some("NoSpace"));
        assert_eq!(event.get("Empty"), Some(""));
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut decoder = Decoder::new();
        decoder.feed(&vec![b'x'; MAX_LINE + 10]);
        assert_eq!(decoder.next_frame(), Err(DecodeError::LineTooLong));
    }

    /// Every recorded capture, fed with its real read boundaries: the decoder finds exactly the
    /// messages the server wrote (one per blank-line terminator), each a response or an event.
    #[test]
    fn every_capture_decodes_with_its_read_boundaries() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ami-captures");
        let mut captures = 0;
        for entry in std::fs::read_dir(&dir).expect("captures directory") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
                continue;
            }
            captures += 1;
            let text = std::fs::read_to_string(&path).expect("capture");
            let chunks: Vec<String> = text
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|step| step["dir"] == "recv")
                .filter_map(|step| step["data"].as_str().map(str::to_string))
                .collect();
            let all: String = chunks.concat();
            let expected = all.matches("\r\n\r\n").count();
            let frames = decode_all(&chunks.iter().map(|c| c.as_bytes()).collect::<Vec<_>>());
            let name = path.display();
            assert!(
                matches!(frames.first(), Some(Frame::Banner(b)) if b.starts_with("Asterisk Call Manager/")),
                "{name}"
            );
            assert_eq!(frames.len() - 1, expected, "{name}");
            for frame in &frames[1..] {
                let Frame::Message(message) = frame else { panic!("{name}: a second banner") };
                assert_ne!(message.kind(), Kind::Other, "{name}: {message:?}");
            }
        }
        assert!(captures >= 50, "found {captures} captures");
    }
}
