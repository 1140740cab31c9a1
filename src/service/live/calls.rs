//! Call control: originate (DIAL, `POST /calls`), hang up, blind and attended transfer. Every value
//! is checked before anything is sent, and [`crate::pbx::ami::Action::header`] refuses CR/LF, so
//! bad input never reaches the PBX.

use super::reads::{self, LiveChannel, ReadScope};
use super::{Viewer, action_node};
use crate::auth::Principal;
use crate::domain::bounds::IntRange;
use crate::pbx::ami::{Action, Message};
use crate::pbx::{Node, PbxError};
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::service::access::{self, Intent, TenantScope};
use crate::service::lookup::{self, ExtensionRef};
use crate::service::{Core, ServiceError, ServiceResult, idempotency};
use crate::store::originates::{self as store, NewOriginate, OriginateRow};

/// Longest destination accepted (E.164 plus prefixes and feature codes).
const MAX_DEST: usize = crate::domain::bounds::Length::DIAL_STRING.max;

/// A DIAL / `POST /calls`: ring `source` first; when it answers, dial `dest` in the tenant's context.
#[derive(Debug, Clone, Default)]
pub struct OriginateRequest {
    /// The source extension (number or `<number>-<TENANT>`), or `ACCOUNT` = the account's number.
    pub source: String,
    /// The destination: digits, `*`, `#`, `+`.
    pub dest: String,
    /// Extension username whose account code the call carries, or `SOURCE`.
    pub account: Option<String>,
    /// Channel variables, set as `<TENANT>-<name>` (CONTRACT §1.9 row 56).
    pub variables: Vec<(String, String)>,
    /// Seconds the source may ring ([`CALL_SECONDS`]).
    pub ring_timeout: Option<i64>,
    /// Longest call, seconds (`TIMEOUT(absolute)`, [`CALL_SECONDS`]).
    pub max_duration: Option<i64>,
    /// Caller id shown on the source phone.
    pub source_clid: Option<String>,
    /// Caller id presented to the destination (`DESTCLID` for the dialplan).
    pub dest_clid: Option<String>,
    /// `yes`/`no`/`yeschange`/`nochange` (`RECORDING` for the dialplan).
    pub recording: Option<String>,
    /// Answer the source phone automatically (`AUTOANSWER=yes`).
    pub auto_answer: bool,
    /// Do not follow the source's forwards (`NOFOLLOW=yes`).
    pub no_follow: bool,
    /// Node to use; default: the first available.
    pub node: Option<String>,
}

/// A placed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Originated {
    /// The originate id (14 lowercase hex digits); the CDR's `originateid`.
    pub id: String,
    /// The node it went to.
    pub node: String,
    /// Source extension number.
    pub source: String,
    /// Destination.
    pub dest: String,
    /// An idempotent retry: this is the first request's call, nothing new was placed.
    pub replayed: bool,
}

/// Why an idempotent originate did not run.
#[derive(Debug)]
pub enum OriginateOutcome {
    /// Placed now, or replayed from the first request with the same key.
    Placed(Originated),
    /// The key was used before for a different request.
    KeyReused,
}

pub(super) fn check_dest(dest: &str) -> ServiceResult<()> {
    let ok =
        !dest.is_empty() && dest.len() <= MAX_DEST && dest.chars().all(|c| c.is_ascii_digit() || "*#+".contains(c));
    if ok { Ok(()) } else { Err(ServiceError::invalid("dest", "must be 1-40 characters of 0-9, *, # or +")) }
}

fn check_variable(name: &str, value: &str) -> ServiceResult<()> {
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_ok {
        return Err(ServiceError::invalid("var", format!("{name:?}: names are 1-64 characters of A-Z, 0-9 and _")));
    }
    // Asterisk splits an Originate `Variable:` on commas (capture 12), so a comma would set a second,
    // caller-chosen variable; line breaks and other control characters would break the framing.
    if value.len() > 1024 || value.contains(',') || value.chars().any(crate::pbx::ami::breaks_framing) {
        return Err(ServiceError::invalid(
            "var",
            format!("{name}: values are at most 1024 characters without , line breaks or control characters"),
        ));
    }
    Ok(())
}

