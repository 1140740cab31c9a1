//! Every REST request body is checked against the schema that the served OpenAPI document declares
//! for its operation, before any handler runs. The document is the contract clients are generated
//! from, so checking against it (not against a second description of the same rules) keeps server
//! and clients in step: a member the document does not name, a `null` where it says the member
//! cannot be cleared, a required member left out or a value of the wrong JSON type are answered
//! with one 422 `validation_failed` whose `errors` list names every offending member.
//!
//! Bounds a value must keep (lengths, digits, ranges, references) stay with the service, which
//! answers both doors alike; this check covers what the framework would otherwise refuse with a 400
//! and what it would silently drop (unknown members).

use std::sync::Arc;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use serde_json::{Map, Value as Json};

use super::problem::{FieldProblem, Problem};

/// The request-body schemas of a document's operations.
#[derive(Debug, Clone)]
pub struct RequestCheck {
    inner: Arc<Schemas>,
}

#[derive(Debug)]
struct Operation {
    method: Method,
    /// The path template split at '/'.
    template: Vec<String>,
    /// The body's schema.
    schema: Json,
    /// Whether it needs no credential (`security: []`).
    public: bool,
}

#[derive(Debug)]
struct Schemas {
    /// Every operation taking a JSON body.
    operations: Vec<Operation>,
    /// `components/schemas`, to resolve `$ref`s.
    components: Map<String, Json>,
}

impl RequestCheck {
    /// Collects the JSON request-body schemas of `document` (the completed OpenAPI document).
    pub fn of(document: &Json) -> RequestCheck {
        let mut operations = Vec::new();
        let paths = document.get("paths").and_then(Json::as_object).into_iter().flatten();
        for (template, item) in paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else { continue };
                let content = operation.pointer("/requestBody/content").and_then(Json::as_object);
                let json_schema = content
                    .into_iter()
                    .flatten()
                    .find_map(|(media_type, body)| is_json(media_type).then(|| body.get("schema").cloned()).flatten());
                let public = operation.get("security").and_then(Json::as_array).is_some_and(Vec::is_empty);
                if let Some(schema) = json_schema {
                    operations.push(Operation { method, template: segments(template), schema, public });
                }
            }
        }
        let components = document.pointer("/components/schemas").and_then(Json::as_object).cloned().unwrap_or_default();
        RequestCheck { inner: Arc::new(Schemas { operations, components }) }
    }

    /// The problems of `body` sent to `method path`: empty when it conforms, when the operation takes
    /// no JSON body, or when the body is not JSON at all (the framework's parser answers that one).
    pub fn problems(&self, method: &Method, path: &str, body: &[u8]) -> Vec<FieldProblem> {
        let Some(operation) = self.inner.operation(method, path) else { return Vec::new() };
        let Ok(value) = serde_json::from_slice::<Json>(body) else { return Vec::new() };
        let mut problems = Vec::new();
        self.inner.check(&operation.schema, &value, "", &mut problems);
        problems
    }

    /// Wraps the REST door: a JSON body with problems is answered 422 before the operation runs.
    pub fn wrap<E: Endpoint + 'static>(self, door: E) -> impl Endpoint<Output = Response> {
        poem::EndpointExt::around(door, move |door, mut req: Request| {
            let check = self.clone();
            async move {
                let json_body = req.content_type().is_some_and(is_json);
                let public = check.inner.operation(req.method(), req.uri().path()).map(|op| op.public);
                if let (true, Some(public)) = (json_body, public) {
                    let body = req.take_body().into_bytes().await?;
                    let problems = check.problems(req.method(), req.uri().path(), &body);
                    // Credentials come first: a caller without a valid one gets the operation's
                    // own 401/403, not a description of what it should have sent.
                    if !problems.is_empty() && (public || authenticated(&req).await) {
                        return Ok(invalid_body(problems));
                    }
                    req.set_body(body);
                }
                Ok(door.call(req).await?.into_response())
            }
        })
    }
}

