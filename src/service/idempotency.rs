//! Idempotency keys of REST writes: one rule for what a key may look like, one digest of "the same
//! request", and the stored answers behind the gateway-wide `Idempotency-Key` of every creating
//! POST.
//!
//! **Every creating POST** (an operation of the OpenAPI document answering 201) accepts an optional
//! `Idempotency-Key`; the HTTP layer (`app::idempotency`) applies this module around the handler,
//! so no operation repeats it. Keys are scoped per credential (`key 12`, `user 3`): the same key of
//! another credential, even of the same tenant, is another key, and nobody can read an answer
//! stored for someone else. The same key with the same request (method, path and query,
//! content type, body bytes) replays the first answer; with another request it is 422
//! `idempotency_key_reused`; while the first request still runs it is 409
//! `idempotency_key_in_flight`. Only 2xx answers are stored: after a failure the key is free again.
//! Keys live `PBXGW_IDEMPOTENCY_KEY_TTL_SECS` (a day by default).
//!
//! **Three operations keep their own key** and the layer steps aside for them (they declare the
//! header themselves, which is how the layer knows; placing a call answers 202, not 201, anyway):
//! placing a call, sending a fax and adjusting a balance. There the key is part of the side effect
//! itself, written in the same transaction as the originate record, the queued fax row or the
//! balance movement. A stored HTTP answer cannot give that: if the process dies between the side
//! effect and storing the answer, the layer's key is freed after the request deadline and a retry
//! would dial, fax or credit twice; the per-operation key still finds the first call, fax or
//! movement. Their answers differ (a call or fax replay is 200 with the object as it is now;
//! a balance replay does not compare bodies and its keys are per tenant); making them one rule
//! means moving those operations onto this layer while keeping their transactional key inside.

use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{Core, ServiceError, ServiceResult};
use crate::store::idempotency as store;

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

/// An answer as stored and replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status (2xx).
    pub status: u16,
    /// The headers that belong to the answer (`Location`, `Content-Type`, ...), not to the exchange.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: run it, then [`complete`] or [`release`].
    Reserved,
    /// The same request succeeded before: answer this.
    Replay(Answer),
    /// The key was used for another request.
    Reused,
    /// The same request is running now.
    InFlight,
}

/// Claims `key` of `scope` for the request with digest `fingerprint`.
pub async fn claim(core: &Core, scope: &str, key: &str, fingerprint: &str) -> ServiceResult<Claim> {
    check_key(key)?;
    let now = now_secs();
    let ttl = i64::try_from(core.config().idempotency_key_ttl.as_secs()).unwrap_or(i64::MAX).max(1);
    // A pending row older than the request deadline (plus a margin) lost its request: the process
    // ended while it ran. The same request may take it over.
    let deadline = i64::try_from(core.config().http.request_timeout.as_secs()).unwrap_or(i64::MAX);
    let stale_before = now.saturating_sub(deadline.saturating_add(5));
    let mut conn = core.db().pool().acquire().await?;
    forget_expired_now_and_then(&mut conn, now).await;
    // Twice at most: a row found by the insert may be gone (released, expired) when read.
    for _ in 0..2 {
        if store::reserve(&mut conn, scope, key, fingerprint, now, now.saturating_add(ttl), stale_before).await? {
            return Ok(Claim::Reserved);
        }
        let Some(row) = store::find(&mut conn, scope, key, now).await? else { continue };
        if row.fingerprint != fingerprint {
            return Ok(Claim::Reused);
        }
        return Ok(match row.answer {
            Some(stored) => Claim::Replay(decode(stored)),
            None => Claim::InFlight,
        });
    }
    Ok(Claim::InFlight)
}

/// Stores the answer of the request that reserved `key` of `scope`.
pub async fn complete(core: &Core, scope: &str, key: &str, answer: &Answer) -> ServiceResult<()> {
    let stored = store::StoredAnswer {
        status: answer.status,
        headers: serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".into()),
        body: base64::engine::general_purpose::STANDARD.encode(&answer.body),
    };
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::complete(&mut conn, scope, key, &stored).await?)
}

/// Frees `key` of `scope` after its request failed.
pub async fn release(core: &Core, scope: &str, key: &str) -> ServiceResult<()> {
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::release(&mut conn, scope, key).await?)
}

fn decode(stored: store::StoredAnswer) -> Answer {
    Answer {
        status: stored.status,
        headers: serde_json::from_str(&stored.headers).unwrap_or_default(),
        body: base64::engine::general_purpose::STANDARD.decode(stored.body).unwrap_or_default(),
    }
}

/// Deletes expired keys at most every ten minutes (per process), on the way of a claim.
async fn forget_expired_now_and_then(conn: &mut sqlx::AnyConnection, now: i64) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let last = LAST.load(Ordering::Relaxed);
    if now - last < 600 || LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
        return;
    }
    match store::forget_expired(conn, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(keys = n, "expired idempotency keys deleted"),
        Err(err) => tracing::warn!(error = %err, "expired idempotency keys not deleted"),
    }
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}
