//! `/v1/tenants/{code}/custom-destinations`: custom destinations of a tenant (MANAGEDB `custom`):
//! a type from `/v1/custom-destination-types` and up to 20 parameters whose meaning the type gives.

use crate::api::resource::rest_resource;
use crate::service::catalog::CUSTOMS;

rest_resource! {
    api: CustomDestinationsApi,
    rules: CUSTOMS,
    tag: { name: "CustomDestinations", description: "Custom destinations of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/custom-destinations",
    item_path: "/v1/tenants/:code/custom-destinations/:id",
    operations: {
        list: "list_custom_destinations",
        create: "create_custom_destination",
        get: "get_custom_destination",
        update: "update_custom_destination",
        delete: "delete_custom_destination",
    },
    filters: {
        /// Only the custom destination with this exact name.
        name: String = "cu_name",
        /// Only custom destinations of this type id.
        type_id: i64 = "cu_ct_id",
    },
    /// A custom destination.
    read CustomDestination {
        /// Name, unique within the tenant.
        name: String = "cu_name",
        /// Id of its custom destination type.
        type_id: i64 = "cu_ct_id",
        /// Parameter 1 (meaning given by the type).
        param1: String = "cu_param1",
        /// Parameter 2.
        param2: String = "cu_param2",
        /// Parameter 3.
        param3: String = "cu_param3",
        /// Parameter 4.
        param4: String = "cu_param4",
        /// Parameter 5.
        param5: String = "cu_param5",
        /// Parameter 6.
        param6: String = "cu_param6",
        /// Parameter 7.
        param7: String = "cu_param7",
        /// Parameter 8.
        param8: String = "cu_param8",
        /// Parameter 9.
        param9: String = "cu_param9",
        /// Parameter 10.
        param10: String = "cu_param10",
        /// Parameter 11.
        param11: String = "cu_param11",
        /// Parameter 12.
        param12: String = "cu_param12",
        /// Parameter 13.
        param13: String = "cu_param13",
        /// Parameter 14.
        param14: String = "cu_param14",
        /// Parameter 15.
        param15: String = "cu_param15",
        /// Parameter 16.
        param16: String = "cu_param16",
        /// Parameter 17.
        param17: String = "cu_param17",
        /// Parameter 18.
        param18: String = "cu_param18",
        /// Parameter 19.
        param19: String = "cu_param19",
        /// Parameter 20.
        param20: String = "cu_param20",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "cu_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "cu_updated_at",
    }
    /// A custom destination to create (`name` and `type_id` required) or change (only the members
    /// sent change).
    write CustomDestinationCreate / CustomDestinationPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "cu_name",
        /// Id of an existing custom destination type.
        type_id: i64 = "cu_ct_id",
        /// Parameter 1 (meaning given by the type).
        param1: String = "cu_param1",
        /// Parameter 2.
        param2: String = "cu_param2",
        /// Parameter 3.
        param3: String = "cu_param3",
        /// Parameter 4.
        param4: String = "cu_param4",
        /// Parameter 5.
        param5: String = "cu_param5",
        /// Parameter 6.
        param6: String = "cu_param6",
        /// Parameter 7.
        param7: String = "cu_param7",
        /// Parameter 8.
        param8: String = "cu_param8",
        /// Parameter 9.
        param9: String = "cu_param9",
        /// Parameter 10.
        param10: String = "cu_param10",
        /// Parameter 11.
        param11: String = "cu_param11",
        /// Parameter 12.
        param12: String = "cu_param12",
        /// Parameter 13.
        param13: String = "cu_param13",
        /// Parameter 14.
        param14: String = "cu_param14",
        /// Parameter 15.
        param15: String = "cu_param15",
        /// Parameter 16.
        param16: String = "cu_param16",
        /// Parameter 17.
        param17: String = "cu_param17",
        /// Parameter 18.
        param18: String = "cu_param18",
        /// Parameter 19.
        param19: String = "cu_param19",
        /// Parameter 20.
        param20: String = "cu_param20",
    }
    /// A page of custom destinations.
    page CustomDestinationPage
}
