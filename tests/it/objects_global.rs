//! Global provisioned objects (CONTRACT §2.3) through both doors: providers, routing profiles and
//! routes are admin-only; the custom destination type catalogue is readable by every key and
//! writable by admins only, and never deleted. Plus the vendor's reference requests for them.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, TestApp};
use crate::objects_tenant::{
    assert_error_line, assert_invalid, assert_members, json_of, list_ids, mdb, record_of, text_of,
};

/// One global object: its names in both doors and data for every check.
struct Case {
    object: &'static str,
    /// REST collection, e.g. `/v1/providers`.
    path: &'static str,
    id: &'static str,
    rest_create: Value,
    legacy_seen: Value,
    legacy_add: String,
    rest_seen: Value,
    rest_patch: Value,
    legacy_patched: Value,
    legacy_update: String,
    rest_updated: Value,
    filter: String,
    rest_invalid: Value,
    rest_invalid_field: &'static str,
    legacy_invalid: String,
    deletable: bool,
}

/// Ids of a routing profile and a provider that routes can refer to.
struct Refs {
    profile: i64,
    provider: i64,
}

async fn refs(app: &TestApp) -> Refs {
    let key = &app.admin_key;
    let profile = app.post("/v1/routing-profiles", key, json!({"name": "Base", "type": "VOICE"})).await;
    assert_eq!(profile.status, StatusCode::CREATED, "{:?}", profile.body);
    let provider = app.post("/v1/providers", key, json!({"peer_name": "base_trunk", "tech": "SIP"})).await;
    assert_eq!(provider.status, StatusCode::CREATED, "{:?}", provider.body);
    Refs { profile: profile.body["id"].as_i64().unwrap(), provider: provider.body["id"].as_i64().unwrap() }
}

