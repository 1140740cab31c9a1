//! `/v1/tenants/{code}/media-files`: media file metadata of a tenant (MANAGEDB `mediafile`). Format
//! and size are set by the audio upload.

use crate::api::resource::rest_resource;
use crate::service::catalog::MEDIAFILES;

rest_resource! {
    api: MediaFilesApi,
    rules: MEDIAFILES,
    tag: "crate::api::ApiTags::MediaFiles",
    scope: tenant,
    path: "/v1/tenants/:code/media-files",
    item_path: "/v1/tenants/:code/media-files/:id",
    operations: {
        list: "list_media_files",
        create: "create_media_file",
        get: "get_media_file",
        update: "update_media_file",
        delete: "delete_media_file",
    },
    filters: {
        /// Only the media file with this exact name.
        name: String = "me_name",
    },
    /// A media file (prompt, announcement); destination tag `PLAYBACK-<id>`.
    read MediaFile {
        /// Name, unique within the tenant.
        name: String = "me_name",
        /// Audio format of the uploaded audio (empty until one is uploaded).
        format: String = "me_format",
        /// Size of the uploaded audio in bytes (absent until one is uploaded).
        size: Option<i64> = "me_size",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "me_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "me_updated_at",
    }
    /// A media file to create (`name` required) or rename.
    write MediaFileCreate / MediaFilePatch {
        /// Name, unique within the tenant; never empty.
        name: String = "me_name",
    }
    /// A page of media files.
    page MediaFilePage
}
