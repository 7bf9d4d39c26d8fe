//! 知运 store: one [`Db`] over an embedded SQLite file or a PostgreSQL server.
//!
//! SQL is written once with `$1` placeholders (SQLite accepts them) and run through [`on_pool!`],
//! which compiles the same body for each backend. Dialect differences live in the migrations
//! (`migrations/sqlite`, `migrations/postgres`) and in the few `match`es on [`Db`].
//! Every write runs in one transaction together with its audit-log entry.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub mod accounts;
pub mod applications;
pub mod auctions;
pub mod audit;
pub mod backup;
pub mod bureau_reports;
pub mod deals;
pub mod events;
pub mod jobs;
pub mod kpi;
pub mod kpi_sums;
pub mod listings;
pub mod match_contacts;
pub mod matching;
pub mod meta;
mod migrate;
pub mod notifications;
pub mod orgs;
pub mod password;
pub mod patent_stats;
pub mod patents;
pub mod pledges;
pub mod registrations;
pub mod sessions;
pub mod surveys;
pub mod testing;
pub mod throttle;
pub mod trademarks;
pub mod uploads;

pub use audit::Who;

/// The default database when `ZHIYUN_DATABASE_URL` is not set.
pub const DEFAULT_SQLITE_PATH: &str = "./data/zhiyun.db";

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Run `$body` with `$p` bound to the backend's pool; the body is compiled once per backend.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Begin a write transaction: `BEGIN IMMEDIATE` on SQLite (a deferred transaction that reads
/// then writes fails with "database is locked"), a plain `BEGIN` on Postgres.
pub trait WritePool {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = sqlx::Result<sqlx::Transaction<'static, Self::Database>>> + Send;
}

impl WritePool for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl WritePool for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict the user can act on.
    #[error("{message}")]
    Conflict {
        code: zhiyun_domain::code::Code,
        field: Option<&'static str>,
        message: String,
    },
    /// A stored value that does not decode into its type: the data is wrong, not the request.
    /// Rows are decoded once, here in the store; nothing downstream re-parses or defaults.
    #[error("corrupt {entity} {id}: {detail}")]
    Corrupt {
        entity: &'static str,
        id: i64,
        detail: String,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Unix seconds now. Timestamps are bound from Rust, never `CURRENT_TIMESTAMP` (formats differ).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Db {
    /// Connect to `url` (`postgres://…`, `sqlite://…` or a file path), or to the default SQLite file.
    pub async fn connect(url: Option<&str>) -> Result<Db> {
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                let opts = PgConnectOptions::from_str(u)?;
                Self::connect_postgres(opts).await
            }
            Some(u) => Self::connect_sqlite(u.strip_prefix("sqlite://").unwrap_or(u)).await,
            None => Self::connect_sqlite(DEFAULT_SQLITE_PATH).await,
        }
    }

    pub async fn connect_sqlite(path: &str) -> Result<Db> {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Internal(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    pub async fn connect_postgres(opts: PgConnectOptions) -> Result<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// `sqlite` or `postgres`, as `/healthz` reports it.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Apply the embedded migrations of this backend, then refresh the reference data.
    pub async fn migrate(&self) -> Result<Vec<String>> {
        let applied = migrate::run(self).await?;
        self.sync_reference_data().await?;
        // The KPI figures kept beside the records start from what is recorded already.
        if applied.iter().any(|m| m == "0017_kpi_sums") {
            self.kpi_sums_rebuild().await?;
        }
        Ok(applied)
    }

    /// A cheap round trip, for the health check.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?);
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }

    /// Districts are data (DOMAIN.md §2): written from the domain's reference file on every migrate.
    async fn sync_reference_data(&self) -> Result<()> {
        const SQL: &str = "INSERT INTO districts (code, name, grp, population_2020, a2_group, current, merged_into)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, grp = excluded.grp,
              population_2020 = excluded.population_2020, a2_group = excluded.a2_group,
              current = excluded.current, merged_into = excluded.merged_into";
        let all: Vec<_> = zhiyun_domain::district::by_code_all().collect();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for d in &all {
                sqlx::query(SQL)
                    .bind(d.code)
                    .bind(d.name)
                    .bind(d.group.label())
                    .bind(d.population_2020.map(|n| n as i64))
                    .bind(match d.a2_group {
                        zhiyun_domain::district::A2Group::Lower => "lower",
                        zhiyun_domain::district::A2Group::Standard => "standard",
                    })
                    .bind(d.current)
                    .bind(d.merged_into)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

/// Map a unique-constraint violation to a conflict the user can act on.
pub(crate) fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
