//! PHONEBOOKS / PHONEBOOK reqtypes and /v1/tenants/{code}/phonebooks: the same phonebooks through
//! both doors.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};
use crate::reference_examples::{example, run};

/// The reference page's PHONEBOOK examples, verbatim.
const QUERY_EXAMPLE: &str = r#"{"method": "GET", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "PHONEBOOK"], ["subreqtype", "query"], ["tenant", "TENANTCODE"], ["phonebook", "Default"], ["field", "name"], ["value", "Ben"]]}"#;
const ADD_EXAMPLE: &str = r#"{"method": "POST", "path": "/mirtapbx/proxyapi.php", "params": [["key", "APIKEY"], ["reqtype", "PHONEBOOK"], ["subreqtype", "add"], ["phonebook", "Default"], ["tenant", "TENANTCODE"]], "jsondata": {"NAME": "Ross", "PHONE1": "3564732920"}}"#;

/// A PHONEBOOK call on tenant ACME.
async fn pb(app: &TestApp, key: &str, params: &[(&str, &str)]) -> String {
    let mut all = vec![("key", key), ("reqtype", "PHONEBOOK"), ("tenant", "ACME")];
    all.extend_from_slice(params);
    app.legacy(&all).await.body
}

/// A PHONEBOOK add with `jsondata` (or `values`) in the POST body.
async fn add(app: &TestApp, key: &str, book: &str, field: &str, data: &str) -> String {
    let query =
        [("key", key), ("reqtype", "PHONEBOOK"), ("tenant", "ACME"), ("subreqtype", "add"), ("phonebook", book)];
    app.legacy_post(&query, &[(field, data)]).await.body
}

/// The ids of an `OK|<peid>,...|` answer.
fn ids(answer: &str) -> Vec<String> {
    let inner = answer.strip_prefix("OK|").and_then(|a| a.strip_suffix('|')).unwrap_or_else(|| panic!("{answer:?}"));
    inner.split(',').map(str::to_string).collect()
}

