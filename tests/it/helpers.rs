//! Test harness: every test gets its own database (a temporary SQLite file, or a fresh PostgreSQL
//! database when `PBXGW_TEST_DATABASE_URL` is set) and its own server on an ephemeral port.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pbx_gateway::config::Config;
use pbx_gateway::service::{Core, api_keys};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Server-level PostgreSQL URL for the suite, if the suite runs on PostgreSQL.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("PBXGW_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn create() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let unique = format!(
            "{}_{}_{}",
            std::process::id(),
            n,
            &pbx_gateway::auth::secrets::digest(&format!("{n}{:?}", std::time::Instant::now()))[..8]
        );
        match postgres_base_url() {
            None => {
                let path = std::env::temp_dir().join(format!("pbxgw-it-{unique}.db"));
                TestDb { url: format!("sqlite://{}", path.display()), cleanup: Cleanup::File(path) }
            }
            Some(admin_url) => {
                let name = format!("pbxgw_it_{unique}");
                let mut conn = admin_connection(&admin_url).await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("PostgreSQL must be reachable for the PostgreSQL run (make test-pg)");
                let base =
                    admin_url.rsplit_once('/').map(|(server, _)| server.to_string()).expect("database URL has a path");
                TestDb { url: format!("{base}/{name}"), cleanup: Cleanup::Postgres { admin_url, name } }
            }
        }
    }
}

async fn admin_connection(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("PostgreSQL must be reachable for the PostgreSQL run (make test-pg)")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a separate thread with its own runtime can block.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                    rt.block_on(async {
                        let mut conn = admin_connection(&admin_url).await;
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    });
                })
                .join();
            }
        }
    }
}

/// Per-test directories for the voicemail spool, recordings and faxes; removed afterwards.
pub struct TestDirs {
    pub root: std::path::PathBuf,
}

impl TestDirs {
    fn create() -> TestDirs {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!(
            "pbxgw-it-files-{}-{n}-{}",
            std::process::id(),
            &pbx_gateway::auth::secrets::random_token()[..8]
        ));
        for sub in ["voicemail", "recordings", "faxes"] {
            std::fs::create_dir_all(root.join(sub)).expect("test directories");
        }
        TestDirs { root }
    }

    pub fn file_dirs(&self) -> pbx_gateway::config::FileDirs {
        pbx_gateway::config::FileDirs {
            voicemail_spool: self.root.join("voicemail"),
            recordings: self.root.join("recordings"),
            faxes: self.root.join("faxes"),
        }
    }
}

impl Drop for TestDirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A running gateway with an admin key.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub admin_key: String,
    pub core: Core,
    /// The spool, recordings and fax directories the gateway was configured with.
    pub dirs: TestDirs,
    _db: TestDb,
}

/// A legacy answer.
#[derive(Debug)]
pub struct Legacy {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

impl Legacy {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// A REST answer.
#[derive(Debug)]
pub struct Rest {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Rest {
    /// The problem `code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// Polls `ready` every 10 ms until it holds; fails the test after `limit`. Tests wait for the
/// condition they then assert instead of sleeping: a fixed sleep is too short on a loaded machine
/// and wasted time on an idle one.
pub async fn wait_until(what: &str, limit: Duration, mut ready: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !ready().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out after {limit:?} waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The legacy key error text, byte for byte.
/// An HTTP client for the tests, optionally bound to a local `address` (another loopback address
/// stands for another client). reqwest is built with rustls but no crypto provider (the gateway's
/// OTLP exporter chooses ring), so the provider is installed here first.
pub fn http_client(address: Option<&str>) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let local = address.map(|a| a.parse::<std::net::IpAddr>().expect("an IP address"));
    Client::builder().local_address(local).build().expect("HTTP client")
}

pub const KEY_ERROR: &str = "Too bad... you mistaken the security api key.\n";

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDb::create().await;
        let mut config = Config::for_database(&db.url);
        config.jwt_secret = Some("test-secret-test-secret-test-secret".into());
        let dirs = TestDirs::create();
        config.dirs = dirs.file_dirs();
        // The suite sends thousands of requests from one address; tests of the limits set them.
        config.rate_limits.per_address = 0;
        config.rate_limits.per_credential = 0;
        adjust(&mut config);
        let core = Core::start(config.clone()).await.expect("core starts");
        let admin_key = api_keys::ensure_admin_key(&core, None).await.expect("admin key").expect("first key").value;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = pbx_gateway::app::build(core.clone());
        tokio::spawn(async move {
            let _ = pbx_gateway::http_server::serve(listener, app, &config.http, std::future::pending()).await;
        });
        TestApp { base: format!("http://{addr}"), client: http_client(None), admin_key, core, dirs, _db: db }
    }

