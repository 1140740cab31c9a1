//! Money as fixed-point ten-thousandths of the currency unit: exact, no floats.

use std::fmt;

use super::InvalidValue;

/// Ten-thousandths per unit.
const SCALE: i64 = 10_000;
/// Largest absolute amount accepted (one trillion units): far beyond any PBX balance, far below overflow.
const MAX_UNITS: i64 = 1_000_000_000_000;

/// An amount of money (may be negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);
    /// Largest balance a tenant may hold (a hundred trillion units): a sum of adjustments must
    /// stop here, well below the 64-bit limit where SQLite would turn the stored sum into a float.
    pub const MAX_BALANCE: Money = Money(100 * MAX_UNITS * SCALE);

    /// What `parse` accepts, as a regular expression for schemas: a sign, digits on at least one
    /// side of the point, at most 4 decimals. The whole part shows at most 12 digits, so every value
    /// the pattern admits is within the magnitude bound (`parse` also takes 1,000,000,000,000 itself
    /// and leading zeros beyond 12 digits, which the pattern leaves out).
    pub const PATTERN: &'static str = r"^[+-]?([0-9]{1,12}(\.[0-9]{0,4})?|\.[0-9]{1,4})$";

    /// Parses a signed decimal with at most 4 decimals (`123.45`, `-10`, `+0.0125`).
    pub fn parse(raw: &str, field: &'static str) -> Result<Money, InvalidValue> {
        let invalid = || InvalidValue::new(field, "must be a decimal number with at most 4 decimals");
        let raw = raw.trim();
        let (negative, digits) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw.strip_prefix('+').unwrap_or(raw)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 4
        {
            return Err(invalid());
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| invalid())? };
        if whole > MAX_UNITS {
            return Err(InvalidValue::new(field, "is too large"));
        }
        let fraction: i64 = format!("{fraction:0<4}").parse().map_err(|_| invalid())?;
        let value = whole * SCALE + fraction;
        Ok(Money(if negative { -value } else { value }))
    }

    /// From stored ten-thousandths.
    pub fn from_raw(raw: i64) -> Money {
        Money(raw)
    }

    /// Stored ten-thousandths.
    pub fn raw(self) -> i64 {
        self.0
    }
}

/// At least two decimals, more only when they are not zero: `123.45`, `-10.00`, `0.0125`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        let mut fraction = format!("{:04}", abs % scale);
        while fraction.len() > 2 && fraction.ends_with('0') {
            fraction.pop();
        }
        write!(f, "{sign}{}.{fraction}", abs / scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        let cases = [
            ("123.45", "123.45"),
            ("-10", "-10.00"),
            ("+0.0125", "0.0125"),
            (".5", "0.50"),
            ("7.", "7.00"),
            ("0", "0.00"),
        ];
        for (input, shown) in cases {
            assert_eq!(Money::parse(input, "amount").map(|m| m.to_string()).as_deref(), Ok(shown), "{input}");
        }
        assert_eq!(Money::parse("0.1", "a").map(Money::raw), Ok(1000));
        for bad in ["", "-", ".", "1.23456", "1e3", "abc", "1,5", "NaN", "--1", "99999999999999"] {
            assert!(Money::parse(bad, "amount").is_err(), "{bad}");
        }
    }
}
