//! One core, two doors: whatever one door writes, the other reads back the same (tenants,
//! extensions, users, API keys).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, Legacy, TestApp};

/// A MANAGEDB call with the admin key: `params` in the query, `jsondata` (if any) in the body.
async fn mdb(app: &TestApp, params: &[(&str, &str)], jsondata: Option<&str>) -> Legacy {
    let mut query = vec![("key", app.admin_key.as_str()), ("reqtype", "MANAGEDB")];
    query.extend_from_slice(params);
    match jsondata {
        Some(data) => app.legacy_post(&query, &[("jsondata", data)]).await,
        None => app.legacy(&query).await,
    }
}

fn record(answer: &Legacy) -> Value {
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let value = answer.json();
    assert!(value.is_object(), "a record expected: {answer:?}");
    value
}

/// INFO EXTENSIONS json records of a tenant with the admin key.
async fn info_extensions(app: &TestApp, tenant: &str) -> Vec<Value> {
    let answer = app
        .legacy(&[
            ("key", &app.admin_key),
            ("reqtype", "INFO"),
            ("info", "EXTENSIONS"),
            ("tenant", tenant),
            ("format", "json"),
        ])
        .await;
    if answer.body.is_empty() {
        return Vec::new();
    }
    answer.json().as_array().expect("array").clone()
}

