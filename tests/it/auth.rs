//! Login, access tokens, roles, brute-force limit.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

async fn login(app: &TestApp, username: &str, password: &str) -> crate::helpers::Rest {
    app.post("/v1/auth/login", "", json!({"username": username, "password": password})).await
}

fn bearer(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    app.client.request(method, app.url(path)).bearer_auth(token)
}

#[tokio::test]
async fn login_issues_a_short_lived_jwt_that_acts_with_the_users_role() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    app.tenant("BBB").await;
    app.post(
        "/v1/users",
        &app.admin_key,
        json!({"username": "op", "password": "op-password", "role": "operator", "tenants": ["AAA"]}),
    )
    .await;
    let resp = login(&app, "op", "op-password").await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
    assert_eq!(resp.body["token_type"], "Bearer");
    assert_eq!(resp.body["expires_in"], 900);
    let token = resp.body["access_token"].as_str().unwrap().to_string();

    let created = app
        .send(bearer(&app, reqwest::Method::POST, "/v1/tenants/AAA/extensions", &token).json(&json!({"number": "100"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "operators write on their tenants");
    let foreign = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/BBB/extensions", &token)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(foreign.code(), "tenant_not_found");
    let admin_only = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &token)).await;
    assert_eq!(admin_only.code(), "admin_required");
}

