//! Every destination tag names a stored object: DISA, paging groups, caller-id rules, campaigns and
//! the special-destination catalogue, through both doors.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, TestApp};

#[tokio::test]
async fn new_target_objects_round_trip_through_both_doors_and_validate_their_tags() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let other = app.tenant_key("OTHER", false).await;
    let cases: [(&str, &str, &str, Value, &str); 4] = [
        ("disas", "disa", "DISA", json!({"name": "Road warriors", "pin": "4321"}), "da_name"),
        (
            "paging-groups",
            "paginggroup",
            "PAGING",
            json!({"name": "Warehouse", "number": "880", "duplex": true}),
            "pg_name",
        ),
        (
            "callerid-rules",
            "calleridmod",
            "CALLERIDMOD",
            json!({"name": "Strip 0", "match_pattern": "0X.", "strip": 1}),
            "cm_name",
        ),
        ("campaigns", "campaign", "STARTCAMPAIGN", json!({"name": "Renewals", "campaign_type": "ondemand"}), "ca_name"),
    ];
    let did = app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await.body["id"].as_i64().unwrap();
    let destinations = format!("/v1/tenants/ACME/dids/{did}/destinations");
    for (path, object, tag, body, name_column) in cases {
        let created = app.post(&format!("/v1/tenants/ACME/{path}"), &key, body.clone()).await;
        assert_eq!(created.status, StatusCode::CREATED, "{path}: {:?}", created.body);
        let id = created.body["id"].as_i64().unwrap();
        assert!(!created.body.to_string().contains("4321"), "the DISA pin is write-only");
        // The legacy door sees the same row.
        let get = app
            .legacy(&[
                ("key", &key),
                ("tenant", "ACME"),
                ("reqtype", "MANAGEDB"),
                ("object", object),
                ("action", "get"),
                ("objectid", &id.to_string()),
            ])
            .await;
        assert_eq!(get.json()[name_column], body["name"], "{object}");
        // Its tag validates, another tenant's or a missing id does not.
        let put = app
            .send(
                app.request(reqwest::Method::PUT, &destinations, &key)
                    .json(&json!({"destinations": [format!("{tag}-{id}")]})),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{tag}: {:?}", put.body);
        let foreign =
            app.post(&format!("/v1/tenants/OTHER/{path}"), &other, body.clone()).await.body["id"].as_i64().unwrap();
        let put = app
            .send(
                app.request(reqwest::Method::PUT, &destinations, &key)
                    .json(&json!({"destinations": [format!("{tag}-{foreign}")]})),
            )
            .await;
        assert_eq!(put.code(), "validation_failed", "{tag} of another tenant");
        // In use: cannot be deleted; once unused, it can.
        let put = app
            .send(
                app.request(reqwest::Method::PUT, &destinations, &key)
                    .json(&json!({"destinations": [format!("{tag}-{id}")]})),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK);
        assert_eq!(
            app.delete(&format!("/v1/tenants/ACME/{path}/{id}"), &key).await.status,
            StatusCode::CONFLICT,
            "{path}"
        );
        app.send(app.request(reqwest::Method::PUT, &destinations, &key).json(&json!({"destinations": []}))).await;
        assert_eq!(
            app.delete(&format!("/v1/tenants/ACME/{path}/{id}"), &key).await.status,
            StatusCode::NO_CONTENT,
            "{path}"
        );
    }
}

#[tokio::test]
async fn special_destinations_are_a_catalogue_every_key_reads() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let list = app.get("/v1/special-destinations", &key).await;
    assert_eq!(list.status, StatusCode::OK);
    let hangup =
        list.body["items"].as_array().unwrap().iter().find(|s| s["name"] == "HANGUP").unwrap()["id"].as_i64().unwrap();
    let did = app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await.body["id"].as_i64().unwrap();
    let put = app
        .send(
            app.request(reqwest::Method::PUT, &format!("/v1/tenants/ACME/dids/{did}/destinations"), &key)
                .json(&json!({"destinations": [format!("SPECIAL-{hangup}"), "SPECIAL-987654"]})),
        )
        .await;
    assert_eq!(put.code(), "validation_failed", "an unknown special is refused");
    let put = app
        .send(
            app.request(reqwest::Method::PUT, &format!("/v1/tenants/ACME/dids/{did}/destinations"), &key)
                .json(&json!({"destinations": [format!("SPECIAL-{hangup}")]})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(app.post("/v1/special-destinations", &key, json!({"name": "MINE"})).await.code(), "admin_required");
    let legacy = app
        .legacy(&[
            ("key", &key),
            ("tenant", "ACME"),
            ("reqtype", "MANAGEDB"),
            ("object", "special"),
            ("action", "delete"),
            ("objectid", &hangup.to_string()),
        ])
        .await;
    assert!(legacy.body == KEY_ERROR || legacy.body == "Unknown action", "{}", legacy.body);
}
