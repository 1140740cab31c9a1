//! Voicemail messages, read from and changed in Asterisk's file spool (app_voicemail file storage):
//! `<spool>/<context>/<mailbox>/<folder>/msgNNNN.txt` (the `[message]` envelope) next to the audio
//! `msgNNNN.wav` (or `.WAV`, `.mp3`, `.gsm`). There is no table: the spool is the truth, so
//! Asterisk and the gateway see the same messages.
//!
//! - A message is named by the `msg_id` of its envelope, which survives moves; `NNNN` changes when a
//!   message moves folders (it takes the next free number there, as Asterisk does).
//! - Unread = `INBOX` (and `Urgent`, which Asterisk counts as new); read = any other folder.
//!   Marking read moves to `Old`, marking unread moves to `INBOX`.
//! - A transcript, when something produced one, is the sidecar `msgNNNN.transcript.txt`; it moves
//!   and is deleted with the message like every other `msgNNNN.*` file.
//! - Changes to one mailbox are serialized in this process, and every folder a change touches is
//!   locked with Asterisk's `.lock` file convention (`ast_lock_path`), so app_voicemail and the
//!   gateway never renumber a folder at the same time. A lock held longer than a few seconds is a
//!   conflict (Asterisk does not break stale locks either).
//! - Deleting leaves a gap in the numbering; Asterisk closes gaps the next time the box is opened.
//! - Replacing the audio keeps the envelope as it was (its `duration` is not recomputed).
//!
//! The mailbox must be a voicemail box row of the caller's tenant; every path is built through
//! [`FileRoot`] from checked segments, so request text never reaches the filesystem as is.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use super::access::{self, Intent};
use super::audit::{self, Change};
use super::files::{DirLock, FileRoot, OpenedFile, is_safe_segment};
use super::objects;
use super::page::PageRequest;
use super::voicemail::VoicemailRules;
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::audio::AudioFormat;
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::objects::Row;

/// Largest audio accepted by `put_audio` (a voicemail, not an album).
pub const MAX_AUDIO_BYTES: usize = super::media::MAX_AUDIO_BYTES;

/// Largest envelope read; real ones are a few hundred bytes.
const MAX_ENVELOPE_BYTES: u64 = 64 * 1024;

/// Largest transcript served.
const MAX_TRANSCRIPT_BYTES: u64 = 1024 * 1024;

/// How long a change waits for a folder's `.lock` (Asterisk gives up after 5 seconds too).
const FOLDER_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What a missing message, a foreign one and an unsafe id all answer.
const NOT_FOUND: ServiceError = ServiceError::NotFound(Missing::VoicemailMessage);

/// An app_voicemail folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// New messages.
    Inbox,
    /// Heard messages.
    Old,
    /// Saved by the owner.
    Work,
    /// Saved by the owner.
    Family,
    /// Saved by the owner.
    Friends,
    /// New messages left as urgent.
    Urgent,
}

impl Folder {
    /// Every folder, in the order listings use.
    pub const ALL: [Folder; 6] =
        [Folder::Inbox, Folder::Old, Folder::Work, Folder::Family, Folder::Friends, Folder::Urgent];

    /// The names of [`Folder::ALL`], in the same order.
    pub const NAMES: [&'static str; 6] = {
        let mut names = [""; 6];
        let mut i = 0;
        while i < names.len() {
            names[i] = Folder::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The directory name, as Asterisk spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Folder::Inbox => "INBOX",
            Folder::Old => "Old",
            Folder::Work => "Work",
            Folder::Family => "Family",
            Folder::Friends => "Friends",
            Folder::Urgent => "Urgent",
        }
    }

    /// A folder by name, any case (clients write `inbox`, `old`).
    pub fn parse(name: &str) -> ServiceResult<Folder> {
        Folder::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ServiceError::invalid("folder", "is one of INBOX, Old, Work, Family, Friends, Urgent"))
    }

    /// True for the folders Asterisk counts as new messages.
    pub fn is_unread(self) -> bool {
        matches!(self, Folder::Inbox | Folder::Urgent)
    }
}

