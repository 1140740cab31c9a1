//! The OpenAPI document as the gateway serves it (`/openapi.json`, `/openapi.yaml`, Swagger UI at
//! `/docs`) and commits it (`api-spec/openapi.yaml`): poem-openapi's rendering, completed where
//! poem-openapi cannot say the truth on its own. Built once per service; every form comes from the
//! same completed document, so what a client generator reads is what Swagger UI shows.

use serde_json::{Map, Value as Json, json};

use super::RestService;
use super::resource::WriteSchemas;
use crate::domain::object::Check;

/// The completed document in each served form.
#[derive(Debug, Clone)]
pub struct Document {
    /// `application/json`.
    pub json: String,
    /// `application/yaml`, byte for byte `api-spec/openapi.yaml`.
    pub yaml: String,
    /// Swagger UI's page, with the document inside.
    pub ui: String,
    /// The document itself, for what is checked against it (`request_check`).
    pub value: Json,
}

impl Document {
    /// Renders `service`'s document and completes it.
    pub fn of(service: &RestService) -> Document {
        let original = service.spec();
        let mut doc: Json = match serde_json::from_str(&original) {
            Ok(doc) => doc,
            // poem-openapi renders with serde_json, so this cannot happen; serve its text unchanged.
            Err(err) => {
                tracing::error!(error = %err, "the rendered OpenAPI document is not JSON");
                let ui = service.swagger_ui_html();
                return Document { json: original.clone(), yaml: service.spec_yaml(), ui, value: Json::Null };
            }
        };
        complete(&mut doc);
        let json = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| original.clone());
        let yaml = serde_yaml::to_string(&doc).map(yaml_1_1_safe).unwrap_or_else(|_| service.spec_yaml());
        let ui = swagger_ui(&service.swagger_ui_html(), &original, &json);
        Document { json, yaml, ui, value: doc }
    }
}

