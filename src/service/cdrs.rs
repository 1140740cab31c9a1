//! Call detail records: reading them page by page or as one streamed export, and the two fields
//! callers may change. The PBX writes the rows (Asterisk `cdr` layout, README "Asterisk CDR
//! configuration"); both doors read them only through here.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::access::{self, Intent};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::call_id::{CallId, stored_uniqueid};
use crate::service::Missing;
use crate::store::cdrs::{self as store, CdrQuery, CdrRow};

pub use crate::store::cdrs::WRITABLE_FIELDS;

/// Whose CDRs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdrScope<'a> {
    /// One tenant, by code.
    Tenant(&'a str),
    /// Every tenant (legacy `tenant=%`; admins only).
    AllTenants,
}

/// Filters of a CDR read; see `store::cdrs::CdrQuery` for their meaning. Times are stored text.
pub type CdrFilter = CdrQuery;

/// A CDR with the code of the tenant it belongs to (empty when the row names no known tenant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cdr {
    /// The stored row.
    pub row: CdrRow,
    /// `te_code` of `row.te_id`.
    pub tenant_code: Arc<str>,
}

/// One page and the keyset position of the next.
#[derive(Debug)]
pub struct CdrPage {
    /// The CDRs, oldest first.
    pub items: Vec<Cdr>,
    /// `(calldate, id)` after which the next page starts; `None` on the last page.
    pub next: Option<(String, i64)>,
}

/// Rows per batch of an export: big enough to amortise the channel, small enough that memory stays
/// flat (a batch of 1024 CDRs is ~0.5 MB).
const EXPORT_BATCH: usize = 1024;

/// Batches in flight between the database task and the socket; the database is never read more
/// than this far ahead of the client.
const EXPORT_QUEUE: usize = 2;

/// A running export: CDR batches arrive as the database produces them and the client reads them.
/// Dropping it (a client that went away) stops the database read and frees its connection.
#[derive(Debug)]
pub struct CdrExport {
    codes: HashMap<i64, Arc<str>>,
    rx: mpsc::Receiver<crate::store::StoreResult<Vec<CdrRow>>>,
}

impl CdrExport {
    /// The next batch; `None` at the end. An error ends the export.
    pub async fn next_batch(&mut self) -> Option<ServiceResult<Vec<Cdr>>> {
        let batch = self.rx.recv().await?;
        Some(match batch {
            Ok(rows) => Ok(rows.into_iter().map(|row| with_code(&self.codes, row)).collect()),
            Err(err) => Err(err.into()),
        })
    }
}

/// The tenant filter for `scope`, after checking the caller may read it, and the id → code map
/// used to label rows.
async fn resolve_scope(
    core: &Core,
    principal: &Principal,
    scope: CdrScope<'_>,
) -> ServiceResult<(Option<i64>, HashMap<i64, Arc<str>>)> {
    match scope {
        CdrScope::Tenant(code) => {
            let tenant = access::tenant_scope(core, principal, code, Intent::Read).await?;
            Ok((Some(tenant.tenant_id), HashMap::from([(tenant.tenant_id, Arc::from(tenant.code))])))
        }
        CdrScope::AllTenants => {
            access::require_admin(principal)?;
            let mut conn = core.db().pool().acquire().await?;
            let codes = store::tenant_codes(&mut conn).await?;
            Ok((None, codes.into_iter().map(|(id, code)| (id, Arc::from(code))).collect()))
        }
    }
}

fn with_code(codes: &HashMap<i64, Arc<str>>, row: CdrRow) -> Cdr {
    let tenant_code = row.te_id.and_then(|id| codes.get(&id).cloned()).unwrap_or_else(|| Arc::from(""));
    Cdr { row, tenant_code }
}

/// Largest page a caller may ask for.
pub const MAX_PAGE: i64 = 1000;

/// Call directions a filter may name (the `direction` column).
pub const DIRECTIONS: [&str; 3] = ["IN", "OUT", "LOCAL"];

/// Folds the filter's words to the stored case and refuses a direction that cannot match, so
/// both doors answer a typo the same way.
fn normalise(filter: &mut CdrFilter) -> ServiceResult<()> {
    for direction in &mut filter.directions {
        *direction = DIRECTIONS
            .into_iter()
            .find(|d| d.eq_ignore_ascii_case(direction.trim()))
            .ok_or_else(|| ServiceError::invalid("direction", "must be IN, OUT or LOCAL"))?
            .to_string();
    }
    for disposition in &mut filter.dispositions {
        *disposition = disposition.trim().to_ascii_uppercase();
    }
    Ok(())
}

/// One page of CDRs, oldest first, after `after`.
#[tracing::instrument(name = "service.cdrs.list", skip_all)]
pub async fn list(
    core: &Core,
    principal: &Principal,
    scope: CdrScope<'_>,
    mut filter: CdrFilter,
    after: Option<(String, i64)>,
    limit: i64,
) -> ServiceResult<CdrPage> {
    normalise(&mut filter)?;
    let (tenant_id, codes) = resolve_scope(core, principal, scope).await?;
    let limit = limit.clamp(1, MAX_PAGE);
    filter.tenant_id = tenant_id;
    filter.after = after;
    filter.limit = Some(limit + 1);
    let mut conn = core.db().pool().acquire().await?;
    let mut rows = store::list(&mut conn, &filter).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        rows.last().map(|r| (r.calldate.clone(), r.id))
    } else {
        None
    };
    Ok(CdrPage { items: rows.into_iter().map(|row| with_code(&codes, row)).collect(), next })
}

