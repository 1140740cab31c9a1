//! MANAGEDB (CONTRACT §2) for the objects this build serves: tenant, user, extension. Answers are
//! JSON whatever `format` says; `list` is an object keyed by id (`[]` when empty); `get` a record or
//! `null`; `add`/`update` the record; `delete` OK. Plus the key rules and the vendor's examples.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, Legacy, TestApp, mdb};

const JSON: &str = "application/json";

/// The JSON of a MANAGEDB answer, checking the protocol envelope (HTTP 200, application/json).
fn json_of(answer: &Legacy) -> Value {
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.content_type, JSON, "{answer:?}");
    answer.json()
}

/// A `list` answer as (id, record) pairs, checking that keys are the records' ids.
fn entries(answer: &Legacy, id_column: &str) -> Vec<(String, Value)> {
    let value = json_of(answer);
    if value == json!([]) {
        return Vec::new();
    }
    let map = value.as_object().unwrap_or_else(|| panic!("list must be an object keyed by id: {answer:?}"));
    map.iter()
        .map(|(id, record)| {
            assert_eq!(record[id_column].as_str(), Some(id.as_str()), "key and {id_column} differ: {record}");
            (id.clone(), record.clone())
        })
        .collect()
}

fn text_of(answer: &Legacy) -> &str {
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    answer.body.as_str()
}

fn assert_error_line(answer: &Legacy) {
    let body = text_of(answer);
    assert!(body.starts_with("Error: ") && body.len() > 7, "expected an Error: line, got {answer:?}");
    assert!(!body.contains('\n'), "{answer:?}");
}

fn id_of(record: &Value, column: &str) -> String {
    let id = record[column].as_str().unwrap_or_else(|| panic!("{column} missing: {record}")).to_string();
    assert!(id.parse::<i64>().is_ok(), "{column} is not an id: {id}");
    id
}

/// Every member anywhere in a JSON value (object keys, recursively).
fn all_keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map.iter().flat_map(|(k, v)| std::iter::once(k.clone()).chain(all_keys(v))).collect(),
        Value::Array(items) => items.iter().flat_map(all_keys).collect(),
        _ => Vec::new(),
    }
}

const RELAX: &str = r#"{"te_code":"RELAX","te_name":"Relax & entertainment","pk_start":800,"pk_end":810}"#;
const RELAX_UPDATE: &str = r#"{"te_name":"Relax and entertainment","pk_end":820}"#;
const LEANDRO: &str = r#"{"us_username":"Leandro71","us_password":"sha256(change-me)","us_up_id":1}"#;
const SIP_EXT: &str = r#"{"ex_number":"1100","ex_name":"Test extension","ex_tech":"SIP","secret":"hackmeifyoucan","ex_pickupgroup":"1,5,6","ex_callgroup":"1,7,9"}"#;
const PJSIP_EXT: &str =
    r#"{"ex_number":"1100","ex_name":"Test PJSIP extension","password":"hackmeifyoucan","ex_tech":"PJSIP"}"#;

// ---------------------------------------------------------------------------------------------
// tenant
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn tenant_list_is_an_empty_array_then_an_object_keyed_by_id() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let empty = mdb(&app, key, &[("object", "tenant"), ("action", "list")], None).await;
    assert_eq!(text_of(&empty), "[]");
    assert_eq!(empty.content_type, JSON);

    let acme = app.tenant("ACME").await;
    let beta = app.tenant("BETA").await;
    for format in [None, Some("plain"), Some("json"), Some("xml"), Some("csv")] {
        let mut params = vec![("object", "tenant"), ("action", "list")];
        if let Some(f) = format {
            params.push(("format", f));
        }
        let list = mdb(&app, key, &params, None).await;
        let entries = entries(&list, "te_id");
        let ids: Vec<&str> = entries.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, [acme.to_string(), beta.to_string()], "{format:?}");
        assert_eq!(entries[0].1["te_code"], "ACME");
        assert_eq!(entries[0].1["te_name"], "ACME Ltd");
        assert_eq!(entries[1].1["te_code"], "BETA");
        // Credentials keep their key but never a value; no positional twins.
        assert_eq!(entries[0].1["te_recordingpassword"], "");
        assert!(entries[0].1.as_object().unwrap().keys().all(|k| k.parse::<i64>().is_err()));
    }
}

/// A tenant `list` with a `filter`, admin key.
async fn filtered(app: &TestApp, filter: &str) -> Legacy {
    mdb(app, &app.admin_key, &[("object", "tenant"), ("action", "list"), ("filter", filter)], None).await
}

#[tokio::test]
async fn tenant_list_filter_is_parsed_not_pasted_into_sql() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let created = app.post("/v1/tenants", key, json!({"code": "OFF", "name": "Off Ltd", "disabled": true})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let off = created.body["id"].as_i64().unwrap().to_string();
    let on = app.tenant("ON").await.to_string();

    let ids = |answer: &Legacy| entries(answer, "te_id").into_iter().map(|(id, _)| id).collect::<Vec<_>>();

    assert_eq!(ids(&filtered(&app, "te_disabled='on'").await), [off.as_str()]);
    assert_eq!(ids(&filtered(&app, "te_disabled!='on'").await), [on.as_str()]);
    assert_eq!(ids(&filtered(&app, "te_code='ON'").await), [on.as_str()]);
    assert_eq!(ids(&filtered(&app, "te_code = 'OFF' AND te_disabled = 'on'").await), [off.as_str()]);
    assert_eq!(ids(&filtered(&app, "te_name LIKE 'O%'").await).len(), 2);
    assert_eq!(text_of(&filtered(&app, "te_code='NOPE'").await), "[]");

    for injection in [
        "te_disabled='on' OR 1=1",
        "1=1; drop table te_tenants",
        "te_code='x'; DROP TABLE te_tenants; --",
        "te_code='x' UNION SELECT * FROM us_users",
        "te_code='x' OR 'a'='a'",
        "te_code=(SELECT te_code FROM te_tenants)",
        "te_recordingpassword=''",
        "us_password='x'",
        "te_code",
        "te_code='unterminated",
        "te_code='a' AND",
        "1=1",
    ] {
        let answer = filtered(&app, injection).await;
        assert_eq!(text_of(&answer), "Invalid filter", "{injection}");
    }

    // The table is still there and intact.
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM te_tenants")
        .fetch_one(app.core.db().pool())
        .await
        .expect("te_tenants still exists");
    assert_eq!(count, 2);
    let all = mdb(&app, key, &[("object", "tenant"), ("action", "list")], None).await;
    assert_eq!(ids(&all), [off, on]);
    assert_eq!(app.get("/v1/tenants/ON", key).await.status, StatusCode::OK);
}

