//! DND (CONTRACT §1.3 row 11): `action=get` answers `on` or `off` whatever the format; `action=set`
//! with `value=on` switches it on, with `value=off`, `value=` or no `value` off, and answers `OK`.
//! Any other value is refused (`Error: value: ...`) rather than read as off. An unknown (or
//! missing) extension `number` is a lookup miss: empty body.

use pbx_compat::errors;
use pbx_compat::render::Rendered;

use super::dispatch::{Call, miss_or_error};
use crate::service::dnd as service;
use crate::service::lookup::ExtensionRef;
use crate::service::{Core, ServiceError};

/// Answers `reqtype=DND`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let req = call.request;
    let number = req.get("number").unwrap_or_default();
    let action = req.get("action").unwrap_or_default();
    let result = if action.eq_ignore_ascii_case("get") {
        service::get(core, &call.principal, tenant, ExtensionRef::Name(number))
            .await
            .map(|dnd| Rendered::text(&call.output, if dnd.on { "on" } else { "off" }))
    } else if action.eq_ignore_ascii_case("set") {
        match parse_value(req.get("value")) {
            Ok(on) => service::set(core, &call.principal, tenant, ExtensionRef::Name(number), on)
                .await
                .map(|_| Rendered::text(&call.output, errors::OK)),
            Err(err) => Err(err),
        }
    } else {
        return Rendered::text(&call.output, errors::UNKNOWN_ACTION);
    };
    match result {
        Ok(rendered) => rendered,
        Err(err) => miss_or_error(call, err),
    }
}

/// `on` → on; `off`, empty or absent → off (§0.2: `value=` is "present and empty").
fn parse_value(value: Option<&str>) -> Result<bool, ServiceError> {
    match value.map(str::trim) {
        None | Some("") => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("on") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("off") => Ok(false),
        Some(_) => Err(ServiceError::invalid("value", "must be on, off or empty")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert!(matches!(parse_value(Some("on")), Ok(true)));
        assert!(matches!(parse_value(Some("ON")), Ok(true)));
        assert!(matches!(parse_value(Some("")), Ok(false)));
        assert!(matches!(parse_value(None), Ok(false)));
        assert!(matches!(parse_value(Some("off")), Ok(false)));
        assert!(parse_value(Some("maybe")).is_err());
    }
}