pub(super) fn check_clid(field: &'static str, value: &Option<String>) -> ServiceResult<()> {
    match value {
        Some(v) if v.len() > 80 || v.contains(['\r', '\n', ',']) => {
            Err(ServiceError::invalid(field, "at most 80 characters without , or line breaks"))
        }
        _ => Ok(()),
    }
}

/// A fresh originate id: 14 lowercase hex digits (CONTRACT §0.13).
fn new_originate_id() -> String {
    let bytes: [u8; 7] = rand::random();
    hex::encode(bytes)
}

struct Checked {
    source_number: String,
    account: Option<String>,
    /// `recording` as the dialplan spells it (input case is folded).
    recording: Option<&'static str>,
}

/// Recording modes of a DIAL (CONTRACT row 56), as the dialplan reads them.
pub const RECORDING_MODES: [&str; 4] = ["yes", "no", "yeschange", "nochange"];

/// Ring and call-length limits a caller may ask for, in seconds (one day).
pub const CALL_SECONDS: IntRange = IntRange { min: 0, max: 86_400 };

async fn check(core: &Core, scope: &TenantScope, request: &OriginateRequest) -> ServiceResult<Checked> {
    check_dest(&request.dest)?;
    for (name, value) in &request.variables {
        check_variable(name, value)?;
    }
    check_clid("sourceclid", &request.source_clid)?;
    check_clid("destclid", &request.dest_clid)?;
    for (field, seconds) in [("dialtimeout", request.ring_timeout), ("timeout", request.max_duration)] {
        if seconds.is_some_and(|s| !CALL_SECONDS.admits(s)) {
            return Err(ServiceError::invalid(field, CALL_SECONDS.message()));
        }
    }
    let recording = match request.recording.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(mode) => Some(
            RECORDING_MODES
                .into_iter()
                .find(|m| m.eq_ignore_ascii_case(mode))
                .ok_or_else(|| ServiceError::invalid("recording", "must be yes, no, yeschange or nochange"))?,
        ),
    };
    let (source_number, account) = resolve_source(core, scope, &request.source, request.account.as_deref()).await?;
    Ok(Checked { source_number, account, recording })
}

/// The source extension number of a DIAL or SMS (`source`, or `ACCOUNT` = the account's number)
/// and the account username (`account`, or `SOURCE` = the source's own), both of the tenant.
pub async fn resolve_source(
    core: &Core,
    scope: &TenantScope,
    source: &str,
    account: Option<&str>,
) -> ServiceResult<(String, Option<String>)> {
    let mut conn = core.db().pool().acquire().await?;
    let account_row = match account {
        None | Some("") => None,
        Some(name) if name.eq_ignore_ascii_case("SOURCE") => None,
        Some(name) => Some(lookup::extension(&mut conn, scope, ExtensionRef::Name(name)).await.map_err(|_| {
            ServiceError::invalid("account", "must be an extension of the tenant (number or <number>-<TENANT>)")
        })?),
    };
    let source_name = if source.eq_ignore_ascii_case("ACCOUNT") {
        account_row
            .as_ref()
            .map(|row| row.text("ex_number").to_string())
            .ok_or_else(|| ServiceError::invalid("source", "source=ACCOUNT needs an account"))?
    } else {
        source.to_string()
    };
    if source_name.is_empty() {
        return Err(ServiceError::invalid("source", "the source extension is required"));
    }
    let source = lookup::extension(&mut conn, scope, ExtensionRef::Name(&source_name))
        .await
        .map_err(|_| ServiceError::invalid("source", "must be an extension of the tenant"))?;
    let source_number = source.text("ex_number").to_string();
    let account_number = match (&account_row, account) {
        (Some(row), _) => Some(row.text("ex_number").to_string()),
        (None, Some(name)) if name.eq_ignore_ascii_case("SOURCE") => Some(source_number.clone()),
        _ => None,
    };
    let account_name = account_number.map(|number| crate::service::extensions::username(&number, &scope.code));
    Ok((source_number, account_name))
}

