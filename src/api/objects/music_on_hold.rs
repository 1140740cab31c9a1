//! `/v1/tenants/{code}/music-on-hold`: music-on-hold classes of a tenant (MANAGEDB `musiconhold`).

use crate::api::resource::rest_resource;
use crate::service::catalog::MUSICONHOLDS;

rest_resource! {
    api: MusicOnHoldApi,
    rules: MUSICONHOLDS,
    tag: { name: "MusicOnHold", description: "Music-on-hold classes of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/music-on-hold",
    item_path: "/v1/tenants/:code/music-on-hold/:id",
    operations: {
        list: "list_music_on_hold",
        create: "create_music_on_hold",
        get: "get_music_on_hold",
        update: "update_music_on_hold",
        delete: "delete_music_on_hold",
    },
    filters: {
        /// Only the class with this exact name.
        name: String = "mu_name",
    },
    /// A music-on-hold class; destination tag `MUSICONHOLD-<id>`.
    read MusicOnHold {
        /// Name, unique within the tenant.
        name: String = "mu_name",
        /// Asterisk mode: `files`, `custom`, `mp3` or `quietmp3` (empty: the PBX default).
        mode: String = "mu_mode",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "mu_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "mu_updated_at",
    }
    /// A class to create (`name` required) or change (only the members sent change).
    write MusicOnHoldCreate / MusicOnHoldPatch {
        /// Name, unique within the tenant; never empty.
        name: String = "mu_name",
        /// `files`, `custom`, `mp3` or `quietmp3`.
        mode: String = "mu_mode",
    }
    /// A page of music-on-hold classes.
    page MusicOnHoldPage
}
