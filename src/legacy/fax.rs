//! `reqtype=FAX` (`send`, `list`, `download`) and INFO `fax` (CONTRACT §1.6 rows 38, 41). A sent fax
//! is queued; its transmission is the live PBX's business (see `service::faxes`).

use crate::domain::time::stored_to_local;
use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::{Rendered, plain};
use serde_json::{Value as Json, json};

use super::action_result;
use super::dispatch::{ActionFamily, Answer, Call, action_refusal, error_text};
use super::time::range as legacy_range;
use crate::service::Missing;
use crate::service::download::Disposition;
use crate::service::faxes::{self, Fax, FaxRequest, SendOutcome};
use crate::service::objects::PageRequest;
use crate::service::{Core, ServiceError};

/// The multipart field carrying the document in the legacy protocol.
const UPLOAD_FIELD: &str = "filename";

/// Plain header of FAX `list`.
const LIST_HEADER: [&str; 7] = ["ID", "Direction", "Source", "Destination", "Pages", "Status", "Date"];

/// Answers `reqtype=FAX`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Answer {
    match call.request.get("action").map(str::to_ascii_lowercase).as_deref() {
        Some("send") => send(core, call).await.into(),
        Some("list") => list(core, call).await.into(),
        Some("download") => download(core, call).await,
        _ => Rendered::text(&call.output, errors::UNKNOWN_ACTION).into(),
    }
}

/// A refusal, worded as FAX words it.
fn failure(call: &Call<'_>, err: ServiceError) -> Rendered {
    action_refusal(call, ActionFamily::Fax, err)
}

/// The send parameters as a service request; `Err` is the P-ACT error of a malformed parameter.
fn request(call: &Call<'_>) -> Result<FaxRequest, ServiceError> {
    let req = call.request;
    let delete_after_send = match req.non_empty("deleteaftersend") {
        None => false,
        Some(flag) if flag.eq_ignore_ascii_case("on") => true,
        Some(_) => return Err(ServiceError::invalid("deleteaftersend", "must be on or absent")),
    };
    let schedule = match req.non_empty("schedule") {
        None => None,
        Some(raw) => Some(
            super::time::instant(raw)
                .ok_or_else(|| ServiceError::invalid("schedule", "must be YYYY-MM-DD HH:MM:SS"))?,
        ),
    };
    let document = call
        .uploads
        .iter()
        .find(|u| u.field == UPLOAD_FIELD)
        .map(|u| u.bytes.clone())
        .ok_or_else(|| ServiceError::invalid(UPLOAD_FIELD, "a PDF file is required"))?;
    Ok(FaxRequest {
        source_number: req.get("source_number").unwrap_or_default().to_string(),
        dest_number: req.get_any(&["dest_number", "number"]).unwrap_or_default().to_string(),
        quality: req.non_empty("quality").map(str::to_string),
        pagesize: req.non_empty("pagesize").map(str::to_string),
        rotate: req.get("rotate").map(str::to_string),
        delete_after_send,
        schedule,
        status_email: req.non_empty("statusemail").map(str::to_string),
        document,
    })
}

/// FAX send: `Success|Fax successfully queued|<fax id>|`.
async fn send(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return action_result::error(call, "tenant: is required") };
    let request = match request(call) {
        Ok(request) => request,
        Err(err) => return failure(call, err),
    };
    // The legacy door has no idempotency key: every send is a new fax.
    match faxes::send(core, &call.principal, tenant, &request, None).await {
        Ok(SendOutcome::Created(fax) | SendOutcome::Replayed(fax)) => {
            action_result::success(call, "Fax successfully queued", &fax.id.to_string())
        }
        Ok(SendOutcome::KeyReused) => action_result::error(call, "Fax not queued"),
        Err(err) => failure(call, err),
    }
}

/// FAX list: json array of `{id, direction, source_number, dest_number, pages, status, date}`,
/// plain header + rows; within `start`/`end` (default today).
async fn list(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::empty(&call.output) };
    let Ok((from, to)) = legacy_range(call.request.non_empty("start"), call.request.non_empty("end")) else {
        return Rendered::empty(&call.output);
    };
    let rows = match faxes::list(core, &call.principal, tenant, Some(&from), Some(&to), PageRequest::ALL).await {
        Ok(page) => page.items,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    let cells = |f: &Fax| {
        [
            f.id.to_string(),
            f.direction.clone(),
            f.source_number.clone(),
            f.dest_number.clone(),
            f.pages.to_string(),
            f.status.clone(),
            stored_to_local(&f.date),
        ]
    };
    match call.output.format {
        Format::Json => {
            let names = ["id", "direction", "source_number", "dest_number", "pages", "status", "date"];
            let records = rows
                .iter()
                .map(|f| Json::Object(names.iter().map(|n| n.to_string()).zip(cells(f).map(Json::String)).collect()))
                .collect();
            Rendered::json(&call.output, &Json::Array(records))
        }
        Format::Plain => {
            let lines: Vec<Vec<String>> = rows.iter().map(|f| cells(f).to_vec()).collect();
            Rendered::text(&call.output, plain::table(&LIST_HEADER, &lines))
        }
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

async fn find(core: &Core, call: &Call<'_>) -> Result<Fax, ServiceError> {
    let (Some(tenant), Some(id)) = (call.tenant, call.request.non_empty("id")) else {
        return Err(ServiceError::NotFound(Missing::Fax));
    };
    faxes::find(core, &call.principal, tenant, id).await
}

/// FAX download: the PDF, streamed, as an attachment; unknown id → 0 bytes.
async fn download(core: &Core, call: &Call<'_>) -> Answer {
    let opened = match find(core, call).await {
        Ok(fax) => faxes::open_document(core, &fax).await,
        Err(err) => Err(err),
    };
    match opened {
        Ok(download) => super::files::body(download, Disposition::Attachment),
        Err(err) => super::dispatch::miss_or_error(call, err).into(),
    }
}

/// INFO fax: json `{id, status, pages, error, date}`, plain `<status>|<pages>|<error>|<date>|`.
pub async fn info(core: &Core, call: &Call<'_>) -> Rendered {
    match find(core, call).await {
        Ok(fax) => match call.output.format {
            Format::Json => Rendered::json(
                &call.output,
                &json!({"id": fax.id.to_string(), "status": fax.status, "pages": fax.pages.to_string(),
                        "error": fax.error, "date": stored_to_local(&fax.date)}),
            ),
            _ => Rendered::text(
                &call.output,
                plain::result_line(&[&fax.status, &fax.pages.to_string(), &fax.error, &stored_to_local(&fax.date)]),
            ),
        },
        Err(err) => super::dispatch::miss_or_error(call, err),
    }
}
