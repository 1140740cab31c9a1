//! Call logs a tenant reads (legacy INFO `queuelogs`/`ivrlogs` and RESPONSEPATH; REST `queue-logs`,
//! `ivr-logs`, `response-paths/{id}/results`): Asterisk's queue events, IVR choices and the steps a
//! response path recorded. Every read is scoped to the caller's tenant; another tenant's queue, IVR
//! or response path answers exactly like one that does not exist.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::access::{self, Intent, TenantScope};
use super::catalog::{QUEUE, RESPONSEPATH};
use super::lookup::{self, ExtensionRef};
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::time::stored;
use crate::service::Missing;
use crate::store::objects::{self as objects_store, ListQuery, Row};
use crate::store::report_logs::{
    self as store, CallQuery, IvrLogEntry, IvrLogQuery, QueueLogEntry, QueueLogQuery, Step,
};

/// Most queue events one legacy `queuelogs` answer reads (it is not paginated).
pub const MAX_LEGACY_EVENTS: i64 = 100_000;
/// Most rows one legacy `ivrlogs` answer holds.
pub const MAX_LEGACY_ROWS: i64 = 10_000;
/// Most calls one legacy RESPONSEPATH `list` answer holds.
pub const MAX_LEGACY_CALLS: i64 = 1_000;

/// Upper bound of an open-ended range: later than any stored time.
const OPEN_END: &str = "9999-12-31 23:59:59";

/// An inclusive range of stored (UTC text) times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    /// Lower bound; `""` = from the beginning.
    pub from: String,
    /// Upper bound, whole seconds.
    pub to: String,
}

impl TimeRange {
    /// The range between two stored (UTC text) times, both included.
    pub fn stored(from: String, to: String) -> TimeRange {
        TimeRange { from, to }
    }

    /// The range of REST `from`/`to`; a missing end is open.
    pub fn between(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> TimeRange {
        TimeRange { from: from.map(stored).unwrap_or_default(), to: to.map(stored).unwrap_or_else(|| OPEN_END.into()) }
    }

    /// Everything.
    pub fn all() -> TimeRange {
        TimeRange::between(None, None)
    }

    /// The upper bound as compared in SQL: Asterisk writes `queue_log` times with microseconds, and
    /// `…:59.5` sorts after `…:59` as text, so the inclusive bound covers the whole last second.
    fn upper(&self) -> String {
        format!("{}.999999", self.to)
    }
}

/// How a queue-log filter names a queue.
#[derive(Debug, Clone, Copy)]
pub enum QueueSelector<'a> {
    /// `qu_id` (REST `queue_id`).
    Id(i64),
    /// Legacy `queue=`: a queue id (what `queue_log` stores), else a queue number.
    IdOrNumber(&'a str),
}

/// Filters of the queue log.
#[derive(Debug, Clone)]
pub struct QueueLogFilter<'a> {
    /// Time range.
    pub range: TimeRange,
    /// Only this queue.
    pub queue: Option<QueueSelector<'a>>,
    /// Only this agent (`<number>-<TENANT>`).
    pub agent: Option<&'a str>,
    /// Only this event.
    pub event: Option<&'a str>,
}

/// A tenant's queues: `(qu_id, qu_name, qu_number)`.
struct Queues(Vec<(i64, String, String)>);

impl Queues {
    async fn load(conn: &mut AnyConnection, tenant_id: i64) -> ServiceResult<Queues> {
        let query = ListQuery { tenant_id: Some(tenant_id), ..Default::default() };
        let rows = objects_store::list(conn, &QUEUE, &query).await?;
        Ok(Queues(
            rows.iter().map(|r| (r.id, r.text("qu_name").to_string(), r.text("qu_number").to_string())).collect(),
        ))
    }

    /// The id of the selected queue, `None` when the tenant has no such queue.
    fn resolve(&self, selector: QueueSelector<'_>) -> Option<i64> {
        match selector {
            QueueSelector::Id(id) => self.0.iter().find(|q| q.0 == id).map(|q| q.0),
            QueueSelector::IdOrNumber(text) => {
                let text = text.trim();
                self.0
                    .iter()
                    .find(|q| q.0.to_string() == text)
                    .or_else(|| self.0.iter().find(|q| !q.2.is_empty() && q.2 == text))
                    .map(|q| q.0)
            }
        }
    }

