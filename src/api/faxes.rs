//! `/v1/tenants/{code}/faxes`: queue a PDF for sending (idempotent through the `Idempotency-Key`
//! header), list, read and download faxes. The same service as the legacy FAX reqtype.
//!
//! A send answers 201 + `Location` when it queued a new fax, and 200 with the first fax (same
//! `Location`) when the key was already used for the same request; a key reused for a different
//! request is a 409 `idempotency_key_reused`. A queued fax stays `QUEUED` until the live-PBX adapter
//! transmits it.

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi};

use super::bounded::{Text, choice_rules, text_rules};
use super::download::{self, FileAnswer, Pdf};
use super::idempotency::IdempotencyKey;
use super::pagination::{Limit, next_cursor, page_request};
use super::period::{self, Bound};
use super::problem::{ApiError, ApiResult, from_service};
use super::security::Auth;
use crate::domain::bounds::Length;
use crate::service::Core;
use crate::service::faxes::{self as service, Fax as Row, FaxRequest, SendOutcome};

/// A fax.
#[derive(Debug, Object)]
pub struct Fax {
    /// Id.
    pub id: i64,
    /// `OUT` (sent by the tenant) or `IN`.
    pub direction: String,
    /// Sending number.
    pub source_number: String,
    /// Receiving number.
    pub dest_number: String,
    /// Pages counted in the document (0: unknown).
    pub pages: i64,
    /// `QUEUED` until the PBX transmits it; then the PBX's status.
    pub status: String,
    /// Last transmission error, empty when none.
    pub error: String,
    /// When it was queued.
    pub date: Option<DateTime<Utc>>,
    /// Document size in bytes.
    pub size: i64,
    /// Resolution: `204x98`, `204x196` or `204x392`.
    pub quality: String,
    /// `a4`, `letter` or `legal`.
    pub page_size: String,
    /// Empty, `E`, `W` or `no`.
    pub rotate: String,
    /// Whether the document is removed once sent.
    pub delete_after_send: bool,
    /// Not sent before this time.
    pub schedule: Option<DateTime<Utc>>,
    /// Address told about the outcome, empty when none.
    pub status_email: String,
}

impl From<Row> for Fax {
    fn from(f: Row) -> Self {
        Fax {
            id: f.id,
            date: super::input::time(&f.date),
            schedule: f.schedule.as_deref().and_then(super::input::time),
            direction: f.direction,
            source_number: f.source_number,
            dest_number: f.dest_number,
            pages: f.pages,
            status: f.status,
            error: f.error,
            size: f.size,
            quality: f.quality,
            page_size: f.pagesize,
            rotate: f.rotate,
            delete_after_send: f.deleteaftersend,
            status_email: f.statusemail,
        }
    }
}

/// A page of faxes.
#[derive(Debug, Object)]
pub struct FaxPage {
    /// Faxes, oldest first.
    pub items: Vec<Fax>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

choice_rules! {
    /// Fax resolution.
    QualityRule = service::QUALITIES;
    /// Fax page size.
    PageSizeRule = service::PAGE_SIZES;
    /// Page rotation.
    RotationRule = service::ROTATIONS;
}

text_rules! {
    /// A fax number.
    FaxNumberRule = Length { min: 1, max: 34 }, service::NUMBER_PATTERN;
}

/// A fax to send.
#[derive(Debug, Multipart)]
pub struct FaxUpload {
    /// The document: a PDF (recognised by content), at most 8 MiB.
    pub document: Option<Upload>,
    /// Sending number: digits, optional leading `+`.
    pub source_number: Option<Text<FaxNumberRule>>,
    /// Receiving number: digits, optional leading `+`.
    pub dest_number: Option<Text<FaxNumberRule>>,
    /// `204x98`, `204x196` (default) or `204x392`.
    pub quality: Option<Text<QualityRule>>,
    /// `a4` (default), `letter` or `legal`.
    pub page_size: Option<Text<PageSizeRule>>,
    /// Empty (default), `E`, `W` or `no`.
    pub rotate: Option<Text<RotationRule>>,
    /// Remove the document once sent.
    pub delete_after_send: Option<bool>,
    /// Not before this time (RFC 3339).
    pub schedule: Option<String>,
    /// Address told about the outcome.
    pub status_email: Option<String>,
}

impl FaxUpload {
    /// The parts a send cannot do without (the service refuses it 422 otherwise). Every part is an
    /// `Option` so that a missing one gets that 422 naming it, not the form parser's 400; the document
    /// says `required` from this list.
    pub const REQUIRED_PARTS: &'static [&'static str] = &["document", "source_number", "dest_number"];
}

