//! Supply and demand listings and the patents they link (T1, T2).

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{IpcCode, Listing, ListingKind, ListingStatus};
use zhiyun_domain::money::Fen;

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

/// A listing as stored: plain columns, decoded once into a [`ListingRecord`]. The audit log
/// records rows in this form.
/// `change_seq` of a row written by a transaction that has not yet taken its change number
/// ([`stamp_changes!`]); never committed.
const PENDING: i64 = -1;

/// The last step of every transaction that writes listings: take the next change number (the
/// counter's row stays locked until commit, so numbers commit in order) and stamp the rows this
/// transaction wrote (`change_seq = PENDING`; other transactions' pending rows are invisible).
/// Evaluates to the number. Taken last, the counter is the last lock a writer waits for: no
/// deadlock, and concurrent writers queue only for the stamp, not for their whole transaction.
macro_rules! stamp_changes {
    ($tx:expr) => {{
        let seq: i64 = sqlx::query_scalar(
            "UPDATE change_counters SET value = value + 1 WHERE name = 'listings' RETURNING value",
        )
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query("UPDATE listings SET change_seq = $1 WHERE change_seq = $2")
            .bind(seq)
            .bind(PENDING)
            .execute(&mut *$tx)
            .await?;
        seq
    }};
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub(crate) struct ListingRow {
    id: i64,
    kind: String,
    owner_org_id: i64,
    status: String,
    title: String,
    description: String,
    field: String,
    /// JSON array of modes.
    modes: String,
    /// JSON array of canonical IPC codes.
    ipc: String,
    price_fen: Option<i64>,
    district_code: String,
    contact_name: String,
    contact_phone: String,
    /// YYYY-MM-DD
    valid_until: String,
    maturity: Option<String>,
    return_reason: Option<String>,
    last_confirmed_at: i64,
    published_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    /// The change that wrote this row last (bookkeeping of the search index, not audited).
    #[serde(skip)]
    change_seq: i64,
}

/// A supply or demand listing (T1), every column in its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingRecord {
    pub id: i64,
    pub kind: ListingKind,
    pub owner_org_id: i64,
    pub status: ListingStatus,
    pub title: String,
    pub description: String,
    /// One of the eight technical fields.
    pub field: String,
    pub modes: Vec<String>,
    pub ipc: Vec<IpcCode>,
    /// Budget (demand) or reference price (supply); None = 面议.
    pub price: Option<Fen>,
    pub district_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: NaiveDate,
    pub maturity: Option<String>,
    /// Why the operator returned it, if it was.
    pub return_reason: Option<String>,
    pub last_confirmed_at: i64,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The change that wrote this row last: every listing write takes the next number of one
    /// counter as the last step of its transaction, so the numbers commit in order (see
    /// [`Db::listings_changed_after`]).
    pub change_seq: i64,
}

impl ListingRecord {
    /// The IPC codes in canonical form.
    pub fn ipc_strings(&self) -> Vec<String> {
        self.ipc.iter().map(|c| c.as_str().to_string()).collect()
    }
}

impl TryFrom<ListingRow> for ListingRecord {
    type Error = StoreError;