/// LIKE keeps the legacy MySQL rule on both backends (PostgreSQL's own LIKE is case-sensitive,
/// SQLite's is not): ASCII letters in any case, `%`/`_` wildcards, `\` escape, other letters as
/// stored. `=` is exact on both.
#[tokio::test]
async fn tenant_list_filter_like_ignores_ascii_case_on_both_backends() {
    let app = TestApp::spawn().await;
    let mut id = std::collections::HashMap::new();
    for (code, name) in [("ACME", "Acme Widgets"), ("TOOLS", "Acme_Tools"), ("TOOLX", "AcmeXTools"), ("EMILE", "Émile")]
    {
        let created = app.post("/v1/tenants", &app.admin_key, json!({"code": code, "name": name})).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        id.insert(code, created.body["id"].as_i64().unwrap().to_string());
    }
    for (filter, expected) in [
        ("te_name LIKE 'acme widgets'", &["ACME"][..]),
        ("te_name LIKE 'ACME%'", &["ACME", "TOOLS", "TOOLX"]),
        ("te_name like 'aCmE_tOoLs'", &["TOOLS", "TOOLX"]),
        ("te_name LIKE 'acme\\_tools'", &["TOOLS"]),
        ("te_name LIKE 'ÉMILE'", &["EMILE"]),
        ("te_name LIKE 'émile'", &[]),
        ("te_name LIKE '%\\'", &[]),
        ("te_code = 'acme'", &[]),
        ("te_code = 'ACME'", &["ACME"]),
    ] {
        let found: Vec<String> = entries(&filtered(&app, filter).await, "te_id").into_iter().map(|(i, _)| i).collect();
        let expected: Vec<String> = expected.iter().map(|code| id[code].clone()).collect();
        assert_eq!(found, expected, "{filter}");
    }
}

