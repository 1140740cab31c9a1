//! FLOWS, SETFLOW, INFO FLOW, INFO variable and /v1/tenants/{code}/flows.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

async fn flow(app: &TestApp, key: &str, number: &str) -> i64 {
    let resp =
        app.post("/v1/tenants/ACME/flows", key, json!({"name": "Night", "number": number, "value": "day"})).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    resp.body["id"].as_i64().unwrap()
}

async fn legacy(app: &TestApp, key: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("tenant", "ACME")];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

#[tokio::test]
async fn setflow_changes_what_info_flow_and_variable_read() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = flow(&app, &key, "61").await.to_string();
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW"), ("id", &id)]).await, "NOT_INUSE");
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "variable"), ("id", &id)]).await, "day");
    assert_eq!(
        legacy(&app, &key, &[("reqtype", "SETFLOW"), ("number", "61"), ("state", "inuse"), ("value", "night")]).await,
        "Success|Flow updated||"
    );
    assert_eq!(
        legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW"), ("id", &id), ("format", "json")]).await,
        "INUSE"
    );
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "variable"), ("id", &id)]).await, "night");
    let json = app
        .legacy(&[
            ("key", &key),
            ("tenant", "ACME"),
            ("reqtype", "SETFLOW"),
            ("number", "61"),
            ("state", "RINGING"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(json.json(), json!({"Response": "Success", "Message": "Flow updated", "ID": ""}));
    // Bad input: P-ACT errors, nothing changes.
    assert!(
        legacy(&app, &key, &[("reqtype", "SETFLOW"), ("number", "61"), ("state", "ASLEEP")])
            .await
            .starts_with("Error|fl_state: must be one of")
    );
    assert_eq!(legacy(&app, &key, &[("reqtype", "SETFLOW"), ("number", "99")]).await, "Error|Flow not found||");
    assert_eq!(legacy(&app, &key, &[("reqtype", "SETFLOW"), ("state", "INUSE")]).await, "Error|No number specified||");
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW"), ("id", &id)]).await, "RINGING");
    // Unknown or missing ids (A-66, A-67).
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW")]).await, "UNAVAILABLE");
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW"), ("id", "987654")]).await, "UNAVAILABLE");
    assert_eq!(legacy(&app, &key, &[("reqtype", "INFO"), ("info", "variable"), ("id", "987654")]).await, "");
}

#[tokio::test]
async fn flows_lists_records_with_twins_and_doubled_plain_values() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = flow(&app, &key, "61").await;
    let json = app.legacy(&[("key", &key), ("tenant", "ACME"), ("reqtype", "FLOWS"), ("format", "json")]).await.json();
    let record = json[0].as_object().unwrap();
    assert_eq!(record.len(), 36, "18 named fields and their positional twins");
    assert_eq!(
        (&record["fl_id"], &record["0"], &record["st_state"], &record["15"]),
        (&json!(id.to_string()), &json!(id.to_string()), &json!("NOT_INUSE"), &json!("NOT_INUSE"))
    );
    let plain = legacy(&app, &key, &[("reqtype", "FLOWS")]).await;
    let line = plain.lines().next().unwrap();
    assert_eq!(line.matches('|').count(), 36);
    assert!(line.starts_with(&format!("{id}|{id}|")));
    assert!(line.ends_with("||"), "st_peername twice, empty");
}

#[tokio::test]
async fn rest_state_and_key_rules() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let id = flow(&app, &key, "61").await;
    let path = format!("/v1/tenants/ACME/flows/{id}/state");
    let put = app.send(app.request(Method::PUT, &path, &key).json(&json!({"state": "unavailable"}))).await;
    assert_eq!((put.status, put.body["state"].as_str()), (StatusCode::OK, Some("UNAVAILABLE")));
    assert!(put.body["state_changed_at"].is_string());
    assert_eq!(app.send(app.request(Method::PUT, &path, &key).json(&json!({}))).await.code(), "validation_failed");
    assert_eq!(
        app.send(app.request(Method::PUT, &path, &ro).json(&json!({"state": "INUSE"}))).await.code(),
        "read_only_api_key"
    );
    assert_eq!(legacy(&app, &ro, &[("reqtype", "SETFLOW"), ("number", "61"), ("state", "INUSE")]).await, KEY_ERROR);
    let foreign = app
        .send(
            app.request(Method::PUT, &format!("/v1/tenants/OTHER/flows/{id}/state"), &other)
                .json(&json!({"state": "INUSE"})),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let foreign_info = app
        .legacy(&[("key", &other), ("tenant", "OTHER"), ("reqtype", "INFO"), ("info", "FLOW"), ("id", &id.to_string())])
        .await;
    assert_eq!(foreign_info.body, "UNAVAILABLE", "another tenant's flow reads as unknown");
    assert_eq!(
        legacy(&app, &key, &[("reqtype", "INFO"), ("info", "FLOW"), ("id", &id.to_string())]).await,
        "UNAVAILABLE"
    );
}

#[tokio::test]
async fn flow_destination_tags_name_a_flow_of_the_tenant() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = flow(&app, &key, "61").await;
    let did = app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await;
    let did = did.body["id"].as_i64().unwrap().to_string();
    let replace = async |tags: &str| {
        let query = [
            ("key", key.as_str()),
            ("tenant", "ACME"),
            ("reqtype", "MANAGEDB"),
            ("object", "destination"),
            ("action", "replace"),
            ("typesrc", "DID"),
            ("typeidsrc", did.as_str()),
        ];
        app.legacy_post(&query, &[("jsondata", tags)]).await.body
    };
    assert_eq!(replace(&format!(r#"["FLOW-{id}"]"#)).await, "OK");
    assert_eq!(replace(r#"["FLOW-987654"]"#).await, "Invalid destination: FLOW-987654");
    let delete = app.delete(&format!("/v1/tenants/ACME/flows/{id}"), &key).await;
    assert_eq!(delete.status, StatusCode::CONFLICT, "a flow a DID routes to cannot be deleted");
}
