//! QUEUE: queue membership by queue `id` or `number` (CONTRACT §1.4 row 25). Writes answer `OK`
//! (a public queue-admin client compares the body with it, Q-06).

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use pbx_compat::request::LegacyRequest;
use serde_json::{Value as Json, json};

use super::dispatch::{Call, miss_or_error};
use crate::service::Missing;
use crate::service::lookup::ExtensionRef;
use crate::service::queue_members::{self as service, LogEvent, MemberChange, QueueRef};
use crate::service::{Core, ServiceError};

/// Plain header of `fulllist`.
const FULLLIST_HEADER: [&str; 5] = ["Agent", "Type", "Order", "Penalty", "Paused"];

/// Answers `reqtype=QUEUE`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let queue = match (req.non_empty("id"), req.non_empty("number")) {
        (Some(id), _) => match id.trim().parse::<i64>() {
            Ok(id) => QueueRef::Id(id),
            // An id that names nothing: a lookup miss, like an unknown queue.
            Err(_) => return Rendered::empty(&call.output),
        },
        (None, Some(number)) => QueueRef::Number(number),
        (None, None) => return Rendered::text(&call.output, errors::NO_QUEUE_SPECIFIED),
    };
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let action = req.get("action").unwrap_or_default().to_ascii_lowercase();
    let result = match action.as_str() {
        "list" | "fulllist" => list(core, call, tenant, queue, action == "fulllist").await,
        "add" => add(core, call, tenant, queue).await,
        "del" => del(core, call, tenant, queue).await,
        "clean" => service::clear(core, &call.principal, tenant, queue).await.map(|_| ok(call)),
        "log" => log(core, call, tenant, queue).await,
        _ => Ok(Rendered::text(&call.output, errors::UNKNOWN_ACTION)),
    };
    match result {
        Ok(rendered) => rendered,
        // Unknown queue or extension: a lookup miss answers with an empty body (§0.6).
        Err(err) => miss_or_error(call, err),
    }
}

fn ok(call: &Call<'_>) -> Rendered {
    Rendered::text(&call.output, errors::OK)
}

async fn list(
    core: &Core,
    call: &Call<'_>,
    tenant: &str,
    queue: QueueRef<'_>,
    full: bool,
) -> Result<Rendered, ServiceError> {
    let (_, members) = service::list(core, &call.principal, tenant, queue).await?;
    let json = call.output.format == Format::Json;
    Ok(match (full, json) {
        (false, true) => {
            Rendered::json(&call.output, &Json::Array(members.iter().map(|m| json!(m.username)).collect()))
        }
        (false, false) => {
            let line: String = members.iter().map(|m| format!("{}|", plain::sanitize_cell(&m.username))).collect();
            Rendered::text(&call.output, line)
        }
        (true, true) => Rendered::json(
            &call.output,
            &Json::Array(
                members
                    .iter()
                    .map(|m| {
                        json!({
                            "agent": m.username,
                            "type": m.kind,
                            "order": m.order.to_string(),
                            "penalty": m.penalty.to_string(),
                            "paused": if m.paused { "1" } else { "0" },
                        })
                    })
                    .collect(),
            ),
        ),
        (true, false) => {
            let rows: Vec<Vec<String>> = members
                .iter()
                .map(|m| {
                    let paused = if m.paused { "1" } else { "0" };
                    vec![m.username.clone(), m.kind.clone(), m.order.to_string(), m.penalty.to_string(), paused.into()]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&FULLLIST_HEADER, &rows))
        }
    })
}

async fn add(core: &Core, call: &Call<'_>, tenant: &str, queue: QueueRef<'_>) -> Result<Rendered, ServiceError> {
    let req = call.request;
    let Some(extension) = req.non_empty("extension") else {
        return Ok(Rendered::text(&call.output, errors::NO_EXTENSION_SPECIFIED));
    };
    let change = member_change(req)?;
    service::put(core, &call.principal, tenant, queue, ExtensionRef::Name(extension), &change).await?;
    Ok(ok(call))
}

async fn del(core: &Core, call: &Call<'_>, tenant: &str, queue: QueueRef<'_>) -> Result<Rendered, ServiceError> {
    let Some(extension) = call.request.non_empty("extension") else {
        return Ok(Rendered::text(&call.output, errors::NO_EXTENSION_SPECIFIED));
    };
    match service::remove(core, &call.principal, tenant, queue, ExtensionRef::Name(extension)).await {
        // Removing a non-member leaves the queue as asked: OK, as other simple writes answer.
        Ok(()) | Err(ServiceError::NotFound(Missing::QueueMember)) => Ok(ok(call)),
        Err(err) => Err(err),
    }
}

async fn log(core: &Core, call: &Call<'_>, tenant: &str, queue: QueueRef<'_>) -> Result<Rendered, ServiceError> {
    let req = call.request;
    let data = |n: &str| req.get(n).unwrap_or_default();
    let event = LogEvent {
        callid: req.non_empty("uniqid"),
        agent: req.non_empty("extension").filter(|e| !e.eq_ignore_ascii_case("NONE")),
        event: req.get("event").unwrap_or_default(),
        data: [data("data1"), data("data2"), data("data3"), data("data4"), data("data5")],
    };
    service::log_event(core, &call.principal, tenant, queue, &event).await?;
    Ok(ok(call))
}

/// The member settings of a QUEUE add or AGENT add: both read them here, so a bad value gets the
/// same answer on either. `paused` takes `1`/`0` as the vendor's examples, and `yes`/`no`.
pub(super) fn member_change(req: &LegacyRequest) -> Result<MemberChange, ServiceError> {
    let paused = match req.non_empty("paused").map(str::trim) {
        None => None,
        Some(p) if p == "1" || p.eq_ignore_ascii_case("yes") => Some(true),
        Some(p) if p == "0" || p.eq_ignore_ascii_case("no") => Some(false),
        Some(_) => return Err(ServiceError::invalid("paused", "must be 1 or 0")),
    };
    Ok(MemberChange {
        penalty: integer(req.non_empty("penalty"), "penalty")?,
        paused,
        kind: req.non_empty("type").map(str::to_string),
        order: integer(req.non_empty("order"), "order")?,
    })
}

fn integer(value: Option<&str>, field: &'static str) -> Result<Option<i64>, ServiceError> {
    value
        .map(|v| v.trim().parse::<i64>().map_err(|_| ServiceError::invalid(field, "must be a whole number")))
        .transpose()
}
