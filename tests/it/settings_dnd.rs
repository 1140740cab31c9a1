//! SETTING and DND reqtypes, /v1/tenants/{code}/settings and /v1/tenants/{code}/dnd/{number}.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};
use crate::reference_examples::{example, run};

/// The reference page's SETTING and DND examples, verbatim.
const SETTING_GET_EXAMPLE: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["tenant", "TENANTCODE"], ["key", "APIKEY"], ["reqtype", "SETTING"], ["action", "GET"], ["code", "VMAUTORECOVER"]]}"#;
const SETTING_SET_EXAMPLE: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["tenant", "TENANTCODE"], ["key", "APIKEY"], ["reqtype", "SETTING"], ["action", "SET"], ["code", "VMAUTORECOVER"], ["value", "no"]]}"#;
const DND_GET_EXAMPLE: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["tenant", "TENANTCODE"], ["reqtype", "DND"], ["action", "get"], ["number", "100"]]}"#;
const DND_SET_EXAMPLE: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["tenant", "TENANTCODE"], ["reqtype", "DND"], ["action", "set"], ["number", "100"], ["value", "on"]]}"#;

async fn setting(app: &TestApp, key: &str, tenant: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("reqtype", "SETTING"), ("tenant", tenant)];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

async fn dnd(app: &TestApp, key: &str, tenant: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("reqtype", "DND"), ("tenant", tenant)];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

async fn put(app: &TestApp, path: &str, key: &str, body: serde_json::Value) -> crate::helpers::Rest {
    app.send(app.request(Method::PUT, path, key).json(&body)).await
}

#[tokio::test]
async fn setting_reference_examples_and_rules() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;

    // A tenant that never set VMAUTORECOVER reads its default.
    assert_eq!(run(&app, &example(SETTING_GET_EXAMPLE), &key, "ACME").await.body, "no");
    assert_eq!(run(&app, &example(SETTING_SET_EXAMPLE), &key, "ACME").await.body, "OK");
    // `name` is the HELP page's spelling of `code`; values are stored normalised.
    assert_eq!(
        setting(&app, &key, "ACME", &[("action", "set"), ("name", "vmautorecover"), ("value", "YES")]).await,
        "OK"
    );
    assert_eq!(run(&app, &example(SETTING_GET_EXAMPLE), &key, "ACME").await.body, "yes");
    // GET is the raw value whatever the format.
    let json = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "SETTING"),
            ("tenant", "ACME"),
            ("action", "GET"),
            ("code", "VMAUTORECOVER"),
            ("format", "json"),
        ])
        .await;
    assert_eq!((json.body.as_str(), json.content_type.as_str()), ("yes", "application/json"));

    // Unknown settings and values outside a setting's rule change nothing.
    assert_eq!(setting(&app, &key, "ACME", &[("action", "GET"), ("code", "NOSUCHSETTING")]).await, "");
    assert_eq!(setting(&app, &key, "ACME", &[("action", "GET")]).await, "");
    assert_eq!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "NOSUCHSETTING"), ("value", "1")]).await,
        "Error: unknown setting"
    );
    assert_eq!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "VMAUTORECOVER"), ("value", "maybe")]).await,
        "Error: value: must be yes or no"
    );
    assert!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "VMAUTORECOVER")]).await.starts_with("Error: value")
    );
    assert!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "RECORDINGFORMAT"), ("value", "ogg")])
            .await
            .starts_with("Error: value")
    );
    assert!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "MAXCALLDURATION"), ("value", "-5")])
            .await
            .starts_with("Error: value")
    );
    assert!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "LANGUAGE"), ("value", "ita")])
            .await
            .starts_with("Error: value")
    );
    assert_eq!(setting(&app, &key, "ACME", &[("action", "GET"), ("code", "VMAUTORECOVER")]).await, "yes");
    assert_eq!(setting(&app, &key, "ACME", &[("action", "GET"), ("code", "LANGUAGE")]).await, "en");
    assert_eq!(setting(&app, &key, "ACME", &[("action", "DROP"), ("code", "LANGUAGE")]).await, "Unknown action");
}