    fn try_from(r: ListingRow) -> Result<ListingRecord> {
        let corrupt = |detail: String| StoreError::Corrupt {
            entity: "listing",
            id: r.id,
            detail,
        };
        let kind =
            ListingKind::parse(&r.kind).ok_or_else(|| corrupt(format!("kind {:?}", r.kind)))?;
        let status = ListingStatus::parse(&r.status)
            .ok_or_else(|| corrupt(format!("status {:?}", r.status)))?;
        let modes: Vec<String> = serde_json::from_str(&r.modes)
            .map_err(|e| corrupt(format!("modes {:?}: {e}", r.modes)))?;
        let ipc: Vec<String> =
            serde_json::from_str(&r.ipc).map_err(|e| corrupt(format!("ipc {:?}: {e}", r.ipc)))?;
        let ipc = ipc
            .iter()
            .map(|c| IpcCode::parse(c).map_err(|e| corrupt(format!("ipc {c:?}: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        let price = r
            .price_fen
            .map(|f| Fen::from_fen(f).map_err(|e| corrupt(format!("price_fen {f}: {e}"))))
            .transpose()?;
        let valid_until = NaiveDate::parse_from_str(&r.valid_until, "%Y-%m-%d")
            .map_err(|e| corrupt(format!("valid_until {:?}: {e}", r.valid_until)))?;
        Ok(ListingRecord {
            id: r.id,
            kind,
            owner_org_id: r.owner_org_id,
            status,
            title: r.title,
            description: r.description,
            field: r.field,
            modes,
            ipc,
            price,
            district_code: r.district_code,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            valid_until,
            maturity: r.maturity,
            return_reason: r.return_reason,
            last_confirmed_at: r.last_confirmed_at,
            published_at: r.published_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            change_seq: r.change_seq,
        })
    }
}

/// Decode rows once; the first that does not decode fails the read.
pub(crate) fn records(rows: Vec<ListingRow>) -> Result<Vec<ListingRecord>> {
    rows.into_iter().map(ListingRecord::try_from).collect()
}

/// The conditions of an [`ExportFilter`] ($1–$7).
const EXPORT_WHERE: &str = "WHERE ($1 IS NULL OR owner_org_id = $1) AND ($2 IS NULL OR status = $2)
    AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR district_code = $4)
    AND ($5 IS NULL OR valid_until >= $5) AND ($6 IS NULL OR last_confirmed_at >= $6)
    AND ($7 IS NULL OR id < $7)";

pub(crate) const COLUMNS: &str =
    "id, kind, owner_org_id, status, title, description, field, modes, ipc, price_fen,
    district_code, contact_name, contact_phone, valid_until, maturity, return_reason,
    last_confirmed_at, published_at, created_at, updated_at, change_seq";

#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    pub owner_org_id: Option<i64>,
    pub status: Option<ListingStatus>,
    pub kind: Option<ListingKind>,
    pub limit: i64,
    pub offset: i64,
}

/// The listings of an export (the 供需清单), filtered in the query: one district or all, one kind
/// or both, an owner; with `current`, only what is on the public site on a day (valid until it or
/// later, confirmed at or after a time). Newest first, read a page at a time below `before_id`.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub owner_org_id: Option<i64>,
    pub status: Option<ListingStatus>,
    pub kind: Option<ListingKind>,
    pub district_code: Option<String>,
    /// (the day, `YYYY-MM-DD`; confirmed at or after this Unix time).
    pub current: Option<(String, i64)>,
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
        code: Code::DuplicateListing,
        field: Some("title"),
        message: format!("本机构已有同名条目“{title}”"),
    }
}

