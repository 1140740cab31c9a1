//! Live PBX operations, for both doors: reads answer from the event-fed state of each node
//! (`crate::pbx`), actions go to the node over AMI. Authorization and tenant filtering happen here
//! and nowhere else: a tenant's caller only ever sees channels, peers and states whose derived
//! tenant (`crate::pbx::tenant`) is its own, and may act only on those — another tenant's channel
//! answers exactly like a missing one.

pub mod calls;
pub mod campaigns;
pub mod devices;
pub mod endpoints;
pub mod events;
pub mod members;
pub mod overview;
pub mod peers;
pub mod queues;
pub mod reads;
pub mod sms;

use std::sync::Arc;

use super::access::{self, Intent};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::pbx::Node;

/// Whose live objects a caller sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// An admin without `tenant`: everything on every node.
    All,
    /// One tenant (its code).
    Tenant(String),
}

impl Viewer {
    /// The tenant code to filter on; `None` = no filter.
    pub fn tenant(&self) -> Option<&str> {
        match self {
            Viewer::All => None,
            Viewer::Tenant(code) => Some(code),
        }
    }

    /// Whether an object of `tenant` (derived by the tenant rule) is visible.
    pub fn sees(&self, tenant: Option<&str>) -> bool {
        match self {
            Viewer::All => true,
            Viewer::Tenant(code) => tenant == Some(code.as_str()),
        }
    }
}

/// Resolves who is reading: a tenant the caller reaches, or (admin keys only) everyone.
pub async fn viewer(core: &Core, principal: &Principal, tenant: Option<&str>) -> ServiceResult<Viewer> {
    match tenant {
        Some(code) => Ok(Viewer::Tenant(access::tenant_scope(core, principal, code, Intent::Read).await?.code)),
        None => {
            if principal.reach == crate::auth::Reach::Global {
                Ok(Viewer::All)
            } else {
                Err(ServiceError::TenantNotFound)
            }
        }
    }
}

/// The nodes a call is about: the one named, or all. No node configured is "unavailable", not an
/// empty answer, so a deployment without PBX never reports "0 channels".
pub fn selected_nodes<'a>(core: &'a Core, node: Option<&str>) -> ServiceResult<Vec<&'a Arc<Node>>> {
    let pbx = core.pbx();
    if pbx.nodes().is_empty() {
        return Err(ServiceError::PbxUnavailable("no PBX node is configured (PBXGW_AMI_NODES)".into()));
    }
    match node {
        Some(name) => Ok(vec![pbx.node(name)?]),
        None => Ok(pbx.nodes().iter().collect()),
    }
}

/// The node an action goes to: the one named, else the first whose state is current.
pub fn action_node<'a>(core: &'a Core, node: Option<&str>) -> ServiceResult<&'a Arc<Node>> {
    let nodes = selected_nodes(core, node)?;
    let mut last_error = None;
    for node in &nodes {
        match node.read(|_| ()) {
            Ok(()) => return Ok(node),
            Err(err) => last_error = Some(err),
        }
    }
    Err(last_error.map(ServiceError::from).unwrap_or_else(|| ServiceError::PbxUnavailable("no PBX node".into())))
}

/// A value per node; a node that is down carries its error instead of failing the whole answer.
#[derive(Debug)]
pub struct PerNode<T> {
    /// The node name.
    pub node: String,
    /// Its value, or why it has none.
    pub value: Result<T, ServiceError>,
}

impl<T> PerNode<T> {
    /// Fails when no node answered; a partial answer is still an answer.
    pub fn require_any(per_node: Vec<PerNode<T>>) -> ServiceResult<Vec<PerNode<T>>> {
        if per_node.iter().any(|entry| entry.value.is_ok()) {
            return Ok(per_node);
        }
        let reasons: Vec<String> =
            per_node.iter().filter_map(|entry| entry.value.as_ref().err().map(|err| err.to_string())).collect();
        Err(ServiceError::PbxUnavailable(reasons.join("; ")))
    }
}

/// Sends `action` to every configured node (in parallel) and returns each node's outcome. For
/// changes the database already holds (membership, DND, flows): a node that is down reads the
/// stored state when it comes back, so callers log failures rather than fail.
pub async fn on_every_node(core: &Core, action: &crate::pbx::ami::Action) -> Vec<PerNode<crate::pbx::ami::Message>> {
    let sends = core.pbx().nodes().iter().map(|node| async move {
        PerNode { node: node.name().to_string(), value: node.send(action).await.map_err(ServiceError::from) }
    });
    futures_util::future::join_all(sends).await
}

/// Pushes a stored change to every node, logging (not returning) per-node failures.
pub async fn push_to_every_node(core: &Core, action: &crate::pbx::ami::Action) {
    for outcome in on_every_node(core, action).await {
        if let Err(err) = outcome.value {
            tracing::warn!(node = %outcome.node, action = action.name(), error = %err, "live push failed; the node keeps the stored state until it reloads");
        }
    }
}