/// Audio file kinds app_voicemail writes, in the order one is preferred when several exist.
const AUDIO_KINDS: [AudioKind; 4] = [AudioKind::Wav, AudioKind::Wav49, AudioKind::Mp3, AudioKind::Gsm];

/// The stored audio of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioKind {
    /// `msgNNNN.wav` (PCM WAV).
    Wav,
    /// `msgNNNN.WAV` (GSM in a WAV container, Asterisk's `wav49`).
    Wav49,
    /// `msgNNNN.mp3`.
    Mp3,
    /// `msgNNNN.gsm` (raw GSM).
    Gsm,
}

impl AudioKind {
    /// File extension, exactly as on disk.
    pub fn extension(self) -> &'static str {
        match self {
            AudioKind::Wav => "wav",
            AudioKind::Wav49 => "WAV",
            AudioKind::Mp3 => "mp3",
            AudioKind::Gsm => "gsm",
        }
    }

    /// MIME type (CONTRACT §0.12: `audio/wav` unless the stored format says otherwise).
    pub fn content_type(self) -> &'static str {
        match self {
            AudioKind::Wav | AudioKind::Wav49 => "audio/wav",
            AudioKind::Mp3 => "audio/mpeg",
            AudioKind::Gsm => "audio/x-gsm",
        }
    }

    /// Short format name for clients (`wav`, `wav49`, `mp3`, `gsm`) and download file names.
    pub fn format(self) -> &'static str {
        match self {
            AudioKind::Wav => "wav",
            AudioKind::Wav49 => "wav49",
            AudioKind::Mp3 => "mp3",
            AudioKind::Gsm => "gsm",
        }
    }

    /// Extension for a download's file name (lower case, `wav49` is still a `.wav`).
    pub fn download_extension(self) -> &'static str {
        match self {
            AudioKind::Wav | AudioKind::Wav49 => "wav",
            AudioKind::Mp3 => "mp3",
            AudioKind::Gsm => "gsm",
        }
    }
}

/// A voicemail box the caller was authorized for, with the intent it was obtained for. Only
/// [`mailbox`] and [`find_in_tenant`] make one.
#[derive(Debug, Clone)]
pub struct Mailbox {
    context: String,
    number: String,
    intent: Intent,
    /// Who opened it, for the audit entries of its changes; its tenant.
    opened_by: Principal,
    tenant_id: Option<i64>,
}

impl Mailbox {
    /// The mailbox number.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The voicemail context (the tenant code).
    pub fn context(&self) -> &str {
        &self.context
    }

    fn relative(&self) -> String {
        format!("{}/{}", self.context, self.number)
    }

    fn folder_relative(&self, folder: Folder) -> String {
        format!("{}/{}/{}", self.context, self.number, folder.name())
    }

    fn require_write(&self) -> ServiceResult<()> {
        if self.intent == Intent::Write { Ok(()) } else { Err(ServiceError::ReadOnly) }
    }

    /// A box from its row; a row whose context or number could not name a directory is no box.
    fn from_row(row: &Row, intent: Intent, principal: &Principal) -> Option<Mailbox> {
        let (context, number) = (row.text("context"), row.text("mailbox"));
        (is_safe_segment(context) && is_safe_segment(number)).then(|| Mailbox {
            context: context.to_string(),
            number: number.to_string(),
            intent,
            opened_by: principal.clone(),
            tenant_id: row.tenant_id,
        })
    }

    /// Records a change of message `msg_id` of this box (files are not transactional: the entry is
    /// written once the files changed).
    async fn audit(
        &self,
        core: &Core,
        action: &'static str,
        msg_id: &str,
        after: Option<serde_json::Value>,
    ) -> ServiceResult<()> {
        let mut change = Change::new("voicemail_message", action).id(format!("{}/{msg_id}", self.number));
        if let Some(tenant_id) = self.tenant_id {
            change = change.tenant(tenant_id, &self.context);
        }
        if let Some(after) = after {
            change = change.after(after);
        }
        audit::record_now(core, &self.opened_by, change).await
    }
}

