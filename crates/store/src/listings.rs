//! Supply and demand listings and the patents they link (T1, T2).

use serde::Serialize;
use zhiyun_domain::listing::{Listing, ListingStatus};

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool, unique_violation};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ListingRow {
    pub id: i64,
    pub kind: String,
    pub owner_org_id: i64,
    pub status: String,
    pub title: String,
    pub description: String,
    pub field: String,
    /// JSON array of modes.
    pub modes: String,
    /// JSON array of canonical IPC codes.
    pub ipc: String,
    pub price_fen: Option<i64>,
    pub district_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: String,
    pub maturity: Option<String>,
    pub body_json: String,
    pub return_reason: Option<String>,
    pub last_confirmed_at: i64,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ListingRow {
    pub fn status(&self) -> ListingStatus {
        ListingStatus::parse(&self.status).unwrap_or(ListingStatus::Draft)
    }

    pub fn modes(&self) -> Vec<String> {
        serde_json::from_str(&self.modes).unwrap_or_default()
    }

    pub fn ipc(&self) -> Vec<String> {
        serde_json::from_str(&self.ipc).unwrap_or_default()
    }
}

const COLUMNS: &str =
    "id, kind, owner_org_id, status, title, description, field, modes, ipc, price_fen,
    district_code, contact_name, contact_phone, valid_until, maturity, body_json, return_reason,
    last_confirmed_at, published_at, created_at, updated_at";

#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    pub owner_org_id: Option<i64>,
    pub status: Option<ListingStatus>,
    pub kind: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

struct Cols {
    modes: String,
    ipc: String,
}

fn cols(l: &Listing) -> Result<Cols> {
    Ok(Cols {
        modes: serde_json::to_string(&l.modes)?,
        ipc: serde_json::to_string(&l.ipc.iter().map(|c| c.as_str()).collect::<Vec<_>>())?,
    })
}

fn duplicate(title: &str) -> StoreError {
    StoreError::Conflict {
        code: "duplicate_listing",
        field: Some("title"),
        message: format!("本机构已有同名条目“{title}”"),
    }
}

impl Db {
    /// Create a draft. A patent already linked to another live listing is refused (409 `patent_already_listed`).
    pub async fn listing_create(
        &self,
        owner_org_id: i64,
        l: &Listing,
        body_json: &str,
        who: &Who,
    ) -> Result<ListingRow> {
        let c = cols(l)?;
        let ts = now();
        let sql = format!(
            "INSERT INTO listings (kind, owner_org_id, status, title, description, field, modes, ipc, price_fen,
               district_code, contact_name, contact_phone, valid_until, maturity, body_json, last_confirmed_at,
               created_at, updated_at)
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $15)
             RETURNING {COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for patent in &l.patents {
                let taken: Option<(i64, String)> = sqlx::query_as(
                    "SELECT l.id, l.title FROM listing_patents lp JOIN listings l ON l.id = lp.listing_id
                     WHERE lp.number = $1 AND l.status NOT IN ('withdrawn', 'expired', 'fulfilled')")
                    .bind(patent.number.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((id, title)) = taken {
                    return Err(StoreError::Conflict {
                        code: "patent_already_listed",
                        field: Some("patents"),
                        message: format!("专利 {} 已在第 {id} 号条目“{title}”中发布或待发布", patent.number),
                    });
                }
            }
            let row = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(l.kind.slug())
                .bind(owner_org_id)
                .bind(&l.title)
                .bind(&l.description)
                .bind(l.field)
                .bind(&c.modes)
                .bind(&c.ipc)
                .bind(l.price.map(|f| f.fen()))
                .bind(l.district_code)
                .bind(&l.contact_name)
                .bind(&l.contact_phone)
                .bind(l.valid_until.format("%Y-%m-%d").to_string())
                .bind(l.maturity)
                .bind(body_json)
                .bind(ts)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { duplicate(&l.title) } else { e.into() })?;
            for patent in &l.patents {
                sqlx::query("INSERT INTO listing_patents (listing_id, number, patent_type) VALUES ($1, $2, $3)")
                    .bind(row.id)
                    .bind(patent.number.as_str())
                    .bind(patent.patent_type.code())
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(tx, who, "create", "listing", row.id, None::<&ListingRow>, Some(&row));
            tx.commit().await?;
            Ok(row)
        })
    }

    pub async fn listing_get(&self, id: i64) -> Result<ListingRow> {
        let sql = format!("SELECT {COLUMNS} FROM listings WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))
    }

    pub async fn listing_patents(&self, id: i64) -> Result<Vec<(String, String)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (String, String)>(
            "SELECT number, patent_type FROM listing_patents WHERE listing_id = $1 ORDER BY number")
            .bind(id)
            .fetch_all(p)
            .await?))
    }

    /// Newest first.
    pub async fn listing_list(&self, f: &ListingFilter) -> Result<(i64, Vec<ListingRow>)> {
        const WHERE: &str = "WHERE ($1 IS NULL OR owner_org_id = $1) AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR kind = $3)";
        let count_sql = format!("SELECT COUNT(*) FROM listings {WHERE}");
        let list_sql =
            format!("SELECT {COLUMNS} FROM listings {WHERE} ORDER BY id DESC LIMIT $4 OFFSET $5");
        let status = f.status.map(ListingStatus::slug);
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
        on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(f.owner_org_id)
                .bind(status)
                .bind(f.kind.as_deref())
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(list_sql.as_str()))
                .bind(f.owner_org_id)
                .bind(status)
                .bind(f.kind.as_deref())
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            Ok((total, rows))
        })
    }

    /// Move a listing from `from` to `to` (the domain decided the transition is allowed); publishing
    /// stamps `published_at` and counts as a confirmation. Refused if the status changed meanwhile.
    pub async fn listing_set_status(
        &self,
        id: i64,
        from: ListingStatus,
        to: ListingStatus,
        reason: Option<&str>,
        who: &Who,
    ) -> Result<ListingRow> {
        let sql = format!(
            "UPDATE listings SET status = $1, return_reason = $2, updated_at = $3,
               published_at = CASE WHEN $1 = 'published' THEN $3 ELSE published_at END,
               last_confirmed_at = CASE WHEN $1 = 'published' THEN $3 ELSE last_confirmed_at END
             WHERE id = $4 AND status = $5 RETURNING {COLUMNS}"
        );
        let before = self.listing_get(id).await?;
        let after = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let after = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(to.slug())
                .bind(reason)
                .bind(now())
                .bind(id)
                .bind(from.slug())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(status_changed)?;
            audit!(tx, who, to.slug(), "listing", id, Some(&before), Some(&after));
            tx.commit().await?;
            after
        });
        Ok(after)
    }

    /// The owner confirms the listing is still current (T1: lists updated on a schedule).
    pub async fn listing_confirm(&self, id: i64, who: &Who) -> Result<ListingRow> {
        let sql = format!(
            "UPDATE listings SET last_confirmed_at = $1, updated_at = $1 WHERE id = $2 RETURNING {COLUMNS}"
        );
        let before = self.listing_get(id).await?;
        let after = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let after = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(now())
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "confirm", "listing", id, Some(&before), Some(&after));
            tx.commit().await?;
            after
        });
        Ok(after)
    }
}

