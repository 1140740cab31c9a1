//! The audit log: every write through either door leaves one entry (who, tenant, object, action,
//! before/after with credentials blanked, request id, client address), written with the write or
//! not at all; admins read everything, a tenant its own entries, read-only keys nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Rest, TestApp};

/// A read-write key of `code` and its id.
async fn key_with_id(app: &TestApp, code: &str, read_only: bool) -> (String, i64) {
    let resp = app
        .post(&format!("/v1/tenants/{code}/api-keys"), &app.admin_key, json!({"name": "t", "read_only": read_only}))
        .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    (resp.body["key"].as_str().unwrap().to_string(), resp.body["id"].as_i64().unwrap())
}

fn items(page: &Rest) -> Vec<Value> {
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    page.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn writes_through_both_doors_are_recorded_with_who_what_and_where() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let (key, key_id) = key_with_id(&app, "ACME", false).await;

    // REST create, with a request id of our own.
    let created = app
        .send(
            app.request(Method::POST, "/v1/tenants/ACME/extensions", &key)
                .header("X-Request-Id", "audit-test-create-1")
                .json(&json!({"number": "100", "name": "Desk", "tech": "PJSIP", "secret": "s3cret-pass-1"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap().to_string();

    // Legacy update: a new SIP password and a new name.
    let updated = app
        .legacy_post(
            &[
                ("key", &key),
                ("reqtype", "MANAGEDB"),
                ("object", "extension"),
                ("action", "update"),
                ("objectid", &id),
                ("tenant", "ACME"),
            ],
            &[("jsondata", r#"{"ex_name":"Front desk","password":"an0ther-secret","ex_webpassword":"W3b-pass-word"}"#)],
        )
        .await;
    assert!(updated.body.starts_with('{'), "{}", updated.body);

    // REST delete.
    let deleted = app.delete(&format!("/v1/tenants/ACME/extensions/{id}"), &key).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);

    let page = app.get("/v1/audit?tenant=ACME&object=extension", &key).await;
    let entries = items(&page);
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["delete", "update", "create"], "newest first");
    for entry in &entries {
        assert_eq!(entry["actor_kind"], "key");
        assert_eq!(entry["actor_id"], key_id);
        assert_eq!(entry["tenant"], "ACME");
        assert_eq!(entry["object_id"], id.as_str());
        assert_eq!(entry["client_address"], "127.0.0.1");
        assert!(entry["time"].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()), "{entry}");
    }
    let (delete, update, create) = (&entries[0], &entries[1], &entries[2]);
    assert_eq!(create["door"], "rest");
    assert_eq!(create["request_id"], "audit-test-create-1");
    assert_eq!(create["after"]["ex_number"], "100");
    assert!(create["before"].is_null());
    assert_eq!(update["door"], "legacy");
    assert!(update["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(
        (update["before"]["ex_name"].as_str(), update["after"]["ex_name"].as_str()),
        (Some("Desk"), Some("Front desk"))
    );
    let changed: Vec<&str> = update["changed"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for column in ["ex_name", "ex_md5secret", "ex_webpassword"] {
        assert!(changed.contains(&column), "{column} not in {changed:?}");
    }
    assert!(!changed.contains(&"ex_number"), "{changed:?}");
    assert_eq!(delete["door"], "rest");
    assert_eq!(delete["before"]["ex_name"], "Front desk");
    assert!(delete["after"].is_null());

    // No credential reaches the audit, in any form.
    let text = page.body.to_string();
    for secret in ["s3cret-pass-1", "an0ther-secret", "W3b-pass-word", &key] {
        assert!(!text.contains(secret), "{secret} in the audit");
    }
    assert!(create["after"].get("ex_md5secret").is_none(), "derived digests are left out");
    assert_eq!(update["after"]["ex_webpassword"], "", "password hashes are blanked");
}

#[tokio::test]
async fn a_refused_write_leaves_no_entry() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let (key, key_id) = key_with_id(&app, "ACME", false).await;
    let refused = app.post("/v1/tenants/ACME/extensions", &key, json!({"number": "abc", "name": "x"})).await;
    assert!(refused.status.is_client_error(), "{:?}", refused.body);
    let duplicate = app.post("/v1/tenants/ACME/queues", &key, json!({"name": "sales"})).await;
    assert_eq!(duplicate.status, StatusCode::CREATED);
    let again = app.post("/v1/tenants/ACME/queues", &key, json!({"name": "sales"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{:?}", again.body);
    let entries = items(&app.get(&format!("/v1/audit?tenant=ACME&key_id={key_id}"), &key).await);
    let kinds: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["object"].as_str().unwrap(), e["action"].as_str().unwrap())).collect();
    assert_eq!(kinds, [("queue", "create")]);
}

#[tokio::test]
async fn tenants_read_only_their_own_entries_and_read_only_keys_none() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    let (acme, _) = key_with_id(&app, "ACME", false).await;
    let (beta, beta_id) = key_with_id(&app, "BETA", false).await;
    let (acme_ro, _) = key_with_id(&app, "ACME", true).await;
    app.post("/v1/tenants/ACME/queues", &acme, json!({"name": "acme-q"})).await;
    app.post("/v1/tenants/BETA/queues", &beta, json!({"name": "beta-q"})).await;

    // Another tenant's audit answers as a missing tenant does.
    let foreign = app.get("/v1/audit?tenant=ACME", &beta).await;
    let missing = app.get("/v1/audit?tenant=NOPE", &beta).await;
    assert_eq!((foreign.status, foreign.code()), (missing.status, missing.code()));
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    // Without a tenant, a tenant key reads its own tenant only.
    let own = items(&app.get("/v1/audit", &beta).await);
    assert!(own.iter().all(|e| e["tenant"] == "BETA"), "{own:?}");
    assert!(own.iter().any(|e| e["after"]["qu_name"] == "beta-q"), "{own:?}");
    // Read-only keys cannot read the audit.
    let ro = app.get("/v1/audit?tenant=ACME", &acme_ro).await;
    assert_eq!(ro.status, StatusCode::FORBIDDEN, "{:?}", ro.body);

    // The admin reads everything, including the key creations made with the admin key.
    let all = items(&app.get("/v1/audit?limit=500", &app.admin_key).await);
    assert!(all.iter().any(|e| e["tenant"] == "ACME") && all.iter().any(|e| e["tenant"] == "BETA"));
    assert!(all.iter().any(|e| e["object"] == "api_key" && e["action"] == "create" && e["tenant"] == "BETA"));
    assert!(all.iter().all(|e| e["after"].get("hash").is_none() && e["after"].get("key").is_none()));
    // Filters.
    let by_key = items(&app.get(&format!("/v1/audit?key_id={beta_id}"), &app.admin_key).await);
    assert_eq!(by_key.len(), 1);
    assert_eq!(by_key[0]["after"]["qu_name"], "beta-q");
    let by_tenant = items(&app.get("/v1/audit?tenant=ACME&object=queue&action=create", &app.admin_key).await);
    assert_eq!(by_tenant.len(), 1);
    let future = items(&app.get("/v1/audit?since=2999-01-01T00:00:00Z", &app.admin_key).await);
    assert!(future.is_empty());
    // Filters combine with AND and an entry has one actor: a key and a user together match nothing.
    let both = app.get(&format!("/v1/audit?key_id={beta_id}&user_id=1"), &app.admin_key).await;
    assert_eq!((both.status, &both.body["items"]), (StatusCode::OK, &serde_json::json!([])), "{:?}", both.body);
}

#[tokio::test]
async fn pages_walk_back_through_history_without_gaps() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let (key, _) = key_with_id(&app, "ACME", false).await;
    for n in 0..7 {
        let resp = app.post("/v1/tenants/ACME/queues", &key, json!({"name": format!("q{n}")})).await;
        assert_eq!(resp.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("/v1/audit?tenant=ACME&object=queue&limit=3&cursor={cursor}"), &key).await;
        for entry in items(&page) {
            seen.push(entry["after"]["qu_name"].as_str().unwrap().to_string());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, ["q6", "q5", "q4", "q3", "q2", "q1", "q0"]);
}

#[tokio::test]
async fn other_writes_are_recorded_too() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let (key, _) = key_with_id(&app, "ACME", false).await;
    let (_, doomed_id) = key_with_id(&app, "ACME", false).await;
    app.extension("ACME", &key, "100").await;
    let queue = app.post("/v1/tenants/ACME/queues", &key, json!({"name": "sales"})).await;
    let queue_id = queue.body["id"].as_i64().unwrap();

    let revoked = app.delete(&format!("/v1/tenants/ACME/api-keys/{doomed_id}"), &key).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{:?}", revoked.body);
    let member = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "QUEUE"),
            ("action", "add"),
            ("tenant", "ACME"),
            ("id", &queue_id.to_string()),
            ("extension", "100"),
        ])
        .await;
    assert!(member.status.is_success(), "{}", member.body);
    let setting = app
        .send(
            app.request(Method::PUT, "/v1/tenants/ACME/settings/RECORDINGFORMAT", &key).json(&json!({"value": "mp3"})),
        )
        .await;
    assert!(setting.status.is_success(), "{:?}", setting.body);
    let phonebook = app.post("/v1/tenants/ACME/phonebooks", &key, json!({"name": "clients"})).await;
    assert!(phonebook.status.is_success(), "{:?}", phonebook.body);

    let entries = items(&app.get("/v1/audit?tenant=ACME&limit=100", &key).await);
    let has = |object: &str, action: &str| entries.iter().find(|e| e["object"] == object && e["action"] == action);
    let revoke = has("api_key", "revoke").expect("key revocation recorded");
    assert_eq!(revoke["object_id"], doomed_id.to_string());
    assert!(revoke["after"]["revoked_at"].is_string());
    let member = has("queue_member", "create").expect("queue member recorded");
    assert_eq!(member["door"], "legacy");
    assert_eq!(member["after"]["number"], "100");
    let setting = has("setting", "set").expect("setting recorded");
    assert_eq!(
        (setting["object_id"].as_str(), setting["after"]["value"].as_str()),
        (Some("RECORDINGFORMAT"), Some("mp3"))
    );
    assert!(has("phonebook", "create").is_some(), "{entries:?}");
}

#[tokio::test]
async fn entries_past_the_retention_period_are_deleted() {
    let app = TestApp::spawn_with(|config| config.audit_retention_days = 30).await;
    app.tenant("ACME").await;
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let old = pbx_gateway::store::audit::AuditRow {
        id: 0,
        at: "2020-01-01 00:00:00".into(),
        actor_kind: "system".into(),
        actor_id: None,
        tenant_id: None,
        tenant_code: None,
        object: "tenant".into(),
        object_id: Some("1".into()),
        action: "update".into(),
        before: None,
        after: None,
        changed: None,
        door: "cli".into(),
        request_id: None,
        client: None,
    };
    pbx_gateway::store::audit::insert(&mut conn, &old).await.unwrap();
    drop(conn);
    let before = items(&app.get("/v1/audit?limit=500", &app.admin_key).await).len();
    let deleted = pbx_gateway::service::audit::forget_expired(&app.core).await.unwrap();
    assert_eq!(deleted, 1);
    let after = items(&app.get("/v1/audit?limit=500", &app.admin_key).await);
    assert_eq!(after.len(), before - 1);
    assert!(after.iter().all(|e| e["time"].as_str().is_some_and(|t| !t.starts_with("2020"))));
}
