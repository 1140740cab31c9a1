//! Logging in: users exchange a password (or a legacy AUTHTOKEN token) for a short-lived access token;
//! admins check credentials (CHECKAUTH) and issue login tokens (AUTHTOKEN).
//! Failed attempts are counted in the database, so every replica enforces one limit: per username
//! and client address (so that guesses from one place cannot lock the user out everywhere), and per
//! username overall (so that guesses spread over many addresses still end).

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use super::access;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::{Principal, passwords, secrets};
use crate::domain::bounds::Length;
use crate::store::objects::Row;
use crate::store::{TIME_FORMAT, auth_tokens, login_failures};

/// Attempts allowed per username and client address within `FAILURE_WINDOW` while none succeeds.
const MAX_FAILURES_PER_ADDRESS: i64 = 10;
/// Attempts allowed per username from all addresses together within `FAILURE_WINDOW`.
const MAX_FAILURES_PER_USER: i64 = 100;
/// Window of the failure counter.
const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Lifetime of an unused single-use (`ONCE`) login token.
const ONCE_TOKEN_LIFETIME: Duration = Duration::hours(24);

/// Logins in progress at once: enough to keep every argon2 thread busy while others do their
/// database steps.
fn login_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(passwords::threads() * 2))
}

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
#[tracing::instrument(name = "service.login", skip_all)]
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
    let user_principal = super::access::principal_for(core, row.id).await?.ok_or(ServiceError::InvalidCredentials)?;
    let tenants = access::reachable_codes(core, &user_principal).await?;
    Ok(Some(CheckedUser { row, tenants }))
}

/// [`check_secret`], counting refusals in `/metrics`.
async fn verified_user(core: &Core, username: &str, secret: &str, accept_tokens: bool) -> ServiceResult<Row> {
    let result = check_secret(core, username, secret, accept_tokens).await;
    if matches!(result, Err(ServiceError::InvalidCredentials | ServiceError::TooManyAttempts)) {
        core.metrics().record_login_failure();
    }
    result
}

/// The failure counters an attempt counts against: (key, limit). Usernames never contain a space,
/// so a key cannot be forged to hit another user's counter.
fn failure_counters(username: &str, client: Option<IpAddr>) -> [(String, i64); 2] {
    let address = client.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    [(format!("{username} {address}"), MAX_FAILURES_PER_ADDRESS), (username.to_string(), MAX_FAILURES_PER_USER)]
}

/// What a login secret (a password or a login token) may be: the bound keeps a flood of huge
/// bodies from buying hashing work.
pub const SECRET: Length = Length { min: 1, max: 1024 };

