//! USERGROUP and /v1/user-groups: group links, and tenants reached through inheriting membership.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

async fn ug(app: &TestApp, key: &str, params: &[(&str, &str)]) -> crate::helpers::Legacy {
    let mut all = vec![("key", key), ("reqtype", "USERGROUP")];
    all.extend_from_slice(params);
    app.legacy(&all).await
}

#[tokio::test]
async fn inheriting_members_reach_the_groups_tenants() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("ACME").await.to_string();
    app.tenant("OTHER").await;
    let admin = app.admin_key.clone();
    let user =
        app.post("/v1/users", &admin, json!({"username": "grp", "password": "grp-password", "role": "operator"})).await;
    let user_id = user.body["id"].as_i64().unwrap().to_string();
    let group = app.post("/v1/user-groups", &admin, json!({"name": "Resellers"})).await;
    assert_eq!(group.status, StatusCode::CREATED, "{:?}", group.body);
    let group_id = group.body["id"].as_i64().unwrap().to_string();

    assert_eq!(
        ug(&app, &admin, &[("action", "addtenant"), ("usergroupid", &group_id), ("tenantid", &acme)]).await.body,
        "OK"
    );
    assert_eq!(
        ug(&app, &admin, &[("action", "adduser"), ("usergroupid", &group_id), ("userid", &user_id), ("inerith", "on")])
            .await
            .body,
        "OK"
    );
    assert_eq!(ug(&app, &admin, &[("action", "list")]).await.body, format!("{group_id}:Resellers|"));
    assert_eq!(
        ug(&app, &admin, &[("action", "listtenants"), ("usergroupid", &group_id), ("format", "json")]).await.json(),
        json!({acme.clone(): {"id": acme.clone(), "name": "ACME"}})
    );
    assert_eq!(
        ug(&app, &admin, &[("action", "listusers"), ("usergroupid", &group_id)]).await.body,
        format!("{user_id}:grp|")
    );

    let token = app.post("/v1/auth/login", "", json!({"username": "grp", "password": "grp-password"})).await.body["access_token"].as_str().unwrap().to_string();
    let reach = |path: &'static str| app.send(app.client.request(Method::GET, app.url(path)).bearer_auth(&token));
    assert_eq!(reach("/v1/tenants/ACME/extensions").await.status, StatusCode::OK, "inherited through the group");
    assert_eq!(reach("/v1/tenants/OTHER/extensions").await.status, StatusCode::NOT_FOUND);
    let check = app
        .legacy(&[("key", &admin), ("reqtype", "CHECKAUTH"), ("username", "grp"), ("password", "grp-password")])
        .await;
    assert_eq!(check.body, format!("OK|{user_id}||ACME|"));

    // Without inheritance the membership grants nothing; removing the tenant revokes at once.
    assert_eq!(
        ug(
            &app,
            &admin,
            &[("action", "adduser"), ("usergroupid", &group_id), ("userid", &user_id), ("inerith", "off")]
        )
        .await
        .body,
        "OK"
    );
    assert_eq!(reach("/v1/tenants/ACME/extensions").await.status, StatusCode::NOT_FOUND);
    let members = app.get(&format!("/v1/user-groups/{group_id}/members"), &admin).await;
    assert_eq!(
        members.body,
        json!({"tenants": ["ACME"], "users": [{"id": user_id.parse::<i64>().unwrap(), "username": "grp", "inherit": false}]})
    );
    let put = app
        .send(
            app.request(Method::PUT, &format!("/v1/user-groups/{group_id}/users/{user_id}"), &admin)
                .json(&json!({"inherit": true})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(reach("/v1/tenants/ACME/extensions").await.status, StatusCode::OK);
    assert_eq!(
        app.delete(&format!("/v1/user-groups/{group_id}/tenants/ACME"), &admin).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(reach("/v1/tenants/ACME/extensions").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ug(&app, &admin, &[("action", "deluser"), ("usergroupid", &group_id), ("userid", &user_id)]).await.body,
        "OK"
    );
    assert_eq!(ug(&app, &admin, &[("action", "listusers"), ("usergroupid", &group_id)]).await.body, "");
}

#[tokio::test]
async fn usergroup_input_and_key_rules() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let admin = app.admin_key.clone();
    let key = app.tenant_key("ACME", false).await;
    assert_eq!(ug(&app, &admin, &[("action", "listtenants")]).await.body, "Error: usergroupid: is required");
    assert_eq!(ug(&app, &admin, &[("action", "listtenants"), ("usergroupid", "987654")]).await.body, "");
    assert_eq!(ug(&app, &admin, &[("action", "bogus")]).await.body, "Unknown action");
    let resp = app.legacy(&[("key", &key), ("reqtype", "USERGROUP"), ("tenant", "ACME"), ("action", "list")]).await;
    assert_eq!(resp.body, KEY_ERROR);
    assert_eq!(app.post("/v1/user-groups", &key, json!({"name": "x"})).await.code(), "admin_required");
    let group =
        app.post("/v1/user-groups", &admin, json!({"name": "G"})).await.body["id"].as_i64().unwrap().to_string();
    assert!(
        ug(&app, &admin, &[("action", "addtenant"), ("usergroupid", &group)]).await.body.starts_with("Error: tenantid")
    );
    assert_eq!(
        ug(&app, &admin, &[("action", "addtenant"), ("usergroupid", &group), ("tenantid", "987654")]).await.body,
        ""
    );
    assert_eq!(app.post("/v1/user-groups", &admin, json!({"name": "G"})).await.status, StatusCode::CONFLICT);
}