    /// The name of a queue given by its id as text.
    fn name(&self, id: &str) -> Option<&str> {
        self.0.iter().find(|q| q.0.to_string() == id).map(|q| q.1.as_str())
    }
}

/// Reads the tenant's queue events (`None` when the filter names a queue the tenant does not have).
async fn read_queue_log(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    queues: &Queues,
    filter: &QueueLogFilter<'_>,
    after_id: i64,
    limit: i64,
) -> ServiceResult<Vec<QueueLogEntry>> {
    let queue_id = match filter.queue {
        None => None,
        Some(selector) => match queues.resolve(selector) {
            Some(id) => Some(id),
            None => return Ok(Vec::new()),
        },
    };
    let upper = filter.range.upper();
    let query = QueueLogQuery {
        tenant_id: scope.tenant_id,
        queue_id,
        from: &filter.range.from,
        to: &upper,
        agent: filter.agent.unwrap_or_default(),
        event: filter.event.unwrap_or_default(),
        after_id,
        limit,
    };
    Ok(store::queue_log(conn, &query).await?)
}

/// Raw queue events of the tenant's queues, id order (REST `queue-logs`).
pub async fn queue_events(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    filter: &QueueLogFilter<'_>,
    page: PageRequest,
) -> ServiceResult<Page<QueueLogEntry>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let queues = Queues::load(&mut conn, scope.tenant_id).await?;
    let limit = page.limit.clamp(1, 1000);
    let items = read_queue_log(&mut conn, &scope, &queues, filter, page.after_id.unwrap_or(0), limit + 1).await?;
    Ok(Page::from_overfetch(items, limit, |e| e.id))
}

/// One call's passage through one queue, derived from its queue events.
#[derive(Debug, Clone)]
pub struct QueueCall {
    /// Time of its first event (stored UTC text).
    pub time: String,
    /// Queue id as text.
    pub queue_id: String,
    /// Queue name (empty when the queue was deleted since).
    pub queue_name: String,
    /// Caller id (from ENTERQUEUE).
    pub callerid: String,
    /// Last outcome event: `COMPLETEAGENT`, `COMPLETECALLER`, `TRANSFER`, `ABANDON`, `EXITWITHTIMEOUT`,
    /// `EXITWITHKEY`, `EXITEMPTY`, or `CONNECT` / `ENTERQUEUE` while the call is still going.
    pub disposition: String,
    /// Answering agent (`<number>-<TENANT>`), empty when nobody answered.
    pub agent: String,
    /// Seconds waited before being answered (or before leaving the queue).
    pub holdtime: String,
    /// Seconds talked.
    pub calltime: String,
    /// Position on entering the queue.
    pub origpos: String,
    /// Call unique id.
    pub callid: String,
    /// The answering agent's extension, when it is one of the tenant's.
    pub extension: Option<Row>,
}

