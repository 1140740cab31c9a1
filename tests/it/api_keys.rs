//! /v1/tenants/{code}/api-keys: issue once, list without secrets, revoke; digests at rest.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

#[tokio::test]
async fn keys_are_shown_once_listed_without_secrets_and_revocable() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let created =
        app.post("/v1/tenants/ACME/api-keys", &app.admin_key, json!({"name": "crm", "read_only": true})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let key = created.body["key"].as_str().unwrap().to_string();
    let id = created.body["id"].as_i64().unwrap();
    assert!(key.starts_with("pgw_") && key.len() >= 40);
    assert_eq!(created.body["read_only"], true);
    assert!(key.starts_with(created.body["prefix"].as_str().unwrap()));
    assert_eq!(created.header("location"), format!("/v1/tenants/ACME/api-keys/{id}"));

    let list = app.get("/v1/tenants/ACME/api-keys", &app.admin_key).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.to_string().contains(&key), "a list never shows key values");
    assert!(list.body["items"].as_array().unwrap().iter().all(|k| k.get("key").is_none()));

    // The key works, and a read-only key can list keys of its own tenant.
    assert_eq!(app.get("/v1/tenants/ACME/api-keys", &key).await.status, StatusCode::OK);
    assert_eq!(
        app.delete(&format!("/v1/tenants/ACME/api-keys/{id}"), &app.admin_key).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get("/v1/tenants/ACME/extensions", &key).await.status, StatusCode::UNAUTHORIZED);
    let legacy = app.legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")]).await;
    assert_eq!(legacy.body, KEY_ERROR);
    let revoked = app.get(&format!("/v1/tenants/ACME/api-keys/{id}"), &app.admin_key).await;
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(
        app.delete(&format!("/v1/tenants/ACME/api-keys/{id}"), &app.admin_key).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_digests_are_stored() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let rows = sqlx::query("SELECT ak_hash, ak_prefix, ak_name FROM ak_api_keys").fetch_all(&mut *conn).await.unwrap();
    let mut found = false;
    for row in rows {
        let hash: String = sqlx::Row::try_get(&row, 0).unwrap();
        assert_ne!(hash, key);
        assert!(!hash.contains(&key[4..]));
        found |= hash == pbx_gateway::auth::secrets::digest(&key);
    }
    assert!(found, "the SHA-256 of the key is what identifies it");
}

#[tokio::test]
async fn read_only_and_foreign_keys_cannot_issue_or_revoke() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let resp = app.post("/v1/tenants/ACME/api-keys", &ro, json!({})).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert_eq!(resp.code(), "read_only_api_key");
    let resp = app.post("/v1/tenants/ACME/api-keys", &other, json!({})).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.code(), "tenant_not_found");
    // A read-write tenant key may issue keys for its own tenant.
    let rw = app.tenant_key("ACME", false).await;
    let resp = app.post("/v1/tenants/ACME/api-keys", &rw, json!({"name": "second"})).await;
    assert_eq!(resp.status, StatusCode::CREATED);
}

#[tokio::test]
async fn imported_legacy_key_values_work_on_both_doors() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let system = pbx_gateway::auth::Principal::system();
    let legacy_value = "0123456789abcdef0123456789abcdef";
    pbx_gateway::service::api_keys::import(&app.core, &system, Some("ACME"), false, legacy_value).await.unwrap();
    assert_eq!(app.get("/v1/tenants/ACME/extensions", legacy_value).await.status, StatusCode::OK);
    let legacy = app
        .legacy(&[
            ("key", legacy_value),
            ("reqtype", "MANAGEDB"),
            ("object", "extension"),
            ("action", "list"),
            ("tenant", "ACME"),
        ])
        .await;
    assert_eq!(legacy.body, "[]");
    let again = pbx_gateway::service::api_keys::import(&app.core, &system, Some("ACME"), false, legacy_value).await;
    assert!(matches!(
        again,
        Err(pbx_gateway::service::ServiceError::Conflict { kind: pbx_gateway::service::ConflictKind::Duplicate, .. })
    ));
    let short = pbx_gateway::service::api_keys::import(&app.core, &system, Some("ACME"), false, "short").await;
    assert!(matches!(short, Err(pbx_gateway::service::ServiceError::Invalid { .. })));
}

