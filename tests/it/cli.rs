//! The binary itself: key management commands, first start, bootstrap key, log hygiene, shutdown
//! with a dead OTLP collector.

use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pbx_gateway::auth::{Principal, Reach};
use pbx_gateway::config::Config;
use pbx_gateway::service::{Core, access, objects, tenants::TenantRules};
use serde_json::json;

use crate::helpers::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_pbx-gateway");

fn run(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).env("DATABASE_URL", &db.url).env("RUST_LOG", "info").output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn keys_create_and_import_print_once_and_work() {
    let db = TestDb::create().await;
    let (ok, _, err) = run(&db, &["migrate"]);
    assert!(ok, "{err}");
    let (ok, admin, err) = run(&db, &["keys", "create", "--admin"]);
    assert!(ok, "{err}");
    let admin = admin.trim().to_string();
    assert!(admin.starts_with("pgw_"));
    assert!(!err.contains(&admin), "the key goes to stdout only");

    let core = Core::start(Config::for_database(&db.url)).await.unwrap();
    assert_eq!(access::authenticate_key(&core, &admin).await.unwrap().reach, Reach::Global);
    let mut input = serde_json::Map::new();
    input.insert("te_code".into(), json!("ACME"));
    input.insert("te_name".into(), json!("Acme"));
    objects::create(&core, &Principal::system(), &TenantRules, None, &input).await.unwrap();

    let (ok, ro, err) = run(&db, &["keys", "create", "--tenant", "ACME", "--read-only"]);
    assert!(ok, "{err}");
    let principal = access::authenticate_key(&core, ro.trim()).await.unwrap();
    assert!(principal.read_only && principal.reach != Reach::Global);

    let legacy_value = "legacy-key-0123456789abcdef";
    let (ok, out, err) = run(&db, &["keys", "import", "--tenant", "ACME", "--value", legacy_value]);
    assert!(ok, "{err}");
    assert!(!out.contains(legacy_value) && !err.contains(legacy_value), "an imported value is not echoed");
    assert!(!access::authenticate_key(&core, legacy_value).await.unwrap().read_only);

    let (ok, _, err) = run(&db, &["keys", "create", "--tenant", "NOPE"]);
    assert!(!ok && err.contains("error"), "{err}");
    let (ok, _, _) = run(&db, &["keys", "create"]);
    assert!(!ok, "--admin or --tenant is required");
    core.db().close().await;
}

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &TestDb, env: &[(&str, &str)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("PBXGW_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }

    /// Waits until /health answers (bounded: the binary is already built).
    pub async fn ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if crate::helpers::http_client(None)
                .get(format!("{}/health", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not become healthy");
    }

    /// SIGKILL: the process ends at once, mid-write if it was writing.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status, the time it took, and everything logged.
    pub fn stop(mut self) -> (bool, Duration, String) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!("server did not stop within 20 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut logs = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut logs);
        }
        (status.success(), started.elapsed(), logs)
    }
}

#[tokio::test]
async fn first_start_writes_the_admin_key_to_an_owner_only_file_and_logs_no_secrets() {
    let db = TestDb::create().await;
    let dir = std::env::temp_dir().join(format!("pbxgw-cli-{}", pbx_gateway::auth::secrets::random_token()));
    let key_file = dir.join("admin-key.txt");
    let server = Server::start(&db, &[("PBXGW_ADMIN_KEY_FILE", key_file.to_str().unwrap())]);
    server.ready().await;
    let admin = std::fs::read_to_string(&key_file).unwrap().trim().to_string();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let client = crate::helpers::http_client(None);
    let created = client
        .post(format!("{}/v1/tenants", server.base))
        .header("X-API-Key", &admin)
        .json(&json!({"code": "ACME", "name": "Acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    // Secrets in a query string, a JSON body and jsondata: none may reach the logs.
    let secret = "sup3r-s3cret-value";
    let url =
        format!("{}/proxyapi.php?key={admin}&reqtype=MANAGEDB&object=extension&action=add&tenant=ACME", server.base);
    let jsondata = format!(r#"{{"ex_number":"100","password":"{secret}"}}"#);
    let added = client.post(url).form(&[("jsondata", jsondata.as_str())]).send().await.unwrap().text().await.unwrap();
    assert!(added.contains("100-ACME"), "{added}");
    let _ = client
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"username": "x", "password": secret}))
        .send()
        .await;
    let (ok, _, logs) = server.stop();
    assert!(ok, "clean exit: {logs}");
    assert!(logs.contains(key_file.to_str().unwrap()), "the log says where the key is");
    assert!(logs.contains("key=***"), "legacy parameters are logged masked");
    for leaked in [admin.as_str(), secret, &admin[4..20]] {
        assert!(!logs.contains(leaked), "secret in logs: {leaked}");
    }
    // A restart does not create another key or rewrite the file.
    let before = std::fs::read_to_string(&key_file).unwrap();
    let server = Server::start(&db, &[("PBXGW_ADMIN_KEY_FILE", key_file.to_str().unwrap())]);
    server.ready().await;
    server.stop();
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), before);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bootstrap_admin_key_and_a_dead_otlp_collector() {
    let db = TestDb::create().await;
    let bootstrap = "bootstrap-admin-key-0123456789";
    let dir = std::env::temp_dir().join(format!("pbxgw-cli-{}", pbx_gateway::auth::secrets::random_token()));
    let key_file = dir.join("admin-key.txt");
    // Port 9 (discard) on loopback: nothing listens, so every export fails.
    let server = Server::start(
        &db,
        &[
            ("PBXGW_BOOTSTRAP_ADMIN_KEY", bootstrap),
            ("PBXGW_ADMIN_KEY_FILE", key_file.to_str().unwrap()),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
        ],
    );
    server.ready().await;
    let resp = crate::helpers::http_client(None)
        .get(format!("{}/v1/tenants", server.base))
        .bearer_auth(bootstrap)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    assert!(!key_file.exists(), "no key file when the bootstrap value is used");
    let (ok, took, logs) = server.stop();
    assert!(ok, "{logs}");
    assert!(took < Duration::from_secs(10), "shutdown took {took:?}");
    assert!(!logs.contains(bootstrap));
}

// Multi-threaded: `Server::stop` blocks its thread while the fake collector must keep answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_are_exported_over_otlp_http_when_a_collector_is_configured() {
    use std::sync::{Arc, Mutex};
    // A minimal collector on loopback: records the path and content type of each POST.
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = received.clone();
    let collector = poem::Route::new().at(
        "/v1/traces",
        poem::endpoint::make(move |req: poem::Request| {
            let seen = seen.clone();
            async move {
                let ct = req.content_type().unwrap_or_default().to_string();
                seen.lock().unwrap().push((req.uri().path().to_string(), ct));
                poem::Response::builder().status(poem::http::StatusCode::OK).finish()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(
        poem::Server::new_with_acceptor(poem::listener::TcpAcceptor::from_tokio(listener).unwrap()).run(collector),
    );

    let db = TestDb::create().await;
    let server = Server::start(
        &db,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("PBXGW_BOOTSTRAP_ADMIN_KEY", "bootstrap-admin-key-0123456789"),
        ],
    );
    server.ready().await;
    let _ = crate::helpers::http_client(None).get(format!("{}/health", server.base)).send().await;
    let (ok, _, logs) = server.stop();
    assert!(ok, "{logs}");
    let received = received.lock().unwrap().clone();
    assert!(
        received.iter().any(|(path, ct)| path == "/v1/traces" && ct.starts_with("application/x-protobuf")),
        "spans were flushed to the collector at shutdown: {received:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_create_one_admin_key() {
    let db = TestDb::create().await;
    // Migrate once, then four "replicas" race for the first admin key.
    Core::start(Config::for_database(&db.url)).await.unwrap();
    let mut starts = Vec::new();
    for _ in 0..4 {
        let url = db.url.clone();
        starts.push(tokio::spawn(async move {
            let core = Core::start(Config::for_database(&url)).await.unwrap();
            pbx_gateway::service::api_keys::ensure_admin_key(&core, None).await.unwrap().is_some()
        }));
    }
    let mut created = 0;
    for start in starts {
        created += usize::from(start.await.unwrap());
    }
    assert_eq!(created, 1);
    let bad = pbx_gateway::service::api_keys::ensure_admin_key(
        &Core::start(Config::for_database(&db.url)).await.unwrap(),
        Some("short"),
    )
    .await;
    assert!(bad.is_err(), "an unusable bootstrap value is refused, not installed");
}
