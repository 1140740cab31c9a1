//! `/v1/audit`: who changed what through either door, newest first, with filters and
//! `{items, next_cursor}` pages. Admins read everything, a tenant principal its own tenant's entries.

use chrono::{DateTime, Utc};
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::ApiTags;
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::ApiResult;
use super::security::Auth;
use crate::domain::time::stored_utc;
use crate::service::Core;
use crate::service::audit::{self as service, AuditFilter};
use crate::service::model::AuditRow;

/// What made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum ActorKind {
    /// An API key (`actor_id` is its id).
    Key,
    /// A user with an access token (`actor_id` is the user id).
    User,
    /// The command line, an import or the first start.
    System,
}

/// Which door a change came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum AuditDoor {
    /// The REST API.
    Rest,
    /// The legacy `proxyapi.php` door.
    Legacy,
    /// The command line.
    Cli,
}

/// One write, as the audit log recorded it.
#[derive(Debug, Object)]
pub struct AuditEntry {
    /// Id (entries are listed newest first).
    pub id: i64,
    /// When the write was committed.
    pub time: Option<DateTime<Utc>>,
    // Undocumented here: a doc comment would wrap the enum in `allOf` (see tests/it/spec.rs).
    pub actor_kind: ActorKind,
    /// Key id or user id; absent for the system.
    pub actor_id: Option<i64>,
    /// Tenant code of the object (absent for global objects).
    pub tenant: Option<String>,
    /// Object kind: `extension`, `queue`, `api_key`, `queue_member`, `phonebook`, `setting`, ...
    pub object: String,
    /// The object's id (or name, or `<parent>/<id>` for members).
    pub object_id: Option<String>,
    /// `create`, `update`, `delete`, or the operation's verb (`revoke`, `adjust`, `set`, `replace`, ...).
    pub action: String,
    /// The object before the write, credentials blanked (absent for creations and verbs).
    pub before: Option<Snapshot>,
    /// The object after the write, credentials blanked (absent for deletions).
    pub after: Option<Snapshot>,
    /// Columns whose value changed (updates of stored objects; credentials included, never their values).
    pub changed: Option<Vec<String>>,
    // The door the write came through (documented on the enum, as above).
    pub door: AuditDoor,
    /// `X-Request-Id` of the request (the same id is in the access log).
    pub request_id: Option<String>,
    /// Client address (after trusted proxies).
    pub client_address: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok()).and_then(snapshot);
        AuditEntry {
            id: row.id,
            time: stored_utc(&row.at),
            actor_kind: match row.actor_kind.as_str() {
                "key" => ActorKind::Key,
                "user" => ActorKind::User,
                _ => ActorKind::System,
            },
            actor_id: row.actor_id,
            tenant: row.tenant_code,
            object: row.object,
            object_id: row.object_id,
            action: row.action,
            before: json(row.before),
            after: json(row.after),
            changed: row.changed.and_then(|t| serde_json::from_str(&t).ok()),
            door: match row.door.as_str() {
                "rest" => AuditDoor::Rest,
                "legacy" => AuditDoor::Legacy,
                _ => AuditDoor::Cli,
            },
            request_id: row.request_id,
            client_address: row.client,
        }
    }
}

/// A before/after snapshot: always a JSON object (the document can then say so, where a bare JSON
/// value would have no type).
pub type Snapshot = std::collections::BTreeMap<String, serde_json::Value>;

/// A stored snapshot as an object. Every snapshot is one, except the entries an `add_entries` of a
/// phonebook recorded as a bare array before they were recorded as `{"entries": [...]}`; any other
/// value is kept under `value`.
fn snapshot(value: serde_json::Value) -> Option<Snapshot> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::Object(object) => Some(object.into_iter().collect()),
        serde_json::Value::Array(entries) => Some(Snapshot::from([("entries".to_string(), entries.into())])),
        other => Some(Snapshot::from([("value".to_string(), other)])),
    }
}

/// A page of audit entries.
#[derive(Debug, Object)]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Audit log endpoints.
#[derive(Debug)]
pub struct AuditApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Audit")]
impl AuditApi {
    /// Writes, newest first. Admins read every tenant and the global objects; a key or user that may
    /// write a tenant reads that tenant's entries (`tenant` names one of several). Read-only keys
    /// cannot read the audit.
    #[oai(path = "/v1/audit", method = "get", operation_id = "list_audit")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: Auth,
        /// Only this tenant's entries (code); a tenant key's own tenant when absent.
        tenant: Query<Option<String>>,
        /// Only this object kind (`extension`, `api_key`, ...).
        object: Query<Option<String>>,
        /// Only this object id.
        object_id: Query<Option<String>>,
        /// Only this action (`create`, `update`, `delete`, `revoke`, ...).
        action: Query<Option<String>>,
        /// Only writes made with this API key id.
        key_id: Query<Option<i64>>,
        /// Only writes made by this user id.
        user_id: Query<Option<i64>>,
        /// Only writes of this request (`X-Request-Id`).
        request_id: Query<Option<String>>,
        /// At or after this time (RFC 3339).
        since: Query<Option<DateTime<Utc>>>,
        /// Before this time (RFC 3339).
        until: Query<Option<DateTime<Utc>>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AuditPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let filter = AuditFilter {
            tenant: tenant.0,
            object: object.0,
            object_id: object_id.0,
            action: action.0,
            key_id: key_id.0,
            user_id: user_id.0,
            request_id: request_id.0,
            since: since.0,
            until: until.0,
        };
        let found = service::list(&self.core, &principal, &filter, page).await?;
        Ok(Json(AuditPage {
            next_cursor: next_cursor(found.next_after),
            items: found.items.into_iter().map(AuditEntry::from).collect(),
        }))
    }
}
