//! A gateway wired to scripted Asterisk nodes (`ami-sim`): the fixture of every live-PBX test.

use std::net::SocketAddr;
use std::time::Duration;

use ami_sim::{Sim, SimConfig};
use pbx_gateway::pbx::nodes::{AuthMethod, NodeConfig, Secret};

use crate::helpers::TestApp;

/// The gateway and its nodes.
pub struct LiveLab {
    pub app: TestApp,
    pub sims: Vec<Sim>,
}

/// Node names of a lab: `srv01`, `srv02`, ...
pub fn node_name(index: usize) -> String {
    format!("srv{:02}", index + 1)
}

/// The node configuration for a sim (MD5 login on odd nodes, plain on even ones: both are used).
pub fn node_config(index: usize, sim: &Sim) -> NodeConfig {
    node_config_at(index, sim.addr(), sim.config())
}

fn node_config_at(index: usize, addr: SocketAddr, sim: &SimConfig) -> NodeConfig {
    NodeConfig {
        name: node_name(index),
        host: addr.ip().to_string(),
        port: addr.port(),
        username: sim.username.clone(),
        secret: Secret::new(sim.secret.clone()),
        auth: if index.is_multiple_of(2) { AuthMethod::Md5 } else { AuthMethod::Plain },
    }
}

/// Sim configuration of node `index`.
pub fn sim_config(index: usize) -> SimConfig {
    SimConfig { node_name: node_name(index), ..SimConfig::default() }
}

/// A gateway on these nodes, with short timeouts and reconnect delays.
async fn spawn_gateway(nodes: Vec<NodeConfig>) -> TestApp {
    TestApp::spawn_with(|config| {
        config.pbx.nodes = nodes;
        config.pbx.client.action_timeout = Duration::from_secs(2);
        config.pbx.client.backoff_min = Duration::from_millis(50);
        config.pbx.client.backoff_max = Duration::from_millis(200);
    })
    .await
}

impl LiveLab {
    /// `nodes` sims and a gateway connected to all of them, synchronised.
    pub async fn start(nodes: usize) -> LiveLab {
        Self::start_with(nodes, |_, _| {}).await
    }

    /// Like [`LiveLab::start`], letting the test prepare each sim before the gateway connects.
    pub async fn start_with(nodes: usize, prepare: impl Fn(usize, &Sim)) -> LiveLab {
        let mut sims = Vec::new();
        for index in 0..nodes {
            let sim = Sim::start(sim_config(index)).await.expect("sim starts");
            prepare(index, &sim);
            sims.push(sim);
        }
        let configs: Vec<NodeConfig> = sims.iter().enumerate().map(|(i, sim)| node_config(i, sim)).collect();
        let app = spawn_gateway(configs).await;
        let lab = LiveLab { app, sims };
        lab.wait_synced().await;
        lab
    }

    /// Like [`LiveLab::start_with`], with `tenants` (code, extension numbers) in the database
    /// before any node answers; answers their tenant keys in the same order. A sim's endpoints
    /// stand for what a real node reads from the gateway's database, so a test that prepares
    /// endpoints must serve them first: the gateway drops the registrations of endpoints the
    /// database does not serve when it synchronises with a node.
    pub async fn start_serving(
        nodes: usize,
        tenants: &[(&str, &[&str])],
        prepare: impl Fn(usize, &Sim),
    ) -> (LiveLab, Vec<String>) {
        // Ports bound now and kept, served by the sims once the database is ready; until then the
        // gateway's connections wait unanswered and it retries. (A port probed and dropped could be
        // taken meanwhile by any outgoing connection: AddrInUse under a loaded CI run.)
        let listeners: Vec<std::net::TcpListener> =
            (0..nodes).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("free port")).collect();
        let addrs: Vec<SocketAddr> = listeners.iter().map(|l| l.local_addr().expect("addr")).collect();
        let configs: Vec<NodeConfig> =
            addrs.iter().enumerate().map(|(i, addr)| node_config_at(i, *addr, &sim_config(i))).collect();
        let app = spawn_gateway(configs).await;
        let mut lab = LiveLab { app, sims: Vec::new() };
        let mut keys = Vec::new();
        for (code, numbers) in tenants {
            keys.push(lab.tenant_with_extensions(code, numbers).await);
        }
        for (index, listener) in listeners.into_iter().enumerate() {
            let sim = Sim::start_prepared_with(listener, sim_config(index), |sim| prepare(index, sim))
                .expect("sim starts on its port");
            lab.sims.push(sim);
        }
        lab.wait_synced().await;
        (lab, keys)
    }

    /// Waits until every node is connected and synchronised (fails the test after 10 s).
    pub async fn wait_synced(&self) {
        self.wait_until("all nodes synchronised", || self.app.core.pbx().nodes().iter().all(|n| n.status().synced))
            .await;
    }

    /// Polls `ready` every 10 ms for up to 10 s.
    pub async fn wait_until(&self, what: &str, ready: impl Fn() -> bool) {
        for _ in 0..1000 {
            if ready() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out waiting until {what}");
    }

    /// A tenant with a read-write key and the given extensions; returns the key.
    pub async fn tenant_with_extensions(&self, code: &str, numbers: &[&str]) -> String {
        self.app.tenant(code).await;
        let key = self.app.tenant_key(code, false).await;
        for number in numbers {
            self.app.extension(code, &key, number).await;
        }
        key
    }

    /// Every action the sims received with this name, in order.
    pub fn sent(&self, action: &str) -> Vec<ami_sim::RecordedAction> {
        self.sims
            .iter()
            .flat_map(|sim| sim.actions())
            .filter(|recorded| recorded.get("Action").is_some_and(|a| a.eq_ignore_ascii_case(action)))
            .collect()
    }
}
