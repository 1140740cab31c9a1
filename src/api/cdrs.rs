//! `/v1/tenants/{code}/cdrs`: call detail records, one JSON page at a time; `/cdrs/export` the
//! whole filtered range streamed as CSV (an operation of its own, so a typed client gets one type
//! from each); `/cdrs/{uniqueid}` read and PATCH of the two writable fields.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::bounded::{Text, TextRule, choice_rules};
use super::pagination::{DEFAULT_LIMIT, Limit};
use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::domain::time::{stored, stored_utc};
use crate::service::Core;
use crate::service::cdrs::{self, Cdr, CdrFilter, CdrScope};
use crate::streaming::{self, CdrWriter};

/// One call leg as Asterisk recorded it, with the tenant's routing details. Times are UTC.
/// `direction` is `IN`, `OUT` or `LOCAL`; `disposition` is Asterisk's (`ANSWERED`, `NO ANSWER`,
/// `BUSY`, `FAILED`, `CONGESTION`).
#[derive(Debug, Object)]
pub struct CdrView {
    /// Row id.
    pub id: i64,
    /// Asterisk unique id of this leg (`<node>-<epoch>.<seq>`).
    pub uniqueid: String,
    /// Unique id of the call's first leg.
    pub linkedid: String,
    /// Call start.
    pub start: Option<DateTime<Utc>>,
    /// When answered; absent for unanswered calls.
    pub answer: Option<DateTime<Utc>>,
    /// Call end.
    pub end: Option<DateTime<Utc>>,
    /// Caller id as Asterisk shows it (`"Name" <number>`).
    pub caller_id: String,
    /// Source number as Asterisk saw it.
    pub src: String,
    /// Destination as Asterisk saw it.
    pub dst: String,
    /// The real calling number (legacy `realsrc`).
    pub real_src: String,
    /// The number first dialled (legacy `firstdst`).
    pub first_dst: String,
    /// The last destination (legacy `lastdst`).
    pub last_dst: String,
    /// Where the call ended up (legacy `wherelanded`).
    pub where_landed: String,
    /// Extension that answered (`<number>-<TENANT>`).
    pub answered_by: String,
    /// `IN`, `OUT` or `LOCAL`.
    pub direction: String,
    /// Asterisk disposition.
    pub disposition: String,
    /// Seconds from start to end.
    pub duration_seconds: i64,
    /// Seconds from answer to end.
    pub billable_seconds: i64,
    /// Dialplan context.
    pub context: String,
    /// Calling channel.
    pub channel: String,
    /// Called channel.
    pub dst_channel: String,
    /// Last dialplan application.
    pub last_app: String,
    /// Its arguments.
    pub last_data: String,
    /// Account code.
    pub account_code: String,
    /// Peer account code.
    pub peer_account: String,
    /// Free text set by the dialplan or by PATCH.
    pub user_field: String,
    /// Id returned by the originate request that placed the call, if any.
    pub originate_id: String,
    /// Unique id of the leg this one continued.
    pub previous_uniqueid: String,
    /// SIP Call-ID of the calling leg.
    pub src_call_id: String,
    /// Cost as a decimal string.
    pub cost: String,
    /// Destination country.
    pub country: String,
    /// Destination network.
    pub network: String,
    /// Asterisk AMA flags.
    pub ama_flags: i64,
    /// Asterisk CDR sequence.
    pub sequence: i64,
}

