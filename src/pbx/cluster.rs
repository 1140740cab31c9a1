//! The cluster: every configured node with its session and its live state. A node's state is
//! re-synchronised from list actions after every (re)connect; events that arrive while the lists
//! are being read are held back and applied afterwards, so nothing between snapshot and stream is
//! lost. While a node is down its state is empty and reads of it answer "unavailable".

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use tokio::sync::{broadcast, mpsc};

use super::ami::{Action, AmiClient, ClientError, ClientOptions, Health, Message, Signal};
use super::nodes::NodeConfig;
use super::state::{LiveChange, NodeState};

/// A change on one node, for subscribers (Server-Sent Events).
#[derive(Debug, Clone, Serialize)]
pub struct NodeChange {
    /// The node.
    #[serde(serialize_with = "serialize_str")]
    pub node: Arc<str>,
    /// What changed.
    #[serde(flatten)]
    pub change: LiveChange,
}

fn serialize_str<S: serde::Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

/// Why a PBX operation could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PbxError {
    /// No node of that name is configured.
    #[error("unknown PBX node {0}")]
    UnknownNode(String),
    /// The node is down, reconnecting, or still synchronising.
    #[error("PBX node {node} is unavailable: {reason}")]
    Unavailable {
        /// The node.
        node: String,
        /// Why.
        reason: String,
    },
    /// The node took longer than the action timeout; the action may or may not have happened.
    #[error("PBX node {node} did not answer {action} in time")]
    Timeout {
        /// The node.
        node: String,
        /// The action.
        action: String,
    },
    /// Asterisk answered `Response: Error`.
    #[error("{message}")]
    Rejected {
        /// The node.
        node: String,
        /// Asterisk's `Message:` text.
        message: String,
    },
}

impl PbxError {
    fn from_client(node: &str, err: ClientError) -> PbxError {
        match err {
            ClientError::Timeout(action) => PbxError::Timeout { node: node.to_string(), action },
            ClientError::Unavailable(reason) => PbxError::Unavailable { node: node.to_string(), reason },
        }
    }
}

/// One node: session, state and whether the state is current.
pub struct Node {
    name: Arc<str>,
    client: AmiClient,
    state: RwLock<NodeState>,
    synced: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("name", &self.name).finish()
    }
}

/// Health and counts of a node, for `/v1/nodes`.
#[derive(Debug, Clone)]
pub struct NodeStatus {
    /// The node name.
    pub name: String,
    /// Session health.
    pub health: Health,
    /// Live state is synchronised (connected and initial lists read).
    pub synced: bool,
}

impl Node {
    /// The node name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Health for operators.
    pub fn status(&self) -> NodeStatus {
        NodeStatus { name: self.name.to_string(), health: self.client.health(), synced: self.is_synced() }
    }

    /// Latencies of this node's AMI actions.
    pub fn action_latency(&self) -> &crate::metrics::Histogram {
        self.client.action_latency()
    }

