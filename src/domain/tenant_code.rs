//! Tenant codes: the stable, human-chosen identifier of a tenant (`te_code`).

use std::fmt;

use super::InvalidValue;
use super::bounds::Length;

/// 1–32 characters of `A-Z a-z 0-9 _`, matched exactly (CONTRACT §0.3: tenant codes are case-sensitive).
/// The code becomes part of SIP usernames (`<number>-<CODE>`), so no `-`, spaces or punctuation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantCode(String);

impl TenantCode {
    /// Length bounds.
    pub const LENGTH: Length = Length { min: 1, max: 32 };
    /// The character rule as a regular expression, for schemas.
    pub const PATTERN: &'static str = "^[A-Za-z0-9_]+$";

    /// Validates a tenant code.
    pub fn parse(raw: &str) -> Result<TenantCode, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::LENGTH.max
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(TenantCode(raw.to_string()))
        } else {
            Err(InvalidValue::new("te_code", "must be 1-32 characters of A-Z, a-z, 0-9 or _"))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_legacy_style_codes() {
        for ok in ["RELAX", "TENANTCODE", "acme_01", "A"] {
            assert!(TenantCode::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_codes_that_would_break_usernames_or_paths() {
        let too_long = "X".repeat(33);
        for bad in ["", "A-B", "a b", "%", "../x", "é", too_long.as_str()] {
            assert!(TenantCode::parse(bad).is_err(), "{bad}");
        }
    }
}
