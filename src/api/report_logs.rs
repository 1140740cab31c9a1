//! `/v1/tenants/{code}/queue-logs`, `/v1/tenants/{code}/ivr-logs` and
//! `/v1/tenants/{code}/response-paths/{id}/results`: what the PBX logged for a tenant's calls, with
//! typed filters, RFC 3339 times and `{items, next_cursor}` pages.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::pagination::{Limit, next_cursor, page_request};
use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::domain::time::stored_utc;
use crate::service::Core;
use crate::service::model::{IvrLogEntry, QueueLogEntry, Step};
use crate::service::objects::PageRequest;
use crate::service::report_logs::{
    self as service, IvrLogFilter, PathCall, QueueLogFilter, QueueSelector, ResultFilter, TimeRange,
};

/// One Asterisk queue event, as app_queue wrote it.
#[derive(Debug, Object)]
pub struct QueueLogEvent {
    /// Id (events are listed in id order).
    pub id: i64,
    /// When.
    pub time: Option<DateTime<Utc>>,
    /// Call unique id; `NONE` for member events.
    pub callid: String,
    /// Queue id.
    pub queue_id: Option<i64>,
    /// Agent (`<number>-<TENANT>`) or `NONE`.
    pub agent: String,
    /// Event: `ENTERQUEUE`, `CONNECT`, `COMPLETEAGENT`, `COMPLETECALLER`, `ABANDON`, `EXITWITHTIMEOUT`, ...
    pub event: String,
    /// Event data 1 (meaning per event, see Asterisk's queue_log documentation).
    pub data1: String,
    /// Event data 2.
    pub data2: String,
    /// Event data 3.
    pub data3: String,
    /// Event data 4.
    pub data4: String,
    /// Event data 5.
    pub data5: String,
}

impl From<QueueLogEntry> for QueueLogEvent {
    fn from(e: QueueLogEntry) -> Self {
        let [data1, data2, data3, data4, data5] = e.data;
        QueueLogEvent {
            id: e.id,
            time: stored_utc(&e.time),
            callid: e.callid,
            queue_id: e.queuename.parse().ok(),
            agent: e.agent,
            event: e.event,
            data1,
            data2,
            data3,
            data4,
            data5,
        }
    }
}

/// A page of queue events.
#[derive(Debug, Object)]
pub struct QueueLogPage {
    /// Events, oldest first.
    pub items: Vec<QueueLogEvent>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One choice a caller made in an IVR.
#[derive(Debug, Object)]
pub struct IvrLogItem {
    /// Id.
    pub id: i64,
    /// When.
    pub time: Option<DateTime<Utc>>,
    /// Call unique id.
    pub uniqueid: String,
    /// Caller id of the call.
    pub caller_id: String,
    /// IVR id.
    pub ivr_id: i64,
    /// IVR name (empty when the IVR was deleted since).
    pub ivr_name: String,
    /// Key pressed.
    pub digit: String,
    /// Destination taken (destination tag).
    pub destination: String,
}

impl From<IvrLogEntry> for IvrLogItem {
    fn from(e: IvrLogEntry) -> Self {
        IvrLogItem {
            id: e.id,
            time: stored_utc(&e.time),
            uniqueid: e.uniqueid,
            caller_id: e.callerid,
            ivr_id: e.ivr_id,
            ivr_name: e.ivr_name,
            digit: e.digit,
            destination: e.destination,
        }
    }
}

/// A page of IVR choices.
#[derive(Debug, Object)]
pub struct IvrLogPage {
    /// Choices, oldest first.
    pub items: Vec<IvrLogItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One step a response path recorded.
#[derive(Debug, Object)]
pub struct ResponsePathStep {
    /// `START`, `CALLERID`, `VARIABLE`, `QUEUE`, `ANSWER`, `HANGUP`, ...
    #[oai(rename = "type")]
    pub step_type: String,
    /// Id of the object the step is about (queue id, variable id, ...).
    pub type_id: String,
    /// Value (the answering agent for `ANSWER`, the caller for `CALLERID`, ...).
    pub value: String,
    /// Name of the object (the variable name for `VARIABLE`).
    pub type_name: String,
    /// Name of the value.
    pub value_name: String,
    /// When the step was recorded.
    pub time: Option<DateTime<Utc>>,
}

impl From<Step> for ResponsePathStep {
    fn from(s: Step) -> Self {
        ResponsePathStep {
            step_type: s.kind,
            type_id: s.type_id,
            value: s.value,
            type_name: s.type_name,
            value_name: s.value_name,
            time: stored_utc(&s.time),
        }
    }
}

/// One call through a response path.
#[derive(Debug, Object)]
pub struct ResponsePathCall {
    /// Call unique id.
    pub uniqueid: String,
    /// Steps in the order they happened.
    pub steps: Vec<ResponsePathStep>,
}

impl From<PathCall> for ResponsePathCall {
    fn from(c: PathCall) -> Self {
        ResponsePathCall { uniqueid: c.uniqueid, steps: c.steps.into_iter().map(ResponsePathStep::from).collect() }
    }
}

/// A page of calls.
#[derive(Debug, Object)]
pub struct ResponsePathCallPage {
    /// Calls, newest first.
    pub items: Vec<ResponsePathCall>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `from`/`to` as a stored-time range; `from` after `to` is refused rather than answered empty.
fn range(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Result<TimeRange, ApiError> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::invalid("from", "from must not be after to"));
    }
    Ok(TimeRange::between(from, to))
}

/// An optional text filter; an empty value filters nothing.
fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Queue, IVR and response-path logs.
#[derive(Debug)]
pub struct ReportLogsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Reports")]
impl ReportLogsApi {
    /// Queue events of the tenant's queues, oldest first.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/v1/tenants/:code/queue-logs", method = "get", operation_id = "list_queue_logs")]
    async fn queue_logs(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Only events of this queue.
        queue_id: Query<Option<i64>>,
        /// Only events of this agent (`<number>-<TENANT>`).
        agent: Query<Option<String>>,
        /// Only this event (e.g. `CONNECT`).
        event: Query<Option<String>>,
        /// From this time (default: the beginning).
        from: Query<Option<DateTime<Utc>>>,
        /// Up to this time (default: no end).
        to: Query<Option<DateTime<Utc>>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<QueueLogPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let filter = QueueLogFilter {
            range: range(from.0, to.0)?,
            queue: queue_id.0.map(QueueSelector::Id),
            agent: text(&agent.0),
            event: text(&event.0),
        };
        let events = service::queue_events(&self.core, &principal, &code, &filter, page).await?;
        Ok(Json(QueueLogPage {
            items: events.items.into_iter().map(QueueLogEvent::from).collect(),
            next_cursor: next_cursor(events.next_after),
        }))
    }

