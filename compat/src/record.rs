//! Legacy result rows: ordered named fields with the three value kinds the wire knows (string,
//! number, null), plus the credential rule of CONTRACT §2.2. Rows keep their order because legacy
//! clients read some outputs by position (positional twins, §0.9).

use serde_json::{Map, Value};

/// One cell of a legacy row. Strings dominate (legacy emits numbers as strings); `Num` exists for
/// the few members observed as JSON numbers and `Null` for nullable columns.
#[derive(Debug, Clone, PartialEq)]
pub enum LegacyValue {
    /// SQL NULL; JSON `null`, empty text elsewhere.
    Null,
    /// The normal case, numbers included.
    Str(String),
    /// A member that must be a JSON number on the wire.
    Num(i64),
}

impl LegacyValue {
    /// The JSON form, kept here so every renderer agrees on it.
    pub fn to_json(&self) -> Value {
        match self {
            LegacyValue::Null => Value::Null,
            LegacyValue::Str(text) => Value::String(text.clone()),
            LegacyValue::Num(number) => Value::from(*number),
        }
    }

    /// The text form for plain, CSV and template output, where NULL has no spelling but "".
    pub fn to_text(&self) -> String {
        match self {
            LegacyValue::Null => String::new(),
            LegacyValue::Str(text) => text.clone(),
            LegacyValue::Num(number) => number.to_string(),
        }
    }
}

impl From<&str> for LegacyValue {
    fn from(value: &str) -> Self {
        LegacyValue::Str(value.to_string())
    }
}

impl From<String> for LegacyValue {
    fn from(value: String) -> Self {
        LegacyValue::Str(value)
    }
}

impl From<Option<String>> for LegacyValue {
    fn from(value: Option<String>) -> Self {
        value.map_or(LegacyValue::Null, LegacyValue::Str)
    }
}

impl From<Option<&str>> for LegacyValue {
    fn from(value: Option<&str>) -> Self {
        value.map_or(LegacyValue::Null, LegacyValue::from)
    }
}

impl From<i64> for LegacyValue {
    fn from(value: i64) -> Self {
        LegacyValue::Num(value)
    }
}

/// A row as the legacy system printed it: field order is part of the contract, names may repeat
/// only by accident (lookups take the first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegacyRecord {
    fields: Vec<(String, LegacyValue)>,
    /// Text of each `Num` field by index, so [`LegacyRecord::get_str`] can lend a `&str` for it.
    number_texts: Vec<(usize, String)>,
}

impl LegacyRecord {
    /// An empty row, filled with [`LegacyRecord::push`] in legacy column order.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty row sized for wide legacy rows (the extension row has 148 members).
    pub fn with_capacity(capacity: usize) -> Self {
        Self { fields: Vec::with_capacity(capacity), number_texts: Vec::new() }
    }

