//! `/v1/nodes` (admin): the configured PBX nodes, their AMI sessions and the size of their live state.

use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::live::overview::{self, NodeReport};

/// One PBX node as the gateway sees it.
#[derive(Debug, Object)]
pub struct NodeView {
    /// Node name from the configuration (`PBXGW_AMI_NODES`), e.g. `srv01`.
    pub name: String,
    /// The AMI session is logged in.
    pub connected: bool,
    /// The live state is synchronised: connected and the initial lists read. Live reads of an
    /// unsynchronised node list it in `unavailable_nodes`.
    pub synced: bool,
    /// When the current connected or disconnected period began.
    pub since: DateTime<Utc>,
    /// How often the session had to reconnect since the gateway started.
    pub reconnects: u64,
    /// The last connection or login failure, if any.
    pub last_error: Option<String>,
    /// The AMI banner, e.g. `Asterisk Call Manager/13.0.0`; absent before the first connection.
    pub banner: Option<String>,
    /// Live channels on the node (every tenant); absent while not synchronised.
    pub channel_count: Option<u64>,
    /// PJSIP endpoints known to the node; absent while not synchronised.
    pub peer_count: Option<u64>,
}

impl From<NodeReport> for NodeView {
    fn from(r: NodeReport) -> Self {
        NodeView {
            name: r.name,
            connected: r.connected,
            synced: r.synced,
            since: DateTime::<Utc>::from(r.since),
            reconnects: r.reconnects,
            last_error: r.last_error,
            banner: r.banner,
            channel_count: r.channel_count.map(|n| n as u64),
            peer_count: r.peer_count.map(|n| n as u64),
        }
    }
}

/// The configured nodes.
#[derive(Debug, Object)]
pub struct NodeList {
    /// Nodes in configuration order; empty when no PBX is configured.
    pub items: Vec<NodeView>,
}

/// PBX node health.
#[derive(Debug)]
pub struct NodesApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Live")]
impl NodesApi {
    /// Every configured PBX node: session health and live-state size. A node that is down is
    /// listed with `connected: false` and its last error; this call itself still answers 200.
    /// Admin keys only.
    #[oai(path = "/v1/nodes", method = "get", operation_id = "list_nodes")]
    async fn list(&self, auth: Auth) -> ApiResult<Json<NodeList>> {
        let principal = auth.principal(&self.core).await?;
        let nodes = overview::nodes(&self.core, &principal)?;
        Ok(Json(NodeList { items: nodes.into_iter().map(NodeView::from).collect() }))
    }
}
