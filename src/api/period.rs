//! `from` / `to` filters of REST lists: an RFC 3339 time, or a date (UTC) meaning its first second
//! for `from` and its last second for `to`, turned into stored-time text.

use chrono::{DateTime, NaiveDate};

use super::bounded::{Text, text_rules};
use super::problem::ApiError;
use crate::domain::time::stored;

/// An RFC 3339 time or a date, as the schema shows it (a calendar the pattern cannot check: the
/// 30th of February matches it and is refused 422).
pub const PATTERN: &str = "^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?)?$";

text_rules! {
    /// A `from` or `to` filter.
    PeriodRule = crate::domain::bounds::Length { min: 0, max: 40 }, PATTERN;
}

/// A `from` or `to` query parameter.
pub type PeriodParam = Option<Text<PeriodRule>>;

/// The text of a `from` or `to` query parameter.
pub fn text(param: &PeriodParam) -> Option<&str> {
    param.as_ref().map(|text| text.0.as_str())
}

/// Which end of the period a value bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `from`: inclusive start.
    From,
    /// `to`: inclusive end.
    To,
}

/// Parses one bound; `field` names it in the 422.
pub fn parse(field: &str, value: Option<&str>, bound: Bound) -> Result<Option<String>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(Some(stored(time.to_utc())));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, format!("{field} must be an RFC 3339 time or a YYYY-MM-DD date")))?;
    let time = match bound {
        Bound::From => date.and_hms_opt(0, 0, 0),
        Bound::To => date.and_hms_opt(23, 59, 59),
    };
    Ok(time.map(|t| stored(t.and_utc())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_cover_whole_days_and_times_become_utc() {
        assert_eq!(
            parse("from", Some("2026-03-01"), Bound::From).ok().flatten().as_deref(),
            Some("2026-03-01 00:00:00")
        );
        assert_eq!(parse("to", Some("2026-03-01"), Bound::To).ok().flatten().as_deref(), Some("2026-03-01 23:59:59"));
        let t = parse("from", Some("2026-03-01T10:00:00+02:00"), Bound::From).ok().flatten();
        assert_eq!(t.as_deref(), Some("2026-03-01 08:00:00"));
        assert_eq!(parse("to", None, Bound::To).ok(), Some(None));
        assert!(parse("to", Some("2026-02-30"), Bound::To).is_err());
        assert!(parse("to", Some("yesterday"), Bound::To).is_err());
    }
}
