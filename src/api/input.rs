//! Building service input (legacy field names) from typed REST bodies, and reading typed values back
//! from rows: the only place REST names meet storage names.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::time::TIME_FORMAT;
use crate::service::objects::Input;

/// Accumulates input members: absent values are left out (unchanged), a merge patch's `null` is kept
/// (emptied); see `resource::IntoInput`.
#[derive(Debug, Default)]
pub struct InputBuilder(Input);

impl InputBuilder {
    /// Empty input.
    pub fn new() -> Self {
        InputBuilder::default()
    }

    /// Sets member `name` when a value (or a patch's `null`) is given.
    pub fn set(mut self, name: &str, value: impl super::resource::IntoInput) -> Self {
        if let Some(value) = value.into_input() {
            self.0.insert(name.to_string(), value);
        }
        self
    }

    /// The input.
    pub fn build(self) -> Input {
        self.0
    }
}

/// Parses a stored time (`YYYY-MM-DD HH:MM:SS`, UTC) for REST (RFC 3339).
pub fn time(stored: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(stored, TIME_FORMAT).ok().map(|t| t.and_utc())
}