/// Every operation of the document (each method of each path), to complete in place.
fn operations(doc: &mut Json) -> impl Iterator<Item = &mut Map<String, Json>> {
    let paths = doc.get_mut("paths").and_then(Json::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    paths.filter_map(Json::as_object_mut).flat_map(|item| item.values_mut()).filter_map(Json::as_object_mut)
}

/// Whether `parameters` hold one in `place` (any place when `None`) named `name` (any name when
/// `None`); a shared parameter (`$ref`) is known by the last segment of its reference, which is its
/// name, in every place.
fn takes_parameter(parameters: &[Json], place: Option<&str>, name: Option<&str>) -> bool {
    parameters.iter().any(|p| {
        if let Some(target) = p.get("$ref").and_then(Json::as_str) {
            return place.is_none() && name.is_some_and(|name| target.ends_with(&format!("/{name}")));
        }
        place.is_none_or(|place| p.get("in").and_then(Json::as_str) == Some(place))
            && name.is_none_or(|name| p.get("name").and_then(Json::as_str) == Some(name))
    })
}

/// serde_yaml writes YAML 1.2, where `yes`, `no`, `on` and `off` are plain texts; YAML 1.1 readers
/// (PyYAML, which Python generators use) read them as booleans, so an `enum` of `yes`/`no` became
/// `[true, false]`. Such a scalar is quoted, which means the same text to every reader.
fn yaml_1_1_safe(yaml: String) -> String {
    const BOOLEAN_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off"];
    let mut out = String::with_capacity(yaml.len() + 64);
    // The indentation of the line that opened a block scalar (`|-`, `>`): its text is left alone.
    let mut block: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(opened) = block {
            if line.trim().is_empty() || indent > opened {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        let cut = line.rfind(": ").map(|at| at + 2).or_else(|| line[indent..].starts_with("- ").then_some(indent + 2));
        match cut {
            Some(at) if BOOLEAN_WORDS.contains(&line[at..].to_ascii_lowercase().as_str()) => {
                out.push_str(&line[..at]);
                out.push('\'');
                out.push_str(&line[at..]);
                out.push('\'');
            }
            Some(at) if matches!(line[at..].trim_end_matches(['-', '+']), "|" | ">") => {
                block = Some(indent);
                out.push_str(line);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Every completion, in order.
fn complete(doc: &mut Json) {
    nullable_optional_members(doc);
    declared_requirements(doc, &super::write_schemas());
    patches_keep_what_creates_require(doc);
    integer_bounds(doc);
    // The schemas operations receive, found once: the completions below change members, not references.
    let received = received_schemas(doc);
    closed_request_bodies(doc, &received);
    closed_forms(doc);
    printable_request_texts(doc, &received);
    request_sets_without_null(doc, &received);
    explicit_security(doc);
    answers_each_operation_can_give(doc);
    gateway_answers(doc);
    super::idempotency_doc::declare_idempotency_keys(doc);
    event_streams_as_text(doc);
    text_downloads_as_text(doc);
    response_headers_as_written(doc);
    tags_in_learning_order(doc);
    super::examples::add(doc);
    how_to_call_each_operation(doc);
}

/// What a path parameter names, for the ones the handlers leave undescribed (the same name means the
/// same thing on every path).
fn path_parameter_description(name: &str) -> Option<&'static str> {
    Some(match name {
        "code" => "The tenant's code, as in `/v1/tenants/{code}`.",
        "id" => "The object's id, as its list and its `Location` give it.",
        "extension_id" => "The extension's id.",
        "user_id" => "The user's id.",
        "name" => "The object's name (a phonebook's, a CDR template's).",
        "number" => "The number: of the virtual extension, the campaign entry or the extension.",
        "setting" => "The setting's name.",
        "typesrc" => "The IVR's list: `IVR` (its prompts), a key (`IVR_0`-`IVR_9`, `IVR_STAR`, `IVR_HASH`) or a miss.",
        "uniqueid" => "The call leg's Asterisk unique id (`_` is taken for `.`), or the call's originate id.",
        _ => return None,
    })
}

/// Every operation's description starts from its summary and says how to call it, from what the
/// document itself declares: the credential, paging, conditional reads and writes, retries, and the
/// body check. `deprecated: false` (the default) is dropped, as noise.
fn how_to_call_each_operation(doc: &mut Json) {
    for operation in operations(doc) {
        if operation.get("deprecated") == Some(&Json::Bool(false)) {
            operation.remove("deprecated");
        }
        let parameters = operation.get("parameters").and_then(Json::as_array).cloned().unwrap_or_default();
        for parameter in operation.get_mut("parameters").and_then(Json::as_array_mut).into_iter().flatten() {
            let Some(parameter) = parameter.as_object_mut() else { continue };
            if parameter.get("deprecated") == Some(&Json::Bool(false)) {
                parameter.remove("deprecated");
            }
            if !parameter.contains_key("description")
                && parameter.get("in").and_then(Json::as_str) == Some("path")
                && let Some(text) = parameter.get("name").and_then(Json::as_str).and_then(path_parameter_description)
            {
                parameter.insert("description".into(), json!(text));
            }
        }
        let takes = |name: &str| takes_parameter(&parameters, None, Some(name));
        let mut lines: Vec<String> = Vec::new();
        if let Some(text) = operation.get("description").and_then(Json::as_str) {
            lines.push(text.to_string());
        } else if let Some(summary) = operation.get("summary").and_then(Json::as_str) {
            lines.push(summary.to_string());
        }
        let public = operation.get("security").and_then(Json::as_array).is_some_and(Vec::is_empty);
        lines.push(if public {
            "No credential is needed.".to_string()
        } else {
            "Send an API key (`X-API-Key`) or a token or key as `Authorization: Bearer ...`.".to_string()
        });
        if takes("cursor") {
            lines.push(
                "Paged: `limit` sets the page size; pass the answer's `next_cursor` as `cursor` for the next page \
                 (`null` on the last one)."
                    .to_string(),
            );
        }
        if takes("If-None-Match") {
            lines.push("Answers an `ETag`; with `If-None-Match` naming it, 304 without a body.".to_string());
        }
        if takes("If-Match") {
            lines.push(
                "Send the `ETag` you read as `If-Match` to act only on that version (412 `precondition_failed` \
                 when it changed since)."
                    .to_string(),
            );
        }
        if takes("Idempotency-Key") {
            lines.push(
                "An `Idempotency-Key` makes a retry safe: the same request answers the first result.".to_string(),
            );
        }
        if operation.contains_key("requestBody") {
            lines.push(
                "The body is checked against its schema first: every unknown member, wrong type or missing \
                 required member is listed in one 422 `validation_failed`."
                    .to_string(),
            );
        }
        operation.insert("description".into(), Json::String(lines.join("\n\n")));
    }
}

/// poem-openapi declares a `text/event-stream` body as an array of its events, so generated clients
/// wait for one JSON array (or iterate the characters of the text). It is text: a stream of
/// server-sent events, whose `data` lines each hold one event object of the named schema.
fn event_streams_as_text(doc: &mut Json) {
    for operation in operations(doc) {
        let responses = operation.get_mut("responses").and_then(Json::as_object_mut).into_iter().flatten();
        for (_, response) in responses {
            let Some(stream) = response.pointer_mut("/content/text~1event-stream") else { continue };
            let event = stream.pointer("/schema/items/$ref").and_then(Json::as_str).unwrap_or_default();
            let event = event.rsplit('/').next().unwrap_or_default().to_string();
            stream["schema"] = json!({
                "type": "string",
                "description": format!(
                    "Server-sent events: each event's `data` line is one JSON `{event}` object; a comment \
                     line (`:`) keeps the connection open."
                ),
            });
        }
    }
}

/// A CSV download is text, not bytes: poem-openapi declares every streamed body `format: binary`,
/// and a generated client then wraps the text it decoded as if it were bytes (openapi-python-client
/// 0.29 failed on `/cdrs/export` that way).
fn text_downloads_as_text(doc: &mut Json) {
    for operation in operations(doc) {
        let responses = operation.get_mut("responses").and_then(Json::as_object_mut).into_iter().flatten();
        for (_, response) in responses {
            let contents = response.get_mut("content").and_then(Json::as_object_mut).into_iter().flatten();
            for (media_type, content) in contents {
                if media_type.starts_with("text/csv")
                    && let Some(schema) = content.get_mut("schema").and_then(Json::as_object_mut)
                    && schema.get("format").and_then(Json::as_str) == Some("binary")
                {
                    schema.remove("format");
                }
            }
        }
    }
}

/// poem-openapi names a response header in capitals (`ETAG`, `LOCATION`) with `deprecated: false`;
/// the document writes it as HTTP does (`ETag`, `Location`), without the default.
fn response_headers_as_written(doc: &mut Json) {
    fn written(name: &str) -> String {
        if name.eq_ignore_ascii_case("etag") {
            return "ETag".into();
        }
        let words = name.split('-').map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut letters = lower.chars();
            letters.next().map(|first| first.to_ascii_uppercase().to_string() + letters.as_str()).unwrap_or_default()
        });
        words.collect::<Vec<_>>().join("-")
    }
    fn rewrite(response: &mut Json) {
        let Some(headers) = response.get_mut("headers").and_then(Json::as_object_mut) else { return };
        let renamed: Map<String, Json> = std::mem::take(headers)
            .into_iter()
            .map(|(name, mut header)| {
                if let Some(header) = header.as_object_mut()
                    && header.get("deprecated") == Some(&Json::Bool(false))
                {
                    header.remove("deprecated");
                }
                (written(&name), header)
            })
            .collect();
        *headers = renamed;
    }
    if let Some(shared) = doc.pointer_mut("/components/responses").and_then(Json::as_object_mut) {
        shared.values_mut().for_each(rewrite);
    }
    for operation in operations(doc) {
        let responses = operation.get_mut("responses").and_then(Json::as_object_mut).into_iter().flatten();
        responses.for_each(|(_, response)| rewrite(response));
    }
}

/// The Swagger tags in the order a newcomer meets them: logging in, tenants and who acts on them,
/// what a tenant provisions (extensions first, then what routes calls), the live PBX, reports, and
/// the admin's trunks and audit. Every tag must be listed (`tests/it/spec.rs`).
pub const TAG_ORDER: &[&str] = &[
    "Auth",
    "Health",
    "Tenants",
    "Users",
    "ApiKeys",
    "Extensions",
    "Queues",
    "VoicemailBoxes",
    "VoicemailMessages",
    "Dids",
    "Ivrs",
    "Conditions",
    "Huntlists",
    "Destinations",
    "Flows",
    "Conferences",
    "MediaFiles",
    "MusicOnHold",
    "Phonebooks",
    "PhonePhonebooks",
    "Phones",
    "VirtualExtensions",
    "PagingGroups",
    "Disas",
    "ResponsePaths",
    "CustomDestinations",
    "CustomDestinationTypes",
    "SpecialDestinations",
    "CallerIdRules",
    "CallerIdBlacklist",
    "Settings",
    "Balance",
    "Live",
    "Campaigns",
    "Cdrs",
    "CdrTemplates",
    "Recordings",
    "Faxes",
    "Reports",
    "Providers",
    "RoutingProfiles",
    "Routes",
    "Audit",
];

/// Orders the document's tags as [`TAG_ORDER`] says (poem-openapi sorts them by name, which put
/// Tenants near the bottom of Swagger UI); a tag missing from the list goes last.
fn tags_in_learning_order(doc: &mut Json) {
    if let Some(tags) = doc.get_mut("tags").and_then(Json::as_array_mut) {
        let rank = |tag: &Json| {
            let name = tag.get("name").and_then(Json::as_str).unwrap_or_default();
            TAG_ORDER.iter().position(|listed| *listed == name).unwrap_or(TAG_ORDER.len())
        };
        tags.sort_by_key(rank);
    }
}

/// What the gateway's own layers answer around every operation, which the operations' types do not
/// show: the request id and rate-limit headers on every answer, `Retry-After` on 429 and 503, and
/// 413 (body over `PBXGW_MAX_BODY_BYTES`) and 415 (a body of another media type) on every operation
/// that takes a body.
fn gateway_answers(doc: &mut Json) {
    let header = |description: &str, kind: &str| json!({"description": description, "schema": {"type": kind}});
    let mut request_id =
        header("The request's id (the client's `X-Request-Id` when it sent a usable one); logs carry it.", "string");
    request_id["required"] = Json::Bool(true);
    let headers = json!({
        "X-Request-Id": request_id,
        "RateLimit-Limit": header("Requests allowed in the current window, on every answer a rate limit counted.", "integer"),
        "RateLimit-Remaining": header("Requests left in the current window.", "integer"),
        "RateLimit-Reset": header("Seconds until the current window ends.", "integer"),
        "Retry-After": header("Seconds to wait before trying again.", "integer"),
    });
    if let Some(components) = doc.get_mut("components").and_then(Json::as_object_mut) {
        components.insert("headers".into(), headers);
    }
    let header_ref = |name: &str| json!({"$ref": format!("#/components/headers/{name}")});
    let with_headers = |response: &mut Json, status: &str| {
        let mut names = vec!["X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];
        if status == "429" || status == "503" {
            names.push("Retry-After");
        }
        if let Some(headers) = response.as_object_mut().map(|r| r.entry("headers").or_insert_with(|| json!({}))) {
            for name in names {
                if let Some(headers) = headers.as_object_mut() {
                    headers.entry(name).or_insert_with(|| header_ref(name));
                }
            }
        }
    };
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        })
    };
    // Error answers are the same for most operations: each distinct one is written once under
    // `components/responses` (`Problem404`, ...) and referenced, instead of copied into every operation.
    let mut shared: Map<String, Json> = Map::new();
    for operation in operations(doc) {
        let takes_body = operation.contains_key("requestBody");
        let Some(responses) = operation.get_mut("responses").and_then(Json::as_object_mut) else { continue };
        if takes_body {
            responses
                .entry("413")
                .or_insert_with(|| problem("The body is larger than the gateway accepts (`payload_too_large`)."));
            responses.entry("415").or_insert_with(|| {
                problem("The body is not of a media type this operation takes (`unsupported_media_type`).")
            });
        }
        for (status, response) in responses.iter_mut() {
            with_headers(response, status);
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let name = (0..)
                .map(|n| if n == 0 { format!("Problem{status}") } else { format!("Problem{status}_{n}") })
                .find(|name| shared.get(name).is_none_or(|known| known == response))
                .unwrap_or_default();
            shared.entry(name.clone()).or_insert_with(|| response.clone());
            *response = json!({"$ref": format!("#/components/responses/{name}")});
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Json::as_object_mut) {
        components.insert("responses".into(), Json::Object(shared));
    }
}

/// poem-openapi leaves an `Option` member out of `required` and sends `None` as `null`, but writes
/// no `nullable` (OpenAPI 3.0): a generated client then refuses the `null` it receives (a Python
/// client raised on an API key's `revoked_at`). Every member that is not required may be `null`.
fn nullable_optional_members(doc: &mut Json) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    for (name, schema) in schemas.iter_mut() {
        let patch = name.ends_with("Patch");
        let required: Vec<String> = schema
            .get("required")
            .and_then(Json::as_array)
            .map(|names| names.iter().filter_map(Json::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get_mut("properties").and_then(Json::as_object_mut) else { continue };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) {
                continue;
            }
            // A `$ref` takes no sibling keywords in 3.0; poem-openapi writes none for optional
            // members (`tests/it/spec.rs` holds that), so every one here is an inline schema.
            if let Some(property) = property.as_object_mut().filter(|p| !p.contains_key("$ref")) {
                property.insert("nullable".into(), Json::Bool(true));
                // In a patch, `null` empties a member of a closed set too, so the set lists it
                // (OpenAPI 3.0.3). Elsewhere the set stays as it is: generators turn a set with
                // `null` into several types, and nothing is lost by leaving such a member out.
                if let Some(values) = property.get_mut("enum").and_then(Json::as_array_mut)
                    && patch
                    && !values.contains(&Json::Null)
                {
                    values.push(Json::Null);
                }
            }
        }
    }
}

/// A generated resource's create schema requires the members its object's declaration requires, and
/// neither schema lets them be `null` (a patch cannot empty them); a text member of a closed set lists
/// it as an `enum`, a digits-only one says so in a `pattern`. poem-openapi cannot say it: the Rust
/// members are plain optional texts, the declaration decides.
fn declared_requirements(doc: &mut Json, resources: &[WriteSchemas]) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    for resource in resources {
        let required: Vec<&str> = resource.required().collect();
        for (name, is_create) in [(resource.create, true), (resource.patch, false)] {
            let Some(schema) = schemas.get_mut(name).and_then(Json::as_object_mut) else { continue };
            let Some(properties) = schema.get_mut("properties").and_then(Json::as_object_mut) else { continue };
            let present: Vec<&str> =
                required.iter().copied().filter(|member| properties.contains_key(*member)).collect();
            for member in &present {
                if let Some(property) = properties.get_mut(*member).and_then(Json::as_object_mut) {
                    property.remove("nullable");
                    // Required means never empty (`service::objects::check_values`).
                    if property.get("type").and_then(Json::as_str) == Some("string") {
                        property.entry("minLength").or_insert(json!(1));
                    }
                }
            }
            for (rest, field) in resource.fields() {
                let Some(property) = properties.get_mut(rest).and_then(Json::as_object_mut) else { continue };
                declare_field_rule(property, field, !is_create);
            }
            if is_create && !present.is_empty() {
                schema.insert("required".into(), json!(present));
            }
        }
    }
}

