//! `/v1/providers`: trunk providers (MANAGEDB `provider`, admin only). The trunk secret is
//! write-only; `allow` is stored verbatim (the PBX validates codecs).

use crate::api::resource::rest_resource;
use crate::service::catalog::PROVIDERS;

rest_resource! {
    api: ProvidersApi,
    rules: PROVIDERS,
    tag: "crate::api::ApiTags::Providers",
    scope: global,
    path: "/v1/providers",
    item_path: "/v1/providers/:id",
    operations: {
        list: "list_providers",
        create: "create_provider",
        get: "get_provider",
        update: "update_provider",
        delete: "delete_provider",
    },
    filters: {
        /// Only the provider with this peer name.
        peer_name: String = "pr_peername",
        /// Only providers with this exact name.
        name: String = "pr_name",
        /// Only providers with this host.
        host: String = "host",
    },
    /// A trunk provider. Its secret is never returned.
    read Provider {
        /// Peer name in the PBX, unique.
        peer_name: String = "pr_peername",
        /// Display name.
        name: String = "pr_name",
        /// Channel driver: `SIP`, `PJSIP` or `IAX2`.
        tech: String = "pr_tech",
        /// Whether the PBX reads the peer through realtime.
        use_realtime: bool = "pr_userealtime",
        /// Host or IP of the provider.
        host: String = "host",
        /// Port.
        port: Option<i64> = "port",
        /// Allowed codecs, as given (e.g. `alaw:20`).
        allow: String = "allow",
        /// Disallowed codecs.
        disallow: String = "disallow",
        /// Username at the provider.
        username: String = "username",
        /// SIP From user.
        from_user: String = "fromuser",
        /// SIP From domain.
        from_domain: String = "fromdomain",
        /// Dialplan context of inbound calls.
        context: String = "context",
        /// Asterisk `qualify` value.
        qualify: String = "qualify",
        /// Asterisk `nat` value.
        nat: String = "nat",
        /// Asterisk `insecure` value.
        insecure: String = "insecure",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "pr_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "pr_updated_at",
    }
    /// A provider to create (`peer_name` required) or change (only the members sent change).
    write ProviderCreate / ProviderPatch {
        /// Peer name in the PBX, unique; never empty.
        peer_name: String = "pr_peername",
        /// Display name.
        name: String = "pr_name",
        /// Channel driver: `SIP`, `PJSIP` or `IAX2`.
        tech: String = "pr_tech",
        /// Whether the PBX reads the peer through realtime.
        use_realtime: bool = "pr_userealtime",
        /// Host or IP of the provider.
        host: String = "host",
        /// Port.
        port: i64 = "port",
        /// Allowed codecs, stored verbatim.
        allow: String = "allow",
        /// Disallowed codecs.
        disallow: String = "disallow",
        /// Username at the provider.
        username: String = "username",
        /// Secret at the provider (write-only).
        #[oai(write_only)]
        secret: String = "secret",
        /// SIP From user.
        from_user: String = "fromuser",
        /// SIP From domain.
        from_domain: String = "fromdomain",
        /// Dialplan context of inbound calls.
        context: String = "context",
        /// Asterisk `qualify` value.
        qualify: String = "qualify",
        /// Asterisk `nat` value.
        nat: String = "nat",
        /// Asterisk `insecure` value.
        insecure: String = "insecure",
    }
    /// A page of providers.
    page ProviderPage
}
