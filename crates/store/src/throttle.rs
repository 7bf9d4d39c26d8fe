//! The login throttle's counts, shared by every process (the rule is the web's `Throttle`):
//! failures per key within a window that starts at the first failure. Counters, not records: they
//! are not audited (lockouts are).

use crate::{Db, Result, WritePool, on_pool};

impl Db {
    /// (failures, start of the window) of `key`, if it failed since its last success.
    pub async fn throttle_get(&self, key: &str) -> Result<Option<(i64, i64)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (i64, i64)>(
            "SELECT failures, window_start FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await?))
    }

    /// Count a failure of `key` at `now`; a window that started at or before `expired_before`
    /// starts again at `now`. Returns the new (failures, start of the window).
    pub async fn throttle_fail(
        &self,
        key: &str,
        now: i64,
        expired_before: i64,
    ) -> Result<(i64, i64)> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let counted = sqlx::query_as::<_, (i64, i64)>(
                "INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN login_throttle.window_start <= $3 THEN 1
                                   ELSE login_throttle.failures + 1 END,
                   window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2
                                       ELSE login_throttle.window_start END
                 RETURNING failures, window_start")
                .bind(key)
                .bind(now)
                .bind(expired_before)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(counted)
        })
    }

    /// Record in the audit log that `key` (`user:NAME@ADDRESS` or `addr:ADDRESS`) is locked out
    /// after `failures` failures, until `until` (Unix seconds).
    pub async fn throttle_audit_lockout(&self, key: &str, failures: i64, until: i64) -> Result<()> {
        let who = crate::Who::system("login_throttle");
        let after = serde_json::json!({"failures": failures, "locked_until": until});
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            crate::audit!(tx, who, "lockout", "login", key, None::<&serde_json::Value>, Some(&after));
            tx.commit().await?;
            Ok(())
        })
    }

    /// Forget the failures of `key` (after a success).
    pub async fn throttle_clear(&self, key: &str) -> Result<()> {
        on_pool!(self, p => sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Forget windows that started before `before`; returns how many.
    pub async fn throttle_prune(&self, before: i64) -> Result<u64> {
        on_pool!(self, p => Ok(sqlx::query("DELETE FROM login_throttle WHERE window_start < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
