//! /v1/users: CRUD, tenant links, argon2id at rest.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn user_crud_with_tenant_links() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    app.tenant("BBB").await;
    let key = &app.admin_key;
    let created = app
        .post(
            "/v1/users",
            key,
            json!({"username": "ops", "password": "correct horse", "role": "operator", "tenants": ["AAA"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.header("location"), format!("/v1/users/{id}"));
    assert_eq!(created.body["tenants"], json!(["AAA"]));
    assert_eq!(created.body["role"], "operator");
    assert!(created.body.get("password").is_none());
    assert!(!created.body.to_string().contains("correct horse"));

    let patched =
        app.patch(&format!("/v1/users/{id}"), key, json!({"tenants": ["AAA", "BBB"], "role": "viewer"})).await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["tenants"], json!(["AAA", "BBB"]));
    assert_eq!(patched.body["role"], "viewer");
    assert_eq!(patched.body["username"], "ops");

    let list = app.get("/v1/users?username=ops", key).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.delete(&format!("/v1/users/{id}"), key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/v1/users/{id}"), key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn user_input_is_validated_atomically() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    let key = &app.admin_key;
    let unknown_tenant = app
        .post("/v1/users", key, json!({"username": "u1", "password": "long enough", "tenants": ["AAA", "NOPE"]}))
        .await;
    assert_eq!(unknown_tenant.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_tenant.body["field"], "tenants");
    // The user row was rolled back with the failed link.
    assert_eq!(app.get("/v1/users?username=u1", key).await.body["items"].as_array().map(Vec::len), Some(0));
    for (body, field) in [
        (json!({"username": "bad name", "password": "long enough"}), "username"),
        (json!({"username": "u2", "password": "short"}), "password"),
    ] {
        let resp = app.post("/v1/users", key, body.clone()).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", resp.body);
        assert_eq!(resp.body["field"], field, "{body}");
    }
    app.post("/v1/users", key, json!({"username": "u3", "password": "long enough"})).await;
    let dup = app.post("/v1/users", key, json!({"username": "u3", "password": "long enough"})).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn passwords_are_argon2id_at_rest() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "alice", "password": "wonderland"})).await;
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let row = sqlx::query("SELECT us_password FROM us_users").fetch_one(&mut *conn).await.unwrap();
    let stored: String = sqlx::Row::try_get(&row, 0).unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
    assert!(!stored.contains("wonderland"));
}

#[tokio::test]
async fn users_are_admin_only() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    let key = app.tenant_key("AAA", false).await;
    let resp = app.get("/v1/users", &key).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert_eq!(resp.code(), "admin_required");
    let resp = app.post("/v1/users", &key, json!({"username": "x", "password": "long enough", "role": "admin"})).await;
    assert_eq!(resp.code(), "admin_required");
}

#[tokio::test]
async fn each_listed_user_has_its_own_tenant_links() {
    let app = TestApp::spawn().await;
    for code in ["AAA", "BBB", "CCC"] {
        app.tenant(code).await;
    }
    let key = &app.admin_key;
    let links: [(&str, &[&str]); 5] =
        [("u1", &["CCC", "AAA"]), ("u2", &[]), ("u3", &["BBB"]), ("u4", &["AAA", "BBB", "CCC"]), ("u5", &[])];
    for (username, tenants) in links {
        let body = json!({"username": username, "password": "long enough", "tenants": tenants});
        assert_eq!(app.post("/v1/users", key, body).await.status, StatusCode::CREATED);
    }
    // Pages of two: a page's links are read for that page only, and must still land on the right
    // user, in tenant order, with none for users without links; each as the single read answers it.
    let mut listed = Vec::new();
    let mut path = "/v1/users?limit=2".to_string();
    loop {
        let page = app.get(&path, key).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        for item in page.body["items"].as_array().unwrap() {
            assert_eq!(item, &app.get(&format!("/v1/users/{}", item["id"]), key).await.body);
            listed.push((item["username"].as_str().unwrap().to_string(), item["tenants"].clone()));
        }
        let Some(cursor) = page.body["next_cursor"].as_str() else { break };
        path = format!("/v1/users?limit=2&cursor={cursor}");
    }
    let expected = [
        ("u1", json!(["AAA", "CCC"])),
        ("u2", json!([])),
        ("u3", json!(["BBB"])),
        ("u4", json!(["AAA", "BBB", "CCC"])),
        ("u5", json!([])),
    ];
    assert_eq!(listed, expected.map(|(name, tenants)| (name.to_string(), tenants)));
}
