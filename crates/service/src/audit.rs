//! The audit log, for administrators: every write's who, when, what and before/after.

use zhiyun_domain::policy;
pub use zhiyun_store::audit::{AuditEntry, AuditFilter};

use crate::{Ctx, Error, Principal, Result};

/// Which entries, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// organisation | practitioner | user | api_token | …
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The filters as applied (blank ones dropped).
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub items: Vec<AuditEntry>,
}

impl AuditPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A page of the log (administrators).
pub async fn list(ctx: &Ctx, user: &Principal, q: AuditQuery) -> Result<AuditPage> {
    if !policy::can_administer(&user.actor()) {
        return Err(Error::forbidden());
    }
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let filter = AuditFilter {
        entity: q.entity.filter(|s| !s.is_empty()),
        entity_id: q.entity_id.filter(|s| !s.is_empty()),
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (total, items) = ctx.db.audit_list(&filter).await?;
    Ok(AuditPage {
        total,
        page,
        per_page,
        entity: filter.entity,
        entity_id: filter.entity_id,
        items,
    })
}
