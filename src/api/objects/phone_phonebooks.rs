//! `/v1/tenants/{code}/phone-phonebooks`: directories published to a tenant's handsets (MANAGEDB
//! `phonephonebook`).

use crate::api::resource::rest_resource;
use crate::service::catalog::PHONEPHONEBOOKS;

rest_resource! {
    api: PhonePhonebooksApi,
    rules: PHONEPHONEBOOKS,
    tag: { name: "PhonePhonebooks", description: "Directories published to a tenant's handsets." },
    scope: tenant,
    path: "/v1/tenants/:code/phone-phonebooks",
    item_path: "/v1/tenants/:code/phone-phonebooks/:id",
    operations: {
        list: "list_phone_phonebooks",
        create: "create_phone_phonebook",
        get: "get_phone_phonebook",
        update: "update_phone_phonebook",
        delete: "delete_phone_phonebook",
    },
    filters: {
        /// Only the directory with this exact name.
        name: String = "pp_name",
    },
    /// A directory published to handsets.
    read PhonePhonebook {
        /// Name, unique within the tenant.
        name: String = "pp_name",
    }
    /// A directory to create (`name` required) or change.
    write PhonePhonebookCreate / PhonePhonebookPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "pp_name",
    }
    /// A page of handset directories.
    page PhonePhonebookPage
}