/// Derives one record per (call, queue) from Asterisk's events, in order of first appearance.
/// Asterisk's `queue_log` data columns per event (app_queue) and what each one sets:
///
/// | event                                 | data1    | data2         | data3        | data4    | data5   | sets                               |
/// |---------------------------------------|----------|---------------|--------------|----------|---------|------------------------------------|
/// | ENTERQUEUE                            | url      | callerid      | position     |          |         | callerid, origpos                  |
/// | CONNECT                               | holdtime | bridged chan  | ringtime     |          |         | agent, holdtime                    |
/// | COMPLETEAGENT, COMPLETECALLER         | holdtime | calltime      | origposition |          |         | agent, holdtime, calltime, origpos |
/// | TRANSFER                              | exten    | context       | holdtime     | calltime | origpos | agent, holdtime, calltime, origpos |
/// | ABANDON, EXITWITHTIMEOUT, EXITEMPTY   | position | origposition  | waittime     |          |         | holdtime (= wait), origpos         |
/// | EXITWITHKEY                           | key      | position      | origposition | waittime |         | holdtime (= wait), origpos         |
///
/// Every event of the table also sets the disposition to its name; other events (RINGNOANSWER,
/// member events, custom QUEUE `log` events) change nothing, and calls seen only through them
/// (or with callid `NONE`) give no record.
pub fn derive_calls(events: &[QueueLogEntry]) -> Vec<QueueCall> {
    let mut calls: Vec<QueueCall> = Vec::new();
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    let mut seen: Vec<bool> = Vec::new();
    for e in events {
        if e.callid.is_empty() || e.callid == "NONE" {
            continue;
        }
        let at = *index.entry((e.callid.as_str(), e.queuename.as_str())).or_insert_with(|| {
            calls.push(QueueCall {
                time: e.time.clone(),
                queue_id: e.queuename.clone(),
                queue_name: String::new(),
                callerid: String::new(),
                disposition: String::new(),
                agent: String::new(),
                holdtime: "0".into(),
                calltime: "0".into(),
                origpos: "0".into(),
                callid: e.callid.clone(),
                extension: None,
            });
            seen.push(false);
            calls.len() - 1
        });
        let call = &mut calls[at];
        let d = |i: usize| e.data[i].clone();
        let agent = || if e.agent == "NONE" { String::new() } else { e.agent.clone() };
        match e.event.as_str() {
            "ENTERQUEUE" => (call.callerid, call.origpos) = (d(1), d(2)),
            "CONNECT" => (call.agent, call.holdtime) = (agent(), d(0)),
            "COMPLETEAGENT" | "COMPLETECALLER" => {
                (call.agent, call.holdtime, call.calltime, call.origpos) = (agent(), d(0), d(1), d(2));
            }
            "TRANSFER" => (call.agent, call.holdtime, call.calltime, call.origpos) = (agent(), d(2), d(3), d(4)),
            "ABANDON" | "EXITWITHTIMEOUT" | "EXITEMPTY" => (call.holdtime, call.origpos) = (d(2), d(1)),
            "EXITWITHKEY" => (call.holdtime, call.origpos) = (d(3), d(2)),
            _ => continue,
        }
        call.disposition = e.event.clone();
        seen[at] = true;
    }
    calls.into_iter().zip(seen).filter_map(|(call, seen)| seen.then_some(call)).collect()
}

/// Calls through the tenant's queues with their answering agent's extension (legacy `queuelogs`),
/// at most `MAX_LEGACY_EVENTS` events' worth.
pub async fn queue_calls(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    filter: &QueueLogFilter<'_>,
) -> ServiceResult<Vec<QueueCall>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let queues = Queues::load(&mut conn, scope.tenant_id).await?;
    let events = read_queue_log(&mut conn, &scope, &queues, filter, 0, MAX_LEGACY_EVENTS).await?;
    let mut calls = derive_calls(&events);
    let mut extensions: HashMap<String, Option<Row>> = HashMap::new();
    for call in &mut calls {
        call.queue_name = queues.name(&call.queue_id).unwrap_or_default().to_string();
        if call.agent.is_empty() {
            continue;
        }
        if !extensions.contains_key(&call.agent) {
            let found = match lookup::extension(&mut conn, &scope, ExtensionRef::Name(&call.agent)).await {
                Ok(row) => Some(row),
                Err(ServiceError::NotFound(_)) => None,
                Err(err) => return Err(err),
            };
            extensions.insert(call.agent.clone(), found);
        }
        call.extension = extensions.get(&call.agent).cloned().flatten();
    }
    Ok(calls)
}

/// Filters of the IVR log.
#[derive(Debug, Clone)]
pub struct IvrLogFilter<'a> {
    /// Time range.
    pub range: TimeRange,
    /// Only this IVR.
    pub ivr_id: Option<i64>,
    /// Only this call.
    pub uniqueid: Option<&'a str>,
}

