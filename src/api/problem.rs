//! RFC 9457 problem details: every REST error is `application/problem+json` with a stable `code`.

use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::service::ConflictKind;
use crate::service::ServiceError;

/// An error answer. `code` is stable and meant for programs; `title` and `detail` for people.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Problem")]
pub struct Problem {
    /// Problem type URI; always `about:blank` (the `code` identifies the problem).
    #[oai(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem class.
    pub title: String,
    /// HTTP status, repeated for convenience.
    pub status: u16,
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`, `read_only_api_key`.
    pub code: String,
    /// Explanation of this occurrence.
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
    /// The offending input field, for `validation_failed`: the first of `errors`.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// Every offending input field, for `validation_failed` (RFC 9457 extension member).
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One invalid input member of a `validation_failed` problem.
#[derive(Debug, Clone, Object)]
pub struct FieldProblem {
    /// The member, by its REST name; nested members are dotted (`entries[2].number`), `body` is the
    /// body as a whole.
    pub field: String,
    /// What is wrong with it.
    pub detail: String,
}

impl FieldProblem {
    /// A problem of `field`.
    pub fn new(field: &str, detail: String) -> FieldProblem {
        FieldProblem { field: field.to_string(), detail }
    }
}

impl Problem {
    /// Builds a problem.
    pub fn new(status: StatusCode, code: &str, detail: Option<String>) -> Problem {
        Problem {
            problem_type: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            code: code.to_string(),
            detail,
            field: None,
            errors: None,
        }
    }
}

/// The error side of every REST operation.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request could not be parsed (`invalid_request`).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Box<Problem>>),
    /// No valid credentials (`invalid_api_key`, `invalid_credentials`).
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Box<Problem>>),
    /// Valid credentials without the right (`admin_required`, `read_only_api_key`).
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Box<Problem>>),
    /// No such object, or one the caller cannot see (`not_found`, `tenant_not_found`).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Box<Problem>>),
    /// The object has no such operation (`method_not_allowed`).
    #[oai(status = 405, content_type = "application/problem+json")]
    MethodNotAllowed(Json<Box<Problem>>),
    /// The write conflicts with existing data (`conflict`, `tenant_not_empty`).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Box<Problem>>),
    /// The object is no longer the version `If-Match` names (`precondition_failed`): read it again.
    #[oai(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Json<Box<Problem>>),
    /// The input is well-formed but invalid (`validation_failed`, `invalid_cursor`).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Box<Problem>>),
    /// Too many requests: over a rate limit (`rate_limited`; `Retry-After` says when to try again) or too many
    /// failed logins (`too_many_attempts`).
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Box<Problem>>),
    /// Something broke on our side (`internal_error`); details are in the logs under the request id.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Box<Problem>>),
    /// A dependency is down (`unavailable`, `pbx_unavailable`) or the answer took too long (`timeout`; it may
    /// or may not have taken effect). `Retry-After` says when to try again.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Box<Problem>>),
}

/// Result of a REST operation.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error for `status` with `code`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<Option<String>>) -> ApiError {
        ApiError::from_problem(Problem::new(status, code, detail.into()))
    }

    /// A 422 about one field.
    pub fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
        let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some(detail.into()));
        problem.errors = Some(vec![FieldProblem::new(field, problem.detail.clone().unwrap_or_default())]);
        problem.field = Some(field.to_string());
        ApiError::from_problem(problem)
    }

    /// The error answering `problem`, by its status.
    pub fn from_problem(problem: Problem) -> ApiError {
        // Boxed: problems travel in every `Result` and would otherwise make all of them large.
        let body = Json(Box::new(problem));
        match body.0.status {
            400 => ApiError::BadRequest(body),
            401 => ApiError::Unauthorized(body),
            403 => ApiError::Forbidden(body),
            404 => ApiError::NotFound(body),
            405 => ApiError::MethodNotAllowed(body),
            409 => ApiError::Conflict(body),
            412 => ApiError::PreconditionFailed(body),
            422 => ApiError::Unprocessable(body),
            429 => ApiError::TooManyRequests(body),
            503 => ApiError::Unavailable(body),
            _ => ApiError::Internal(body),
        }
    }
}

/// Maps service errors to statuses and codes. Field names in `Invalid` are legacy column names;
/// `rest_field` translates them to the REST names of the resource at hand.
pub fn from_service(err: ServiceError, rest_field: fn(&str) -> &str) -> ApiError {
    use StatusCode as S;
    let detail = Some(err.to_string());
    match err {
        ServiceError::InvalidApiKey => ApiError::new(S::UNAUTHORIZED, "invalid_api_key", detail),
        ServiceError::InvalidCredentials => ApiError::new(S::UNAUTHORIZED, "invalid_credentials", detail),
        ServiceError::TooManyAttempts => ApiError::new(S::TOO_MANY_REQUESTS, "too_many_attempts", detail),
        ServiceError::RateLimited { .. } => ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", detail),
        ServiceError::AdminRequired => ApiError::new(S::FORBIDDEN, "admin_required", detail),
        ServiceError::ReadOnly => ApiError::new(S::FORBIDDEN, "read_only_api_key", detail),
        ServiceError::TenantNotFound => ApiError::new(S::NOT_FOUND, "tenant_not_found", detail),
        ServiceError::NotFound(_) => ApiError::new(S::NOT_FOUND, "not_found", detail),
        ServiceError::Invalid { field, message } => {
            let field = rest_field(&field);
            ApiError::invalid(field, format!("{field}: {message}"))
        }
        ServiceError::InvalidDestination { entry } => {
            let field = rest_field("destination");
            ApiError::invalid(field, format!("{field}: Invalid destination: {entry}"))
        }
        ServiceError::Conflict { kind, .. } => {
            let code = match kind {
                ConflictKind::Duplicate => "conflict",
                ConflictKind::InUse => "in_use",
                ConflictKind::Busy => "busy",
                ConflictKind::State => "invalid_state",
            };
            ApiError::new(S::CONFLICT, code, detail)
        }
        ServiceError::PbxUnavailable(_) => ApiError::new(S::SERVICE_UNAVAILABLE, "pbx_unavailable", detail),
        ServiceError::PbxRejected(_) => ApiError::new(S::CONFLICT, "pbx_rejected", detail),
        ServiceError::Unsupported(_) => ApiError::new(S::METHOD_NOT_ALLOWED, "method_not_allowed", detail),
        ServiceError::PreconditionFailed => ApiError::new(S::PRECONDITION_FAILED, "precondition_failed", detail),
        ServiceError::TenantNotEmpty => ApiError::new(
            S::CONFLICT,
            "tenant_not_empty",
            Some("the tenant still owns extensions; delete them first".into()),
        ),
        ServiceError::Unavailable(source) => {
            tracing::warn!(error = %source, "database unavailable");
            ApiError::new(S::SERVICE_UNAVAILABLE, "unavailable", detail)
        }
        ServiceError::Internal(source) => {
            tracing::error!(error = %source, "internal error");
            ApiError::new(S::INTERNAL_SERVER_ERROR, "internal_error", None)
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        from_service(err, |f| f)
    }
}

impl Problem {
    /// The problem as JSON (for errors produced outside poem-openapi handlers).
    pub fn to_value(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "type": self.problem_type,
            "title": self.title,
            "status": self.status,
            "code": self.code,
        });
        if let Some(detail) = &self.detail {
            value["detail"] = serde_json::Value::String(detail.clone());
        }
        if let Some(field) = &self.field {
            value["field"] = serde_json::Value::String(field.clone());
        }
        if let Some(errors) = &self.errors {
            let errors = errors.iter().map(|e| serde_json::json!({"field": e.field, "detail": e.detail})).collect();
            value["errors"] = serde_json::Value::Array(errors);
        }
        value
    }
}
