//! /health, Swagger UI, the served spec, request ids, body limits.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_is_public_and_answers_ok() {
    let app = TestApp::spawn().await;
    let resp = app.get("/health", "").await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.body["status"], "ok");
}

#[tokio::test]
async fn swagger_ui_and_spec_are_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let html = app.client.get(app.url("/docs")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("swagger-ui"), "Swagger UI page");
    // The operation filter is on, the credential survives a reload, and the page shows the
    // completed document (the one /openapi.json serves).
    assert!(html.contains("filter: true,") && html.contains("persistAuthorization: true,"), "Swagger UI options");
    assert!(html.contains("\"nullable\": true"), "the completed document");
    let trailing = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(trailing.status(), StatusCode::OK);
    // Offline: the page must not load scripts or styles from elsewhere.
    for cdn in ["unpkg.com", "cdn.jsdelivr", "cdnjs", "<script src=\"http"] {
        assert!(!html.contains(cdn), "external asset {cdn}");
    }
    let spec: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/v1/tenants/{code}/extensions"].is_object());
    let yaml = app.client.get(app.url("/openapi.yaml")).send().await.unwrap().text().await.unwrap();
    assert!(yaml.starts_with("openapi: 3.0.0"));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_safe_incoming_one_is_kept() {
    let app = TestApp::spawn().await;
    let resp = app.get("/health", "").await;
    assert!(resp.header("x-request-id").len() >= 16);
    let kept = app.send(app.request(reqwest::Method::GET, "/health", "").header("x-request-id", "trace-123.abc")).await;
    assert_eq!(kept.header("x-request-id"), "trace-123.abc");
    let replaced =
        app.send(app.request(reqwest::Method::GET, "/health", "").header("x-request-id", "bad id<script>")).await;
    assert_ne!(replaced.header("x-request-id"), "bad id<script>");
    let legacy = app.client.get(app.url("/proxyapi.php")).send().await.unwrap();
    assert!(legacy.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_also_when_chunked() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 1024).await;
    let big = "x".repeat(4096);
    let resp = app
        .send(
            app.request(reqwest::Method::POST, "/v1/tenants", &app.admin_key)
                .header("content-type", "application/json")
                .body(big.clone()),
        )
        .await;
    assert_eq!(resp.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(resp.code(), "payload_too_large");
    // A streamed body has no Content-Length: the limit must still hold.
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(big.clone().into_bytes())]);
    let resp = app
        .send(
            app.request(reqwest::Method::POST, "/v1/tenants", &app.admin_key).body(reqwest::Body::wrap_stream(stream)),
        )
        .await;
    assert_eq!(resp.status, StatusCode::PAYLOAD_TOO_LARGE);
    let tenants = app.get("/v1/tenants", &app.admin_key).await;
    assert_eq!(tenants.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn unknown_routes_and_malformed_json_are_problems_not_crashes() {
    let app = TestApp::spawn().await;
    let resp = app.get("/v1/nope", &app.admin_key).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.header("content-type"), "application/problem+json");
    let resp = app
        .send(
            app.request(reqwest::Method::POST, "/v1/tenants", &app.admin_key)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(resp.code(), "invalid_request");
    let resp = app.post("/v1/tenants", &app.admin_key, serde_json::json!({"code": 5, "name": []})).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", resp.body);
    assert_eq!(resp.code(), "validation_failed");
    assert_eq!(resp.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn a_database_outage_is_reported_as_an_outage_not_as_a_bad_key() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    // The pool closing is what every request sees while the database cannot be reached.
    app.core.db().pool().close().await;

    let legacy = app.legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")]).await;
    assert_eq!(legacy.status, reqwest::StatusCode::OK);
    assert_eq!(legacy.body, "Error: service temporarily unavailable, try again later");
    assert_ne!(legacy.body, crate::helpers::KEY_ERROR);

    let rest = app.get("/v1/tenants/ACME/extensions", &key).await;
    assert_eq!(
        (rest.status, rest.code()),
        (reqwest::StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        "{:?}",
        rest.body
    );
    let health = app.get("/health", "").await;
    assert_eq!(health.status, reqwest::StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn postgres_connections_honour_sslmode() {
    // PostgreSQL only; the SQLite run has no network connection to protect.
    if crate::helpers::postgres_base_url().is_none() {
        return;
    }
    let db = crate::helpers::TestDb::create().await;
    let with = |mode: &str| pbx_gateway::config::Config::for_database(format!("{}?sslmode={mode}", db.url));
    let core = pbx_gateway::service::Core::start(with("require")).await.expect("a TLS connection (sslmode=require)");
    let mut conn = core.db().pool().acquire().await.expect("connection");
    let tls: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await
        .expect("pg_stat_ssl");
    assert!(tls, "sslmode=require must give an encrypted connection");
    drop(conn);
    core.db().close().await;
    // verify-full checks the server's certificate against the host name: the test server's
    // self-signed certificate (Debian's snakeoil, for "localhost") is refused for 127.0.0.1.
    let refused = pbx_gateway::service::Core::start(with("verify-full")).await;
    assert!(refused.is_err(), "verify-full must verify the certificate");
}
