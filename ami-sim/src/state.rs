//! The simulated node's state (channels, device states, hints, PJSIP,
//! queues, AstDB) and the shapes of the events describing it.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::wire::Out;

/// Channel state, numbered as Asterisk's `ChannelState` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChannelState {
    /// 0, `Down`
    #[default]
    Down,
    /// 1, `Rsrvd`
    Rsrvd,
    /// 2, `OffHook`
    OffHook,
    /// 3, `Dialing`
    Dialing,
    /// 4, `Ring`
    Ring,
    /// 5, `Ringing`
    Ringing,
    /// 6, `Up`
    Up,
    /// 7, `Busy`
    Busy,
}

impl ChannelState {
    /// The numeric `ChannelState` value.
    pub fn code(self) -> u8 {
        match self {
            ChannelState::Down => 0,
            ChannelState::Rsrvd => 1,
            ChannelState::OffHook => 2,
            ChannelState::Dialing => 3,
            ChannelState::Ring => 4,
            ChannelState::Ringing => 5,
            ChannelState::Up => 6,
            ChannelState::Busy => 7,
        }
    }

    /// The `ChannelStateDesc` text.
    pub fn desc(self) -> &'static str {
        match self {
            ChannelState::Down => "Down",
            ChannelState::Rsrvd => "Rsrvd",
            ChannelState::OffHook => "OffHook",
            ChannelState::Dialing => "Dialing",
            ChannelState::Ring => "Ring",
            ChannelState::Ringing => "Ringing",
            ChannelState::Up => "Up",
            ChannelState::Busy => "Busy",
        }
    }
}

/// Everything the simulator knows about a channel. Empty `uniqueid` means
/// "generate one"; empty `linkedid` means "same as uniqueid".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelSpec {
    /// e.g. `PJSIP/103-DEMO-00000001`, `Local/100@test-00000001;1`
    pub name: String,
    /// Uniqueid; generated as `<node>-<epoch>.<n>` when empty.
    pub uniqueid: String,
    /// Linkedid; the uniqueid when empty.
    pub linkedid: String,
    /// Dialplan context.
    pub context: String,
    /// Dialplan extension.
    pub exten: String,
    /// Dialplan priority.
    pub priority: u32,
    /// Channel state.
    pub state: ChannelState,
    /// `CallerIDNum` (`<unknown>` when not known, as Asterisk writes it).
    pub caller_id_num: String,
    /// `CallerIDName`.
    pub caller_id_name: String,
    /// `ConnectedLineNum`.
    pub connected_line_num: String,
    /// `ConnectedLineName`.
    pub connected_line_name: String,
    /// `AccountCode`.
    pub account_code: String,
    /// Current application (CoreShowChannel `Application`).
    pub application: String,
    /// CoreShowChannel `ApplicationData`.
    pub application_data: String,
    /// CoreShowChannel `BridgeId` (empty when not bridged).
    pub bridge_id: String,
    /// Channel variables (set by Originate `Variable:` or Setvar).
    pub variables: Vec<(String, String)>,
}

impl Default for ChannelSpec {
    fn default() -> Self {
        ChannelSpec {
            name: String::new(),
            uniqueid: String::new(),
            linkedid: String::new(),
            context: "default".into(),
            exten: "s".into(),
            priority: 1,
            state: ChannelState::Down,
            caller_id_num: UNKNOWN.into(),
            caller_id_name: UNKNOWN.into(),
            connected_line_num: UNKNOWN.into(),
            connected_line_name: UNKNOWN.into(),
            account_code: String::new(),
            application: String::new(),
            application_data: String::new(),
            bridge_id: String::new(),
            variables: Vec::new(),
        }
    }
}

/// Asterisk's placeholder for unknown caller id parts.
pub const UNKNOWN: &str = "<unknown>";

/// A live channel.
#[derive(Clone, Debug)]
pub struct Channel {
    /// The channel's data.
    pub spec: ChannelSpec,
    /// When it was created (for `Duration` / `Seconds`).
    pub created: Instant,
}

