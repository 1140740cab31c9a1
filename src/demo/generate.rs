//! The generators of demo rows: CDRs, queue-log event sequences, IVR choices, response-path runs and
//! voicemail message files, all derived from one seeded `Rng` and the tenant's provisioned objects,
//! so the rows refer to extensions, queues and IVRs that exist.

use std::sync::Arc;

use super::rng::Rng;
use super::setup::Setup;
use crate::store::cdr_import::{CdrRow, IvrLogRow, QueueLogRow, ResponsePathStep};

/// Shared state of the generators: randomness, what was provisioned, the time window, and the
/// counter behind unique ids.
#[derive(Debug)]
pub struct Generator {
    rng: Rng,
    setup: Arc<Setup>,
    /// Epoch seconds of the window's end ("now").
    now: i64,
    /// Length of the window in seconds.
    span: i64,
    /// Asterisk's per-server channel sequence (the part after the dot of a uniqueid).
    seq: u64,
    /// Inbound numbers of the tenant, for CDRs and response paths.
    dids: [String; 2],
}

/// Where an inbound call ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landing {
    Extension,
    Queue,
    Ivr,
    Voicemail,
}

/// Asterisk's AMA flag DOCUMENTATION, the default of cdr.conf.
const AMA_DOCUMENTATION: i64 = 3;

impl Generator {
    /// A generator over the `days` days before `now` (epoch seconds).
    pub fn new(seed: u64, setup: Arc<Setup>, now: i64, days: u32) -> Generator {
        let mut rng = Rng::new(seed);
        let seq = rng.below(1000);
        let dids = [format!("02{}", rng.digits(8)), format!("06{}", rng.digits(8))];
        Generator { rng, setup, now, span: i64::from(days.max(1)) * 86_400, seq, dids }
    }

    /// The random generator (for choices outside the row generators).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// A random instant in the window, leaving an hour so calls end before `now`.
    fn instant(&mut self) -> i64 {
        self.now - self.rng.range(3_600, self.span.max(3_601))
    }

    /// A new Asterisk uniqueid `srv01-<epoch>.<seq>`.
    fn uniqueid(&mut self, epoch: i64) -> String {
        self.seq += 1;
        format!("srv01-{epoch}.{}", self.seq)
    }

    /// A channel name as PJSIP makes it: endpoint, dash, 8 hex digits.
    fn channel(&mut self, endpoint: &str) -> String {
        format!("PJSIP/{endpoint}-{:08x}", self.rng.below(0x10_0000))
    }

    /// An outside number (national format): fixed line or mobile.
    fn outside_number(&mut self) -> (String, bool) {
        if self.rng.chance(0.55) {
            (format!("0{}{}", self.rng.range(2, 9), self.rng.digits(8)), false)
        } else {
            (format!("3{}{}", self.rng.range(20, 49), self.rng.digits(7)), true)
        }
    }

