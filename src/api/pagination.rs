//! `limit` + opaque `cursor` on every list.

use base64::Engine as _;

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
    }
}
