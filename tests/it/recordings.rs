//! Call recordings through INFO recording/playrecording/inforecording/recordings/transcript and REST
//! `/recordings`, `/cdrs/{uniqueid}/recording|transcript`: shapes, call-id spellings, Range,
//! tenant isolation and path safety.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

const MP3: &[u8] = b"ID3\x03\x00\x00\x00\x00\x00\x00mp3-audio-bytes-0123456789";
const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt wav-audio-bytes";

struct Fixture {
    app: TestApp,
    acme: i64,
    key_a: String,
    key_b: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let acme = app.tenant("ACME").await;
    app.tenant("BETA").await;
    let key_a = app.tenant_key("ACME", true).await;
    let key_b = app.tenant_key("BETA", false).await;
    Fixture { app, acme, key_a, key_b }
}

/// Inserts a recording row (date: now) and returns its id.
async fn recording(
    app: &TestApp,
    tenant: i64,
    uniqueid: &str,
    path: &str,
    format: &str,
    transcript: Option<&str>,
) -> i64 {
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO re_recordings (re_te_id, re_uniqueid, re_name, re_date, re_format, re_size, re_path, re_transcript) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING re_id",
    )
    .bind(tenant)
    .bind(uniqueid.to_string())
    .bind(format!("call {uniqueid}"))
    .bind(pbx_gateway::store::now_text())
    .bind(format.to_string())
    .bind(42_i64)
    .bind(path.to_string())
    .bind(transcript.map(str::to_string))
    .fetch_one(app.core.db().pool())
    .await
    .unwrap();
    row.0
}

fn write(app: &TestApp, relative: &str, bytes: &[u8]) {
    let path = app.dirs.file_dirs().recordings.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

async fn raw(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.client.get(app.url("/proxyapi.php")).query(params).send().await.unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn legacy_recording_and_playrecording_stream_typed_bytes() {
    let f = fixture().await;
    write(&f.app, "ACME/2026/a.mp3", MP3);
    write(&f.app, "ACME/2026/b.wav", WAV);
    recording(&f.app, f.acme, "srv1-1700000000.12", "ACME/2026/a.mp3", "mp3", None).await;
    recording(&f.app, f.acme, "srv1-1700000001.3", "ACME/2026/b.wav", "wav", None).await;
    let ask = |info: &'static str, id: &'static str| {
        [("key", f.key_a.as_str()), ("reqtype", "INFO"), ("info", info), ("tenant", "ACME"), ("id", id)]
    };
    let resp = raw(&f.app, &ask("recording", "srv1-1700000000.12")).await;
    assert_eq!(header(&resp, "content-type"), "audio/mpeg");
    assert_eq!(header(&resp, "content-disposition"), "attachment; filename=\"srv1-1700000000.12.mp3\"");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), MP3);
    // `_` stands for `.`.
    let resp = raw(&f.app, &ask("playrecording", "srv1-1700000001_3")).await;
    assert_eq!(header(&resp, "content-type"), "audio/wav");
    assert_eq!(header(&resp, "content-disposition"), "inline; filename=\"srv1-1700000001.3.wav\"");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), WAV);
    // Missing id: the observed text, no newline; unknown id: 0 bytes, text/html.
    for info in ["recording", "playrecording", "inforecording"] {
        let resp = f
            .app
            .legacy(&[("key", &f.key_a), ("reqtype", "INFO"), ("info", info), ("tenant", "ACME"), ("format", "json")])
            .await;
        assert_eq!(resp.body, "No id specified", "{info}");
        let miss = f.app.legacy(&ask(info, "srv1-1800000000.1")).await;
        assert_eq!((miss.body.as_str(), miss.content_type.as_str()), ("", "text/html; charset=UTF-8"), "{info}");
    }
    assert_eq!(f.app.legacy(&ask("recording", "not a call id")).await.body, "");
}

