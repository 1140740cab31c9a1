//! Real Asterisk 22 nodes for the integration suite: lab instances (`lab.sh` of the asterisk-lab
//! runtime) configured by `pbx-gateway pbx-config` against the test's own database, each with a
//! baresip phone that auto-answers. The lab is found at `PBXGW_ASTERISK_LAB`, else
//! `<repo>/../shared/asterisk-lab`. Without it a real-PBX test says it was skipped and how to enable
//! it; under CI (`CI=true`) it fails instead.
//!
//! Start-up per node: `lab.sh start --no-phone` renders the lab's own configuration (ports, paths),
//! the node is stopped, the gateway's files replace the lab's, and `lab.sh start` boots it again
//! with the phone, which can only register if the gateway's database says so.

pub mod sip;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use pbx_gateway::pbx::nodes::{AuthMethod, NodeConfig, Secret};

use crate::helpers::TestApp;

/// AMI user the tests' nodes grant the gateway (through the generated manager snippet).
const AMI_USER: &str = "pbxgw";

/// One real-PBX test at a time: two or three Asterisk nodes with phones on 2 cores are plenty.
static LAB_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The lab runtime, or `None` (after saying why) when this machine has none and CI is not set.
pub fn lab_root(test: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PBXGW_ASTERISK_LAB")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/asterisk-lab"));
    let script = root.join("lab.sh");
    let problem = if !script.is_file() {
        Some(format!("no lab at {}", root.display()))
    } else {
        let check = Command::new(&script).arg("check").output();
        match check {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(format!("`lab.sh check` failed: {}", String::from_utf8_lossy(&out.stderr).trim())),
            Err(err) => Some(format!("cannot run {}: {err}", script.display())),
        }
    };
    match problem {
        None => Some(root),
        Some(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("real-PBX test {test}: {why} (CI=true requires the Asterisk lab; see README \"Real PBX tests\")")
        }
        Some(why) => {
            // Straight to the process's stderr: libtest captures eprintln! of passing tests.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED real-PBX test {test}: {why}. Enable it with PBXGW_ASTERISK_LAB=/path/to/asterisk-lab \
                 (and `scripts/ensure-asterisk-lab.sh` for its packages); see README \"Real PBX tests\"."
            );
            None
        }
    }
}

/// A phone account a node's baresip registers (auto-answer).
#[derive(Debug, Clone)]
pub struct PhoneAccount {
    /// `<number>-<TENANT>`.
    pub username: String,
    /// Its SIP secret.
    pub secret: String,
}

/// Ports of one node: AMI, SIP, RTP and the phone's block (`lab.sh` defaults relative to the phone port).
#[derive(Debug, Clone, Copy)]
struct Ports {
    base: u16,
}

impl Ports {
    fn ami(self) -> u16 {
        self.base
    }
    fn sip(self) -> u16 {
        self.base + 1
    }
    fn rtp(self) -> String {
        format!("{}-{}", self.base + 10, self.base + 39)
    }
    fn phone(self) -> u16 {
        self.base + 50
    }

    /// A block of 100 ports nobody on this machine listens on (checked, not guaranteed).
    fn pick() -> Ports {
        static NEXT: AtomicU16 = AtomicU16::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::SeqCst);
            let seed = u32::from(n) * 100 + std::process::id() % 97 * 100;
            let base = u16::try_from(31_000 + seed % 30_000).expect("port range");
            let base = base - base % 100;
            let free = (base..base + 100).all(|port| {
                std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
                    && std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok()
            });
            if free {
                return Ports { base };
            }
        }
    }
}

/// One running Asterisk node of the lab.
pub struct LabNode {
    /// Gateway node name (`srv01`, ...).
    pub name: String,
    dir: PathBuf,
    script: PathBuf,
    ports: Ports,
}

