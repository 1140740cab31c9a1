//! Live reads and peer actions: `/v1/tenants/{code}/channels`, admin `/v1/channels`,
//! `/v1/tenants/{code}/peers` (+ `reboot`, `unregister`) and `/v1/tenants/{code}/blf`. Answered from
//! each node's event-fed state; nodes that are down are listed in `unavailable_nodes` instead of
//! failing the whole answer (unless the request names that node: 503 `pbx_unavailable`).

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::problem::ApiResult;
use super::security::Auth;
use crate::pbx::state::{Contact, ExtensionState};
use crate::service::Core;
use crate::service::live::reads::{self, LiveChannel, LiveExtensionState, LivePeer, ReadScope};
use crate::service::live::{overview, peers};

/// A live channel (one leg of a call) and the node it lives on.
#[derive(Debug, Object)]
pub struct ChannelView {
    /// Channel name, e.g. `PJSIP/103-DEMO-00000001`; URL-encode it in paths (`PJSIP%2F103-DEMO-00000001`).
    pub name: String,
    /// Asterisk's unique id of the channel (stable across renames).
    pub uniqueid: String,
    /// Unique id of the call's first channel: the call id.
    pub linkedid: String,
    /// Channel state: `Down`, `Ring`, `Ringing`, `Up`, `Busy`, ...
    pub state: String,
    /// Caller id number (`<unknown>` when Asterisk does not know it).
    pub caller_id_num: String,
    /// Caller id name.
    pub caller_id_name: String,
    /// Number of the party on the other end.
    pub connected_line_num: String,
    /// Name of the party on the other end.
    pub connected_line_name: String,
    /// Account code the channel carries.
    pub account_code: String,
    /// Dialplan context.
    pub context: String,
    /// Dialplan extension.
    pub exten: String,
    /// Running dialplan application, e.g. `Dial`.
    pub application: String,
    /// Its arguments.
    pub application_data: String,
    /// Bridge id while bridged to another channel.
    pub bridge_id: Option<String>,
    /// When the channel appeared.
    pub started_at: DateTime<Utc>,
    /// Seconds since then.
    pub duration_seconds: u64,
    /// The PBX node.
    pub node: String,
    /// Owning tenant code; absent for channels of no tenant (admin views only).
    pub tenant: Option<String>,
}

impl From<LiveChannel> for ChannelView {
    fn from(live: LiveChannel) -> Self {
        let c = live.channel;
        ChannelView {
            started_at: DateTime::<Utc>::from(c.started_at),
            duration_seconds: live.seconds,
            node: live.node,
            name: c.name,
            uniqueid: c.uniqueid,
            linkedid: c.linkedid,
            state: c.state,
            caller_id_num: c.caller_id_num,
            caller_id_name: c.caller_id_name,
            connected_line_num: c.connected_line_num,
            connected_line_name: c.connected_line_name,
            account_code: c.account_code,
            context: c.context,
            exten: c.exten,
            application: c.application,
            application_data: c.application_data,
            bridge_id: c.bridge_id,
            tenant: c.tenant,
        }
    }
}

/// Live channels. Not paged: it is a snapshot of what is up now.
#[derive(Debug, Object)]
pub struct ChannelList {
    /// Channels, longest-running first.
    pub items: Vec<ChannelView>,
    /// Nodes that are down or synchronising: their channels are missing from `items`.
    pub unavailable_nodes: Vec<String>,
}

/// A registered location (contact) of a peer.
#[derive(Debug, Object)]
pub struct PeerContact {
    /// Contact URI, e.g. `sip:103-DEMO@192.0.2.10:5060`.
    pub uri: String,
    /// `Reachable`, `Unreachable`, `Unknown` or `NonQualified`.
    pub status: String,
    /// Qualify round trip in microseconds; absent unless `Reachable`.
    pub roundtrip_usec: Option<u64>,
    /// The phone's User-Agent; empty when not known yet.
    pub user_agent: String,
}

impl From<Contact> for PeerContact {
    fn from(c: Contact) -> Self {
        PeerContact { uri: c.uri, status: c.status, roundtrip_usec: c.roundtrip_usec, user_agent: c.user_agent }
    }
}