#[tokio::test]
async fn reference_examples_add_and_query() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;

    // The add example creates the phonebook `Default` on first use.
    let added = run(&app, &example(ADD_EXAMPLE), &key, "ACME").await;
    assert_eq!(added.status, StatusCode::OK);
    let ross = ids(&added.body);
    assert_eq!(ross.len(), 1);
    // The query example: no Ben yet.
    assert_eq!(run(&app, &example(QUERY_EXAMPLE), &key, "ACME").await.body, "");

    // `values` is an alias of `jsondata`; an array adds several entries at once.
    let bens =
        add(&app, &key, "Default", "values", r#"[{"name": "Ben", "number": "100"}, {"Name": "ben", "PHONE1": "5"}]"#)
            .await;
    let bens = ids(&bens);
    assert_eq!(bens.len(), 2);
    let found = run(&app, &example(QUERY_EXAMPLE), &key, "ACME").await.body;
    assert_eq!(found, format!("peid|name|number|phone1\n{}|Ben|100|\n{}|ben||5\n", bens[0], bens[1]));

    let json = pb(
        &app,
        &key,
        &[("subreqtype", "query"), ("phonebook", "Default"), ("field", "NAME"), ("value", "ross"), ("format", "json")],
    )
    .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        json!([{"peid": ross[0], "name": "Ross", "phone1": "3564732920"}])
    );

    // getall and its alias dump.
    let all = pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Default"), ("format", "json")]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&all).unwrap().as_array().unwrap().len(), 3);
    let dump = pb(&app, &key, &[("subreqtype", "DUMP"), ("phonebook", "Default")]).await;
    assert_eq!(dump.lines().count(), 4, "{dump}");
    assert!(dump.starts_with("peid|name|phone1|number\n"), "{dump}");

    // PHONEBOOKS lists the names.
    let list = app.legacy(&[("key", &key), ("reqtype", "PHONEBOOKS"), ("tenant", "ACME")]).await;
    assert_eq!(list.body, "Default|");
    let list = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "PHONEBOOKS"),
            ("tenant", "ACME"),
            ("subreqtype", "list"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(list.json(), json!(["Default"]));

    // delete one, then cleanall.
    assert_eq!(pb(&app, &key, &[("subreqtype", "delete"), ("phonebook", "Default"), ("peid", &ross[0])]).await, "OK");
    assert_eq!(
        pb(&app, &key, &[("subreqtype", "query"), ("phonebook", "Default"), ("field", "name"), ("value", "Ross")])
            .await,
        ""
    );
    assert_eq!(pb(&app, &key, &[("subreqtype", "cleanall"), ("phonebook", "Default")]).await, "OK");
    assert_eq!(pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Default")]).await, "");
    let list = app.legacy(&[("key", &key), ("reqtype", "PHONEBOOKS"), ("tenant", "ACME")]).await;
    assert_eq!(list.body, "Default|", "cleanall keeps the phonebook");
}

#[tokio::test]
async fn searches_use_percent_only_ignore_case_and_keep_sql_literal() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let data = json!([
        {"name": "Rossi Mario", "city": "Roma"},
        {"name": "ROSS_1", "city": "Milano"},
        {"name": "Rossa", "city": "Ro%ma"},
        {"name": "x' OR '1'='1", "city": "Napoli"},
    ]);
    assert!(add(&app, &key, "Default", "jsondata", &data.to_string()).await.starts_with("OK|"));
    let names = |body: String| -> Vec<String> {
        if body.is_empty() {
            return Vec::new();
        }
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect()
    };
    let query = |field: &'static str, value: &'static str| {
        let key = key.clone();
        let app = &app;
        async move {
            pb(
                app,
                &key,
                &[
                    ("subreqtype", "query"),
                    ("phonebook", "Default"),
                    ("field", field),
                    ("value", value),
                    ("format", "json"),
                ],
            )
            .await
        }
    };
    assert_eq!(names(query("name", "ross%").await), ["Rossi Mario", "ROSS_1", "Rossa"]);
    assert_eq!(names(query("NAME", "%MARIO").await), ["Rossi Mario"]);
    assert_eq!(names(query("name", "ross").await), Vec::<String>::new(), "no % = whole value");
    // `_` is a literal: ROSS_1 matches `ross_%`, Rossa (one char after `ross`) does not match `ross_`.
    assert_eq!(names(query("name", "ross_%").await), ["ROSS_1"]);
    assert_eq!(names(query("name", "ross_").await), Vec::<String>::new());
    assert_eq!(names(query("city", "ro%ma").await), ["Rossi Mario", "Rossa"], "% matches itself too");
    // SQL metacharacters are plain text of the value.
    assert_eq!(names(query("name", "x' OR '1'='1").await), ["x' OR '1'='1"]);
    assert_eq!(names(query("name", "' OR 1=1 --").await), Vec::<String>::new());
    assert_eq!(names(query("name", "%'; DROP TABLE pf_fields; --").await), Vec::<String>::new());
    assert_eq!(names(query("name", "%").await).len(), 4, "the table is intact");
    // A field name with SQL in it is refused, not run.
    assert!(query("name; --", "x").await.starts_with("Error: field"));
}

