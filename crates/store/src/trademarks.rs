//! The trademark register (issue 11) and the patents' cultivation projects (T6), decoded once into
//! the domain's [`Trademark`] and [`Cultivation`].

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::TrademarkNumber;
use zhiyun_domain::patent::{Cultivation, CultivationGoal};
use zhiyun_domain::trademark::Trademark;

use crate::orgs::like_pattern;
use crate::patents::{day, parse_day};
use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

/// A stored trademark, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrademarkRecord {
    pub id: i64,
    pub trademark: Trademark,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct TrademarkRow {
    id: i64,
    number: String,
    nice_class: i64,
    name: Option<String>,
    owner_org_id: i64,
    valid_until: String,
    registered_on: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<TrademarkRow> for TrademarkRecord {
    type Error = StoreError;

    fn try_from(r: TrademarkRow) -> Result<TrademarkRecord> {
        let id = r.id;
        let corrupt = |detail: String| StoreError::Corrupt {
            entity: "trademark",
            id,
            detail,
        };
        let number = TrademarkNumber::parse(&r.number)
            .map_err(|e| corrupt(format!("number {:?}: {}", r.number, e.message)))?;
        let nice_class = u8::try_from(r.nice_class)
            .ok()
            .filter(|c| (1..=45).contains(c))
            .ok_or_else(|| corrupt(format!("nice_class {}", r.nice_class)))?;
        Ok(TrademarkRecord {
            id,
            trademark: Trademark {
                number,
                name: r.name,
                nice_class,
                owner_org_id: r.owner_org_id,
                valid_until: parse_day("trademark", id, "valid_until", &r.valid_until)?,
                registered_on: r
                    .registered_on
                    .as_deref()
                    .map(|s| parse_day("trademark", id, "registered_on", s))
                    .transpose()?,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const TM_COLUMNS: &str = "id, number, nice_class, name, owner_org_id, valid_until, registered_on, created_at, updated_at";

fn duplicate_trademark(t: &Trademark) -> StoreError {
    StoreError::Conflict {
        code: Code::DuplicateTrademark,
        field: Some("number"),
        message: format!(
            "商标注册号 {} 第 {} 类已在商标库中登记",
            t.number.as_str(),
            t.nice_class
        ),
    }
}

/// Which trademarks a list shows.
#[derive(Debug, Clone, Default)]
pub struct TrademarkFilter {
    pub owner_org_id: Option<i64>,
    pub district_code: Option<String>,
    /// Part of the number or of the name.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Db {
    pub async fn trademark_create(
        &self,
        t: &Trademark,
        now: i64,
        who: &Who,
    ) -> Result<TrademarkRecord> {
        let sql = format!(
            "INSERT INTO trademarks (number, nice_class, name, owner_org_id, valid_until, registered_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {TM_COLUMNS}"
        );
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, TrademarkRow>(sqlx::AssertSqlSafe(sql))
                .bind(t.number.as_str())
                .bind(i64::from(t.nice_class))
                .bind(t.name.as_deref())
                .bind(t.owner_org_id)
                .bind(day(t.valid_until))
                .bind(t.registered_on.map(day))
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { duplicate_trademark(t) } else { e.into() })?;
            audit!(tx, who, "create", "trademark", row.id, None::<&Trademark>, Some(t));
            tx.commit().await?;
            row
        });
        row.try_into()
    }

    pub async fn trademark_replace(
        &self,
        id: i64,
        t: &Trademark,
        now: i64,
        who: &Who,
    ) -> Result<TrademarkRecord> {
        let before = self.trademark_get(id).await?;
        let sql = format!(
            "UPDATE trademarks SET number = $1, nice_class = $2, name = $3, owner_org_id = $4,
               valid_until = $5, registered_on = $6, updated_at = $7 WHERE id = $8 RETURNING {TM_COLUMNS}"
        );
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, TrademarkRow>(sqlx::AssertSqlSafe(sql))
                .bind(t.number.as_str())
                .bind(i64::from(t.nice_class))
                .bind(t.name.as_deref())
                .bind(t.owner_org_id)
                .bind(day(t.valid_until))
                .bind(t.registered_on.map(day))
                .bind(now)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { duplicate_trademark(t) } else { StoreError::from(e) })?
                .ok_or(StoreError::NotFound)?;
            audit!(tx, who, "update", "trademark", id, Some(&before.trademark), Some(t));
            tx.commit().await?;
            row
        });
        row.try_into()
    }

    pub async fn trademark_delete(&self, id: i64, who: &Who) -> Result<()> {
        let before = self.trademark_get(id).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM trademarks WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit!(tx, who, "delete", "trademark", id, Some(&before.trademark), None::<&Trademark>);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn trademark_get(&self, id: i64) -> Result<TrademarkRecord> {
        let sql = format!("SELECT {TM_COLUMNS} FROM trademarks WHERE id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, TrademarkRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound)?);
        row.try_into()
    }

    /// A filtered page, by number; the total count too.
    pub async fn trademark_list(&self, f: &TrademarkFilter) -> Result<(i64, Vec<TrademarkRecord>)> {
        const WHERE: &str = "WHERE ($1 IS NULL OR owner_org_id = $1)
            AND ($2 IS NULL OR owner_org_id IN (SELECT id FROM organisations WHERE district_code = $2))
            AND ($3 IS NULL OR number LIKE $3 ESCAPE '\\' OR name LIKE $3 ESCAPE '\\')";
        let count_sql = format!("SELECT COUNT(*) FROM trademarks {WHERE}");
        let list_sql = format!(
            "SELECT {TM_COLUMNS} FROM trademarks {WHERE} ORDER BY number, nice_class LIMIT $4 OFFSET $5"
        );
        let q =
            f.q.as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(like_pattern);
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
        let (total, rows) = on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                .bind(f.owner_org_id)
                .bind(f.district_code.as_deref())
                .bind(q.as_deref())
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, TrademarkRow>(sqlx::AssertSqlSafe(list_sql))
                .bind(f.owner_org_id)
                .bind(f.district_code.as_deref())
                .bind(q.as_deref())
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            (total, rows)
        });
        Ok((
            total,
            rows.into_iter()
                .map(TrademarkRecord::try_from)
                .collect::<Result<_>>()?,
        ))
    }
}

