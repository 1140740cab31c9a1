//! Request rate limits per client address and per credential, shared by every replica on one
//! database. Each replica decides in memory (no database round trip on the request path) and
//! adds its counts to the shared window in `rl_rate_limits` every [`SYNC_INTERVAL`], learning the
//! other replicas' counts in the same statement. A burst spread over N replicas can therefore pass
//! the limit by what they admit within one sync interval; a single replica never does.
//!
//! Windows are fixed: `window_secs` long, aligned to the Unix epoch. The decision of the tightest
//! bucket a request was charged to is kept for the request (`service::request_scope`),
//! which answers it with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and, when
//! refused, `Retry-After`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::request_scope::Decision;
use super::{Core, ServiceError, ServiceResult};

/// How often a replica adds its counts to the shared windows.
pub const SYNC_INTERVAL: Duration = Duration::from_millis(500);

/// The limits (requests per window); 0 switches a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Length of a window in seconds.
    pub window_secs: u64,
    /// Requests per window from one client address, whatever credential they carry.
    pub per_address: u64,
    /// Requests per window with one credential (API key, user token, legacy key).
    pub per_credential: u64,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings { window_secs: 60, per_address: 1200, per_credential: 600 }
    }
}

#[derive(Debug, Default)]
struct Bucket {
    window: u64,
    limit: u64,
    /// Counted here, not yet added to the shared window.
    pending: u64,
    /// Counted here and being added to the shared window by a sync now: still part of what this
    /// replica used until the sync has learnt the new total.
    flushing: u64,
    /// The shared window's count as of the last sync (all replicas, including this one's flushed
    /// counts).
    shared: u64,
}

/// The in-memory side of the limiter. One per process, in the service core.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl RateLimiter {
    /// Counts one request against `bucket` (limit `limit` per window); refuses it when the window
    /// is full. The decision is remembered for the request when it is the tightest so far.
    pub fn charge(&self, settings: &RateLimitSettings, bucket: String, limit: u64) -> ServiceResult<()> {
        if limit == 0 || settings.window_secs == 0 || !super::request_scope::first_charge(&bucket) {
            return Ok(());
        }
        let now = now_secs();
        let window = now / settings.window_secs;
        let reset_secs = (window + 1) * settings.window_secs - now;
        let decision = {
            let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = buckets.entry(bucket).or_default();
            if entry.window != window {
                *entry = Bucket { window, limit, pending: 0, flushing: 0, shared: 0 };
            }
            let used = entry.shared + entry.flushing + entry.pending;
            let allowed = used < limit;
            if allowed {
                entry.pending += 1;
            }
            Decision { limit, remaining: limit.saturating_sub(used + u64::from(allowed)), reset_secs, allowed }
        };
        super::request_scope::note_rate(decision);
        if decision.allowed { Ok(()) } else { Err(ServiceError::RateLimited { retry_after_secs: reset_secs.max(1) }) }
    }

    /// Adds the pending counts to the shared windows and learns the totals; forgets old windows.
    /// Buckets past half their limit are read back even when nothing is pending here, so that a
    /// replica learns soon when the others used up a budget it is near the end of.
    pub async fn sync(&self, core: &Core) -> ServiceResult<()> {
        let window_secs = core.config().rate_limits.window_secs;
        if window_secs == 0 {
            return Ok(());
        }
        let flush = self.begin_flush(now_secs() / window_secs);
        if flush.is_empty() {
            return Ok(());
        }
        let mut conn = match core.db().pool().acquire().await {
            Ok(conn) => conn,
            Err(err) => {
                self.finish_flush(&[], &[], &flush);
                return Err(err.into());
            }
        };
        let mut totals = Vec::with_capacity(flush.len());
        for (added, (key, window, count)) in flush.iter().enumerate() {
            match crate::store::rate_limits::add(&mut conn, key, *window, *count).await {
                Ok(total) => totals.push(total),
                Err(err) => {
                    // What was added is settled; the rest is counted again next time rather than lost.
                    self.finish_flush(&flush[..added], &totals, &flush[added..]);
                    return Err(err.into());
                }
            }
        }
        self.finish_flush(&flush, &totals, &[]);
        crate::store::rate_limits::forget_before(&mut conn, now_secs() / window_secs).await?;
        Ok(())
    }

    /// Moves the pending counts of the buckets to add to the shared windows (those with counts, and
    /// those past half their limit, to learn the others' counts) to `flushing`; forgets old windows.
    fn begin_flush(&self, current: u64) -> Vec<(String, u64, u64)> {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        buckets.retain(|_, bucket| bucket.window == current);
        buckets
            .iter_mut()
            .filter(|(_, bucket)| bucket.pending > 0 || bucket.shared * 2 >= bucket.limit)
            .map(|(key, bucket)| {
                let count = std::mem::take(&mut bucket.pending);
                bucket.flushing += count;
                (key.clone(), bucket.window, count)
            })
            .collect()
    }

    /// Ends a flush: the `added` counts are in the shared windows, whose new totals are `totals`;
    /// the `failed` ones go back to pending.
    fn finish_flush(&self, added: &[(String, u64, u64)], totals: &[u64], failed: &[(String, u64, u64)]) {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for ((key, window, count), total) in added.iter().zip(totals) {
            if let Some(bucket) = buckets.get_mut(key).filter(|b| b.window == *window) {
                bucket.shared = bucket.shared.max(*total);
                bucket.flushing = bucket.flushing.saturating_sub(*count);
            }
        }
        for (key, window, count) in failed {
            if let Some(bucket) = buckets.get_mut(key).filter(|b| b.window == *window) {
                bucket.flushing = bucket.flushing.saturating_sub(*count);
                bucket.pending += count;
            }
        }
    }
}

