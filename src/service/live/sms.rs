//! SMS (legacy SMS, `POST /sms`): a text from one of the tenant's extensions, sent with AMI
//! `MessageSend`, and recorded in `sm_sms` whether the PBX took it or not.
//!
//! Addressing: a destination that is an extension of the tenant goes to its endpoint,
//! `pjsip:<number>-<TENANT>`; any other destination must be a dialable number and goes through the
//! deployment's `PBXGW_SMS_EXTERNAL_TO` template (e.g. `pjsip:{number}@sms-trunk`); without it,
//! external SMS are refused. `From:` is the source extension's caller id (`"<name>" <<number>>`),
//! or `destclid` when given. A message with line breaks travels as `Base64Body` (capture 46):
//! `Body` is a header, and a header cannot hold CR or LF.

use base64::Engine as _;

use super::action_node;
use super::calls::{check_clid, check_dest, resolve_source};
use crate::auth::Principal;
use crate::pbx::PbxError;
use crate::pbx::ami::Action;
use crate::service::Missing;
use crate::service::access::{self, Intent, TenantScope};
use crate::service::lookup::{self, ExtensionRef};
use crate::service::page::PageRequest;
use crate::service::report_logs::TimeRange;
use crate::service::{Core, ServiceError, ServiceResult};
use crate::store::sms::{self as store, SmsRow};

/// Longest message accepted (ten concatenated SMS segments).
pub const MAX_MESSAGE: usize = 1600;
/// Most messages one list answer holds.
pub const MAX_LIST: i64 = 10_000;

/// An SMS to send.
#[derive(Debug, Clone, Default)]
pub struct SmsRequest {
    /// Source extension (number or `<number>-<TENANT>`), or `ACCOUNT`.
    pub source: String,
    /// Destination: an extension of the tenant, or an external number.
    pub dest: String,
    /// The text; line breaks allowed.
    pub message: String,
    /// Extension username the message is accounted to, or `SOURCE`.
    pub account: Option<String>,
    /// Sender id shown to the destination, instead of the source's caller id.
    pub dest_clid: Option<String>,
    /// Node to use; default: the first available.
    pub node: Option<String>,
}

fn check_message(message: &str) -> ServiceResult<()> {
    if message.trim().is_empty() {
        return Err(ServiceError::invalid("message", "the message is required"));
    }
    if message.chars().count() > MAX_MESSAGE {
        return Err(ServiceError::invalid("message", "at most 1600 characters"));
    }
    Ok(())
}

/// `To:` of a destination: the endpoint of a tenant extension, else the external template.
async fn address(core: &Core, scope: &TenantScope, dest: &str) -> ServiceResult<String> {
    let mut conn = core.db().pool().acquire().await?;
    if let Ok(row) = lookup::extension(&mut conn, scope, ExtensionRef::Name(dest)).await {
        let number = row.text("ex_number");
        return Ok(format!("pjsip:{}", crate::service::extensions::username(number, &scope.code)));
    }
    check_dest(dest)?;
    match &core.config().pbx.sms.external {
        Some(template) => Ok(template.replace("{number}", dest).replace("{tenant}", &scope.code)),
        None => Err(ServiceError::invalid(
            "dest",
            "not an extension of the tenant, and SMS to external numbers are not enabled",
        )),
    }
}

/// The caller id string of an extension: `"<name>" <<number>>` (quotes and brackets dropped from
/// the name so it cannot break the syntax).
fn caller_id(name: &str, number: &str) -> String {
    let name: String = name.chars().filter(|c| !matches!(c, '"' | '<' | '>' | '\\') && !c.is_control()).collect();
    if name.trim().is_empty() { format!("<{number}>") } else { format!("\"{}\" <{number}>", name.trim()) }
}

/// The MessageSend action.
fn message_send(to: String, from: String, message: &str) -> ServiceResult<Action> {
    // Asterisk handles the body as a C string: a NUL would silently cut the message.
    if message.contains('\0') {
        return Err(ServiceError::invalid("message", "must not contain NUL characters"));
    }
    let action = Action::new("MessageSend").header("To", to)?.header("From", from)?;
    // Line breaks and other control characters cannot travel in a header; Asterisk decodes
    // Base64Body into the body.
    Ok(if message.chars().any(crate::pbx::ami::breaks_framing) {
        action.header("Base64Body", base64::engine::general_purpose::STANDARD.encode(message))?
    } else {
        action.header("Body", message)?
    })
}