impl LabNode {
    /// Where its PJSIP transport listens.
    pub fn sip_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.ports.sip()))
    }

    /// Runs an Asterisk CLI command on the node and returns its output.
    pub fn rx(&self, command: &str) -> String {
        let out = Command::new(&self.script).arg("rx").arg(&self.dir).arg(command).output().expect("lab.sh rx");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Whether `pjsip show contacts` lists a contact of `endpoint`.
    pub fn has_contact(&self, endpoint: &str) -> bool {
        self.rx("pjsip show contacts").contains(&format!("Contact:  {endpoint}/"))
    }

    /// Stops Asterisk and the phone (the node's AMI goes away).
    pub fn stop(&self) {
        let out = Command::new(&self.script).arg("stop").arg(&self.dir).output().expect("lab.sh stop");
        assert!(out.status.success(), "lab.sh stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Starts it again with its configuration as it is (waits for the phone's registration).
    pub fn start(&self) {
        self.run_start(&[]);
    }

    fn run_start(&self, extra: &[&str]) {
        let out = Command::new(&self.script).arg("start").arg(&self.dir).args(extra).output().expect("lab.sh start");
        assert!(
            out.status.success(),
            "lab.sh start {}: {}{}\n{}",
            self.dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.join("log/messages")).unwrap_or_default()
        );
    }

    /// The gateway's view of this node.
    fn gateway_config(&self, secret: &str) -> NodeConfig {
        NodeConfig {
            name: self.name.clone(),
            host: "127.0.0.1".into(),
            port: self.ports.ami(),
            username: AMI_USER.into(),
            secret: Secret::new(secret.to_string()),
            auth: AuthMethod::Md5,
        }
    }
}

impl Drop for LabNode {
    fn drop(&mut self) {
        let _ = Command::new(&self.script).arg("stop").arg(&self.dir).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A gateway on a fresh database with real PBX nodes reading it.
pub struct RealPbx {
    // Declared first so the nodes stop (and let go of the database) before it is dropped.
    pub nodes: Vec<LabNode>,
    pub app: TestApp,
    pub admin: String,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

/// What a real-PBX test starts with.
pub struct LabSetup<'a> {
    /// How many nodes (one database).
    pub nodes: usize,
    /// Tenants to create before the nodes start.
    pub tenants: &'a [&'a str],
    /// Extensions `(tenant, number, secret)` created through REST before the nodes start; the
    /// first is the phone every node's baresip registers (it must be `103` of some tenant: the
    /// lab waits for `103-…`), the others are added to the phone as further accounts.
    pub phones: &'a [(&'a str, &'a str, &'a str)],
}

impl RealPbx {
    /// Starts everything, or answers `None` when the lab is missing outside CI.
    pub async fn start(test: &str, setup: LabSetup<'_>) -> Option<RealPbx> {
        let root = lab_root(test)?;
        let serial = LAB_LOCK.lock().await;
        let script = root.join("lab.sh");
        let ami_secret = pbx_gateway::auth::secrets::random_token();
        let mut nodes = Vec::new();
        for index in 0..setup.nodes {
            let dir = std::env::temp_dir().join(format!(
                "pbxgw-lab-{}-{}",
                std::process::id(),
                &pbx_gateway::auth::secrets::random_token()[..8]
            ));
            nodes.push(LabNode {
                name: format!("srv{:02}", index + 1),
                dir,
                script: script.clone(),
                ports: Ports::pick(),
            });
        }
        let configs: Vec<NodeConfig> = nodes.iter().map(|node| node.gateway_config(&ami_secret)).collect();
        let app = TestApp::spawn_with(|config| {
            config.pbx.nodes = configs;
            config.pbx.client.action_timeout = Duration::from_secs(5);
            config.pbx.client.backoff_min = Duration::from_millis(50);
            config.pbx.client.backoff_max = Duration::from_millis(250);
        })
        .await;
        let admin = app.admin_key.clone();
        for code in setup.tenants {
            app.tenant(code).await;
        }
        let mut accounts = Vec::new();
        for (tenant, number, secret) in setup.phones {
            let path = format!("/v1/tenants/{tenant}/extensions");
            let body = serde_json::json!({"number": number, "name": format!("Phone {number}"), "tech": "PJSIP", "secret": secret});
            let resp = app.post(&path, &admin, body).await;
            assert_eq!(resp.status, reqwest::StatusCode::CREATED, "{:?}", resp.body);
            accounts.push(PhoneAccount { username: format!("{number}-{tenant}"), secret: secret.to_string() });
        }
        for node in &nodes {
            configure_and_start(node, &app, &ami_secret, &accounts);
        }
        let lab = RealPbx { nodes, app, admin, _serial: serial };
        lab.wait_synced().await;
        Some(lab)
    }

    /// Waits until the gateway is connected to every node and synchronised (30 s at most).
    pub async fn wait_synced(&self) {
        let pbx = self.app.core.pbx();
        wait_for("every node synchronised", Duration::from_secs(30), || {
            pbx.nodes().iter().all(|node| node.status().synced)
        })
        .await;
    }

    /// The node with this name.
    pub fn node(&self, name: &str) -> &LabNode {
        self.nodes.iter().find(|node| node.name == name).expect("node")
    }
}