impl Db {
    /// Create a draft at `at` (unix seconds). A patent already linked to another live listing is
    /// refused (409 `patent_already_listed`).
    pub async fn listing_create(
        &self,
        owner_org_id: i64,
        l: &Listing,
        at: i64,
        who: &Who,
    ) -> Result<ListingRecord> {
        let c = cols(l)?;
        let sql = format!(
            "INSERT INTO listings (kind, owner_org_id, status, title, description, field, modes, ipc, price_fen,
               district_code, contact_name, contact_phone, valid_until, maturity, last_confirmed_at,
               created_at, updated_at, change_seq)
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14, {PENDING})
             RETURNING {COLUMNS}"
        );
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for patent in &l.patents {
                let taken: Option<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT l.id, l.title FROM listing_patents lp JOIN listings l ON l.id = lp.listing_id
                     WHERE lp.number = $1 AND l.status NOT IN {RELEASED}")))
                    .bind(patent.number.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((id, title)) = taken {
                    return Err(StoreError::Conflict {
                        code: Code::PatentAlreadyListed,
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
                .bind(at)
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
            let seq = stamp_changes!(tx);
            tx.commit().await?;
            ListingRow { change_seq: seq, ..row }
        });
        row.try_into()
    }

    pub async fn listing_get(&self, id: i64) -> Result<ListingRecord> {
        self.listing_row(id).await?.try_into()
    }

    async fn listing_row(&self, id: i64) -> Result<ListingRow> {
        let sql = format!("SELECT {COLUMNS} FROM listings WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))
    }

    /// Listings by id, in chunks (ids not found are left out).
    pub async fn listings_by_ids(&self, ids: &[i64]) -> Result<Vec<ListingRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {COLUMNS} FROM listings WHERE id IN ({})",
                marks.join(", ")
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            out.extend(records(rows)?);
        }
        Ok(out)
    }

    /// Every listing with an id above `after_id`, by id: page through with the last id seen (keyset
    /// paging stays fast at a million rows).
    pub async fn listings_scan(&self, after_id: i64, limit: i64) -> Result<Vec<ListingRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM listings WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql))
            .bind(after_id)
            .bind(limit)
            .fetch_all(p)
            .await?);
        records(rows)
    }

    /// The number of the last listing change committed. Every change numbered up to it is
    /// visible to any read that starts after this one.
    pub async fn listings_last_change(&self) -> Result<i64> {
        on_pool!(self, p => Ok(sqlx::query_scalar(
            "SELECT value FROM change_counters WHERE name = 'listings'")
            .fetch_one(p)
            .await?))
    }

    /// Listings whose last change comes after `after` = (change, id), ordered by (change, id):
    /// page through with the last (change, id) seen. Changes commit in the order of their numbers
    /// (each write takes its number as its transaction's last step, under the counter's row lock),
    /// so once a page holds change N no change below N can appear later.
    pub async fn listings_changed_after(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> Result<Vec<ListingRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM listings WHERE (change_seq, id) > ($1, $2)
             ORDER BY change_seq, id LIMIT $3"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql))
            .bind(after.0)
            .bind(after.1)
            .bind(limit)
            .fetch_all(p)
            .await?);
        records(rows)
    }

    /// Published listings whose public visibility changes with time alone and may have changed
    /// recently: valid until a day in `[valid_from, valid_to)` or last confirmed in
    /// `[confirmed_from, confirmed_to)` (unix seconds).
    pub async fn listings_near_boundaries(
        &self,
        valid_from: NaiveDate,
        valid_to: NaiveDate,
        confirmed_from: i64,
        confirmed_to: i64,
    ) -> Result<Vec<ListingRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM listings WHERE status = 'published'
               AND ((valid_until >= $1 AND valid_until < $2) OR (last_confirmed_at >= $3 AND last_confirmed_at < $4))"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql))
            .bind(valid_from.format("%Y-%m-%d").to_string())
            .bind(valid_to.format("%Y-%m-%d").to_string())
            .bind(confirmed_from)
            .bind(confirmed_to)
            .fetch_all(p)
            .await?);
        records(rows)
    }

    /// (number, patent type code) of the patents a listing links, by number.
    pub async fn listing_patents(&self, id: i64) -> Result<Vec<(String, String)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (String, String)>(
            "SELECT number, patent_type FROM listing_patents WHERE listing_id = $1 ORDER BY number")
            .bind(id)
            .fetch_all(p)
            .await?))
    }

    /// How many listings `f` selects.
    pub async fn listing_export_count(&self, f: &ExportFilter) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM listings {EXPORT_WHERE}");
        let (status, kind) = (
            f.status.map(ListingStatus::slug),
            f.kind.map(ListingKind::slug),
        );
        let (day, since) = f.current.clone().unzip();
        on_pool!(self, p => Ok(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(f.owner_org_id)
            .bind(status)
            .bind(kind)
            .bind(f.district_code.as_deref())
            .bind(day)
            .bind(since)
            .bind(None::<i64>)
            .fetch_one(p)
            .await?))
    }

    /// The next page of `f`'s listings, newest first: at most `limit` with ids below `before_id`.
    pub async fn listing_export_page(
        &self,
        f: &ExportFilter,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ListingRecord>> {
        let sql =
            format!("SELECT {COLUMNS} FROM listings {EXPORT_WHERE} ORDER BY id DESC LIMIT $8");
        let (status, kind) = (
            f.status.map(ListingStatus::slug),
            f.kind.map(ListingKind::slug),
        );
        let (day, since) = f.current.clone().unzip();
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(f.owner_org_id)
            .bind(status)
            .bind(kind)
            .bind(f.district_code.as_deref())
            .bind(day)
            .bind(since)
            .bind(before_id)
            .bind(limit.clamp(1, 1000))
            .fetch_all(p)
            .await?);
        records(rows)
    }

    /// Newest first.
    pub async fn listing_list(&self, f: &ListingFilter) -> Result<(i64, Vec<ListingRecord>)> {
        const WHERE: &str = "WHERE ($1 IS NULL OR owner_org_id = $1) AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR kind = $3)";
        let count_sql = format!("SELECT COUNT(*) FROM listings {WHERE}");
        let list_sql =
            format!("SELECT {COLUMNS} FROM listings {WHERE} ORDER BY id DESC LIMIT $4 OFFSET $5");
        let status = f.status.map(ListingStatus::slug);
        let kind = f.kind.map(ListingKind::slug);
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
        let (total, rows) = on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(f.owner_org_id)
                .bind(status)
                .bind(kind)
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(list_sql.as_str()))
                .bind(f.owner_org_id)
                .bind(status)
                .bind(kind)
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            (total, rows)
        });
        Ok((total, records(rows)?))
    }

    /// Move a listing from `from` to `to` at `at` (the domain decided the transition is allowed);
    /// publishing stamps `published_at` and counts as a confirmation. Refused if the status changed
    /// meanwhile.
    pub async fn listing_set_status(
        &self,
        id: i64,
        from: ListingStatus,
        to: ListingStatus,
        reason: Option<&str>,
        at: i64,
        who: &Who,
    ) -> Result<ListingRecord> {
        let sql = format!(
            "UPDATE listings SET status = $1, return_reason = $2, updated_at = $3, change_seq = {PENDING},
               published_at = CASE WHEN $1 = 'published' THEN $3 ELSE published_at END,
               last_confirmed_at = CASE WHEN $1 = 'published' THEN $3 ELSE last_confirmed_at END
             WHERE id = $4 AND status = $5 RETURNING {COLUMNS}"
        );
        let before = self.listing_row(id).await?;
        let after = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let after = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(to.slug())
                .bind(reason)
                .bind(at)
                .bind(id)
                .bind(from.slug())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(status_changed)?;
            audit!(tx, who, to.slug(), "listing", id, Some(&before), Some(&after));
            let seq = stamp_changes!(tx);
            tx.commit().await?;
            ListingRow { change_seq: seq, ..after }
        });
        after.try_into()
    }

    /// The owner confirms at `at` that the listing is still current (T1: lists updated on a schedule).
    pub async fn listing_confirm(&self, id: i64, at: i64, who: &Who) -> Result<ListingRecord> {
        let sql = format!(
            "UPDATE listings SET last_confirmed_at = $1, updated_at = $1, change_seq = {PENDING}
             WHERE id = $2 RETURNING {COLUMNS}"
        );
        let before = self.listing_row(id).await?;
        let after = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let after = sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(at)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "confirm", "listing", id, Some(&before), Some(&after));
            let seq = stamp_changes!(tx);
            tx.commit().await?;
            ListingRow { change_seq: seq, ..after }
        });
        after.try_into()
    }
}

