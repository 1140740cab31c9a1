//! BALANCE / INFO balance and /v1/tenants/{code}/balance: floor, no lost updates, idempotent retries.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{KEY_ERROR, TestApp};

async fn legacy_adjust(app: &TestApp, key: &str, amount: &str) -> String {
    app.legacy(&[("key", key), ("reqtype", "BALANCE"), ("tenant", "ACME"), ("amount", amount), ("description", "test")])
        .await
        .body
}

fn adjust(app: &TestApp, key: &str, idempotency_key: &str, amount: &str) -> reqwest::RequestBuilder {
    app.request(Method::POST, "/v1/tenants/ACME/balance/adjustments", key)
        .header("Idempotency-Key", idempotency_key)
        .json(&json!({"amount": amount, "description": "rest"}))
}

#[tokio::test]
async fn legacy_balance_adjusts_and_never_goes_below_the_floor() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", true).await;
    assert_eq!(legacy_adjust(&app, &app.admin_key, "100.50").await, "100.50");
    assert_eq!(legacy_adjust(&app, &app.admin_key, "-20").await, "80.50");
    assert!(
        legacy_adjust(&app, &app.admin_key, "-80.51").await.starts_with("Error: amount: the balance would go below")
    );
    assert!(legacy_adjust(&app, &app.admin_key, "1e3").await.starts_with("Error: amount"));
    assert_eq!(legacy_adjust(&app, &key, "5").await, KEY_ERROR, "BALANCE needs the admin key");
    // INFO balance: the bare number in every format.
    for format in ["plain", "json", "xml", "csv"] {
        let resp = app
            .legacy(&[("key", &key), ("reqtype", "INFO"), ("info", "balance"), ("tenant", "ACME"), ("format", format)])
            .await;
        assert_eq!(resp.body, "80.50", "{format}");
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let moves = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "INFO"),
            ("info", "balance"),
            ("tenant", "ACME"),
            ("start", &today),
            ("end", &today),
        ])
        .await;
    let moves = moves.json();
    assert_eq!(moves.as_array().map(Vec::len), Some(2));
    assert_eq!(
        (&moves[1]["amount"], &moves[1]["balance"], &moves[1]["description"]),
        (&json!("-20.00"), &json!("80.50"), &json!("test"))
    );
    // REST floor: a credit line lets the balance go negative down to it.
    let floor = app
        .send(app.request(Method::PUT, "/v1/tenants/ACME/balance", &app.admin_key).json(&json!({"floor": "-50"})))
        .await;
    assert_eq!(floor.body, json!({"balance": "80.50", "floor": "-50.00"}));
    assert_eq!(legacy_adjust(&app, &app.admin_key, "-130.50").await, "-50.00");
    assert_eq!(app.get("/v1/tenants/ACME/balance", &key).await.body["balance"], "-50.00");
}

#[tokio::test]
async fn concurrent_adjustments_lose_nothing_and_respect_the_floor() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    // 20 credits of 1.25 at once: all land.
    let credits = (0..20).map(|i| app.send(adjust(&app, &app.admin_key, &format!("credit-{i}"), "1.25")));
    let answers = futures_util::future::join_all(credits).await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::CREATED),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(app.get("/v1/tenants/ACME/balance", &app.admin_key).await.body["balance"], "25.00");
    // 12 debits of 5 at once against 25.00 with floor 0: exactly 5 succeed.
    let debits = (0..12).map(|i| app.send(adjust(&app, &app.admin_key, &format!("debit-{i}"), "-5")));
    let answers = futures_util::future::join_all(debits).await;
    let ok = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    let refused = answers.iter().filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY).count();
    assert_eq!((ok, refused), (5, 7));
    assert_eq!(app.get("/v1/tenants/ACME/balance", &app.admin_key).await.body["balance"], "0.00");
    let page = app.get("/v1/tenants/ACME/balance/adjustments?limit=500", &app.admin_key).await;
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(25), "one movement per applied adjustment");
}

#[tokio::test]
async fn a_retried_adjustment_is_applied_once() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let first = app.send(adjust(&app, &app.admin_key, "abc-123", "10")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), "false");
    let again = app.send(adjust(&app, &app.admin_key, "abc-123", "10")).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body, first.body, "the replay answers the first result");
    // Five simultaneous retries of a new key: one adjustment.
    let racers = (0..5).map(|_| app.send(adjust(&app, &app.admin_key, "race-1", "1")));
    let answers = futures_util::future::join_all(racers).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::CREATED));
    assert_eq!(answers.iter().filter(|a| a.header("idempotent-replayed") == "false").count(), 1);
    assert_eq!(app.get("/v1/tenants/ACME/balance", &app.admin_key).await.body["balance"], "11.00");
    // The key is required, amounts are validated.
    let missing = app
        .send(
            app.request(Method::POST, "/v1/tenants/ACME/balance/adjustments", &app.admin_key)
                .json(&json!({"amount": "1"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let bad = app.send(adjust(&app, &app.admin_key, "k2", "1.23456")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", bad.body);
    assert_eq!(bad.body["field"], "amount");
}

#[tokio::test]
async fn balances_are_per_tenant_and_adjustments_admin_only() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let acme = app.tenant_key("ACME", false).await;
    let other = app.tenant_key("OTHER", false).await;
    app.send(adjust(&app, &app.admin_key, "k", "42")).await;
    let denied = app.send(adjust(&app, &acme, "k3", "1000")).await;
    assert_eq!(denied.code(), "admin_required");
    assert_eq!(app.get("/v1/tenants/ACME/balance", &other).await.code(), "tenant_not_found");
    assert_eq!(app.get("/v1/tenants/OTHER/balance", &other).await.body["balance"], "0.00");
    let legacy = app.legacy(&[("key", &other), ("reqtype", "INFO"), ("info", "balance"), ("tenant", "ACME")]).await;
    assert_eq!(legacy.body, KEY_ERROR);
    assert_eq!(app.get("/v1/tenants/ACME/balance", &acme).await.body["balance"], "42.00");
}

#[tokio::test]
async fn a_balance_stops_at_its_maximum_instead_of_overflowing() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    // The largest single adjustment, a hundred times: the maximum balance.
    for n in 0..100 {
        let resp = app.send(adjust(&app, &app.admin_key, &format!("max-{n}"), "1000000000000")).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{n}: {:?}", resp.body);
    }
    // One more through either door is refused with a reason (it once overflowed into a 500).
    let over = app.send(adjust(&app, &app.admin_key, "max-over", "0.0001")).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", over.body);
    assert!(over.body["detail"].as_str().unwrap_or_default().contains("maximum"), "{:?}", over.body);
    let legacy = legacy_adjust(&app, &app.admin_key, "1").await;
    assert!(legacy.starts_with("Error") && legacy.contains("maximum"), "{legacy}");
    let balance = app.get("/v1/tenants/ACME/balance", &app.admin_key).await;
    assert_eq!(balance.body["balance"], "100000000000000.00");
    // Spending still works.
    let spend = app.send(adjust(&app, &app.admin_key, "spend", "-1")).await;
    assert_eq!(spend.status, StatusCode::CREATED, "{:?}", spend.body);
}
