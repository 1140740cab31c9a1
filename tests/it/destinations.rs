//! Destination lists (CONTRACT §3) and condition schedules through both doors: MANAGEDB `destination`
//! list/replace, ivr/condition getdestinations, condition extended infos, huntlist extensions, and the
//! REST resources under `/v1/tenants/{code}/...`. Tags are validated against the owner's tenant and a
//! replace is all-or-nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, Legacy, Rest, TestApp};

/// A MANAGEDB call: `params` in the query string, `jsondata` (when given) in an urlencoded body.
async fn mdb(app: &TestApp, key: &str, params: &[(&str, &str)], jsondata: Option<&str>) -> Legacy {
    let mut query = vec![("key", key), ("reqtype", "MANAGEDB")];
    query.extend_from_slice(params);
    let answer = match jsondata {
        Some(data) => app.legacy_post(&query, &[("jsondata", data)]).await,
        None => app.legacy(&query).await,
    };
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    answer
}

/// Creates an object through MANAGEDB `add` and returns its id.
async fn add(app: &TestApp, key: &str, tenant: &str, object: &str, data: Value) -> i64 {
    let answer =
        mdb(app, key, &[("object", object), ("action", "add"), ("tenant", tenant)], Some(&data.to_string())).await;
    let record = answer.json();
    let id = record.as_object().and_then(|m| m.values().next()).and_then(Value::as_str);
    id.and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("{object} add failed: {answer:?}"))
}

/// The ids of one tenant's routing objects.
struct Routing {
    ext: i64,
    media: i64,
    did: i64,
    ivr: i64,
    condition: i64,
    huntlist: i64,
    queue: i64,
}

async fn routing(app: &TestApp, code: &str, key: &str, did_number: &str) -> Routing {
    Routing {
        ext: app.extension(code, key, "100").await,
        media: add(app, key, code, "mediafile", json!({"me_name": "welcome"})).await,
        did: add(app, key, code, "did", json!({"di_number": did_number, "di_comment": "main"})).await,
        ivr: add(app, key, code, "ivr", json!({"iv_name": "menu"})).await,
        condition: add(app, key, code, "condition", json!({"co_name": "office hours", "co_type": "WEEKTIME"})).await,
        huntlist: add(app, key, code, "huntlist", json!({"hl_name": "sales"})).await,
        queue: add(app, key, code, "queue", json!({"qu_name": "support"})).await,
    }
}

async fn setup(code: &str) -> (TestApp, String, Routing) {
    let app = TestApp::spawn().await;
    app.tenant(code).await;
    let key = app.tenant_key(code, false).await;
    let ids = routing(&app, code, &key, "5550100").await;
    (app, key, ids)
}

async fn list(app: &TestApp, key: &str, tenant: &str, typesrc: &str, id: i64) -> Legacy {
    let id = id.to_string();
    let params =
        [("object", "DESTINATION"), ("action", "LIST"), ("typesrc", typesrc), ("typeidsrc", &id), ("tenant", tenant)];
    mdb(app, key, &params, None).await
}

async fn replace(app: &TestApp, key: &str, tenant: &str, typesrc: &str, id: i64, data: &str) -> Legacy {
    let id = id.to_string();
    let params = [
        ("object", "DESTINATION"),
        ("action", "replace"),
        ("typesrc", typesrc),
        ("typeidsrc", &id),
        ("tenant", tenant),
    ];
    mdb(app, key, &params, Some(data)).await
}

async fn put(app: &TestApp, path: &str, key: &str, body: Value) -> Rest {
    app.send(app.request(Method::PUT, path, key).json(&body)).await
}

