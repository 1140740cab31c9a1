//! Queue actions (18, 19, 50).

use super::{find_member, list_complete, list_start, member_status, now_secs};
use crate::server::Shared;
use crate::state::QueueMember;
use crate::wire::{Message, Out};

fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "on"))
}

/// `Queue:<q>_pause_<iface>` DeviceStateChange mirroring the pause flag (18).
fn pause_dsc(m: &QueueMember) -> String {
    Out::event("DeviceStateChange")
        .h("Privilege", "call,all")
        .h("Device", m.pause_device())
        .h("State", if m.paused { "INUSE" } else { "NOT_INUSE" })
        .end()
}

/// QueueStatus (18): QueueParams + QueueMember per queue, ActionID last;
/// an unknown queue gives an empty list (fact 18).
pub(super) fn status(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let st = shared.state();
    let wanted = msg.get_nonempty("Queue");
    let mut out = list_start(aid, "Queue status will follow");
    let mut n = 0;
    for q in st.queues.iter().filter(|q| wanted.is_none_or(|w| w == *q)) {
        n += 1;
        out.push_str(
            &Out::event("QueueParams")
                .h("Queue", q)
                .h("Max", 0)
                .h("Strategy", "ringall")
                .h("Calls", 0)
                .h("Holdtime", 0)
                .h("TalkTime", 0)
                .h("Completed", 0)
                .h("Abandoned", 0)
                .h("ServiceLevel", 0)
                .h("ServicelevelPerf", "0.0")
                .h("ServicelevelPerf2", "0.0")
                .h("Weight", 0)
                .opt("ActionID", aid)
                .end(),
        );
        // 18: the newest member is listed first.
        for m in st.members.iter().rev().filter(|m| &m.queue == q) {
            n += 1;
            out.push_str(&m.list_item(aid));
        }
    }
    out.push_str(&list_complete("QueueStatusComplete", aid, n).end());
    out
}

/// QueueSummary (18).
pub(super) fn summary(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let st = shared.state();
    let wanted = msg.get_nonempty("Queue");
    let mut out = list_start(aid, "Queue summary will follow");
    let mut n = 0;
    for q in st.queues.iter().filter(|q| wanted.is_none_or(|w| w == *q)) {
        n += 1;
        let members: Vec<&QueueMember> = st.members.iter().filter(|m| &m.queue == q).collect();
        let available = members.iter().filter(|m| !m.paused && matches!(m.status, 0 | 1)).count();
        out.push_str(
            &Out::event("QueueSummary")
                .h("Queue", q)
                .h("LoggedIn", members.len())
                .h("Available", available)
                .h("Callers", 0)
                .h("HoldTime", 0)
                .h("TalkTime", 0)
                .h("LongestHoldTime", 0)
                .opt("ActionID", aid)
                .end(),
        );
    }
    out.push_str(&list_complete("QueueSummaryComplete", aid, n).end());
    out
}

/// QueueAdd (18, 50): QueueMemberAdded (+ pause DeviceStateChange when paused).
pub(super) fn add(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let (Some(queue), Some(iface)) = (msg.get_nonempty("Queue"), msg.get_nonempty("Interface")) else {
        return Out::error(aid, "'Queue' and 'Interface' not set.").end();
    };
    let mut st = shared.state();
    if !st.queues.iter().any(|q| q == queue) {
        return Out::error(aid, "Unable to add interface to queue: No such queue").end();
    }
    if find_member(&mut st, queue, iface).is_some() {
        return Out::error(aid, "Unable to add interface: Already there").end();
    }
    let paused = truthy(msg.get("Paused"));
    let now = now_secs();
    let state_interface = msg.get_nonempty("StateInterface").unwrap_or(iface);
    let m = QueueMember {
        queue: queue.to_string(),
        interface: iface.to_string(),
        name: msg.get_nonempty("MemberName").unwrap_or(iface).to_string(),
        state_interface: state_interface.to_string(),
        paused,
        paused_reason: if paused { msg.get("Reason").unwrap_or("").to_string() } else { String::new() },
        penalty: msg.get("Penalty").and_then(|p| p.trim().parse().ok()).unwrap_or(0),
        status: member_status(&st, state_interface),
        membership: "dynamic".into(),
        last_pause: if paused { now } else { 0 },
        login_time: now,
    };
    shared.emit(m.event("QueueMemberAdded").end());
    if paused {
        shared.emit(pause_dsc(&m));
    }
    st.members.push(m);
    Out::success(aid, "Added interface to queue").end()
}

/// QueueRemove (18).
pub(super) fn remove(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let (Some(queue), Some(iface)) = (msg.get_nonempty("Queue"), msg.get_nonempty("Interface")) else {
        return Out::error(aid, "Need 'Queue' and 'Interface' parameters.").end();
    };
    let mut st = shared.state();
    if !st.queues.iter().any(|q| q == queue) {
        return Out::error(aid, "Unable to remove interface from queue: No such queue").end();
    }
    let Some(i) = st.members.iter().position(|m| m.queue == queue && m.interface == iface) else {
        return Out::error(aid, "Unable to remove interface: Not there").end();
    };
    let m = st.members.remove(i);
    shared.emit(m.event("QueueMemberRemoved").end());
    if m.paused {
        let mut unpaused = m.clone();
        unpaused.paused = false;
        shared.emit(pause_dsc(&unpaused));
    }
    Out::success(aid, "Removed interface from queue").end()
}

/// QueuePause (18): without `Queue` it applies to every queue the
/// interface is in; unknown member → `Interface not found`.
pub(super) fn pause(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(iface) = msg.get_nonempty("Interface") else {
        return Out::error(aid, "Need 'Interface' parameter.").end();
    };
    let Some(paused_raw) = msg.get_nonempty("Paused") else {
        return Out::error(aid, "Need 'Paused' parameter.").end();
    };
    let paused = truthy(Some(paused_raw));
    let queue = msg.get_nonempty("Queue");
    let reason = msg.get("Reason").unwrap_or("");
    let now = now_secs();
    let mut st = shared.state();
    let mut found = false;
    for m in st.members.iter_mut().filter(|m| m.interface == iface && queue.is_none_or(|q| q == m.queue)) {
        found = true;
        m.paused = paused;
        m.paused_reason = if paused { reason.to_string() } else { String::new() };
        if paused {
            m.last_pause = now;
        }
        shared.emit(m.event("QueueMemberPause").end());
        shared.emit(pause_dsc(m));
    }
    if !found {
        return Out::error(aid, "Interface not found").end();
    }
    let text = if paused { "Interface paused successfully" } else { "Interface unpaused successfully" };
    Out::success(aid, text).end()
}

/// QueueReset (18): Success even for an unknown queue.
pub(super) fn reset(aid: Option<&str>) -> String {
    Out::success(aid, "Queue stats reset successfully").end()
}
