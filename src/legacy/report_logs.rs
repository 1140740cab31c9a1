//! INFO `queuelogs` and `ivrlogs` (CONTRACT §1.8 rows 46-47): the tenant's queue calls and IVR
//! choices between `start` and `end` (default today). Times are shown in server local time; an
//! empty result is 0 bytes in every format (`empty_json` legacy default, Q-17).

use pbx_compat::command::Format;
use pbx_compat::record::{LegacyRecord, LegacyValue};
use pbx_compat::render::{Rendered, csv, plain};
use serde_json::Value as Json;

use super::dispatch::{Call, error_text};
use super::records::record_for;
use crate::domain::time::stored_to_local;
use crate::service::catalog::EXTENSION;
use crate::service::extensions::ExtensionRules;
use crate::service::model::Row;
use crate::service::objects::PageRequest;
use crate::service::report_logs::{
    self as service, IvrLogFilter, MAX_LEGACY_ROWS, QueueCall, QueueLogFilter, QueueSelector, TimeRange,
};
use crate::service::{Core, ServiceResult};

/// The queue-log fields of a QUEUELOGS record, before the agent's extension row.
const QUEUE_LOG_FIELDS: [&str; 9] =
    ["time", "qu_name", "callerid", "disposition", "agent", "holdtime", "calltime", "origpos", "callid"];

/// The extension fields QUEUELOGS csv and plain add to the queue-log fields.
const QUEUE_LOG_EXTENSION_COLUMNS: [&str; 2] = ["ex_number", "ex_name"];

/// The fields of an IVRLOGS record (json keys and plain header).
const IVR_LOG_FIELDS: [&str; 7] = ["time", "uniqueid", "callerid", "iv_id", "iv_name", "digit", "destination"];

/// The tenant and `start`/`end` range every log call needs; `Err` is the answer to send instead.
/// These reports are per tenant: an admin without `tenant` (or with `%`) gets the empty body.
pub fn tenant_and_range<'a>(call: &Call<'a>) -> Result<(&'a str, TimeRange), Rendered> {
    let Some(tenant) = call.tenant.filter(|t| *t != "%") else { return Err(Rendered::empty(&call.output)) };
    let (from, to) =
        super::time::range(call.request.non_empty("start"), call.request.non_empty("end")).map_err(|field| {
            let err = crate::service::ServiceError::invalid(field, "must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS");
            Rendered::text(&call.output, error_text(err))
        })?;
    Ok((tenant, TimeRange::stored(from, to)))
}

/// The cells of `columns` of each record, for plain and CSV tables.
fn cells(records: &[LegacyRecord], columns: &[&str]) -> Vec<Vec<String>> {
    records
        .iter()
        .map(|r| columns.iter().map(|c| r.get(c).map(LegacyValue::to_text).unwrap_or_default()).collect())
        .collect()
}

/// Answers `reqtype=INFO&info=queuelogs` (`queue` = queue id or number, optional).
pub async fn queue_logs(core: &Core, call: &Call<'_>) -> Rendered {
    if call.output.format == Format::Xml {
        return Rendered::empty(&call.output);
    }
    let (tenant, range) = match tenant_and_range(call) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let filter = QueueLogFilter {
        range,
        queue: call.request.non_empty("queue").map(QueueSelector::IdOrNumber),
        agent: None,
        event: None,
    };
    let calls = match service::queue_calls(core, &call.principal, tenant, &filter).await {
        Ok(calls) if calls.is_empty() => return Rendered::empty(&call.output),
        Ok(calls) => calls,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    let no_agent = null_extension(call);
    let records: Vec<LegacyRecord> = calls.iter().map(|c| queue_record(call, c, &no_agent)).collect();
    let columns: Vec<&str> = QUEUE_LOG_FIELDS.iter().chain(QUEUE_LOG_EXTENSION_COLUMNS.iter()).copied().collect();
    match call.output.format {
        // Positional twins as observed: clients index the joined extension row by position.
        Format::Json => Rendered::json(
            &call.output,
            &Json::Array(records.iter().map(LegacyRecord::to_json_with_positional_twins).collect()),
        ),
        Format::Csv => Rendered::text(&call.output, csv::table(&columns, &cells(&records, &columns))),
        Format::Plain | Format::Xml => Rendered::text(&call.output, plain::table(&columns, &cells(&records, &columns))),
    }
}

/// The extension part of a record without an answering agent: the extension row's shape, all null,
/// so positions stay the same on every record.
fn null_extension(call: &Call<'_>) -> LegacyRecord {
    let shape = record_for(&call.principal, &ExtensionRules, &Row::null(&EXTENSION));
    let mut nulls = LegacyRecord::with_capacity(shape.len());
    for (name, _) in shape.fields() {
        nulls.push(name.clone(), LegacyValue::Null);
    }
    nulls
}

fn queue_record(call: &Call<'_>, c: &QueueCall, no_agent: &LegacyRecord) -> LegacyRecord {
    let values = [
        stored_to_local(&c.time),
        c.queue_name.clone(),
        c.callerid.clone(),
        c.disposition.clone(),
        c.agent.clone(),
        c.holdtime.clone(),
        c.calltime.clone(),
        c.origpos.clone(),
        c.callid.clone(),
    ];
    let extension = match &c.extension {
        Some(row) => record_for(&call.principal, &ExtensionRules, row),
        None => no_agent.clone(),
    };
    let mut record = LegacyRecord::with_capacity(values.len() + extension.len());
    for (name, value) in QUEUE_LOG_FIELDS.iter().zip(values) {
        record.push(*name, value);
    }
    for (name, value) in extension.fields() {
        record.push(name.clone(), value.clone());
    }
    record.blank_credentials();
    record
}

/// Answers `reqtype=INFO&info=ivrlogs`: json records or a plain table (csv/xml: empty body).
pub async fn ivr_logs(core: &Core, call: &Call<'_>) -> Rendered {
    if matches!(call.output.format, Format::Xml | Format::Csv) {
        return Rendered::empty(&call.output);
    }
    let (tenant, range) = match tenant_and_range(call) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let records = match ivr_records(core, call, tenant, range).await {
        Ok(records) if records.is_empty() => return Rendered::empty(&call.output),
        Ok(records) => records,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    match call.output.format {
        Format::Json => Rendered::json(&call.output, &Json::Array(records.iter().map(LegacyRecord::to_json).collect())),
        _ => Rendered::text(&call.output, plain::table(&IVR_LOG_FIELDS, &cells(&records, &IVR_LOG_FIELDS))),
    }
}

async fn ivr_records(core: &Core, call: &Call<'_>, tenant: &str, range: TimeRange) -> ServiceResult<Vec<LegacyRecord>> {
    let filter = IvrLogFilter { range, ivr_id: None, uniqueid: None };
    let page = PageRequest { after_id: None, limit: MAX_LEGACY_ROWS };
    let rows = service::ivr_logs(core, &call.principal, tenant, &filter, page).await?.items;
    Ok(rows
        .into_iter()
        .map(|e| {
            let values = [
                stored_to_local(&e.time),
                e.uniqueid,
                e.callerid,
                e.ivr_id.to_string(),
                e.ivr_name,
                e.digit,
                e.destination,
            ];
            let mut record = LegacyRecord::with_capacity(values.len());
            for (name, value) in IVR_LOG_FIELDS.iter().zip(values) {
                record.push(*name, value);
            }
            record
        })
        .collect())
}
