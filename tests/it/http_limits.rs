//! What one client may cost: request heads that never finish, oversized heads and targets, slow and
//! unauthenticated large bodies, handlers that take too long, responses nobody reads, and shutdown
//! while requests are open.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::helpers::{KEY_ERROR, TestApp};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connect")
}

/// Reads until the server closes the connection (or `within` passes); answers what came and when
/// the connection closed (`None`: still open).
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(within.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into(), Some(started.elapsed())),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&received).into(), None),
        }
    }
}

/// The status line and the body of a raw HTTP/1.1 answer.
fn status_and_body(answer: &str) -> (u16, &str) {
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer.split_once("\r\n\r\n").map_or("", |(_, body)| body))
}

fn with_header_timeout(seconds: u64) -> impl FnOnce(&mut pbx_gateway::config::Config) {
    move |config| config.http.header_read_timeout = Duration::from_secs(seconds)
}

#[tokio::test]
async fn a_head_sent_one_byte_at_a_time_is_cut_at_the_header_timeout() {
    let app = TestApp::spawn_with(with_header_timeout(1)).await;
    // Slowloris: a byte every 200 ms would keep an idle timer alive forever.
    let mut slow = connect(&app).await;
    let started = Instant::now();
    let trickle = async {
        for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().chain(std::iter::repeat(&b'a')) {
            if slow.write_all(&[*byte]).await.is_err() {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            if started.elapsed() > Duration::from_secs(10) {
                break;
            }
        }
        started.elapsed()
    };
    let cut_after = trickle.await;
    assert!(cut_after < Duration::from_secs(4), "the trickling connection lived {cut_after:?}");

    // A silent connection, and a keep-alive connection after its answer, end the same way.
    let mut silent = connect(&app).await;
    let (_, closed) = read_to_close(&mut silent, Duration::from_secs(5)).await;
    assert!(closed.is_some_and(|after| after < Duration::from_secs(3)), "silent connection: {closed:?}");
    let mut idle = connect(&app).await;
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let (answer, closed) = read_to_close(&mut idle, Duration::from_secs(5)).await;
    assert_eq!(status_and_body(&answer).0, 200, "{answer}");
    assert!(closed.is_some(), "idle keep-alive connection stayed open");
}

#[tokio::test]
async fn oversized_heads_and_targets_are_refused_with_their_status() {
    let app = TestApp::spawn().await;
    let mut many = connect(&app).await;
    let headers: String = (0..100).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    many.write_all(format!("GET /health HTTP/1.1\r\nHost: x\r\n{headers}\r\n").as_bytes()).await.unwrap();
    let (answer, _) = read_to_close(&mut many, Duration::from_secs(5)).await;
    assert_eq!(status_and_body(&answer).0, 431, "{answer}");

    let mut huge = connect(&app).await;
    // hyper checks the bound whenever a head is still incomplete, so a head that arrives in one
    // read may pass it by up to that read; 200 KiB is refused whatever the reads.
    let value = "v".repeat(200 * 1024);
    let _ = huge.write_all(format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {value}\r\n\r\n").as_bytes()).await;
    let (answer, _) = read_to_close(&mut huge, Duration::from_secs(5)).await;
    assert_eq!(status_and_body(&answer).0, 431, "{answer}");

    let long = format!("/v1/tenants?filler={}", "x".repeat(40 * 1024));
    let resp = app.get(&long, &app.admin_key).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::URI_TOO_LONG, "uri_too_long"), "{:?}", resp.headers);
}

/// Sends a request head announcing `length` body bytes and only the first `sent` of them, then
/// answers what the server says without the rest.
async fn partial_body(app: &TestApp, head: &str, body_start: &[u8], length: usize) -> (u16, String) {
    let mut stream = connect(app).await;
    stream.write_all(format!("{head}Content-Length: {length}\r\n\r\n").as_bytes()).await.unwrap();
    stream.write_all(body_start).await.unwrap();
    let (answer, _) = read_to_close(&mut stream, Duration::from_secs(10)).await;
    let (status, body) = status_and_body(&answer);
    (status, body.to_string())
}

