//! Login, access tokens, roles, brute-force limit.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

async fn login(app: &TestApp, username: &str, password: &str) -> crate::helpers::Rest {
    app.post("/v1/auth/login", "", json!({"username": username, "password": password})).await
}

fn bearer(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    app.client.request(method, app.url(path)).bearer_auth(token)
}

#[tokio::test]
async fn login_issues_a_short_lived_jwt_that_acts_with_the_users_role() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    app.tenant("BBB").await;
    app.post(
        "/v1/users",
        &app.admin_key,
        json!({"username": "op", "password": "op-password", "role": "operator", "tenants": ["AAA"]}),
    )
    .await;
    let resp = login(&app, "op", "op-password").await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    assert_eq!(resp.body["token_type"], "Bearer");
    assert_eq!(resp.body["expires_in"], 900);
    let token = resp.body["access_token"].as_str().unwrap().to_string();

    let created = app
        .send(bearer(&app, reqwest::Method::POST, "/v1/tenants/AAA/extensions", &token).json(&json!({"number": "100"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "operators write on their tenants");
    let foreign = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/BBB/extensions", &token)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(foreign.code(), "tenant_not_found");
    let admin_only = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &token)).await;
    assert_eq!(admin_only.code(), "admin_required");
}

#[tokio::test]
async fn viewers_read_and_disabled_users_lose_access_at_once() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    let user = app
        .post("/v1/users", &app.admin_key, json!({"username": "view", "password": "view-password", "tenants": ["AAA"]}))
        .await;
    let token = login(&app, "view", "view-password").await.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/AAA/extensions", &token)).await.status,
        StatusCode::OK
    );
    let write = app
        .send(bearer(&app, reqwest::Method::POST, "/v1/tenants/AAA/extensions", &token).json(&json!({"number": "100"})))
        .await;
    assert_eq!(write.code(), "read_only_api_key");
    let id = user.body["id"].as_i64().unwrap();
    app.patch(&format!("/v1/users/{id}"), &app.admin_key, json!({"disabled": true})).await;
    let after = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/AAA/extensions", &token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "view", "view-password").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_credentials_and_forged_tokens_are_refused_alike() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "admin2", "password": "admin-password", "role": "admin"}))
        .await;
    let wrong = login(&app, "admin2", "nope").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    let unknown = login(&app, "ghost", "nope").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body, wrong.body, "unknown users are indistinguishable from wrong passwords");

    let token = login(&app, "admin2", "admin-password").await.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &token)).await.status, StatusCode::OK);
    // Signed with another secret, or tampered, or alg=none: refused.
    let foreign = pbx_gateway::auth::jwt::JwtKeys::new("some other secret entirely").issue(1, 60).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
    for bad in [foreign, unsigned, format!("{}.{}.AAAA", parts[0], parts[1])] {
        let resp = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &bad)).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    let expired = pbx_gateway::auth::jwt::JwtKeys::new("test-secret-test-secret-test-secret").issue(1, -600).unwrap();
    assert_eq!(
        app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &expired)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_username_for_the_window() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "target", "password": "the-password"})).await;
    for _ in 0..10 {
        assert_eq!(login(&app, "target", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = login(&app, "target", "the-password").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.code(), "too_many_attempts");
}

#[tokio::test]
async fn bearer_accepts_api_keys_too() {
    let app = TestApp::spawn().await;
    let resp = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &app.admin_key)).await;
    assert_eq!(resp.status, StatusCode::OK);
}
