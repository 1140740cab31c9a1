//! The committed contract equals what the code generates.

/// The document as generated (and served), parsed.
async fn completed_spec() -> serde_json::Value {
    let yaml = pbx_gateway::api::spec_yaml().await.unwrap();
    serde_yaml::from_str(&yaml).expect("the spec is YAML")
}

#[tokio::test]
async fn committed_spec_matches_the_generated_one() {
    let generated = pbx_gateway::api::spec_yaml().await.unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/api-spec/openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(generated == committed, "api-spec/openapi.yaml is stale: run `make spec` and commit the result");
}

#[tokio::test]
async fn spec_documents_problem_errors_and_write_only_credentials() {
    let yaml = pbx_gateway::api::spec_yaml().await.unwrap();
    assert!(yaml.contains("application/problem+json"));
    let spec: serde_json::Value = {
        // The JSON form is easier to navigate than YAML without a YAML parser.
        let app = crate::helpers::TestApp::spawn().await;
        app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap()
    };
    let schemas = &spec["components"]["schemas"];
    assert_eq!(schemas["ExtensionCreate"]["properties"]["secret"]["writeOnly"], true);
    assert!(schemas["Extension"]["properties"].get("secret").is_none());
    assert_eq!(schemas["UserCreate"]["properties"]["password"]["writeOnly"], true);
    assert!(schemas["User"]["properties"].get("password").is_none());
}

/// poem-openapi wraps a documented field of an enum or object type in `allOf: [$ref, {description}]`,
/// which openapi-python-client rejects ("Cannot take allOf a non-object") and then drops whole
/// schemas and endpoints. Such fields stay undocumented; their type carries the description.
#[tokio::test]
async fn spec_has_no_allof_wrappers_that_break_client_generators() {
    let yaml = pbx_gateway::api::spec_yaml().await.unwrap();
    assert!(!yaml.contains("allOf"), "a documented enum/object field crept in: remove its doc comment");
}

/// What the server sends, the document says: every member a schema does not require may come back
/// `null` (an `Option` serialises as `null`), so it is `nullable` (but a closed set of a body the server
/// only receives, outside a patch: left out, not `null`); every operation says how it authenticates, the
/// few open ones with `security: []`.
#[tokio::test]
async fn optional_members_are_nullable_and_every_operation_says_how_it_authenticates() {
    let spec = completed_spec().await;
    let mut not_nullable = Vec::new();
    // The schemas answers name: each operation's `responses`, up to the next operation's request body.
    let paths = serde_json::to_string(&spec["paths"]).unwrap();
    let answers: String =
        paths.split("\"responses\"").skip(1).map(|s| s.split("\"requestBody\"").next().unwrap_or("")).collect();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        let only_received = !name.ends_with("Patch") && !answers.contains(&format!("/{name}\""));
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        // A patch cannot empty what its create requires: there `null` is refused, so not nullable.
        let create = name.strip_suffix("Patch").map(|object| &spec["components"]["schemas"][format!("{object}Create")]);
        let create_requires = |member: &str| {
            create.and_then(|c| c["required"].as_array()).is_some_and(|r| r.contains(&serde_json::Value::from(member)))
        };
        for (member, property) in schema["properties"].as_object().into_iter().flatten() {
            let optional = !required.contains(&serde_json::Value::from(member.as_str())) && !create_requires(member);
            let left_out_not_null = only_received && property.get("enum").is_some();
            if optional && property["nullable"] != true && !left_out_not_null {
                not_nullable.push(format!("{name}.{member}"));
            }
        }
    }
    assert!(not_nullable.is_empty(), "optional members without nullable: {not_nullable:?}");
    assert_eq!(spec["components"]["schemas"]["ApiKey"]["properties"]["revoked_at"]["nullable"], true);

    assert_eq!(spec["security"], serde_json::json!([{"BearerAuth": []}, {"HeaderKeyAuth": []}]));
    let mut open = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let security = operation.get("security").unwrap_or_else(|| panic!("{method} {path} says nothing"));
            if security == &serde_json::json!([]) {
                open.push(format!("{method} {path}"));
            }
        }
    }
    open.sort();
    assert_eq!(open, ["get /health", "get /ready", "post /v1/auth/login"]);
}

/// A null the document allows is one the server sends: a new API key has never been revoked.
#[tokio::test]
async fn a_documented_null_is_what_the_server_sends() {
    let app = crate::helpers::TestApp::spawn().await;
    app.tenant("ACME").await;
    let created = app.post("/v1/tenants/ACME/api-keys", &app.admin_key, serde_json::json!({"name": "ci"})).await;
    assert_eq!(created.body["revoked_at"], serde_json::Value::Null, "{:?}", created.body);
    assert!(created.body.as_object().is_some_and(|key| key.contains_key("revoked_at")), "{:?}", created.body);
}

