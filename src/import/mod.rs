//! `pbx-gateway import cdrs`: loads an Asterisk `Master.csv` (cdr_csv) into the `cdr` table of one
//! tenant. The file is streamed; the whole import is one transaction, so it lands completely or not
//! at all. A CDR whose uniqueid the tenant already has is skipped and counted, so importing the same
//! file twice (or overlapping rotations of it) never doubles the data.
//!
//! Times: cdr_csv writes local time unless `usegmtime=yes`. They are taken as UTC by default (the
//! storage format), or converted from the machine's local time zone with `--local-time`.

pub mod csv;
pub mod progress;

use std::collections::HashSet;
use std::io::BufReader;
use std::path::PathBuf;

use chrono::{NaiveDateTime, TimeZone as _};

use crate::auth::Principal;
use crate::service::access::{self, Intent};
use crate::service::{Core, ServiceError};
use crate::store::TIME_FORMAT;
use crate::store::cdr_import::{self as bulk, CdrRow};
use csv::{CsvReader, Record};
use progress::Progress;

/// What to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tenant code (must exist).
    pub tenant: String,
    /// The Master.csv file.
    pub file: PathBuf,
    /// Skip malformed lines (and report them) instead of aborting.
    pub skip_invalid: bool,
    /// Times in the file are the machine's local time, not UTC.
    pub local_time: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// CDRs written.
    pub imported: u64,
    /// CDRs skipped because the tenant already had their uniqueid (or the file repeated it).
    pub duplicates: u64,
    /// Skipped malformed lines: (line, reason). Only with `skip_invalid`.
    pub invalid: Vec<(u64, String)>,
    /// Seconds the import took.
    pub seconds: f64,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} CDRs, skipped {} duplicates and {} invalid lines in {:.1} s",
            self.imported,
            self.duplicates,
            self.invalid.len(),
            self.seconds
        )
    }
}

/// Rows checked for duplicates and written together.
const BATCH: usize = 5_000;

