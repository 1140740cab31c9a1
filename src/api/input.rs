//! Building service input (legacy field names) from typed REST bodies, and reading typed values back
//! from rows: the only place REST names meet storage names.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value as Json;

use crate::domain::time::TIME_FORMAT;
use crate::service::objects::Input;

/// Accumulates input members; `None` values are left out (PATCH semantics: absent = unchanged).
#[derive(Debug, Default)]
pub struct InputBuilder(Input);

impl InputBuilder {
    /// Empty input.
    pub fn new() -> Self {
        InputBuilder::default()
    }

    /// Sets member `name` when a value is given.
    pub fn set<T: Into<Json>>(mut self, name: &str, value: Option<T>) -> Self {
        if let Some(value) = value {
            self.0.insert(name.to_string(), value.into());
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
