//! Runtime configuration: flags and environment, with defaults that need no config file.

use std::net::SocketAddr;

/// Where the gateway listens and what it talks to. Built by the CLI from flags and `PBXGW_*` variables.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address of the HTTP listener.
    pub listen: SocketAddr,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// HMAC secret for JWTs; when `None` one is generated once and stored in the database so that
    /// replicas sharing the database agree.
    pub jwt_secret: Option<String>,
    /// SIP digest realm used to hash extension secrets (`MD5(user:realm:secret)`); must match the PBX.
    pub sip_realm: String,
    /// Largest request body accepted, in bytes (both doors).
    pub max_body_bytes: usize,
    /// Lifetime of access tokens issued by `/v1/auth/login`, in seconds.
    pub access_token_ttl_secs: i64,
    /// Expiry date of the deployment's PBX licence, for legacy LICENSEDAYS; `None` = not configured.
    pub license_expires: Option<chrono::NaiveDate>,
    /// A connection with no traffic in either direction for this long is closed (stalled clients,
    /// half-sent headers).
    pub idle_timeout: std::time::Duration,
    /// Directories of the files the PBX writes and the gateway serves.
    pub dirs: FileDirs,
    /// The live PBX: AMI nodes, timeouts, dialplan naming.
    pub pbx: crate::pbx::settings::PbxSettings,
}

/// Where the PBX's files live. Every path the gateway opens is resolved under one of these
/// (`service::files::FileRoot`), never taken from a request as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDirs {
    /// Asterisk's voicemail spool (`<spool>/<context>/<mailbox>/<folder>/msgNNNN.txt`).
    pub voicemail_spool: std::path::PathBuf,
    /// Call recordings.
    pub recordings: std::path::PathBuf,
    /// Fax documents (sent and received).
    pub faxes: std::path::PathBuf,
}

impl FileDirs {
    /// The defaults under `data/`.
    pub fn default_under_data() -> FileDirs {
        FileDirs {
            voicemail_spool: defaults::SPOOL_DIR.into(),
            recordings: defaults::RECORDINGS_DIR.into(),
            faxes: defaults::FAX_DIR.into(),
        }
    }
}

/// Defaults shared by the CLI and the tests.
pub mod defaults {
    /// Listen address when `PBXGW_LISTEN` is not set.
    pub const LISTEN: &str = "127.0.0.1:8080";
    /// Database when `DATABASE_URL` is not set: an SQLite file created on first start.
    pub const DATABASE_URL: &str = "sqlite://data/pbx-gateway.db";
    /// Asterisk's default SIP realm.
    pub const SIP_REALM: &str = "asterisk";
    /// 10 MiB: room for a media upload, small enough that nobody can exhaust memory with one request.
    pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
    /// Idle connections are closed after a minute.
    pub const IDLE_TIMEOUT_SECS: u64 = 60;
    /// Access tokens live 15 minutes.
    pub const ACCESS_TOKEN_TTL_SECS: i64 = 15 * 60;
    /// Voicemail spool when `PBXGW_SPOOL_DIR` is not set.
    pub const SPOOL_DIR: &str = "data/voicemail";
    /// Call recordings when `PBXGW_RECORDINGS_DIR` is not set.
    pub const RECORDINGS_DIR: &str = "data/recordings";
    /// Fax documents when `PBXGW_FAX_DIR` is not set.
    pub const FAX_DIR: &str = "data/faxes";
}

impl Config {
    /// A configuration for the given database with every other value at its default.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Config {
            listen: defaults::LISTEN.parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            database_url: database_url.into(),
            jwt_secret: None,
            sip_realm: defaults::SIP_REALM.to_string(),
            max_body_bytes: defaults::MAX_BODY_BYTES,
            access_token_ttl_secs: defaults::ACCESS_TOKEN_TTL_SECS,
            license_expires: None,
            idle_timeout: std::time::Duration::from_secs(defaults::IDLE_TIMEOUT_SECS),
            dirs: FileDirs::default_under_data(),
            pbx: crate::pbx::settings::PbxSettings::default(),
        }
    }
}
