//! `/v1/tenants/{code}/dids`: inbound numbers of a tenant (MANAGEDB `did`).

use crate::api::resource::rest_resource;
use crate::service::catalog::DIDS;

rest_resource! {
    api: DidsApi,
    rules: DIDS,
    tag: { name: "Dids", description: "Inbound numbers (DIDs) of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/dids",
    item_path: "/v1/tenants/:code/dids/:id",
    operations: {
        list: "list_dids",
        create: "create_did",
        get: "get_did",
        update: "update_did",
        delete: "delete_did",
    },
    filters: {
        /// Only DIDs with this number (without country and area code).
        number: String = "di_number",
        /// Only DIDs with this country code.
        country: String = "di_country",
        /// Only DIDs with this area code.
        area: String = "di_area",
    },
    /// An inbound number (DID). Country, area and number together are unique across tenants.
    read Did {
        /// Country code (digits).
        country: String = "di_country",
        /// Area code (digits).
        area: String = "di_area",
        /// Number (digits).
        number: String = "di_number",
        /// Free comment.
        comment: String = "di_comment",
        /// Whether calls to this number are recorded.
        recording: bool = "di_recording",
        /// Whether this number receives faxes.
        fax: bool = "di_fax",
        /// Fax station id.
        fax_station_id: String = "di_faxstationid",
        /// Address received faxes are mailed to.
        fax_email: String = "di_fax_email",
        /// Most simultaneous calls (-1: unlimited).
        max_channels: Option<i64> = "di_maxchannels",
        /// Address recordings are mailed to.
        email_recording: String = "di_emailrecording",
        /// Address SMS to this number are mailed to.
        sms_email: String = "di_smsemail",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "di_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "di_updated_at",
    }
    /// A DID to create (`number` required) or change (only the members sent change).
    write DidCreate / DidPatch {
        /// Country code (digits).
        country: String = "di_country",
        /// Area code (digits).
        area: String = "di_area",
        /// Number (digits); never empty.
        number: String = "di_number",
        /// Free comment.
        comment: String = "di_comment",
        /// Whether calls to this number are recorded.
        recording: bool = "di_recording",
        /// Whether this number receives faxes.
        fax: bool = "di_fax",
        /// Fax station id.
        fax_station_id: String = "di_faxstationid",
        /// Address received faxes are mailed to.
        fax_email: String = "di_fax_email",
        /// Most simultaneous calls (-1: unlimited).
        max_channels: i64 = "di_maxchannels",
        /// Address recordings are mailed to.
        email_recording: String = "di_emailrecording",
        /// Address SMS to this number are mailed to.
        sms_email: String = "di_smsemail",
    }
    /// A page of DIDs.
    page DidPage
}