/// Counts a request from `address` (the HTTP layer, before anything else).
pub fn charge_address(core: &Core, address: std::net::IpAddr) -> ServiceResult<()> {
    let settings = &core.config().rate_limits;
    let result = core.rate_limiter().charge(settings, format!("addr {address}"), settings.per_address);
    count_refusal(core, result)
}

/// Counts a request made with the credential `subject` (`key 12`, `user 3`), once it is known.
pub fn charge_credential(core: &Core, subject: &str) -> ServiceResult<()> {
    let settings = &core.config().rate_limits;
    let result = core.rate_limiter().charge(settings, format!("cred {subject}"), settings.per_credential);
    count_refusal(core, result)
}

fn count_refusal(core: &Core, result: ServiceResult<()>) -> ServiceResult<()> {
    if result.is_err() {
        core.metrics().record_rate_limited();
    }
    result
}

/// Syncs the shared windows every [`SYNC_INTERVAL`] for as long as the process runs.
pub fn spawn_sync(core: Core) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(SYNC_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if core.db().pool().is_closed() {
                return; // shutting down
            }
            if let Err(err) = core.rate_limiter().sync(&core).await {
                tracing::warn!(error = %err, "rate limit counts not shared this round");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_limit_per_window_then_refuses_until_the_next() {
        let limiter = RateLimiter::default();
        let settings = RateLimitSettings { window_secs: 3600, per_address: 3, per_credential: 3 };
        for _ in 0..3 {
            assert!(limiter.charge(&settings, "a".into(), 3).is_ok());
        }
        let refused = limiter.charge(&settings, "a".into(), 3);
        assert!(matches!(refused, Err(ServiceError::RateLimited { retry_after_secs }) if retry_after_secs >= 1));
        assert!(limiter.charge(&settings, "b".into(), 3).is_ok(), "buckets are separate");
        assert!(limiter.charge(&settings, "a".into(), 0).is_ok(), "0 = no limit");
    }

    /// Found by `rate_limits::a_credential_gets_its_limit_through_both_doors_together`: counts taken
    /// for a sync were in neither `pending` nor `shared` until the database answered, so a request in
    /// between saw the budget as unused and one replica could pass its limit.
    #[test]
    fn counts_being_synced_still_count() {
        let limiter = RateLimiter::default();
        let settings = RateLimitSettings { window_secs: 3600, per_address: 0, per_credential: 3 };
        let window = now_secs() / settings.window_secs;
        for _ in 0..2 {
            assert!(limiter.charge(&settings, "a".into(), 3).is_ok());
        }
        let flush = limiter.begin_flush(window);
        assert_eq!(flush, vec![("a".to_string(), window, 2)]);
        assert!(limiter.charge(&settings, "a".into(), 3).is_ok(), "the third request");
        assert!(limiter.charge(&settings, "a".into(), 3).is_err(), "the fourth, while the sync runs");
        // The sync lands (total 2 in the shared window): the limit still holds, nothing is counted twice.
        limiter.finish_flush(&flush, &[2], &[]);
        assert!(limiter.charge(&settings, "a".into(), 3).is_err());
        // A sync that fails puts its counts back to pending, still counted.
        let flush = limiter.begin_flush(window);
        limiter.finish_flush(&[], &[], &flush);
        assert!(limiter.charge(&settings, "a".into(), 3).is_err());
        let buckets = limiter.buckets.lock().expect("buckets");
        let bucket = &buckets["a"];
        assert_eq!((bucket.shared, bucket.flushing, bucket.pending), (2, 0, 1));
    }
}
