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
        let yaml = serde_yaml::to_string(&doc).unwrap_or_else(|_| service.spec_yaml());
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

/// Every completion, in order.
fn complete(doc: &mut Json) {
    nullable_optional_members(doc);
    declared_requirements(doc, &super::write_schemas());
    closed_request_bodies(doc);
    explicit_security(doc);
    answers_each_operation_can_give(doc);
    gateway_answers(doc);
    super::idempotency_doc::declare_idempotency_keys(doc);
    event_streams_as_text(doc);
    tags_in_learning_order(doc);
    super::examples::add(doc);
    how_to_call_each_operation(doc);
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
            if let Some(parameter) = parameter.as_object_mut()
                && parameter.get("deprecated") == Some(&Json::Bool(false))
            {
                parameter.remove("deprecated");
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
    for schema in schemas.values_mut() {
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
                if property.get("type").and_then(Json::as_str) != Some("string") || property.contains_key("enum") {
                    continue;
                }
                match field.check {
                    // Any case is taken (`ringall`); the document lists the stored spelling, and the
                    // empty text where the member may be empty.
                    Check::OneOf(words) => {
                        let mut values: Vec<Json> = words.iter().map(|word| json!(word)).collect();
                        if !field.required && !words.contains(&"") {
                            values.push(json!(""));
                        }
                        // OpenAPI 3.0.3: a nullable enum lists `null` among its values.
                        if property.get("nullable") == Some(&Json::Bool(true)) {
                            values.push(Json::Null);
                        }
                        property.insert("enum".into(), Json::Array(values));
                    }
                    Check::Digits => {
                        property.entry("pattern").or_insert_with(|| json!("^[0-9]*$"));
                    }
                    _ => {}
                }
            }
            if is_create && !present.is_empty() {
                schema.insert("required".into(), json!(present));
            }
        }
    }
}

/// Request bodies name every member they take: `additionalProperties: false` on every schema an
/// operation receives, which is what `request_check` enforces (a misspelt member is refused, not
/// silently ignored).
fn closed_request_bodies(doc: &mut Json) {
    let mut received = Vec::new();
    for operation in operations(doc) {
        let content = operation.get("requestBody").and_then(|body| body.get("content")).and_then(Json::as_object);
        for media in content.into_iter().flat_map(|content| content.values()) {
            if let Some(name) = media.pointer("/schema/$ref").and_then(Json::as_str) {
                received.push(name.trim_start_matches("#/components/schemas/").to_string());
            }
        }
    }
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Json::as_object_mut) else { return };
    // The schemas their members and items point at are received too.
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
    for name in received {
        if let Some(schema) = schemas.get_mut(&name).and_then(Json::as_object_mut)
            && schema.get("type").and_then(Json::as_str) == Some("object")
            && !schema.contains_key("additionalProperties")
        {
            schema.insert("additionalProperties".into(), Json::Bool(false));
        }
    }
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
