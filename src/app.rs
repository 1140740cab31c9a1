//! Builds the HTTP application: the REST door, the legacy door, the spec and Swagger UI, and the
//! request context every request goes through (request id, tracing span, access log, body limit,
//! problem+json for framework errors).

mod compression;
mod idempotency;
mod routes;

use std::sync::Arc;
use std::time::Instant;

use poem::http::{HeaderValue, StatusCode, header};
use poem::web::Json as PoemJson;
use poem::{Body, Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Request, Response, Route};
use tracing::Instrument as _;

use poem_openapi::OperationId;

use crate::api::problem::Problem;
use crate::domain::address_range::AddressRange;
use crate::legacy::endpoint::proxyapi;
use crate::service::Core;
use crate::service::request_scope::{Door, RequestInfo};

/// Header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// The whole application over `core`. From the inside out: the REST door behind the check of
/// request bodies against the document, under the idempotency layer, REST and docs under compression (the legacy door never: its clients get the vendor's
/// bytes whatever they send), CORS, then the request context and the HTTP layer's limits.
pub fn build(core: Core) -> impl Endpoint<Output = Response> + 'static {
    let rest = crate::api::service(core.clone());
    let document = crate::api::document::Document::of(&rest);
    let request_check = crate::api::request_check::RequestCheck::of(&document.value);
    let routes = Arc::new(routes::RestRoutes::from_document(&document.json));
    let keyed = {
        let (core, routes) = (core.clone(), routes.clone());
        request_check
            .wrap(rest.into_endpoint())
            .around(move |ep, req| idempotency::around(ep, req, core.clone(), routes.clone()))
    };
    let docs = Arc::new(compression::Fixed::new(document.ui, "text/html; charset=utf-8"));
    let compressed = Route::new()
        .at("/openapi.json", compression::Fixed::new(document.json, "application/json"))
        .at("/openapi.yaml", compression::Fixed::new(document.yaml, "application/x-yaml"))
        .at("/docs", docs.clone())
        .at("/docs/", docs)
        .nest("/", keyed)
        .around(compression::around);
    let mut route = Route::new();
    for path in LEGACY_PATHS {
        route = route.at(path, proxyapi);
    }
    route
        .nest("/", compressed)
        .with_if(!core.config().cors_origins.is_empty(), cors(&core.config().cors_origins))
        .data(core.clone())
        .around(move |ep, req| request_context(ep, req, core.clone(), routes.clone()))
        .into_endpoint()
        .map_to_response()
}

/// Cross-origin access for the configured web origins only (an empty list would let poem's `Cors`
/// allow every origin, so it is not installed then): preflights answered, the credential headers
/// accepted, and the headers a client reads (request id, rate limits, paging, downloads) exposed.
fn cors(origins: &[String]) -> poem::middleware::Cors {
    use poem::http::Method;
    poem::middleware::Cors::new()
        .allow_origins(origins.iter().map(String::as_str))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers(["authorization", "x-api-key", "content-type", "idempotency-key", "x-request-id", "range"])
        .expose_headers([
            "x-request-id",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
            "retry-after",
            "location",
            "content-range",
            "content-disposition",
            "idempotent-replayed",
        ])
        .max_age(600)
}

/// Where the legacy door answers (the vendor's path and the two prefixes deployments used).
pub const LEGACY_PATHS: [&str; 3] = ["/proxyapi.php", "/mirtapbx/proxyapi.php", "/pbx/proxyapi.php"];

async fn request_context<E: Endpoint>(
    ep: E,
    req: Request,
    core: Core,
    routes: Arc<routes::RestRoutes>,
) -> poem::Result<Response> {
    let request_id = incoming_request_id(&req).unwrap_or_else(new_request_id);
    let started = Instant::now();
    // The path only: legacy query strings carry keys and must never reach a log line.
    // At warn level, so that warnings and errors keep their request id when info is filtered out.
    let span = tracing::warn_span!("request", id = %request_id, method = %req.method(), path = %req.uri().path());
    let path = req.uri().path().to_string();
    let method = method_label(req.method());
    async move {
        let client = client_address(&req, &core.config().trusted_proxies);
        let door = if LEGACY_PATHS.contains(&path.as_str()) { Door::Legacy } else { Door::Rest };
        let info = RequestInfo { client, request_id: request_id.clone(), door };
        let (mut resp, rate) = crate::service::request_scope::run(info, answer(ep, req, &core, &routes)).await;
        if let Some(rate) = rate {
            add_rate_limit_headers(&mut resp, &rate);
        }
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            resp.headers_mut().insert(REQUEST_ID, value);
        }
        let elapsed = started.elapsed();
        tracing::info!(status = resp.status().as_u16(), latency_ms = elapsed.as_millis() as u64, "served");
        let route = route_label(&path, resp.data::<OperationId>());
        core.metrics().record_request(route, method, resp.status().as_u16(), elapsed);
        Ok(resp)
    }
    .instrument(span)
    .await
}

