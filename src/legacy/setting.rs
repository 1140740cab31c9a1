//! SETTING (CONTRACT §1.2 row 5): `action=GET` answers the raw value as text whatever the format
//! (like CDR get, Q-08), an unknown setting an empty body; `action=SET` answers `OK`, an unknown
//! setting `Error: unknown setting`, a value outside the setting's rule `Error: value: ...`.
//! The setting is named by `name` or its alias `code`.

use pbx_compat::errors;
use pbx_compat::render::Rendered;

use super::dispatch::{Call, error_text, miss_or_error};
use crate::service::settings as service;
use crate::service::{Core, ServiceError};

/// Answers `reqtype=SETTING`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let code = req.non_empty("name").or_else(|| req.non_empty("code")).unwrap_or_default();
    let action = req.get("action").unwrap_or_default();
    if let Some(template) = CdrTemplateSetting::parse(code) {
        return cdr_template(core, call, template, action).await;
    }
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    if action.eq_ignore_ascii_case("get") {
        match service::get(core, &call.principal, tenant, code).await {
            Ok(setting) => Rendered::text(&call.output, setting.value),
            Err(err) => miss_or_error(call, err),
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

/// CDR output templates (CONTRACT §4) reached as settings: `CDRTEMPLATE:<name>` is a named template,
/// `CDRCSVTEMPLATE` the CSV export template. With `tenant=%` or no tenant (admin keys) they are the
/// admin templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CdrTemplateSetting<'a> {
    Named(&'a str),
    CsvExport,
}

/// Name under which `CDRCSVTEMPLATE` is stored.
const CSV_EXPORT_TEMPLATE: &str = "csv-export";

impl<'a> CdrTemplateSetting<'a> {
    fn parse(code: &'a str) -> Option<CdrTemplateSetting<'a>> {
        if code.eq_ignore_ascii_case("CDRCSVTEMPLATE") {
            return Some(CdrTemplateSetting::CsvExport);
        }
        let prefix = code.get(..12).filter(|p| p.eq_ignore_ascii_case("CDRTEMPLATE:"))?;
        Some(CdrTemplateSetting::Named(&code[prefix.len()..]))
    }
}

/// GET answers the template text (0 bytes when there is none), SET stores `value` (an empty value
/// deletes it) and answers OK.
async fn cdr_template(core: &Core, call: &Call<'_>, setting: CdrTemplateSetting<'_>, action: &str) -> Rendered {
    use crate::service::cdr_templates::{self, TemplateInput, TemplateScope};
    let scope = match call.tenant {
        Some(code) if code != "%" => TemplateScope::Tenant(code),
        _ => TemplateScope::Global,
    };
    let (name, csv_default) = match setting {
        CdrTemplateSetting::Named(name) => (name, false),
        CdrTemplateSetting::CsvExport => (CSV_EXPORT_TEMPLATE, true),
    };
    let result = if action.eq_ignore_ascii_case("get") {
        cdr_templates::get(core, &call.principal, scope, name).await.map(|row| row.body)
    } else if action.eq_ignore_ascii_case("set") {
        let value = call.request.get("value").unwrap_or_default();
        let done = if value.is_empty() {
            cdr_templates::delete(core, &call.principal, scope, name).await
        } else {
            let input = TemplateInput { body: value, csv_default };
            cdr_templates::put(core, &call.principal, scope, name, input).await.map(|_| ())
        };
        done.map(|()| errors::OK.to_string())
    } else {
        return Rendered::text(&call.output, errors::UNKNOWN_ACTION);
    };
    match result {
        Ok(text) => Rendered::text(&call.output, text),
        Err(ServiceError::NotFound(_)) if action.eq_ignore_ascii_case("get") => Rendered::empty(&call.output),
        Err(ServiceError::NotFound(_)) => Rendered::text(&call.output, errors::OK),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}
