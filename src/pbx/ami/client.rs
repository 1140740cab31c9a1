//! One AMI session per node, kept alive by a supervisor task: connect, read the banner, log in
//! (MD5 challenge or plain), then multiplex actions by ActionID while events stream to the
//! consumer. On any failure it reconnects with exponential backoff; actions sent while the node is
//! down fail at once with [`ClientError::Unavailable`], never hang.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;
use tokio::sync::{mpsc, oneshot, watch};

use super::codec::{Decoder, Frame};
use super::message::{Action, Kind, Message};
use crate::pbx::nodes::{AuthMethod, NodeConfig};

/// Timeouts and backoff of a node session.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// TCP connect, banner and login, each.
    pub connect_timeout: Duration,
    /// How long one action (or one whole list) may take.
    pub action_timeout: Duration,
    /// First reconnect delay; doubled after each failure.
    pub backoff_min: Duration,
    /// Largest reconnect delay.
    pub backoff_max: Duration,
    /// After this long without a byte from the node a `Ping` is sent; if the silence lasts another
    /// action timeout the session is declared dead (a PBX that vanished without closing TCP).
    pub keepalive: Duration,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            action_timeout: Duration::from_secs(10),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            keepalive: Duration::from_secs(20),
        }
    }
}

/// Why an action did not get an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// Not connected (down, reconnecting or shut down).
    #[error("not connected: {0}")]
    Unavailable(String),
    /// No answer within the action timeout.
    #[error("no answer to {0} in time")]
    Timeout(String),
}

/// What the session tells its consumer, in wire order.
#[derive(Debug, Clone)]
pub enum Signal {
    /// Logged in (again): previous state is stale, re-sync now.
    Connected,
    /// An event that is not an item of one of our lists.
    Event(Message),
    /// The session ended; state is unknown until the next `Connected`.
    Disconnected,
}

/// Connection health for `/v1/nodes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Logged in now.
    pub connected: bool,
    /// When the current state (up or down) began.
    pub since: SystemTime,
    /// Successful logins since start, minus one: how often it had to reconnect.
    pub reconnects: u64,
    /// The last connection or login failure, for operators.
    pub last_error: Option<String>,
    /// The server's banner, e.g. `Asterisk Call Manager/13.0.0`.
    pub banner: Option<String>,
}

enum Pending {
    Single(oneshot::Sender<Message>),
    List { response: Option<Message>, items: Vec<Message>, done: oneshot::Sender<(Message, Vec<Message>)> },
}

struct Session {
    writer: mpsc::Sender<String>,
    pending: Arc<Mutex<HashMap<String, Pending>>>,
}

struct Shared {
    node: String,
    options: ClientOptions,
    session: Mutex<Option<Session>>,
    health: Mutex<Health>,
    next_id: AtomicU64,
    /// Time from sending an action to its answer (or its timeout).
    latency: crate::metrics::Histogram,
}

/// Handle to one node's session. Cheap to clone.
#[derive(Clone)]
pub struct AmiClient {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for AmiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmiClient").field("node", &self.shared.node).finish()
    }
}