impl From<&Cdr> for CdrView {
    fn from(cdr: &Cdr) -> Self {
        let r = &cdr.row;
        CdrView {
            id: r.id,
            uniqueid: r.uniqueid.clone(),
            linkedid: r.linkedid.clone(),
            start: stored_utc(&r.calldate),
            answer: r.answer.as_deref().and_then(stored_utc),
            end: stored_utc(&r.end),
            caller_id: r.clid.clone(),
            src: r.src.clone(),
            dst: r.dst.clone(),
            real_src: r.realsrc.clone(),
            first_dst: r.firstdst.clone(),
            last_dst: r.lastdst.clone(),
            where_landed: r.wherelanded.clone(),
            answered_by: r.whoanswered.clone(),
            direction: r.direction.clone(),
            disposition: r.disposition.clone(),
            duration_seconds: r.duration,
            billable_seconds: r.billsec,
            context: r.dcontext.clone(),
            channel: r.channel.clone(),
            dst_channel: r.dstchannel.clone(),
            last_app: r.lastapp.clone(),
            last_data: r.lastdata.clone(),
            account_code: r.accountcode.clone(),
            peer_account: r.peeraccount.clone(),
            user_field: r.userfield.clone(),
            originate_id: r.originateid.clone(),
            previous_uniqueid: r.prevuniqueid.clone(),
            src_call_id: r.srccallid.clone(),
            cost: r.cc_cost.clone(),
            country: r.cc_country.clone(),
            network: r.cc_network.clone(),
            ama_flags: r.amaflags,
            sequence: r.sequence,
        }
    }
}

/// CSV columns of an export: the JSON field names, in the same order.
const CSV_COLUMNS: [&str; 34] = [
    "id",
    "uniqueid",
    "linkedid",
    "start",
    "answer",
    "end",
    "caller_id",
    "src",
    "dst",
    "real_src",
    "first_dst",
    "last_dst",
    "where_landed",
    "answered_by",
    "direction",
    "disposition",
    "duration_seconds",
    "billable_seconds",
    "context",
    "channel",
    "dst_channel",
    "last_app",
    "last_data",
    "account_code",
    "peer_account",
    "user_field",
    "originate_id",
    "previous_uniqueid",
    "src_call_id",
    "cost",
    "country",
    "network",
    "ama_flags",
    "sequence",
];