impl Channel {
    /// Appends the common channel block shared by Newchannel, Newstate,
    /// Hangup, CoreShowChannel, Status... (same order in all captures, e.g. 10/11).
    pub fn block(&self, out: Out) -> Out {
        let s = &self.spec;
        out.h("Channel", &s.name)
            .h("ChannelState", s.state.code())
            .h("ChannelStateDesc", s.state.desc())
            .h("CallerIDNum", &s.caller_id_num)
            .h("CallerIDName", &s.caller_id_name)
            .h("ConnectedLineNum", &s.connected_line_num)
            .h("ConnectedLineName", &s.connected_line_name)
            .h("Language", "en")
            .h("AccountCode", &s.account_code)
            .h("Context", &s.context)
            .h("Exten", &s.exten)
            .h("Priority", s.priority)
            .h("Uniqueid", &s.uniqueid)
            .h("Linkedid", &s.linkedid)
    }

    /// A broadcast channel event (`Privilege: call,all`) with the channel block.
    pub fn event(&self, name: &str) -> Out {
        self.block(Out::event(name).h("Privilege", "call,all"))
    }

    /// `HH:MM:SS` since creation, as in CoreShowChannel `Duration`.
    pub fn duration(&self) -> String {
        let secs = self.created.elapsed().as_secs();
        format!("{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
    }
}

/// An extension hint (`exten@context` watching `hint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Extension.
    pub exten: String,
    /// Context.
    pub context: String,
    /// Hint device, e.g. `PJSIP/103-DEMO` or `Custom:103-DEMO`.
    pub hint: String,
    /// Extension status code (0 Idle, 1 InUse, 4 Unavailable, 8 Ringing...).
    pub status: i32,
}

/// `StatusText` for an extension status code (22, 23, 49).
pub fn extension_status_text(code: i32) -> &'static str {
    match code {
        0 => "Idle",
        1 => "InUse",
        2 => "Busy",
        4 => "Unavailable",
        8 => "Ringing",
        9 => "InUse&Ringing",
        16 => "Hold",
        17 => "InUse&Hold",
        _ => "Unknown",
    }
}

/// Extension status implied by a device state token (fact 30).
pub fn extension_status_for_device(state: &str) -> i32 {
    match state {
        "NOT_INUSE" => 0,
        "INUSE" => 1,
        "BUSY" => 2,
        "RINGING" => 8,
        "RINGINUSE" => 9,
        "ONHOLD" => 16,
        "UNAVAILABLE" | "INVALID" => 4,
        _ => -1,
    }
}

impl Hint {
    /// `ExtensionStatus` event (broadcast form, 22).
    pub fn event(&self) -> Out {
        self.items(Out::event("ExtensionStatus").h("Privilege", "call,all"))
    }

    /// Appends Exten, Context, Hint, Status, StatusText.
    pub fn items(&self, out: Out) -> Out {
        out.h("Exten", &self.exten)
            .h("Context", &self.context)
            .h("Hint", &self.hint)
            .h("Status", self.status)
            .h("StatusText", extension_status_text(self.status))
    }
}

/// A PJSIP endpoint with its contacts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Endpoint (and AOR/auth) name, e.g. `103-DEMO`.
    pub name: String,
    /// Display device state for EndpointList (`Not in use`, `Unavailable`; fact 25).
    pub device_state: String,
    /// Contact URIs.
    pub contacts: Vec<String>,
}

/// An outbound registration (PJSIPRegister / PJSIPUnregister, 45).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// Registration object name, e.g. `trunk-loop-reg`.
    pub name: String,
    /// `Username` in Registry events (client URI).
    pub client_uri: String,
    /// `Domain` in Registry events (server URI).
    pub server_uri: String,
    /// Registered or not.
    pub registered: bool,
}

/// A queue member, keyed by (queue, interface).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueMember {
    /// Queue name.
    pub queue: String,
    /// Interface, e.g. `Local/202@agents/n`.
    pub interface: String,
    /// MemberName.
    pub name: String,
    /// StateInterface.
    pub state_interface: String,
    /// Paused.
    pub paused: bool,
    /// PausedReason.
    pub paused_reason: String,
    /// Penalty.
    pub penalty: i32,
    /// Device status code (0 unknown, 1 not in use, 2 in use, 6 ringing...).
    pub status: i32,
    /// `dynamic` (QueueAdd) or `static`.
    pub membership: String,
    /// Epoch seconds of the last pause change.
    pub last_pause: u64,
    /// Epoch seconds of login.
    pub login_time: u64,
}