/// Around every operation the gateway itself may answer: the request id on every answer,
/// `Retry-After` with 429 and 503, 413 and 415 for operations that take a body. Error answers are
/// written once (`components/responses`) and referenced.
#[tokio::test]
async fn gateway_answers_are_declared_on_every_operation() {
    let spec = completed_spec().await;
    let shared = &spec["components"]["responses"];
    let resolve = |response: &serde_json::Value| -> serde_json::Value {
        match response["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/responses/")) {
            Some(name) => shared[name].clone(),
            None => response.clone(),
        }
    };
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            if operation.get("requestBody").is_some() {
                for status in ["413", "415"] {
                    if !responses.contains_key(status) {
                        missing.push(format!("{method} {path}: {status}"));
                    }
                }
            }
            for (status, response) in responses {
                let response = resolve(response);
                let mut headers = vec!["X-Request-Id"];
                if status == "429" || status == "503" {
                    headers.push("Retry-After");
                }
                for header in headers {
                    if response["headers"][header].is_null() {
                        missing.push(format!("{method} {path} {status}: {header}"));
                    }
                }
                if status.starts_with(['4', '5']) && operation["responses"][status.as_str()]["$ref"].is_null() {
                    missing.push(format!("{method} {path} {status}: inline error answer"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
}

/// Swagger UI lists the tags as a newcomer learns the API (Auth, Health, Tenants, ...), not by name;
/// a new tag must be given its place.
#[tokio::test]
async fn tags_follow_the_learning_order() {
    let spec = completed_spec().await;
    let tags: Vec<&str> = spec["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    let order = pbx_gateway::api::document::TAG_ORDER;
    let unplaced: Vec<&&str> = tags.iter().filter(|tag| !order.contains(tag)).collect();
    assert!(unplaced.is_empty(), "tags missing from api::document::TAG_ORDER: {unplaced:?}");
    let expected: Vec<&str> = order.iter().copied().filter(|tag| tags.contains(tag)).collect();
    assert_eq!(tags, expected);
    assert_eq!(&tags[..3], ["Auth", "Health", "Tenants"]);
    let used: std::collections::BTreeSet<&str> = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .flat_map(|operation| operation["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str()))
        .collect();
    let stale: Vec<&&str> = order.iter().filter(|tag| !used.contains(**tag)).collect();
    assert!(stale.is_empty(), "TAG_ORDER names tags no operation uses: {stale:?}");
}

/// A body's media types are the ones the server sends: a fax document is a PDF, recordings are
/// audio, and an event stream is text (server-sent events), not a JSON array.
#[tokio::test]
async fn media_types_are_what_the_server_sends() {
    let spec = completed_spec().await;
    let types = |path: &str, status: &str| -> Vec<String> {
        let content = &spec["paths"][path]["get"]["responses"][status]["content"];
        content.as_object().map(|c| c.keys().cloned().collect()).unwrap_or_default()
    };
    assert_eq!(types("/v1/tenants/{code}/faxes/{id}/document", "200"), ["application/pdf"]);
    assert_eq!(types("/v1/tenants/{code}/faxes/{id}/document", "206"), ["application/pdf"]);
    let audio = ["audio/mpeg", "audio/wav", "application/octet-stream"];
    assert_eq!(types("/v1/tenants/{code}/recordings/{id}/audio", "200"), audio);
    assert_eq!(types("/v1/tenants/{code}/cdrs/{uniqueid}/recording", "206"), audio);
    for events in ["/v1/events", "/v1/tenants/{code}/events"] {
        let schema = &spec["paths"][events]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"];
        assert_eq!(schema["type"], "string", "{events}: {schema}");
    }
}

/// Every schema member and every parameter shows an example (`api::examples`; but a cursor or an
/// idempotency key, which no fixed value can stand for), and each keeps to its own schema's enum.
#[tokio::test]
async fn every_member_and_parameter_has_an_example() {
    let spec = completed_spec().await;
    let mut missing = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        for (member, property) in schema["properties"].as_object().into_iter().flatten() {
            let documented = property.get("example").is_some() || property.get("$ref").is_some();
            let composite =
                matches!(property["type"].as_str(), Some("object") | None) || property["items"].get("$ref").is_some();
            if !documented && !composite {
                missing.push(format!("{name}.{member}"));
            }
            if let (Some(values), Some(example)) = (property["enum"].as_array(), property.get("example")) {
                assert!(values.contains(example), "{name}.{member}: {example} is not one of {values:?}");
            }
        }
    }
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = match parameter["$ref"].as_str() {
                    Some(target) => spec.pointer(target.trim_start_matches('#')).expect("a shared parameter"),
                    None => parameter,
                };
                let exempt = pbx_gateway::api::examples::WITHOUT_EXAMPLE
                    .contains(&parameter["name"].as_str().unwrap_or_default());
                if parameter.get("example").is_none() && !exempt {
                    missing.push(format!("{method} {path} {}", parameter["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "without an example: {missing:?}");
}
