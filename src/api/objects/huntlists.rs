//! `/v1/tenants/{code}/huntlists`: hunt lists of a tenant (MANAGEDB `huntlist`). The ring order is a
//! destination list.

use crate::api::resource::rest_resource;
use crate::service::catalog::HUNTLISTS;

rest_resource! {
    api: HuntlistsApi,
    rules: HUNTLISTS,
    tag: { name: "Huntlists", description: "Hunt lists of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/huntlists",
    item_path: "/v1/tenants/:code/huntlists/:id",
    operations: {
        list: "list_huntlists",
        create: "create_huntlist",
        get: "get_huntlist",
        update: "update_huntlist",
        delete: "delete_huntlist",
    },
    filters: {
        /// Only the hunt list with this exact name.
        name: String = "hl_name",
    },
    /// A hunt list: targets rung one after the other.
    read Huntlist {
        /// Name, unique within the tenant.
        name: String = "hl_name",
        /// Seconds each target rings.
        ring_time: Option<i64> = "hl_ringtime",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "hl_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "hl_updated_at",
    }
    /// A hunt list to create (`name` required) or change (only the members sent change).
    write HuntlistCreate / HuntlistPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "hl_name",
        /// Seconds each target rings.
        ring_time: i64 = "hl_ringtime",
    }
    /// A page of hunt lists.
    page HuntlistPage
}
