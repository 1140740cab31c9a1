//! `/v1/custom-destination-types`: the catalogue of custom destination types (MANAGEDB
//! `customtypes`). Every caller may read it; only admins add or change types; types are never
//! deleted (custom destinations refer to them).

use crate::api::resource::rest_resource;
use crate::service::catalog::CUSTOMTYPES;

rest_resource! {
    api: CustomDestinationTypesApi,
    rules: CUSTOMTYPES,
    tag: {
        name: "CustomDestinationTypes",
        description: "The catalogue of custom destination types (everyone reads, admins write).",
    },
    scope: global,
    path: "/v1/custom-destination-types",
    item_path: "/v1/custom-destination-types/:id",
    operations: {
        list: "list_custom_destination_types",
        create: "create_custom_destination_type",
        get: "get_custom_destination_type",
        update: "update_custom_destination_type",
    },
    filters: {
        /// Only the type with this exact name.
        name: String = "ct_name",
    },
    /// A custom destination type: what its destinations do and what their parameters mean.
    read CustomDestinationType {
        /// Name, unique (e.g. `DIAL`, `GOTO`).
        name: String = "ct_name",
        /// What destinations of this type do.
        description: String = "ct_description",
        /// Meaning of parameter 1 (empty: unused).
        param1_label: String = "ct_param1label",
        /// Meaning of parameter 2.
        param2_label: String = "ct_param2label",
        /// Meaning of parameter 3.
        param3_label: String = "ct_param3label",
        /// Meaning of parameter 4.
        param4_label: String = "ct_param4label",
        /// Meaning of parameter 5.
        param5_label: String = "ct_param5label",
    }
    /// A type to create (`name` required) or change (only the members sent change); admin only.
    write CustomDestinationTypeCreate / CustomDestinationTypePatch {
        /// Name, unique; never empty.
        name: String = "ct_name",
        /// What destinations of this type do.
        description: String = "ct_description",
        /// Meaning of parameter 1.
        param1_label: String = "ct_param1label",
        /// Meaning of parameter 2.
        param2_label: String = "ct_param2label",
        /// Meaning of parameter 3.
        param3_label: String = "ct_param3label",
        /// Meaning of parameter 4.
        param4_label: String = "ct_param4label",
        /// Meaning of parameter 5.
        param5_label: String = "ct_param5label",
    }
    /// A page of custom destination types.
    page CustomDestinationTypePage
}
