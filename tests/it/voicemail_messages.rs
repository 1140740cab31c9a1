//! Voicemail messages from Asterisk's spool: VOICEMAIL, INFO voicemail/voicemailtranscript, MANAGEDB
//! voicemail message actions and `/v1/tenants/{code}/voicemail-boxes/{id}/messages`.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, Legacy, TestApp};

const MSG_A: &str = "1700000000-00000001";
const MSG_B: &str = "1700000100-00000002";
const MSG_OLD: &str = "1699990000-00000003";

fn wav(tag: u8) -> Vec<u8> {
    let data = vec![tag; 800];
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(
        b"WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x40\x1f\x00\x00\x01\x00\x08\x00data",
    );
    bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&data);
    bytes
}

fn spool(app: &TestApp) -> PathBuf {
    app.dirs.file_dirs().voicemail_spool
}

/// An app_voicemail envelope as Asterisk writes it.
fn envelope(mailbox: &str, msg_id: &str, origtime: i64, callerid: &str, duration: u32) -> String {
    format!(
        ";\n; Message Information file\n;\n[message]\norigmailbox={mailbox}\ncontext=from-internal\nmacrocontext=\n\
         exten={mailbox}\nrdnis=unknown\npriority=2\ncallerchan=PJSIP/104-00000012\ncallerid={callerid}\n\
         origdate=Tue Nov 14 22:13:20 2023\norigtime={origtime}\ncategory=\nmsg_id={msg_id}\nflag=\nduration={duration}\n"
    )
}

/// Writes `msgNNNN.txt` (+ `.wav` when `audio` is given) into a spool folder.
fn put_message(dir: &Path, number: u16, msg_id: &str, origtime: i64, audio: Option<&[u8]>) {
    std::fs::create_dir_all(dir).unwrap();
    let mailbox = dir.parent().unwrap().file_name().unwrap().to_str().unwrap();
    let text = envelope(mailbox, msg_id, origtime, "\"Bob\" <104>", 7);
    std::fs::write(dir.join(format!("msg{number:04}.txt")), text).unwrap();
    if let Some(audio) = audio {
        std::fs::write(dir.join(format!("msg{number:04}.wav")), audio).unwrap();
    }
}

/// Tenant ACME with box 103 (two INBOX messages, one Old) and a read-write key.
async fn setup(app: &TestApp) -> String {
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    voicemail_box(app, "ACME", &key, "103").await;
    let dir = spool(app).join("ACME/103");
    put_message(&dir.join("INBOX"), 0, MSG_A, 1_700_000_000, Some(&wav(1)));
    put_message(&dir.join("INBOX"), 1, MSG_B, 1_700_000_100, Some(&wav(2)));
    put_message(&dir.join("Old"), 0, MSG_OLD, 1_699_990_000, Some(&wav(3)));
    key
}

