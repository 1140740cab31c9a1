//! `/v1/sip-registrations`: outbound registrations of providers (MANAGEDB `sipregs`, admin only).
//! The secret is write-only; `registration` is the `register =>` string without it.

use crate::api::resource::{FromColumn, rest_resource};
use crate::service::model::Row;
use crate::service::sipregs::{SipRegRules, registration};

/// The registration string, derived from the row without its secret.
#[derive(Debug, poem_openapi::NewType)]
pub struct RegistrationString(pub String);

impl FromColumn for RegistrationString {
    fn from_column(row: &Row, _column: &str) -> Self {
        RegistrationString(registration(row))
    }
}

rest_resource! {
    api: SipRegistrationsApi,
    rules: SipRegRules,
    tag: "crate::api::ApiTags::Providers",
    scope: global,
    path: "/v1/sip-registrations",
    item_path: "/v1/sip-registrations/:id",
    operations: {
        list: "list_sip_registrations",
        create: "create_sip_registration",
        get: "get_sip_registration",
        update: "update_sip_registration",
        delete: "delete_sip_registration",
    },
    filters: {
        /// Only registrations of this provider id.
        provider_id: i64 = "sr_pr_id",
    },
    /// An outbound SIP registration. The secret is never returned.
    read SipRegistration {
        /// Provider id (empty when not tied to a provider).
        provider_id: Option<i64> = "sr_pr_id",
        /// Username at the registrar.
        username: String = "sr_username",
        /// Registrar host.
        host: String = "sr_host",
        /// Registrar port.
        port: Option<i64> = "sr_port",
        /// Extension inbound calls arrive on.
        extension: String = "sr_extension",
        /// `user@host[:port][/extension]`.
        registration: RegistrationString = "sr_username",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "sr_created_at",
    }
    /// A registration to create (`username` and `host` required) or change.
    write SipRegistrationCreate / SipRegistrationPatch {
        /// Provider id.
        provider_id: i64 = "sr_pr_id",
        /// Username at the registrar.
        username: String = "sr_username",
        /// Secret at the registrar (write-only).
        #[oai(write_only)]
        secret: String = "sr_secret",
        /// Registrar host.
        host: String = "sr_host",
        /// Registrar port.
        port: i64 = "sr_port",
        /// Extension inbound calls arrive on.
        extension: String = "sr_extension",
    }
    /// A page of registrations.
    page SipRegistrationPage
}
