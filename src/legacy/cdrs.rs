//! Call history on the legacy door: INFO `cdrs` (json, plain, csv, xml, templates §4), INFO
//! `simplecdrs`, INFO `call`, and reqtype CDR `get`/`update` (CONTRACT §1.8 rows 44, 45, 53, 54).
//! Lists stream from the database; an empty result is 0 bytes (`empty_json` legacy default), except
//! that a template still prints its header and footer (§4).

use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::record::LegacyRecord;
use pbx_compat::render::template::Template;
use pbx_compat::render::{Rendered, content_type, csv, json, plain, xml};

use super::dispatch::{Answer, Call, error_text, miss_or_error};
use super::time::range as legacy_range;
use crate::domain::time::stored_to_local;
use crate::service::cdrs::{self, Cdr, CdrFilter, CdrScope};
use crate::service::{Core, cdr_templates};
use crate::streaming::{self, CdrWriter};

/// INFO cdrs JSON members, in the order clients read them (row 44), then `te_id` and `direction`.
const CDR_FIELDS: usize = 28;

/// The legacy CDR record: the 28 JSON members first, then the columns templates may also name.
fn cdr_record(cdr: &Cdr, wide: bool) -> LegacyRecord {
    let r = &cdr.row;
    let mut rec = LegacyRecord::with_capacity(if wide { CDR_FIELDS + 10 } else { CDR_FIELDS });
    rec.push("ID", r.id.to_string());
    rec.push("accountcode", r.accountcode.as_str());
    rec.push("start", stored_to_local(&r.calldate));
    rec.push("answer", r.answer.as_deref().map(stored_to_local));
    rec.push("end", stored_to_local(&r.end));
    rec.push("clid", r.clid.as_str());
    rec.push("realsrc", r.realsrc.as_str());
    rec.push("firstdst", r.firstdst.as_str());
    rec.push("duration", r.duration.to_string());
    rec.push("billsec", r.billsec.to_string());
    rec.push("disposition", r.disposition.as_str());
    rec.push("cc_cost", r.cc_cost.as_str());
    rec.push("dcontext", r.dcontext.as_str());
    rec.push("dstchannel", r.dstchannel.as_str());
    rec.push("userfield", r.userfield.as_str());
    rec.push("uniqueid", r.uniqueid.as_str());
    rec.push("prevuniqueid", r.prevuniqueid.as_str());
    rec.push("lastdst", r.lastdst.as_str());
    rec.push("wherelanded", r.wherelanded.as_str());
    rec.push("srcCallID", r.srccallid.as_str());
    rec.push("linkedid", r.linkedid.as_str());
    rec.push("peeraccount", r.peeraccount.as_str());
    rec.push("originateid", r.originateid.as_str());
    rec.push("cc_country", r.cc_country.as_str());
    rec.push("cc_network", r.cc_network.as_str());
    // The PIN a caller typed is a credential: the key stays, the value never leaves (§0.9).
    rec.push("pincode", "");
    rec.push("te_id", r.te_id.map(|id| id.to_string()));
    rec.push("direction", r.direction.as_str());
    if wide {
        rec.push("tenantcode", &*cdr.tenant_code);
        rec.push("src", r.src.as_str());
        rec.push("dst", r.dst.as_str());
        rec.push("channel", r.channel.as_str());
        rec.push("lastapp", r.lastapp.as_str());
        rec.push("lastdata", r.lastdata.as_str());
        rec.push("whoanswered", r.whoanswered.as_str());
        rec.push("amaflags", r.amaflags.to_string());
        rec.push("sequence", r.sequence.to_string());
        rec.push("calldate", stored_to_local(&r.calldate));
    }
    rec
}

/// INFO simplecdrs members (row 45).
const SIMPLE_FIELDS: [&str; 11] = [
    "sc_te_id",
    "tenantcode",
    "sc_start",
    "sc_direction",
    "sc_calleridnum",
    "sc_calleridname",
    "sc_dialednum",
    "sc_disposition",
    "sc_duration",
    "sc_uniqueid",
    "sc_whoanswered",
];

