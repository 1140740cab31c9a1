//! Builds the HTTP application: the REST door, the legacy door, the spec and Swagger UI, and the
//! request context every request goes through (request id, tracing span, access log, body limit,
//! problem+json for framework errors).

use std::time::Instant;

use poem::http::{HeaderValue, StatusCode, header};
use poem::web::Json as PoemJson;
use poem::{Body, Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Request, Response, Route};
use tracing::Instrument as _;

use crate::api::problem::Problem;
use crate::legacy::endpoint::proxyapi;
use crate::service::Core;

/// Header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// The HTTP server for an acceptor, with the connection limits of the configuration. The binary and
/// the tests both build their server here.
pub fn server<A: poem::listener::Acceptor + 'static>(
    acceptor: A,
    config: &crate::config::Config,
) -> poem::Server<std::convert::Infallible, A> {
    poem::Server::new_with_acceptor(acceptor).idle_timeout(config.idle_timeout)
}

/// The whole application over `core`.
pub fn build(core: Core) -> impl Endpoint<Output = Response> + 'static {
    let rest = crate::api::service(core.clone());
    let max_body = core.config().max_body_bytes;
    Route::new()
        .at("/proxyapi.php", proxyapi)
        .at("/mirtapbx/proxyapi.php", proxyapi)
        .at("/pbx/proxyapi.php", proxyapi)
        .at("/openapi.json", rest.spec_endpoint())
        .at("/openapi.yaml", rest.spec_endpoint_yaml())
        .nest("/docs", rest.swagger_ui())
        .nest("/", rest)
        .data(core)
        .around(move |ep, req| request_context(ep, req, max_body))
        .into_endpoint()
        .map_to_response()
}

async fn request_context<E: Endpoint>(ep: E, mut req: Request, max_body: usize) -> poem::Result<Response> {
    let request_id = incoming_request_id(&req).unwrap_or_else(new_request_id);
    let started = Instant::now();
    // The path only: legacy query strings carry keys and must never reach a log line.
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), path = %req.uri().path());
    async move {
        let mut resp = match limit_body(&mut req, max_body).await {
            Err(resp) => resp,
            Ok(()) => match ep.call(req).await {
                Ok(resp) => resp.into_response(),
                Err(err) => problem_from_error(err),
            },
        };
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            resp.headers_mut().insert(REQUEST_ID, value);
        }
        tracing::info!(status = resp.status().as_u16(), latency_ms = started.elapsed().as_millis() as u64, "served");
        Ok(resp)
    }
    .instrument(span)
    .await
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

/// Reads the body into memory up to `max` bytes. poem's own limit trusts Content-Length and misses
/// chunked bodies; counting the bytes catches both.
async fn limit_body(req: &mut Request, max: usize) -> Result<(), Response> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large(max));
    }
    let body = req.take_body();
    let mut reader = body.into_async_read();
    let mut buffer = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    use tokio::io::AsyncReadExt as _;
    if let Err(err) = (&mut reader).take(limit).read_to_end(&mut buffer).await {
        tracing::info!(error = %err, "request body unreadable");
        return Err(problem(StatusCode::BAD_REQUEST, "invalid_request", Some("request body could not be read".into())));
    }
    if buffer.len() > max {
        return Err(too_large(max));
    }
    req.set_body(Body::from(buffer));
    Ok(())
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
