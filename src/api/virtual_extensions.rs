//! `/v1/tenants/{code}/virtual-extensions`: numbers that ring a set of the tenant's extensions. The
//! same service as the legacy VIRTUALEXT reqtype.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::bounded::{Text, text_rules};
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::ApiResult;
use super::security::Auth;
use super::{ApiTags, Deleted};
use crate::domain::extension_number::ExtensionNumber;
use crate::service::Core;

text_rules! {
    /// A virtual extension's number, as the path takes it.
    ExtensionNumberRule = ExtensionNumber::LENGTH, ExtensionNumber::PATTERN;
}
use crate::service::lookup::ExtensionRef;
use crate::service::model::VirtualExtension as VirtualRow;
use crate::service::virtual_extensions::{self as service, Member};

/// A virtual extension.
#[derive(Debug, Object)]
pub struct VirtualExtension {
    /// Id.
    pub id: i64,
    /// The number that is dialled.
    pub number: String,
    /// How many extensions it rings.
    pub members: i64,
}

impl From<VirtualRow> for VirtualExtension {
    fn from(v: VirtualRow) -> Self {
        VirtualExtension { id: v.id, number: v.number, members: v.members }
    }
}

/// A page of virtual extensions.
#[derive(Debug, Object)]
pub struct VirtualExtensionPage {
    /// Virtual extensions, in creation order.
    pub items: Vec<VirtualExtension>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A member extension.
#[derive(Debug, Object)]
pub struct VirtualExtensionMember {
    /// Id of the member extension.
    pub extension_id: i64,
    /// Its number.
    pub number: String,
    /// Its SIP username (`<number>-<TENANT>`).
    pub username: String,
}

impl From<Member> for VirtualExtensionMember {
    fn from(m: Member) -> Self {
        VirtualExtensionMember { extension_id: m.extension_id, number: m.number, username: m.username }
    }
}

/// The members of a virtual extension.
#[derive(Debug, Object)]
pub struct VirtualExtensionMemberList {
    /// Members, by number (at most 100: no pagination).
    pub items: Vec<VirtualExtensionMember>,
}

/// Answer of a PUT: 201 when the extension became a member, 200 when it was one already.
#[derive(ApiResponse)]
pub enum MemberPut {
    /// Added (the virtual extension is created on its first member).
    #[oai(status = 201)]
    Created(Json<VirtualExtensionMember>),
    /// Already a member.
    #[oai(status = 200)]
    Unchanged(Json<VirtualExtensionMember>),
}

/// Virtual extension endpoints.
#[derive(Debug)]
pub struct VirtualExtensionsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::VirtualExtensions")]
impl VirtualExtensionsApi {
    /// List the tenant's virtual extensions.
    #[oai(path = "/v1/tenants/:code/virtual-extensions", method = "get", operation_id = "list_virtual_extensions")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<VirtualExtensionPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let rows = service::list(&self.core, &principal, &code, page).await?;
        Ok(Json(VirtualExtensionPage {
            items: rows.items.into_iter().map(VirtualExtension::from).collect(),
            next_cursor: next_cursor(rows.next_after),
        }))
    }

    /// Delete a virtual extension and its memberships.
    #[oai(
        path = "/v1/tenants/:code/virtual-extensions/:number",
        method = "delete",
        operation_id = "delete_virtual_extension"
    )]
    async fn delete(
        &self,
        auth: Auth,
        code: Path<String>,
        number: Path<Text<ExtensionNumberRule>>,
    ) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::delete(&self.core, &principal, &code, &number.0.0).await?;
        Ok(Deleted::Deleted)
    }

    /// List the extensions a virtual extension rings.
    #[oai(
        path = "/v1/tenants/:code/virtual-extensions/:number/members",
        method = "get",
        operation_id = "list_virtual_extension_members"
    )]
    async fn members(
        &self,
        auth: Auth,
        code: Path<String>,
        number: Path<Text<ExtensionNumberRule>>,
    ) -> ApiResult<Json<VirtualExtensionMemberList>> {
        let principal = auth.principal(&self.core).await?;
        let members = service::members(&self.core, &principal, &code, &number.0.0).await?;
        Ok(Json(VirtualExtensionMemberList { items: members.into_iter().map(Into::into).collect() }))
    }

    /// Make an extension a member; creates the virtual extension on its first member. The number
    /// must not be one of the tenant's extension numbers.
    #[oai(
        path = "/v1/tenants/:code/virtual-extensions/:number/members/:extension_id",
        method = "put",
        operation_id = "put_virtual_extension_member"
    )]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        number: Path<Text<ExtensionNumberRule>>,
        extension_id: Path<i64>,
    ) -> ApiResult<MemberPut> {
        let principal = auth.principal(&self.core).await?;
        let (member, created) =
            service::add(&self.core, &principal, &code, &number.0.0, ExtensionRef::Id(extension_id.0)).await?;
        let member = Json(VirtualExtensionMember::from(member));
        Ok(if created { MemberPut::Created(member) } else { MemberPut::Unchanged(member) })
    }

    /// Remove an extension from a virtual extension.
    #[oai(
        path = "/v1/tenants/:code/virtual-extensions/:number/members/:extension_id",
        method = "delete",
        operation_id = "delete_virtual_extension_member"
    )]
    async fn remove(
        &self,
        auth: Auth,
        code: Path<String>,
        number: Path<Text<ExtensionNumberRule>>,
        extension_id: Path<i64>,
    ) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::remove(&self.core, &principal, &code, &number.0.0, ExtensionRef::Id(extension_id.0)).await?;
        Ok(Deleted::Deleted)
    }
}
