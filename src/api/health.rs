//! `GET /health`: unauthenticated; 200 once the database answers.

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::problem::{ApiError, ApiResult};
use crate::service::Core;

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
    /// Readiness: 200 when the database answers, 503 otherwise. No credentials needed.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> ApiResult<Json<Health>> {
        match self.core.health().await {
            Ok(()) => Ok(Json(Health { status: "ok".into() })),
            Err(err) => {
                tracing::warn!(error = %err, "health check failed");
                Err(ApiError::new(
                    poem::http::StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Some("database unreachable".to_string()),
                ))
            }
        }
    }
}
