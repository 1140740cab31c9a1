//! One connection per unit of work: every write (and the audit entry it leaves) runs on the one
//! connection of its transaction, and nothing in a request asks the pool for a second connection
//! while it holds the first.
//!
//! The proof is a gateway whose pool holds exactly one connection (`database_max_connections =
//! Some(1)`). A request that held its transaction's connection and then asked for another one
//! (a helper taking `&Core` instead of the transaction, an audit write on the pool, a lookup on the
//! pool in the middle of a transaction) would wait for itself: the pool's acquire timeout (10 s)
//! ends the wait and the request answers `503 unavailable` on REST, or the outage line
//! (`Error: service temporarily unavailable, try again later`) on the legacy door. Each request
//! below is therefore checked against its exact success answer: a second connection anywhere shows
//! as a wrong status or a wrong legacy text, never as a hang, and no timing is asserted.
//!
//! The writes cover both doors (REST `/v1/...` and `proxyapi.php`) and the units of work that do
//! more than one thing in their transaction: a write with its audit entry, a user deleted with its
//! keys revoked, a destination list replaced after every tag is checked, a delete refused because
//! a destination still names the object, an idempotent balance adjustment.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Legacy, Rest, TestApp, mdb};

/// A gateway whose database pool holds a single connection.
async fn spawn_with_one_connection() -> TestApp {
    let app = TestApp::spawn_with(|config| {
        config.database_max_connections = Some(1);
        // The suite's default, stated here: this test is about connections, not request budgets.
        config.rate_limits.per_address = 0;
        config.rate_limits.per_credential = 0;
    })
    .await;
    let (_, _, ceiling) = app.core.db().pool_usage();
    assert_eq!(ceiling, 1, "the pool must hold one connection, or this test proves nothing");
    app
}

/// The operations that answered their success answer, for the count at the end.
#[derive(Default)]
struct Ledger {
    done: Vec<String>,
}

impl Ledger {
    /// A REST answer that must be `status`.
    fn rest(&mut self, what: &str, resp: Rest, status: StatusCode) -> Rest {
        assert_eq!(resp.status, status, "{what}: {:?}", resp.body);
        self.done.push(format!("REST {what}"));
        resp
    }

    /// A legacy answer that must be exactly `body`.
    fn legacy(&mut self, what: &str, answer: Legacy, body: &str) {
        assert_eq!((answer.status, answer.body.as_str()), (StatusCode::OK, body), "{what}: {answer:?}");
        self.done.push(format!("legacy {what}"));
    }

    /// A legacy answer that must be a JSON record; returns it.
    fn legacy_record(&mut self, what: &str, answer: Legacy) -> Value {
        assert_eq!(answer.status, StatusCode::OK, "{what}: {answer:?}");
        assert!(answer.body.starts_with('{'), "{what}: {answer:?}");
        self.done.push(format!("legacy {what}"));
        answer.json()
    }

    /// A legacy answer that must start with `prefix`; returns its body.
    fn legacy_prefix(&mut self, what: &str, answer: Legacy, prefix: &str) -> String {
        assert_eq!(answer.status, StatusCode::OK, "{what}: {answer:?}");
        assert!(answer.body.starts_with(prefix), "{what}: {answer:?}");
        self.done.push(format!("legacy {what}"));
        answer.body
    }

    fn count(&self) -> usize {
        self.done.len()
    }
}

/// A legacy call of `reqtype` on tenant ACME.
async fn acme(app: &TestApp, key: &str, reqtype: &str, params: &[(&str, &str)]) -> Legacy {
    let mut all = vec![("key", key), ("reqtype", reqtype), ("tenant", "ACME")];
    all.extend_from_slice(params);
    app.legacy(&all).await
}

async fn put(app: &TestApp, path: &str, key: &str, body: Value) -> Rest {
    app.send(app.request(Method::PUT, path, key).json(&body)).await
}

