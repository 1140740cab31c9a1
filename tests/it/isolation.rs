//! Tenant isolation, both doors: a key of tenant A can neither read nor change anything of tenant B,
//! and B's objects answer exactly as missing ones do.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

struct World {
    app: TestApp,
    key_a: String,
    ro_a: String,
    ext_b: i64,
    key_b_id: i64,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    app.tenant("TA").await;
    app.tenant("TB").await;
    app.extension("TA", &app.admin_key, "100").await;
    let ext_b = app.extension("TB", &app.admin_key, "200").await;
    let key_a = app.tenant_key("TA", false).await;
    let ro_a = app.tenant_key("TA", true).await;
    let issued = app.post("/v1/tenants/TB/api-keys", &app.admin_key, json!({"name": "b"})).await;
    World { key_b_id: issued.body["id"].as_i64().unwrap(), app, key_a, ro_a, ext_b }
}

/// Sends the same request for a foreign target and for a missing one and requires identical answers.
async fn same_as_missing(w: &World, key: &str, method: Method, foreign: &str, missing: &str) {
    let body = json!({"number": "300", "name": "intruder", "secret": "s3cret-pass"});
    let send = |path: String| {
        let mut builder = w.app.request(method.clone(), &path, key);
        if method == Method::POST || method == Method::PATCH {
            builder = builder.json(&body);
        }
        w.app.send(builder)
    };
    let a = send(foreign.to_string()).await;
    let b = send(missing.to_string()).await;
    // The body is checked against the operation's schema before the tenant is looked up: a body the
    // operation does not take is 422 on every tenant alike, which tells nothing either.
    let same_as_missing = [StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY];
    assert!(same_as_missing.contains(&a.status), "{method} {foreign}: {:?}", a.body);
    assert_eq!((a.status, &a.body), (b.status, &b.body), "{method} {foreign} differs from {missing}");
}

#[tokio::test]
async fn rest_cross_tenant_matrix_finds_nothing() {
    let w = world().await;
    let eb = w.ext_b;
    let kb = w.key_b_id;
    for key in [&w.key_a, &w.ro_a] {
        for method in [Method::GET, Method::POST] {
            same_as_missing(&w, key, method.clone(), "/v1/tenants/TB/extensions", "/v1/tenants/NOSUCH/extensions")
                .await;
            same_as_missing(&w, key, method, "/v1/tenants/TB/api-keys", "/v1/tenants/NOSUCH/api-keys").await;
        }
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            same_as_missing(
                &w,
                key,
                method.clone(),
                &format!("/v1/tenants/TB/extensions/{eb}"),
                "/v1/tenants/NOSUCH/extensions/1",
            )
            .await;
        }
        // Addressing B's object through A's own tenant: not found, like an id that never existed.
        same_as_missing(
            &w,
            key,
            Method::GET,
            &format!("/v1/tenants/TA/extensions/{eb}"),
            "/v1/tenants/TA/extensions/987654",
        )
        .await;
        for method in [Method::GET, Method::DELETE] {
            same_as_missing(&w, key, method, &format!("/v1/tenants/TB/api-keys/{kb}"), "/v1/tenants/NOSUCH/api-keys/1")
                .await;
        }
    }
    // Writes to a foreign id via the own tenant: the read-write key gets not_found (the read-only key
    // gets read_only_api_key before any lookup, which reveals nothing either).
    same_as_missing(
        &w,
        &w.key_a,
        Method::DELETE,
        &format!("/v1/tenants/TA/extensions/{eb}"),
        "/v1/tenants/TA/extensions/987654",
    )
    .await;
    same_as_missing(
        &w,
        &w.key_a,
        Method::PATCH,
        &format!("/v1/tenants/TA/extensions/{eb}"),
        "/v1/tenants/TA/extensions/987654",
    )
    .await;
    same_as_missing(
        &w,
        &w.key_a,
        Method::GET,
        &format!("/v1/tenants/TA/api-keys/{kb}"),
        "/v1/tenants/TA/api-keys/987654",
    )
    .await;
    same_as_missing(
        &w,
        &w.key_a,
        Method::DELETE,
        &format!("/v1/tenants/TA/api-keys/{kb}"),
        "/v1/tenants/TA/api-keys/987654",
    )
    .await;

    // Lists of A never contain B's rows.
    let list = w.app.get("/v1/tenants/TA/extensions", &w.key_a).await;
    assert!(list.body["items"].as_array().unwrap().iter().all(|e| e["id"] != eb));
    // Admin resources answer the same for own and foreign tenants.
    let own = w.app.get("/v1/tenants/TA", &w.key_a).await;
    let foreign = w.app.get("/v1/tenants/TB", &w.key_a).await;
    assert_eq!((own.status, own.body), (foreign.status, foreign.body));

    assert_b_untouched(&w).await;
}