    /// The database this gateway runs on (PBX nodes of the real-PBX tests connect to it too).
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A REST request with an `X-API-Key` (or none when `key` is empty).
    pub fn request(&self, method: Method, path: &str, key: &str) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        if key.is_empty() { builder } else { builder.header("X-API-Key", key) }
    }

    pub async fn send(&self, builder: RequestBuilder) -> Rest {
        let resp = builder.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Rest { status, headers, body }
    }

    pub async fn get(&self, path: &str, key: &str) -> Rest {
        self.send(self.request(Method::GET, path, key)).await
    }

    pub async fn delete(&self, path: &str, key: &str) -> Rest {
        self.send(self.request(Method::DELETE, path, key)).await
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> Rest {
        self.send(self.request(Method::POST, path, key).json(&body)).await
    }

    pub async fn patch(&self, path: &str, key: &str, body: Value) -> Rest {
        self.send(self.request(Method::PATCH, path, key).json(&body)).await
    }

    /// A legacy GET with the given parameters (percent-encoded).
    pub async fn legacy(&self, params: &[(&str, &str)]) -> Legacy {
        let resp = self.client.get(self.url("/proxyapi.php")).query(params).send().await.expect("request sent");
        Self::legacy_answer(resp).await
    }

    /// A legacy POST: `query` in the URL, `form` urlencoded in the body.
    pub async fn legacy_post(&self, query: &[(&str, &str)], form: &[(&str, &str)]) -> Legacy {
        let resp =
            self.client.post(self.url("/proxyapi.php")).query(query).form(form).send().await.expect("request sent");
        Self::legacy_answer(resp).await
    }

    pub async fn legacy_answer(resp: reqwest::Response) -> Legacy {
        let status = resp.status();
        let content_type =
            resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = resp.text().await.expect("body");
        Legacy { status, content_type, body }
    }

    /// Creates a tenant through REST and returns its id.
    pub async fn tenant(&self, code: &str) -> i64 {
        let resp =
            self.post("/v1/tenants", &self.admin_key, json!({"code": code, "name": format!("{code} Ltd")})).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
        resp.body["id"].as_i64().expect("tenant id")
    }

    /// Issues a key for a tenant through REST.
    pub async fn tenant_key(&self, code: &str, read_only: bool) -> String {
        let path = format!("/v1/tenants/{code}/api-keys");
        let resp = self.post(&path, &self.admin_key, json!({"name": "test", "read_only": read_only})).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
        resp.body["key"].as_str().expect("key").to_string()
    }

    /// Creates an extension through REST and returns its id.
    pub async fn extension(&self, code: &str, key: &str, number: &str) -> i64 {
        let path = format!("/v1/tenants/{code}/extensions");
        let body = json!({"number": number, "name": format!("Ext {number}"), "tech": "PJSIP", "secret": "s3cret-pass"});
        let resp = self.post(&path, key, body).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
        resp.body["id"].as_i64().expect("extension id")
    }
}

impl TestDb {
    /// A fresh database on the PostgreSQL server `admin_url` points at (a server the test runs
    /// itself, e.g. one it restarts), dropped afterwards like the others: drop it while that
    /// server still runs.
    pub async fn create_on_postgres(admin_url: &str) -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let unique = format!(
            "{}_{}_{}",
            std::process::id(),
            n,
            &pbx_gateway::auth::secrets::digest(&format!("{n}{:?}", std::time::Instant::now()))[..8]
        );
        let name = format!("pbxgw_it_{unique}");
        let mut conn = admin_connection(admin_url).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("CREATE DATABASE on the test's PostgreSQL server");
        let base = admin_url.rsplit_once('/').map(|(server, _)| server.to_string()).expect("database URL has a path");
        TestDb { url: format!("{base}/{name}"), cleanup: Cleanup::Postgres { admin_url: admin_url.to_string(), name } }
    }
}

/// A MANAGEDB call: `params` in the query string, `jsondata` (when given) in an urlencoded body.
pub async fn mdb(app: &TestApp, key: &str, params: &[(&str, &str)], jsondata: Option<&str>) -> Legacy {
    let mut query = vec![("key", key), ("reqtype", "MANAGEDB")];
    query.extend_from_slice(params);
    match jsondata {
        Some(data) => app.legacy_post(&query, &[("jsondata", data)]).await,
        None => app.legacy(&query).await,
    }
}
