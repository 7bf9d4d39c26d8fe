//! Fresh databases for tests: a new SQLite file, or a new schema on the Postgres server named by
//! `ZHIYUN_TEST_POSTGRES_URL`, so tests run in parallel without seeing each other.

use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::password::random_hex;
use crate::{Db, Result};

/// The Postgres server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("ZHIYUN_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A migrated SQLite database in a new temporary file.
pub async fn fresh_sqlite() -> Result<Db> {
    let path = std::env::temp_dir().join(format!("zhiyun-test-{}.db", random_hex(8)));
    let db = Db::connect_sqlite(path.to_str().expect("utf-8 temp path")).await?;
    db.migrate().await?;
    Ok(db)
}

/// A migrated Postgres database in a new schema of the server at `url`.
pub async fn fresh_postgres(url: &str) -> Result<Db> {
    let schema = format!("t_{}", random_hex(8));
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let opts = PgConnectOptions::from_str(url)?.options([("search_path", schema.as_str())]);
    let db = Db::connect_postgres(opts).await?;
    db.migrate().await?;
    Ok(db)
}

/// A new, empty database on the Postgres server at `url` (for tests that start processes of their
/// own, which take a database URL): its name and URL. Drop it with [`drop_postgres_database`].
pub async fn create_postgres_database(url: &str) -> Result<(String, String)> {
    let name = format!("zhiyun_t_{}", random_hex(8));
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    // The same URL with the new database's name as its path.
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path = url[after_scheme..].find('/').map(|i| after_scheme + i);
    let query = url.find('?').map_or("", |i| &url[i..]);
    let base = &url[..path.unwrap_or(url.len() - query.len())];
    Ok((name.clone(), format!("{base}/{name}{query}")))
}

/// Drop a database made by [`create_postgres_database`] (its connections are ended first).
pub async fn drop_postgres_database(url: &str, name: &str) -> Result<()> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(())
}

/// The database the test suite runs on: Postgres when `ZHIYUN_TEST_POSTGRES_URL` is set, else SQLite.
pub async fn fresh() -> Db {
    match postgres_url() {
        Some(url) => fresh_postgres(&url).await.expect("fresh postgres schema"),
        None => fresh_sqlite().await.expect("fresh sqlite file"),
    }
}

/// Every backend available to this run: SQLite always, Postgres when configured.
pub async fn all_backends() -> Vec<Db> {
    let mut dbs = vec![fresh_sqlite().await.expect("fresh sqlite file")];
    if let Some(url) = postgres_url() {
        dbs.push(fresh_postgres(&url).await.expect("fresh postgres schema"));
    }
    dbs
}

/// Run one SQL statement as is: tests use it to put data the store would never write (to see
/// that reading it back fails loudly).
pub async fn execute(db: &Db, sql: &str) -> Result<()> {
    crate::on_pool!(db, p => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(p)
        .await
        .map(|_| ())?);
    Ok(())
}
