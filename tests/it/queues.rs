//! QUEUE reqtype and /v1/tenants/{code}/queues/{id}/members: the same membership through both doors.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

/// Creates a queue through MANAGEDB and returns its id.
async fn queue(app: &TestApp, key: &str, tenant: &str, name: &str, number: &str) -> i64 {
    let jsondata = json!({"qu_name": name, "qu_number": number, "strategy": "RINGALL", "timeout": "30"}).to_string();
    let resp = app
        .legacy_post(
            &[("key", key), ("reqtype", "MANAGEDB"), ("object", "queue"), ("action", "add"), ("tenant", tenant)],
            &[("jsondata", &jsondata)],
        )
        .await;
    resp.json()["qu_id"].as_str().unwrap().parse().unwrap()
}

async fn q(app: &TestApp, key: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("reqtype", "QUEUE"), ("tenant", "ACME")];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

#[tokio::test]
async fn reference_examples_manage_membership() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    queue(&app, &key, "ACME", "Support", "9200").await;
    queue(&app, &key, "ACME", "Sales", "781").await;
    app.extension("ACME", &key, "103").await;
    app.extension("ACME", &key, "107").await;

    // The reference page's three QUEUE examples.
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "9200")]).await, "");
    assert_eq!(q(&app, &key, &[("action", "add"), ("number", "9200"), ("extension", "103")]).await, "OK");
    assert_eq!(
        q(&app, &key, &[("action", "add"), ("number", "781"), ("extension", "107"), ("paused", "1"), ("penalty", "4")])
            .await,
        "OK"
    );

    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "9200")]).await, "103-ACME|");
    let json = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "QUEUE"),
            ("tenant", "ACME"),
            ("action", "list"),
            ("number", "781"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(json.json(), json!(["107-ACME"]));
    let full = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "QUEUE"),
            ("tenant", "ACME"),
            ("action", "fulllist"),
            ("number", "781"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(full.json(), json!([{"agent": "107-ACME", "type": "NF", "order": "0", "penalty": "4", "paused": "1"}]));
    assert_eq!(
        q(&app, &key, &[("action", "fulllist"), ("number", "781")]).await,
        "Agent|Type|Order|Penalty|Paused\n107-ACME|NF|0|4|1\n"
    );
    // Username form and a settings change; a repeated add updates rather than duplicates.
    assert_eq!(
        q(&app, &key, &[("action", "add"), ("number", "781"), ("extension", "107-ACME"), ("paused", "0")]).await,
        "OK"
    );
    assert_eq!(
        q(&app, &key, &[("action", "fulllist"), ("number", "781")]).await,
        "Agent|Type|Order|Penalty|Paused\n107-ACME|NF|0|4|0\n"
    );

    assert_eq!(q(&app, &key, &[("action", "del"), ("number", "9200"), ("extension", "103")]).await, "OK");
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "9200")]).await, "");
    assert_eq!(q(&app, &key, &[("action", "clean"), ("number", "781")]).await, "OK");
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "781")]).await, "");
}

#[tokio::test]
async fn bad_queue_calls_get_the_protocol_answers_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = queue(&app, &key, "ACME", "Support", "9200").await.to_string();
    app.extension("ACME", &key, "103").await;
    assert_eq!(q(&app, &key, &[("action", "list")]).await, "No queue specified");
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "5555")]).await, "");
    assert_eq!(q(&app, &key, &[("action", "add"), ("id", &id)]).await, "No extension specified");
    assert_eq!(q(&app, &key, &[("action", "add"), ("id", &id), ("extension", "999")]).await, "");
    assert!(
        q(&app, &key, &[("action", "add"), ("id", &id), ("extension", "103"), ("penalty", "x")])
            .await
            .starts_with("Error: penalty")
    );
    assert!(
        q(&app, &key, &[("action", "add"), ("id", &id), ("extension", "103"), ("type", "ZZ")])
            .await
            .starts_with("Error: type")
    );
    assert!(q(&app, &key, &[("action", "log"), ("id", &id), ("event", "bad event")]).await.starts_with("Error: event"));
    assert_eq!(q(&app, &key, &[("action", "list"), ("id", &id)]).await, "", "nothing was added");
    assert_eq!(q(&app, &key, &[("action", "bogus"), ("id", &id)]).await, "Unknown action");
}

#[tokio::test]
async fn read_only_and_foreign_keys_cannot_touch_membership() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let id = queue(&app, &key, "ACME", "Support", "9200").await;
    let ext = app.extension("ACME", &key, "103").await;
    assert_eq!(q(&app, &key, &[("action", "add"), ("number", "9200"), ("extension", "103")]).await, "OK");
    assert_eq!(q(&app, &ro, &[("action", "list"), ("number", "9200")]).await, "103-ACME|");
    assert_eq!(q(&app, &ro, &[("action", "add"), ("number", "9200"), ("extension", "103")]).await, KEY_ERROR);
    assert_eq!(q(&app, &ro, &[("action", "clean"), ("number", "9200")]).await, KEY_ERROR);
    // Another tenant's key: key error with ACME, and ACME's queue does not exist from OTHER's side.
    assert_eq!(q(&app, &other, &[("action", "list"), ("number", "9200")]).await, KEY_ERROR);
    let from_other = app
        .legacy(&[
            ("key", &other),
            ("reqtype", "QUEUE"),
            ("tenant", "OTHER"),
            ("action", "clean"),
            ("id", &id.to_string()),
        ])
        .await;
    assert_eq!(from_other.body, "");
    let rest = app.get(&format!("/v1/tenants/OTHER/queues/{id}/members"), &other).await;
    assert_eq!(rest.status, StatusCode::NOT_FOUND);
    let rest = app
        .send(
            app.request(reqwest::Method::PUT, &format!("/v1/tenants/OTHER/queues/{id}/members/{ext}"), &other)
                .json(&json!({})),
        )
        .await;
    assert_eq!(rest.status, StatusCode::NOT_FOUND);
    let rest = app
        .send(
            app.request(reqwest::Method::PUT, &format!("/v1/tenants/ACME/queues/{id}/members/{ext}"), &ro)
                .json(&json!({})),
        )
        .await;
    assert_eq!(rest.code(), "read_only_api_key");
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "9200")]).await, "103-ACME|", "membership intact");
}