/// The response to a request: the HTTP layer's limits first (address rate limit, target length,
/// body size and time), then the door, within the request deadline; `Allow` on a 405.
async fn answer<E: Endpoint>(ep: E, req: Request, core: &Core, routes: &routes::RestRoutes) -> Response {
    let route = routes.find(req.uri().path()).map(|route| route.allow.clone());
    let options = req.method() == poem::http::Method::OPTIONS;
    let mut resp = limited(ep, req, core).await;
    if resp.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(allow) = route
    {
        resp.headers_mut().insert(header::ALLOW, allow);
        // OPTIONS that CORS did not answer (no origins configured, or not a preflight): the methods.
        if options {
            resp.set_status(StatusCode::NO_CONTENT);
            resp.headers_mut().remove(header::CONTENT_TYPE);
            resp.headers_mut().remove(header::CONTENT_LENGTH);
            resp.set_body(Body::empty());
        }
    }
    resp
}

/// [`answer`] without the `Allow` header.
async fn limited<E: Endpoint>(ep: E, mut req: Request, core: &Core) -> Response {
    let limits = &core.config().http;
    let legacy = LEGACY_PATHS.contains(&req.uri().path());
    if let Some(client) = crate::service::request_scope::client()
        && let Err(refusal) = crate::service::rate_limit::charge_address(core, client)
    {
        return if legacy {
            crate::legacy::endpoint::refusal(&req, refusal)
        } else {
            crate::api::problem::ApiError::from(refusal).into_response()
        };
    }
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > limits.max_uri_bytes {
        let detail = format!("request targets are limited to {} bytes", limits.max_uri_bytes);
        return problem(StatusCode::URI_TOO_LONG, "uri_too_long", Some(detail));
    }
    if let Err(resp) = read_body(core, &mut req).await {
        return resp;
    }
    match tokio::time::timeout(limits.request_timeout, ep.call(req)).await {
        Ok(Ok(resp)) => resp.into_response(),
        Ok(Err(err)) => {
            let operation = err.data::<OperationId>().copied();
            let mut resp = problem_from_error(err);
            if let Some(operation) = operation {
                resp.set_data(operation);
            }
            resp
        }
        Err(_) => {
            tracing::warn!(timeout_secs = limits.request_timeout.as_secs(), "request timed out");
            let detail = "the request took too long; it may or may not have taken effect".to_string();
            let mut resp = problem(StatusCode::SERVICE_UNAVAILABLE, "timeout", Some(detail));
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            resp
        }
    }
}

/// `RateLimit-Limit`, `-Remaining`, `-Reset` (IETF draft, as most APIs send them) on every
/// answer that was counted, and `Retry-After` on a refusal.
fn add_rate_limit_headers(resp: &mut Response, rate: &crate::service::request_scope::Decision) {
    let headers = resp.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(rate.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(rate.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(rate.reset_secs));
    if !rate.allowed {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(rate.reset_secs.max(1)));
    }
}

/// The client of a request: the TCP peer, or, when the peer is a trusted proxy, the nearest address
/// in `X-Forwarded-For` (read from the right) that is not a trusted proxy. Entries left of it were
/// written by the client itself and are never believed.
fn client_address(req: &Request, trusted: &[AddressRange]) -> Option<std::net::IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(|addr| addr.ip())?;
    let is_proxy = |ip: std::net::IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_proxy(peer) {
        return Some(peer);
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_proxy(ip) {
                    break;
                }
            }
            // Garbage: stop at the last address a trusted hop vouched for.
            Err(_) => break,
        }
    }
    Some(client)
}

/// The `route` label of a request in `/metrics`: the REST operation id, or the door or page it
/// reached. Never the raw path, so that label values stay few whatever clients send.
fn route_label(path: &str, operation: Option<&OperationId>) -> &'static str {
    match operation {
        Some(operation) => operation.0,
        None if LEGACY_PATHS.contains(&path) => "legacy",
        None if path.starts_with("/docs") || path.starts_with("/openapi.") => "docs",
        None => "unmatched",
    }
}

