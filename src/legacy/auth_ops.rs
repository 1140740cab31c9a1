//! CHECKAUTH and AUTHTOKEN (admin key only).

use pbx_compat::command::{AuthTokenCommand, Format, Validity};
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::json;

use super::dispatch::{Call, error_text};
use crate::service::login::TokenLifetime;
use crate::service::{Core, ServiceError, login};

/// CHECKAUTH: `OK|<us_id>|<us_up_id>|<tenants or *>|` or `KO|Invalid credentials|`.
pub async fn check_auth(core: &Core, call: &Call<'_>, username: Option<&str>, password: Option<&str>) -> Rendered {
    let json = call.output.format == Format::Json;
    let ko = |reason: &str| {
        if json {
            Rendered::json(&call.output, &json!({ "result": "KO", "message": reason }))
        } else {
            Rendered::text(&call.output, plain::result_line(&["KO", reason]))
        }
    };
    let (Some(username), Some(password)) = (username, password) else {
        return ko("Invalid credentials");
    };
    match login::check_credentials(core, &call.principal, username, password).await {
        Ok(Some(user)) => {
            let tenants = user.tenants.unwrap_or_else(|| vec!["*".to_string()]);
            let (id, up_id) = (user.row.id.to_string(), user.row.text("us_up_id").to_string());
            if json {
                Rendered::json(
                    &call.output,
                    &json!({
                        "result": "OK",
                        "us_id": id,
                        "us_username": user.row.text("us_username"),
                        "us_up_id": up_id,
                        "tenants": tenants,
                    }),
                )
            } else {
                Rendered::text(&call.output, plain::result_line(&["OK", &id, &up_id, &tenants.join(",")]))
            }
        }
        Ok(None) => ko("Invalid credentials"),
        Err(ServiceError::TooManyAttempts) => ko("Too many failed attempts"),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}

/// AUTHTOKEN `generate` (the token as the body) and `reset` (OK). Unknown users: empty body.
pub async fn auth_token(core: &Core, call: &Call<'_>, cmd: &AuthTokenCommand) -> Rendered {
    match cmd {
        AuthTokenCommand::Generate { user, validity } => {
            let Some(user) = user else {
                return Rendered::empty(&call.output);
            };
            // Legacy times are server-local (CONTRACT §0.13); the service takes UTC.
            let lifetime = match validity {
                Ok(Validity::Once) => TokenLifetime::Once,
                Ok(Validity::Until(until)) => TokenLifetime::Until(super::time::utc(until)),
                Err(_) => {
                    return Rendered::text(
                        &call.output,
                        errors::error_line("validity: must be ONCE or YYYY-MM-DD HH:MM:SS"),
                    );
                }
            };
            match login::generate_token(core, &call.principal, user, lifetime).await {
                Ok(Some(token)) => Rendered::text(&call.output, token),
                Ok(None) => Rendered::empty(&call.output),
                Err(err) => Rendered::text(&call.output, error_text(err)),
            }
        }
        AuthTokenCommand::Reset { user } => {
            let Some(user) = user else {
                return Rendered::empty(&call.output);
            };
            match login::reset_tokens(core, &call.principal, user).await {
                Ok(true) => Rendered::text(&call.output, errors::OK),
                Ok(false) => Rendered::empty(&call.output),
                Err(err) => Rendered::text(&call.output, error_text(err)),
            }
        }
        AuthTokenCommand::Unknown => Rendered::text(&call.output, errors::UNKNOWN_ACTION),
    }
}
