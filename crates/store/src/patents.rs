//! The patent register (T6, K5; issue 11): patents with their co-owners, IPC codes, overseas
//! family members and awards, decoded once into the domain's [`Patent`]; the derived columns that
//! K5 and the reminders read (see the migration `0008_patents.sql`); bulk import in one
//! transaction; the platform's own records that name a patent (today: listings).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::PatentApplicationNumber;
use zhiyun_domain::listing::IpcCode;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::patent::{
    Award, Engagement, EngagementKind, HighValueProfile, LegalStatus, OverseasMember,
    OverseasOffice, Patent, PatentKind, term,
};

use crate::listings::ImportWrite;
use crate::orgs::like_pattern;
use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

/// A stored patent, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatentRecord {
    pub id: i64,
    pub patent: Patent,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a write stores: the checked patent and its high-value profile under the current rules.
#[derive(Debug, Clone, Copy)]
pub struct PatentWrite<'a> {
    pub patent: &'a Patent,
    pub profile: HighValueProfile,
}

#[derive(sqlx::FromRow)]
struct PatentRow {
    id: i64,
    number: String,
    kind: String,
    title: String,
    owner_org_id: i64,
    filed_on: String,
    granted_on: Option<String>,
    legal_status: String,
    ended_on: Option<String>,
    fee_paid_until: Option<String>,
    term_extension_days: i64,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "p.id, p.number, p.kind, p.title, p.owner_org_id, p.filed_on, p.granted_on,
    p.legal_status, p.ended_on, p.fee_paid_until, p.term_extension_days, p.created_at, p.updated_at";

/// The lists of one patent, in the order given.
#[derive(Default)]
struct Children {
    co_owners: Vec<i64>,
    ipc: Vec<IpcCode>,
    overseas: Vec<OverseasMember>,
    awards: Vec<Award>,
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn corrupt(id: i64, detail: String) -> StoreError {
    StoreError::Corrupt {
        entity: "patent",
        id,
        detail,
    }
}

pub(crate) fn parse_day(entity: &'static str, id: i64, field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt {
        entity,
        id,
        detail: format!("{field} = {s:?} is not a date"),
    })
}

fn opt_day(id: i64, field: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|s| parse_day("patent", id, field, s)).transpose()
}

