//! `/v1/tenants/{code}/response-paths`: response path definitions (targets of `RESPONSEPATH-<id>`
//! destinations). Their recorded results come with the reporting issue.

use crate::api::resource::rest_resource;
use crate::service::catalog::RESPONSEPATHS;

rest_resource! {
    api: ResponsePathsApi,
    rules: RESPONSEPATHS,
    tag: { name: "ResponsePaths", description: "Response paths of a tenant (call flows that collect answers)." },
    scope: tenant,
    path: "/v1/tenants/:code/response-paths",
    item_path: "/v1/tenants/:code/response-paths/:id",
    operations: {
        list: "list_response_paths",
        create: "create_response_path",
        get: "get_response_path",
        update: "update_response_path",
        delete: "delete_response_path",
    },
    filters: {
        /// Only the response path with this name.
        name: String = "rh_name",
    },
    /// A response path definition.
    read ResponsePath {
        /// Name, unique within the tenant.
        name: String = "rh_name",
        /// Free description.
        description: String = "rh_description",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "rh_created_at",
    }
    /// A response path to create (`name` required) or change.
    write ResponsePathCreate / ResponsePathPatch {
        /// Name, unique within the tenant.
        name: String = "rh_name",
        /// Free description.
        description: String = "rh_description",
    }
    /// A page of response paths.
    page ResponsePathPage
}
