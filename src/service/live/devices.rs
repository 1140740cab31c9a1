//! Stored switches mirrored into every node, so the dialplan and BLF keys see them at once:
//!
//! - DND of extension `<number>` of tenant `<T>`: AstDB `DND/<number>-<T>` = `on` (deleted when
//!   off) for the dialplan, and device state `Custom:DND<number>-<T>` = `INUSE`/`NOT_INUSE` for a
//!   BLF key.
//! - Flow `<number>` of tenant `<T>`: device state `Custom:FLOW<number>-<T>` = the flow state, and
//!   AstDB `FLOW/<number>-<T>` = the flow value.
//!
//! The database stays authoritative (the `ex_dnd` / `fl_*` columns). A change is pushed to every
//! node at once; a node that missed changes (down, unreachable) gets the whole stored picture again
//! each time it is synchronised ([`spawn_mirror`]).

use std::collections::BTreeSet;

use tokio::sync::broadcast::error::RecvError;

use super::push_to_every_node;
use crate::pbx::ami::{Action, HeaderInjection};
use crate::pbx::state::LiveChange;
use crate::pbx::{Node, PbxError};
use crate::service::{Core, ServiceResult};
use crate::store::pbx_mirror;

fn set_device_state(device: &str, state: &str) -> Result<Action, HeaderInjection> {
    Action::new("Setvar").header("Variable", format!("DEVICE_STATE({device})"))?.header("Value", state)
}

fn db_put(family: &str, key: &str, value: &str) -> Result<Action, HeaderInjection> {
    Action::new("DBPut").header("Family", family)?.header("Key", key)?.header("Val", value)
}

/// The AstDB key of an extension or flow: `<number>-<TENANT>`.
fn key(tenant: &str, number: &str) -> String {
    format!("{number}-{tenant}")
}

fn dnd_actions(key: &str, on: bool) -> Result<Vec<Action>, HeaderInjection> {
    let db = if on {
        db_put("DND", key, "on")?
    } else {
        Action::new("DBDel").header("Family", "DND")?.header("Key", key)?
    };
    Ok(vec![db, set_device_state(&format!("Custom:DND{key}"), if on { "INUSE" } else { "NOT_INUSE" })?])
}

fn flow_actions(key: &str, state: &str, value: &str) -> Result<Vec<Action>, HeaderInjection> {
    Ok(vec![set_device_state(&format!("Custom:FLOW{key}"), state)?, db_put("FLOW", key, value)?])
}

async fn push_all(core: &Core, actions: Result<Vec<Action>, HeaderInjection>) {
    match actions {
        Ok(actions) => {
            for action in actions {
                push_to_every_node(core, &action).await;
            }
        }
        // Stored values were validated; this would be a bug, never a reason to fail the write.
        Err(err) => tracing::error!(error = %err, "cannot push a stored value to the PBX"),
    }
}

/// Mirrors an extension's DND state.
pub async fn push_dnd(core: &Core, tenant: &str, number: &str, on: bool) {
    push_all(core, dnd_actions(&key(tenant, number), on)).await;
}

/// Mirrors a flow's state and value.
pub async fn push_flow(core: &Core, tenant: &str, number: &str, state: &str, value: &str) {
    push_all(core, flow_actions(&key(tenant, number), state, value)).await;
}

/// Pushes the stored DND and flow picture to every node each time it is synchronised, and drops
/// registrations of endpoints removed meanwhile.
pub fn spawn_mirror(core: Core) {
    let mut changes = core.pbx().subscribe();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) if matches!(change.change, LiveChange::NodeSynchronised) => {
                    if let Err(err) = mirror_to(&core, &change.node).await {
                        tracing::warn!(node = %change.node, error = %err, "could not mirror DND and flows");
                    }
                    // Endpoints removed while the node was away lose their registrations now.
                    if let Ok(node) = core.pbx().node(&change.node)
                        && let Err(err) = super::endpoints::drop_unserved_on(&core, node).await
                    {
                        tracing::warn!(node = %change.node, error = %err, "could not drop contacts of removed endpoints");
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Brings one node's DND family and flow states in line with the database: keys it holds that are
/// no longer on are deleted, missing ones are put, every flow is written.
async fn mirror_to(core: &Core, node: &str) -> ServiceResult<()> {
    let node = core.pbx().node(node)?;
    let mut conn = core.db().pool().acquire().await?;
    let wanted: BTreeSet<String> =
        pbx_mirror::dnd_on(&mut conn).await?.iter().map(|(tenant, number)| key(tenant, number)).collect();
    let flows = pbx_mirror::flows(&mut conn).await?;
    drop(conn);
    let tree = Action::new("DBGetTree").header("Family", "DND")?;
    let held: BTreeSet<String> = match node.send_list(&tree).await {
        Ok(items) => items
            .iter()
            .filter(|item| item.text("Val") == "on")
            .filter_map(|item| item.text("Key").strip_prefix("/DND/").map(str::to_string))
            .collect(),
        // An empty family is "not found".
        Err(PbxError::Rejected { .. }) => BTreeSet::new(),
        Err(err) => return Err(err.into()),
    };
    let mut actions = Vec::new();
    for key in wanted.difference(&held) {
        actions.extend(dnd_actions(key, true)?);
    }
    for key in held.difference(&wanted) {
        actions.extend(dnd_actions(key, false)?);
    }
    for flow in &flows {
        actions.extend(flow_actions(&key(&flow.tenant, &flow.number), &flow.state, &flow.value)?);
    }
    send_each(node, &actions).await;
    tracing::info!(node = node.name(), dnd_on = wanted.len(), flows = flows.len(), "DND and flows mirrored");
    Ok(())
}

async fn send_each(node: &Node, actions: &[Action]) {
    for action in actions {
        if let Err(err) = node.send(action).await {
            tracing::warn!(node = node.name(), action = action.name(), error = %err, "mirror push failed");
        }
    }
}