impl AmiClient {
    /// Starts the supervisor task; signals go to `signals` in wire order.
    pub fn spawn(config: NodeConfig, options: ClientOptions, signals: mpsc::Sender<Signal>) -> AmiClient {
        let shared = Arc::new(Shared {
            node: config.name.clone(),
            options,
            session: Mutex::new(None),
            health: Mutex::new(Health {
                connected: false,
                since: SystemTime::now(),
                reconnects: 0,
                last_error: None,
                banner: None,
            }),
            next_id: AtomicU64::new(1),
            latency: Default::default(),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        tokio::spawn(supervise(config, shared.clone(), signals, shutdown_rx));
        AmiClient { shared, shutdown }
    }

    /// The node name.
    pub fn node(&self) -> &str {
        &self.shared.node
    }

    /// Current health.
    pub fn health(&self) -> Health {
        lock(&self.shared.health).clone()
    }

    /// Sends one action and returns its response (success or error alike; the caller judges).
    #[tracing::instrument(name = "pbx.ami.send", skip_all, fields(action = action.name()))]
    pub async fn send(&self, action: &Action) -> Result<Message, ClientError> {
        let (done, answer) = oneshot::channel();
        self.dispatch(action, Pending::Single(done)).await?;
        self.wait(action, answer).await
    }

    /// Sends a list action (`EventList: start` ... `*Complete`) and returns the response and the
    /// items. An error answered before the list began comes back as the response with no items.
    #[tracing::instrument(name = "pbx.ami.send_list", skip_all, fields(action = action.name()))]
    pub async fn send_list(&self, action: &Action) -> Result<(Message, Vec<Message>), ClientError> {
        let (done, answer) = oneshot::channel();
        self.dispatch(action, Pending::List { response: None, items: Vec::new(), done }).await?;
        self.wait(action, answer).await
    }

    /// Logs off (best effort) and stops reconnecting.
    pub async fn shutdown(&self) {
        let logoff = Action::new("Logoff");
        let _ = tokio::time::timeout(Duration::from_secs(1), self.send(&logoff)).await;
        let _ = self.shutdown.send(true);
    }

    async fn dispatch(&self, action: &Action, pending: Pending) -> Result<(), ClientError> {
        let id = format!("gw-{}", self.shared.next_id.fetch_add(1, Ordering::Relaxed));
        let (writer, pending_map) = {
            let session = lock(&self.shared.session);
            let Some(session) = session.as_ref() else {
                return Err(ClientError::Unavailable(self.unavailable_reason()));
            };
            (session.writer.clone(), session.pending.clone())
        };
        lock(&pending_map).insert(id.clone(), pending);
        tracing::debug!(node = %self.shared.node, action = %action.redacted(), %id, "AMI action");
        if writer.send(action.encode(&id)).await.is_err() {
            lock(&pending_map).remove(&id);
            return Err(ClientError::Unavailable("connection closed".into()));
        }
        Ok(())
    }

    async fn wait<T>(&self, action: &Action, answer: oneshot::Receiver<T>) -> Result<T, ClientError> {
        let sent = std::time::Instant::now();
        match tokio::time::timeout(self.shared.options.action_timeout, answer).await {
            Ok(Ok(value)) => {
                self.shared.latency.observe(sent.elapsed());
                Ok(value)
            }
            // The session ended and dropped the pending entry.
            Ok(Err(_)) => Err(ClientError::Unavailable("connection lost".into())),
            Err(_) => {
                self.shared.latency.observe(sent.elapsed());
                Err(ClientError::Timeout(action.name().to_string()))
            }
        }
    }

    /// Latencies of this node's actions.
    pub fn action_latency(&self) -> &crate::metrics::Histogram {
        &self.shared.latency
    }

    fn unavailable_reason(&self) -> String {
        lock(&self.shared.health).last_error.clone().unwrap_or_else(|| "connecting".into())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half-updated in a way that
    // matters (plain inserts/removes), so poisoning is ignored.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn supervise(
    config: NodeConfig,
    shared: Arc<Shared>,
    signals: mpsc::Sender<Signal>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = shared.options.backoff_min;
    let mut logins: u64 = 0;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let attempt = tokio::select! {
            result = connect(&config, &shared.options) => result,
            _ = shutdown.changed() => break,
        };
        match attempt {
            Ok((banner, reader, decoder, write_half)) => {
                logins += 1;
                backoff = shared.options.backoff_min;
                let (writer, outgoing) = mpsc::channel::<String>(256);
                let pending = Arc::new(Mutex::new(HashMap::new()));
                *lock(&shared.session) = Some(Session { writer, pending: pending.clone() });
                set_health(&shared, |health| {
                    health.connected = true;
                    health.reconnects = logins - 1;
                    health.banner = Some(banner);
                    health.last_error = None;
                });
                tracing::info!(node = %config.name, "AMI connected");
                if signals.send(Signal::Connected).await.is_err() {
                    break;
                }
                let liveness =
                    Liveness { keepalive: shared.options.keepalive, patience: shared.options.action_timeout };
                let reason = tokio::select! {
                    reason = run_session(reader, decoder, write_half, outgoing, &pending, &signals, liveness) => reason,
                    _ = shutdown.changed() => "shut down".to_string(),
                };
                *lock(&shared.session) = None;
                // Dropping the senders wakes every waiter with "connection lost".
                lock(&pending).clear();
                set_health(&shared, |health| {
                    health.connected = false;
                    health.last_error = Some(reason.clone());
                });
                tracing::warn!(node = %config.name, %reason, "AMI disconnected");
                if signals.send(Signal::Disconnected).await.is_err() {
                    break;
                }
            }
            Err(reason) => {
                tracing::warn!(node = %config.name, %reason, retry_in = ?backoff, "AMI connect failed");
                set_health(&shared, |health| health.last_error = Some(reason));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(jittered(backoff)) => {}
            _ = shutdown.changed() => break,
        }
        backoff = (backoff * 2).min(shared.options.backoff_max);
    }
    *lock(&shared.session) = None;
    set_health(&shared, |health| {
        health.connected = false;
        health.last_error = Some("shut down".into());
    });
}

fn set_health(shared: &Shared, change: impl FnOnce(&mut Health)) {
    let mut health = lock(&shared.health);
    let was_connected = health.connected;
    change(&mut health);
    if health.connected != was_connected {
        health.since = SystemTime::now();
    }
}

/// Up to 25 % random jitter, so nodes that dropped together do not reconnect in lockstep.
fn jittered(delay: Duration) -> Duration {
    let spread = delay.as_millis() as u64 / 4;
    if spread == 0 {
        return delay;
    }
    delay + Duration::from_millis(rand::random::<u64>() % spread)
}

type Connected = (String, OwnedReadHalf, Decoder, tokio::net::tcp::OwnedWriteHalf);

async fn connect(config: &NodeConfig, options: &ClientOptions) -> Result<Connected, String> {
    let deadline = options.connect_timeout;
    let stream = tokio::time::timeout(deadline, TcpStream::connect((config.host.as_str(), config.port)))
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|err| format!("connect: {err}"))?;
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let mut decoder = Decoder::new();
    let step = |what: &'static str| move |_| format!("{what} timed out");
    let banner =
        tokio::time::timeout(deadline, read_frame(&mut reader, &mut decoder)).await.map_err(step("banner"))??;
    let Frame::Banner(banner) = banner else { return Err("no AMI banner".into()) };
    if !banner.starts_with("Asterisk Call Manager/") {
        return Err(format!("not an AMI server: {banner:?}"));
    }
    let login = login_action(config, &mut reader, &mut writer, &mut decoder, deadline).await?;
    writer.write_all(login.encode("login").as_bytes()).await.map_err(|err| format!("login: {err}"))?;
    let answer = tokio::time::timeout(deadline, read_response(&mut reader, &mut decoder, "login"))
        .await
        .map_err(step("login"))??;
    if !answer.is_success() {
        return Err(format!("login refused: {}", answer.message_text()));
    }
    Ok((banner, reader, decoder, writer))
}

async fn login_action(
    config: &NodeConfig,
    reader: &mut OwnedReadHalf,
    writer: &mut tokio::net::tcp::OwnedWriteHalf,
    decoder: &mut Decoder,
    deadline: Duration,
) -> Result<Action, String> {
    let invalid = |err: super::message::HeaderInjection| err.to_string();
    let base = Action::new("Login").header("Username", &config.username).map_err(invalid)?;
    match config.auth {
        AuthMethod::Plain => base.header("Secret", config.secret.expose()).map_err(invalid),
        AuthMethod::Md5 => {
            let challenge = Action::new("Challenge").header("AuthType", "MD5").map_err(invalid)?;
            writer
                .write_all(challenge.encode("challenge").as_bytes())
                .await
                .map_err(|err| format!("challenge: {err}"))?;
            let answer = tokio::time::timeout(deadline, read_response(reader, decoder, "challenge"))
                .await
                .map_err(|_| "challenge timed out".to_string())??;
            let challenge = answer.get("Challenge").filter(|_| answer.is_success()).ok_or("no MD5 challenge")?;
            let key = hex::encode(Md5::digest(format!("{challenge}{}", config.secret.expose())));
            base.header("AuthType", "MD5").and_then(|a| a.header("Key", key)).map_err(invalid)
        }
    }
}

async fn read_frame(reader: &mut OwnedReadHalf, decoder: &mut Decoder) -> Result<Frame, String> {
    let mut buffer = [0u8; 8192];
    loop {
        if let Some(frame) = decoder.next_frame().map_err(|err| err.to_string())? {
            return Ok(frame);
        }
        let read = reader.read(&mut buffer).await.map_err(|err| format!("read: {err}"))?;
        if read == 0 {
            return Err("connection closed by the server".into());
        }
        decoder.feed(&buffer[..read]);
    }
}

/// The response with the given ActionID; events before it (none during login) are skipped.
async fn read_response(reader: &mut OwnedReadHalf, decoder: &mut Decoder, id: &str) -> Result<Message, String> {
    loop {
        if let Frame::Message(message) = read_frame(reader, decoder).await?
            && message.kind() == Kind::Response
            && message.action_id() == Some(id)
        {
            return Ok(message);
        }
    }
}

/// When to probe a quiet node and when to give up on it.
#[derive(Debug, Clone, Copy)]
struct Liveness {
    keepalive: Duration,
    patience: Duration,
}

/// ActionID of keepalive pings; their answers match no pending action and are dropped.
const KEEPALIVE_ID: &str = "keepalive";

async fn run_session(
    mut reader: OwnedReadHalf,
    mut decoder: Decoder,
    mut writer: tokio::net::tcp::OwnedWriteHalf,
    mut outgoing: mpsc::Receiver<String>,
    pending: &Mutex<HashMap<String, Pending>>,
    signals: &mpsc::Sender<Signal>,
    liveness: Liveness,
) -> String {
    let last_heard = Mutex::new(tokio::time::Instant::now());
    let write_loop = async {
        let ping = Action::new("Ping").encode(KEEPALIVE_ID);
        // Checked several times per keepalive period, so a ping goes out soon after the node fell
        // silent and a dead node is noticed one action timeout after the unanswered ping.
        let mut probe = tokio::time::interval((liveness.keepalive / 4).max(Duration::from_millis(5)));
        let mut pinged_at: Option<tokio::time::Instant> = None;
        loop {
            let bytes = tokio::select! {
                bytes = outgoing.recv() => match bytes {
                    Some(bytes) => bytes,
                    None => return "writer closed".to_string(),
                },
                _ = probe.tick() => {
                    let heard = *lock(&last_heard);
                    if let Some(sent) = pinged_at {
                        if heard >= sent {
                            pinged_at = None;
                        } else if sent.elapsed() >= liveness.patience {
                            return format!("no answer to a keepalive ping for {} ms", sent.elapsed().as_millis());
                        }
                    }
                    if pinged_at.is_some() || heard.elapsed() < liveness.keepalive {
                        continue;
                    }
                    pinged_at = Some(tokio::time::Instant::now());
                    ping.clone()
                }
            };
            if let Err(err) = writer.write_all(bytes.as_bytes()).await {
                return format!("write: {err}");
            }
        }
    };
    let read_loop = async {
        loop {
            let frame = match read_frame(&mut reader, &mut decoder).await {
                Ok(frame) => frame,
                Err(reason) => return reason,
            };
            *lock(&last_heard) = tokio::time::Instant::now();
            let Frame::Message(message) = frame else { continue };
            if let Some(event) = route(pending, message)
                && signals.send(Signal::Event(event)).await.is_err()
            {
                return "consumer gone".to_string();
            }
        }
    };
    tokio::select! {
        reason = write_loop => reason,
        reason = read_loop => reason,
    }
}

/// Hands a message to the action waiting for it; returns it when it is an unsolicited event.
fn route(pending: &Mutex<HashMap<String, Pending>>, message: Message) -> Option<Message> {
    let Some(id) = message.action_id().map(str::to_string) else {
        return (message.kind() == Kind::Event).then_some(message);
    };
    let mut pending = lock(pending);
    let Some(waiting) = pending.get_mut(&id) else {
        // E.g. OriginateResponse after the queued answer, or UserEvent: events like any other.
        return (message.kind() == Kind::Event).then_some(message);
    };
    match (waiting, message.kind()) {
        (Pending::Single(_), Kind::Response) => {
            if let Some(Pending::Single(done)) = pending.remove(&id) {
                let _ = done.send(message);
            }
            None
        }
        (Pending::List { response, .. }, Kind::Response) => {
            if message.starts_list() {
                *response = Some(message);
            } else if let Some(Pending::List { done, .. }) = pending.remove(&id) {
                // An error (or a plain answer) before any list began: no items follow.
                let _ = done.send((message, Vec::new()));
            }
            None
        }
        (Pending::List { response: Some(_), items, .. }, Kind::Event) => {
            if message.completes_list() {
                if let Some(Pending::List { response: Some(response), items, done }) = pending.remove(&id) {
                    let _ = done.send((response, items));
                }
            } else {
                items.push(message);
            }
            None
        }
        _ => (message.kind() == Kind::Event).then_some(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pbx::nodes::Secret;
    use ami_sim::{ChannelSpec, Replay, Sim, SimConfig};

    fn config(addr: std::net::SocketAddr, secret: &str, auth: AuthMethod) -> NodeConfig {
        NodeConfig {
            name: "srv01".into(),
            host: addr.ip().to_string(),
            port: addr.port(),
            username: "gateway".into(),
            secret: Secret::new(secret),
            auth,
        }
    }

    fn quick() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(2),
            action_timeout: Duration::from_millis(500),
            backoff_min: Duration::from_millis(20),
            backoff_max: Duration::from_millis(100),
            keepalive: Duration::from_secs(20),
        }
    }

    async fn next_signal(signals: &mut mpsc::Receiver<Signal>) -> Signal {
        tokio::time::timeout(Duration::from_secs(5), signals.recv()).await.expect("a signal in time").expect("open")
    }

    async fn connected(addr: std::net::SocketAddr, auth: AuthMethod) -> (AmiClient, mpsc::Receiver<Signal>) {
        let (tx, mut signals) = mpsc::channel(1024);
        let client = AmiClient::spawn(config(addr, "gatewaysecret", auth), quick(), tx);
        assert!(matches!(next_signal(&mut signals).await, Signal::Connected));
        (client, signals)
    }

    #[tokio::test]
    async fn logs_in_with_md5_and_plain_and_multiplexes_many_actions_over_split_reads() {
        let sim = Sim::start(SimConfig { fragment: true, ..SimConfig::default() }).await.expect("sim");
        for auth in [AuthMethod::Md5, AuthMethod::Plain] {
            let (client, _signals) = connected(sim.addr(), auth).await;
            assert_eq!(client.health().banner.as_deref(), Some("Asterisk Call Manager/13.0.0"));
            let pings = (0..50).map(|_| {
                let client = client.clone();
                async move { client.send(&Action::new("Ping")).await }
            });
            let answers = futures_util::future::join_all(pings).await;
            let mut ids: Vec<String> = answers
                .into_iter()
                .map(|answer| answer.expect("pong").action_id().expect("echoed").to_string())
                .collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 50, "every ping got its own answer");
            client.shutdown().await;
        }
        let logins: Vec<_> = sim.actions().into_iter().filter(|a| a.get("Action") == Some("Login")).collect();
        assert_eq!(logins[0].get("AuthType"), Some("MD5"));
        assert!(logins[0].get("Secret").is_none(), "MD5 login never sends the secret");
        assert_eq!(logins[1].get("Secret"), Some("gatewaysecret"));
        assert!(sim.actions().iter().any(|a| a.get("Action") == Some("Logoff")), "shutdown logs off");
    }

    #[tokio::test]
    async fn lists_collect_their_items_and_errors_before_a_list_have_none() {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        sim.add_channels_bulk(3, |i| ChannelSpec {
            name: format!("PJSIP/10{i}-DEMO-0000000{i}"),
            ..Default::default()
        });
        let (client, _signals) = connected(sim.addr(), AuthMethod::Md5).await;
        let (response, items) = client.send_list(&Action::new("CoreShowChannels")).await.expect("list");
        assert!(response.starts_list());
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(|item| item.event() == Some("CoreShowChannel")));
        let missing =
            Action::new("DBGet").header("Family", "DND").and_then(|a| a.header("Key", "nope")).expect("valid");
        let (response, items) = client.send_list(&missing).await.expect("answer");
        assert_eq!(response.message_text(), "Database entry not found");
        assert!(items.is_empty());
    }