/// Imports a Master.csv file. Without `skip_invalid`, the first malformed line fails the import
/// with `line N: <reason>` and nothing is written.
pub async fn cdrs(core: &Core, options: &Options) -> anyhow::Result<Outcome> {
    let tenant_id = tenant_id(core, &options.tenant).await?;
    let file = std::fs::File::open(&options.file)
        .map_err(|err| anyhow::anyhow!("cannot open {}: {err}", options.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    // The CLI runs this alone on its runtime; short blocking reads of a local file are fine here.
    let mut reader = CsvReader::new(BufReader::with_capacity(1 << 18, file));
    let mut progress = Progress::new(size);
    let mut outcome = Outcome::default();
    let backend = core.db().backend();
    let mut tx = core.db().begin().await?;
    let mut batch: Vec<CdrRow> = Vec::with_capacity(BATCH);
    while let Some(record) = reader.next_record()? {
        let parsed = match record {
            Record::Fields { line, fields } => parse_cdr(&fields, tenant_id, options.local_time).map_err(|r| (line, r)),
            Record::Bad { line, reason } => Err((line, reason)),
        };
        match parsed {
            Ok(row) => batch.push(row),
            Err((line, reason)) if options.skip_invalid => outcome.invalid.push((line, reason)),
            // Returning drops the transaction, which rolls everything back.
            Err((line, reason)) => anyhow::bail!("line {line}: {reason}"),
        }
        if batch.len() >= BATCH {
            write_batch(&mut tx, backend, tenant_id, std::mem::take(&mut batch), &mut outcome).await?;
        }
        // Cheap when nothing is drawn: the display limits itself to ten redraws a second.
        progress.update(reader.bytes_read(), outcome.imported + batch.len() as u64);
    }
    write_batch(&mut tx, backend, tenant_id, batch, &mut outcome).await?;
    tx.commit().await?;
    progress.finish();
    outcome.seconds = progress.seconds();
    Ok(outcome)
}

async fn tenant_id(core: &Core, code: &str) -> anyhow::Result<i64> {
    match access::tenant_scope(core, &Principal::system(), code, Intent::Write).await {
        Ok(scope) => Ok(scope.tenant_id),
        Err(ServiceError::TenantNotFound) => anyhow::bail!("unknown tenant {code:?}"),
        Err(err) => Err(err.into()),
    }
}

/// Drops rows whose uniqueid the tenant already has (including rows written earlier in this very
/// import: the query runs inside its transaction) or that repeat one of the batch, then writes.
async fn write_batch(
    tx: &mut sqlx::AnyConnection,
    backend: crate::store::Backend,
    tenant_id: i64,
    batch: Vec<CdrRow>,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = batch.iter().map(|r| r.uniqueid.as_str()).collect();
    let mut taken: HashSet<String> = bulk::existing_uniqueids(tx, backend, tenant_id, &ids).await?;
    let before = batch.len() as u64;
    let fresh: Vec<CdrRow> = batch.into_iter().filter(|r| taken.insert(r.uniqueid.clone())).collect();
    outcome.duplicates += before - fresh.len() as u64;
    outcome.imported += fresh.len() as u64;
    bulk::insert_cdrs(tx, backend, fresh).await?;
    Ok(())
}

/// The cdr_csv columns, in file order (the last three only with `newcdrcolumns=yes`).
const FIELDS: usize = 18;
const FIELDS_NEW: usize = 21;

/// One Master.csv record to a CDR of tenant `te_id`.
fn parse_cdr(f: &[String], te_id: i64, local_time: bool) -> Result<CdrRow, String> {
    if f.len() != FIELDS && f.len() != FIELDS_NEW {
        return Err(format!("expected {FIELDS} or {FIELDS_NEW} fields, found {}", f.len()));
    }
    let time = |name: &str, value: &str| parse_time(value, local_time).map_err(|why| format!("{name}: {why}"));
    let seconds = |name: &str, value: &str| {
        value.trim().parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| format!("{name}: not a number of seconds"))
    };
    let calldate = time("start", &f[9])?;
    let answer = if f[10].trim().is_empty() { None } else { Some(time("answer", &f[10])?) };
    let end = time("end", &f[11])?;
    let duration = seconds("duration", &f[12])?;
    let billsec = seconds("billsec", &f[13])?;
    let disposition = f[14].trim().to_ascii_uppercase();
    if !["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"].contains(&disposition.as_str()) {
        return Err(format!("disposition: unknown value {:?}", f[14]));
    }
    let amaflags = amaflags(&f[15]).ok_or_else(|| format!("amaflags: unknown value {:?}", f[15]))?;
    if f[16].trim().is_empty() {
        return Err("uniqueid: empty".into());
    }
    let (peeraccount, linkedid, sequence) = if f.len() == FIELDS_NEW {
        let sequence = f[20].trim().parse::<i64>().map_err(|_| "sequence: not a number".to_string())?;
        (f[18].clone(), f[19].clone(), sequence)
    } else {
        (String::new(), String::new(), 0)
    };
    Ok(CdrRow {
        accountcode: f[0].clone(),
        src: f[1].clone(),
        dst: f[2].clone(),
        dcontext: f[3].clone(),
        clid: f[4].clone(),
        channel: f[5].clone(),
        dstchannel: f[6].clone(),
        lastapp: f[7].clone(),
        lastdata: f[8].clone(),
        calldate,
        answer,
        end,
        duration,
        billsec,
        disposition,
        amaflags,
        uniqueid: f[16].trim().to_string(),
        userfield: f[17].clone(),
        peeraccount,
        linkedid,
        sequence,
        te_id: Some(te_id),
        realsrc: f[1].clone(),
        firstdst: f[2].clone(),
        lastdst: f[2].clone(),
        direction: guess_direction(&f[3], &f[2]).to_string(),
        cc_cost: "0".into(),
        ..CdrRow::default()
    })
}

/// `YYYY-MM-DD HH:MM:SS` as stored (UTC), from UTC or (with `local_time`) local time.
fn parse_time(value: &str, local_time: bool) -> Result<String, &'static str> {
    let naive =
        NaiveDateTime::parse_from_str(value.trim(), TIME_FORMAT).map_err(|_| "not a time YYYY-MM-DD HH:MM:SS")?;
    if !local_time {
        return Ok(naive.format(TIME_FORMAT).to_string());
    }
    // A time that falls twice (the hour after a DST change) takes the earlier instant.
    let local = chrono::Local.from_local_datetime(&naive).earliest().ok_or("does not exist in the local time zone")?;
    Ok(local.with_timezone(&chrono::Utc).format(TIME_FORMAT).to_string())
}

