//! SMS (CONTRACT §1.10 row 66) answers P-ACT: `Success|SMS successfully queued|<id>|`, or
//! `Error|<message>||` (the PBX's own text when it refused). INFO `sms` (row 67) lists the tenant's
//! messages between `start` and `end`: a json array of `{id, date, direction, source, dest,
//! message, status}` or a plain header and rows.

use pbx_compat::command::Format;
use pbx_compat::render::{Rendered, plain};
use serde_json::json;

use super::action_result;
use super::dispatch::{Call, error_text};
use super::report_logs::tenant_and_range;
use crate::domain::time::stored_to_local;
use crate::service::live::sms::{self as service, SmsRequest};
use crate::service::objects::PageRequest;
use crate::service::{Core, ServiceError};

/// Plain header of INFO `sms`.
const SMS_COLUMNS: [&str; 7] = ["Id", "Date", "Direction", "Source", "Destination", "Message", "Status"];

/// Answers `reqtype=SMS`.
pub async fn send(core: &Core, call: &Call<'_>) -> Rendered {
    let Some(tenant) = call.tenant else { return Rendered::text(&call.output, pbx_compat::errors::KEY_ERROR) };
    let param = |name: &str| call.request.non_empty(name).map(str::to_string);
    let request = SmsRequest {
        source: param("source").or_else(|| param("exten")).unwrap_or_default(),
        dest: param("dest").unwrap_or_default(),
        message: call.request.get("message").unwrap_or_default().to_string(),
        account: param("account"),
        dest_clid: param("destclid"),
        node: param("server"),
    };
    match service::send(core, &call.principal, tenant, &request).await {
        Ok(sms) => action_result::success(call, "SMS successfully queued", &sms.id.to_string()),
        Err(ServiceError::PbxRejected(message)) => action_result::error(call, &message),
        Err(err @ (ServiceError::Invalid { .. } | ServiceError::PbxUnavailable(_) | ServiceError::NotFound(_))) => {
            action_result::error(call, &err.to_string())
        }
        Err(err) => Rendered::text(&call.output, error_text(err)),
    }
}

/// Answers `reqtype=INFO&info=sms`.
pub async fn info(core: &Core, call: &Call<'_>) -> Rendered {
    if matches!(call.output.format, Format::Xml | Format::Csv) {
        return Rendered::empty(&call.output);
    }
    let (tenant, range) = match tenant_and_range(call) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let messages = match service::list(core, &call.principal, tenant, &range, PageRequest::ALL).await {
        Ok(messages) if messages.is_empty() => return Rendered::empty(&call.output),
        Ok(messages) => messages,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    match call.output.format {
        Format::Json => {
            let items: Vec<serde_json::Value> = messages
                .iter()
                .map(|m| {
                    json!({"id": m.id.to_string(), "date": stored_to_local(&m.date), "direction": m.direction,
                           "source": m.source, "dest": m.dest, "message": m.message, "status": m.status})
                })
                .collect();
            Rendered::json(&call.output, &serde_json::Value::Array(items))
        }
        _ => {
            let rows: Vec<Vec<String>> = messages
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        stored_to_local(&m.date),
                        m.direction.clone(),
                        m.source.clone(),
                        m.dest.clone(),
                        m.message.clone(),
                        m.status.clone(),
                    ]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&SMS_COLUMNS, &rows))
        }
    }
}
