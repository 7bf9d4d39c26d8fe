//! Backups of a SQLite installation and their restore (`zhiyun backup`, `zhiyun restore`): the
//! database is one file and attachments are rows in it, so a backup is one file, written while
//! the server runs. On PostgreSQL: `pg_dump` and `pg_restore` (the README's operations section).
//! After a restore the search index is rebuilt: the restored database gets a new identity, and an
//! index that holds changes the database does not rebuilds itself anyway.

use std::path::Path;

use zhiyun_store::Db;
pub use zhiyun_store::backup::TableSummary;

use crate::{Ctx, Error, Kind, Result};
use zhiyun_domain::code::Code;

fn refused(message: String) -> Error {
    Error::new(Kind::Invalid, Code::Invalid, message)
}

/// Write a consistent copy of the context's SQLite database to the new file `to` while it is in
/// use; the tables and rows the copy holds.
pub async fn backup(ctx: &Ctx, to: &Path) -> Result<Vec<TableSummary>> {
    if ctx.backend() != "sqlite" {
        return Err(refused(
            "PostgreSQL 的数据库请用 pg_dump 备份、pg_restore 恢复（见 README“运维”一节）".into(),
        ));
    }
    if to.exists() {
        return Err(refused(format!(
            "{} 已存在：备份不覆盖已有文件",
            to.display()
        )));
    }
    if let Some(dir) = to.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| refused(format!("无法创建目录 {}：{e}", dir.display())))?;
    }
    ctx.db.backup_into(to).await.map_err(stored)?;
    let copy = Db::connect_sqlite(path_str(to)?).await.map_err(stored)?;
    let tables = copy.table_summaries().await.map_err(stored);
    copy.close().await;
    tables
}

/// Put the backup `from` in place as the SQLite database `to` (which must not exist yet), bring
/// it to this version's schema and give it a new identity (so the search index is rebuilt); the
/// tables and rows it holds.
pub async fn restore(from: &Path, to: &Path) -> Result<Vec<TableSummary>> {
    zhiyun_store::backup::restore_sqlite_file(from, to)
        .await
        .map_err(stored)?;
    let db = Db::connect_sqlite(path_str(to)?).await.map_err(stored)?;
    db.migrate().await.map_err(stored)?;
    db.meta_set(zhiyun_store::meta::DATABASE_ID, &crate::random_hex(16))
        .await
        .map_err(stored)?;
    let tables = db.table_summaries().await.map_err(stored);
    db.close().await;
    tables
}

/// Every table with its rows (and on SQLite a digest of them): for comparing a database with its
/// backup.
pub async fn tables(ctx: &Ctx) -> Result<Vec<TableSummary>> {
    ctx.db.table_summaries().await.map_err(stored)
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str()
        .ok_or_else(|| refused(format!("{}：路径不是 UTF-8", p.display())))
}

/// The command line shows the store's message (a path, a refusal), not a generic one.
fn stored(e: zhiyun_store::StoreError) -> Error {
    match e {
        zhiyun_store::StoreError::Internal(m) => refused(m),
        e => Error::new(Kind::Internal, Code::Internal, e.to_string()),
    }
}
