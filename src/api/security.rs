//! REST credentials: `Authorization: Bearer <jwt or API key>` or `X-API-Key: <key>`.

use poem_openapi::SecurityScheme;
use poem_openapi::auth::{ApiKey, Bearer};

use super::problem::ApiError;
use crate::auth::Principal;
use crate::service::{Core, ServiceError, access};

/// Bearer credential: an access token from `/v1/auth/login`, or an API key.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT or API key")]
pub struct BearerAuth(Bearer);

/// API key in the `X-API-Key` header.
#[derive(SecurityScheme)]
#[oai(ty = "api_key", key_name = "X-API-Key", key_in = "header")]
pub struct HeaderKeyAuth(ApiKey);

/// Either credential.
#[derive(SecurityScheme)]
pub enum Auth {
    /// `Authorization: Bearer ...`
    Bearer(BearerAuth),
    /// `X-API-Key: ...`
    ApiKey(HeaderKeyAuth),
}

impl Auth {
    /// Resolves the caller.
    pub async fn principal(&self, core: &Core) -> Result<Principal, ApiError> {
        let result = match self {
            Auth::Bearer(BearerAuth(bearer)) => access::authenticate_bearer(core, &bearer.token).await,
            Auth::ApiKey(HeaderKeyAuth(key)) => access::authenticate_key(core, &key.key).await,
        };
        result.map_err(ApiError::from)
    }
}

/// The caller from the request headers alone, read as [`Auth`] reads them; for checks that must
/// happen before the request is parsed (a large body is read only after this succeeds).
pub async fn principal_from_headers(core: &Core, headers: &poem::http::HeaderMap) -> Result<Principal, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let bearer = header("authorization").and_then(|value| {
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    let result = match (bearer, header("x-api-key")) {
        (Some(token), _) => access::authenticate_bearer(core, token).await,
        (None, Some(key)) => access::authenticate_key(core, key).await,
        (None, None) => Err(ServiceError::InvalidApiKey),
    };
    result.map_err(ApiError::from)
}
