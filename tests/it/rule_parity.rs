//! One rule, one answer: the same bad value sent through both doors is refused by the same service
//! rule: REST answers 422 `validation_failed` naming the field, the legacy door its error text
//! naming the legacy field. Each test would fail if a door kept a rule of its own (REST's
//! framework validators answered 400 `invalid_request`; the legacy door let some values through).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Legacy, Rest, TestApp};

/// The REST answer is the service's refusal of `field`.
fn assert_rest_refused(resp: &Rest, field: &str) {
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", resp.body);
    assert_eq!(resp.code(), "validation_failed", "{:?}", resp.body);
    assert_eq!(resp.body["field"], field, "{:?}", resp.body);
}

/// The legacy answer is an error line (or action result) naming `field`.
fn assert_legacy_refused(answer: &Legacy, field: &str) {
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.starts_with("Error"), "expected an error naming {field}, got {:?}", answer.body);
    assert!(answer.body.contains(&format!("{field}: ")), "expected {field} in {:?}", answer.body);
}

/// `POST /calls` with a fresh idempotency key.
async fn place_call(app: &TestApp, key: &str, body: serde_json::Value) -> Rest {
    let idempotency = pbx_gateway::auth::secrets::random_token();
    app.send(
        app.request(Method::POST, "/v1/tenants/ACME/calls", key).header("Idempotency-Key", idempotency).json(&body),
    )
    .await
}

async fn tenant_with_key(app: &TestApp) -> String {
    app.tenant("ACME").await;
    app.tenant_key("ACME", false).await
}

async fn managedb_add(app: &TestApp, key: &str, object: &str, jsondata: serde_json::Value) -> Legacy {
    let query = [("key", key), ("reqtype", "MANAGEDB"), ("object", object), ("action", "add"), ("tenant", "ACME")];
    app.legacy_post(&query, &[("jsondata", &jsondata.to_string())]).await
}

#[tokio::test]
async fn an_extension_name_longer_than_declared_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    let long = "n".repeat(201);
    let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "100", "name": long})).await;
    assert_rest_refused(&rest, "name");
    let legacy = managedb_add(&app, &key, "extension", json!({"ex_number": "100", "ex_name": long})).await;
    assert_legacy_refused(&legacy, "ex_name");
    // The declared bound itself is accepted by both.
    let fits = "n".repeat(200);
    let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "100", "name": fits})).await;
    assert_eq!(rest.status, StatusCode::CREATED, "{:?}", rest.body);
    let legacy = managedb_add(&app, &key, "extension", json!({"ex_number": "101", "ex_name": fits})).await;
    assert!(legacy.body.starts_with('{'), "{}", legacy.body);
}

#[tokio::test]
async fn a_short_web_password_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "100", "web_password": "short"})).await;
    assert_rest_refused(&rest, "web_password");
    let legacy = managedb_add(&app, &key, "extension", json!({"ex_number": "100", "ex_webpassword": "short"})).await;
    assert_legacy_refused(&legacy, "ex_webpassword");
}

#[tokio::test]
async fn a_bad_extension_number_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    for bad in ["12a", "123456789012345678901"] {
        let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": bad})).await;
        assert_rest_refused(&rest, "number");
        let legacy = managedb_add(&app, &key, "extension", json!({"ex_number": bad})).await;
        assert_legacy_refused(&legacy, "ex_number");
    }
}