/// One message, as its envelope and the folder's file names describe it.
#[derive(Debug, Clone)]
pub struct Message {
    /// The stable id (`msg_id` of the envelope).
    pub msg_id: String,
    /// `NNNN` of `msgNNNN`, within the folder.
    pub number: u16,
    /// The folder it is in.
    pub folder: Folder,
    /// `callerid` of the envelope (`"Name" <number>`).
    pub caller_id: String,
    /// `origtime` (Unix seconds), when readable.
    pub orig_time: Option<i64>,
    /// `origdate` as Asterisk wrote it.
    pub orig_date: String,
    /// `duration` in seconds (0 when unreadable).
    pub duration: u64,
    /// The preferred stored audio, when there is one.
    pub audio: Option<AudioKind>,
    /// Every `key=value` of the envelope, in file order.
    pub envelope: Vec<(String, String)>,
    /// Names of all files of the message in its folder (`msgNNNN.*`).
    files: Vec<String>,
}

impl Message {
    /// True once the message was heard (it left `INBOX`/`Urgent`).
    pub fn read(&self) -> bool {
        !self.folder.is_unread()
    }

    /// `msgNNNN`, the stem of its files.
    pub fn stem(&self) -> String {
        stem(self.number)
    }
}

fn stem(number: u16) -> String {
    format!("msg{number:04}")
}

/// True for a usable message id: `[0-9A-Za-z-]`, 1 to 64 characters.
pub fn is_valid_msg_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn spool(core: &Core) -> FileRoot {
    FileRoot::new(&core.config().dirs.voicemail_spool, "voicemail spool")
}

/// The voicemail box `number` of `tenant`, for `intent`. A box of another tenant, a number that is
/// no box and one that could not be a directory name all answer `NotFound`.
pub async fn mailbox(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    number: &str,
    intent: Intent,
) -> ServiceResult<Mailbox> {
    // Without a tenant an admin would address every tenant's box with this number at once.
    let tenant = tenant.filter(|t| *t != "%").ok_or(ServiceError::NotFound(Missing::VoicemailBox))?;
    let filter = objects::Filter::equals(&VoicemailRules, "mailbox", number)?;
    let rows = objects::list(core, principal, &VoicemailRules, Some(tenant), vec![filter], PageRequest::ALL).await?;
    if intent == Intent::Write {
        access::require_write(principal)?;
    }
    rows.items
        .iter()
        .find_map(|row| Mailbox::from_row(row, intent, principal))
        .ok_or(ServiceError::NotFound(Missing::VoicemailBox))
}

/// The mailbox of the voicemail box with this id (what the REST paths name), for `intent`.
pub async fn mailbox_by_id(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    box_id: i64,
    intent: Intent,
) -> ServiceResult<Mailbox> {
    let row = objects::get(core, principal, &VoicemailRules, Some(tenant), box_id).await.map_err(|err| match err {
        ServiceError::NotFound(_) => ServiceError::NotFound(Missing::VoicemailBox),
        other => other,
    })?;
    if intent == Intent::Write {
        access::require_write(principal)?;
    }
    Mailbox::from_row(&row, intent, principal).ok_or(ServiceError::NotFound(Missing::VoicemailBox))
}

/// The messages of a mailbox, one folder or all, folders in [`Folder::ALL`] order, then by number.
pub async fn list(core: &Core, mailbox: &Mailbox, folder: Option<Folder>) -> ServiceResult<Vec<Message>> {
    let root = spool(core);
    let folders = folder.map_or_else(|| Folder::ALL.to_vec(), |f| vec![f]);
    let mut messages = Vec::new();
    for folder in folders {
        messages.extend(scan_folder(&root, mailbox, folder).await?);
    }
    Ok(messages)
}

/// The message `msg_id` of a mailbox.
pub async fn find(core: &Core, mailbox: &Mailbox, msg_id: &str) -> ServiceResult<Message> {
    if !is_valid_msg_id(msg_id) {
        return Err(NOT_FOUND);
    }
    list(core, mailbox, None).await?.into_iter().find(|m| m.msg_id == msg_id).ok_or(NOT_FOUND)
}

