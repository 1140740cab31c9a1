//! INFO DIDS and INFO QUEUES on data written through MANAGEDB.

use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

async fn add(app: &TestApp, key: &str, tenant: &str, object: &str, data: serde_json::Value) -> serde_json::Value {
    let jsondata = data.to_string();
    app.legacy_post(
        &[("key", key), ("reqtype", "MANAGEDB"), ("object", object), ("action", "add"), ("tenant", tenant)],
        &[("jsondata", &jsondata)],
    )
    .await
    .json()
}

#[tokio::test]
async fn info_dids_joins_the_tenant_and_keeps_positions_clients_index() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    app.patch("/v1/tenants/ACME", &app.admin_key, json!({"recording_password": "rec-s3cret"})).await;
    let key = app.tenant_key("ACME", false).await;
    add(&app, &key, "ACME", "did", json!({"di_country": "39", "di_area": "02", "di_number": "5550100", "di_comment": "Main line", "di_recording": "yes"})).await;
    add(
        &app,
        &app.admin_key,
        "OTHER",
        "did",
        json!({"di_country": "44", "di_area": "20", "di_number": "7946000", "di_comment": "London"}),
    )
    .await;

    // Reference example with a tenant: only ACME's DID, with the tenant's row joined in.
    let json = app
        .legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "DIDS"), ("tenant", "ACME"), ("format", "json")])
        .await
        .json();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let did = &items[0];
    assert_eq!(
        (&did["2"], &did["3"], &did["4"], &did["5"]),
        (&json!("39"), &json!("02"), &json!("5550100"), &json!("Main line"))
    );
    assert_eq!((&did["di_number"], &did["te_code"]), (&json!("5550100"), &json!("ACME")));
    assert_eq!(did["te_recordingpassword"], "", "the joined tenant's secrets are blanked");
    assert!(!did.to_string().contains("rec-s3cret"), "no twin leaks it either");
    let keys: Vec<&String> = did.as_object().unwrap().keys().collect();
    assert_eq!(
        (keys[0].as_str(), keys[1].as_str(), keys[2].as_str()),
        ("0", "di_id", "1"),
        "interleaved positional twins"
    );

    // Reference example without a tenant (admin): every tenant's DIDs.
    let all = app.legacy(&[("key", &app.admin_key), ("reqtype", "INFO"), ("info", "DIDS")]).await;
    assert_eq!(
        all.body,
        "Country|Area|Number|Tenant|Comment|Recording|Faxstation ID|FAX Email|Max Channels|Recording EMail|SMS Email\n\
         39|02|5550100|ACME|Main line|yes|||||\n44|20|7946000|OTHER|London||||||\n"
    );
    // A tenant key must name its tenant; csv is not served; no DIDs → empty body.
    assert_eq!(app.legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "DIDS")]).await.body, KEY_ERROR);
    assert_eq!(
        app.legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "DIDS"), ("tenant", "ACME"), ("format", "csv")])
            .await
            .body,
        ""
    );
    app.tenant("EMPTY").await;
    assert_eq!(
        app.legacy(&[("key", &app.admin_key), ("reqtype", "INFO"), ("info", "dids"), ("tenant", "EMPTY")]).await.body,
        ""
    );
}

#[tokio::test]
async fn info_queues_lists_the_tenants_queues_only() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let a = add(&app, &key, "ACME", "queue", json!({"qu_name": "Sales: EU", "strategy": "RINGALL"})).await;
    let b = add(&app, &key, "ACME", "queue", json!({"qu_name": "Support"})).await;
    add(&app, &app.admin_key, "OTHER", "queue", json!({"qu_name": "Foreign"})).await;
    let (a, b) = (a["qu_id"].as_str().unwrap().to_string(), b["qu_id"].as_str().unwrap().to_string());
    let plain = app.legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "QUEUES"), ("tenant", "ACME")]).await;
    assert_eq!(plain.body, format!("{a}: Sales: EU|{b}: Support|"));
    let json = app
        .legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "queues"), ("tenant", "ACME"), ("format", "json")])
        .await;
    assert_eq!(json.json(), json!({a.clone(): "Sales: EU", b.clone(): "Support"}));
}
