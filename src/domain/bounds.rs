//! Bounds of values, declared once: the service enforces them and the REST schema shows the
//! same numbers (`api::bounded` builds `minLength`/`maxLength`/`minimum`/`maximum` from them).

/// Length bounds of a text value, in characters. An empty value is governed by `required` alone
/// (empty means "unset", or "unchanged" for secrets), so `min` applies to non-empty values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    /// Fewest characters of a non-empty value.
    pub min: usize,
    /// Most characters.
    pub max: usize,
}

impl Length {
    /// The default: the legacy schema's widest columns are far below it.
    pub const ANY: Length = Length { min: 0, max: 4096 };
    /// Display names (extensions, tenants, queues...).
    pub const NAME: Length = Length { min: 0, max: 200 };
    /// Passwords people type (web portal, users): long enough to resist guessing, short enough
    /// to bound the hashing work.
    pub const PASSWORD: Length = Length { min: 8, max: 128 };
    /// Passwords of web/API users: as [`Length::PASSWORD`], with room for long passphrases.
    pub const USER_PASSWORD: Length = Length { min: 8, max: 1024 };
    /// SIP secrets: registrations are brute-forced on the open internet.
    pub const SIP_SECRET: Length = Length { min: 8, max: 128 };
    /// Numbers to dial (a call's destination, a transfer's target, a campaign's number), of the
    /// characters [`DIAL_STRING_PATTERN`] allows.
    pub const DIAL_STRING: Length = Length { min: 1, max: 40 };

    /// Whether a non-empty value of `chars` characters fits.
    pub const fn admits(self, chars: usize) -> bool {
        chars >= self.min && chars <= self.max
    }

    /// The refusal text for a value outside the bounds.
    pub fn message(self) -> String {
        if self.min > 1 {
            format!("must be {}-{} characters", self.min, self.max)
        } else {
            format!("must be at most {} characters", self.max)
        }
    }
}

/// Bounds of a whole number, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRange {
    /// Smallest accepted value.
    pub min: i64,
    /// Largest accepted value.
    pub max: i64,
}

impl IntRange {
    /// Whether `value` is inside.
    pub const fn admits(self, value: i64) -> bool {
        value >= self.min && value <= self.max
    }

    /// The refusal text for a value outside the range.
    pub fn message(self) -> String {
        format!("must be between {} and {}", self.min, self.max)
    }
}

/// The characters of a number to dial ([`Length::DIAL_STRING`]): digits, `*`, `#`, `+`.
pub const DIAL_STRING_PATTERN: &str = "^[0-9*#+]+$";
