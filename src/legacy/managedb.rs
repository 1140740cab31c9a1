//! MANAGEDB: list/get/add/update/delete of every declared object through one generic path, plus the
//! user's tenant links. Answers are JSON (CONTRACT §2.1).

use pbx_compat::command::ManageDbCommand;
use pbx_compat::errors;
use pbx_compat::filter::{FilterOp, parse_filter};
use pbx_compat::record::keyed_object;
use pbx_compat::render::Rendered;
use serde_json::Value as Json;

use super::dispatch::{Call, error_text};
use super::records::{record, record_for};
use crate::service::model::CondOp;
use crate::service::objects::Filter;
use crate::service::objects::{self, Input, ObjectRules, PageRequest};
use crate::service::{Core, ServiceError, catalog, registry, users};

/// Answers a MANAGEDB call.
pub async fn answer(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Rendered {
    // Destination lists and schedules: object `destination` and the special actions of ivr,
    // condition and huntlist.
    if let Some(rendered) = super::destinations::answer(core, call, cmd).await {
        return rendered;
    }
    if cmd.object == "mediafile" && matches!(cmd.action.as_str(), "getbinary" | "updatebinary") {
        return super::media::binary(core, call, cmd).await;
    }
    let Some(rules) = registry::find(&cmd.object) else {
        return text(call, errors::UNKNOWN_OBJECT);
    };
    let out = match cmd.action.as_str() {
        "list" => list(core, call, rules, cmd).await,
        "get" => get(core, call, rules, cmd).await,
        "add" => add(core, call, rules, cmd).await,
        "update" => update(core, call, rules, cmd).await,
        "delete" => delete(core, call, rules, cmd).await,
        "listtenants" | "addtenant" | "deltenant" if rules.def().name == "user" => user_links(core, call, cmd).await,
        "listroutes" if matches!(rules.def().name, "provider" | "routingprofile") => {
            list_routes(core, call, rules, cmd).await
        }
        _ => return text(call, errors::UNKNOWN_ACTION),
    };
    match out {
        Ok(Answer::Json(value)) => Rendered::json(&call.output, &value),
        Ok(Answer::Text(t)) => text(call, &t),
        Err(err) => text(call, &error_text(err)),
    }
}

enum Answer {
    Json(Json),
    Text(String),
}

fn text(call: &Call<'_>, body: &str) -> Rendered {
    Rendered::text(&call.output, body)
}

/// `objectid` as a row id; a non-numeric id names nothing (`null`), a missing one is an error.
fn object_id(cmd: &ManageDbCommand) -> Result<i64, Answer> {
    match cmd.objectid.as_deref() {
        None => Err(Answer::Text(errors::NO_OBJECTID_SPECIFIED.into())),
        Some(raw) => raw.parse::<i64>().map_err(|_| Answer::Text(errors::NULL.into())),
    }
}

fn jsondata(cmd: &ManageDbCommand) -> Result<Input, Answer> {
    let invalid = || Answer::Text(errors::INVALID_JSONDATA.into());
    let raw = cmd.jsondata.as_deref().ok_or_else(invalid)?;
    match serde_json::from_str::<Json>(raw) {
        Ok(Json::Object(map)) => Ok(map),
        _ => Err(invalid()),
    }
}

macro_rules! try_answer {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(answer) => return Ok(answer),
        }
    };
}

async fn list(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let mut conditions = match cmd.filter.as_deref() {
        None => Vec::new(),
        Some(filter) => match conditions(rules, filter) {
            Some(c) => c,
            None => return Ok(Answer::Text(errors::INVALID_FILTER.into())),
        },
    };
    // `route` `list` takes `routingprofileid` (CONTRACT §2.3): the routes of one profile.
    if let (Some(column), Some(profile)) = (route_profile_column(rules), call.request.non_empty("routingprofileid")) {
        conditions.push(Filter::equals(rules, column, profile.trim())?);
    }
    let rows = objects::list(core, &call.principal, rules, call.tenant, conditions, PageRequest::ALL).await?;
    // Custom destination list records also carry their type's name (CONTRACT §2.1, OBSERVED-C).
    let type_names = if rules.def().name == "custom" { custom_type_names(core, call).await? } else { Vec::new() };
    Ok(Answer::Json(keyed_object(rows.items.iter().map(|row| {
        let mut rec = record_for(&call.principal, rules, row);
        if rules.def().name == "custom" {
            let type_id = row.text("cu_ct_id");
            let name = type_names.iter().find(|(id, _)| id == type_id).map(|(_, n)| n.as_str()).unwrap_or_default();
            rec.push("ct_name", name);
        }
        (row.id.to_string(), rec)
    }))))
}

