//! Extension numbers (`ex_number`): what people dial inside a tenant.

use std::fmt;

use super::InvalidValue;
use super::bounds::Length;

/// 1–20 digits. Dialplans match extensions as digit strings; letters, `*` or `#` would collide with
/// feature codes, and a `-` would make the `<number>-<TENANT>` username ambiguous.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionNumber(String);

impl ExtensionNumber {
    /// Length bounds, in digits.
    pub const LENGTH: Length = Length { min: 1, max: 20 };
    /// The same rule as a regular expression, for schemas.
    pub const PATTERN: &'static str = "^[0-9]{1,20}$";

    /// Validates an extension number.
    pub fn parse(raw: &str) -> Result<ExtensionNumber, InvalidValue> {
        let raw = raw.trim();
        if !raw.is_empty() && raw.len() <= Self::LENGTH.max && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(ExtensionNumber(raw.to_string()))
        } else {
            Err(InvalidValue::new("ex_number", "must be 1-20 digits"))
        }
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExtensionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only() {
        assert_eq!(ExtensionNumber::parse(" 1100 ").map(|n| n.to_string()), Ok("1100".into()));
        for bad in ["", "12a", "1-2", "*97", "123456789012345678901", "１２"] {
            assert!(ExtensionNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
