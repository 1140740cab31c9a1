//! Times: legacy parameters are in the server's local time zone (CONTRACT §0.13); storage is UTC text.

use chrono::{DateTime, Local, NaiveDate, TimeZone as _, Utc};
use pbx_compat::command::LegacyDateTime;

/// A legacy (local) time as UTC; `None` for a time that does not exist locally (DST gap) or is invalid.
pub fn local_to_utc(t: &LegacyDateTime) -> Option<DateTime<Utc>> {
    let naive = NaiveDate::from_ymd_opt(t.year, t.month, t.day)?.and_hms_opt(t.hour, t.minute, t.second)?;
    Local.from_local_datetime(&naive).earliest().map(|dt| dt.with_timezone(&Utc))
}

/// The storage text of a UTC time.
pub fn stored(t: DateTime<Utc>) -> String {
    t.format(crate::store::TIME_FORMAT).to_string()
}

/// The storage text of a client-given time, refused outside years 1-9999 (after conversion to
/// UTC): beyond them the text would neither sort with the others nor read back as RFC 3339.
pub fn storable(t: DateTime<Utc>, field: &'static str) -> Result<String, super::InvalidValue> {
    use chrono::Datelike as _;
    if (1..=9999).contains(&t.year()) {
        Ok(stored(t))
    } else {
        Err(super::InvalidValue::new(field, "must lie in the years 1 to 9999 (UTC)"))
    }
}

/// A `start`/`end` pair of legacy parameters as a stored-time range. A date-only `end` covers the
/// whole day; with neither given the range is today (Q9, Q10). `Err` names the unparsable field.
pub fn legacy_range(start: Option<&str>, end: Option<&str>) -> Result<(String, String), &'static str> {
    let today = Local::now().format("%Y-%m-%d").to_string();
    let start = match start {
        Some(s) => LegacyDateTime::parse(s).ok_or("start")?,
        None => LegacyDateTime::parse(&today).ok_or("start")?,
    };
    let end = match end {
        Some(e) => LegacyDateTime::end_of_day(e).ok_or("end")?,
        None => LegacyDateTime::end_of_day(&today).ok_or("end")?,
    };
    let start = local_to_utc(&start).ok_or("start")?;
    let end = local_to_utc(&end).ok_or("end")?;
    Ok((stored(start), stored(end)))
}

/// A stored UTC time (`YYYY-MM-DD HH:MM:SS`, optionally with fractions) as legacy output shows it:
/// server local time, whole seconds (CONTRACT §0.13). Text that is not a stored time is returned
/// unchanged, so odd rows written by the PBX still show.
pub fn stored_to_local(stored: &str) -> String {
    stored_utc(stored)
        .map(|t| t.with_timezone(&Local).format(crate::store::TIME_FORMAT).to_string())
        .unwrap_or_else(|| stored.to_string())
}

/// A stored UTC time, with or without fractional seconds (Asterisk writes `queue_log` times with
/// microseconds); `None` for anything else.
pub fn stored_utc(stored: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(stored, "%Y-%m-%d %H:%M:%S%.f").ok().map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_parse_with_and_without_fractions() {
        assert_eq!(stored_utc("2024-05-01 10:00:00").map(stored).as_deref(), Some("2024-05-01 10:00:00"));
        assert_eq!(stored_utc("2024-05-01 10:00:00.123456").map(stored).as_deref(), Some("2024-05-01 10:00:00"));
        assert_eq!(stored_utc("yesterday"), None);
        assert_eq!(stored_to_local("not a time"), "not a time");
    }
}
