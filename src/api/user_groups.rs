//! `/v1/user-groups`: groups of tenants and users (admin). Members that inherit reach the group's
//! tenants with their own role.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::Deleted;
use super::problem::ApiResult;
use super::resource::rest_resource;
use super::security::Auth;
use crate::service::catalog::USERGROUPS;
use crate::service::{Core, tenants, user_groups};

rest_resource! {
    api: UserGroupsApi + UserGroupLinksApi,
    rules: USERGROUPS,
    tag: "super::ApiTags::Users",
    scope: global,
    path: "/v1/user-groups",
    item_path: "/v1/user-groups/:id",
    operations: {
        list: "list_user_groups",
        create: "create_user_group",
        get: "get_user_group",
        update: "update_user_group",
        delete: "delete_user_group",
    },
    filters: {
        /// Only the group with this name.
        name: String = "ug_name",
    },
    /// A user group.
    read UserGroup {
        /// Name, unique.
        name: String = "ug_name",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "ug_created_at",
    }
    /// A user group to create or rename.
    write UserGroupCreate / UserGroupPatch {
        /// Name, unique.
        name: String = "ug_name",
    }
    /// A page of user groups.
    page UserGroupPage
}

/// The links of a group.
#[derive(Debug, Object)]
pub struct UserGroupMembers {
    /// Codes of the group's tenants.
    pub tenants: Vec<String>,
    /// The group's users.
    pub users: Vec<UserGroupUser>,
}

/// A user in a group.
#[derive(Debug, Object)]
pub struct UserGroupUser {
    /// User id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// Whether the user reaches the group's tenants.
    pub inherit: bool,
}

/// Membership settings of a user.
#[derive(Debug, Object)]
pub struct UserMembership {
    /// Reach the group's tenants (default true).
    pub inherit: Option<bool>,
}

/// Group link endpoints.
#[derive(Debug)]
pub struct UserGroupLinksApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Users")]
impl UserGroupLinksApi {
    /// A group's tenants and users.
    #[oai(path = "/v1/user-groups/:id/members", method = "get", operation_id = "get_user_group_members")]
    async fn members(&self, auth: Auth, id: Path<i64>) -> ApiResult<Json<UserGroupMembers>> {
        let principal = auth.principal(&self.core).await?;
        let tenants =
            user_groups::tenants(&self.core, &principal, id.0).await?.into_iter().map(|(_, code)| code).collect();
        let users = user_groups::users(&self.core, &principal, id.0)
            .await?
            .into_iter()
            .map(|(id, username, inherit)| UserGroupUser { id, username, inherit })
            .collect();
        Ok(Json(UserGroupMembers { tenants, users }))
    }

    /// Add a tenant to a group.
    #[oai(path = "/v1/user-groups/:id/tenants/:code", method = "put", operation_id = "add_user_group_tenant")]
    async fn add_tenant(&self, auth: Auth, id: Path<i64>, code: Path<String>) -> ApiResult<Json<UserGroupMembers>> {
        let principal = auth.principal(&self.core).await?;
        let tenant = tenants::id_by_code(&self.core, &principal, &code).await?;
        user_groups::add_tenant(&self.core, &principal, id.0, tenant).await?;
        self.members(auth, id).await
    }

    /// Remove a tenant from a group.
    #[oai(path = "/v1/user-groups/:id/tenants/:code", method = "delete", operation_id = "remove_user_group_tenant")]
    async fn remove_tenant(&self, auth: Auth, id: Path<i64>, code: Path<String>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        let tenant = tenants::id_by_code(&self.core, &principal, &code).await?;
        user_groups::remove_tenant(&self.core, &principal, id.0, tenant).await?;
        Ok(Deleted::Deleted)
    }

    /// Add a user to a group (or change whether it inherits the group's tenants).
    #[oai(path = "/v1/user-groups/:id/users/:user_id", method = "put", operation_id = "add_user_group_user")]
    async fn add_user(
        &self,
        auth: Auth,
        id: Path<i64>,
        user_id: Path<i64>,
        body: Json<UserMembership>,
    ) -> ApiResult<Json<UserGroupMembers>> {
        let principal = auth.principal(&self.core).await?;
        user_groups::add_user(&self.core, &principal, id.0, user_id.0, body.inherit.unwrap_or(true)).await?;
        self.members(auth, id).await
    }

    /// Remove a user from a group.
    #[oai(path = "/v1/user-groups/:id/users/:user_id", method = "delete", operation_id = "remove_user_group_user")]
    async fn remove_user(&self, auth: Auth, id: Path<i64>, user_id: Path<i64>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        user_groups::remove_user(&self.core, &principal, id.0, user_id.0).await?;
        Ok(Deleted::Deleted)
    }
}
