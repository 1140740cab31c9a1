//! `/v1/tenants/{code}/conditions`: time and calendar conditions of a tenant (MANAGEDB `condition`).

use crate::api::resource::rest_resource;
use crate::service::catalog::CONDITIONS;

rest_resource! {
    api: ConditionsApi,
    rules: CONDITIONS,
    tag: { name: "Conditions", description: "Time and calendar conditions of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/conditions",
    item_path: "/v1/tenants/:code/conditions/:id",
    operations: {
        list: "list_conditions",
        create: "create_condition",
        get: "get_condition",
        update: "update_condition",
        delete: "delete_condition",
    },
    filters: {
        /// Only the condition with this exact name.
        name: String = "co_name",
        /// Only conditions of this type (`WEEKTIME` or `CALENDAR`).
        r#type: String = "co_type",
    },
    /// A condition: calls branch on whether its schedule matches the current time.
    read Condition {
        /// Name, unique within the tenant.
        name: String = "co_name",
        /// `WEEKTIME` (weekly hours) or `CALENDAR` (dates).
        r#type: String = "co_type",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "co_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "co_updated_at",
    }
    /// A condition to create (`name` and `type` required) or change (only the members sent change).
    write ConditionCreate / ConditionPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "co_name",
        /// `WEEKTIME` or `CALENDAR` (any case).
        r#type: String = "co_type",
    }
    /// A page of conditions.
    page ConditionPage
}