#[tokio::test]
async fn tenant_get_needs_an_objectid_and_answers_null_for_unknown_ids() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let id = app.tenant("ACME").await.to_string();

    let missing = mdb(&app, key, &[("object", "tenant"), ("action", "get")], None).await;
    assert_eq!(text_of(&missing), "No objectid specified");
    assert_eq!(missing.content_type, JSON);
    let blank = mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", "")], None).await;
    assert_eq!(text_of(&blank), "No objectid specified");
    for unknown in ["999999", "abc", "-1", "1 OR 1=1"] {
        let answer = mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", unknown)], None).await;
        assert_eq!(text_of(&answer), "null", "{unknown}");
    }
    let record = json_of(&mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(record["te_id"], id.as_str());
    assert_eq!(record["te_code"], "ACME");
    assert_eq!(record["te_disabled"], "");
    for action in ["update", "delete"] {
        let answer = mdb(&app, key, &[("object", "tenant"), ("action", action)], Some(r#"{"te_name":"x"}"#)).await;
        assert_eq!(text_of(&answer), "No objectid specified", "{action}");
    }
}

#[tokio::test]
async fn tenant_add_update_delete_from_the_reference_payloads() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();

    let added = json_of(&mdb(&app, key, &[("object", "tenant"), ("action", "add")], Some(RELAX)).await);
    let id = id_of(&added, "te_id");
    assert_eq!(added["te_code"], "RELAX");
    assert_eq!(added["te_name"], "Relax & entertainment");
    assert_eq!(added["pk_start"], "800");
    assert_eq!(added["pk_end"], "810");
    assert_eq!(added["te_disabled"], "");

    let got = json_of(&mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got, added);

    let updated = json_of(
        &mdb(&app, key, &[("object", "tenant"), ("action", "update"), ("objectid", &id)], Some(RELAX_UPDATE)).await,
    );
    assert_eq!(updated["te_id"], id.as_str());
    assert_eq!(updated["te_code"], "RELAX");
    assert_eq!(updated["te_name"], "Relax and entertainment");
    assert_eq!(updated["pk_start"], "800", "members not sent stay");
    assert_eq!(updated["pk_end"], "820");
    let got = json_of(&mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got["te_name"], "Relax and entertainment");

    // te_code is immutable; sending the same value is harmless.
    let renamed = mdb(
        &app,
        key,
        &[("object", "tenant"), ("action", "update"), ("objectid", &id)],
        Some(r#"{"te_code":"CHILL"}"#),
    )
    .await;
    assert_error_line(&renamed);
    let same = mdb(
        &app,
        key,
        &[("object", "tenant"), ("action", "update"), ("objectid", &id)],
        Some(r#"{"te_code":"RELAX"}"#),
    )
    .await;
    assert_eq!(json_of(&same)["te_code"], "RELAX");
    assert_eq!(app.get("/v1/tenants/RELAX", key).await.status, StatusCode::OK);
    assert_eq!(app.get("/v1/tenants/CHILL", key).await.status, StatusCode::NOT_FOUND);

    // Duplicate code, invalid code, missing name: refused, nothing stored.
    assert_error_line(&mdb(&app, key, &[("object", "tenant"), ("action", "add")], Some(RELAX)).await);
    assert_error_line(
        &mdb(&app, key, &[("object", "tenant"), ("action", "add")], Some(r#"{"te_code":"BAD CODE","te_name":"x"}"#))
            .await,
    );
    assert_error_line(
        &mdb(&app, key, &[("object", "tenant"), ("action", "add")], Some(r#"{"te_code":"NONAME"}"#)).await,
    );
    assert_error_line(
        &mdb(
            &app,
            key,
            &[("object", "tenant"), ("action", "add")],
            Some(r#"{"te_code":"PK","te_name":"x","pk_start":"9","pk_end":"1"}"#),
        )
        .await,
    );
    let list = mdb(&app, key, &[("object", "tenant"), ("action", "list")], None).await;
    assert_eq!(entries(&list, "te_id").len(), 1);

    // Update of an unknown id: null.
    let unknown =
        mdb(&app, key, &[("object", "tenant"), ("action", "update"), ("objectid", "999999")], Some(RELAX_UPDATE)).await;
    assert_eq!(text_of(&unknown), "null");

    let deleted = mdb(&app, key, &[("object", "tenant"), ("action", "delete"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&deleted), "OK");
    assert_eq!(deleted.content_type, JSON);
    let gone = mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&gone), "null");
    let again = mdb(&app, key, &[("object", "tenant"), ("action", "delete"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&again), "null");
    assert_eq!(text_of(&mdb(&app, key, &[("object", "tenant"), ("action", "list")], None).await), "[]");
}

#[tokio::test]
async fn a_tenant_with_extensions_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let id = app.tenant("ACME").await.to_string();
    let ext = app.extension("ACME", key, "100").await.to_string();

    let refused = mdb(&app, key, &[("object", "tenant"), ("action", "delete"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&refused), "Error: tenant not empty");
    let still = json_of(&mdb(&app, key, &[("object", "tenant"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(still["te_code"], "ACME");

    let deleted =
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &ext), ("tenant", "ACME")], None)
            .await;
    assert_eq!(text_of(&deleted), "OK");
    let deleted = mdb(&app, key, &[("object", "tenant"), ("action", "delete"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&deleted), "OK");
}

// ---------------------------------------------------------------------------------------------
// user
// ---------------------------------------------------------------------------------------------

/// A user tenant-link action (`listtenants`, `addtenant`, `deltenant`) with the admin key.
async fn user_link(app: &TestApp, user_id: &str, action: &str, tenantid: Option<&str>) -> Legacy {
    let mut params = vec![("object", "user"), ("action", action), ("objectid", user_id)];
    if let Some(tenantid) = tenantid {
        params.push(("tenantid", tenantid));
    }
    mdb(app, &app.admin_key, &params, None).await
}

#[tokio::test]
async fn user_add_list_get_and_tenant_links() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let acme = app.tenant("ACME").await.to_string();
    let beta = app.tenant("BETA").await.to_string();

    assert_eq!(text_of(&mdb(&app, key, &[("object", "user"), ("action", "list")], None).await), "[]");
    let answer = mdb(&app, key, &[("object", "user"), ("action", "add")], Some(LEANDRO)).await;
    assert!(!answer.body.contains("change-me"), "{answer:?}");
    assert!(!answer.body.contains("argon2"), "{answer:?}");
    let added = json_of(&answer);
    let id = id_of(&added, "us_id");
    assert_eq!(added["us_username"], "Leandro71");
    assert_eq!(added["us_password"], "");
    assert_eq!(added["us_up_id"], "1");

    let list = mdb(&app, key, &[("object", "user"), ("action", "list")], None).await;
    assert!(!list.body.contains("argon2"));
    let users = entries(&list, "us_id");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].1["us_username"], "Leandro71");
    assert_eq!(users[0].1["us_password"], "");
    let got = json_of(&mdb(&app, key, &[("object", "user"), ("action", "get"), ("objectid", &id)], None).await);
    assert_eq!(got, added);
    assert_eq!(
        text_of(&mdb(&app, key, &[("object", "user"), ("action", "get"), ("objectid", "999999")], None).await),
        "null"
    );

    // Duplicate username, too-short password, bad username: refused.
    assert_error_line(&mdb(&app, key, &[("object", "user"), ("action", "add")], Some(LEANDRO)).await);
    assert_error_line(
        &mdb(
            &app,
            key,
            &[("object", "user"), ("action", "add")],
            Some(r#"{"us_username":"short","us_password":"abc"}"#),
        )
        .await,
    );
    assert_error_line(
        &mdb(
            &app,
            key,
            &[("object", "user"), ("action", "add")],
            Some(r#"{"us_username":"no spaces","us_password":"long-enough"}"#),
        )
        .await,
    );
    assert_error_line(
        &mdb(&app, key, &[("object", "user"), ("action", "add")], Some(r#"{"us_username":"nopass"}"#)).await,
    );
    assert_eq!(entries(&mdb(&app, key, &[("object", "user"), ("action", "list")], None).await, "us_id").len(), 1);

    // Update: answer is the record, password still blank.
    let updated = json_of(
        &mdb(
            &app,
            key,
            &[("object", "user"), ("action", "update"), ("objectid", &id)],
            Some(r#"{"us_up_id":"7","us_password":"another-secret"}"#),
        )
        .await,
    );
    assert_eq!(updated["us_up_id"], "7");
    assert_eq!(updated["us_password"], "");

    // Tenant links.
    assert_eq!(text_of(&user_link(&app, &id, "listtenants", None).await), "[]");
    assert_eq!(text_of(&user_link(&app, &id, "addtenant", Some(&acme)).await), "OK");
    assert_eq!(text_of(&user_link(&app, &id, "addtenant", Some(&beta)).await), "OK");
    let listed = json_of(&user_link(&app, &id, "listtenants", None).await);
    assert_eq!(listed, json!({acme.clone(): "ACME", beta.clone(): "BETA"}));
    assert_eq!(text_of(&user_link(&app, &id, "deltenant", Some(&acme)).await), "OK");
    assert_eq!(json_of(&user_link(&app, &id, "listtenants", None).await), json!({beta.clone(): "BETA"}));
    assert_eq!(text_of(&user_link(&app, &id, "deltenant", Some(&acme)).await), "null", "no such link");
    assert_error_line(&user_link(&app, &id, "addtenant", None).await);
    assert_error_line(&user_link(&app, &id, "deltenant", Some("abc")).await);
    assert_eq!(text_of(&user_link(&app, &id, "addtenant", Some("999999")).await), "null");
    let no_user = mdb(&app, key, &[("object", "user"), ("action", "listtenants"), ("objectid", "999999")], None).await;
    assert_eq!(text_of(&no_user), "null");
    let no_id = mdb(&app, key, &[("object", "user"), ("action", "listtenants")], None).await;
    assert_eq!(text_of(&no_id), "No objectid specified");
    // REST sees the same links.
    let rest = app.get(&format!("/v1/users/{id}"), key).await;
    assert_eq!(rest.body["tenants"], json!(["BETA"]));

    let deleted = mdb(&app, key, &[("object", "user"), ("action", "delete"), ("objectid", &id)], None).await;
    assert_eq!(text_of(&deleted), "OK");
    assert_eq!(
        text_of(&mdb(&app, key, &[("object", "user"), ("action", "get"), ("objectid", &id)], None).await),
        "null"
    );
}

// ---------------------------------------------------------------------------------------------
// extension
// ---------------------------------------------------------------------------------------------

fn assert_extension_record(record: &Value, tenant_id: i64, number: &str, tenant: &str) {
    assert_eq!(record["ex_number"], number);
    assert_eq!(record["ex_te_id"], tenant_id.to_string().as_str());
    assert_eq!(record["username"], format!("{number}-{tenant}").as_str());
    assert_eq!(record["secret"], "");
    assert_eq!(record["password"], "");
    assert_eq!(record["ex_webpassword"], "");
    assert!(!all_keys(record).iter().any(|k| k == "ex_md5secret"), "ex_md5secret leaked: {record}");
    assert!(!record.to_string().contains("hackmeifyoucan"));
}

#[tokio::test]
async fn extension_add_from_both_reference_payloads() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let acme = app.tenant("ACME").await;
    let beta = app.tenant("BETA").await;

    let sip = mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(SIP_EXT)).await;
    assert!(!sip.body.contains("hackmeifyoucan"));
    let sip = json_of(&sip);
    id_of(&sip, "ex_id");
    assert_extension_record(&sip, acme, "1100", "ACME");
    assert_eq!(sip["ex_name"], "Test extension");
    assert_eq!(sip["ex_tech"], "SIP");
    assert_eq!(sip["ex_pickupgroup"], "1,5,6");
    assert_eq!(sip["ex_callgroup"], "1,7,9");

    // The same number again in ACME: refused, nothing stored.
    let dup = mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(PJSIP_EXT)).await;
    assert_error_line(&dup);
    let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    assert_eq!(entries(&list, "ex_id").len(), 1);

    // The same number in another tenant is fine.
    let pjsip = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "BETA")], Some(PJSIP_EXT)).await,
    );
    assert_extension_record(&pjsip, beta, "1100", "BETA");
    assert_eq!(pjsip["ex_name"], "Test PJSIP extension");
    assert_eq!(pjsip["ex_tech"], "PJSIP");

    // Lists and gets never carry credentials or the digest either.
    for tenant in ["ACME", "BETA"] {
        let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", tenant)], None).await;
        assert!(!list.body.contains("ex_md5secret"));
        for (id, record) in entries(&list, "ex_id") {
            assert_eq!(record["username"], format!("1100-{tenant}").as_str());
            assert_eq!(record["secret"], "");
            let got = json_of(
                &mdb(
                    &app,
                    key,
                    &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", tenant)],
                    None,
                )
                .await,
            );
            assert_eq!(got, record);
        }
    }
    // The admin without `tenant` lists every tenant's extensions.
    let all = mdb(&app, key, &[("object", "extension"), ("action", "list")], None).await;
    assert_eq!(entries(&all, "ex_id").len(), 2);
    // An extension cannot be created without a tenant.
    assert_error_line(
        &mdb(&app, key, &[("object", "extension"), ("action", "add")], Some(r#"{"ex_number":"300"}"#)).await,
    );
}

#[tokio::test]
async fn extension_update_and_delete() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    let acme = app.tenant("ACME").await;
    app.tenant("BETA").await;
    let added = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(SIP_EXT)).await,
    );
    let id = id_of(&added, "ex_id");

    let updated = json_of(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_callallowed":"all"}"#),
        )
        .await,
    );
    assert_eq!(updated["ex_callallowed"], "all");
    assert_eq!(updated["ex_name"], "Test extension", "members not sent stay");
    assert_extension_record(&updated, acme, "1100", "ACME");
    let got = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None)
            .await,
    );
    assert_eq!(got["ex_callallowed"], "all");

    // The admin may address it by objectid alone.
    let updated = json_of(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id)],
            Some(r#"{"ex_callallowed":"none"}"#),
        )
        .await,
    );
    assert_eq!(updated["ex_callallowed"], "none");
    // Through another tenant it does not exist.
    let foreign =
        mdb(&app, key, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "BETA")], None)
            .await;
    assert_eq!(text_of(&foreign), "null");
    let foreign =
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &id), ("tenant", "BETA")], None)
            .await;
    assert_eq!(text_of(&foreign), "null");

    // A bad update changes nothing.
    assert_error_line(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_number":"12a"}"#),
        )
        .await,
    );
    assert_error_line(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_tech":"IAX"}"#),
        )
        .await,
    );
    let got = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None)
            .await,
    );
    assert_eq!(got["ex_number"], "1100");
    assert_eq!(got["ex_tech"], "SIP");

    let deleted =
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &id), ("tenant", "ACME")], None)
            .await;
    assert_eq!(text_of(&deleted), "OK");
    let gone =
        mdb(&app, key, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None)
            .await;
    assert_eq!(text_of(&gone), "null");
    let again =
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &id), ("tenant", "ACME")], None)
            .await;
    assert_eq!(text_of(&again), "null");
}

