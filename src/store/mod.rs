//! Persistence. One SQL text serves SQLite and PostgreSQL: queries use `$N` placeholders, columns are
//! TEXT or BIGINT only (booleans as 0/1, times as `YYYY-MM-DD HH:MM:SS` UTC text), inserts use
//! `RETURNING`. That discipline lets one `sqlx::AnyPool` drive both backends, so no query is
//! written twice; only the DDL differs (`migrations/sqlite`, `migrations/postgres`, with what both
//! share in `migrations/common`).

pub mod api_keys;
pub mod audit;
pub mod auth_tokens;
pub mod balance;
pub mod campaign_numbers;
pub mod cdr_import;
pub mod cdr_templates;
pub mod cdrs;
pub mod destinations;
pub mod faxes;
pub mod idempotency;
pub mod login_failures;
pub mod media;
pub mod objects;
pub mod originates;
pub mod pbx_mirror;
pub mod pbx_realtime;
pub mod phonebooks;
pub mod queue_members;
pub mod rate_limits;
pub mod recordings;
pub mod report_logs;
pub mod settings;
pub mod sms;
pub mod tenant_settings;
pub mod user_groups;
pub mod user_tenants;
pub mod virtual_extensions;

use std::borrow::Cow;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, ConnectOptions, SqlStr};

/// Which database engine sits behind the pool (only migrations and connection setup care).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (the default).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Derives the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("unsupported DATABASE_URL scheme (use sqlite:// or postgres://)")
        }
    }
}

/// The connection pool plus the knowledge of which backend it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Errors of the persistence layer that callers act on; everything else is `Other`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A UNIQUE constraint refused the write.
    #[error("unique constraint violated")]
    Duplicate,
    /// A FOREIGN KEY constraint refused the write (the row is still referenced, or references nothing).
    #[error("foreign key constraint violated")]
    Referenced,
    /// The database cannot be reached right now (refused or lost connection, pool exhausted,
    /// server shutting down or starting): worth a retry, and never the caller's fault.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else: bugs. Logged, never shown to clients.
    #[error(transparent)]
    Other(sqlx::Error),
}

/// Every sqlx error is classified, so a `?` anywhere in the store says "unavailable" for a lost
/// connection (never a 500 during a database restart).
impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::classify(err)
    }
}

impl StoreError {
    /// Classifies a sqlx error: constraint kinds, and an unreachable database apart from bugs.
    pub fn classify(err: sqlx::Error) -> StoreError {
        match &err {
            sqlx::Error::Database(db) => {
                match db.kind() {
                    sqlx::error::ErrorKind::UniqueViolation => return StoreError::Duplicate,
                    sqlx::error::ErrorKind::ForeignKeyViolation => return StoreError::Referenced,
                    _ => {}
                }
                // PostgreSQL SQLSTATE class 08 (connection exception) and 57P01-57P03 (administrator
                // or crash shutdown, cannot connect now: a restart in progress).
                let code = db.code().unwrap_or_default();
                if code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03") {
                    return StoreError::Unavailable(err);
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => return StoreError::Unavailable(err),
            _ => {}
        }
        StoreError::Other(err)
    }
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(sqlx::Error::Migrate(Box::new(err)))
    }
}

impl Db {
    /// Connects (creating the SQLite file and its folder when missing). Does not migrate.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Db::connect_with(url, None).await
    }

    /// [`Db::connect`] with at most `max_connections` pooled connections (`None`: the backend's
    /// default). Every unit of work holds one connection at a time, so a pool of one is enough to
    /// serve (slowly); `tests/it/one_connection.rs` holds that.
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let max = match backend {
            // Every connection to `sqlite::memory:` is its own empty database: keep exactly one.
            Backend::Sqlite if url.contains(":memory:") => 1,
            // SQLite has one writer; a small pool avoids lock convoys.
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        };
        let max = if url.contains(":memory:") { max } else { max_connections.map_or(max, |n| n.max(1)) };
        let mut pool_options =
            AnyPoolOptions::new().max_connections(max).acquire_timeout(std::time::Duration::from_secs(10));
        if backend == Backend::Sqlite {
            pool_options = pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; foreign keys carry the ON DELETE rules;
                    // the busy timeout makes a second writer wait instead of failing.
                    for pragma in
                        ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"]
                    {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = pool_options.connect_with(options).await?;
        Ok(Db { pool, backend })
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction; every write of the service layer runs in one. On SQLite it takes the
    /// write lock at once (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes can
    /// otherwise fail with SQLITE_BUSY when another writer got there in between.
    pub async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether every migration this build knows has been applied (the readiness probe): a replica
    /// started before another one migrated, or against a restored old backup, is not ready.
    pub async fn migrations_applied(&self) -> StoreResult<bool> {
        let latest = migrator(self.backend).iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&self.pool)
            .await?;
        Ok(applied.unwrap_or(0) >= latest)
    }

    /// Connections handed out, idle, and the ceiling.
    pub fn pool_usage(&self) -> (u64, u64, u64) {
        let size = u64::from(self.pool.size());
        let idle = self.pool.num_idle() as u64;
        (size.saturating_sub(idle), idle, u64::from(self.pool.options().get_max_connections()))
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds `mode=rwc` (create if missing) and creates the file's folder.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

// `SQLITE_MIGRATIONS` and `POSTGRES_MIGRATIONS`, generated by `build.rs` from the files of
// `migrations/` (naming rule at the top of `build.rs`). Version 15 is three files on SQLite (endpoint column, the views
// Asterisk reads, the CDR intake view) and two on PostgreSQL, the views being shared in `common/`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The embedded migrations of one backend (built by hand so the `sqlx` macros stay out of the build).
fn migrator(backend: Backend) -> Migrator {
    let sources = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    let migrations = sources
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                SqlStr::from_static(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

/// Current UTC time in the storage format (`YYYY-MM-DD HH:MM:SS`), which sorts as text.
pub fn now_text() -> String {
    chrono::Utc::now().format(TIME_FORMAT).to_string()
}

/// `$from, $from+1, …` for `count` values.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Most values bound in one `IN (…)` list, so long lists go in chunks: SQLite allows 32,766
/// parameters, PostgreSQL 65,535.
pub(crate) const IN_LIST_CHUNK: usize = 500;

/// Stored time format; defined with the time rules in `domain::time`.
pub use crate::domain::time::TIME_FORMAT;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sqlx_error_converted_by_question_mark_is_classified() {
        fn through_question_mark(err: sqlx::Error) -> StoreResult<()> {
            Err(err)?
        }
        let lost =
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "expected to read 5 bytes, got 0 bytes at EOF");
        assert!(matches!(through_question_mark(sqlx::Error::Io(lost)), Err(StoreError::Unavailable(_))));
        assert!(matches!(through_question_mark(sqlx::Error::PoolTimedOut), Err(StoreError::Unavailable(_))));
        assert!(matches!(through_question_mark(sqlx::Error::RowNotFound), Err(StoreError::Other(_))));
    }
}