/// What `service::objects::check_values` refuses in a text: control characters other than a tab
/// (`char::is_control`: U+0000-U+001F and U+007F-U+009F).
const DECLARED_TEXT: &str = "[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]";
/// What the hand-written inputs refuse in a text: every control character, a tab too.
const PRINTABLE_TEXT: &str = "[^\\u0000-\\u001f\\u007f-\\u009f]";
/// A MAC address as `Check::Mac` takes it: 12 hex digits, `:`, `-` or `.` between any of them.
const MAC_PATTERN: &str = "^[:.-]*([0-9A-Fa-f][:.-]*){12}$";

/// One member of a generated write schema, as its declaration checks it: a closed set is an `enum`
/// (any case is taken, the document lists the stored spelling, with the empty text where the member
/// may be empty), digits and MACs a `pattern`, a text its length and the characters it refuses, a
/// digits-only or reference number its lower bound.
fn declare_field_rule(property: &mut Map<String, Json>, field: &crate::domain::object::FieldDef, patch: bool) {
    match property.get("type").and_then(Json::as_str) {
        Some("integer") => {
            if matches!(field.check, Check::Digits | Check::Reference(_)) {
                property.entry("minimum").or_insert(json!(0));
            }
        }
        Some("string") if !property.contains_key("enum") => match field.check {
            Check::OneOf(words) => {
                let mut values: Vec<Json> = words.iter().map(|word| json!(word)).collect();
                if !field.required && !words.contains(&"") {
                    values.push(json!(""));
                }
                // A patch empties it with `null`, which the set then lists (see
                // `nullable_optional_members`).
                if patch && property.get("nullable") == Some(&Json::Bool(true)) {
                    values.push(Json::Null);
                }
                property.insert("enum".into(), Json::Array(values));
            }
            Check::Digits => {
                property.entry("pattern").or_insert_with(|| json!("^[0-9]*$"));
                property.entry("maxLength").or_insert(json!(field.length.max));
            }
            Check::Mac => {
                property.entry("pattern").or_insert_with(|| json!(MAC_PATTERN));
            }
            Check::Integer | Check::ExternalId => {
                property.entry("pattern").or_insert_with(|| json!(crate::domain::object::WHOLE_NUMBER_PATTERN));
            }
            _ => {
                let length = field.length;
                // A non-empty value has `min` to `max` characters; the empty text is allowed unless
                // the member is required (then `minLength` says so).
                let pattern = if length.min > 1 && !field.required {
                    format!("^(?:{DECLARED_TEXT}{{{},{}}})?$", length.min, length.max)
                } else {
                    property.entry("maxLength").or_insert(json!(length.max));
                    if length.min > 1 {
                        property.insert("minLength".into(), json!(length.min));
                    }
                    format!("^{DECLARED_TEXT}*$")
                };
                property.entry("pattern").or_insert(json!(pattern));
            }
        },
        _ => {}
    }
}