fn cases(r: &Refs) -> Vec<Case> {
    let (rp, pr) = (r.profile, r.provider);
    vec![
        Case {
            object: "customtypes",
            path: "/v1/custom-destination-types",
            id: "ct_id",
            rest_create: json!({"name": "QUEUECALLBACK", "description": "Call back later", "param1_label": "Number"}),
            legacy_seen: json!({"ct_name": "QUEUECALLBACK", "ct_description": "Call back later", "ct_param1label": "Number"}),
            legacy_add: r#"{"ct_name":"VOICEBOT","ct_param1label":"Bot id","ct_param2label":"Language"}"#.into(),
            rest_seen: json!({"name": "VOICEBOT", "param1_label": "Bot id", "param2_label": "Language", "description": ""}),
            rest_patch: json!({"param2_label": "Timeout (s)"}),
            legacy_patched: json!({"ct_param2label": "Timeout (s)", "ct_name": "QUEUECALLBACK"}),
            legacy_update: r#"{"ct_description":"AI agent"}"#.into(),
            rest_updated: json!({"description": "AI agent", "name": "VOICEBOT"}),
            filter: "name=QUEUECALLBACK".into(),
            rest_invalid: json!({"name": ""}),
            rest_invalid_field: "name",
            legacy_invalid: r#"{"ct_description":"no name"}"#.into(),
            deletable: false,
        },
        Case {
            object: "provider",
            path: "/v1/providers",
            id: "pr_id",
            rest_create: json!({"peer_name": "carrier_one", "name": "Carrier One", "tech": "pjsip", "use_realtime": true, "host": "203.0.113.7", "port": 5060, "allow": "alaw,ulaw", "secret": "trunk-s3cret"}),
            legacy_seen: json!({"pr_peername": "carrier_one", "pr_name": "Carrier One", "pr_tech": "PJSIP", "pr_userealtime": "on", "host": "203.0.113.7", "port": "5060", "allow": "alaw,ulaw", "secret": ""}),
            legacy_add: r#"{"pr_peername":"new_provider","pr_name":"New Provider","pr_tech":"SIP","pr_userealtime":"on","allow":"'alaw:20","host":"172.16.1.100","secret":"trunk-s3cret"}"#.into(),
            rest_seen: json!({"peer_name": "new_provider", "name": "New Provider", "tech": "SIP", "use_realtime": true, "allow": "'alaw:20", "host": "172.16.1.100", "port": null}),
            rest_patch: json!({"use_realtime": false, "secret": "another-s3cret"}),
            legacy_patched: json!({"pr_userealtime": "", "secret": "", "pr_peername": "carrier_one"}),
            legacy_update: r#"{"pr_peername":"test_extradevel","pr_name":"Test extradevel"}"#.into(),
            rest_updated: json!({"peer_name": "test_extradevel", "name": "Test extradevel", "allow": "'alaw:20"}),
            filter: "peer_name=carrier_one".into(),
            rest_invalid: json!({"peer_name": "bad_tech", "tech": "H323"}),
            rest_invalid_field: "tech",
            legacy_invalid: r#"{"pr_name":"No peer name"}"#.into(),
            deletable: true,
        },
        Case {
            object: "routingprofile",
            path: "/v1/routing-profiles",
            id: "rp_id",
            rest_create: json!({"name": "International", "type": "voice"}),
            legacy_seen: json!({"rp_name": "International", "rp_type": "VOICE"}),
            legacy_add: r#"{"rp_name":"Only National","rp_type":"VOICE"}"#.into(),
            rest_seen: json!({"name": "Only National", "type": "VOICE"}),
            rest_patch: json!({"type": "SMS"}),
            legacy_patched: json!({"rp_type": "SMS", "rp_name": "International"}),
            legacy_update: r#"{"rp_name":"National only"}"#.into(),
            rest_updated: json!({"name": "National only", "type": "VOICE"}),
            filter: "name=International".into(),
            rest_invalid: json!({"name": "Fax", "type": "FAX"}),
            rest_invalid_field: "type",
            legacy_invalid: r#"{"rp_type":"VOICE"}"#.into(),
            deletable: true,
        },
        Case {
            object: "route",
            path: "/v1/routes",
            id: "dl_id",
            rest_create: json!({"routing_profile_id": rp, "name": "Mobiles", "regex": "^3.*", "provider_id": pr, "use_pin": true}),
            legacy_seen: json!({"dl_rp_id": rp.to_string(), "dl_name": "Mobiles", "dl_regex": "^3.*", "dl_pr_id": pr.to_string(), "dl_usepin": "on", "dl_emergencyroute": ""}),
            legacy_add: format!(r#"{{"dl_rp_id":"{rp}","dl_name":"Free Numbers","dl_regex":"^800.*","dl_pr_id":"{pr}"}}"#),
            rest_seen: json!({"routing_profile_id": rp, "name": "Free Numbers", "regex": "^800.*", "provider_id": pr, "use_pin": false, "emergency_route": false}),
            rest_patch: json!({"emergency_route": true, "position": 2}),
            legacy_patched: json!({"dl_emergencyroute": "on", "dl_position": "2", "dl_usepin": "on"}),
            legacy_update: r#"{"dl_emergencyroute":"","dl_usepin":"on"}"#.into(),
            rest_updated: json!({"emergency_route": false, "use_pin": true, "name": "Free Numbers"}),
            filter: "name=Mobiles".into(),
            rest_invalid: json!({"routing_profile_id": rp, "regex": "^9.*", "provider_id": 999}),
            rest_invalid_field: "provider_id",
            legacy_invalid: format!(r#"{{"dl_rp_id":"{rp}","dl_regex":"^9.*","dl_pr_id":"999"}}"#),
            deletable: true,
        },
    ]
}

#[tokio::test]
async fn admin_writes_through_one_door_read_the_same_through_the_other() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.clone();
    let refs = refs(&app).await;
    for case in cases(&refs) {
        // REST create -> MANAGEDB get / list.
        let created = app.post(case.path, &key, case.rest_create.clone()).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}: {:?}", case.object, created.body);
        let id = created.body["id"].as_i64().unwrap().to_string();
        let item = format!("{}/{id}", case.path);
        assert_eq!(created.header("location"), item, "{}", case.object);
        assert!(!created.body.to_string().contains("s3cret"), "{}: {:?}", case.object, created.body);
        assert!(created.body.get("secret").is_none(), "{}", case.object);
        let get = [("object", case.object), ("action", "get"), ("objectid", id.as_str())];
        let answer = mdb(&app, &key, &get, None).await;
        assert!(!answer.body.contains("s3cret"), "{}: {answer:?}", case.object);
        assert_members(&record_of(&answer), &case.legacy_seen, case.object);
        let list = mdb(&app, &key, &[("object", case.object), ("action", "list")], None).await;
        assert!(list_ids(&list, case.id).contains(&id), "{}", case.object);

        // REST PATCH -> MANAGEDB get; REST filters.
        let patched = app.patch(&item, &key, case.rest_patch.clone()).await;
        assert_eq!(patched.status, StatusCode::OK, "{}: {:?}", case.object, patched.body);
        assert!(!patched.body.to_string().contains("s3cret"), "{}", case.object);
        assert_members(&record_of(&mdb(&app, &key, &get, None).await), &case.legacy_patched, case.object);
        let filtered = app.get(&format!("{}?{}", case.path, case.filter), &key).await;
        assert_eq!(filtered.body["items"], json!([patched.body]), "{}: filter {}", case.object, case.filter);

        // MANAGEDB add -> REST get; MANAGEDB update -> REST get.
        let add = mdb(&app, &key, &[("object", case.object), ("action", "add")], Some(&case.legacy_add)).await;
        assert!(!add.body.contains("s3cret"), "{}: {add:?}", case.object);
        let added = record_of(&add);
        let added_id = added[case.id].as_str().unwrap().to_string();
        let added_item = format!("{}/{added_id}", case.path);
        let got = app.get(&added_item, &key).await;
        assert_eq!(got.status, StatusCode::OK, "{}: {:?}", case.object, got.body);
        assert_members(&got.body, &case.rest_seen, case.object);
        let params = [("object", case.object), ("action", "update"), ("objectid", added_id.as_str())];
        record_of(&mdb(&app, &key, &params, Some(&case.legacy_update)).await);
        assert_members(&app.get(&added_item, &key).await.body, &case.rest_updated, case.object);

        // Invalid input: refused by both doors, nothing written.
        let before = app.get(case.path, &key).await.body["items"].as_array().map(Vec::len);
        assert_invalid(
            &app.post(case.path, &key, case.rest_invalid.clone()).await,
            case.rest_invalid_field,
            case.object,
        );
        let refused = mdb(&app, &key, &[("object", case.object), ("action", "add")], Some(&case.legacy_invalid)).await;
        assert_error_line(&refused, case.object);
        assert_eq!(app.get(case.path, &key).await.body["items"].as_array().map(Vec::len), before, "{}", case.object);

        // Delete through one door, gone in the other.
        let delete = [("object", case.object), ("action", "delete"), ("objectid", added_id.as_str())];
        if case.deletable {
            assert_eq!(app.delete(&item, &key).await.status, StatusCode::NO_CONTENT, "{}", case.object);
            assert_eq!(text_of(&mdb(&app, &key, &get, None).await), "null", "{}", case.object);
            assert_eq!(text_of(&mdb(&app, &key, &delete, None).await), "OK", "{}", case.object);
            assert_eq!(app.get(&added_item, &key).await.status, StatusCode::NOT_FOUND, "{}", case.object);
        } else {
            assert_eq!(app.delete(&item, &key).await.status, StatusCode::METHOD_NOT_ALLOWED, "{}", case.object);
            assert_eq!(text_of(&mdb(&app, &key, &delete, None).await), "Unknown action", "{}", case.object);
            assert_eq!(app.get(&added_item, &key).await.status, StatusCode::OK, "{}", case.object);
        }
    }
}

