//! The REST door (`/v1`, poem-openapi). Each resource file declares its typed request/response
//! structs and maps them to service calls; no authorization or validation rule lives here.

pub mod api_keys;
pub mod extensions;
pub mod health;
pub mod input;
pub mod login;
pub mod pagination;
pub mod problem;
pub mod queue_members;
pub mod resource;
pub mod security;
pub mod tenants;
pub mod users;

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
}

/// 201 with the created resource and its `Location`.
#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    /// Created; `Location` is the URL of the new resource.
    #[oai(status = 201)]
    Created(Json<T>, #[oai(header = "Location")] String),
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
        extensions::ExtensionsApi,
        api_keys::ApiKeysApi,
        users::UsersApi,
        queue_members::QueueMembersApi,
    ),
    (),
>;

/// Builds the REST service over `core`.
pub fn service(core: Core) -> RestService {
    let apis = (
        health::HealthApi { core: core.clone() },
        login::LoginApi { core: core.clone() },
        tenants::TenantsApi { core: core.clone() },
        extensions::ExtensionsApi { core: core.clone() },
        api_keys::ApiKeysApi { core: core.clone() },
        users::UsersApi { core: core.clone() },
        queue_members::QueueMembersApi { core },
    );
    OpenApiService::new(apis, "pbx-gateway", env!("CARGO_PKG_VERSION")).description(
        "REST API of a multi-tenant Asterisk PBX. Errors are application/problem+json with a stable `code`. \
             Lists take `limit` and an opaque `cursor` and answer `{items, next_cursor}`. \
             The legacy MiRTA `proxyapi.php` protocol is served on the same core at /proxyapi.php.",
    )
}

/// The spec as YAML, exactly as `/openapi.yaml` serves it and `api-spec/openapi.yaml` stores it.
/// poem-openapi renders a spec only from a built service, whose handlers hold a `Core`; an in-memory
/// SQLite core is the cheapest one to build and touches no file or server.
pub async fn spec_yaml() -> anyhow::Result<String> {
    let core = Core::start(crate::config::Config::for_database("sqlite::memory:")).await?;
    let yaml = service(core.clone()).spec_yaml();
    core.db().close().await;
    Ok(yaml)
}
