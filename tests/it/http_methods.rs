//! `Allow`: a 405 lists the methods the path supports, and `OPTIONS` without CORS answers them,
//! both read from the routes themselves.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::TestApp;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

#[tokio::test]
async fn a_405_lists_the_methods_of_the_path() {
    let app = TestApp::spawn().await;
    let resp = app.delete("/v1/tenants", &app.admin_key).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    assert_eq!(resp.header("allow"), "GET, HEAD, POST, OPTIONS");
    assert!(resp.header("content-type").starts_with("application/problem+json"));

    let resp = app.send(app.request(Method::PUT, "/v1/tenants/ACME", &app.admin_key)).await;
    assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.header("allow"), "GET, HEAD, PATCH, DELETE, OPTIONS");
    // Not a REST path: 404, no Allow.
    let resp = app.delete("/v1/nothing-here", &app.admin_key).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert!(resp.headers.get("allow").is_none());
}

#[tokio::test]
async fn options_answers_204_with_allow() {
    let app = TestApp::spawn().await;
    for key in ["", app.admin_key.as_str()] {
        let resp = app.send(app.request(Method::OPTIONS, "/v1/tenants/ACME/extensions", key)).await;
        assert_eq!(resp.status, StatusCode::NO_CONTENT);
        assert_eq!(resp.header("allow"), "GET, HEAD, POST, OPTIONS");
        assert_eq!(resp.body, Value::Null);
        assert!(!resp.header("x-request-id").is_empty());
    }
    let resp = app.send(app.request(Method::OPTIONS, "/v1/nothing-here", "")).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn options_without_a_preflight_answers_allow_when_cors_is_configured_too() {
    let crm = "https://crm.example.com";
    let app = TestApp::spawn_with(|config| config.cors_origins = vec![crm.to_string()]).await;
    let resp = app.send(app.request(Method::OPTIONS, "/v1/tenants", "")).await;
    assert_eq!((resp.status, resp.header("allow")), (StatusCode::NO_CONTENT, "GET, HEAD, POST, OPTIONS"));
    // A preflight is still CORS's.
    let preflight = app
        .client
        .request(Method::OPTIONS, app.url("/v1/tenants"))
        .header("Origin", crm)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(preflight.headers()["access-control-allow-origin"], crm);
}

/// Every path of the document, every method: the router serves exactly the methods `Allow` lists.
#[tokio::test]
async fn allow_matches_what_the_router_serves_on_every_path() {
    let app = TestApp::spawn().await;
    let doc: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut checked = 0;
    for path in doc["paths"].as_object().unwrap().keys() {
        // A parameter value no literal segment uses.
        let concrete: String =
            path.split('/').map(|s| if s.starts_with('{') { "p1" } else { s }).collect::<Vec<_>>().join("/");
        let options = app.send(app.request(Method::OPTIONS, &concrete, "")).await;
        assert_eq!(options.status, StatusCode::NO_CONTENT, "OPTIONS {concrete}");
        let allow = options.header("allow").to_string();
        for method in METHODS {
            let resp = app.send(app.request(Method::from_bytes(method.as_bytes()).unwrap(), &concrete, "")).await;
            let listed = allow.split(", ").any(|m| m == method);
            if listed {
                assert_ne!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {concrete} (Allow: {allow})");
            } else {
                assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {concrete} (Allow: {allow})");
                assert_eq!(resp.header("allow"), allow, "{method} {concrete}");
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}