/// Asterisk's AMA flags: names as cdr_csv writes them, or the numbers cdr_pgsql stores.
fn amaflags(value: &str) -> Option<i64> {
    match value.trim().to_ascii_uppercase().as_str() {
        "" | "DEFAULT" | "UNKNOWN" => Some(0),
        "OMIT" => Some(1),
        "BILLING" => Some(2),
        "DOCUMENTATION" => Some(3),
        number => number.parse::<i64>().ok().filter(|n| (0..=3).contains(n)),
    }
}

/// A best guess of the legacy `direction` from the destination context and number: contexts named
/// like trunk/inbound contexts are `IN`; a short all-digit destination is an extension (`LOCAL`);
/// a longer number is `OUT`; anything else stays empty rather than wrong.
fn guess_direction(dcontext: &str, dst: &str) -> &'static str {
    let context = dcontext.to_ascii_lowercase();
    if ["from-trunk", "from-pstn", "from-did", "from-external", "inbound", "incoming"]
        .iter()
        .any(|marker| context.contains(marker))
    {
        return "IN";
    }
    let digits = dst.strip_prefix('+').unwrap_or(dst);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        ""
    } else if digits.len() <= 6 {
        "LOCAL"
    } else {
        "OUT"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn record(overrides: &[(usize, &str)]) -> Vec<String> {
        let mut f: Vec<String> = [
            "ACME",
            "101",
            "0212345678",
            "from-internal-ACME",
            "\"Bob\" <101>",
            "PJSIP/101-ACME-00000001",
            "",
            "Dial",
            "PJSIP/x",
            "2026-01-02 03:04:05",
            "2026-01-02 03:04:09",
            "2026-01-02 03:05:09",
            "64",
            "60",
            "ANSWERED",
            "DOCUMENTATION",
            "srv01-1.1",
            "",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for (i, v) in overrides {
            f[*i] = (*v).to_string();
        }
        f
    }

    #[test]
    fn a_record_maps_to_the_stored_layout() {
        let row = parse_cdr(&record(&[]), 7, false).unwrap();
        assert_eq!((row.te_id, row.amaflags, row.duration, row.billsec), (Some(7), 3, 64, 60));
        assert_eq!(row.answer.as_deref(), Some("2026-01-02 03:04:09"));
        assert_eq!((row.realsrc.as_str(), row.firstdst.as_str(), row.direction.as_str()), ("101", "0212345678", "OUT"));
        let unanswered = parse_cdr(&record(&[(10, ""), (14, "NO ANSWER"), (15, "2")]), 7, false).unwrap();
        assert_eq!((unanswered.answer, unanswered.amaflags), (None, 2));
    }

    #[test]
    fn bad_values_name_their_column() {
        assert_eq!(
            parse_cdr(&record(&[(9, "yesterday")]), 1, false).unwrap_err(),
            "start: not a time YYYY-MM-DD HH:MM:SS"
        );
        assert_eq!(parse_cdr(&record(&[(13, "-1")]), 1, false).unwrap_err(), "billsec: not a number of seconds");
        assert!(parse_cdr(&record(&[(15, "SOMETIMES")]), 1, false).unwrap_err().starts_with("amaflags"));
        assert!(parse_cdr(&record(&[(14, "MAYBE")]), 1, false).unwrap_err().starts_with("disposition"));
        assert_eq!(parse_cdr(&record(&[])[..17], 1, false).unwrap_err(), "expected 18 or 21 fields, found 17");
    }

    #[test]
    fn directions_are_guessed_conservatively() {
        assert_eq!(guess_direction("from-trunk-ACME", "0212345678"), "IN");
        assert_eq!(guess_direction("from-internal-ACME", "102"), "LOCAL");
        assert_eq!(guess_direction("from-internal-ACME", "+390212345678"), "OUT");
        assert_eq!(guess_direction("from-internal-ACME", "s"), "");
    }
}