// ---------- cultivation (T6) ----------

/// A patent's cultivation project, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CultivationRecord {
    pub patent_id: i64,
    pub cultivation: Cultivation,
    /// The day the patent was first marked: progress counts from it.
    pub marked_on: NaiveDate,
    pub marked_by_org_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct CultivationRow {
    patent_id: i64,
    goal: String,
    notes: String,
    target_date: String,
    marked_on: String,
    marked_by_org_id: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<CultivationRow> for CultivationRecord {
    type Error = StoreError;

    fn try_from(r: CultivationRow) -> Result<CultivationRecord> {
        let id = r.patent_id;
        let goal = CultivationGoal::parse(&r.goal).ok_or_else(|| StoreError::Corrupt {
            entity: "cultivation",
            id,
            detail: format!("goal {:?}", r.goal),
        })?;
        Ok(CultivationRecord {
            patent_id: id,
            cultivation: Cultivation {
                goal,
                notes: r.notes,
                target_date: parse_day("cultivation", id, "target_date", &r.target_date)?,
            },
            marked_on: parse_day("cultivation", id, "marked_on", &r.marked_on)?,
            marked_by_org_id: r.marked_by_org_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const CU_COLUMNS: &str = "c.patent_id, c.goal, c.notes, c.target_date, c.marked_on, c.marked_by_org_id, c.created_at, c.updated_at";

impl Db {
    /// Mark a patent as a cultivation project, or change its goal, notes or target date (the day
    /// it was first marked stays).
    pub async fn cultivation_set(
        &self,
        patent_id: i64,
        c: &Cultivation,
        today: NaiveDate,
        by_org_id: i64,
        now: i64,
        who: &Who,
    ) -> Result<CultivationRecord> {
        let before = self.cultivation_get(patent_id).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO patent_cultivation (patent_id, goal, notes, target_date, marked_on, marked_by_org_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (patent_id) DO UPDATE SET goal = excluded.goal, notes = excluded.notes,
                   target_date = excluded.target_date, marked_by_org_id = excluded.marked_by_org_id,
                   updated_at = excluded.updated_at")
                .bind(patent_id)
                .bind(c.goal.slug())
                .bind(c.notes.as_str())
                .bind(day(c.target_date))
                .bind(day(today))
                .bind(by_org_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            audit!(tx, who, if before.is_some() { "update" } else { "create" }, "cultivation", patent_id,
                before.as_ref().map(|b| &b.cultivation), Some(c));
            tx.commit().await?;
        });
        self.cultivation_get(patent_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn cultivation_remove(&self, patent_id: i64, who: &Who) -> Result<()> {
        let before = self
            .cultivation_get(patent_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM patent_cultivation WHERE patent_id = $1")
                .bind(patent_id)
                .execute(&mut *tx)
                .await?;
            audit!(tx, who, "delete", "cultivation", patent_id, Some(&before.cultivation), None::<&Cultivation>);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn cultivation_get(&self, patent_id: i64) -> Result<Option<CultivationRecord>> {
        let sql = format!("SELECT {CU_COLUMNS} FROM patent_cultivation c WHERE c.patent_id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, CultivationRow>(sqlx::AssertSqlSafe(sql))
            .bind(patent_id)
            .fetch_optional(p)
            .await?);
        row.map(CultivationRecord::try_from).transpose()
    }

    /// The projects on patents owned in `district` (`None`: all), by target date.
    pub async fn cultivation_list(&self, district: Option<&str>) -> Result<Vec<CultivationRecord>> {
        let sql = format!(
            "SELECT {CU_COLUMNS} FROM patent_cultivation c JOIN patents p ON p.id = c.patent_id
             WHERE ($1 IS NULL OR p.owner_org_id IN (SELECT id FROM organisations WHERE district_code = $1))
             ORDER BY c.target_date, c.patent_id LIMIT 2000"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, CultivationRow>(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(CultivationRecord::try_from).collect()
    }
}
