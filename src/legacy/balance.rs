//! BALANCE (admin: adjust, answers the new balance) and INFO balance (the balance as a bare number in
//! every format, Q-10; with `start`/`end`, the movements as JSON).

use pbx_compat::errors;
use pbx_compat::render::Rendered;
use serde_json::{Value as Json, json};

use super::dispatch::{Call, error_text};
use super::time::range as legacy_range;
use crate::domain::money::Money;
use crate::service::objects::PageRequest;
use crate::service::{Core, balance};

/// Answers `reqtype=BALANCE`.
pub async fn adjust(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else {
        return Rendered::text(&call.output, errors::error_line("tenant: is required"));
    };
    let Some(raw) = call.request.non_empty("amount") else {
        return Rendered::text(&call.output, errors::error_line("amount: is required"));
    };
    let amount = match Money::parse(raw, "amount") {
        Ok(amount) => amount,
        Err(err) => return Rendered::text(&call.output, errors::error_line(&err.to_string())),
    };
    let description = call.request.get("description").unwrap_or_default();
    match balance::adjust(core, &call.principal, tenant, amount, description, None).await {
        Ok(done) => Rendered::text(&call.output, Money::from_raw(done.movement.balance).to_string()),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}

/// Answers `reqtype=INFO&info=balance`.
pub async fn info(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant.filter(|t| *t != "%") else { return Rendered::empty(&call.output) };
    let (start, end) = (call.request.non_empty("start"), call.request.non_empty("end"));
    if start.is_none() && end.is_none() {
        return match balance::get(core, &call.principal, tenant).await {
            Ok(b) => Rendered::text(&call.output, b.amount.to_string()),
            Err(err) => Rendered::text(&call.output, error_text(err)),
        };
    }
    let range = match legacy_range(start, end) {
        Ok(range) => range,
        Err(field) => return Rendered::text(&call.output, errors::error_line(&format!("{field}: invalid date"))),
    };
    let page = PageRequest { after_id: None, limit: 1000 };
    match balance::movements(core, &call.principal, tenant, (&range.0, &range.1), page).await {
        Ok(page) if page.items.is_empty() => Rendered::empty(&call.output),
        Ok(page) => {
            let rows = page
                .items
                .iter()
                .map(|m| {
                    json!({
                        "date": m.date,
                        "amount": Money::from_raw(m.amount).to_string(),
                        "description": m.description,
                        "balance": Money::from_raw(m.balance).to_string(),
                    })
                })
                .collect();
            Rendered::json(&call.output, &Json::Array(rows))
        }
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}