#[tokio::test]
async fn a_large_body_is_read_only_after_its_credentials_are_verified() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let start = vec![b'x'; 70 * 1024];
    // REST, no or a wrong credential: answered from the first 64 KiB, the other 9 MB never sent.
    let head = "POST /v1/tenants/ACME/media-files HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    let (status, body) = partial_body(&app, head, &start, 9_000_000).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], "invalid_api_key");
    let wrong = format!("{head}X-API-Key: pbx_wrong\r\n");
    assert_eq!(partial_body(&app, &wrong, &start, 9_000_000).await.0, 401);

    // Legacy, a multipart upload whose `key` field comes first: the key error, before the file.
    let boundary = "XyZ";
    let fields: String = [("key", "wrong-key"), ("reqtype", "MANAGEDB"), ("object", "mediafile")]
        .iter()
        .map(|(name, value)| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        })
        .collect();
    let mut multipart = fields.into_bytes();
    multipart.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.wav\"\r\n\r\n")
            .as_bytes(),
    );
    multipart.extend_from_slice(&start);
    let head =
        format!("POST /proxyapi.php HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n");
    let (status, body) = partial_body(&app, &head, &multipart, 9_000_000).await;
    assert_eq!((status, body.as_str()), (200, KEY_ERROR));
    // The same with the key in the query string.
    let head =
        "POST /proxyapi.php?key=wrong&reqtype=FAX HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n";
    assert_eq!(partial_body(&app, head, &start, 9_000_000).await, (200, KEY_ERROR.to_string()));

    // With a good key, large bodies go through both doors (an 80 KB upload, key in the form).
    let id = crate::media::media(&app, &key).await;
    assert_eq!(crate::media::upload(&app, &key, &id, crate::media::wav(10), "big.wav").await, "OK");
    let put = app
        .request(reqwest::Method::PUT, &format!("/v1/tenants/ACME/media-files/{id}/audio"), &key)
        .header("content-type", "audio/wav")
        .body(crate::media::wav(10));
    let put = app.send(put).await;
    assert!(put.status.is_success(), "{:?}", put.body);
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408() {
    let app = TestApp::spawn_with(|config| config.http.body_read_timeout = Duration::from_secs(1)).await;
    let head = "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    let started = Instant::now();
    let (status, body) = partial_body(&app, head, b"{\"username\":", 100).await;
    assert_eq!(status, 408, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], "body_timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_request_past_its_deadline_is_answered_503_timeout() {
    // A node that answers after 3 s makes a fresh channel read slow for certain. (A zero deadline
    // against the database raced: tokio's timer rounds up to the next millisecond and the handler
    // is polled before the timer, so a fast database could finish first under load.)
    let sim = ami_sim::Sim::start(crate::live_lab::sim_config(0)).await.unwrap();
    let app = TestApp::spawn_with(|config| {
        config.pbx.nodes = vec![crate::live_lab::node_config(0, &sim)];
        config.pbx.client.action_timeout = Duration::from_secs(10);
        config.http.request_timeout = Duration::from_millis(500);
    })
    .await;
    for _ in 0..1000 {
        if app.core.pbx().nodes().iter().all(|n| n.status().synced) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sim.set_response_delay(Duration::from_secs(3));
    let started = Instant::now();
    let resp = app.get("/v1/channels?fresh=true", &app.admin_key).await;
    assert_eq!((resp.status, resp.code()), (StatusCode::SERVICE_UNAVAILABLE, "timeout"), "{:?}", resp.body);
    assert_eq!(resp.header("retry-after"), "1");
    assert!(started.elapsed() < Duration::from_secs(2), "answered after {:?}", started.elapsed());
}

#[tokio::test]
async fn deeply_nested_json_is_a_bad_request_in_both_doors() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.tenant_key("ACME", false).await;
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let rest = app
        .send(
            app.request(reqwest::Method::POST, "/v1/tenants/ACME/queues", &key)
                .header("content-type", "application/json")
                .body(deep.clone()),
        )
        .await;
    assert_eq!(rest.status, StatusCode::BAD_REQUEST, "{:?}", rest.body);
    let legacy = app
        .legacy_post(
            &[("key", &key), ("reqtype", "MANAGEDB"), ("object", "queue"), ("action", "add"), ("tenant", "ACME")],
            &[("jsondata", &deep)],
        )
        .await;
    assert_eq!(legacy.body, "Invalid jsondata");
    assert_eq!(app.get("/v1/tenants/ACME/queues", &key).await.body["items"], serde_json::json!([]));
}

