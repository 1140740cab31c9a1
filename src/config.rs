//! Runtime configuration: flags and environment, with defaults that need no config file.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the gateway listens and what it talks to. Built by the CLI from flags and `PBXGW_*` variables.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address of the HTTP listener.
    pub listen: SocketAddr,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Most pooled database connections; `None` = the backend's default (SQLite 4, PostgreSQL 10).
    pub database_max_connections: Option<u32>,
    /// HMAC secret for JWTs; when `None` it is read from `jwt_secret_file`, which is created with a
    /// random secret on first start. Never stored in the database: whoever can read the database
    /// (a backup, a PBX node's realtime user) must not be able to sign tokens.
    pub jwt_secret: Option<String>,
    /// Where a generated JWT secret is kept (owner-only).
    pub jwt_secret_file: std::path::PathBuf,
    /// SIP digest realm used to hash extension secrets (`MD5(user:realm:secret)`); must match the PBX.
    pub sip_realm: String,
    /// Largest request body accepted, in bytes (both doors).
    pub max_body_bytes: usize,
    /// Lifetime of access tokens issued by `/v1/auth/login`, in seconds.
    pub access_token_ttl_secs: i64,
    /// Expiry date of the deployment's PBX licence, for legacy LICENSEDAYS; `None` = not configured.
    pub license_expires: Option<chrono::NaiveDate>,
    /// Deadlines and sizes of HTTP connections and requests.
    pub http: HttpLimits,
    /// Requests per window per client address and per credential.
    pub rate_limits: crate::service::rate_limit::RateLimitSettings,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind them, the client address (login
    /// counters, rate limits, key networks) is the nearest forwarded address that is not a proxy.
    pub trusted_proxies: Vec<crate::domain::address_range::AddressRange>,
    /// Web origins (`https://crm.example.com`) whose pages may call the REST API from a browser
    /// (CORS); empty = no cross-origin access.
    pub cors_origins: Vec<String>,
    /// Days audit entries are kept before the hourly trim deletes them (0 = forever).
    pub audit_retention_days: u32,
    /// How long a REST `Idempotency-Key` and the answer stored for it are kept (replays within it).
    pub idempotency_key_ttl: Duration,
    /// Directories of the files the PBX writes and the gateway serves.
    pub dirs: FileDirs,
    /// The live PBX: AMI nodes, timeouts, dialplan naming.
    pub pbx: crate::pbx::settings::PbxSettings,
}

/// What one client may cost: every bound of the HTTP layer. A client that exceeds one gets a clear
/// answer (408, 413, 414, 431, 503) or, for a request head it never finishes, a closed connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpLimits {
    /// A request head must be complete within this time, counted from the connection's start or
    /// the previous response (slow headers are cut; idle keep-alive connections end too).
    pub header_read_timeout: Duration,
    /// A request body must be read completely within this time (answer 408).
    pub body_read_timeout: Duration,
    /// A handler must produce its response head within this time (answer 503 `timeout`); streamed
    /// bodies (event streams, exports) continue afterwards.
    pub request_timeout: Duration,
    /// Largest request head (request line plus headers) in bytes; hyper's floor is 8192.
    pub max_head_bytes: usize,
    /// Most header lines in one request (answer 431).
    pub max_headers: usize,
    /// Longest request target (path and query) in bytes (answer 414).
    pub max_uri_bytes: usize,
    /// Bodies larger than this are read only after the request's credentials were verified.
    pub unauthenticated_body_bytes: usize,
    /// On shutdown, requests in flight get this long to finish before their connections close.
    pub shutdown_grace: Duration,
    /// A response write that makes no progress for this long (the client stopped reading) closes
    /// the connection.
    pub write_stall_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_read_timeout: Duration::from_secs(defaults::HEADER_READ_TIMEOUT_SECS),
            body_read_timeout: Duration::from_secs(defaults::BODY_READ_TIMEOUT_SECS),
            request_timeout: Duration::from_secs(defaults::REQUEST_TIMEOUT_SECS),
            max_head_bytes: defaults::MAX_HEAD_BYTES,
            max_headers: defaults::MAX_HEADERS,
            max_uri_bytes: defaults::MAX_URI_BYTES,
            unauthenticated_body_bytes: defaults::UNAUTHENTICATED_BODY_BYTES,
            shutdown_grace: Duration::from_secs(defaults::SHUTDOWN_GRACE_SECS),
            write_stall_timeout: Duration::from_secs(defaults::WRITE_STALL_TIMEOUT_SECS),
        }
    }
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
    /// Lifetime of an idempotency key and its stored answer: a day, as most APIs keep them.
    pub const IDEMPOTENCY_KEY_TTL_SECS: u64 = 24 * 3600;
    /// Listen address when `PBXGW_LISTEN` is not set.
    pub const LISTEN: &str = "127.0.0.1:8080";
    /// Database when `DATABASE_URL` is not set: an SQLite file created on first start.
    pub const DATABASE_URL: &str = "sqlite://data/pbx-gateway.db";
    /// Asterisk's default SIP realm.
    pub const SIP_REALM: &str = "asterisk";
    /// 10 MiB: room for a media upload, small enough that nobody can exhaust memory with one request.
    pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
    /// A request head must arrive within 10 s (a real client sends it in one packet).
    pub const HEADER_READ_TIMEOUT_SECS: u64 = 10;
    /// A body must arrive within 60 s: a full 10 MiB upload at about 1.4 Mbit/s.
    pub const BODY_READ_TIMEOUT_SECS: u64 = 60;
    /// A response head must be ready within 60 s (the longest AMI action waits 10 s by default).
    pub const REQUEST_TIMEOUT_SECS: u64 = 60;
    /// 64 KiB of request line and headers.
    pub const MAX_HEAD_BYTES: usize = 64 * 1024;
    /// 64 header lines.
    pub const MAX_HEADERS: usize = 64;
    /// 32 KiB of path and query: room for a legacy `jsondata` record sent in the query string.
    pub const MAX_URI_BYTES: usize = 32 * 1024;
    /// 64 KiB may be read before authentication: every JSON request and legacy form fits.
    pub const UNAUTHENTICATED_BODY_BYTES: usize = 64 * 1024;
    /// 10 s to drain on shutdown.
    pub const SHUTDOWN_GRACE_SECS: u64 = 10;
    /// 30 s for a client to take any of a response before it is cut.
    pub const WRITE_STALL_TIMEOUT_SECS: u64 = 30;
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
            database_max_connections: None,
            jwt_secret: None,
            jwt_secret_file: "data/jwt-secret".into(),
            sip_realm: defaults::SIP_REALM.to_string(),
            max_body_bytes: defaults::MAX_BODY_BYTES,
            access_token_ttl_secs: defaults::ACCESS_TOKEN_TTL_SECS,
            license_expires: None,
            http: HttpLimits::default(),
            rate_limits: Default::default(),
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            audit_retention_days: 365,
            idempotency_key_ttl: Duration::from_secs(defaults::IDEMPOTENCY_KEY_TTL_SECS),
            dirs: FileDirs::default_under_data(),
            pbx: crate::pbx::settings::PbxSettings::default(),
        }
    }
}
