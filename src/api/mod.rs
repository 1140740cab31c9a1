//! The REST door (`/v1`, poem-openapi). Each resource file declares its typed request/response
//! structs and maps them to service calls; no authorization or validation rule lives here.

pub mod api_keys;
pub mod audit;
pub mod balance;
pub mod bounded;
pub mod calls;
pub mod campaign_actions;
pub mod cdr_templates;
pub mod cdrs;
pub mod destinations;
pub mod dnd;
pub mod document;
pub mod download;
pub mod events;
pub mod examples;
pub mod extensions;
pub mod faxes;
pub mod flows;
pub mod health;
pub mod idempotency;
pub mod idempotency_doc;
pub mod input;
pub mod live;
pub mod login;
pub mod media_audio;
pub mod nodes;
pub mod objects;
pub mod pagination;
pub mod period;
pub mod phonebooks;
pub mod problem;
pub mod queue_members;
pub mod recordings;
pub mod report_logs;
pub mod request_check;
pub mod resource;
pub mod security;
pub mod settings;
pub mod sms;
pub mod tenants;
pub mod user_groups;
pub mod users;
pub mod virtual_extensions;
pub mod voicemail_messages;

use poem_openapi::payload::Json;
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, OpenApiService, Tags};

use crate::service::Core;

/// Groups of operations in the spec and Swagger UI.
#[derive(Tags)]
pub enum ApiTags {
    /// Liveness and readiness.
    Health,
    /// Logging in for an access token.
    Auth,
    /// Tenants (admin).
    Tenants,
    /// Extensions of a tenant.
    Extensions,
    /// API keys of a tenant.
    ApiKeys,
    /// Users and the tenants they may act on (admin).
    Users,
    /// Call queues and their members.
    Queues,
    /// Tenant balance and its movements.
    Balance,
    /// Flows (day/night switches, variables) and their state.
    Flows,
    /// Messages in a tenant's voicemail boxes (Asterisk's spool).
    VoicemailMessages,
    /// Media files of a tenant.
    MediaFiles,
    /// Trunk providers (admin).
    Providers,
    /// Destination lists (DIDs, IVRs, conditions, hunt lists) and condition schedules.
    Destinations,
    /// Named phonebooks of a tenant and their entries.
    Phonebooks,
    /// Settings of a tenant (declared codes with defaults).
    Settings,
    /// Numbers that ring a set of a tenant's extensions.
    VirtualExtensions,
    /// Call detail records: pages, streamed CSV exports, user field.
    Cdrs,
    /// Output templates of the legacy INFO cdrs (tenant and admin).
    CdrTemplates,
    /// Call logs of a tenant: queue events, IVR choices, response-path results.
    Reports,
    /// Call recordings and transcripts.
    Recordings,
    /// Faxes: queued sends and their documents.
    Faxes,
    /// Live calls, channels, peers and events (needs the PBX).
    Live,
    /// Who changed what, when and from where, through either door.
    Audit,
}

/// 201 with the created resource and its `Location`.
#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    /// Created; `Location` is the URL of the new resource.
    #[oai(status = 201)]
    Created(Json<T>, #[oai(header = "Location")] String),
}

