//! Backups of a SQLite database while it is in use, and their restore. (PostgreSQL has its own
//! tools: `pg_dump` and `pg_restore`; see the README's operations section.) Attachments are rows
//! (`attachments.data`), so the one file holds everything.

use std::path::Path;
use std::str::FromStr;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::{Db, Result, StoreError, on_pool};

/// Rows of one table, and (SQLite) a digest of their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub table: String,
    pub rows: i64,
    /// The sum of FNV-1a hashes of every row's quoted values (0 on PostgreSQL).
    pub digest: u64,
}

fn internal(message: String) -> StoreError {
    StoreError::Internal(message)
}

impl Db {
    /// SQLite: write a consistent copy of the database, as of one moment, to the new file `to`
    /// (`VACUUM INTO`: readers and writers of the live database carry on). On PostgreSQL: refused
    /// (use `pg_dump`).
    pub async fn backup_into(&self, to: &Path) -> Result<()> {
        let Db::Sqlite(pool) = self else {
            return Err(internal(
                "PostgreSQL 请用 pg_dump 备份（见 README“运维”一节）".into(),
            ));
        };
        if to.exists() {
            return Err(internal(format!(
                "{} 已存在：备份不覆盖已有文件",
                to.display()
            )));
        }
        let path = to
            .to_str()
            .ok_or_else(|| internal(format!("{}: not UTF-8", to.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Every table of the schema with its row count (and, on SQLite, a digest of its rows), by
    /// name: what a backup and its restore are compared by.
    pub async fn table_summaries(&self) -> Result<Vec<TableSummary>> {
        let tables: Vec<String> = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                     ORDER BY name",
                )
                .fetch_all(p)
                .await?
            }
            Db::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
                )
                .fetch_all(p)
                .await?
            }
        };
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let quoted = format!("\"{}\"", table.replace('"', "\"\""));
            let rows: i64 = on_pool!(self, p => sqlx::query_scalar(sqlx::AssertSqlSafe(
                format!("SELECT COUNT(*) FROM {quoted}")))
                .fetch_one(p)
                .await?);
            let digest = match self {
                Db::Sqlite(p) => {
                    let columns: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                            .bind(&table)
                            .fetch_all(p)
                            .await?;
                    let row = columns
                        .iter()
                        .map(|c| format!("quote(\"{}\")", c.replace('"', "\"\"")))
                        .collect::<Vec<_>>()
                        .join(" || '|' || ");
                    let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT {row} FROM {quoted}"
                    )))
                    .fetch_all(p)
                    .await?;
                    // A sum of the rows' hashes: the same rows in any order (a copy may number
                    // the rows of tables without an integer key differently).
                    lines.iter().fold(0u64, |sum, line| {
                        sum.wrapping_add(line.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                        }))
                    })
                }
                Db::Postgres(_) => 0,
            };
            out.push(TableSummary {
                table,
                rows,
                digest,
            });
        }
        Ok(out)
    }
}

/// Check that `file` is a sound 知运 SQLite database (integrity check, migrations table): the
/// number of migrations it has.
pub async fn check_sqlite_file(file: &Path) -> Result<i64> {
    let path = file
        .to_str()
        .ok_or_else(|| internal(format!("{}: not UTF-8", file.display())))?;
    if !file.is_file() {
        return Err(internal(format!("{path}：文件不存在")));
    }
    let opts = SqliteConnectOptions::from_str(path)?.read_only(true);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| internal(format!("{path}：不是 SQLite 数据库（{e}）")))?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| internal(format!("{path}：不是 SQLite 数据库（{e}）")))?;
    if check != "ok" {
        return Err(internal(format!("{path}：数据库已损坏（{check}）")));
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| internal(format!("{path}：不是知运的数据库（{e}）")))?;
    conn.close().await?;
    Ok(migrations)
}

/// Put the backup `from` in place as the database file `to`, which must not exist yet (nor its
/// `-wal`/`-shm` companions): checked first, copied beside the target, then renamed into place,
/// so a failed restore leaves no half-written database.
pub async fn restore_sqlite_file(from: &Path, to: &Path) -> Result<()> {
    check_sqlite_file(from).await?;
    let companions = ["-wal", "-shm"].map(|suffix| {
        let mut name = to.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    });
    if to.exists() || companions.iter().any(|c| c.exists()) {
        return Err(internal(format!(
            "{} 已存在：恢复不覆盖已有数据库（先移走它，或换一个位置）",
            to.display()
        )));
    }
    if let Some(dir) = to.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut partial = to.as_os_str().to_owned();
    partial.push(".restoring");
    let partial = std::path::PathBuf::from(partial);
    let copied = std::fs::copy(from, &partial)
        .and_then(|_| std::fs::File::open(&partial)?.sync_all())
        .and_then(|_| std::fs::rename(&partial, to));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(internal(format!(
            "cannot copy {} to {}: {e}",
            from.display(),
            to.display()
        )));
    }
    Ok(())
}