/// IVR choices of the tenant, id order.
pub async fn ivr_logs(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    filter: &IvrLogFilter<'_>,
    page: PageRequest,
) -> ServiceResult<Page<IvrLogEntry>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    // Ids start at 1; 0 means "any" in the query, so it must not come from the caller.
    if filter.ivr_id.is_some_and(|id| id < 1) {
        return Ok(Page { items: Vec::new(), next_after: None });
    }
    let mut conn = core.db().pool().acquire().await?;
    let limit = page.limit.clamp(1, MAX_LEGACY_ROWS);
    let upper = filter.range.upper();
    let query = IvrLogQuery {
        tenant_id: scope.tenant_id,
        from: &filter.range.from,
        to: &upper,
        ivr_id: filter.ivr_id.unwrap_or(0),
        uniqueid: filter.uniqueid.unwrap_or_default(),
        after_id: page.after_id.unwrap_or(0),
        limit: limit + 1,
    };
    let items = store::ivr_log(&mut conn, &query).await?;
    Ok(Page::from_overfetch(items, limit, |e| e.id))
}

/// Filters of response-path results.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter<'a> {
    /// Only calls with steps in this range (`None` = any time).
    pub range: Option<TimeRange>,
    /// Only this call.
    pub uniqueid: Option<&'a str>,
    /// Only calls answered by this agent (ANSWER step value, `<number>-<TENANT>`).
    pub answered_by: Option<&'a str>,
    /// Only calls through this queue (QUEUE step type id or value).
    pub queue: Option<&'a str>,
}

/// One call's steps through a response path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCall {
    /// Id of its first step (newest-first cursor).
    pub key: i64,
    /// Call unique id.
    pub uniqueid: String,
    /// Steps in the order they happened.
    pub steps: Vec<Step>,
    /// Name of the tenant's queue its QUEUE step names, if any.
    pub queue_name: Option<String>,
}

/// The response path `path_id` of the scoped tenant, or `NotFound` (also for another tenant's).
async fn path_scope(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    path_id: i64,
    conn: &mut AnyConnection,
) -> ServiceResult<TenantScope> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    objects_store::get(conn, &RESPONSEPATH, Some(scope.tenant_id), path_id)
        .await?
        .ok_or(ServiceError::NotFound(Missing::ResponsePath))?;
    Ok(scope)
}

/// The steps of the given calls, grouped per call in the given order.
async fn with_steps(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    path_id: i64,
    calls: Vec<(String, i64)>,
) -> ServiceResult<Vec<PathCall>> {
    let ids: Vec<String> = calls.iter().map(|(uniqueid, _)| uniqueid.clone()).collect();
    let mut by_call: HashMap<String, Vec<Step>> = HashMap::new();
    for step in store::steps(conn, scope.tenant_id, path_id, &ids).await? {
        by_call.entry(step.uniqueid.clone()).or_default().push(step);
    }
    let queues = Queues::load(conn, scope.tenant_id).await?;
    Ok(calls
        .into_iter()
        .map(|(uniqueid, key)| {
            let mine = by_call.remove(&uniqueid).unwrap_or_default();
            let queue_name =
                mine.iter().find(|s| s.kind == "QUEUE").and_then(|s| queues.name(&s.type_id)).map(str::to_string);
            PathCall { key, uniqueid, steps: mine, queue_name }
        })
        .collect())
}

/// Calls recorded by a response path, newest first; `page.after_id` is the key of the last call of
/// the previous page.
pub async fn results(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    path_id: i64,
    filter: &ResultFilter<'_>,
    page: PageRequest,
) -> ServiceResult<Page<PathCall>> {
    let mut conn = core.db().pool().acquire().await?;
    let scope = path_scope(core, principal, tenant, path_id, &mut conn).await?;
    let limit = page.limit.clamp(1, MAX_LEGACY_CALLS);
    let range = filter.range.clone().unwrap_or_else(TimeRange::all);
    let upper = range.upper();
    let query = CallQuery {
        tenant_id: scope.tenant_id,
        path_id,
        from: &range.from,
        to: &upper,
        uniqueid: filter.uniqueid.unwrap_or_default(),
        answered_by: filter.answered_by.unwrap_or_default(),
        queue: filter.queue.unwrap_or_default(),
        before_id: page.after_id.unwrap_or(i64::MAX),
        limit: limit + 1,
    };
    let calls = store::calls(&mut conn, &query).await?;
    let page = Page::from_overfetch(calls, limit, |c| c.1);
    let items = with_steps(&mut conn, &scope, path_id, page.items).await?;
    Ok(Page { items, next_after: page.next_after })
}

