//! Times of legacy parameters: `YYYY-MM-DD[ HH:MM:SS]` in the server's local time zone (CONTRACT
//! §0.13), read by `pbx_compat`'s parser and turned into the stored UTC texts the service compares.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};
use pbx_compat::command::LegacyDateTime;

use crate::domain::time::{local_to_utc, stored_bound};

/// A `start`/`end` pair of legacy parameters as a stored-time range (inclusive UTC texts). A date-only `end` covers the
/// whole day; with neither given the range is today (Q9, Q10). `Err` names the unparsable field.
pub fn range(start: Option<&str>, end: Option<&str>) -> Result<(String, String), &'static str> {
    let today = Local::now().format("%Y-%m-%d").to_string();
    let start = match start {
        Some(s) => LegacyDateTime::parse(s).ok_or("start")?,
        None => LegacyDateTime::parse(&today).ok_or("start")?,
    };
    let end = match end {
        Some(e) => LegacyDateTime::end_of_day(e).ok_or("end")?,
        None => LegacyDateTime::end_of_day(&today).ok_or("end")?,
    };
    let start = utc(&start).ok_or("start")?;
    let end = utc(&end).ok_or("end")?;
    Ok((stored_bound(start), stored_bound(end)))
}

/// A legacy time parameter (`YYYY-MM-DD[ HH:MM:SS]`, local) as UTC; `None` when it does not parse
/// or does not exist locally (a DST gap).
pub fn instant(text: &str) -> Option<DateTime<Utc>> {
    LegacyDateTime::parse(text).as_ref().and_then(utc)
}

/// A parsed legacy (local) time as UTC; `None` for a time that does not exist locally.
pub fn utc(t: &LegacyDateTime) -> Option<DateTime<Utc>> {
    naive(t).and_then(local_to_utc)
}

