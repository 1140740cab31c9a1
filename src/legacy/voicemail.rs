//! Voicemail through the legacy door: VOICEMAIL (boxes and their messages, CONTRACT §1.6 row 37),
//! INFO `voicemail` / `voicemailtranscript` (rows 39, 40) and the MANAGEDB `voicemail` message
//! actions (§2.4). Messages are named by the `msg_id` of their Asterisk envelope; `msgid` (the
//! request parameter, also accepted as `msg_id` or `id`) takes that value. Audio is streamed from
//! the spool and never marks a message read (Q12).

use pbx_compat::command::{Format, ManageDbCommand};
use pbx_compat::errors;
use pbx_compat::record::LegacyRecord;
use pbx_compat::render::{Rendered, plain};
use serde_json::{Value as Json, json};

use super::dispatch::{Answer, Call, error_text};
use super::records::record_for;
use crate::service::Missing;
use crate::service::access::Intent;
use crate::service::objects::{self, PageRequest};
use crate::service::voicemail::VoicemailRules;
use crate::service::voicemail_messages::{self as vm, Folder, Mailbox, Message};
use crate::service::{Core, ServiceError, ServiceResult};

/// The multipart field carrying uploads in the legacy protocol.
const UPLOAD_FIELD: &str = "filename";

/// MANAGEDB `voicemail` actions served here rather than by the generic object path.
const MANAGEDB_ACTIONS: [&str; 3] = ["listmessages", "getmessagerecording", "putmessagerecording"];

/// Plain header of VOICEMAIL `list`: the fifth label is empty, so the header ends in `|`.
const LIST_HEADER: [&str; 5] = ["Mailbox", "Fullname", "Email", "Attach", ""];

/// Plain header of VOICEMAIL `messages`.
const MESSAGES_HEADER: [&str; 6] = ["Msgid", "Folder", "Callerid", "Date", "Duration", "Read"];

/// `reqtype=VOICEMAIL`.
pub async fn answer(core: &Core, call: &Call<'_>) -> Answer {
    let action = call.request.get("action").unwrap_or_default().to_ascii_lowercase();
    match action.as_str() {
        "list" => list(core, call).await.into(),
        "messages" => messages(core, call).await.into(),
        "message" => match locate(core, call, call.request.non_empty("mailbox"), Intent::Read).await {
            Ok((mailbox, message)) => audio(core, call, &mailbox, &message).await,
            Err(err) => miss(call, err).into(),
        },
        "markread" | "markunread" | "delete" => change(core, call, &action).await.into(),
        _ => Rendered::text(&call.output, errors::UNKNOWN_ACTION).into(),
    }
}

/// True for the MANAGEDB calls [`managedb`] answers.
pub fn is_managedb_action(cmd: &ManageDbCommand) -> bool {
    cmd.object == "voicemail" && MANAGEDB_ACTIONS.contains(&cmd.action.as_str())
}

