//! The gateway-wide `Idempotency-Key` in the OpenAPI document, and the rule that says which
//! operations it applies to. The HTTP layer (`app::idempotency`) reads the same rule from the same
//! document, so what the document declares and what the gateway does cannot drift apart.

use serde_json::{Value as Json, json};

/// Name of the component parameter (and header) added by [`declare_idempotency_keys`].
pub const KEY_PARAMETER: &str = "Idempotency-Key";
/// Name of the component response header telling a replay from a first answer.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

/// Whether `operation` (a POST of the document) creates something: it answers 201.
pub fn is_creating(operation: &Json) -> bool {
    operation.get("responses").and_then(Json::as_object).is_some_and(|answers| answers.contains_key("201"))
}

/// Whether `operation` handles `Idempotency-Key` itself (declares it as its own parameter, not
/// through the shared component): the gateway's layer then steps aside (see
/// `service::idempotency` for why three operations do).
pub fn keeps_own_key(operation: &Json) -> bool {
    parameters(operation).any(|p| p.get("in") == Some(&json!("header")) && p.get("name") == Some(&json!(KEY_PARAMETER)))
}

/// Whether the gateway's idempotency layer serves `operation` (a POST): creating, without its own key.
pub fn gateway_keyed(operation: &Json) -> bool {
    is_creating(operation) && !keeps_own_key(operation)
}

fn parameters(operation: &Json) -> impl Iterator<Item = &Json> {
    operation.get("parameters").and_then(Json::as_array).into_iter().flatten()
}

/// Declares the optional `Idempotency-Key` header on every POST the layer serves (as
/// `#/components/parameters/Idempotency-Key`) and `Idempotent-Replayed` on its 2xx answers.
/// Running it twice changes nothing.
pub fn declare_idempotency_keys(doc: &mut Json) {
    let Some(paths) = doc.get_mut("paths").and_then(Json::as_object_mut) else { return };
    let mut any = false;
    for item in paths.values_mut() {
        let Some(post) = item.get_mut("post") else { continue };
        if !gateway_keyed(post) {
            continue;
        }
        any = true;
        let reference = json!({"$ref": format!("#/components/parameters/{KEY_PARAMETER}")});
        if let Some(operation) = post.as_object_mut() {
            let list = operation.entry("parameters").or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut()
                && !list.contains(&reference)
            {
                list.push(reference);
            }
        }
        let answers = post.get_mut("responses").and_then(Json::as_object_mut).into_iter().flat_map(|a| a.iter_mut());
        for (status, answer) in answers {
            if !status.starts_with('2') || answer.get("$ref").is_some() {
                continue;
            }
            if let Some(answer) = answer.as_object_mut() {
                let headers = answer.entry("headers").or_insert_with(|| json!({}));
                if let Some(headers) = headers.as_object_mut() {
                    headers.insert(
                        REPLAYED_HEADER.into(),
                        json!({"$ref": format!("#/components/headers/{REPLAYED_HEADER}")}),
                    );
                }
            }
        }
    }
    if !any {
        return;
    }
    let Some(components) = doc.as_object_mut().map(|d| d.entry("components").or_insert_with(|| json!({}))) else {
        return;
    };
    let Some(components) = components.as_object_mut() else { return };
    if let Some(parameters) = components.entry("parameters").or_insert_with(|| json!({})).as_object_mut() {
        parameters.insert(KEY_PARAMETER.into(), key_parameter());
    }
    if let Some(headers) = components.entry("headers").or_insert_with(|| json!({})).as_object_mut() {
        headers.insert(
            REPLAYED_HEADER.into(),
            json!({
                "description": "`true` when this is the stored answer of an earlier request with the same \
                    `Idempotency-Key`, `false` on the first answer; absent without a key.",
                "schema": {"type": "boolean"},
            }),
        );
    }
}

fn key_parameter() -> Json {
    json!({
        "name": KEY_PARAMETER,
        "in": "header",
        "required": false,
        "description": "Client-chosen key (1-255 visible ASCII characters, e.g. a UUID) making a retry safe. \
            The same key with the same request (method, path, query, body) within `PBXGW_IDEMPOTENCY_KEY_TTL_SECS` \
            (a day by default) answers the first successful answer again with `Idempotent-Replayed: true`; \
            the same key with another request is 422 `idempotency_key_reused`; while the first request runs, \
            409 `idempotency_key_in_flight`. Failed requests are not stored. Keys belong to the credential \
            that sent them.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7E]+$"},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creating_posts_without_their_own_key_get_the_shared_parameter_once() {
        let mut doc = json!({"paths": {
            "/a": {"post": {"responses": {"201": {"description": "made"}, "409": {"$ref": "#/x"}}}},
            "/b": {"post": {"responses": {"202": {}}}},
            "/c": {"post": {"parameters": [{"name": "Idempotency-Key", "in": "header"}], "responses": {"201": {}}}},
        }});
        declare_idempotency_keys(&mut doc);
        declare_idempotency_keys(&mut doc);
        let a = &doc["paths"]["/a"]["post"];
        assert_eq!(a["parameters"], json!([{"$ref": "#/components/parameters/Idempotency-Key"}]));
        assert_eq!(
            a["responses"]["201"]["headers"]["Idempotent-Replayed"]["$ref"],
            "#/components/headers/Idempotent-Replayed"
        );
        assert!(doc["paths"]["/b"]["post"].get("parameters").is_none());
        assert_eq!(doc["paths"]["/c"]["post"]["parameters"].as_array().map(Vec::len), Some(1));
        assert_eq!(doc["components"]["parameters"]["Idempotency-Key"]["in"], "header");
        assert!(gateway_keyed(a) && !gateway_keyed(&doc["paths"]["/c"]["post"]));
    }
}
