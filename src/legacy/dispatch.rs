//! Command → authentication → service call → rendered answer. Every answer is HTTP 200; failures are
//! the protocol texts (CONTRACT §0.6).

use pbx_compat::command::{Command, Format, OutputOptions, ReqType};
use pbx_compat::errors;
use pbx_compat::render::Rendered;
use pbx_compat::request::LegacyRequest;

use crate::auth::{Principal, Reach};
use crate::service::{Core, Missing, ServiceError, access};

/// A parsed legacy call.
#[derive(Debug)]
pub struct Call<'a> {
    /// The merged parameters.
    pub request: &'a LegacyRequest,
    /// How to render.
    pub output: OutputOptions,
    /// The caller.
    pub principal: Principal,
    /// `tenant=`, as given (exact; `%` allowed for admins where a call supports it).
    pub tenant: Option<&'a str>,
    /// Files of a multipart body (field `filename` in the legacy protocol).
    pub uploads: &'a [super::endpoint::Upload],
}

/// What the legacy door sends back: a rendered protocol answer, or a body produced elsewhere (file
/// bytes, a streamed export) with its own Content-Type.
pub enum Answer {
    /// A protocol answer in memory.
    Rendered(Rendered),
    /// File bytes or a streamed export.
    Body {
        /// Content-Type.
        content_type: String,
        /// Content-Disposition, for downloads (`attachment`) and players (`inline`).
        disposition: Option<String>,
        /// The body; streamed, never buffered whole.
        body: poem::Body,
    },
}

impl From<Rendered> for Answer {
    fn from(rendered: Rendered) -> Answer {
        Answer::Rendered(rendered)
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Rendered(rendered) => f.debug_tuple("Rendered").field(rendered).finish(),
            Answer::Body { content_type, disposition, .. } => {
                f.debug_struct("Body").field("content_type", content_type).field("disposition", disposition).finish()
            }
        }
    }
}

/// How the answer to `command` is rendered.
fn output_of(command: &Command, request: &LegacyRequest) -> OutputOptions {
    match command {
        // MANAGEDB answers JSON whatever `format` says (CONTRACT §2.1, Q-13); JSONP still applies.
        Command::ManageDb(_) => {
            let asked = OutputOptions::from_request(request);
            if asked.format == Format::Json { asked } else { OutputOptions::json() }
        }
        _ => OutputOptions::from_request(request),
    }
}

/// The answer of a request whose key does not authenticate, from the parameters known so far;
/// `None` when the key is good. The HTTP layer asks this before it reads a large body.
pub async fn key_refusal(core: &Core, request: &LegacyRequest) -> Option<Answer> {
    let command = Command::parse(request);
    let output = output_of(&command, request);
    match authenticate(core, request).await {
        Ok(_) => None,
        Err(text) => Some(Rendered::text(&output, text).into()),
    }
}

/// The answer of a request refused with `err` before it was dispatched.
pub fn error_answer(request: &LegacyRequest, err: ServiceError) -> Answer {
    let command = Command::parse(request);
    Rendered::text(&output_of(&command, request), error_text(err)).into()
}

/// Answers one legacy request.
pub async fn answer(core: &Core, request: &LegacyRequest, uploads: &[super::endpoint::Upload]) -> Answer {
    let command = Command::parse(request);
    let output = output_of(&command, request);
    if command == Command::Unknown {
        return Rendered::empty(&output).into();
    }
    let principal = match authenticate(core, request).await {
        Ok(principal) => principal,
        Err(text) => return Rendered::text(&output, text).into(),
    };
    let tenant = request.non_empty("tenant");
    // A tenant key must name its own tenant on every call (CONTRACT §0.4, OBSERVED A-48);
    // COUNTCHANNELS says so in its own words.
    if principal.reach != Reach::Global {
        let refusal = if command == Command::Other(ReqType::CountChannels) {
            errors::WRONG_OR_MISSING_TENANT
        } else {
            errors::KEY_ERROR
        };
        let Some(code) = tenant else {
            return Rendered::text(&output, refusal).into();
        };
        match access::tenant_scope(core, &principal, code, access::Intent::Read).await {
            Ok(_) => {}
            // An outage is said as one: a good key must never read as a bad one.
            Err(err @ (ServiceError::Unavailable(_) | ServiceError::Internal(_))) => {
                return Rendered::text(&output, error_text(err)).into();
            }
            Err(_) => return Rendered::text(&output, refusal).into(),
        }
    }
    let call = Call { request, output, principal, tenant, uploads };
    match command {
        Command::Info(kind) => super::info::answer(core, &call, &kind).await,
        Command::Other(ReqType::Fax) => super::fax::answer(core, &call).await,
        Command::Other(ReqType::Voicemail) => super::voicemail::answer(core, &call).await,
        // Voicemail recordings stream from the spool, so they cannot go through the in-memory path.
        Command::ManageDb(cmd) if super::voicemail::is_managedb_action(&cmd) => {
            super::voicemail::managedb(core, &call, &cmd).await
        }
        command => answer_rendered(core, &call, command).await.into(),
    }
}

