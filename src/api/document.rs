//! The OpenAPI document as the gateway serves it (`/openapi.json`, `/openapi.yaml`, Swagger UI at
//! `/docs`) and commits it (`api-spec/openapi.yaml`): poem-openapi's rendering, completed where
//! poem-openapi cannot say the truth on its own. Built once per service; every form comes from the
//! same completed document, so what a client generator reads is what Swagger UI shows.

use serde_json::{Map, Value as Json, json};

use super::RestService;

/// The completed document in each served form.
#[derive(Debug, Clone)]
pub struct Document {
    /// `application/json`.
    pub json: String,
    /// `application/yaml`, byte for byte `api-spec/openapi.yaml`.
    pub yaml: String,
    /// Swagger UI's page, with the document inside.
    pub ui: String,
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
                return Document { json: original.clone(), yaml: service.spec_yaml(), ui: service.swagger_ui_html() };
            }
        };
        complete(&mut doc);
        let json = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| original.clone());
        let yaml = serde_yaml::to_string(&doc).unwrap_or_else(|_| service.spec_yaml());
        let ui = swagger_ui(&service.swagger_ui_html(), &original, &json);
        Document { json, yaml, ui }
    }
}

/// Every completion, in order.
fn complete(doc: &mut Json) {
    nullable_optional_members(doc);
    explicit_security(doc);
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

/// Says for every operation how it authenticates: the document requires a credential by default
/// (any of its schemes), and the operations that need none (`/health`, `/ready`, login) say
/// `security: []` instead of saying nothing, which clients read as "unknown".
fn explicit_security(doc: &mut Json) {
    let schemes: Vec<String> = doc
        .pointer("/components/securitySchemes")
        .and_then(Json::as_object)
        .map(|schemes| schemes.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(paths) = doc.get_mut("paths").and_then(Json::as_object_mut) {
        for operation in paths.values_mut().filter_map(Json::as_object_mut).flat_map(|item| item.values_mut()) {
            if let Some(operation) = operation.as_object_mut().filter(|op| !op.contains_key("security")) {
                operation.insert("security".into(), json!([]));
            }
        }
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
