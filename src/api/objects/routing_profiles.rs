//! `/v1/routing-profiles`: routing profiles (MANAGEDB `routingprofile`, admin only). Their routes are
//! listed at `/v1/routing-profiles/{id}/routes` (see `api::objects::routes`).

use crate::api::resource::rest_resource;
use crate::service::catalog::ROUTINGPROFILES;

rest_resource! {
    api: RoutingProfilesApi,
    rules: ROUTINGPROFILES,
    tag: { name: "RoutingProfiles", description: "Routing profiles (admin)." },
    scope: global,
    path: "/v1/routing-profiles",
    item_path: "/v1/routing-profiles/:id",
    operations: {
        list: "list_routing_profiles",
        create: "create_routing_profile",
        get: "get_routing_profile",
        update: "update_routing_profile",
        delete: "delete_routing_profile",
    },
    filters: {
        /// Only the profile with this exact name.
        name: String = "rp_name",
        /// Only profiles of this type (`VOICE` or `SMS`).
        r#type: String = "rp_type",
    },
    /// A routing profile: an ordered set of outbound routes.
    read RoutingProfile {
        /// Name, unique.
        name: String = "rp_name",
        /// `VOICE` or `SMS` (empty: voice).
        r#type: String = "rp_type",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "rp_created_at",
    }
    /// A profile to create (`name` required) or change (only the members sent change).
    write RoutingProfileCreate / RoutingProfilePatch {
        /// Name, unique; never empty.
        name: String = "rp_name",
        /// `VOICE` or `SMS` (any case).
        r#type: String = "rp_type",
    }
    /// A page of routing profiles.
    page RoutingProfilePage
}
