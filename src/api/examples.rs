//! Examples for the OpenAPI document: every schema member and every parameter gets one, so Swagger
//! UI's "Example Value" and generated client docs show a plausible request instead of `"string"`.
//!
//! They come from one table of what a value of a given name looks like on this PBX (a tenant code
//! `ACME`, an extension number `201`), then fitted to the member's own schema: the first value of an
//! `enum`, a value the `pattern` takes, cut to `maxLength`, kept within `minimum`/`maximum`. A member
//! whose pattern this file does not know gets none rather than a wrong one (`tests/it/spec.rs` lists
//! the members left without an example, so a new pattern is noticed).

use serde_json::{Map, Value as Json, json};

/// Parameters no fixed value can stand for: a cursor is a token only the server issues (a made-up one
/// is refused), and an idempotency key must be new for each request (a shared one would replay or
/// refuse the next request). Their descriptions say what to send.
pub const WITHOUT_EXAMPLE: &[&str] = &["cursor", "Idempotency-Key"];

/// Adds an `example` to every component schema member and every operation parameter that has none.
pub fn add(doc: &mut Json) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) {
        for schema in schemas.values_mut() {
            let Some(properties) = schema.get_mut("properties").and_then(Json::as_object_mut) else { continue };
            for (name, property) in properties.iter_mut() {
                if let Some(property) = property.as_object_mut() {
                    add_to(property, name);
                }
            }
        }
    }
    let shared = doc.pointer_mut("/components/parameters").and_then(Json::as_object_mut);
    let shared: Vec<&mut Json> = shared.into_iter().flat_map(|parameters| parameters.values_mut()).collect();
    for parameter in shared.into_iter().filter_map(Json::as_object_mut) {
        add_to_parameter(parameter);
    }
    let paths = doc.get_mut("paths").and_then(Json::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    let operations = paths.filter_map(Json::as_object_mut).flat_map(|item| item.values_mut());
    for operation in operations {
        let parameters = operation.get_mut("parameters").and_then(Json::as_array_mut).into_iter().flatten();
        for parameter in parameters.filter_map(Json::as_object_mut) {
            add_to_parameter(parameter);
        }
    }
}

/// Adds an example to one parameter (inline, or shared under `components/parameters`).
fn add_to_parameter(parameter: &mut Map<String, Json>) {
    let name = parameter.get("name").and_then(Json::as_str).unwrap_or_default();
    if parameter.contains_key("example") || WITHOUT_EXAMPLE.contains(&name) {
        return;
    }
    let Some(schema) = parameter.get("schema").and_then(Json::as_object) else { return };
    if let Some(example) = example_for(name, schema) {
        parameter.insert("example".into(), example);
    }
}

/// Adds an example to one schema member (an inline schema; a `$ref` takes none beside it in 3.0).
fn add_to(property: &mut Map<String, Json>, name: &str) {
    if property.contains_key("example") || property.contains_key("$ref") {
        return;
    }
    if let Some(example) = example_for(name, property) {
        property.insert("example".into(), example);
    }
}

/// A value of `schema` that a member or parameter called `name` plausibly holds.
pub fn example_for(name: &str, schema: &Map<String, Json>) -> Option<Json> {
    if let Some(first) = schema
        .get("enum")
        .and_then(Json::as_array)
        .and_then(|values| values.iter().find(|v| v.as_str().is_some_and(|s| !s.is_empty())).or_else(|| values.first()))
    {
        return Some(first.clone());
    }
    let name = name.to_ascii_lowercase();
    match schema.get("type").and_then(Json::as_str)? {
        "boolean" => Some(Json::Bool(matches!(name.as_str(), "branch" | "fresh" | "latest"))),
        "integer" => Some(json!(integer_for(&name, schema))),
        "number" => Some(json!(12.5)),
        "array" => {
            let items = schema.get("items").and_then(Json::as_object)?;
            if items.contains_key("$ref") {
                return None;
            }
            let singular = name.strip_suffix('s').unwrap_or(&name);
            Some(json!([example_for(singular, items)?]))
        }
        "string" => text_for(&name, schema).map(Json::String),
        _ => None,
    }
}

