//! `/v1/tenants/{code}/phones`: provisioned handsets of a tenant (MANAGEDB `phone`). As in the legacy
//! API, phones cannot be deleted: there is no DELETE (405).

use crate::api::resource::rest_resource;
use crate::service::catalog::PHONES;

rest_resource! {
    api: PhonesApi,
    rules: PHONES,
    tag: { name: "Phones", description: "Provisioned phones of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/phones",
    item_path: "/v1/tenants/:code/phones/:id",
    operations: {
        list: "list_phones",
        create: "create_phone",
        get: "get_phone",
        update: "update_phone",
    },
    filters: {
        /// Only the phone with this MAC, as stored: 12 upper-case hex digits, no separators.
        mac: String = "ph_mac",
        /// Only phones with this exact name.
        name: String = "ph_name",
        /// Only phones of this model id.
        model_id: i64 = "ph_pm_id",
    },
    /// A provisioned phone.
    read Phone {
        /// Name.
        name: String = "ph_name",
        /// MAC address: 12 upper-case hex digits, unique across tenants.
        mac: String = "ph_mac",
        /// Phone model id.
        model_id: Option<i64> = "ph_pm_id",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "ph_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "ph_updated_at",
    }
    /// A phone to create (`mac` required) or change (only the members sent change).
    write PhoneCreate / PhonePatch {
        /// Name.
        name: String = "ph_name",
        /// MAC address: 12 hex digits, `:`/`-`/`.` separators allowed; stored as 12 upper-case digits.
        mac: String = "ph_mac",
        /// Phone model id.
        model_id: i64 = "ph_pm_id",
    }
    /// A page of phones.
    page PhonePage
}
