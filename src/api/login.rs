//! `POST /v1/auth/login`: a user's password (or a legacy AUTHTOKEN token) for an access token.

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::bounded::{Text, text_rules};
use super::problem::ApiResult;
use crate::service::{Core, login};

text_rules! {
    /// Login names.
    UsernameRule = crate::domain::Username::LENGTH, crate::domain::Username::PATTERN;
    /// Passwords and login tokens.
    SecretRule = login::SECRET;
}

/// Credentials (anything outside these bounds is an invalid login, 401).
#[derive(Debug, Object)]
pub struct LoginRequest {
    /// Username.
    pub username: Text<UsernameRule>,
    /// Password, or a login token issued by the legacy AUTHTOKEN call.
    #[oai(write_only)]
    pub password: Text<SecretRule>,
}

/// An access token.
#[derive(Debug, Object)]
pub struct AccessToken {
    /// The token: send it as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Login endpoint.
#[derive(Debug)]
pub struct LoginApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Auth")]
impl LoginApi {
    /// Exchange a username and password (or a login token) for a short-lived access token.
    /// Ten failed attempts for one username from one client address within 15 minutes lock that
    /// address out for the rest of the window (429), a hundred from all addresses lock the
    /// username; other addresses keep logging in. A success clears the count.
    #[oai(path = "/v1/auth/login", method = "post", operation_id = "login")]
    async fn login(&self, body: Json<LoginRequest>) -> ApiResult<Json<AccessToken>> {
        let token = login::login(&self.core, &body.username.0, &body.password.0).await?;
        Ok(Json(AccessToken { access_token: token.token, token_type: "Bearer".into(), expires_in: token.expires_in }))
    }
}
