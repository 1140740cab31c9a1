//! `/v1/tenants/{code}/queues/{id}/members`: who answers a queue, with penalty and pause state.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::Deleted;
use super::bounded::{Int, Text, choice_rules, int_rules};
use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::live::queues::{self, AgentQueues};
use crate::service::lookup::ExtensionRef;
use crate::service::model::Member;
use crate::service::queue_members::{self as service, MemberChange, QueueRef};

/// A member's pause state.
#[derive(Debug, Object)]
pub struct MemberPause {
    /// Paused members get no queue calls.
    pub paused: bool,
    /// Why (break, lunch...), shown in the queue log; ignored when unpausing. At most 80 characters.
    pub reason: Option<String>,
}

/// A queue member.
#[derive(Debug, Object)]
pub struct QueueMember {
    /// Id of the member extension.
    pub extension_id: i64,
    /// Its number.
    pub number: String,
    /// Its agent/SIP username (`<number>-<TENANT>`).
    pub username: String,
    /// Penalty: members with a lower penalty ring first.
    pub penalty: i64,
    /// Paused members get no queue calls.
    pub paused: bool,
    /// Legacy member type: `NF`, `AD`, `NFR`, `ADR`, `EA`, `EANM`, `EAC`, `EANMC`, `CU`, `CUNM`, `CC` or `CUFF`.
    #[oai(rename = "type")]
    pub member_type: String,
    /// Legacy order within the queue.
    pub order: i64,
}

impl From<Member> for QueueMember {
    fn from(m: Member) -> Self {
        QueueMember {
            extension_id: m.extension_id,
            number: m.number,
            username: m.username,
            penalty: m.penalty,
            paused: m.paused,
            member_type: m.kind,
            order: m.order,
        }
    }
}

int_rules! {
    /// Member penalty.
    PenaltyRule = service::PENALTY;
    /// Member order.
    OrderRule = service::ORDER;
}

choice_rules! {
    /// Legacy member types.
    MemberTypeRule = service::MEMBER_TYPES;
}

/// Settings of a member; absent ones keep their value (new members: penalty 0, not paused, `NF`, order 0).
#[derive(Debug, Object)]
pub struct QueueMemberSettings {
    /// Penalty, 0-1000000.
    pub penalty: Option<Int<PenaltyRule>>,
    /// Paused.
    pub paused: Option<bool>,
    /// Legacy member type: `NF`, `AD`, `NFR`, `ADR`, `EA`, `EANM`, `EAC`, `EANMC`, `CU`, `CUNM`, `CC` or `CUFF`.
    #[oai(rename = "type")]
    pub member_type: Option<Text<MemberTypeRule>>,
    /// Legacy order.
    pub order: Option<Int<OrderRule>>,
}

/// The members of a queue.
#[derive(Debug, Object)]
pub struct QueueMemberList {
    /// Members, by order then number (a queue has few members: no pagination).
    pub items: Vec<QueueMember>,
}

/// Answer of a PUT: 201 when the extension became a member, 200 when its settings changed.
#[derive(ApiResponse)]
pub enum MemberPut {
    /// Added.
    #[oai(status = 201)]
    Created(Json<QueueMember>),
    /// Updated.
    #[oai(status = 200)]
    Updated(Json<QueueMember>),
}

/// Queue member endpoints.
#[derive(Debug)]
pub struct QueueMembersApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Queues")]
impl QueueMembersApi {
    /// List a queue's members.
    #[oai(path = "/v1/tenants/:code/queues/:id/members", method = "get", operation_id = "list_queue_members")]
    async fn list(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<QueueMemberList>> {
        let principal = auth.principal(&self.core).await?;
        let (_, members) = service::list(&self.core, &principal, &code, QueueRef::Id(id.0)).await?;
        Ok(Json(QueueMemberList { items: members.into_iter().map(QueueMember::from).collect() }))
    }

    /// Add an extension to a queue, or change its member settings.
    #[oai(
        path = "/v1/tenants/:code/queues/:id/members/:extension_id",
        method = "put",
        operation_id = "put_queue_member"
    )]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        extension_id: Path<i64>,
        body: Json<QueueMemberSettings>,
    ) -> ApiResult<MemberPut> {
        let principal = auth.principal(&self.core).await?;
        let b = body.0;
        let change = MemberChange {
            penalty: b.penalty.map(|p| p.get()),
            paused: b.paused,
            kind: b.member_type.map(Text::into_inner),
            order: b.order.map(|o| o.get()),
        };
        let (member, created) =
            service::put(&self.core, &principal, &code, QueueRef::Id(id.0), ExtensionRef::Id(extension_id.0), &change)
                .await?;
        let member = Json(QueueMember::from(member));
        Ok(if created { MemberPut::Created(member) } else { MemberPut::Updated(member) })
    }

    /// Pause or unpause a member: stored, then pushed to every PBX node (`QueuePause` with the reason,
    /// which the queue log and wallboards show). 404 when the extension is not a member.
    #[oai(
        path = "/v1/tenants/:code/queues/:id/members/:extension_id/pause",
        method = "put",
        operation_id = "pause_queue_member"
    )]
    async fn pause(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        extension_id: Path<i64>,
        body: Json<MemberPause>,
    ) -> ApiResult<Json<MemberPause>> {
        let principal = auth.principal(&self.core).await?;
        let MemberPause { paused, reason } = body.0;
        // Checked even when unpausing (where it is not used): what the schema refuses is refused.
        let reason = reason.filter(|r| !r.is_empty());
        let queue = AgentQueues::One(QueueRef::Id(id.0));
        let ext = ExtensionRef::Id(extension_id.0);
        queues::set_paused(&self.core, &principal, &code, ext, queue, paused, reason.as_deref()).await?;
        Ok(Json(MemberPause { paused, reason: reason.filter(|_| paused) }))
    }

    /// Remove an extension from a queue.
    #[oai(
        path = "/v1/tenants/:code/queues/:id/members/:extension_id",
        method = "delete",
        operation_id = "delete_queue_member"
    )]
    async fn delete(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        extension_id: Path<i64>,
    ) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::remove(&self.core, &principal, &code, QueueRef::Id(id.0), ExtensionRef::Id(extension_id.0)).await?;
        Ok(Deleted::Deleted)
    }
}