/// Sends an SMS and records it. A refusal by the PBX (no contact, unknown endpoint) is recorded
/// `FAILED` and answered `PbxRejected`; an unavailable node sends and records nothing.
pub async fn send(core: &Core, principal: &Principal, tenant: &str, request: &SmsRequest) -> ServiceResult<SmsRow> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    check_message(&request.message)?;
    check_clid("destclid", &request.dest_clid)?;
    if request.dest.trim().is_empty() {
        return Err(ServiceError::invalid("dest", "the destination is required"));
    }
    let (source, _account) = resolve_source(core, &scope, &request.source, request.account.as_deref()).await?;
    let to = address(core, &scope, request.dest.trim()).await?;
    let from = match request.dest_clid.as_deref().filter(|clid| !clid.is_empty()) {
        Some(clid) => clid.to_string(),
        None => {
            let mut conn = core.db().pool().acquire().await?;
            let row = lookup::extension(&mut conn, &scope, ExtensionRef::Name(&source)).await?;
            caller_id(row.text("ex_name"), &source)
        }
    };
    let action = message_send(to, from, &request.message)?;
    let node = action_node(core, request.node.as_deref())?;
    let sent = node.send(&action).await;
    let (status, error) = match &sent {
        Ok(_) => ("SENT", String::new()),
        Err(PbxError::Unavailable { .. } | PbxError::UnknownNode(_)) => {
            return Err(sent.err().map(ServiceError::from).unwrap_or(ServiceError::NotFound(Missing::Node)));
        }
        Err(err) => ("FAILED", err.to_string()),
    };
    let row = SmsRow {
        id: 0,
        date: crate::store::now_text(),
        direction: "OUT".into(),
        source,
        dest: request.dest.trim().to_string(),
        message: request.message.clone(),
        status: status.into(),
        error,
        node: node.name().to_string(),
    };
    let mut tx = core.db().begin().await?;
    let stored = store::insert(&mut tx, scope.tenant_id, &row).await?;
    let change = crate::service::audit::Change::new("sms", "send").id(stored.id).in_scope(&scope).after_view(&stored);
    crate::service::audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    tracing::info!(tenant = %scope.code, node = node.name(), sms = stored.id, status, "sms sent");
    match sent {
        Ok(_) => Ok(stored),
        Err(err) => Err(err.into()),
    }
}

/// A page of the tenant's messages dated within `range`, oldest first (at most [`MAX_LIST`]).
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    range: &TimeRange,
    page: PageRequest,
) -> ServiceResult<Vec<SmsRow>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let limit = page.limit.clamp(1, MAX_LIST);
    Ok(store::list(&mut conn, scope.tenant_id, (&range.from, &range.to), page.after_id.unwrap_or(0), limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_messages_go_in_body_and_multi_line_ones_in_base64() {
        let one = message_send("pjsip:103-DEMO".into(), "<101>".into(), "hello").expect("action");
        assert_eq!(one.get("Body"), Some("hello"));
        let multi = message_send("pjsip:103-DEMO".into(), "<101>".into(), "a\r\nAction: Hangup").expect("action");
        assert_eq!(multi.get("Body"), None);
        let encoded = multi.get("Base64Body").expect("base64 body");
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64");
        assert_eq!(decoded, b"a\r\nAction: Hangup");
    }

    #[test]
    fn control_characters_travel_in_base64_and_nul_is_refused() {
        for text in ["tab\there", "line\u{2028}separator", "bell\u{7}"] {
            let action = message_send("pjsip:103-DEMO".into(), "<101>".into(), text).expect("action");
            assert_eq!(action.get("Body"), None, "{text:?}");
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(action.get("Base64Body").expect("base64 body"))
                .expect("base64");
            assert_eq!(decoded, text.as_bytes());
        }
        assert!(message_send("pjsip:103-DEMO".into(), "<101>".into(), "cut\0here").is_err());
    }

    #[test]
    fn caller_ids_cannot_break_their_syntax() {
        assert_eq!(caller_id("Ext 101", "101"), "\"Ext 101\" <101>");
        assert_eq!(caller_id("a\"<b>", "101"), "\"ab\" <101>");
        assert_eq!(caller_id("", "101"), "<101>");
    }

    #[test]
    fn messages_are_required_and_bounded() {
        assert!(check_message("").is_err());
        assert!(check_message(" \n").is_err());
        assert!(check_message(&"x".repeat(1601)).is_err());
        assert!(check_message("hi\nthere").is_ok());
    }
}
