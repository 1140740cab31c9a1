//! Live calls, channels, peers and agents through the legacy door (CONTRACT §1.3 rows 9-10, 12,
//! 18-22, §1.4 rows 26-27, §1.9). Actions answer rule P-ACT (`Success|<message>|<id>|`), reads
//! answer from the live state at once. A node that is down or unknown answers
//! `Error|<reason>||` — never a hang, never another node's data.

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::record::LegacyRecord;
use pbx_compat::render::{Rendered, plain};
use serde_json::{Map, Value as Json, json};

use super::action_result;
use super::dispatch::{ActionFamily, Call, action_refusal, miss_or_error};
use crate::pbx::state::ExtensionState;
use crate::service::live::PerNode;
use crate::service::live::calls::{self, HangupTarget, OriginateOutcome, OriginateRequest};
use crate::service::live::queues::{self, AgentQueues};
use crate::service::live::reads::{self, LiveChannel, ReadScope};
use crate::service::lookup::ExtensionRef;
use crate::service::queue_members::QueueRef;
use crate::service::{Core, ServiceError};

/// The extension number of `103` or `103-<TENANT>` (the username form of the caller's tenant).
fn extension_number<'a>(ext: &'a str, tenant: &str) -> &'a str {
    ext.strip_suffix(tenant).and_then(|rest| rest.strip_suffix('-')).unwrap_or(ext)
}

/// The channels of one of the caller's extensions.
async fn extension_channels(
    core: &Core,
    call: &Call<'_>,
    tenant: &str,
    number: &str,
) -> Result<Vec<LiveChannel>, ServiceError> {
    let viewer = crate::service::live::viewer(core, &call.principal, Some(tenant)).await?;
    reads::extension_channels(core, &viewer, tenant, number).await
}

/// `Error|<message>||` for a failed action, worded as LIVE words it.
fn action_error(call: &Call<'_>, err: ServiceError) -> Rendered {
    action_refusal(call, ActionFamily::Live, err)
}

fn read_scope<'a>(call: &'a Call<'_>) -> ReadScope<'a> {
    ReadScope {
        tenant: call.tenant,
        node: call.request.non_empty("nodename"),
        fresh: call.request.get("cache").is_some_and(|v| v.eq_ignore_ascii_case("no")),
    }
}

/// `var=a=1` (repeated), also `var=a=1,b=2` (§6 Q11): every pair, in order.
fn variables(call: &Call<'_>) -> Result<Vec<(String, String)>, Rendered> {
    let mut out = Vec::new();
    for raw in call.request.get_all("var") {
        for pair in raw.split(',').filter(|pair| !pair.trim().is_empty()) {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(action_result::error(call, &format!("var: {pair:?} is not name=value")));
            };
            out.push((name.trim().to_string(), value.to_string()));
        }
    }
    Ok(out)
}

fn seconds(call: &Call<'_>, name: &str) -> Result<Option<i64>, Rendered> {
    match call.request.non_empty(name) {
        None => Ok(None),
        // Only the syntax here: the service owns the bounds.
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(value) => Ok(Some(value)),
            Err(_) => Err(action_result::error(call, &format!("{name}: must be a number of seconds"))),
        },
    }
}

fn yes(call: &Call<'_>, name: &str) -> bool {
    call.request.get(name).is_some_and(|v| v.eq_ignore_ascii_case("yes"))
}

/// DIAL: `Success|Originate successfully queued|<originate id>|`.
pub async fn dial(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return action_result::error(call, "No tenant specified") };
    let req = call.request;
    let Some(source) = req.get_any(&["source", "exten"]).filter(|s| !s.is_empty()) else {
        return action_result::error(call, "No source specified");
    };
    let Some(dest) = req.get_any(&["dest", "phone"]).filter(|s| !s.is_empty()) else {
        return action_result::error(call, "No destination specified");
    };
    let request = match (|| {
        Ok::<_, Rendered>(OriginateRequest {
            source: source.to_string(),
            dest: dest.to_string(),
            account: req.non_empty("account").map(str::to_string),
            variables: variables(call)?,
            ring_timeout: seconds(call, "dialtimeout")?,
            max_duration: seconds(call, "timeout")?,
            source_clid: req.non_empty("sourceclid").map(str::to_string),
            dest_clid: req.non_empty("destclid").map(str::to_string),
            recording: req.non_empty("recording").map(str::to_string),
            auto_answer: yes(call, "autoanswer"),
            no_follow: yes(call, "nofollow"),
            node: req.non_empty("server").map(str::to_string),
        })
    })() {
        Ok(request) => request,
        Err(rendered) => return rendered,
    };
    match calls::originate(core, &call.principal, tenant, &request, None).await {
        Ok(OriginateOutcome::Placed(placed)) => {
            action_result::success(call, "Originate successfully queued", &placed.id)
        }
        // Only REST passes an idempotency key.
        Ok(OriginateOutcome::KeyReused) => action_result::error(call, "Idempotency key reused"),
        Err(err) => action_error(call, err),
    }
}