/// The simple call history row: the first leg of a call, caller id split into number and name.
fn simple_record(cdr: &Cdr) -> LegacyRecord {
    let r = &cdr.row;
    let number = if r.realsrc.is_empty() { &r.src } else { &r.realsrc };
    let dialed = if r.firstdst.is_empty() { &r.dst } else { &r.firstdst };
    let values = [
        r.te_id.map(|id| id.to_string()).unwrap_or_default(),
        cdr.tenant_code.to_string(),
        stored_to_local(&r.calldate),
        r.direction.clone(),
        number.clone(),
        caller_name(&r.clid).to_string(),
        dialed.clone(),
        r.disposition.clone(),
        r.duration.to_string(),
        r.uniqueid.clone(),
        r.whoanswered.clone(),
    ];
    let mut rec = LegacyRecord::with_capacity(SIMPLE_FIELDS.len());
    for (name, value) in SIMPLE_FIELDS.iter().zip(values) {
        rec.push(*name, value);
    }
    rec
}

/// The name of an Asterisk caller id `"Name" <number>` (quotes optional); "" when there is none.
fn caller_name(clid: &str) -> &str {
    match clid.find('<') {
        Some(at) => clid[..at].trim().trim_matches('"').trim(),
        None => "",
    }
}

/// Comma-separated values of a multi-value filter (§0.13), blanks dropped.
fn list_param(call: &Call<'_>, name: &str) -> Vec<String> {
    call.request
        .get(name)
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The filters shared by INFO cdrs and simplecdrs. `None` for an unparsable date (empty body, like
/// every other lookup miss). Selecting calls by id drops the default "today" window.
fn common_filter(call: &Call<'_>) -> Option<CdrFilter> {
    let mut filter = CdrFilter {
        ids: list_param(call, "id").iter().map(|id| id.parse().unwrap_or(-1)).collect(),
        uniqueids: list_param(call, "uniqueid").iter().map(|id| crate::domain::call_id::stored_uniqueid(id)).collect(),
        directions: list_param(call, "direction"),
        phones: list_param(call, "phone"),
        ..CdrFilter::default()
    };
    let (start, end) = (call.request.non_empty("start"), call.request.non_empty("end"));
    let by_id = !filter.ids.is_empty() || !filter.uniqueids.is_empty() || call.request.non_empty("linkedid").is_some();
    if start.is_some() || end.is_some() || !by_id {
        let (from, to) = legacy_range(start, end).ok()?;
        filter.from = Some(from);
        filter.to = Some(to);
    }
    Some(filter)
}

fn scope<'a>(call: &Call<'a>) -> CdrScope<'a> {
    match call.tenant {
        Some(code) if code != "%" => CdrScope::Tenant(code),
        _ => CdrScope::AllTenants,
    }
}

/// INFO cdrs.
pub async fn info_cdrs(core: &Core, call: &Call<'_>) -> Answer {
    let Some(mut filter) = common_filter(call) else { return Rendered::empty(&call.output).into() };
    filter.linkedids = list_param(call, "linkedid");
    filter.sources = list_param(call, "src");
    filter.destinations = list_param(call, "firstdst");
    let scope = scope(call);
    let format = call.output.format;
    let template = match format {
        Format::Csv | Format::Xml => {
            let name = call.request.non_empty("template");
            match cdr_templates::for_output(core, &call.principal, scope, name, format == Format::Csv).await {
                Ok(found) => found,
                Err(err) => return Rendered::text(&call.output, error_text(err)).into(),
            }
        }
        Format::Json | Format::Plain => None,
    };
    let writer: Box<dyn CdrWriter> = match (&template, format) {
        (Some(text), _) => Box::new(TemplateWriter::new(text)),
        (None, Format::Json) => Box::new(JsonWriter { first: true, simple: false }),
        (None, Format::Plain) => Box::new(PlainWriter { simple: false }),
        (None, Format::Csv) => Box::new(DefaultCsvWriter { all_tenants: scope == CdrScope::AllTenants }),
        (None, Format::Xml) => Box::new(XmlWriter),
    };
    stream_answer(core, call, scope, filter, writer, template.is_some()).await
}

