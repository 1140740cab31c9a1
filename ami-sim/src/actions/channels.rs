//! Channel actions: CoreShowChannels, Status, Originate, Hangup, Redirect, Atxfer.

use super::{create_channel, list_complete, list_start, originates_fail, parse_caller_id, remove_channel};
use crate::server::Shared;
use crate::state::{Channel, ChannelSpec, ChannelState, State};
use crate::wire::{Message, Out};

/// CoreShowChannels (09, 10, 48): items carry the ActionID right after
/// `Event:` (fact 7).
pub(super) fn core_show_channels(shared: &Shared, aid: Option<&str>) -> String {
    let st = shared.state();
    let mut out = String::with_capacity(64 + st.channels.len() * 560);
    out.push_str(&list_start(aid, "Channels will follow"));
    for ch in &st.channels {
        let s = &ch.spec;
        out.push_str(
            &ch.block(Out::event("CoreShowChannel").opt("ActionID", aid))
                .h("Application", &s.application)
                .h("ApplicationData", &s.application_data)
                .h("Duration", ch.duration())
                .h("BridgeId", &s.bridge_id)
                .end(),
        );
    }
    out.push_str(&list_complete("CoreShowChannelsComplete", aid, st.channels.len()).end());
    out
}

/// Status (28): items with `Privilege: Call` (capitalised, fact 5) and the
/// ActionID last; StatusComplete also has `Items`.
pub(super) fn status(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let st = shared.state();
    let wanted = msg.get_nonempty("Channel");
    let chans: Vec<&Channel> = match wanted {
        Some(name) => match st.channel(name) {
            Some(c) => vec![c],
            None => return Out::error(aid, "No such channel").end(),
        },
        None => st.channels.iter().collect(),
    };
    let vars: Vec<&str> = msg
        .get("Variables")
        .map(|v| v.split(',').map(str::trim).filter(|v| !v.is_empty()).collect())
        .unwrap_or_default();
    let mut out = list_start(aid, "Channel status will follow");
    for ch in &chans {
        let s = &ch.spec;
        let kind = s.name.split('/').next().unwrap_or("");
        let mut o = ch
            .block(Out::event("Status").h("Privilege", "Call"))
            .h("Type", kind)
            .h("DNID", "")
            .h("EffectiveConnectedLineNum", &s.connected_line_num)
            .h("EffectiveConnectedLineName", &s.connected_line_name)
            .h("TimeToHangup", 0)
            .h("BridgeID", &s.bridge_id)
            .h("Application", &s.application)
            .h("Data", &s.application_data)
            .h("Nativeformats", "(slin)")
            .h("Readformat", "slin")
            .h("Readtrans", "")
            .h("Writeformat", "slin")
            .h("Writetrans", "")
            .h("Callgroup", 0)
            .h("Pickupgroup", 0)
            .h("Seconds", ch.created.elapsed().as_secs());
        for v in &vars {
            let val = if *v == "CHANNEL(language)" {
                "en".to_string()
            } else {
                s.variables.iter().find(|(k, _)| k == v).map(|(_, x)| x.clone()).unwrap_or_default()
            };
            o = o.h("Variable", format!("{v}={val}"));
        }
        out.push_str(&o.opt("ActionID", aid).end());
    }
    out.push_str(&list_complete("StatusComplete", aid, chans.len()).h("Items", chans.len()).end());
    out
}

/// Newstate event after changing a channel's state; `None` if unknown.
pub(crate) fn set_state_event(st: &mut State, name: &str, state: ChannelState) -> Option<String> {
    let i = st.channel_index(name)?;
    let ch = &mut st.channels[i];
    ch.spec.state = state;
    Some(ch.event("Newstate").end())
}