#[tokio::test]
async fn bad_jsondata_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    app.tenant("ACME").await;
    let id = app.extension("ACME", key, "100").await.to_string();

    for bad in
        [Some("{"), Some("[]"), Some(r#""x""#), Some("null"), Some("42"), Some(""), Some(r#"["ex_number"]"#), None]
    {
        let add = [("object", "extension"), ("action", "add"), ("tenant", "ACME")];
        let answer = match bad {
            Some(data) => mdb(&app, key, &add, Some(data)).await,
            None => mdb(&app, key, &add, None).await,
        };
        assert_eq!(text_of(&answer), "Invalid jsondata", "add {bad:?}");
        assert_eq!(answer.content_type, JSON);
        let update = [("object", "extension"), ("action", "update"), ("tenant", "ACME"), ("objectid", id.as_str())];
        let answer = mdb(&app, key, &update, bad).await;
        assert_eq!(text_of(&answer), "Invalid jsondata", "update {bad:?}");
        let answer = mdb(&app, key, &[("object", "tenant"), ("action", "add")], bad).await;
        assert_eq!(text_of(&answer), "Invalid jsondata", "tenant add {bad:?}");
        let answer = mdb(&app, key, &[("object", "user"), ("action", "add")], bad).await;
        assert_eq!(text_of(&answer), "Invalid jsondata", "user add {bad:?}");
    }
    let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    assert_eq!(entries(&list, "ex_id").len(), 1);
    assert_eq!(entries(&mdb(&app, key, &[("object", "tenant"), ("action", "list")], None).await, "te_id").len(), 1);
    assert_eq!(text_of(&mdb(&app, key, &[("object", "user"), ("action", "list")], None).await), "[]");
}

#[tokio::test]
async fn an_invalid_extension_number_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    app.tenant("ACME").await;
    for data in [
        r#"{"ex_number":"11a0","ex_name":"Letters"}"#,
        r#"{"ex_number":"abc"}"#,
        r#"{"ex_number":""}"#,
        r#"{"ex_name":"No number"}"#,
        r#"{"ex_number":"123456789012345678901"}"#,
        r#"{"ex_number":"1100","ex_tech":"IAX2"}"#,
        r#"{"ex_number":"1100","secret":"short"}"#,
        r#"{"ex_number":"1100","password":"short"}"#,
    ] {
        let answer =
            mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(data)).await;
        assert_error_line(&answer);
    }
    let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    assert_eq!(text_of(&list), "[]");
}

