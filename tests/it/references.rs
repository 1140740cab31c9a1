//! Links between objects never cross tenants. Every column declared as a link to a tenant object
//! (`Check::Reference`), found from the declarations rather than listed here, refuses another
//! tenant's id exactly as it refuses a missing one, on create and on update, through MANAGEDB and
//! REST, and accepts the own tenant's id.

use pbx_gateway::domain::object::{Check, ObjectDef};
use pbx_gateway::service::registry::registry;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::helpers::TestApp;
use crate::objects_tenant::{json_of, mdb, text_of};

/// A legacy `add` payload with every required column of `def` (and what its rules need).
fn minimal_record(def: &ObjectDef, serial: usize) -> Map<String, Value> {
    let mut record = Map::new();
    for field in def.fields.iter().filter(|f| f.required) {
        let value = match field.check {
            Check::Digits => format!("7{serial:03}"),
            Check::OneOf(words) => words[0].to_string(),
            _ => format!("Link test {serial}"),
        };
        record.insert(field.name.into(), value.into());
    }
    if def.name == "extension" {
        record.insert("ex_number".into(), format!("5{serial:02}").into());
        record.insert("ex_tech".into(), "PJSIP".into());
    }
    record
}

/// Adds a row of `def` to `tenant` through MANAGEDB and answers its id.
async fn add(app: &TestApp, tenant: &str, def: &ObjectDef, record: Map<String, Value>) -> String {
    let data = Value::Object(record).to_string();
    let answer =
        mdb(app, &app.admin_key, &[("object", def.name), ("action", "add"), ("tenant", tenant)], Some(&data)).await;
    let added = json_of(&answer);
    match &added[def.id_column] {
        Value::String(id) => id.clone(),
        other => panic!("{}: add answered {other} ({answer:?})", def.name),
    }
}

/// The answer with the refused id masked, so a foreign id's answer compares with a missing one's.
fn masked(answer: &str, id: &str) -> String {
    answer.replace(id, "<id>")
}

/// Every link column between two tenant objects: (owner, column, target).
fn tenant_links() -> Vec<(&'static ObjectDef, &'static str, &'static ObjectDef)> {
    let mut links = Vec::new();
    for def in registry().iter().map(|rules| rules.def()).filter(|def| def.tenant_column().is_some()) {
        for field in def.fields {
            if let Check::Reference(target) = field.check
                && target.tenant_column().is_some()
            {
                links.push((def, field.name, target));
            }
        }
    }
    links
}

#[tokio::test]
async fn no_link_column_accepts_another_tenants_id_through_managedb() {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    app.tenant("TB").await;
    let key_a = app.tenant_key("TA", false).await;
    let links = tenant_links();
    let names: Vec<String> = links.iter().map(|(owner, column, _)| format!("{}.{column}", owner.name)).collect();
    assert!(links.len() >= 9, "the declarations lost links: {names:?}");
    for (serial, (owner, column, target)) in links.into_iter().enumerate() {
        let what = format!("{}.{column} -> {}", owner.name, target.name);
        let serial = serial * 3;
        let own = add(&app, "TA", target, minimal_record(target, serial)).await;
        let foreign = add(&app, "TB", target, minimal_record(target, serial + 1)).await;
        let missing = "987654321";

        // Create: a foreign link is refused as a missing one is, and nothing is written.
        let create = |link: &str| {
            let mut record = minimal_record(owner, serial + 2);
            record.insert(column.into(), link.into());
            let data = Value::Object(record).to_string();
            let key = key_a.clone();
            let app = &app;
            async move {
                let params = [("object", owner.name), ("action", "add"), ("tenant", "TA")];
                text_of(&mdb(app, &key, &params, Some(&data)).await).to_string()
            }
        };
        let refused = create(&foreign).await;
        assert_eq!(refused, format!("Error: {column}: no {} with id {foreign}", target.name), "{what}");
        assert_eq!(masked(&refused, &foreign), masked(&create(missing).await, missing), "{what}");

        // Update: the same, and the row keeps its value; the own tenant's id is accepted.
        let row = add(&app, "TA", owner, minimal_record(owner, serial + 2)).await;
        let update = |link: &str| {
            let data = json!({ column: link }).to_string();
            let key = key_a.clone();
            let (app, row) = (&app, row.clone());
            async move {
                let params =
                    [("object", owner.name), ("action", "update"), ("tenant", "TA"), ("objectid", row.as_str())];
                mdb(app, &key, &params, Some(&data)).await
            }
        };
        let refused = text_of(&update(&foreign).await).to_string();
        assert_eq!(masked(&refused, &foreign), masked(text_of(&update(missing).await), missing), "{what}");
        assert!(refused.starts_with("Error: "), "{what}: {refused}");
        let accepted = json_of(&update(&own).await);
        assert_eq!(accepted[column], own.as_str(), "{what}");
        // `0` is the legacy "no link".
        assert_eq!(json_of(&update("0").await)[column], "0", "{what}");
    }
}