/// Every CDR matching `filter`, streamed. Authorization happens here, before the first row.
#[tracing::instrument(name = "service.cdrs.export", skip_all)]
pub async fn export(
    core: &Core,
    principal: &Principal,
    scope: CdrScope<'_>,
    mut filter: CdrFilter,
) -> ServiceResult<CdrExport> {
    normalise(&mut filter)?;
    let (tenant_id, codes) = resolve_scope(core, principal, scope).await?;
    filter.tenant_id = tenant_id;
    filter.after = None;
    filter.limit = None;
    let (tx, rx) = mpsc::channel(EXPORT_QUEUE);
    let pool = core.db().pool().clone();
    tokio::spawn(async move {
        if let Err(err) = store::stream(&pool, &filter, EXPORT_BATCH, &tx).await {
            tracing::error!(error = %err, "CDR export failed");
            let _ = tx.send(Err(err)).await;
        }
    });
    Ok(CdrExport { codes, rx })
}

/// The first CDR leg with this call id (a uniqueid, `_` accepted for `.`, or a DIAL originate id).
pub async fn get(core: &Core, principal: &Principal, tenant: &str, call_id: &str) -> ServiceResult<Cdr> {
    let filter = by_call_id(call_id)?;
    let page = list(core, principal, CdrScope::Tenant(tenant), filter, None, 1).await?;
    page.items.into_iter().next().ok_or(ServiceError::NotFound(Missing::Cdr))
}

/// Every CDR leg of a call id (legacy INFO `call`).
pub async fn legs(core: &Core, principal: &Principal, tenant: &str, call_id: &str) -> ServiceResult<Vec<Cdr>> {
    let filter = by_call_id(call_id)?;
    Ok(list(core, principal, CdrScope::Tenant(tenant), filter, None, MAX_PAGE).await?.items)
}

/// A filter for one call id (`domain::call_id`: a unique id, `_` accepted for `.`, or an originate id).
fn by_call_id(call_id: &str) -> ServiceResult<CdrFilter> {
    Ok(match CallId::parse(call_id).ok_or(ServiceError::NotFound(Missing::Cdr))? {
        CallId::Originate(id) => CdrFilter { originateids: vec![id], ..CdrFilter::default() },
        CallId::Unique(id) => CdrFilter { uniqueids: vec![id], ..CdrFilter::default() },
    })
}

/// Changes whitelisted fields (`userfield`, `accountcode`) of a call's CDRs in one transaction:
/// legacy CDR `update` appends (the server's own HELP, Q14), REST sets. Values are single-line, at
/// most 255 bytes.
pub async fn set_fields(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    uniqueid: &str,
    changes: &[(&str, &str)],
    append: bool,
) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    if changes.is_empty() {
        // Nothing to write (a REST merge patch `{}`): the CDR must still exist.
        return get(core, principal, tenant, uniqueid).await.map(drop);
    }
    for (field, value) in changes {
        if !WRITABLE_FIELDS.contains(field) {
            return Err(ServiceError::Invalid {
                field: "field".into(),
                message: "only userfield and accountcode".into(),
            });
        }
        if value.len() > 255 || value.contains(['\r', '\n', '\0']) {
            return Err(ServiceError::Invalid {
                field: (*field).into(),
                message: "at most 255 bytes on one line".into(),
            });
        }
    }
    let uniqueid = stored_uniqueid(uniqueid);
    let mut tx = core.db().begin().await?;
    for (field, value) in changes {
        if store::set_field(&mut tx, scope.tenant_id, &uniqueid, field, value, append).await? == 0 {
            return Err(ServiceError::NotFound(Missing::Cdr));
        }
    }
    let mut after = serde_json::Map::new();
    for (field, value) in changes {
        after.insert((*field).to_string(), serde_json::Value::from(*value));
    }
    let action = if append { "append_fields" } else { "set_fields" };
    let change = super::audit::Change::new("cdr", action).id(&uniqueid).in_scope(&scope);
    super::audit::record(&mut tx, principal, change.after(serde_json::Value::Object(after))).await?;
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn call_ids() {
        assert_eq!(stored_uniqueid("srv01-1700000000_12"), "srv01-1700000000.12");
        assert_eq!(stored_uniqueid("srv01-1700000000.12"), "srv01-1700000000.12");
        assert_eq!(stored_uniqueid("plain"), "plain");
        assert_eq!(by_call_id("0123456789abcd").unwrap().originateids, vec!["0123456789abcd".to_string()]);
        assert_eq!(by_call_id("srv_1-17_1").unwrap().uniqueids, vec!["srv_1-17.1".to_string()]);
        assert!(by_call_id(" ").is_err());
    }
}
