//! Embedded migrations, one folder per backend. Applied in order, each in its own transaction,
//! recorded in `schema_migrations`. A migration once released is never edited: add a new one.

use crate::{Db, Result, WritePool, now, on_pool};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_applications"),
    migration!(3, "0003_listings"),
    migration!(4, "0004_listings_updated"),
    migration!(5, "0005_match_feedback"),
    migration!(6, "0006_events"),
    migration!(7, "0007_drop_listing_body"),
    migration!(8, "0008_patents"),
    migration!(9, "0009_deals"),
    migration!(10, "0010_pledges"),
    migration!(11, "0011_surveys"),
    migration!(12, "0012_auctions"),
    migration!(13, "0013_several_processes"),
    migration!(14, "0014_bureau_reports"),
    migration!(15, "0015_auction_owner_consent"),
    migration!(16, "0016_deal_patent_count"),
    migration!(17, "0017_kpi_sums"),
    migration!(18, "0018_self_registration"),
    migration!(19, "0019_match_contacts"),
    migration!(20, "0020_notifications"),
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Several server processes starting at once on one PostgreSQL database migrate one after the
/// other: each migration's transaction first takes a lock of the schema (SQLite's write
/// transactions are one at a time already).
macro_rules! serialise {
    ($db:expr, $tx:expr) => {
        if matches!($db, Db::Postgres(_)) {
            sqlx::query(
                "SELECT pg_advisory_xact_lock(hashtext('zhiyun.migrate.' || current_schema()))",
            )
            .execute(&mut *$tx)
            .await?;
        }
    };
}

/// Apply what is missing; returns the names applied now.
pub(crate) async fn run(db: &Db) -> Result<Vec<String>> {
    let mut applied = Vec::new();
    on_pool!(db, p => {
        let mut tx = p.begin_write().await?;
        serialise!(db, tx);
        sqlx::query(CREATE_TABLE).execute(&mut *tx).await?;
        tx.commit().await?;
        for m in MIGRATIONS {
            let mut tx = p.begin_write().await?;
            serialise!(db, tx);
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let sql = match db {
                Db::Sqlite(_) => m.sqlite,
                Db::Postgres(_) => m.postgres,
            };
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(migration = m.name, "applied");
            applied.push(m.name.to_string());
        }
    });
    Ok(applied)
}