#[tokio::test]
async fn tenant_keys_are_refused_on_admin_objects_in_both_doors() {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    let refs = refs(&app).await;
    let keys = [app.tenant_key("TA", false).await, app.tenant_key("TA", true).await];
    for case in cases(&refs).into_iter().filter(|c| c.object != "customtypes") {
        let created = app.post(case.path, &app.admin_key, case.rest_create.clone()).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}: {:?}", case.object, created.body);
        let id = created.body["id"].as_i64().unwrap().to_string();
        let item = format!("{}/{id}", case.path);
        for key in &keys {
            for (method, path, body) in [
                (Method::GET, case.path, None),
                (Method::POST, case.path, Some(&case.rest_create)),
                (Method::GET, item.as_str(), None),
                (Method::PATCH, item.as_str(), Some(&case.rest_patch)),
                (Method::DELETE, item.as_str(), None),
            ] {
                let mut request = app.request(method.clone(), path, key);
                if let Some(body) = body {
                    request = request.json(body);
                }
                let resp = app.send(request).await;
                assert_eq!(resp.status, StatusCode::FORBIDDEN, "{method} {path}: {:?}", resp.body);
                assert_eq!(resp.code(), "admin_required", "{method} {path}");
            }
            for (action, data) in [
                ("list", None),
                ("get", None),
                ("add", Some(case.legacy_add.as_str())),
                ("update", Some(case.legacy_update.as_str())),
                ("delete", None),
            ] {
                for tenant in [None, Some("TA")] {
                    let mut params = vec![("object", case.object), ("action", action), ("objectid", id.as_str())];
                    params.extend(tenant.map(|t| ("tenant", t)));
                    let answer = mdb(&app, key, &params, data).await;
                    assert_eq!(text_of(&answer), KEY_ERROR, "{} {action} tenant={tenant:?}", case.object);
                }
            }
        }
        let after = app.get(&item, &app.admin_key).await;
        assert_eq!(after.body, created.body, "{}: changed by a tenant key", case.object);
    }
    let routes = app.get(&format!("/v1/routing-profiles/{}/routes", refs.profile), &keys[0]).await;
    assert_eq!(routes.status, StatusCode::FORBIDDEN);
    assert_eq!(routes.code(), "admin_required");
}