/// HANGUP: by `channel`, or every channel of `extension` / `number` / `source`.
pub async fn hangup(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return action_result::error(call, "No tenant specified") };
    let req = call.request;
    let target = if let Some(channel) = req.non_empty("channel") {
        HangupTarget::Channel(channel.to_string())
    } else if let Some(ext) = req.get_any(&["extension", "number", "source"]).filter(|s| !s.is_empty()) {
        HangupTarget::Extension(ext.to_string())
    } else {
        return action_result::error(call, "No channel specified");
    };
    match calls::hangup(core, &call.principal, tenant, &target).await {
        Ok(_) => action_result::success(call, "Channel hungup", ""),
        Err(ServiceError::NotFound(_)) => action_result::error(call, "No channel found"),
        Err(err) => action_error(call, err),
    }
}

/// TRANSFER (Redirect) and ATXTRANSFER (Atxfer).
pub async fn transfer(core: &Core, call: &Call<'_>, attended: bool) -> Rendered {
    let Some(tenant) = call.tenant else { return action_result::error(call, "No tenant specified") };
    let req = call.request;
    let Some(channel) = req.non_empty("channel") else { return action_result::error(call, "No channel specified") };
    let Some(dest) = req.non_empty("dest") else { return action_result::error(call, "No destination specified") };
    let result = if attended {
        calls::attended_transfer(core, &call.principal, tenant, channel, dest).await
    } else {
        calls::transfer(core, &call.principal, tenant, channel, dest, req.non_empty("extrachannel")).await
    };
    match result {
        Ok(_) if attended => action_result::success(call, "Atxfer successfully queued", ""),
        Ok(_) => action_result::success(call, "Redirect successful", ""),
        Err(err) => action_error(call, err),
    }
}

/// The CHANNEL / CHANNELS keys (§1.9 row 60), in wire order.
const CHANNEL_KEYS: [&str; 13] = [
    "Channel",
    "State",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Application",
    "Data",
    "Duration",
    "BridgedChannel",
    "Uniqueid",
    "Linkedid",
    "Node",
];

/// The CHANNEL / CHANNELS record, values in [`CHANNEL_KEYS`] order.
fn channel_record(live: &LiveChannel) -> LegacyRecord {
    let channel = &live.channel;
    let values = [
        channel.name.clone(),
        channel.state.clone(),
        channel.caller_id_num.clone(),
        channel.caller_id_name.clone(),
        channel.connected_line_num.clone(),
        channel.connected_line_name.clone(),
        channel.application.clone(),
        channel.application_data.clone(),
        live.seconds.to_string(),
        channel.bridge_id.clone().unwrap_or_default(),
        channel.uniqueid.clone(),
        channel.linkedid.clone(),
        live.node.clone(),
    ];
    let mut record = LegacyRecord::with_capacity(CHANNEL_KEYS.len());
    for (key, value) in CHANNEL_KEYS.iter().zip(values) {
        record.push(*key, value);
    }
    record
}

/// CHANNEL: one channel's attributes; nothing visible → empty body.
pub async fn channel(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(name) = call.request.non_empty("channel") else { return Rendered::empty(&call.output) };
    match reads::channel(core, &call.principal, &read_scope(call), name).await {
        Ok(live) => {
            let record = channel_record(&live);
            match call.output.format {
                Format::Json => Rendered::json(&call.output, &record.to_json()),
                _ => {
                    let pairs: Vec<(String, String)> =
                        CHANNEL_KEYS.iter().map(|k| k.to_string()).zip(record.values_as_text()).collect();
                    Rendered::text(&call.output, plain::pair_line(&pairs, ":"))
                }
            }
        }
        Err(ServiceError::NotFound(_)) => Rendered::empty(&call.output),
        Err(err) => action_error(call, err),
    }
}