async fn voicemail_box(app: &TestApp, code: &str, key: &str, mailbox: &str) {
    let body =
        json!({"mailbox": mailbox, "password": "1234", "full_name": "Alice", "email": "a@example.com", "attach": true});
    let resp = app.post(&format!("/v1/tenants/{code}/voicemail-boxes"), key, body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
}

/// The REST path of the messages of `code`'s box for `mailbox` (paths name a box by its id).
async fn messages_of(app: &TestApp, code: &str, key: &str, mailbox: &str) -> String {
    let boxes = app.get(&format!("/v1/tenants/{code}/voicemail-boxes?mailbox={mailbox}"), key).await;
    let id = boxes.body["items"][0]["id"].as_i64().unwrap_or_else(|| panic!("no box {mailbox}: {:?}", boxes.body));
    format!("/v1/tenants/{code}/voicemail-boxes/{id}/messages")
}

async fn vm(app: &TestApp, key: &str, params: &[(&str, &str)]) -> Legacy {
    let mut all = vec![("key", key), ("reqtype", "VOICEMAIL"), ("tenant", "ACME")];
    all.extend_from_slice(params);
    app.legacy(&all).await
}

async fn raw(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.client.get(app.url("/proxyapi.php")).query(params).send().await.unwrap()
}

fn inbox_files(app: &TestApp, folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(spool(app).join("ACME/103").join(folder))
        .map(|d| d.map(|e| e.unwrap().file_name().into_string().unwrap()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn legacy_list_and_messages_in_plain_and_json() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let plain = vm(&app, &key, &[("action", "list")]).await;
    assert_eq!(plain.body, "Mailbox|Fullname|Email|Attach|\n103|Alice|a@example.com|yes|\n");
    let json = vm(&app, &key, &[("action", "list"), ("format", "json")]).await.json();
    assert_eq!(json[0]["mailbox"], "103");
    assert_eq!(json[0]["context"], "ACME");
    assert_eq!(json[0]["password"], "", "the PIN is blanked");

    let listed = vm(&app, &key, &[("action", "messages"), ("mailbox", "103"), ("format", "json")]).await.json();
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|m| m["msg_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [MSG_A, MSG_B, MSG_OLD]);
    let date = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().with_timezone(&chrono::Local);
    let date = date.format("%Y-%m-%d %H:%M:%S").to_string();
    assert_eq!(
        listed[0],
        json!({"msgid": "0000", "msg_id": MSG_A, "folder": "INBOX", "callerid": "\"Bob\" <104>",
               "origdate": date, "duration": "7", "read": ""})
    );
    assert_eq!(listed[2]["read"], "on");
    let plain = vm(&app, &key, &[("action", "messages"), ("mailbox", "103"), ("folder", "old")]).await;
    let old_date = chrono::DateTime::from_timestamp(1_699_990_000, 0).unwrap().with_timezone(&chrono::Local);
    let expected = format!(
        "Msgid|Folder|Callerid|Date|Duration|Read\n0000|Old|\"Bob\" <104>|{}|7|on\n",
        old_date.format("%Y-%m-%d %H:%M:%S")
    );
    assert_eq!(plain.body, expected);
    for missing in [&[("action", "messages")][..], &[("action", "messages"), ("mailbox", "999")][..]] {
        let resp = vm(&app, &key, missing).await;
        assert_eq!((resp.status, resp.body.as_str()), (StatusCode::OK, ""), "{missing:?}");
    }
}

#[tokio::test]
async fn legacy_message_download_and_state_changes() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let ro = app.tenant_key("ACME", true).await;
    let get = [("key", ro.as_str()), ("reqtype", "VOICEMAIL"), ("tenant", "ACME"), ("action", "message")];
    let resp = raw(&app, &[&get[..], &[("mailbox", "103"), ("msgid", MSG_A)]].concat()).await;
    assert_eq!(resp.headers()["content-type"], "audio/wav");
    assert_eq!(resp.headers()["content-disposition"], format!("attachment; filename=\"{MSG_A}.wav\""));
    assert_eq!(resp.bytes().await.unwrap().to_vec(), wav(1));
    assert_eq!(inbox_files(&app, "INBOX"), ["msg0000.txt", "msg0000.wav", "msg0001.txt", "msg0001.wav"], "not read");

    // A read-only key may listen, not change.
    let refused = vm(&app, &ro, &[("action", "markread"), ("mailbox", "103"), ("msgid", MSG_A)]).await;
    assert_eq!(refused.body, KEY_ERROR);

    std::fs::write(spool(&app).join("ACME/103/INBOX/msg0000.transcript.txt"), "Call me back.\n").unwrap();
    let read = vm(&app, &key, &[("action", "markread"), ("mailbox", "103"), ("msgid", MSG_A)]).await;
    assert_eq!(read.body, "OK");
    assert_eq!(inbox_files(&app, "INBOX"), ["msg0001.txt", "msg0001.wav"]);
    assert_eq!(
        inbox_files(&app, "Old"),
        ["msg0000.txt", "msg0000.wav", "msg0001.transcript.txt", "msg0001.txt", "msg0001.wav"],
        "the message takes the next free number in Old, with all its files"
    );
    let unread = vm(&app, &key, &[("action", "markunread"), ("mailbox", "103"), ("msgid", MSG_A)]).await;
    assert_eq!(unread.body, "OK");
    let listed = vm(&app, &key, &[("action", "messages"), ("mailbox", "103"), ("format", "json")]).await.json();
    assert_eq!(
        (&listed[1]["msg_id"], &listed[1]["msgid"], &listed[1]["read"]),
        (&json!(MSG_A), &json!("0002"), &json!(""))
    );

    let deleted = vm(&app, &key, &[("action", "delete"), ("mailbox", "103"), ("msgid", MSG_A)]).await;
    assert_eq!(deleted.body, "OK");
    assert_eq!(inbox_files(&app, "INBOX"), ["msg0001.txt", "msg0001.wav"]);
    for action in ["delete", "markread", "message"] {
        let again = vm(&app, &key, &[("action", action), ("mailbox", "103"), ("msgid", MSG_A)]).await;
        assert_eq!(again.body, "", "{action} of a missing message answers an empty body");
    }
}

#[tokio::test]
async fn info_voicemail_and_transcript() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let info = |id: &'static str, info: &'static str, format: &'static str| {
        [
            ("key", key.clone()),
            ("reqtype", "INFO".into()),
            ("tenant", "ACME".into()),
            ("info", info.into()),
            ("id", id.into()),
            ("format", format.into()),
        ]
    };
    let resp = app.client.get(app.url("/proxyapi.php")).query(&info(MSG_B, "voicemail", "plain")).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/wav");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), wav(2));
    assert_eq!(inbox_files(&app, "INBOX").len(), 4, "INFO voicemail does not mark read");
    let unknown =
        app.client.get(app.url("/proxyapi.php")).query(&info("1-2", "voicemail", "plain")).send().await.unwrap();
    assert_eq!(unknown.text().await.unwrap(), "");

    let none = app.client.get(app.url("/proxyapi.php")).query(&info(MSG_B, "voicemailtranscript", "plain")).send();
    assert_eq!(none.await.unwrap().text().await.unwrap(), "");
    std::fs::write(spool(&app).join("ACME/103/INBOX/msg0001.transcript.txt"), "Hello, it's Bob.\n").unwrap();
    let plain = app.client.get(app.url("/proxyapi.php")).query(&info(MSG_B, "voicemailtranscript", "plain")).send();
    assert_eq!(plain.await.unwrap().text().await.unwrap(), "Hello, it's Bob.");
    let json = app.client.get(app.url("/proxyapi.php")).query(&info(MSG_B, "voicemailtranscript", "json")).send();
    let json: serde_json::Value = json.await.unwrap().json().await.unwrap();
    assert_eq!(json, json!({"id": MSG_B, "transcript": "Hello, it's Bob."}));
}

async fn managedb(app: &TestApp, key: &str, action: &str, params: &[(&str, &str)]) -> reqwest::Response {
    let base = [("key", key), ("reqtype", "MANAGEDB"), ("object", "voicemail"), ("action", action), ("tenant", "ACME")];
    raw(app, &[&base[..], params].concat()).await
}

async fn put_recording(app: &TestApp, key: &str, id: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("key", key.to_string())
        .text("reqtype", "MANAGEDB")
        .text("object", "voicemail")
        .text("action", "putmessagerecording")
        .text("tenant", "ACME")
        .text("id", id.to_string())
        .part("filename", reqwest::multipart::Part::bytes(bytes).file_name("new.wav"));
    app.client.post(app.url("/proxyapi.php")).multipart(form).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn managedb_message_actions() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let listed: serde_json::Value =
        managedb(&app, &key, "listmessages", &[("mailboxuser", "103"), ("mailbox", "INBOX")])
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(
        (&listed[0]["id"], &listed[0]["folder"], &listed[0]["callerid"]),
        (&json!(MSG_A), &json!("INBOX"), &json!("\"Bob\" <104>"))
    );
    assert_eq!(listed[0]["origtime"], "1700000000");
    let all: serde_json::Value =
        managedb(&app, &key, "listmessages", &[("mailboxuser", "103")]).await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    let got = managedb(&app, &key, "getmessagerecording", &[("id", MSG_OLD)]).await;
    assert_eq!(got.headers()["content-type"], "audio/wav");
    assert_eq!(got.bytes().await.unwrap().to_vec(), wav(3));

    assert_eq!(put_recording(&app, &key, MSG_OLD, wav(9)).await, "OK");
    let got = managedb(&app, &key, "getmessagerecording", &[("id", MSG_OLD)]).await;
    assert_eq!(got.bytes().await.unwrap().to_vec(), wav(9));
    let mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64".to_vec();
    assert_eq!(put_recording(&app, &key, MSG_OLD, mp3.clone()).await, "OK");
    let got = managedb(&app, &key, "getmessagerecording", &[("id", MSG_OLD)]).await;
    assert_eq!(got.headers()["content-type"], "audio/mpeg");
    assert_eq!(got.bytes().await.unwrap().to_vec(), mp3, "the replaced wav is gone");
    assert_eq!(
        put_recording(&app, &key, MSG_OLD, b"%PDF-1.7".to_vec()).await,
        "Error: filename: is not WAV or MP3 audio"
    );
    let ro = app.tenant_key("ACME", true).await;
    assert_eq!(put_recording(&app, &ro, MSG_OLD, wav(1)).await, KEY_ERROR);
    assert_eq!(put_recording(&app, &key, "1-2", wav(1)).await, "null");
    let missing = managedb(&app, &key, "getmessagerecording", &[("id", "1-2")]).await;
    assert_eq!(missing.text().await.unwrap(), "");
}

#[tokio::test]
async fn rest_messages_audio_ranges_and_changes() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let ro = app.tenant_key("ACME", true).await;
    let base = &messages_of(&app, "ACME", &key, "103").await;
    let list = app.get(base, &ro).await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        list.body["items"][0],
        json!({"msg_id": MSG_A, "number": 0, "folder": "INBOX", "read": false, "caller_id": "\"Bob\" <104>",
               "received_at": "2023-11-14T22:13:20+00:00", "duration_seconds": 7, "audio_format": "wav"})
    );
    let old = app.get(&format!("{base}?folder=Old"), &ro).await;
    assert_eq!(old.body["items"][0]["msg_id"], MSG_OLD);
    assert_eq!(app.get(&format!("{base}?folder=../x"), &ro).await.code(), "validation_failed");
    assert_eq!(app.get(&format!("{base}?folder=../x"), "").await.status, StatusCode::UNAUTHORIZED);
    let one = app.get(&format!("{base}/{MSG_B}"), &ro).await;
    assert_eq!((one.body["number"].as_i64(), one.body["read"].as_bool()), (Some(1), Some(false)));

    let audio_url = app.url(&format!("{base}/{MSG_A}/audio"));
    let full = app.client.get(&audio_url).header("X-API-Key", &ro).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "audio/wav");
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert_eq!(full.bytes().await.unwrap().to_vec(), wav(1));
    let part = app.client.get(&audio_url).header("X-API-Key", &ro).header("Range", "bytes=0-3").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], format!("bytes 0-3/{}", wav(1).len()));
    assert_eq!(part.bytes().await.unwrap().to_vec(), b"RIFF");
    let tail = app.client.get(&audio_url).header("X-API-Key", &ro).header("Range", "bytes=-5").send().await.unwrap();
    assert_eq!(tail.bytes().await.unwrap().to_vec(), vec![1u8; 5]);
    let beyond =
        app.client.get(&audio_url).header("X-API-Key", &ro).header("Range", "bytes=99999-").send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], format!("bytes */{}", wav(1).len()));

    let item = format!("{base}/{MSG_A}");
    // Asterisk holds the folder's lock: the change waits, then gives up with a conflict.
    let lock = spool(&app).join("ACME/103/INBOX/.lock");
    std::fs::write(&lock, "4242").unwrap();
    assert_eq!(app.patch(&item, &key, json!({"read": true})).await.code(), "busy");
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(app.patch(&item, &ro, json!({"read": true})).await.code(), "read_only_api_key");
    assert_eq!(app.delete(&item, &ro).await.code(), "read_only_api_key");
    let patched = app.patch(&item, &key, json!({"read": true})).await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(
        (&patched.body["folder"], &patched.body["number"], &patched.body["read"]),
        (&json!("Old"), &json!(1), &json!(true))
    );
    let again = app.patch(&item, &key, json!({"read": false})).await;
    assert_eq!((&again.body["folder"], &again.body["read"]), (&json!("INBOX"), &json!(false)));
    assert_eq!(app.delete(&item, &key).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&item, &key).await.code(), "not_found");
    assert_eq!(app.delete(&item, &key).await.code(), "not_found");
    // The spool changes are in the audit, the refused ones not.
    let audit = app.get("/v1/audit?tenant=ACME&object=voicemail_message", &app.admin_key).await;
    let actions: Vec<(&str, &Value)> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), &e["after"]["read"]))
        .collect();
    assert_eq!(actions, [("delete", &Value::Null), ("set_read", &json!(false)), ("set_read", &json!(true))]);
}