fn status_changed() -> StoreError {
    StoreError::Conflict {
        code: Code::StatusChanged,
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

    /// A district's published listings that go stale soon: last confirmed at or after
    /// `confirmed_from` (still shown) and before `confirmed_before`. Their number, and the
    /// earliest of those confirmations (the first to go).
    pub async fn listing_stale_soon_in_district(
        &self,
        district_code: &str,
        confirmed_from: i64,
        confirmed_before: i64,
    ) -> Result<(i64, Option<i64>)> {
        let sql = "SELECT COUNT(*), MIN(last_confirmed_at) FROM listings WHERE district_code = $1 \
                   AND status = 'published' AND last_confirmed_at >= $2 AND last_confirmed_at < $3";
        on_pool!(self, p => Ok(sqlx::query_as::<_, (i64, Option<i64>)>(sql)
            .bind(district_code)
            .bind(confirmed_from)
            .bind(confirmed_before)
            .fetch_one(p)
            .await?))
    }
}

// ---------- bulk import (T1) ----------

/// One checked row of an import, with the organisation it is listed for.
#[derive(Debug, Clone)]
pub struct NewListing<'a> {
    /// The spreadsheet row, for reports.
    pub row: usize,
    pub owner_org_id: i64,
    pub listing: &'a Listing,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportWrite {
    /// Check against what is stored, write nothing.
    DryRun,
    /// Write every row, or none if any row conflicts.
    AllOrNothing,
    /// Write the rows that do not conflict.
    ValidRowsOnly,
}