/// CHANNELS: json array of channel records; plain header + rows.
pub async fn channels(core: &Core, call: &Call<'_>) -> Rendered {
    match reads::channels(core, &call.principal, &read_scope(call)).await {
        Ok(gathered) => {
            let records: Vec<LegacyRecord> = gathered.items.iter().map(channel_record).collect();
            match call.output.format {
                Format::Json => {
                    Rendered::json(&call.output, &Json::Array(records.iter().map(LegacyRecord::to_json).collect()))
                }
                Format::Plain => {
                    let rows: Vec<Vec<String>> = records.iter().map(LegacyRecord::values_as_text).collect();
                    Rendered::text(&call.output, plain::table(&CHANNEL_KEYS, &rows))
                }
                Format::Xml | Format::Csv => Rendered::empty(&call.output),
            }
        }
        Err(err) => action_error(call, err),
    }
}

/// `<node>:<count>|…|` / `{"<node>":n,…,"total":n}`; with `nodename`, the bare count. Nodes that are
/// down are left out (their count is unknown, not 0).
fn counts_answer(call: &Call<'_>, counts: Vec<PerNode<usize>>) -> Rendered {
    let known: Vec<(String, usize)> =
        counts.into_iter().filter_map(|entry| entry.value.ok().map(|count| (entry.node, count))).collect();
    if call.request.non_empty("nodename").is_some() {
        let count = known.first().map(|(_, count)| *count).unwrap_or(0);
        return Rendered::text(&call.output, count.to_string());
    }
    let total: usize = known.iter().map(|(_, count)| count).sum();
    match call.output.format {
        Format::Json => {
            let mut object = Map::new();
            for (node, count) in &known {
                object.insert(node.clone(), json!(count));
            }
            object.insert("total".into(), json!(total));
            Rendered::json(&call.output, &Json::Object(object))
        }
        _ => {
            let pairs: Vec<(String, String)> =
                known.into_iter().map(|(node, count)| (node, count.to_string())).collect();
            Rendered::text(&call.output, plain::pair_line(&pairs, ":"))
        }
    }
}

/// COUNTCHANNELS (§1.9 row 62).
pub async fn count_channels(core: &Core, call: &Call<'_>) -> Rendered {
    match reads::channel_counts(core, &call.principal, &read_scope(call)).await {
        Ok(counts) => counts_answer(call, counts),
        Err(ServiceError::TenantNotFound) => Rendered::text(&call.output, errors::WRONG_OR_MISSING_TENANT),
        Err(err) => action_error(call, err),
    }
}

/// COUNTCALLS: a bare integer, `0` included.
pub async fn count_calls(core: &Core, call: &Call<'_>) -> Rendered {
    match reads::call_count(core, &call.principal, &read_scope(call)).await {
        Ok(count) => Rendered::text(&call.output, count.to_string()),
        Err(err) => action_error(call, err),
    }
}

/// GETCURRENTCALLS: the channels of extension `phone`; one (or with `multiple=yes`, every) line
/// `<channel>|<callerid>|<connected number>|<state>|<seconds>|`; no call → empty body.
pub async fn current_calls(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let Some(phone) = call.request.non_empty("phone") else { return Rendered::empty(&call.output) };
    let number = extension_number(phone, tenant);
    let found = match extension_channels(core, call, tenant, number).await {
        Ok(found) => found,
        Err(err) => return action_error(call, err),
    };
    let multiple = yes(call, "multiple");
    let shown: Vec<&LiveChannel> = if multiple { found.iter().collect() } else { found.iter().take(1).collect() };
    if shown.is_empty() {
        return Rendered::empty(&call.output);
    }
    let object = |live: &LiveChannel| {
        json!({
            "channel": live.channel.name,
            "callerid": live.channel.caller_id_num,
            "connected": live.channel.connected_line_num,
            "state": live.channel.state,
            "seconds": live.seconds,
        })
    };
    match call.output.format {
        Format::Json if multiple => {
            Rendered::json(&call.output, &Json::Array(shown.iter().map(|l| object(l)).collect()))
        }
        Format::Json => Rendered::json(&call.output, &object(shown[0])),
        _ => {
            let body: String = shown
                .iter()
                .map(|live| {
                    let seconds = live.seconds.to_string();
                    let fields = [
                        live.channel.name.as_str(),
                        live.channel.caller_id_num.as_str(),
                        live.channel.connected_line_num.as_str(),
                        live.channel.state.as_str(),
                        seconds.as_str(),
                    ];
                    format!("{}\n", plain::result_line(&fields))
                })
                .collect();
            Rendered::text(&call.output, if multiple { body } else { body.trim_end().to_string() })
        }
    }
}