#[tokio::test]
async fn rest_members_round_trip_and_parity_with_the_legacy_door() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let id = queue(&app, &key, "ACME", "Support", "9200").await;
    let ext = app.extension("ACME", &key, "103").await;
    let foreign_ext = app.extension("OTHER", &app.admin_key, "103").await;
    let base = format!("/v1/tenants/ACME/queues/{id}/members");

    let put =
        |path: String, body: serde_json::Value| app.send(app.request(reqwest::Method::PUT, &path, &key).json(&body));
    let created = put(format!("{base}/{ext}"), json!({"penalty": 2, "paused": true})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["username"], "103-ACME");
    assert_eq!(created.body["type"], "NF");
    let updated = put(format!("{base}/{ext}"), json!({"paused": false, "type": "ad"})).await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(
        (updated.body["penalty"].as_i64(), updated.body["paused"].as_bool(), updated.body["type"].as_str()),
        (Some(2), Some(false), Some("AD"))
    );
    // The legacy door sees what REST wrote...
    assert_eq!(
        q(&app, &key, &[("action", "fulllist"), ("number", "9200")]).await,
        "Agent|Type|Order|Penalty|Paused\n103-ACME|AD|0|2|0\n"
    );
    // ...and REST sees what the legacy door writes.
    assert_eq!(
        q(&app, &key, &[("action", "add"), ("number", "9200"), ("extension", "103"), ("penalty", "7")]).await,
        "OK"
    );
    let list = app.get(&base, &key).await;
    assert_eq!(list.body["items"][0]["penalty"], 7);

    let bad = put(format!("{base}/{ext}"), json!({"penalty": -1})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", bad.body);
    assert_eq!(bad.body["field"], "penalty");
    let bad = put(format!("{base}/{ext}"), json!({"type": "ZZ"})).await;
    assert_eq!(bad.code(), "validation_failed");
    assert_eq!(
        put(format!("{base}/{foreign_ext}"), json!({})).await.status,
        StatusCode::NOT_FOUND,
        "another tenant's extension"
    );
    assert_eq!(
        put(format!("/v1/tenants/ACME/queues/987654/members/{ext}"), json!({})).await.status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(app.delete(&format!("{base}/{ext}"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("{base}/{ext}"), &key).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&base, &key).await.body["items"], json!([]));
}

#[tokio::test]
async fn deleting_an_extension_or_queue_removes_its_memberships_and_log_events_are_stored() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = queue(&app, &key, "ACME", "Support", "9200").await;
    let ext = app.extension("ACME", &key, "103").await;
    app.extension("ACME", &key, "104").await;
    assert_eq!(q(&app, &key, &[("action", "add"), ("number", "9200"), ("extension", "103")]).await, "OK");
    assert_eq!(q(&app, &key, &[("action", "add"), ("number", "9200"), ("extension", "104")]).await, "OK");
    assert_eq!(app.delete(&format!("/v1/tenants/ACME/extensions/{ext}"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(q(&app, &key, &[("action", "list"), ("number", "9200")]).await, "104-ACME|");

    let logged = q(
        &app,
        &key,
        &[
            ("action", "log"),
            ("number", "9200"),
            ("extension", "104"),
            ("event", "CUSTOMEVENT"),
            ("uniqid", "srv01-1700000000.12"),
            ("data1", "a"),
            ("data2", "b"),
        ],
    )
    .await;
    assert_eq!(logged, "OK");
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let row = sqlx::query("SELECT queuename, agent, event, callid, data1, data2, data FROM queue_log")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let get = |i: usize| sqlx::Row::try_get::<String, _>(&row, i).unwrap();
    assert_eq!(
        (get(0), get(1), get(2), get(3), get(4), get(5), get(6)),
        (
            id.to_string(),
            "104-ACME".into(),
            "CUSTOMEVENT".into(),
            "srv01-1700000000.12".into(),
            "a".into(),
            "b".into(),
            "a|b|||".into()
        )
    );

    let deleted = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "MANAGEDB"),
            ("object", "queue"),
            ("action", "delete"),
            ("objectid", &id.to_string()),
            ("tenant", "ACME"),
        ])
        .await;
    assert_eq!(deleted.body, "OK");
    let count = sqlx::query("SELECT COUNT(*) FROM queue_members").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&count, 0).unwrap(), 0);
}