    fn is_synced(&self) -> bool {
        self.synced.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Reads the live state; `Unavailable` while the node is down or synchronising.
    pub fn read<R>(&self, read: impl FnOnce(&NodeState) -> R) -> Result<R, PbxError> {
        if !self.is_synced() {
            return Err(self.unavailable());
        }
        let state = self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(read(&state))
    }

    fn unavailable(&self) -> PbxError {
        let health = self.client.health();
        let reason = if health.connected {
            "synchronising".to_string()
        } else {
            health.last_error.unwrap_or_else(|| "connecting".into())
        };
        PbxError::Unavailable { node: self.name.to_string(), reason }
    }

    /// Sends an action; `Response: Error` becomes [`PbxError::Rejected`].
    pub async fn send(&self, action: &Action) -> Result<Message, PbxError> {
        let answer = self.client.send(action).await.map_err(|err| PbxError::from_client(&self.name, err))?;
        if answer.is_success() {
            Ok(answer)
        } else {
            Err(PbxError::Rejected { node: self.name.to_string(), message: answer.message_text().to_string() })
        }
    }

    /// Sends a list action and returns its items.
    pub async fn send_list(&self, action: &Action) -> Result<Vec<Message>, PbxError> {
        let (answer, items) =
            self.client.send_list(action).await.map_err(|err| PbxError::from_client(&self.name, err))?;
        if answer.is_success() {
            Ok(items)
        } else {
            Err(PbxError::Rejected { node: self.name.to_string(), message: answer.message_text().to_string() })
        }
    }

    /// Re-reads the channel list from the node (`cache=no`) and stores it.
    pub async fn refresh_channels(&self) -> Result<(), PbxError> {
        let items = self.send_list(&Action::new("CoreShowChannels")).await?;
        self.write().load_channels(&items);
        Ok(())
    }

    /// Forgets endpoints the node no longer has (see [`NodeState::forget_peers`]).
    pub fn forget_peers<'a>(&self, endpoints: impl IntoIterator<Item = &'a str>) {
        self.write().forget_peers(endpoints);
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, NodeState> {
        self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Every configured node. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Pbx {
    inner: Arc<PbxInner>,
}

#[derive(Debug)]
struct PbxInner {
    nodes: Vec<Arc<Node>>,
    changes: broadcast::Sender<Arc<NodeChange>>,
}

/// Events queued per node between the session and the state task; the session waits (TCP back
/// pressure) rather than dropping events when this is full.
const SIGNAL_QUEUE: usize = 8192;

impl Pbx {
    /// Connects to every node (in the background; this returns at once).
    pub fn start(configs: Vec<NodeConfig>, options: ClientOptions) -> Pbx {
        let (changes, _) = broadcast::channel(4096);
        let mut nodes = Vec::new();
        for config in configs {
            let (signals, signal_rx) = mpsc::channel(SIGNAL_QUEUE);
            let name: Arc<str> = Arc::from(config.name.as_str());
            let client = AmiClient::spawn(config, options.clone(), signals);
            let node = Arc::new(Node {
                name,
                client,
                state: RwLock::new(NodeState::default()),
                synced: std::sync::atomic::AtomicBool::new(false),
            });
            tokio::spawn(follow(node.clone(), signal_rx, changes.clone()));
            nodes.push(node);
        }
        Pbx { inner: Arc::new(PbxInner { nodes, changes }) }
    }

    /// A cluster with no nodes: every live operation answers unavailable.
    pub fn none() -> Pbx {
        let (changes, _) = broadcast::channel(1);
        Pbx { inner: Arc::new(PbxInner { nodes: Vec::new(), changes }) }
    }

    /// The nodes in configuration order.
    pub fn nodes(&self) -> &[Arc<Node>] {
        &self.inner.nodes
    }

    /// One node by name.
    pub fn node(&self, name: &str) -> Result<&Arc<Node>, PbxError> {
        self.inner.nodes.iter().find(|node| &*node.name == name).ok_or_else(|| PbxError::UnknownNode(name.to_string()))
    }

    /// Live changes of every node, as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<NodeChange>> {
        self.inner.changes.subscribe()
    }

    /// Logs off every node.
    pub async fn shutdown(&self) {
        for node in &self.inner.nodes {
            node.client.shutdown().await;
        }
    }
}

/// The lists read after each login, in order, with the loader of each. PJSIP lists are optional:
/// a node without res_pjsip answers `Invalid/unknown command` (capture 25) and simply has no peers.
async fn synchronise(node: &Node) -> Result<NodeState, PbxError> {
    let mut state = NodeState::default();
    state.load_channels(&node.send_list(&Action::new("CoreShowChannels")).await?);
    state.load_device_states(&node.send_list(&Action::new("DeviceStateList")).await?);
    state.load_extension_states(&node.send_list(&Action::new("ExtensionStateList")).await?);
    state.load_queue_members(&node.send_list(&Action::new("QueueStatus")).await?);
    match node.send_list(&Action::new("PJSIPShowEndpoints")).await {
        Ok(endpoints) => {
            state.load_endpoints(&endpoints);
            state.load_contacts(&node.send_list(&Action::new("PJSIPShowContacts")).await?);
        }
        Err(PbxError::Rejected { message, .. }) => {
            tracing::info!(node = %node.name, %message, "no PJSIP endpoint list on this node");
        }
        Err(err) => return Err(err),
    }
    Ok(state)
}

/// The state task of one node: applies events, re-synchronises after each login.
async fn follow(node: Arc<Node>, mut signals: mpsc::Receiver<Signal>, changes: broadcast::Sender<Arc<NodeChange>>) {
    let mut held: Option<Vec<Message>> = None;
    let (synced_tx, mut synced_rx) = mpsc::channel::<Result<NodeState, PbxError>>(1);
    loop {
        tokio::select! {
            signal = signals.recv() => match signal {
                None => break,
                Some(Signal::Connected) => {
                    held = Some(Vec::new());
                    start_sync(&node, &synced_tx, Duration::ZERO);
                }
                Some(Signal::Event(event)) => match held.as_mut() {
                    Some(held) => held.push(event),
                    None => publish(&node, &changes, &event),
                },
                Some(Signal::Disconnected) => {
                    node.synced.store(false, std::sync::atomic::Ordering::Release);
                    *node.write() = NodeState::default();
                    held = None;
                }
            },
            Some(result) = synced_rx.recv() => {
                let Some(events) = held.take() else { continue };
                match result {
                    Ok(state) => {
                        *node.write() = state;
                        for event in &events {
                            publish(&node, &changes, event);
                        }
                        node.synced.store(true, std::sync::atomic::Ordering::Release);
                        tracing::info!(node = %node.name, at = ?SystemTime::now(), "live state synchronised");
                        // Subscribers re-read, and stored state missed while the node was away is pushed again.
                        let _ = changes.send(Arc::new(NodeChange { node: node.name.clone(), change: LiveChange::NodeSynchronised }));
                    }
                    Err(err) => {
                        // Still connected (e.g. one list timed out): try again, holding events meanwhile.
                        tracing::warn!(node = %node.name, error = %err, "live state sync failed; retrying");
                        held = Some(events);
                        start_sync(&node, &synced_tx, SYNC_RETRY);
                    }
                }
            }
        }
    }
}

/// Delay before a failed synchronisation is tried again.
const SYNC_RETRY: Duration = Duration::from_secs(1);

/// Reads the lists in their own task: the state task must keep draining events, or a busy node
/// would fill the queue and stall the session that is reading the lists.
fn start_sync(node: &Arc<Node>, done: &mpsc::Sender<Result<NodeState, PbxError>>, delay: Duration) {
    let node = node.clone();
    let done = done.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let _ = done.send(synchronise(&node).await).await;
    });
}

fn publish(node: &Node, changes: &broadcast::Sender<Arc<NodeChange>>, event: &Message) {
    tracing::trace!(node = %node.name, event = ?event.event(), "AMI event");
    let applied = node.write().apply(event);
    if changes.receiver_count() == 0 {
        return;
    }
    for change in applied {
        let _ = changes.send(Arc::new(NodeChange { node: node.name.clone(), change }));
    }
}
