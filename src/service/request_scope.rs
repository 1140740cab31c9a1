//! What the HTTP layer knows about the request being served, for the service code that needs it
//! without every door passing it along: the client's address (login counters, key address lists),
//! the request id and door (audit entries) and the tightest rate-limit decision taken (answered as
//! `RateLimit-*` headers). Outside a request (CLI, background tasks) there is no client and
//! decisions are not kept.

use std::cell::RefCell;
use std::net::IpAddr;

/// The verdict for one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The limit of the bucket.
    pub limit: u64,
    /// Requests still allowed in this window after this one.
    pub remaining: u64,
    /// Seconds until the window ends.
    pub reset_secs: u64,
    /// Whether this request is allowed.
    pub allowed: bool,
}

/// Where a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// `/v1/...`
    Rest,
    /// `proxyapi.php`
    Legacy,
}

impl Door {
    /// The name stored in audit entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Door::Rest => "rest",
            Door::Legacy => "legacy",
        }
    }
}

/// The request being served, as the HTTP layer saw it.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// The client's address (after trusted proxies).
    pub client: Option<IpAddr>,
    /// The request's `X-Request-Id`.
    pub request_id: String,
    /// The door it came through.
    pub door: Door,
}

struct RequestScope {
    info: RequestInfo,
    rate: RefCell<Option<Decision>>,
    /// Rate-limit buckets already charged for this request: a large body authenticates before it
    /// is read and again in its door, and must count once.
    charged: RefCell<Vec<String>>,
}

tokio::task_local! {
    static SCOPE: RequestScope;
}

/// Serves `request` described by `info`; answers its output and the rate-limit decision.
pub async fn run<F: std::future::Future>(info: RequestInfo, request: F) -> (F::Output, Option<Decision>) {
    let scope = RequestScope { info, rate: RefCell::new(None), charged: RefCell::new(Vec::new()) };
    SCOPE
        .scope(scope, async move {
            let output = request.await;
            let decision = SCOPE.with(|scope| *scope.rate.borrow());
            (output, decision)
        })
        .await
}

/// The address of the client being served, if any.
pub fn client() -> Option<IpAddr> {
    SCOPE.try_with(|scope| scope.info.client).ok().flatten()
}

/// The request being served; `None` outside a request (command line, background tasks).
pub fn current() -> Option<RequestInfo> {
    SCOPE.try_with(|scope| scope.info.clone()).ok()
}

/// Whether `bucket` is charged for the first time in this request (always true outside one);
/// remembers it.
pub(crate) fn first_charge(bucket: &str) -> bool {
    SCOPE
        .try_with(|scope| {
            let mut charged = scope.charged.borrow_mut();
            if charged.iter().any(|seen| seen == bucket) {
                return false;
            }
            charged.push(bucket.to_string());
            true
        })
        .unwrap_or(true)
}

/// Keeps `decision` when it is tighter than the one kept so far: a refusal over an allowance,
/// then the fewest remaining requests.
pub(crate) fn note_rate(decision: Decision) {
    let _ = SCOPE.try_with(|scope| {
        let mut kept = scope.rate.borrow_mut();
        let tighter =
            kept.is_none_or(|seen| !decision.allowed || (seen.allowed && decision.remaining < seen.remaining));
        if tighter {
            *kept = Some(decision);
        }
    });
}
