//! Browsers may call the API from the web origins the operator lists (`PBXGW_CORS_ORIGINS`), and
//! from no other: without the setting no answer carries CORS headers.

use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;

const CRM: &str = "https://crm.example.com";

#[tokio::test]
async fn without_origins_configured_no_answer_allows_another_origin() {
    let app = TestApp::spawn().await;
    let resp = app.client.get(app.url("/v1/tenants")).header("Origin", CRM).bearer_auth(&app.admin_key).send().await;
    let resp = resp.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_listed_origin_gets_preflights_and_answers_an_unlisted_one_is_refused() {
    let app = TestApp::spawn_with(|config| config.cors_origins = vec![CRM.to_string()]).await;
    let preflight = app
        .client
        .request(Method::OPTIONS, app.url("/v1/tenants"))
        .header("Origin", CRM)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(preflight.headers()["access-control-allow-origin"], CRM);
    let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap().to_ascii_uppercase();
    assert!(methods.contains("POST") && methods.contains("PATCH"), "{methods}");

    let answer = app.client.get(app.url("/v1/tenants")).header("Origin", CRM).bearer_auth(&app.admin_key).send().await;
    let answer = answer.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["access-control-allow-origin"], CRM);
    let exposed = answer.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"), "{exposed}");

    let stranger = app
        .client
        .get(app.url("/v1/tenants"))
        .header("Origin", "https://evil.example.net")
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN);
    assert!(stranger.headers().get("access-control-allow-origin").is_none());
}