/// The message `msg_id` in any voicemail box of the tenant (legacy calls that name only the
/// message). An admin without a tenant searches every tenant's boxes.
pub async fn find_in_tenant(
    core: &Core,
    principal: &Principal,
    tenant: Option<&str>,
    msg_id: &str,
    intent: Intent,
) -> ServiceResult<(Mailbox, Message)> {
    if !is_valid_msg_id(msg_id) {
        return Err(NOT_FOUND);
    }
    let tenant = tenant.filter(|t| *t != "%");
    let rows = objects::list(core, principal, &VoicemailRules, tenant, Vec::new(), PageRequest::ALL).await?;
    if intent == Intent::Write {
        access::require_write(principal)?;
    }
    for mailbox in rows.items.iter().filter_map(|row| Mailbox::from_row(row, intent, principal)) {
        match find(core, &mailbox, msg_id).await {
            Ok(message) => return Ok((mailbox, message)),
            Err(ServiceError::NotFound(_)) => continue,
            Err(err) => return Err(err),
        }
    }
    Err(NOT_FOUND)
}

/// Opened audio of a message, ready to stream.
#[derive(Debug)]
pub struct MessageAudio {
    /// The open file and its length.
    pub file: OpenedFile,
    /// What it is.
    pub kind: AudioKind,
}

/// Opens the audio of a message; a message without audio (or whose audio is a link out of the
/// spool) is `NotFound`.
pub async fn open_audio(core: &Core, mailbox: &Mailbox, message: &Message) -> ServiceResult<MessageAudio> {
    let kind = message.audio.ok_or(NOT_FOUND)?;
    let relative = format!("{}/{}.{}", mailbox.folder_relative(message.folder), message.stem(), kind.extension());
    let file = spool(core).open(&relative).await.map_err(|_| NOT_FOUND)?;
    Ok(MessageAudio { file, kind })
}

