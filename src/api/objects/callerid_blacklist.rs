//! `/v1/tenants/{code}/callerid-blacklist`: caller ids a tenant refuses (MANAGEDB
//! `calleridblacklist`).

use crate::api::resource::rest_resource;
use crate::service::catalog::CALLERIDBLACKLISTS;

rest_resource! {
    api: CallerIdBlacklistApi,
    rules: CALLERIDBLACKLISTS,
    tag: { name: "CallerIdBlacklist", description: "Caller ids a tenant refuses." },
    scope: tenant,
    path: "/v1/tenants/:code/callerid-blacklist",
    item_path: "/v1/tenants/:code/callerid-blacklist/:id",
    operations: {
        list: "list_callerid_blacklist",
        create: "create_callerid_blacklist_entry",
        get: "get_callerid_blacklist_entry",
        update: "update_callerid_blacklist_entry",
        delete: "delete_callerid_blacklist_entry",
    },
    filters: {
        /// Only the entry for this number or pattern.
        number: String = "cb_number",
    },
    /// A refused caller id.
    read CallerIdBlacklistEntry {
        /// Number or prefix pattern as the PBX matches it, unique within the tenant.
        number: String = "cb_number",
        /// Why it is refused.
        description: String = "cb_description",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "cb_created_at",
    }
    /// An entry to create (`number` required) or change (only the members sent change).
    write CallerIdBlacklistEntryCreate / CallerIdBlacklistEntryPatch {
        /// Number or prefix pattern; never empty.
        number: String = "cb_number",
        /// Why it is refused.
        description: String = "cb_description",
    }
    /// A page of refused caller ids.
    page CallerIdBlacklistPage
}