/// The operations whose answer is always rendered in memory.
async fn answer_rendered(core: &Core, call: &Call<'_>, command: Command) -> Rendered {
    match command {
        Command::ManageDb(cmd) => super::managedb::answer(core, call, &cmd).await,
        Command::CheckAuth { username, password } => {
            super::auth_ops::check_auth(core, call, username.as_deref(), password.as_deref()).await
        }
        Command::AuthToken(cmd) => super::auth_ops::auth_token(core, call, &cmd).await,
        Command::Help => super::help::page(),
        Command::Other(ReqType::Queue) => super::queue::answer(core, call).await,
        Command::Other(ReqType::Phonebooks) => super::phonebook::phonebooks(core, call).await,
        Command::Other(ReqType::Phonebook) => super::phonebook::phonebook(core, call).await,
        Command::Other(ReqType::Setting) => super::setting::answer(core, call).await,
        Command::Other(ReqType::Dnd) => super::dnd::answer(core, call).await,
        Command::Other(ReqType::VirtualExt) => super::virtualext::answer(core, call).await,
        Command::Other(ReqType::Balance) => super::balance::adjust(core, call).await,
        Command::Other(ReqType::Flows) => super::flows::list(core, call).await,
        Command::Other(ReqType::SetFlow) => super::flows::set(core, call).await,
        Command::Other(ReqType::UserGroup) => super::user_groups::answer(core, call).await,
        // LICENSEDAYS: a bare integer; nothing configured → empty body.
        Command::Other(ReqType::LicenseDays) => match core.licence_days(&call.principal) {
            Ok(Some(days)) => Rendered::text(&call.output, days.to_string()),
            Ok(None) => Rendered::empty(&call.output),
            Err(err) => Rendered::text(&call.output, error_text(err)),
        },
        Command::Other(ReqType::MediaFile) => super::media::get_audio(core, call).await,
        Command::Other(ReqType::Cdr) => super::cdrs::cdr(core, call).await,
        Command::Other(ReqType::ResponsePath) => super::response_path::answer(core, call).await,
        Command::Other(ReqType::Dial) => super::live::dial(core, call).await,
        Command::Other(ReqType::Hangup) => super::live::hangup(core, call).await,
        Command::Other(ReqType::Transfer) => super::live::transfer(core, call, false).await,
        Command::Other(ReqType::AtxTransfer) => super::live::transfer(core, call, true).await,
        Command::Other(ReqType::Channel) => super::live::channel(core, call).await,
        Command::Other(ReqType::Channels) => super::live::channels(core, call).await,
        Command::Other(ReqType::CountChannels) => super::live::count_channels(core, call).await,
        Command::Other(ReqType::CountCalls) => super::live::count_calls(core, call).await,
        Command::Other(ReqType::GetCurrentCalls) => super::live::current_calls(core, call).await,
        Command::Other(ReqType::Peers | ReqType::ChanSipPeers) => super::live::peers(core, call).await,
        Command::Other(ReqType::CountPeers) => super::live::count_peers(core, call).await,
        Command::Other(ReqType::Blfs) => super::live::blfs(core, call).await,
        Command::Other(ReqType::Agent) => super::live::agent(core, call).await,
        Command::Other(ReqType::QueueReset) => super::live::queue_reset(core, call).await,
        Command::Other(ReqType::Reboot) => super::live::peer_action(core, call, true).await,
        Command::Other(ReqType::Unregister) => super::live::peer_action(core, call, false).await,
        Command::Other(ReqType::Campaign) => super::campaigns::answer(core, call).await,
        Command::Other(ReqType::Sms) => super::sms::send(core, call).await,
        // Known reqtypes whose issues have not landed yet answer as unknown ones do.
        Command::Info(_) | Command::Other(_) | Command::Unknown => Rendered::empty(&call.output),
    }
}