// ---------------------------------------------------------------------------------------------
// tenants
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_tenant_added_through_managedb_is_visible_through_rest() {
    let app = TestApp::spawn().await;
    let data = r#"{"te_code":"RELAX","te_name":"Relax & entertainment","te_disabled":"on","te_billingcode":"B-42","pk_start":800,"pk_end":810}"#;
    let added = record(&mdb(&app, &[("object", "tenant"), ("action", "add")], Some(data)).await);
    let id: i64 = added["te_id"].as_str().unwrap().parse().unwrap();

    let rest = app.get("/v1/tenants/RELAX", &app.admin_key).await;
    assert_eq!(rest.status, StatusCode::OK, "{:?}", rest.body);
    assert_eq!(rest.body["id"], id);
    assert_eq!(rest.body["code"], "RELAX");
    assert_eq!(rest.body["name"], "Relax & entertainment");
    assert_eq!(rest.body["disabled"], true);
    assert_eq!(rest.body["billing_code"], "B-42");
    assert_eq!(rest.body["parking_start"], 800);
    assert_eq!(rest.body["parking_end"], 810);
    let list = app.get("/v1/tenants?code=RELAX", &app.admin_key).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    // Enabled by default.
    record(
        &mdb(&app, &[("object", "tenant"), ("action", "add")], Some(r#"{"te_code":"PLAIN","te_name":"Plain"}"#)).await,
    );
    let rest = app.get("/v1/tenants/PLAIN", &app.admin_key).await;
    assert_eq!(rest.body["disabled"], false);
    assert_eq!(rest.body["parking_start"], Value::Null);
}

#[tokio::test]
async fn a_tenant_created_through_rest_is_visible_through_managedb() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/tenants",
            &app.admin_key,
            json!({"code": "ACME", "name": "Acme Ltd", "disabled": true, "parking_start": 700, "parking_end": 720, "recording_password": "rec-secret"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_i64().unwrap().to_string();

    let got = record(&mdb(&app, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got["te_id"], id.as_str());
    assert_eq!(got["te_code"], "ACME");
    assert_eq!(got["te_name"], "Acme Ltd");
    assert_eq!(got["te_disabled"], "on");
    assert_eq!(got["pk_start"], "700");
    assert_eq!(got["pk_end"], "720");
    assert_eq!(got["te_recordingpassword"], "");

    let list = mdb(&app, &[("object", "tenant"), ("action", "list")], None).await;
    assert!(!list.body.contains("rec-secret"));
    assert_eq!(list.json()[&id], got);
    let filtered = mdb(&app, &[("object", "tenant"), ("action", "list"), ("filter", "te_disabled='on'")], None).await;
    assert_eq!(filtered.json().as_object().unwrap().keys().collect::<Vec<_>>(), [&id]);
}

#[tokio::test]
async fn tenant_updates_cross_the_doors_both_ways() {
    let app = TestApp::spawn().await;
    let id = app.tenant("ACME").await.to_string();

    // REST PATCH → MANAGEDB get.
    let patched = app
        .patch("/v1/tenants/ACME", &app.admin_key, json!({"name": "Acme Renamed", "disabled": true, "parking_end": 99}))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    let got = record(&mdb(&app, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got["te_name"], "Acme Renamed");
    assert_eq!(got["te_disabled"], "on");
    assert_eq!(got["pk_end"], "99");

    // MANAGEDB update → REST get.
    let updated = record(
        &mdb(
            &app,
            &[("object", "tenant"), ("action", "update"), ("objectid", &id)],
            Some(r#"{"te_name":"Acme Again","te_disabled":"","pk_start":10,"pk_end":20}"#),
        )
        .await,
    );
    assert_eq!(updated["te_name"], "Acme Again");
    let rest = app.get("/v1/tenants/ACME", &app.admin_key).await;
    assert_eq!(rest.body["name"], "Acme Again");
    assert_eq!(rest.body["disabled"], false);
    assert_eq!(rest.body["parking_start"], 10);
    assert_eq!(rest.body["parking_end"], 20);
}

#[tokio::test]
async fn a_tenant_deleted_through_one_door_is_gone_in_the_other() {
    let app = TestApp::spawn().await;
    let a = app.tenant("AAA").await.to_string();
    app.tenant("BBB").await;
    let b = app.get("/v1/tenants/BBB", &app.admin_key).await.body["id"].as_i64().unwrap().to_string();

    assert_eq!(mdb(&app, &[("object", "tenant"), ("action", "delete"), ("objectid", &a)], None).await.body, "OK");
    assert_eq!(app.get("/v1/tenants/AAA", &app.admin_key).await.status, StatusCode::NOT_FOUND);

    assert_eq!(app.delete("/v1/tenants/BBB", &app.admin_key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(mdb(&app, &[("object", "tenant"), ("action", "get"), ("objectid", &b)], None).await.body, "null");
    assert_eq!(mdb(&app, &[("object", "tenant"), ("action", "list")], None).await.body, "[]");
}

// ---------------------------------------------------------------------------------------------
// extensions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_extension_created_through_rest_shows_in_info_and_managedb() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let created = app
        .post(
            "/v1/tenants/ACME/extensions",
            &app.admin_key,
            json!({"number": "100", "name": "Alice", "tech": "SIP", "secret": "alice-sip-secret", "call_group": "1,2", "email": "alice@example.com"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let rest = created.body;
    let id = rest["id"].as_i64().unwrap().to_string();

    let infos = info_extensions(&app, "ACME").await;
    assert_eq!(infos.len(), 1);
    let got = record(
        &mdb(&app, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None).await,
    );
    for legacy in [&infos[0], &got] {
        assert_eq!(legacy["ex_id"], id.as_str());
        assert_eq!(legacy["ex_number"], rest["number"]);
        assert_eq!(legacy["ex_name"], rest["name"]);
        assert_eq!(legacy["ex_tech"], rest["tech"]);
        assert_eq!(legacy["username"], rest["username"]);
        assert_eq!(legacy["username"], "100-ACME");
        assert_eq!(legacy["ex_callgroup"], "1,2");
        assert_eq!(legacy["ex_email"], "alice@example.com");
        assert_eq!(legacy["secret"], "");
    }
    let plain = app
        .legacy(&[
            ("key", &app.admin_key),
            ("reqtype", "INFO"),
            ("info", "EXTENSIONS"),
            ("tenant", "ACME"),
            ("number", "100"),
        ])
        .await;
    let row: Vec<&str> = plain.body.lines().nth(1).expect("one row").split('|').collect();
    assert_eq!(row[0], "100");
    assert_eq!(row[1], "Alice");
    assert_eq!(row[2], "SIP");
    assert_eq!(row[4], "100-ACME");
}

#[tokio::test]
async fn an_extension_added_through_managedb_shows_in_rest() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let data = r#"{"ex_number":"1100","ex_name":"Test extension","ex_tech":"SIP","secret":"hackmeifyoucan","ex_pickupgroup":"1,5,6","ex_callgroup":"1,7,9"}"#;
    let added = record(&mdb(&app, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(data)).await);
    let id: i64 = added["ex_id"].as_str().unwrap().parse().unwrap();

    let rest = app.get(&format!("/v1/tenants/ACME/extensions/{id}"), &app.admin_key).await;
    assert_eq!(rest.status, StatusCode::OK, "{:?}", rest.body);
    assert_eq!(rest.body["id"], id);
    assert_eq!(rest.body["number"], "1100");
    assert_eq!(rest.body["name"], "Test extension");
    assert_eq!(rest.body["tech"], "SIP");
    assert_eq!(rest.body["username"], "1100-ACME");
    assert_eq!(rest.body["pickup_group"], "1,5,6");
    assert_eq!(rest.body["call_group"], "1,7,9");
    assert!(rest.body.get("secret").is_none());

    let list = app.get("/v1/tenants/ACME/extensions?number=1100", &app.admin_key).await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    let none = app.get("/v1/tenants/ACME/extensions?number=1101", &app.admin_key).await;
    assert_eq!(none.body["items"], json!([]));

    // A tenant key's MANAGEDB add is the same as the admin's.
    let key = app.tenant_key("ACME", false).await;
    let answer = app
        .legacy_post(
            &[("key", &key), ("reqtype", "MANAGEDB"), ("object", "extension"), ("action", "add"), ("tenant", "ACME")],
            &[("jsondata", r#"{"ex_number":"1101","ex_name":"PJ","password":"hackmeifyoucan","ex_tech":"PJSIP"}"#)],
        )
        .await;
    let pj = record(&answer);
    let rest = app.get(&format!("/v1/tenants/ACME/extensions/{}", pj["ex_id"].as_str().unwrap()), &key).await;
    assert_eq!(rest.body["tech"], "PJSIP");
    assert_eq!(rest.body["username"], "1101-ACME");
}

#[tokio::test]
async fn extension_updates_cross_the_doors_both_ways() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let id = app.extension("ACME", &app.admin_key, "100").await.to_string();

    // MANAGEDB update → REST.
    let updated = record(
        &mdb(
            &app,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_callallowed":"all","ex_name":"Renamed","ex_description":"desk"}"#),
        )
        .await,
    );
    assert_eq!(updated["ex_callallowed"], "all");
    let rest = app.get(&format!("/v1/tenants/ACME/extensions/{id}"), &app.admin_key).await;
    assert_eq!(rest.body["call_allowed"], "all");
    assert_eq!(rest.body["name"], "Renamed");
    assert_eq!(rest.body["description"], "desk");
    assert_eq!(rest.body["number"], "100");

    // REST PATCH → MANAGEDB and INFO.
    let patched = app
        .patch(
            &format!("/v1/tenants/ACME/extensions/{id}"),
            &app.admin_key,
            json!({"call_allowed": "none", "name": "Patched"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    let got = record(
        &mdb(&app, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None).await,
    );
    assert_eq!(got["ex_callallowed"], "none");
    assert_eq!(got["ex_name"], "Patched");
    assert_eq!(info_extensions(&app, "ACME").await[0]["ex_name"], "Patched");
}

#[tokio::test]
async fn an_extension_deleted_through_one_door_is_gone_in_the_other() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let a = app.extension("ACME", &app.admin_key, "100").await.to_string();
    let b = app.extension("ACME", &app.admin_key, "101").await.to_string();

    let deleted =
        mdb(&app, &[("object", "extension"), ("action", "delete"), ("objectid", &a), ("tenant", "ACME")], None).await;
    assert_eq!(deleted.body, "OK");
    assert_eq!(
        app.get(&format!("/v1/tenants/ACME/extensions/{a}"), &app.admin_key).await.status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        app.delete(&format!("/v1/tenants/ACME/extensions/{b}"), &app.admin_key).await.status,
        StatusCode::NO_CONTENT
    );
    let gone =
        mdb(&app, &[("object", "extension"), ("action", "get"), ("objectid", &b), ("tenant", "ACME")], None).await;
    assert_eq!(gone.body, "null");
    assert!(info_extensions(&app, "ACME").await.is_empty());
    assert_eq!(mdb(&app, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await.body, "[]");
    assert_eq!(app.get("/v1/tenants/ACME/extensions", &app.admin_key).await.body["items"], json!([]));
    // The number is free again in both doors.
    app.extension("ACME", &app.admin_key, "100").await;
    let again =
        mdb(&app, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(r#"{"ex_number":"101"}"#))
            .await;
    assert_eq!(record(&again)["ex_number"], "101");
}

// ---------------------------------------------------------------------------------------------
// users and keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_user_added_through_managedb_can_log_in() {
    let app = TestApp::spawn().await;
    let data = r#"{"us_username":"Leandro71","us_password":"sha256(change-me)","us_up_id":1}"#;
    let added = record(&mdb(&app, &[("object", "user"), ("action", "add")], Some(data)).await);
    let id: i64 = added["us_id"].as_str().unwrap().parse().unwrap();

    let ok = app.post("/v1/auth/login", "", json!({"username": "Leandro71", "password": "sha256(change-me)"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert!(ok.body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    let bad = app.post("/v1/auth/login", "", json!({"username": "Leandro71", "password": "change-me"})).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);

    let rest = app.get(&format!("/v1/users/{id}"), &app.admin_key).await;
    assert_eq!(rest.body["username"], "Leandro71");
    assert_eq!(rest.body["profile_id"], "1");

    // A pre-hashed password (64 hex digits = SHA-256 of the password, §6 Q8) logs in with the password.
    let digest = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"; // sha256("123")
    let data = format!(r#"{{"us_username":"hashed","us_password":"{digest}"}}"#);
    record(&mdb(&app, &[("object", "user"), ("action", "add")], Some(&data)).await);
    let ok = app.post("/v1/auth/login", "", json!({"username": "hashed", "password": "123"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);

    // A password changed through MANAGEDB is the one that works.
    let update = mdb(
        &app,
        &[("object", "user"), ("action", "update"), ("objectid", &id.to_string())],
        Some(r#"{"us_password":"brand-new-secret"}"#),
    )
    .await;
    record(&update);
    let old = app.post("/v1/auth/login", "", json!({"username": "Leandro71", "password": "sha256(change-me)"})).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.post("/v1/auth/login", "", json!({"username": "Leandro71", "password": "brand-new-secret"})).await;
    assert_eq!(new.status, StatusCode::OK);
}

#[tokio::test]
async fn a_user_created_through_rest_passes_checkauth_with_its_tenants() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("ACME").await.to_string();
    let beta = app.tenant("BETA").await.to_string();
    app.tenant("GAMMA").await;
    let created = app
        .post(
            "/v1/users",
            &app.admin_key,
            json!({"username": "op", "password": "op-password", "role": "operator", "profile_id": "5", "tenants": ["BETA", "ACME"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_i64().unwrap().to_string();

    let answer = app
        .legacy(&[("key", &app.admin_key), ("reqtype", "CHECKAUTH"), ("username", "op"), ("password", "op-password")])
        .await;
    assert_eq!(answer.body, format!("OK|{id}|5|ACME,BETA|"));

    // The same links through MANAGEDB.
    let links = mdb(&app, &[("object", "user"), ("action", "listtenants"), ("objectid", &id)], None).await;
    assert_eq!(links.json(), json!({acme: "ACME", beta: "BETA"}));
    let got = record(&mdb(&app, &[("object", "user"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got["us_username"], "op");
    assert_eq!(got["us_up_id"], "5");
    assert_eq!(got["us_password"], "");

    // Links changed through REST show in CHECKAUTH at once.
    let patched = app.patch(&format!("/v1/users/{id}"), &app.admin_key, json!({"tenants": ["GAMMA"]})).await;
    assert_eq!(patched.status, StatusCode::OK);
    let answer = app
        .legacy(&[("key", &app.admin_key), ("reqtype", "CHECKAUTH"), ("username", "op"), ("password", "op-password")])
        .await;
    assert_eq!(answer.body, format!("OK|{id}|5|GAMMA|"));
    // A user disabled through REST fails CHECKAUTH.
    app.patch(&format!("/v1/users/{id}"), &app.admin_key, json!({"disabled": true})).await;
    let answer = app
        .legacy(&[("key", &app.admin_key), ("reqtype", "CHECKAUTH"), ("username", "op"), ("password", "op-password")])
        .await;
    assert_eq!(answer.body, "KO|Invalid credentials|");
}

/// INFO EXTENSIONS (plain) of ACME with `key`.
async fn plain_extensions(app: &TestApp, key: &str) -> Legacy {
    app.legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")]).await
}

/// MANAGEDB extension add in ACME with `key`.
async fn add_extension(app: &TestApp, key: &str, number: &str) -> Legacy {
    let data = format!(r#"{{"ex_number":"{number}"}}"#);
    app.legacy_post(
        &[("key", key), ("reqtype", "MANAGEDB"), ("object", "extension"), ("action", "add"), ("tenant", "ACME")],
        &[("jsondata", &data)],
    )
    .await
}

#[tokio::test]
async fn api_keys_issued_and_revoked_through_rest_apply_to_the_legacy_door() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let issued = app.post("/v1/tenants/ACME/api-keys", &app.admin_key, json!({"name": "legacy client"})).await;
    assert_eq!(issued.status, StatusCode::CREATED);
    let key = issued.body["key"].as_str().unwrap().to_string();
    let key_id = issued.body["id"].as_i64().unwrap();
    let ro = app.post("/v1/tenants/ACME/api-keys", &app.admin_key, json!({"name": "reader", "read_only": true})).await;
    let ro_key = ro.body["key"].as_str().unwrap().to_string();
    let ro_id = ro.body["id"].as_i64().unwrap();

    for k in [&key, &ro_key] {
        let answer = plain_extensions(&app, k).await;
        assert!(answer.body.starts_with("Number|"), "{answer:?}");
    }
    // The read-write key writes through MANAGEDB, the read-only one does not.
    assert_eq!(add_extension(&app, &ro_key, "200").await.body, KEY_ERROR);
    assert_eq!(record(&add_extension(&app, &key, "200").await)["ex_number"], "200");

    for (id, k) in [(key_id, &key), (ro_id, &ro_key)] {
        let revoked = app.delete(&format!("/v1/tenants/ACME/api-keys/{id}"), &app.admin_key).await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        let answer = plain_extensions(&app, k).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, KEY_ERROR);
    }
    // The admin key still works.
    assert!(plain_extensions(&app, &app.admin_key).await.body.starts_with("Number|"));
}