/// Variables of an Originate: repeated `Variable:` headers, each split on
/// commas (fact 13, capture 12).
fn originate_vars(msg: &Message) -> Vec<(String, String)> {
    msg.get_all("Variable")
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

fn var_set(ch: &Channel, k: &str, v: &str) -> String {
    ch.block(Out::event("VarSet").h("Privilege", "dialplan,all")).h("Variable", k).h("Value", v).end()
}

/// Originate (11, 12, 13, 14, 47): validates, answers `Originate successfully
/// queued`, then broadcasts Newchannel, VarSet, NewCallerid, Newstate and
/// (Async only) OriginateResponse. Sync originate (14) writes no
/// OriginateResponse; its events follow the response.
pub(super) fn originate(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(target) = msg.get_nonempty("Channel") else {
        return Out::error(aid, "Channel not specified").end();
    };
    let app = msg.get_nonempty("Application");
    let exten = msg.get_nonempty("Exten");
    if exten.is_some() && (msg.get_nonempty("Context").is_none() || msg.get_nonempty("Priority").is_none()) {
        return Out::error(aid, "Originate with 'Exten' requires 'Context' and 'Priority'").end();
    }
    let is_async =
        msg.get("Async").is_some_and(|a| matches!(a.to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "on"));
    let data = msg.get("Data").unwrap_or("");
    let (cid_num, cid_name) = msg
        .get_nonempty("CallerID")
        .map(parse_caller_id)
        .unwrap_or_else(|| (crate::state::UNKNOWN.into(), crate::state::UNKNOWN.into()));
    let vars = originate_vars(msg);
    let account = msg.get("Account").unwrap_or("").to_string();
    let reply = Out::success(aid, "Originate successfully queued").end();

    // The OriginateResponse tail: Application/Data or Context/Exten (11, 12).
    let tail = |o: Out| match app {
        Some(a) => o.h("Application", a).h("Data", data),
        None => o.h("Context", msg.get("Context").unwrap_or("")).h("Exten", exten.unwrap_or("")),
    };

    let mut st = shared.state();
    let legs = plan_legs(&mut st, shared, target);
    let Some(legs) = legs.filter(|_| !originates_fail(shared)) else {
        // 13: unknown context / tech: Failure, Reason 0, no channel.
        if is_async {
            shared.emit(
                tail(
                    Out::event("OriginateResponse")
                        .h("Privilege", "call,all")
                        .opt("ActionID", aid)
                        .h("Response", "Failure")
                        .h("Channel", target),
                )
                .h("Reason", 0)
                .h("Uniqueid", crate::state::UNKNOWN)
                .h("CallerIDNum", crate::state::UNKNOWN)
                .h("CallerIDName", crate::state::UNKNOWN)
                .end(),
            );
            return reply;
        }
        return Out::error(aid, "Originate failed").end();
    };

    let mut events = Vec::new();
    let first_uid = msg.get_nonempty("ChannelId").map(str::to_string).unwrap_or_else(|| shared.next_uniqueid());
    let mut names = Vec::new();
    for (i, mut spec) in legs.into_iter().enumerate() {
        spec.uniqueid = match i {
            0 => first_uid.clone(),
            _ => msg.get_nonempty("OtherChannelId").map(str::to_string).unwrap_or_else(|| shared.next_uniqueid()),
        };
        spec.linkedid = first_uid.clone();
        names.push(spec.name.clone());
        events.push(create_channel(shared, &mut st, spec));
    }
    for (i, name) in names.iter().enumerate() {
        let Some(idx) = st.channel_index(name) else { continue };
        let ch = &mut st.channels[idx];
        // 12: the ;1 leg reports the variables in reverse order, ;2 in order.
        let ordered: Vec<&(String, String)> = if i == 0 { vars.iter().rev().collect() } else { vars.iter().collect() };
        for (k, v) in ordered {
            events.push(var_set(ch, k, v));
        }
        ch.spec.variables.extend(vars.iter().cloned());
        if cid_num != crate::state::UNKNOWN || cid_name != crate::state::UNKNOWN {
            ch.spec.caller_id_num = cid_num.clone();
            ch.spec.caller_id_name = cid_name.clone();
            events.push(ch.event("NewCallerid").h("CID-CallingPres", "0 (Presentation Allowed, Not Screened)").end());
            ch.spec.connected_line_num = cid_num.clone();
            ch.spec.connected_line_name = cid_name.clone();
        }
        // 12: Account shows up from the Newstate on, not in Newchannel.
        ch.spec.account_code = account.clone();
        if let Some(a) = app {
            ch.spec.application = a.to_string();
            ch.spec.application_data = data.to_string();
        }
    }
    // Answer: ;2 goes Up first, then ;1 (11).
    for name in names.iter().rev() {
        if let Some(ev) = set_state_event(&mut st, name, ChannelState::Up) {
            events.push(ev);
        }
    }
    if is_async {
        let uid = first_uid.clone();
        events.push(
            tail(
                Out::event("OriginateResponse")
                    .h("Privilege", "call,all")
                    .opt("ActionID", aid)
                    .h("Response", "Success")
                    .h("Channel", &names[0]),
            )
            .h("Reason", 4)
            .h("Uniqueid", uid)
            .h("CallerIDNum", &cid_num)
            .h("CallerIDName", &cid_name)
            .end(),
        );
    }
    shared.emit_all(events);
    reply
}

/// The channels an originate creates, or `None` for an unknown technology
/// or PJSIP endpoint (13).
fn plan_legs(st: &mut State, shared: &Shared, target: &str) -> Option<Vec<ChannelSpec>> {
    let (tech, rest) = target.split_once('/')?;
    match tech.to_ascii_lowercase().as_str() {
        "local" => {
            let (exten, context) = rest.split_once('@').unwrap_or((rest, "default"));
            let context = context.split('/').next().unwrap_or(context);
            st.chan_seq += 1;
            let base = format!("Local/{exten}@{context}-{:08x}", st.chan_seq);
            let leg = |suffix: &str, state| ChannelSpec {
                name: format!("{base};{suffix}"),
                context: context.to_string(),
                exten: exten.to_string(),
                state,
                ..ChannelSpec::default()
            };
            // 12: ;1 starts Down, ;2 starts Ring.
            Some(vec![leg("1", ChannelState::Down), leg("2", ChannelState::Ring)])
        }
        "pjsip" => {
            let endpoint = rest.split('/').next().unwrap_or(rest);
            if !shared.cfg.pjsip || !st.endpoints.iter().any(|e| e.name == endpoint) {
                return None;
            }
            st.chan_seq += 1;
            // 47: originated PJSIP channels sit at `s` in the endpoint's context.
            Some(vec![ChannelSpec {
                name: format!("PJSIP/{endpoint}-{:08x}", st.chan_seq),
                context: "default".into(),
                exten: "s".into(),
                ..ChannelSpec::default()
            }])
        }
        _ => None,
    }
}

/// Channels matching a Hangup `Channel:`: exact name, or `/regex/` treated
/// as a simple pattern (`^`, `$`, `.*` supported; see [`simple_match`]).
fn hangup_targets(st: &State, chan: &str) -> Option<Vec<String>> {
    let pat = chan.strip_prefix('/')?.strip_suffix('/')?;
    Some(st.channels.iter().filter(|c| simple_match(pat, &c.spec.name)).map(|c| c.spec.name.clone()).collect())
}

/// Tiny regex subset for Hangup `/regex/` (15): `^`/`$` anchors, `.*`
/// wildcards, `\/` escapes; everything else literal.
pub(crate) fn simple_match(pat: &str, text: &str) -> bool {
    let anchored_start = pat.starts_with('^');
    let anchored_end = pat.ends_with('$') && !pat.ends_with("\\$");
    let core = pat.trim_start_matches('^');
    let core = if anchored_end { &core[..core.len() - 1] } else { core };
    let core = core.replace("\\/", "/").replace("\\.", "\u{0}");
    let parts: Vec<String> = core.split(".*").map(|p| p.replace('\u{0}', ".")).collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 && anchored_start {
            if !text.starts_with(part.as_str()) {
                return false;
            }
            pos = part.len();
            continue;
        }
        if i == parts.len() - 1 && anchored_end {
            return text.len() >= pos + part.len() && text.ends_with(part.as_str());
        }
        match text[pos..].find(part.as_str()) {
            Some(at) => pos += at + part.len(),
            None => return false,
        }
    }
    true
}

