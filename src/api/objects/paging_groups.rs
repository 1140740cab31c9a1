//! `/v1/tenants/{code}/paging-groups`: Paging groups (targets of `PAGING-<id>`).

use crate::api::resource::rest_resource;
use crate::service::catalog::PAGINGGROUPS;

rest_resource! {
    api: PagingGroupsApi,
    rules: PAGINGGROUPS,
    tag: { name: "PagingGroups", description: "Paging groups of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/paging-groups",
    item_path: "/v1/tenants/:code/paging-groups/:id",
    operations: {
        list: "list_paging_groups",
        create: "create_paging_group",
        get: "get_paging_group",
        update: "update_paging_group",
        delete: "delete_paging_group",
    },
    filters: {
        /// Only the group with this name.
        name: String = "pg_name",
    },
    /// Paging groups (targets of `PAGING-<id>`).
    read PagingGroup {
        /// Name, unique within the tenant.
        name: String = "pg_name",
        /// Number that pages the group.
        number: String = "pg_number",
        /// Two-way audio.
        duplex: bool = "pg_duplex",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "pg_created_at",
    }
    /// A paginggroup to create or change (only the members sent change).
    write PagingGroupCreate / PagingGroupPatch {
        /// Name.
        name: String = "pg_name",
        /// Number (digits).
        number: String = "pg_number",
        /// Two-way audio.
        duplex: bool = "pg_duplex",
    }
    /// A page.
    page PagingGroupPage
}