/// Appends the RFC 3339 form of a stored time ("" when absent or not a time). Stored times are
/// `YYYY-MM-DD HH:MM:SS` UTC, so the common case only swaps the separator, without a parse.
fn push_time(out: &mut String, stored_text: &str) {
    let b = stored_text.as_bytes();
    let plain_stored = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if plain_stored {
        out.push_str(&stored_text[..10]);
        out.push('T');
        out.push_str(&stored_text[11..]);
        out.push('Z');
    } else if let Some(t) = stored_utc(stored_text) {
        out.push_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
}

struct CsvWriter;

impl CdrWriter for CsvWriter {
    fn header(&mut self, out: &mut String) {
        out.push_str(&CSV_COLUMNS.join(","));
        out.push('\n');
    }

    fn row(&mut self, cdr: &Cdr, out: &mut String) {
        use std::fmt::Write as _;
        let r = &cdr.row;
        // Numbers and times never need quoting: they are written straight into the chunk, the text
        // cells through the CSV quoting; no per-cell allocation (the export path writes millions).
        let text = |out: &mut String, values: &[&str]| {
            for value in values {
                out.push(',');
                pbx_compat::render::csv::push_cell(out, value);
            }
        };
        let _ = write!(out, "{}", r.id);
        text(out, &[&r.uniqueid, &r.linkedid]);
        for time in [Some(r.calldate.as_str()), r.answer.as_deref(), Some(r.end.as_str())] {
            out.push(',');
            push_time(out, time.unwrap_or_default());
        }
        text(
            out,
            &[
                &r.clid,
                &r.src,
                &r.dst,
                &r.realsrc,
                &r.firstdst,
                &r.lastdst,
                &r.wherelanded,
                &r.whoanswered,
                &r.direction,
                &r.disposition,
            ],
        );
        let _ = write!(out, ",{},{}", r.duration, r.billsec);
        text(
            out,
            &[
                &r.dcontext,
                &r.channel,
                &r.dstchannel,
                &r.lastapp,
                &r.lastdata,
                &r.accountcode,
                &r.peeraccount,
                &r.userfield,
                &r.originateid,
                &r.prevuniqueid,
                &r.srccallid,
                &r.cc_cost,
                &r.cc_country,
                &r.cc_network,
            ],
        );
        let _ = writeln!(out, ",{},{}", r.amaflags, r.sequence);
    }

    fn footer(&mut self, _out: &mut String) {}
}

/// A page of CDRs.
#[derive(Debug, Object)]
pub struct CdrPage {
    /// CDRs, oldest first.
    pub items: Vec<CdrView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Every matching CDR as one CSV document.
#[derive(ApiResponse)]
pub enum CdrExport {
    /// Every matching CDR, oldest first, streamed; columns as the JSON fields, cells starting with
    /// `= + - @` prefixed with `'` so spreadsheets do not run them.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(Binary<poem::Body>),
}

/// Fields a client may change, as a JSON Merge Patch: a member left out keeps its value, `null`
/// empties it. Values are one line of at most 255 bytes.
#[derive(Debug, Object)]
pub struct CdrChange {
    /// New user field.
    pub user_field: MaybeUndefined<String>,
    /// New account code.
    pub account_code: MaybeUndefined<String>,
}

/// A cursor names the order it walks, so a cursor of one order is refused in the other.
fn cursor_prefix(newest_first: bool) -> &'static str {
    if newest_first { "cdr1d:" } else { "cdr1:" }
}

fn encode_cursor(next: Option<(String, i64)>, newest_first: bool) -> Option<String> {
    next.map(|(date, id)| {
        let prefix = cursor_prefix(newest_first);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{prefix}{date}|{id}"))
    })
}

fn decode_cursor(cursor: &str, newest_first: bool) -> Result<(String, i64), ApiError> {
    let invalid = || {
        ApiError::new(
            poem::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_cursor",
            Some("cursor is not one this API issued".to_string()),
        )
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (date, id) =
        text.strip_prefix(cursor_prefix(newest_first)).and_then(|t| t.rsplit_once('|')).ok_or_else(invalid)?;
    stored_utc(date).ok_or_else(invalid)?;
    Ok((date.to_string(), id.parse().map_err(|_| invalid())?))
}

/// The orders a CDR list or export can take: by start, oldest first (the default) or newest first.
pub const SORTS: [&str; 2] = ["start", "-start"];

choice_rules! {
    /// The `sort` of CDRs.
    SortRule = SORTS;
}

/// Whether `sort` asks for the newest first; another value is refused (422 naming `sort`).
fn newest_first(sort: Option<Text<SortRule>>) -> Result<bool, ApiError> {
    match sort.map(Text::into_inner).as_deref() {
        None | Some("start") => Ok(false),
        Some("-start") => Ok(true),
        Some(_) => Err(ApiError::invalid("sort", "sort: must be start (oldest first) or -start (newest first)")),
    }
}

/// The `direction` filter: any of [`cdrs::DIRECTIONS`], comma-separated.
pub struct Directions;

impl TextRule for Directions {
    const LENGTH: crate::domain::bounds::Length = crate::domain::bounds::Length::ANY;
    const ONE_OF: &'static [&'static str] = &cdrs::DIRECTIONS;
    const COMMA_LIST: bool = true;
}

/// A merge patch member's new text: `null` empties it, an absent member is no change.
fn merged(member: &MaybeUndefined<String>) -> Option<&str> {
    match member {
        MaybeUndefined::Value(value) => Some(value),
        MaybeUndefined::Null => Some(""),
        MaybeUndefined::Undefined => None,
    }
}

/// Comma-separated values of a filter.
fn values(param: Option<String>) -> Vec<String> {
    param
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The filters of the CDR list and export, as the query gave them (the two operations take the
/// same ones; poem-openapi has no parameter struct, so each handler lists them).
struct FilterQuery {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    uniqueid: Option<String>,
    linkedid: Option<String>,
    src: Option<String>,
    dst: Option<String>,
    phone: Option<String>,
    direction: Option<String>,
    disposition: Option<String>,
    newest_first: bool,
}

impl FilterQuery {
    fn into_filter(self) -> CdrFilter {
        CdrFilter {
            from: self.from.map(stored),
            to: self.to.map(stored),
            uniqueids: values(self.uniqueid).iter().map(|u| crate::domain::call_id::stored_uniqueid(u)).collect(),
            linkedids: values(self.linkedid),
            sources: values(self.src),
            destinations: values(self.dst),
            phones: values(self.phone),
            directions: values(self.direction),
            dispositions: values(self.disposition),
            newest_first: self.newest_first,
            ..CdrFilter::default()
        }
    }
}

/// CDR endpoints.
#[derive(Debug)]
pub struct CdrsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Cdrs")]
impl CdrsApi {
    /// CDRs of the tenant, a page at a time, oldest first (`sort=-start`: newest first). Filters
    /// combine with AND; a comma-separated filter matches any of its values. `GET .../cdrs/export`
    /// gives the whole filtered range as CSV.
    #[oai(path = "/v1/tenants/:code/cdrs", method = "get", operation_id = "list_cdrs")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Calls that started at or after this time.
        from: Query<Option<DateTime<Utc>>>,
        /// Calls that started at or before this time.
        to: Query<Option<DateTime<Utc>>>,
        /// Unique ids (`_` accepted for `.`).
        uniqueid: Query<Option<String>>,
        /// Linked ids (every leg of the calls).
        linkedid: Query<Option<String>>,
        /// Calling numbers (`src` or `real_src`).
        src: Query<Option<String>>,
        /// Dialled numbers (`first_dst` or `dst`).
        dst: Query<Option<String>>,
        /// Numbers matching who answered, the caller or the dialled number.
        phone: Query<Option<String>>,
        /// `IN`, `OUT`, `LOCAL`.
        direction: Query<Option<Text<Directions>>>,
        /// Asterisk dispositions (`ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`).
        disposition: Query<Option<String>>,
        /// `start` (oldest first, the default) or `-start` (newest first).
        sort: Query<Option<Text<SortRule>>>,
        /// Page size, 1-1000 (default 50).
        limit: Query<Option<Limit<{ cdrs::MAX_PAGE as u32 }>>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<CdrPage>> {
        let principal = auth.principal(&self.core).await?;
        let filter = FilterQuery {
            from: from.0,
            to: to.0,
            uniqueid: uniqueid.0,
            linkedid: linkedid.0,
            src: src.0,
            dst: dst.0,
            phone: phone.0,
            direction: direction.0.map(Text::into_inner),
            disposition: disposition.0,
            newest_first: newest_first(sort.0)?,
        }
        .into_filter();
        let limit = i64::from(limit.0.map_or(DEFAULT_LIMIT, Limit::get));
        if !(1..=cdrs::MAX_PAGE).contains(&limit) {
            return Err(ApiError::invalid("limit", format!("limit must be between 1 and {}", cdrs::MAX_PAGE)));
        }
        let newest = filter.newest_first;
        let after = cursor.0.as_deref().filter(|c| !c.is_empty()).map(|c| decode_cursor(c, newest)).transpose()?;
        let page = cdrs::list(&self.core, &principal, CdrScope::Tenant(&code), filter, after, limit).await?;
        Ok(Json(CdrPage {
            items: page.items.iter().map(CdrView::from).collect(),
            next_cursor: encode_cursor(page.next, newest),
        }))
    }

    /// Every CDR of the tenant that matches the filters, oldest first (`sort=-start`: newest
    /// first), streamed as one CSV document (the filters of the list; no paging). Rows travel from
    /// the database to the client in batches, so the range can be any size.
    #[oai(path = "/v1/tenants/:code/cdrs/export", method = "get", operation_id = "export_cdrs")]
    #[allow(clippy::too_many_arguments)]
    async fn export(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Calls that started at or after this time.
        from: Query<Option<DateTime<Utc>>>,
        /// Calls that started at or before this time.
        to: Query<Option<DateTime<Utc>>>,
        /// Unique ids (`_` accepted for `.`).
        uniqueid: Query<Option<String>>,
        /// Linked ids (every leg of the calls).
        linkedid: Query<Option<String>>,
        /// Calling numbers (`src` or `real_src`).
        src: Query<Option<String>>,
        /// Dialled numbers (`first_dst` or `dst`).
        dst: Query<Option<String>>,
        /// Numbers matching who answered, the caller or the dialled number.
        phone: Query<Option<String>>,
        /// `IN`, `OUT`, `LOCAL`.
        direction: Query<Option<Text<Directions>>>,
        /// Asterisk dispositions (`ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`).
        disposition: Query<Option<String>>,
        /// `start` (oldest first, the default) or `-start` (newest first).
        sort: Query<Option<Text<SortRule>>>,
    ) -> ApiResult<CdrExport> {
        let principal = auth.principal(&self.core).await?;
        let filter = FilterQuery {
            from: from.0,
            to: to.0,
            uniqueid: uniqueid.0,
            linkedid: linkedid.0,
            src: src.0,
            dst: dst.0,
            phone: phone.0,
            direction: direction.0.map(Text::into_inner),
            disposition: disposition.0,
            newest_first: newest_first(sort.0)?,
        }
        .into_filter();
        let export = cdrs::export(&self.core, &principal, CdrScope::Tenant(&code), filter).await?;
        Ok(CdrExport::Csv(Binary(streaming::body(Vec::new(), export, CsvWriter))))
    }

    /// One CDR by unique id (`_` accepted for `.`) or by the originate id of the call.
    #[oai(path = "/v1/tenants/:code/cdrs/:uniqueid", method = "get", operation_id = "get_cdr")]
    async fn get(&self, auth: Auth, code: Path<String>, uniqueid: Path<String>) -> ApiResult<Json<CdrView>> {
        let principal = auth.principal(&self.core).await?;
        let cdr = cdrs::get(&self.core, &principal, &code, &uniqueid).await?;
        Ok(Json(CdrView::from(&cdr)))
    }

    /// Set the user field and/or account code of every leg with this unique id.
    #[oai(path = "/v1/tenants/:code/cdrs/:uniqueid", method = "patch", operation_id = "update_cdr")]
    async fn update(
        &self,
        auth: Auth,
        code: Path<String>,
        uniqueid: Path<String>,
        body: Json<CdrChange>,
    ) -> ApiResult<Json<CdrView>> {
        let principal = auth.principal(&self.core).await?;
        // A merge patch: `null` empties a member, an absent one is left as it is.
        let changes: Vec<(&str, &str)> =
            [("userfield", merged(&body.user_field)), ("accountcode", merged(&body.account_code))]
                .into_iter()
                .filter_map(|(column, value)| Some((column, value?)))
                .collect();
        cdrs::set_fields(&self.core, &principal, &code, &uniqueid, &changes, false).await.map_err(|err| {
            super::problem::from_service(
                err,
                |legacy| if legacy == "accountcode" { "account_code" } else { "user_field" },
            )
        })?;
        let cdr = cdrs::get(&self.core, &principal, &code, &uniqueid).await?;
        Ok(Json(CdrView::from(&cdr)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = encode_cursor(Some(("2026-11-27 10:00:00".into(), 42)), false).unwrap();
        assert_eq!(decode_cursor(&cursor, false).unwrap(), ("2026-11-27 10:00:00".to_string(), 42));
        assert!(decode_cursor(&cursor, true).is_err(), "an oldest-first cursor in a newest-first walk");
        assert!(decode_cursor("garbage", false).is_err());
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("cdr1:x' OR 1=1|1");
        assert!(decode_cursor(&forged, false).is_err());
    }

    #[test]
    fn csv_columns_match_the_json_fields() {
        let mut out = String::new();
        CsvWriter.row(&Cdr { row: Default::default(), tenant_code: std::sync::Arc::from("") }, &mut out);
        assert_eq!(out.trim_end().split(',').count(), CSV_COLUMNS.len());
    }
}
