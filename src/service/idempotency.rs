//! Idempotency keys of REST writes that must never happen twice (fax send, originate): one rule for
//! what a key may look like, one digest of "the same request".

use sha2::{Digest, Sha256};

use super::{ServiceError, ServiceResult};

/// Refuses keys that are empty, longer than 255 or not visible ASCII.
pub fn check_key(key: &str) -> ServiceResult<()> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ServiceError::invalid("Idempotency-Key", "must be 1-255 visible ASCII characters"));
    }
    Ok(())
}

/// Digest of the parts of a request the caller chose, NUL-separated so `("ab","c")` and
/// `("a","bc")` differ.
pub fn request_digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}
