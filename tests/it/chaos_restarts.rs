//! Restarts of what the gateway depends on, while it is busy, without restarting the gateway:
//! PostgreSQL crashed and restarted (`pg_ctl restart -m immediate`) during writes, and a real
//! Asterisk node SIGKILLed during calls and started again. The gateway must come back by itself:
//! no acknowledged write lost, clean refusals meanwhile, the node re-synchronised with no stale
//! calls. The measured recovery times are printed.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::Server;
use crate::helpers::{KEY_ERROR, TestDb, http_client, postgres_base_url};
use crate::pbx_lab::{LabSetup, RealPbx, wait_for};

const ADMIN: &str = "chaos-restart-admin-key-0123456789abcdef";
const TENANT: &str = "CHAOSPG";

/// Straight to the process's stderr: libtest captures eprintln! of passing tests.
fn say(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{text}");
}

// ---------------------------------------------------------------- a PostgreSQL of the test's own

/// A throw-away PostgreSQL cluster under a temporary directory, on a free loopback port, with its
/// socket in that directory: the shared server of the suite is never restarted. Stopped and
/// removed on drop, also when the test panics.
struct PgCluster(PgTools);

impl std::ops::Deref for PgCluster {
    type Target = PgTools;

    fn deref(&self) -> &PgTools {
        &self.0
    }
}

/// Where a [`PgCluster`] lives and how its tools are run (cheap to clone into a blocking task).
#[derive(Clone)]
struct PgTools {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    /// We run as root and initdb refuses root: the tools run as `postgres` (`runuser`).
    as_postgres: bool,
}

impl PgCluster {
    /// The newest `/usr/lib/postgresql/<version>/bin` with initdb and pg_ctl.
    fn binaries() -> Option<PathBuf> {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = entry.path().join("bin");
                (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
            })
            .collect();
        found.sort();
        found.pop().map(|(_, bin)| bin)
    }

    /// Creates and starts the cluster, or `None` (after saying why) when this machine has no
    /// PostgreSQL server binaries and CI is not set.
    fn start(test: &str) -> Option<PgCluster> {
        let Some(bin) = Self::binaries() else {
            let why = "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{test}: {why} (CI=true requires them: apt-get install postgresql)");
            }
            say(&format!("SKIPPED {test}: {why}; install the postgresql package to run it."));
            return None;
        };
        let uid = Command::new("id").arg("-u").output().expect("id -u");
        let as_postgres = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let root = std::env::temp_dir().join(format!(
            "pbxgw-pg-{}-{}",
            std::process::id(),
            &pbx_gateway::auth::secrets::random_token()[..8]
        ));
        std::fs::create_dir_all(&root).expect("cluster directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // From here on, drop removes whatever was made.
        let cluster = PgCluster(PgTools { root, bin, port, as_postgres });
        if as_postgres {
            let chown = Command::new("chown").arg("postgres:").arg(&cluster.root).status().expect("chown");
            assert!(chown.success(), "chown postgres {}", cluster.root.display());
        }
        let data = cluster.data();
        cluster.run("initdb", &["-D", data.to_str().unwrap(), "-U", "postgres", "--auth=trust", "--no-sync"]);
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=50",
            cluster.port,
            cluster.root.display()
        );
        cluster.pg_ctl(&["start", "-w", "-t", "30", "-o", &options]);
        Some(cluster)
    }
}