impl PatentRow {
    fn decode(self, ch: Children) -> Result<PatentRecord> {
        let id = self.id;
        let number = PatentApplicationNumber::parse(&self.number)
            .map_err(|e| corrupt(id, format!("number {:?}: {}", self.number, e.message)))?;
        let kind = PatentKind::parse(&self.kind)
            .ok_or_else(|| corrupt(id, format!("kind {:?}", self.kind)))?;
        let legal_status = LegalStatus::parse(&self.legal_status)
            .ok_or_else(|| corrupt(id, format!("legal_status {:?}", self.legal_status)))?;
        let patent = Patent {
            number,
            kind,
            title: self.title,
            owner_org_id: self.owner_org_id,
            co_owner_org_ids: ch.co_owners,
            ipc: ch.ipc,
            filed_on: parse_day("patent", id, "filed_on", &self.filed_on)?,
            granted_on: opt_day(id, "granted_on", self.granted_on.as_deref())?,
            legal_status,
            ended_on: opt_day(id, "ended_on", self.ended_on.as_deref())?,
            fee_paid_until: opt_day(id, "fee_paid_until", self.fee_paid_until.as_deref())?,
            term_extension_days: u32::try_from(self.term_extension_days).map_err(|_| {
                corrupt(
                    id,
                    format!("term_extension_days {}", self.term_extension_days),
                )
            })?,
            overseas: ch.overseas,
            awards: ch.awards,
        };
        Ok(PatentRecord {
            id,
            patent,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The derived columns of a write.
struct Derived {
    expires_on: String,
    fee_due_on: Option<String>,
    in_force_from: Option<String>,
    in_force_until: Option<String>,
    high_value_since: Option<String>,
}

fn derived(w: &PatentWrite<'_>) -> Derived {
    let p = w.patent;
    let expires = p.expires_on();
    Derived {
        expires_on: day(expires),
        fee_due_on: p
            .fee_paid_until
            .and_then(|paid| term::next_fee_due(p.filed_on, expires, paid))
            .map(|(_, due)| day(due)),
        in_force_from: w.profile.in_force.map(|(a, _)| day(a)),
        in_force_until: w.profile.in_force.map(|(_, b)| day(b)),
        high_value_since: w.profile.since.map(day),
    }
}

fn duplicate(number: &PatentApplicationNumber) -> StoreError {
    StoreError::Conflict {
        code: Code::DuplicatePatent,
        field: Some("number"),
        message: format!("专利 {number} 已在专利库中登记"),
    }
}

/// Placeholders `$from, …` for `n` values.
pub(crate) fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const INSERT: &str = "INSERT INTO patents (number, kind, title, owner_org_id, filed_on, granted_on,
      legal_status, ended_on, fee_paid_until, term_extension_days, expires_on, fee_due_on,
      in_force_from, in_force_until, high_value_since, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id";

const UPDATE: &str = "UPDATE patents SET number = $1, kind = $2, title = $3, owner_org_id = $4,
      filed_on = $5, granted_on = $6, legal_status = $7, ended_on = $8, fee_paid_until = $9,
      term_extension_days = $10, expires_on = $11, fee_due_on = $12, in_force_from = $13,
      in_force_until = $14, high_value_since = $15, updated_at = $16
    WHERE id = $17";

/// Bind the 16 values of [`INSERT`] / the first 16 of [`UPDATE`].
macro_rules! bind_patent {
    ($q:expr, $w:expr, $now:expr) => {{
        let p = $w.patent;
        let d = derived(&$w);
        $q.bind(p.number.as_str())
            .bind(p.kind.slug())
            .bind(p.title.as_str())
            .bind(p.owner_org_id)
            .bind(day(p.filed_on))
            .bind(p.granted_on.map(day))
            .bind(p.legal_status.slug())
            .bind(p.ended_on.map(day))
            .bind(p.fee_paid_until.map(day))
            .bind(i64::from(p.term_extension_days))
            .bind(d.expires_on)
            .bind(d.fee_due_on)
            .bind(d.in_force_from)
            .bind(d.in_force_until)
            .bind(d.high_value_since)
            .bind($now)
    }};
}

/// Insert the child rows of patent `$id` within transaction `$tx`.
macro_rules! insert_children {
    ($tx:expr, $id:expr, $p:expr) => {{
        let (id, p): (i64, &Patent) = ($id, $p);
        for (i, org) in (0i64..).zip(&p.co_owner_org_ids) {
            sqlx::query("INSERT INTO patent_co_owners (patent_id, position, org_id) VALUES ($1, $2, $3)")
                .bind(id).bind(i).bind(*org)
                .execute(&mut *$tx).await?;
        }
        for (i, code) in (0i64..).zip(&p.ipc) {
            sqlx::query("INSERT INTO patent_ipc (patent_id, position, code) VALUES ($1, $2, $3)")
                .bind(id).bind(i).bind(code.as_str())
                .execute(&mut *$tx).await?;
        }
        for (i, m) in (0i64..).zip(&p.overseas) {
            sqlx::query("INSERT INTO patent_overseas (patent_id, position, office, number, granted, filed_on, via_pct)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(i).bind(m.office.slug()).bind(m.number.as_str()).bind(m.granted)
                .bind(m.filed_on.map(day)).bind(m.via_pct)
                .execute(&mut *$tx).await?;
        }
        for (i, a) in (0i64..).zip(&p.awards) {
            sqlx::query("INSERT INTO patent_awards (patent_id, position, name, year) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(i).bind(a.name.as_str()).bind(i64::from(a.year))
                .execute(&mut *$tx).await?;
        }
    }};
}

/// Which patents a list shows.
#[derive(Debug, Clone, Default)]
pub struct PatentFilter {
    /// Owned or co-owned by this organisation.
    pub org_id: Option<i64>,
    /// Owned by an organisation of this district.
    pub district_code: Option<String>,
    /// Part of the title or of the number.
    pub q: Option<String>,
    pub kind: Option<PatentKind>,
    pub legal_status: Option<LegalStatus>,
    /// Only the patents high-value on this day.
    pub high_value_on: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

/// An organisation as the register's policy and pages need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgBrief {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub district_code: Option<String>,
}

/// Whose patents: one organisation's (owned or co-owned), or those owned in a district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holders {
    Org(i64),
    District(String),
}

impl Holders {
    fn sql(&self) -> &'static str {
        match self {
            Holders::Org(_) => {
                "(p.owner_org_id = $1 OR p.id IN (SELECT patent_id FROM patent_co_owners WHERE org_id = $1))"
            }
            Holders::District(_) => {
                "p.owner_org_id IN (SELECT id FROM organisations WHERE district_code = $1)"
            }
        }
    }
}

/// A listing that names a patent (T1/T2), for the patent's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LinkedListing {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub owner_org_id: i64,
}

impl Db {
    /// Register a patent (409 `duplicate_patent` when its number is registered already).
    pub async fn patent_create(
        &self,
        w: PatentWrite<'_>,
        now: i64,
        who: &Who,
    ) -> Result<PatentRecord> {
        let id = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = bind_patent!(sqlx::query_scalar(INSERT), w, now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { duplicate(&w.patent.number) } else { e.into() })?;
            insert_children!(tx, id, w.patent);
            crate::kpi_sums::refresh_patent_sums!(self, tx, w.patent.owner_org_id);
            let after = PatentRecord { id, patent: w.patent.clone(), created_at: now, updated_at: now };
            audit!(tx, who, "create", "patent", id, None::<&PatentRecord>, Some(&after));
            tx.commit().await?;
            id
        });
        self.patent_get(id).await
    }

    /// Replace a patent as a whole (PUT): its columns and its lists.
    pub async fn patent_replace(
        &self,
        id: i64,
        w: PatentWrite<'_>,
        now: i64,
        who: &Who,
    ) -> Result<PatentRecord> {
        let before = self.patent_get(id).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = bind_patent!(sqlx::query(UPDATE), w, now)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { duplicate(&w.patent.number) } else { StoreError::from(e) })?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            for table in ["patent_co_owners", "patent_ipc", "patent_overseas", "patent_awards"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE patent_id = $1")))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_children!(tx, id, w.patent);
            crate::kpi_sums::refresh_patent_sums!(self, tx, w.patent.owner_org_id);
            if before.patent.owner_org_id != w.patent.owner_org_id {
                crate::kpi_sums::refresh_patent_sums!(self, tx, before.patent.owner_org_id);
            }
            let after = PatentRecord { id, patent: w.patent.clone(), created_at: before.created_at, updated_at: now };
            audit!(tx, who, "update", "patent", id, Some(&before), Some(&after));
            tx.commit().await?;
        });
        self.patent_get(id).await
    }

    pub async fn patent_get(&self, id: i64) -> Result<PatentRecord> {
        self.patents_by_ids(&[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    pub async fn patent_by_number(&self, number: &str) -> Result<Option<PatentRecord>> {
        let id: Option<i64> = on_pool!(self, p => sqlx::query_scalar("SELECT id FROM patents WHERE number = $1")
            .bind(number)
            .fetch_optional(p)
            .await?);
        match id {
            Some(id) => Ok(Some(self.patent_get(id).await?)),
            None => Ok(None),
        }
    }

    /// Patents by id, in the order of `ids` (ids not found are left out).
    pub async fn patents_by_ids(&self, ids: &[i64]) -> Result<Vec<PatentRecord>> {
        let mut rows: Vec<PatentRow> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {COLUMNS} FROM patents p WHERE p.id IN ({})",
                marks(1, chunk.len())
            );
            on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, PatentRow>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                rows.extend(q.fetch_all(p).await?);
            });
        }
        let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| order.get(&r.id).copied().unwrap_or(usize::MAX));
        self.decode_rows(rows).await
    }

    async fn decode_rows(&self, rows: Vec<PatentRow>) -> Result<Vec<PatentRecord>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut children = self.patent_children(&ids).await?;
        rows.into_iter()
            .map(|r| {
                let ch = children.remove(&r.id).unwrap_or_default();
                r.decode(ch)
            })
            .collect()
    }

    async fn patent_children(&self, ids: &[i64]) -> Result<HashMap<i64, Children>> {
        let mut out: HashMap<i64, Children> = HashMap::new();
        for chunk in ids.chunks(500) {
            let m = marks(1, chunk.len());
            let co = format!(
                "SELECT patent_id, org_id FROM patent_co_owners WHERE patent_id IN ({m}) ORDER BY patent_id, position"
            );
            let ipc = format!(
                "SELECT patent_id, code FROM patent_ipc WHERE patent_id IN ({m}) ORDER BY patent_id, position"
            );
            let ov = format!(
                "SELECT patent_id, office, number, granted, filed_on, via_pct FROM patent_overseas WHERE patent_id IN ({m}) ORDER BY patent_id, position"
            );
            let aw = format!(
                "SELECT patent_id, name, year FROM patent_awards WHERE patent_id IN ({m}) ORDER BY patent_id, position"
            );
            let (co, ipc, ov, aw) = on_pool!(self, p => {
                let mut q1 = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(co));
                let mut q2 = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(ipc));
                let mut q3 = sqlx::query_as::<_, (i64, String, String, bool, Option<String>, bool)>(sqlx::AssertSqlSafe(ov));
                let mut q4 = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(aw));
                for id in chunk {
                    q1 = q1.bind(*id);
                    q2 = q2.bind(*id);
                    q3 = q3.bind(*id);
                    q4 = q4.bind(*id);
                }
                (q1.fetch_all(p).await?, q2.fetch_all(p).await?, q3.fetch_all(p).await?, q4.fetch_all(p).await?)
            });
            for (id, org) in co {
                out.entry(id).or_default().co_owners.push(org);
            }
            for (id, code) in ipc {
                let c = IpcCode::parse(&code)
                    .map_err(|e| corrupt(id, format!("IPC {code:?}: {}", e.message)))?;
                out.entry(id).or_default().ipc.push(c);
            }
            for (id, office, number, granted, filed_on, via_pct) in ov {
                let office = OverseasOffice::parse(&office)
                    .ok_or_else(|| corrupt(id, format!("overseas office {office:?}")))?;
                let filed_on = opt_day(id, "overseas.filed_on", filed_on.as_deref())?;
                out.entry(id).or_default().overseas.push(OverseasMember {
                    office,
                    number,
                    granted,
                    filed_on,
                    via_pct,
                });
            }
            for (id, name, year) in aw {
                let year =
                    i32::try_from(year).map_err(|_| corrupt(id, format!("award year {year}")))?;
                out.entry(id)
                    .or_default()
                    .awards
                    .push(Award::from_name(&name, year));
            }
        }
        Ok(out)
    }

    /// A filtered page of the register, newest first; the total count too.
    pub async fn patent_list(&self, f: &PatentFilter) -> Result<(i64, Vec<PatentRecord>)> {
        const WHERE: &str = "WHERE ($1 IS NULL OR p.owner_org_id = $1
                OR p.id IN (SELECT patent_id FROM patent_co_owners WHERE org_id = $1))
            AND ($2 IS NULL OR p.owner_org_id IN (SELECT id FROM organisations WHERE district_code = $2))
            AND ($3 IS NULL OR p.title LIKE $3 ESCAPE '\\' OR p.number LIKE $3 ESCAPE '\\')
            AND ($4 IS NULL OR p.kind = $4)
            AND ($5 IS NULL OR p.legal_status = $5)
            AND ($6 IS NULL OR (p.high_value_since <= $6 AND p.in_force_from <= $6 AND p.in_force_until >= $6))";
        let count_sql = format!("SELECT COUNT(*) FROM patents p {WHERE}");
        let list_sql = format!(
            "SELECT {COLUMNS} FROM patents p {WHERE} ORDER BY p.id DESC LIMIT $7 OFFSET $8"
        );
        let q =
            f.q.as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(like_pattern);
        let kind = f.kind.map(PatentKind::slug);
        let status = f.legal_status.map(LegalStatus::slug);
        let hv = f.high_value_on.map(day);
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
        let (total, rows) = on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(f.org_id)
                .bind(f.district_code.as_deref())
                .bind(q.as_deref())
                .bind(kind)
                .bind(status)
                .bind(hv.as_deref())
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, PatentRow>(sqlx::AssertSqlSafe(list_sql.as_str()))
                .bind(f.org_id)
                .bind(f.district_code.as_deref())
                .bind(q.as_deref())
                .bind(kind)
                .bind(status)
                .bind(hv.as_deref())
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            (total, rows)
        });
        Ok((total, self.decode_rows(rows).await?))
    }

    /// Organisations by id, with what the register's policy reads (ids not found are left out).
    pub async fn org_briefs(&self, ids: &[i64]) -> Result<HashMap<i64, OrgBrief>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, name, kind, district_code FROM organisations WHERE id IN ({})",
                marks(1, chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (i64, String, String, Option<String>)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for (id, name, kind, district_code) in rows {
                let kind = OrgKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                    entity: "organisation",
                    id,
                    detail: format!("kind {kind:?}"),
                })?;
                out.insert(
                    id,
                    OrgBrief {
                        id,
                        name,
                        kind,
                        district_code,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Organisations by USCC (canonical form) → id and brief (codes not found are left out).
    pub async fn orgs_by_usccs(&self, usccs: &[&str]) -> Result<HashMap<String, OrgBrief>> {
        let mut out = HashMap::new();
        for chunk in usccs.chunks(500) {
            let sql = format!(
                "SELECT id, name, kind, district_code, uscc FROM organisations WHERE uscc IN ({})",
                marks(1, chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (i64, String, String, Option<String>, String)>(sqlx::AssertSqlSafe(sql));
                for u in chunk {
                    q = q.bind(*u);
                }
                q.fetch_all(p).await?
            });
            for (id, name, kind, district_code, uscc) in rows {
                let kind = OrgKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                    entity: "organisation",
                    id,
                    detail: format!("kind {kind:?}"),
                })?;
                out.insert(
                    uscc,
                    OrgBrief {
                        id,
                        name,
                        kind,
                        district_code,
                    },
                );
            }
        }
        Ok(out)
    }

    /// The listings naming a patent: the published ones, and any of `viewer_org_id`'s own.
    pub async fn patent_listings(
        &self,
        number: &str,
        viewer_org_id: i64,
    ) -> Result<Vec<LinkedListing>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, LinkedListing>(
            "SELECT l.id, l.title, l.status, l.owner_org_id FROM listing_patents lp
             JOIN listings l ON l.id = lp.listing_id
             WHERE lp.number = $1 AND (l.status = 'published' OR l.owner_org_id = $2)
             ORDER BY l.id DESC")
            .bind(number)
            .bind(viewer_org_id)
            .fetch_all(p)
            .await?))
    }

    /// The live engagements of patents, by number (issue 11: listed, licensed, pledged,
    /// auctioned). Today the platform records listings: a patent is `listed` while a listing
    /// naming it is published, from the day it was published. Deals and pledges add their live
    /// records here (a licence in force, a pledge not released) as their ledgers arrive.
    pub async fn patent_engagements(
        &self,
        numbers: &[&str],
    ) -> Result<HashMap<String, Vec<Engagement>>> {
        let mut out: HashMap<String, Vec<Engagement>> = HashMap::new();
        for chunk in numbers.chunks(500) {
            let sql = format!(
                "SELECT lp.number, l.id, COALESCE(l.published_at, l.updated_at) FROM listing_patents lp
                 JOIN listings l ON l.id = lp.listing_id
                 WHERE lp.number IN ({}) AND l.status = 'published'",
                marks(1, chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql));
                for n in chunk {
                    q = q.bind(*n);
                }
                q.fetch_all(p).await?
            });
            for (number, id, at) in rows {
                out.entry(number).or_default().push(Engagement {
                    kind: EngagementKind::Listed,
                    record_id: id,
                    on: zhiyun_domain::time::date_of(at),
                });
            }
        }
        Ok(out)
    }

    /// Granted patents of `holders` with a live engagement (see [`Db::patent_engagements`]):
    /// the candidates for fee reminders.
    pub async fn patents_engaged(&self, holders: &Holders) -> Result<Vec<PatentRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM patents p WHERE p.legal_status = 'granted' AND {}
               AND p.number IN (SELECT lp.number FROM listing_patents lp JOIN listings l ON l.id = lp.listing_id
                                WHERE l.status = 'published')
             ORDER BY p.id LIMIT 2000",
            holders.sql()
        );
        self.patents_of(holders, &sql, None).await
    }

    /// Granted patents of `holders` whose term ends in `[from, to]`: the candidates for expiry
    /// reminders.
    pub async fn patents_expiring(
        &self,
        holders: &Holders,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PatentRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM patents p WHERE p.legal_status = 'granted' AND {}
               AND p.expires_on >= $2 AND p.expires_on <= $3
             ORDER BY p.expires_on, p.id LIMIT 2000",
            holders.sql()
        );
        self.patents_of(holders, &sql, Some((from, to))).await
    }

    async fn patents_of(
        &self,
        holders: &Holders,
        sql: &str,
        range: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<PatentRecord>> {
        let rows = on_pool!(self, p => {
            let q = sqlx::query_as::<_, PatentRow>(sqlx::AssertSqlSafe(sql));
            let q = match holders {
                Holders::Org(id) => q.bind(*id),
                Holders::District(d) => q.bind(d.as_str()),
            };
            let q = match range {
                Some((a, b)) => q.bind(day(a)).bind(day(b)),
                None => q,
            };
            q.fetch_all(p).await?
        });
        self.decode_rows(rows).await
    }
}