/// Whether the request carries a credential the gateway accepts (the check runs only for bodies with
/// problems, so valid requests pay nothing for it).
async fn authenticated(req: &Request) -> bool {
    let Some(core) = req.data::<crate::service::Core>() else { return true };
    crate::api::security::principal_from_headers(core, req.headers()).await.is_ok()
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/').split('/').map(str::to_string).collect()
}

/// One 422 listing every problem; `field` repeats the first for clients that read only that.
fn invalid_body(problems: Vec<FieldProblem>) -> Response {
    let detail = problems.iter().map(|p| format!("{}: {}", p.field, p.detail)).collect::<Vec<_>>().join("; ");
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some(detail));
    problem.field = problems.first().map(|p| p.field.clone());
    problem.errors = Some(problems);
    super::problem::ApiError::from_problem(problem).into_response()
}

impl Schemas {
    /// The operation `path` reaches with `method`, if it takes a JSON body; a literal segment wins
    /// over a `{parameter}` (`/calls/originate` over `/calls/{id}`).
    fn operation(&self, method: &Method, path: &str) -> Option<&Operation> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method == method && op.template.len() == wanted.len())
            .filter_map(|op| {
                let mut literals = 0;
                for (part, segment) in op.template.iter().zip(&wanted) {
                    if part.starts_with('{') {
                        continue;
                    }
                    if part != segment {
                        return None;
                    }
                    literals += 1;
                }
                Some((literals, op))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, op)| op)
    }

    fn resolve<'a>(&'a self, schema: &'a Json) -> &'a Json {
        let mut schema = schema;
        // `allOf: [$ref]` is how a described member points at a shared schema.
        for _ in 0..8 {
            if let Some(target) = schema.get("$ref").and_then(Json::as_str) {
                match target.strip_prefix("#/components/schemas/").and_then(|name| self.components.get(name)) {
                    Some(found) => schema = found,
                    None => return schema,
                }
            } else if let Some([only]) = schema.get("allOf").and_then(Json::as_array).map(Vec::as_slice) {
                schema = only;
            } else {
                break;
            }
        }
        schema
    }

    /// Checks `value` against `schema`, naming problems by `at` (dotted member path, `[i]` for items).
    fn check(&self, schema: &Json, value: &Json, at: &str, problems: &mut Vec<FieldProblem>) {
        let schema = self.resolve(schema);
        let field = if at.is_empty() { "body" } else { at };
        let problem = |detail: String| FieldProblem::new(field, detail);
        if value.is_null() {
            if !schema.get("nullable").and_then(Json::as_bool).unwrap_or(false) {
                problems.push(problem("must not be null".into()));
            }
            return;
        }
        // Texts of a closed set are compared in any case: the service takes `sip` for `SIP`.
        let listed = |allowed: &Vec<Json>| match value {
            Json::String(text) => allowed.iter().any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(text))),
            _ => allowed.contains(value),
        };
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array)
            && !listed(allowed)
        {
            let names: Vec<String> = allowed.iter().map(|v| v.to_string()).collect();
            problems.push(problem(format!("must be one of {}", names.join(", "))));
            return;
        }
        let Some(kind) = schema.get("type").and_then(Json::as_str) else { return };
        let format = schema.get("format").and_then(Json::as_str).unwrap_or_default();
        match (kind, value) {
            ("object", Json::Object(members)) => self.check_members(schema, members, at, problems),
            ("array", Json::Array(items)) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &format!("{at}[{i}]"), problems);
                    }
                }
            }
            ("string", Json::String(_)) | ("boolean", Json::Bool(_)) | ("number", Json::Number(_)) => {}
            ("integer", Json::Number(n)) if fits(format, n) => {}
            ("integer", Json::Number(_)) => {
                problems.push(problem(format!("must be a whole number within {}", range_of(format))))
            }
            _ => problems.push(problem(format!("must be {}", article(kind)))),
        }
    }

    fn check_members(&self, schema: &Json, members: &Map<String, Json>, at: &str, problems: &mut Vec<FieldProblem>) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let required = schema.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str);
        for name in required {
            if !members.contains_key(name) {
                problems.push(FieldProblem::new(&member_path(at, name), "is required".into()));
            }
        }
        for (name, value) in members {
            let path = member_path(at, name);
            match properties.and_then(|p| p.get(name)) {
                Some(member_schema) => self.check(member_schema, value, &path, problems),
                // Maps (`additionalProperties: {schema}`) take any member name.
                None => match schema.get("additionalProperties") {
                    Some(Json::Object(value_schema)) => {
                        self.check(&Json::Object(value_schema.clone()), value, &path, problems)
                    }
                    _ => problems.push(FieldProblem::new(&path, "is not a member of this object".into())),
                },
            }
        }
    }
}

