//! Times: storage is UTC text; legacy parameters and output are in the server's local time zone
//! (CONTRACT §0.13; the legacy door parses its parameters in `legacy::time`).

use chrono::{DateTime, Local, NaiveDateTime, TimeZone as _, Utc};

/// The storage time format.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A local time as UTC; `None` for a time that does not exist locally (DST gap).
pub fn local_to_utc(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local.from_local_datetime(&naive).earliest().map(|dt| dt.with_timezone(&Utc))
}

/// The storage text of a UTC time.
pub fn stored(t: DateTime<Utc>) -> String {
    t.format(TIME_FORMAT).to_string()
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

/// The storage text of a range bound. West of UTC, late on local 9999-12-31 is UTC year 10000, whose
/// text (`+10000-…`) sorts before every stored time; the last storable second stands in for it.
pub fn stored_bound(t: DateTime<Utc>) -> String {
    use chrono::Datelike as _;
    if t.year() > 9999 { LAST_STORABLE.to_string() } else { stored(t) }
}

/// The last second [`storable`] lets into storage.
pub const LAST_STORABLE: &str = "9999-12-31 23:59:59";

/// A stored UTC time (`YYYY-MM-DD HH:MM:SS`, optionally with fractions) as legacy output shows it:
/// server local time, whole seconds (CONTRACT §0.13). Text that is not a stored time is returned
/// unchanged, so odd rows written by the PBX still show.
pub fn stored_to_local(stored: &str) -> String {
    stored_utc(stored)
        .map(|t| t.with_timezone(&Local).format(TIME_FORMAT).to_string())
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
    use chrono::NaiveDate;

    #[test]
    fn stored_times_parse_with_and_without_fractions() {
        assert_eq!(stored_utc("2024-05-01 10:00:00").map(stored).as_deref(), Some("2024-05-01 10:00:00"));
        assert_eq!(stored_utc("2024-05-01 10:00:00.123456").map(stored).as_deref(), Some("2024-05-01 10:00:00"));
        assert_eq!(stored_utc("yesterday"), None);
        assert_eq!(stored_to_local("not a time"), "not a time");
    }

    /// Found by `valid_bounds_are_normalised` with TZ=America/New_York: start `9999-12-31 19:00:00`
    /// was stored as `+10000-01-01 00:00:00`, which sorted before an end of `0001-01-01`.
    #[test]
    fn bounds_past_year_9999_utc_are_the_last_storable_second() {
        let past = NaiveDate::from_ymd_opt(10000, 1, 1).and_then(|d| d.and_hms_opt(4, 59, 59));
        assert_eq!(past.map(|t| stored_bound(t.and_utc())).as_deref(), Some(LAST_STORABLE));
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59));
        assert_eq!(last.map(|t| stored_bound(t.and_utc())).as_deref(), Some(LAST_STORABLE));
    }
}
