//! CAMPAIGN (CONTRACT §1.10 row 65): `start`, `stop`, `pause`, `resume`, `addnumber`, `delnumber`
//! and `cleannumbers` answer `OK` (P-OK); `listnumbers` answers a json array of
//! `{number, description, status, attempts}` or a plain header and rows. Refusals are P-ACT error
//! lines (`Error|Campaign is not on-demand||`); a campaign of another tenant is "not found" like a
//! missing one; read-only keys get the key error text on writes.

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::json;

use super::dispatch::{ActionFamily, Call, action_refusal};
use crate::service::live::campaigns::{self as service, Control};
use crate::service::objects::PageRequest;
use crate::service::{Core, ServiceError};

/// Plain header of `listnumbers`.
const NUMBER_COLUMNS: [&str; 4] = ["Number", "Description", "Status", "Attempts"];

/// Answers `reqtype=CAMPAIGN`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let Some(campaign) = call.request.non_empty("campaign") else {
        return Rendered::text(&call.output, errors::NO_CAMPAIGN_SPECIFIED);
    };
    // Ids are integers; anything else names no campaign.
    let id = campaign.trim().parse::<i64>().unwrap_or(0);
    let action = call.request.get("action").unwrap_or_default().to_ascii_lowercase();
    let principal = &call.principal;
    let control = |control| service::control(core, principal, tenant, id, control);
    let result = match action.as_str() {
        "start" => control(Control::Start).await.map(|_| ()),
        "stop" => control(Control::Stop).await.map(|_| ()),
        "pause" => control(Control::Pause).await.map(|_| ()),
        "resume" => control(Control::Resume).await.map(|_| ()),
        "addnumber" | "delnumber" => {
            let Some(number) = call.request.non_empty("number") else {
                return Rendered::text(&call.output, errors::NO_NUMBER_SPECIFIED);
            };
            if action == "addnumber" {
                let description = call.request.get("numberdescription").unwrap_or_default();
                service::add_number(core, principal, tenant, id, number, description).await.map(|_| ())
            } else {
                service::delete_number(core, principal, tenant, id, number).await
            }
        }
        "cleannumbers" => service::clean_numbers(core, principal, tenant, id).await.map(|_| ()),
        "listnumbers" => return list_numbers(core, call, tenant, id).await,
        _ => return Rendered::text(&call.output, errors::UNKNOWN_ACTION),
    };
    match result {
        Ok(()) => Rendered::text(&call.output, errors::OK),
        Err(err) => failure(call, err),
    }
}

/// A refusal, worded as CAMPAIGN words it.
fn failure(call: &Call<'_>, err: ServiceError) -> Rendered {
    action_refusal(call, ActionFamily::Campaign, err)
}

async fn list_numbers(core: &Core, call: &Call<'_>, tenant: &str, id: i64) -> Rendered {
    let numbers = match service::numbers(core, &call.principal, tenant, id, PageRequest::ALL).await {
        Ok(numbers) if numbers.is_empty() => return Rendered::empty(&call.output),
        Ok(numbers) => numbers,
        Err(err) => return failure(call, err),
    };
    match call.output.format {
        Format::Json => {
            let items: Vec<serde_json::Value> = numbers
                .iter()
                .map(|n| {
                    json!({"number": n.number, "description": n.description, "status": n.status,
                           "attempts": n.attempts.to_string()})
                })
                .collect();
            Rendered::json(&call.output, &serde_json::Value::Array(items))
        }
        Format::Plain => {
            let rows: Vec<Vec<String>> = numbers
                .iter()
                .map(|n| vec![n.number.clone(), n.description.clone(), n.status.clone(), n.attempts.to_string()])
                .collect();
            Rendered::text(&call.output, plain::table(&NUMBER_COLUMNS, &rows))
        }
        Format::Csv | Format::Xml => Rendered::empty(&call.output),
    }
}