/// A parsed legacy time as a calendar time; `None` for an impossible one.
fn naive(t: &LegacyDateTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(t.year, t.month, t.day)?.and_hms_opt(t.hour, t.minute, t.second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::{LAST_STORABLE, stored_utc};
    use chrono::{NaiveTime, TimeZone as _};
    use proptest::prelude::*;

    #[test]
    fn day_numbers_span_the_legacy_years() {
        assert_eq!(NaiveDate::from_num_days_from_ce_opt(1), NaiveDate::from_ymd_opt(1, 1, 1));
        assert_eq!(NaiveDate::from_num_days_from_ce_opt(LAST_DAY), NaiveDate::from_ymd_opt(9999, 12, 31));
    }

    /// Few cases keep the suite fast on two cores; a failure found here becomes a named example
    /// test instead of a regression file next to the source.
    fn config() -> ProptestConfig {
        ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
    }

    /// Day number (from 0001-01-01 = 1) of 9999-12-31, the last day the legacy parser accepts.
    const LAST_DAY: i32 = 3_652_059;

    /// Any day of years 1-9999, weighted towards edges: the first and last days (whose UTC time may
    /// leave years 1-9999), month ends and leap days, and the Sundays of the months in which clocks change.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let extreme = prop::sample::select(&[(1, 1, 1), (1, 1, 2), (9999, 12, 30), (9999, 12, 31)][..]);
        let month_end = (prop::sample::select(&[1, 4, 100, 1900, 2000, 2024, 9999][..]), 1..=12u32, 28..=31u32);
        let clock_change = (1970..=2100, prop::sample::select(&[3, 4, 9, 10, 11][..]), 1..=5u8);
        prop_oneof![
            2 => (1..=LAST_DAY).prop_filter_map("a day", NaiveDate::from_num_days_from_ce_opt),
            1 => extreme.prop_filter_map("a day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            1 => month_end.prop_filter_map("a day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            1 => clock_change.prop_filter_map("a Sunday", |(y, m, n)| {
                NaiveDate::from_weekday_of_month_opt(y, m, chrono::Weekday::Sun, n)
            }),
        ]
    }

    /// Any time of day, weighted towards the small hours (when clocks change) and the evening (when
    /// the UTC date west of Greenwich is already the next one).
    fn any_time() -> impl Strategy<Value = NaiveTime> {
        (prop_oneof![0..24u32, 0..4u32, 18..24u32], 0..60u32, 0..60u32)
            .prop_filter_map("a time", |(h, m, s)| NaiveTime::from_hms_opt(h, m, s))
    }

    fn day_text(date: NaiveDate) -> String {
        use chrono::Datelike as _;
        format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
    }

    /// A valid legacy value (date only, or date and time with a space or `T`) and the local time it
    /// means: a date-only `start` is midnight, a date-only `end` the day's last second.
    fn legacy_text(end: bool) -> impl Strategy<Value = (String, NaiveDateTime)> {
        (any_date(), any_time(), 0..3u8).prop_map(move |(date, time, form)| {
            let day = day_text(date);
            let default = if end { NaiveTime::from_hms_opt(23, 59, 59) } else { NaiveTime::from_hms_opt(0, 0, 0) };
            match (form, default) {
                (0, Some(default)) => (day, date.and_time(default)),
                (1, _) => (format!("{day} {}", time.format("%H:%M:%S")), date.and_time(time)),
                _ => (format!("{day}T{}", time.format("%H:%M:%S")), date.and_time(time)),
            }
        })
    }

    /// Near misses of valid values (one character replaced, cut short or lengthened) and noise.
    fn garbage() -> impl Strategy<Value = String> {
        let replacement = prop::sample::select(
            &['0', '9', '-', ':', ' ', 'T', 't', 'x', '/', '+', '\u{e9}', '\u{661}', '\u{ff10}'][..],
        );
        let mutated = (legacy_text(false), any::<prop::sample::Index>(), replacement, 0..3u8).prop_map(
            |((text, _), at, c, how)| {
                let mut chars: Vec<char> = text.chars().collect();
                let at = at.index(chars.len());
                match how {
                    0 => chars[at] = c,
                    1 => chars.truncate(at),
                    _ => chars.insert(at, c),
                }
                chars.into_iter().collect()
            },
        );
        prop_oneof![2 => mutated, 1 => "[0-9: T/+-]{0,22}", 1 => any::<String>()]
    }

    /// An independent reading of the legacy grammar: fixed-width ASCII digits, checked by chrono's
    /// calendar; year 0 and a leap second (`:60`, which chrono would take) are refused.
    fn oracle(text: &str, end: bool) -> Option<NaiveDateTime> {
        let b = text.as_bytes();
        let digits_at = |at: &[usize]| at.iter().all(|&i| b.get(i).is_some_and(u8::is_ascii_digit));
        let date_shape = b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && digits_at(&[0, 1, 2, 3, 5, 6, 8, 9]);
        let date =
            NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok().filter(|_| date_shape && &b[..4] != b"0000")?;
        match b.len() {
            10 => date.and_hms_opt(if end { 23 } else { 0 }, if end { 59 } else { 0 }, if end { 59 } else { 0 }),
            19 if matches!(b[10], b' ' | b'T') && b[13] == b':' && b[16] == b':' => {
                let time_shape = digits_at(&[11, 12, 14, 15, 17, 18]) && &b[17..19] != b"60";
                let time = NaiveTime::parse_from_str(&text[11..], "%H:%M:%S").ok().filter(|_| time_shape)?;
                Some(date.and_time(time))
            }
            _ => None,
        }
    }

    /// What `range` must answer for two accepted local times: `Err` naming a bound that does
    /// not exist locally (a DST gap), else stored UTC texts that read back as the local times given
    /// and sort as they do.
    fn check_range(
        result: Result<(String, String), &'static str>,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Result<(), TestCaseError> {
        let exists = |t: &NaiveDateTime| Local.from_local_datetime(t).earliest().is_some();
        if !exists(&start) {
            prop_assert_eq!(result, Err("start"));
        } else if !exists(&end) {
            prop_assert_eq!(result, Err("end"));
        } else {
            let (from, to) = result.map_err(|field| TestCaseError::fail(format!("{field} refused")))?;
            let back = |t: DateTime<Utc>| t.with_timezone(&Local).naive_local();
            for (text, local) in [(&from, start), (&to, end)] {
                let utc = stored_utc(text).filter(|_| text.len() == 19);
                let utc = utc.ok_or_else(|| TestCaseError::fail(format!("{text} is not a stored time")))?;
                // Reads back as the local time given; or, for a local time that a DST gap skips
                // (chrono maps some, e.g. midnight in Asia/Beirut), as the first instant after the gap;
                // or, past the last storable second, as that second.
                let exact = back(utc) == local;
                let after_gap = back(utc - chrono::TimeDelta::seconds(1)) < local && local < back(utc);
                let clamped = text == LAST_STORABLE && back(utc) < local;
                prop_assert!(exact || after_gap || clamped, "{} reads back as {}, not {}", text, back(utc), local);
            }
            // Stored times are compared as text, so the texts must sort as the times do. An inverted
            // range is not refused (only unparsable fields are): it comes back inverted and matches nothing.
            prop_assert!(start > end || from <= to, "{} > {}", from, to);
            prop_assert!(start < end || from >= to, "{} < {}", from, to);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        /// Any in-range date or date-time, in every accepted spelling, is taken and normalised to
        /// whole-second stored UTC text; a date-only `end` covers its whole day.
        #[test]
        fn valid_bounds_are_normalised((start, start_at) in legacy_text(false), (end, end_at) in legacy_text(true)) {
            check_range(range(Some(&start), Some(&end)), start_at, end_at)?;
        }

        /// Garbage and near misses never panic: the first unparsable bound is named, and what the
        /// independent reading accepts is accepted alike.
        #[test]
        fn garbage_is_refused_by_name(
            start in prop_oneof![garbage(), legacy_text(false).prop_map(|(text, _)| text)],
            end in prop_oneof![garbage(), legacy_text(true).prop_map(|(text, _)| text)],
        ) {
            judge(&start, &end)?;
        }
    }

    /// Every combination of edge fields (years, month 0-13, day 0-32, clock fields past their
    /// range) and every ASCII character in each separator's place, too few to leave to chance.
    #[test]
    fn edge_fields_and_separators_match_the_oracle() {
        let mut texts = Vec::new();
        for year in ["0000", "0001", "0004", "0100", "1900", "2000", "2023", "2024", "9999"] {
            for month in 0..=13 {
                for day in 0..=32 {
                    texts.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
        }
        for hour in 0..=25 {
            for (minute, second) in [(0, 0), (59, 59), (60, 0), (0, 60), (99, 99)] {
                texts.push(format!("2024-02-29 {hour:02}:{minute:02}:{second:02}"));
            }
        }
        for at in [4, 7, 10, 13, 16] {
            for c in (0..=127u8).map(char::from).chain(['\u{e9}', '\u{661}', '\u{ff10}']) {
                let mut text: Vec<char> = "2024-02-29 23:59:59".chars().collect();
                text[at] = c;
                texts.push(text.into_iter().collect());
            }
        }
        for text in &texts {
            // With a garbage `end` too, so that a bad `start` must be the one named.
            for (start, end) in [(text.as_str(), "2024-03-01"), ("2024-02-28", text.as_str()), (text.as_str(), "x")] {
                if let Err(failure) = judge(start, end) {
                    panic!("start {start:?}, end {end:?}: {failure}");
                }
            }
        }
    }

    /// `range` against the independent reading: the first unparsable bound named, else as
    /// [`check_range`] says.
    fn judge(start: &str, end: &str) -> Result<(), TestCaseError> {
        let result = range(Some(start), Some(end));
        match (oracle(start, false), oracle(end, true)) {
            (None, _) => prop_assert_eq!(result, Err("start")),
            (Some(_), None) => prop_assert_eq!(result, Err("end")),
            (Some(start_at), Some(end_at)) => check_range(result, start_at, end_at)?,
        }
        Ok(())
    }
}
