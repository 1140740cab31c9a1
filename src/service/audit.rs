//! The audit log: who changed what, when, from where, through which door. Every write of the
//! service layer records one entry in its own transaction (so a write without its entry cannot be
//! stored, nor an entry for a write that was rolled back). Before/after snapshots carry the object's
//! columns with every credential blanked; `changed` names the columns that changed, credentials
//! included (a reader sees that a password was changed, never its value).
//!
//! Reading (`GET /v1/audit`): global principals read everything; a principal that may write a
//! tenant reads that tenant's entries. Read-only keys cannot read the audit: its snapshots hold
//! fields a read-only key is not shown. Entries older than the
//! retention period are deleted hourly.

use std::time::Duration;

use serde_json::{Map, Value as Json};
use sqlx::AnyConnection;

use super::access::{Intent, TenantScope};
use super::page::{Page, PageRequest};
use super::{Core, ServiceResult};
use crate::auth::{Principal, Reach, Subject};
use crate::domain::object::SecretKind;
use crate::store::audit::{self as store, AuditQuery, AuditRow};
use crate::store::objects::{Row, Value};

/// What a write did, for its audit entry.
#[derive(Debug, Clone)]
pub struct Change {
    object: &'static str,
    object_id: Option<String>,
    action: &'static str,
    tenant: Option<(i64, Option<String>)>,
    before: Option<Json>,
    after: Option<Json>,
}

impl Change {
    /// `action` on object `object` (e.g. `("api_key", "revoke")`), with no snapshot yet.
    pub fn new(object: &'static str, action: &'static str) -> Change {
        Change { object, object_id: None, action, tenant: None, before: None, after: None }
    }

    /// A row created.
    pub fn created(row: &Row) -> Change {
        Change::of_row(row, "create").after(snapshot(row))
    }

    /// A row changed from `before` to `after`.
    pub fn updated(before: &Row, after: &Row) -> Change {
        Change::of_row(after, "update").before(snapshot(before)).after(snapshot(after))
    }

    /// A row deleted.
    pub fn deleted(row: &Row) -> Change {
        Change::of_row(row, "delete").before(snapshot(row))
    }

    fn of_row(row: &Row, action: &'static str) -> Change {
        let change = Change::new(row.def.name, action).id(row.id);
        match (row.tenant_id, &row.tenant_code) {
            (Some(id), Some(code)) => change.tenant(id, code),
            // A tenant's own row belongs to that tenant's history.
            _ if row.def.name == super::catalog::TENANT.name => change.tenant(row.id, row.text("te_code")),
            _ => change,
        }
    }

    /// The object's id or name.
    pub fn id(mut self, id: impl ToString) -> Change {
        self.object_id = Some(id.to_string());
        self
    }

    /// The tenant the object belongs to.
    pub fn tenant(mut self, id: i64, code: &str) -> Change {
        self.tenant = Some((id, Some(code.to_string())));
        self
    }

    /// The tenant the object belongs to, by id only (its code is looked up when recorded).
    pub fn tenant_id(mut self, id: i64) -> Change {
        self.tenant = Some((id, None));
        self
    }

    /// The tenant of an authorized scope.
    pub fn in_scope(self, scope: &TenantScope) -> Change {
        self.tenant(scope.tenant_id, &scope.code)
    }

    /// The object before the write (credentials already blanked by the caller).
    pub fn before(mut self, value: Json) -> Change {
        self.before = Some(value);
        self
    }

    /// The object after the write (credentials already blanked by the caller).
    pub fn after(mut self, value: Json) -> Change {
        self.after = Some(value);
        self
    }

    /// Adds `name: value` to the after snapshot (a count of rows changed with it, a reason).
    pub fn after_field(mut self, name: &str, value: impl Into<Json>) -> Change {
        let after = self.after.get_or_insert_with(|| Json::Object(Map::new()));
        if let Json::Object(object) = after {
            object.insert(name.to_string(), value.into());
        }
        self
    }

    /// Snapshots of a serializable view (never one holding a credential).
    pub fn after_view(self, view: &impl serde::Serialize) -> Change {
        self.after(json_view(view))
    }

    /// Snapshot before, of a serializable view (never one holding a credential).
    pub fn before_view(self, view: &impl serde::Serialize) -> Change {
        self.before(json_view(view))
    }
}

fn json_view(view: &impl serde::Serialize) -> Json {
    serde_json::to_value(view).unwrap_or(Json::Null)
}

/// The columns of a row as JSON, credentials blanked: stored secrets (PINs, trunk secrets) are
/// `""`, derived ones (SIP digests, password hashes) are left out.
pub fn snapshot(row: &Row) -> Json {
    let mut object = Map::new();
    object.insert(row.def.id_column.to_string(), Json::from(row.id));
    for (field, value) in row.columns() {
        match field.secret {
            Some(SecretKind::Derived) => {}
            Some(_) => {
                object.insert(field.name.to_string(), Json::from(""));
            }
            None => {
                object.insert(field.name.to_string(), json_of(value));
            }
        }
    }
    Json::Object(object)
}

fn json_of(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Int(v) => Json::from(*v),
        Value::Text(s) => Json::from(s.as_str()),
    }
}

