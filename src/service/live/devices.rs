//! Stored switches mirrored into every node, so the dialplan and BLF keys see them at once:
//!
//! - DND of extension `<number>` of tenant `<T>`: AstDB `DND/<number>-<T>` = `on` (deleted when
//!   off) for the dialplan, and device state `Custom:DND<number>-<T>` = `INUSE`/`NOT_INUSE` for a
//!   BLF key.
//! - Flow `<number>` of tenant `<T>`: device state `Custom:FLOW<number>-<T>` = the flow state, and
//!   AstDB `FLOW/<number>-<T>` = the flow value.
//!
//! The database stays authoritative (the `ex_dnd` / `fl_*` columns); pushes to a node that is down
//! are logged, not retried.

use super::push_to_every_node;
use crate::pbx::ami::{Action, HeaderInjection};
use crate::service::Core;

fn set_device_state(device: &str, state: &str) -> Result<Action, HeaderInjection> {
    Action::new("Setvar").header("Variable", format!("DEVICE_STATE({device})"))?.header("Value", state)
}

fn db_put(family: &str, key: &str, value: &str) -> Result<Action, HeaderInjection> {
    Action::new("DBPut").header("Family", family)?.header("Key", key)?.header("Val", value)
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
    let key = format!("{number}-{tenant}");
    let actions = (|| {
        let db = if on {
            db_put("DND", &key, "on")?
        } else {
            Action::new("DBDel").header("Family", "DND")?.header("Key", key.as_str())?
        };
        Ok(vec![db, set_device_state(&format!("Custom:DND{key}"), if on { "INUSE" } else { "NOT_INUSE" })?])
    })();
    push_all(core, actions).await;
}

/// Mirrors a flow's state and value.
pub async fn push_flow(core: &Core, tenant: &str, number: &str, state: &str, value: &str) {
    let key = format!("{number}-{tenant}");
    let actions = (|| Ok(vec![set_device_state(&format!("Custom:FLOW{key}"), state)?, db_put("FLOW", &key, value)?]))();
    push_all(core, actions).await;
}