const PEER_KEYS: [&str; 11] =
    ["node", "Name", "Host", "Dyn", "Forcerport", "Comedia", "ACL", "Port", "Status", "Description", "Realtime"];

/// PEERS / CHANSIPPEERS: the chan_sip-style 11 columns (§6 Q16), filled from PJSIP endpoints.
pub async fn peers(core: &Core, call: &Call<'_>) -> Rendered {
    let gathered = match reads::peers(core, &call.principal, &read_scope(call)).await {
        Ok(gathered) => gathered,
        Err(err) => return action_error(call, err),
    };
    let records: Vec<LegacyRecord> = gathered
        .items
        .iter()
        .map(|live| {
            let peer = &live.peer;
            let contact = peer.contacts.first();
            let (host, port) = contact.map(|c| host_and_port(&c.uri)).unwrap_or(("(Unspecified)".into(), "0".into()));
            let status = match contact {
                Some(c) if c.status == "Reachable" => match c.roundtrip_usec {
                    Some(usec) => format!("OK ({} ms)", usec / 1000),
                    None => "OK".to_string(),
                },
                Some(c) if c.status == "NonQualified" => "Unmonitored".to_string(),
                Some(_) => "UNREACHABLE".to_string(),
                None => "UNKNOWN".to_string(),
            };
            let mut record = LegacyRecord::with_capacity(11);
            for (key, value) in PEER_KEYS.iter().zip([
                live.node.clone(),
                peer.endpoint.clone(),
                host,
                "D".to_string(),
                "Auto (No)".to_string(),
                "No".to_string(),
                "No".to_string(),
                port,
                status,
                String::new(),
                "Cached RT".to_string(),
            ]) {
                record.push(*key, value);
            }
            record
        })
        .collect();
    super::records::table_or_array(&call.output, &PEER_KEYS, &records)
}

/// `sip:103-DEMO-0x55@127.0.0.1:5070;ob` → (`127.0.0.1`, `5070`).
fn host_and_port(uri: &str) -> (String, String) {
    let after_user = uri.rsplit_once('@').map(|(_, rest)| rest).unwrap_or(uri);
    let after_scheme =
        after_user.strip_prefix("sip:").or_else(|| after_user.strip_prefix("sips:")).unwrap_or(after_user);
    let host_port = after_scheme.split([';', '>']).next().unwrap_or_default();
    match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (host.to_string(), port.to_string()),
        _ => (host_port.to_string(), "5060".to_string()),
    }
}

/// COUNTPEERS: registered peers per node.
pub async fn count_peers(core: &Core, call: &Call<'_>) -> Rendered {
    match reads::peer_counts(core, &call.principal, &read_scope(call)).await {
        Ok(counts) => counts_answer(call, counts),
        Err(err) => action_error(call, err),
    }
}

/// Legacy device-state word of an extension status (§1.3: `INUSE`, `NOT_INUSE`, ...).
fn state_word(status: i32) -> &'static str {
    match status {
        0 => "NOT_INUSE",
        1 => "INUSE",
        2 => "BUSY",
        4 => "UNAVAILABLE",
        8 => "RINGING",
        9 => "RINGINUSE",
        16 => "ONHOLD",
        17 => "INUSE",
        _ => "UNKNOWN",
    }
}

fn blf_record(state: &ExtensionState) -> LegacyRecord {
    let since: chrono::DateTime<chrono::Local> = state.since.into();
    let mut record = LegacyRecord::with_capacity(3);
    record.push("st_extension", state.exten.clone());
    record.push("st_state", state_word(state.status));
    // Legacy `st_timestamp` has minutes only, server local time (§0.13).
    record.push("st_timestamp", since.format("%Y-%m-%d %H:%M").to_string());
    record
}