/// The names of the columns whose value differs between `before` and `after` (secrets compared on
/// their stored form, so a new password shows as changed).
fn changed_columns(change: &Change, rows: Option<(&Row, &Row)>) -> Option<Vec<String>> {
    if let Some((before, after)) = rows {
        return Some(
            before
                .columns()
                .zip(after.columns())
                .filter(|((_, old), (_, new))| old != new)
                .map(|((field, _), _)| field.name.to_string())
                .collect(),
        );
    }
    let (Some(Json::Object(before)), Some(Json::Object(after))) = (&change.before, &change.after) else {
        return None;
    };
    let mut names: Vec<String> =
        after.iter().filter(|(k, v)| before.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
    names.extend(before.keys().filter(|k| !after.contains_key(*k)).cloned());
    Some(names)
}

/// Records `change` made by `principal`, on `conn` (the write's transaction).
pub async fn record(conn: &mut AnyConnection, principal: &Principal, change: Change) -> ServiceResult<()> {
    record_entry(conn, principal, change, None).await
}

/// Records `change` in a transaction of its own: for writes that are not database writes (files of
/// the voicemail spool), once they happened.
pub async fn record_now(core: &Core, principal: &Principal, change: Change) -> ServiceResult<()> {
    let mut tx = core.db().begin().await?;
    record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Records an update of a row, naming every changed column (credentials included).
pub async fn record_update(
    conn: &mut AnyConnection,
    principal: &Principal,
    before: &Row,
    after: &Row,
) -> ServiceResult<()> {
    record_entry(conn, principal, Change::updated(before, after), Some((before, after))).await
}

async fn record_entry(
    conn: &mut AnyConnection,
    principal: &Principal,
    change: Change,
    rows: Option<(&Row, &Row)>,
) -> ServiceResult<()> {
    let changed = changed_columns(&change, rows).map(|names| Json::from(names).to_string());
    let (actor_kind, actor_id) = actor(principal);
    let request = super::request_scope::current();
    let (tenant_id, tenant_code) = match change.tenant {
        None => (None, None),
        Some((id, Some(code))) => (Some(id), Some(code)),
        Some((id, None)) => {
            let tenant = crate::store::objects::get(conn, &super::catalog::TENANT, None, id).await?;
            (Some(id), tenant.map(|row| row.text("te_code").to_string()))
        }
    };
    let entry = AuditRow {
        id: 0,
        at: crate::store::now_text(),
        actor_kind: actor_kind.to_string(),
        actor_id,
        tenant_id,
        tenant_code,
        object: change.object.to_string(),
        object_id: change.object_id,
        action: change.action.to_string(),
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        changed,
        door: request.as_ref().map_or("cli", |r| r.door.as_str()).to_string(),
        request_id: request.as_ref().map(|r| r.request_id.clone()),
        client: request.and_then(|r| r.client).map(|ip| ip.to_string()),
    };
    store::insert(conn, &entry).await?;
    Ok(())
}

fn actor(principal: &Principal) -> (&'static str, Option<i64>) {
    match principal.subject {
        Subject::ApiKey { id } => ("key", Some(id)),
        Subject::User { id } => ("user", Some(id)),
        Subject::System => ("system", None),
    }
}

/// Filters of an audit read (tenants come from the route and the caller's reach).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries of this tenant (code).
    pub tenant: Option<String>,
    /// Only this object name.
    pub object: Option<String>,
    /// Only this object id.
    pub object_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only this API key's writes.
    pub key_id: Option<i64>,
    /// Only this user's writes.
    pub user_id: Option<i64>,
    /// Only this request's writes.
    pub request_id: Option<String>,
    /// At or after this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// The entries `principal` may read that match `filter`, newest first; `page.after_id` is the id
/// of the last entry already seen (entries with a lower id follow).
pub async fn list(
    core: &Core,
    principal: &Principal,
    filter: &AuditFilter,
    page: PageRequest,
) -> ServiceResult<Page<AuditRow>> {
    // Reading the audit needs the right to write what it describes: snapshots hold fields that
    // read-only keys are not shown.
    let tenant_ids = match (&filter.tenant, &principal.reach) {
        (Some(code), _) => {
            let scope = super::access::tenant_scope(core, principal, code, Intent::Write).await?;
            Some(vec![scope.tenant_id])
        }
        (None, Reach::Global) => {
            super::access::require_admin(principal)?;
            None
        }
        // Without a tenant, a user linked to several tenants reads all of them.
        (None, Reach::Tenants(ids)) => {
            super::access::require_write(principal)?;
            Some(ids.clone())
        }
    };
    let (actor_kind, actor_id) = match (filter.key_id, filter.user_id) {
        // Filters combine with AND, and an entry has one actor: a key and a user match nothing.
        (Some(_), Some(_)) => return Ok(Page { items: Vec::new(), next_after: None }),
        (Some(id), None) => (Some("key".to_string()), Some(id)),
        (None, Some(id)) => (Some("user".to_string()), Some(id)),
        (None, None) => (None, None),
    };
    let time = |t: &chrono::DateTime<chrono::Utc>| t.format(crate::store::TIME_FORMAT).to_string();
    let query = AuditQuery {
        tenant_ids,
        object: filter.object.clone(),
        object_id: filter.object_id.clone(),
        action: filter.action.clone(),
        actor_kind,
        actor_id,
        request_id: filter.request_id.clone(),
        since: filter.since.as_ref().map(time),
        until: filter.until.as_ref().map(time),
        before_id: page.after_id,
        limit: page.limit.saturating_add(1),
    };
    let mut conn = core.db().pool().acquire().await?;
    let items = store::list(&mut conn, &query).await?;
    Ok(Page::from_overfetch(items, page.limit, |row| row.id))
}

/// Deletes the entries older than the retention period; answers how many.
pub async fn forget_expired(core: &Core) -> ServiceResult<u64> {
    let days = core.config().audit_retention_days;
    if days == 0 {
        return Ok(0);
    }
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::forget_before(&mut conn, &cutoff.format(crate::store::TIME_FORMAT).to_string()).await?)
}

/// Trims the audit log hourly (and once at start) for as long as the process runs.
pub fn spawn_retention(core: Core) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            match forget_expired(&core).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "audit entries past their retention deleted"),
                Err(err) => tracing::warn!(error = %err, "audit retention could not run"),
            }
        }
    });
}
