//! Schedule rows of conditions (MANAGEDB `getextendedinfos` / `replaceextendedinfos`, REST
//! `/conditions/{id}/schedule`): three text parameters whose meaning depends on the condition type.
//!
//! * `WEEKTIME`: `param1` the day of the week, ISO 8601 numbering `1` = Monday … `7` = Sunday;
//!   `0` is accepted as Sunday (the `0`-`6` convention agrees with ISO on Monday-Saturday) and stored
//!   as `7`. `param2` start and `param3` end, `H:MM` or `HH:MM` between `00:00` and `23:59`, start
//!   strictly before end. Times are kept as written (`8:00` stays `8:00`).
//! * `CALENDAR`: `param1` a date `YYYY-MM-DD` (a real calendar date); `param2` and `param3` an
//!   optional time window on that day with the `WEEKTIME` rules (both or neither; empty = all day).

use chrono::NaiveDate;

use super::InvalidValue;

/// Condition types that carry schedule rows, as stored in `co_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleKind {
    /// Day-of-week time windows.
    WeekTime,
    /// Dates, optionally with a time window.
    Calendar,
}

impl ScheduleKind {
    /// The kind of a `co_type` value (case-insensitive); `None` for types without a schedule.
    pub fn of_condition_type(co_type: &str) -> Option<ScheduleKind> {
        if co_type.eq_ignore_ascii_case("WEEKTIME") {
            Some(ScheduleKind::WeekTime)
        } else if co_type.eq_ignore_ascii_case("CALENDAR") {
            Some(ScheduleKind::Calendar)
        } else {
            None
        }
    }
}

/// One validated schedule row, in its stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    /// Day (`1`-`7`) or date (`YYYY-MM-DD`).
    pub param1: String,
    /// Start time, or empty (calendar all day).
    pub param2: String,
    /// End time, or empty (calendar all day).
    pub param3: String,
}

impl ScheduleRow {
    /// Validates the three parameters of one row for `kind`; the error names the parameter.
    pub fn parse(kind: ScheduleKind, param1: &str, param2: &str, param3: &str) -> Result<ScheduleRow, InvalidValue> {
        let (param1, param2, param3) = (param1.trim(), param2.trim(), param3.trim());
        let param1 = match kind {
            ScheduleKind::WeekTime => day(param1)?,
            ScheduleKind::Calendar => date(param1)?,
        };
        if kind == ScheduleKind::Calendar && param2.is_empty() && param3.is_empty() {
            return Ok(ScheduleRow { param1, param2: String::new(), param3: String::new() });
        }
        let start = minutes(param2).ok_or_else(|| time_error("param2", param2))?;
        let end = minutes(param3).ok_or_else(|| time_error("param3", param3))?;
        if start >= end {
            return Err(InvalidValue::new("param3", format!("end {param3} must be after start {param2}")));
        }
        Ok(ScheduleRow { param1, param2: param2.to_string(), param3: param3.to_string() })
    }
}

fn day(raw: &str) -> Result<String, InvalidValue> {
    match raw {
        "0" | "7" => Ok("7".to_string()),
        "1" | "2" | "3" | "4" | "5" | "6" => Ok(raw.to_string()),
        _ => Err(InvalidValue::new("param1", "must be a day of the week, 1 (Monday) to 7 (Sunday)")),
    }
}

fn date(raw: &str) -> Result<String, InvalidValue> {
    let well_formed = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if well_formed && NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok() {
        Ok(raw.to_string())
    } else {
        Err(InvalidValue::new("param1", "must be a date YYYY-MM-DD"))
    }
}

/// Minutes since midnight of `H:MM` / `HH:MM` in 00:00–23:59.
fn minutes(raw: &str) -> Option<u32> {
    let (hours, mins) = raw.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&hours.len()) || mins.len() != 2 || !digits(hours) || !digits(mins) {
        return None;
    }
    let (hours, mins): (u32, u32) = (hours.parse().ok()?, mins.parse().ok()?);
    (hours < 24 && mins < 60).then_some(hours * 60 + mins)
}

fn time_error(field: &'static str, raw: &str) -> InvalidValue {
    let shown: String = raw.chars().filter(|c| !c.is_control()).take(16).collect();
    InvalidValue::new(field, format!("{shown:?} is not a time H:MM or HH:MM between 00:00 and 23:59"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn week(p1: &str, p2: &str, p3: &str) -> Result<ScheduleRow, InvalidValue> {
        ScheduleRow::parse(ScheduleKind::WeekTime, p1, p2, p3)
    }

    #[test]
    fn the_vendor_example_is_valid_and_kept_as_written() {
        let row = week("1", "8:00", "13:00").unwrap();
        assert_eq!((row.param1.as_str(), row.param2.as_str(), row.param3.as_str()), ("1", "8:00", "13:00"));
        assert!(week("2", "15:00", "19:00").is_ok());
        assert!(week("7", "00:00", "23:59").is_ok());
    }

    #[test]
    fn sunday_may_be_zero_and_is_stored_as_seven() {
        assert_eq!(week("0", "9:00", "10:00").unwrap().param1, "7");
        for bad in ["8", "-1", "", "mon", "1.0", "01"] {
            assert_eq!(week(bad, "9:00", "10:00").unwrap_err().field, "param1", "{bad:?}");
        }
    }

    #[test]
    fn times_outside_the_day_or_malformed_are_refused() {
        for bad in ["25:00", "24:00", "23:60", "8", "8:0", "008:00", "8:000", "", "a:00", "-1:00", "8:00pm"] {
            assert_eq!(week("1", bad, "23:00").unwrap_err().field, "param2", "{bad:?}");
        }
        assert_eq!(week("1", "8:00", "25:00").unwrap_err().field, "param3");
    }

    #[test]
    fn start_must_be_before_end() {
        assert_eq!(week("1", "13:00", "8:00").unwrap_err().field, "param3");
        assert_eq!(week("1", "8:00", "08:00").unwrap_err().field, "param3");
    }

    #[test]
    fn calendar_rows_take_a_date_and_an_optional_window() {
        let cal = |p1, p2, p3| ScheduleRow::parse(ScheduleKind::Calendar, p1, p2, p3);
        assert_eq!(cal("2024-12-25", "", "").unwrap().param2, "");
        assert!(cal("2024-02-29", "9:00", "12:00").is_ok());
        assert_eq!(cal("2023-02-29", "", "").unwrap_err().field, "param1");
        assert_eq!(cal("2024-1-05", "", "").unwrap_err().field, "param1");
        assert_eq!(cal("25/12/2024", "", "").unwrap_err().field, "param1");
        assert_eq!(cal("2024-12-25", "9:00", "").unwrap_err().field, "param3");
        assert_eq!(cal("2024-12-25", "", "25:00").unwrap_err().field, "param2");
    }

    #[test]
    fn condition_types() {
        assert_eq!(ScheduleKind::of_condition_type("weektime"), Some(ScheduleKind::WeekTime));
        assert_eq!(ScheduleKind::of_condition_type("CALENDAR"), Some(ScheduleKind::Calendar));
        assert_eq!(ScheduleKind::of_condition_type("HOURS"), None);
    }
}