#[tokio::test]
async fn unknown_objects_and_actions_have_their_texts() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    app.tenant("ACME").await;
    for object in ["nosuchthing", "tenants", "", "extensions"] {
        let answer = mdb(&app, key, &[("object", object), ("action", "list"), ("tenant", "ACME")], None).await;
        assert_eq!(text_of(&answer), "Unknown object", "{object}");
        assert_eq!(answer.content_type, JSON);
    }
    let answer = mdb(&app, key, &[("action", "list")], None).await;
    assert_eq!(text_of(&answer), "Unknown object");
    for (object, action) in [
        ("tenant", "frobnicate"),
        ("tenant", ""),
        ("tenant", "listtenants"),
        ("extension", "addtenant"),
        ("extension", "getdestinations"),
        ("user", "drop"),
    ] {
        let answer =
            mdb(&app, key, &[("object", object), ("action", action), ("tenant", "ACME"), ("objectid", "1")], None)
                .await;
        assert_eq!(text_of(&answer), "Unknown action", "{object}/{action}");
    }
    let answer = mdb(&app, key, &[("object", "tenant")], None).await;
    assert_eq!(text_of(&answer), "Unknown action");
}

// ---------------------------------------------------------------------------------------------
// key rules
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_tenant_rw_key_manages_its_extensions_but_not_tenants_or_users() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.as_str();
    let acme = app.tenant("ACME").await;
    let beta = app.tenant("BETA").await.to_string();
    let foreign = app.extension("BETA", admin, "500").await.to_string();
    let key = app.tenant_key("ACME", false).await;
    let key = key.as_str();

    let added = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(SIP_EXT)).await,
    );
    assert_extension_record(&added, acme, "1100", "ACME");
    let id = id_of(&added, "ex_id");
    let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    assert_eq!(entries(&list, "ex_id").into_iter().map(|(id, _)| id).collect::<Vec<_>>(), [id.as_str()]);
    let updated = json_of(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_callallowed":"all"}"#),
        )
        .await,
    );
    assert_eq!(updated["ex_callallowed"], "all");

    // Another tenant's extension does not exist for this key, whatever id it names.
    for action in ["get", "delete"] {
        let answer = mdb(
            &app,
            key,
            &[("object", "extension"), ("action", action), ("objectid", &foreign), ("tenant", "ACME")],
            None,
        )
        .await;
        assert_eq!(text_of(&answer), "null", "{action}");
    }
    let answer = mdb(
        &app,
        key,
        &[("object", "extension"), ("action", "update"), ("objectid", &foreign), ("tenant", "ACME")],
        Some(r#"{"ex_name":"hijack"}"#),
    )
    .await;
    assert_eq!(text_of(&answer), "null");
    let answer = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "BETA")], None).await;
    assert_eq!(text_of(&answer), KEY_ERROR);
    let untouched =
        json_of(&mdb(&app, admin, &[("object", "extension"), ("action", "get"), ("objectid", &foreign)], None).await);
    assert_eq!(untouched["ex_name"], "Ext 500");

    // Global objects need the admin key.
    for (object, action, objectid, data) in [
        ("tenant", "list", None, None),
        ("tenant", "get", Some(beta.as_str()), None),
        ("tenant", "add", None, Some(RELAX)),
        ("tenant", "update", Some(beta.as_str()), Some(RELAX_UPDATE)),
        ("tenant", "delete", Some(beta.as_str()), None),
        ("user", "list", None, None),
        ("user", "get", Some("1"), None),
        ("user", "add", None, Some(LEANDRO)),
        ("user", "listtenants", Some("1"), None),
    ] {
        let mut params = vec![("object", object), ("action", action), ("tenant", "ACME")];
        if let Some(id) = objectid {
            params.push(("objectid", id));
        }
        let answer = mdb(&app, key, &params, data).await;
        assert_eq!(text_of(&answer), KEY_ERROR, "{object}/{action}");
    }
    assert_eq!(entries(&mdb(&app, admin, &[("object", "tenant"), ("action", "list")], None).await, "te_id").len(), 2);
    assert_eq!(text_of(&mdb(&app, admin, &[("object", "user"), ("action", "list")], None).await), "[]");

    let deleted =
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &id), ("tenant", "ACME")], None)
            .await;
    assert_eq!(text_of(&deleted), "OK");
}