/// INFO simplecdrs: first legs only; 0 bytes when empty in every format.
pub async fn info_simplecdrs(core: &Core, call: &Call<'_>) -> Answer {
    let Some(mut filter) = common_filter(call) else { return Rendered::empty(&call.output).into() };
    filter.first_legs_only = true;
    filter.sources = list_param(call, "calleridnum");
    filter.caller_names = list_param(call, "calleridname");
    filter.dispositions = list_param(call, "disposition");
    filter.answered_by = list_param(call, "whoanswered");
    let writer: Box<dyn CdrWriter> = match call.output.format {
        Format::Json => Box::new(JsonWriter { first: true, simple: true }),
        Format::Plain => Box::new(PlainWriter { simple: true }),
        Format::Csv => Box::new(SimpleCsvWriter),
        Format::Xml => return Rendered::empty(&call.output).into(),
    };
    stream_answer(core, call, scope(call), filter, writer, false).await
}

/// Reads the first batch before answering, so authorization failures get their protocol text and an
/// empty result its 0 bytes (or, with a template, header and footer).
async fn stream_answer(
    core: &Core,
    call: &Call<'_>,
    scope: CdrScope<'_>,
    filter: CdrFilter,
    writer: Box<dyn CdrWriter>,
    prints_when_empty: bool,
) -> Answer {
    let mut export = match cdrs::export(core, &call.principal, scope, filter).await {
        Ok(export) => export,
        Err(err) => return Rendered::text(&call.output, error_text(err)).into(),
    };
    let first = match export.next_batch().await {
        None => Vec::new(),
        Some(Ok(rows)) => rows,
        Some(Err(err)) => return Rendered::text(&call.output, error_text(err)).into(),
    };
    if first.is_empty() && !prints_when_empty {
        return Rendered::empty(&call.output).into();
    }
    let content_type = match (&call.output.callback, call.output.format) {
        (Some(_), Format::Json) => content_type::JAVASCRIPT,
        (None, Format::Json) => content_type::JSON,
        _ => content_type::HTML,
    };
    let writer = JsonpWriter { inner: writer, callback: call.output.callback.clone() };
    Answer::Body {
        content_type: content_type.to_string(),
        disposition: None,
        body: streaming::body(first, export, writer),
    }
}

impl CdrWriter for Box<dyn CdrWriter> {
    fn header(&mut self, out: &mut String) {
        (**self).header(out);
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        (**self).row(cdr, out);
    }
    fn footer(&mut self, out: &mut String) {
        (**self).footer(out);
    }
}

/// Wraps a JSON array in `callback(...);` when a valid callback was given (§0.4).
struct JsonpWriter {
    inner: Box<dyn CdrWriter>,
    callback: Option<String>,
}

impl CdrWriter for JsonpWriter {
    fn header(&mut self, out: &mut String) {
        if let Some(callback) = &self.callback {
            out.push_str(callback);
            out.push('(');
        }
        self.inner.header(out);
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        self.inner.row(cdr, out);
    }
    fn footer(&mut self, out: &mut String) {
        self.inner.footer(out);
        if self.callback.is_some() {
            out.push_str(");");
        }
    }
}

struct JsonWriter {
    first: bool,
    simple: bool,
}

impl CdrWriter for JsonWriter {
    fn header(&mut self, out: &mut String) {
        out.push('[');
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        if !std::mem::take(&mut self.first) {
            out.push(',');
        }
        // SIMPLECDRS carries positional twins; CDRS does not (row 44).
        let value = if self.simple {
            simple_record(cdr).to_json_with_positional_twins()
        } else {
            cdr_record(cdr, false).to_json()
        };
        out.push_str(&json::encode(&value));
    }
    fn footer(&mut self, out: &mut String) {
        out.push(']');
    }
}