// ---------- bulk import ----------

/// One checked row of an import.
#[derive(Debug, Clone, Copy)]
pub struct NewPatent<'a> {
    /// The spreadsheet row, for reports.
    pub row: usize,
    pub write: PatentWrite<'a>,
}

/// A row whose number is registered already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatentConflict {
    pub row: usize,
    pub number: String,
    pub existing_id: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PatentImportOutcome {
    pub conflicts: Vec<PatentConflict>,
    /// (row, new patent id) of every row written.
    pub created: Vec<(usize, i64)>,
    pub written: bool,
}

impl Db {
    /// Import checked rows in one transaction: numbers already registered are conflicts; then, as
    /// `write` says, nothing, all (only without conflicts) or the rows without conflicts are
    /// written. One audit entry records the import. `progress` gets the rows done, checking then
    /// writing (so up to twice the rows).
    pub async fn patent_import(
        &self,
        items: &[NewPatent<'_>],
        write: ImportWrite,
        now: i64,
        who: &Who,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<PatentImportOutcome> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut taken: HashMap<String, i64> = HashMap::new();
            for (n, chunk) in items.chunks(500).enumerate() {
                let sql = format!(
                    "SELECT number, id FROM patents WHERE number IN ({})",
                    marks(1, chunk.len())
                );
                let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
                for it in chunk {
                    q = q.bind(it.write.patent.number.as_str());
                }
                taken.extend(q.fetch_all(&mut *tx).await?);
                progress(((n + 1) * 500).min(items.len()));
            }
            let mut out = PatentImportOutcome::default();
            let mut clean: Vec<&NewPatent<'_>> = Vec::with_capacity(items.len());
            for it in items {
                match taken.get(it.write.patent.number.as_str()) {
                    Some(id) => out.conflicts.push(PatentConflict {
                        row: it.row,
                        number: it.write.patent.number.to_string(),
                        existing_id: *id,
                    }),
                    None => clean.push(it),
                }
            }
            let refuse = write == ImportWrite::DryRun
                || write == ImportWrite::AllOrNothing && !out.conflicts.is_empty()
                || clean.is_empty();
            if refuse {
                tx.rollback().await?;
                return Ok(out);
            }
            for (i, it) in clean.iter().enumerate() {
                let id: i64 = bind_patent!(sqlx::query_scalar(INSERT), it.write, now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| if unique_violation(&e) { duplicate(&it.write.patent.number) } else { e.into() })?;
                insert_children!(tx, id, it.write.patent);
                out.created.push((it.row, id));
                if i % 1000 == 999 {
                    progress(items.len() + i + 1);
                }
            }
            let mut owners: Vec<i64> = clean.iter().map(|it| it.write.patent.owner_org_id).collect();
            owners.sort_unstable();
            owners.dedup();
            for owner in owners {
                crate::kpi_sums::refresh_patent_sums!(self, tx, owner);
            }
            let summary = serde_json::json!({
                "rows": out.created.len(),
                "first_id": out.created.first().map(|c| c.1),
                "last_id": out.created.last().map(|c| c.1),
                "skipped_conflicts": out.conflicts.len(),
            });
            let first = out.created.first().map(|c| c.1).unwrap_or_default();
            audit!(tx, who, "import", "patent", first, None::<&serde_json::Value>, Some(&summary));
            tx.commit().await?;
            progress(items.len() + clean.len());
            out.written = true;
            Ok(out)
        })
    }
}
