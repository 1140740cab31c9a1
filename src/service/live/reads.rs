//! Live reads: answered from each node's event-fed state at once; `fresh` (legacy `cache=no`)
//! re-reads the channel list from the node first.

use std::time::SystemTime;

use super::{PerNode, Viewer, selected_nodes, viewer};
use crate::auth::Principal;
use crate::pbx::state::{Channel, ExtensionState, Peer};
use crate::service::Missing;
use crate::service::{Core, ServiceError, ServiceResult};

/// Which live objects a read covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadScope<'a> {
    /// `tenant=`; `None` = everything (admin keys only).
    pub tenant: Option<&'a str>,
    /// One node by name; `None` = every node.
    pub node: Option<&'a str>,
    /// Ask the node instead of using the live state (`cache=no`).
    pub fresh: bool,
}

/// A channel and the node it lives on.
#[derive(Debug, Clone)]
pub struct LiveChannel {
    /// The node name.
    pub node: String,
    /// The channel.
    pub channel: Channel,
    /// Seconds since it was created.
    pub seconds: u64,
}

impl LiveChannel {
    /// A copy of `channel` of `node`, aged at `now`.
    fn of(node: &str, channel: &Channel, now: SystemTime) -> LiveChannel {
        LiveChannel { node: node.to_string(), channel: channel.clone(), seconds: channel.seconds(now) }
    }
}

/// Channels of the reachable nodes, and the nodes that could not answer.
#[derive(Debug, Clone, Default)]
pub struct Gathered<T> {
    /// What the nodes that answered hold.
    pub items: Vec<T>,
    /// Nodes that are down or synchronising (their items are missing).
    pub unavailable: Vec<String>,
}

async fn refresh_if_asked(core: &Core, scope: &ReadScope<'_>) -> ServiceResult<()> {
    if scope.fresh {
        for node in selected_nodes(core, scope.node)? {
            // A node that cannot be asked keeps answering "unavailable" below.
            if let Err(err) = node.refresh_channels().await {
                tracing::debug!(node = node.name(), error = %err, "cache=no refresh failed");
            }
        }
    }
    Ok(())
}

/// Reads every selected node's state with `read`, per node.
async fn per_node<T>(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
    read: impl Fn(&str, &Viewer, &crate::pbx::state::NodeState) -> T,
) -> ServiceResult<Vec<PerNode<T>>> {
    let viewer = viewer(core, principal, scope.tenant).await?;
    per_node_seen_by(core, &viewer, scope, read).await
}

/// [`per_node`] for a caller whose viewer is already resolved (actions that checked their tenant).
async fn per_node_seen_by<T>(
    core: &Core,
    viewer: &Viewer,
    scope: &ReadScope<'_>,
    read: impl Fn(&str, &Viewer, &crate::pbx::state::NodeState) -> T,
) -> ServiceResult<Vec<PerNode<T>>> {
    refresh_if_asked(core, scope).await?;
    let nodes = selected_nodes(core, scope.node)?;
    Ok(nodes
        .into_iter()
        .map(|node| PerNode {
            node: node.name().to_string(),
            value: node.read(|state| read(node.name(), viewer, state)).map_err(ServiceError::from),
        })
        .collect())
}

fn gather<T>(per_node: Vec<PerNode<Vec<T>>>) -> ServiceResult<Gathered<T>> {
    let per_node = PerNode::require_any(per_node)?;
    let mut gathered = Gathered { items: Vec::new(), unavailable: Vec::new() };
    for entry in per_node {
        match entry.value {
            Ok(items) => gathered.items.extend(items),
            Err(_) => gathered.unavailable.push(entry.node),
        }
    }
    Ok(gathered)
}

/// Channel counts per node (COUNTCHANNELS). With `node` given, a down node is an error.
pub async fn channel_counts(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
) -> ServiceResult<Vec<PerNode<usize>>> {
    let counts = per_node(core, principal, scope, |_, viewer, state| state.channel_count(viewer.tenant())).await?;
    PerNode::require_any(counts)
}

/// Number of calls (distinct linked ids) on every node (COUNTCALLS).
pub async fn call_count(core: &Core, principal: &Principal, scope: &ReadScope<'_>) -> ServiceResult<usize> {
    let counts = per_node(core, principal, scope, |_, viewer, state| state.call_count(viewer.tenant())).await?;
    Ok(PerNode::require_any(counts)?.iter().filter_map(|entry| entry.value.as_ref().ok()).sum())
}

/// The visible channels, oldest first (CHANNELS, `/channels`).
pub async fn channels(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
) -> ServiceResult<Gathered<LiveChannel>> {
    let now = SystemTime::now();
    let lists = per_node(core, principal, scope, |node, viewer, state| {
        state.channels_of_tenant(viewer.tenant()).map(|channel| LiveChannel::of(node, channel, now)).collect::<Vec<_>>()
    })
    .await?;
    let mut gathered = gather(lists)?;
    gathered.items.sort_by(|a, b| b.seconds.cmp(&a.seconds).then_with(|| a.channel.name.cmp(&b.channel.name)));
    Ok(gathered)
}

/// One visible channel by name (CHANNEL); another tenant's channel is `NotFound` like a missing one.
pub async fn channel(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
    name: &str,
) -> ServiceResult<LiveChannel> {
    channel_seen_by(core, &viewer(core, principal, scope.tenant).await?, scope, name).await
}

