//! The one core. Every capability is a function here taking the caller's `Principal`; the doors only
//! translate. Authorization (who may do what) is decided here and nowhere else.

pub mod access;
pub mod api_keys;
pub mod audit;
pub mod balance;
pub mod catalog;
pub mod cdr_templates;
pub mod cdrs;
pub mod destinations;
pub mod dnd;
pub mod download;
pub mod error;
pub mod extensions;
pub mod faxes;
pub mod files;
pub mod flows;
pub mod idempotency;
pub mod live;
pub mod login;
pub mod lookup;
pub mod media;
pub mod model;
pub mod objects;
pub mod page;
pub mod phonebooks;
pub mod queue_members;
pub mod rate_limit;
pub mod recordings;
pub mod registry;
pub mod report_logs;
pub mod request_scope;
pub mod rules;
pub mod settings;
pub mod sipregs;
pub mod tenants;
pub mod user_groups;
pub mod users;
pub mod virtual_extensions;
pub mod voicemail;
pub mod voicemail_messages;

use std::sync::Arc;

pub use error::{ConflictKind, Missing, ServiceError, ServiceResult};

use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::store::Db;

/// Shared state of the service layer: database, signing keys, configuration. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Core {
    inner: Arc<CoreInner>,
}

#[derive(Debug)]
struct CoreInner {
    db: Db,
    jwt: JwtKeys,
    config: Config,
    pbx: crate::pbx::Pbx,
    metrics: crate::metrics::Metrics,
    rate_limiter: rate_limit::RateLimiter,
}

/// Name of the fingerprint (SHA-256) of the JWT secret in the database: replicas compare theirs
/// with it, so a replica signing with another secret is noticed. The secret itself is never stored.
const JWT_FINGERPRINT_SETTING: &str = "jwt_secret_sha256";

impl Core {
    /// Connects, migrates and loads (or creates) the JWT secret.
    pub async fn start(config: Config) -> anyhow::Result<Core> {
        let db = Db::connect_with(&config.database_url, config.database_max_connections).await?;
        db.migrate().await?;
        let secret = match &config.jwt_secret {
            Some(secret) => secret.clone(),
            None => crate::auth::secrets::read_or_create(&config.jwt_secret_file)
                .map_err(|err| anyhow::anyhow!("JWT secret file {}: {err}", config.jwt_secret_file.display()))?,
        };
        {
            let mut conn = db.pool().acquire().await?;
            let ours = crate::auth::secrets::digest(&secret);
            let shared = crate::store::settings::get_or_insert(&mut conn, JWT_FINGERPRINT_SETTING, &ours).await?;
            if shared != ours {
                tracing::warn!(
                    "this replica's JWT secret differs from the one other replicas of this database use: \
                     their access tokens are refused here and ours there (share PBXGW_JWT_SECRET or the secret file)"
                );
            }
        }
        let jwt = JwtKeys::new(&secret);
        let pbx = if config.pbx.nodes.is_empty() {
            crate::pbx::Pbx::none()
        } else {
            crate::pbx::Pbx::start(config.pbx.nodes.clone(), config.pbx.client.clone())
        };
        let dial = !config.pbx.nodes.is_empty();
        let core = Core {
            inner: Arc::new(CoreInner {
                db,
                jwt,
                config,
                pbx,
                metrics: Default::default(),
                rate_limiter: Default::default(),
            }),
        };
        rate_limit::spawn_sync(core.clone());
        audit::spawn_retention(core.clone());
        if dial {
            live::campaigns::spawn_dialer(core.clone());
            live::devices::spawn_mirror(core.clone());
        }
        Ok(core)
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The JWT keys.
    pub fn jwt(&self) -> &JwtKeys {
        &self.inner.jwt
    }

    /// The live PBX (every configured AMI node).
    pub fn pbx(&self) -> &crate::pbx::Pbx {
        &self.inner.pbx
    }

    /// The rate limiter's in-memory side.
    pub fn rate_limiter(&self) -> &rate_limit::RateLimiter {
        &self.inner.rate_limiter
    }

    /// The process's counters (`/metrics`).
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    /// The `/metrics` exposition: counters, database pool, AMI nodes, memory.
    pub fn render_metrics(&self) -> String {
        let (db_in_use, db_idle, db_max) = self.db().pool_usage();
        let nodes = self.pbx().nodes();
        let gauges = crate::metrics::Gauges {
            db_in_use,
            db_idle,
            db_max,
            nodes: nodes
                .iter()
                .map(|node| {
                    let health = node.status().health;
                    crate::metrics::NodeGauges {
                        name: node.name().to_string(),
                        up: health.connected,
                        reconnects: health.reconnects,
                    }
                })
                .collect(),
            resident_bytes: crate::metrics::resident_bytes(),
        };
        let latency: Vec<(String, &crate::metrics::Histogram)> =
            nodes.iter().map(|node| (node.name().to_string(), node.action_latency())).collect();
        self.metrics().render(&gauges, &latency)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Days until the configured licence expiry (negative once expired), admin only; `None` when no
    /// expiry is configured (legacy LICENSEDAYS).
    pub fn licence_days(&self, principal: &crate::auth::Principal) -> ServiceResult<Option<i64>> {
        access::require_admin(principal)?;
        let today = chrono::Local::now().date_naive();
        Ok(self.config().license_expires.map(|expires| (expires - today).num_days()))
    }

    /// Checks that the database answers (health endpoint).
    pub async fn health(&self) -> ServiceResult<()> {
        Ok(self.db().ping().await?)
    }

    /// Readiness: the database answers and carries every migration of this build.
    pub async fn readiness(&self) -> ServiceResult<()> {
        if self.db().migrations_applied().await? {
            Ok(())
        } else {
            Err(ServiceError::Unavailable(anyhow::anyhow!("the database lacks migrations of this build")))
        }
    }
}