/// BLFS: the tenant's hint states; json with positional twins, plain doubled.
pub async fn blfs(core: &Core, call: &Call<'_>) -> Rendered {
    if call.tenant.is_none() {
        return Rendered::empty(&call.output);
    }
    let gathered = match reads::extension_states(core, &call.principal, &read_scope(call)).await {
        Ok(gathered) => gathered,
        Err(err) => return action_error(call, err),
    };
    let records: Vec<LegacyRecord> = gathered.items.iter().map(|live| blf_record(&live.state)).collect();
    super::records::doubled_list(&call.output, &records)
}

/// AGENT: pause / unpause / listqueues / del (§1.4 row 26).
pub async fn agent(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let req = call.request;
    let Some(extension) = req.non_empty("extension") else {
        return Rendered::text(&call.output, errors::NO_EXTENSION_SPECIFIED);
    };
    let ext = ExtensionRef::Name(extension);
    let queues = match (req.non_empty("queue"), req.non_empty("queuenumber")) {
        (Some(queue), _) if queue.eq_ignore_ascii_case("ALL") => AgentQueues::All,
        (Some(queue), _) => match queue.trim().parse::<i64>() {
            Ok(id) => AgentQueues::One(QueueRef::Id(id)),
            Err(_) => return Rendered::empty(&call.output),
        },
        (None, Some(number)) => AgentQueues::One(QueueRef::Number(number)),
        (None, None) => AgentQueues::All,
    };
    let action = req.get("action").unwrap_or_default().to_ascii_lowercase();
    let result = match action.as_str() {
        "pause" | "unpause" => {
            let paused = action == "pause";
            queues::set_paused(core, &call.principal, tenant, ext, queues, paused, req.non_empty("pausereason"))
                .await
                .map(|_| Rendered::text(&call.output, errors::OK))
        }
        "del" | "remove" => queues::remove_agent(core, &call.principal, tenant, ext, queues)
            .await
            .map(|_| Rendered::text(&call.output, errors::OK)),
        "add" => {
            let AgentQueues::One(queue) = queues else {
                return Rendered::text(&call.output, errors::NO_QUEUE_SPECIFIED);
            };
            match super::queue::member_change(req) {
                Ok(change) => crate::service::queue_members::put(core, &call.principal, tenant, queue, ext, &change)
                    .await
                    .map(|_| Rendered::text(&call.output, errors::OK)),
                Err(err) => Err(err),
            }
        }
        "listqueues" | "list" => {
            queues::agent_queues(core, &call.principal, tenant, ext).await.map(|list| match call.output.format {
                Format::Json => Rendered::json(
                    &call.output,
                    &Json::Array(
                        list.iter()
                            .map(|q| {
                                json!({
                                    "qu_id": q.membership.queue_id.to_string(),
                                    "qu_name": q.membership.queue_name,
                                    "paused": if q.membership.paused { "1" } else { "0" },
                                    "pausereason": q.pause_reason,
                                    "penalty": q.membership.penalty.to_string(),
                                    "type": q.membership.kind,
                                })
                            })
                            .collect(),
                    ),
                ),
                _ => {
                    let pairs: Vec<(String, String)> = list
                        .iter()
                        .map(|q| {
                            (q.membership.queue_id.to_string(), if q.membership.paused { "1" } else { "0" }.to_string())
                        })
                        .collect();
                    Rendered::text(&call.output, plain::pair_line(&pairs, ":"))
                }
            })
        }
        _ => return Rendered::text(&call.output, errors::UNKNOWN_ACTION),
    };
    match result {
        Ok(rendered) => rendered,
        // Not an agent (or unknown extension/queue): empty body.
        Err(err) => miss_or_error(call, err),
    }
}

/// QUEUERESET `queueid`: OK.
pub async fn queue_reset(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, errors::KEY_ERROR) };
    let Some(raw) = call.request.get_any(&["queueid", "id", "number"]).filter(|v| !v.is_empty()) else {
        return Rendered::text(&call.output, errors::NO_QUEUE_SPECIFIED);
    };
    let queue = match raw.trim().parse::<i64>() {
        Ok(id) => QueueRef::Id(id),
        Err(_) => return Rendered::empty(&call.output),
    };
    match queues::reset(core, &call.principal, tenant, queue).await {
        Ok(()) => Rendered::text(&call.output, errors::OK),
        Err(ServiceError::NotFound(_)) => Rendered::empty(&call.output),
        Err(err) => action_error(call, err),
    }
}

