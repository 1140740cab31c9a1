//! The one error type of the service layer. Each door maps it to its own wire form: REST to
//! problem+json with a stable `code`, legacy to the protocol texts of CONTRACT.md.

use crate::domain::InvalidValue;
use crate::store::StoreError;

/// Why a service call did not happen. Messages are safe to show; `Internal` is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No or unknown key/token.
    #[error("missing or invalid API key or token")]
    InvalidApiKey,
    /// Wrong username or password at login.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Too many failed logins for this username; try later.
    #[error("too many failed attempts; try again later")]
    TooManyAttempts,
    /// A global operation attempted by a tenant-scoped or read-only principal.
    #[error("this operation needs an admin key")]
    AdminRequired,
    /// A write attempted with a read-only key.
    #[error("this key is read-only")]
    ReadOnly,
    /// The tenant does not exist or is not reachable by the caller (indistinguishable on purpose).
    #[error("tenant not found")]
    TenantNotFound,
    /// The object does not exist or belongs to another tenant (indistinguishable on purpose).
    #[error("{0} not found")]
    NotFound(Missing),
    /// Input refused.
    #[error("{field}: {message}")]
    Invalid {
        /// Offending field (legacy name).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A destination list entry that names no known tag or target (CONTRACT §3.1): the legacy door
    /// answers `Invalid destination: <entry>` verbatim, REST a 422 on the list.
    #[error("destination: Invalid destination: {entry}")]
    InvalidDestination {
        /// The entry as sent, control characters dropped, shortened.
        entry: String,
    },
    /// The write conflicts with what is stored; `kind` says how (each door shows the kind).
    #[error("{message}")]
    Conflict {
        /// How it conflicts.
        kind: ConflictKind,
        /// What to tell the caller.
        message: String,
    },
    /// The object has no such operation (e.g. legacy `phone` cannot be deleted).
    #[error("{0} is not supported for this object")]
    Unsupported(&'static str),
    /// The stored object is not the version the caller's condition names (REST `If-Match`).
    #[error("the object changed since the version named in If-Match")]
    PreconditionFailed,
    /// A tenant that still owns objects cannot be deleted.
    #[error("tenant not empty")]
    TenantNotEmpty,
    /// The PBX node needed for the call is down, reconnecting or not configured.
    #[error("{0}")]
    PbxUnavailable(String),
    /// The PBX refused the action (Asterisk's own message, e.g. `No such channel`).
    #[error("the PBX refused: {0}")]
    PbxRejected(String),
    /// The caller used up its requests of the current window (per address or per credential).
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the window ends.
        retry_after_secs: u64,
    },
    /// The database cannot be reached right now; the request may be retried.
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Bug or infrastructure failure.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// What was not found: doors match the kind (a missing queue member is `OK` to a legacy `del`),
/// never a message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A row of a declared object (MANAGEDB / REST resources), by its legacy object name.
    Object(&'static str),
    /// A file.
    File,
    /// A queue member.
    QueueMember,
    /// A template.
    Template,
    /// A extension.
    Extension,
    /// A setting.
    Setting,
    /// A recording.
    Recording,
    /// A fax.
    Fax,
    /// A channel.
    Channel,
    /// A voicemail box.
    VoicemailBox,
    /// A queue.
    Queue,
    /// A phonebook entry.
    PhonebookEntry,
    /// A cdr.
    Cdr,
    /// A api key.
    ApiKey,
    /// A voicemail message.
    VoicemailMessage,
    /// A virtual extension.
    VirtualExtension,
    /// A virtual extension member.
    VirtualExtensionMember,
    /// A phonebook.
    Phonebook,
    /// A peer.
    Peer,
    /// A destination owner.
    DestinationOwner,
    /// A campaign.
    Campaign,
    /// A campaign number.
    CampaignNumber,
    /// A transcript.
    Transcript,
    /// A tenant link.
    TenantLink,
    /// A response path.
    ResponsePath,
    /// A node.
    Node,
    /// A media file.
    MediaFile,
    /// A group user.
    GroupUser,
    /// A group tenant.
    GroupTenant,
    /// A flow.
    Flow,
}

impl Missing {
    /// The name shown in messages (`queue member not found`).
    pub fn name(self) -> &'static str {
        match self {
            Missing::Object(name) => name,
            Missing::File => "file",
            Missing::QueueMember => "queue member",
            Missing::Template => "template",
            Missing::Extension => "extension",
            Missing::Setting => "setting",
            Missing::Recording => "recording",
            Missing::Fax => "fax",
            Missing::Channel => "channel",
            Missing::VoicemailBox => "voicemail box",
            Missing::Queue => "queue",
            Missing::PhonebookEntry => "phonebook entry",
            Missing::Cdr => "cdr",
            Missing::ApiKey => "api key",
            Missing::VoicemailMessage => "voicemail message",
            Missing::VirtualExtension => "virtual extension",
            Missing::VirtualExtensionMember => "virtual extension member",
            Missing::Phonebook => "phonebook",
            Missing::Peer => "peer",
            Missing::DestinationOwner => "destination owner",
            Missing::Campaign => "campaign",
            Missing::CampaignNumber => "campaign number",
            Missing::Transcript => "transcript",
            Missing::TenantLink => "tenant link",
            Missing::ResponsePath => "response path",
            Missing::Node => "node",
            Missing::MediaFile => "media file",
            Missing::GroupUser => "group user",
            Missing::GroupTenant => "group tenant",
            Missing::Flow => "flow",
        }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a write conflicts with what is stored. REST answers 409 with a `code` per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// A uniqueness rule: the same name, number or value exists (`conflict`).
    Duplicate,
    /// The row is still used by another and cannot go (`in_use`).
    InUse,
    /// Another change got there first or holds a lock; the same request may succeed on retry
    /// (`busy`).
    Busy,
    /// The object's state does not allow it (a full folder, a campaign that cannot do this now)
    /// (`invalid_state`).
    State,
}

impl ServiceError {
    /// A conflict of `kind`.
    pub fn conflict(kind: ConflictKind, message: impl Into<String>) -> Self {
        ServiceError::Conflict { kind, message: message.into() }
    }

    /// Shorthand for `Invalid`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<InvalidValue> for ServiceError {
    fn from(err: InvalidValue) -> Self {
        ServiceError::invalid(err.field, err.message)
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Duplicate => ServiceError::conflict(ConflictKind::Duplicate, "already exists"),
            StoreError::Referenced => ServiceError::conflict(ConflictKind::InUse, "still referenced by other objects"),
            StoreError::Unavailable(e) => ServiceError::Unavailable(e.into()),
            StoreError::Other(e) => ServiceError::Internal(e.into()),
        }
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::classify(err).into()
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(err: tokio::task::JoinError) -> Self {
        ServiceError::Internal(err.into())
    }
}

impl From<crate::pbx::PbxError> for ServiceError {
    fn from(err: crate::pbx::PbxError) -> Self {
        use crate::pbx::PbxError;
        match err {
            PbxError::UnknownNode(node) => ServiceError::invalid("node", format!("unknown PBX node {node}")),
            down @ (PbxError::Unavailable { .. } | PbxError::Timeout { .. }) => {
                ServiceError::PbxUnavailable(down.to_string())
            }
            PbxError::Rejected { message, .. } => ServiceError::PbxRejected(message),
        }
    }
}

impl From<crate::pbx::ami::HeaderInjection> for ServiceError {
    fn from(err: crate::pbx::ami::HeaderInjection) -> Self {
        ServiceError::invalid(err.name.clone(), "must not contain line breaks or other control characters")
    }
}

/// Shorthand for service results.
pub type ServiceResult<T> = Result<T, ServiceError>;