#[tokio::test]
async fn vendor_examples_replace_then_list_on_every_owner() {
    let (app, key, ids) = setup("ACME").await;
    let data = json!([format!("PLAYBACK-{}", ids.media), format!("EXT-{}", ids.ext)]).to_string();
    for (typesrc, owner) in
        [("CONDITION", ids.condition), ("NOTCONDITION", ids.condition), ("IVR_1", ids.ivr), ("DID", ids.did)]
    {
        let answer = replace(&app, &key, "ACME", typesrc, owner, &data).await;
        assert_eq!(answer.body, "OK", "{typesrc}: {answer:?}");
        let listed = list(&app, &key, "ACME", typesrc, owner).await;
        assert_eq!(listed.content_type, "application/json");
        assert_eq!(listed.json(), serde_json::from_str::<Value>(&data).unwrap(), "{typesrc}");
    }
    // Lower-case typesrc and tags are accepted; tags come back canonical.
    let lower = json!([format!("ext-{}", ids.ext), "voicmeail-0"]).to_string();
    let answer = replace(&app, &key, "ACME", "did", ids.did, &lower).await;
    assert_eq!(answer.body, "Invalid destination: voicmeail-0", "no mailbox 0 exists");
    let lower = json!([format!("ext-{}", ids.ext), "samenumbervm-0"]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "did", ids.did, &lower).await.body, "OK");
    assert_eq!(
        list(&app, &key, "ACME", "DID", ids.did).await.json(),
        json!([format!("EXT-{}", ids.ext), "SAMENUMBERVM-0"])
    );

    let ivr = ids.ivr.to_string();
    let answer = mdb(
        &app,
        &key,
        &[("object", "IVR"), ("action", "GETDESTINATIONS"), ("tenant", "ACME"), ("objectid", &ivr)],
        None,
    )
    .await;
    let lists = answer.json();
    assert_eq!(lists.as_object().unwrap().len(), 15, "{lists}");
    assert_eq!(lists["IVR_1"], serde_json::from_str::<Value>(&data).unwrap());
    assert_eq!(lists["IVR"], json!([]));
    assert_eq!(lists["IVR_HASH"], json!([]));

    let co = ids.condition.to_string();
    let params = [
        ("object", "CONDITION"),
        ("action", "GETDESTINATIONS"),
        ("tenant", "ACME"),
        ("objectid", &co),
        ("format", "json"),
    ];
    let answer = mdb(&app, &key, &params, None).await;
    let expected: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(answer.json(), json!({"CONDITION": expected, "NOTCONDITION": expected}));
}

#[tokio::test]
async fn jsondata_shapes_of_section_3_3() {
    let (app, key, ids) = setup("ACME").await;
    let (ext, queue) = (format!("EXT-{}", ids.ext), format!("QUEUE-{}", ids.queue));
    let keyed = json!({"2": queue, "10": "PARK-0", "1": ext}).to_string();
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &keyed).await.body, "OK");
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([ext, queue, "PARK-0"]));

    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &json!(ext).to_string()).await.body, "OK");
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([ext]));

    // Duplicates are legal in a ring order.
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &json!([ext, ext]).to_string()).await.body, "OK");
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([ext, ext]));

    for bad in ["nope", "5", "null", r#"[5]"#, r#"{"a":"EXT-1"}"#, r#"[["EXT-1"]]"#] {
        assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, bad).await.body, "Invalid jsondata", "{bad}");
    }
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([ext, ext]), "unchanged");

    for clear in ["[]", "{}"] {
        assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &json!([ext]).to_string()).await.body, "OK");
        assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, clear).await.body, "OK");
        assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([]), "{clear}");
    }
}