#[tokio::test]
async fn viewers_read_and_disabled_users_lose_access_at_once() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    let user = app
        .post("/v1/users", &app.admin_key, json!({"username": "view", "password": "view-password", "tenants": ["AAA"]}))
        .await;
    let token = login(&app, "view", "view-password").await.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/AAA/extensions", &token)).await.status,
        StatusCode::OK
    );
    let write = app
        .send(bearer(&app, reqwest::Method::POST, "/v1/tenants/AAA/extensions", &token).json(&json!({"number": "100"})))
        .await;
    assert_eq!(write.code(), "read_only_api_key");
    let id = user.body["id"].as_i64().unwrap();
    app.patch(&format!("/v1/users/{id}"), &app.admin_key, json!({"disabled": true})).await;
    let after = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants/AAA/extensions", &token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "view", "view-password").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_credentials_and_forged_tokens_are_refused_alike() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "admin2", "password": "admin-password", "role": "admin"}))
        .await;
    let wrong = login(&app, "admin2", "nope").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    let unknown = login(&app, "ghost", "nope").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body, wrong.body, "unknown users are indistinguishable from wrong passwords");

    let token = login(&app, "admin2", "admin-password").await.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &token)).await.status, StatusCode::OK);
    // Signed with another secret, or tampered, or alg=none: refused.
    let foreign = pbx_gateway::auth::jwt::JwtKeys::new("some other secret entirely").issue(1, 60).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
    for bad in [foreign, unsigned, format!("{}.{}.AAAA", parts[0], parts[1])] {
        let resp = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &bad)).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    let expired = pbx_gateway::auth::jwt::JwtKeys::new("test-secret-test-secret-test-secret").issue(1, -600).unwrap();
    assert_eq!(
        app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &expired)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_username_for_the_window() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "target", "password": "the-password"})).await;
    for _ in 0..10 {
        assert_eq!(login(&app, "target", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = login(&app, "target", "the-password").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.code(), "too_many_attempts");
}

/// A login from another client address (another loopback address of this machine).
async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> StatusCode {
    let client = crate::helpers::http_client(Some(address));
    let body = json!({"username": username, "password": password});
    client.post(app.url("/v1/auth/login")).json(&body).send().await.expect("sent").status()
}

#[tokio::test]
async fn guesses_from_one_address_do_not_lock_the_user_out_from_others() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "target", "password": "the-password"})).await;
    for _ in 0..10 {
        assert_eq!(login_from(&app, "127.0.0.1", "target", "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from(&app, "127.0.0.1", "target", "the-password").await, StatusCode::TOO_MANY_REQUESTS);
    // The user, elsewhere, still gets in; the guessing address stays locked.
    assert_eq!(login_from(&app, "127.0.0.2", "target", "the-password").await, StatusCode::OK);
    assert_eq!(login_from(&app, "127.0.0.1", "target", "the-password").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn guesses_spread_over_many_addresses_lock_the_username() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", &app.admin_key, json!({"username": "target", "password": "the-password"})).await;
    // 10 addresses x 10 guesses = the per-user ceiling of 100.
    for host in 10..20 {
        let address = format!("127.0.1.{host}");
        let guesses = (0..10).map(|n| {
            let (app, address) = (&app, address.clone());
            async move { login_from(app, &address, "target", &format!("guess-{n}")).await }
        });
        let statuses = futures_util::future::join_all(guesses).await;
        assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{address}: {statuses:?}");
    }
    assert_eq!(login_from(&app, "127.0.2.1", "target", "the-password").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn bearer_accepts_api_keys_too() {
    let app = TestApp::spawn().await;
    let resp = app.send(bearer(&app, reqwest::Method::GET, "/v1/tenants", &app.admin_key)).await;
    assert_eq!(resp.status, StatusCode::OK);
}

/// Whether a key still works, through both doors (they must agree).
async fn key_works(app: &TestApp, key: &str) -> bool {
    let rest = app.get("/v1/tenants/AAA/extensions", key).await.status == StatusCode::OK;
    let legacy = app.legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "AAA")]).await;
    let legacy = legacy.body != crate::helpers::KEY_ERROR;
    assert_eq!(rest, legacy, "the doors disagree about key {key}");
    rest
}

async fn key_made_with(app: &TestApp, credential: &str, bearer_token: bool) -> String {
    let body = json!({"name": "child", "read_only": false});
    let request = if bearer_token {
        bearer(app, reqwest::Method::POST, "/v1/tenants/AAA/api-keys", credential).json(&body)
    } else {
        app.request(reqwest::Method::POST, "/v1/tenants/AAA/api-keys", credential).json(&body)
    };
    let created = app.send(request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body["key"].as_str().expect("key").to_string()
}

#[tokio::test]
async fn keys_live_no_longer_than_their_creator() {
    let app = TestApp::spawn().await;
    app.tenant("AAA").await;
    // A key made by a key (and one made by that one) is revoked with it, down the chain.
    let parent = app.tenant_key("AAA", false).await;
    let child = key_made_with(&app, &parent, false).await;
    let grandchild = key_made_with(&app, &child, false).await;
    let sibling = app.tenant_key("AAA", false).await;
    assert!(key_works(&app, &child).await && key_works(&app, &grandchild).await);
    let keys = app.get("/v1/tenants/AAA/api-keys", &app.admin_key).await;
    let parent_id = keys.body["items"][0]["id"].as_i64().expect("first key id");
    let creators: Vec<&str> =
        keys.body["items"].as_array().expect("items").iter().map(|k| k["created_by"].as_str().unwrap_or("?")).collect();
    let admin_key_id = "key:1";
    assert_eq!(
        creators,
        [admin_key_id.to_string(), format!("key:{parent_id}"), format!("key:{}", parent_id + 1), admin_key_id.into()],
        "keys are listed with their creator"
    );
    let revoked = app.delete(&format!("/v1/tenants/AAA/api-keys/{parent_id}"), &app.admin_key).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert!(!key_works(&app, &parent).await);
    assert!(!key_works(&app, &child).await, "a key made by a revoked key");
    assert!(!key_works(&app, &grandchild).await, "down the chain");
    assert!(key_works(&app, &sibling).await, "keys of other creators stay");

    // A key made by a user stops when the user is disabled, and stays revoked after re-enabling.
    let user = app
        .post(
            "/v1/users",
            &app.admin_key,
            json!({"username": "op", "password": "op-password", "role": "operator", "tenants": ["AAA"]}),
        )
        .await;
    let user_id = user.body["id"].as_i64().expect("user id");
    let token = login(&app, "op", "op-password").await.body["access_token"].as_str().expect("token").to_string();
    let made_by_user = key_made_with(&app, &token, true).await;
    assert!(key_works(&app, &made_by_user).await);
    app.patch(&format!("/v1/users/{user_id}"), &app.admin_key, json!({"disabled": true})).await;
    assert!(!key_works(&app, &made_by_user).await, "a disabled user's key");
    app.patch(&format!("/v1/users/{user_id}"), &app.admin_key, json!({"disabled": false})).await;
    assert!(!key_works(&app, &made_by_user).await, "revoked, not suspended");

    // Deleting a user revokes its keys too.
    let token = login(&app, "op", "op-password").await.body["access_token"].as_str().expect("token").to_string();
    let second = key_made_with(&app, &token, true).await;
    assert_eq!(app.delete(&format!("/v1/users/{user_id}"), &app.admin_key).await.status, StatusCode::NO_CONTENT);
    assert!(!key_works(&app, &second).await, "a deleted user's key");
}

#[tokio::test]
async fn parallel_guesses_never_get_more_than_the_limit_evaluated() {
    let app = TestApp::spawn().await;
    app.post(
        "/v1/users",
        &app.admin_key,
        json!({"username": "target", "password": "right-password", "role": "viewer"}),
    )
    .await;
    let guesses = (0..50).map(|n| {
        let app = &app;
        async move { login(app, "target", &format!("wrong-{n}")).await.status }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let evaluated = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((evaluated, refused), (10, 40), "{statuses:?}");
}

#[tokio::test]
async fn the_token_secret_never_reaches_the_database() {
    use pbx_gateway::config::Config;
    use pbx_gateway::service::Core;
    let db = crate::helpers::TestDb::create().await;
    let dir = std::env::temp_dir().join(format!("pbxgw-jwt-{}", pbx_gateway::auth::secrets::random_token()));
    let mut config = Config::for_database(&db.url);
    config.jwt_secret_file = dir.join("jwt-secret");
    let core = Core::start(config.clone()).await.unwrap();
    let secret = std::fs::read_to_string(&config.jwt_secret_file).unwrap().trim().to_string();
    assert!(secret.len() >= 32);
    let mut conn = core.db().pool().acquire().await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT gw_name, gw_value FROM gw_settings").fetch_all(&mut *conn).await.unwrap();
    drop(conn);
    assert!(rows.iter().all(|(_, value)| !value.contains(&secret)), "the secret is stored: {rows:?}");
    let fingerprint = pbx_gateway::auth::secrets::digest(&secret);
    assert!(rows.contains(&("jwt_secret_sha256".to_string(), fingerprint)), "{rows:?}");
    // Another replica reading the same file accepts this one's tokens.
    let replica = Core::start(config).await.unwrap();
    let token = core.jwt().issue(7, 60).unwrap();
    assert_eq!(replica.jwt().verify(&token), Some(7));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted() {
    use pbx_gateway::domain::address_range::AddressRange;
    let app =
        TestApp::spawn_with(|config| config.trusted_proxies = vec![AddressRange::parse("127.0.0.1").unwrap()]).await;
    app.post("/v1/users", &app.admin_key, json!({"username": "target", "password": "the-password"})).await;
    let attempt = |from: &'static str, forwarded: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let body = json!({"username": "target", "password": password});
            let client = crate::helpers::http_client(Some(from));
            let request = client.post(app.url("/v1/auth/login")).header("X-Forwarded-For", forwarded).json(&body);
            request.send().await.unwrap().status()
        }
    };
    // A client that writes its own X-Forwarded-For in front of the proxy's entry is still itself.
    for _ in 0..10 {
        assert_eq!(attempt("127.0.0.1", "10.9.9.9, 203.0.113.9", "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("127.0.0.1", "203.0.113.9", "the-password").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt("127.0.0.1", "203.0.113.10", "the-password").await, StatusCode::OK, "another client");
    // From a peer that is not a trusted proxy the header is ignored: the peer is the client.
    assert_eq!(attempt("127.0.0.2", "203.0.113.9", "the-password").await, StatusCode::OK);
}
