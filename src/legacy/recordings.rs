//! INFO `recording`, `playrecording`, `inforecording`, `recordings` and `transcript` (CONTRACT §1.8
//! rows 48-52). Recordings are a tenant's: a call without `tenant` (admin keys) finds nothing, as the
//! contract lists no global form of these calls.

use crate::domain::time::stored_to_local;
use pbx_compat::command::Format;
use pbx_compat::errors;
use pbx_compat::render::Rendered;
use pbx_compat::render::plain::sanitize_cell;
use serde_json::{Value as Json, json};

use super::dispatch::{Answer, Call, error_text};
use super::time::range as legacy_range;
use crate::service::Missing;
use crate::service::download::Disposition;
use crate::service::model::RecordingFilter;
use crate::service::objects::PageRequest;
use crate::service::recordings::{self, Recording};
use crate::service::{Core, ServiceError};

/// The INFO sub-types served here (upper case, as `InfoKind::Other` carries them).
pub const INFO_KINDS: [&str; 5] = ["RECORDING", "PLAYRECORDING", "INFORECORDING", "RECORDINGS", "TRANSCRIPT"];

/// Answers one of [`INFO_KINDS`].
pub async fn answer(core: &Core, call: &Call<'_>, kind: &str) -> Answer {
    match kind {
        "RECORDING" => audio(core, call, Disposition::Attachment).await,
        "PLAYRECORDING" => audio(core, call, Disposition::Inline).await,
        "INFORECORDING" => info(core, call).await.into(),
        "RECORDINGS" => list(core, call).await.into(),
        _ => transcript(core, call).await.into(),
    }
}

async fn find(core: &Core, call: &Call<'_>, id: &str) -> Result<Recording, ServiceError> {
    let tenant = call.tenant.ok_or(ServiceError::NotFound(Missing::Recording))?;
    recordings::find_by_call(core, &call.principal, tenant, id).await
}

/// INFO recording / playrecording: the audio bytes, streamed, typed by the stored format.
async fn audio(core: &Core, call: &Call<'_>, disposition: Disposition) -> Answer {
    let Some(id) = call.request.non_empty("id") else {
        return Rendered::text(&call.output, errors::NO_ID_SPECIFIED).into();
    };
    let opened = match find(core, call, id).await {
        Ok(recording) => recordings::open_audio(core, &recording).await,
        Err(err) => Err(err),
    };
    match opened {
        Ok(download) => super::files::body(download, disposition),
        Err(err) => super::dispatch::miss_or_error(call, err).into(),
    }
}

/// The six fields of a recording row, in the order a public client reads them.
fn six_fields(r: &Recording) -> String {
    [
        r.id.to_string(),
        r.uniqueid.clone(),
        r.name.clone(),
        stored_to_local(&r.date),
        r.format.clone(),
        r.size.to_string(),
    ]
    .iter()
    .map(|v| sanitize_cell(v))
    .collect::<Vec<_>>()
    .join("|")
}

/// INFO inforecording: always plain, exactly six fields, no trailing pipe, whatever `format` says
/// a client asserts the count even with `format=json`).
async fn info(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(id) = call.request.non_empty("id") else {
        return Rendered::html(errors::NO_ID_SPECIFIED);
    };
    match find(core, call, id).await {
        Ok(recording) => Rendered::html(six_fields(&recording)),
        Err(ServiceError::NotFound(_)) => Rendered::html(""),
        Err(err) => Rendered::html(error_text(err)),
    }
}

/// INFO recordings: the tenant's recordings within `start`/`end` (default today).
async fn list(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::empty(&call.output) };
    let Ok((from, to)) = legacy_range(call.request.non_empty("start"), call.request.non_empty("end")) else {
        return Rendered::empty(&call.output);
    };
    let filter = RecordingFilter { from: Some(from), to: Some(to), uniqueid: None };
    let rows = match recordings::list(core, &call.principal, tenant, filter, PageRequest::ALL).await {
        Ok(page) => page.items,
        Err(err) => return super::dispatch::miss_or_error(call, err),
    };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    match call.output.format {
        Format::Json => Rendered::json(
            &call.output,
            &Json::Array(
                rows.iter()
                    .map(|r| {
                        json!({"re_id": r.id.to_string(), "re_uniqueid": r.uniqueid, "re_date": stored_to_local(&r.date),
                               "re_name": r.name, "re_format": r.format, "re_size": r.size.to_string()})
                    })
                    .collect(),
            ),
        ),
        Format::Plain => Rendered::text(&call.output, rows.iter().map(|r| six_fields(r) + "\n").collect::<String>()),
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// INFO transcript: bare text (json `{"uniqueid","transcript"}`); none → 0 bytes.
async fn transcript(core: &Core, call: &Call<'_>) -> Rendered {
    let (Some(tenant), Some(id)) = (call.tenant, call.request.non_empty("id")) else {
        return Rendered::empty(&call.output);
    };
    match recordings::transcript(core, &call.principal, tenant, id).await {
        Ok((uniqueid, text)) => match call.output.format {
            Format::Json => Rendered::json(&call.output, &json!({"uniqueid": uniqueid, "transcript": text})),
            _ => Rendered::text(&call.output, text),
        },
        Err(err) => super::dispatch::miss_or_error(call, err),
    }
}