#[tokio::test]
async fn a_bad_tenant_code_or_name_is_refused_the_same_way() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.clone();
    let rest = app.post("/v1/tenants", &admin, json!({"code": "NO-DASH", "name": "x"})).await;
    assert_rest_refused(&rest, "code");
    let legacy = app
        .legacy_post(
            &[("key", &admin), ("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "add")],
            &[("jsondata", &json!({"te_code": "NO-DASH", "te_name": "x"}).to_string())],
        )
        .await;
    assert_legacy_refused(&legacy, "te_code");
    let long = "t".repeat(201);
    let rest = app.post("/v1/tenants", &admin, json!({"code": "OK1", "name": long})).await;
    assert_rest_refused(&rest, "name");
}

#[tokio::test]
async fn dial_limits_and_recording_modes_are_the_services_on_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    app.extension("ACME", &key, "100").await;

    let rest =
        place_call(&app, &key, json!({"source": "100", "destination": "200", "ring_timeout_seconds": 86_401})).await;
    assert_rest_refused(&rest, "ring_timeout_seconds");
    let dial = [("key", key.as_str()), ("reqtype", "DIAL"), ("tenant", "ACME"), ("source", "100"), ("dest", "200")];
    let legacy = app.legacy(&[&dial[..], &[("dialtimeout", "86401")]].concat()).await;
    assert_legacy_refused(&legacy, "dialtimeout");

    let rest = place_call(&app, &key, json!({"source": "100", "destination": "200", "max_duration_seconds": -1})).await;
    assert_rest_refused(&rest, "max_duration_seconds");

    let rest = place_call(&app, &key, json!({"source": "100", "destination": "200", "recording": "maybe"})).await;
    assert_rest_refused(&rest, "recording");
    let legacy = app.legacy(&[&dial[..], &[("recording", "maybe")]].concat()).await;
    assert_legacy_refused(&legacy, "recording");

    // Case is folded by the service for both: `YES` passes validation (and then finds no PBX node).
    let rest = place_call(&app, &key, json!({"source": "100", "destination": "200", "recording": "YES"})).await;
    assert_ne!(rest.code(), "validation_failed", "{:?}", rest.body);
    let legacy = app.legacy(&[&dial[..], &[("recording", "YES")]].concat()).await;
    assert!(!legacy.body.contains("recording"), "{}", legacy.body);
}

#[tokio::test]
async fn a_bad_cdr_direction_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    let rest = app.get("/v1/tenants/ACME/cdrs?direction=sideways", &key).await;
    assert_rest_refused(&rest, "direction");
    let legacy = app
        .legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "CDRS"), ("tenant", "ACME"), ("direction", "sideways")])
        .await;
    assert_legacy_refused(&legacy, "direction");
    // Case is folded for both.
    assert_eq!(app.get("/v1/tenants/ACME/cdrs?direction=in", &key).await.status, StatusCode::OK);
    let legacy = app
        .legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "CDRS"), ("tenant", "ACME"), ("direction", "in")])
        .await;
    assert!(!legacy.body.starts_with("Error"), "{}", legacy.body);
}

#[tokio::test]
async fn queue_member_settings_are_checked_once_for_rest_queue_add_and_agent_add() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    let ext = app.extension("ACME", &key, "100").await;
    let queue = app.post("/v1/tenants/ACME/queues", &key, json!({"name": "sales"})).await;
    let queue_id = queue.body["id"].as_i64().unwrap().to_string();

    let member = format!("/v1/tenants/ACME/queues/{queue_id}/members/{ext}");
    let rest = app.send(app.request(Method::PUT, &member, &key).json(&json!({"penalty": 1_000_001}))).await;
    assert_rest_refused(&rest, "penalty");

    let queue_add = [("key", key.as_str()), ("reqtype", "QUEUE"), ("action", "add"), ("tenant", "ACME")];
    let agent_add = [("key", key.as_str()), ("reqtype", "AGENT"), ("action", "add"), ("tenant", "ACME")];
    for penalty in ["1000001", "abc"] {
        let legacy = app
            .legacy(&[&queue_add[..], &[("id", &queue_id), ("extension", "100"), ("penalty", penalty)]].concat())
            .await;
        assert_legacy_refused(&legacy, "penalty");
        // AGENT add used to drop a penalty it could not parse and store the member with 0.
        let legacy = app
            .legacy(&[&agent_add[..], &[("queue", &queue_id), ("extension", "100"), ("penalty", penalty)]].concat())
            .await;
        assert_legacy_refused(&legacy, "penalty");
    }
    let members = app.get(&format!("/v1/tenants/ACME/queues/{queue_id}/members"), &key).await;
    assert_eq!(members.body["items"], json!([]), "no refused add left a member behind");
}

