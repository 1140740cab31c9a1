//! `/v1/tenants/{code}/calls`: the tenant's current calls, placing a call (originate, idempotent
//! through the `Idempotency-Key` header), hanging up and transferring a channel.
//!
//! A placed call answers 202 (Asterisk has queued it; the phones ring afterwards) with `Location`;
//! a retry with the same key and body answers 200 with the first call and `Idempotent-Replayed:
//! true`, and nothing is sent again; the same key with another body is 409 `idempotency_key_reused`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::bounded::{Int, Text, choice_rules, int_rules, text_rules};
use super::idempotency::IdempotencyKey;
use super::live::ChannelView;
use super::problem::{ApiError, ApiResult, from_service};
use super::security::Auth;
use crate::domain::bounds::{DIAL_STRING_PATTERN, Length};
use crate::service::Core;
use crate::service::live::calls::{self as service, HangupTarget, OriginateOutcome, OriginateRequest, Originated};
use crate::service::live::overview::{self, LiveCall};
use crate::service::live::reads::ReadScope;

/// A current call: the channels that share a linked id on one node.
#[derive(Debug, Object)]
pub struct CallView {
    /// Call id: the linked id (unique id of the call's first channel).
    pub id: String,
    /// The PBX node.
    pub node: String,
    /// When the call's first channel appeared.
    pub started_at: DateTime<Utc>,
    /// Seconds since then.
    pub duration_seconds: u64,
    /// The call's channels, oldest first.
    pub channels: Vec<ChannelView>,
}

impl From<LiveCall> for CallView {
    fn from(call: LiveCall) -> Self {
        CallView {
            id: call.id,
            node: call.node,
            started_at: DateTime::<Utc>::from(call.started_at),
            duration_seconds: call.seconds,
            channels: call.channels.into_iter().map(ChannelView::from).collect(),
        }
    }
}

/// The tenant's current calls. Not paged: it is a snapshot of what is up now.
#[derive(Debug, Object)]
pub struct CallList {
    /// Calls, longest-running first.
    pub items: Vec<CallView>,
    /// Nodes that are down or synchronising: their calls are missing from `items`.
    pub unavailable_nodes: Vec<String>,
}

text_rules! {
    /// Numbers to dial.
    DialRule = Length::DIAL_STRING, DIAL_STRING_PATTERN;
}

choice_rules! {
    /// How the call is recorded.
    RecordingRule = service::RECORDING_MODES;
}

int_rules! {
    /// Ring and call-length seconds.
    CallSecondsRule = service::CALL_SECONDS;
}

/// A call to place: the source extension rings first; when it answers, `destination` is dialled
/// in the tenant's dialplan.
#[derive(Debug, Object)]
pub struct NewCall {
    /// Source extension of the tenant: its number (`103`) or username (`103-DEMO`); `ACCOUNT` =
    /// the extension named in `account`.
    pub source: String,
    /// Number to dial: 1-40 characters of `0-9`, `*`, `#`, `+`.
    pub destination: Text<DialRule>,
    /// Extension (number or username) whose account code the call carries, or `SOURCE`.
    pub account: Option<String>,
    /// Channel variables for the dialplan, set as `<TENANT>-<name>`. Names: letters, digits and
    /// `_`; values: at most 1024 characters without commas or line breaks.
    pub variables: Option<BTreeMap<String, String>>,
    /// Seconds the source may ring before the call is given up (default: the gateway's setting).
    pub ring_timeout_seconds: Option<Int<CallSecondsRule>>,
    /// Longest call in seconds; Asterisk hangs up after that.
    pub max_duration_seconds: Option<Int<CallSecondsRule>>,
    /// Caller id shown on the source phone while it rings.
    pub source_caller_id: Option<String>,
    /// Caller id presented to the destination.
    pub destination_caller_id: Option<String>,
    /// Recording: `yes`, `no`, `yeschange` or `nochange`.
    pub recording: Option<Text<RecordingRule>>,
    /// Answer the source phone automatically (intercom).
    pub auto_answer: Option<bool>,
    /// Do not follow the source's call forwards.
    pub no_follow: Option<bool>,
    /// PBX node to place the call on (default: the first available one).
    pub node: Option<String>,
}