/// Answer of a send. `Idempotent-Replayed` as on balance adjustments, so clients read one signal.
#[derive(ApiResponse)]
pub enum FaxSent {
    /// Queued; `Location` is the new fax.
    #[oai(status = 201)]
    Created(Json<Fax>, #[oai(header = "Location")] String, #[oai(header = "Idempotent-Replayed")] bool),
    /// This `Idempotency-Key` was used before for the same request: the fax it queued.
    #[oai(status = 200)]
    Replayed(Json<Fax>, #[oai(header = "Location")] String, #[oai(header = "Idempotent-Replayed")] bool),
}

/// REST names of the fields the service names in legacy terms.
const NAMES: [(&str, &str); 3] = [("document", "filename"), ("page_size", "pagesize"), ("status_email", "statusemail")];

fn rest_field(legacy: &str) -> &str {
    super::rest_name(&NAMES, legacy)
}

/// Fax endpoints.
#[derive(Debug)]
pub struct FaxesApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Faxes")]
impl FaxesApi {
    /// Queue a fax (201). Requires `Idempotency-Key`; a retry with the same key and request returns
    /// the first fax (200), the same key with another request is refused (409). The fax stays
    /// `QUEUED` until the live-PBX (AMI) adapter transmits it.
    #[oai(path = "/v1/tenants/:code/faxes", method = "post", operation_id = "send_fax")]
    async fn send(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Client-chosen unique key of this send (1-255 visible ASCII characters).
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<IdempotencyKey>,
        body: FaxUpload,
    ) -> ApiResult<FaxSent> {
        let principal = auth.principal(&self.core).await?;
        let key = idempotency_key.0.require("POST /faxes")?;
        let schedule = match body.schedule.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(
                DateTime::parse_from_rfc3339(raw)
                    .map_err(|_| ApiError::invalid("schedule", "schedule must be an RFC 3339 time"))?
                    .to_utc(),
            ),
        };
        let document = match body.document {
            Some(upload) => upload.into_vec().await.map_err(|_| ApiError::invalid("document", "unreadable upload"))?,
            None => return Err(ApiError::invalid("document", "document: a PDF file is required")),
        };
        let request = FaxRequest {
            source_number: body.source_number.map(Text::into_inner).unwrap_or_default(),
            dest_number: body.dest_number.map(Text::into_inner).unwrap_or_default(),
            quality: body.quality.map(Text::into_inner),
            pagesize: body.page_size.map(Text::into_inner),
            rotate: body.rotate.map(Text::into_inner),
            delete_after_send: body.delete_after_send.unwrap_or(false),
            schedule,
            status_email: body.status_email,
            document,
        };
        let outcome = service::send(&self.core, &principal, &code, &request, Some(&key))
            .await
            .map_err(|e| from_service(e, rest_field))?;
        let location = |fax: &Row| format!("/v1/tenants/{}/faxes/{}", code.0, fax.id);
        match outcome {
            SendOutcome::Created(fax) => Ok(FaxSent::Created(Json(Fax::from(fax.clone())), location(&fax), false)),
            SendOutcome::Replayed(fax) => Ok(FaxSent::Replayed(Json(Fax::from(fax.clone())), location(&fax), true)),
            SendOutcome::KeyReused => Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                Some("this Idempotency-Key was used for a different request".into()),
            )),
        }
    }

    /// List the tenant's faxes.
    #[oai(path = "/v1/tenants/:code/faxes", method = "get", operation_id = "list_faxes")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Queued at or after (RFC 3339, or a UTC date).
        from: Query<period::PeriodParam>,
        /// Queued at or before (RFC 3339, or a UTC date: the whole day).
        to: Query<period::PeriodParam>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<FaxPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let from = period::parse("from", period::text(&from.0), Bound::From)?;
        let to = period::parse("to", period::text(&to.0), Bound::To)?;
        let rows = service::list(&self.core, &principal, &code, from.as_deref(), to.as_deref(), page).await?;
        Ok(Json(FaxPage {
            items: rows.items.into_iter().map(Fax::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// One fax.
    #[oai(path = "/v1/tenants/:code/faxes/:id", method = "get", operation_id = "get_fax")]
    async fn get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<Fax>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(service::get(&self.core, &principal, &code, id.0).await?.into()))
    }

    /// A fax's PDF, streamed; honours `Range`.
    #[oai(path = "/v1/tenants/:code/faxes/:id/document", method = "get", operation_id = "get_fax_document")]
    async fn document(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// `bytes=first-last`, `bytes=first-` or `bytes=-suffix`.
        #[oai(name = "Range")]
        range: Header<Option<String>>,
    ) -> ApiResult<FileAnswer<Pdf>> {
        let principal = auth.principal(&self.core).await?;
        let fax = service::get(&self.core, &principal, &code, id.0).await?;
        download::answer(service::open_document(&self.core, &fax).await?, range.0.as_deref()).await
    }
}
