//! [`Sim`]: the handle tests use to start, control and inspect a node.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::watch;

use crate::actions::{create_channel, remove_channel, set_state_event};
use crate::server::{Life, RecordedAction, Shared, SimConfig, serve};
use crate::state::{ChannelSpec, ChannelState, Endpoint, Hint, QueueMember, Registration};
use crate::wire::Out;

/// A fake Asterisk node. Cloning gives another handle to the same node;
/// when every handle is dropped the node shuts down.
#[derive(Clone)]
pub struct Sim {
    shared: Arc<Shared>,
    life: Arc<watch::Sender<Life>>,
    addr: SocketAddr,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim").field("addr", &self.addr).finish()
    }
}

impl Sim {
    /// Starts a node on `127.0.0.1:<config.port>` (0 = any free port).
    pub async fn start(config: SimConfig) -> std::io::Result<Sim> {
        let addr = SocketAddr::from(([127, 0, 0, 1], config.port));
        Sim::start_on(addr, config).await
    }

    /// Starts a node on a given address, e.g. the address of a node that was
    /// shut down, to test reconnects. State starts empty.
    pub async fn start_on(addr: SocketAddr, config: SimConfig) -> std::io::Result<Sim> {
        Sim::start_prepared_on(addr, config, |_| {}).await
    }

    /// Like [`Sim::start_on`], with the node's state set up by `prepare` before it accepts its
    /// first connection (a client that connects meanwhile waits in the listen backlog).
    pub async fn start_prepared_on(
        addr: SocketAddr,
        config: SimConfig,
        prepare: impl FnOnce(&Sim),
    ) -> std::io::Result<Sim> {
        // tokio's bind sets SO_REUSEADDR: a node restarted on its port must not wait out TIME_WAIT.
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Sim::serve_on(listener, config, prepare)
    }

    /// [`Sim::start_prepared_on`] on a listener the caller bound earlier: a test that must know the
    /// address before the node starts keeps its port this way (a port probed, dropped and bound
    /// again later can be taken in between by any outgoing connection of the machine).
    pub fn start_prepared_with(
        listener: std::net::TcpListener,
        config: SimConfig,
        prepare: impl FnOnce(&Sim),
    ) -> std::io::Result<Sim> {
        listener.set_nonblocking(true)?;
        Sim::serve_on(tokio::net::TcpListener::from_std(listener)?, config, prepare)
    }