/// A row that clashes with what is already stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportConflict {
    pub row: usize,
    /// `duplicate_listing` | `patent_already_listed`
    pub code: Code,
    /// `title` | `patents`
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub conflicts: Vec<ImportConflict>,
    /// (row, new listing id) of every row written.
    pub created: Vec<(usize, i64)>,
    pub written: bool,
    /// The change that wrote the rows (0 when nothing was written).
    pub change_seq: i64,
}

/// Live listings hold their patents; these let a patent go.
const RELEASED: &str = "('withdrawn', 'expired', 'fulfilled')";

impl Db {
    /// Import checked rows in one transaction: each row is compared with what is stored (same
    /// organisation, kind and title; a patent already in a live listing), then, as `write` says,
    /// nothing, all (only if no row conflicts) or the rows without conflicts are written at `at`
    /// with `status` (`draft`, `submitted`, or `published` stamped `at`). One audit entry records
    /// the import. `progress` is called with the number of rows done, checking then writing.
    pub async fn listing_import(
        &self,
        items: &[NewListing<'_>],
        status: ListingStatus,
        write: ImportWrite,
        at: i64,
        who: &Who,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportOutcome> {
        let insert = format!("INSERT INTO listings (kind, owner_org_id, status, title, description, field, modes, ipc, price_fen,
               district_code, contact_name, contact_phone, valid_until, maturity, last_confirmed_at,
               published_at, created_at, updated_at, change_seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $15, {PENDING})
             RETURNING id");
        let published = status == ListingStatus::Published;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // What each owner already has, loaded once per owner.
            let mut titles: std::collections::HashMap<i64, std::collections::HashMap<(String, String), i64>> =
                std::collections::HashMap::new();
            for it in items {
                if titles.contains_key(&it.owner_org_id) {
                    continue;
                }
                let have: Vec<(i64, String, String)> =
                    sqlx::query_as("SELECT id, kind, title FROM listings WHERE owner_org_id = $1")
                        .bind(it.owner_org_id)
                        .fetch_all(&mut *tx)
                        .await?;
                titles.insert(
                    it.owner_org_id,
                    have.into_iter().map(|(id, k, t)| ((k, t), id)).collect(),
                );
            }
            // Patents of the file already in a live listing, looked up in chunks.
            let numbers: Vec<&str> = items
                .iter()
                .flat_map(|it| it.listing.patents.iter().map(|p| p.number.as_str()))
                .collect();
            let mut taken: std::collections::HashMap<String, (i64, String)> = std::collections::HashMap::new();
            for chunk in numbers.chunks(500) {
                let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT lp.number, l.id, l.title FROM listing_patents lp JOIN listings l ON l.id = lp.listing_id
                     WHERE lp.number IN ({}) AND l.status NOT IN {RELEASED}",
                    marks.join(", ")
                );
                let mut q = sqlx::query_as::<_, (String, i64, String)>(sqlx::AssertSqlSafe(sql));
                for n in chunk {
                    q = q.bind(*n);
                }
                for (n, id, title) in q.fetch_all(&mut *tx).await? {
                    taken.insert(n, (id, title));
                }
            }
            let mut out = ImportOutcome::default();
            let mut clean: Vec<&NewListing<'_>> = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                let l = it.listing;
                let mut ok = true;
                if let Some(id) = titles
                    .get(&it.owner_org_id)
                    .and_then(|t| t.get(&(l.kind.slug().to_string(), l.title.clone())))
                {
                    ok = false;
                    out.conflicts.push(ImportConflict {
                        row: it.row,
                        code: Code::DuplicateListing,
                        field: "title",
                        message: format!("该机构已有同名条目“{}”（第 {id} 号）", l.title),
                    });
                }
                for pt in &l.patents {
                    if let Some((id, title)) = taken.get(pt.number.as_str()) {
                        ok = false;
                        out.conflicts.push(ImportConflict {
                            row: it.row,
                            code: Code::PatentAlreadyListed,
                            field: "patents",
                            message: format!("专利 {} 已在第 {id} 号条目“{title}”中发布或待发布", pt.number),
                        });
                    }
                }
                if ok {
                    clean.push(it);
                }
                if i % 1000 == 999 {
                    progress(i + 1);
                }
            }
            progress(items.len());
            let refuse = write == ImportWrite::DryRun
                || write == ImportWrite::AllOrNothing && !out.conflicts.is_empty()
                || clean.is_empty();
            if refuse {
                tx.rollback().await?;
                return Ok(out);
            }
            let ts = at;
            for (i, it) in clean.iter().enumerate() {
                let l = it.listing;
                let c = cols(l)?;
                let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert.as_str()))
                    .bind(l.kind.slug())
                    .bind(it.owner_org_id)
                    .bind(status.slug())
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
                    .bind(ts)
                    .bind(published.then_some(ts))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| if unique_violation(&e) { duplicate(&l.title) } else { e.into() })?;
                for pt in &l.patents {
                    sqlx::query("INSERT INTO listing_patents (listing_id, number, patent_type) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(pt.number.as_str())
                        .bind(pt.patent_type.code())
                        .execute(&mut *tx)
                        .await?;
                }
                out.created.push((it.row, id));
                if i % 1000 == 999 {
                    progress(items.len() + i + 1);
                }
            }
            let first = out.created.first().map(|c| c.1).unwrap_or_default();
            let summary = serde_json::json!({
                "rows": out.created.len(),
                "status": status.slug(),
                "first_id": first,
                "last_id": out.created.last().map(|c| c.1),
                "skipped_conflicts": out.conflicts.len(),
            });
            audit!(tx, who, "import", "listing", first, None::<&serde_json::Value>, Some(&summary));
            out.change_seq = stamp_changes!(tx);
            tx.commit().await?;
            progress(items.len() + clean.len());
            out.written = true;
            Ok(out)
        })
    }
}

impl Db {
    /// What a search engine replaces, for the benchmark: published listings with every word in
    /// the title or description by `LIKE '%word%'`; the count, after fetching the newest `limit`.
    pub async fn listing_like_search(&self, words: &[&str], limit: i64) -> Result<i64> {
        let mut cond = String::from("status = 'published'");
        for i in 1..=words.len() {
            cond.push_str(&format!(" AND (title LIKE ${i} OR description LIKE ${i})"));
        }
        let page = format!(
            "SELECT id FROM listings WHERE {cond} ORDER BY published_at DESC LIMIT {limit}"
        );
        let count = format!("SELECT COUNT(*) FROM listings WHERE {cond}");
        let patterns: Vec<String> = words.iter().map(|w| format!("%{w}%")).collect();
        on_pool!(self, p => {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(page));
            for w in &patterns {
                q = q.bind(w.as_str());
            }
            q.fetch_all(p).await?;
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count));
            for w in &patterns {
                q = q.bind(w.as_str());
            }
            Ok(q.fetch_one(p).await?)
        })
    }
}