#[tokio::test]
async fn a_read_only_key_reads_but_never_writes() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.as_str();
    app.tenant("ACME").await;
    let id = app.extension("ACME", admin, "100").await.to_string();
    let key = app.tenant_key("ACME", true).await;
    let key = key.as_str();

    let list = mdb(&app, key, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    let listed = entries(&list, "ex_id");
    assert_eq!(listed.len(), 1);
    let got = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "get"), ("objectid", &id), ("tenant", "ACME")], None)
            .await,
    );
    assert_eq!(got, listed[0].1);
    let before = got;

    let refused = [
        mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(SIP_EXT)).await,
        mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(r#"{"ex_name":"changed"}"#),
        )
        .await,
        mdb(&app, key, &[("object", "extension"), ("action", "delete"), ("objectid", &id), ("tenant", "ACME")], None)
            .await,
        mdb(&app, key, &[("object", "tenant"), ("action", "list"), ("tenant", "ACME")], None).await,
        mdb(&app, key, &[("object", "user"), ("action", "add"), ("tenant", "ACME")], Some(LEANDRO)).await,
    ];
    for answer in &refused {
        assert_eq!(text_of(answer), KEY_ERROR, "{answer:?}");
    }
    let after_list = mdb(&app, admin, &[("object", "extension"), ("action", "list"), ("tenant", "ACME")], None).await;
    let after = entries(&after_list, "ex_id");
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, before, "nothing changed");
    assert_eq!(text_of(&mdb(&app, admin, &[("object", "user"), ("action", "list")], None).await), "[]");
}

// ---------------------------------------------------------------------------------------------
// the vendor's examples
// ---------------------------------------------------------------------------------------------

/// The MANAGEDB examples of `examples.jsonl` for tenant, user and extension, verbatim.
const EXAMPLES: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["object", "TENANT"], ["action", "list"]]}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["object", "TENANT"], ["action", "list"], ["filter", "te_disabled='on'"]]}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["object", "TENANT"], ["action", "get"], ["objectid", "1"]]}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "add"], ["object", "tenant"]], "jsondata": {"te_code": "RELAX", "te_name": "Relax & entertainment", "pk_start": 800, "pk_end": 810}}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "update"], ["object", "tenant"], ["objectid", "460"]], "jsondata": {"te_name": "Relax and entertainment", "pk_end": 820}}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "list"], ["object", "extension"], ["tenant", "TENANTCODE"]]}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "get"], ["object", "extension"], ["objectid", "1701"], ["tenant", "TENANTCODE"]]}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "delete"], ["object", "extension"], ["objectid", "6016"], ["tenant", "TENANTCODE"]]}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "update"], ["object", "extension"], ["objectid", "1695"], ["tenant", "TENANTCODE"]], "jsondata": {"ex_callallowed": "all"}}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "add"], ["object", "extension"], ["tenant", "TENANTCODE"]], "jsondata": {"ex_number": "1100", "ex_name": "Test extension", "ex_tech": "SIP", "secret": "hackmeifyoucan", "ex_pickupgroup": "1,5,6", "ex_callgroup": "1,7,9"}}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "add"], ["object", "extension"], ["tenant", "TENANTCODE"]], "jsondata": {"ex_number": "1100", "ex_name": "Test PJSIP extension", "password": "hackmeifyoucan", "ex_tech": "PJSIP"}}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["object", "user"], ["action", "list"]]}
{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["object", "user"], ["action", "get"], ["objectid", "3635"]]}
{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "MANAGEDB"], ["action", "add"], ["object", "user"]], "jsondata": {"us_username": "Leandro71", "us_password": "sha256(change-me)", "us_up_id": 1}}"#;

/// Values that replace the placeholders of one example.
struct Substitutions<'a> {
    key: &'a str,
    tenant: &'a str,
    objectid: String,
}

/// Sends one example as the vendor page shows it (method, path, parameter order, `jsondata`).
async fn run_example(app: &TestApp, example: &Value, subs: &Substitutions<'_>) -> Legacy {
    let params: Vec<(String, String)> = example["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|pair| {
            let name = pair[0].as_str().expect("name").to_string();
            let raw = pair[1].as_str().expect("value");
            let value = match name.as_str() {
                "key" => subs.key.to_string(),
                "tenant" => raw.replace("TENANTCODE", subs.tenant),
                "objectid" => subs.objectid.clone(),
                _ => raw.to_string(),
            };
            (name, value)
        })
        .collect();
    let path = example["path"].as_str().expect("path");
    let mut request = match example["method"].as_str() {
        Some("POST") => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    request = request.query(&params);
    if let Some(data) = example.get("jsondata") {
        request = request.form(&[("jsondata", data.to_string())]);
    }
    TestApp::legacy_answer(request.send().await.expect("request sent")).await
}