/// [`channel`] for a resolved viewer.
pub async fn channel_seen_by(
    core: &Core,
    viewer: &Viewer,
    scope: &ReadScope<'_>,
    name: &str,
) -> ServiceResult<LiveChannel> {
    let now = SystemTime::now();
    // Looked up by key on each node: no copy of every visible channel for one answer.
    let found = per_node_seen_by(core, viewer, scope, |node, viewer, state| {
        state
            .channel_by_name(name)
            .or_else(|| state.channel_by_uniqueid(name))
            .filter(|channel| viewer.sees(channel.tenant.as_deref()))
            .map(|channel| LiveChannel::of(node, channel, now))
            .into_iter()
            .collect::<Vec<_>>()
    })
    .await?;
    gather(found)?.items.into_iter().next().ok_or(ServiceError::NotFound(Missing::Channel))
}

/// The channels of one extension (GETCURRENTCALLS, hang up by extension): its device's channels,
/// named `<device>-<counter>` by Asterisk.
pub async fn extension_channels(
    core: &Core,
    viewer: &Viewer,
    tenant: &str,
    number: &str,
) -> ServiceResult<Vec<LiveChannel>> {
    let device = core.config().pbx.dialplan.device_of(tenant, number);
    let prefix = format!("{device}-");
    let now = SystemTime::now();
    let scope = ReadScope { tenant: Some(tenant), ..ReadScope::default() };
    let lists = per_node_seen_by(core, viewer, &scope, |node, viewer, state| {
        state
            .channels_of_tenant(viewer.tenant())
            .filter(|channel| channel.name.starts_with(&prefix))
            .map(|channel| LiveChannel::of(node, channel, now))
            .collect::<Vec<_>>()
    })
    .await?;
    let mut found = gather(lists)?.items;
    found.sort_by(|a, b| b.seconds.cmp(&a.seconds).then_with(|| a.channel.name.cmp(&b.channel.name)));
    Ok(found)
}

/// A peer and its node.
#[derive(Debug, Clone)]
pub struct LivePeer {
    /// The node name.
    pub node: String,
    /// The peer.
    pub peer: Peer,
}

/// Visible SIP peers (PEERS, `/peers`), by node then name.
pub async fn peers(core: &Core, principal: &Principal, scope: &ReadScope<'_>) -> ServiceResult<Gathered<LivePeer>> {
    let lists = per_node(core, principal, scope, |node, viewer, state| {
        state
            .peers()
            .filter(|peer| viewer.sees(peer.tenant.as_deref()))
            .map(|peer| LivePeer { node: node.to_string(), peer: peer.clone() })
            .collect::<Vec<_>>()
    })
    .await?;
    let mut gathered = gather(lists)?;
    gathered.items.sort_by(|a, b| a.node.cmp(&b.node).then_with(|| a.peer.endpoint.cmp(&b.peer.endpoint)));
    Ok(gathered)
}

/// Registered peers per node (COUNTPEERS): peers with at least one reachable contact.
pub async fn peer_counts(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
) -> ServiceResult<Vec<PerNode<usize>>> {
    let counts = per_node(core, principal, scope, |_, viewer, state| {
        state.peers().filter(|peer| viewer.sees(peer.tenant.as_deref()) && !peer.contacts.is_empty()).count()
    })
    .await?;
    PerNode::require_any(counts)
}

/// An extension (hint) state and the node it was read from.
#[derive(Debug, Clone)]
pub struct LiveExtensionState {
    /// The node name.
    pub node: String,
    /// The state.
    pub state: ExtensionState,
}

/// Extension (hint) states of the visible extensions (BLFS, `/blf`), by exten.
pub async fn extension_states(
    core: &Core,
    principal: &Principal,
    scope: &ReadScope<'_>,
) -> ServiceResult<Gathered<LiveExtensionState>> {
    let lists = per_node(core, principal, scope, |node, viewer, state| {
        state
            .extension_states()
            .filter(|ext| viewer.sees(ext.tenant.as_deref()))
            .map(|ext| LiveExtensionState { node: node.to_string(), state: ext.clone() })
            .collect::<Vec<_>>()
    })
    .await?;
    let mut gathered = gather(lists)?;
    // Stable sort: among equal extensions the configuration order of the nodes is kept.
    gathered
        .items
        .sort_by(|a, b| a.state.exten.cmp(&b.state.exten).then_with(|| a.state.context.cmp(&b.state.context)));
    // A hint seen on several nodes is one extension; the first node (configuration order) wins.
    gathered.items.dedup_by(|b, a| a.state.exten == b.state.exten && a.state.context == b.state.context);
    Ok(gathered)
}

/// The live device state token (`NOT_INUSE`, `INUSE`, `RINGING`, `UNAVAILABLE`, ...) of an
/// extension's device, from the first synchronised node that knows it. The caller has already been
/// allowed to read the extension; `None` when no node knows the device (or none is up).
pub fn extension_device_state(core: &Core, tenant: &str, number: &str) -> Option<String> {
    let device = core.config().pbx.dialplan.device_of(tenant, number);
    core.pbx()
        .nodes()
        .iter()
        .find_map(|node| node.read(|state| state.device_state(&device).map(str::to_string)).ok().flatten())
}