    /// Choices callers made in the tenant's IVRs, oldest first.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/v1/tenants/:code/ivr-logs", method = "get", operation_id = "list_ivr_logs")]
    async fn ivr_logs(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Only choices in this IVR.
        ivr_id: Query<Option<i64>>,
        /// Only choices of this call.
        uniqueid: Query<Option<String>>,
        /// From this time (default: the beginning).
        from: Query<Option<DateTime<Utc>>>,
        /// Up to this time (default: no end).
        to: Query<Option<DateTime<Utc>>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<IvrLogPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let filter = IvrLogFilter { range: range(from.0, to.0)?, ivr_id: ivr_id.0, uniqueid: text(&uniqueid.0) };
        let rows = service::ivr_logs(&self.core, &principal, &code, &filter, page).await?;
        Ok(Json(IvrLogPage {
            items: rows.items.into_iter().map(IvrLogItem::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// Calls a response path recorded, with their steps, newest first.
    #[allow(clippy::too_many_arguments)]
    #[oai(
        path = "/v1/tenants/:code/response-paths/:id/results",
        method = "get",
        operation_id = "list_response_path_results"
    )]
    async fn results(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// Only the newest matching call (no further pages).
        latest: Query<Option<bool>>,
        /// Only this call.
        uniqueid: Query<Option<String>>,
        /// Only calls answered by this agent (`<number>-<TENANT>`).
        answered_by: Query<Option<String>>,
        /// Only calls through this queue (queue id as recorded by the QUEUE step).
        queue: Query<Option<String>>,
        /// Only calls with steps from this time.
        from: Query<Option<DateTime<Utc>>>,
        /// Only calls with steps up to this time.
        to: Query<Option<DateTime<Utc>>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ResponsePathCallPage>> {
        let principal = auth.principal(&self.core).await?;
        let latest = latest.0.unwrap_or(false);
        let page = if latest {
            PageRequest { after_id: None, limit: 1 }
        } else {
            page_request(limit.0.map(Limit::get), cursor.0.as_deref())?
        };
        let timed = from.0.is_some() || to.0.is_some();
        let filter = ResultFilter {
            range: if timed { Some(range(from.0, to.0)?) } else { None },
            uniqueid: text(&uniqueid.0),
            answered_by: text(&answered_by.0),
            queue: text(&queue.0),
        };
        let calls = service::results(&self.core, &principal, &code, id.0, &filter, page).await?;
        Ok(Json(ResponsePathCallPage {
            items: calls.items.into_iter().map(ResponsePathCall::from).collect(),
            next_cursor: if latest { None } else { next_cursor(calls.next_after) },
        }))
    }
}
