//! Ping, Events, Core*, Command, AstDB, device/extension state, variables.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{Conn, list_complete, list_start};
use crate::server::Shared;
use crate::state::Hint;
use crate::wire::{Message, Out};

/// `core show version` output of the captured build (26).
pub const VERSION_LINE: &str =
    "Asterisk GIT-master-f0c1c1a7b7 built by root @ vm on a x86_64 running Linux on 2026-11-27 13:16:01 UTC";

/// Ping (08): `Ping: Pong` + `Timestamp: <secs.micros>`.
pub(super) fn ping(aid: Option<&str>) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Out::response("Success", aid)
        .h("Ping", "Pong")
        .h("Timestamp", format!("{}.{:06}", now.as_secs(), now.subsec_micros()))
        .end()
}

/// Events (07): `EventMask: off` turns events off, anything else on.
pub(super) fn events(conn: &mut Conn, msg: &Message, aid: Option<&str>) -> String {
    let off = msg.get("EventMask").is_some_and(|m| m.eq_ignore_ascii_case("off"));
    conn.events_on = !off;
    Out::response("Success", aid).h("Events", if off { "Off" } else { "On" }).end()
}

/// CoreStatus (29).
pub(super) fn core_status(shared: &Shared, aid: Option<&str>) -> String {
    let calls = shared.state().channels.len();
    Out::response("Success", aid)
        .h("CoreStartupDate", "2026-11-27")
        .h("CoreStartupTime", "13:27:13")
        .h("CoreReloadDate", "2026-11-27")
        .h("CoreReloadTime", "13:27:13")
        .h("CoreCurrentCalls", calls)
        .h("CoreProcessedCalls", calls)
        .end()
}

/// CoreSettings (29).
pub(super) fn core_settings(aid: Option<&str>) -> String {
    Out::response("Success", aid)
        .h("AMIversion", "13.0.0")
        .h("AsteriskVersion", "GIT-master-f0c1c1a7b7")
        .h("SystemName", "")
        .h("CoreMaxCalls", 0)
        .h("CoreMaxLoadAvg", "0.000000")
        .h("CoreRunUser", "")
        .h("CoreRunGroup", "")
        .h("CoreMaxFilehandles", 0)
        .h("CoreRealTimeEnabled", "No")
        .h("CoreCDRenabled", "Yes")
        .h("CoreHTTPenabled", "No")
        .h("SoundsSearchCustomDir", "No")
        .end()
}

/// Command (26, fact 9): newer format, one `Output:` per line; only
/// `core show version` is known, anything else is "No such command".
pub(super) fn command(msg: &Message, aid: Option<&str>) -> String {
    let Some(cmd) = msg.get_nonempty("Command") else {
        return Out::error(aid, "No command provided").end();
    };
    if cmd.trim() == "core show version" {
        return Out::success(aid, "Command output follows").h("Output", VERSION_LINE).end();
    }
    let words: Vec<&str> = cmd.split_whitespace().take(3).collect();
    Out::error(aid, "Command output follows")
        .h(
            "Output",
            format!("No such command '{cmd}' (type 'core show help {}' for other possible commands)", words.join(" ")),
        )
        .end()
}

/// DBPut (21).
pub(super) fn db_put(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(family) = msg.get_nonempty("Family") else {
        return Out::error(aid, "No family specified").end();
    };
    let Some(key) = msg.get_nonempty("Key") else {
        return Out::error(aid, "No key specified").end();
    };
    let val = msg.get("Val").unwrap_or("");
    shared.state().db.entry(family.to_string()).or_default().insert(key.to_string(), val.to_string());
    Out::success(aid, "Updated database successfully").end()
}

/// DBGet (21): a list of one DBGetResponse (ActionID last, fact 7).
pub(super) fn db_get(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(family) = msg.get_nonempty("Family") else {
        return Out::error(aid, "No family specified.").end();
    };
    let Some(key) = msg.get_nonempty("Key") else {
        return Out::error(aid, "No key specified.").end();
    };
    let st = shared.state();
    let Some(val) = st.db.get(family).and_then(|f| f.get(key)) else {
        return Out::error(aid, "Database entry not found").end();
    };
    let mut out = list_start(aid, "Result will follow");
    out.push_str(
        &Out::event("DBGetResponse").h("Family", family).h("Key", key).h("Val", val).opt("ActionID", aid).end(),
    );
    out.push_str(&list_complete("DBGetComplete", aid, 1).end());
    out
}

/// DBGetTree (21): keys as full paths `/family/key` (fact 19).
pub(super) fn db_get_tree(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let family = msg.get("Family").unwrap_or("");
    let st = shared.state();
    let mut out = list_start(aid, "Result will follow");
    let mut n = 0;
    for (fam, keys) in st.db.iter().filter(|(f, _)| family.is_empty() || *f == family) {
        for (k, v) in keys {
            n += 1;
            out.push_str(
                &Out::event("DBGetTreeResponse").h("Key", format!("/{fam}/{k}")).h("Val", v).opt("ActionID", aid).end(),
            );
        }
    }
    out.push_str(&list_complete("DBGetTreeComplete", aid, n).end());
    out
}

