//! Media file audio: MANAGEDB mediafile `getbinary` / `updatebinary` (multipart field `filename`) and
//! MEDIAFILE `getaudio` (objectid, `id` only as a fallback, Q-34).

use pbx_compat::command::ManageDbCommand;
use pbx_compat::errors;
use pbx_compat::render::Rendered;

use super::dispatch::{Call, error_text};
use crate::service::{Core, ServiceError, media};

/// The multipart field carrying uploads in the legacy protocol.
const UPLOAD_FIELD: &str = "filename";

/// MANAGEDB mediafile getbinary / updatebinary.
pub async fn binary(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Rendered {
    let Some(raw_id) = cmd.objectid.as_deref() else {
        return Rendered::text(&call.output, errors::NO_OBJECTID_SPECIFIED);
    };
    let Ok(id) = raw_id.parse::<i64>() else { return Rendered::text(&call.output, errors::NULL) };
    if cmd.action == "getbinary" {
        return audio(core, call, id).await;
    }
    let Some(upload) = call.uploads.iter().find(|u| u.field == UPLOAD_FIELD) else {
        return Rendered::text(&call.output, errors::error_line("filename: a multipart file is required"));
    };
    match media::put_audio(core, &call.principal, call.tenant, id, &upload.bytes).await {
        Ok(_) => Rendered::text(&call.output, errors::OK),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}

/// MEDIAFILE action=getaudio: the bytes, or an empty body when missing or unknown.
pub async fn get_audio(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    if !req.get("action").is_some_and(|a| a.eq_ignore_ascii_case("getaudio")) {
        return Rendered::empty(&call.output);
    }
    match req.non_empty("objectid").or_else(|| req.non_empty("id")).and_then(|id| id.parse::<i64>().ok()) {
        Some(id) => audio(core, call, id).await,
        None => Rendered::empty(&call.output),
    }
}

async fn audio(core: &Core, call: &Call<'_>, id: i64) -> Rendered {
    match media::get_audio(core, &call.principal, call.tenant, id).await {
        Ok(Some(audio)) => Rendered::binary(&audio.content_type, audio.bytes),
        Ok(None) | Err(ServiceError::NotFound(_)) => Rendered::empty(&call.output),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}