impl PgTools {
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The server URL of the `postgres` database (for CREATE DATABASE).
    fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut runuser = Command::new("runuser");
            runuser.arg("-u").arg("postgres").arg("--").arg(program);
            runuser
        } else {
            Command::new(program)
        };
        command.current_dir(&self.root).stdin(Stdio::null());
        command
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool).args(args).output().expect("PostgreSQL tool runs");
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default()
        );
    }

    /// `pg_ctl -D <data> -l <log> <args>` (the log keeps the server off pg_ctl's pipes).
    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let log = self.root.join("server.log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    /// The postmaster's pid (first line of `postmaster.pid`).
    fn postmaster_pid(&self) -> String {
        let text = std::fs::read_to_string(self.data().join("postmaster.pid")).unwrap_or_default();
        text.lines().next().unwrap_or_default().to_string()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.data().join("postmaster.pid").exists() {
            let data = self.data();
            let _ =
                self.command("pg_ctl").args(["-D", data.to_str().unwrap(), "stop", "-m", "immediate", "-w"]).output();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The gateway binary, killed on drop so a failing test leaves no process behind.
struct Gateway(Option<Server>);

impl Gateway {
    fn base(&self) -> &str {
        &self.0.as_ref().expect("running").base
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(server) = self.0.take() {
            server.kill();
        }
    }
}

/// Every queue name of `tenant`, through the paginated list.
async fn queue_names(base: &str, tenant: &str) -> Vec<String> {
    let client = http_client(None);
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/tenants/{tenant}/queues?limit=500");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let resp = client.get(url).header("X-API-Key", ADMIN).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let page: Value = resp.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            names.push(item["name"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return names,
        }
    }
}

/// What the writers saw.
#[derive(Default)]
struct Tally {
    /// Names answered 201, with when the answer arrived.
    acknowledged: Vec<(String, Instant)>,
    /// Refused writes: name, status, body, how long the request took.
    refused: Vec<(String, StatusCode, String, Duration)>,
    /// Requests that got no HTTP answer.
    transport_errors: Vec<String>,
}

/// What legacy calls with a tenant key answered: status and body.
type LegacyAnswers = Vec<(StatusCode, String)>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_crash_restart_during_writes_loses_no_acknowledged_write() {
    const TEST: &str = "postgres_crash_restart_during_writes";
    if postgres_base_url().is_none() {
        say(&format!("SKIPPED {TEST}: it runs in the PostgreSQL pass only (PBXGW_TEST_DATABASE_URL is not set)."));
        return;
    }
    let Some(cluster) = PgCluster::start(TEST) else { return };
    // Dropped in reverse order: the gateway, then its database (while the cluster still runs),
    // then the cluster.
    let db = TestDb::create_on_postgres(&cluster.admin_url()).await;
    // Error logs only (nobody drains the child's stderr while it runs); no rate limits: the writers
    // send far more than one client may.
    let env = [
        ("PBXGW_BOOTSTRAP_ADMIN_KEY", ADMIN),
        ("RUST_LOG", "error"),
        ("PBXGW_RATE_LIMIT_PER_ADDRESS", "0"),
        ("PBXGW_RATE_LIMIT_PER_CREDENTIAL", "0"),
    ];
    let gateway = Gateway(Some(Server::start(&db, &env)));
    gateway.0.as_ref().unwrap().ready().await;
    let base = gateway.base().to_string();
    let client = http_client(None);
    let tenant = client
        .post(format!("{base}/v1/tenants"))
        .header("X-API-Key", ADMIN)
        .json(&json!({"code": TENANT, "name": "Chaos PG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(tenant.status(), StatusCode::CREATED);
    let issued: Value = client
        .post(format!("{base}/v1/tenants/{TENANT}/api-keys"))
        .header("X-API-Key", ADMIN)
        .json(&json!({"name": "legacy", "read_only": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant_key = issued["key"].as_str().expect("tenant key").to_string();

    // Four writers create queues until told to stop, whatever they are answered.
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut tasks = Vec::new();
    for writer in 0..4 {
        let (base, stop, tally, client) = (base.clone(), stop.clone(), tally.clone(), client.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let name = format!("w{writer}-{n}");
                n += 1;
                let sent_at = Instant::now();
                let sent = client
                    .post(format!("{base}/v1/tenants/{TENANT}/queues"))
                    .header("X-API-Key", ADMIN)
                    .timeout(Duration::from_secs(20))
                    .json(&json!({"name": name}))
                    .send()
                    .await;
                match sent {
                    Ok(resp) if resp.status() == StatusCode::CREATED => {
                        tally.lock().unwrap().acknowledged.push((name, Instant::now()));
                    }
                    Ok(resp) => {
                        let status = resp.status();
                        let body = resp.text().await.unwrap_or_default();
                        tally.lock().unwrap().refused.push((name, status, body, sent_at.elapsed()));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    Err(err) => {
                        tally.lock().unwrap().transport_errors.push(format!("{name}: {err:?}"));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    // And a legacy client with a tenant key reads the same tenant meanwhile.
    let legacy_answers: Arc<Mutex<LegacyAnswers>> = Arc::default();
    let legacy = {
        let (base, stop, answers, client) = (base.clone(), stop.clone(), legacy_answers.clone(), client.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let query = [
                    ("key", tenant_key.as_str()),
                    ("reqtype", "MANAGEDB"),
                    ("object", "queue"),
                    ("action", "list"),
                    ("tenant", TENANT),
                ];
                let sent = client
                    .get(format!("{base}/proxyapi.php"))
                    .query(&query)
                    .timeout(Duration::from_secs(20))
                    .send()
                    .await;
                if let Ok(resp) = sent {
                    let status = resp.status();
                    let body = resp.text().await.unwrap_or_default();
                    answers.lock().unwrap().push((status, body));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };

    // At least 1 s and 20 acknowledged writes before the crash (longer on a loaded machine).
    let acknowledged_since = |since: Option<Instant>| {
        tally.lock().unwrap().acknowledged.iter().filter(|(_, at)| since.is_none_or(|since| *at > since)).count()
    };
    let writing = Instant::now();
    while writing.elapsed() < Duration::from_secs(1)
        || (acknowledged_since(None) < 20 && writing.elapsed() < Duration::from_secs(15))
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before_restart = acknowledged_since(None);
    let old_pid = cluster.postmaster_pid();
    // The crash case: every backend dies at once, the server recovers from its WAL.
    let tools = cluster.0.clone();
    let went_down = Instant::now();
    tokio::task::spawn_blocking(move || tools.pg_ctl(&["restart", "-m", "immediate", "-w", "-t", "30"])).await.unwrap();
    let back_up = Instant::now();
    let new_pid = cluster.postmaster_pid();
    assert_ne!(old_pid, new_pid, "the postmaster was restarted");
    // Writers go on for 2 s, and until 20 writes were acknowledged since (15 s at most).
    while back_up.elapsed() < Duration::from_secs(2)
        || (acknowledged_since(Some(back_up)) < 20 && back_up.elapsed() < Duration::from_secs(15))
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    legacy.await.unwrap();
    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let legacy_answers = std::mem::take(&mut *legacy_answers.lock().unwrap());

    // What the gateway holds now, and what it logged (errors only), before judging anything.
    let ready = client.get(format!("{base}/ready")).send().await.unwrap().status();
    let stored = queue_names(&base, TENANT).await;
    let mut gateway = gateway;
    let (_, _, logs) = gateway.0.take().unwrap().stop();
    let logs = last_lines(&logs, 20);

    // The gateway stayed up: no request may hang.
    let timeouts: Vec<_> = tally.transport_errors.iter().filter(|e| e.contains("TimedOut")).collect();
    assert!(timeouts.is_empty(), "requests hung: {timeouts:?}");
    assert!(before_restart >= 20, "too few writes before the restart to mean anything: {before_restart}");

    // It recovered without a restart: writes succeed again, soon after the server is back.
    let after: Vec<&Instant> = tally.acknowledged.iter().map(|(_, at)| at).filter(|at| **at > back_up).collect();
    assert!(after.len() >= 20, "only {} writes acknowledged in 15 s after PostgreSQL came back", after.len());
    let recovered = after.iter().map(|at| at.duration_since(back_up)).min().unwrap();
    assert!(recovered < Duration::from_secs(5), "first acknowledged write {recovered:?} after PostgreSQL was back");
    assert_eq!(ready, StatusCode::OK, "/ready after the restart");

    // Every acknowledged write is there; anything more is a write whose answer was not a 201.
    let missing: Vec<&String> =
        tally.acknowledged.iter().map(|(name, _)| name).filter(|name| !stored.contains(name)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let unanswered = tally.refused.len() + tally.transport_errors.len() + 4;
    assert!(
        stored.len() <= tally.acknowledged.len() + unanswered,
        "{} stored, {} acknowledged, {unanswered} without a 201",
        stored.len(),
        tally.acknowledged.len()
    );

    let mut refusals: Vec<String> = tally.refused.iter().map(|(_, status, _, _)| status.as_u16().to_string()).collect();
    refusals.sort();
    let slowest_refusal = tally.refused.iter().map(|(_, _, _, took)| *took).max();
    let legacy_errors = legacy_answers.iter().filter(|(_, body)| body.starts_with("Error")).count();
    // The legacy probe really read the queues (a JSON object keyed by id) when all was well.
    let legacy_lists = legacy_answers.iter().filter(|(_, body)| body.starts_with('{') || body.starts_with('[')).count();
    assert!(legacy_lists > 0, "the legacy probe never read the queue list: {:?}", legacy_answers.first());
    say(&format!(
        "chaos PG restart (-m immediate): restart took {:?}; {} writes acknowledged ({before_restart} before the \
         restart, all present, {} stored); refused: {refusals:?} (slowest {slowest_refusal:?}); {} without an \
         answer; first acknowledged write {recovered:?} after PostgreSQL was back; legacy: {} calls, \
         {legacy_lists} lists, {legacy_errors} `Error` lines",
        back_up.duration_since(went_down),
        tally.acknowledged.len(),
        stored.len(),
        tally.transport_errors.len(),
        legacy_answers.len(),
    ));

    // The legacy door never tells a valid key it is wrong because the database is away (it once
    // did: the tenant check answered the key error for any failure, an outage included).
    let wrong: Vec<_> = legacy_answers
        .iter()
        .filter(|(status, body)| body.contains(KEY_ERROR.trim()) || status.is_server_error())
        .collect();
    assert!(wrong.is_empty(), "legacy answers during the outage: {wrong:?}\ngateway log:\n{logs}");

    // Refusals are clean outage answers: 503 problem `unavailable`, never a 500 or a 4xx. (A write
    // in flight at the crash was once a 500: the store's `?` on sqlx errors skipped
    // `StoreError::classify`; every conversion classifies now.)
    let unclean: Vec<_> = tally
        .refused
        .iter()
        .filter(|(_, status, body, _)| {
            let code = serde_json::from_str::<Value>(body).ok().and_then(|v| v["code"].as_str().map(str::to_string));
            *status != StatusCode::SERVICE_UNAVAILABLE || code.as_deref() != Some("unavailable")
        })
        .collect();
    assert!(
        unclean.is_empty(),
        "writes refused with something else than a 503 outage answer: {unclean:?}\ngateway log:\n{logs}"
    );
    // Likewise on the legacy door: an outage is the outage line, not "Error: internal error".
    let outage = pbx_compat::errors::error_line(pbx_compat::errors::UNAVAILABLE);
    let legacy_unclean: Vec<_> =
        legacy_answers.iter().filter(|(_, body)| body.starts_with("Error") && body.trim_end() != outage).collect();
    assert!(legacy_unclean.is_empty(), "legacy errors during the outage: {legacy_unclean:?}\ngateway log:\n{logs}");
    drop(db);
    drop(cluster);
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

// ---------------------------------------------------------------- a real Asterisk node killed

const PHONE: (&str, &str, &str) = ("DEMO", "103", "phone-103-secret");
const SECOND_PHONE: (&str, &str, &str) = ("DEMO", "104", "phone-104-secret");

/// Places 103 → 104 through REST (both accounts are the lab's auto-answering phone).
async fn place_call(lab: &RealPbx, key: &str, idempotency_key: &str) -> crate::helpers::Rest {
    let body = json!({"source": "103", "destination": "104"});
    let request = lab
        .app
        .request(reqwest::Method::POST, "/v1/tenants/DEMO/calls", key)
        .header("Idempotency-Key", idempotency_key)
        .json(&body);
    lab.app.send(request).await
}

/// Waits until DEMO has `calls` calls of two answered channels each; answers their channels' unique ids.
async fn wait_for_calls_up(lab: &RealPbx, key: &str, calls: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let list = lab.app.get("/v1/tenants/DEMO/calls", key).await;
        if list.status == StatusCode::OK {
            let items = list.body["items"].as_array().cloned().unwrap_or_default();
            let up = |call: &Value| {
                call["channels"].as_array().is_some_and(|channels| {
                    channels.len() == 2 && channels.iter().all(|channel| channel["state"] == "Up")
                })
            };
            if items.len() == calls && items.iter().all(up) {
                return items
                    .iter()
                    .flat_map(|call| call["channels"].as_array().unwrap().iter())
                    .map(|channel| channel["uniqueid"].as_str().unwrap().to_string())
                    .collect();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{calls} calls never came up: {:?}", list.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// Multi-threaded: the lab's start blocks a worker (block_in_place) while the gateway reconnects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asterisk_killed_during_calls_is_resynchronised_without_a_gateway_restart() {
    let setup = LabSetup { nodes: 1, tenants: &["DEMO"], phones: &[PHONE, SECOND_PHONE] };
    let Some(lab) = RealPbx::start("asterisk_killed_during_calls", setup).await else { return };
    let node = &lab.nodes[0];
    wait_for("both phones registered", Duration::from_secs(10), || node.has_contact("104-DEMO")).await;
    let key = lab.app.tenant_key("DEMO", false).await;
    let pbx = lab.app.core.pbx().clone();
    let status = move || pbx.node("srv01").expect("node").status();

    // Two answered calls are up.
    for n in 0..2 {
        let placed = place_call(&lab, &key, &format!("before-kill-{n}")).await;
        assert_eq!(placed.status, StatusCode::ACCEPTED, "{:?}", placed.body);
    }
    let old_channels = wait_for_calls_up(&lab, &key, 2).await;

    // SIGKILL: the gateway sees the node go at once and stops answering from its state.
    let killed = Instant::now();
    let pid = tokio::task::block_in_place(|| node.kill_asterisk());
    wait_for("srv01 seen down", Duration::from_secs(10), || {
        let now = status();
        !now.synced && !now.health.connected
    })
    .await;
    let detected = killed.elapsed();
    let nodes = lab.app.get("/v1/nodes", &lab.admin).await;
    assert_eq!(nodes.status, StatusCode::OK, "{:?}", nodes.body);
    let srv01 = &nodes.body["items"][0];
    assert_eq!(
        (&srv01["name"], &srv01["connected"], &srv01["synced"]),
        (&json!("srv01"), &json!(false), &json!(false))
    );
    assert!(srv01["channel_count"].is_null(), "no channel count for a node that is down: {srv01}");
    // Its calls are not reported as if they were still up (nor as "no calls"): unavailable.
    for path in ["/v1/tenants/DEMO/calls", "/v1/tenants/DEMO/channels"] {
        let down = lab.app.get(path, &key).await;
        assert_eq!(
            (down.status, down.code()),
            (StatusCode::SERVICE_UNAVAILABLE, "pbx_unavailable"),
            "{path}: {:?}",
            down.body
        );
    }
    let count = lab.app.legacy(&[("key", &key), ("reqtype", "COUNTCALLS"), ("tenant", "DEMO")]).await;
    assert!(count.body.starts_with("Error|"), "COUNTCALLS with the only node down: {:?}", count.body);
    let refused = place_call(&lab, &key, "while-down").await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "pbx_unavailable"),
        "{:?}",
        refused.body
    );

    // Started again by the lab (Asterisk, then a new phone): the gateway reconnects and
    // re-synchronises by itself. Timed from the restart and from the moment the lab launched the
    // new Asterisk (its pid appears in the lab's pid file). The orphaned phone is killed first:
    // stopping it gracefully makes lab.sh wait ~10 s for un-REGISTERs nobody answers.
    tokio::task::block_in_place(|| node.kill_phone());
    let restarted = Instant::now();
    let (booted, launched, connected, synced) = tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let lab_start = scope.spawn(|| {
                node.start();
                restarted.elapsed()
            });
            let (mut launched, mut connected, mut synced) = (None, None, None);
            while synced.is_none() || !lab_start.is_finished() {
                if launched.is_none() && node.asterisk_pid().is_some_and(|new| new != pid) {
                    launched = Some(restarted.elapsed());
                }
                let now = status();
                if connected.is_none() && now.health.connected {
                    connected = Some(restarted.elapsed());
                }
                if synced.is_none() && now.synced {
                    synced = Some(restarted.elapsed());
                }
                assert!(
                    restarted.elapsed() < Duration::from_secs(60),
                    "srv01 not re-synchronised 60 s after its restart"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            (lab_start.join().expect("lab.sh start"), launched, connected.expect("connected"), synced.expect("synced"))
        })
    });
    let launched = launched.expect("the lab launched a new Asterisk");
    assert!(status().health.reconnects >= 1, "the session reconnected");

    // No stale channel of the dead calls, and the node is healthy again.
    let channels = lab.app.get("/v1/tenants/DEMO/channels", &key).await;
    assert_eq!(channels.status, StatusCode::OK, "{:?}", channels.body);
    assert_eq!(channels.body["items"], json!([]), "channels of calls that died with the node");
    assert_eq!(channels.body["unavailable_nodes"], json!([]));
    let calls = lab.app.get("/v1/tenants/DEMO/calls", &key).await;
    assert_eq!(calls.body["items"], json!([]), "{:?}", calls.body);
    let nodes = lab.app.get("/v1/nodes", &lab.admin).await;
    let srv01 = &nodes.body["items"][0];
    assert_eq!(
        (&srv01["connected"], &srv01["synced"], &srv01["channel_count"]),
        (&json!(true), &json!(true), &json!(0))
    );

    // And a new call works through the same gateway.
    wait_for("104 registered again", Duration::from_secs(10), || node.has_contact("104-DEMO")).await;
    let call_started = Instant::now();
    let placed = place_call(&lab, &key, "after-restart").await;
    assert_eq!(placed.status, StatusCode::ACCEPTED, "{:?}", placed.body);
    let new_channels = wait_for_calls_up(&lab, &key, 1).await;
    let call_up = call_started.elapsed();
    assert!(new_channels.iter().all(|uid| !old_channels.contains(uid)), "{new_channels:?} vs {old_channels:?}");
    say(&format!(
        "chaos Asterisk SIGKILL (pid {pid}) with 2 calls up: down detected {detected:?} after the kill; restart \
         (from lab.sh start): new Asterisk launched at {launched:?}, gateway AMI connected at {connected:?}, \
         re-synchronised at {synced:?} ({:?} after the launch), lab.sh start returned at {booted:?} (phone \
         registered); new call up {call_up:?} after it was placed",
        synced.saturating_sub(launched)
    ));
}
