//! PHONEBOOKS and PHONEBOOK (CONTRACT §1.7 rows 42-43). Reads answer a JSON array of entries
//! `{peid, <field>: value...}` or a plain table whose header is `peid` plus the field names; add
//! answers `OK|<peid>[,<peid>…]|`, the other writes `OK`. An unknown phonebook is a lookup miss
//! (empty body) except for `add`, which creates it. Deleting a `peid` the phonebook does not hold
//! answers `OK`, as QUEUE `del` does for a non-member: the phonebook is as the caller asked.

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::{Map, Value as Json};

use super::dispatch::{Call, error_text, miss_or_error};
use crate::service::Missing;
use crate::service::model::Entry;
use crate::service::objects::PageRequest;
use crate::service::phonebooks::{self as service, ENTRY_ID_FIELD, EntrySearch};
use crate::service::{Core, ServiceError};

/// Answers `reqtype=PHONEBOOKS`: the tenant's phonebook names.
pub async fn phonebooks(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let sub = call.request.get("subreqtype").unwrap_or_default();
    if !(sub.is_empty() || sub.eq_ignore_ascii_case("list")) {
        return Rendered::text(&call.output, errors::UNKNOWN_ACTION);
    }
    let books = match service::list(core, &call.principal, tenant, PageRequest::ALL).await {
        Ok(page) => page.items,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    if books.is_empty() {
        return Rendered::empty(&call.output);
    }
    match call.output.format {
        Format::Json => {
            Rendered::json(&call.output, &Json::Array(books.into_iter().map(|b| Json::String(b.name)).collect()))
        }
        Format::Plain => Rendered::text(
            &call.output,
            books.iter().map(|b| format!("{}|", plain::sanitize_cell(&b.name))).collect::<String>(),
        ),
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// Answers `reqtype=PHONEBOOK`.
pub async fn phonebook(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(name) = call.request.non_empty("phonebook") else {
        return Rendered::text(&call.output, errors::NO_PHONEBOOK_SPECIFIED);
    };
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let sub = call.request.get("subreqtype").unwrap_or_default().to_ascii_lowercase();
    let result = match sub.as_str() {
        "query" => query(core, call, tenant, name).await,
        "getall" | "dump" => read(core, call, tenant, name, None).await,
        "add" => add(core, call, tenant, name).await,
        "delete" => delete(core, call, tenant, name).await,
        "cleanall" | "clean" => service::clear(core, &call.principal, tenant, name).await.map(|_| ok(call)),
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

fn required(field: &str) -> ServiceError {
    ServiceError::invalid(field, "required")
}

async fn query(core: &Core, call: &Call<'_>, tenant: &str, name: &str) -> Result<Rendered, ServiceError> {
    let field = call.request.non_empty("field").ok_or_else(|| required("field"))?;
    let value = call.request.get("value").ok_or_else(|| required("value"))?;
    read(core, call, tenant, name, Some(EntrySearch { field, value })).await
}

async fn read(
    core: &Core,
    call: &Call<'_>,
    tenant: &str,
    name: &str,
    search: Option<EntrySearch<'_>>,
) -> Result<Rendered, ServiceError> {
    let entries = service::entries(core, &call.principal, tenant, name, search, PageRequest::ALL).await?.items;
    if entries.is_empty() {
        return Ok(Rendered::empty(&call.output));
    }
    Ok(match call.output.format {
        Format::Json => Rendered::json(&call.output, &Json::Array(entries.iter().map(entry_json).collect())),
        Format::Plain => Rendered::text(&call.output, table(&entries)),
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    })
}

/// `{"peid": "<id>", <field>: <value>...}`; values are strings, as everywhere in legacy JSON (§0.9).
fn entry_json(entry: &Entry) -> Json {
    let mut object = Map::new();
    object.insert(ENTRY_ID_FIELD.to_string(), Json::String(entry.id.to_string()));
    for (name, value) in &entry.fields {
        object.insert(name.clone(), Json::String(value.clone()));
    }
    Json::Object(object)
}

/// Header `peid|<field>|...`, one row per entry, empty cells where an entry lacks a field.
fn table(entries: &[Entry]) -> String {
    let names = service::field_names(entries);
    let mut header = vec![ENTRY_ID_FIELD];
    header.extend(names.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let mut row = vec![e.id.to_string()];
            row.extend(names.iter().map(|n| e.value(n).unwrap_or_default().to_string()));
            row
        })
        .collect();
    plain::table(&header, &rows)
}

async fn add(core: &Core, call: &Call<'_>, tenant: &str, name: &str) -> Result<Rendered, ServiceError> {
    let raw = call.request.non_empty("jsondata").or_else(|| call.request.non_empty("values"));
    let Some(entries) = raw.and_then(parse_entries) else {
        return Ok(Rendered::text(&call.output, errors::INVALID_JSONDATA));
    };
    let added = service::add(core, &call.principal, tenant, name, &entries).await?;
    let ids: Vec<String> = added.iter().map(|e| e.id.to_string()).collect();
    Ok(Rendered::text(&call.output, plain::result_line(&["OK", &ids.join(",")])))
}

/// `jsondata`/`values`: one object or a non-empty array of objects whose members are strings or
/// numbers. Anything else is `None` (`Invalid jsondata`); names and lengths are the service's job.
fn parse_entries(raw: &str) -> Option<Vec<Vec<(String, String)>>> {
    let objects = match serde_json::from_str::<Json>(raw).ok()? {
        Json::Object(object) => vec![object],
        Json::Array(items) if !items.is_empty() => items
            .into_iter()
            .map(|item| if let Json::Object(o) = item { Some(o) } else { None })
            .collect::<Option<_>>()?,
        _ => return None,
    };
    objects
        .into_iter()
        .map(|object| {
            object
                .into_iter()
                .map(|(name, value)| match value {
                    Json::String(s) => Some((name, s)),
                    Json::Number(n) => Some((name, n.to_string())),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

async fn delete(core: &Core, call: &Call<'_>, tenant: &str, name: &str) -> Result<Rendered, ServiceError> {
    let peid = call.request.non_empty("peid").ok_or_else(|| required("peid"))?;
    // A peid that is not a number names no entry: a lookup miss.
    let Ok(id) = peid.trim().parse::<i64>() else { return Ok(Rendered::empty(&call.output)) };
    match service::delete_entry(core, &call.principal, tenant, name, id).await {
        Ok(()) | Err(ServiceError::NotFound(Missing::PhonebookEntry)) => Ok(ok(call)),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsondata_shapes() {
        let one = parse_entries(r#"{"NAME": "Ross", "PHONE1": "3564732920"}"#);
        assert_eq!(one, Some(vec![vec![("NAME".into(), "Ross".into()), ("PHONE1".into(), "3564732920".into())]]));
        let many = parse_entries(r#"[{"name": "A", "number": 100}, {"name": "B"}]"#);
        assert_eq!(many.map(|m| m.len()), Some(2));
        for bad in ["", "nope", "[]", "[1]", r#"{"a": null}"#, r#"{"a": {"b": 1}}"#, r#"{"a": true}"#, "\"x\""] {
            assert_eq!(parse_entries(bad), None, "{bad}");
        }
    }
}
