//! `/v1/tenants/{code}/extensions`: extension CRUD within a tenant.

use poem_openapi::{Enum, NewType};

use super::bounded::{Text, choice_rules, text_rules};
use super::resource::{FromColumn, rest_resource};
use crate::domain::bounds::Length;
use crate::service::catalog::EXTENSION;
use crate::service::extensions::{ExtensionRules, TECHS, username};
use crate::service::model::Row;

/// SIP channel driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Tech {
    /// chan_sip.
    #[oai(rename = "SIP")]
    Sip,
    /// chan_pjsip.
    #[oai(rename = "PJSIP")]
    Pjsip,
}

impl Tech {
    fn parse(stored: &str) -> Tech {
        if stored.eq_ignore_ascii_case("SIP") { Tech::Sip } else { Tech::Pjsip }
    }
}

impl FromColumn for Tech {
    fn from_column(row: &Row, column: &str) -> Self {
        Tech::parse(row.text(column))
    }
}

/// SIP username `<number>-<TENANT>`, derived from the number and the tenant code.
#[derive(Debug, NewType)]
pub struct SipUsername(pub String);

impl FromColumn for SipUsername {
    fn from_column(row: &Row, column: &str) -> Self {
        SipUsername(username(row.text(column), row.tenant_code.as_deref().unwrap_or_default()))
    }
}

choice_rules! {
    /// `ex_tech`.
    TechRule = TECHS;
}

text_rules! {
    /// `ex_number`: 1-20 digits.
    NumberRule = EXTENSION.length_of("ex_number"), crate::domain::ExtensionNumber::PATTERN;
    /// `ex_name`.
    NameRule = EXTENSION.length_of("ex_name");
    /// The SIP secret (an input, not a column: only its digest is stored).
    SecretRule = Length::SIP_SECRET;
    /// `ex_webpassword`.
    WebPasswordRule = EXTENSION.length_of("ex_webpassword");
}

rest_resource! {
    api: ExtensionsApi,
    rules: ExtensionRules,
    tag: "super::ApiTags::Extensions",
    scope: tenant,
    path: "/v1/tenants/:code/extensions",
    item_path: "/v1/tenants/:code/extensions/:id",
    operations: {
        list: "list_extensions",
        create: "create_extension",
        get: "get_extension",
        update: "update_extension",
        delete: "delete_extension",
    },
    filters: {
        /// Only the extension with this number.
        number: String = "ex_number",
        /// Only extensions with this exact name.
        name: String = "ex_name",
    },
    /// An extension. Credentials are write-only and never returned.
    read Extension {
        /// Number, unique within the tenant.
        number: String = "ex_number",
        /// Display name.
        name: String = "ex_name",
        tech: Tech = "ex_tech",
        /// SIP username: `<number>-<TENANT>`.
        username: SipUsername = "ex_number",
        /// Outbound caller id number.
        caller_id_number: String = "ex_cidnum",
        /// Outbound caller id name.
        caller_id_name: String = "ex_cidname",
        /// Call groups (comma list).
        call_group: String = "ex_callgroup",
        /// Pickup groups (comma list).
        pickup_group: String = "ex_pickupgroup",
        /// Outbound call permission (e.g. `all`, `none`).
        call_allowed: String = "ex_callallowed",
        /// E-mail address.
        email: String = "ex_email",
        /// Free description.
        description: String = "ex_description",
        /// A disabled extension keeps its settings but is no PBX endpoint: it cannot register, and its
        /// registered phones are dropped.
        disabled: bool = "disabled",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "ex_datecreation",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "ex_lastchange",
    }
    /// An extension to create (`number` required) or change (only the members sent change).
    write ExtensionCreate / ExtensionPatch {
        /// Number: 1-20 digits, unique within the tenant. Changing it changes the SIP username, so send
        /// `secret` with it.
        number: Text<NumberRule> = "ex_number",
        /// Display name.
        name: Text<NameRule> = "ex_name",
        /// Channel technology: `PJSIP` (the default) or `SIP`, any case.
        tech: Text<TechRule> = "ex_tech",
        /// SIP secret, 8-128 characters (write-only; stored only as the SIP digest).
        #[oai(write_only)]
        secret: Text<SecretRule> = "secret",
        /// Password of the user portal, 8-128 characters (write-only; stored as argon2id).
        #[oai(write_only)]
        web_password: Text<WebPasswordRule> = "ex_webpassword",
        /// Outbound caller id number.
        caller_id_number: String = "ex_cidnum",
        /// Outbound caller id name.
        caller_id_name: String = "ex_cidname",
        /// Call groups (comma list).
        call_group: String = "ex_callgroup",
        /// Pickup groups (comma list).
        pickup_group: String = "ex_pickupgroup",
        /// Outbound call permission.
        call_allowed: String = "ex_callallowed",
        /// E-mail address.
        email: String = "ex_email",
        /// Free description.
        description: String = "ex_description",
        /// Disable (the PBX drops its registrations at once) or enable the extension.
        disabled: bool = "disabled",
    }
    /// A page of extensions.
    page ExtensionPage
}
