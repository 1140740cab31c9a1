//! `Idempotency-Key` on every creating POST (the gateway-wide layer): a retry replays the first
//! answer, another request with the same key is refused, a key in flight answers 409, failures are
//! not kept, keys expire and belong to one credential.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Rest, TestApp};

async fn post_keyed(app: &TestApp, path: &str, key: &str, idempotency_key: &str, body: &Value) -> Rest {
    app.send(app.request(Method::POST, path, key).header("Idempotency-Key", idempotency_key).json(body)).await
}

async fn tenant_count(app: &TestApp) -> usize {
    let list = app.get("/v1/tenants?limit=100", &app.admin_key).await;
    list.body["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_request_replays_the_first_answer() {
    let app = TestApp::spawn().await;
    let body = json!({"code": "ACME", "name": "Acme Ltd"});
    let first = post_keyed(&app, "/v1/tenants", &app.admin_key, "create-acme-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(first.header("idempotent-replayed"), "false");
    let count = tenant_count(&app).await;

    let again = post_keyed(&app, "/v1/tenants", &app.admin_key, "create-acme-1", &body).await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), "/v1/tenants/ACME");
    assert_eq!(again.header("content-type"), first.header("content-type"));
    // Headers of the exchange are this request's own.
    assert!(!again.header("x-request-id").is_empty());
    assert_ne!(again.header("x-request-id"), first.header("x-request-id"));
    assert_eq!(tenant_count(&app).await, count, "the replay created nothing");

    // Without a key the same request is a new one (and conflicts).
    let unkeyed = app.post("/v1/tenants", &app.admin_key, body).await;
    assert_eq!(unkeyed.status, StatusCode::CONFLICT, "{:?}", unkeyed.body);
    assert!(unkeyed.headers.get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn the_same_key_with_another_request_is_refused() {
    let app = TestApp::spawn().await;
    let first = post_keyed(&app, "/v1/tenants", &app.admin_key, "k-1", &json!({"code": "ACME", "name": "Acme"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let other = post_keyed(&app, "/v1/tenants", &app.admin_key, "k-1", &json!({"code": "BETA", "name": "Beta"})).await;
    assert_eq!((other.status, other.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    assert!(other.header("content-type").starts_with("application/problem+json"));
    // Another path with the same key and body is another request too.
    app.tenant("GAMMA").await;
    let elsewhere = app
        .send(
            app.request(Method::POST, "/v1/tenants/GAMMA/api-keys", &app.admin_key)
                .header("Idempotency-Key", "k-1")
                .json(&json!({"code": "ACME", "name": "Acme"})),
        )
        .await;
    assert_eq!((elsewhere.status, elsewhere.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    assert_eq!(app.get("/v1/tenants/BETA", &app.admin_key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn failed_requests_are_not_kept_and_the_key_can_be_used_again() {
    let app = TestApp::spawn().await;
    let bad = json!({"code": "no spaces allowed", "name": "Acme"});
    let refused = post_keyed(&app, "/v1/tenants", &app.admin_key, "k-2", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", refused.body);
    assert_eq!(refused.code(), "validation_failed");
    // Not replayed: served again.
    let again = post_keyed(&app, "/v1/tenants", &app.admin_key, "k-2", &bad).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.headers.get("idempotent-replayed").is_none());
    // And free for the corrected request.
    let fixed = post_keyed(&app, "/v1/tenants", &app.admin_key, "k-2", &json!({"code": "ACME", "name": "A"})).await;
    assert_eq!(fixed.status, StatusCode::CREATED, "{:?}", fixed.body);
}

#[tokio::test]
async fn a_key_whose_request_is_still_running_answers_409() {
    let app = TestApp::spawn().await;
    let body = json!({"code": "ACME", "name": "Acme Ltd"});
    // Another replica (or a slow first try) holds the key for this very request.
    let principal = pbx_gateway::service::access::authenticate_key(&app.core, &app.admin_key).await.unwrap();
    let pbx_gateway::auth::Subject::ApiKey { id } = principal.subject else { panic!("an API key") };
    let bytes = serde_json::to_vec(&body).unwrap();
    let fingerprint =
        pbx_gateway::service::idempotency::request_digest([&b"POST"[..], b"/v1/tenants", b"application/json", &bytes]);
    let scope = format!("key {id}");
    let claim = pbx_gateway::service::idempotency::claim(&app.core, &scope, "busy-1", &fingerprint).await.unwrap();
    assert_eq!(claim, pbx_gateway::service::idempotency::Claim::Reserved);

    let resp = post_keyed(&app, "/v1/tenants", &app.admin_key, "busy-1", &body).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::CONFLICT, "idempotency_key_in_flight"), "{:?}", resp.body);
    assert_eq!(resp.header("retry-after"), "1");
    assert_eq!(app.get("/v1/tenants/ACME", &app.admin_key).await.status, StatusCode::NOT_FOUND);

    // The holder finishes (fails): the request runs.
    pbx_gateway::service::idempotency::release(&app.core, &scope, "busy-1").await.unwrap();
    let resp = post_keyed(&app, "/v1/tenants", &app.admin_key, "busy-1", &body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
}

#[tokio::test]
async fn keys_belong_to_one_credential() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    let acme = app.tenant_key("ACME", false).await;
    let beta = app.tenant_key("BETA", false).await;
    let body = json!({"number": "201", "name": "Reception", "tech": "PJSIP", "secret": "s3cret-pass"});
    let created = post_keyed(&app, "/v1/tenants/ACME/extensions", &acme, "shared-key", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);

    // Another tenant's key with the same key and request: its own request, never ACME's answer.
    let foreign = post_keyed(&app, "/v1/tenants/ACME/extensions", &beta, "shared-key", &body).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{:?}", foreign.body);
    assert!(foreign.headers.get("idempotent-replayed").is_none());
    assert!(!foreign.body.to_string().contains("Reception"));
    // Even another credential of the same tenant does not share the key.
    let admin = post_keyed(&app, "/v1/tenants/ACME/extensions", &app.admin_key, "shared-key", &body).await;
    assert_eq!((admin.status, admin.code()), (StatusCode::CONFLICT, "conflict"), "{:?}", admin.body);
    // Its own key under its own credential replays.
    let mine = post_keyed(&app, "/v1/tenants/ACME/extensions", &acme, "shared-key", &body).await;
    assert_eq!((mine.status, mine.header("idempotent-replayed")), (StatusCode::CREATED, "true"));
    assert_eq!(mine.body, created.body);
}

#[tokio::test]
async fn keys_expire() {
    let app = TestApp::spawn_with(|config| config.idempotency_key_ttl = Duration::from_secs(1)).await;
    let first = post_keyed(&app, "/v1/tenants", &app.admin_key, "short", &json!({"code": "ACME", "name": "A"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let other = post_keyed(&app, "/v1/tenants", &app.admin_key, "short", &json!({"code": "BETA", "name": "B"})).await;
    assert_eq!((other.status, other.header("idempotent-replayed")), (StatusCode::CREATED, "false"), "{:?}", other.body);
}

#[tokio::test]
async fn malformed_keys_and_missing_credentials_are_refused_as_usual() {
    let app = TestApp::spawn().await;
    let body = json!({"code": "ACME", "name": "A"});
    let long = "k".repeat(256);
    for bad in [long.as_str(), "with space"] {
        let resp = post_keyed(&app, "/v1/tenants", &app.admin_key, bad, &body).await;
        assert_eq!((resp.status, resp.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
        assert_eq!(resp.body["field"], "Idempotency-Key");
    }
    let anonymous = post_keyed(&app, "/v1/tenants", "", "k-3", &body).await;
    assert_eq!((anonymous.status, anonymous.code()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));
    assert!(!anonymous.header("www-authenticate").is_empty());
}

#[tokio::test]
async fn posts_that_create_nothing_ignore_the_key() {
    let app = TestApp::spawn().await;
    // Login answers 200: not a create, so a repeated key is simply another login.
    for _ in 0..2 {
        let resp = app
            .send(
                app.request(Method::POST, "/v1/auth/login", "")
                    .header("Idempotency-Key", "login-1")
                    .json(&json!({"username": "nobody", "password": "wrong-password"})),
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{:?}", resp.body);
        assert!(resp.headers.get("idempotent-replayed").is_none());
    }
}

#[tokio::test]
async fn every_creating_post_is_served_by_the_layer_or_keeps_its_own_key() {
    let app = TestApp::spawn().await;
    let doc: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut declared = doc.clone();
    pbx_gateway::api::idempotency_doc::declare_idempotency_keys(&mut declared);
    let mut own = Vec::new();
    for (path, item) in declared["paths"].as_object().unwrap() {
        let Some(post) = item.get("post") else { continue };
        if !pbx_gateway::api::idempotency_doc::is_creating(post) {
            continue;
        }
        let params = post["parameters"].as_array().unwrap();
        let names: Vec<String> = params
            .iter()
            .map(|p| p.get("name").or(p.get("$ref")).and_then(Value::as_str).unwrap_or_default().to_string())
            .collect();
        let count = names.iter().filter(|n| n.ends_with("Idempotency-Key")).count();
        assert_eq!(count, 1, "{path}: {names:?}");
        if pbx_gateway::api::idempotency_doc::keeps_own_key(post) {
            own.push(path.clone());
        }
    }
    own.sort();
    assert_eq!(own, ["/v1/tenants/{code}/balance/adjustments", "/v1/tenants/{code}/faxes"]);
    assert!(declared["components"]["parameters"]["Idempotency-Key"].is_object());
}