#[tokio::test]
async fn shutdown_drains_requests_in_flight_and_closes_streams_within_the_grace() {
    // A node, so that event streams are served.
    let sim = ami_sim::Sim::start(crate::live_lab::sim_config(0)).await.unwrap();
    let db = crate::helpers::TestDb::create().await;
    let mut config = pbx_gateway::config::Config::for_database(&db.url);
    config.http.shutdown_grace = Duration::from_secs(1);
    config.pbx.nodes = vec![crate::live_lab::node_config(0, &sim)];
    let core = pbx_gateway::service::Core::start(config.clone()).await.unwrap();
    let key = pbx_gateway::service::api_keys::ensure_admin_key(&core, None).await.unwrap().unwrap().value;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let app = pbx_gateway::app::build(core);
        pbx_gateway::http_server::serve(listener, app, &config.http, async {
            let _ = stopped.await;
        })
        .await
    });
    // An event stream never ends by itself.
    let client = crate::helpers::http_client(None);
    let mut stream =
        client.get(format!("http://{addr}/v1/events")).header("X-API-Key", &key).send().await.expect("subscribed");
    assert_eq!(stream.status(), StatusCode::OK);
    let started = Instant::now();
    stop.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "{finished:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    // The stream is cut, and nobody is accepted any more.
    let rest =
        tokio::time::timeout(Duration::from_secs(2), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(rest.is_ok(), "the event stream stayed open");
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting after shutdown");
}

#[tokio::test]
async fn a_client_that_stops_reading_a_response_is_cut_after_the_write_stall_timeout() {
    let app = TestApp::spawn_with(|config| config.http.write_stall_timeout = Duration::from_secs(1)).await;
    let acme = app.tenant("ACME").await;
    let key = app.tenant_key("ACME", true).await;
    // A 32 MiB recording: more than the socket buffers of both ends can hold.
    let size = 32 * 1024 * 1024;
    let path = app.dirs.file_dirs().recordings.join("ACME/big.wav");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut audio = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
    audio.resize(size, 0);
    std::fs::write(&path, &audio).unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO re_recordings (re_te_id, re_uniqueid, re_name, re_date, re_format, re_size, re_path) \
         VALUES ($1, 'srv1-1.1', 'big', $2, 'wav', $3, 'ACME/big.wav') RETURNING re_id",
    )
    .bind(acme)
    .bind(pbx_gateway::store::now_text())
    .bind(size as i64)
    .fetch_one(app.core.db().pool())
    .await
    .unwrap();

    let mut stream = connect(&app).await;
    let request = format!("GET /v1/tenants/ACME/recordings/{id}/audio HTTP/1.1\r\nHost: x\r\nX-API-Key: {key}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    // Read the head, then stop reading for longer than the stall timeout.
    let mut head = [0u8; 1024];
    let first = stream.read(&mut head).await.unwrap();
    assert!(
        String::from_utf8_lossy(&head[..first]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head[..first])
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    // What is left in the buffers arrives, then the end: far less than the whole file.
    let mut rest = Vec::new();
    let drained = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
    assert!(matches!(drained, Ok(Ok(_)) | Ok(Err(_))), "the connection was not closed");
    assert!(first + rest.len() < size, "the whole response was sent to a client that stopped reading");
}