#[tokio::test]
async fn another_tenant_sees_exactly_a_missing_message() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    app.tenant("BETA").await;
    let beta = app.tenant_key("BETA", false).await;
    voicemail_box(&app, "BETA", &beta, "103").await;
    voicemail_box(&app, "BETA", &beta, "200").await;

    // REST: ACME's codes with BETA's key answer like a tenant that does not exist.
    let acme_103 = messages_of(&app, "ACME", &key, "103").await;
    let beta_103 = messages_of(&app, "BETA", &beta, "103").await;
    let beta_200 = messages_of(&app, "BETA", &beta, "200").await;
    let foreign = app.get(&acme_103, &beta).await;
    let nonexistent = app.get(&beta_103.replace("/BETA/", "/NOPE/"), &beta).await;
    assert_eq!((foreign.status, foreign.code()), (nonexistent.status, nonexistent.code()));
    assert_eq!(app.delete(&format!("{acme_103}/{MSG_A}"), &beta).await.code(), "tenant_not_found");
    // BETA's own box 103 is another spool context: ACME's msg_id is simply missing there.
    let beta_list = app.get(&beta_103, &beta).await;
    assert_eq!(beta_list.body, json!({"items": []}));
    let by_id = app.get(&format!("{beta_103}/{MSG_A}"), &beta).await;
    let missing = app.get(&format!("{beta_103}/1-2"), &beta).await;
    assert_eq!((by_id.status, by_id.code()), (missing.status, missing.code()));
    assert_eq!(app.patch(&format!("{beta_103}/{MSG_A}"), &beta, json!({"read": true})).await.code(), "not_found");
    let audio = app.get(&format!("{beta_200}/{MSG_A}/audio"), &beta).await;
    assert_eq!(audio.code(), "not_found");

    // Legacy: BETA's key naming ACME is a key error, as for any tenant it cannot use.
    let legacy_foreign = app
        .legacy(&[
            ("key", &beta),
            ("reqtype", "VOICEMAIL"),
            ("tenant", "ACME"),
            ("action", "messages"),
            ("mailbox", "103"),
        ])
        .await;
    assert_eq!(legacy_foreign.body, KEY_ERROR);
    let as_beta = |params: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("key", beta.clone()), ("tenant", "BETA".to_string())];
        all.extend(params.into_iter().map(|(k, v)| (k, v.to_string())));
        all
    };
    for params in [
        vec![("reqtype", "VOICEMAIL"), ("action", "message"), ("mailbox", "103"), ("msgid", MSG_A)],
        vec![("reqtype", "VOICEMAIL"), ("action", "markread"), ("mailbox", "103"), ("msgid", MSG_A)],
        vec![("reqtype", "VOICEMAIL"), ("action", "delete"), ("mailbox", "103"), ("msgid", MSG_A)],
        vec![("reqtype", "VOICEMAIL"), ("action", "messages"), ("mailbox", "103")],
        vec![("reqtype", "INFO"), ("info", "voicemail"), ("id", MSG_A)],
        vec![("reqtype", "INFO"), ("info", "voicemailtranscript"), ("id", MSG_A)],
        vec![("reqtype", "MANAGEDB"), ("object", "voicemail"), ("action", "getmessagerecording"), ("id", MSG_A)],
    ] {
        let resp = app.client.get(app.url("/proxyapi.php")).query(&as_beta(params.clone())).send().await.unwrap();
        assert_eq!(resp.text().await.unwrap(), "", "{params:?}");
    }
    assert_eq!(put_recording_as(&app, &beta, "BETA", MSG_A).await, "null");
    assert_eq!(inbox_files(&app, "INBOX").len(), 4, "ACME's messages are untouched");
    let acme = vm(&app, &key, &[("action", "message"), ("mailbox", "103"), ("msgid", MSG_A)]).await;
    assert!(!acme.body.is_empty());
}