#[tokio::test]
async fn legacy_cross_tenant_matrix_finds_nothing() {
    let w = world().await;
    let eb = w.ext_b.to_string();
    let jsondata = r#"{"ex_name":"intruder","ex_number":"300","secret":"s3cret-pass"}"#;
    for key in [&w.key_a, &w.ro_a] {
        // Naming B, no tenant, or all tenants: the key error, for every operation.
        for tenant in [Some("TB"), None, Some("%"), Some("NOSUCH")] {
            for action in ["list", "get", "add", "update", "delete"] {
                let mut params = vec![
                    ("key", key.as_str()),
                    ("reqtype", "MANAGEDB"),
                    ("object", "extension"),
                    ("action", action),
                    ("objectid", eb.as_str()),
                    ("jsondata", jsondata),
                ];
                if let Some(t) = tenant {
                    params.push(("tenant", t));
                }
                let resp = w.app.legacy(&params).await;
                assert_eq!(resp.body, KEY_ERROR, "{action} tenant={tenant:?}");
                assert_eq!(resp.status, StatusCode::OK);
            }
            let mut params = vec![("key", key.as_str()), ("reqtype", "INFO"), ("info", "EXTENSIONS")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_eq!(w.app.legacy(&params).await.body, KEY_ERROR);
            let mut params = vec![("key", key.as_str()), ("reqtype", "HELP")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_eq!(w.app.legacy(&params).await.body, KEY_ERROR, "HELP tenant={tenant:?}");
        }
        // B's id through A's tenant: exactly what a missing id gives.
        for action in ["get", "update", "delete"] {
            let foreign = w
                .app
                .legacy(&[
                    ("key", key),
                    ("reqtype", "MANAGEDB"),
                    ("object", "extension"),
                    ("action", action),
                    ("tenant", "TA"),
                    ("objectid", &eb),
                    ("jsondata", jsondata),
                ])
                .await;
            let missing = w
                .app
                .legacy(&[
                    ("key", key),
                    ("reqtype", "MANAGEDB"),
                    ("object", "extension"),
                    ("action", action),
                    ("tenant", "TA"),
                    ("objectid", "987654"),
                    ("jsondata", jsondata),
                ])
                .await;
            assert_eq!(foreign.body, missing.body, "{action}");
        }
        let foreign = w
            .app
            .legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "TA"), ("id", &eb)])
            .await;
        assert_eq!(foreign.body, "");
        // Global objects and admin reqtypes: key error.
        for object in ["tenant", "user"] {
            let resp = w
                .app
                .legacy(&[
                    ("key", key),
                    ("reqtype", "MANAGEDB"),
                    ("object", object),
                    ("action", "list"),
                    ("tenant", "TA"),
                ])
                .await;
            assert_eq!(resp.body, KEY_ERROR, "{object}");
        }
        let resp = w
            .app
            .legacy(&[("key", key), ("reqtype", "CHECKAUTH"), ("tenant", "TA"), ("username", "x"), ("password", "y")])
            .await;
        assert_eq!(resp.body, KEY_ERROR);
        let resp = w
            .app
            .legacy(&[("key", key), ("reqtype", "AUTHTOKEN"), ("tenant", "TA"), ("action", "generate"), ("user", "x")])
            .await;
        assert_eq!(resp.body, KEY_ERROR);
    }
    // A's list never shows B's rows.
    let list = w
        .app
        .legacy(&[
            ("key", &w.key_a),
            ("reqtype", "MANAGEDB"),
            ("object", "extension"),
            ("action", "list"),
            ("tenant", "TA"),
        ])
        .await;
    assert!(list.json().as_object().unwrap().keys().all(|id| *id != eb));
    assert_b_untouched(&w).await;
}

#[tokio::test]
async fn user_tokens_are_confined_to_linked_tenants() {
    let w = world().await;
    w.app
        .post(
            "/v1/users",
            &w.app.admin_key,
            json!({"username": "opa", "password": "opa-password", "role": "operator", "tenants": ["TA"]}),
        )
        .await;
    let token = w
        .app
        .post(
            "/v1/auth/login",
            "",
            json!({"username": "opa", "password": "opa-password"}),
        )
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let foreign = w.app.send(w.app.client.get(w.app.url("/v1/tenants/TB/extensions")).bearer_auth(&token)).await;
    let missing = w.app.send(w.app.client.get(w.app.url("/v1/tenants/NOSUCH/extensions")).bearer_auth(&token)).await;
    assert_eq!((foreign.status, foreign.body), (missing.status, missing.body));
    assert_b_untouched(&w).await;
}

async fn assert_b_untouched(w: &World) {
    let b = w.app.get(&format!("/v1/tenants/TB/extensions/{}", w.ext_b), &w.app.admin_key).await;
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(b.body["name"], "Ext 200");
    let all = w.app.get("/v1/tenants/TB/extensions", &w.app.admin_key).await;
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(1), "no extension was added to B");
    let key = w.app.get(&format!("/v1/tenants/TB/api-keys/{}", w.key_b_id), &w.app.admin_key).await;
    assert!(key.body["revoked_at"].is_null(), "B's key was not revoked");
}
