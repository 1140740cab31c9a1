//! The OTLP/HTTP trace exporter against a receiver in the test: the running binary sends its request
//! spans as protobuf to `/v1/traces`, over plain HTTP and over HTTPS (certificate checked against
//! the roots in `SSL_CERT_FILE`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::cli::Server;
use crate::helpers::TestDb;

/// One export the receiver got: request head and body.
#[derive(Debug, Clone)]
struct Export {
    head: String,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (Content-Length or chunked body) and answers 200 with an empty
/// protobuf `ExportTraceServiceResponse`.
async fn receive<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut stream: S) -> Option<Export> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length =
        head.lines().find_map(|line| line.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &data[head_end..];
        let complete = match length {
            Some(length) => body.len() >= length,
            None => !chunked || body.ends_with(b"0\r\n\r\n"),
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
    stream.write_all(answer).await.ok()?;
    let _ = stream.shutdown().await;
    Some(Export { head, body: data[head_end..].to_vec() })
}

type Exports = Arc<Mutex<Vec<Export>>>;

/// Starts a receiver, over TLS when an acceptor is given; answers its base URL and what it received.
async fn receiver(tls: Option<tokio_rustls::TlsAcceptor>) -> (String, Exports) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let exports: Exports = Arc::default();
    let seen = exports.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (tls, seen) = (tls.clone(), seen.clone());
            tokio::spawn(async move {
                let export = match tls {
                    None => receive(stream).await,
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(stream) => receive(stream).await,
                        Err(_) => None,
                    },
                };
                if let Some(export) = export {
                    seen.lock().unwrap().push(export);
                }
            });
        }
    });
    (format!("{scheme}://{addr}"), exports)
}

/// Key of the bootstrap admin.
const ADMIN: &str = "otlp-admin-key-0123456789abcdef";

/// The spans a tenant create leaves, from the door down to the SQL.
const SPANS: [&str; 3] = ["request", "service.objects.create", "store.objects.insert"];

/// Runs the binary with OTLP export to `endpoint`, serves a few requests, stops it (which flushes)
/// and answers the exports received.
async fn run_with_export(endpoint: &str, exports: &Exports, extra_env: &[(&str, &str)]) -> Vec<Export> {
    let db = TestDb::create().await;
    let service = format!("pbxgw-otlp-{}", &pbx_gateway::auth::secrets::random_token()[..8]);
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_SERVICE_NAME", service.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ("PBXGW_BOOTSTRAP_ADMIN_KEY", ADMIN),
    ];
    env.extend_from_slice(extra_env);
    let server = Server::start(&db, &env);
    server.ready().await;
    let client = crate::helpers::http_client(None);
    for _ in 0..3 {
        client.get(format!("{}/health", server.base)).send().await.unwrap();
    }
    // One write, so the trace has the request, the service call and its SQL under one another.
    let created = client
        .post(format!("{}/v1/tenants", server.base))
        .header("X-API-Key", ADMIN)
        .json(&serde_json::json!({"code": "OTLP", "name": "Traced"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    // The batch exporter sends every 100 ms; wait for the request spans while the server runs
    // rather than relying on the bounded flush at shutdown, which a loaded machine can outlast
    // (a TLS handshake of a debug build takes seconds when every core is busy compiling).
    let exported = |needle: &[u8]| {
        let received = exports.lock().unwrap();
        received.iter().any(|e| e.body.windows(needle.len()).any(|w| w == needle))
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let traced = || exported(service.as_bytes()) && SPANS.iter().all(|span| exported(span.as_bytes()));
    while !traced() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (stopped, _, logs) = server.stop();
    assert!(stopped, "{logs}");
    assert!(!logs.contains("OTLP export disabled"), "{logs}");
    let received = exports.lock().unwrap().clone();
    for export in &received {
        assert!(export.head.starts_with("post /v1/traces "), "{}", export.head);
        assert!(export.head.contains("content-type: application/x-protobuf"), "{}", export.head);
    }
    let all: Vec<u8> = received.iter().flat_map(|e| e.body.clone()).collect();
    let contains = |needle: &[u8]| all.windows(needle.len()).any(|w| w == needle);
    assert!(contains(service.as_bytes()), "the resource names the service ({} exports)\n{logs}", received.len());
    for span in SPANS {
        assert!(contains(span.as_bytes()), "the {span} spans are exported\n{logs}");
    }
    received
}

#[tokio::test]
async fn request_spans_reach_an_otlp_http_receiver() {
    let (endpoint, exports) = receiver(None).await;
    assert!(!run_with_export(&endpoint, &exports, &[]).await.is_empty());
}

/// A self-signed certificate for 127.0.0.1 made with the `openssl` command: (cert PEM path, key PEM path).
fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl command (Debian package openssl) makes the test certificate");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    (cert, key)
}

/// Starts an HTTPS receiver with that certificate.
async fn https_receiver(cert: &std::path::Path, key: &std::path::Path) -> (String, Exports) {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_file(cert).unwrap()];
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    receiver(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))).await
}

#[tokio::test]
async fn request_spans_reach_an_otlp_receiver_over_verified_https() {
    let dir = std::env::temp_dir().join(format!("pbxgw-otlp-{}", pbx_gateway::auth::secrets::random_token()));
    let (cert, key) = self_signed(&dir);
    let (endpoint, exports) = https_receiver(&cert, &key).await;
    let roots = cert.to_str().unwrap();
    assert!(!run_with_export(&endpoint, &exports, &[("SSL_CERT_FILE", roots)]).await.is_empty());

    // Without the certificate among the trusted roots nothing is sent: the server is verified.
    let (endpoint, exports) = https_receiver(&cert, &key).await;
    let db = TestDb::create().await;
    let server = Server::start(&db, &[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("OTEL_BSP_SCHEDULE_DELAY", "100")]);
    server.ready().await;
    crate::helpers::http_client(None).get(format!("{}/health", server.base)).send().await.unwrap();
    let (stopped, _, _) = server.stop();
    assert!(stopped);
    assert!(exports.lock().unwrap().is_empty(), "an unverified server got the spans");
    let _ = std::fs::remove_dir_all(dir);
}