#[tokio::test]
async fn a_short_user_password_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.clone();
    let rest = app.post("/v1/users", &admin, json!({"username": "u1", "password": "short"})).await;
    assert_rest_refused(&rest, "password");
    let legacy = app
        .legacy_post(
            &[("key", &admin), ("reqtype", "MANAGEDB"), ("object", "user"), ("action", "add")],
            &[("jsondata", &json!({"us_username": "u1", "us_password": "short"}).to_string())],
        )
        .await;
    assert_legacy_refused(&legacy, "us_password");
}

/// A value outside a short list is the service's refusal on both doors too: the REST schema shows
/// the list as an `enum`, but the framework no longer answers 400 for another value.
#[tokio::test]
async fn a_value_outside_a_choice_is_refused_by_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "100", "tech": "IAX"})).await;
    assert_rest_refused(&rest, "tech");
    let legacy = managedb_add(&app, &key, "extension", json!({"ex_number": "100", "ex_tech": "IAX"})).await;
    assert_legacy_refused(&legacy, "ex_tech");
    // Any case of a listed value is taken, and stored as listed.
    let rest = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "100", "tech": "sip"})).await;
    assert_eq!((rest.status, &rest.body["tech"]), (StatusCode::CREATED, &json!("SIP")), "{:?}", rest.body);

    let admin = app.admin_key.clone();
    let user = json!({"username": "boss", "password": "boss-password", "role": "boss"});
    assert_rest_refused(&app.post("/v1/users", &admin, user).await, "role");
    let query = [("key", admin.as_str()), ("reqtype", "MANAGEDB"), ("object", "user"), ("action", "add")];
    let jsondata = json!({"us_username": "boss", "us_password": "boss-password", "us_role": "boss"}).to_string();
    assert_legacy_refused(&app.legacy_post(&query, &[("jsondata", &jsondata)]).await, "us_role");
    let user = json!({"username": "boss", "password": "boss-password", "role": "operator"});
    assert_eq!(app.post("/v1/users", &admin, user).await.status, StatusCode::CREATED);
}

/// The checks a declaration carries (digits, a closed list, a reference that must be a row of the
/// caller's tenant) are one rule for both doors: the same bad value is refused by the service,
/// named as each door names the field, and nothing is written.
#[tokio::test]
async fn declared_checks_answer_alike_on_both_doors() {
    let app = TestApp::spawn().await;
    let key = tenant_with_key(&app).await;
    app.tenant("OTHER").await;
    let other_key = app.tenant_key("OTHER", false).await;
    let foreign = app.post("/v1/tenants/OTHER/media-files", &other_key, json!({"name": "Theirs"})).await;
    assert_eq!(foreign.status, StatusCode::CREATED, "{:?}", foreign.body);
    let foreign_media = foreign.body["id"].as_i64().expect("media file id");

    // (REST path, REST body, REST field, legacy object, legacy jsondata, legacy field)
    let cases = [
        (
            "queues",
            json!({"name": "Q", "number": "12a"}),
            "number",
            "queue",
            json!({"qu_name": "Q", "qu_number": "12a"}),
            "qu_number",
        ),
        (
            "queues",
            json!({"name": "Q", "strategy": "LOUDEST"}),
            "strategy",
            "queue",
            json!({"qu_name": "Q", "strategy": "LOUDEST"}),
            "strategy",
        ),
        ("dids", json!({"number": "+39 02"}), "number", "did", json!({"di_number": "+39 02"}), "di_number"),
        (
            "ivrs",
            json!({"name": "Menu", "media_file_id": foreign_media}),
            "media_file_id",
            "ivr",
            json!({"iv_name": "Menu", "iv_me_id": foreign_media.to_string()}),
            "iv_me_id",
        ),
    ];
    for (path, body, rest_field, object, jsondata, legacy_field) in cases {
        let rest = app.post(&format!("/v1/tenants/ACME/{path}"), &key, body).await;
        assert_rest_refused(&rest, rest_field);
        let legacy = managedb_add(&app, &key, object, jsondata).await;
        assert_legacy_refused(&legacy, legacy_field);
        let listed = app.get(&format!("/v1/tenants/ACME/{path}"), &key).await;
        assert_eq!(listed.body["items"], json!([]), "{path}: a refused write left a row");
    }
}