/// Hangup (15): by name `Channel Hungup` + Hangup event; unknown → `No such
/// channel`; `/regex/` → ChannelHungup list.
pub(super) fn hangup(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(chan) = msg.get_nonempty("Channel") else {
        return Out::error(aid, "No channel specified").end();
    };
    let cause = msg.get("Cause").and_then(|c| c.trim().parse().ok()).unwrap_or(16);
    let mut st = shared.state();
    if let Some(names) = hangup_targets(&st, chan) {
        let mut out = list_start(aid, "Channels hung up will follow");
        for name in &names {
            // 15: ActionID after Channel in ChannelHungup (fact 7).
            out.push_str(&Out::event("ChannelHungup").h("Channel", name).opt("ActionID", aid).end());
        }
        out.push_str(&list_complete("ChannelsHungupListComplete", aid, names.len()).end());
        for name in &names {
            if let Some(ev) = remove_channel(&mut st, name, cause) {
                shared.emit(ev);
            }
        }
        return out;
    }
    match remove_channel(&mut st, chan, cause) {
        Some(ev) => {
            shared.emit(ev);
            Out::success(aid, "Channel Hungup").end()
        }
        None => Out::error(aid, "No such channel").end(),
    }
}

/// Redirect (16): moves the channel; always `Redirect successful` for a
/// known channel (fact 16).
pub(super) fn redirect(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(chan) = msg.get_nonempty("Channel") else {
        return Out::error(aid, "Channel not specified").end();
    };
    let Some(exten) = msg.get_nonempty("Exten") else {
        return Out::error(aid, "Exten not specified").end();
    };
    let mut st = shared.state();
    let Some(i) = st.channel_index(chan) else {
        return Out::error(aid, &format!("Channel does not exist: {chan}")).end();
    };
    let ch = &mut st.channels[i];
    if let Some(ctx) = msg.get_nonempty("Context") {
        ch.spec.context = ctx.to_string();
    }
    ch.spec.exten = exten.to_string();
    ch.spec.priority = msg.get("Priority").and_then(|p| p.trim().parse().ok()).unwrap_or(1);
    let ev = ch
        .event("Newexten")
        .h("Privilege", "dialplan,all")
        .h("Extension", exten)
        .h("Application", "")
        .h("AppData", "")
        .end();
    shared.emit(ev);
    Out::success(aid, "Redirect successful").end()
}

/// Atxfer (17): only validates and queues (fact 17).
pub(super) fn atxfer(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(chan) = msg.get_nonempty("Channel") else {
        return Out::error(aid, "No channel specified").end();
    };
    // 17: the missing Exten is reported before the unknown channel.
    if msg.get_nonempty("Exten").is_none() {
        return Out::error(aid, "No extension specified").end();
    }
    if shared.state().channel(chan).is_none() {
        return Out::error(aid, "Channel specified does not exist").end();
    }
    Out::success(aid, "Atxfer successfully queued").end()
}

#[cfg(test)]
mod tests {
    use super::simple_match;

    #[test]
    fn regex_subset() {
        let p = r"^Local\/100@test-.*;2$";
        assert!(simple_match(p, "Local/100@test-00000006;2"));
        assert!(!simple_match(p, "Local/100@test-00000006;1"));
        assert!(simple_match("test", "Local/100@test-1;1"));
    }
}
