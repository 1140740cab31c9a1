//! `/v1/special-destinations`: Built-in special destinations (targets of `SPECIAL-<id>`): a catalogue every key reads, admins change.

use crate::api::resource::rest_resource;
use crate::service::catalog::SPECIALS;

rest_resource! {
    api: SpecialDestinationsApi,
    rules: SPECIALS,
    tag: { name: "SpecialDestinations", description: "The catalogue of special destinations (everyone reads, admins write)." },
    scope: global,
    path: "/v1/special-destinations",
    item_path: "/v1/special-destinations/:id",
    operations: {
        list: "list_special_destinations",
        create: "create_special_destination",
        get: "get_special_destination",
        update: "update_special_destination",
    },
    filters: {
        /// Only the entry with this name.
        name: String = "sp_name",
    },
    /// Built-in special destinations (targets of `SPECIAL-<id>`): a catalogue every key reads, admins change.
    read SpecialDestination {
        /// Name.
        name: String = "sp_name",
        /// What it does.
        description: String = "sp_description",
    }
    /// A specialdestination to create or change (only the members sent change).
    write SpecialDestinationCreate / SpecialDestinationPatch {
        /// Name.
        name: String = "sp_name",
        /// What it does.
        description: String = "sp_description",
    }
    /// A page.
    page SpecialDestinationPage
}