#[tokio::test]
async fn parameters_actions_and_bad_tags() {
    let (app, key, ids) = setup("ACME").await;
    let did = ids.did.to_string();
    // list without typesrc or typeidsrc: empty body; unknown typesrc: its text.
    for params in [
        vec![("object", "destination"), ("action", "list"), ("tenant", "ACME")],
        vec![("object", "destination"), ("action", "list"), ("tenant", "ACME"), ("typesrc", "DID")],
        vec![("object", "destination"), ("action", "list"), ("tenant", "ACME"), ("typeidsrc", did.as_str())],
    ] {
        assert_eq!(mdb(&app, &key, &params, None).await.body, "", "{params:?}");
    }
    assert_eq!(list(&app, &key, "ACME", "EXTENSION", ids.did).await.body, "Invalid typesrc");
    assert_eq!(list(&app, &key, "ACME", "IVR_10", ids.ivr).await.body, "Invalid typesrc");
    assert_eq!(replace(&app, &key, "ACME", "FOO", ids.did, "[]").await.body, "Invalid typesrc");
    let params = [("object", "destination"), ("action", "get"), ("tenant", "ACME")];
    assert_eq!(mdb(&app, &key, &params, None).await.body, "Unknown action");
    // A missing owner is null, like a missing object.
    assert_eq!(list(&app, &key, "ACME", "DID", 999_999).await.body, "null");
    assert_eq!(replace(&app, &key, "ACME", "DID", 999_999, "[]").await.body, "null");
    // An IVR id is not a DID id.
    assert_eq!(list(&app, &key, "ACME", "DID", ids.ivr + ids.did + 1000).await.body, "null");

    for bad in ["EXT", "EXT-", "EXT-abc", "-5", "FOO-1", "EXT--1", "EXT-999999", "PARK-3", "IVR-0"] {
        let data = json!([format!("EXT-{}", ids.ext), bad]).to_string();
        let answer = replace(&app, &key, "ACME", "DID", ids.did, &data).await;
        assert_eq!(answer.body, format!("Invalid destination: {bad}"), "{bad}");
        assert_eq!(answer.content_type, "application/json");
    }
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([]), "nothing was stored");
    // Every tag names a stored object: ids of objects that do not exist are refused for all kinds.
    for tag in ["DISA-7", "STARTCAMPAIGN-3", "CALLERIDMOD-1", "PAGING-2", "SPECIAL-987654"] {
        let data = json!([tag]).to_string();
        assert_eq!(
            replace(&app, &key, "ACME", "DID", ids.did, &data).await.body,
            format!("Invalid destination: {tag}")
        );
    }
}

#[tokio::test]
async fn replace_is_atomic() {
    let (app, key, ids) = setup("ACME").await;
    let old = json!([format!("EXT-{}", ids.ext)]);
    assert_eq!(replace(&app, &key, "ACME", "IVR_2", ids.ivr, &old.to_string()).await.body, "OK");
    let data = json!([format!("QUEUE-{}", ids.queue), "EXT-424242", format!("PLAYBACK-{}", ids.media)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "IVR_2", ids.ivr, &data).await.body, "Invalid destination: EXT-424242");
    assert_eq!(list(&app, &key, "ACME", "IVR_2", ids.ivr).await.json(), old);

    let path = format!("/v1/tenants/ACME/ivrs/{}/destinations/IVR_2", ids.ivr);
    let body = json!({"destinations": [format!("QUEUE-{}", ids.queue), "BOGUS-1", format!("PLAYBACK-{}", ids.media)]});
    let resp = put(&app, &path, &key, body).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", resp.body);
    assert_eq!(resp.code(), "validation_failed");
    assert_eq!(resp.body["field"], "destinations", "the member sent");
    assert!(resp.body["detail"].as_str().unwrap().contains("Invalid destination: BOGUS-1"), "{:?}", resp.body);
    assert_eq!(app.get(&path, &key).await.body, json!({"destinations": old}));
}

#[tokio::test]
async fn concurrent_replaces_never_mix_lists() {
    let (app, key, ids) = setup("ACME").await;
    let choices = [
        format!("EXT-{}", ids.ext),
        format!("QUEUE-{}", ids.queue),
        format!("PLAYBACK-{}", ids.media),
        "PARK-0".into(),
    ];
    let lists: Vec<String> = (0..8).map(|i| serde_json::to_string(&vec![choices[i % 4].clone(); 3]).unwrap()).collect();
    let answers =
        futures_util::future::join_all(lists.iter().map(|data| replace(&app, &key, "ACME", "DID", ids.did, data)))
            .await;
    assert!(answers.iter().all(|a| a.body == "OK"), "{answers:?}");
    let stored = list(&app, &key, "ACME", "DID", ids.did).await.json();
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), 3, "one whole list, not a mix: {stored:?}");
    assert!(stored.iter().all(|tag| *tag == stored[0]), "{stored:?}");

    // Two owners naming each other, replaced concurrently: rows are locked in one order, so no
    // replace dies in a deadlock.
    let to_ivr = json!([format!("IVR-{}", ids.ivr), format!("EXT-{}", ids.ext)]).to_string();
    let to_did = json!([format!("EXT-{}", ids.ext), format!("SETUNCONDITIONALDID-{}", ids.did)]).to_string();
    let calls = (0..8).map(|i| {
        let (typesrc, owner, data) = if i % 2 == 0 { ("DID", ids.did, &to_ivr) } else { ("IVR_1", ids.ivr, &to_did) };
        replace(&app, &key, "ACME", typesrc, owner, data)
    });
    let answers = futures_util::future::join_all(calls).await;
    assert!(answers.iter().all(|a| a.body == "OK"), "{answers:?}");
}

