//! `/v1/tenants/{code}/callerid-rules`: Caller-id rewriting rules (targets of `CALLERIDMOD-<id>`).

use crate::api::resource::rest_resource;
use crate::service::catalog::CALLERIDMODS;

rest_resource! {
    api: CallerIdRulesApi,
    rules: CALLERIDMODS,
    tag: { name: "CallerIdRules", description: "Rules that rewrite the caller id of a tenant's calls." },
    scope: tenant,
    path: "/v1/tenants/:code/callerid-rules",
    item_path: "/v1/tenants/:code/callerid-rules/:id",
    operations: {
        list: "list_callerid_rules",
        create: "create_callerid_rule",
        get: "get_callerid_rule",
        update: "update_callerid_rule",
        delete: "delete_callerid_rule",
    },
    filters: {
        /// Only the rule with this name.
        name: String = "cm_name",
    },
    /// Caller-id rewriting rules (targets of `CALLERIDMOD-<id>`).
    read CallerIdRule {
        /// Name, unique within the tenant.
        name: String = "cm_name",
        /// Caller ids the rule applies to (PBX pattern).
        match_pattern: String = "cm_match",
        /// Prefix added.
        prefix: String = "cm_prefix",
        /// Digits removed from the front.
        strip: Option<i64> = "cm_strip",
        /// Caller id name set.
        new_name: String = "cm_newname",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "cm_created_at",
    }
    /// A calleridrule to create or change (only the members sent change).
    write CallerIdRuleCreate / CallerIdRulePatch {
        /// Name.
        name: String = "cm_name",
        /// Caller ids the rule applies to.
        match_pattern: String = "cm_match",
        /// Prefix added.
        prefix: String = "cm_prefix",
        /// Digits removed from the front.
        strip: i64 = "cm_strip",
        /// Caller id name set.
        new_name: String = "cm_newname",
    }
    /// A page.
    page CallerIdRulePage
}
