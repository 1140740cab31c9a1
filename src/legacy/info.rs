//! INFO sub-types. This build serves EXTENSIONS; the others answer with an empty body, as the
//! contract prescribes for sub-types it does not know, until their issues land.

use pbx_compat::command::{Format, InfoKind};
use pbx_compat::render::{Rendered, plain};
use serde_json::Value as Json;

use super::dispatch::{Call, error_text};
use super::records::record;
use crate::service::Core;
use crate::service::extensions::ExtensionRules;
use crate::service::objects::{self, PageRequest};
use crate::store::objects::{CondOp, Condition, Value};

/// Answers `reqtype=INFO`.
pub async fn answer(core: &Core, call: &Call<'_>, kind: &InfoKind) -> Rendered {
    match kind {
        InfoKind::Extensions { id, number } => extensions(core, call, id.as_deref(), number.as_deref()).await,
        InfoKind::Other(_) | InfoKind::Missing => Rendered::empty(&call.output),
    }
}

/// Plain header of INFO extensions (CONTRACT §1 row 8).
const EXTENSIONS_HEADER: [&str; 6] = ["Number", "Name", "Tech", "State", "Username", "Password"];

async fn extensions(core: &Core, call: &Call<'_>, id: Option<&str>, number: Option<&str>) -> Rendered {
    // xml and csv are not served for this call: empty body (OBSERVED A-40).
    if matches!(call.output.format, Format::Xml | Format::Csv) {
        return Rendered::empty(&call.output);
    }
    let mut conditions = Vec::new();
    if let Some(id) = id {
        let Ok(id) = id.parse::<i64>() else {
            return Rendered::empty(&call.output);
        };
        conditions.push(Condition { column: "ex_id", op: CondOp::Eq, value: Value::Int(id) });
    }
    if let Some(number) = number {
        conditions.push(Condition { column: "ex_number", op: CondOp::Eq, value: Value::Text(number.to_string()) });
    }
    let tenant = call.tenant.filter(|t| *t != "%");
    let rows = match objects::list(core, &call.principal, &ExtensionRules, tenant, conditions, PageRequest::ALL).await {
        Ok(page) => page.items,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    let records: Vec<_> = rows.iter().map(|row| record(&ExtensionRules, row)).collect();
    match call.output.format {
        Format::Json => Rendered::json(&call.output, &Json::Array(records.iter().map(|r| r.to_json()).collect())),
        _ => {
            let lines: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let field = |name: &str| r.get_str(name).unwrap_or_default().to_string();
                    // The Password column is always empty: credentials are never shown.
                    vec![
                        field("ex_number"),
                        field("ex_name"),
                        field("ex_tech"),
                        field("st_state"),
                        field("username"),
                        String::new(),
                    ]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&EXTENSIONS_HEADER, &lines))
        }
    }
}
