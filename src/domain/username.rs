//! Login names of web/API users (`us_username`).

use std::fmt;

use super::InvalidValue;
use super::bounds::Length;

/// 1–64 characters of `A-Z a-z 0-9 . _ @ -`; compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Length bounds.
    pub const LENGTH: Length = Length { min: 1, max: 64 };
    /// The same rule as a regular expression, for schemas.
    pub const PATTERN: &'static str = "^[A-Za-z0-9._@-]{1,64}$";

    /// Validates a username.
    pub fn parse(raw: &str) -> Result<Username, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::LENGTH.max
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'));
        if ok {
            Ok(Username(raw.to_string()))
        } else {
            Err(InvalidValue::new("us_username", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' or '-'"))
        }
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_usernames_pass_and_injection_does_not() {
        assert!(Username::parse("Leandro71").is_ok());
        assert!(Username::parse("adrian").is_ok());
        for bad in ["", "a b", "x'--", "a\nb"] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }
}
