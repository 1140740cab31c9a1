//! `limit` + opaque `cursor` on every list.

use std::borrow::Cow;

use base64::Engine as _;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
// `Type` stays unimported: its `is_empty` would shadow `str::is_empty` on the `&&str` below.
use poem_openapi::types::{ParseError, ParseFromParameter, ParseResult};

use super::problem::ApiError;
use crate::service::objects::PageRequest;

/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 500;

const CURSOR_VERSION: &str = "v1:";

/// Validates `limit` and decodes `cursor`.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("limit must be between 1 and {MAX_LIMIT}")));
    }
    let after_id = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => Some(decode(cursor).ok_or_else(|| {
            ApiError::new(
                poem::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_cursor",
                Some("cursor is not one this API issued".to_string()),
            )
        })?),
    };
    Ok(PageRequest { after_id, limit: i64::from(limit) })
}

/// The `limit` query parameter of a list whose pages hold at most `MAX` items: the schema shows the
/// bounds (1 to `MAX`, default [`DEFAULT_LIMIT`]), so a client (or a generated client) knows them.
/// Any whole number parses: the handler checks the bounds ([`page_request`]), so a value outside
/// them answers 422 `validation_failed` with the field as before, never the framework's 400; text
/// that is no number at all still answers 400 `invalid_request`.
#[derive(Debug, Clone, Copy)]
pub struct Limit<const MAX: u32 = MAX_LIMIT>(i64);

impl<const MAX: u32> Limit<MAX> {
    /// The value, saturated into `u32`: a negative one reads as 0 and a larger one as `u32::MAX`,
    /// both outside `1..=MAX`, so the bounds check refuses them with its usual answer.
    pub fn get(self) -> u32 {
        u32::try_from(self.0.max(0)).unwrap_or(u32::MAX)
    }
}

impl<const MAX: u32> poem_openapi::types::Type for Limit<MAX> {
    const IS_REQUIRED: bool = true;
    type RawValueType = i64;
    type RawElementValueType = i64;

    fn name() -> Cow<'static, str> {
        format!("limit_1_{MAX}").into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            format: Some("int32"),
            minimum: Some(1.0),
            maximum: Some(f64::from(MAX)),
            default: Some(DEFAULT_LIMIT.into()),
            ..MetaSchema::new("integer")
        }))
    }

    fn as_raw_value(&self) -> Option<&i64> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a i64> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl<const MAX: u32> ParseFromParameter for Limit<MAX> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        let (negative, digits) = match value.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, value.strip_prefix('+').unwrap_or(value)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::custom(format!("`{value}` is not a whole number")));
        }
        // Digits beyond i64 are a whole number too, and out of bounds either way.
        let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
        Ok(Limit(if negative { -magnitude } else { magnitude }))
    }
}

/// Encodes the cursor of the next page.
pub fn next_cursor(next_after: Option<i64>) -> Option<String> {
    next_after.map(|id| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}{id}")))
}

fn decode(cursor: &str) -> Option<i64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(CURSOR_VERSION)?.parse().ok().filter(|id: &i64| *id >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = next_cursor(Some(42));
        assert_eq!(page_request(Some(10), cursor.as_deref()).map(|p| (p.after_id, p.limit)).ok(), Some((Some(42), 10)));
        assert!(page_request(None, Some("garbage")).is_err());
        assert!(page_request(Some(0), None).is_err());
        assert!(page_request(Some(501), None).is_err());
        assert_eq!(next_cursor(None), None);
        assert_eq!(page_request(None, Some("")).map(|p| p.after_id).ok(), Some(None));
    }

    #[test]
    fn a_limit_parses_any_whole_number_and_the_bounds_check_refuses_those_outside() {
        let limit = |text: &str| Limit::<500>::parse_from_parameter(text).map(Limit::get).ok();
        assert_eq!(limit("10"), Some(10));
        assert_eq!(limit("-5"), Some(0));
        assert_eq!(limit("99999999999999999999999"), Some(u32::MAX));
        assert_eq!(limit("-99999999999999999999999"), Some(0));
        assert_eq!(limit("ten"), None);
        assert_eq!(limit(""), None);
        assert_eq!(limit("-"), None);
        assert!(page_request(limit("-5"), None).is_err());
        assert!(page_request(limit("99999999999999999999999"), None).is_err());
    }
}