#[tokio::test]
async fn inforecording_is_six_plain_fields_whatever_the_format() {
    let f = fixture().await;
    let id = recording(&f.app, f.acme, "srv1-1700000000.12", "ACME/a.mp3", "mp3", None).await;
    for format in ["plain", "json", "xml"] {
        let resp = f
            .app
            .legacy(&[
                ("key", &f.key_a),
                ("reqtype", "INFO"),
                ("info", "INFORECORDING"),
                ("tenant", "ACME"),
                ("id", "srv1-1700000000_12"),
                ("format", format),
            ])
            .await;
        assert_eq!(resp.content_type, "text/html; charset=UTF-8");
        let fields: Vec<&str> = resp.body.split('|').collect();
        assert_eq!(fields.len(), 6, "{:?}", resp.body);
        assert_eq!(
            (fields[0], fields[1], fields[4], fields[5]),
            (id.to_string().as_str(), "srv1-1700000000.12", "mp3", "42")
        );
        assert!(!resp.body.ends_with('|') && !resp.body.ends_with('\n'));
    }
}

#[tokio::test]
async fn recordings_list_and_transcript_shapes() {
    let f = fixture().await;
    let first = recording(&f.app, f.acme, "srv1-1700000000.1", "ACME/1.mp3", "mp3", Some("hello there")).await;
    let second = recording(&f.app, f.acme, "srv1-1700000000.2", "ACME/2.wav", "wav", None).await;
    let list = |format: &'static str| {
        [("key", f.key_a.as_str()), ("reqtype", "INFO"), ("info", "recordings"), ("tenant", "ACME"), ("format", format)]
    };
    let json = f.app.legacy(&list("json")).await.json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    let keys: Vec<&String> = json[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 6);
    assert_eq!(json[0]["re_id"], json!(first.to_string()));
    assert_eq!(json[1]["re_uniqueid"], json!("srv1-1700000000.2"));
    assert_eq!(json[1]["re_size"], json!("42"));
    let plain = f.app.legacy(&list("plain")).await.body;
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.split('|').count() == 6));
    assert!(lines[1].starts_with(&format!("{second}|srv1-1700000000.2|")));
    let past = f
        .app
        .legacy(&[
            ("key", &f.key_a),
            ("reqtype", "INFO"),
            ("info", "recordings"),
            ("tenant", "ACME"),
            ("start", "2001-01-01"),
            ("end", "2001-01-02"),
        ])
        .await;
    assert_eq!(past.body, "");
    let transcript = |id: &'static str, format: &'static str| {
        [
            ("key", f.key_a.as_str()),
            ("reqtype", "INFO"),
            ("info", "transcript"),
            ("tenant", "ACME"),
            ("id", id),
            ("format", format),
        ]
    };
    assert_eq!(f.app.legacy(&transcript("srv1-1700000000.1", "plain")).await.body, "hello there");
    assert_eq!(
        f.app.legacy(&transcript("srv1-1700000000_1", "json")).await.json(),
        json!({"uniqueid": "srv1-1700000000.1", "transcript": "hello there"})
    );
    assert_eq!(f.app.legacy(&transcript("srv1-1700000000.2", "plain")).await.body, "");
    assert_eq!(f.app.legacy(&transcript("srv1-1700000000.9", "json")).await.body, "");
}