/// A PJSIP endpoint (a phone of an extension) as one node sees it.
#[derive(Debug, Object)]
pub struct PeerView {
    /// Endpoint name: `<number>-<TENANT>`, e.g. `103-DEMO`.
    pub name: String,
    /// The PBX node.
    pub node: String,
    /// `Reachable`, `Unreachable`, or `Unknown` before anything was learnt.
    pub status: String,
    /// Device state as Asterisk shows it: `Not in use`, `In use`, `Ringing`, `Unavailable`, ...
    pub device_state: String,
    /// Whether at least one contact is registered.
    pub registered: bool,
    /// Registered contacts.
    pub contacts: Vec<PeerContact>,
}

impl From<LivePeer> for PeerView {
    fn from(live: LivePeer) -> Self {
        let p = live.peer;
        PeerView {
            name: p.endpoint,
            node: live.node,
            status: p.status,
            device_state: p.device_state,
            registered: !p.contacts.is_empty(),
            contacts: p.contacts.into_iter().map(PeerContact::from).collect(),
        }
    }
}

/// Peers of a tenant.
#[derive(Debug, Object)]
pub struct PeerList {
    /// Peers, by node then name.
    pub items: Vec<PeerView>,
    /// Nodes that are down or synchronising: their peers are missing from `items`.
    pub unavailable_nodes: Vec<String>,
}

/// The hint (BLF) state of one extension.
#[derive(Debug, Object)]
pub struct BlfView {
    /// Extension number.
    pub exten: String,
    /// Dialplan context (the tenant's).
    pub context: String,
    /// Devices the hint watches, e.g. `PJSIP/103-DEMO`.
    pub hint: String,
    /// Asterisk's numeric state: -1 unknown, 0 idle, 1 in use, 2 busy, 4 unavailable, 8 ringing, 16 on hold.
    pub status: i32,
    /// The state as text: `Idle`, `InUse`, `Busy`, `Unavailable`, `Ringing`, `OnHold`, ...
    pub status_text: String,
    /// The PBX node it was read from (the first node, in configuration order, that has the hint).
    pub node: String,
}

impl From<LiveExtensionState> for BlfView {
    fn from(live: LiveExtensionState) -> Self {
        let ExtensionState { exten, context, hint, status, status_text, .. } = live.state;
        BlfView { exten, context, hint, status, status_text, node: live.node }
    }
}

/// Extension states of a tenant.
#[derive(Debug, Object)]
pub struct BlfList {
    /// States, by extension.
    pub items: Vec<BlfView>,
    /// Nodes that are down or synchronising: their states are missing from `items`.
    pub unavailable_nodes: Vec<String>,
}

/// What a peer action did.
#[derive(Debug, Object)]
pub struct PeerActionResult {
    /// How many peers (per node) the PBX was asked to act on.
    pub sent: u64,
}

/// 202: the PBX accepted the request; the phone acts on it later (or not: its answer never reaches AMI).
#[derive(ApiResponse)]
pub enum PeerActionAccepted {
    /// Sent to the PBX.
    #[oai(status = 202)]
    Accepted(Json<PeerActionResult>),
}

/// Live channels, peers and extension states.
#[derive(Debug)]
pub struct LiveApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Live")]
impl LiveApi {
    /// The tenant's live channels. With `fresh=true` the nodes are asked again first instead of
    /// answering from the event-fed state.
    #[oai(path = "/v1/tenants/:code/channels", method = "get", operation_id = "list_channels")]
    async fn channels(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Only this PBX node; 503 `pbx_unavailable` when it is down, 422 when unknown.
        node: Query<Option<String>>,
        /// Re-read the channel list from the PBX first (slower).
        fresh: Query<Option<bool>>,
    ) -> ApiResult<Json<ChannelList>> {
        let principal = auth.principal(&self.core).await?;
        let scope = ReadScope { tenant: Some(&code), node: node.0.as_deref(), fresh: fresh.0.unwrap_or(false) };
        let found = reads::channels(&self.core, &principal, &scope).await?;
        Ok(Json(ChannelList {
            items: found.items.into_iter().map(ChannelView::from).collect(),
            unavailable_nodes: found.unavailable,
        }))
    }

