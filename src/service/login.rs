//! Logging in: users exchange a password (or a legacy AUTHTOKEN token) for a short-lived access token;
//! admins check credentials (CHECKAUTH) and issue login tokens (AUTHTOKEN).
//! Failed attempts are counted per username in the database, so every replica enforces one limit.

use chrono::{Duration, Utc};
use pbx_compat::command::Validity;

use super::access;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::{Principal, passwords, secrets};
use crate::store::objects::Row;
use crate::store::{TIME_FORMAT, auth_tokens, login_failures};

/// Failures allowed per username within `FAILURE_WINDOW` before logins are refused.
const MAX_FAILURES: i64 = 10;
/// Window of the failure counter.
const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Lifetime of an unused single-use (`ONCE`) login token.
const ONCE_TOKEN_LIFETIME: Duration = Duration::hours(24);

/// An access token for a user.
#[derive(Debug)]
pub struct AccessToken {
    /// The JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// A user whose credentials checked out (CHECKAUTH).
#[derive(Debug)]
pub struct CheckedUser {
    /// The user row (no password is ever read from it by callers).
    pub row: Row,
    /// Tenant codes the user may act on; `None` = all (admin role).
    pub tenants: Option<Vec<String>>,
}

/// Exchanges a password or a login token for an access token.
pub async fn login(core: &Core, username: &str, password: &str) -> ServiceResult<AccessToken> {
    let row = verified_user(core, username, password, true).await?;
    let ttl = core.config().access_token_ttl_secs;
    let token = core.jwt().issue(row.id, ttl).map_err(ServiceError::Internal)?;
    Ok(AccessToken { token, expires_in: ttl })
}

/// Checks a username and password (admin only; never consumes login tokens). `None` = invalid.
pub async fn check_credentials(
    core: &Core,
    principal: &Principal,
    username: &str,
    password: &str,
) -> ServiceResult<Option<CheckedUser>> {
    access::require_admin(principal)?;
    let row = match verified_user(core, username, password, false).await {
        Ok(row) => row,
        Err(ServiceError::InvalidCredentials) => return Ok(None),
        Err(other) => return Err(other),
    };
    let user_principal = super::users::principal_for(core, row.id).await?.ok_or(ServiceError::InvalidCredentials)?;
    let tenants = access::reachable_codes(core, &user_principal).await?;
    Ok(Some(CheckedUser { row, tenants }))
}

/// The user named `username` if `secret` is its password (or, with `accept_tokens`, one of its
/// login tokens). Unknown users cost the same time as known ones.
async fn verified_user(core: &Core, username: &str, secret: &str, accept_tokens: bool) -> ServiceResult<Row> {
    if username.is_empty() || username.len() > 64 || secret.is_empty() || secret.len() > 1024 {
        return Err(ServiceError::InvalidCredentials);
    }
    let now = Utc::now();
    let now_text = now.format(TIME_FORMAT).to_string();
    let window_start = (now - FAILURE_WINDOW).format(TIME_FORMAT).to_string();
    let mut conn = core.db().pool().acquire().await?;
    if login_failures::count_since(&mut conn, username, &window_start).await? >= MAX_FAILURES {
        return Err(ServiceError::TooManyAttempts);
    }
    let row = super::users::find_by_username(&mut conn, username).await?;
    let stored = row.as_ref().map(|r| r.text("us_password").to_string());
    let candidate = secret.to_string();
    let password_ok = tokio::task::spawn_blocking(move || {
        let stored = stored.as_deref().unwrap_or_else(|| passwords::dummy_hash());
        passwords::verify(&candidate, stored)
    })
    .await?;
    let usable = row.filter(|r| !r.flag("us_disabled"));
    let ok = match &usable {
        Some(user) if password_ok => true,
        Some(user) if accept_tokens => {
            auth_tokens::redeem(&mut conn, user.id, &secrets::digest(secret), &now_text).await?
        }
        _ => false,
    };
    match usable {
        Some(user) if ok => {
            login_failures::clear(&mut conn, username).await?;
            Ok(user)
        }
        _ => {
            login_failures::record(&mut conn, username, &window_start, &now_text).await?;
            Err(ServiceError::InvalidCredentials)
        }
    }
}

/// Issues a login token for a user (legacy AUTHTOKEN `generate`). `None` when the user is unknown.
pub async fn generate_token(
    core: &Core,
    principal: &Principal,
    username: &str,
    validity: &Validity,
) -> ServiceResult<Option<String>> {
    access::require_admin(principal)?;
    let mut conn = core.db().pool().acquire().await?;
    let Some(user) = super::users::find_by_username(&mut conn, username).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let (single_use, expires) = match validity {
        Validity::Once => (true, now + ONCE_TOKEN_LIFETIME),
        Validity::Until(until) => {
            let expires = crate::domain::time::local_to_utc(until)
                .ok_or_else(|| ServiceError::invalid("validity", "is not a valid time"))?;
            if expires <= now {
                return Err(ServiceError::invalid("validity", "is in the past"));
            }
            (false, expires)
        }
    };
    let token = secrets::random_token();
    auth_tokens::insert(
        &mut conn,
        user.id,
        &secrets::digest(&token),
        single_use,
        &expires.format(TIME_FORMAT).to_string(),
        &now.format(TIME_FORMAT).to_string(),
    )
    .await?;
    Ok(Some(token))
}

/// Revokes every login token of a user (legacy AUTHTOKEN `reset`). `false` when the user is unknown.
pub async fn reset_tokens(core: &Core, principal: &Principal, username: &str) -> ServiceResult<bool> {
    access::require_admin(principal)?;
    let mut conn = core.db().pool().acquire().await?;
    let Some(user) = super::users::find_by_username(&mut conn, username).await? else {
        return Ok(false);
    };
    auth_tokens::delete_for_user(&mut conn, user.id).await?;
    Ok(true)
}