#[tokio::test]
async fn bad_phonebook_calls_get_the_protocol_answers_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    assert!(add(&app, &key, "Default", "jsondata", r#"{"name": "Ross"}"#).await.starts_with("OK|"));

    assert_eq!(
        pb(&app, &key, &[("subreqtype", "query"), ("field", "name"), ("value", "x")]).await,
        "No phonebook specified"
    );
    assert_eq!(pb(&app, &key, &[("subreqtype", "add"), ("phonebook", "")]).await, "No phonebook specified");
    assert_eq!(pb(&app, &key, &[("subreqtype", "getall")]).await, "No phonebook specified");
    for bad in ["", "not json", "[]", "[1, 2]", r#"{"name": null}"#, r#"{"name": {"x": 1}}"#, r#"[{"name": "a"}, "b"]"#]
    {
        assert_eq!(add(&app, &key, "Default", "jsondata", bad).await, "Invalid jsondata", "{bad}");
    }
    assert_eq!(pb(&app, &key, &[("subreqtype", "add"), ("phonebook", "Default")]).await, "Invalid jsondata");
    assert!(add(&app, &key, "Default", "jsondata", r#"{"bad name": "x"}"#).await.starts_with("Error: field"));
    assert!(add(&app, &key, "Default", "jsondata", r#"{"peid": "7"}"#).await.starts_with("Error: field"));
    assert!(add(&app, &key, "Default", "jsondata", r#"{"name": "a", "NAME": "b"}"#).await.starts_with("Error: field"));
    assert!(add(&app, &key, "Default", "jsondata", r#"{}"#).await.starts_with("Error: fields"));
    let long = json!({"name": "v".repeat(1025)}).to_string();
    assert!(add(&app, &key, "Default", "jsondata", &long).await.starts_with("Error: value"));
    // All or nothing: the valid first entry of a batch with a bad second one is not stored.
    assert!(
        add(&app, &key, "Default", "jsondata", r#"[{"name": "Ok"}, {"b@d": "x"}]"#).await.starts_with("Error: field")
    );
    assert!(add(&app, &key, "a|b", "jsondata", r#"{"name": "x"}"#).await.starts_with("Error: phonebook"));

    assert_eq!(
        pb(&app, &key, &[("subreqtype", "query"), ("phonebook", "Default"), ("value", "x")]).await,
        "Error: field: required"
    );
    assert_eq!(
        pb(&app, &key, &[("subreqtype", "query"), ("phonebook", "Default"), ("field", "name")]).await,
        "Error: value: required"
    );
    assert_eq!(pb(&app, &key, &[("subreqtype", "delete"), ("phonebook", "Default")]).await, "Error: peid: required");
    assert_eq!(pb(&app, &key, &[("subreqtype", "delete"), ("phonebook", "Default"), ("peid", "abc")]).await, "");
    assert_eq!(pb(&app, &key, &[("subreqtype", "bogus"), ("phonebook", "Default")]).await, "Unknown action");
    assert_eq!(pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Nope")]).await, "", "unknown phonebook");
    assert_eq!(pb(&app, &key, &[("subreqtype", "cleanall"), ("phonebook", "Nope")]).await, "");
    assert_eq!(pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Default"), ("format", "csv")]).await, "");

    let all = pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Default")]).await;
    assert_eq!(all.lines().count(), 2, "only the first entry exists: {all}");
    let books = app.legacy(&[("key", &key), ("reqtype", "PHONEBOOKS"), ("tenant", "ACME")]).await;
    assert_eq!(books.body, "Default|", "no phonebook was created by a refused add");
}

#[tokio::test]
async fn read_only_and_foreign_keys_cannot_touch_phonebooks() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let id = ids(&add(&app, &key, "Default", "jsondata", r#"{"name": "Ross"}"#).await).remove(0);

    assert!(pb(&app, &ro, &[("subreqtype", "getall"), ("phonebook", "Default")]).await.contains("Ross"));
    assert_eq!(add(&app, &ro, "Default", "jsondata", r#"{"name": "x"}"#).await, KEY_ERROR);
    assert_eq!(pb(&app, &ro, &[("subreqtype", "delete"), ("phonebook", "Default"), ("peid", &id)]).await, KEY_ERROR);
    assert_eq!(pb(&app, &ro, &[("subreqtype", "cleanall"), ("phonebook", "Default")]).await, KEY_ERROR);
    assert_eq!(pb(&app, &other, &[("subreqtype", "getall"), ("phonebook", "Default")]).await, KEY_ERROR);

    // From OTHER's side, ACME's phonebook and entry do not exist.
    let from_other = |sub: &'static str| {
        let other = other.clone();
        let id = id.clone();
        let app = &app;
        async move {
            app.legacy(&[
                ("key", &other),
                ("reqtype", "PHONEBOOK"),
                ("tenant", "OTHER"),
                ("subreqtype", sub),
                ("phonebook", "Default"),
                ("peid", &id),
            ])
            .await
            .body
        }
    };
    assert_eq!(from_other("getall").await, "");
    assert_eq!(from_other("delete").await, "");
    assert_eq!(from_other("cleanall").await, "");
    let books = app.legacy(&[("key", &other), ("reqtype", "PHONEBOOKS"), ("tenant", "OTHER")]).await;
    assert_eq!(books.body, "");

    assert_eq!(app.get("/v1/tenants/OTHER/phonebooks/Default/entries", &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/v1/tenants/ACME/phonebooks/Default/entries", &other).await.code(), "tenant_not_found");
    assert_eq!(
        app.delete(&format!("/v1/tenants/OTHER/phonebooks/Default/entries/{id}"), &other).await.status,
        StatusCode::NOT_FOUND
    );
    let ro_post = app.post("/v1/tenants/ACME/phonebooks/Default/entries", &ro, json!([{"name": "x"}])).await;
    assert_eq!(ro_post.code(), "read_only_api_key");
    assert_eq!(app.delete("/v1/tenants/ACME/phonebooks/Default/entries", &ro).await.code(), "read_only_api_key");
    assert_eq!(app.get("/v1/tenants/ACME/phonebooks/Default/entries", &ro).await.status, StatusCode::OK);
    assert!(pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Default")]).await.contains("Ross"), "intact");
}

#[tokio::test]
async fn rest_phonebooks_round_trip_and_parity_with_the_legacy_door() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;

    let created = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "Clienti VIP"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.header("location"), "/v1/tenants/ACME/phonebooks/Clienti%20VIP");
    assert_eq!(app.get(created.header("location"), &key).await.body["entries"], 0);
    let dup = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "Clienti VIP"})).await;
    assert_eq!(dup.code(), "conflict");
    let bad = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "a/b"})).await;
    assert_eq!(bad.code(), "validation_failed");

    // REST writes, the legacy door reads.
    let base = "/v1/tenants/ACME/phonebooks/Clienti%20VIP/entries";
    let added =
        app.post(base, &key, json!([{"NAME": "Anna", "phone": "201"}, {"name": "Bruno", "phone": "202"}])).await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(added.body["items"][0]["fields"], json!({"name": "Anna", "phone": "201"}));
    let anna = added.body["items"][0]["id"].as_i64().unwrap();
    let legacy =
        pb(&app, &key, &[("subreqtype", "query"), ("phonebook", "Clienti VIP"), ("field", "phone"), ("value", "20%")])
            .await;
    assert_eq!(legacy.lines().count(), 3, "{legacy}");
    assert!(legacy.contains(&format!("{anna}|Anna|201")), "{legacy}");

    // The legacy door writes, REST reads.
    let carla =
        ids(&add(&app, &key, "Clienti VIP", "jsondata", r#"{"name": "Carla", "phone": "203"}"#).await).remove(0);
    let found = app.get(&format!("{base}?field=NAME&value=car%25"), &key).await;
    assert_eq!(
        found.body["items"],
        json!([{"id": carla.parse::<i64>().unwrap(), "fields": {"name": "Carla", "phone": "203"}}])
    );

    // Cursor pagination in id order.
    let first = app.get(&format!("{base}?limit=2"), &key).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = app.get(&format!("{base}?limit=2&cursor={cursor}"), &key).await;
    assert_eq!(second.body["items"][0]["fields"]["name"], "Carla");
    assert!(second.body["next_cursor"].is_null());
    assert_eq!(app.get(&format!("{base}?field=name"), &key).await.code(), "validation_failed");
    assert_eq!(app.get(&format!("{base}?field=bad%20name&value=x"), &key).await.code(), "validation_failed");

    let books = app.get("/v1/tenants/ACME/phonebooks", &key).await;
    assert_eq!(books.body["items"], json!([{"id": created.body["id"], "name": "Clienti VIP", "entries": 3}]));

    // Invalid bodies: 422 for wrong JSON types and rule violations alike; nothing stored.
    let wrong = app.post(base, &key, json!({"name": "not an array"})).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", wrong.body);
    assert_eq!(app.post(base, &key, json!([{"na me": "x"}])).await.code(), "validation_failed");
    assert_eq!(app.post(base, &key, json!([])).await.code(), "validation_failed");

    // Delete one (legacy sees it gone), then clear.
    assert_eq!(app.delete(&format!("{base}/{anna}"), &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("{base}/{anna}"), &key).await.status, StatusCode::NOT_FOUND);
    let legacy = pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Clienti VIP")]).await;
    assert!(!legacy.contains("Anna") && legacy.contains("Bruno"), "{legacy}");
    assert_eq!(app.delete(base, &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(base, &key).await.body["items"], json!([]));
    assert_eq!(pb(&app, &key, &[("subreqtype", "getall"), ("phonebook", "Clienti VIP")]).await, "");

    // Adding through REST to a missing phonebook creates it, as the legacy add does.
    assert_eq!(
        app.post("/v1/tenants/ACME/phonebooks/New/entries", &key, json!([{"name": "x"}])).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.delete("/v1/tenants/ACME/phonebooks/New", &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/v1/tenants/ACME/phonebooks/New", &key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn csv_export_neutralises_formulas() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let data = json!([
        {"name": "=HYPERLINK(\"http://evil\", \"x\")", "phone": "+390612345"},
        {"name": "@SUM(A1)", "phone": "-1", "note": "Doe, John"},
    ]);
    let added = ids(&add(&app, &key, "Default", "jsondata", &data.to_string()).await);
    let resp = app.send(app.request(Method::GET, "/v1/tenants/ACME/phonebooks/Default/export", &key)).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.header("content-type").starts_with("text/csv"), "{}", resp.header("content-type"));
    assert_eq!(resp.header("content-disposition"), "attachment; filename=\"Default.csv\"");
    let body = resp.body.as_str().unwrap();
    assert_eq!(
        body,
        format!(
            "peid,name,phone,note\n{},\"'=HYPERLINK(\"\"http://evil\"\", \"\"x\"\")\",'+390612345,\n{},'@SUM(A1),'-1,\"Doe, John\"\n",
            added[0], added[1]
        )
    );
    let empty = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "Empty"})).await;
    assert_eq!(empty.status, StatusCode::CREATED);
    let resp = app.send(app.request(Method::GET, "/v1/tenants/ACME/phonebooks/Empty/export", &key)).await;
    assert_eq!(resp.body, json!("peid\n"));
    let missing = app.get("/v1/tenants/ACME/phonebooks/Missing/export", &key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_a_tenant_takes_its_phonebooks_and_settings_along() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    assert!(add(&app, &key, "Default", "jsondata", r#"{"name": "Ross"}"#).await.starts_with("OK|"));
    let set = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "SETTING"),
            ("tenant", "ACME"),
            ("action", "SET"),
            ("code", "LANGUAGE"),
            ("value", "it"),
        ])
        .await;
    assert_eq!(set.body, "OK");
    assert_eq!(app.delete("/v1/tenants/ACME", &app.admin_key).await.status, StatusCode::NO_CONTENT);
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    for table in ["pb_phonebooks", "pe_entries", "pf_fields", "ts_tenantsettings"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await.unwrap();
        assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 0).unwrap(), 0, "{table}");
    }
}