#[tokio::test]
async fn originate_ids_resolve_through_the_tenants_cdr() {
    let f = fixture().await;
    write(&f.app, "ACME/o.mp3", MP3);
    recording(&f.app, f.acme, "srv1-1700000000.7", "ACME/o.mp3", "mp3", Some("dialled")).await;
    sqlx::query("INSERT INTO cdr (calldate, uniqueid, originateid, te_id) VALUES ($1, $2, $3, $4)")
        .bind(pbx_gateway::store::now_text())
        .bind("srv1-1700000000.7")
        .bind("0a1b2c3d4e5f60")
        .bind(f.acme)
        .execute(f.app.core.db().pool())
        .await
        .unwrap();
    let resp = raw(
        &f.app,
        &[("key", &f.key_a), ("reqtype", "INFO"), ("info", "recording"), ("tenant", "ACME"), ("id", "0a1b2c3d4e5f60")],
    )
    .await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), MP3);
    let rest = f.app.client.get(f.app.url("/v1/tenants/ACME/cdrs/0a1b2c3d4e5f60/recording"));
    let resp = rest.header("X-API-Key", &f.key_a).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), MP3);
    let transcript = f.app.get("/v1/tenants/ACME/cdrs/0a1b2c3d4e5f60/transcript", &f.key_a).await;
    assert_eq!(transcript.body, json!({"uniqueid": "srv1-1700000000.7", "transcript": "dialled"}));
    // An unknown originate id is a miss.
    let miss = f.app.get("/v1/tenants/ACME/cdrs/ffffffffffffff/transcript", &f.key_a).await;
    assert_eq!((miss.status, miss.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn rest_lists_filters_pages_and_reads_metadata() {
    let f = fixture().await;
    let a = recording(&f.app, f.acme, "srv1-1700000000.1", "ACME/1.mp3", "mp3", Some("t")).await;
    let b = recording(&f.app, f.acme, "srv1-1700000000.2", "ACME/2.mp3", "mp3", None).await;
    let page = f.app.get("/v1/tenants/ACME/recordings?limit=1", &f.key_a).await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    assert_eq!(page.body["items"][0]["id"], json!(a));
    assert_eq!(page.body["items"][0]["has_transcript"], json!(true));
    let cursor = page.body["next_cursor"].as_str().unwrap().to_string();
    let next = f.app.get(&format!("/v1/tenants/ACME/recordings?limit=1&cursor={cursor}"), &f.key_a).await;
    assert_eq!(next.body["items"][0]["id"], json!(b));
    assert!(next.body["next_cursor"].is_null());
    let one = f.app.get("/v1/tenants/ACME/recordings?uniqueid=srv1-1700000000_2", &f.key_a).await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(one.body["items"][0]["uniqueid"], json!("srv1-1700000000.2"));
    let old = f.app.get("/v1/tenants/ACME/recordings?from=2001-01-01&to=2001-01-02T00:00:00Z", &f.key_a).await;
    assert_eq!(old.body["items"], json!([]));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let current = f.app.get(&format!("/v1/tenants/ACME/recordings?from={today}&to={today}"), &f.key_a).await;
    assert_eq!(current.body["items"].as_array().unwrap().len(), 2);
    let bad = f.app.get("/v1/tenants/ACME/recordings?from=yesterday", &f.key_a).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let meta = f.app.get(&format!("/v1/tenants/ACME/recordings/{a}"), &f.key_a).await;
    assert_eq!(meta.body["uniqueid"], json!("srv1-1700000000.1"));
    assert_eq!(meta.body["format"], json!("mp3"));
    assert!(chrono::DateTime::parse_from_rfc3339(meta.body["date"].as_str().unwrap()).is_ok());
    assert!(meta.body.get("path").is_none());
}

#[tokio::test]
async fn rest_audio_honours_ranges() {
    let f = fixture().await;
    write(&f.app, "ACME/r.mp3", MP3);
    let id = recording(&f.app, f.acme, "srv1-1700000000.5", "ACME/r.mp3", "mp3", None).await;
    let path = format!("/v1/tenants/ACME/recordings/{id}/audio");
    let get = |range: Option<&str>| {
        let req = f.app.request(Method::GET, &path, &f.key_a);
        match range {
            Some(r) => req.header("Range", r),
            None => req,
        }
    };
    let full = get(None).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(header(&full, "accept-ranges"), "bytes");
    assert_eq!(header(&full, "content-type"), "audio/mpeg");
    assert_eq!(header(&full, "content-disposition"), "attachment; filename=\"srv1-1700000000.5.mp3\"");
    assert_eq!(full.bytes().await.unwrap().as_ref(), MP3);
    let part = get(Some("bytes=0-3")).send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&part, "content-range"), format!("bytes 0-3/{}", MP3.len()));
    assert_eq!(part.bytes().await.unwrap().as_ref(), &MP3[..4]);
    let tail = get(Some("bytes=-5")).send().await.unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &MP3[MP3.len() - 5..]);
    let outside = get(Some("bytes=9999-")).send().await.unwrap();
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&outside, "content-range"), format!("bytes */{}", MP3.len()));
}