impl NewCall {
    fn into_request(self) -> OriginateRequest {
        OriginateRequest {
            source: self.source,
            dest: self.destination.into_inner(),
            account: self.account,
            variables: self.variables.unwrap_or_default().into_iter().collect(),
            ring_timeout: self.ring_timeout_seconds.map(|s| s.get()),
            max_duration: self.max_duration_seconds.map(|s| s.get()),
            source_clid: self.source_caller_id,
            dest_clid: self.destination_caller_id,
            recording: self.recording.map(Text::into_inner),
            auto_answer: self.auto_answer.unwrap_or(false),
            no_follow: self.no_follow.unwrap_or(false),
            node: self.node,
        }
    }
}

/// A placed call.
#[derive(Debug, Object)]
pub struct PlacedCall {
    /// Originate id (14 lowercase hex digits); the CDRs of the call carry it as `originateid`.
    pub id: String,
    /// The PBX node it went to.
    pub node: String,
    /// Source extension number.
    pub source: String,
    /// Dialled number.
    pub destination: String,
    /// Always `queued`: Asterisk accepted the call and rings the source now; follow it in `/calls`
    /// or `/events`.
    pub status: String,
}

impl From<Originated> for PlacedCall {
    fn from(call: Originated) -> Self {
        PlacedCall {
            id: call.id,
            node: call.node,
            source: call.source,
            destination: call.dest,
            status: "queued".into(),
        }
    }
}

