//! `/v1/tenants/{code}/ivrs`: IVR menus of a tenant (MANAGEDB `ivr`). Prompts and key branches are
//! destination lists, managed with the destinations.

use crate::api::resource::rest_resource;
use crate::service::catalog::IVRS;

rest_resource! {
    api: IvrsApi,
    rules: IVRS,
    tag: { name: "Ivrs", description: "IVR menus of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/ivrs",
    item_path: "/v1/tenants/:code/ivrs/:id",
    operations: {
        list: "list_ivrs",
        create: "create_ivr",
        get: "get_ivr",
        update: "update_ivr",
        delete: "delete_ivr",
    },
    filters: {
        /// Only the IVR with this exact name.
        name: String = "iv_name",
    },
    /// An IVR menu.
    read Ivr {
        /// Name, unique within the tenant.
        name: String = "iv_name",
        /// Legacy media file id (kept for imported rows; prompts are the `IVR` destination list).
        media_file_id: Option<i64> = "iv_me_id",
        /// Seconds to wait for a key.
        timeout: Option<i64> = "iv_timeout",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "iv_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "iv_updated_at",
    }
    /// An IVR to create (`name` required) or change (only the members sent change).
    write IvrCreate / IvrPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "iv_name",
        /// Legacy media file id.
        media_file_id: i64 = "iv_me_id",
        /// Seconds to wait for a key.
        timeout: i64 = "iv_timeout",
    }
    /// A page of IVRs.
    page IvrPage
}