fn member_path(at: &str, name: &str) -> String {
    if at.is_empty() { name.to_string() } else { format!("{at}.{name}") }
}

/// Whether `n` is a whole number that the declared integer `format` can hold.
fn fits(format: &str, n: &serde_json::Number) -> bool {
    match format {
        "int32" => n.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
        "uint32" => n.as_u64().is_some_and(|v| u32::try_from(v).is_ok()),
        "uint64" => n.as_u64().is_some(),
        _ => n.as_i64().is_some(),
    }
}

fn range_of(format: &str) -> String {
    match format {
        "int32" => format!("{}..={}", i32::MIN, i32::MAX),
        "uint32" => format!("0..={}", u32::MAX),
        "uint64" => format!("0..={}", u64::MAX),
        _ => format!("{}..={}", i64::MIN, i64::MAX),
    }
}

fn article(kind: &str) -> &'static str {
    match kind {
        "object" => "a JSON object",
        "array" => "a JSON array",
        "string" => "a string",
        "boolean" => "true or false",
        "integer" => "a whole number",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check() -> RequestCheck {
        RequestCheck::of(&json!({
            "paths": {
                "/v1/things": {"post": {"requestBody": {"content": {"application/json; charset=utf-8": {
                    "schema": {"$ref": "#/components/schemas/ThingCreate"}}}}}},
                "/v1/things/{id}": {"patch": {"requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ThingPatch"}}}}}},
                "/v1/things/special": {"patch": {"requestBody": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {}}}}}}}
            },
            "components": {"schemas": {
                "ThingCreate": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "integer", "format": "int32", "nullable": true},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
                }},
                "ThingPatch": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "integer", "format": "int64", "nullable": true}
                }}
            }}
        }))
    }

    fn fields(method: Method, path: &str, body: Json) -> Vec<String> {
        let body = serde_json::to_vec(&body).expect("json");
        check().problems(&method, path, &body).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn every_problem_of_a_body_is_named() {
        let fields = fields(Method::POST, "/v1/things", json!({"size": "big", "tags": ["a", "c"], "nmae": "x"}));
        assert_eq!(fields, ["name", "size", "tags[1]", "nmae"], "required first, then in body order");
    }

    #[test]
    fn a_conforming_body_has_no_problem() {
        assert!(fields(Method::POST, "/v1/things", json!({"name": "x", "size": null, "tags": ["b"]})).is_empty());
        assert!(fields(Method::PATCH, "/v1/things/7", json!({"size": null})).is_empty());
    }

    #[test]
    fn null_clears_only_what_may_be_cleared() {
        assert_eq!(fields(Method::PATCH, "/v1/things/7", json!({"name": null})), ["name"]);
    }

    #[test]
    fn integers_outside_their_format_are_named() {
        assert_eq!(fields(Method::POST, "/v1/things", json!({"name": "x", "size": 4_294_967_296_i64})), ["size"]);
        assert_eq!(fields(Method::POST, "/v1/things", json!({"name": "x", "size": 1.5})), ["size"]);
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        assert_eq!(fields(Method::PATCH, "/v1/things/special", json!({"name": 1})), ["name"]);
        assert!(fields(Method::GET, "/v1/things", json!({"name": 1})).is_empty(), "no body schema: not checked");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert_eq!(fields(Method::POST, "/v1/things", json!([1])), ["body"]);
    }
}