fn originate_action(
    core: &Core,
    scope: &TenantScope,
    request: &OriginateRequest,
    checked: &Checked,
    id: &str,
) -> ServiceResult<Action> {
    let dialplan = &core.config().pbx.dialplan;
    // `check` admitted only CALL_SECONDS, so the conversion cannot fail.
    let ring = request
        .ring_timeout
        .map(|s| std::time::Duration::from_secs(u64::try_from(s).unwrap_or_default()))
        .unwrap_or(dialplan.ring_timeout);
    let mut action = Action::new("Originate")
        .header("Channel", dialplan.device_of(&scope.code, &checked.source_number))?
        .header("Context", dialplan.context_of(&scope.code))?
        .header("Exten", request.dest.clone())?
        .header("Priority", "1")?
        .header("Async", "true")?
        .header("Timeout", ring.as_millis().to_string())?
        .optional("CallerID", request.source_clid.clone())?
        .optional("Account", checked.account.clone())?
        // The dialplan copies this into the CDR's originateid column (README, "Dialplan").
        .header("Variable", format!("CDR(originateid)={id}"))?
        .header("Variable", format!("__ORIGINATEID={id}"))?;
    action = with_tenant(action, scope.tenant_id, &scope.code)?;
    if let Some(seconds) = request.max_duration {
        action = action.header("Variable", format!("TIMEOUT(absolute)={seconds}"))?;
    }
    for (name, value) in [
        ("__DESTCLID", request.dest_clid.as_deref()),
        ("__RECORDING", checked.recording),
        ("__AUTOANSWER", request.auto_answer.then_some("yes")),
        ("__NOFOLLOW", request.no_follow.then_some("yes")),
    ] {
        if let Some(value) = value {
            action = action.header("Variable", format!("{name}={value}"))?;
        }
    }
    for (name, value) in &request.variables {
        action = action.header("Variable", format!("{}-{name}={value}", scope.code))?;
    }
    Ok(action)
}

fn request_hash(request: &OriginateRequest) -> String {
    let variables: Vec<String> = request.variables.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let numbers = [request.ring_timeout, request.max_duration].map(|n| n.map(|n| n.to_string()).unwrap_or_default());
    let flags = format!("{}{}", u8::from(request.auto_answer), u8::from(request.no_follow));
    let optional = [&request.account, &request.source_clid, &request.dest_clid, &request.recording, &request.node]
        .map(|v| v.clone().unwrap_or_default());
    let parts = [request.source.as_str(), request.dest.as_str(), flags.as_str()]
        .into_iter()
        .chain(numbers.iter().map(String::as_str))
        .chain(optional.iter().map(String::as_str))
        .chain(variables.iter().map(String::as_str))
        .map(str::as_bytes);
    idempotency::request_digest(parts)
}