/// MANAGEDB voicemail `listmessages` (`mailboxuser` = mailbox number, `mailbox` = folder),
/// `getmessagerecording` (`id`) and `putmessagerecording` (`id` + multipart field `filename`).
pub async fn managedb(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Answer {
    let req = call.request;
    match cmd.action.as_str() {
        "listmessages" => list_messages(core, call).await.into(),
        "getmessagerecording" => match locate(core, call, req.non_empty("mailboxuser"), Intent::Read).await {
            Ok((mailbox, message)) => audio(core, call, &mailbox, &message).await,
            Err(err) => miss(call, err).into(),
        },
        _ => {
            let Some(upload) = call.uploads.iter().find(|u| u.field == UPLOAD_FIELD) else {
                return Rendered::text(&call.output, errors::error_line("filename: a multipart file is required"))
                    .into();
            };
            let stored = match locate(core, call, req.non_empty("mailboxuser"), Intent::Write).await {
                Ok((mailbox, message)) => vm::put_audio(core, &mailbox, &message.msg_id, &upload.bytes).await,
                Err(err) => Err(err),
            };
            match stored {
                Ok(_) => Rendered::text(&call.output, errors::OK).into(),
                Err(err) => Rendered::text(&call.output, error_text(err)).into(),
            }
        }
    }
}

/// INFO `voicemail`: the audio of message `id` in the caller's tenant; unknown → empty body.
pub async fn info_audio(core: &Core, call: &Call<'_>) -> Answer {
    match locate(core, call, None, Intent::Read).await {
        Ok((mailbox, message)) => audio(core, call, &mailbox, &message).await,
        Err(err) => miss(call, err).into(),
    }
}

/// INFO `voicemailtranscript`: the sidecar transcript of message `id` (bare text; json
/// `{"id", "transcript"}`); missing id, unknown message or no transcript → empty body.
pub async fn info_transcript(core: &Core, call: &Call<'_>) -> Rendered {
    let found = match locate(core, call, None, Intent::Read).await {
        Ok((mailbox, message)) => vm::transcript(core, &mailbox, &message).await.map(|t| (message, t)),
        Err(err) => Err(err),
    };
    match found {
        Ok((message, Some(transcript))) => match call.output.format {
            Format::Json => Rendered::json(&call.output, &json!({"id": message.msg_id, "transcript": transcript})),
            Format::Plain => Rendered::text(&call.output, transcript),
            Format::Xml | Format::Csv => Rendered::empty(&call.output),
        },
        Ok((_, None)) => Rendered::empty(&call.output),
        Err(err) => miss(call, err),
    }
}

/// VOICEMAIL `list`: the tenant's boxes, credentials blanked.
async fn list(core: &Core, call: &Call<'_>) -> Rendered {
    let tenant = call.tenant.filter(|t| *t != "%");
    let rows = match objects::list(core, &call.principal, &VoicemailRules, tenant, Vec::new(), PageRequest::ALL).await {
        Ok(page) => page.items,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    if rows.is_empty() {
        return Rendered::empty(&call.output);
    }
    let records: Vec<LegacyRecord> = rows.iter().map(|row| record_for(&call.principal, &VoicemailRules, row)).collect();
    match call.output.format {
        Format::Json => Rendered::json(&call.output, &Json::Array(records.iter().map(LegacyRecord::to_json).collect())),
        Format::Plain => {
            let lines: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let field = |name: &str| r.get_str(name).unwrap_or_default().to_string();
                    vec![field("mailbox"), field("fullname"), field("email"), field("attach"), String::new()]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&LIST_HEADER, &lines))
        }
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// VOICEMAIL `messages`: the messages of `mailbox` (optionally one `folder`); missing or unknown
/// mailbox → empty body.
async fn messages(core: &Core, call: &Call<'_>) -> Rendered {
    let listed = match call.request.non_empty("mailbox") {
        Some(number) => mailbox_messages(core, call, number, call.request.non_empty("folder")).await,
        None => Err(ServiceError::NotFound(Missing::VoicemailBox)),
    };
    let messages = match listed {
        Ok(messages) if !messages.is_empty() => messages,
        Ok(_) => return Rendered::empty(&call.output),
        Err(err) => return miss(call, err),
    };
    match call.output.format {
        Format::Json => {
            let items = messages
                .iter()
                .map(|m| {
                    json!({
                        "msgid": format!("{:04}", m.number),
                        "msg_id": m.msg_id,
                        "folder": m.folder.name(),
                        "callerid": m.caller_id,
                        "origdate": legacy_date(m),
                        "duration": m.duration.to_string(),
                        "read": flag(m.read()),
                    })
                })
                .collect();
            Rendered::json(&call.output, &Json::Array(items))
        }
        Format::Plain => {
            let lines: Vec<Vec<String>> = messages
                .iter()
                .map(|m| {
                    vec![
                        format!("{:04}", m.number),
                        m.folder.name().to_string(),
                        m.caller_id.clone(),
                        legacy_date(m),
                        m.duration.to_string(),
                        flag(m.read()).to_string(),
                    ]
                })
                .collect();
            Rendered::text(&call.output, plain::table(&MESSAGES_HEADER, &lines))
        }
        Format::Xml | Format::Csv => Rendered::empty(&call.output),
    }
}

/// MANAGEDB `listmessages`: JSON array of message records (`id` = msg_id, then the envelope).
async fn list_messages(core: &Core, call: &Call<'_>) -> Rendered {
    let req = call.request;
    let Some(number) = req.non_empty("mailboxuser") else {
        return Rendered::text(&call.output, errors::error_line("mailboxuser: is required"));
    };
    let messages = match mailbox_messages(core, call, number, req.non_empty("mailbox")).await {
        Ok(messages) => messages,
        Err(err) => return Rendered::text(&call.output, error_text(err)),
    };
    let records = messages
        .iter()
        .map(|m| {
            let mut record = LegacyRecord::with_capacity(m.envelope.len() + 5);
            record.push("id", m.msg_id.clone());
            record.push("msgnum", format!("{:04}", m.number));
            record.push("folder", m.folder.name());
            record.push("mailboxuser", number);
            record.push("read", flag(m.read()));
            for (key, value) in &m.envelope {
                record.push(key.clone(), value.clone());
            }
            record.to_json()
        })
        .collect();
    Rendered::json(&call.output, &Json::Array(records))
}

/// markread / markunread / delete of `msgid` in `mailbox` → `OK`; miss → empty body.
async fn change(core: &Core, call: &Call<'_>, action: &str) -> Rendered {
    let changed = match locate(core, call, call.request.non_empty("mailbox"), Intent::Write).await {
        Ok((mailbox, message)) => match action {
            "delete" => vm::delete(core, &mailbox, &message.msg_id).await,
            other => vm::set_read(core, &mailbox, &message.msg_id, other == "markread").await.map(|_| ()),
        },
        Err(err) => Err(err),
    };
    match changed {
        Ok(()) => Rendered::text(&call.output, errors::OK),
        Err(err) => miss(call, err),
    }
}

async fn mailbox_messages(
    core: &Core,
    call: &Call<'_>,
    number: &str,
    folder: Option<&str>,
) -> ServiceResult<Vec<Message>> {
    let folder = folder.map(Folder::parse).transpose()?;
    let mailbox = vm::mailbox(core, &call.principal, call.tenant, number, Intent::Read).await?;
    vm::list(core, &mailbox, folder).await
}

/// The message named by `msgid` (or `msg_id`, `id`), in mailbox `number` when given, else in any
/// box of the caller's tenant.
async fn locate(
    core: &Core,
    call: &Call<'_>,
    number: Option<&str>,
    intent: Intent,
) -> ServiceResult<(Mailbox, Message)> {
    let req = call.request;
    let msg_id = req.non_empty("msgid").or_else(|| req.non_empty("msg_id")).or_else(|| req.non_empty("id"));
    let msg_id = msg_id.ok_or(ServiceError::NotFound(Missing::VoicemailMessage))?;
    match number {
        Some(number) => {
            let mailbox = vm::mailbox(core, &call.principal, call.tenant, number, intent).await?;
            let message = vm::find(core, &mailbox, msg_id).await?;
            Ok((mailbox, message))
        }
        None => vm::find_in_tenant(core, &call.principal, call.tenant, msg_id, intent).await,
    }
}

/// The audio of a message as a streamed download; a message without audio answers like a miss.
async fn audio(core: &Core, call: &Call<'_>, mailbox: &Mailbox, message: &Message) -> Answer {
    match vm::open_audio(core, mailbox, message).await {
        Ok(audio) => Answer::Body {
            content_type: audio.kind.content_type().to_string(),
            disposition: Some(format!(
                "attachment; filename=\"{}.{}\"",
                message.msg_id,
                audio.kind.download_extension()
            )),
            body: poem::Body::from_async_read(audio.file.file),
        },
        Err(err) => miss(call, err).into(),
    }
}

/// Lookup misses (and invalid input, which names nothing) answer with an empty body; refusals with
/// the protocol's error text.
fn miss(call: &Call<'_>, err: ServiceError) -> Rendered {
    match err {
        ServiceError::NotFound(_) | ServiceError::Invalid { .. } => Rendered::empty(&call.output),
        err => Rendered::text(&call.output, error_text(err)),
    }
}

/// Legacy flags: `on` or empty.
fn flag(on: bool) -> &'static str {
    if on { "on" } else { "" }
}

/// `YYYY-MM-DD HH:MM:SS` in server local time (CONTRACT §0.13), from `origtime`; Asterisk's own
/// `origdate` text when `origtime` is unreadable.
fn legacy_date(message: &Message) -> String {
    message
        .orig_time
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| message.orig_date.clone())
}
