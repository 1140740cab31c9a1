//! `/v1/routes`: outbound routes (MANAGEDB `route`, admin only), and
//! `/v1/routing-profiles/{id}/routes`: the routes of one routing profile.

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::routing_profiles::RoutingProfile;
use crate::api::problem::ApiResult;
use crate::api::resource::{get_row, list_rows, rest_resource};
use crate::api::security::Auth;
use crate::service::Core;
use crate::service::catalog::{ROUTES, ROUTINGPROFILES};

rest_resource! {
    api: RoutesApi + ProfileRoutesApi,
    rules: ROUTES,
    tag: { name: "Routes", description: "Outbound routes (admin)." },
    scope: global,
    path: "/v1/routes",
    item_path: "/v1/routes/:id",
    operations: {
        list: "list_routes",
        create: "create_route",
        get: "get_route",
        update: "update_route",
        delete: "delete_route",
    },
    filters: {
        /// Only routes of this routing profile.
        routing_profile_id: i64 = "dl_rp_id",
        /// Only routes to this provider.
        provider_id: i64 = "dl_pr_id",
        /// Only routes with this exact name.
        name: String = "dl_name",
    },
    /// An outbound route: dialled numbers matching `regex` go to a provider, within a routing profile.
    read Route {
        /// Routing profile the route belongs to.
        routing_profile_id: i64 = "dl_rp_id",
        /// Name.
        name: String = "dl_name",
        /// Pattern of the dialled number (e.g. `^800.*`).
        regex: String = "dl_regex",
        /// Provider the calls go to.
        provider_id: i64 = "dl_pr_id",
        /// Whether this route carries emergency calls.
        emergency_route: bool = "dl_emergencyroute",
        /// Whether callers must enter a PIN.
        use_pin: bool = "dl_usepin",
        /// Position within the profile.
        position: Option<i64> = "dl_position",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "dl_created_at",
    }
    /// A route to create (`routing_profile_id`, `regex` and `provider_id` required) or change (only
    /// the members sent change).
    write RouteCreate / RoutePatch {
        /// Id of an existing routing profile.
        routing_profile_id: i64 = "dl_rp_id",
        /// Name.
        name: String = "dl_name",
        /// Pattern of the dialled number; never empty.
        regex: String = "dl_regex",
        /// Id of an existing provider.
        provider_id: i64 = "dl_pr_id",
        /// Whether this route carries emergency calls.
        emergency_route: bool = "dl_emergencyroute",
        /// Whether callers must enter a PIN.
        use_pin: bool = "dl_usepin",
        /// Position within the profile.
        position: i64 = "dl_position",
    }
    /// A page of routes.
    page RoutePage
}

/// The routes of one routing profile.
#[derive(Debug)]
pub struct ProfileRoutesApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "Tag::Declared")]
impl ProfileRoutesApi {
    /// Routes of one routing profile, in id order (MANAGEDB `routingprofile` `listroutes`). A missing
    /// profile is 404, not an empty list.
    #[oai(path = "/v1/routing-profiles/:id/routes", method = "get", operation_id = "list_routing_profile_routes")]
    async fn list(
        &self,
        auth: Auth,
        /// Routing profile id.
        id: Path<i64>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<crate::api::pagination::Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<RoutePage>> {
        get_row::<RoutingProfile>(&self.core, &auth, &ROUTINGPROFILES, None, id.0, None, |f| f).await?;
        let filters = vec![("dl_rp_id", Some(id.0.to_string()))];
        list_rows(
            &self.core,
            &auth,
            &ROUTES,
            None,
            filters,
            limit.0.map(crate::api::pagination::Limit::get),
            cursor.0,
            RouteCreate::rest_field,
        )
        .await
    }
}
