//! VIRTUALEXT (CONTRACT §1.3 row 17): `list` answers the member usernames (`<username>|...|` in
//! plain, an array in JSON); `add`, `del` and `clean` answer `OK`. `add` to a number that is not a
//! virtual extension yet creates it; `list`, `del` and `clean` on such a number are lookup misses
//! (empty body), as is an unknown member extension. Removing a non-member answers `OK`.

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::Value as Json;

use super::dispatch::{Call, miss_or_error};
use crate::service::Missing;
use crate::service::lookup::ExtensionRef;
use crate::service::virtual_extensions as service;
use crate::service::{Core, ServiceError};

/// Answers `reqtype=VIRTUALEXT`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(number) = call.request.non_empty("number") else {
        return Rendered::text(&call.output, errors::NO_NUMBER_SPECIFIED);
    };
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let action = call.request.get("action").unwrap_or_default().to_ascii_lowercase();
    let result = match action.as_str() {
        "list" => list(core, call, tenant, number).await,
        "add" => add(core, call, tenant, number).await,
        "del" => del(core, call, tenant, number).await,
        "clean" => service::clear(core, &call.principal, tenant, number).await.map(|_| ok(call)),
        _ => Ok(Rendered::text(&call.output, errors::UNKNOWN_ACTION)),
    };
    match result {
        Ok(rendered) => rendered,
        Err(err) => miss_or_error(call, err),
    }
}

fn ok(call: &Call<'_>) -> Rendered {
    Rendered::text(&call.output, errors::OK)
}

async fn list(core: &Core, call: &Call<'_>, tenant: &str, number: &str) -> Result<Rendered, ServiceError> {
    let members = service::members(core, &call.principal, tenant, number).await?;
    if members.is_empty() {
        return Ok(Rendered::empty(&call.output));
    }
    Ok(match call.output.format {
        Format::Json => {
            Rendered::json(&call.output, &Json::Array(members.into_iter().map(|m| Json::String(m.username)).collect()))
        }
        Format::Plain => Rendered::text(
            &call.output,
            members.iter().map(|m| format!("{}|", plain::sanitize_cell(&m.username))).collect::<String>(),
        ),
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    })
}

async fn add(core: &Core, call: &Call<'_>, tenant: &str, number: &str) -> Result<Rendered, ServiceError> {
    let Some(extension) = call.request.non_empty("extension") else {
        return Ok(Rendered::text(&call.output, errors::NO_EXTENSION_SPECIFIED));
    };
    service::add(core, &call.principal, tenant, number, ExtensionRef::Name(extension)).await?;
    Ok(ok(call))
}

async fn del(core: &Core, call: &Call<'_>, tenant: &str, number: &str) -> Result<Rendered, ServiceError> {
    let Some(extension) = call.request.non_empty("extension") else {
        return Ok(Rendered::text(&call.output, errors::NO_EXTENSION_SPECIFIED));
    };
    match service::remove(core, &call.principal, tenant, number, ExtensionRef::Name(extension)).await {
        Ok(()) | Err(ServiceError::NotFound(Missing::VirtualExtensionMember)) => Ok(ok(call)),
        Err(err) => Err(err),
    }
}