#[tokio::test]
async fn custom_types_are_readable_by_every_key_and_writable_by_admins_only() {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    let rw = app.tenant_key("TA", false).await;
    let ro = app.tenant_key("TA", true).await;
    for key in [&rw, &ro] {
        let list = app.get("/v1/custom-destination-types", key).await;
        assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
        let items = list.body["items"].as_array().unwrap();
        assert!(items.iter().any(|t| t["name"] == "DIAL"), "{items:?}");
        let id = items[0]["id"].as_i64().unwrap().to_string();
        let one = app.get(&format!("/v1/custom-destination-types/{id}"), key).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.body, items[0]);
        let by_name = app.get("/v1/custom-destination-types?name=GOTO", key).await;
        assert_eq!(by_name.body["items"].as_array().map(Vec::len), Some(1));

        // Through MANAGEDB with the key's own tenant, as every tenant-key call (CONTRACT §0.5).
        let listed = mdb(&app, key, &[("object", "customtypes"), ("action", "list"), ("tenant", "TA")], None).await;
        assert_eq!(list_ids(&listed, "ct_id").len(), items.len());
        let params = [("object", "customtype"), ("action", "get"), ("objectid", id.as_str()), ("tenant", "TA")];
        assert_eq!(record_of(&mdb(&app, key, &params, None).await)["ct_id"], id.as_str());
        let no_tenant = mdb(&app, key, &[("object", "customtypes"), ("action", "list")], None).await;
        assert_eq!(text_of(&no_tenant), KEY_ERROR);

        let item = format!("/v1/custom-destination-types/{id}");
        for resp in [
            app.post("/v1/custom-destination-types", key, json!({"name": "SNEAKY"})).await,
            app.patch(&item, key, json!({"description": "changed"})).await,
        ] {
            assert_eq!(resp.status, StatusCode::FORBIDDEN, "{:?}", resp.body);
            assert_eq!(resp.code(), "admin_required");
        }
        assert_eq!(app.delete(&item, key).await.status, StatusCode::METHOD_NOT_ALLOWED);
        for (action, data) in [("add", Some(r#"{"ct_name":"SNEAKY"}"#)), ("update", Some(r#"{"ct_description":"x"}"#))]
        {
            let params = [("object", "customtypes"), ("action", action), ("tenant", "TA"), ("objectid", id.as_str())];
            assert_eq!(text_of(&mdb(&app, key, &params, data).await), KEY_ERROR, "{action}");
        }
        let params = [("object", "customtypes"), ("action", "delete"), ("tenant", "TA"), ("objectid", id.as_str())];
        assert_eq!(text_of(&mdb(&app, key, &params, None).await), "Unknown action");
        assert_eq!(app.get(&item, key).await.body, items[0], "unchanged");
    }
    assert_eq!(app.get("/v1/custom-destination-types?name=SNEAKY", &rw).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_route_needs_an_existing_profile_and_provider() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.clone();
    let refs = refs(&app).await;
    let (rp, pr) = (refs.profile, refs.provider);
    let resp = app.post("/v1/routes", &key, json!({"routing_profile_id": rp, "regex": "^9", "provider_id": 999})).await;
    assert_invalid(&resp, "provider_id", "unknown provider");
    let resp = app.post("/v1/routes", &key, json!({"routing_profile_id": 999, "regex": "^9", "provider_id": pr})).await;
    assert_invalid(&resp, "routing_profile_id", "unknown profile");
    let resp = app.post("/v1/routes", &key, json!({"routing_profile_id": rp, "provider_id": pr})).await;
    assert_invalid(&resp, "regex", "no regex");
    let add = |data: String| {
        let app = &app;
        let key = key.clone();
        async move { mdb(app, &key, &[("object", "route"), ("action", "add")], Some(&data)).await }
    };
    let unknown_provider = add(format!(r#"{{"dl_rp_id":"{rp}","dl_regex":"^9","dl_pr_id":"999"}}"#)).await;
    assert_eq!(text_of(&unknown_provider), "Error: dl_pr_id: no provider with id 999");
    let unknown_profile = add(format!(r#"{{"dl_rp_id":"999","dl_regex":"^9","dl_pr_id":"{pr}"}}"#)).await;
    assert_eq!(text_of(&unknown_profile), "Error: dl_rp_id: no routingprofile with id 999");
    assert_eq!(text_of(&mdb(&app, &key, &[("object", "route"), ("action", "list")], None).await), "[]");

    // A valid route cannot be moved to a provider that does not exist either.
    let created =
        app.post("/v1/routes", &key, json!({"routing_profile_id": rp, "regex": "^9", "provider_id": pr})).await;
    let item = format!("/v1/routes/{}", created.body["id"]);
    assert_invalid(&app.patch(&item, &key, json!({"provider_id": 12345})).await, "provider_id", "patch");
    assert_eq!(app.get(&item, &key).await.body["provider_id"], pr);
}

#[tokio::test]
async fn the_routes_of_a_routing_profile() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.clone();
    let refs = refs(&app).await;
    let other = app.post("/v1/routing-profiles", &key, json!({"name": "Other"})).await.body["id"].as_i64().unwrap();
    let mut mine = Vec::new();
    for (profile, regex) in [(refs.profile, "^1"), (other, "^2"), (refs.profile, "^3")] {
        let body = json!({"routing_profile_id": profile, "regex": regex, "provider_id": refs.provider});
        let resp = app.post("/v1/routes", &key, body).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
        if profile == refs.profile {
            mine.push(resp.body);
        }
    }
    let listed = app.get(&format!("/v1/routing-profiles/{}/routes", refs.profile), &key).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    assert_eq!(listed.body["items"], json!(mine));
    let page = app.get(&format!("/v1/routing-profiles/{}/routes?limit=1", refs.profile), &key).await;
    assert_eq!(page.body["items"], json!([mine[0]]));
    assert!(page.body["next_cursor"].is_string());
    let filtered = app.get(&format!("/v1/routes?routing_profile_id={}", refs.profile), &key).await;
    assert_eq!(filtered.body["items"], json!(mine));
    let missing = app.get("/v1/routing-profiles/987654/routes", &key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");

    // MANAGEDB route list with routingprofileid (CONTRACT §2.3) sees the same routes.
    let rp = refs.profile.to_string();
    let legacy = mdb(&app, &key, &[("object", "route"), ("routingprofileid", &rp), ("action", "list")], None).await;
    let ids: Vec<String> = mine.iter().map(|r| r["id"].to_string()).collect();
    assert_eq!(list_ids(&legacy, "dl_id"), ids);
    let none = mdb(&app, &key, &[("object", "route"), ("routingprofileid", "987654"), ("action", "list")], None).await;
    assert_eq!(text_of(&none), "[]");
}

#[tokio::test]
async fn the_provider_secret_is_kept_for_the_pbx_but_never_shown() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.clone();
    let body = json!({"peer_name": "carrier", "secret": "trunk-s3cret", "username": "acct42"});
    let created = app.post("/v1/providers", &key, body).await;
    let id = created.body["id"].as_i64().unwrap().to_string();
    let stored: String =
        sqlx::query_scalar("SELECT secret FROM pr_providers").fetch_one(app.core.db().pool()).await.unwrap();
    assert_eq!(stored, "trunk-s3cret");
    for answer in [
        mdb(&app, &key, &[("object", "provider"), ("action", "list")], None).await,
        mdb(&app, &key, &[("object", "provider"), ("action", "get"), ("objectid", &id)], None).await,
    ] {
        assert!(!answer.body.contains("s3cret"), "{answer:?}");
        assert!(answer.body.contains("\"secret\":\"\""), "{answer:?}");
    }
    let got = app.get(&format!("/v1/providers/{id}"), &key).await;
    assert!(got.body.get("secret").is_none());
    assert_eq!(got.body["username"], "acct42");
}

// ---------------------------------------------------------------------------------------------
// The vendor's reference requests (examples.jsonl) for global objects, as data. `OBJECTID` is
// the id of a fresh object of the example's kind; `PROFILEID` / `PROVIDERID` refer to existing ones.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A non-empty list keyed by id.
    List,
    /// A record (JSON object) whose members equal what was sent.
    Record,
    /// This exact text.
    Text(&'static str),
}

/// One example: params after `key` and `reqtype`, jsondata, expected answer.
type Example = (&'static [(&'static str, &'static str)], Option<&'static str>, Expect);

const EXAMPLES: &[Example] = &[
    (&[("object", "CUSTOMTYPES"), ("tenant", "TENANTCODE"), ("action", "list")], None, Expect::List),
    (&[("object", "provider"), ("action", "list")], None, Expect::List),
    (&[("object", "provider"), ("action", "get"), ("objectid", "PROVIDERID")], None, Expect::Record),
    (
        &[("action", "update"), ("object", "provider"), ("objectid", "PROVIDERID")],
        Some(r#"{"pr_peername": "test_extradevel", "pr_name": "Test extradevel"}"#),
        Expect::Record,
    ),
    (
        &[("action", "add"), ("object", "provider")],
        Some(
            r#"{"pr_peername": "new_provider", "pr_name": "New Provider", "pr_tech": "SIP", "pr_userealtime": "on", "allow": "'alaw:20", "host": "172.16.1.100"}"#,
        ),
        Expect::Record,
    ),
    (&[("object", "routingprofile"), ("action", "list")], None, Expect::List),
    (&[("object", "routingprofile"), ("action", "get"), ("objectid", "PROFILEID")], None, Expect::Record),
    (
        &[("action", "add"), ("object", "routingprofile")],
        Some(r#"{"rp_name": "Only National", "rp_type": "VOICE"}"#),
        Expect::Record,
    ),
    // The example sends no jsondata: the contract's answer for that.
    (
        &[("action", "update"), ("object", "routingprofile"), ("objectid", "PROFILEID")],
        None,
        Expect::Text("Invalid jsondata"),
    ),
    (&[("object", "route"), ("action", "list")], None, Expect::List),
    (&[("object", "route"), ("routingprofileid", "PROFILEID"), ("action", "list")], None, Expect::List),
    (&[("object", "route"), ("action", "get"), ("objectid", "ROUTEID")], None, Expect::Record),
    (
        &[("action", "add"), ("object", "route")],
        Some(r#"{"dl_rp_id": "PROFILEID", "dl_name": "Free Numbers", "dl_regex": "^800.*", "dl_pr_id": "PROVIDERID"}"#),
        Expect::Record,
    ),
    (
        &[("action", "update"), ("object", "route"), ("objectid", "ROUTEID")],
        Some(r#"{"dl_emergencyroute": "", "dl_usepin": "on"}"#),
        Expect::Record,
    ),
];

#[tokio::test]
async fn the_reference_examples_for_global_objects_answer_per_contract() {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    let refs = refs(&app).await;
    let route = app
        .post(
            "/v1/routes",
            &app.admin_key,
            json!({"routing_profile_id": refs.profile, "regex": "^0", "provider_id": refs.provider}),
        )
        .await;
    let ids = [
        ("PROFILEID", refs.profile.to_string()),
        ("PROVIDERID", refs.provider.to_string()),
        ("ROUTEID", route.body["id"].to_string()),
        ("TENANTCODE", "TA".to_string()),
    ];
    let substitute = |text: &str| ids.iter().fold(text.to_string(), |t, (name, id)| t.replace(name, id));
    for (params, jsondata, expect) in EXAMPLES {
        let params: Vec<(String, String)> = params.iter().map(|(n, v)| (n.to_string(), substitute(v))).collect();
        let params: Vec<(&str, &str)> = params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let data = jsondata.map(substitute);
        let answer = mdb(&app, &app.admin_key, &params, data.as_deref()).await;
        let context = format!("{params:?}");
        match expect {
            Expect::List => {
                let value = json_of(&answer);
                assert!(value.as_object().is_some_and(|m| !m.is_empty()), "{context}: {answer:?}");
            }
            Expect::Record => {
                let record = record_of(&answer);
                let sent: Value = data.as_deref().map(|d| serde_json::from_str(d).unwrap()).unwrap_or(json!({}));
                // Members are shown as stored: strings, flags as `on` / empty, `allow` verbatim.
                assert_members(&record, &sent, &context);
            }
            Expect::Text(text) => assert_eq!(text_of(&answer), *text, "{context}"),
        }
    }
    // The provider added from the example kept its stray quote.
    let listed = app.get("/v1/providers?peer_name=new_provider", &app.admin_key).await;
    assert_eq!(listed.body["items"][0]["allow"], "'alaw:20");
}