/// One call of a response path, named by its unique id or by the id of one of its result rows
/// (legacy `getid` `rrid`); `None` when the path recorded no such call.
pub async fn result(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    path_id: i64,
    rrid: &str,
) -> ServiceResult<Option<PathCall>> {
    let mut conn = core.db().pool().acquire().await?;
    let scope = path_scope(core, principal, tenant, path_id, &mut conn).await?;
    let rrid = rrid.trim();
    let uniqueid = match rrid.parse::<i64>() {
        Ok(result_id) => store::uniqueid_of(&mut conn, scope.tenant_id, path_id, result_id).await?,
        // `_` in place of the `.` of a unique id is accepted.
        Err(_) => Some(rrid.replace('_', ".")),
    };
    let Some(uniqueid) = uniqueid else { return Ok(None) };
    let filter = ResultFilter { uniqueid: Some(&uniqueid), ..Default::default() };
    drop(conn);
    let page = results(core, principal, tenant, path_id, &filter, PageRequest { after_id: None, limit: 1 }).await?;
    Ok(page.items.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, callid: &str, agent: &str, event: &str, data: [&str; 5]) -> QueueLogEntry {
        QueueLogEntry {
            id,
            time: format!("2024-05-01 10:00:{id:02}"),
            callid: callid.into(),
            queuename: "7".into(),
            agent: agent.into(),
            event: event.into(),
            data: data.map(str::to_string),
        }
    }

    #[test]
    fn answered_abandoned_and_member_events() {
        let events = vec![
            event(1, "NONE", "103-ACME", "ADDMEMBER", ["", "", "", "", ""]),
            event(2, "a.1", "NONE", "ENTERQUEUE", ["", "Bob <555>", "1", "", ""]),
            event(3, "b.2", "NONE", "ENTERQUEUE", ["", "555-2", "2", "", ""]),
            event(4, "a.1", "103-ACME", "RINGNOANSWER", ["15000", "", "", "", ""]),
            event(5, "a.1", "104-ACME", "CONNECT", ["12", "a.9", "3", "", ""]),
            event(6, "b.2", "NONE", "ABANDON", ["1", "2", "30", "", ""]),
            event(7, "a.1", "104-ACME", "COMPLETECALLER", ["12", "95", "1", "", ""]),
            event(8, "c.3", "NONE", "CUSTOM", ["x", "", "", "", ""]),
            event(9, "d.4", "NONE", "EXITWITHKEY", ["5", "1", "3", "8", ""]),
        ];
        let calls = derive_calls(&events);
        let summary: Vec<_> = calls
            .iter()
            .map(|c| {
                (
                    c.callid.as_str(),
                    c.disposition.as_str(),
                    c.agent.as_str(),
                    c.holdtime.as_str(),
                    c.calltime.as_str(),
                    c.origpos.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a.1", "COMPLETECALLER", "104-ACME", "12", "95", "1"),
                ("b.2", "ABANDON", "", "30", "0", "2"),
                ("d.4", "EXITWITHKEY", "", "8", "0", "3"),
            ]
        );
        assert_eq!(calls[0].callerid, "Bob <555>");
        assert_eq!(calls[0].time, "2024-05-01 10:00:02");
    }

    #[test]
    fn range_upper_bound_covers_fractions() {
        let range = TimeRange { from: String::new(), to: "2024-05-01 23:59:59".into() };
        assert!("2024-05-01 23:59:59.123456" <= range.upper().as_str());
        assert!("2024-05-02 00:00:00" > range.upper().as_str());
    }
}
