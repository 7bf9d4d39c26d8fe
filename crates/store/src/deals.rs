//! The deal ledger (T4, T8; issue 12): deals with their patents, consents and payment plan, decoded
//! once into the domain's [`DealDraft`]; payments, CNIPA filings, stage moves and overruled
//! pre-checks; the yearly figures of enterprises. See the migration `0009_deals.sql`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::deal::{
    DealDraft, DealKind, Equity, ExchangeMode, Filing, FilingKind, FilingStatus, Instalment,
    LicenceType, Payment, Stage, StageChange, Venue,
};
use zhiyun_domain::money::Fen;
use zhiyun_domain::precheck::LicenceFact;

use crate::patents::{day, marks, parse_day};
use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool};

fn corrupt(id: i64, detail: String) -> StoreError {
    StoreError::Corrupt {
        entity: "deal",
        id,
        detail,
    }
}

fn fen(id: i64, field: &str, v: i64) -> Result<Fen> {
    Fen::from_fen(v).map_err(|_| corrupt(id, format!("{field} = {v}")))
}

fn opt_day(id: i64, field: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|s| parse_day("deal", id, field, s)).transpose()
}

/// A payment received, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    pub id: i64,
    pub payment: Payment,
    pub created_at: i64,
}

/// A CNIPA filing, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingRecord {
    pub id: i64,
    pub filing: Filing,
    pub created_at: i64,
}

/// A stage reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRecord {
    pub stage: Stage,
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub username: String,
    pub at: i64,
}

/// A failing pre-check let pass by a reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverruleRecord {
    pub rule: String,
    pub comment: String,
    pub username: String,
    pub at: i64,
}

/// A stored deal, decoded, with what hangs on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealRecord {
    pub id: i64,
    /// The deal's terms; `stage` and `filing_due_on` are the current ones.
    pub deal: DealDraft,
    pub cancel_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub payments: Vec<PaymentRecord>,
    pub filings: Vec<FilingRecord>,
    pub stages: Vec<StageRecord>,
    pub overrules: Vec<OverruleRecord>,
}

impl DealRecord {
    pub fn received(&self) -> Fen {
        self.payments.iter().fold(Fen::ZERO, |s, p| {
            s.checked_add(p.payment.amount).unwrap_or(s)
        })
    }
}

#[derive(sqlx::FromRow)]
struct DealRow {
    id: i64,
    kind: String,
    licence_type: Option<String>,
    from_org_id: i64,
    to_org_id: i64,
    agency_org_id: Option<i64>,
    venue: String,
    exchange_mode: Option<String>,
    exchange_deal_number: Option<String>,
    amount_fen: i64,
    signed_on: Option<String>,
    effective_on: Option<String>,
    term_until: Option<String>,
    territory: Option<String>,
    valuation_fen: Option<i64>,
    share_hundredths: Option<i64>,
    lead_id: Option<i64>,
    listing_id: Option<i64>,
    stage: String,
    filing_due_on: Option<String>,
    cancel_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, kind, licence_type, from_org_id, to_org_id, agency_org_id, venue,
    exchange_mode, exchange_deal_number, amount_fen, signed_on, effective_on, term_until, territory,
    valuation_fen, share_hundredths, lead_id, listing_id, stage, filing_due_on, cancel_reason,
    created_at, updated_at";

/// (id, kind, filed_on, status, number, reason, created_at) of a filing.
type FilingRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);
/// (stage, on, reason, username, created_at) of a stage reached.
type StageRow = (String, String, Option<String>, String, i64);

#[derive(Default)]
struct Children {
    patents: Vec<String>,
    pledgee_consents: Vec<i64>,
    co_owner_consents: Vec<i64>,
    instalments: Vec<(String, i64)>,
    payments: Vec<(i64, i64, String, i64)>,
    filings: Vec<FilingRow>,
    stages: Vec<StageRow>,
    overrules: Vec<(String, String, String, i64)>,
}

