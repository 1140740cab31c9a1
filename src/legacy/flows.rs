//! FLOWS, SETFLOW, INFO FLOW and INFO variable (CONTRACT §1.3 rows 13-16).

use pbx_compat::record::LegacyRecord;
use pbx_compat::render::Rendered;

use super::dispatch::{ActionFamily, Call, action_refusal, error_text};
use super::{action_result, records};
use crate::service::model::Row;
use crate::service::{Core, ServiceError, flows};

/// The flow's legacy FLOWS record: the 14 `fl_*` columns, then the device-state columns `st_*`
/// (this gateway keeps a flow's state on the flow itself).
fn flows_record(row: &Row) -> LegacyRecord {
    let full = records::record(&flows::FlowRules, row);
    let mut rec = LegacyRecord::with_capacity(18);
    for (name, value) in full.fields().iter().filter(|(name, _)| !matches!(name.as_str(), "fl_state" | "fl_state_at")) {
        rec.push(name.clone(), value.clone());
    }
    rec.push("st_extension", row.text("fl_number"));
    rec.push("st_state", row.text("fl_state"));
    // Legacy `st_timestamp` has minutes only (`YYYY-MM-DD HH:MM`).
    rec.push("st_timestamp", row.text("fl_state_at").get(..16).unwrap_or_default());
    rec.push("st_peername", "");
    rec
}

/// FLOWS: json records with positional twins; plain lines with every value twice.
pub async fn list(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::empty(&call.output) };
    let rows = match flows::list(core, &call.principal, tenant).await {
        Ok(rows) => rows,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    let records: Vec<LegacyRecord> = rows.iter().map(flows_record).collect();
    records::doubled_list(&call.output, &records)
}

/// SETFLOW: `number` (flow number), `state` and/or `value`; answers P-ACT.
pub async fn set(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let Some(number) = req.non_empty("number") else { return action_result::error(call, "No number specified") };
    let Some(tenant) = call.tenant else { return action_result::error(call, "No tenant specified") };
    let state = req.non_empty("state");
    let value = req.get("value");
    match flows::set_state(core, &call.principal, tenant, number, state, value).await {
        Ok(_) => action_result::success(call, "Flow updated", ""),
        Err(err) => action_refusal(call, ActionFamily::Flow, err),
    }
}

/// The flow named by `id=`, if any and reachable.
async fn flow_by_id(core: &Core, call: &Call<'_>) -> Result<Option<Row>, ServiceError> {
    let (Some(tenant), Some(id)) = (call.tenant, call.request.non_empty("id").and_then(|id| id.parse::<i64>().ok()))
    else {
        return Ok(None);
    };
    flows::get(core, &call.principal, tenant, id).await
}

/// INFO FLOW: the state word as bare text; unknown or missing id → `UNAVAILABLE`.
pub async fn state(core: &Core, call: &Call<'_>) -> Rendered {
    match flow_by_id(core, call).await {
        Ok(Some(row)) => Rendered::text(&call.output, row.text("fl_state")),
        Ok(None) => Rendered::text(&call.output, "UNAVAILABLE"),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}

/// INFO variable: the flow's value as bare text; unknown or missing id → empty body.
pub async fn variable(core: &Core, call: &Call<'_>) -> Rendered {
    match flow_by_id(core, call).await {
        Ok(Some(row)) => Rendered::text(&call.output, row.text("fl_value")),
        Ok(None) => Rendered::empty(&call.output),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}
