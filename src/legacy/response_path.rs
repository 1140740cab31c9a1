//! RESPONSEPATH (CONTRACT §1.8 row 55): the steps a response path recorded per call. `getlast` is
//! the newest call (optionally `filter=queue|answer|uniqueid` with `filterdata`), `getid` the call
//! `rrid` names, `list` every call between `start` and `end`, newest first. No data, a missing `id`
//! and another tenant's response path all answer 0 bytes.

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain, xml};
use serde_json::{Map, Value as Json};

use super::dispatch::{Call, miss_or_error};
use super::report_logs::tenant_and_range;
use crate::service::Core;
use crate::service::objects::PageRequest;
use crate::service::report_logs::{self as service, MAX_LEGACY_CALLS, PathCall, ResultFilter};

/// Plain header and json keys of a step, exactly as the reference sample prints them.
const STEP_COLUMNS: [&str; 6] = ["UniqueID", "Type", "Type ID", "Value", "Type Name", "Value Name"];

/// Answers `reqtype=RESPONSEPATH`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let Some(tenant) = call.tenant.filter(|t| *t != "%") else { return Rendered::empty(&call.output) };
    // A missing or non-numeric id names no response path: a lookup miss.
    let Some(path_id) = req.non_empty("id").and_then(|id| id.trim().parse::<i64>().ok()) else {
        return Rendered::empty(&call.output);
    };
    let Some(mut filter) = filter(call) else { return Rendered::empty(&call.output) };
    let action = req.get("action").unwrap_or_default().to_ascii_lowercase();
    let answer = match action.as_str() {
        "getlast" => {
            let page = PageRequest { after_id: None, limit: 1 };
            service::results(core, &call.principal, tenant, path_id, &filter, page)
                .await
                .map(|p| render_call(call, p.items.first()))
        }
        "getid" => match req.non_empty("rrid") {
            Some(rrid) => service::result(core, &call.principal, tenant, path_id, rrid)
                .await
                .map(|found| render_call(call, found.as_ref())),
            None => Ok(Rendered::empty(&call.output)),
        },
        "list" => {
            filter.range = match tenant_and_range(call) {
                Ok((_, range)) => Some(range),
                Err(answer) => return answer,
            };
            let page = PageRequest { after_id: None, limit: MAX_LEGACY_CALLS };
            service::results(core, &call.principal, tenant, path_id, &filter, page)
                .await
                .map(|p| render_list(call, &p.items))
        }
        _ => Ok(Rendered::text(&call.output, errors::UNKNOWN_ACTION)),
    };
    match answer {
        Ok(rendered) => rendered,
        Err(err) => miss_or_error(call, err),
    }
}

/// `filter`/`filterdata`; `None` for a filter name this call does not know (answered as no data
/// rather than silently unfiltered).
fn filter<'a>(call: &Call<'a>) -> Option<ResultFilter<'a>> {
    let data = call.request.non_empty("filterdata");
    let mut filter = ResultFilter::default();
    match call.request.non_empty("filter").map(str::to_ascii_lowercase).as_deref() {
        None => {}
        Some("queue") => filter.queue = data,
        Some("answer") => filter.answered_by = data,
        Some("uniqueid") => filter.uniqueid = data,
        Some(_) => return None,
    }
    Some(filter)
}

/// The six cells of each step.
fn rows(c: &PathCall) -> Vec<Vec<String>> {
    c.steps
        .iter()
        .map(|s| {
            vec![
                s.uniqueid.clone(),
                s.kind.clone(),
                s.type_id.clone(),
                s.value.clone(),
                s.type_name.clone(),
                s.value_name.clone(),
            ]
        })
        .collect()
}

/// The json array of step objects keyed by the six column names.
fn json_steps(c: &PathCall) -> Json {
    Json::Array(
        rows(c)
            .into_iter()
            .map(|cells| {
                let map: Map<String, Json> =
                    STEP_COLUMNS.iter().zip(cells).map(|(k, v)| ((*k).to_string(), Json::String(v))).collect();
                Json::Object(map)
            })
            .collect(),
    )
}

/// One call (`getlast`, `getid`): plain table, json steps or the `<Result>` document.
fn render_call(call: &Call<'_>, found: Option<&PathCall>) -> Rendered {
    let Some(c) = found.filter(|c| !c.steps.is_empty()) else { return Rendered::empty(&call.output) };
    match call.output.format {
        Format::Plain => Rendered::text(&call.output, plain::table(&STEP_COLUMNS, &rows(c))),
        Format::Json => Rendered::json(&call.output, &json_steps(c)),
        Format::Xml => Rendered::text(&call.output, result_document(c)),
        Format::Csv => Rendered::empty(&call.output),
    }
}

/// `list`: plain blocks (header + steps) separated by a blank line, or a json array of arrays.
fn render_list(call: &Call<'_>, calls: &[PathCall]) -> Rendered {
    if calls.is_empty() {
        return Rendered::empty(&call.output);
    }
    match call.output.format {
        Format::Plain => {
            let blocks: Vec<String> = calls.iter().map(|c| plain::table(&STEP_COLUMNS, &rows(c))).collect();
            Rendered::text(&call.output, blocks.join("\n"))
        }
        Format::Json => Rendered::json(&call.output, &Json::Array(calls.iter().map(json_steps).collect())),
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// The `<Result>` document of the reference sample, well-formed: `Agent` (who answered),
/// `Status` (`ACTIVE` until the call's HANGUP step, then `NOT ACTIVE`), `Queue` (the queue's name),
/// one element per captured VARIABLE named by the variable, `Caller`, `VoiceFile` (the value of a
/// VOICEFILE or RECORDING step).
fn result_document(c: &PathCall) -> String {
    let value_of = |kinds: &[&str]| {
        c.steps.iter().rev().find(|s| kinds.contains(&s.kind.as_str())).map(|s| s.value.clone()).unwrap_or_default()
    };
    let status = if c.steps.iter().any(|s| s.kind == "HANGUP") { "NOT ACTIVE" } else { "ACTIVE" };
    let queue = c.queue_name.clone().unwrap_or_else(|| {
        c.steps
            .iter()
            .find(|s| s.kind == "QUEUE")
            .map(|s| if s.type_name.is_empty() { s.type_id.clone() } else { s.type_name.clone() })
            .unwrap_or_default()
    });
    let mut elements = vec![
        ("Agent".to_string(), value_of(&["ANSWER"])),
        ("Status".to_string(), status.to_string()),
        ("Queue".to_string(), queue),
    ];
    for s in c.steps.iter().filter(|s| s.kind == "VARIABLE") {
        let name = if s.type_name.is_empty() { format!("VARIABLE_{}", s.type_id) } else { s.type_name.clone() };
        elements.push((xml::element_name(&name), s.value.clone()));
    }
    elements.push(("Caller".to_string(), value_of(&["CALLERID"])));
    elements.push(("VoiceFile".to_string(), value_of(&["VOICEFILE", "RECORDING"])));
    let mut out = format!("{}\n<Result>\n", xml::DECLARATION);
    for (name, value) in elements {
        out.push_str(&format!("<{name}>{}</{name}>\n", xml::escape(&value)));
    }
    out.push_str("</Result>\n");
    out
}