/// A text member of a request body with no rule of its own refuses control characters, as every
/// input check of the service does (`char::is_control`); the generated resources' members carry
/// their declaration's rule already ([`declare_field_rule`]).
fn printable_request_texts(doc: &mut Json, received: &[String]) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    for name in received {
        let properties = schemas.get_mut(name).and_then(|schema| schema.get_mut("properties"));
        for property in properties.and_then(Json::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
            let Some(property) = property.as_object_mut() else { continue };
            // A member with a `maxLength` has a rule of its own (`api::bounded`), which says what
            // it takes (a CDR template's body is multi-line text).
            let text = |p: &Map<String, Json>| {
                p.get("type").and_then(Json::as_str) == Some("string")
                    && !["enum", "pattern", "format", "maxLength"].iter().any(|key| p.contains_key(*key))
            };
            if text(property) {
                property.insert("pattern".into(), json!(format!("^{PRINTABLE_TEXT}*$")));
            }
            let items = property.get_mut("items").and_then(Json::as_object_mut);
            if let Some(items) = items.filter(|items| text(items)) {
                items.insert("pattern".into(), json!(format!("^{PRINTABLE_TEXT}*$")));
            }
        }
    }
}

/// A member the `XCreate` schema requires cannot be emptied by the `XPatch` of the same object: it
/// is not `nullable` there (the service refuses the `null`, 422).
fn patches_keep_what_creates_require(doc: &mut Json) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    let required_by_patch: Vec<(String, Vec<String>)> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let object = name.strip_suffix("Create")?;
            let required = schema.get("required")?.as_array()?;
            Some((format!("{object}Patch"), required.iter().filter_map(Json::as_str).map(str::to_string).collect()))
        })
        .collect();
    for (patch, required) in required_by_patch {
        let properties = schemas.get_mut(&patch).and_then(|schema| schema.get_mut("properties"));
        let Some(properties) = properties.and_then(Json::as_object_mut) else { continue };
        for member in required {
            if let Some(property) = properties.get_mut(&member).and_then(Json::as_object_mut) {
                property.remove("nullable");
            }
        }
    }
}