/// 200 with an object and its `ETag` (a read that can also answer 304).
#[derive(ApiResponse)]
pub enum Fetched<T: ToJSON> {
    /// The object; `ETag` names this version (send it in `If-Match` to change only this version, in
    /// `If-None-Match` to read it again only when it changed).
    #[oai(status = 200)]
    Fetched(Json<T>, #[oai(header = "ETag")] String),
    /// Not changed since the version `If-None-Match` names.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

/// 200 with the changed object and its new `ETag`.
#[derive(ApiResponse)]
pub enum Saved<T: ToJSON> {
    /// The object as changed; `ETag` names the new version.
    #[oai(status = 200)]
    Saved(Json<T>, #[oai(header = "ETag")] String),
}

/// 204 after a delete.
#[derive(ApiResponse)]
pub enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

/// The REST name of a legacy field, from a resource's `(rest, legacy)` name table.
pub fn rest_name<'a>(names: &[(&'static str, &'static str)], legacy: &'a str) -> &'a str {
    names.iter().find(|(_, l)| *l == legacy).map(|(r, _)| *r).unwrap_or(legacy)
}

/// The OpenAPI service: every REST operation, with the spec and Swagger UI derived from it.
pub type RestService = OpenApiService<
    (
        health::HealthApi,
        login::LoginApi,
        tenants::TenantsApi,
        extensions::Api,
        api_keys::ApiKeysApi,
        users::UsersApi,
        destinations::DestinationsApi,
        queue_members::QueueMembersApi,
        balance::BalanceApi,
        media_audio::MediaAudioApi,
        voicemail_messages::VoicemailMessagesApi,
        flows::Api,
        user_groups::Api,
        objects::ObjectApis,
        (phonebooks::PhonebooksApi, settings::SettingsApi, dnd::DndApi, virtual_extensions::VirtualExtensionsApi),
        // The tuple is at poem-openapi's 16-item limit: later groups nest in this last item.
        (
            // Reporting and files.
            (
                cdrs::CdrsApi,
                cdr_templates::CdrTemplatesApi,
                report_logs::ReportLogsApi,
                recordings::RecordingsApi,
                faxes::FaxesApi,
            ),
            // Live PBX.
            (calls::CallsApi, live::LiveApi, nodes::NodesApi, events::EventsApi),
            (campaign_actions::CampaignActionsApi, sms::SmsApi),
            audit::AuditApi,
        ),
    ),
    (),
>;

/// Builds the REST service over `core`.
pub fn service(core: Core) -> RestService {
    let apis = (
        health::HealthApi { core: core.clone() },
        login::LoginApi { core: core.clone() },
        tenants::TenantsApi { core: core.clone() },
        extensions::api(&core),
        api_keys::ApiKeysApi { core: core.clone() },
        users::UsersApi { core: core.clone() },
        destinations::DestinationsApi { core: core.clone() },
        queue_members::QueueMembersApi { core: core.clone() },
        balance::BalanceApi { core: core.clone() },
        media_audio::MediaAudioApi { core: core.clone() },
        voicemail_messages::VoicemailMessagesApi { core: core.clone() },
        flows::api(&core),
        user_groups::api(&core),
        objects::apis(&core),
        (
            phonebooks::PhonebooksApi { core: core.clone() },
            settings::SettingsApi { core: core.clone() },
            dnd::DndApi { core: core.clone() },
            virtual_extensions::VirtualExtensionsApi { core: core.clone() },
        ),
        (
            (
                cdrs::CdrsApi { core: core.clone() },
                cdr_templates::CdrTemplatesApi { core: core.clone() },
                report_logs::ReportLogsApi { core: core.clone() },
                recordings::RecordingsApi { core: core.clone() },
                faxes::FaxesApi { core: core.clone() },
            ),
            (
                calls::CallsApi { core: core.clone() },
                live::LiveApi { core: core.clone() },
                nodes::NodesApi { core: core.clone() },
                events::EventsApi { core: core.clone() },
            ),
            (campaign_actions::CampaignActionsApi { core: core.clone() }, sms::SmsApi { core: core.clone() }),
            audit::AuditApi { core: core.clone() },
        ),
    );
    OpenApiService::new(apis, "pbx-gateway", env!("CARGO_PKG_VERSION"))
        .server(poem_openapi::ServerObject::new("/").description("this gateway"))
        .license(poem_openapi::LicenseObject::new(env!("CARGO_PKG_LICENSE")).url("https://opensource.org/license/mit"))
        .description(
            "REST API of a multi-tenant Asterisk PBX. Errors are application/problem+json with a stable `code`. \
             Lists take `limit` and an opaque `cursor` and answer `{items, next_cursor}`. \
             The legacy MiRTA `proxyapi.php` protocol is served on the same core at /proxyapi.php.",
        )
}

/// The write schemas of every generated resource (see `resource::WriteSchemas`).
pub fn write_schemas() -> Vec<resource::WriteSchemas> {
    let mut schemas = objects::write_schemas();
    schemas.extend([extensions::Write::schemas(), flows::Write::schemas(), user_groups::Write::schemas()]);
    schemas
}

/// The spec as YAML, exactly as `/openapi.yaml` serves it and `api-spec/openapi.yaml` stores it.
/// poem-openapi renders a spec only from a built service, whose handlers hold a `Core`; an in-memory
/// SQLite core is the cheapest one to build and touches no file or server.
pub async fn spec_yaml() -> anyhow::Result<String> {
    let core = Core::start(crate::config::Config::for_database("sqlite::memory:")).await?;
    let yaml = document::Document::of(&service(core.clone())).yaml;
    core.db().close().await;
    Ok(yaml)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every REST field of a generated resource names a column its object declares (or an input its
    /// rules read): a typo in a column string would otherwise read as "" and write nothing.
    #[test]
    fn every_rest_field_names_a_declared_column() {
        // (file, rules, columns) of every object resource, then of the resources outside `api::objects`.
        let mut resources = objects::declared_writes();
        resources.extend([
            ("extensions", extensions::Write::rules(), extensions::Write::named_columns()),
            ("flows", flows::Write::rules(), flows::Write::named_columns()),
            ("user_groups", user_groups::Write::rules(), user_groups::Write::named_columns()),
        ]);
        let mut unknown = Vec::new();
        assert!(resources.len() > 3, "no object resources found");
        for (file, rules, columns) in resources {
            let def = rules.def();
            for (rest, column) in &columns {
                let declared = def.field(column).is_some() || rules.input_names().contains(column);
                if !declared {
                    unknown.push(format!("{file} ({}): REST `{rest}` names `{column}`", def.name));
                }
            }
        }
        assert!(unknown.is_empty(), "REST fields without a declared column:\n{}", unknown.join("\n"));
    }
}