/// The user named `username` if `secret` is its password (or, with `accept_tokens`, one of its
/// login tokens). Unknown users cost the same time as known ones.
/// Failures are counted per address of the client being served (`request_scope`).
async fn check_secret(core: &Core, username: &str, secret: &str, accept_tokens: bool) -> ServiceResult<Row> {
    // A name no user can have is refused before anything is counted.
    if crate::domain::Username::parse(username).is_err() || secret.is_empty() || !SECRET.admits(secret.chars().count())
    {
        return Err(ServiceError::InvalidCredentials);
    }
    // Logins beyond what the argon2 threads can take wait here, holding nothing: a flood must not
    // queue hundreds of counter writes in front of every other request's database work.
    let _slot = login_slots().acquire().await.map_err(|e| ServiceError::Internal(e.into()))?;
    let now = Utc::now();
    let now_text = now.format(TIME_FORMAT).to_string();
    let window_start = (now - FAILURE_WINDOW).format(TIME_FORMAT).to_string();
    let counters = failure_counters(username, super::request_scope::client());
    // The attempt is counted before it is checked (one atomic statement per counter): parallel
    // guesses cannot all read "9 so far" and pass; a success clears the counts again.
    let mut conn = core.db().pool().acquire().await?;
    for (key, limit) in &counters {
        if login_failures::record(&mut conn, key, &window_start, &now_text).await? > *limit {
            return Err(ServiceError::TooManyAttempts);
        }
    }
    let row = super::users::find_by_username(&mut conn, username).await?;
    // No connection is held while hashing: a flood of logins must not drain the pool.
    drop(conn);
    let stored = row.as_ref().map(|r| r.text("us_password").to_string());
    let candidate = secret.to_string();
    let password_ok = passwords::bounded(move || {
        let stored = stored.as_deref().unwrap_or_else(|| passwords::dummy_hash());
        passwords::verify(&candidate, stored)
    })
    .await
    .map_err(ServiceError::Internal)?;
    let mut conn = core.db().pool().acquire().await?;
    let usable = row.filter(|r| !r.flag("us_disabled"));
    let token = secrets::digest(secret);
    let ok = match &usable {
        Some(_) if password_ok => true,
        Some(user) if accept_tokens => auth_tokens::redeem(&mut conn, user.id, &token, &now_text).await?,
        _ => false,
    };
    match usable {
        Some(user) if ok => {
            for (key, _) in &counters {
                login_failures::clear(&mut conn, key).await?;
            }
            Ok(user)
        }
        Some(user) => {
            // A login token of this user that was just used (the loser of a race for a one-time
            // token) or has expired is not a guess: it does not count towards the lockout.
            if accept_tokens && auth_tokens::issued_to(&mut conn, user.id, &token).await? {
                for (key, _) in &counters {
                    login_failures::forget_one(&mut conn, key).await?;
                }
            }
            Err(ServiceError::InvalidCredentials)
        }
        None => Err(ServiceError::InvalidCredentials),
    }
}

/// How long a login token lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenLifetime {
    /// Single use, within a short while.
    Once,
    /// Until this time (`None`: a time the caller named that does not exist, e.g. in a DST gap).
    Until(Option<DateTime<Utc>>),
}

/// Issues a login token for a user (legacy AUTHTOKEN `generate`). `None` when the user is unknown.
pub async fn generate_token(
    core: &Core,
    principal: &Principal,
    username: &str,
    lifetime: TokenLifetime,
) -> ServiceResult<Option<String>> {
    access::require_admin(principal)?;
    let mut conn = core.db().pool().acquire().await?;
    let Some(user) = super::users::find_by_username(&mut conn, username).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let (single_use, expires) = match lifetime {
        TokenLifetime::Once => (true, now + ONCE_TOKEN_LIFETIME),
        TokenLifetime::Until(until) => {
            let expires = until.ok_or_else(|| ServiceError::invalid("validity", "is not a valid time"))?;
            if expires <= now {
                return Err(ServiceError::invalid("validity", "is in the past"));
            }
            (false, expires)
        }
    };
    let token = secrets::random_token();
    let expires = expires.format(TIME_FORMAT).to_string();
    drop(conn);
    let mut tx = core.db().begin().await?;
    auth_tokens::insert(
        &mut tx,
        user.id,
        &secrets::digest(&token),
        single_use,
        &expires,
        &now.format(TIME_FORMAT).to_string(),
    )
    .await?;
    let change = super::audit::Change::new("login_token", "create")
        .id(username)
        .after(serde_json::json!({ "user_id": user.id, "single_use": single_use, "expires": expires }));
    super::audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// Revokes every login token of a user (legacy AUTHTOKEN `reset`). `false` when the user is unknown.
pub async fn reset_tokens(core: &Core, principal: &Principal, username: &str) -> ServiceResult<bool> {
    access::require_admin(principal)?;
    let mut conn = core.db().pool().acquire().await?;
    let Some(user) = super::users::find_by_username(&mut conn, username).await? else {
        return Ok(false);
    };
    drop(conn);
    let mut tx = core.db().begin().await?;
    let revoked = auth_tokens::delete_for_user(&mut tx, user.id).await?;
    let change = super::audit::Change::new("login_token", "reset").id(username);
    super::audit::record(
        &mut tx,
        principal,
        change.after(serde_json::json!({ "user_id": user.id, "revoked": revoked })),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