/// The range of each integer format (poem-openapi writes `format: uint32` and the like, which JSON
/// Schema tools do not know): `minimum`/`maximum` say what `request_check` and the parameter parsers
/// hold a value to.
fn integer_bounds(doc: &mut Json) {
    fn bound(schema: &mut Json) {
        let Some(schema) = schema.as_object_mut() else { return };
        let range = match schema.get("format").and_then(Json::as_str) {
            Some("int32") => (f64::from(i32::MIN), f64::from(i32::MAX)),
            Some("uint32") => (0.0, f64::from(u32::MAX)),
            Some("uint16") => (0.0, f64::from(u16::MAX)),
            Some("uint8") => (0.0, f64::from(u8::MAX)),
            Some("uint64") => (0.0, f64::NAN),
            _ => return,
        };
        if schema.get("type").and_then(Json::as_str) != Some("integer") {
            return;
        }
        schema.entry("minimum").or_insert(json!(range.0 as i64));
        if !range.1.is_nan() {
            schema.entry("maximum").or_insert(json!(range.1 as i64));
        }
    }
    fn walk(value: &mut Json) {
        match value {
            Json::Object(members) => {
                for member in members.values_mut() {
                    walk(member);
                }
            }
            Json::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
        bound(value);
    }
    walk(doc);
}

/// A form upload names the parts it takes (`additionalProperties: false`; the form parser refuses a
/// stray part) and, for the one form with mandatory parts, those.
fn closed_forms(doc: &mut Json) {
    for operation in operations(doc) {
        let required = match operation.get("operationId").and_then(Json::as_str) {
            Some("send_fax") => super::faxes::FaxUpload::REQUIRED_PARTS,
            _ => &[],
        };
        let form =
            operation.get_mut("requestBody").and_then(|body| body.pointer_mut("/content/multipart~1form-data/schema"));
        let Some(form) = form else { continue };
        let Some(form) = form.as_object_mut() else { continue };
        form.insert("additionalProperties".into(), Json::Bool(false));
        if !required.is_empty() {
            form.insert("required".into(), json!(required));
        }
    }
}

/// Outside a patch, a request member of a closed set is left out rather than sent as `null`: not
/// `nullable` (`request_check` refuses the `null`), so the set needs no `null` among its values
/// (generators make several types of a set with `null`).
fn request_sets_without_null(doc: &mut Json, received: &[String]) {
    // A schema the server also sends keeps `nullable`: an answer may carry the `null`.
    let paths = doc.get("paths").and_then(Json::as_object).into_iter().flat_map(|paths| paths.values());
    let operations = paths.filter_map(Json::as_object).flat_map(|item| item.values());
    let sent: Vec<String> =
        operations.filter_map(|operation| operation.get("responses")).flat_map(references).collect();
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    for name in received.iter().filter(|name| !name.ends_with("Patch") && !sent.contains(name)) {
        let properties = schemas.get_mut(name).and_then(|schema| schema.get_mut("properties"));
        for property in properties.and_then(Json::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
            if let Some(property) = property.as_object_mut().filter(|p| p.contains_key("enum")) {
                property.remove("nullable");
            }
        }
    }
}

/// Request bodies name every member they take: `additionalProperties: false` on every schema an
/// operation receives, which is what `request_check` enforces (a misspelt member is refused, not
/// silently ignored).
fn closed_request_bodies(doc: &mut Json, received: &[String]) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    for name in received {
        if let Some(schema) = schemas.get_mut(name).and_then(Json::as_object_mut)
            && schema.get("type").and_then(Json::as_str) == Some("object")
            && !schema.contains_key("additionalProperties")
        {
            schema.insert("additionalProperties".into(), Json::Bool(false));
        }
    }
}