    /// Every tenant's live channels, and channels of no tenant (trunks, ...). Admin keys only.
    #[oai(path = "/v1/channels", method = "get", operation_id = "list_all_channels")]
    async fn all_channels(
        &self,
        auth: Auth,
        /// Only this PBX node; 503 `pbx_unavailable` when it is down, 422 when unknown.
        node: Query<Option<String>>,
        /// Re-read the channel list from the PBX first (slower).
        fresh: Query<Option<bool>>,
    ) -> ApiResult<Json<ChannelList>> {
        let principal = auth.principal(&self.core).await?;
        let found = overview::all_channels(&self.core, &principal, node.0.as_deref(), fresh.0.unwrap_or(false)).await?;
        Ok(Json(ChannelList {
            items: found.items.into_iter().map(ChannelView::from).collect(),
            unavailable_nodes: found.unavailable,
        }))
    }

    /// The tenant's PJSIP endpoints with their contacts, per node.
    #[oai(path = "/v1/tenants/:code/peers", method = "get", operation_id = "list_peers")]
    async fn peers(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Only this PBX node.
        node: Query<Option<String>>,
    ) -> ApiResult<Json<PeerList>> {
        let principal = auth.principal(&self.core).await?;
        let scope = ReadScope { tenant: Some(&code), node: node.0.as_deref(), fresh: false };
        let found = reads::peers(&self.core, &principal, &scope).await?;
        Ok(Json(PeerList {
            items: found.items.into_iter().map(PeerView::from).collect(),
            unavailable_nodes: found.unavailable,
        }))
    }

    /// Ask a phone to reboot (re-read its configuration): a SIP NOTIFY `Event: check-sync`.
    /// `name` is a peer of the tenant (`<number>-<TENANT>`) or `ALL` (every registered peer).
    /// Fire and forget: the PBX does not learn whether the phone obeyed.
    #[oai(path = "/v1/tenants/:code/peers/:name/reboot", method = "post", operation_id = "reboot_peer")]
    async fn reboot(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Peer name, e.g. `103-DEMO`, or `ALL`.
        name: Path<String>,
    ) -> ApiResult<PeerActionAccepted> {
        let principal = auth.principal(&self.core).await?;
        let sent = peers::reboot(&self.core, &principal, &code, &name).await?;
        Ok(PeerActionAccepted::Accepted(Json(PeerActionResult { sent: sent as u64 })))
    }

    /// Unregister a phone. Always refused with 409 `pbx_rejected` for an existing peer (404 for
    /// an unknown one): Asterisk has no AMI action that removes a phone's registration —
    /// `PJSIPUnregister` only stops the PBX's own outbound (trunk) registrations — so the contact
    /// goes only when the phone unregisters or its registration expires. Reboot the phone instead.
    #[oai(path = "/v1/tenants/:code/peers/:name/unregister", method = "post", operation_id = "unregister_peer")]
    async fn unregister(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Peer name, e.g. `103-DEMO`, or `ALL`.
        name: Path<String>,
    ) -> ApiResult<PeerActionAccepted> {
        let principal = auth.principal(&self.core).await?;
        let sent = peers::unregister(&self.core, &principal, &code, &name).await?;
        Ok(PeerActionAccepted::Accepted(Json(PeerActionResult { sent: sent as u64 })))
    }

    /// The hint (BLF) states of the tenant's extensions.
    #[oai(path = "/v1/tenants/:code/blf", method = "get", operation_id = "list_blf")]
    async fn blf(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Only this PBX node.
        node: Query<Option<String>>,
    ) -> ApiResult<Json<BlfList>> {
        let principal = auth.principal(&self.core).await?;
        let scope = ReadScope { tenant: Some(&code), node: node.0.as_deref(), fresh: false };
        let found = reads::extension_states(&self.core, &principal, &scope).await?;
        Ok(Json(BlfList {
            items: found.items.into_iter().map(BlfView::from).collect(),
            unavailable_nodes: found.unavailable,
        }))
    }
}
