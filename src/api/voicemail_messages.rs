//! `/v1/tenants/{code}/voicemail-boxes/{id}/messages`: the messages of a voicemail box, read
//! from Asterisk's spool. `{id}` is the box's id, as in `/voicemail-boxes/{id}` (the service finds
//! its mailbox number, which names the spool directory); messages are named by their stable `msg_id`. The list is a plain
//! `{items}` envelope without `next_cursor`: a mailbox holds at most a few thousand files and is
//! read whole anyway. Audio streams with `Range` support and is never marked read by a download.

use chrono::{DateTime, Utc};
use poem::Body;
use poem::http::StatusCode;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi, ResponseContent};

use super::Deleted;
use super::bounded::{Text, choice_rules};
use super::problem::{ApiResult, Problem};
use super::security::Auth;
use crate::service::Core;
use crate::service::access::Intent;
use crate::service::voicemail_messages::{self as vm, AudioKind, Folder, Mailbox, Message};

choice_rules! {
    /// A folder's name, as the `folder` filter takes it.
    FolderName = Folder::NAMES;
}

/// A voicemail message.
#[derive(Debug, Object)]
pub struct VoicemailMessage {
    /// Stable id of the message (`msg_id` of its Asterisk envelope); survives moves between folders.
    pub msg_id: String,
    /// Its number within the folder (`NNNN` of `msgNNNN`); changes when the message moves.
    pub number: i64,
    /// Folder: `INBOX`, `Old`, `Work`, `Family`, `Friends` or `Urgent`.
    pub folder: Text<FolderName>,
    /// True once heard (the message is no longer in `INBOX` or `Urgent`).
    pub read: bool,
    /// Caller id as Asterisk recorded it (`"Name" <number>`).
    pub caller_id: String,
    /// When the message was left (UTC); absent when the envelope has no readable `origtime`.
    pub received_at: Option<DateTime<Utc>>,
    /// Length in seconds.
    pub duration_seconds: i64,
    /// Stored audio: `wav`, `wav49`, `mp3` or `gsm`; absent when the message has no audio file.
    pub audio_format: Option<String>,
}

impl From<&Message> for VoicemailMessage {
    fn from(m: &Message) -> Self {
        VoicemailMessage {
            msg_id: m.msg_id.clone(),
            number: i64::from(m.number),
            folder: Text::new(m.folder.name()),
            read: m.read(),
            caller_id: m.caller_id.clone(),
            received_at: m.orig_time.and_then(|t| DateTime::from_timestamp(t, 0)),
            duration_seconds: i64::try_from(m.duration).unwrap_or(i64::MAX),
            audio_format: m.audio.map(|a| a.format().to_string()),
        }
    }
}

/// The messages of a mailbox, folders in the order INBOX, Old, Work, Family, Friends, Urgent.
#[derive(Debug, Object)]
pub struct VoicemailMessageList {
    /// The messages.
    pub items: Vec<VoicemailMessage>,
}

/// A change of a message.
#[derive(Debug, Object)]
pub struct VoicemailMessagePatch {
    /// `true` moves the message to `Old`, `false` back to `INBOX` (it gets the next free number there).
    pub read: bool,
}

/// Audio of a message, typed by its stored format.
#[derive(Debug, ResponseContent)]
pub enum MessageAudioBody {
    /// WAV (PCM or GSM-in-WAV).
    #[oai(content_type = "audio/wav")]
    Wav(Binary<Body>),
    /// MP3.
    #[oai(content_type = "audio/mpeg")]
    Mp3(Binary<Body>),
    /// Raw GSM.
    #[oai(content_type = "audio/x-gsm")]
    Gsm(Binary<Body>),
}

/// The audio, whole or a range of it.
#[derive(Debug, ApiResponse)]
pub enum MessageAudioAnswer {
    /// The whole file.
    #[oai(status = 200)]
    Full(
        MessageAudioBody,
        #[oai(header = "Content-Length")] u64,
        #[oai(header = "Accept-Ranges")] String,
        #[oai(header = "Content-Disposition")] String,
    ),
    /// The requested `Range`.
    #[oai(status = 206)]
    Partial(
        MessageAudioBody,
        #[oai(header = "Content-Length")] u64,
        #[oai(header = "Content-Range")] String,
        #[oai(header = "Accept-Ranges")] String,
    ),
    /// The `Range` lies outside the file (`range_not_satisfiable`); `Content-Range` gives the size.
    #[oai(status = 416, content_type = "application/problem+json")]
    Unsatisfiable(Json<Box<Problem>>, #[oai(header = "Content-Range")] String),
}

/// Voicemail message endpoints.
#[derive(Debug)]
pub struct VoicemailMessagesApi {
    /// Service core.
    pub core: Core,
}

impl VoicemailMessagesApi {
    async fn mailbox(&self, auth: &Auth, code: &str, box_id: i64, intent: Intent) -> ApiResult<Mailbox> {
        let principal = auth.principal(&self.core).await?;
        vm::mailbox_by_id(&self.core, &principal, code, box_id, intent).await.map_err(Into::into)
    }

