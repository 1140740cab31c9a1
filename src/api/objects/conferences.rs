//! `/v1/tenants/{code}/conferences`: conference rooms of a tenant (MANAGEDB `conference`). PINs are
//! write-only.

use crate::api::resource::rest_resource;
use crate::service::catalog::CONFERENCES;

rest_resource! {
    api: ConferencesApi,
    rules: CONFERENCES,
    tag: { name: "Conferences", description: "Conference rooms of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/conferences",
    item_path: "/v1/tenants/:code/conferences/:id",
    operations: {
        list: "list_conferences",
        create: "create_conference",
        get: "get_conference",
        update: "update_conference",
        delete: "delete_conference",
    },
    filters: {
        /// Only the room with this number.
        number: String = "cr_number",
        /// Only rooms with this exact name.
        name: String = "cr_name",
    },
    /// A conference room. Its PINs are never returned.
    read Conference {
        /// Number (digits), unique within the tenant.
        number: String = "cr_number",
        /// Name.
        name: String = "cr_name",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "cr_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "cr_updated_at",
    }
    /// A room to create (`number` required) or change (only the members sent change).
    write ConferenceCreate / ConferencePatch {
        /// Number (digits), unique within the tenant; never empty.
        number: String = "cr_number",
        /// Name.
        name: String = "cr_name",
        /// PIN participants enter (digits; write-only).
        #[oai(write_only)]
        pin: String = "pin",
        /// PIN of the room's administrators (digits; write-only).
        #[oai(write_only)]
        admin_pin: String = "adminpin",
    }
    /// A page of conference rooms.
    page ConferencePage
}