/// Checks an example's answer against CONTRACT §2.1 for its action.
fn check_example(example: &Value, answer: &Legacy, objectid: &str) {
    let object = example["params"].as_array().unwrap().iter().find(|p| p[0] == "object").unwrap()[1]
        .as_str()
        .unwrap()
        .to_lowercase();
    let action = example["params"].as_array().unwrap().iter().find(|p| p[0] == "action").unwrap()[1]
        .as_str()
        .unwrap()
        .to_lowercase();
    let id_column = match object.as_str() {
        "tenant" => "te_id",
        "user" => "us_id",
        _ => "ex_id",
    };
    let context = format!("{object}/{action}: {answer:?}");
    assert_eq!(answer.status, StatusCode::OK, "{context}");
    assert!(!answer.body.is_empty(), "{context}");
    assert_ne!(answer.body, KEY_ERROR, "{context}");
    assert!(!answer.body.contains("hackmeifyoucan") && !answer.body.contains("change-me"), "{context}");
    assert!(!answer.body.contains("ex_md5secret"), "{context}");
    match action.as_str() {
        "list" => {
            let list = entries(answer, id_column);
            assert!(!list.is_empty(), "{context}");
        }
        "get" => assert_eq!(json_of(answer)[id_column], objectid, "{context}"),
        "add" | "update" => {
            let record = json_of(answer);
            if action == "update" {
                assert_eq!(record[id_column], objectid, "{context}");
            } else {
                id_of(&record, id_column);
            }
            for (name, sent) in example["jsondata"].as_object().expect("jsondata") {
                let expected = match (name.as_str(), sent) {
                    ("us_password" | "secret" | "password", _) => String::new(),
                    (_, Value::String(s)) => s.clone(),
                    (_, other) => other.to_string(),
                };
                assert_eq!(record[name].as_str(), Some(expected.as_str()), "{name} in {context}");
            }
        }
        "delete" => assert_eq!(answer.body, "OK", "{context}"),
        other => panic!("unexpected action {other}"),
    }
}