    async fn message(&self, auth: &Auth, code: &str, box_id: i64, msg_id: &str) -> ApiResult<(Mailbox, Message)> {
        let mailbox = self.mailbox(auth, code, box_id, Intent::Read).await?;
        let message = vm::find(&self.core, &mailbox, msg_id).await?;
        Ok((mailbox, message))
    }
}

#[OpenApi(tag = "super::ApiTags::VoicemailMessages")]
impl VoicemailMessagesApi {
    /// List the messages of a voicemail box (all folders, or one).
    #[oai(
        path = "/v1/tenants/:code/voicemail-boxes/:id/messages",
        method = "get",
        operation_id = "list_voicemail_messages"
    )]
    async fn list(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Voicemail box id (as in `/voicemail-boxes/{id}`).
        id: Path<i64>,
        /// Only this folder (`INBOX`, `Old`, `Work`, `Family`, `Friends`, `Urgent`; any case).
        folder: Query<Option<Text<FolderName>>>,
    ) -> ApiResult<Json<VoicemailMessageList>> {
        // Authorization first: an unauthenticated caller learns nothing, not even about its input.
        let mailbox = self.mailbox(&auth, &code, id.0, Intent::Read).await?;
        let folder = folder.0.map(|name| Folder::parse(&name.into_inner())).transpose()?;
        let messages = vm::list(&self.core, &mailbox, folder).await?;
        Ok(Json(VoicemailMessageList { items: messages.iter().map(VoicemailMessage::from).collect() }))
    }

    /// One message's metadata.
    #[oai(
        path = "/v1/tenants/:code/voicemail-boxes/:id/messages/:msg_id",
        method = "get",
        operation_id = "get_voicemail_message"
    )]
    async fn get(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Voicemail box id (as in `/voicemail-boxes/{id}`).
        id: Path<i64>,
        /// Message id.
        msg_id: Path<String>,
    ) -> ApiResult<Json<VoicemailMessage>> {
        let (_, message) = self.message(&auth, &code, id.0, &msg_id).await?;
        Ok(Json(VoicemailMessage::from(&message)))
    }

    /// Download (or play) a message's audio. Supports a single `Range: bytes=` range. Does not mark
    /// the message read.
    #[oai(
        path = "/v1/tenants/:code/voicemail-boxes/:id/messages/:msg_id/audio",
        method = "get",
        operation_id = "get_voicemail_message_audio"
    )]
    async fn audio(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Voicemail box id (as in `/voicemail-boxes/{id}`).
        id: Path<i64>,
        /// Message id.
        msg_id: Path<String>,
        /// `bytes=START-END`, `bytes=START-` or `bytes=-SUFFIX`.
        #[oai(name = "Range")]
        range: Header<Option<String>>,
    ) -> ApiResult<MessageAudioAnswer> {
        let (mailbox, message) = self.message(&auth, &code, id.0, &msg_id).await?;
        let audio = vm::open_audio(&self.core, &mailbox, &message).await?;
        let len = audio.file.len;
        let accept = "bytes".to_string();
        match super::download::byte_range(range.0.as_deref(), len) {
            Ok(None) => {
                let disposition =
                    format!("inline; filename=\"{}.{}\"", message.msg_id, audio.kind.download_extension());
                let body = typed(audio.kind, Body::from_async_read(audio.file.file));
                Ok(MessageAudioAnswer::Full(body, len, accept, disposition))
            }
            Ok(Some(range)) => {
                let content_range = format!("bytes {}-{}/{len}", range.start, range.end);
                let reader = audio.file.into_range_reader(range).await?;
                Ok(MessageAudioAnswer::Partial(
                    typed(audio.kind, Body::from_async_read(reader)),
                    range.len(),
                    content_range,
                    accept,
                ))
            }
            Err(()) => {
                let detail = format!("the file has {len} bytes");
                let problem = Problem::new(StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable", Some(detail));
                Ok(MessageAudioAnswer::Unsatisfiable(Json(Box::new(problem)), format!("bytes */{len}")))
            }
        }
    }

    /// Mark a message read (moves it to `Old`) or unread (moves it to `INBOX`).
    #[oai(
        path = "/v1/tenants/:code/voicemail-boxes/:id/messages/:msg_id",
        method = "patch",
        operation_id = "update_voicemail_message"
    )]
    async fn patch(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Voicemail box id (as in `/voicemail-boxes/{id}`).
        id: Path<i64>,
        /// Message id.
        msg_id: Path<String>,
        body: Json<VoicemailMessagePatch>,
    ) -> ApiResult<Json<VoicemailMessage>> {
        let mailbox = self.mailbox(&auth, &code, id.0, Intent::Write).await?;
        let message = vm::set_read(&self.core, &mailbox, &msg_id, body.read).await?;
        Ok(Json(VoicemailMessage::from(&message)))
    }

    /// Delete a message (its envelope, audio and transcript).
    #[oai(
        path = "/v1/tenants/:code/voicemail-boxes/:id/messages/:msg_id",
        method = "delete",
        operation_id = "delete_voicemail_message"
    )]
    async fn delete(
        &self,
        auth: Auth,
        code: Path<String>,
        /// Voicemail box id (as in `/voicemail-boxes/{id}`).
        id: Path<i64>,
        /// Message id.
        msg_id: Path<String>,
    ) -> ApiResult<Deleted> {
        let mailbox = self.mailbox(&auth, &code, id.0, Intent::Write).await?;
        vm::delete(&self.core, &mailbox, &msg_id).await?;
        Ok(Deleted::Deleted)
    }
}

fn typed(kind: AudioKind, body: Body) -> MessageAudioBody {
    match kind {
        AudioKind::Wav | AudioKind::Wav49 => MessageAudioBody::Wav(Binary(body)),
        AudioKind::Mp3 => MessageAudioBody::Mp3(Binary(body)),
        AudioKind::Gsm => MessageAudioBody::Gsm(Binary(body)),
    }
}