fn status_changed() -> StoreError {
    StoreError::Conflict {
        code: "status_changed",
        field: None,
        message: "条目状态已被他人更改，请刷新后重试".into(),
    }
}

/// Published listings on the public site, counted by kind, district, field and month of publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ListingCount {
    pub kind: String,
    pub district_code: String,
    pub field: String,
    /// `YYYY-MM` of publication (Beijing time).
    pub month: String,
    pub n: i64,
}

impl Db {
    /// T1 progress. Mirrors `zhiyun_domain::listing::publicly_visible` in SQL: published, valid on
    /// `today` (YYYY-MM-DD), confirmed at or after `confirmed_since` (unix seconds).
    pub async fn listing_counts(
        &self,
        today: &str,
        confirmed_since: i64,
    ) -> Result<Vec<ListingCount>> {
        // The one dialect difference: formatting a unix time as a month.
        let month = match self {
            Db::Sqlite(_) => "strftime('%Y-%m', published_at + 28800, 'unixepoch')",
            Db::Postgres(_) => {
                "to_char(to_timestamp(published_at + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')"
            }
        };
        let sql = format!(
            "SELECT kind, district_code, field, {month} AS month, COUNT(*) AS n FROM listings
             WHERE status = 'published' AND valid_until >= $1 AND last_confirmed_at >= $2
             GROUP BY kind, district_code, field, {month} ORDER BY month"
        );
        on_pool!(self, p => Ok(sqlx::query_as::<_, ListingCount>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(today)
            .bind(confirmed_since)
            .fetch_all(p)
            .await?))
    }

    /// How many of an organisation's published listings are stale (not confirmed since `confirmed_since`).
    pub async fn listing_stale_count(
        &self,
        owner_org_id: i64,
        confirmed_since: i64,
    ) -> Result<i64> {
        on_pool!(self, p => Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM listings WHERE owner_org_id = $1 AND status = 'published' AND last_confirmed_at < $2")
            .bind(owner_org_id)
            .bind(confirmed_since)
            .fetch_one(p)
            .await?))
    }
}
