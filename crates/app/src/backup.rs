//! `zhiyun backup --to FILE` and `zhiyun restore --from FILE [--to PATH]`: a SQLite installation
//! backed up while the server runs, and put back (`zhiyun_service::backup`). PostgreSQL
//! installations use `pg_dump`/`pg_restore` (the README's operations section).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use zhiyun_service::backup::TableSummary;
use zhiyun_service::{Ctx, Hasher};
use zhiyun_store::Db;

fn is_postgres(url: Option<&str>) -> bool {
    url.is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

fn summary(tables: &[TableSummary]) -> String {
    let rows: i64 = tables.iter().map(|t| t.rows).sum();
    let named = |name: &str| {
        tables
            .iter()
            .find(|t| t.table == name)
            .map_or(0, |t| t.rows)
    };
    format!(
        "{} tables, {rows} rows (organisations {}, users {}, listings {}, applications {}, attachments {}, audit entries {})",
        tables.len(),
        named("organisations"),
        named("users"),
        named("listings"),
        named("applications"),
        named("attachments"),
        named("audit_log"),
    )
}

pub async fn backup(database_url: Option<&str>, to: &Path) -> Result<()> {
    if is_postgres(database_url) {
        bail!(
            "the database is PostgreSQL: back it up with pg_dump, e.g.\n  pg_dump -Fc -f zhiyun.dump \"$ZHIYUN_DATABASE_URL\"\n(see the README's operations section)"
        );
    }
    // The running server's database as it is: no migration first.
    let db = Db::connect(database_url)
        .await
        .context("cannot open the database")?;
    let started = std::time::Instant::now();
    let tables = zhiyun_service::backup::backup(&Ctx::new(db.clone(), Hasher::default()), to)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    db.close().await;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {} ({:.1} MB in {:.1} s): {}",
        to.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        summary(&tables)
    );
    Ok(())
}

pub async fn restore(database_url: Option<&str>, from: &Path, to: Option<PathBuf>) -> Result<()> {
    let to = match (to, database_url) {
        (Some(to), _) => to,
        (None, url) if is_postgres(url) => bail!(
            "the database is PostgreSQL: restore a pg_dump file with pg_restore, e.g.\n  pg_restore --clean --if-exists -d \"$ZHIYUN_DATABASE_URL\" zhiyun.dump\nthen `zhiyun reindex` (see the README's operations section)"
        ),
        (None, url) => {
            let path = url.unwrap_or(zhiyun_store::DEFAULT_SQLITE_PATH);
            PathBuf::from(path.strip_prefix("sqlite://").unwrap_or(path))
        }
    };
    let tables = zhiyun_service::backup::restore(from, &to)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!(
        "restored {} to {}: {}\nThe search index is rebuilt at the next `zhiyun serve` (or run `zhiyun reindex`).",
        from.display(),
        to.display(),
        summary(&tables)
    );
    Ok(())
}
