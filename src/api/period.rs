//! `from` / `to` filters of REST lists: an RFC 3339 time, or a date (UTC) meaning its first second
//! for `from` and its last second for `to`, turned into stored-time text.

use chrono::{DateTime, NaiveDate};

use super::problem::ApiError;
use crate::domain::time::stored;

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