    /// Appends a field; order of calls is order on the wire.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<LegacyValue>) {
        let value = value.into();
        if let LegacyValue::Num(number) = value {
            self.number_texts.push((self.fields.len(), number.to_string()));
        }
        self.fields.push((name.into(), value));
    }

    /// Replaces the text of the first field of that exact name, keeping its position; absent: no-op.
    pub fn set_text(&mut self, name: &str, value: impl Into<String>) {
        if let Some(index) = self.fields.iter().position(|(n, _)| n == name) {
            self.number_texts.retain(|(at, _)| *at != index);
            self.fields[index].1 = LegacyValue::Str(value.into());
        }
    }

    /// The first field of that exact name.
    pub fn get(&self, name: &str) -> Option<&LegacyValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// A field as text for callers that only need strings; NULL reads as absent.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        let index = self.fields.iter().position(|(n, _)| n == name)?;
        match &self.fields.get(index)?.1 {
            LegacyValue::Null => None,
            LegacyValue::Str(text) => Some(text),
            LegacyValue::Num(_) => self.number_texts.iter().find(|(at, _)| *at == index).map(|(_, text)| text.as_str()),
        }
    }

    /// The ordered fields, for renderers that walk them.
    pub fn fields(&self) -> &[(String, LegacyValue)] {
        &self.fields
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the row has no fields at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Applies §2.2 before any rendering: credential members keep their key (record shapes stay
    /// stable for index readers) but lose their value; nullable ones stay `null`.
    pub fn blank_credentials(&mut self) {
        for (name, value) in &mut self.fields {
            if is_credential_field(name) && *value != LegacyValue::Null {
                *value = LegacyValue::Str(String::new());
            }
        }
        let fields = &self.fields;
        self.number_texts.retain(|(at, _)| matches!(fields.get(*at), Some((_, LegacyValue::Num(_)))));
    }

    /// The named-only JSON object (EXTENSIONS, MANAGEDB records).
    pub fn to_json(&self) -> Value {
        let mut map = Map::with_capacity(self.fields.len());
        for (name, value) in &self.fields {
            map.insert(name.clone(), value.to_json());
        }
        Value::Object(map)
    }

    /// The PHP mixed-array shape of §0.9 (`"0"`, name0, `"1"`, name1 …) that clients index by
    /// position. Blank credentials first so both twins of a secret are empty.
    pub fn to_json_with_positional_twins(&self) -> Value {
        let mut map = Map::with_capacity(self.fields.len() * 2);
        for (index, (name, value)) in self.fields.iter().enumerate() {
            map.insert(index.to_string(), value.to_json());
            map.insert(name.clone(), value.to_json());
        }
        Value::Object(map)
    }

    /// The values as text cells, in order, for plain and CSV tables.
    pub fn values_as_text(&self) -> Vec<String> {
        self.fields.iter().map(|(_, value)| value.to_text()).collect()
    }
}

/// Explicitly listed credential names of §2.2 that the catch-all pattern would not all catch.
const CREDENTIAL_NAMES: &[&str] = &[
    "password",
    "secret",
    "md5secret",
    "remotesecret",
    "imappassword",
    "ex_webpassword",
    "ex_token",
    "ex_2fa_param1",
    "ex_2fa_param2",
    "ex_2fa_param3",
    "ex_lockpin",
    "te_recordingpassword",
    "us_password",
    "pin",
    "adminpin",
];

/// Names that look like secrets but are harmless flags or dates (§2.2 allow-list).
const NOT_CREDENTIALS: &[&str] = &["ex_token_validity", "ex_passwordlocked", "ex_pinlocked", "ex_neverexpire"];

/// Substrings of the §2.2 catch-all `(?i)(pass|secret|token|apikey|lockpin|2fa_param|^pin$|_pin$)`.
const CREDENTIAL_MARKERS: &[&str] = &["pass", "secret", "token", "apikey", "lockpin", "2fa_param"];

/// Whether a member must never be echoed (§2.2), deciding by name alone so it also covers joined
/// rows and columns nobody listed yet. Case-insensitive.
pub fn is_credential_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if NOT_CREDENTIALS.contains(&name.as_str()) {
        return false;
    }
    CREDENTIAL_NAMES.contains(&name.as_str())
        || CREDENTIAL_MARKERS.iter().any(|marker| name.contains(marker))
        || name == "pin"
        || name.ends_with("_pin")
        || (name.starts_with("cr_") && name.contains("pin"))
}

/// The MANAGEDB `list` answer (§2.1, Q-13/Q-14): an object keyed by id even when ids look like
/// array indexes, and `[]` when there are no rows, as PHP printed an empty array.
pub fn keyed_object(entries: impl IntoIterator<Item = (String, LegacyRecord)>) -> Value {
    let map: Map<String, Value> = entries.into_iter().map(|(id, record)| (id, record.to_json())).collect();
    if map.is_empty() { Value::Array(Vec::new()) } else { Value::Object(map) }
}

#[cfg(test)]
mod tests;
