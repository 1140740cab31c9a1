//! Operator views over the live state: calls (channels grouped by linked id), every tenant's
//! channels (admin), and the health of each node (admin).

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::reads::{self, Gathered, LiveChannel, ReadScope};
use crate::auth::{Principal, Reach};
use crate::service::{Core, ServiceError, ServiceResult};

/// Reading every tenant at once needs an admin key (read-only admin keys may read).
fn require_global(principal: &Principal) -> ServiceResult<()> {
    if principal.reach == Reach::Global { Ok(()) } else { Err(ServiceError::AdminRequired) }
}

/// One call: the channels of one node that share a linked id.
#[derive(Debug, Clone)]
pub struct LiveCall {
    /// The linked id (the uniqueid of the call's first channel).
    pub id: String,
    /// The node.
    pub node: String,
    /// When its oldest channel appeared.
    pub started_at: SystemTime,
    /// Seconds since then.
    pub seconds: u64,
    /// Its channels, oldest first.
    pub channels: Vec<LiveChannel>,
}

/// The visible calls, oldest first. A linked id is only unique on its node, so calls are keyed
/// by node and linked id.
pub async fn calls(core: &Core, principal: &Principal, scope: &ReadScope<'_>) -> ServiceResult<Gathered<LiveCall>> {
    let channels = reads::channels(core, principal, scope).await?;
    let mut grouped: BTreeMap<(String, String), Vec<LiveChannel>> = BTreeMap::new();
    // `channels` is oldest first, so each group is too.
    for live in channels.items {
        grouped.entry((live.node.clone(), live.channel.linkedid.clone())).or_default().push(live);
    }
    let mut calls: Vec<LiveCall> = grouped
        .into_iter()
        .filter_map(|((node, id), channels)| {
            let first = channels.first()?;
            let (started_at, seconds) = (first.channel.started_at, first.seconds);
            Some(LiveCall { id, node, started_at, seconds, channels })
        })
        .collect();
    calls.sort_by(|a, b| b.seconds.cmp(&a.seconds).then_with(|| a.id.cmp(&b.id)));
    Ok(Gathered { items: calls, unavailable: channels.unavailable })
}

/// Every tenant's channels (and channels of no tenant), admin only.
pub async fn all_channels(
    core: &Core,
    principal: &Principal,
    node: Option<&str>,
    fresh: bool,
) -> ServiceResult<Gathered<LiveChannel>> {
    require_global(principal)?;
    reads::channels(core, principal, &ReadScope { tenant: None, node, fresh }).await
}

/// Health and size of one configured node.
#[derive(Debug, Clone)]
pub struct NodeReport {
    /// Node name.
    pub name: String,
    /// Logged in now.
    pub connected: bool,
    /// Live state synchronised (connected and initial lists read).
    pub synced: bool,
    /// When the current up or down period began.
    pub since: SystemTime,
    /// How often the session had to reconnect.
    pub reconnects: u64,
    /// Last connection or login failure.
    pub last_error: Option<String>,
    /// The AMI banner, e.g. `Asterisk Call Manager/13.0.0`.
    pub banner: Option<String>,
    /// Live channels; `None` while the state is not synchronised.
    pub channel_count: Option<usize>,
    /// Known PJSIP endpoints; `None` while the state is not synchronised.
    pub peer_count: Option<usize>,
}

/// Every configured node, in configuration order, admin only. A down node is a report, not an
/// error; no node configured is an empty list.
pub fn nodes(core: &Core, principal: &Principal) -> ServiceResult<Vec<NodeReport>> {
    require_global(principal)?;
    Ok(core
        .pbx()
        .nodes()
        .iter()
        .map(|node| {
            let status = node.status();
            let counts = node.read(|state| (state.channel_count(None), state.peers().count())).ok();
            NodeReport {
                name: status.name,
                connected: status.health.connected,
                synced: status.synced,
                since: status.health.since,
                reconnects: status.health.reconnects,
                last_error: status.health.last_error,
                banner: status.health.banner,
                channel_count: counts.map(|(channels, _)| channels),
                peer_count: counts.map(|(_, peers)| peers),
            }
        })
        .collect())
}
