//! Queue membership pushed live (QueueAdd / QueueRemove / QueuePause / QueuePenalty). The realtime
//! `queue_members` table stays the truth: every change is stored first, in its own transaction, and
//! then pushed to the nodes, so a node that is down gets it from realtime when it comes back.

use super::push_to_every_node;
use crate::pbx::ami::Action;
use crate::service::Core;

/// Asterisk's name of a queue: its id (see migration 0004).
pub(crate) fn queue_name(queue_id: i64) -> String {
    queue_id.to_string()
}

/// Tells the nodes about a member that was stored: `QueueAdd` for a new one; `QueuePause` and
/// `QueuePenalty` for a changed one (a second QueueAdd would only say "Already there").
pub async fn push_member(core: &Core, queue_id: i64, member: &crate::store::queue_members::Member, created: bool) {
    let paused = if member.paused { "true" } else { "false" };
    let actions = || -> Result<Vec<Action>, crate::pbx::ami::HeaderInjection> {
        let interface = member.interface.as_str();
        if created {
            return Ok(vec![
                Action::new("QueueAdd")
                    .header("Queue", queue_name(queue_id))?
                    .header("Interface", interface)?
                    .header("MemberName", member.username.as_str())?
                    .header("StateInterface", interface)?
                    .header("Penalty", member.penalty.to_string())?
                    .header("Paused", paused)?,
            ]);
        }
        Ok(vec![
            Action::new("QueuePause")
                .header("Queue", queue_name(queue_id))?
                .header("Interface", interface)?
                .header("Paused", paused)?,
            Action::new("QueuePenalty")
                .header("Queue", queue_name(queue_id))?
                .header("Interface", interface)?
                .header("Penalty", member.penalty.to_string())?,
        ])
    };
    match actions() {
        Ok(actions) => {
            for action in actions {
                push_to_every_node(core, &action).await;
            }
        }
        Err(err) => tracing::error!(error = %err, "stored queue member has an unusable interface"),
    }
}

/// Tells the nodes about a member that was removed.
pub async fn push_removed(core: &Core, queue_id: i64, interface: &str) {
    match Action::new("QueueRemove")
        .header("Queue", queue_name(queue_id))
        .and_then(|a| a.header("Interface", interface))
    {
        Ok(action) => push_to_every_node(core, &action).await,
        Err(err) => tracing::error!(error = %err, "stored queue member has an unusable interface"),
    }
}
