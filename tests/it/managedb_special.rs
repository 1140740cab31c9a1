//! MANAGEDB actions beyond CRUD that need no table of their own: custom list with `ct_name`,
//! provider / routingprofile `listroutes`.

use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, TestApp};

async fn managedb(
    app: &TestApp,
    key: &str,
    tenant: Option<&str>,
    object: &str,
    action: &str,
    objectid: Option<&str>,
    data: Option<Value>,
) -> String {
    let mut query = vec![("key", key), ("reqtype", "MANAGEDB"), ("object", object), ("action", action)];
    if let Some(t) = tenant {
        query.push(("tenant", t));
    }
    if let Some(id) = objectid {
        query.push(("objectid", id));
    }
    let jsondata = data.map(|d| d.to_string()).unwrap_or_default();
    let form: Vec<(&str, &str)> = if jsondata.is_empty() { vec![] } else { vec![("jsondata", jsondata.as_str())] };
    app.legacy_post(&query, &form).await.body
}

fn id(body: &str, field: &str) -> String {
    serde_json::from_str::<Value>(body).unwrap()[field].as_str().unwrap().to_string()
}

#[tokio::test]
async fn custom_list_carries_the_type_name() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let types = managedb(&app, &key, Some("ACME"), "customtypes", "list", None, None).await;
    let types: Value = serde_json::from_str(&types).unwrap();
    let (goto_id, _) = types.as_object().unwrap().iter().find(|(_, t)| t["ct_name"] == "GOTO").unwrap();
    let added = managedb(&app, &key, Some("ACME"), "custom", "add", None, Some(json!({"cu_name": "To sales", "cu_ct_id": goto_id, "cu_param1": "sales", "cu_param2": "s", "cu_param3": "1"}))).await;
    let cu_id = id(&added, "cu_id");
    let list: Value =
        serde_json::from_str(&managedb(&app, &key, Some("ACME"), "custom", "list", None, None).await).unwrap();
    assert_eq!((&list[&cu_id]["cu_name"], &list[&cu_id]["ct_name"]), (&json!("To sales"), &json!("GOTO")));
}

#[tokio::test]
async fn listroutes_of_providers_and_routing_profiles() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.clone();
    // The reference page's payloads (its `allow` carries a stray quote: stored verbatim).
    let pr = managedb(&app, &admin, None, "provider", "add", None, Some(json!({"pr_peername": "trunk1", "pr_name": "Trunk 1", "pr_tech": "SIP", "pr_userealtime": "on", "allow": "ulaw,alaw\"", "host": "sip.example.com"}))).await;
    let pr_id = id(&pr, "pr_id");
    let rp = managedb(
        &app,
        &admin,
        None,
        "routingprofile",
        "add",
        None,
        Some(json!({"rp_name": "Default", "rp_type": "VOICE"})),
    )
    .await;
    let rp_id = id(&rp, "rp_id");
    let other_rp = id(
        &managedb(&app, &admin, None, "routingprofile", "add", None, Some(json!({"rp_name": "Other"}))).await,
        "rp_id",
    );
    let dl = managedb(
        &app,
        &admin,
        None,
        "route",
        "add",
        None,
        Some(json!({"dl_rp_id": rp_id, "dl_name": "National", "dl_regex": "^0[1-9]", "dl_pr_id": pr_id})),
    )
    .await;
    let dl_id = id(&dl, "dl_id");
    let by_provider: Value =
        serde_json::from_str(&managedb(&app, &admin, None, "provider", "listroutes", Some(&pr_id), None).await)
            .unwrap();
    assert_eq!(by_provider[&dl_id]["dl_name"], "National");
    let by_profile: Value =
        serde_json::from_str(&managedb(&app, &admin, None, "routingprofile", "listroutes", Some(&rp_id), None).await)
            .unwrap();
    assert_eq!(by_profile.as_object().map(|o| o.len()), Some(1));
    assert_eq!(managedb(&app, &admin, None, "routingprofile", "listroutes", Some(&other_rp), None).await, "[]");
    assert_eq!(managedb(&app, &admin, None, "provider", "listroutes", Some("987654"), None).await, "null");
    app.tenant("ACME").await;
    let tenant_key = app.tenant_key("ACME", false).await;
    assert_eq!(
        managedb(&app, &tenant_key, Some("ACME"), "provider", "listroutes", Some(&pr_id), None).await,
        KEY_ERROR
    );
}

#[tokio::test]
async fn referenced_rows_cannot_be_deleted_until_nothing_uses_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.clone();
    let pr_id = id(
        &managedb(&app, &admin, None, "provider", "add", None, Some(json!({"pr_peername": "trunk1"}))).await,
        "pr_id",
    );
    let rp_id = id(
        &managedb(&app, &admin, None, "routingprofile", "add", None, Some(json!({"rp_name": "Default"}))).await,
        "rp_id",
    );
    let dl = managedb(
        &app,
        &admin,
        None,
        "route",
        "add",
        None,
        Some(json!({"dl_rp_id": rp_id, "dl_regex": "^0", "dl_pr_id": pr_id})),
    )
    .await;
    let dl_id = id(&dl, "dl_id");
    let refused = managedb(&app, &admin, None, "provider", "delete", Some(&pr_id), None).await;
    assert_eq!(refused, format!("Error: provider {pr_id} is still used by route {dl_id}"));
    let rest = app.delete(&format!("/v1/routing-profiles/{rp_id}"), &admin).await;
    assert_eq!((rest.status, rest.code()), (reqwest::StatusCode::CONFLICT, "in_use"));
    assert_eq!(managedb(&app, &admin, None, "route", "delete", Some(&dl_id), None).await, "OK");
    assert_eq!(managedb(&app, &admin, None, "provider", "delete", Some(&pr_id), None).await, "OK");
    assert_eq!(managedb(&app, &admin, None, "routingprofile", "delete", Some(&rp_id), None).await, "OK");
}