/// Header of the record's names, then `|`-separated rows; SIMPLECDRS rows end with `|` (row 45).
struct PlainWriter {
    simple: bool,
}

impl CdrWriter for PlainWriter {
    fn header(&mut self, out: &mut String) {
        let names: Vec<String> = if self.simple {
            SIMPLE_FIELDS.iter().map(|n| n.to_string()).collect()
        } else {
            cdr_record(&empty_cdr(), false).fields().iter().map(|(n, _)| n.clone()).collect()
        };
        out.push_str(&names.join("|"));
        out.push('\n');
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        let record = if self.simple { simple_record(cdr) } else { cdr_record(cdr, false) };
        let cells: Vec<String> = record.values_as_text().iter().map(|v| plain::sanitize_cell(v)).collect();
        out.push_str(&cells.join("|"));
        if self.simple {
            out.push('|');
        }
        out.push('\n');
    }
    fn footer(&mut self, _out: &mut String) {}
}

/// The built-in CSV export columns when the scope has no CSV template (§4); all-tenant output adds
/// the tenant first and the cost last.
const DEFAULT_CSV: [&str; 10] =
    ["start", "clid", "realsrc", "firstdst", "lastdst", "duration", "billsec", "disposition", "uniqueid", "userfield"];

struct DefaultCsvWriter {
    all_tenants: bool,
}

impl DefaultCsvWriter {
    fn columns(&self) -> Vec<&'static str> {
        if self.all_tenants {
            std::iter::once("tenantcode").chain(DEFAULT_CSV).chain(std::iter::once("cc_cost")).collect()
        } else {
            DEFAULT_CSV.to_vec()
        }
    }
}

impl CdrWriter for DefaultCsvWriter {
    fn header(&mut self, out: &mut String) {
        out.push_str(&csv::row(&self.columns().iter().map(|c| c.to_string()).collect::<Vec<_>>()));
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        let record = cdr_record(cdr, true);
        let values: Vec<String> =
            self.columns().iter().map(|c| record.get(c).map(|v| v.to_text()).unwrap_or_default()).collect();
        out.push_str(&csv::row(&values));
    }
    fn footer(&mut self, _out: &mut String) {}
}

struct SimpleCsvWriter;

impl CdrWriter for SimpleCsvWriter {
    fn header(&mut self, out: &mut String) {
        out.push_str(&csv::row(&SIMPLE_FIELDS.iter().map(|c| c.to_string()).collect::<Vec<_>>()));
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        out.push_str(&csv::row(&simple_record(cdr).values_as_text()));
    }
    fn footer(&mut self, _out: &mut String) {}
}

/// `<cdrs><cdr>…</cdr></cdrs>`, well-formed (§0.11).
struct XmlWriter;

impl CdrWriter for XmlWriter {
    fn header(&mut self, out: &mut String) {
        out.push_str(&xml::document_start("cdrs"));
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        out.push_str(&xml::element("cdr", &cdr_record(cdr, false)));
    }
    fn footer(&mut self, out: &mut String) {
        out.push_str(&xml::document_end("cdrs"));
    }
}

/// Raw template output (§4): header once, the loop body per CDR, footer once. Split once, not per row.
struct TemplateWriter {
    header: String,
    body: String,
    footer: String,
}

impl TemplateWriter {
    fn new(text: &str) -> TemplateWriter {
        let parts = Template::parse(text);
        TemplateWriter {
            header: parts.header.to_string(),
            body: parts.body.to_string(),
            footer: parts.footer.to_string(),
        }
    }
}