fn integer_for(name: &str, schema: &Map<String, Json>) -> i64 {
    let value = match name {
        "limit" => 50,
        "port" => 5060,
        "status" => 200,
        _ if name.ends_with("timeout") || name.ends_with("_time") || name == "retry" => 30,
        _ if name == "id" || name.ends_with("_id") => 42,
        _ if name.contains("start") => 700,
        _ if name.contains("end") => 719,
        _ => 1,
    };
    let minimum = schema.get("minimum").and_then(Json::as_i64).unwrap_or(i64::MIN);
    let maximum = schema.get("maximum").and_then(Json::as_i64).unwrap_or(i64::MAX);
    let minimum = if schema.get("format").and_then(Json::as_str).is_some_and(|f| f.starts_with('u')) {
        minimum.max(0)
    } else {
        minimum
    };
    value.clamp(minimum, maximum.max(minimum))
}

fn text_for(name: &str, schema: &Map<String, Json>) -> Option<String> {
    if schema.get("format").and_then(Json::as_str) == Some("date-time") || is_time(name) {
        return Some("2026-12-04T09:30:00Z".into());
    }
    let max = schema.get("maxLength").and_then(Json::as_u64).map_or(usize::MAX, |max| max as usize);
    let min = schema.get("minLength").and_then(Json::as_u64).unwrap_or(0) as usize;
    let fits = |text: &str| (min..=max).contains(&text.chars().count());
    let Some(pattern) = schema.get("pattern").and_then(Json::as_str) else {
        let mut text: String = by_name(name).chars().take(max).collect();
        while text.chars().count() < min {
            text.push('x');
        }
        return Some(text);
    };
    // The first plausible value the member's own pattern takes; none rather than a wrong one.
    let pattern = regex::Regex::new(pattern).ok()?;
    let candidates = [by_name(name), digits_for(name), "ACME", "12.50", "+390212345678", "Support", "hello"];
    candidates.into_iter().find(|text| fits(text) && pattern.is_match(text)).map(str::to_string)
}

fn is_time(name: &str) -> bool {
    matches!(name, "from" | "to" | "since" | "until" | "start" | "end")
        || name.ends_with("_at")
        || name.ends_with("_time") && !name.contains("wrapup")
}

/// Numbers people dial or mailboxes they reach.
fn digits_for(name: &str) -> &'static str {
    match name {
        "country" => "39",
        "area" => "02",
        _ if name.contains("did") => "0212345678",
        _ => "201",
    }
}