/// Polls `ready` every 20 ms until it holds; panics after `limit`. Answers how long it took.
pub async fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    loop {
        if ready() {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "timed out after {limit:?} waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Renders the lab's configuration (first start), replaces the gateway's files with what
/// `pbx-gateway pbx-config` writes, sets the phone's accounts and boots the node with its phone.
fn configure_and_start(node: &LabNode, app: &TestApp, ami_secret: &str, accounts: &[PhoneAccount]) {
    node.run_start(&[
        "--no-phone",
        "--ami-port",
        &node.ports.ami().to_string(),
        "--sip-port",
        &node.ports.sip().to_string(),
        "--rtp",
        &node.ports.rtp(),
        "--phone-port",
        &node.ports.phone().to_string(),
    ]);
    node.stop();
    let etc = node.dir.join("etc");
    let generated = node.dir.join("pbx-config");
    let out = Command::new(env!("CARGO_BIN_EXE_pbx-gateway"))
        .arg("pbx-config")
        .arg("--out")
        .arg(&generated)
        .arg("--sip-bind")
        .arg(node.sip_addr().to_string())
        .arg("--ami-user")
        .arg(AMI_USER)
        .env("DATABASE_URL", app.database_url())
        .env("PBXGW_NODE_AMI_SECRET", ami_secret)
        .env_remove("PBXGW_NODE_DATABASE_URL")
        .output()
        .expect("pbx-gateway pbx-config runs");
    assert!(out.status.success(), "pbx-config: {}", String::from_utf8_lossy(&out.stderr));
    for entry in std::fs::read_dir(&generated).expect("generated files") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "conf") {
            std::fs::copy(&path, etc.join(path.file_name().expect("name"))).expect("install a node file");
        }
    }
    let manager = etc.join("manager.conf");
    let mut text = std::fs::read_to_string(&manager).expect("manager.conf");
    text.push_str("\n#include manager_pbx-gateway.conf\n");
    std::fs::write(&manager, text).expect("manager.conf");
    if let Some(file) = app.database_url().strip_prefix("sqlite://") {
        std::os::unix::fs::symlink(file, node.dir.join("log/master.db")).expect("master.db link");
    }
    let sip = node.sip_addr();
    let lines: Vec<String> = accounts
        .iter()
        .map(|account| {
            format!(
                "<sip:{user}@{sip};transport=udp>;auth_pass={pass};answermode=auto;regint=600",
                user = account.username,
                pass = account.secret
            )
        })
        .collect();
    std::fs::write(node.dir.join("baresip/accounts"), lines.join("\n") + "\n").expect("phone accounts");
    node.start();
}

impl LabNode {
    /// The pid the lab recorded for this node's Asterisk (`asterisk.pid`; `lab.sh start` writes
    /// the new one as soon as it launches Asterisk), if any.
    pub fn asterisk_pid(&self) -> Option<u32> {
        recorded_pid(&self.dir.join("asterisk.pid"))
    }

    /// Kills the node's Asterisk with SIGKILL, as a crash would (no shutdown, sockets reset by the
    /// kernel; the phone keeps running until [`LabNode::start`] replaces it). Only the pid the lab
    /// recorded for this instance is signalled, after checking it is this instance's Asterisk.
    /// Returns once the process is gone (or a zombie), with its pid.
    pub fn kill_asterisk(&self) -> u32 {
        let pid = self.asterisk_pid().expect("a pid in the lab's asterisk.pid");
        kill_and_wait(pid, &self.dir.join("etc/asterisk.conf"));
        pid
    }

    /// Kills the node's phone (baresip) with SIGKILL, checked like [`LabNode::kill_asterisk`].
    /// After its Asterisk died, `lab.sh start` would otherwise spend some 10 s stopping it
    /// gracefully (baresip waits for un-REGISTERs nobody answers).
    pub fn kill_phone(&self) {
        let pid = recorded_pid(&self.dir.join("baresip.pid")).expect("a pid in the lab's baresip.pid");
        kill_and_wait(pid, &self.dir.join("baresip"));
    }
}

fn recorded_pid(file: &Path) -> Option<u32> {
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}

/// SIGKILLs `pid` if its command line names `ours` (a path of the instance), and waits until it is
/// gone, or a zombie nobody has reaped yet: either way it holds no socket any more.
fn kill_and_wait(pid: u32, ours: &Path) {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let cmdline = std::fs::read(proc_dir.join("cmdline")).unwrap_or_default();
    assert!(
        String::from_utf8_lossy(&cmdline).contains(ours.to_str().expect("utf-8 path")),
        "pid {pid} is not the process of {}",
        ours.display()
    );
    let status = Command::new("kill").arg("-KILL").arg(pid.to_string()).status().expect("kill");
    assert!(status.success(), "kill -KILL {pid}");
    let gone = || {
        std::fs::read_to_string(proc_dir.join("stat"))
            .map(|stat| stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
            .unwrap_or(true)
    };
    let started = Instant::now();
    while !gone() {
        assert!(started.elapsed() < Duration::from_secs(5), "pid {pid} survived SIGKILL");
        std::thread::sleep(Duration::from_millis(5));
    }
}