impl CdrWriter for TemplateWriter {
    fn header(&mut self, out: &mut String) {
        out.push_str(&self.header);
    }
    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        let parts = Template { header: "", body: &self.body, footer: "" };
        out.push_str(&parts.row(&cdr_record(cdr, true)));
    }
    fn footer(&mut self, out: &mut String) {
        out.push_str(&self.footer);
    }
}

fn empty_cdr() -> Cdr {
    Cdr { row: Default::default(), tenant_code: std::sync::Arc::from("") }
}

/// INFO call: every CDR leg of an originate id or uniqueid, at once; no id or no match → 0 bytes.
pub async fn info_call(core: &Core, call: &Call<'_>) -> Rendered {
    let (Some(tenant), Some(id)) = (scope_tenant(call), call.request.non_empty("id")) else {
        return Rendered::empty(&call.output);
    };
    let legs = match cdrs::legs(core, &call.principal, tenant, id).await {
        Ok(legs) => legs,
        Err(err) => return miss_or_error(call, err),
    };
    if legs.is_empty() {
        return Rendered::empty(&call.output);
    }
    let records: Vec<LegacyRecord> = legs.iter().map(|cdr| cdr_record(cdr, false)).collect();
    match call.output.format {
        Format::Json => {
            Rendered::json(&call.output, &serde_json::Value::Array(records.iter().map(LegacyRecord::to_json).collect()))
        }
        Format::Plain => {
            let header: Vec<&str> = records[0].fields().iter().map(|(n, _)| n.as_str()).collect();
            let rows: Vec<Vec<String>> = records.iter().map(LegacyRecord::values_as_text).collect();
            Rendered::text(&call.output, plain::table(&header, &rows))
        }
        Format::Csv | Format::Xml => Rendered::empty(&call.output),
    }
}

fn scope_tenant<'a>(call: &Call<'a>) -> Option<&'a str> {
    call.tenant.filter(|t| *t != "%")
}

/// reqtype CDR: `get` answers the raw field value whatever the format; `update` appends
/// (Q14) and answers OK. Misses and fields outside the whitelist give 0 bytes.
pub async fn cdr(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let (Some(tenant), Some(uniqueid)) = (scope_tenant(call), req.non_empty("uniqueid")) else {
        return Rendered::empty(&call.output);
    };
    let field = req.non_empty("field").unwrap_or("userfield");
    let action = req.get("action").unwrap_or_default();
    if action.eq_ignore_ascii_case("get") {
        if !cdrs::WRITABLE_FIELDS.contains(&field) {
            return Rendered::empty(&call.output);
        }
        return match cdrs::get(core, &call.principal, tenant, uniqueid).await {
            Ok(cdr) => {
                let value = if field == "userfield" { cdr.row.userfield } else { cdr.row.accountcode };
                Rendered::text(&call.output, value)
            }
            Err(err) => miss_or_error(call, err),
        };
    }
    if action.eq_ignore_ascii_case("update") {
        let value = req.get("value").unwrap_or_default();
        return match cdrs::set_fields(core, &call.principal, tenant, uniqueid, &[(field, value)], true).await {
            Ok(()) => Rendered::text(&call.output, errors::OK),
            Err(err) => miss_or_error(call, err),
        };
    }
    Rendered::text(&call.output, errors::UNKNOWN_ACTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_names() {
        assert_eq!(caller_name("\"Susan\" <1132555678>"), "Susan");
        assert_eq!(caller_name("Susan <1132555678>"), "Susan");
        assert_eq!(caller_name("<1132555678>"), "");
        assert_eq!(caller_name("1132555678"), "");
    }

    #[test]
    fn the_cdr_record_has_the_observed_members_in_order() {
        let record = cdr_record(&empty_cdr(), false);
        let names: Vec<&str> = record.fields().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), CDR_FIELDS);
        assert_eq!(&names[..4], ["ID", "accountcode", "start", "answer"]);
        assert_eq!(&names[25..], ["pincode", "te_id", "direction"]);
    }
}