/// What a text called `name` looks like on this PBX.
fn by_name(name: &str) -> &'static str {
    match name {
        "code" | "tenant" | "tenant_code" => "ACME",
        "name" | "label" | "display_name" => "Support",
        "email" | "mail" => "support@example.com",
        "mac" => "0004F2A1B2C3",
        "secret" | "password" | "recording_password" | "web_password" => "correct-horse-battery",
        "username" | "recording_user" | "user" => "alice",
        "uniqueid" | "linkedid" | "linked_id" | "unique_id" => "1764840600.42",
        "if-match" | "if-none-match" | "etag" => "\"9f86d081884c7d659a2feaa0\"",
        "range" => "bytes=0-1023",
        "accept" => "application/json",
        "node" | "node_name" => "pbx1",
        "folder" => "INBOX",
        "msg_id" | "message_id" => "msg0001",
        "context" => "from-internal",
        "language" => "en",
        "timezone" | "time_zone" => "Europe/Rome",
        "direction" => "IN",
        "disposition" => "ANSWERED",
        "object" => "queue",
        "action" => "update",
        "event" => "AgentConnect",
        "type" => "WEEKTIME",
        "detail" | "title" | "description" | "note" | "notes" | "comment" => "Front desk line",
        "field" => "name",
        "value" => "Support",
        "request_id" => "3f2b7c1e9a4d",
        "host" | "recording_host" | "server" => "sip.example.com",
        "music_on_hold" | "moh" => "default",
        "destination" | "destinations" => "EXT-201",
        "next_cursor" => "djE6NDI",
        "status" | "device_state" => "NOT_INUSE",
        "status_text" => "Registered",
        "prefix" => "0",
        "match_pattern" | "regex" => "^0039",
        "new_name" | "full_name" | "connected_line_name" | "ivr_name" => "Alice Rossi",
        "account_code" | "billing_code" | "user_field" => "SALES-7",
        "email_recording" | "fax_email" | "sms_email" | "server_email" | "status_email" | "pager" => {
            "alice@example.com"
        }
        "call_allowed" => "all",
        "value_for_inuse" | "value_for_notinuse" | "value_for_ringing" | "value_for_unavailable" => "day",
        "variable_name" | "value_name" | "type_name" => "NIGHT_MODE",
        "monitor_type" => "EXTENSION",
        "monitor_parameter" => "201",
        "format" | "attach_format" | "audio_format" => "wav",
        "peer_name" | "from_user" | "imap_user" => "trunk1",
        "from_domain" | "imap_server" => "sip.example.com",
        "allow" => "ulaw,alaw",
        "disallow" => "all",
        "qualify" | "nat" | "join_empty" | "leave_when_empty" | "ring_in_use" | "callback" | "dial_out" | "rotate"
        | "allowed" | "default" => "yes",
        "insecure" => "port,invite",
        "exit_context" => "from-internal",
        "volume_gain" => "0.0",
        "imap_flags" => "SEEN",
        "imap_password" | "access_token" | "key" => "pgw_9f86d081884c7d65",
        "token_type" => "Bearer",
        "balance" | "amount" | "floor" | "cost" => "12.50",
        "created_by" => "admin",
        "exten" | "digit" | "answered_by" | "connected_line_num" | "dest" | "dest_clid" | "account" | "source" => "201",
        "campaign_type" => "CALL",
        "body" | "message" | "banner" | "transcript" => "Hello from the front desk",
        "country" => "39",
        "area" => "02",
        "state" => "NOT_INUSE",
        "error" | "last_error" | "reason" => "no answer",
        "client_address" => "192.0.2.10",
        "hint" => "PJSIP/201-ACME",
        "where_landed" => "QUEUE-5",
        "channel" | "dst_channel" | "extra_channel" => "PJSIP/201-ACME-00000001",
        "last_app" | "application" => "Dial",
        "last_data" | "application_data" => "PJSIP/201-ACME,30",
        "peer_account" => "202-ACME",
        "previous_uniqueid" | "callid" => "1764840600.41",
        "network" => "Mobile",
        "quality" => "fine",
        "page_size" => "A4",
        "mode" => "normal",
        "uri" => "sip:201-ACME@192.0.2.10:5060",
        "user_agent" => "Yealink SIP-T46U",
        "tech" => "PJSIP",
        "strategy" => "RINGALL",
        "registration" => "trunk1@sip.example.com",
        "setting" => "CDRTEMPLATE:daily",
        "data1" | "data2" | "data3" | "data4" | "data5" => "201",
        _ if name.starts_with("param") && name.ends_with("_label") => "Target number",
        _ if name.starts_with("param") => "201",
        _ if (name.contains("callerid") || name.contains("caller_id")) && name.contains("name") => "Reception",
        _ if (name.contains("callerid") || name.contains("caller_id")) && name.contains("number") => "0212345678",
        _ if name.contains("callerid") || name.contains("caller_id") => "\"Reception\" <201>",
        _ if name.ends_with("_group") || name.ends_with("groups") => "1",
        _ if name.contains("host") => "sip.example.com",
        _ if name.contains("number")
            || name.contains("extension")
            || name.contains("mailbox")
            || name.ends_with("src")
            || name.ends_with("dst")
            || matches!(name, "phone" | "agent" | "did" | "caller" | "callee" | "queue") =>
        {
            "201"
        }
        _ if name.ends_with("_id") || name == "id" => "42",
        _ if name.contains("url") => "https://crm.example.com/hook",
        _ if name.contains("file") || name.contains("path") => "welcome.wav",
        _ => "example",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(value: Json) -> Map<String, Json> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn examples_keep_to_the_schema() {
        assert_eq!(
            example_for("strategy", &schema(json!({"type": "string", "enum": ["", "RINGALL"]}))),
            Some(json!("RINGALL"))
        );
        assert_eq!(
            example_for("number", &schema(json!({"type": "string", "pattern": "^[0-9]*$"}))),
            Some(json!("201"))
        );
        assert_eq!(example_for("code", &schema(json!({"type": "string", "maxLength": 2}))), Some(json!("AC")));
        assert_eq!(example_for("timeout", &schema(json!({"type": "integer", "maximum": 10}))), Some(json!(10)));
        assert_eq!(example_for("x", &schema(json!({"type": "string", "pattern": "^[a-f]+$"}))), None);
        assert_eq!(
            example_for("numbers", &schema(json!({"type": "array", "items": {"type": "string"}}))),
            Some(json!(["201"]))
        );
    }
}
