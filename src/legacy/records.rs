//! The one mapping from stored rows to legacy records: legacy field names are the column names,
//! ids and flags are strings (`on` / empty), credentials are blanked, derived values appended.

use pbx_compat::record::{LegacyRecord, LegacyValue};

use crate::domain::object::{FieldKind, SecretKind};
use crate::service::model::{Row, Value};
use crate::service::objects::ObjectRules;

/// Device state shown when no PBX node knows the extension's device (`st_state`).
pub const UNKNOWN_STATE: &str = "UNKNOWN";

/// The legacy record of a row, secrets blanked.
pub fn record(rules: &dyn ObjectRules, row: &Row) -> LegacyRecord {
    let def = rules.def();
    let mut record = LegacyRecord::with_capacity(def.fields.len() + 6);
    record.push(def.id_column, row.id.to_string());
    if let Some(column) = def.tenant_column() {
        record.push(column, row.tenant_id.map(|id| id.to_string()));
    }
    for (field, value) in row.columns() {
        match field.secret {
            // Derived secrets (SIP digests) are not part of the legacy row at all.
            Some(SecretKind::Derived) => continue,
            Some(_) => record.push(field.name, blank(value)),
            None => record.push(field.name, shown(field.kind, value)),
        }
    }
    for (name, value) in rules.derived(row) {
        record.push(name, value);
    }
    if def.name == "extension" {
        // Legacy extension rows carry the tech credential columns (always blank here) and the
        // device state (CONTRACT §2.4, INFO extensions).
        record.push("password", "");
        record.push("secret", "");
        record.push("st_state", UNKNOWN_STATE);
    }
    record.blank_credentials();
    record
}

/// The legacy record of a row as `principal` may see it (the service decides what it may see).
pub fn record_for(principal: &crate::auth::Principal, rules: &dyn ObjectRules, row: &Row) -> LegacyRecord {
    record(rules, &crate::service::objects::visible_to(principal, row))
}

fn shown(kind: FieldKind, value: &Value) -> LegacyValue {
    match (kind, value) {
        (FieldKind::Flag, v) => LegacyValue::from(if v.to_text() == "0" || v.to_text().is_empty() { "" } else { "on" }),
        (_, Value::Null) => LegacyValue::Null,
        (_, v) => LegacyValue::from(v.to_text()),
    }
}

fn blank(value: &Value) -> LegacyValue {
    if *value == Value::Null { LegacyValue::Null } else { LegacyValue::from("") }
}

/// The BLFS/FLOWS answer: json records with positional twins, plain lines with every value twice
/// nothing for xml/csv or no records.
pub fn doubled_list(
    output: &pbx_compat::command::OutputOptions,
    records: &[LegacyRecord],
) -> pbx_compat::render::Rendered {
    use pbx_compat::command::Format;
    use pbx_compat::render::{Rendered, plain};
    if records.is_empty() {
        return Rendered::empty(output);
    }
    match output.format {
        Format::Json => Rendered::json(
            output,
            &serde_json::Value::Array(records.iter().map(LegacyRecord::to_json_with_positional_twins).collect()),
        ),
        Format::Plain => {
            let body: String =
                records.iter().map(|r| format!("{}\n", plain::doubled_line(&r.values_as_text()))).collect();
            Rendered::text(output, body)
        }
        Format::Xml | Format::Csv => Rendered::empty(output),
    }
}

/// A list answer: a json array of records, or a plain table under `header`; nothing for xml/csv.
pub fn table_or_array(
    output: &pbx_compat::command::OutputOptions,
    header: &[&str],
    records: &[LegacyRecord],
) -> pbx_compat::render::Rendered {
    use pbx_compat::command::Format;
    use pbx_compat::render::{Rendered, plain};
    match output.format {
        Format::Json => {
            Rendered::json(output, &serde_json::Value::Array(records.iter().map(LegacyRecord::to_json).collect()))
        }
        Format::Plain => {
            let rows: Vec<Vec<String>> = records.iter().map(LegacyRecord::values_as_text).collect();
            Rendered::text(output, plain::table(header, &rows))
        }
        Format::Xml | Format::Csv => Rendered::empty(output),
    }
}