/// The id member of a record (`"qu_id": "7"`).
/// A USERGROUP call with the admin key.
async fn ug(app: &TestApp, params: &[(&str, &str)]) -> Legacy {
    let mut all = vec![("key", app.admin_key.as_str()), ("reqtype", "USERGROUP")];
    all.extend_from_slice(params);
    app.legacy(&all).await
}

fn id_of(record: &Value, column: &str) -> String {
    let id = record[column].as_str().unwrap_or_else(|| panic!("{column} missing: {record}")).to_string();
    assert!(id.parse::<i64>().is_ok(), "{column} is not an id: {id}");
    id
}

fn id(resp: &Rest) -> i64 {
    resp.body["id"].as_i64().unwrap_or_else(|| panic!("no id: {:?}", resp.body))
}

#[tokio::test]
async fn tenant_object_writes_through_both_doors_need_one_connection() {
    let app = spawn_with_one_connection().await;
    let admin = app.admin_key.clone();
    let mut ops = Ledger::default();

    // Tenants and keys.
    let created = app.post("/v1/tenants", &admin, json!({"code": "ACME", "name": "ACME Ltd"})).await;
    ops.rest("create tenant", created, StatusCode::CREATED);
    let patched = app.patch("/v1/tenants/ACME", &admin, json!({"name": "Acme Inc"})).await;
    ops.rest("patch tenant", patched, StatusCode::OK);
    let spare = app.post("/v1/tenants", &admin, json!({"code": "SPARE", "name": "Spare Ltd"})).await;
    ops.rest("create second tenant", spare, StatusCode::CREATED);
    ops.rest("delete empty tenant", app.delete("/v1/tenants/SPARE", &admin).await, StatusCode::NO_CONTENT);
    let issued = app.post("/v1/tenants/ACME/api-keys", &admin, json!({"name": "crm", "read_only": false})).await;
    let issued = ops.rest("create tenant API key", issued, StatusCode::CREATED);
    let key = issued.body["key"].as_str().unwrap().to_string();
    let spare_key = app.post("/v1/tenants/ACME/api-keys", &admin, json!({"name": "spare"})).await;
    let spare_key = ops.rest("create second API key", spare_key, StatusCode::CREATED);
    let revoke = app.delete(&format!("/v1/tenants/ACME/api-keys/{}", id(&spare_key)), &admin).await;
    ops.rest("revoke API key", revoke, StatusCode::NO_CONTENT);

    // Extensions through REST.
    let body = json!({"number": "100", "name": "Desk", "tech": "PJSIP", "secret": "s3cret-pass"});
    let ext100 = id(&ops.rest(
        "create extension",
        app.post("/v1/tenants/ACME/extensions", &key, body).await,
        StatusCode::CREATED,
    ));
    let body = json!({"number": "101", "name": "Back", "tech": "PJSIP", "secret": "s3cret-pass"});
    let ext101 = id(&ops.rest(
        "create second extension",
        app.post("/v1/tenants/ACME/extensions", &key, body).await,
        StatusCode::CREATED,
    ));
    let path = format!("/v1/tenants/ACME/extensions/{ext101}");
    let patched = app.patch(&path, &key, json!({"name": "Front desk", "call_allowed": "all"})).await;
    ops.rest("patch extension", patched, StatusCode::OK);
    let body = json!({"number": "199", "name": "Temp", "tech": "PJSIP", "secret": "s3cret-pass"});
    let temp = id(&app.post("/v1/tenants/ACME/extensions", &key, body).await);
    let deleted = app.delete(&format!("/v1/tenants/ACME/extensions/{temp}"), &key).await;
    ops.rest("delete extension", deleted, StatusCode::NO_CONTENT);

    // Extensions through MANAGEDB.
    let sip = r#"{"ex_number":"1100","ex_name":"Test extension","ex_tech":"SIP","secret":"hackmeifyoucan"}"#;
    let added = mdb(&app, &key, &[("object", "extension"), ("action", "add"), ("tenant", "ACME")], Some(sip)).await;
    let ext1100 = id_of(&ops.legacy_record("MANAGEDB extension add", added), "ex_id");
    let update = [("object", "extension"), ("action", "update"), ("objectid", ext1100.as_str()), ("tenant", "ACME")];
    let updated = mdb(&app, &key, &update, Some(r#"{"ex_callallowed":"all"}"#)).await;
    assert_eq!(ops.legacy_record("MANAGEDB extension update", updated)["ex_callallowed"], "all");
    let delete = [("object", "extension"), ("action", "delete"), ("objectid", ext1100.as_str()), ("tenant", "ACME")];
    ops.legacy("MANAGEDB extension delete", mdb(&app, &key, &delete, None).await, "OK");

    // Queues and their members through both doors.
    let body = json!({"name": "Sales", "number": "600", "strategy": "rrmemory", "timeout": 25});
    let queue =
        id(&ops.rest("create queue", app.post("/v1/tenants/ACME/queues", &key, body).await, StatusCode::CREATED));
    let patched = app.patch(&format!("/v1/tenants/ACME/queues/{queue}"), &key, json!({"wrapup_time": 10})).await;
    ops.rest("patch queue", patched, StatusCode::OK);
    let member = format!("/v1/tenants/ACME/queues/{queue}/members/{ext101}");
    ops.rest("add queue member", put(&app, &member, &key, json!({"penalty": 2})).await, StatusCode::CREATED);
    let add = acme(&app, &key, "QUEUE", &[("action", "add"), ("number", "600"), ("extension", "100")]).await;
    ops.legacy("QUEUE add", add, "OK");
    let del = acme(&app, &key, "QUEUE", &[("action", "del"), ("number", "600"), ("extension", "100")]).await;
    ops.legacy("QUEUE del", del, "OK");
    ops.rest("remove queue member", app.delete(&member, &key).await, StatusCode::NO_CONTENT);
    let qdata = r#"{"qu_name":"Support Line","strategy":"RINGALL","timeout":"30"}"#;
    let added = mdb(&app, &key, &[("object", "queue"), ("action", "add"), ("tenant", "ACME")], Some(qdata)).await;
    let support = id_of(&ops.legacy_record("MANAGEDB queue add", added), "qu_id");
    let update = [("object", "queue"), ("action", "update"), ("objectid", support.as_str()), ("tenant", "ACME")];
    let updated = mdb(&app, &key, &update, Some(r#"{"qu_name":"Support","weight":3}"#)).await;
    assert_eq!(ops.legacy_record("MANAGEDB queue update", updated)["qu_name"], "Support");

    // Routing objects and their destination lists.
    let did = id(&ops.rest(
        "create DID",
        app.post("/v1/tenants/ACME/dids", &key, json!({"number": "5550100"})).await,
        StatusCode::CREATED,
    ));
    let ivr = id(&ops.rest(
        "create IVR",
        app.post("/v1/tenants/ACME/ivrs", &key, json!({"name": "Main menu", "timeout": 5})).await,
        StatusCode::CREATED,
    ));
    let condition = id(&ops.rest(
        "create condition",
        app.post("/v1/tenants/ACME/conditions", &key, json!({"name": "Office hours", "type": "weektime"})).await,
        StatusCode::CREATED,
    ));
    let huntlist = id(&ops.rest(
        "create huntlist",
        app.post("/v1/tenants/ACME/huntlists", &key, json!({"name": "Sales hunt", "ring_time": 20})).await,
        StatusCode::CREATED,
    ));
    let (ext_tag, queue_tag) = (format!("EXT-{ext100}"), format!("QUEUE-{queue}"));
    let resp = put(
        &app,
        &format!("/v1/tenants/ACME/dids/{did}/destinations"),
        &key,
        json!({"destinations": [queue_tag, ext_tag]}),
    )
    .await;
    ops.rest("set DID destinations", resp, StatusCode::OK);
    let resp =
        put(&app, &format!("/v1/tenants/ACME/ivrs/{ivr}/destinations/IVR_1"), &key, json!({"destinations": [ext_tag]}))
            .await;
    ops.rest("set IVR destinations", resp, StatusCode::OK);
    let resp = put(
        &app,
        &format!("/v1/tenants/ACME/conditions/{condition}/destinations?branch=true"),
        &key,
        json!({"destinations": [format!("IVR-{ivr}")]}),
    )
    .await;
    ops.rest("set condition destinations", resp, StatusCode::OK);
    let resp = put(
        &app,
        &format!("/v1/tenants/ACME/conditions/{condition}/schedule"),
        &key,
        json!({"entries": [{"param1": "1", "param2": "8:00", "param3": "13:00"}]}),
    )
    .await;
    ops.rest("set condition schedule", resp, StatusCode::OK);
    let resp = put(
        &app,
        &format!("/v1/tenants/ACME/huntlists/{huntlist}/extensions"),
        &key,
        json!({"destinations": [ext_tag, format!("EXT-{ext101}")]}),
    )
    .await;
    ops.rest("set huntlist extensions", resp, StatusCode::OK);
    let (ivr_id, did_id, hl_id, co_id) =
        (ivr.to_string(), did.to_string(), huntlist.to_string(), condition.to_string());
    let replace = [
        ("object", "DESTINATION"),
        ("action", "replace"),
        ("typesrc", "IVR_2"),
        ("typeidsrc", ivr_id.as_str()),
        ("tenant", "ACME"),
    ];
    let data = json!([format!("EXT-{ext101}"), "PARK-0"]).to_string();
    ops.legacy("MANAGEDB destination replace", mdb(&app, &key, &replace, Some(&data)).await, "OK");
    let set = [("object", "huntlist"), ("action", "setextensions"), ("objectid", hl_id.as_str()), ("tenant", "ACME")];
    let data = json!([ext_tag]).to_string();
    ops.legacy("MANAGEDB huntlist setextensions", mdb(&app, &key, &set, Some(&data)).await, "OK");
    let schedule =
        [("object", "CONDITION"), ("action", "replaceextendedinfos"), ("objectid", co_id.as_str()), ("tenant", "ACME")];
    let data = json!([{"param1": "2", "param2": "8:00", "param3": "13:00"}]).to_string();
    ops.legacy("MANAGEDB condition replaceextendedinfos", mdb(&app, &key, &schedule, Some(&data)).await, "OK");

    // A queue a destination still names: the conflict, answered at once on both doors.
    let refused = app.delete(&format!("/v1/tenants/ACME/queues/{queue}"), &key).await;
    let refused = ops.rest("delete queue still in use", refused, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "in_use", "{:?}", refused.body);
    let queue_id = queue.to_string();
    let delete = [("object", "queue"), ("action", "delete"), ("objectid", queue_id.as_str()), ("tenant", "ACME")];
    ops.legacy(
        "MANAGEDB queue delete still in use",
        mdb(&app, &key, &delete, None).await,
        &format!("Error: still used by destinations: DID {did} position 1"),
    );
    // Deleting the DID takes its list with it; then the queue goes.
    let delete = [("object", "did"), ("action", "delete"), ("objectid", did_id.as_str()), ("tenant", "ACME")];
    ops.legacy("MANAGEDB DID delete with its list", mdb(&app, &key, &delete, None).await, "OK");
    let deleted = app.delete(&format!("/v1/tenants/ACME/queues/{queue}"), &key).await;
    ops.rest("delete queue", deleted, StatusCode::NO_CONTENT);

    // Tenants through MANAGEDB (admin key).
    let relax = r#"{"te_code":"RELAX","te_name":"Relax & entertainment","pk_start":800,"pk_end":810}"#;
    let added = mdb(&app, &admin, &[("object", "tenant"), ("action", "add")], Some(relax)).await;
    let relax_id = id_of(&ops.legacy_record("MANAGEDB tenant add", added), "te_id");
    let update = [("object", "tenant"), ("action", "update"), ("objectid", relax_id.as_str())];
    let updated = mdb(&app, &admin, &update, Some(r#"{"te_name":"Relax and entertainment","pk_end":820}"#)).await;
    assert_eq!(ops.legacy_record("MANAGEDB tenant update", updated)["te_name"], "Relax and entertainment");
    let delete = [("object", "tenant"), ("action", "delete"), ("objectid", relax_id.as_str())];
    ops.legacy("MANAGEDB tenant delete", mdb(&app, &admin, &delete, None).await, "OK");

    // Writers queued on the one connection: each waits its turn, none waits for itself.
    let racers = (0..8).map(|n| {
        let body = json!({"number": format!("{}", 300 + n), "tech": "PJSIP", "secret": "s3cret-pass"});
        app.send(app.request(Method::POST, "/v1/tenants/ACME/extensions", &key).json(&body))
    });
    let answers = futures_util::future::join_all(racers).await;
    for answer in answers {
        ops.rest("create extension (8 at once)", answer, StatusCode::CREATED);
    }

    assert!(ops.count() >= 40, "{} operations: {:?}", ops.count(), ops.done);
}

#[tokio::test]
async fn account_balance_and_setting_writes_through_both_doors_need_one_connection() {
    let app = spawn_with_one_connection().await;
    let admin = app.admin_key.clone();
    let mut ops = Ledger::default();
    let acme_id = app.tenant("ACME").await.to_string();
    let key = app.tenant_key("ACME", false).await;
    let ext100 = app.extension("ACME", &key, "100").await;
    let ext101 = app.extension("ACME", &key, "101").await;

    // A user linked to the tenant creates a key; deleting the user revokes it in the same transaction.
    let user = app
        .post(
            "/v1/users",
            &admin,
            json!({"username": "ops", "password": "ops-password", "role": "operator", "tenants": ["ACME"]}),
        )
        .await;
    let user = id(&ops.rest("create user linked to a tenant", user, StatusCode::CREATED));
    let patched = app.patch(&format!("/v1/users/{user}"), &admin, json!({"role": "operator"})).await;
    ops.rest("patch user", patched, StatusCode::OK);
    let login = app.post("/v1/auth/login", "", json!({"username": "ops", "password": "ops-password"})).await;
    let login = ops.rest("login", login, StatusCode::OK);
    let token = login.body["access_token"].as_str().unwrap().to_string();
    let by_user = app
        .send(
            app.client
                .request(Method::POST, app.url("/v1/tenants/ACME/api-keys"))
                .bearer_auth(&token)
                .json(&json!({"name": "ops key"})),
        )
        .await;
    let by_user = ops.rest("create API key as the user", by_user, StatusCode::CREATED);
    let user_key = by_user.body["key"].as_str().unwrap().to_string();
    assert_eq!(app.get("/v1/tenants/ACME/extensions", &user_key).await.status, StatusCode::OK);
    let deleted = app.delete(&format!("/v1/users/{user}"), &admin).await;
    ops.rest("delete user (revokes its keys)", deleted, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/v1/tenants/ACME/extensions", &user_key).await.status,
        StatusCode::UNAUTHORIZED,
        "the user's key went with it"
    );

    // Users through MANAGEDB.
    let leandro = r#"{"us_username":"Leandro71","us_password":"sha256(change-me)","us_up_id":1}"#;
    let added = mdb(&app, &admin, &[("object", "user"), ("action", "add")], Some(leandro)).await;
    let leandro_id = id_of(&ops.legacy_record("MANAGEDB user add", added), "us_id");
    let update = [("object", "user"), ("action", "update"), ("objectid", leandro_id.as_str())];
    let updated = mdb(&app, &admin, &update, Some(r#"{"us_up_id":"7","us_password":"another-secret"}"#)).await;
    assert_eq!(ops.legacy_record("MANAGEDB user update", updated)["us_up_id"], "7");
    let delete = [("object", "user"), ("action", "delete"), ("objectid", leandro_id.as_str())];
    ops.legacy("MANAGEDB user delete", mdb(&app, &admin, &delete, None).await, "OK");

    // User groups through both doors.
    let member = app.post("/v1/users", &admin, json!({"username": "grp", "password": "grp-password"})).await;
    let member = id(&ops.rest("create user", member, StatusCode::CREATED)).to_string();
    let group = app.post("/v1/user-groups", &admin, json!({"name": "Resellers"})).await;
    let group = id(&ops.rest("create user group", group, StatusCode::CREATED)).to_string();
    let add_tenant = ug(&app, &[("action", "addtenant"), ("usergroupid", &group), ("tenantid", &acme_id)]).await;
    ops.legacy("USERGROUP addtenant", add_tenant, "OK");
    let params = [("action", "adduser"), ("usergroupid", &group), ("userid", &member), ("inerith", "on")];
    ops.legacy("USERGROUP adduser", ug(&app, &params).await, "OK");
    let resp = put(&app, &format!("/v1/user-groups/{group}/users/{member}"), &admin, json!({"inherit": false})).await;
    ops.rest("set user group member", resp, StatusCode::OK);
    let resp = app.delete(&format!("/v1/user-groups/{group}/tenants/ACME"), &admin).await;
    ops.rest("remove user group tenant", resp, StatusCode::NO_CONTENT);
    let del_user = ug(&app, &[("action", "deluser"), ("usergroupid", &group), ("userid", &member)]).await;
    ops.legacy("USERGROUP deluser", del_user, "OK");

    // Balance: legacy adjustment, idempotent REST adjustment (and its replay), floor.
    let balance = app
        .legacy(&[
            ("key", &admin),
            ("reqtype", "BALANCE"),
            ("tenant", "ACME"),
            ("amount", "100.50"),
            ("description", "test"),
        ])
        .await;
    ops.legacy("BALANCE", balance, "100.50");
    let adjust = || {
        app.request(Method::POST, "/v1/tenants/ACME/balance/adjustments", &admin)
            .header("Idempotency-Key", "one-connection-1")
            .json(&json!({"amount": "10", "description": "rest"}))
    };
    let first = ops.rest("balance adjustment", app.send(adjust()).await, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), "false");
    let again = ops.rest("balance adjustment replayed", app.send(adjust()).await, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), "true");
    let floor = put(&app, "/v1/tenants/ACME/balance", &admin, json!({"floor": "-50"})).await;
    let floor = ops.rest("set balance floor", floor, StatusCode::OK);
    assert_eq!(floor.body, json!({"balance": "110.50", "floor": "-50.00"}));

    // Flows.
    let flow = app.post("/v1/tenants/ACME/flows", &key, json!({"name": "Night", "number": "61", "value": "day"})).await;
    let flow = id(&ops.rest("create flow", flow, StatusCode::CREATED));
    let state = put(&app, &format!("/v1/tenants/ACME/flows/{flow}/state"), &key, json!({"state": "unavailable"})).await;
    ops.rest("set flow state", state, StatusCode::OK);
    let setflow = acme(&app, &key, "SETFLOW", &[("number", "61"), ("state", "inuse"), ("value", "night")]).await;
    ops.legacy("SETFLOW", setflow, "Success|Flow updated||");

    // Settings and DND.
    let setting = acme(&app, &key, "SETTING", &[("action", "SET"), ("code", "VMAUTORECOVER"), ("value", "no")]).await;
    ops.legacy("SETTING set", setting, "OK");
    let resp = put(&app, "/v1/tenants/ACME/settings/MAXCALLDURATION", &key, json!({"value": "3600"})).await;
    ops.rest("set setting", resp, StatusCode::OK);
    let dnd = acme(&app, &key, "DND", &[("action", "set"), ("number", "100"), ("value", "on")]).await;
    ops.legacy("DND set", dnd, "OK");
    let resp = put(&app, "/v1/tenants/ACME/dnd/100", &key, json!({"dnd": false})).await;
    ops.rest("set DND", resp, StatusCode::OK);

    // Phonebooks.
    let book = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "VIP"})).await;
    ops.rest("create phonebook", book, StatusCode::CREATED);
    let entries =
        app.post("/v1/tenants/ACME/phonebooks/VIP/entries", &key, json!([{"name": "Anna", "phone": "201"}])).await;
    let entries = ops.rest("add phonebook entries", entries, StatusCode::CREATED);
    let anna = entries.body["items"][0]["id"].as_i64().unwrap();
    let resp = app.delete(&format!("/v1/tenants/ACME/phonebooks/VIP/entries/{anna}"), &key).await;
    ops.rest("delete phonebook entry", resp, StatusCode::NO_CONTENT);
    ops.rest("delete phonebook", app.delete("/v1/tenants/ACME/phonebooks/VIP", &key).await, StatusCode::NO_CONTENT);
    let query = [("key", key.as_str()), ("reqtype", "PHONEBOOK"), ("tenant", "ACME"), ("subreqtype", "add")];
    let query = [query.as_slice(), &[("phonebook", "Default")]].concat();
    let added = app.legacy_post(&query, &[("jsondata", r#"{"NAME": "Ross", "PHONE1": "3564732920"}"#)]).await;
    let added = ops.legacy_prefix("PHONEBOOK add", added, "OK|");
    let peid = added.trim_start_matches("OK|").trim_end_matches('|').to_string();
    let delete =
        acme(&app, &key, "PHONEBOOK", &[("subreqtype", "delete"), ("phonebook", "Default"), ("peid", &peid)]).await;
    ops.legacy("PHONEBOOK delete", delete, "OK");

    // Voicemail boxes.
    let body =
        json!({"mailbox": "103", "password": "1234", "full_name": "Alice", "email": "a@example.com", "attach": true});
    let mailbox = app.post("/v1/tenants/ACME/voicemail-boxes", &key, body).await;
    let mailbox = id(&ops.rest("create voicemail box", mailbox, StatusCode::CREATED));
    let resp =
        app.patch(&format!("/v1/tenants/ACME/voicemail-boxes/{mailbox}"), &key, json!({"password": "8765"})).await;
    ops.rest("patch voicemail box", resp, StatusCode::OK);
    let vm = r#"{"mailbox":"9000","password":"1234567","fullname":"This is a test","email":"test@mirtapbx.com"}"#;
    let added = mdb(&app, &key, &[("object", "voicemail"), ("action", "add"), ("tenant", "ACME")], Some(vm)).await;
    id_of(&ops.legacy_record("MANAGEDB voicemail add", added), "uniqueid");

    // Virtual extensions.
    let base = "/v1/tenants/ACME/virtual-extensions/700/members";
    let resp = app.send(app.request(Method::PUT, &format!("{base}/{ext100}"), &key)).await;
    ops.rest("add virtual extension member", resp, StatusCode::CREATED);
    let add = acme(&app, &key, "VIRTUALEXT", &[("action", "add"), ("number", "700"), ("extension", "101")]).await;
    ops.legacy("VIRTUALEXT add", add, "OK");
    let del = acme(&app, &key, "VIRTUALEXT", &[("action", "del"), ("number", "700"), ("extension", "100")]).await;
    ops.legacy("VIRTUALEXT del", del, "OK");
    let resp = app.delete(&format!("{base}/{ext101}"), &key).await;
    ops.rest("remove virtual extension member", resp, StatusCode::NO_CONTENT);
    let resp = app.delete("/v1/tenants/ACME/virtual-extensions/700", &key).await;
    ops.rest("delete virtual extension", resp, StatusCode::NO_CONTENT);

    // The audit log holds the entries the writes made in their transactions, from both doors.
    let audit = ops.rest("list audit", app.get("/v1/audit?limit=500", &admin).await, StatusCode::OK);
    let entries = audit.body["items"].as_array().unwrap();
    for door in ["rest", "legacy"] {
        assert!(entries.iter().any(|e| e["door"] == door), "no {door} entry: {:?}", audit.body);
    }

    assert!(ops.count() >= 35, "{} operations: {:?}", ops.count(), ops.done);
}
