//! The audit log: every write records who, when, which entity and what changed (before/after).
//! Entries are written inside the same transaction as the change they describe.

use serde::Serialize;

use crate::{Db, Result, on_pool};

/// Who made a change: a user, or the command line (user `None`, name `cli`).
#[derive(Debug, Clone)]
pub struct Who {
    pub user_id: Option<i64>,
    pub username: String,
}

impl Who {
    pub fn user(user_id: i64, username: &str) -> Who {
        Who {
            user_id: Some(user_id),
            username: username.to_string(),
        }
    }

    pub fn cli() -> Who {
        Who {
            user_id: None,
            username: "cli".to_string(),
        }
    }

    pub fn system(what: &str) -> Who {
        Who {
            user_id: None,
            username: what.to_string(),
        }
    }
}

/// Insert an audit entry with the transaction `$tx`. `$before`/`$after` are `Option<&impl Serialize>`.
#[macro_export]
macro_rules! audit {
    ($tx:expr, $who:expr, $action:expr, $entity:expr, $id:expr, $before:expr, $after:expr) => {{
        let before = $crate::audit::to_json($before)?;
        let after = $crate::audit::to_json($after)?;
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, before_json, after_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($crate::now())
        .bind($who.user_id)
        .bind($who.username.as_str())
        .bind($action)
        .bind($entity)
        .bind($id.to_string())
        .bind(before)
        .bind(after)
        .execute(&mut *$tx)
        .await?;
    }};
}

#[doc(hidden)]
pub fn to_json<T: Serialize + ?Sized>(v: Option<&T>) -> Result<Option<String>> {
    Ok(v.map(serde_json::to_string).transpose()?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Db {
    /// Newest first.
    pub async fn audit_list(&self, f: &AuditFilter) -> Result<(i64, Vec<AuditEntry>)> {
        const WHERE: &str = "WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2)";
        let count_sql = format!("SELECT COUNT(*) FROM audit_log {WHERE}");
        let list_sql = format!(
            "SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json
             FROM audit_log {WHERE} ORDER BY id DESC LIMIT $3 OFFSET $4"
        );
        let limit = f.limit.clamp(1, 500);
        on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(f.entity.as_deref())
                .bind(f.entity_id.as_deref())
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, AuditEntry>(sqlx::AssertSqlSafe(list_sql.as_str()))
                .bind(f.entity.as_deref())
                .bind(f.entity_id.as_deref())
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            Ok((total, rows))
        })
    }
}
