//! Server-side sessions. The cookie holds a random id; the table holds only its hash.

use crate::accounts::{PRINCIPAL_SELECT, Principal, PrincipalRow};
use crate::password::{random_hex, secret_hash};
use crate::{Db, Result, WritePool, now, on_pool};

impl Db {
    /// Start a session for `user_id`, valid for `ttl_secs`; returns the cookie value.
    pub async fn session_create(&self, user_id: i64, ttl_secs: i64) -> Result<String> {
        let id = random_hex(32);
        let ts = now();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // Expired sessions are swept whenever a new one starts.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(ts)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(secret_hash(&id))
                .bind(user_id)
                .bind(ts)
                .bind(ts + ttl_secs)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The principal of a live session, if any.
    pub async fn session_principal(&self, id: &str) -> Result<Option<Principal>> {
        let sql = format!(
            "{PRINCIPAL_SELECT} JOIN sessions s ON s.user_id = u.id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = $3"
        );
        on_pool!(self, p => sqlx::query_as::<_, PrincipalRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(secret_hash(id))
            .bind(now())
            .bind(false)
            .fetch_optional(p)
            .await?
            .map(Principal::try_from)
            .transpose())
    }

    /// Forget sessions expired at `now`; returns how many.
    pub async fn sessions_prune(&self, now: i64) -> Result<u64> {
        on_pool!(self, p => Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()))
    }

    pub async fn session_delete(&self, id: &str) -> Result<()> {
        on_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret_hash(id))
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }
}
