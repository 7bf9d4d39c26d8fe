//! Small key/value facts about this installation (e.g. that the demo data set is loaded).

use crate::{Db, Result, WritePool, on_pool};

/// The key of a random id kept in the database: a search index built from another database (or
/// from this one before a restore) is rebuilt.
pub const DATABASE_ID: &str = "database_id";

impl Db {
    pub async fn meta_get(&self, key: &str) -> Result<Option<String>> {
        on_pool!(self, p => Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await?))
    }

    pub async fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
