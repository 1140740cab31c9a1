//! SETTING (CONTRACT §1.2 row 5): `action=GET` answers the raw value as text whatever the format
//! (like CDR get, Q-08), an unknown setting an empty body; `action=SET` answers `OK`, an unknown
//! setting `Error: unknown setting`, a value outside the setting's rule `Error: value: ...`.
//! The setting is named by `name` or its alias `code`.

use pbx_compat::errors;
use pbx_compat::render::Rendered;

use super::dispatch::{Call, error_text};
use crate::service::settings as service;
use crate::service::{Core, ServiceError};

/// Answers `reqtype=SETTING`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let req = call.request;
    let code = req.non_empty("name").or_else(|| req.non_empty("code")).unwrap_or_default();
    let action = req.get("action").unwrap_or_default();
    if action.eq_ignore_ascii_case("get") {
        match service::get(core, &call.principal, tenant, code).await {
            Ok(setting) => Rendered::text(&call.output, setting.value),
            Err(ServiceError::NotFound(_)) => Rendered::empty(&call.output),
            Err(err) => Rendered::text(&call.output, error_text(err)),
        }
    } else if action.eq_ignore_ascii_case("set") {
        let value = req.get("value").unwrap_or_default();
        match service::set(core, &call.principal, tenant, code, value).await {
            Ok(_) => Rendered::text(&call.output, errors::OK),
            Err(ServiceError::NotFound(_)) => Rendered::text(&call.output, errors::error_line("unknown setting")),
            Err(err) => Rendered::text(&call.output, error_text(err)),
        }
    } else {
        Rendered::text(&call.output, errors::UNKNOWN_ACTION)
    }
}
