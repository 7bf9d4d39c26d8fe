//! T3: what matching reads (the published listings of a kind, and whether they changed) and the
//! owners' verdicts on suggestions.

use serde::Serialize;
use zhiyun_domain::listing::ListingKind;

use crate::listings::{COLUMNS, ListingRecord, ListingRow, records};
use crate::{Db, Result, Who, WritePool, audit, on_pool};

/// An owner's verdict on a suggested pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Feedback {
    pub demand_id: i64,
    pub supply_id: i64,
    /// `demand` or `supply`: whose owner gave it.
    pub side: String,
    /// `interested` or `not_relevant`.
    pub verdict: String,
    /// A decline reason's slug (`too_early` …) when not relevant.
    pub reason: Option<String>,
    pub user_id: i64,
    /// When it was given (unix seconds).
    pub at: i64,
}

/// Declines of an organisation's supplies by demand owners, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DeclineCount {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub reason: String,
    pub count: i64,
}

impl Db {
    /// Every published listing of a kind, by id.
    pub async fn listings_published(&self, kind: ListingKind) -> Result<Vec<ListingRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM listings WHERE kind = $1 AND status = 'published' ORDER BY id"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql))
            .bind(kind.slug())
            .fetch_all(p)
            .await?);
        records(rows)
    }

    /// A fingerprint of a kind's listings (count, newest change): equal fingerprints, same set.
    pub async fn listings_version(&self, kind: ListingKind) -> Result<(i64, i64)> {
        let sql = "SELECT COUNT(*), COALESCE(MAX(change_seq), 0) FROM listings WHERE kind = $1";
        on_pool!(self, p => Ok(sqlx::query_as::<_, (i64, i64)>(sql)
            .bind(kind.slug())
            .fetch_one(p)
            .await?))
    }

    /// Record (or change) an owner's verdict on a pair, given at `f.at`.
    pub async fn match_feedback_set(&self, f: &Feedback, who: &Who) -> Result<Feedback> {
        let f = f.clone();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO match_feedback (demand_id, supply_id, side, verdict, reason, user_id, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (demand_id, supply_id, side) DO UPDATE SET verdict = excluded.verdict,
                   reason = excluded.reason, user_id = excluded.user_id, at = excluded.at",
            )
            .bind(f.demand_id)
            .bind(f.supply_id)
            .bind(f.side.as_str())
            .bind(f.verdict.as_str())
            .bind(f.reason.as_deref())
            .bind(f.user_id)
            .bind(f.at)
            .execute(&mut *tx)
            .await?;
            let id = format!("{}-{}", f.demand_id, f.supply_id);
            audit!(tx, who, "match_feedback", "match", id, None::<&Feedback>, Some(&f));
            tx.commit().await?;
        });
        Ok(f)
    }

    /// The verdicts the owner of a listing (of kind `side`) gave on its suggestions.
    pub async fn match_feedback_of(
        &self,
        listing_id: i64,
        side: ListingKind,
    ) -> Result<Vec<Feedback>> {
        let column = match side {
            ListingKind::Demand => "demand_id",
            ListingKind::Supply => "supply_id",
        };
        let sql = format!(
            "SELECT demand_id, supply_id, side, verdict, reason, user_id, at FROM match_feedback
             WHERE {column} = $1 AND side = $2 ORDER BY at"
        );
        on_pool!(self, p => Ok(sqlx::query_as::<_, Feedback>(sqlx::AssertSqlSafe(sql))
            .bind(listing_id)
            .bind(side.slug())
            .fetch_all(p)
            .await?))
    }

    /// How often demand owners declined each organisation's supplies, by reason (feedback the
    /// supply side can act on).
    pub async fn match_decline_counts(&self) -> Result<Vec<DeclineCount>> {
        let sql = "SELECT o.id AS org_id, o.name AS org_name, o.kind AS org_kind,
                          f.reason AS reason, COUNT(*) AS count
                   FROM match_feedback f
                   JOIN listings s ON s.id = f.supply_id
                   JOIN organisations o ON o.id = s.owner_org_id
                   WHERE f.verdict = 'not_relevant' AND f.side = 'demand' AND f.reason IS NOT NULL
                   GROUP BY o.id, o.name, o.kind, f.reason
                   ORDER BY o.name, f.reason";
        on_pool!(self, p => Ok(sqlx::query_as::<_, DeclineCount>(sql).fetch_all(p).await?))
    }
}