impl QueueMember {
    /// QueueMemberAdded/Removed/Pause event body (18).
    pub fn event(&self, name: &str) -> Out {
        Out::event(name)
            .h("Privilege", "agent,all")
            .h("Queue", &self.queue)
            .h("MemberName", &self.name)
            .h("Interface", &self.interface)
            .h("StateInterface", &self.state_interface)
            .h("Membership", &self.membership)
            .h("Penalty", self.penalty)
            .h("CallsTaken", 0)
            .h("LastCall", 0)
            .h("LastPause", self.last_pause)
            .h("LoginTime", self.login_time)
            .h("InCall", 0)
            .h("Status", self.status)
            .h("Paused", u8::from(self.paused))
            .h("PausedReason", &self.paused_reason)
            .h("Ringinuse", 0)
            .h("Wrapuptime", 0)
    }

    /// QueueMember list item of QueueStatus (18; ActionID last, fact 7).
    pub fn list_item(&self, action_id: Option<&str>) -> String {
        Out::event("QueueMember")
            .h("Queue", &self.queue)
            .h("Name", &self.name)
            .h("Location", &self.interface)
            .h("StateInterface", &self.state_interface)
            .h("Membership", &self.membership)
            .h("Penalty", self.penalty)
            .h("CallsTaken", 0)
            .h("LastCall", 0)
            .h("LastPause", self.last_pause)
            .h("LoginTime", self.login_time)
            .h("InCall", 0)
            .h("Status", self.status)
            .h("Paused", u8::from(self.paused))
            .h("PausedReason", &self.paused_reason)
            .h("Wrapuptime", 0)
            .opt("ActionID", action_id)
            .end()
    }

    /// The `Queue:<queue>_pause_<iface>` device that mirrors the pause flag (18).
    pub fn pause_device(&self) -> String {
        format!("Queue:{}_pause_{}", self.queue, self.interface)
    }
}

/// All mutable state of a simulated node.
#[derive(Debug, Default)]
pub struct State {
    /// Live channels in creation order.
    pub channels: Vec<Channel>,
    /// Device states in first-seen order: (device, state token).
    pub devices: Vec<(String, String)>,
    /// Hints.
    pub hints: Vec<Hint>,
    /// PJSIP endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Outbound registrations.
    pub registrations: Vec<Registration>,
    /// Known queue names (QueueStatus lists these, even without members).
    pub queues: Vec<String>,
    /// Queue members.
    pub members: Vec<QueueMember>,
    /// AstDB: family -> key -> value.
    pub db: BTreeMap<String, BTreeMap<String, String>>,
    /// Global variables (Setvar without Channel).
    pub globals: BTreeMap<String, String>,
    /// Counter for channel name suffixes (`-00000001`).
    pub chan_seq: u32,
}

impl State {
    /// Index of a channel by exact name.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.spec.name == name)
    }

    /// Channel by exact name.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.spec.name == name)
    }

    /// Sets a device state, returning the events to broadcast:
    /// DeviceStateChange then the ExtensionStatus of every hint on that
    /// device whose status changed (22). With `ext_first` the ExtensionStatus
    /// comes first, as on PJSIP registration (43) and for RINGING in 22.
    pub fn set_device(&mut self, device: &str, state: &str, ext_first: bool) -> Vec<String> {
        match self.devices.iter_mut().find(|(d, _)| d == device) {
            Some(entry) => entry.1 = state.to_string(),
            None => self.devices.push((device.to_string(), state.to_string())),
        }
        let dsc =
            Out::event("DeviceStateChange").h("Privilege", "call,all").h("Device", device).h("State", state).end();
        let code = extension_status_for_device(state);
        let mut ext = Vec::new();
        for hint in self.hints.iter_mut().filter(|h| h.hint == device) {
            if hint.status != code {
                hint.status = code;
                ext.push(hint.event().end());
            }
        }
        if ext_first {
            ext.push(dsc);
            ext
        } else {
            let mut v = vec![dsc];
            v.extend(ext);
            v
        }
    }
}
