//! Legacy timestamps (`start`, `end`, AUTHTOKEN `validity`, CONTRACT §0.13): a calendar value
//! without time zone, validated here so bad input is refused before it reaches SQL or a clock.

use std::fmt;

/// A wall-clock date and time in server local time, as the legacy API exchanges them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyDateTime {
    /// Four-digit year (1..=9999).
    pub year: i32,
    /// 1..=12.
    pub month: u32,
    /// 1..=days in that month.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl LegacyDateTime {
    /// Parses `YYYY-MM-DD` (midnight) or `YYYY-MM-DD HH:MM:SS` (`T` also accepted as separator);
    /// `None` for anything else, including impossible dates such as `2023-02-29`.
    pub fn parse(s: &str) -> Option<LegacyDateTime> {
        Self::parse_with_default_time(s, (0, 0, 0))
    }

    /// Like [`LegacyDateTime::parse`], but a date-only value means the last second of that day:
    /// a date-only `end` covers the whole day (§6 Q10).
    pub fn end_of_day(s: &str) -> Option<LegacyDateTime> {
        Self::parse_with_default_time(s, (23, 59, 59))
    }

    fn parse_with_default_time(s: &str, default: (u32, u32, u32)) -> Option<LegacyDateTime> {
        let bytes = s.as_bytes();
        let (hour, minute, second) = match bytes.len() {
            10 => default,
            19 if matches!(bytes[10], b' ' | b'T') => {
                if bytes[13] != b':' || bytes[16] != b':' {
                    return None;
                }
                (digits(&bytes[11..13])?, digits(&bytes[14..16])?, digits(&bytes[17..19])?)
            }
            _ => return None,
        };
        if bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year = i32::try_from(digits(&bytes[0..4])?).ok()?;
        let month = digits(&bytes[5..7])?;
        let day = digits(&bytes[8..10])?;
        let valid = year >= 1
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour <= 23
            && minute <= 59
            && second <= 59;
        valid.then_some(LegacyDateTime { year, month, day, hour, minute, second })
    }
}

impl fmt::Display for LegacyDateTime {
    /// The output form of §0.13, `YYYY-MM-DD HH:MM:SS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> LegacyDateTime {
        LegacyDateTime { year, month, day, hour, minute, second }
    }

    #[test]
    fn parses_date_and_datetime_forms() {
        assert_eq!(LegacyDateTime::parse("2020-01-31"), Some(dt(2020, 1, 31, 0, 0, 0)));
        assert_eq!(LegacyDateTime::parse("2024-12-31 23:59:59"), Some(dt(2024, 12, 31, 23, 59, 59)));
        assert_eq!(LegacyDateTime::parse("2024-06-01T08:05:09"), Some(dt(2024, 6, 1, 8, 5, 9)));
        assert_eq!(LegacyDateTime::end_of_day("2024-06-01"), Some(dt(2024, 6, 1, 23, 59, 59)));
        assert_eq!(LegacyDateTime::end_of_day("2024-06-01 10:00:00"), Some(dt(2024, 6, 1, 10, 0, 0)));
    }

    #[test]
    fn validates_calendar_and_clock_ranges() {
        assert!(LegacyDateTime::parse("2024-02-29").is_some());
        assert!(LegacyDateTime::parse("2000-02-29").is_some());
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "0000-01-01",
            "2024-01-01 24:00:00",
            "2024-01-01 23:60:00",
            "2024-01-01 23:59:60",
            "2024-01-01 23:59",
            "2024-01-01x23:59:59",
            "2024/01/01",
            "+024-01-01",
            "2024-1-01",
            "2024-01-01 ",
            "ONCE",
            "",
            "2024-01-01 2é:00:0",
        ] {
            assert_eq!(LegacyDateTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn displays_in_the_legacy_output_form() {
        assert_eq!(dt(2024, 6, 1, 8, 5, 9).to_string(), "2024-06-01 08:05:09");
    }
}