#[tokio::test]
async fn another_tenants_objects_are_never_linked() {
    let (app, key, ids) = setup("ACME").await;
    app.tenant("OTHER").await;
    let other_key = app.tenant_key("OTHER", false).await;
    let other = routing(&app, "OTHER", &other_key, "5550200").await;
    let mine = json!([format!("EXT-{}", ids.ext)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &mine).await.body, "OK");

    // A target of another tenant is refused like a missing one, and nothing changes.
    for tag in [format!("EXT-{}", other.ext), format!("PLAYBACK-{}", other.media), format!("QUEUE-{}", other.queue)] {
        let data = json!([tag]).to_string();
        assert_eq!(
            replace(&app, &key, "ACME", "DID", ids.did, &data).await.body,
            format!("Invalid destination: {tag}")
        );
        // The admin key gets the same answer.
        let answer = replace(&app, &app.admin_key, "ACME", "DID", ids.did, &data).await;
        assert_eq!(answer.body, format!("Invalid destination: {tag}"));
        let resp =
            put(&app, &format!("/v1/tenants/ACME/dids/{}/destinations", ids.did), &key, json!({"destinations": [tag]}))
                .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", resp.body);
    }
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([format!("EXT-{}", ids.ext)]));

    // Another tenant's owner: null on the legacy door, 404 on REST; with the owner's tenant code the
    // key error, as for every tenant a key cannot use.
    assert_eq!(list(&app, &key, "ACME", "DID", other.did).await.body, "null");
    assert_eq!(replace(&app, &key, "ACME", "DID", other.did, "[]").await.body, "null");
    assert_eq!(list(&app, &key, "OTHER", "DID", other.did).await.body, KEY_ERROR);
    assert_eq!(list(&app, &app.admin_key, "ACME", "DID", other.did).await.body, "null");
    let huntlist = other.huntlist.to_string();
    let params = [("object", "huntlist"), ("action", "getextensions"), ("tenant", "ACME"), ("objectid", &huntlist)];
    assert_eq!(mdb(&app, &key, &params, None).await.body, "null");
    for path in [
        format!("/v1/tenants/ACME/dids/{}/destinations", other.did),
        format!("/v1/tenants/ACME/ivrs/{}/destinations", other.ivr),
        format!("/v1/tenants/ACME/conditions/{}/destinations?branch=true", other.condition),
        format!("/v1/tenants/ACME/conditions/{}/schedule", other.condition),
        format!("/v1/tenants/ACME/huntlists/{}/extensions", other.huntlist),
    ] {
        let resp = app.get(&path, &key).await;
        assert_eq!((resp.status, resp.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
    let resp = app.get(&format!("/v1/tenants/OTHER/dids/{}/destinations", other.did), &key).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.code(), "tenant_not_found");

    // The admin key may address an owner by id alone (no tenant), and its tenant's objects are checked.
    let params =
        [("object", "destination"), ("action", "list"), ("typesrc", "DID"), ("typeidsrc", &ids.did.to_string())];
    assert_eq!(mdb(&app, &app.admin_key, &params, None).await.json(), json!([format!("EXT-{}", ids.ext)]));
}

#[tokio::test]
async fn read_only_keys_read_but_never_write() {
    let (app, key, ids) = setup("ACME").await;
    let ro = app.tenant_key("ACME", true).await;
    let data = json!([format!("EXT-{}", ids.ext)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &data).await.body, "OK");
    assert_eq!(list(&app, &ro, "ACME", "DID", ids.did).await.json(), json!([format!("EXT-{}", ids.ext)]));
    assert_eq!(replace(&app, &ro, "ACME", "DID", ids.did, "[]").await.body, KEY_ERROR);
    let hl = ids.huntlist.to_string();
    let params = [("object", "huntlist"), ("action", "setextensions"), ("tenant", "ACME"), ("objectid", &hl)];
    assert_eq!(mdb(&app, &ro, &params, Some("[]")).await.body, KEY_ERROR);
    let co = ids.condition.to_string();
    let params = [("object", "condition"), ("action", "replaceextendedinfos"), ("tenant", "ACME"), ("objectid", &co)];
    assert_eq!(mdb(&app, &ro, &params, Some("[]")).await.body, KEY_ERROR);

    let path = format!("/v1/tenants/ACME/dids/{}/destinations", ids.did);
    let resp = put(&app, &path, &ro, json!({"destinations": []})).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::FORBIDDEN, "read_only_api_key"));
    let resp =
        put(&app, &format!("/v1/tenants/ACME/conditions/{}/schedule", ids.condition), &ro, json!({"entries": []}))
            .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &ro).await.body, json!({"destinations": [format!("EXT-{}", ids.ext)]}));
}