    fn serve_on(
        listener: tokio::net::TcpListener,
        config: SimConfig,
        prepare: impl FnOnce(&Sim),
    ) -> std::io::Result<Sim> {
        let shared = Arc::new(Shared::new(config));
        let (tx, rx) = watch::channel(Life::default());
        let sim = Sim { shared: shared.clone(), life: Arc::new(tx), addr: listener.local_addr()? };
        prepare(&sim);
        serve(listener, shared, rx);
        Ok(sim)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The node's configuration.
    pub fn config(&self) -> &SimConfig {
        &self.shared.cfg
    }

    /// Node down: closes the listener and every connection.
    pub fn shutdown(&self) {
        self.life.send_modify(|l| l.shutdown = true);
    }

    /// Closes every current connection but keeps accepting new ones.
    pub fn drop_connections(&self) {
        self.life.send_modify(|l| l.conn_gen += 1);
    }

    /// Every message received from clients (Login included), in order.
    pub fn actions(&self) -> Vec<RecordedAction> {
        self.shared.actions.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the recorded actions.
    pub fn clear_actions(&self) {
        self.shared.actions.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Delays every answer by `delay` (events still flow meanwhile only
    /// between actions).
    pub fn set_response_delay(&self, delay: Duration) {
        *self.shared.response_delay.lock().unwrap_or_else(|e| e.into_inner()) = delay;
    }

    /// When true, messages are read and recorded but never answered, and no
    /// events are written: a hung server.
    pub fn stall(&self, on: bool) {
        self.shared.stall.store(on, Ordering::Relaxed);
    }

    /// When true, every Originate ends in `OriginateResponse` with
    /// `Response: Failure`, `Reason: 0` (13).
    pub fn fail_originates(&self, on: bool) {
        self.shared.fail_originates.store(on, Ordering::Relaxed);
    }

    /// Broadcasts a raw, already-encoded event (must end with `\r\n\r\n`).
    pub fn emit_raw(&self, event: impl Into<String>) {
        self.shared.emit(event.into());
    }

    /// Broadcasts an event built from headers (`Event` first is up to you).
    pub fn emit(&self, headers: &[(&str, &str)]) {
        let mut out = Out::default();
        for (k, v) in headers {
            out = out.h(k, v);
        }
        self.shared.emit(out.end());
    }

    // ---- channels -------------------------------------------------------

    /// Adds a channel and broadcasts Newchannel. Returns its Uniqueid.
    pub fn add_channel(&self, spec: ChannelSpec) -> String {
        let mut st = self.shared.state();
        let ev = create_channel(&self.shared, &mut st, spec);
        let uid = st.channels.last().map(|c| c.spec.uniqueid.clone()).unwrap_or_default();
        self.shared.emit(ev);
        uid
    }

    /// Adds `n` channels built by `f(i)` without any event (benchmarks).
    pub fn add_channels_bulk(&self, n: usize, f: impl Fn(usize) -> ChannelSpec) {
        let mut st = self.shared.state();
        st.channels.reserve(n);
        for i in 0..n {
            let _ = create_channel(&self.shared, &mut st, f(i));
        }
    }

    /// Changes a channel's state and broadcasts Newstate. False if unknown.
    pub fn set_channel_state(&self, name: &str, state: ChannelState) -> bool {
        let mut st = self.shared.state();
        match set_state_event(&mut st, name, state) {
            Some(ev) => {
                self.shared.emit(ev);
                true
            }
            None => false,
        }
    }

    /// Removes a channel and broadcasts Hangup with Cause/Cause-txt.
    pub fn hangup_channel(&self, name: &str, cause: u32) -> bool {
        let mut st = self.shared.state();
        match remove_channel(&mut st, name, cause) {
            Some(ev) => {
                self.shared.emit(ev);
                true
            }
            None => false,
        }
    }

    /// Bridges two channels: sets their BridgeId and broadcasts BridgeEnter
    /// for each (shape of 17). Returns the bridge id.
    pub fn bridge(&self, a: &str, b: &str) -> Option<String> {
        let mut st = self.shared.state();
        let ia = st.channel_index(a)?;
        let ib = st.channel_index(b)?;
        st.chan_seq += 1;
        let id = format!("{}-bridge-{:08x}", self.shared.cfg.node_name, st.chan_seq);
        for (n, i) in [ia, ib].into_iter().enumerate() {
            let ch = &mut st.channels[i];
            ch.spec.bridge_id = id.clone();
            let ev = ch.block(
                Out::event("BridgeEnter")
                    .h("Privilege", "call,all")
                    .h("BridgeUniqueid", &id)
                    .h("BridgeType", "basic")
                    .h("BridgeTechnology", "simple_bridge")
                    .h("BridgeCreator", "<unknown>")
                    .h("BridgeName", "<unknown>")
                    .h("BridgeNumChannels", n + 1)
                    .h("BridgeVideoSourceMode", "none"),
            );
            self.shared.emit(ev.end());
        }
        Some(id)
    }

    /// Number of live channels.
    pub fn channel_count(&self) -> usize {
        self.shared.state().channels.len()
    }

    /// A copy of a live channel's data.
    pub fn channel(&self, name: &str) -> Option<ChannelSpec> {
        self.shared.state().channel(name).map(|c| c.spec.clone())
    }

    /// Names of all live channels, in creation order.
    pub fn channel_names(&self) -> Vec<String> {
        self.shared.state().channels.iter().map(|c| c.spec.name.clone()).collect()
    }

    // ---- device and extension state --------------------------------------

    /// Sets a device state (`INUSE`, `NOT_INUSE`...) and broadcasts
    /// DeviceStateChange (+ ExtensionStatus of hints on it, 22).
    pub fn set_device_state(&self, device: &str, state: &str) {
        let events = self.shared.state().set_device(device, state, false);
        self.shared.emit_all(events);
    }

    /// Current state of a device.
    pub fn device_state(&self, device: &str) -> Option<String> {
        self.shared.state().devices.iter().find(|(d, _)| d == device).map(|(_, s)| s.clone())
    }

    /// Defines (or replaces) the hint of `exten@context`; no event.
    pub fn set_hint(&self, exten: &str, context: &str, hint: &str) {
        let mut st = self.shared.state();
        let status = st
            .devices
            .iter()
            .find(|(d, _)| d == hint)
            .map(|(_, s)| crate::state::extension_status_for_device(s))
            .unwrap_or(0);
        st.hints.retain(|h| !(h.exten == exten && h.context == context));
        st.hints.push(Hint { exten: exten.into(), context: context.into(), hint: hint.into(), status });
    }

    /// Sets an extension status code and broadcasts ExtensionStatus (22, 49).
    /// Creates the hint (empty device) if missing.
    pub fn set_extension_status(&self, exten: &str, context: &str, status: i32) {
        let mut st = self.shared.state();
        if !st.hints.iter().any(|h| h.exten == exten && h.context == context) {
            st.hints.push(Hint { exten: exten.into(), context: context.into(), hint: String::new(), status });
        }
        for h in st.hints.iter_mut().filter(|h| h.exten == exten && h.context == context) {
            h.status = status;
            self.shared.emit(h.event().end());
        }
    }

    // ---- PJSIP ----------------------------------------------------------

    /// Adds a PJSIP endpoint with a display device state (`Not in use`,
    /// `Unavailable`) and contact URIs. No event.
    pub fn add_endpoint(&self, name: &str, device_state_display: &str, contacts: &[&str]) {
        let mut st = self.shared.state();
        st.endpoints.retain(|e| e.name != name);
        st.endpoints.push(Endpoint {
            name: name.into(),
            device_state: device_state_display.into(),
            contacts: contacts.iter().map(|c| c.to_string()).collect(),
        });
        let dev = format!("PJSIP/{name}");
        let token = if contacts.is_empty() { "UNAVAILABLE" } else { "NOT_INUSE" };
        match st.devices.iter_mut().find(|(d, _)| *d == dev) {
            Some(e) => e.1 = token.into(),
            None => st.devices.push((dev, token.into())),
        }
    }

    /// A phone registers a contact: ContactStatus NonQualified, PeerStatus
    /// Reachable (first contact), ContactStatus Reachable, ExtensionStatus,
    /// DeviceStateChange NOT_INUSE (43). False if the endpoint is unknown.
    pub fn register(&self, endpoint: &str, uri: &str) -> bool {
        let mut st = self.shared.state();
        let Some(ep) = st.endpoints.iter_mut().find(|e| e.name == endpoint) else {
            return false;
        };
        let first = ep.contacts.is_empty();
        ep.contacts.push(uri.to_string());
        ep.device_state = "Not in use".into();
        let mut events = vec![contact_status(endpoint, uri, "NonQualified", 0)];
        if first {
            events.push(peer_status(endpoint, "Reachable"));
        }
        events.push(contact_status(endpoint, uri, "Reachable", 454));
        if first {
            events.extend(st.set_device(&format!("PJSIP/{endpoint}"), "NOT_INUSE", true));
        }
        self.shared.emit_all(events);
        true
    }

    /// The phone unregisters (all contacts): PeerStatus Unreachable,
    /// DeviceStateChange UNAVAILABLE, ExtensionStatus 4, ContactStatus
    /// Removed (43). False if the endpoint is unknown.
    pub fn unregister(&self, endpoint: &str) -> bool {
        let mut st = self.shared.state();
        let Some(ep) = st.endpoints.iter_mut().find(|e| e.name == endpoint) else {
            return false;
        };
        let contacts = std::mem::take(&mut ep.contacts);
        ep.device_state = "Unavailable".into();
        let mut events = vec![peer_status(endpoint, "Unreachable")];
        events.extend(st.set_device(&format!("PJSIP/{endpoint}"), "UNAVAILABLE", false));
        for uri in &contacts {
            events.push(contact_status(endpoint, uri, "Removed", 0));
        }
        self.shared.emit_all(events);
        true
    }

    /// Adds an outbound registration for PJSIPRegister/PJSIPUnregister (45).
    pub fn add_registration(&self, name: &str, client_uri: &str, server_uri: &str) {
        self.shared.state().registrations.push(Registration {
            name: name.into(),
            client_uri: client_uri.into(),
            server_uri: server_uri.into(),
            registered: true,
        });
    }

    // ---- queues ---------------------------------------------------------

    /// Declares a queue (QueueAdd to an unknown queue fails, 18).
    pub fn add_queue(&self, name: &str) {
        let mut st = self.shared.state();
        if !st.queues.iter().any(|q| q == name) {
            st.queues.push(name.into());
        }
    }

    /// Adds or replaces a member (keyed by queue + interface), without event.
    /// Declares the queue if needed.
    pub fn set_queue_member(&self, member: QueueMember) {
        let mut st = self.shared.state();
        if !st.queues.contains(&member.queue) {
            st.queues.push(member.queue.clone());
        }
        st.members.retain(|m| !(m.queue == member.queue && m.interface == member.interface));
        st.members.push(member);
    }

    /// A member, if present.
    pub fn queue_member(&self, queue: &str, interface: &str) -> Option<QueueMember> {
        self.shared.state().members.iter().find(|m| m.queue == queue && m.interface == interface).cloned()
    }

    /// All members, in insertion order.
    pub fn queue_members(&self) -> Vec<QueueMember> {
        self.shared.state().members.clone()
    }

    // ---- AstDB ----------------------------------------------------------

    /// Sets an AstDB value.
    pub fn db_put(&self, family: &str, key: &str, value: &str) {
        self.shared.state().db.entry(family.into()).or_default().insert(key.into(), value.into());
    }

    /// Reads an AstDB value.
    pub fn db_get(&self, family: &str, key: &str) -> Option<String> {
        self.shared.state().db.get(family).and_then(|f| f.get(key)).cloned()
    }
}

fn contact_status(endpoint: &str, uri: &str, status: &str, rtt: u32) -> String {
    Out::event("ContactStatus")
        .h("Privilege", "system,all")
        .h("URI", uri)
        .h("ContactStatus", status)
        .h("AOR", endpoint)
        .h("EndpointName", endpoint)
        .h("RoundtripUsec", rtt)
        .end()
}

fn peer_status(endpoint: &str, status: &str) -> String {
    Out::event("PeerStatus")
        .h("Privilege", "system,all")
        .h("ChannelType", "PJSIP")
        .h("Peer", format!("PJSIP/{endpoint}"))
        .h("PeerStatus", status)
        .end()
}

impl QueueMember {
    /// A static member with defaults: not paused, penalty 0, status 1.
    pub fn new(queue: &str, interface: &str, name: &str) -> QueueMember {
        QueueMember {
            queue: queue.into(),
            interface: interface.into(),
            name: name.into(),
            state_interface: interface.into(),
            paused: false,
            paused_reason: String::new(),
            penalty: 0,
            status: 1,
            membership: "static".into(),
            last_pause: 0,
            login_time: crate::actions::now_secs(),
        }
    }
}