/// The transcript sidecar of a message, if one exists.
pub async fn transcript(core: &Core, mailbox: &Mailbox, message: &Message) -> ServiceResult<Option<String>> {
    let name = format!("{}.transcript.txt", message.stem());
    if !message.files.contains(&name) {
        return Ok(None);
    }
    let relative = format!("{}/{name}", mailbox.folder_relative(message.folder));
    match spool(core).read_small(&relative, MAX_TRANSCRIPT_BYTES).await {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).trim_end().to_string())),
        Err(ServiceError::NotFound(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Marks a message read (moves it to `Old`) or unread (moves it to `INBOX`); already there is fine.
pub async fn set_read(core: &Core, mailbox: &Mailbox, msg_id: &str, read: bool) -> ServiceResult<Message> {
    mailbox.require_write()?;
    let _guard = lock(core, mailbox).await;
    let message = find(core, mailbox, msg_id).await?;
    if message.read() == read {
        return Ok(message);
    }
    let target = if read { Folder::Old } else { Folder::Inbox };
    move_message(core, mailbox, &message, target).await?;
    mailbox.audit(core, "set_read", msg_id, Some(serde_json::json!({ "read": read }))).await?;
    find(core, mailbox, msg_id).await
}

/// Deletes a message: every `msgNNNN.*` file of it.
pub async fn delete(core: &Core, mailbox: &Mailbox, msg_id: &str) -> ServiceResult<()> {
    mailbox.require_write()?;
    let _guard = lock(core, mailbox).await;
    let (message, _folder_lock) = find_locked(core, mailbox, msg_id).await?;
    let root = spool(core);
    let dir = mailbox.folder_relative(message.folder);
    // The envelope last: until it is gone the message still lists, so a failure half-way leaves a
    // message that can be deleted again rather than orphaned audio.
    let (envelope, others): (Vec<&String>, Vec<&String>) =
        message.files.iter().partition(|name| **name == format!("{}.txt", message.stem()));
    for name in others.into_iter().chain(envelope) {
        root.remove(&format!("{dir}/{name}")).await?;
    }
    mailbox.audit(core, "delete", msg_id, None).await
}

/// Replaces the audio of a message (WAV or MP3, recognised from the bytes, size-limited). Other
/// audio variants of the message are removed so the new audio is the one played.
pub async fn put_audio(core: &Core, mailbox: &Mailbox, msg_id: &str, bytes: &[u8]) -> ServiceResult<AudioFormat> {
    mailbox.require_write()?;
    if bytes.len() > MAX_AUDIO_BYTES {
        return Err(ServiceError::invalid("filename", format!("is larger than {MAX_AUDIO_BYTES} bytes")));
    }
    let format = AudioFormat::sniff(bytes)?;
    let _guard = lock(core, mailbox).await;
    let (message, _folder_lock) = find_locked(core, mailbox, msg_id).await?;
    let root = spool(core);
    let dir = mailbox.folder_relative(message.folder);
    let new_name = format!("{}.{}", message.stem(), format.extension());
    root.replace(&format!("{dir}/{new_name}"), bytes).await?;
    for kind in AUDIO_KINDS {
        let name = format!("{}.{}", message.stem(), kind.extension());
        if name != new_name && message.files.contains(&name) {
            root.remove(&format!("{dir}/{name}")).await?;
        }
    }
    let after = serde_json::json!({ "format": format.extension(), "size": bytes.len() });
    mailbox.audit(core, "put_audio", msg_id, Some(after)).await?;
    Ok(format)
}

/// Moves all files of a message to the next free number of `target`, envelope last, so a listing
/// never shows an envelope whose audio has not arrived yet.
async fn move_message(core: &Core, mailbox: &Mailbox, message: &Message, target: Folder) -> ServiceResult<()> {
    let root = spool(core);
    let target_dir = mailbox.folder_relative(target);
    let source_dir = mailbox.folder_relative(message.folder);
    // Folders are locked in Folder::ALL order, so two movers never wait for each other crosswise.
    let (first, second) =
        if (message.folder as u8) < (target as u8) { (&source_dir, &target_dir) } else { (&target_dir, &source_dir) };
    let _first_lock = root.lock_dir(first, FOLDER_LOCK_WAIT).await?;
    let _second_lock = root.lock_dir(second, FOLDER_LOCK_WAIT).await?;
    let message = &still_in(core, mailbox, message).await?;
    let taken = match root.list_dir(&target_dir).await {
        Ok(names) => names,
        Err(ServiceError::NotFound(_)) => Vec::new(),
        Err(err) => return Err(err),
    };
    let next = taken.iter().filter_map(|name| message_number(name)).max().map_or(0, |n| n + 1);
    if next > 9999 {
        return Err(ServiceError::conflict(ConflictKind::State, format!("folder {} is full", target.name())));
    }
    let (old_stem, new_stem) = (message.stem(), stem(next));
    let envelope = format!("{old_stem}.txt");
    let mut names: Vec<&String> = message.files.iter().filter(|n| **n != envelope).collect();
    names.push(&envelope);
    for name in names {
        let suffix = name.strip_prefix(old_stem.as_str()).unwrap_or_default();
        root.rename_new(&format!("{source_dir}/{name}"), &format!("{target_dir}/{new_stem}{suffix}")).await?;
    }
    Ok(())
}

/// The message once its folder is locked: found again, since Asterisk may have moved it between
/// the lookup and the lock.
async fn find_locked(core: &Core, mailbox: &Mailbox, msg_id: &str) -> ServiceResult<(Message, DirLock)> {
    let message = find(core, mailbox, msg_id).await?;
    let lock = spool(core).lock_dir(&mailbox.folder_relative(message.folder), FOLDER_LOCK_WAIT).await?;
    Ok((still_in(core, mailbox, &message).await?, lock))
}

/// `message` read again, refused when it no longer is where it was (same folder and number).
async fn still_in(core: &Core, mailbox: &Mailbox, message: &Message) -> ServiceResult<Message> {
    let again = find(core, mailbox, &message.msg_id).await?;
    if (again.folder, again.number) != (message.folder, message.number) {
        return Err(ServiceError::conflict(ConflictKind::Busy, "the message moved meanwhile; try again"));
    }
    Ok(again)
}

/// `NNNN` of a `msgNNNN.*` file name.
fn message_number(name: &str) -> Option<u16> {
    let rest = name.strip_prefix("msg")?;
    let (digits, tail) = (rest.get(..4)?, rest.get(4..)?);
    if digits.bytes().all(|b| b.is_ascii_digit()) && tail.starts_with('.') { digits.parse().ok() } else { None }
}

/// The messages of one folder. A folder that does not exist is empty; an envelope that cannot be
/// read or has no usable `msg_id` is skipped (logged), as it could not be addressed anyway.
async fn scan_folder(root: &FileRoot, mailbox: &Mailbox, folder: Folder) -> ServiceResult<Vec<Message>> {
    let dir = mailbox.folder_relative(folder);
    let names = match root.list_dir(&dir).await {
        Ok(names) => names,
        Err(ServiceError::NotFound(_)) => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut messages = Vec::new();
    for name in &names {
        let Some(number) = message_number(name).filter(|_| name.len() == 11 && name.ends_with(".txt")) else {
            continue;
        };
        let bytes = match root.read_small(&format!("{dir}/{name}"), MAX_ENVELOPE_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                tracing::info!(mailbox = %mailbox.relative(), file = %name, "skipped an unreadable voicemail envelope");
                continue;
            }
        };
        let envelope = parse_envelope(&String::from_utf8_lossy(&bytes));
        let field = |key: &str| envelope.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        let msg_id = field("msg_id");
        if !is_valid_msg_id(&msg_id) {
            tracing::info!(mailbox = %mailbox.relative(), file = %name, "skipped a voicemail envelope without a usable msg_id");
            continue;
        }
        let prefix = format!("{}.", stem(number));
        let files: Vec<String> = names.iter().filter(|n| n.starts_with(&prefix)).cloned().collect();
        let audio = AUDIO_KINDS.into_iter().find(|k| files.contains(&format!("{prefix}{}", k.extension())));
        messages.push(Message {
            msg_id,
            number,
            folder,
            caller_id: field("callerid"),
            orig_time: field("origtime").parse().ok(),
            orig_date: field("origdate"),
            duration: field("duration").parse().unwrap_or(0),
            audio,
            envelope,
            files,
        });
    }
    Ok(messages)
}

/// The `key=value` lines of an app_voicemail envelope (section headers and `;` comments skipped).
fn parse_envelope(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with(';') || line.starts_with('[') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            // Asterisk config files also allow `key => value`.
            Some((key.trim().to_string(), value.trim_start_matches('>').trim().to_string()))
        })
        .collect()
}

