//! Media file audio through MANAGEDB getbinary/updatebinary, MEDIAFILE getaudio and REST.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

pub fn wav(seconds_of_silence: usize) -> Vec<u8> {
    let data = vec![0u8; 8000 * seconds_of_silence];
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(
        b"WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x40\x1f\x00\x00\x01\x00\x08\x00data",
    );
    bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&data);
    bytes
}

pub async fn media(app: &TestApp, key: &str) -> String {
    let resp = app
        .legacy_post(
            &[("key", key), ("reqtype", "MANAGEDB"), ("object", "mediafile"), ("action", "add"), ("tenant", "ACME")],
            &[("jsondata", r#"{"me_name":"welcome"}"#)],
        )
        .await;
    resp.json()["me_id"].as_str().unwrap().to_string()
}

pub async fn upload(app: &TestApp, key: &str, id: &str, bytes: Vec<u8>, name: &str) -> String {
    let form = reqwest::multipart::Form::new()
        .text("key", key.to_string())
        .text("reqtype", "MANAGEDB")
        .text("object", "mediafile")
        .text("action", "updatebinary")
        .text("tenant", "ACME")
        .text("objectid", id.to_string())
        .part("filename", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let resp = app.client.post(app.url("/proxyapi.php")).multipart(form).send().await.unwrap();
    resp.text().await.unwrap()
}

#[tokio::test]
async fn legacy_upload_and_download_by_content_type() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = media(&app, &key).await;
    let get = [
        ("key", key.as_str()),
        ("reqtype", "MANAGEDB"),
        ("object", "mediafile"),
        ("action", "getbinary"),
        ("tenant", "ACME"),
        ("objectid", id.as_str()),
    ];
    assert_eq!(app.legacy(&get).await.body, "", "no audio yet: empty body");
    let audio = wav(1);
    assert_eq!(upload(&app, &key, &id, audio.clone(), "welcome.wav").await, "OK");
    let resp = app.client.get(app.url("/proxyapi.php")).query(&get).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/wav");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), audio);
    let record = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "MANAGEDB"),
            ("object", "mediafile"),
            ("action", "get"),
            ("tenant", "ACME"),
            ("objectid", &id),
        ])
        .await
        .json();
    assert_eq!((&record["me_format"], &record["me_size"]), (&json!("wav"), &json!(audio.len().to_string())));
    // The reference example passes both id and objectid: objectid wins (Q-34).
    let example = app
        .client
        .get(app.url("/proxyapi.php"))
        .query(&[
            ("key", key.as_str()),
            ("reqtype", "MEDIAFILE"),
            ("tenant", "ACME"),
            ("id", "19"),
            ("action", "GETAUDIO"),
            ("objectid", id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(example.bytes().await.unwrap().to_vec(), audio);
    let unknown = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "MEDIAFILE"),
            ("tenant", "ACME"),
            ("action", "GETAUDIO"),
            ("objectid", "987654"),
        ])
        .await;
    assert_eq!(unknown.body, "");
}

#[tokio::test]
async fn non_audio_and_oversized_uploads_are_refused_and_keep_the_old_audio() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let id = media(&app, &key).await;
    let audio = wav(1);
    assert_eq!(upload(&app, &key, &id, audio.clone(), "a.wav").await, "OK");
    let pdf = b"%PDF-1.7 not audio at all".to_vec();
    assert_eq!(upload(&app, &key, &id, pdf, "trick.wav").await, "Error: filename: is not WAV or MP3 audio");
    let big = upload(&app, &key, &id, wav(1100), "big.wav").await;
    assert!(big.starts_with("Error: filename: is larger than"), "{big}");
    let no_file = app
        .legacy_post(
            &[
                ("key", &key),
                ("reqtype", "MANAGEDB"),
                ("object", "mediafile"),
                ("action", "updatebinary"),
                ("tenant", "ACME"),
                ("objectid", &id),
            ],
            &[],
        )
        .await;
    assert!(no_file.body.starts_with("Error: filename"));
    let current = app.get(&format!("/v1/tenants/ACME/media-files/{id}/audio"), &key).await;
    assert_eq!(current.status, StatusCode::OK, "the earlier audio is intact");
}

#[tokio::test]
async fn rest_audio_round_trip_and_isolation() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("OTHER").await;
    let key = app.tenant_key("ACME", false).await;
    let ro = app.tenant_key("ACME", true).await;
    let other = app.tenant_key("OTHER", false).await;
    let id = media(&app, &key).await;
    let path = format!("/v1/tenants/ACME/media-files/{id}/audio");
    assert_eq!(app.get(&path, &key).await.status, StatusCode::NOT_FOUND);
    let mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64".to_vec();
    let put =
        app.send(app.request(Method::PUT, &path, &key).header("content-type", "audio/mpeg").body(mp3.clone())).await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    assert_eq!(put.body, json!({"format": "mp3", "size": mp3.len()}));
    let got = app.client.get(app.url(&path)).header("X-API-Key", &key).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "audio/mpeg");
    assert_eq!(got.bytes().await.unwrap().to_vec(), mp3);
    let text = app
        .send(app.request(Method::PUT, &path, &key).header("content-type", "application/octet-stream").body("hello"))
        .await;
    assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ro_put = app.send(app.request(Method::PUT, &path, &ro).header("content-type", "audio/wav").body(wav(1))).await;
    assert_eq!(ro_put.code(), "read_only_api_key");
    let foreign = app
        .send(
            app.request(Method::PUT, &format!("/v1/tenants/OTHER/media-files/{id}/audio"), &other)
                .header("content-type", "audio/wav")
                .body(wav(1)),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let legacy_foreign = app
        .legacy(&[
            ("key", &other),
            ("reqtype", "MEDIAFILE"),
            ("tenant", "OTHER"),
            ("action", "getaudio"),
            ("objectid", &id),
        ])
        .await;
    assert_eq!(legacy_foreign.body, "", "another tenant's media answers like a missing one");
}
