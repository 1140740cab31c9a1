//! Rate limits per credential and per client address, through both doors, shared by replicas on
//! one database.

use pbx_gateway::config::Config;
use pbx_gateway::service::rate_limit::{RateLimitSettings, SYNC_INTERVAL};
use reqwest::StatusCode;

use crate::helpers::TestApp;

fn limits(per_address: u64, per_credential: u64) -> impl FnOnce(&mut Config) {
    move |config| config.rate_limits = RateLimitSettings { window_secs: 3600, per_address, per_credential }
}

async fn legacy_queues(app: &TestApp, base: &str, key: &str) -> String {
    let url = format!("{base}/proxyapi.php");
    let query = [("key", key), ("reqtype", "INFO"), ("info", "queues"), ("tenant", "ACME")];
    app.client.get(url).query(&query).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn a_credential_gets_its_limit_through_both_doors_together() {
    let app = TestApp::spawn_with(limits(0, 5)).await;
    app.tenant("ACME").await;
    // Creating the tenant and key used the admin key's budget, not this one's.
    let key = app.tenant_key("ACME", true).await;
    for remaining in (2..5).rev() {
        let resp = app.get("/v1/tenants/ACME/queues", &key).await;
        assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
        assert_eq!(resp.headers["ratelimit-limit"], "5");
        assert_eq!(resp.headers["ratelimit-remaining"], remaining.to_string().as_str());
        assert!(resp.headers["ratelimit-reset"].to_str().unwrap().parse::<u64>().unwrap() <= 3600);
    }
    // The legacy door draws on the same budget.
    assert_eq!(legacy_queues(&app, &app.base, &key).await, "");
    assert_eq!(legacy_queues(&app, &app.base, &key).await, "");
    let refused = app.get("/v1/tenants/ACME/queues", &key).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert_eq!(refused.headers["ratelimit-remaining"], "0");
    let retry: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let legacy = legacy_queues(&app, &app.base, &key).await;
    assert!(legacy.starts_with("Error: too many requests; retry in "), "{legacy}");
    // Other credentials are not affected.
    assert_eq!(app.get("/v1/tenants/ACME/queues", &app.admin_key).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_address_gets_its_limit_whatever_credentials_it_sends() {
    let app = TestApp::spawn_with(limits(3, 0)).await;
    for _ in 0..3 {
        assert_eq!(app.get("/health", "").await.status, StatusCode::OK);
    }
    let refused = app.get("/v1/tenants", &app.admin_key).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(refused.headers.contains_key("retry-after"));
    let legacy = app.legacy(&[("key", app.admin_key.as_str()), ("reqtype", "INFO"), ("info", "tenants")]).await;
    assert!(legacy.body.starts_with("Error: too many requests; retry in "), "{legacy:?}");
    // Another address is counted on its own.
    let elsewhere = crate::helpers::http_client(Some("127.0.0.2"));
    let resp = elsewhere.get(app.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

/// Waits (up to 20 s) until the shared window of the tenant key holds at least `count` requests.
async fn shared_count_reaches(app: &TestApp, count: i64) {
    let mut conn = app.core.db().pool().acquire().await.unwrap();
    for _ in 0..400 {
        let stored: Option<i64> = sqlx::query_scalar(
            "SELECT rl_count FROM rl_rate_limits WHERE rl_bucket = \
             (SELECT 'cred key ' || CAST(ak_id AS TEXT) FROM ak_api_keys WHERE ak_te_id IS NOT NULL)",
        )
        .fetch_optional(&mut *conn)
        .await
        .unwrap();
        if stored.is_some_and(|stored| stored >= count) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the shared window never reached {count}");
}

#[tokio::test]
async fn replicas_on_one_database_share_the_budget() {
    let app = TestApp::spawn_with(limits(0, 10)).await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", true).await;
    // A second replica on the same database.
    let mut config = Config::for_database(app.database_url());
    config.jwt_secret = Some("test-secret-test-secret-test-secret".into());
    config.rate_limits = RateLimitSettings { window_secs: 3600, per_address: 0, per_credential: 10 };
    let core = pbx_gateway::service::Core::start(config.clone()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let app = pbx_gateway::app::build(core);
        pbx_gateway::http_server::serve(listener, app, &config.http, std::future::pending()).await
    });

    for _ in 0..6 {
        assert_eq!(app.get("/v1/tenants/ACME/queues", &key).await.status, StatusCode::OK);
    }
    // Waiting on the shared row rather than for a fixed time: under load a sync can be late.
    shared_count_reaches(&app, 6).await;
    // The other replica learns the first one's 6 when it shares its own first count.
    assert_eq!(legacy_queues(&app, &other, &key).await, "");
    shared_count_reaches(&app, 7).await;
    let settle = SYNC_INTERVAL * 6;
    tokio::time::sleep(SYNC_INTERVAL).await;
    let mut allowed = 0;
    for _ in 0..10 {
        if !legacy_queues(&app, &other, &key).await.starts_with("Error: too many requests") {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 3, "6 + 1 + 3 = the limit of 10 across both replicas");
    // The first replica, past half of the budget, reads the shared count back within a sync.
    tokio::time::sleep(settle).await;
    let first = app.get("/v1/tenants/ACME/queues", &key).await;
    assert_eq!(first.status, StatusCode::TOO_MANY_REQUESTS, "the first replica learned the second's counts");
}

#[tokio::test]
async fn a_large_body_counts_once_although_its_credential_is_checked_before_and_after_it() {
    let app = TestApp::spawn_with(limits(0, 5)).await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    // Over PBXGW_UNAUTHENTICATED_BODY_BYTES: the key is verified before the rest is read, then the
    // door authenticates again.
    let large = serde_json::json!({"name": "big", "description": "x".repeat(100 * 1024)});
    let first = app.post("/v1/tenants/ACME/queues", &key, large).await;
    assert!(first.status.is_client_error() || first.status.is_success(), "{:?}", first.body);
    assert_eq!(first.headers["ratelimit-remaining"], "4", "one request, one charge");
    let small = app.get("/v1/tenants/ACME/queues", &key).await;
    assert_eq!(small.headers["ratelimit-remaining"], "3");
}