/// DBDel (21).
pub(super) fn db_del(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let (Some(family), Some(key)) = (msg.get_nonempty("Family"), msg.get_nonempty("Key")) else {
        return Out::error(aid, "No family specified.").end();
    };
    let mut st = shared.state();
    let removed = st.db.get_mut(family).and_then(|f| f.remove(key)).is_some();
    if st.db.get(family).is_some_and(|f| f.is_empty()) {
        st.db.remove(family);
    }
    if removed {
        Out::success(aid, "Key deleted successfully").end()
    } else {
        Out::error(aid, "Database entry could not be deleted").end()
    }
}

/// DBDelTree (21): a missing family is `Database entry not found`.
pub(super) fn db_del_tree(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(family) = msg.get_nonempty("Family") else {
        return Out::error(aid, "No family specified.").end();
    };
    let mut st = shared.state();
    let removed = match msg.get_nonempty("Key") {
        Some(prefix) => st.db.get_mut(family).is_some_and(|f| {
            let before = f.len();
            f.retain(|k, _| !(k == prefix || k.starts_with(&format!("{prefix}/"))));
            f.len() != before
        }),
        None => st.db.remove(family).is_some_and(|f| !f.is_empty()),
    };
    if removed {
        Out::success(aid, "Key tree deleted successfully").end()
    } else {
        Out::error(aid, "Database entry not found").end()
    }
}

/// DeviceStateList (24): DeviceStateChange items with ActionID second.
pub(super) fn device_state_list(shared: &Shared, aid: Option<&str>) -> String {
    let st = shared.state();
    let mut out = list_start(aid, "Device State Changes will follow");
    for (dev, state) in &st.devices {
        out.push_str(&Out::event("DeviceStateChange").opt("ActionID", aid).h("Device", dev).h("State", state).end());
    }
    out.push_str(&list_complete("DeviceStateListComplete", aid, st.devices.len()).end());
    out
}

/// ExtensionStateList (23).
pub(super) fn extension_state_list(shared: &Shared, aid: Option<&str>) -> String {
    let st = shared.state();
    let mut out = list_start(aid, "Extension Statuses will follow");
    for h in &st.hints {
        out.push_str(&h.items(Out::event("ExtensionStatus").opt("ActionID", aid)).end());
    }
    out.push_str(&list_complete("ExtensionStateListComplete", aid, st.hints.len()).end());
    out
}

/// ExtensionState (22): unknown extension or context gives `Hint: `,
/// `Status: -1`, `StatusText: Unknown` with Success (fact 21).
pub(super) fn extension_state(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let exten = msg.get("Exten").unwrap_or("");
    let context = msg.get_nonempty("Context").unwrap_or("default");
    let st = shared.state();
    let hint = st.hints.iter().find(|h| h.exten == exten && h.context == context).cloned().unwrap_or_else(|| Hint {
        exten: exten.to_string(),
        context: context.to_string(),
        hint: String::new(),
        status: -1,
    });
    hint.items(Out::success(aid, "Extension Status")).end()
}

/// Setvar (22, 30): global or channel variable; `DEVICE_STATE(dev)` sets a
/// device state and broadcasts DeviceStateChange (+ ExtensionStatus).
pub(super) fn setvar(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(var) = msg.get_nonempty("Variable") else {
        return Out::error(aid, "No variable specified").end();
    };
    let value = msg.get("Value").unwrap_or("");
    let mut st = shared.state();
    if let Some(chan) = msg.get_nonempty("Channel") {
        let Some(i) = st.channel_index(chan) else {
            return Out::error(aid, "No such channel").end();
        };
        let vars = &mut st.channels[i].spec.variables;
        match vars.iter_mut().find(|(k, _)| k == var) {
            Some(v) => v.1 = value.to_string(),
            None => vars.push((var.to_string(), value.to_string())),
        }
    } else if let Some(dev) = var.strip_prefix("DEVICE_STATE(").and_then(|r| r.strip_suffix(')')) {
        // 22: RINGING arrives as ExtensionStatus before DeviceStateChange.
        let ext_first = value == "RINGING";
        let events = st.set_device(dev, value, ext_first);
        shared.emit_all(events);
    } else {
        st.globals.insert(var.to_string(), value.to_string());
    }
    Out::success(aid, "Variable Set").end()
}

/// Getvar (30): unset and blocked `DB()` reads give an empty `Value: `.
pub(super) fn getvar(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(var) = msg.get_nonempty("Variable") else {
        return Out::error(aid, "No variable specified").end();
    };
    let st = shared.state();
    let value = if let Some(chan) = msg.get_nonempty("Channel") {
        let Some(ch) = st.channel(chan) else {
            return Out::error(aid, "No such channel").end();
        };
        match var {
            "CALLERID(num)" => ch.spec.caller_id_num.clone(),
            "CALLERID(name)" => ch.spec.caller_id_name.clone(),
            "CHANNEL(state)" => ch.spec.state.desc().to_string(),
            "CHANNEL(language)" => "en".to_string(),
            _ => ch.spec.variables.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone()).unwrap_or_default(),
        }
    } else {
        st.globals.get(var).cloned().unwrap_or_default()
    };
    Out::response("Success", aid).h("Variable", var).h("Value", value).end()
}
