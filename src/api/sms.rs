//! `/v1/tenants/{code}/sms`: send a text message from an extension, and the messages sent. The
//! same service as the legacy SMS reqtype and INFO sms.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::Created;
use super::bounded::{Text, text_rules};
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::{ApiError, ApiResult};
use super::security::Auth;
use crate::domain::bounds::Length;
use crate::service::Core;
use crate::service::live::sms::{self as service, SmsRequest};
use crate::service::model::SmsRow;
use crate::service::report_logs::TimeRange;

/// A text message.
#[derive(Debug, Object)]
pub struct Sms {
    /// Id.
    pub id: i64,
    /// When it was sent.
    pub date: Option<DateTime<Utc>>,
    /// `OUT` (sent through the gateway) or `IN`.
    pub direction: String,
    /// Source extension number.
    pub source: String,
    /// Destination (extension or external number).
    pub dest: String,
    /// The text.
    pub message: String,
    /// `SENT` or `FAILED`.
    pub status: String,
    /// Why it failed.
    pub error: String,
    /// The PBX node it went through.
    pub node: String,
}

impl From<SmsRow> for Sms {
    fn from(r: SmsRow) -> Self {
        Sms {
            id: r.id,
            date: crate::domain::time::stored_utc(&r.date),
            direction: r.direction,
            source: r.source,
            dest: r.dest,
            message: r.message,
            status: r.status,
            error: r.error,
            node: r.node,
        }
    }
}

text_rules! {
    /// Message texts: at most [`service::MAX_MESSAGE`] characters, at least one of them not blank.
    MessageRule = Length { min: 1, max: service::MAX_MESSAGE }, r"\S";
}

/// A message to send.
#[derive(Debug, Object)]
pub struct NewSms {
    /// Source extension (number or `<number>-<TENANT>`), or `ACCOUNT`.
    pub source: String,
    /// An extension of the tenant, or an external number (when the deployment enables them).
    pub dest: String,
    /// The text (line breaks allowed, at most 1600 characters, not all blank).
    pub message: Text<MessageRule>,
    /// Extension username the message is accounted to, or `SOURCE`.
    pub account: Option<String>,
    /// Sender id shown to the destination instead of the source's caller id.
    pub dest_clid: Option<String>,
    /// PBX node to use.
    pub node: Option<String>,
}

/// A page of messages.
#[derive(Debug, Object)]
pub struct SmsPage {
    /// The messages, oldest first.
    pub items: Vec<Sms>,
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// SMS endpoints.
#[derive(Debug)]
pub struct SmsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Extensions")]
impl SmsApi {
    /// Send an SMS (201 with the record; 409 `pbx_rejected` when the PBX refuses it, which is
    /// recorded as `FAILED`; 503 when no PBX node is available).
    #[oai(path = "/v1/tenants/:code/sms", method = "post", operation_id = "send_sms")]
    async fn send(&self, auth: Auth, code: Path<String>, body: Json<NewSms>) -> ApiResult<Created<Sms>> {
        let principal = auth.principal(&self.core).await?;
        let body = body.0;
        let request = SmsRequest {
            source: body.source,
            dest: body.dest,
            message: body.message.into_inner(),
            account: body.account,
            dest_clid: body.dest_clid,
            node: body.node,
        };
        let sms = service::send(&self.core, &principal, &code, &request).await?;
        let location = format!("/v1/tenants/{}/sms?from={}", code.0, sms.date.replace(' ', "T") + "Z");
        Ok(Created::Created(Json(sms.into()), location))
    }

    /// Messages of the tenant, oldest first.
    #[oai(path = "/v1/tenants/:code/sms", method = "get", operation_id = "list_sms")]
    async fn list(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Sent at or after.
        from: Query<Option<DateTime<Utc>>>,
        /// Sent at or before.
        to: Query<Option<DateTime<Utc>>>,
        /// Page size (1-500, default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<SmsPage>> {
        let principal = auth.principal(&self.core).await?;
        if let (Some(from), Some(to)) = (from.0, to.0)
            && from > to
        {
            return Err(ApiError::invalid("from", "from must not be after to"));
        }
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let range = TimeRange::between(from.0, to.0);
        let items = service::list(&self.core, &principal, &code, &range, page).await?;
        let next = (items.len() as i64 == page.limit).then(|| items.last().map(|m| m.id)).flatten();
        Ok(Json(SmsPage { items: items.into_iter().map(Sms::from).collect(), next_cursor: next_cursor(next) }))
    }
}