/// What a key gets from both doors when used from `address` (another loopback address of this
/// machine stands for another client): (REST status, legacy answer).
async fn use_key_from(app: &TestApp, address: &str, key: &str) -> (StatusCode, String) {
    let client = crate::helpers::http_client(Some(address));
    let rest = client.get(app.url("/v1/tenants/ACME/queues")).header("X-API-Key", key).send().await.unwrap();
    let query = [("key", key), ("reqtype", "INFO"), ("info", "queues"), ("tenant", "ACME")];
    let legacy = client.get(app.url("/proxyapi.php")).query(&query).send().await.unwrap();
    (rest.status(), legacy.text().await.unwrap())
}

#[tokio::test]
async fn keys_can_expire_and_be_bound_to_networks_in_both_doors() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let create = |body: serde_json::Value| app.post("/v1/tenants/ACME/api-keys", &app.admin_key, body);
    let refused = create(json!({"expires_at": "2020-01-01T00:00:00Z"})).await;
    assert_eq!((refused.status, &refused.body["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("expires_at")));
    // A time that is year 10000 in UTC could not be stored and read back as RFC 3339.
    let beyond = create(json!({"expires_at": "9999-12-31T23:59:59-23:59"})).await;
    assert_eq!((beyond.status, &beyond.body["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("expires_at")));
    let refused = create(json!({"allowed_addresses": ["192.0.2.7/24"]})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", refused.body);
    assert_eq!(refused.body["field"], "allowed_addresses");
    let too_many: Vec<String> = (0..33).map(|i| format!("10.0.{i}.0/24")).collect();
    assert!(create(json!({"allowed_addresses": too_many})).await.status.is_client_error());
    let listed = app.get("/v1/tenants/ACME/api-keys", &app.admin_key).await;
    assert_eq!(listed.body["items"], json!([]), "refused keys are not stored");

    // Bound to 127.0.0.2: refused from 127.0.0.1 exactly as an unknown key.
    let bound = create(json!({"allowed_addresses": ["127.0.0.2", "2001:db8::/32"]})).await;
    assert_eq!(bound.status, StatusCode::CREATED, "{:?}", bound.body);
    assert_eq!(bound.body["allowed_addresses"], json!(["127.0.0.2/32", "2001:db8::/32"]));
    let key = bound.body["key"].as_str().unwrap();
    let unknown = use_key_from(&app, "127.0.0.1", "pgw_unknown-key-value").await;
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    assert_eq!(use_key_from(&app, "127.0.0.1", key).await, unknown);
    assert_eq!(use_key_from(&app, "127.0.0.2", key).await, (StatusCode::OK, String::new()));

    // An expiring key works until its time, then answers as an unknown key.
    let expires = (chrono::Utc::now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let expiring = create(json!({"expires_at": expires})).await;
    assert_eq!(expiring.status, StatusCode::CREATED, "{:?}", expiring.body);
    let shown = chrono::DateTime::parse_from_rfc3339(expiring.body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(shown, chrono::DateTime::parse_from_rfc3339(&expires).unwrap());
    let key = expiring.body["key"].as_str().unwrap();
    assert_eq!(use_key_from(&app, "127.0.0.1", key).await, (StatusCode::OK, String::new()));
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    sqlx::query("UPDATE ak_api_keys SET ak_expires_at = '2026-01-01 00:00:00' WHERE ak_id = $1")
        .bind(expiring.body["id"].as_i64().unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(use_key_from(&app, "127.0.0.1", key).await, unknown);
    assert_eq!(unknown.1, KEY_ERROR);
}
