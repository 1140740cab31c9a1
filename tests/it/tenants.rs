//! /v1/tenants: CRUD, validation, pagination, admin-only.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn tenant_crud_round_trip() {
    let app = TestApp::spawn().await;
    let key = &app.admin_key;
    let created = app
        .post("/v1/tenants", key, json!({"code": "ACME", "name": "Acme", "parking_start": 800, "parking_end": 810, "recording_password": "hunter22"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header("location"), "/v1/tenants/ACME");
    assert_eq!(created.body["code"], "ACME");
    assert_eq!(created.body["parking_start"], 800);
    assert!(created.body.get("recording_password").is_none(), "write-only");
    assert!(!created.body.to_string().contains("hunter22"));

    let got = app.get("/v1/tenants/ACME", key).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["name"], "Acme");

    let patched = app.patch("/v1/tenants/ACME", key, json!({"name": "Acme Inc", "disabled": true})).await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["name"], "Acme Inc");
    assert_eq!(patched.body["disabled"], true);
    assert_eq!(patched.body["parking_end"], 810, "PATCH keeps absent members");

    assert_eq!(app.delete("/v1/tenants/ACME", key).await.status, StatusCode::NO_CONTENT);
    let gone = app.get("/v1/tenants/ACME", key).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.code(), "tenant_not_found");
}

#[tokio::test]
async fn bad_tenant_input_is_refused_with_a_stable_code_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let key = &app.admin_key;
    for (body, field) in [
        (json!({"code": "A-B", "name": "x"}), "code"),
        (json!({"code": "", "name": "x"}), "code"),
        (json!({"code": "OK1", "name": ""}), "name"),
        (json!({"code": "OK2", "name": "x", "parking_start": 900, "parking_end": 800}), "parking_end"),
    ] {
        let resp = app.post("/v1/tenants", key, body.clone()).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", resp.body);
        assert_eq!(resp.body["field"], field, "{body}");
        assert_eq!(resp.header("content-type"), "application/problem+json");
    }
    let resp = app
        .post("/v1/tenants", key, json!({"code": "OK3", "name": "x", "parking_start": 900, "parking_end": 800}))
        .await;
    assert_eq!(resp.code(), "validation_failed");
    assert_eq!(resp.body["field"], "parking_end");
    assert_eq!(app.get("/v1/tenants", key).await.body["items"].as_array().map(Vec::len), Some(0));

    app.tenant("DUP").await;
    let dup = app.post("/v1/tenants", key, json!({"code": "DUP", "name": "again"})).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.code(), "conflict");
}

#[tokio::test]
async fn tenant_with_extensions_cannot_be_deleted_and_stays_intact() {
    let app = TestApp::spawn().await;
    app.tenant("FULL").await;
    app.extension("FULL", &app.admin_key, "100").await;
    let resp = app.delete("/v1/tenants/FULL", &app.admin_key).await;
    assert_eq!(resp.status, StatusCode::CONFLICT);
    assert_eq!(resp.code(), "tenant_not_empty");
    assert_eq!(
        app.get("/v1/tenants/FULL/extensions", &app.admin_key).await.body["items"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn tenant_lists_paginate_with_opaque_cursors_in_stable_order() {
    let app = TestApp::spawn().await;
    for i in 0..7 {
        app.tenant(&format!("T{i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/tenants?limit=3&cursor={c}"),
            None => "/v1/tenants?limit=3".to_string(),
        };
        let page = app.get(&path, &app.admin_key).await;
        assert_eq!(page.status, StatusCode::OK);
        for item in page.body["items"].as_array().unwrap() {
            seen.push(item["code"].as_str().unwrap().to_string());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("T{i}")).collect::<Vec<_>>());
    let bad = app.get("/v1/tenants?cursor=bm9wZQ", &app.admin_key).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.code(), "invalid_cursor");
    let too_big = app.get("/v1/tenants?limit=100000", &app.admin_key).await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    let filtered = app.get("/v1/tenants?code=T3", &app.admin_key).await;
    assert_eq!(filtered.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn tenants_are_admin_only() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    for resp in [
        app.get("/v1/tenants", &key).await,
        app.get("/v1/tenants/ACME", &key).await,
        app.post("/v1/tenants", &key, json!({"code": "NEW", "name": "x"})).await,
        app.patch("/v1/tenants/ACME", &key, json!({"name": "mine"})).await,
        app.delete("/v1/tenants/ACME", &key).await,
    ] {
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{:?}", resp.body);
        assert_eq!(resp.code(), "admin_required");
    }
    assert_eq!(app.get("/v1/tenants/ACME", &app.admin_key).await.body["name"], "ACME Ltd");
    let none = app.get("/v1/tenants", "").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.code(), "invalid_api_key");
    let wrong = app.get("/v1/tenants", "pgw_not-a-real-key-at-all-xxxxxxxxxxxx").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_api_key");
}

#[tokio::test]
async fn deleting_a_tenant_removes_its_keys_and_user_links() {
    let app = TestApp::spawn().await;
    app.tenant("GONE").await;
    app.tenant("STAY").await;
    let key = app.tenant_key("GONE", false).await;
    let user = app
        .post(
            "/v1/users",
            &app.admin_key,
            json!({"username": "u", "password": "long enough", "tenants": ["GONE", "STAY"]}),
        )
        .await;
    assert_eq!(app.delete("/v1/tenants/GONE", &app.admin_key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/v1/tenants/GONE/extensions", &key).await.status, StatusCode::UNAUTHORIZED);
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let row =
        sqlx::query("SELECT COUNT(*) FROM ak_api_keys WHERE ak_te_id IS NOT NULL").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 0).unwrap(), 0, "the tenant's keys went with it");
    let id = user.body["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/v1/users/{id}"), &app.admin_key).await.body["tenants"], json!(["STAY"]));
}