/// The component schemas some operation receives: its request body's, and the ones their members
/// and items point at.
fn received_schemas(doc: &Json) -> Vec<String> {
    let mut received = Vec::new();
    let operations = doc.get("paths").and_then(Json::as_object).into_iter().flat_map(|paths| paths.values());
    let operations = operations.filter_map(Json::as_object).flat_map(|item| item.values());
    for operation in operations {
        let content = operation.get("requestBody").and_then(|body| body.get("content")).and_then(Json::as_object);
        for media in content.into_iter().flat_map(|content| content.values()) {
            if let Some(name) = media.pointer("/schema/$ref").and_then(Json::as_str) {
                received.push(name.trim_start_matches("#/components/schemas/").to_string());
            }
        }
    }
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Json::as_object) else { return received };
    let mut next = 0;
    while next < received.len() {
        if let Some(schema) = schemas.get(&received[next]) {
            for name in references(schema) {
                if !received.contains(&name) {
                    received.push(name);
                }
            }
        }
        next += 1;
    }
    received
}

/// The names of the component schemas `schema` points at, anywhere inside it.
fn references(schema: &Json) -> Vec<String> {
    match schema {
        Json::Object(members) => members
            .iter()
            .flat_map(|(key, value)| match (key.as_str(), value) {
                ("$ref", Json::String(target)) => {
                    target.strip_prefix("#/components/schemas/").map(str::to_string).into_iter().collect()
                }
                _ => references(value),
            })
            .collect(),
        Json::Array(items) => items.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

/// poem-openapi gives every operation every error of `ApiError`. Each keeps those it can give:
/// 401/403 only when it needs a credential (and 401 on login), 404 only when its path, body or a
/// filter names something, 409/405 only when it writes, 412 only with `If-Match`, 422 only when it
/// takes input beyond its tenant code and id.
fn answers_each_operation_can_give(doc: &mut Json) {
    let paths = doc.get_mut("paths").and_then(Json::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    let methods = paths.filter_map(Json::as_object_mut).flat_map(|item| item.iter_mut());
    for (method, operation) in methods {
        let Some(operation) = operation.as_object_mut() else { continue };
        let parameters = operation.get("parameters").and_then(Json::as_array).cloned().unwrap_or_default();
        let takes = |place: &str, name: Option<&str>| takes_parameter(&parameters, Some(place), name);
        let public = operation.get("security").and_then(Json::as_array).is_some_and(Vec::is_empty);
        let takes_body = operation.contains_key("requestBody");
        // Paging parameters and the path's tenant code and numeric id are checked by the framework
        // (400) or looked up (404); any other parameter or a body can also be refused (422), and a
        // body or filter can name something missing (the extension a call starts from: 404).
        let checked = |p: &Json| {
            let name = p.get("name").and_then(Json::as_str).unwrap_or_default();
            match p.get("in").and_then(Json::as_str) {
                Some("query") => !matches!(name, "limit" | "cursor"),
                Some("path") => !matches!(name, "code" | "id"),
                _ => false,
            }
        };
        let names_something = takes("path", None) || takes_body || parameters.iter().any(checked);
        let has_input = takes_body || takes("query", None) || parameters.iter().any(checked);
        // Logging in is open and answers 401 to wrong credentials.
        let answers_401 = !public || takes_body;
        let conditional = takes("header", Some("If-Match"));
        let writes = method != "get";
        let Some(responses) = operation.get_mut("responses").and_then(Json::as_object_mut) else { continue };
        responses.retain(|status, _| match status.as_str() {
            "401" => answers_401,
            "403" => !public,
            "404" => names_something,
            "405" | "409" => writes,
            "412" => conditional,
            "422" => has_input,
            _ => true,
        });
    }
}

/// Says for every operation how it authenticates: the document requires a credential by default
/// (any of its schemes), and the operations that need none (`/health`, `/ready`, login) say
/// `security: []` instead of saying nothing, which clients read as "unknown".
fn explicit_security(doc: &mut Json) {
    let schemes: Vec<String> = doc
        .pointer("/components/securitySchemes")
        .and_then(Json::as_object)
        .map(|schemes| schemes.keys().cloned().collect())
        .unwrap_or_default();
    for operation in operations(doc) {
        operation.entry("security").or_insert_with(|| json!([]));
    }
    let any_scheme: Vec<Json> =
        schemes.iter().map(|name| Json::Object(Map::from_iter([(name.clone(), json!([]))]))).collect();
    if let Some(root) = doc.as_object_mut() {
        root.insert("security".into(), Json::Array(any_scheme));
    }
}

/// poem-openapi's Swagger UI page with the completed document in place of its own, the operation
/// filter box on, and the credential kept across reloads.
fn swagger_ui(page: &str, original: &str, completed: &str) -> String {
    page.replacen(original, completed, 1).replacen(
        "filter: false,",
        "filter: true,\n        persistAuthorization: true,",
        1,
    )
}