/// The `method` label: the standard methods by name, anything else as `other`.
fn method_label(method: &poem::http::Method) -> &'static str {
    use poem::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Keeps a caller's request id when it is short and harmless, so traces join up across services.
fn incoming_request_id(req: &Request) -> Option<String> {
    let value = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| value.to_string())
}

fn new_request_id() -> String {
    crate::auth::secrets::random_token()[..22].to_string()
}

/// Reads the body into memory, within the size and time limits. poem's own limit trusts
/// Content-Length and misses chunked bodies; counting the bytes catches both. Only the first
/// `unauthenticated_body_bytes` are read from anyone: a longer body is read on only after the
/// request's credentials were verified (see [`verify_before_body`]).
async fn read_body(core: &Core, req: &mut Request) -> Result<(), Response> {
    let max = core.config().max_body_bytes;
    let limits = &core.config().http;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large(max));
    }
    let deadline = tokio::time::Instant::now() + limits.body_read_timeout;
    let mut reader = req.take_body().into_async_read();
    let mut buffer = Vec::new();
    let open = limits.unauthenticated_body_bytes.min(max);
    read_until(&mut reader, &mut buffer, open as u64 + 1, deadline).await?;
    if buffer.len() > open {
        verify_before_body(core, req, &buffer).await?;
        let rest = (max + 1 - buffer.len()) as u64;
        read_until(&mut reader, &mut buffer, rest, deadline).await?;
    }
    if buffer.len() > max {
        return Err(too_large(max));
    }
    req.set_body(Body::from(buffer));
    Ok(())
}

/// Appends at most `limit` more bytes of `reader` to `buffer`, by `deadline`.
async fn read_until(
    reader: &mut (impl tokio::io::AsyncRead + Unpin),
    buffer: &mut Vec<u8>,
    limit: u64,
    deadline: tokio::time::Instant,
) -> Result<(), Response> {
    use tokio::io::AsyncReadExt as _;
    match tokio::time::timeout_at(deadline, reader.take(limit).read_to_end(buffer)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => {
            tracing::info!(error = %err, "request body unreadable");
            Err(problem(StatusCode::BAD_REQUEST, "invalid_request", Some("request body could not be read".into())))
        }
        Err(_) => Err(problem(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            Some("the request body did not arrive in time".into()),
        )),
    }
}

/// Checks the credentials of a request whose body is longer than anyone may send: REST reads them
/// from its headers; the legacy door from the query string or the form fields at the start of
/// the body. A refusal is the answer the door itself would give.
async fn verify_before_body(core: &Core, req: &Request, prefix: &[u8]) -> Result<(), Response> {
    if LEGACY_PATHS.contains(&req.uri().path()) {
        return crate::legacy::endpoint::verify_key_before_body(core, req, prefix).await;
    }
    match crate::api::security::principal_from_headers(core, req.headers()).await {
        Ok(_) => Ok(()),
        Err(err) => Err(with_auth_challenge(err.into_response())),
    }
}

fn too_large(max: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        Some(format!("request bodies are limited to {max} bytes")),
    )
}

/// Turns framework errors (unparsable parameters, missing credentials, unknown routes) into
/// problem+json; errors our handlers produced already are and pass through unchanged.
fn problem_from_error(err: poem::Error) -> Response {
    let status = err.status();
    let message = err.to_string();
    let resp = err.into_response();
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if is_problem {
        return with_auth_challenge(resp);
    }
    let (code, detail) = match status {
        StatusCode::BAD_REQUEST => ("invalid_request", Some(message)),
        StatusCode::UNAUTHORIZED => {
            ("invalid_api_key", Some("send Authorization: Bearer <token or key> or X-API-Key".into()))
        }
        StatusCode::NOT_FOUND => ("not_found", Some("no such resource".into())),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", None),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", None),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", Some(message)),
        s if s.is_server_error() => {
            tracing::error!(error = %message, "framework error");
            ("internal_error", None)
        }
        _ => ("invalid_request", Some(message)),
    };
    with_auth_challenge(problem(status, code, detail))
}

fn with_auth_challenge(mut resp: Response) -> Response {
    if resp.status() == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"pbx-gateway\""));
    }
    resp
}

fn problem(status: StatusCode, code: &str, detail: Option<String>) -> Response {
    let mut resp = PoemJson(serde_json::json!(Problem::new(status, code, detail).to_value())).into_response();
    resp.set_status(status);
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    resp
}
