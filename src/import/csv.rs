//! A streaming reader of CSV records as Asterisk's cdr_csv writes them: every field double-quoted,
//! a quote inside a field doubled, commas and line breaks allowed inside quotes, no header. Unquoted
//! fields are accepted too. Hand-written because the dialect is this small and a crate would add
//! more than it saves. Reads one record at a time, so a file of any size needs little memory.

use std::io::BufRead;

/// One record, or why it could not be read; `line` is the physical line the record starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The fields of a well-formed record.
    Fields {
        /// First physical line (1-based).
        line: u64,
        /// The unquoted field values.
        fields: Vec<String>,
    },
    /// A malformed record (the reader has moved past it).
    Bad {
        /// First physical line (1-based).
        line: u64,
        /// What is wrong.
        reason: String,
    },
}

/// Reads records from a buffered source.
#[derive(Debug)]
pub struct CsvReader<R> {
    inner: R,
    /// Physical lines consumed so far.
    lines: u64,
    /// Bytes consumed so far (for progress).
    bytes: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> CsvReader<R> {
    /// A reader over `inner`.
    pub fn new(inner: R) -> CsvReader<R> {
        CsvReader { inner, lines: 0, bytes: 0, buf: Vec::with_capacity(1024) }
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The next record; `None` at the end. Blank lines are skipped.
    pub fn next_record(&mut self) -> std::io::Result<Option<Record>> {
        loop {
            self.buf.clear();
            let line = self.lines + 1;
            let mut in_quotes = false;
            loop {
                let start = self.buf.len();
                let n = self.inner.read_until(b'\n', &mut self.buf)?;
                if n == 0 {
                    break;
                }
                self.bytes += n as u64;
                self.lines += 1;
                // Every quote toggles the state; a doubled quote toggles twice and changes nothing.
                in_quotes ^= self.buf[start..].iter().filter(|&&b| b == b'"').count() % 2 == 1;
                if !in_quotes {
                    break;
                }
            }
            if self.buf.is_empty() {
                return Ok(None);
            }
            if in_quotes {
                return Ok(Some(Record::Bad { line, reason: "unterminated quoted field".into() }));
            }
            let mut record = self.buf.as_slice();
            record = record.strip_suffix(b"\n").unwrap_or(record);
            record = record.strip_suffix(b"\r").unwrap_or(record);
            if record.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(match parse_fields(record) {
                Ok(fields) => Record::Fields { line, fields },
                Err(reason) => Record::Bad { line, reason: reason.into() },
            }));
        }
    }
}

/// Splits one complete record (without its line ending) into unquoted fields.
fn parse_fields(record: &[u8]) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::with_capacity(21);
    let mut i = 0;
    loop {
        let mut field = Vec::new();
        if record.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match record.get(i) {
                    None => return Err("unterminated quoted field"),
                    Some(b'"') if record.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        field.push(b);
                        i += 1;
                    }
                }
            }
            if !matches!(record.get(i), None | Some(b',')) {
                return Err("unexpected character after a closing quote");
            }
        } else {
            while let Some(&b) = record.get(i).filter(|&&b| b != b',') {
                if b == b'"' {
                    return Err("quote inside an unquoted field");
                }
                field.push(b);
                i += 1;
            }
        }
        fields.push(String::from_utf8(field).map_err(|_| "field is not valid UTF-8")?);
        if i >= record.len() {
            return Ok(fields);
        }
        i += 1; // the comma
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn all(text: &str) -> Vec<Record> {
        let mut reader = CsvReader::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            out.push(record);
        }
        out
    }

    fn ok(line: u64, fields: &[&str]) -> Record {
        Record::Fields { line, fields: fields.iter().map(|f| (*f).to_string()).collect() }
    }

    #[test]
    fn quoted_commas_doubled_quotes_and_newlines() {
        let text = "\"a\",\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",\"\",x\r\n\n\"last\"";
        assert_eq!(
            all(text),
            vec![ok(1, &["a", "b,c", "say \"hi\""]), ok(2, &["multi\nline", "", "x"]), ok(5, &["last"])]
        );
    }

    #[test]
    fn malformed_records_are_reported_with_their_line() {
        let text = "\"a\"x,\"b\"\n\"ok\"\nab\"c\n\"open";
        assert_eq!(
            all(text),
            vec![
                Record::Bad { line: 1, reason: "unexpected character after a closing quote".into() },
                ok(2, &["ok"]),
                Record::Bad { line: 3, reason: "quote inside an unquoted field".into() },
            ]
        );
        assert_eq!(
            all("\"ok\"\n\"open,x\n"),
            vec![ok(1, &["ok"]), Record::Bad { line: 2, reason: "unterminated quoted field".into() }]
        );
    }
}