impl DealRow {
    fn decode(self, ch: Children) -> Result<DealRecord> {
        let id = self.id;
        let kind = DealKind::parse(&self.kind)
            .ok_or_else(|| corrupt(id, format!("kind {:?}", self.kind)))?;
        let licence_type = match self.licence_type.as_deref() {
            None => None,
            Some(s) => Some(
                LicenceType::parse(s).ok_or_else(|| corrupt(id, format!("licence_type {s:?}")))?,
            ),
        };
        let venue = Venue::parse(&self.venue)
            .ok_or_else(|| corrupt(id, format!("venue {:?}", self.venue)))?;
        let exchange_mode = match self.exchange_mode.as_deref() {
            None => None,
            Some(s) => Some(
                ExchangeMode::parse(s)
                    .ok_or_else(|| corrupt(id, format!("exchange_mode {s:?}")))?,
            ),
        };
        let stage = Stage::parse(&self.stage)
            .ok_or_else(|| corrupt(id, format!("stage {:?}", self.stage)))?;
        let patents = ch
            .patents
            .iter()
            .map(|n| {
                zhiyun_domain::ident::PatentApplicationNumber::parse(n)
                    .map_err(|e| corrupt(id, format!("patent {n:?}: {}", e.message)))
            })
            .collect::<Result<Vec<_>>>()?;
        let equity = match (self.valuation_fen, self.share_hundredths) {
            (Some(v), Some(s)) => Some(Equity {
                valuation: fen(id, "valuation_fen", v)?,
                share_hundredths: u32::try_from(s)
                    .map_err(|_| corrupt(id, format!("share_hundredths {s}")))?,
            }),
            (None, None) => None,
            _ => return Err(corrupt(id, "equity half stored".into())),
        };
        let instalments = ch
            .instalments
            .iter()
            .map(|(d, a)| {
                Ok(Instalment {
                    due_on: parse_day("deal", id, "instalment", d)?,
                    amount: fen(id, "instalment", *a)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let deal = DealDraft {
            kind,
            licence_type,
            from_org_id: self.from_org_id,
            to_org_id: self.to_org_id,
            patents,
            venue,
            exchange_mode,
            exchange_deal_number: self.exchange_deal_number,
            amount: fen(id, "amount_fen", self.amount_fen)?,
            signed_on: opt_day(id, "signed_on", self.signed_on.as_deref())?,
            effective_on: opt_day(id, "effective_on", self.effective_on.as_deref())?,
            term_until: opt_day(id, "term_until", self.term_until.as_deref())?,
            lead_id: self.lead_id,
            agency_org_id: self.agency_org_id,
            listing_id: self.listing_id,
            equity,
            instalments,
            territory: self.territory,
            pledgee_consents: ch.pledgee_consents,
            co_owner_consents: ch.co_owner_consents,
            stage,
            filing_due_on: opt_day(id, "filing_due_on", self.filing_due_on.as_deref())?,
        };
        let payments = ch
            .payments
            .into_iter()
            .map(|(pid, amount, on, at)| {
                Ok(PaymentRecord {
                    id: pid,
                    payment: Payment {
                        amount: fen(id, "payment", amount)?,
                        received_on: parse_day("deal", id, "received_on", &on)?,
                    },
                    created_at: at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let filings = ch
            .filings
            .into_iter()
            .map(|(fid, k, on, status, number, reason, at)| {
                Ok(FilingRecord {
                    id: fid,
                    filing: Filing {
                        kind: FilingKind::parse(&k)
                            .ok_or_else(|| corrupt(id, format!("filing kind {k:?}")))?,
                        filed_on: parse_day("deal", id, "filed_on", &on)?,
                        status: FilingStatus::parse(&status)
                            .ok_or_else(|| corrupt(id, format!("filing status {status:?}")))?,
                        number,
                        reason,
                    },
                    created_at: at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let stages = ch
            .stages
            .into_iter()
            .map(|(s, on, reason, username, at)| {
                Ok(StageRecord {
                    stage: Stage::parse(&s).ok_or_else(|| corrupt(id, format!("stage {s:?}")))?,
                    on: parse_day("deal", id, "stage on", &on)?,
                    reason,
                    username,
                    at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let overrules = ch
            .overrules
            .into_iter()
            .map(|(rule, comment, username, at)| OverruleRecord {
                rule,
                comment,
                username,
                at,
            })
            .collect();
        Ok(DealRecord {
            id,
            deal,
            cancel_reason: self.cancel_reason,
            created_at: self.created_at,
            updated_at: self.updated_at,
            payments,
            filings,
            stages,
            overrules,
        })
    }
}

/// What a list asks for; `None` is any.
#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    /// Either party in this district.
    pub district_code: Option<String>,
    /// Signed in this year.
    pub year: Option<i32>,
    pub kind: Option<DealKind>,
    /// Either party, the agency named.
    pub org_id: Option<i64>,
    pub listing_id: Option<i64>,
    pub lead_id: Option<i64>,
}

/// An enterprise's yearly figures, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnualRecord {
    pub org_id: i64,
    pub year: i32,
    pub revenue: Fen,
    pub headcount: u32,
    pub patent_product_revenue: Fen,
    pub updated_at: i64,
}

/// The dates a stage move changes on the deal besides its stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct MoveDates {
    pub signed_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub filing_due_on: Option<NaiveDate>,
}

impl Db {
    /// Store a checked deal: its row, patents, consents, plan, first stage; one audit entry.
    pub async fn deal_create(&self, d: &DealDraft, now: i64, who: &Who) -> Result<DealRecord> {
        let distinct_patents = d
            .patents
            .iter()
            .map(|n| n.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len() as i64;
        let id = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO deals (kind, licence_type, from_org_id, to_org_id, agency_org_id, venue,
                   exchange_mode, exchange_deal_number, amount_fen, signed_on, effective_on, term_until,
                   territory, valuation_fen, share_hundredths, lead_id, listing_id, stage, filing_due_on,
                   created_by, created_at, updated_at, patent_count)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                   $19, $20, $21, $21, $22) RETURNING id")
                .bind(d.kind.slug())
                .bind(d.licence_type.map(|t| t.slug()))
                .bind(d.from_org_id)
                .bind(d.to_org_id)
                .bind(d.agency_org_id)
                .bind(d.venue.slug())
                .bind(d.exchange_mode.map(|m| m.slug()))
                .bind(d.exchange_deal_number.as_deref())
                .bind(d.amount.fen())
                .bind(d.signed_on.map(day))
                .bind(d.effective_on.map(day))
                .bind(d.term_until.map(day))
                .bind(d.territory.as_deref())
                .bind(d.equity.map(|e| e.valuation.fen()))
                .bind(d.equity.map(|e| i64::from(e.share_hundredths)))
                .bind(d.lead_id)
                .bind(d.listing_id)
                .bind(d.stage.slug())
                .bind(d.filing_due_on.map(day))
                .bind(who.user_id)
                .bind(now)
                .bind(distinct_patents)
                .fetch_one(&mut *tx)
                .await?;
            for (i, n) in d.patents.iter().enumerate() {
                sqlx::query("INSERT INTO deal_patents (deal_id, position, number) VALUES ($1, $2, $3)")
                    .bind(id).bind(i as i64).bind(n.as_str())
                    .execute(&mut *tx).await?;
            }
            for (kind, ids) in [("pledgee", &d.pledgee_consents), ("co_owner", &d.co_owner_consents)] {
                for o in ids {
                    sqlx::query("INSERT INTO deal_consents (deal_id, kind, org_id) VALUES ($1, $2, $3)")
                        .bind(id).bind(kind).bind(*o)
                        .execute(&mut *tx).await?;
                }
            }
            for (i, p) in d.instalments.iter().enumerate() {
                sqlx::query("INSERT INTO deal_instalments (deal_id, position, due_on, amount_fen) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(i as i64).bind(day(p.due_on)).bind(p.amount.fen())
                    .execute(&mut *tx).await?;
            }
            let first_on = d.signed_on.unwrap_or_else(|| {
                chrono::DateTime::from_timestamp(now, 0).map(|t| t.date_naive()).unwrap_or_default()
            });
            sqlx::query("INSERT INTO deal_stages (deal_id, stage, on_date, reason, created_by, username, created_at)
                         VALUES ($1, $2, $3, NULL, $4, $5, $6)")
                .bind(id).bind(d.stage.slug()).bind(day(first_on)).bind(who.user_id)
                .bind(who.username.as_str()).bind(now)
                .execute(&mut *tx).await?;
            crate::kpi_sums::refresh_deal_sums!(self, tx, d.to_org_id);
            audit!(tx, who, "create", "deal", id, None::<&DealDraft>, Some(d));
            tx.commit().await?;
            id
        });
        self.deal_get(id).await
    }

    pub async fn deal_get(&self, id: i64) -> Result<DealRecord> {
        self.deals_by_ids(&[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Deals by id, in the order of `ids` (ids not found are left out).
    pub async fn deals_by_ids(&self, ids: &[i64]) -> Result<Vec<DealRecord>> {
        let mut rows: Vec<DealRow> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {COLUMNS} FROM deals WHERE id IN ({})",
                marks(1, chunk.len())
            );
            on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, DealRow>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                rows.extend(q.fetch_all(p).await?);
            });
        }
        let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| order.get(&r.id).copied().unwrap_or(usize::MAX));
        let mut children = self
            .deal_children(&rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .await?;
        rows.into_iter()
            .map(|r| {
                let ch = children.remove(&r.id).unwrap_or_default();
                r.decode(ch)
            })
            .collect()
    }

    async fn deal_children(&self, ids: &[i64]) -> Result<HashMap<i64, Children>> {
        let mut out: HashMap<i64, Children> = HashMap::new();
        for chunk in ids.chunks(500) {
            let m = marks(1, chunk.len());
            let sqls = [
                format!(
                    "SELECT deal_id, number FROM deal_patents WHERE deal_id IN ({m}) ORDER BY deal_id, position"
                ),
                format!(
                    "SELECT deal_id, kind, org_id FROM deal_consents WHERE deal_id IN ({m}) ORDER BY deal_id, kind, org_id"
                ),
                format!(
                    "SELECT deal_id, due_on, amount_fen FROM deal_instalments WHERE deal_id IN ({m}) ORDER BY deal_id, position"
                ),
                format!(
                    "SELECT deal_id, id, amount_fen, received_on, created_at FROM deal_payments WHERE deal_id IN ({m}) ORDER BY deal_id, received_on, id"
                ),
                format!(
                    "SELECT deal_id, id, kind, filed_on, status, number, reason, created_at FROM deal_filings WHERE deal_id IN ({m}) ORDER BY deal_id, filed_on, id"
                ),
                format!(
                    "SELECT deal_id, stage, on_date, reason, username, created_at FROM deal_stages WHERE deal_id IN ({m}) ORDER BY deal_id, id"
                ),
                format!(
                    "SELECT deal_id, rule, comment, username, created_at FROM deal_overrules WHERE deal_id IN ({m}) ORDER BY deal_id, created_at, rule"
                ),
            ];
            let [s0, s1, s2, s3, s4, s5, s6] = sqls;
            on_pool!(self, p => {
                let mut q0 = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(s0));
                let mut q1 = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(s1));
                let mut q2 = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(s2));
                let mut q3 = sqlx::query_as::<_, (i64, i64, i64, String, i64)>(sqlx::AssertSqlSafe(s3));
                let mut q4 = sqlx::query_as::<_, (i64, i64, String, String, String, Option<String>, Option<String>, i64)>(sqlx::AssertSqlSafe(s4));
                let mut q5 = sqlx::query_as::<_, (i64, String, String, Option<String>, String, i64)>(sqlx::AssertSqlSafe(s5));
                let mut q6 = sqlx::query_as::<_, (i64, String, String, String, i64)>(sqlx::AssertSqlSafe(s6));
                for id in chunk {
                    q0 = q0.bind(*id);
                    q1 = q1.bind(*id);
                    q2 = q2.bind(*id);
                    q3 = q3.bind(*id);
                    q4 = q4.bind(*id);
                    q5 = q5.bind(*id);
                    q6 = q6.bind(*id);
                }
                for (d, n) in q0.fetch_all(p).await? {
                    out.entry(d).or_default().patents.push(n);
                }
                for (d, k, o) in q1.fetch_all(p).await? {
                    let c = out.entry(d).or_default();
                    if k == "pledgee" { c.pledgee_consents.push(o) } else { c.co_owner_consents.push(o) }
                }
                for (d, due, a) in q2.fetch_all(p).await? {
                    out.entry(d).or_default().instalments.push((due, a));
                }
                for (d, id, a, on, at) in q3.fetch_all(p).await? {
                    out.entry(d).or_default().payments.push((id, a, on, at));
                }
                for (d, id, k, on, st, n, r, at) in q4.fetch_all(p).await? {
                    out.entry(d).or_default().filings.push((id, k, on, st, n, r, at));
                }
                for (d, s, on, r, u, at) in q5.fetch_all(p).await? {
                    out.entry(d).or_default().stages.push((s, on, r, u, at));
                }
                for (d, rule, c, u, at) in q6.fetch_all(p).await? {
                    out.entry(d).or_default().overrules.push((rule, c, u, at));
                }
            });
        }
        Ok(out)
    }

    /// Deals matching the filter, newest signing first (unsigned last).
    pub async fn deal_list(&self, f: &DealFilter) -> Result<Vec<DealRecord>> {
        let (from, to) = match f.year {
            Some(y) => (Some(format!("{y:04}-01-01")), Some(format!("{y:04}-12-31"))),
            None => (None, None),
        };
        let sql = "SELECT id FROM deals d WHERE
              ($1 IS NULL OR d.from_org_id IN (SELECT id FROM organisations WHERE district_code = $1)
                          OR d.to_org_id IN (SELECT id FROM organisations WHERE district_code = $1))
          AND ($2 IS NULL OR (d.signed_on >= $2 AND d.signed_on <= $3))
          AND ($4 IS NULL OR d.kind = $4)
          AND ($5 IS NULL OR d.from_org_id = $5 OR d.to_org_id = $5 OR d.agency_org_id = $5)
          AND ($6 IS NULL OR d.listing_id = $6)
          AND ($7 IS NULL OR d.lead_id = $7)
          ORDER BY CASE WHEN d.signed_on IS NULL THEN 1 ELSE 0 END, d.signed_on DESC, d.id DESC";
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(sql)
            .bind(f.district_code.as_deref())
            .bind(from.as_deref())
            .bind(to.as_deref())
            .bind(f.kind.map(|k| k.slug()))
            .bind(f.org_id)
            .bind(f.listing_id)
            .bind(f.lead_id)
            .fetch_all(p)
            .await?);
        self.deals_by_ids(&ids).await
    }

    /// Move a deal to its next stage (checked by the domain), with the dates the move sets.
    pub async fn deal_move_stage(
        &self,
        id: i64,
        change: &StageChange,
        dates: MoveDates,
        now: i64,
        who: &Who,
    ) -> Result<DealRecord> {
        let before = self.deal_get(id).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE deals SET stage = $1, signed_on = COALESCE($2, signed_on),
                   effective_on = COALESCE($3, effective_on), filing_due_on = COALESCE($4, filing_due_on),
                   cancel_reason = CASE WHEN $1 = 'cancelled' THEN $5 ELSE cancel_reason END,
                   updated_at = $6
                 WHERE id = $7 AND stage = $8")
                .bind(change.to.slug())
                .bind(dates.signed_on.map(day))
                .bind(dates.effective_on.map(day))
                .bind(dates.filing_due_on.map(day))
                .bind(change.reason.as_deref())
                .bind(now)
                .bind(id)
                .bind(change.from.slug())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    code: zhiyun_domain::code::Code::StatusChanged,
                    field: Some("stage"),
                    message: "交易阶段已被他人变更，请刷新后重试".into(),
                });
            }
            sqlx::query("INSERT INTO deal_stages (deal_id, stage, on_date, reason, created_by, username, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(change.to.slug()).bind(day(change.on)).bind(change.reason.as_deref())
                .bind(who.user_id).bind(who.username.as_str()).bind(now)
                .execute(&mut *tx).await?;
            crate::kpi_sums::refresh_deal_sums!(self, tx, before.deal.to_org_id);
            audit!(tx, who, "stage", "deal", id, Some(&before.deal.stage), Some(change));
            tx.commit().await?;
        });
        self.deal_get(id).await
    }

    /// Record a payment received (checked by the domain against the sum read before).
    pub async fn deal_add_payment(&self, id: i64, p: &Payment, now: i64, who: &Who) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let pid: i64 = sqlx::query_scalar(
                "INSERT INTO deal_payments (deal_id, amount_fen, received_on, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(id).bind(p.amount.fen()).bind(day(p.received_on)).bind(who.user_id).bind(now)
                .fetch_one(&mut *tx).await?;
            sqlx::query("UPDATE deals SET updated_at = $1 WHERE id = $2")
                .bind(now).bind(id).execute(&mut *tx).await?;
            audit!(tx, who, "payment", "deal", id, None::<&Payment>, Some(p));
            tx.commit().await?;
            pid
        }))
    }

    /// Record a CNIPA filing.
    pub async fn deal_add_filing(&self, id: i64, f: &Filing, now: i64, who: &Who) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let fid: i64 = sqlx::query_scalar(
                "INSERT INTO deal_filings (deal_id, kind, filed_on, status, number, reason, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(id).bind(f.kind.slug()).bind(day(f.filed_on)).bind(f.status.slug())
                .bind(f.number.as_deref()).bind(f.reason.as_deref()).bind(who.user_id).bind(now)
                .fetch_one(&mut *tx).await?;
            sqlx::query("UPDATE deals SET updated_at = $1 WHERE id = $2")
                .bind(now).bind(id).execute(&mut *tx).await?;
            audit!(tx, who, "filing", "deal", id, None::<&Filing>, Some(f));
            tx.commit().await?;
            fid
        }))
    }

    /// Let a failing pre-check pass, with the reviewer's comment (a second one replaces it).
    pub async fn deal_overrule(
        &self,
        id: i64,
        rule: &str,
        comment: &str,
        now: i64,
        who: &Who,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM deal_overrules WHERE deal_id = $1 AND rule = $2")
                .bind(id).bind(rule).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO deal_overrules (deal_id, rule, comment, created_by, username, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(rule).bind(comment).bind(who.user_id).bind(who.username.as_str()).bind(now)
                .execute(&mut *tx).await?;
            let after = serde_json::json!({"rule": rule, "comment": comment});
            audit!(tx, who, "overrule", "deal", id, None::<&serde_json::Value>, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Licences granted on these patents by deals signed or later and not cancelled.
    pub async fn deal_licences_on(
        &self,
        numbers: &[String],
    ) -> Result<HashMap<String, Vec<LicenceFact>>> {
        let mut out: HashMap<String, Vec<LicenceFact>> = HashMap::new();
        for chunk in numbers.chunks(500) {
            let sql = format!(
                "SELECT dp.number, d.id, d.licence_type, d.to_org_id, COALESCE(d.effective_on, d.signed_on), d.term_until
                 FROM deal_patents dp JOIN deals d ON d.id = dp.deal_id
                 WHERE d.kind = 'licence' AND d.stage NOT IN ('negotiating', 'cancelled')
                   AND d.signed_on IS NOT NULL AND dp.number IN ({}) ORDER BY d.id",
                marks(1, chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (String, i64, Option<String>, i64, String, Option<String>)>(sqlx::AssertSqlSafe(sql));
                for n in chunk {
                    q = q.bind(n.as_str());
                }
                q.fetch_all(p).await?
            });
            for (number, id, lt, to, from, until) in rows {
                out.entry(number).or_default().push(LicenceFact {
                    deal_id: id,
                    licence_type: lt.unwrap_or_default(),
                    licensee_org_id: to,
                    from: parse_day("deal", id, "effective_on", &from)?,
                    until: opt_day(id, "term_until", until.as_deref())?,
                });
            }
        }
        Ok(out)
    }

    /// The deals naming a patent (by canonical number), for the patent's page: (id, kind, stage).
    pub async fn deals_of_patent(&self, number: &str) -> Result<Vec<(i64, String, String)>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, (i64, String, String)>(
            "SELECT d.id, d.kind, d.stage FROM deal_patents dp JOIN deals d ON d.id = dp.deal_id
             WHERE dp.number = $1 ORDER BY d.id")
            .bind(number)
            .fetch_all(p)
            .await?),
        )
    }

    /// Store an enterprise's figures for a year (replacing what was there).
    pub async fn annual_put(&self, a: &AnnualRecord, who: &Who) -> Result<AnnualRecord> {
        let before = self.annual_get(a.org_id, a.year).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM org_annual WHERE org_id = $1 AND year = $2")
                .bind(a.org_id).bind(i64::from(a.year)).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO org_annual (org_id, year, revenue_fen, headcount, patent_product_revenue_fen, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(a.org_id).bind(i64::from(a.year)).bind(a.revenue.fen())
                .bind(i64::from(a.headcount)).bind(a.patent_product_revenue.fen()).bind(a.updated_at)
                .execute(&mut *tx).await?;
            audit!(tx, who, "annual", "organisation", a.org_id, before.as_ref(), Some(a));
            tx.commit().await?;
        });
        Ok(a.clone())
    }

    pub async fn annual_get(&self, org_id: i64, year: i32) -> Result<Option<AnnualRecord>> {
        Ok(self
            .annual_of(&[org_id])
            .await?
            .into_iter()
            .find(|a| a.year == year))
    }

    /// The figures of these organisations, every year, by organisation then year.
    pub async fn annual_of(&self, org_ids: &[i64]) -> Result<Vec<AnnualRecord>> {
        let mut out = Vec::new();
        for chunk in org_ids.chunks(500) {
            let sql = format!(
                "SELECT org_id, year, revenue_fen, headcount, patent_product_revenue_fen, updated_at
                 FROM org_annual WHERE org_id IN ({}) ORDER BY org_id, year",
                marks(1, chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for (org_id, year, r, h, pr, at) in rows {
                let bad = |what: &str| StoreError::Corrupt {
                    entity: "org_annual",
                    id: org_id,
                    detail: what.to_string(),
                };
                out.push(AnnualRecord {
                    org_id,
                    year: i32::try_from(year).map_err(|_| bad("year"))?,
                    revenue: Fen::from_fen(r).map_err(|_| bad("revenue_fen"))?,
                    headcount: u32::try_from(h).map_err(|_| bad("headcount"))?,
                    patent_product_revenue: Fen::from_fen(pr)
                        .map_err(|_| bad("patent_product_revenue_fen"))?,
                    updated_at: at,
                });
            }
        }
        Ok(out)
    }

    /// A deal lead by id: (meeting id, demand listing, supply listing).
    pub async fn deal_lead_get(&self, id: i64) -> Result<(Option<i64>, i64, i64)> {
        on_pool!(self, p => sqlx::query_as::<_, (Option<i64>, i64, i64)>(
            "SELECT meeting_id, demand_id, supply_id FROM deal_leads WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?)
        .ok_or(StoreError::NotFound)
    }

    /// The event a meeting belongs to.
    pub async fn meeting_event(&self, meeting_id: i64) -> Result<Option<i64>> {
        Ok(on_pool!(self, p => sqlx::query_scalar::<_, i64>(
            "SELECT event_id FROM event_meetings WHERE id = $1")
            .bind(meeting_id)
            .fetch_optional(p)
            .await?))
    }
}
