//! The `Idempotency-Key` of every creating REST POST, as one layer around the REST door (the rules
//! are in `service::idempotency`). It sits inside CORS, so replays carry the same CORS headers as
//! first answers, and inside compression, so stored bodies are the plain ones.

use std::sync::Arc;

use poem::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OperationId;

use super::routes::RestRoutes;
use crate::api::problem::ApiError;
use crate::auth::principal::Subject;
use crate::service::Core;
use crate::service::idempotency::{self, Answer, Claim};

const KEY: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";

/// The headers that belong to an answer and are replayed with it. Those of the exchange (request
/// id, rate limits, CORS) are written afresh for every request.
const KEPT_HEADERS: [HeaderName; 7] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::CONTENT_LOCATION,
    header::ETAG,
    header::LAST_MODIFIED,
    header::LINK,
    header::CONTENT_DISPOSITION,
];

/// Serves `req` through `ep`, replaying or refusing it when its key says so.
pub(super) async fn around<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    core: Core,
    routes: Arc<RestRoutes>,
) -> poem::Result<Response> {
    let operation = match keyed_operation(&req, &routes) {
        Some(operation) => operation,
        None => return ep.call(req).await.map(IntoResponse::into_response),
    };
    let claimed = match claim(&core, &mut req, operation).await {
        Ok(claimed) => claimed,
        Err(answer) => return Ok(answer),
    };
    match ep.call(req).await {
        Ok(resp) => Ok(claimed.finish(resp.into_response()).await),
        Err(err) => {
            claimed.release().await;
            Err(err)
        }
    }
}

/// The operation id of a POST the layer serves that carries a key.
fn keyed_operation(req: &Request, routes: &RestRoutes) -> Option<&'static str> {
    if req.method() != Method::POST || !req.headers().contains_key(KEY) {
        return None;
    }
    routes.find(req.uri().path())?.keyed_post
}

/// Reserves the key of `req` or answers for it (a replay, a refusal).
async fn claim(core: &Core, req: &mut Request, operation: &'static str) -> Result<Claimed, Response> {
    let answer = |resp: Response| {
        let mut resp = resp;
        resp.set_data(OperationId(operation));
        resp
    };
    // The credential first: without one the answer is the door's 401, whatever the key.
    let principal = crate::api::security::principal_from_headers(core, req.headers())
        .await
        .map_err(|err| answer(super::with_auth_challenge(err.into_response())))?;
    let scope = match principal.subject {
        Subject::ApiKey { id } => format!("key {id}"),
        Subject::User { id } => format!("user {id}"),
        Subject::System => "system".to_string(),
    };
    let key = req.headers().get(KEY).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    // The body is in memory already (the HTTP layer read it within its limits).
    let body = req.take_body().into_bytes().await.unwrap_or_default();
    req.set_body(body.clone());
    let content_type = req.headers().get(header::CONTENT_TYPE).map_or(&b""[..], HeaderValue::as_bytes);
    let target = req.uri().path_and_query().map_or(req.uri().path(), |pq| pq.as_str());
    let fingerprint =
        idempotency::request_digest([req.method().as_str().as_bytes(), target.as_bytes(), content_type, &body[..]]);
    match idempotency::claim(core, &scope, &key, &fingerprint).await {
        Ok(Claim::Reserved) => Ok(Claimed { core: core.clone(), scope, key, finished: false }),
        Ok(Claim::Replay(stored)) => Err(answer(replay(stored))),
        Ok(Claim::Reused) => Err(answer(super::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            Some("this Idempotency-Key was used for a different request".into()),
        ))),
        Ok(Claim::InFlight) => {
            let mut resp = super::problem(
                StatusCode::CONFLICT,
                "idempotency_key_in_flight",
                Some("a request with this Idempotency-Key is still being served; retry shortly".into()),
            );
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(answer(resp))
        }
        Err(err) => Err(answer(ApiError::from(err).into_response())),
    }
}

/// The stored answer again, marked as a replay.
fn replay(stored: Answer) -> Response {
    let mut resp = Response::builder().status(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    for (name, value) in &stored.headers {
        resp = resp.header(name.as_str(), value.as_str());
    }
    let mut resp = resp.body(stored.body);
    resp.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    resp
}

/// A key reserved by the request being served. Dropped unfinished (an error, the request
/// deadline, a client gone), it frees the key, so that a retry runs the request again.
struct Claimed {
    core: Core,
    scope: String,
    key: String,
    finished: bool,
}

impl Claimed {
    /// Stores a 2xx answer for replays; frees the key after any other.
    async fn finish(mut self, mut resp: Response) -> Response {
        if !resp.status().is_success() {
            self.release().await;
            return resp;
        }
        let body = match resp.take_body().into_bytes().await {
            Ok(body) => body,
            Err(err) => {
                tracing::warn!(error = %err, "answer body unreadable; idempotency key freed");
                self.release().await;
                return super::problem(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", None);
            }
        };
        let headers = KEPT_HEADERS
            .iter()
            .flat_map(|name| resp.headers().get_all(name).iter().map(move |value| (name, value)))
            .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
            .collect();
        let stored = Answer { status: resp.status().as_u16(), headers, body: body.to_vec() };
        match idempotency::complete(&self.core, &self.scope, &self.key, &stored).await {
            Ok(()) => self.finished = true,
            Err(err) => tracing::warn!(error = %err, "idempotency answer not stored; key freed"),
        }
        resp.set_body(body);
        resp.headers_mut().insert(REPLAYED, HeaderValue::from_static("false"));
        resp
    }
}

impl Claimed {
    /// Frees the key now, so that an immediate retry runs the request again.
    async fn release(mut self) {
        if let Err(err) = idempotency::release(&self.core, &self.scope, &self.key).await {
            tracing::warn!(error = %err, "idempotency key not freed; it frees itself after the request deadline");
        }
        self.finished = true;
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (core, scope, key) = (self.core.clone(), std::mem::take(&mut self.scope), std::mem::take(&mut self.key));
        runtime.spawn(async move {
            if let Err(err) = idempotency::release(&core, &scope, &key).await {
                tracing::warn!(error = %err, "idempotency key not freed; it frees itself after the request deadline");
            }
        });
    }
}