    #[tokio::test]
    async fn unsolicited_events_reach_the_consumer_and_list_items_do_not() {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        let (client, mut signals) = connected(sim.addr(), AuthMethod::Plain).await;
        client.send_list(&Action::new("DeviceStateList")).await.expect("list");
        sim.add_channel(ChannelSpec { name: "PJSIP/103-DEMO-00000001".into(), ..Default::default() });
        loop {
            match next_signal(&mut signals).await {
                Signal::Event(event) if event.event() == Some("Newchannel") => break,
                Signal::Event(event) => assert_ne!(event.event(), Some("DeviceStateChange"), "a list item leaked"),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn refused_login_and_down_nodes_fail_fast() {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        let (tx, _signals) = mpsc::channel(16);
        let client = AmiClient::spawn(config(sim.addr(), "wrong", AuthMethod::Md5), quick(), tx);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let health = client.health();
        assert!(!health.connected);
        assert!(health.last_error.as_deref().is_some_and(|e| e.contains("Authentication failed")), "{health:?}");
        let started = std::time::Instant::now();
        assert!(matches!(client.send(&Action::new("Ping")).await, Err(ClientError::Unavailable(_))));
        assert!(started.elapsed() < Duration::from_millis(100), "no waiting on a node that is down");
        client.shutdown().await;
    }

    #[tokio::test]
    async fn a_silent_node_times_out_and_a_dropped_one_reconnects() {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        let (client, mut signals) = connected(sim.addr(), AuthMethod::Md5).await;
        sim.stall(true);
        assert_eq!(client.send(&Action::new("Ping")).await, Err(ClientError::Timeout("Ping".into())));
        sim.stall(false);
        sim.drop_connections();
        loop {
            match next_signal(&mut signals).await {
                Signal::Disconnected => break,
                Signal::Event(_) => {}
                Signal::Connected => panic!("connected before the drop was seen"),
            }
        }
        assert!(matches!(next_signal(&mut signals).await, Signal::Connected));
        assert_eq!(client.health().reconnects, 1);
        assert!(client.send(&Action::new("Ping")).await.expect("pong after reconnect").is_success());
    }

    #[tokio::test]
    async fn a_node_that_goes_silent_is_declared_dead_by_the_keepalive() {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        let (tx, mut signals) = mpsc::channel(1024);
        let options = ClientOptions {
            keepalive: Duration::from_millis(100),
            action_timeout: Duration::from_millis(100),
            ..quick()
        };
        let _client = AmiClient::spawn(config(sim.addr(), "gatewaysecret", AuthMethod::Md5), options, tx);
        assert!(matches!(next_signal(&mut signals).await, Signal::Connected));
        // Quiet but alive for many keepalive periods: pings are answered, the session stays.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert!(sim.actions().iter().any(|a| a.get("ActionID") == Some(KEEPALIVE_ID)));
        while let Ok(signal) = signals.try_recv() {
            assert!(matches!(signal, Signal::Event(_)), "no disconnect while the node answers pings: {signal:?}");
        }
        // Silent (TCP open, nothing answered): the session is given up.
        sim.stall(true);
        loop {
            match next_signal(&mut signals).await {
                Signal::Disconnected => break,
                Signal::Event(_) => {}
                Signal::Connected => panic!("reconnected to a stalled node"),
            }
        }
    }

    fn capture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ami-captures").join(format!("{name}.jsonl"))
    }

    /// The captures' real read boundaries and pipelining (33: three actions in one write).
    #[tokio::test]
    async fn replayed_captures_are_understood() {
        let replay = Replay::start(capture("33-pipelined-actions")).await.expect("replay");
        let (client, _signals) = connected(replay.addr(), AuthMethod::Plain).await;
        let ping = Action::new("Ping");
        let get = Action::new("DBGet").header("Family", "DND").and_then(|a| a.header("Key", "nope")).expect("valid");
        let list = Action::new("CoreShowChannels");
        let (pong, missing, channels) = tokio::join!(client.send(&ping), client.send(&get), client.send_list(&list));
        assert_eq!(pong.expect("pong").get("Ping"), Some("Pong"));
        assert_eq!(missing.expect("answer").message_text(), "Database entry not found");
        assert!(channels.expect("list").1.is_empty());

        let replay = Replay::start(capture("04-login-md5-ok")).await.expect("replay");
        let (client, _signals) = connected(replay.addr(), AuthMethod::Md5).await;
        assert!(client.health().connected);
    }
}