    fn caller_name(&mut self) -> &'static str {
        const NAMES: [&str; 7] = ["", "", "Mario Rossi", "Anna Bianchi", "ACME Srl", "Luca Verdi", "Giulia Neri"];
        NAMES[usize::try_from(self.rng.below(NAMES.len() as u64)).unwrap_or(0)]
    }

    /// One CDR; times and durations agree (answer = calldate + ring time, end = answer + billsec).
    pub fn cdr(&mut self) -> CdrRow {
        let s = Arc::clone(&self.setup);
        let code = s.code.clone();
        let start = self.instant();
        let uniqueid = self.uniqueid(start);
        let direction = self.rng.weighted(&[("IN", 45), ("OUT", 40), ("LOCAL", 15)]);
        let mut disposition = self.rng.weighted(&[("ANSWERED", 65), ("NO ANSWER", 20), ("BUSY", 8), ("FAILED", 7)]);
        let caller_ext = self.rng.pick(&s.extensions).clone();
        let mut row = CdrRow {
            accountcode: code.clone(),
            amaflags: AMA_DOCUMENTATION,
            te_id: Some(s.tenant_id),
            linkedid: uniqueid.clone(),
            sequence: i64::try_from(self.seq).unwrap_or(0),
            direction: direction.to_string(),
            cc_cost: "0".into(),
            ..CdrRow::default()
        };
        match direction {
            "OUT" => {
                let (number, mobile) = self.outside_number();
                row.src = caller_ext.number.clone();
                row.clid = format!("\"{}\" <{}>", caller_ext.name, caller_ext.number);
                row.dst = number.clone();
                row.lastdst = number.clone();
                row.dcontext = format!("from-internal-{code}");
                row.channel = self.channel(&caller_ext.username);
                row.lastapp = "Dial".into();
                row.lastdata = format!("PJSIP/{number}@provider1,60,T");
                row.wherelanded = "OUT".into();
                row.cc_country = "IT".into();
                row.cc_network = if mobile { "Mobile" } else { "Fixed" }.into();
                if disposition != "FAILED" {
                    row.dstchannel = self.channel("provider1");
                }
                if self.rng.chance(0.15) {
                    row.originateid = self.rng.hex(14);
                }
                if disposition == "ANSWERED" {
                    row.whoanswered = number;
                }
            }
            "LOCAL" => {
                let mut callee = self.rng.pick(&s.extensions).clone();
                if callee.number == caller_ext.number {
                    callee = s.extensions[(s.extensions.iter().position(|e| e.number == callee.number).unwrap_or(0)
                        + 1)
                        % s.extensions.len()]
                    .clone();
                }
                row.src = caller_ext.number.clone();
                row.clid = format!("\"{}\" <{}>", caller_ext.name, caller_ext.number);
                row.dst = callee.number.clone();
                row.lastdst = callee.number.clone();
                row.dcontext = format!("from-internal-{code}");
                row.channel = self.channel(&caller_ext.username);
                row.peeraccount = code.clone();
                row.wherelanded = format!("EXT-{}", callee.id);
                if disposition != "FAILED" {
                    row.dstchannel = self.channel(&callee.username);
                }
                row.lastapp = "Dial".into();
                row.lastdata = format!("PJSIP/{},30,tT", callee.username);
                if disposition == "ANSWERED" {
                    row.whoanswered = callee.username.clone();
                }
            }
            _ => {
                let (number, _) = self.outside_number();
                let name = self.caller_name();
                let did = self.rng.pick(&self.dids).clone();
                row.src = number.clone();
                row.clid = format!("\"{}\" <{number}>", if name.is_empty() { &number } else { name });
                row.dst = did.clone();
                row.dcontext = format!("from-trunk-{code}");
                row.channel = self.channel("provider1");
                let landing = self.rng.weighted(&[
                    (Landing::Queue, 40),
                    (Landing::Extension, 35),
                    (Landing::Ivr, 15),
                    (Landing::Voicemail, 10),
                ]);
                self.land_inbound(&mut row, landing, &mut disposition);
            }
        }
        row.realsrc = row.src.clone();
        row.firstdst = row.dst.clone();
        row.disposition = disposition.to_string();
        self.times(&mut row, start, disposition);
        if direction == "OUT" && disposition == "ANSWERED" {
            let per_minute = if row.cc_network == "Mobile" { 0.12 } else { 0.02 };
            let minutes = (row.billsec + 59) / 60;
            row.cc_cost = format!("{:.4}", minutes as f64 * per_minute);
        }
        if self.rng.chance(0.03) {
            row.userfield = format!("ticket:{}", self.rng.range(1000, 99_999));
        }
        row.uniqueid = uniqueid;
        row
    }

    /// Fills the inbound legs: which application handled the call, who answered.
    fn land_inbound(&mut self, row: &mut CdrRow, landing: Landing, disposition: &mut &'static str) {
        let s = Arc::clone(&self.setup);
        match landing {
            Landing::Queue | Landing::Ivr => {
                let queue = self.rng.pick(&s.queues).clone();
                let agent = self.rng.pick(&queue.members).clone();
                row.lastapp = "Queue".into();
                row.lastdata = format!("{},t,,,300", queue.id);
                row.lastdst = queue.number.clone();
                row.wherelanded =
                    if landing == Landing::Ivr { format!("IVR-{}", s.ivr_id) } else { format!("QUEUE-{}", queue.id) };
                // A queue that nobody answers ends up NO ANSWER, never BUSY.
                if *disposition == "BUSY" {
                    *disposition = "NO ANSWER";
                }
                if *disposition != "FAILED" {
                    row.dstchannel = self.channel(&agent.username);
                }
                if *disposition == "ANSWERED" {
                    row.whoanswered = agent.username;
                }
            }
            Landing::Extension => {
                let ext = self.rng.pick(&s.extensions).clone();
                row.lastapp = "Dial".into();
                row.lastdata = format!("PJSIP/{},30,tT", ext.username);
                row.lastdst = ext.number.clone();
                row.wherelanded = format!("EXT-{}", ext.id);
                if *disposition != "FAILED" {
                    row.dstchannel = self.channel(&ext.username);
                }
                if *disposition == "ANSWERED" {
                    row.whoanswered = ext.username;
                }
            }
            Landing::Voicemail => {
                let mailbox = self.rng.pick(&s.mailboxes).clone();
                row.lastapp = "VoiceMail".into();
                row.lastdata = format!("{}@{},u", mailbox.number, s.code);
                row.lastdst = mailbox.number.clone();
                row.wherelanded = format!("VOICEMAIL-{}", mailbox.id);
                // VoiceMail answers the channel itself.
                *disposition = "ANSWERED";
            }
        }
    }

    /// Sets calldate/answer/end/duration/billsec from a disposition.
    fn times(&mut self, row: &mut CdrRow, start: i64, disposition: &str) {
        let (ring, talk) = match disposition {
            "ANSWERED" => (self.rng.range(2, 20), self.rng.exponential(150.0, 3_000)),
            "NO ANSWER" => (self.rng.range(15, 45), 0),
            "BUSY" => (self.rng.range(0, 4), 0),
            _ => (self.rng.range(0, 2), 0),
        };
        row.calldate = time_text(start);
        row.duration = ring + talk;
        row.billsec = talk;
        row.answer = (disposition == "ANSWERED").then(|| time_text(start + ring));
        row.end = time_text(start + ring + talk);
    }

    /// One queued call as Asterisk logs it (app_queue's event order and data1..data3 meanings),
    /// appended to `out`.
    pub fn queue_call(&mut self, out: &mut Vec<QueueLogRow>) {
        let s = Arc::clone(&self.setup);
        let queue = self.rng.pick(&s.queues).clone();
        let mut t = self.instant() * 1_000_000 + self.rng.range(0, 999_999);
        let callid = self.uniqueid(t / 1_000_000);
        let (caller, _) = self.outside_number();
        let position = self.rng.range(1, 4);
        let queuename = queue.id.to_string();
        let mut event = |time: i64, agent: &str, name: &str, data: [String; 3]| {
            let [d1, d2, d3] = data;
            out.push(QueueLogRow {
                time: micro_time_text(time),
                callid: callid.clone(),
                queuename: queuename.clone(),
                agent: agent.to_string(),
                event: name.to_string(),
                data: [d1, d2, d3, String::new(), String::new()],
            });
        };
        // ENTERQUEUE: url, caller id, position.
        event(t, "NONE", "ENTERQUEUE", [String::new(), caller, position.to_string()]);
        let entered = t;
        for _ in 0..self.rng.weighted(&[(0, 60), (1, 30), (2, 10)]) {
            let agent = self.rng.pick(&queue.members).username.clone();
            let ring_ms = self.rng.range(10, 20) * 1_000;
            t += ring_ms * 1_000;
            // RINGNOANSWER: ring time in ms.
            event(t, &agent, "RINGNOANSWER", [ring_ms.to_string(), String::new(), String::new()]);
        }
        if self.rng.chance(0.78) {
            let agent = self.rng.pick(&queue.members).username.clone();
            let ring = self.rng.range(1, 12);
            t += ring * 1_000_000;
            let hold = (t - entered) / 1_000_000;
            let bridged = self.uniqueid(t / 1_000_000);
            // CONNECT: hold time, bridged channel uniqueid, ring time.
            event(t, &agent, "CONNECT", [hold.to_string(), bridged, ring.to_string()]);
            let talk = self.rng.exponential(180.0, 3_600);
            t += talk * 1_000_000;
            let who = if self.rng.chance(0.5) { "COMPLETEAGENT" } else { "COMPLETECALLER" };
            // COMPLETEAGENT/COMPLETECALLER: hold time, call time, original position.
            event(t, &agent, who, [hold.to_string(), talk.to_string(), position.to_string()]);
        } else {
            t += self.rng.range(5, 120) * 1_000_000;
            let wait = (t - entered) / 1_000_000;
            // ABANDON: position, original position, wait time.
            event(t, "NONE", "ABANDON", [position.to_string(), position.to_string(), wait.to_string()]);
        }
    }

    /// One IVR choice.
    pub fn ivr_log(&mut self) -> IvrLogRow {
        let s = Arc::clone(&self.setup);
        let at = self.instant();
        let uniqueid = self.uniqueid(at);
        let (caller, _) = self.outside_number();
        let digit = *self.rng.pick(&["1", "1", "2", "2", "3", "0", "t", "i"]);
        let destination = match digit {
            "1" => format!("QUEUE-{}", s.queues[0].id),
            "2" => format!("QUEUE-{}", s.queues[s.queues.len() - 1].id),
            "3" | "0" => format!("EXT-{}", self.rng.pick(&s.extensions).id),
            "t" => format!("VOICEMAIL-{}", self.rng.pick(&s.mailboxes).id),
            _ => format!("IVR-{}", s.ivr_id),
        };
        IvrLogRow {
            te_id: s.tenant_id,
            time: time_text(at),
            uniqueid,
            callerid: caller,
            ivr_id: s.ivr_id,
            digit: digit.to_string(),
            destination,
        }
    }

    /// One run of the response path: START, CALLERID, one VARIABLE per declared variable, QUEUE,
    /// ANSWER when an agent took the call, HANGUP. Appended to `out` in order.
    pub fn response_path_run(&mut self, out: &mut Vec<ResponsePathStep>) {
        let s = Arc::clone(&self.setup);
        let mut at = self.instant();
        let uniqueid = self.uniqueid(at);
        let (caller, _) = self.outside_number();
        let did = self.rng.pick(&self.dids).clone();
        let queue = self.rng.pick(&s.queues).clone();
        let mut steps: Vec<(&str, String, String, String, String)> = vec![
            ("START", s.path.id.to_string(), did, String::new(), s.path.name.clone()),
            ("CALLERID", "0".into(), caller, String::new(), String::new()),
        ];
        for (i, variable) in super::setup::PATH_VARIABLES.iter().enumerate() {
            let value = match *variable {
                "customer_id" => self.rng.range(10_000, 99_999).to_string(),
                "language" => (*self.rng.pick(&["it", "en", "de"])).to_string(),
                _ => self.rng.range(1, 5).to_string(),
            };
            steps.push(("VARIABLE", (i + 1).to_string(), value, (*variable).to_string(), String::new()));
        }
        steps.push(("QUEUE", queue.id.to_string(), queue.number.clone(), String::new(), queue.name.clone()));
        if self.rng.chance(0.8) {
            let agent = self.rng.pick(&queue.members).username.clone();
            steps.push(("ANSWER", "0".into(), agent, String::new(), String::new()));
        }
        steps.push(("HANGUP", "0".into(), "16".into(), String::new(), "NORMAL_CLEARING".into()));
        for (kind, type_id, value, type_name, value_name) in steps {
            at += self.rng.range(1, 30);
            out.push(ResponsePathStep {
                te_id: s.tenant_id,
                path_id: s.path.id,
                uniqueid: uniqueid.clone(),
                time: time_text(at),
                kind: kind.to_string(),
                type_id,
                value,
                type_name,
                value_name,
            });
        }
    }

    /// A voicemail message's `msgNNNN.txt` (Asterisk's `[message]` file) for `mailbox`, its
    /// duration in seconds and whether it was already heard (folder `Old`).
    pub fn voicemail(&mut self, mailbox: &str) -> (String, u32, bool) {
        let s = Arc::clone(&self.setup);
        let at = self.instant();
        let (caller, _) = self.outside_number();
        let name = self.caller_name();
        let duration = u32::try_from(self.rng.range(1, 3)).unwrap_or(1);
        let origdate = chrono::DateTime::from_timestamp(at, 0)
            .map(|t| t.format("%a %b %e %r UTC %Y").to_string())
            .unwrap_or_default();
        let callerid = if name.is_empty() { caller.clone() } else { format!("\"{name}\" <{caller}>") };
        let callerchan = self.channel("provider1");
        let msg_id = format!("{at}-{}", self.rng.hex(8));
        let heard = self.rng.chance(0.3);
        let text = format!(
            ";\n; Message Information file\n;\n[message]\norigmailbox={mailbox}\ncontext=from-trunk-{code}\n\
             macrocontext=\nexten={mailbox}\nrdnis=unknown\npriority=2\ncallerchan={callerchan}\n\
             callerid={callerid}\norigdate={origdate}\norigtime={at}\ncategory=\nmsg_id={msg_id}\nflag=\n\
             duration={duration}\n",
            code = s.code,
        );
        (text, duration, heard)
    }
}

/// `YYYY-MM-DD HH:MM:SS` of an epoch second (UTC), without chrono's format parser: this runs a few
/// million times for a large CDR set.
pub fn time_text(epoch: i64) -> String {
    let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` of an epoch microsecond: queue_log keeps sub-second times.
fn micro_time_text(micros: i64) -> String {
    format!("{}.{:06}", time_text(micros.div_euclid(1_000_000)), micros.rem_euclid(1_000_000))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn time_text_matches_chrono() {
        for epoch in [0_i64, 951_782_400, 1_700_000_000, 1_709_251_199, 4_102_444_800, 1_234_567_890] {
            let expected = chrono::DateTime::from_timestamp(epoch, 0).unwrap().format("%Y-%m-%d %H:%M:%S").to_string();
            assert_eq!(time_text(epoch), expected);
        }
        assert_eq!(micro_time_text(1_700_000_000_000_042), "2023-11-14 22:13:20.000042");
    }
}