/// Answer of `POST /calls`.
#[derive(ApiResponse)]
pub enum CallPlaced {
    /// Queued on the PBX; `Location` names the call.
    #[oai(status = 202)]
    Accepted(Json<PlacedCall>, #[oai(header = "Location")] String, #[oai(header = "Idempotent-Replayed")] bool),
    /// This `Idempotency-Key` was used before for the same request: the call it placed (nothing
    /// was sent again).
    #[oai(status = 200)]
    Replayed(Json<PlacedCall>, #[oai(header = "Location")] String, #[oai(header = "Idempotent-Replayed")] bool),
}

/// A blind transfer.
#[derive(Debug, Object)]
pub struct Transfer {
    /// Where to send the channel, dialled in the tenant's dialplan: `0-9`, `*`, `#`, `+`.
    pub destination: Text<DialRule>,
    /// The other leg (channel name or unique id), moved to `destination` as well.
    pub extra_channel: Option<String>,
}

/// An attended transfer.
#[derive(Debug, Object)]
pub struct AttendedTransfer {
    /// Number the channel's user consults before completing the transfer: `0-9`, `*`, `#`, `+`.
    pub destination: Text<DialRule>,
}

/// 202 with the channel the PBX is now transferring.
#[derive(ApiResponse)]
pub enum TransferAccepted {
    /// The PBX accepted the transfer.
    #[oai(status = 202)]
    Accepted(Json<ChannelView>),
}

/// 204 after a hang-up.
#[derive(ApiResponse)]
pub enum HungUp {
    /// The PBX hung the channel up.
    #[oai(status = 204)]
    HungUp,
}

/// REST names of the fields the service names in legacy terms.
const NAMES: [(&str, &str); 6] = [
    ("destination", "dest"),
    ("ring_timeout_seconds", "dialtimeout"),
    ("max_duration_seconds", "timeout"),
    ("variables", "var"),
    ("source_caller_id", "sourceclid"),
    ("destination_caller_id", "destclid"),
];

fn rest_field(legacy: &str) -> &str {
    super::rest_name(&NAMES, legacy)
}

/// Call endpoints.
#[derive(Debug)]
pub struct CallsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Live")]
impl CallsApi {
    /// The tenant's current calls (channels grouped by linked id).
    #[oai(path = "/v1/tenants/:code/calls", method = "get", operation_id = "list_calls")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Only this PBX node; 503 `pbx_unavailable` when it is down, 422 when unknown.
        node: Query<Option<String>>,
    ) -> ApiResult<Json<CallList>> {
        let principal = auth.principal(&self.core).await?;
        let scope = ReadScope { tenant: Some(&code), node: node.0.as_deref(), fresh: false };
        let found = overview::calls(&self.core, &principal, &scope).await?;
        Ok(Json(CallList {
            items: found.items.into_iter().map(CallView::from).collect(),
            unavailable_nodes: found.unavailable,
        }))
    }

    /// Place a call (202). Requires `Idempotency-Key`: a retry with the same key and body returns
    /// the first call (200, `Idempotent-Replayed: true`) without dialling again; the same key with
    /// another body is refused (409 `idempotency_key_reused`). Invalid input (422) never reaches
    /// the PBX.
    #[oai(path = "/v1/tenants/:code/calls", method = "post", operation_id = "place_call")]
    async fn originate(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Client-chosen unique key of this call (1-255 visible ASCII characters).
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<IdempotencyKey>,
        body: Json<NewCall>,
    ) -> ApiResult<CallPlaced> {
        let principal = auth.principal(&self.core).await?;
        let key = idempotency_key.0.require("POST /calls")?;
        let request = body.0.into_request();
        let outcome = service::originate(&self.core, &principal, &code, &request, Some(&key))
            .await
            .map_err(|e| from_service(e, rest_field))?;
        match outcome {
            OriginateOutcome::Placed(call) => {
                let location = format!("/v1/tenants/{}/calls/{}", code.0, call.id);
                if call.replayed {
                    Ok(CallPlaced::Replayed(Json(call.into()), location, true))
                } else {
                    Ok(CallPlaced::Accepted(Json(call.into()), location, false))
                }
            }
            OriginateOutcome::KeyReused => Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                Some("this Idempotency-Key was used for a different request".into()),
            )),
        }
    }

    /// Hang up a channel of the tenant. `id` is a channel name (URL-encoded:
    /// `PJSIP%2F103-DEMO-00000001`) or a channel's unique id.
    #[oai(path = "/v1/tenants/:code/calls/:id", method = "delete", operation_id = "hang_up_call")]
    async fn hangup(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Channel name or unique id.
        id: Path<String>,
    ) -> ApiResult<HungUp> {
        let principal = auth.principal(&self.core).await?;
        service::hangup(&self.core, &principal, &code, &HangupTarget::Channel(id.0)).await?;
        Ok(HungUp::HungUp)
    }

    /// Blind transfer: send a channel of the tenant (and optionally its other leg) to `destination`.
    /// A refusal by Asterisk is 409 `pbx_rejected`.
    #[oai(path = "/v1/tenants/:code/calls/:id/transfer", method = "post", operation_id = "transfer_call")]
    async fn transfer(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Channel name (URL-encoded) or unique id.
        id: Path<String>,
        body: Json<Transfer>,
    ) -> ApiResult<TransferAccepted> {
        let principal = auth.principal(&self.core).await?;
        let body = body.0;
        let live =
            service::transfer(&self.core, &principal, &code, &id, &body.destination.0, body.extra_channel.as_deref())
                .await
                .map_err(|e| from_service(e, rest_field))?;
        Ok(TransferAccepted::Accepted(Json(live.into())))
    }

    /// Attended transfer: the channel's user consults `destination` while the other party is on
    /// hold. Needs an attended-transfer feature code on the PBX; a refusal is 409 `pbx_rejected`.
    #[oai(
        path = "/v1/tenants/:code/calls/:id/attended-transfer",
        method = "post",
        operation_id = "attended_transfer_call"
    )]
    async fn attended_transfer(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Channel name (URL-encoded) or unique id.
        id: Path<String>,
        body: Json<AttendedTransfer>,
    ) -> ApiResult<TransferAccepted> {
        let principal = auth.principal(&self.core).await?;
        let live = service::attended_transfer(&self.core, &principal, &code, &id, &body.0.destination.0)
            .await
            .map_err(|e| from_service(e, rest_field))?;
        Ok(TransferAccepted::Accepted(Json(live.into())))
    }
}