#[tokio::test]
async fn settings_through_rest_parity_read_only_and_isolation() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;

    let list = app.get("/v1/tenants/ACME/settings", &key).await;
    assert_eq!(list.status, StatusCode::OK);
    let codes: Vec<&str> = list.body["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["VMAUTORECOVER", "RECORDINGFORMAT", "CALLERIDPRIVACY", "MAXCALLDURATION", "LANGUAGE"]);
    assert!(
        list.body["items"].as_array().unwrap().iter().all(|s| s["is_default"] == true && s["value"] == s["default"])
    );

    // REST writes, legacy reads; legacy writes, REST reads.
    let put1 = put(&app, "/v1/tenants/ACME/settings/MAXCALLDURATION", &key, json!({"value": "3600"})).await;
    assert_eq!(
        (put1.status, put1.body["value"].as_str(), put1.body["is_default"].as_bool()),
        (StatusCode::OK, Some("3600"), Some(false))
    );
    assert_eq!(setting(&app, &key, "ACME", &[("action", "GET"), ("name", "MAXCALLDURATION")]).await, "3600");
    assert_eq!(
        setting(&app, &key, "ACME", &[("action", "SET"), ("code", "RECORDINGFORMAT"), ("value", "mp3")]).await,
        "OK"
    );
    assert_eq!(app.get("/v1/tenants/ACME/settings/recordingformat", &key).await.body["value"], "mp3");

    assert_eq!(
        put(&app, "/v1/tenants/ACME/settings/LANGUAGE", &key, json!({"value": "xyz"})).await.code(),
        "validation_failed"
    );
    assert_eq!(
        put(&app, "/v1/tenants/ACME/settings/NOPE", &key, json!({"value": "1"})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/v1/tenants/ACME/settings/NOPE", &key).await.code(), "not_found");

    // Read-only keys read, never write.
    assert_eq!(setting(&app, &ro, "ACME", &[("action", "GET"), ("code", "RECORDINGFORMAT")]).await, "mp3");
    assert_eq!(
        setting(&app, &ro, "ACME", &[("action", "SET"), ("code", "RECORDINGFORMAT"), ("value", "wav")]).await,
        KEY_ERROR
    );
    assert_eq!(
        put(&app, "/v1/tenants/ACME/settings/RECORDINGFORMAT", &ro, json!({"value": "wav"})).await.code(),
        "read_only_api_key"
    );

    // Another tenant: refused on ACME, and its own settings are untouched by ACME's.
    assert_eq!(setting(&app, &other, "ACME", &[("action", "GET"), ("code", "RECORDINGFORMAT")]).await, KEY_ERROR);
    assert_eq!(app.get("/v1/tenants/ACME/settings", &other).await.code(), "tenant_not_found");
    assert_eq!(setting(&app, &other, "OTHER", &[("action", "GET"), ("code", "RECORDINGFORMAT")]).await, "wav");
    assert_eq!(app.get("/v1/tenants/ACME/settings/RECORDINGFORMAT", &key).await.body["value"], "mp3", "intact");
}

#[tokio::test]
async fn dnd_reference_examples_and_rules() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let ext = app.extension("ACME", &key, "100").await;

    assert_eq!(run(&app, &example(DND_GET_EXAMPLE), &key, "ACME").await.body, "off");
    assert_eq!(run(&app, &example(DND_SET_EXAMPLE), &key, "ACME").await.body, "OK");
    assert_eq!(run(&app, &example(DND_GET_EXAMPLE), &key, "ACME").await.body, "on");
    let json = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "DND"),
            ("tenant", "ACME"),
            ("action", "get"),
            ("number", "100"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(json.body, "on", "format is ignored");
    // Stored on the extension row's legacy column.
    let record = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "MANAGEDB"),
            ("object", "extension"),
            ("action", "get"),
            ("objectid", &ext.to_string()),
            ("tenant", "ACME"),
        ])
        .await;
    assert_eq!(record.json()["ex_dnd"], "on");

    // `value=` (present and empty) and an absent value both clear it; the username form works.
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "set"), ("number", "100"), ("value", "")]).await, "OK");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "100-ACME")]).await, "off");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "SET"), ("number", "100"), ("value", "ON")]).await, "OK");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "set"), ("number", "100")]).await, "OK");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "100")]).await, "off");

    assert!(
        dnd(&app, &key, "ACME", &[("action", "set"), ("number", "100"), ("value", "maybe")])
            .await
            .starts_with("Error: value")
    );
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "999")]).await, "", "unknown extension");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "set"), ("number", "999"), ("value", "on")]).await, "");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get")]).await, "", "no number");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "toggle"), ("number", "100")]).await, "Unknown action");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "100")]).await, "off", "nothing changed");
}

#[tokio::test]
async fn dnd_through_rest_parity_read_only_and_isolation() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    app.extension("ACME", &key, "100").await;
    app.extension("OTHER", &other, "100").await;

    assert_eq!(app.get("/v1/tenants/ACME/dnd/100", &key).await.body, json!({"number": "100", "dnd": false}));
    let on = put(&app, "/v1/tenants/ACME/dnd/100", &key, json!({"dnd": true})).await;
    assert_eq!((on.status, on.body.clone()), (StatusCode::OK, json!({"number": "100", "dnd": true})));
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "100")]).await, "on");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "set"), ("number", "100"), ("value", "off")]).await, "OK");
    assert_eq!(app.get("/v1/tenants/ACME/dnd/100", &key).await.body["dnd"], false);
    assert_eq!(
        put(&app, "/v1/tenants/ACME/dnd/100", &key, json!({"dnd": "yes"})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.get("/v1/tenants/ACME/dnd/999", &key).await.code(), "not_found");

    // Read-only keys read, never write.
    assert_eq!(dnd(&app, &ro, "ACME", &[("action", "get"), ("number", "100")]).await, "off");
    assert_eq!(dnd(&app, &ro, "ACME", &[("action", "set"), ("number", "100"), ("value", "on")]).await, KEY_ERROR);
    assert_eq!(put(&app, "/v1/tenants/ACME/dnd/100", &ro, json!({"dnd": true})).await.code(), "read_only_api_key");

    // OTHER's extension 100 is its own; ACME's is out of OTHER's reach.
    assert_eq!(dnd(&app, &other, "OTHER", &[("action", "set"), ("number", "100"), ("value", "on")]).await, "OK");
    assert_eq!(dnd(&app, &key, "ACME", &[("action", "get"), ("number", "100")]).await, "off");
    assert_eq!(dnd(&app, &other, "ACME", &[("action", "set"), ("number", "100"), ("value", "on")]).await, KEY_ERROR);
    assert_eq!(put(&app, "/v1/tenants/ACME/dnd/100", &other, json!({"dnd": true})).await.code(), "tenant_not_found");
    assert_eq!(
        dnd(&app, &other, "OTHER", &[("action", "get"), ("number", "100-ACME")]).await,
        "",
        "a foreign username"
    );
    assert_eq!(app.get("/v1/tenants/ACME/dnd/100", &key).await.body["dnd"], false, "intact");
}