/// Places a call. With an idempotency key (REST), a retry of the same request answers with the
/// first call; the key is reserved before anything is sent, so concurrent retries cannot both dial.
#[tracing::instrument(name = "service.calls.originate", skip_all)]
pub async fn originate(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    request: &OriginateRequest,
    idempotency_key: Option<&str>,
) -> ServiceResult<OriginateOutcome> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    if let Some(key) = idempotency_key {
        idempotency::check_key(key)?;
    }
    let checked = check(core, &scope, request).await?;
    let hash = request_hash(request);
    if let Some(key) = idempotency_key {
        let mut conn = core.db().pool().acquire().await?;
        if let Some(existing) = store::by_idempotency_key(&mut conn, scope.tenant_id, key).await? {
            return Ok(replay(existing, &hash));
        }
    }
    let node = action_node(core, request.node.as_deref())?;
    let id = new_originate_id();
    let action = originate_action(core, &scope, request, &checked, &id)?;
    let row = OriginateRow {
        originate_id: id.clone(),
        node: node.name().to_string(),
        source: checked.source_number.clone(),
        dest: request.dest.clone(),
        status: "SENDING".into(),
        created_at: crate::store::now_text(),
        request_hash: Some(hash.clone()),
    };
    {
        let mut tx = core.db().begin().await?;
        let inserted =
            store::insert(&mut tx, &NewOriginate { tenant_id: scope.tenant_id, row: &row, idempotency_key }).await?;
        if inserted {
            let change = crate::service::audit::Change::new("call", "originate").id(&id).in_scope(&scope).after(
                serde_json::json!({ "node": row.node, "source": row.source, "dest": row.dest, "idempotency_key": idempotency_key }),
            );
            crate::service::audit::record(&mut tx, principal, change).await?;
        }
        tx.commit().await?;
        if !inserted {
            // A concurrent retry with the same key reserved it first: its call is the answer.
            let mut conn = core.db().pool().acquire().await?;
            let existing =
                store::by_idempotency_key(&mut conn, scope.tenant_id, idempotency_key.unwrap_or_default()).await?;
            return existing.map(|e| replay(e, &hash)).ok_or_else(|| {
                ServiceError::conflict(ConflictKind::Busy, "a call with this idempotency key is being placed")
            });
        }
    }
    send_reserved(core, node, &action, &id).await?;
    tracing::info!(tenant = %scope.code, node = node.name(), originate_id = %id, "call originated");
    Ok(OriginateOutcome::Placed(Originated {
        id,
        node: node.name().to_string(),
        source: checked.source_number,
        dest: request.dest.clone(),
        replayed: false,
    }))
}

/// Sends an Originate whose `lo_originates` row is reserved (`SENDING`) and records what became of
/// it; answers Asterisk's response (its ActionID matches the later OriginateResponse).
async fn send_reserved(core: &Core, node: &Node, action: &Action, id: &str) -> ServiceResult<Message> {
    let sent = node.send(action).await;
    let mut conn = core.db().pool().acquire().await?;
    match sent {
        Ok(answer) => {
            store::set_status(&mut conn, id, "QUEUED").await?;
            Ok(answer)
        }
        // No answer in time: the call may exist, so the reservation stays and a retry replays it.
        Err(err @ PbxError::Timeout { .. }) => {
            store::set_status(&mut conn, id, "UNKNOWN").await?;
            Err(err.into())
        }
        // Certainly not placed: forget the reservation so the caller may retry.
        Err(err) => {
            store::delete(&mut conn, id).await?;
            Err(err.into())
        }
    }
}

/// A call the gateway places on its own behalf (the campaign dialer): `dest` is dialled out through
/// the tenant's context (`Local/<dest>@<context>`, so its routes, caller id and billing apply) and,
/// once answered, continues at `exten@context`. Authorization happened when the campaign was
/// started; this only checks values.
#[derive(Debug, Clone)]
pub struct OutboundCall<'a> {
    /// Tenant (`te_id`).
    pub tenant_id: i64,
    /// Tenant code.
    pub tenant: &'a str,
    /// Who placed it, for `lo_originates.lo_source` (e.g. `campaign:12`).
    pub placed_by: String,
    /// Number to dial: digits, `*`, `#`, `+`.
    pub dest: &'a str,
    /// Context the answered call continues in.
    pub context: String,
    /// Extension the answered call continues at.
    pub exten: String,
    /// Channel variables (checked like DIAL's `var`, set unprefixed).
    pub variables: Vec<(String, String)>,
}

/// An outbound call handed to Asterisk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// The originate id (CDR `originateid`).
    pub id: String,
    /// The node.
    pub node: String,
    /// ActionID of the Originate: its OriginateResponse carries the same.
    pub action_id: String,
    /// The channel Asterisk will create (`Local/<dest>@<context>`), the prefix of the
    /// OriginateResponse `Channel`.
    pub channel: String,
}

