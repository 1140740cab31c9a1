//! Probes and measurements for operators: `GET /health` (liveness: the database answers),
//! `GET /ready` (readiness: it also carries this build's migrations), both without credentials,
//! and `GET /metrics` (Prometheus text format, admin credentials).

use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::service::{Core, access};

/// Health answer.
#[derive(Debug, Object)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Health endpoint.
#[derive(Debug)]
pub struct HealthApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Liveness: 200 when the database answers, 503 otherwise. No credentials needed.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> ApiResult<Json<Health>> {
        probe_answer("ok", self.core.health().await.map_err(|err| (err, "database unreachable".to_string())))
    }

    /// Readiness for traffic: 200 when the database answers and has every migration of this build
    /// (a load balancer should route to this replica), 503 otherwise. No credentials needed.
    #[oai(path = "/ready", method = "get", operation_id = "ready")]
    async fn ready(&self) -> ApiResult<Json<Health>> {
        probe_answer(
            "ready",
            self.core.readiness().await.map_err(|err| {
                let detail = err.to_string();
                (err, detail)
            }),
        )
    }

    /// The gateway's measurements in the Prometheus text format (version 0.0.4): requests by
    /// route, method and status with latency histograms, database pool, AMI nodes (up, reconnects,
    /// action latency), refused logins and rate-limit refusals, resident memory. Admin only;
    /// Prometheus sends the key as `authorization: {credentials: <key>}`.
    #[oai(path = "/metrics", method = "get", operation_id = "metrics")]
    async fn metrics(&self, auth: Auth) -> ApiResult<PlainText<String>> {
        let principal = auth.principal(&self.core).await?;
        access::require_admin(&principal)?;
        Ok(PlainText(self.core.render_metrics()))
    }
}

/// A probe's answer: `status` when it passed, else 503 `unavailable` with `detail` (the cause is
/// logged, not shown).
fn probe_answer(status: &str, result: Result<(), (crate::service::ServiceError, String)>) -> ApiResult<Json<Health>> {
    match result {
        Ok(()) => Ok(Json(Health { status: status.into() })),
        Err((err, detail)) => {
            tracing::warn!(error = %err, probe = status, "probe failed");
            Err(ApiError::new(poem::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable", Some(detail)))
        }
    }
}
