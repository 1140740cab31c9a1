//! REST credentials: `Authorization: Bearer <jwt or API key>` or `X-API-Key: <key>`.

use poem_openapi::SecurityScheme;
use poem_openapi::auth::{ApiKey, Bearer};

use super::problem::ApiError;
use crate::auth::Principal;
use crate::service::{Core, access};

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