#[tokio::test]
async fn the_vendor_examples_for_tenant_user_and_extension_answer_per_contract() {
    let app = TestApp::spawn().await;
    let admin = app.admin_key.as_str();
    let examples: Vec<Value> = EXAMPLES.lines().map(|l| serde_json::from_str(l).expect("example")).collect();
    assert_eq!(examples.len(), 14);

    // Real objects for the placeholders: a disabled tenant for the filter example, a user, and
    // per key kind a tenant with extensions to get, update and delete.
    let disabled =
        app.post("/v1/tenants", admin, json!({"code": "DISABLED", "name": "Disabled Ltd", "disabled": true})).await;
    assert_eq!(disabled.status, StatusCode::CREATED);
    let tenant_id = disabled.body["id"].as_i64().unwrap().to_string();
    let user = app.post("/v1/users", admin, json!({"username": "adrian", "password": "adrian-password"})).await;
    assert_eq!(user.status, StatusCode::CREATED);
    let user_id = user.body["id"].as_i64().unwrap().to_string();

    // tenant and user examples: admin key.
    let mut relax_id = String::new();
    for example in examples.iter().filter(|e| !e.to_string().contains("\"extension\"")) {
        let text = example.to_string();
        let objectid = if text.contains("\"user\"") {
            user_id.clone()
        } else if text.contains("\"update\"") {
            relax_id.clone()
        } else {
            tenant_id.clone()
        };
        let subs = Substitutions { key: admin, tenant: "DISABLED", objectid: objectid.clone() };
        let answer = run_example(&app, example, &subs).await;
        check_example(example, &answer, &objectid);
        if text.contains("\"RELAX\"") {
            relax_id = id_of(&answer.json(), "te_id");
        }
    }
    assert!(!relax_id.is_empty());
    let relax = app.get("/v1/tenants/RELAX", admin).await;
    assert_eq!(relax.body["name"], "Relax and entertainment");
    assert_eq!(relax.body["parking_end"], 820);

    // extension examples: once with the admin key, once with a tenant read-write key. Each add
    // example gets its own tenant: both vendor payloads use number 1100.
    for (round, code) in ["EXTADMIN", "EXTKEY"].into_iter().enumerate() {
        app.tenant(code).await;
        let key = if round == 0 { app.admin_key.clone() } else { app.tenant_key(code, false).await };
        let kept = app.extension(code, &key, "200").await.to_string();
        let doomed = app.extension(code, &key, "201").await.to_string();
        let mut add_tenants = Vec::new();
        for example in examples.iter().filter(|e| e.to_string().contains("\"extension\"")) {
            let text = example.to_string();
            let (tenant, key) = if text.contains("\"add\"") {
                let add_code = format!("{code}{}", add_tenants.len());
                app.tenant(&add_code).await;
                let add_key = if round == 0 { app.admin_key.clone() } else { app.tenant_key(&add_code, false).await };
                add_tenants.push(add_code.clone());
                (add_code, add_key)
            } else {
                (code.to_string(), key.clone())
            };
            let objectid = if text.contains("\"delete\"") { doomed.clone() } else { kept.clone() };
            let subs = Substitutions { key: &key, tenant: &tenant, objectid: objectid.clone() };
            let answer = run_example(&app, example, &subs).await;
            check_example(example, &answer, &objectid);
        }
        let left = app.get(&format!("/v1/tenants/{code}/extensions"), admin).await;
        let numbers: Vec<&str> =
            left.body["items"].as_array().unwrap().iter().map(|e| e["number"].as_str().unwrap()).collect();
        assert_eq!(numbers, ["200"], "the delete example removed 201");
        assert_eq!(left.body["items"][0]["call_allowed"], "all");
        for add_code in add_tenants {
            let made = app.get(&format!("/v1/tenants/{add_code}/extensions?number=1100"), admin).await;
            assert_eq!(made.body["items"].as_array().unwrap().len(), 1, "{add_code}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// jsondata rules and stored secrets
// ---------------------------------------------------------------------------------------------

/// The stored SIP digest of an extension, read straight from the database.
async fn stored_digest(app: &TestApp, ex_id: &str) -> String {
    use sqlx::Row as _;
    let row = sqlx::query("SELECT ex_md5secret FROM ex_extensions WHERE ex_id = $1")
        .bind(ex_id.parse::<i64>().unwrap())
        .fetch_one(app.core.db().pool())
        .await
        .expect("extension row");
    row.try_get::<String, _>(0).expect("ex_md5secret")
}

/// Asterisk's `md5secret`: hex MD5 of `<username>:<realm>:<secret>` (default realm `asterisk`).
fn sip_digest(username: &str, secret: &str) -> String {
    use md5::{Digest as _, Md5};
    hex::encode(Md5::digest(format!("{username}:asterisk:{secret}").as_bytes()))
}

#[tokio::test]
async fn jsondata_never_sets_ids_tenant_links_or_digests() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("ACME").await;
    let beta = app.tenant("BETA").await;
    let key = app.tenant_key("ACME", false).await;
    let key = key.as_str();

    let data = format!(
        r#"{{"ex_number":1100,"ex_id":"987654","ex_te_id":"{beta}","ex_md5secret":"deadbeef","username":"evil","st_state":"INUSE","nonsense":"x"}}"#
    );
    let added =
        json_of(&mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(&data)).await);
    let id = id_of(&added, "ex_id");
    assert_ne!(id, "987654");
    assert_eq!(added["ex_number"], "1100", "numbers are stored as strings");
    assert_eq!(added["ex_te_id"], acme.to_string().as_str());
    assert_eq!(added["username"], "1100-ACME");
    assert!(added.get("nonsense").is_none(), "unknown members are ignored");
    assert_eq!(stored_digest(&app, &id).await, "", "the digest is never taken from jsondata");

    let data = format!(r#"{{"ex_te_id":"{beta}","ex_md5secret":"deadbeef","ex_name":"moved?"}}"#);
    let updated = json_of(
        &mdb(
            &app,
            key,
            &[("object", "extension"), ("action", "update"), ("objectid", &id), ("tenant", "ACME")],
            Some(&data),
        )
        .await,
    );
    assert_eq!(updated["ex_te_id"], acme.to_string().as_str());
    assert_eq!(updated["ex_name"], "moved?");
    assert_eq!(stored_digest(&app, &id).await, "");
    let beta_list =
        mdb(&app, &app.admin_key, &[("object", "extension"), ("action", "list"), ("tenant", "BETA")], None).await;
    assert_eq!(text_of(&beta_list), "[]");

    let tenant = json_of(
        &mdb(
            &app,
            &app.admin_key,
            &[("object", "tenant"), ("action", "add")],
            Some(r#"{"te_id":"424242","te_code":"NEW","te_name":"New"}"#),
        )
        .await,
    );
    assert_ne!(tenant["te_id"], "424242");
    assert_eq!(
        app.get("/v1/tenants/NEW", &app.admin_key).await.body["id"].to_string(),
        tenant["te_id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn sip_secrets_are_stored_only_as_the_asterisk_digest() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    app.tenant("ACME").await;
    app.tenant("BETA").await;

    let sip = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(SIP_EXT)).await,
    );
    let sip_id = id_of(&sip, "ex_id");
    assert_eq!(stored_digest(&app, &sip_id).await, "33f02e1a7d733857c37e160747a6774e");
    assert_eq!(stored_digest(&app, &sip_id).await, sip_digest("1100-ACME", "hackmeifyoucan"));
    let pjsip = json_of(
        &mdb(&app, key, &[("object", "extension"), ("action", "add"), ("tenant", "BETA")], Some(PJSIP_EXT)).await,
    );
    let pjsip_id = id_of(&pjsip, "ex_id");
    assert_eq!(stored_digest(&app, &pjsip_id).await, sip_digest("1100-BETA", "hackmeifyoucan"));

    // The same secret through REST gives the same digest.
    let rest = app
        .post("/v1/tenants/ACME/extensions", key, json!({"number": "1101", "tech": "SIP", "secret": "hackmeifyoucan"}))
        .await;
    let rest_id = rest.body["id"].as_i64().unwrap().to_string();
    assert_eq!(stored_digest(&app, &rest_id).await, sip_digest("1101-ACME", "hackmeifyoucan"));

    // A new number changes the SIP username: refused without the secret, re-digested with it.
    let update = [("object", "extension"), ("action", "update"), ("objectid", sip_id.as_str()), ("tenant", "ACME")];
    assert_error_line(&mdb(&app, key, &update, Some(r#"{"ex_number":"1200"}"#)).await);
    assert_eq!(stored_digest(&app, &sip_id).await, sip_digest("1100-ACME", "hackmeifyoucan"));
    let moved = json_of(&mdb(&app, key, &update, Some(r#"{"ex_number":"1200","secret":"another-secret"}"#)).await);
    assert_eq!(moved["username"], "1200-ACME");
    assert_eq!(moved["secret"], "");
    assert_eq!(stored_digest(&app, &sip_id).await, sip_digest("1200-ACME", "another-secret"));
    // An empty secret in an update means "unchanged".
    json_of(&mdb(&app, key, &update, Some(r#"{"ex_name":"Kept","secret":""}"#)).await);
    assert_eq!(stored_digest(&app, &sip_id).await, sip_digest("1200-ACME", "another-secret"));
}
