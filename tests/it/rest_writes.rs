//! REST write conventions (README "REST conventions"): create and patch schemas of their own, JSON
//! Merge Patch (`null` empties, absent keeps), every invalid member named in one 422, and entity tags
//! (`ETag`, `If-None-Match` → 304, `If-Match` → 412 on a stale version).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Rest, TestApp};

const QUEUES: &str = "/v1/tenants/ACME/queues";

async fn acme() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    (app, key)
}

fn fields(resp: &Rest) -> Vec<&str> {
    resp.body["errors"].as_array().expect("an errors list").iter().filter_map(|e| e["field"].as_str()).collect()
}

#[tokio::test]
async fn every_invalid_member_of_a_body_is_named_in_one_422() {
    let (app, key) = acme().await;
    let resp = app.post(QUEUES, &key, json!({"nmae": "Support", "timeout": "soon", "ring_in_use": 1})).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", resp.body);
    assert_eq!(resp.code(), "validation_failed");
    assert_eq!(
        fields(&resp),
        ["name", "nmae", "timeout", "ring_in_use"],
        "required first, then in body order: {:?}",
        resp.body
    );
    assert_eq!(resp.body["field"], "name", "the first problem stays in `field` for older clients");

    // Nothing was written.
    let page = app.get(QUEUES, &key).await;
    assert_eq!(page.body["items"], json!([]));

    // A body that is not an object, and members of a hand-written schema, are named alike.
    let resp = app.post(QUEUES, &key, json!(["Support"])).await;
    assert_eq!((resp.status, fields(&resp)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"]));
    let resp = app.post("/v1/tenants", &app.admin_key, json!({"code": "BETA", "name": 7, "parking_start": -1})).await;
    assert_eq!(fields(&resp), ["name", "parking_start"], "{:?}", resp.body);
}

#[tokio::test]
async fn a_merge_patch_empties_null_members_and_keeps_absent_ones() {
    let (app, key) = acme().await;
    let created = app.post(QUEUES, &key, json!({"name": "Support", "number": "600", "music_on_hold": "jazz"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let path = format!("{QUEUES}/{}", created.body["id"]);

    let patched = app.patch(&path, &key, json!({"number": null, "timeout": 20})).await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.body["number"], "");
    assert_eq!(patched.body["timeout"], 20);
    assert_eq!(patched.body["music_on_hold"], "jazz", "an absent member keeps its value");

    // The legacy door reads the same emptied column.
    let id = created.body["id"].to_string();
    let legacy = crate::helpers::mdb(
        &app,
        &key,
        &[("object", "queue"), ("action", "get"), ("tenant", "ACME"), ("objectid", &id)],
        None,
    )
    .await;
    assert_eq!(legacy.json()["qu_number"], "", "{}", legacy.body);

    // A member the object requires cannot be emptied, and the refusal changes nothing.
    let resp = app.patch(&path, &key, json!({"name": null, "timeout": 5})).await;
    assert_eq!((resp.status, fields(&resp)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name"]));
    assert_eq!(app.get(&path, &key).await.body["timeout"], 20);

    // The example: a tenant's parking range can be cleared again.
    let tenant = "/v1/tenants/ACME";
    let set = app.patch(tenant, &app.admin_key, json!({"parking_start": 700, "parking_end": 710})).await;
    assert_eq!(set.body["parking_start"], 700, "{:?}", set.body);
    let cleared = app.patch(tenant, &app.admin_key, json!({"parking_start": null, "parking_end": null})).await;
    assert_eq!(cleared.status, StatusCode::OK, "{:?}", cleared.body);
    assert_eq!((&cleared.body["parking_start"], &cleared.body["parking_end"]), (&Value::Null, &Value::Null));
}

#[tokio::test]
async fn entity_tags_make_reads_conditional_and_writes_safe() {
    let (app, key) = acme().await;
    let created = app.post(QUEUES, &key, json!({"name": "Support", "number": "600"})).await;
    let id = created.body["id"].to_string();
    let path = format!("{QUEUES}/{id}");

    let read = app.get(&path, &key).await;
    let tag = read.header("etag").to_string();
    assert!(tag.starts_with('"') && tag.len() > 10, "a strong tag: {tag:?}");
    assert_eq!(app.get(&path, &key).await.header("etag"), tag, "the same version has the same tag");

    let conditional = |tag: &str, header: &str| app.request(Method::GET, &path, &key).header(header, tag);
    let unchanged = app.send(conditional(&tag, "If-None-Match")).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.header("etag"), tag);
    assert_eq!(unchanged.body, Value::Null, "304 has no body");
    let other = app.send(conditional("\"other\", W/\"else\"", "If-None-Match")).await;
    assert_eq!(other.status, StatusCode::OK);

    // A write through either door makes the tag stale.
    let patched =
        app.send(app.request(Method::PATCH, &path, &key).header("If-Match", &tag).json(&json!({"timeout": 9}))).await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    let new_tag = patched.header("etag").to_string();
    assert_ne!(new_tag, tag);
    assert_eq!(app.get(&path, &key).await.header("etag"), new_tag, "the answer's tag is the stored version's");

    let stale = app.request(Method::PATCH, &path, &key).header("If-Match", &tag).json(&json!({"timeout": 1}));
    let refused = app.send(stale).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::PRECONDITION_FAILED, "precondition_failed"));
    assert_eq!(app.get(&path, &key).await.body["timeout"], 9, "a refused write changes nothing");

    let jsondata = json!({"timeout": "12"}).to_string();
    let legacy = crate::helpers::mdb(
        &app,
        &key,
        &[("object", "queue"), ("action", "update"), ("tenant", "ACME"), ("objectid", &id)],
        Some(&jsondata),
    )
    .await;
    assert!(legacy.status.is_success(), "{}", legacy.body);
    let after_legacy = app.get(&path, &key).await.header("etag").to_string();
    assert_ne!(after_legacy, new_tag, "a legacy write changes the version too");

    let delete_stale = app.send(app.request(Method::DELETE, &path, &key).header("If-Match", &new_tag)).await;
    assert_eq!(delete_stale.status, StatusCode::PRECONDITION_FAILED);
    let delete = app.send(app.request(Method::DELETE, &path, &key).header("If-Match", &after_legacy)).await;
    assert_eq!(delete.status, StatusCode::NO_CONTENT);
    let any = app.send(app.request(Method::GET, &path, &key).header("If-None-Match", "*")).await;
    assert_eq!(any.status, StatusCode::NOT_FOUND, "a deleted object is gone, whatever the condition");
}

#[tokio::test]
async fn create_and_patch_have_schemas_of_their_own() {
    let app = TestApp::spawn().await;
    let doc = app.get("/openapi.json", "").await.body;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["QueueCreate"]["required"], json!(["name"]));
    assert_eq!(schemas["QueueCreate"]["additionalProperties"], false);
    assert!(schemas["QueuePatch"].get("required").is_none(), "a patch requires nothing");
    assert!(
        schemas["QueuePatch"]["properties"]["name"].get("nullable").is_none(),
        "a required member cannot be emptied"
    );
    assert_eq!(schemas["QueuePatch"]["properties"]["number"]["nullable"], true);
    let patch = &doc["paths"]["/v1/tenants/{code}/queues/{id}"]["patch"];
    assert_eq!(
        patch["requestBody"]["content"]["application/json; charset=utf-8"]["schema"]["$ref"],
        "#/components/schemas/QueuePatch"
    );
    assert!(patch["responses"]["412"].is_object());
}
