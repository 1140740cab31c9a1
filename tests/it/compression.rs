//! gzip and br for REST and docs answers when asked for; never for the legacy door, downloads or
//! event streams, which keep streaming.

use std::time::Duration;

use ami_sim::{ChannelSpec, ChannelState};
use reqwest::StatusCode;
use tokio::io::AsyncReadExt as _;

use crate::helpers::TestApp;
use crate::live_lab::LiveLab;

async fn inflate(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    match coding {
        "gzip" => async_compression::tokio::bufread::GzipDecoder::new(bytes).read_to_end(&mut plain).await,
        "br" => async_compression::tokio::bufread::BrotliDecoder::new(bytes).read_to_end(&mut plain).await,
        other => panic!("unexpected coding {other}"),
    }
    .expect("decodes");
    plain
}

async fn fetch(app: &TestApp, path: &str, key: &str, accept: Option<&str>) -> reqwest::Response {
    let mut builder = app.client.get(app.url(path));
    if !key.is_empty() {
        builder = builder.header("X-API-Key", key);
    }
    if let Some(accept) = accept {
        builder = builder.header("Accept-Encoding", accept);
    }
    builder.send().await.expect("answered")
}

#[tokio::test]
async fn docs_and_rest_answers_are_compressed_when_asked_for() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    for path in ["/openapi.json", "/openapi.yaml", "/docs", "/v1/tenants", "/v1/tenants/ACME"] {
        let plain = fetch(&app, path, &app.admin_key, None).await;
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        assert_eq!(plain.headers()["vary"], "accept-encoding", "{path}");
        let status = plain.status();
        let plain = plain.bytes().await.unwrap();
        for (accept, coding) in [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip")] {
            let resp = fetch(&app, path, &app.admin_key, Some(accept)).await;
            assert_eq!(resp.status(), status, "{path}");
            assert_eq!(resp.headers()["content-encoding"], coding, "{path} {accept}");
            assert!(!resp.headers()["x-request-id"].is_empty());
            let bytes = resp.bytes().await.unwrap();
            assert_eq!(inflate(coding, &bytes).await, plain, "{path} {accept}");
            if path == "/openapi.json" {
                assert!(bytes.len() * 5 < plain.len(), "{} of {}", bytes.len(), plain.len());
            }
        }
    }
    // Problems are a few hundred bytes: sent as they are.
    let resp = fetch(&app, "/v1/tenants/NOPE", &app.admin_key, Some("gzip")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.headers().get("content-encoding").is_none());
    // Nothing the client does not accept.
    let resp = fetch(&app, "/v1/tenants", &app.admin_key, Some("deflate, identity")).await;
    assert!(resp.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn the_legacy_door_and_downloads_stay_as_they_are() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .get(app.url("/proxyapi.php"))
        .query(&[("reqtype", "INFO"), ("key", "wrong")])
        .header("Accept-Encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("content-encoding").is_none());
    assert!(resp.headers().get("vary").is_none());
    assert_eq!(resp.text().await.unwrap(), crate::helpers::KEY_ERROR);

    let acme = app.tenant("ACME").await;
    let key = app.tenant_key("ACME", true).await;
    let path = app.dirs.file_dirs().recordings.join("ACME/one.wav");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut audio = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
    audio.resize(64 * 1024, 0);
    std::fs::write(&path, &audio).unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO re_recordings (re_te_id, re_uniqueid, re_name, re_date, re_format, re_size, re_path) \
         VALUES ($1, 'srv1-1.1', 'one', $2, 'wav', $3, 'ACME/one.wav') RETURNING re_id",
    )
    .bind(acme)
    .bind(pbx_gateway::store::now_text())
    .bind(audio.len() as i64)
    .fetch_one(app.core.db().pool())
    .await
    .unwrap();
    let resp = fetch(&app, &format!("/v1/tenants/ACME/recordings/{id}/audio"), &key, Some("gzip, br")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("content-encoding").is_none());
    assert_eq!(resp.bytes().await.unwrap().len(), audio.len());
}

#[tokio::test]
async fn event_streams_are_not_compressed_and_keep_streaming() {
    let lab = LiveLab::start(1).await;
    let app = &lab.app;
    let mut stream = fetch(app, "/v1/events", &app.admin_key, Some("gzip, deflate, br")).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers().get("content-encoding").is_none());
    assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));

    let name = "PJSIP/201-ACME-00000001";
    lab.sims[0].add_channel(ChannelSpec {
        name: name.into(),
        state: ChannelState::Up,
        context: "ACME".into(),
        exten: "104".into(),
        ..ChannelSpec::default()
    });
    // The event arrives while the stream stays open.
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !text.contains(name) {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
            other => panic!("no event for {name}: {other:?}; got {text:?}"),
        }
    }
    assert!(text.contains("event: "), "{text}");
}

#[tokio::test]
async fn idempotency_replays_are_stored_plain_and_compressed_per_request() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({"code": "ACME", "name": "Acme Ltd"});
    let create = |accept: Option<&'static str>| {
        let mut builder = app
            .client
            .post(app.url("/v1/tenants"))
            .header("X-API-Key", &app.admin_key)
            .header("Idempotency-Key", "zipped-1")
            .json(&body);
        if let Some(accept) = accept {
            builder = builder.header("Accept-Encoding", accept);
        }
        builder.send()
    };
    let first = create(Some("gzip")).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.headers()["content-encoding"], "gzip");
    let first = inflate("gzip", &first.bytes().await.unwrap()).await;
    let replay = create(None).await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert!(replay.headers().get("content-encoding").is_none());
    assert_eq!(replay.bytes().await.unwrap(), first);
    let replay = create(Some("br")).await.unwrap();
    assert_eq!(replay.headers()["content-encoding"], "br");
    assert_eq!(inflate("br", &replay.bytes().await.unwrap()).await, first);
}
