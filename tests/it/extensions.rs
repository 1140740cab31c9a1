//! /v1/tenants/{code}/extensions: CRUD, validation, credentials, filters.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn extension_crud_round_trip_with_write_only_secret() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let created = app
        .post(
            "/v1/tenants/ACME/extensions",
            &key,
            json!({"number": "1100", "name": "Desk", "tech": "SIP", "secret": "hackmeifyoucan", "call_group": "1,7,9"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.header("location"), format!("/v1/tenants/ACME/extensions/{id}"));
    assert_eq!(created.body["username"], "1100-ACME");
    assert_eq!(created.body["tech"], "SIP");
    assert_eq!(created.body["call_group"], "1,7,9");
    assert!(!created.body.to_string().contains("hackmeifyoucan"));
    assert!(created.body.get("secret").is_none());

    let path = format!("/v1/tenants/ACME/extensions/{id}");
    let patched = app.patch(&path, &key, json!({"name": "Front desk", "call_allowed": "all"})).await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["name"], "Front desk");
    assert_eq!(patched.body["number"], "1100", "PATCH keeps absent members");

    let by_number = app.get("/v1/tenants/ACME/extensions?number=1100", &key).await;
    assert_eq!(by_number.body["items"].as_array().map(Vec::len), Some(1));
    let none = app.get("/v1/tenants/ACME/extensions?number=9999", &key).await;
    assert_eq!(none.body["items"].as_array().map(Vec::len), Some(0));

    assert_eq!(app.delete(&path, &key).await.status, StatusCode::NO_CONTENT);
    let gone = app.get(&path, &key).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.code(), "not_found");
    assert_eq!(app.delete(&path, &key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_sip_secret_is_stored_only_as_the_asterisk_digest() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let id = app.extension("ACME", &app.admin_key, "1100").await;
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let rows = sqlx::query("SELECT * FROM ex_extensions").fetch_all(&mut *conn).await.unwrap();
    assert_eq!(rows.len(), 1);
    let digest: String = sqlx::Row::try_get(&rows[0], "ex_md5secret").unwrap();
    assert_eq!(digest, pbx_gateway::service::extensions::sip_digest("1100-ACME", "asterisk", "s3cret-pass"));
    // No column anywhere holds the secret itself.
    let dump = format!(
        "{:?}",
        rows.iter()
            .map(|r| (0..sqlx::Row::len(r))
                .map(|i| sqlx::Row::try_get::<Option<String>, _>(r, i).ok().flatten())
                .collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    assert!(!dump.contains("s3cret-pass"));
    // Renumbering without the secret would break registration: refused, nothing changes.
    let resp = app.patch(&format!("/v1/tenants/ACME/extensions/{id}"), &app.admin_key, json!({"number": "1200"})).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.body["field"], "secret");
    let resp = app
        .patch(
            &format!("/v1/tenants/ACME/extensions/{id}"),
            &app.admin_key,
            json!({"number": "1200", "secret": "n3w-secret!"}),
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.body["username"], "1200-ACME");
}

#[tokio::test]
async fn numbers_are_unique_per_tenant_only() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    app.tenant("BBB").await;
    app.extension("AAA", &app.admin_key, "100").await;
    let dup = app.post("/v1/tenants/AAA/extensions", &app.admin_key, json!({"number": "100"})).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.code(), "conflict");
    app.extension("BBB", &app.admin_key, "100").await;
}

#[tokio::test]
async fn invalid_extensions_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = &app.admin_key;
    // Value rules are the service's: 422 naming the field, a value outside the schema's enum too. Only
    // a value of the wrong JSON type is refused against the document before the service sees it: 422 too.
    let cases = [
        (json!({"name": "no number"}), StatusCode::UNPROCESSABLE_ENTITY, "number"),
        (json!({"number": "12a"}), StatusCode::UNPROCESSABLE_ENTITY, "number"),
        (json!({"number": "100", "secret": "short"}), StatusCode::UNPROCESSABLE_ENTITY, "secret"),
        (json!({"number": "100", "tech": "IAX"}), StatusCode::UNPROCESSABLE_ENTITY, "tech"),
        (json!({"number": 100}), StatusCode::UNPROCESSABLE_ENTITY, "number"),
        (json!({"number": "100", "name": "line\nbreak"}), StatusCode::UNPROCESSABLE_ENTITY, "name"),
    ];
    for (body, status, field) in cases {
        let resp = app.post("/v1/tenants/ACME/extensions", key, body.clone()).await;
        assert_eq!(resp.status, status, "{body}: {:?}", resp.body);
        assert_eq!(resp.header("content-type"), "application/problem+json");
        if !field.is_empty() {
            assert_eq!(resp.body["field"], field, "{body}");
        }
    }
    assert_eq!(app.get("/v1/tenants/ACME/extensions", key).await.body["items"].as_array().map(Vec::len), Some(0));
    let missing = app.get("/v1/tenants/NOPE/extensions", key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "tenant_not_found");
}

#[tokio::test]
async fn read_only_keys_read_but_never_write() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let id = app.extension("ACME", &app.admin_key, "100").await;
    let ro = app.tenant_key("ACME", true).await;
    assert_eq!(app.get("/v1/tenants/ACME/extensions", &ro).await.status, StatusCode::OK);
    let path = format!("/v1/tenants/ACME/extensions/{id}");
    for resp in [
        app.post("/v1/tenants/ACME/extensions", &ro, json!({"number": "101"})).await,
        app.patch(&path, &ro, json!({"name": "changed"})).await,
        app.delete(&path, &ro).await,
    ] {
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
        assert_eq!(resp.code(), "read_only_api_key");
    }
    let after = app.get(&path, &ro).await;
    assert_eq!(after.body["name"], "Ext 100");
}

#[tokio::test]
async fn concurrent_writes_never_fail_and_duplicates_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    // 12 distinct numbers and 8 racers for the same number, all at once.
    let mut bodies: Vec<serde_json::Value> = (0..12).map(|i| json!({"number": format!("{}", 200 + i)})).collect();
    bodies.extend((0..8).map(|_| json!({"number": "555"})));
    let requests = bodies.into_iter().map(|body| {
        let request = app.request(reqwest::Method::POST, "/v1/tenants/ACME/extensions", &key).json(&body);
        app.send(request)
    });
    let answers = futures_util::future::join_all(requests).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 13, "{statuses:?}");
    let list = app.get("/v1/tenants/ACME/extensions?limit=500", &key).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(13));
}
