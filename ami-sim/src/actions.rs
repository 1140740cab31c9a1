//! Action handlers: one function per AMI action, each returning the bytes
//! for the requesting connection and broadcasting the events it causes.
//! Texts are copied from the captures (numbers cited per handler).

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};

use crate::server::Shared;
use crate::state::{Channel, ChannelSpec, QueueMember, State, UNKNOWN};
use crate::wire::{Message, Out};

mod channels;
mod misc;
mod pjsip;
mod queues;

/// Per-connection session state.
#[derive(Debug)]
pub(crate) struct Conn {
    pub logged_in: bool,
    pub events_on: bool,
    pub challenge: Option<String>,
}

impl Default for Conn {
    fn default() -> Self {
        Conn { logged_in: false, events_on: true, challenge: None }
    }
}

/// What to do after an action: bytes to write, whether to close after
/// writing, and an optional pause before writing (failed login).
#[derive(Debug, Default)]
pub(crate) struct Reply {
    pub out: String,
    pub close: bool,
    pub delay: Option<Duration>,
}

impl From<String> for Reply {
    fn from(out: String) -> Self {
        Reply { out, ..Reply::default() }
    }
}

/// The reply for an action name this node does not know (12, 25, 31).
fn unknown(aid: Option<&str>, name: &str) -> String {
    Out::error(aid, &format!("Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."))
        .end()
}

/// Epoch seconds now.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Handles one client message.
pub(crate) fn handle(shared: &Shared, conn: &mut Conn, msg: &Message) -> Reply {
    let aid = msg.get("ActionID");
    // Fact 12 / 31: no Action header at all, ActionID still echoed.
    let Some(action) = msg.get_nonempty("Action") else {
        return Out::error(aid, "Missing action in request").end().into();
    };
    let lower = action.to_ascii_lowercase();
    match lower.as_str() {
        "login" => return login(shared, conn, msg, aid),
        "challenge" => return challenge(conn, msg, aid).into(),
        "logoff" => {
            // Fact 11 / 32.
            return Reply {
                out: Out::response("Goodbye", aid).h("Message", "Thanks for all the fish.").end(),
                close: true,
                delay: None,
            };
        }
        _ => {}
    }
    if !conn.logged_in {
        // Fact 10 / 06: connection stays open.
        return Out::error(aid, "Permission denied").end().into();
    }
    if lower.starts_with("pjsip") && !shared.cfg.pjsip {
        // 25: res_pjsip not loaded.
        return unknown(aid, action).into();
    }
    let out = match lower.as_str() {
        "ping" => misc::ping(aid),
        "events" => misc::events(conn, msg, aid),
        "corestatus" => misc::core_status(shared, aid),
        "coresettings" => misc::core_settings(aid),
        "command" => misc::command(msg, aid),
        "dbput" => misc::db_put(shared, msg, aid),
        "dbget" => misc::db_get(shared, msg, aid),
        "dbgettree" => misc::db_get_tree(shared, msg, aid),
        "dbdel" => misc::db_del(shared, msg, aid),
        "dbdeltree" => misc::db_del_tree(shared, msg, aid),
        "devicestatelist" => misc::device_state_list(shared, aid),
        "extensionstatelist" => misc::extension_state_list(shared, aid),
        "extensionstate" => misc::extension_state(shared, msg, aid),
        "setvar" => misc::setvar(shared, msg, aid),
        "getvar" => misc::getvar(shared, msg, aid),
        "coreshowchannels" => channels::core_show_channels(shared, aid),
        "status" => channels::status(shared, msg, aid),
        "originate" => channels::originate(shared, msg, aid),
        "hangup" => channels::hangup(shared, msg, aid),
        "redirect" => channels::redirect(shared, msg, aid),
        "atxfer" => channels::atxfer(shared, msg, aid),
        "queuestatus" => queues::status(shared, msg, aid),
        "queuesummary" => queues::summary(shared, msg, aid),
        "queueadd" => queues::add(shared, msg, aid),
        "queueremove" => queues::remove(shared, msg, aid),
        "queuepause" => queues::pause(shared, msg, aid),
        "queuereset" => queues::reset(aid),
        "pjsipshowendpoints" => pjsip::show_endpoints(shared, aid),
        "pjsipshowcontacts" => pjsip::show_contacts(shared, aid),
        "pjsipnotify" => pjsip::notify(shared, msg, aid),
        "pjsipunregister" => pjsip::unregister(shared, msg, aid),
        "pjsipregister" => pjsip::register(shared, msg, aid),
        "messagesend" => pjsip::message_send(shared, msg, aid),
        _ => unknown(aid, action),
    };
    out.into()
}

/// Challenge (04): `Challenge: <digits>`; only MD5 is supported.
fn challenge(conn: &mut Conn, msg: &Message, aid: Option<&str>) -> String {
    match msg.get("AuthType") {
        Some(t) if t.eq_ignore_ascii_case("md5") => {
            let n = (SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(7) % 900_000_000)
                + 100_000_000;
            let c = n.to_string();
            conn.challenge = Some(c.clone());
            Out::response("Success", aid).h("Challenge", c).end()
        }
        _ => Out::error(aid, "Must specify AuthType").end(),
    }
}