/// The Originate of an [`OutboundCall`]; `id` is its originate id.
pub fn outbound_action(core: &Core, call: &OutboundCall<'_>, id: &str) -> ServiceResult<(Action, String)> {
    check_dest(call.dest)?;
    for (name, value) in &call.variables {
        check_variable(name, value)?;
    }
    let dialplan = &core.config().pbx.dialplan;
    let channel = format!("Local/{}@{}", call.dest, dialplan.context_of(call.tenant));
    let mut action = Action::new("Originate")
        .header("Channel", channel.clone())?
        .header("Context", call.context.clone())?
        .header("Exten", call.exten.clone())?
        .header("Priority", "1")?
        .header("Async", "true")?
        .header("Timeout", dialplan.ring_timeout.as_millis().to_string())?
        .header("Variable", format!("CDR(originateid)={id}"))?
        .header("Variable", format!("__ORIGINATEID={id}"))?;
    action = with_tenant(action, call.tenant_id, call.tenant)?;
    for (name, value) in &call.variables {
        action = action.header("Variable", format!("{name}={value}"))?;
    }
    Ok((action, channel))
}

/// The tenant of an originated call, for the generated dialplan (`pbxgw-tenant`): it fills the
/// CDR's `te_id` and dials only that tenant's extensions (`pbx::node_config`); `CHANNEL(tenantid)`
/// makes the node report the tenant in every event of the channel, Local ones included
/// (`pbx::tenant` rule 0).
fn with_tenant(action: Action, tenant_id: i64, code: &str) -> ServiceResult<Action> {
    Ok(action
        .header("Variable", format!("CHANNEL(tenantid)={code}"))?
        .header("Variable", format!("__PBXGW_TENANT={code}"))?
        .header("Variable", format!("__PBXGW_TENANT_ID={tenant_id}"))?)
}

/// Places an [`OutboundCall`] with originate id `id` (from [`fresh_originate_id`]) on `node` (the
/// caller picks it, so it can claim no work while no node is available), recorded in
/// `lo_originates` like every DIAL.
pub async fn originate_outbound(
    core: &Core,
    node: &Node,
    call: &OutboundCall<'_>,
    id: &str,
) -> ServiceResult<PlacedCall> {
    let (action, channel) = outbound_action(core, call, id)?;
    let row = OriginateRow {
        originate_id: id.to_string(),
        node: node.name().to_string(),
        source: call.placed_by.clone(),
        dest: call.dest.to_string(),
        status: "SENDING".into(),
        created_at: crate::store::now_text(),
        request_hash: None,
    };
    {
        let mut tx = core.db().begin().await?;
        store::insert(&mut tx, &NewOriginate { tenant_id: call.tenant_id, row: &row, idempotency_key: None }).await?;
        tx.commit().await?;
    }
    let answer = send_reserved(core, node, &action, id).await?;
    tracing::info!(tenant = call.tenant, node = node.name(), originate_id = %id, "outbound call originated");
    Ok(PlacedCall {
        id: id.to_string(),
        node: node.name().to_string(),
        action_id: answer.action_id().unwrap_or_default().to_string(),
        channel,
    })
}

/// A fresh originate id for a call placed with [`originate_outbound`].
pub fn fresh_originate_id() -> String {
    new_originate_id()
}

fn replay(existing: OriginateRow, hash: &str) -> OriginateOutcome {
    if existing.request_hash.as_deref() != Some(hash) {
        return OriginateOutcome::KeyReused;
    }
    OriginateOutcome::Placed(Originated {
        id: existing.originate_id,
        node: existing.node,
        source: existing.source,
        dest: existing.dest,
        replayed: true,
    })
}

/// What to hang up.
#[derive(Debug, Clone)]
pub enum HangupTarget {
    /// A channel by name or unique id.
    Channel(String),
    /// Every channel of an extension (number or `<number>-<TENANT>`).
    Extension(String),
}

/// A channel of the tenant the action already resolved (no second tenant lookup).
async fn visible_channel(core: &Core, scope: &TenantScope, name: &str) -> ServiceResult<LiveChannel> {
    let viewer = Viewer::Tenant(scope.code.clone());
    reads::channel_seen_by(core, &viewer, &ReadScope { tenant: Some(&scope.code), ..ReadScope::default() }, name).await
}

