//! Fuzz-like inputs through every parser and renderer: nothing may panic, whatever the bytes.

use pbx_compat::command::{Command, LegacyDateTime, OutputOptions};
use pbx_compat::filter::parse_filter;
use pbx_compat::record::LegacyRecord;
use pbx_compat::render::{Rendered, csv, plain, template, xml};
use pbx_compat::request::{LegacyRequest, decode_urlencoded};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, alphabet: &[u8]) -> Vec<u8> {
        let len = (self.next() % 48) as usize;
        (0..len)
            .map(|_| {
                if self.next().is_multiple_of(8) {
                    (self.next() & 0xff) as u8
                } else {
                    alphabet[(self.next() % alphabet.len() as u64) as usize]
                }
            })
            .collect()
    }
}

const ALPHABET: &[u8] = b"%&=+ 'aAzZ09_-.@;()<>!{}$|\r\n\tre_qtypinfoMANAGEDBextensions\xc3\xa9";

#[test]
fn random_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let columns = ["te_code", "te_name"];
    for _ in 0..20_000 {
        let raw = rng.bytes(ALPHABET);
        let text = String::from_utf8_lossy(&raw).into_owned();
        decode_urlencoded(&raw);
        let req = LegacyRequest::from_raw(&text, &raw);
        let _ = Command::parse(&req);
        let _ = OutputOptions::from_request(&req);
        let _ = req.log_line();
        let _ = parse_filter(&text, &columns);
        let _ = LegacyDateTime::parse(&text);
        let _ = LegacyDateTime::end_of_day(&text);

        let mut record = LegacyRecord::new();
        record.push(text.clone(), text.clone());
        record.push("secret", text.clone());
        record.blank_credentials();
        let rows = vec![record.values_as_text()];
        let _ = plain::table(&[&text], &rows);
        let _ = csv::table(&[&text], &rows);
        let _ = xml::document(&text, &text, std::slice::from_ref(&record));
        let _ = template::render(&text, std::slice::from_ref(&record));
        let _ = Rendered::json(&OutputOptions::from_request(&req), &record.to_json());
    }
}

#[test]
fn structured_reqtype_inputs_never_panic() {
    let mut rng = Rng(42);
    let reqtypes = ["MANAGEDB", "info", "AuthToken", "CHECKAUTH", "HELP", "DIAL", "x"];
    for _ in 0..5_000 {
        let reqtype = reqtypes[(rng.next() % reqtypes.len() as u64) as usize];
        let noise = String::from_utf8_lossy(&rng.bytes(ALPHABET)).into_owned();
        let query =
            format!("reqtype={reqtype}&info={noise}&object={noise}&action={noise}&validity={noise}&objectid={noise}");
        let _ = Command::parse(&LegacyRequest::from_raw(&query, noise.as_bytes()));
    }
}