async fn put_recording_as(app: &TestApp, key: &str, tenant: &str, id: &str) -> String {
    let form = reqwest::multipart::Form::new()
        .text("key", key.to_string())
        .text("reqtype", "MANAGEDB")
        .text("object", "voicemail")
        .text("action", "putmessagerecording")
        .text("tenant", tenant.to_string())
        .text("id", id.to_string())
        .part("filename", reqwest::multipart::Part::bytes(wav(5)).file_name("x.wav"));
    app.client.post(app.url("/proxyapi.php")).multipart(form).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn traversal_and_planted_links_serve_nothing() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    voicemail_box(&app, "ACME", &key, "104").await;
    let outside = app.dirs.root.join("outside");
    put_message(&outside.join("104/INBOX"), 0, "1700000999-00000009", 1_700_000_999, Some(b"SECRET"));
    std::fs::write(outside.join("secret.wav"), b"SECRET").unwrap();
    let inbox = spool(&app).join("ACME/103/INBOX");
    // A link as an envelope, a link as the audio of a real envelope, a whole mailbox as a link.
    std::os::unix::fs::symlink(outside.join("104/INBOX/msg0000.txt"), inbox.join("msg0005.txt")).unwrap();
    put_message(&inbox, 6, "1700000600-00000006", 1_700_000_600, None);
    std::os::unix::fs::symlink(outside.join("secret.wav"), inbox.join("msg0006.wav")).unwrap();
    std::os::unix::fs::symlink(outside.join("104"), spool(&app).join("ACME/104")).unwrap();

    let acme_103 = messages_of(&app, "ACME", &key, "103").await;
    let acme_104 = messages_of(&app, "ACME", &key, "104").await;
    let listed = app.get(&acme_103, &key).await;
    let ids: Vec<&str> =
        listed.body["items"].as_array().unwrap().iter().map(|m| m["msg_id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"1700000999-00000009"), "a linked envelope is not listed: {ids:?}");
    let linked_audio = app.get(&format!("{acme_103}/1700000600-00000006/audio"), &key).await;
    assert_eq!(linked_audio.code(), "not_found");
    let legacy_audio =
        vm(&app, &key, &[("action", "message"), ("mailbox", "103"), ("msgid", "1700000600-00000006")]).await;
    assert_eq!(legacy_audio.body, "");
    assert_eq!(app.get(&acme_104, &key).await.body, json!({"items": []}));
    let info = app
        .legacy(&[
            ("key", &key),
            ("reqtype", "INFO"),
            ("info", "voicemail"),
            ("tenant", "ACME"),
            ("id", "1700000999-00000009"),
        ])
        .await;
    assert_eq!(info.body, "");

    for mailbox in ["..", "%2e%2e", "..%2f104", "%2fetc%2fpasswd", "103%2f..%2f104"] {
        let resp = app.get(&format!("/v1/tenants/ACME/voicemail-boxes/{mailbox}/messages"), &key).await;
        assert_ne!(resp.status, StatusCode::OK, "{mailbox}");
    }
    for msg_id in ["..", "%2e%2e", "..%2fmsg0000", "%2fetc%2fpasswd", "msg0000.txt"] {
        let resp = app.get(&format!("{acme_103}/{msg_id}/audio"), &key).await;
        assert_eq!(resp.code(), "not_found", "{msg_id}");
    }
    for (mailbox, msgid) in
        [("../x", MSG_A), ("/etc/passwd", MSG_A), ("103", "../x"), ("103", "/etc/passwd"), ("103/../104", MSG_A)]
    {
        let resp = vm(&app, &key, &[("action", "message"), ("mailbox", mailbox), ("msgid", msgid)]).await;
        assert_eq!(resp.body, "", "{mailbox} {msgid}");
        let resp = vm(&app, &key, &[("action", "delete"), ("mailbox", mailbox), ("msgid", msgid)]).await;
        assert_eq!(resp.body, "", "{mailbox} {msgid}");
    }
    for folder in ["../x", "/etc", "INBOX/.."] {
        let resp = vm(&app, &key, &[("action", "messages"), ("mailbox", "103"), ("folder", folder)]).await;
        assert_eq!(resp.body, "", "{folder}");
        let resp = managedb(&app, &key, "listmessages", &[("mailboxuser", "103"), ("mailbox", folder)]).await;
        assert!(resp.text().await.unwrap().starts_with("Error: folder"), "{folder}");
    }
    assert!(outside.join("secret.wav").exists() && outside.join("104/INBOX/msg0000.txt").exists());
}
