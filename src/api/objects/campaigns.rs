//! `/v1/tenants/{code}/campaigns`: Campaign definitions (targets of the campaign tags). Starting, stopping and dialing come with the live-PBX work.

use crate::api::resource::rest_resource;
use crate::service::catalog::CAMPAIGNS;

rest_resource! {
    api: CampaignsApi,
    rules: CAMPAIGNS,
    tag: { name: "Campaigns", description: "Outbound call campaigns of a tenant: the campaigns, their numbers and their runs." },
    scope: tenant,
    path: "/v1/tenants/:code/campaigns",
    item_path: "/v1/tenants/:code/campaigns/:id",
    operations: {
        list: "list_campaigns",
        create: "create_campaign",
        get: "get_campaign",
        update: "update_campaign",
        delete: "delete_campaign",
    },
    filters: {
        /// Only the campaign with this name.
        name: String = "ca_name",
    },
    /// Campaign definitions (targets of the campaign tags). Starting, stopping and dialing come with the live-PBX work.
    read Campaign {
        /// Name, unique within the tenant.
        name: String = "ca_name",
        /// `ONDEMAND` or `SCHEDULED`.
        campaign_type: String = "ca_type",
        /// `STOPPED`, `RUNNING` or `PAUSED`.
        status: String = "ca_status",
        /// Most simultaneous calls.
        max_channels: Option<i64> = "ca_maxchannels",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "ca_created_at",
    }
    /// A campaign to create or change (only the members sent change).
    write CampaignCreate / CampaignPatch {
        /// Name.
        name: String = "ca_name",
        /// `ONDEMAND` or `SCHEDULED`.
        campaign_type: String = "ca_type",
        /// Most simultaneous calls.
        max_channels: i64 = "ca_maxchannels",
    }
    /// A page.
    page CampaignPage
}