/// Login (02, 03, 04, 05, 07): plaintext or MD5 key; failure waits, then
/// errors and closes; success is followed by FullyBooted unless `Events: off`.
fn login(shared: &Shared, conn: &mut Conn, msg: &Message, aid: Option<&str>) -> Reply {
    let cfg = &shared.cfg;
    let user_ok = msg.get("Username") == Some(cfg.username.as_str());
    let md5 = msg.get("AuthType").is_some_and(|t| t.eq_ignore_ascii_case("md5"));
    let secret_ok = if md5 {
        match (&conn.challenge, msg.get("Key")) {
            (Some(ch), Some(key)) => {
                let digest = Md5::digest(format!("{ch}{}", cfg.secret).as_bytes());
                hex::encode(digest).eq_ignore_ascii_case(key)
            }
            _ => false,
        }
    } else {
        msg.get("Secret") == Some(cfg.secret.as_str())
    };
    if !(user_ok && secret_ok) {
        return Reply {
            out: Out::error(aid, "Authentication failed").end(),
            close: true,
            delay: Some(cfg.auth_failure_delay),
        };
    }
    conn.logged_in = true;
    conn.events_on = !msg.get("Events").is_some_and(|e| e.eq_ignore_ascii_case("off"));
    let mut out = Out::success(aid, "Authentication accepted").end();
    if conn.events_on {
        let up = shared.started.elapsed().as_secs();
        out.push_str(
            &Out::event("FullyBooted")
                .h("Privilege", "system,all")
                .h("Uptime", up)
                .h("LastReload", up)
                .h("Status", "Fully Booted")
                .end(),
        );
    }
    out.into()
}

/// `Response: Success` + `EventList: start` + `Message: <msg>` (fact 8).
fn list_start(aid: Option<&str>, message: &str) -> String {
    Out::response("Success", aid).h("EventList", "start").h("Message", message).end()
}

/// `<name>` event with `EventList: Complete` and `ListItems: n` (fact 8).
fn list_complete(name: &str, aid: Option<&str>, n: usize) -> Out {
    Out::event(name).opt("ActionID", aid).h("EventList", "Complete").h("ListItems", n)
}

/// Creates a channel from a spec (filling Uniqueid/Linkedid) and returns
/// its Newchannel event.
pub(crate) fn create_channel(shared: &Shared, st: &mut State, mut spec: ChannelSpec) -> String {
    if spec.uniqueid.is_empty() {
        spec.uniqueid = shared.next_uniqueid();
    }
    if spec.linkedid.is_empty() {
        spec.linkedid = spec.uniqueid.clone();
    }
    let ch = Channel { spec, created: std::time::Instant::now() };
    let ev = ch.event("Newchannel").end();
    st.channels.push(ch);
    ev
}

/// Removes a channel and returns its Hangup event (Cause / Cause-txt, fact 15).
pub(crate) fn remove_channel(st: &mut State, name: &str, cause: u32) -> Option<String> {
    let i = st.channel_index(name)?;
    let ch = st.channels.remove(i);
    Some(ch.event("Hangup").h("Cause", cause).h("Cause-txt", cause_text(cause)).end())
}

/// Text of a hangup cause code.
pub fn cause_text(cause: u32) -> &'static str {
    match cause {
        1 => "Unallocated (unassigned) number",
        16 => "Normal Clearing",
        17 => "User busy",
        18 => "No user responding",
        19 => "User alerting, no answer",
        21 => "Call Rejected",
        34 => "Circuit/channel congestion",
        _ => "Unknown",
    }
}

/// Queue member status from its state interface's device state.
pub(crate) fn member_status(st: &State, state_interface: &str) -> i32 {
    let dev = st.devices.iter().find(|(d, _)| d == state_interface).map(|(_, s)| s.as_str());
    match dev {
        Some("NOT_INUSE") => 1,
        Some("INUSE") => 2,
        Some("BUSY") => 3,
        Some("INVALID") => 4,
        Some("UNAVAILABLE") => 5,
        Some("RINGING") => 6,
        Some("RINGINUSE") => 7,
        Some("ONHOLD") => 8,
        _ => 0,
    }
}

/// Splits `"Name" <num>` / `Name <num>` / `num` into (num, name).
pub(crate) fn parse_caller_id(cid: &str) -> (String, String) {
    if let (Some(lt), Some(gt)) = (cid.find('<'), cid.rfind('>'))
        && lt < gt
    {
        let num = cid[lt + 1..gt].trim().to_string();
        let name = cid[..lt].trim().trim_matches('"').trim().to_string();
        let name = if name.is_empty() { UNKNOWN.to_string() } else { name };
        return (num, name);
    }
    (cid.trim().to_string(), UNKNOWN.to_string())
}

/// Marks the fields QueueMember needs from state that tests may inspect.
pub(crate) fn find_member<'a>(st: &'a mut State, queue: &str, iface: &str) -> Option<&'a mut QueueMember> {
    st.members.iter_mut().find(|m| m.queue == queue && m.interface == iface)
}

/// Whether the (global) originate failure switch is on.
pub(crate) fn originates_fail(shared: &Shared) -> bool {
    shared.fail_originates.load(Ordering::Relaxed)
}

pub(crate) use channels::set_state_event;