/// `(ct_id, ct_name)` of the custom destination type catalogue.
async fn custom_type_names(core: &Core, call: &Call<'_>) -> Result<Vec<(String, String)>, ServiceError> {
    let types = objects::list(core, &call.principal, &catalog::CUSTOMTYPES, None, Vec::new(), PageRequest::ALL).await?;
    Ok(types.items.iter().map(|t| (t.id.to_string(), t.text("ct_name").to_string())).collect())
}

/// `listroutes` of a provider or routing profile: its routes keyed by `dl_id` (CONTRACT §2.4).
async fn list_routes(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    objects::get(core, &call.principal, rules, None, id).await?;
    let column = if rules.def().name == "provider" { "dl_pr_id" } else { "dl_rp_id" };
    let conditions = vec![Filter::equals(&catalog::ROUTES, column, &id.to_string())?];
    let routes = objects::list(core, &call.principal, &catalog::ROUTES, None, conditions, PageRequest::ALL).await?;
    Ok(Answer::Json(keyed_object(routes.items.iter().map(|row| (row.id.to_string(), record(&catalog::ROUTES, row))))))
}

/// The routing-profile column of `route`, the one object whose `list` takes `routingprofileid`.
fn route_profile_column(rules: &dyn ObjectRules) -> Option<&'static str> {
    let def = rules.def();
    if def.name == "route" { def.field("dl_rp_id").map(|(_, f)| f.name) } else { None }
}

/// The safe `filter` grammar (CONTRACT §2.5) over the object's columns; the service checks each term
/// against the declaration (a secret column cannot be filtered on).
fn conditions(rules: &dyn ObjectRules, filter: &str) -> Option<Vec<Filter>> {
    let def = rules.def();
    let columns: Vec<&str> = def.fields.iter().map(|f| f.name).collect();
    let terms = parse_filter(filter, &columns).ok()?;
    terms
        .into_iter()
        .map(|term| {
            let op = match term.op {
                FilterOp::Eq => CondOp::Eq,
                FilterOp::Ne => CondOp::Ne,
                FilterOp::Like => CondOp::Like,
            };
            Filter::new(rules, &term.column, op, &term.value).ok()
        })
        .collect()
}

async fn get(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let row = objects::get(core, &call.principal, rules, call.tenant, id).await?;
    Ok(one_record(call, rules, &row))
}

/// The answer of get/add/update: the record as the caller may see it.
fn one_record(call: &Call<'_>, rules: &dyn ObjectRules, row: &crate::service::model::Row) -> Answer {
    Answer::Json(record_for(&call.principal, rules, row).to_json())
}

async fn add(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let input = try_answer!(jsondata(cmd));
    let row = objects::create(core, &call.principal, rules, call.tenant, &input).await?;
    Ok(one_record(call, rules, &row))
}

async fn update(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let input = try_answer!(jsondata(cmd));
    let row = objects::update(core, &call.principal, rules, call.tenant, id, &input).await?;
    Ok(one_record(call, rules, &row))
}

async fn delete(
    core: &Core,
    call: &Call<'_>,
    rules: &dyn ObjectRules,
    cmd: &ManageDbCommand,
) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    objects::delete(core, &call.principal, rules, call.tenant, id).await?;
    Ok(Answer::Text(errors::OK.into()))
}

/// `listtenants` → `{te_id: te_code}`; `addtenant` / `deltenant` take `tenantid` and answer OK.
async fn user_links(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let user_id = try_answer!(object_id(cmd));
    if cmd.action == "listtenants" {
        let links = users::tenants(core, &call.principal, user_id).await?;
        let map: serde_json::Map<String, Json> =
            links.into_iter().map(|(id, code)| (id.to_string(), Json::String(code))).collect();
        return Ok(Answer::Json(if map.is_empty() { Json::Array(Vec::new()) } else { Json::Object(map) }));
    }
    let Some(tenant_id) = call.request.non_empty("tenantid").and_then(|t| t.parse::<i64>().ok()) else {
        return Ok(Answer::Text(errors::error_line("tenantid: is required")));
    };
    if cmd.action == "addtenant" {
        users::add_tenant(core, &call.principal, user_id, tenant_id).await?;
    } else {
        users::remove_tenant(core, &call.principal, user_id, tenant_id).await?;
    }
    Ok(Answer::Text(errors::OK.into()))
}
