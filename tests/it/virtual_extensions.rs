//! VIRTUALEXT reqtype and /v1/tenants/{code}/virtual-extensions: the same memberships through both doors.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

async fn ve(app: &TestApp, key: &str, tenant: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("reqtype", "VIRTUALEXT"), ("tenant", tenant)];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

async fn put(app: &TestApp, path: &str, key: &str) -> crate::helpers::Rest {
    app.send(app.request(Method::PUT, path, key)).await
}

#[tokio::test]
async fn legacy_virtual_extensions_are_created_on_first_add() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    app.extension("ACME", &key, "100").await;
    app.extension("ACME", &key, "101").await;

    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "500")]).await, "", "not created yet");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "add"), ("number", "500"), ("extension", "100")]).await, "OK");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "ADD"), ("number", "500"), ("extension", "101-ACME")]).await, "OK");
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "add"), ("number", "500"), ("extension", "100")]).await,
        "OK",
        "no duplicate"
    );
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "500")]).await, "100-ACME|101-ACME|");
    let json = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "VIRTUALEXT"),
            ("tenant", "ACME"),
            ("action", "list"),
            ("number", "500"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(json.json(), json!(["100-ACME", "101-ACME"]));

    assert_eq!(ve(&app, &key, "ACME", &[("action", "del"), ("number", "500"), ("extension", "100")]).await, "OK");
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "del"), ("number", "500"), ("extension", "100")]).await,
        "OK",
        "non-member"
    );
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "500")]).await, "101-ACME|");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "clean"), ("number", "500")]).await, "OK");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "500")]).await, "");
    let rest = app.get("/v1/tenants/ACME/virtual-extensions", &key).await;
    assert_eq!(rest.body["items"][0]["number"], "500", "clean keeps the virtual extension");
    assert_eq!(rest.body["items"][0]["members"], 0);
}

#[tokio::test]
async fn bad_virtualext_calls_get_the_protocol_answers_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    app.extension("ACME", &key, "100").await;

    assert_eq!(ve(&app, &key, "ACME", &[("action", "list")]).await, "No number specified");
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "add"), ("number", ""), ("extension", "100")]).await,
        "No number specified"
    );
    assert_eq!(ve(&app, &key, "ACME", &[("action", "add"), ("number", "500")]).await, "No extension specified");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "del"), ("number", "500")]).await, "No extension specified");
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "add"), ("number", "500"), ("extension", "999")]).await,
        "",
        "unknown extension"
    );
    assert!(
        ve(&app, &key, "ACME", &[("action", "add"), ("number", "5x"), ("extension", "100")])
            .await
            .starts_with("Error: number")
    );
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "add"), ("number", "100"), ("extension", "100")]).await,
        "Error: the number belongs to an extension"
    );
    assert_eq!(
        ve(&app, &key, "ACME", &[("action", "clean"), ("number", "500")]).await,
        "",
        "unknown virtual extension"
    );
    assert_eq!(ve(&app, &key, "ACME", &[("action", "del"), ("number", "500"), ("extension", "100")]).await, "");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "bogus"), ("number", "500")]).await, "Unknown action");
    assert_eq!(app.get("/v1/tenants/ACME/virtual-extensions", &key).await.body["items"], json!([]), "nothing created");
}

#[tokio::test]
async fn read_only_and_foreign_keys_cannot_touch_virtual_extensions() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let ext = app.extension("ACME", &key, "100").await;
    let other_ext = app.extension("OTHER", &other, "100").await;
    assert_eq!(ve(&app, &key, "ACME", &[("action", "add"), ("number", "500"), ("extension", "100")]).await, "OK");

    assert_eq!(ve(&app, &ro, "ACME", &[("action", "list"), ("number", "500")]).await, "100-ACME|");
    assert_eq!(ve(&app, &ro, "ACME", &[("action", "add"), ("number", "500"), ("extension", "100")]).await, KEY_ERROR);
    assert_eq!(ve(&app, &ro, "ACME", &[("action", "clean"), ("number", "500")]).await, KEY_ERROR);
    assert_eq!(
        put(&app, &format!("/v1/tenants/ACME/virtual-extensions/500/members/{ext}"), &ro).await.code(),
        "read_only_api_key"
    );
    assert_eq!(ve(&app, &other, "ACME", &[("action", "list"), ("number", "500")]).await, KEY_ERROR);

    // From OTHER's side, ACME's virtual extension does not exist, and ACME's extension cannot join OTHER's.
    assert_eq!(ve(&app, &other, "OTHER", &[("action", "list"), ("number", "500")]).await, "");
    assert_eq!(ve(&app, &other, "OTHER", &[("action", "clean"), ("number", "500")]).await, "");
    assert_eq!(app.get("/v1/tenants/OTHER/virtual-extensions/500/members", &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        put(&app, &format!("/v1/tenants/OTHER/virtual-extensions/600/members/{ext}"), &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(&app, &format!("/v1/tenants/ACME/virtual-extensions/500/members/{other_ext}"), &key).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/v1/tenants/ACME/virtual-extensions", &other).await.code(), "tenant_not_found");
    assert_eq!(app.get("/v1/tenants/OTHER/virtual-extensions", &other).await.body["items"], json!([]));
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "500")]).await, "100-ACME|", "intact");
}

#[tokio::test]
async fn rest_members_round_trip_and_parity_with_the_legacy_door() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let a = app.extension("ACME", &key, "100").await;
    let b = app.extension("ACME", &key, "101").await;
    let base = "/v1/tenants/ACME/virtual-extensions/700/members";

    let created = put(&app, &format!("{base}/{a}"), &key).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body, json!({"extension_id": a, "number": "100", "username": "100-ACME"}));
    assert_eq!(put(&app, &format!("{base}/{a}"), &key).await.status, StatusCode::OK);
    // REST writes, legacy reads; legacy writes, REST reads.
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "700")]).await, "100-ACME|");
    assert_eq!(ve(&app, &key, "ACME", &[("action", "add"), ("number", "700"), ("extension", "101")]).await, "OK");
    let members = app.get(base, &key).await;
    let ids: Vec<i64> =
        members.body["items"].as_array().unwrap().iter().map(|m| m["extension_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [a, b]);

    let list = app.get("/v1/tenants/ACME/virtual-extensions?limit=1", &key).await;
    assert_eq!(list.body["items"][0]["number"], "700");
    assert_eq!(list.body["items"][0]["members"], 2);
    assert!(list.body["next_cursor"].is_null());
    assert_eq!(
        put(&app, &format!("/v1/tenants/ACME/virtual-extensions/100/members/{b}"), &key).await.code(),
        "conflict"
    );
    assert_eq!(
        put(&app, &format!("/v1/tenants/ACME/virtual-extensions/x1/members/{b}"), &key).await.code(),
        "validation_failed"
    );

    assert_eq!(app.delete(&format!("{base}/{a}"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("{base}/{a}"), &key).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "700")]).await, "101-ACME|");

    // Deleting a member extension removes its membership; deleting the virtual extension removes it all.
    assert_eq!(app.delete(&format!("/v1/tenants/ACME/extensions/{b}"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(base, &key).await.body["items"], json!([]));
    assert_eq!(app.delete("/v1/tenants/ACME/virtual-extensions/700", &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(base, &key).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ve(&app, &key, "ACME", &[("action", "list"), ("number", "700")]).await, "");
}
