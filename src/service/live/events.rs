//! The live feed (`/events`, Server-Sent Events): every node's changes, filtered by the tenant rule
//! here so a door cannot forget it. A subscriber that falls behind the broadcast buffer is told to
//! re-read the state instead of silently missing changes.

use std::sync::Arc;

use tokio::sync::broadcast::{self, error::RecvError};

use super::{Viewer, selected_nodes, viewer};
use crate::auth::{Principal, Reach};
use crate::pbx::NodeChange;
use crate::service::{Core, ServiceError, ServiceResult};

/// One item of a feed.
#[derive(Debug, Clone)]
pub enum FeedItem {
    /// A change the subscriber may see.
    Change(Arc<NodeChange>),
    /// The subscriber was too slow and `missed` changes were dropped: re-read the state.
    Resync {
        /// How many changes (of every tenant) were dropped.
        missed: u64,
    },
}

/// A subscription to the changes a caller may see.
#[derive(Debug)]
pub struct LiveFeed {
    viewer: Viewer,
    changes: broadcast::Receiver<Arc<NodeChange>>,
}

impl LiveFeed {
    /// The next visible change; `None` when the PBX shuts down.
    pub async fn next(&mut self) -> Option<FeedItem> {
        loop {
            match self.changes.recv().await {
                // A node's state was reloaded: every client should re-read, whoever it is.
                Ok(change) if matches!(change.change, crate::pbx::state::LiveChange::NodeSynchronised) => {
                    return Some(FeedItem::Resync { missed: 0 });
                }
                Ok(change) if self.viewer.sees(change.change.tenant()) => return Some(FeedItem::Change(change)),
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => return Some(FeedItem::Resync { missed }),
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// Subscribes to the live changes of `tenant`, or (admin keys only, read-only ones too) of every
/// tenant when `tenant` is `None`. Without any configured node the feed would stay silent forever,
/// so that is `PbxUnavailable`.
pub async fn subscribe(core: &Core, principal: &Principal, tenant: Option<&str>) -> ServiceResult<LiveFeed> {
    if tenant.is_none() && principal.reach != Reach::Global {
        return Err(ServiceError::AdminRequired);
    }
    let viewer = viewer(core, principal, tenant).await?;
    selected_nodes(core, None)?;
    Ok(LiveFeed { viewer, changes: core.pbx().subscribe() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::pbx::state::LiveChange;

    fn device(tenant: Option<&str>) -> Arc<NodeChange> {
        Arc::new(NodeChange {
            node: Arc::from("srv01"),
            change: LiveChange::DeviceState {
                device: "PJSIP/103-DEMO".into(),
                state: "INUSE".into(),
                tenant: tenant.map(str::to_string),
            },
        })
    }

    #[tokio::test]
    async fn a_tenant_feed_skips_other_tenants_and_untenanted_changes() {
        let (tx, changes) = broadcast::channel(16);
        let mut feed = LiveFeed { viewer: Viewer::Tenant("DEMO".into()), changes };
        for tenant in [Some("ACME"), None, Some("DEMO")] {
            tx.send(device(tenant)).unwrap();
        }
        match feed.next().await {
            Some(FeedItem::Change(change)) => assert_eq!(change.change.tenant(), Some("DEMO")),
            other => panic!("expected DEMO's change, got {other:?}"),
        }
        drop(tx);
        assert!(feed.next().await.is_none(), "the feed ends with the PBX");
    }

    #[tokio::test]
    async fn a_lagging_subscriber_is_told_to_resync() {
        let (tx, changes) = broadcast::channel(2);
        let mut feed = LiveFeed { viewer: Viewer::All, changes };
        for _ in 0..5 {
            tx.send(device(Some("DEMO"))).unwrap();
        }
        assert!(matches!(feed.next().await, Some(FeedItem::Resync { missed: 3 })));
        assert!(matches!(feed.next().await, Some(FeedItem::Change(_))));
    }
}