/// Hangs up a channel or all channels of an extension; answers how many. Nothing visible to the
/// caller is `NotFound(Missing::Channel)` — also for another tenant's channel.
#[tracing::instrument(name = "service.calls.hangup", skip_all)]
pub async fn hangup(core: &Core, principal: &Principal, tenant: &str, target: &HangupTarget) -> ServiceResult<usize> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let channels = match target {
        HangupTarget::Channel(name) => vec![visible_channel(core, &scope, name).await?],
        HangupTarget::Extension(ext) => {
            let mut conn = core.db().pool().acquire().await?;
            let row = lookup::extension(&mut conn, &scope, ExtensionRef::Name(ext)).await?;
            drop(conn);
            reads::extension_channels(core, &Viewer::Tenant(scope.code.clone()), &scope.code, row.text("ex_number"))
                .await?
        }
    };
    if channels.is_empty() {
        return Err(ServiceError::NotFound(Missing::Channel));
    }
    for live in &channels {
        let node = core.pbx().node(&live.node)?;
        let action = Action::new("Hangup").header("Channel", live.channel.name.clone())?.header("Cause", "16")?;
        node.send(&action).await?;
    }
    Ok(channels.len())
}

/// Blind transfer (Redirect) of a visible channel to `dest` in the tenant's context;
/// `extra_channel` (the other leg) is moved along when given.
#[tracing::instrument(name = "service.calls.transfer", skip_all)]
pub async fn transfer(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    channel: &str,
    dest: &str,
    extra_channel: Option<&str>,
) -> ServiceResult<LiveChannel> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    check_dest(dest)?;
    let live = visible_channel(core, &scope, channel).await?;
    let extra = match extra_channel {
        Some(extra) => Some(visible_channel(core, &scope, extra).await?.channel.name),
        None => None,
    };
    let context = core.config().pbx.dialplan.context_of(&scope.code);
    let mut action = Action::new("Redirect")
        .header("Channel", live.channel.name.clone())?
        .header("Context", context.clone())?
        .header("Exten", dest)?
        .header("Priority", "1")?;
    if let Some(extra) = extra {
        action = action
            .header("ExtraChannel", extra)?
            .header("ExtraContext", context)?
            .header("ExtraExten", dest)?
            .header("ExtraPriority", "1")?;
    }
    core.pbx().node(&live.node)?.send(&action).await?;
    Ok(live)
}

/// Attended transfer (Atxfer): the channel's peer is put on hold while `dest` is dialled. Needs an
/// `atxfer` feature code in features.conf (capture 17a: "No attended transfer feature code found").
#[tracing::instrument(name = "service.calls.attended_transfer", skip_all)]
pub async fn attended_transfer(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    channel: &str,
    dest: &str,
) -> ServiceResult<LiveChannel> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    check_dest(dest)?;
    let live = visible_channel(core, &scope, channel).await?;
    let action = Action::new("Atxfer")
        .header("Channel", live.channel.name.clone())?
        .header("Exten", dest)?
        .header("Context", core.config().pbx.dialplan.context_of(&scope.code))?;
    core.pbx().node(&live.node)?.send(&action).await?;
    Ok(live)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_dialable_digits_only() {
        for ok in ["9922323232", "+3912345", "*72", "#1"] {
            assert!(check_dest(ok).is_ok(), "{ok}");
        }
        for bad in ["", "99a", "100@other", "1 2", "1\r\nAction: Hangup", &"1".repeat(41)] {
            assert!(check_dest(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn variables_cannot_inject_headers_or_second_variables() {
        assert!(check_variable("callid", "453131").is_ok());
        for (name, value) in [
            ("callid", "1\r\nAction: Hangup"),
            ("callid", "1,CDR(originateid)=x"),
            ("CDR(x)", "1"),
            ("a-b", "1"),
            ("", "1"),
        ] {
            assert!(check_variable(name, value).is_err(), "{name}={value:?}");
        }
    }

    #[test]
    fn originate_ids_are_14_lowercase_hex_digits() {
        let id = new_originate_id();
        assert_eq!(id.len(), 14);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