/// INFO extstate `ext`: the extension's current call (§1.3 row 9); nothing → `\r\n`.
pub async fn info_extstate(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, "\r\n") };
    let Some(ext) = call.request.non_empty("ext") else { return Rendered::text(&call.output, "\r\n") };
    let number = extension_number(ext, tenant);
    let found = match extension_channels(core, call, tenant, number).await {
        Ok(found) => found,
        Err(err) => return action_error(call, err),
    };
    let Some(live) = found.first() else {
        return match call.output.format {
            Format::Json => Rendered::json(&call.output, &json!({})),
            _ => Rendered::text(&call.output, "\r\n"),
        };
    };
    let channel = &live.channel;
    match call.output.format {
        Format::Json => Rendered::json(
            &call.output,
            &json!({"UniqueID": channel.uniqueid, "LinkedID": channel.linkedid, "State": channel.state, "Number": channel.connected_line_num}),
        ),
        _ => Rendered::text(
            &call.output,
            plain::result_line(&[&channel.state, &channel.connected_line_num, &channel.uniqueid, &channel.linkedid]),
        ),
    }
}

/// INFO regstate `ext`: `REGISTERED|<ip:port>|<user agent>|` or `UNREGISTERED|||`.
pub async fn info_regstate(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::empty(&call.output) };
    let Some(ext) = call.request.non_empty("ext") else { return Rendered::empty(&call.output) };
    let number = extension_number(ext, tenant);
    let endpoint = format!("{number}-{tenant}");
    let scope = ReadScope { tenant: Some(tenant), ..ReadScope::default() };
    let gathered = match reads::peers(core, &call.principal, &scope).await {
        Ok(gathered) => gathered,
        Err(err) => return action_error(call, err),
    };
    let contact = gathered
        .items
        .iter()
        .filter(|live| live.peer.endpoint == endpoint)
        .flat_map(|live| live.peer.contacts.iter())
        .find(|contact| contact.status != "Unreachable");
    let (state, address, agent) = match contact {
        Some(contact) => {
            let (host, port) = host_and_port(&contact.uri);
            ("REGISTERED", format!("{host}:{port}"), contact.user_agent.clone())
        }
        None => ("UNREGISTERED", String::new(), String::new()),
    };
    match call.output.format {
        Format::Json => Rendered::json(&call.output, &json!({"State": state, "Contact": address, "UserAgent": agent})),
        _ => Rendered::text(&call.output, plain::result_line(&[state, &address, &agent])),
    }
}

/// REBOOT and UNREGISTER `peer=<name>|ALL` (§1.3 rows 21-22): P-ACT. A reboot is a PJSIP NOTIFY
/// `check-sync`; unregistering a phone has no AMI action (see `service::live::peers`) and answers
/// the reason as an error line.
pub async fn peer_action(core: &Core, call: &Call<'_>, reboot: bool) -> Rendered {
    let Some(tenant) = call.tenant else { return action_result::error(call, "No tenant specified") };
    let Some(peer) = call.request.non_empty("peer") else { return action_result::error(call, "No peer specified") };
    let result = if reboot {
        crate::service::live::peers::reboot(core, &call.principal, tenant, peer).await
    } else {
        crate::service::live::peers::unregister(core, &call.principal, tenant, peer).await
    };
    match result {
        Ok(_) if reboot => action_result::success(call, "NOTIFY sent", ""),
        Ok(_) => action_result::success(call, "Unregistration sent", ""),
        Err(ServiceError::NotFound(_)) => action_result::error(call, "No peer found"),
        Err(err) => action_error(call, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_uris_give_host_and_port() {
        assert_eq!(host_and_port("sip:103-DEMO-0x55@127.0.0.1:5070;ob"), ("127.0.0.1".into(), "5070".into()));
        assert_eq!(host_and_port("sip:10.0.0.9"), ("10.0.0.9".into(), "5060".into()));
    }

    #[test]
    fn extension_status_words() {
        assert_eq!(state_word(0), "NOT_INUSE");
        assert_eq!(state_word(8), "RINGING");
        assert_eq!(state_word(-1), "UNKNOWN");
    }
}
