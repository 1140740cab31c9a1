//! USERGROUP (admin): list groups, their tenants and users; link and unlink (CONTRACT §1.2 row 4).

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::{Map, Value as Json, json};

use super::dispatch::{Call, miss_or_error};
use crate::service::{Core, ServiceError, user_groups};

/// Answers `reqtype=USERGROUP`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let action = call.request.get("action").unwrap_or_default().to_ascii_lowercase();
    let result = match action.as_str() {
        "list" => user_groups::list(core, &call.principal)
            .await
            .map(|rows| pairs(call, rows.iter().map(|r| (r.id, r.text("ug_name").to_string())).collect())),
        "listtenants" | "listusers" | "addtenant" | "deltenant" | "adduser" | "deluser" => {
            let Some(group) = id_param(call, "usergroupid") else {
                return Rendered::text(&call.output, errors::error_line("usergroupid: is required"));
            };
            links(core, call, &action, group).await
        }
        _ => return Rendered::text(&call.output, errors::UNKNOWN_ACTION),
    };
    match result {
        Ok(rendered) => rendered,
        Err(err) => miss_or_error(call, err),
    }
}

fn id_param(call: &Call<'_>, name: &str) -> Option<i64> {
    call.request.non_empty(name).and_then(|v| v.trim().parse().ok())
}

async fn links(core: &Core, call: &Call<'_>, action: &str, group: i64) -> Result<Rendered, ServiceError> {
    let p = &call.principal;
    let ok = || Rendered::text(&call.output, errors::OK);
    match action {
        "listtenants" => Ok(pairs(call, user_groups::tenants(core, p, group).await?)),
        "listusers" => {
            let users = user_groups::users(core, p, group).await?;
            Ok(pairs(call, users.into_iter().map(|(id, name, _)| (id, name)).collect()))
        }
        "addtenant" | "deltenant" => {
            let Some(tenant) = id_param(call, "tenantid") else {
                return Ok(Rendered::text(&call.output, errors::error_line("tenantid: is required")));
            };
            if action == "addtenant" {
                user_groups::add_tenant(core, p, group, tenant).await?;
            } else {
                user_groups::remove_tenant(core, p, group, tenant).await?;
            }
            Ok(ok())
        }
        _ => {
            let Some(user) = id_param(call, "userid") else {
                return Ok(Rendered::text(&call.output, errors::error_line("userid: is required")));
            };
            if action == "adduser" {
                // `inerith` (sic): absent means inherit; anything but `on`/`yes`/`1` means not.
                let inherit = call
                    .request
                    .get("inerith")
                    .is_none_or(|v| matches!(v.to_ascii_lowercase().as_str(), "on" | "yes" | "1"));
                user_groups::add_user(core, p, group, user, inherit).await?;
            } else {
                user_groups::remove_user(core, p, group, user).await?;
            }
            Ok(ok())
        }
    }
}

/// Lists: JSON object keyed by id of `{id, name}`; plain `id:name|` pairs.
fn pairs(call: &Call<'_>, items: Vec<(i64, String)>) -> Rendered {
    if items.is_empty() {
        return Rendered::empty(&call.output);
    }
    if call.output.format == Format::Json {
        let map: Map<String, Json> =
            items.iter().map(|(id, name)| (id.to_string(), json!({"id": id.to_string(), "name": name}))).collect();
        return Rendered::json(&call.output, &Json::Object(map));
    }
    let pairs: Vec<(String, String)> = items.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    Rendered::text(&call.output, plain::pair_line(&pairs, ":"))
}