/// One async mutex per mailbox directory, so two changes never renumber the same folder at once.
static LOCKS: LazyLock<std::sync::Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

async fn lock(core: &Core, mailbox: &Mailbox) -> tokio::sync::OwnedMutexGuard<()> {
    let key = core.config().dirs.voicemail_spool.join(mailbox.relative());
    let mutex = {
        let mut locks = LOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(key).or_default().clone()
    };
    mutex.lock_owned().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_and_file_names() {
        assert!(is_valid_msg_id("1700000000-00000001"));
        for bad in ["", "../x", "a/b", "a.b", "%2e%2e", &"1".repeat(65)] {
            assert!(!is_valid_msg_id(bad), "{bad:?}");
        }
        assert_eq!(message_number("msg0007.txt"), Some(7));
        assert_eq!(message_number("msg0012.transcript.txt"), Some(12));
        for bad in ["msg12.txt", "msg00a1.txt", "msg00010.txt", "greet.wav", "msg0001"] {
            assert_eq!(message_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn envelopes_parse_like_asterisk_writes_them() {
        let text =
            ";\n; Message Information file\n;\n[message]\norigmailbox=103\ncallerid=\"Bob\" <104>\nmsg_id => 1-2\n";
        let parsed = parse_envelope(text);
        assert_eq!(parsed[1], ("callerid".to_string(), "\"Bob\" <104>".to_string()));
        assert_eq!(parsed[2], ("msg_id".to_string(), "1-2".to_string()));
        assert_eq!(Folder::parse("inbox").ok(), Some(Folder::Inbox));
        assert!(Folder::parse("../x").is_err());
    }
}
