//! `/v1/tenants/{code}/balance`: read the balance, set the floor (admin), adjust it (admin, with a
//! required `Idempotency-Key` so a retried request never adjusts twice) and list the movements.
//! Amounts are decimal strings (up to 4 decimals) so no client float rounds money.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::bounded::{Text, text_rules};
use super::idempotency::IdempotencyKey;
use super::input::time;
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::domain::bounds::Length;
use crate::domain::money::Money;
use crate::service::model::Movement;
use crate::service::{Core, balance};

/// A tenant's balance.
#[derive(Debug, Object)]
pub struct BalanceView {
    /// Current balance, e.g. `123.45`.
    pub balance: String,
    /// No adjustment may take the balance below this.
    pub floor: String,
}

impl From<balance::Balance> for BalanceView {
    fn from(b: balance::Balance) -> Self {
        BalanceView { balance: b.amount.to_string(), floor: b.floor.to_string() }
    }
}

text_rules! {
    /// Amounts: signed decimals with at most 4 decimals.
    AmountRule = Length { min: 1, max: 19 }, Money::PATTERN;
    /// Adjustment descriptions.
    DescriptionRule = balance::DESCRIPTION;
}

/// A new floor.
#[derive(Debug, Object)]
pub struct FloorChange {
    /// Decimal, may be negative (credit).
    pub floor: Text<AmountRule>,
}

/// An adjustment to make.
#[derive(Debug, Object)]
pub struct AdjustmentRequest {
    /// Signed decimal: positive adds credit, negative subtracts.
    pub amount: Text<AmountRule>,
    /// Free text kept with the movement.
    pub description: Option<Text<DescriptionRule>>,
}

/// A balance movement.
#[derive(Debug, Object)]
pub struct Adjustment {
    /// Id.
    pub id: i64,
    /// When.
    pub date: Option<DateTime<Utc>>,
    /// Signed amount.
    pub amount: String,
    /// Balance after it.
    pub balance: String,
    /// Free text.
    pub description: String,
}

impl From<&Movement> for Adjustment {
    fn from(m: &Movement) -> Self {
        Adjustment {
            id: m.id,
            date: time(&m.date),
            amount: Money::from_raw(m.amount).to_string(),
            balance: Money::from_raw(m.balance).to_string(),
            description: m.description.clone(),
        }
    }
}

/// A page of movements.
#[derive(Debug, Object)]
pub struct AdjustmentPage {
    /// Movements, oldest first.
    pub items: Vec<Adjustment>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// 201 with the adjustment; `Idempotent-Replayed: true` when it answers a retry of an earlier request.
#[derive(ApiResponse)]
pub enum Adjusted {
    /// Applied (or replayed).
    #[oai(status = 201)]
    Created(Json<Adjustment>, #[oai(header = "Idempotent-Replayed")] bool),
}

/// Balance endpoints.
#[derive(Debug)]
pub struct BalanceApi {
    /// Service core.
    pub core: Core,
}

fn money(raw: &str, field: &'static str) -> Result<Money, ApiError> {
    Money::parse(raw, field).map_err(|e| ApiError::invalid(field, e.to_string()))
}

#[OpenApi(tag = "super::ApiTags::Balance")]
impl BalanceApi {
    /// The tenant's balance.
    #[oai(path = "/v1/tenants/:code/balance", method = "get", operation_id = "get_balance")]
    async fn get(&self, auth: Auth, code: Path<String>) -> ApiResult<Json<BalanceView>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(balance::get(&self.core, &principal, &code).await?.into()))
    }

    /// Set the floor (admin).
    #[oai(path = "/v1/tenants/:code/balance", method = "put", operation_id = "set_balance_floor")]
    async fn set_floor(&self, auth: Auth, code: Path<String>, body: Json<FloorChange>) -> ApiResult<Json<BalanceView>> {
        let principal = auth.principal(&self.core).await?;
        let floor = money(&body.floor.0, "floor")?;
        Ok(Json(balance::set_floor(&self.core, &principal, &code, floor).await?.into()))
    }

    /// Adjust the balance (admin). Refused with 422 when it would go below the floor. Send a unique
    /// `Idempotency-Key` per intended adjustment: a retry with the same key answers the first result.
    #[oai(path = "/v1/tenants/:code/balance/adjustments", method = "post", operation_id = "adjust_balance")]
    async fn adjust(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Unique per intended adjustment (e.g. a UUID; 1-255 visible ASCII characters).
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<IdempotencyKey>,
        body: Json<AdjustmentRequest>,
    ) -> ApiResult<Adjusted> {
        let principal = auth.principal(&self.core).await?;
        let idempotency_key = idempotency_key.0.require("POST /balance/adjustments")?;
        let amount = money(&body.amount.0, "amount")?;
        let description = body.0.description.map(Text::into_inner).unwrap_or_default();
        let done = balance::adjust(&self.core, &principal, &code, amount, &description, Some(&idempotency_key)).await?;
        Ok(Adjusted::Created(Json(Adjustment::from(&done.movement)), done.replayed))
    }

    /// Balance movements, oldest first.
    #[oai(path = "/v1/tenants/:code/balance/adjustments", method = "get", operation_id = "list_balance_adjustments")]
    async fn list(
        &self,
        auth: Auth,
        code: Path<String>,
        /// From this time (default: the beginning).
        from: Query<Option<DateTime<Utc>>>,
        /// Up to this time (default: now).
        to: Query<Option<DateTime<Utc>>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AdjustmentPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let from = from.0.map(crate::domain::time::stored).unwrap_or_default();
        let to = crate::domain::time::stored(to.0.unwrap_or_else(Utc::now));
        let movements = balance::movements(&self.core, &principal, &code, (&from, &to), page).await?;
        Ok(Json(AdjustmentPage {
            items: movements.items.iter().map(Adjustment::from).collect(),
            next_cursor: next_cursor(movements.next_after),
        }))
    }
}