#[tokio::test]
async fn another_tenants_recording_answers_like_a_missing_one() {
    let f = fixture().await;
    write(&f.app, "ACME/secret.mp3", MP3);
    let id = recording(&f.app, f.acme, "srv1-1700000000.12", "ACME/secret.mp3", "mp3", Some("secret")).await;
    for info in ["recording", "playrecording", "inforecording", "transcript"] {
        let theirs = f
            .app
            .legacy(&[
                ("key", &f.key_b),
                ("reqtype", "INFO"),
                ("info", info),
                ("tenant", "BETA"),
                ("id", "srv1-1700000000.12"),
            ])
            .await;
        let missing = f
            .app
            .legacy(&[
                ("key", &f.key_b),
                ("reqtype", "INFO"),
                ("info", info),
                ("tenant", "BETA"),
                ("id", "srv1-1900000000.1"),
            ])
            .await;
        assert_eq!((&theirs.body, &theirs.content_type), (&missing.body, &missing.content_type), "{info}");
        assert_eq!(theirs.body, "");
    }
    let listed = f
        .app
        .legacy(&[
            ("key", &f.key_b),
            ("reqtype", "INFO"),
            ("info", "recordings"),
            ("tenant", "BETA"),
            ("format", "json"),
        ])
        .await;
    assert_eq!(listed.body, "");
    for (theirs, missing) in [
        (format!("/v1/tenants/BETA/recordings/{id}"), "/v1/tenants/BETA/recordings/999999".to_string()),
        (format!("/v1/tenants/BETA/recordings/{id}/audio"), "/v1/tenants/BETA/recordings/999999/audio".to_string()),
        (
            "/v1/tenants/BETA/cdrs/srv1-1700000000.12/recording".to_string(),
            "/v1/tenants/BETA/cdrs/srv1-1900000000.1/recording".to_string(),
        ),
        (
            "/v1/tenants/BETA/cdrs/srv1-1700000000.12/transcript".to_string(),
            "/v1/tenants/BETA/cdrs/srv1-1900000000.1/transcript".to_string(),
        ),
    ] {
        let theirs = f.app.get(&theirs, &f.key_b).await;
        let missing = f.app.get(&missing, &f.key_b).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!((theirs.status, &theirs.body), (missing.status, &missing.body));
    }
    let page = f.app.get("/v1/tenants/BETA/recordings", &f.key_b).await;
    assert_eq!(page.body["items"], json!([]));
    // B's key cannot name A's tenant either.
    let other = f.app.get(&format!("/v1/tenants/ACME/recordings/{id}"), &f.key_b).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stored_paths_never_lead_outside_the_recordings_directory() {
    let f = fixture().await;
    let outside = f.app.dirs.root.join("outside.mp3");
    std::fs::write(&outside, b"outside the root").unwrap();
    let dir = f.app.dirs.file_dirs().recordings.join("ACME");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link.mp3")).unwrap();
    let cases = [
        ("srv1-1700000000.1", "../../etc/passwd".to_string()),
        ("srv1-1700000000.2", "/etc/passwd".to_string()),
        ("srv1-1700000000.3", outside.display().to_string()),
        ("srv1-1700000000.4", "ACME/link.mp3".to_string()),
        ("srv1-1700000000.5", "ACME/../../outside.mp3".to_string()),
    ];
    for (uniqueid, path) in cases {
        let id = recording(&f.app, f.acme, uniqueid, &path, "mp3", None).await;
        let legacy = raw(
            &f.app,
            &[("key", &f.key_a), ("reqtype", "INFO"), ("info", "recording"), ("tenant", "ACME"), ("id", uniqueid)],
        )
        .await;
        assert_eq!(header(&legacy, "content-type"), "text/html; charset=UTF-8", "{path}");
        assert_eq!(legacy.bytes().await.unwrap().len(), 0, "{path}");
        let rest = f.app.get(&format!("/v1/tenants/ACME/recordings/{id}/audio"), &f.key_a).await;
        assert_eq!((rest.status, rest.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
        let by_call = f.app.get(&format!("/v1/tenants/ACME/cdrs/{uniqueid}/recording"), &f.key_a).await;
        assert_eq!(by_call.status, StatusCode::NOT_FOUND, "{path}");
    }
}