#[tokio::test]
async fn read_only_keys_do_not_see_the_imap_user() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let added = managedb(
        &app,
        &key,
        Some("ACME"),
        "voicemail",
        "add",
        None,
        Some(json!({"mailbox": "102", "password": "1234", "fullname": "Bob", "imapuser": "imapbob"})),
    )
    .await;
    let uniqueid = id(&added, "uniqueid");
    let rw: Value =
        serde_json::from_str(&managedb(&app, &key, Some("ACME"), "voicemail", "get", Some(&uniqueid), None).await)
            .unwrap();
    let read_only: Value =
        serde_json::from_str(&managedb(&app, &ro, Some("ACME"), "voicemail", "get", Some(&uniqueid), None).await)
            .unwrap();
    assert_eq!(
        (&rw["imapuser"], &read_only["imapuser"], &read_only["password"]),
        (&json!("imapbob"), &json!(""), &json!(""))
    );
    assert_eq!(read_only["fullname"], "Bob");
}

#[tokio::test]
async fn sip_registrations_never_show_their_secret() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.clone();
    let created = app
        .post("/v1/sip-registrations", &admin, json!({"username": "acct1", "secret": "reg-s3cret", "host": "sip.example.com", "port": 5060, "extension": "100"}))
        .await;
    assert_eq!(created.status, reqwest::StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["registration"], "acct1@sip.example.com:5060/100");
    assert!(!created.body.to_string().contains("reg-s3cret"));
    let list = managedb(&app, &admin, None, "sipregs", "list", None, None).await;
    assert!(list.contains("\"sr_registration\":\"acct1@sip.example.com:5060/100\""), "{list}");
    assert!(list.contains("\"sr_secret\":\"\"") && !list.contains("reg-s3cret"), "{list}");
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    assert_eq!(app.get("/v1/sip-registrations", &key).await.code(), "admin_required");
    assert_eq!(managedb(&app, &key, Some("ACME"), "sipregs", "list", None, None).await, KEY_ERROR);
}

#[tokio::test]
async fn response_path_tags_name_a_definition_of_the_tenant() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let rp = app
        .post("/v1/tenants/ACME/response-paths", &key, json!({"name": "Survey", "description": "after-call survey"}))
        .await;
    assert_eq!(rp.status, reqwest::StatusCode::CREATED, "{:?}", rp.body);
    let rp_id = rp.body["id"].as_i64().unwrap();
    let did = app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await.body["id"].as_i64().unwrap();
    let put = |tags: serde_json::Value| {
        app.send(
            app.request(reqwest::Method::PUT, &format!("/v1/tenants/ACME/dids/{did}/destinations"), &key)
                .json(&json!({"destinations": tags})),
        )
    };
    assert_eq!(put(json!([format!("RESPONSEPATH-{rp_id}")])).await.status, reqwest::StatusCode::OK);
    assert_eq!(put(json!(["RESPONSEPATH-987654"])).await.code(), "validation_failed");
}

#[tokio::test]
async fn licensedays_counts_down_to_the_configured_expiry() {
    let expires = chrono::Local::now().date_naive() + chrono::Duration::days(30);
    let app = TestApp::spawn_with(|c| c.license_expires = Some(expires)).await;
    let resp = app.legacy(&[("key", &app.admin_key), ("reqtype", "LICENSEDAYS")]).await;
    assert_eq!(resp.body, "30");
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    assert_eq!(app.legacy(&[("key", &key), ("reqtype", "LICENSEDAYS"), ("tenant", "ACME")]).await.body, KEY_ERROR);
    let unconfigured = TestApp::spawn().await;
    assert_eq!(unconfigured.legacy(&[("key", &unconfigured.admin_key), ("reqtype", "LICENSEDAYS")]).await.body, "");
}

#[tokio::test]
async fn phonebook_tags_name_a_phonebook_of_the_tenant_which_then_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let book = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "VIP"})).await;
    assert_eq!(book.status, reqwest::StatusCode::CREATED, "{:?}", book.body);
    let book_id = book.body["id"].as_i64().unwrap();
    let did = app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await.body["id"].as_i64().unwrap();
    let path = format!("/v1/tenants/ACME/dids/{did}/destinations");
    let put = |tags: serde_json::Value| {
        app.send(app.request(reqwest::Method::PUT, &path, &key).json(&json!({"destinations": tags})))
    };
    assert_eq!(
        put(json!([format!("CLIDNAMEBYPHONEBOOK-{book_id}"), format!("EXACTPHONEBOOK-{book_id}")])).await.status,
        reqwest::StatusCode::OK
    );
    assert_eq!(put(json!(["PHONEBOOK-987654"])).await.code(), "validation_failed");
    let refused = app.delete("/v1/tenants/ACME/phonebooks/VIP", &key).await;
    assert_eq!(refused.status, reqwest::StatusCode::CONFLICT, "{:?}", refused.body);
    assert_eq!(put(json!([])).await.status, reqwest::StatusCode::OK);
    assert_eq!(app.delete("/v1/tenants/ACME/phonebooks/VIP", &key).await.status, reqwest::StatusCode::NO_CONTENT);
}
