//! `/v1/tenants/{code}/disas`: DISAs (dial-in system access; targets of `DISA-<id>`). The PIN is write-only.

use crate::api::resource::rest_resource;
use crate::service::catalog::DISAS;

rest_resource! {
    api: DisasApi,
    rules: DISAS,
    tag: { name: "Disas", description: "DISA access numbers of a tenant (dial in, authenticate, dial out)." },
    scope: tenant,
    path: "/v1/tenants/:code/disas",
    item_path: "/v1/tenants/:code/disas/:id",
    operations: {
        list: "list_disas",
        create: "create_disa",
        get: "get_disa",
        update: "update_disa",
        delete: "delete_disa",
    },
    filters: {
        /// Only the DISA with this name.
        name: String = "da_name",
    },
    /// DISAs (dial-in system access; targets of `DISA-<id>`). The PIN is write-only.
    read Disa {
        /// Name, unique within the tenant.
        name: String = "da_name",
        /// Caller id presented on calls placed through the DISA.
        caller_id: String = "da_callerid",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "da_created_at",
    }
    /// A disa to create or change (only the members sent change).
    write DisaCreate / DisaPatch {
        /// Name.
        name: String = "da_name",
        /// PIN callers must enter (digits; write-only).
        #[oai(write_only)]
        pin: String = "da_pin",
        /// Caller id presented.
        caller_id: String = "da_callerid",
    }
    /// A page.
    page DisaPage
}
