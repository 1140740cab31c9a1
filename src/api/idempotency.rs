//! The `Idempotency-Key` request header of the operations that must not take effect twice (placing a
//! call, sending a fax, adjusting a balance).

use std::borrow::Cow;

use poem::http::StatusCode;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseFromParameter, ParseResult, Type};

use super::problem::ApiError;

/// Longest key, as `service::idempotency::check_key` enforces it.
const MAX_LEN: usize = 255;

/// The header as the document shows it: required, 1-255 visible ASCII characters. Parsing takes any
/// value and an absent header too, so the answers stay the handler's: an absent key is 400
/// `idempotency_key_required` ([`IdempotencyKey::require`]), a malformed one 422 `validation_failed`
/// from the service's check, never the framework's generic 400.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl IdempotencyKey {
    /// The key, or the 400 `idempotency_key_required` answer naming `operation` (`POST /calls`).
    pub fn require(self, operation: &str) -> Result<String, ApiError> {
        self.0.ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                Some(format!("{operation} needs an Idempotency-Key header")),
            )
        })
    }
}

impl Type for IdempotencyKey {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        "idempotency_key".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            min_length: Some(1),
            max_length: Some(MAX_LEN),
            pattern: Some("^[!-~]+$".to_string()),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&String> {
        self.0.as_ref()
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(self.0.iter())
    }
}

impl ParseFromParameter for IdempotencyKey {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(IdempotencyKey(Some(value.to_string())))
    }

    fn parse_from_parameters<I: IntoIterator<Item = A>, A: AsRef<str>>(iter: I) -> ParseResult<Self> {
        Ok(IdempotencyKey(iter.into_iter().next().map(|value| value.as_ref().to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_key_is_the_handlers_400_and_any_value_parses() {
        let absent = IdempotencyKey::parse_from_parameters(Vec::<&str>::new()).ok();
        assert_eq!(absent.map(|key| key.require("POST /calls").is_err()), Some(true));
        let odd = IdempotencyKey::parse_from_parameters(["  spaced  "]).ok();
        assert_eq!(odd.and_then(|key| key.require("POST /calls").ok()).as_deref(), Some("  spaced  "));
    }
}