#[tokio::test]
async fn condition_schedules_follow_the_vendor_example_and_refuse_bad_times() {
    let (app, key, ids) = setup("ACME").await;
    let co = ids.condition.to_string();
    let example = json!([
        {"param1": "1", "param2": "8:00", "param3": "13:00"},
        {"param1": "1", "param2": "15:00", "param3": "19:00"},
        {"param1": "2", "param2": "8:00", "param3": "13:00"},
        {"param1": "2", "param2": "15:00", "param3": "19:00"}
    ]);
    let params = [("object", "CONDITION"), ("action", "replaceextendedinfos"), ("objectid", &co), ("tenant", "ACME")];
    assert_eq!(mdb(&app, &key, &params, Some(&example.to_string())).await.body, "OK");
    let get = [
        ("object", "CONDITION"),
        ("action", "GETEXTENDEDINFOS"),
        ("tenant", "ACME"),
        ("objectid", &co),
        ("format", "json"),
    ];
    assert_eq!(mdb(&app, &key, &get, None).await.json(), example);

    for bad in [
        json!([{"param1": "1", "param2": "8:00", "param3": "25:00"}]),
        json!([{"param1": "8", "param2": "8:00", "param3": "9:00"}]),
        json!([{"param1": "1", "param2": "13:00", "param3": "8:00"}]),
    ] {
        let answer = mdb(&app, &key, &params, Some(&bad.to_string())).await;
        assert!(answer.body.starts_with("Error: param"), "{bad}: {answer:?}");
    }
    assert_eq!(mdb(&app, &key, &params, Some(r#"{"param1":"1"}"#)).await.body, "Invalid jsondata");
    assert_eq!(mdb(&app, &key, &get, None).await.json(), example, "unchanged");

    let path = format!("/v1/tenants/ACME/conditions/{}/schedule", ids.condition);
    let resp = put(&app, &path, &key, json!({"entries": [{"param1": "1", "param2": "8:00", "param3": "25:00"}]})).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{:?}", resp.body);
    assert_eq!(resp.body["field"], "param3");
    assert_eq!(app.get(&path, &key).await.body["entries"], example);

    // Sunday may be sent as 0; it is stored as 7. A calendar condition takes dates.
    let resp = put(&app, &path, &key, json!({"entries": [{"param1": "0", "param2": "9:00", "param3": "12:00"}]})).await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    assert_eq!(mdb(&app, &key, &get, None).await.json(), json!([{"param1": "7", "param2": "9:00", "param3": "12:00"}]));
    let cal = add(&app, &key, "ACME", "condition", json!({"co_name": "holidays", "co_type": "CALENDAR"})).await;
    let path = format!("/v1/tenants/ACME/conditions/{cal}/schedule");
    let resp = put(
        &app,
        &path,
        &key,
        json!({"entries": [{"param1": "2024-12-25"}, {"param1": "2024-12-24", "param2": "13:00", "param3": "23:59"}]}),
    )
    .await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    let resp = put(&app, &path, &key, json!({"entries": [{"param1": "2024-13-01"}]})).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get(&path, &key).await.body["entries"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn huntlist_extensions_through_both_doors() {
    let (app, key, ids) = setup("ACME").await;
    let second = app.extension("ACME", &key, "101").await;
    let hl = ids.huntlist.to_string();
    let set = [("action", "setextensions"), ("object", "huntlist"), ("objectid", hl.as_str()), ("tenant", "ACME")];
    // The vendor's example request carries no jsondata.
    assert_eq!(mdb(&app, &key, &set, None).await.body, "Invalid jsondata");
    let members = json!([format!("EXT-{second}"), format!("EXT-{}", ids.ext)]);
    assert_eq!(mdb(&app, &key, &set, Some(&members.to_string())).await.body, "OK");
    let get = [("object", "HUNTLIST"), ("action", "getextensions"), ("objectid", hl.as_str()), ("tenant", "ACME")];
    assert_eq!(mdb(&app, &key, &get, None).await.json(), members);
    // The same store as typesrc HUNTLIST.
    assert_eq!(list(&app, &key, "ACME", "HUNTLIST", ids.huntlist).await.json(), members);
    let path = format!("/v1/tenants/ACME/huntlists/{hl}/extensions");
    assert_eq!(app.get(&path, &key).await.body, json!({"destinations": members}));
    let resp = put(&app, &path, &key, json!({"destinations": [format!("ext-{}", ids.ext)]})).await;
    assert_eq!(resp.body, json!({"destinations": [format!("EXT-{}", ids.ext)]}));
    assert_eq!(mdb(&app, &key, &get, None).await.json(), json!([format!("EXT-{}", ids.ext)]));
}

#[tokio::test]
async fn rest_and_legacy_see_the_same_lists() {
    let (app, key, ids) = setup("ACME").await;
    let (ext, media, queue) =
        (format!("EXT-{}", ids.ext), format!("PLAYBACK-{}", ids.media), format!("QUEUE-{}", ids.queue));

    // Legacy writes, REST reads.
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &json!([media, ext]).to_string()).await.body, "OK");
    assert_eq!(
        replace(&app, &key, "ACME", "NOTCONDITION", ids.condition, &json!([queue]).to_string()).await.body,
        "OK"
    );
    assert_eq!(replace(&app, &key, "ACME", "IVR", ids.ivr, &json!([media]).to_string()).await.body, "OK");
    assert_eq!(replace(&app, &key, "ACME", "IVR_STAR", ids.ivr, &json!([ext]).to_string()).await.body, "OK");
    let did_path = format!("/v1/tenants/ACME/dids/{}/destinations", ids.did);
    assert_eq!(app.get(&did_path, &key).await.body, json!({"destinations": [media, ext]}));
    let co_path = format!("/v1/tenants/ACME/conditions/{}/destinations", ids.condition);
    assert_eq!(app.get(&format!("{co_path}?branch=false"), &key).await.body, json!({"destinations": [queue]}));
    assert_eq!(app.get(&format!("{co_path}?branch=true"), &key).await.body, json!({"destinations": []}));
    let ivr_path = format!("/v1/tenants/ACME/ivrs/{}/destinations", ids.ivr);
    let lists = app.get(&ivr_path, &key).await.body;
    assert_eq!(lists["lists"]["IVR"], json!([media]));
    assert_eq!(lists["lists"]["IVR_STAR"], json!([ext]));
    assert_eq!(lists["lists"].as_object().unwrap().len(), 15);

    // REST writes, legacy reads.
    let resp = put(&app, &did_path, &key, json!({"destinations": [queue, "park-0"]})).await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    assert_eq!(resp.body, json!({"destinations": [queue, "PARK-0"]}));
    assert_eq!(list(&app, &key, "ACME", "DID", ids.did).await.json(), json!([queue, "PARK-0"]));
    let resp = put(&app, &format!("{co_path}?branch=true"), &key, json!({"destinations": [ext]})).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(list(&app, &key, "ACME", "CONDITION", ids.condition).await.json(), json!([ext]));
    let resp = put(&app, &format!("{ivr_path}/ivr_hash"), &key, json!({"destinations": [media]})).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(list(&app, &key, "ACME", "IVR_HASH", ids.ivr).await.json(), json!([media]));
    assert_eq!(app.get(&format!("{ivr_path}/IVR_HASH"), &key).await.body, json!({"destinations": [media]}));

    // REST-only input checks.
    let resp = put(&app, &format!("{ivr_path}/DID"), &key, json!({"destinations": []})).await;
    assert_eq!((resp.status, resp.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("typesrc")));
    let resp = app.get(&co_path, &key).await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST, "branch is required");
}

#[tokio::test]
async fn before_delete_refuses_used_objects_and_drops_owned_lists() {
    use pbx_gateway::service::{ConflictKind, ServiceError, catalog, destinations};
    let app = TestApp::spawn().await;
    let tenant_id = app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let ids = routing(&app, "ACME", &key, "5550100").await;
    let data = json!([format!("EXT-{}", ids.ext), format!("CONDITION-{}", ids.condition)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &data).await.body, "OK");
    let looped = json!([format!("CONDITION-{}", ids.condition)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "NOTCONDITION", ids.condition, &looped).await.body, "OK");

    let mut tx = app.core.db().begin().await.unwrap();
    for tenant in [Some(tenant_id), None] {
        match destinations::before_delete(&mut tx, tenant, &catalog::EXTENSION, ids.ext).await {
            Err(ServiceError::Conflict { kind: ConflictKind::InUse, message }) => {
                assert_eq!(message, format!("still used by destinations: DID {} position 1", ids.did));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    // Another tenant's view finds nothing to refuse (and nothing to delete).
    destinations::before_delete(&mut tx, Some(tenant_id + 1), &catalog::EXTENSION, ids.ext).await.unwrap();
    // The condition's own loop does not count; the DID's entry does.
    let refused =
        destinations::referenced_by(&mut tx, Some(tenant_id), &catalog::CONDITION, ids.condition).await.unwrap();
    assert_eq!(refused.as_deref(), Some(format!("still used by destinations: DID {} position 2", ids.did).as_str()));
    destinations::before_delete(&mut tx, Some(tenant_id), &catalog::DID, ids.did).await.unwrap();
    assert_eq!(
        destinations::referenced_by(&mut tx, Some(tenant_id), &catalog::CONDITION, ids.condition).await.unwrap(),
        None
    );
    destinations::before_delete(&mut tx, Some(tenant_id), &catalog::CONDITION, ids.condition).await.unwrap();
    let left: i64 =
        sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM ds_destinations").fetch_one(&mut *tx).await.unwrap(), 0);
    assert_eq!(left, 0);
    // Objects that own no lists and that nothing points at pass untouched.
    destinations::before_delete(&mut tx, None, &catalog::QUEUE, ids.queue).await.unwrap();
}

/// Needs `service::objects::delete` to call `destinations::before_delete` in its transaction.
#[tokio::test]
async fn objects_in_use_cannot_be_deleted_and_owners_take_their_lists() {
    let (app, key, ids) = setup("ACME").await;
    let data = json!([format!("EXT-{}", ids.ext), format!("IVR-{}", ids.ivr)]).to_string();
    assert_eq!(replace(&app, &key, "ACME", "DID", ids.did, &data).await.body, "OK");
    // An IVR key looping back to its own menu does not keep the IVR alive.
    assert_eq!(
        replace(&app, &key, "ACME", "IVR_9", ids.ivr, &json!([format!("IVR-{}", ids.ivr)]).to_string()).await.body,
        "OK"
    );

    let ext = ids.ext.to_string();
    let del = [("object", "extension"), ("action", "delete"), ("objectid", ext.as_str()), ("tenant", "ACME")];
    let answer = mdb(&app, &key, &del, None).await;
    assert_eq!(answer.body, format!("Error: still used by destinations: DID {} position 1", ids.did));
    let resp = app.delete(&format!("/v1/tenants/ACME/extensions/{}", ids.ext), &key).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::CONFLICT, "in_use"));
    let ivr = ids.ivr.to_string();
    let del_ivr = [("object", "ivr"), ("action", "delete"), ("objectid", ivr.as_str()), ("tenant", "ACME")];
    assert_eq!(
        mdb(&app, &key, &del_ivr, None).await.body,
        format!("Error: still used by destinations: DID {} position 2", ids.did)
    );

    // Deleting the DID deletes its list, which frees the extension and the IVR.
    let did = ids.did.to_string();
    let del_did = [("object", "did"), ("action", "delete"), ("objectid", did.as_str()), ("tenant", "ACME")];
    assert_eq!(mdb(&app, &key, &del_did, None).await.body, "OK");
    assert_eq!(mdb(&app, &key, &del_ivr, None).await.body, "OK");
    assert_eq!(mdb(&app, &key, &del, None).await.body, "OK");
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    let left: i64 =
        sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM ds_destinations").fetch_one(&mut *conn).await.unwrap(), 0);
    assert_eq!(left, 0, "the DID's and the IVR's lists went with them");
}