#[tokio::test]
async fn rest_link_fields_refuse_another_tenants_ids_as_missing_ones() {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    app.tenant("TB").await;
    let key_a = app.tenant_key("TA", false).await;
    let media = |tenant: &'static str, name: &'static str| {
        let app = &app;
        async move {
            let created =
                app.post(&format!("/v1/tenants/{tenant}/media-files"), &app.admin_key, json!({"name": name})).await;
            assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
            created.body["id"].as_i64().unwrap()
        }
    };
    let (own, foreign) = (media("TA", "Own prompt").await, media("TB", "Their prompt").await);
    let ivr = app.post("/v1/tenants/TA/ivrs", &key_a, json!({"name": "Menu"})).await;
    assert_eq!(ivr.status, StatusCode::CREATED, "{:?}", ivr.body);
    let item = format!("/v1/tenants/TA/ivrs/{}", ivr.body["id"]);

    let theirs = app.patch(&item, &key_a, json!({"media_file_id": foreign})).await;
    let missing = app.patch(&item, &key_a, json!({"media_file_id": 987654321})).await;
    assert_eq!(
        (theirs.status, theirs.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "{:?}",
        theirs.body
    );
    let detail =
        |rest: &crate::helpers::Rest, id: i64| rest.body["detail"].as_str().unwrap().replace(&id.to_string(), "<id>");
    assert_eq!(detail(&theirs, foreign), detail(&missing, 987654321));
    let created = app.post("/v1/tenants/TA/ivrs", &key_a, json!({"name": "Menu 2", "media_file_id": foreign})).await;
    assert_eq!(created.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", created.body);
    assert_eq!(app.get("/v1/tenants/TA/ivrs", &key_a).await.body["items"].as_array().map(Vec::len), Some(1));

    let linked = app.patch(&item, &key_a, json!({"media_file_id": own})).await;
    assert_eq!((linked.status, &linked.body["media_file_id"]), (StatusCode::OK, &json!(own)), "{:?}", linked.body);
    // The media file is in use: it cannot be deleted from under the menu.
    let delete = app.delete(&format!("/v1/tenants/TA/media-files/{own}"), &key_a).await;
    assert_eq!(delete.status, StatusCode::CONFLICT, "{:?}", delete.body);
}

/// The declaration named `name`.
fn declared(name: &str) -> &'static ObjectDef {
    registry().iter().map(|rules| rules.def()).find(|def| def.name == name).expect("declared object")
}

/// Rows of `def` whose `column` holds `value`, read straight from the database.
async fn rows_with(app: &TestApp, def: &ObjectDef, column: &str, value: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {} WHERE CAST({column} AS TEXT) = $1", def.table);
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(value).fetch_one(app.core.db().pool()).await.unwrap()
}

#[tokio::test]
async fn a_delete_racing_new_links_never_leaves_a_dangling_reference() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let (class, extension) = (declared("musiconhold"), declared("extension"));
    let (mut kept, mut deleted) = (0, 0);
    let app = &app;
    for round in 0..12 {
        let class_id = add(app, "ACME", class, minimal_record(class, 100 + round)).await;
        // Four writers link new extensions to the class while it is deleted, all at once.
        let links = (0..4).map(|i| {
            let mut record = minimal_record(extension, round * 4 + i);
            record.insert("ex_mu_id".into(), class_id.clone().into());
            let data = Value::Object(record).to_string();
            async move {
                let params = [("object", "extension"), ("action", "add"), ("tenant", "ACME")];
                mdb(app, &app.admin_key, &params, Some(&data)).await
            }
        });
        let params = [("object", "musiconhold"), ("action", "delete"), ("tenant", "ACME"), ("objectid", &class_id)];
        let delete = mdb(app, &app.admin_key, &params, None);
        let (_, answers) = tokio::join!(delete, futures_util::future::join_all(links));
        for answer in &answers {
            assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        }
        let class_left = rows_with(app, class, class.id_column, &class_id).await;
        let linked = rows_with(app, extension, "ex_mu_id", &class_id).await;
        assert!(class_left == 1 || linked == 0, "round {round}: class deleted but {linked} extensions link to it");
        if class_left == 1 { kept += 1 } else { deleted += 1 }
    }
    println!("reference race: the delete won {deleted} rounds, the links {kept}");
}
