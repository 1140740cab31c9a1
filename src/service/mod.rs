//! The one core. Every capability is a function here taking the caller's `Principal`; the doors only
//! translate. Authorization (who may do what) is decided here and nowhere else.

pub mod access;
pub mod api_keys;
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
pub mod objects;
pub mod phonebooks;
pub mod queue_members;
pub mod recordings;
pub mod report_logs;
pub mod settings;
pub mod sipregs;
pub mod tenants;
pub mod user_groups;
pub mod users;
pub mod virtual_extensions;
pub mod voicemail;
pub mod voicemail_messages;

use std::sync::Arc;

pub use error::{ServiceError, ServiceResult};

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
}

/// Name under which a generated JWT secret is stored for all replicas.
const JWT_SECRET_SETTING: &str = "jwt_secret";

impl Core {
    /// Connects, migrates and loads (or creates) the JWT secret.
    pub async fn start(config: Config) -> anyhow::Result<Core> {
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        let secret = match &config.jwt_secret {
            Some(secret) => secret.clone(),
            None => {
                let mut conn = db.pool().acquire().await?;
                let candidate = crate::auth::secrets::random_token();
                crate::store::settings::get_or_insert(&mut conn, JWT_SECRET_SETTING, &candidate).await?
            }
        };
        let jwt = JwtKeys::new(&secret);
        let pbx = if config.pbx.nodes.is_empty() {
            crate::pbx::Pbx::none()
        } else {
            crate::pbx::Pbx::start(config.pbx.nodes.clone(), config.pbx.client.clone())
        };
        let dial = !config.pbx.nodes.is_empty();
        let core = Core { inner: Arc::new(CoreInner { db, jwt, config, pbx }) };
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

    /// The configuration.
    /// The live PBX (every configured AMI node).
    pub fn pbx(&self) -> &crate::pbx::Pbx {
        &self.inner.pbx
    }

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
}