/// The caller, or the protocol text to answer: the key error for a key that is wrong, but an
/// outage text when the key could not be checked (clients must not conclude their key is bad).
async fn authenticate(core: &Core, request: &LegacyRequest) -> Result<Principal, String> {
    let key = request.non_empty("key").ok_or_else(|| errors::KEY_ERROR.to_string())?;
    access::authenticate_key(core, key).await.map_err(|err| match err {
        ServiceError::Unavailable(_) | ServiceError::RateLimited { .. } => error_text(err),
        ServiceError::Internal(source) => {
            tracing::error!(error = %source, "legacy authentication failed");
            errors::error_line("internal error")
        }
        _ => errors::KEY_ERROR.to_string(),
    })
}

/// The protocol text for a service error. Authorization failures reuse the key error text;
/// a missing object is `null`; validation and conflicts are `Error: ...` lines.
pub fn error_text(err: ServiceError) -> String {
    match err {
        ServiceError::InvalidApiKey
        | ServiceError::AdminRequired
        | ServiceError::ReadOnly
        | ServiceError::TenantNotFound => errors::KEY_ERROR.to_string(),
        ServiceError::NotFound(_) => errors::NULL.to_string(),
        ServiceError::InvalidDestination { entry } => errors::invalid_destination(&entry),
        ServiceError::Unsupported(_) => errors::UNKNOWN_ACTION.to_string(),
        ServiceError::Internal(source) => {
            tracing::error!(error = %source, "internal error on the legacy door");
            errors::error_line("internal error")
        }
        ServiceError::Unavailable(source) => {
            tracing::warn!(error = %source, "database unavailable on the legacy door");
            errors::error_line(errors::UNAVAILABLE)
        }
        other => errors::error_line(&other.to_string()),
    }
}

/// A lookup miss (missing row, other tenant, unsafe path, missing file) answers with an empty body
/// (§0.6); a refusal with its protocol text ([`error_text`]).
pub fn miss_or_error(call: &Call<'_>, err: ServiceError) -> Rendered {
    match err {
        ServiceError::NotFound(_) => Rendered::empty(&call.output),
        err => Rendered::text(&call.output, error_text(err)),
    }
}

/// The command families that answer a refused action with a P-ACT line (`Error|<message>||`) and
/// word some refusals their own way (CONTRACT §4-§6, as observed); key and internal errors keep
/// [`error_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionFamily {
    /// LIVE actions (DIAL, HANGUP, AGENT, ...): a missing object is `Unknown <what>`.
    Live,
    /// CAMPAIGN actions: a missing object is `<what> not found`; conflicts show their message.
    Campaign,
    /// FAX send: only validation failures are P-ACT lines.
    Fax,
    /// FLOW set: a missing flow is `Flow not found`.
    Flow,
}

/// The answer to a refused action of `family`: every wording of a `ServiceError` on those
/// families, in one table.
pub fn action_refusal(call: &Call<'_>, family: ActionFamily, err: ServiceError) -> Rendered {
    use ActionFamily::{Campaign, Fax, Flow, Live};
    let line = match (family, err) {
        (Live | Flow, ServiceError::Invalid { field, message }) => format!("{field}: {message}"),
        (Flow, ServiceError::NotFound(_)) => "Flow not found".to_string(),
        (Live, ServiceError::NotFound(Missing::Channel)) => "No channel found".to_string(),
        (Live, ServiceError::NotFound(what)) => format!("Unknown {what}"),
        (Live, ServiceError::PbxUnavailable(reason) | ServiceError::PbxRejected(reason)) => reason,
        (Campaign, ServiceError::Conflict { message, .. }) => message,
        (Campaign, ServiceError::NotFound(what)) => format!("{what} not found"),
        (
            Campaign,
            err @ (ServiceError::Invalid { .. } | ServiceError::PbxUnavailable(_) | ServiceError::PbxRejected(_)),
        ) => err.to_string(),
        (Fax, err @ ServiceError::Invalid { .. }) => err.to_string(),
        (_, err) => return Rendered::text(&call.output, error_text(err)),
    };
    super::action_result::error(call, &line)
}
