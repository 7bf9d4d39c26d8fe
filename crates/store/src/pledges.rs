//! Pledge financing (T5; K1, K2; issue 13): banks' products, pledges with their items, risk
//! sharing, dated stage history and overruled checks. IP insurance is in [`insurance`].
//!
//! Rows are decoded once into records with domain types ([`ProductRecord`], [`PledgeRecord`]);
//! a stored value that does not decode is [`StoreError::Corrupt`]. A pledge and its items and
//! first step are written in one transaction with the audit entry; a stage move appends its step
//! only if the pledge is still at the stage the move was decided from, and a registration only
//! if none of its patents is under another live pledge.

pub mod insurance;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::{PatentApplicationNumber, TrademarkNumber};
use zhiyun_domain::money::Fen;
use zhiyun_domain::pledge::{
    Appraisal, AppraisalMethod, AppraisalStandard, Collateral, DeclineReason, DisposalKind,
    Eligibility, Pledge, Product, Rate, RiskShare, RiskSharingKind, Stage, StageData, StageEntry,
};

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool};

pub(crate) const DATE: &str = "%Y-%m-%d";

pub(crate) fn corrupt(entity: &'static str, id: i64, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        entity,
        id,
        detail: detail.to_string(),
    }
}

pub(crate) fn date(entity: &'static str, id: i64, what: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, DATE)
        .map_err(|e| corrupt(entity, id, format!("{what} {s:?}: {e}")))
}

pub(crate) fn opt_date(
    entity: &'static str,
    id: i64,
    what: &str,
    s: Option<&str>,
) -> Result<Option<NaiveDate>> {
    s.map(|s| date(entity, id, what, s)).transpose()
}

pub(crate) fn fen(entity: &'static str, id: i64, what: &str, v: i64) -> Result<Fen> {
    Fen::from_fen(v).map_err(|e| corrupt(entity, id, format!("{what} {v}: {e}")))
}

pub(crate) fn opt_fen(
    entity: &'static str,
    id: i64,
    what: &str,
    v: Option<i64>,
) -> Result<Option<Fen>> {
    v.map(|v| fen(entity, id, what, v)).transpose()
}

fn u32_of(entity: &'static str, id: i64, what: &str, v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt(entity, id, format!("{what} {v}")))
}

pub(crate) fn ymd(d: NaiveDate) -> String {
    d.format(DATE).to_string()
}

/// A risk share as stored in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ShareJson {
    kind: String,
    share_bp: u32,
    partner: Option<String>,
}

fn share_of(entity: &'static str, id: i64, s: ShareJson) -> Result<RiskShare> {
    Ok(RiskShare {
        kind: RiskSharingKind::parse(&s.kind)
            .ok_or_else(|| corrupt(entity, id, format!("risk sharing {:?}", s.kind)))?,
        share_bp: s.share_bp,
        partner: s.partner,
    })
}

// ---------- products ----------

#[derive(Debug, Clone, sqlx::FromRow)]
struct ProductRow {
    id: i64,
    bank_org_id: i64,
    bank_name: String,
    name: String,
    collateral: String,
    amount_min_fen: Option<i64>,
    amount_max_fen: i64,
    term_min_months: i64,
    term_max_months: i64,
    rate_min_bp: Option<i64>,
    rate_max_bp: Option<i64>,
    appraisal_required: i64,
    eligible: String,
    eligible_other: Option<String>,
    risk_sharing_json: String,
    description: String,
    contact_name: String,
    contact_phone: String,
    published: i64,
    created_at: i64,
    updated_at: i64,
}

/// A bank's product as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRecord {
    pub id: i64,
    pub bank_org_id: i64,
    pub bank_name: String,
    pub product: Product,
    pub published: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TryFrom<ProductRow> for ProductRecord {
    type Error = StoreError;

    fn try_from(r: ProductRow) -> Result<ProductRecord> {
        const E: &str = "pledge_product";
        let id = r.id;
        let rate = match (r.rate_min_bp, r.rate_max_bp) {
            (None, None) => Rate::Negotiable,
            (Some(a), Some(b)) => Rate::Range {
                min_bp: u32_of(E, id, "rate_min_bp", a)?,
                max_bp: u32_of(E, id, "rate_max_bp", b)?,
            },
            _ => return Err(corrupt(E, id, "rate with one bound")),
        };
        let eligible = r
            .eligible
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| Eligibility::parse(s).ok_or_else(|| corrupt(E, id, format!("eligible {s:?}"))))
            .collect::<Result<Vec<_>>>()?;
        let shares: Vec<ShareJson> = serde_json::from_str(&r.risk_sharing_json)
            .map_err(|e| corrupt(E, id, format!("risk_sharing_json: {e}")))?;
        Ok(ProductRecord {
            id,
            bank_org_id: r.bank_org_id,
            bank_name: r.bank_name,
            product: Product {
                name: r.name,
                collateral: Collateral::parse(&r.collateral)
                    .ok_or_else(|| corrupt(E, id, format!("collateral {:?}", r.collateral)))?,
                amount_min: opt_fen(E, id, "amount_min_fen", r.amount_min_fen)?,
                amount_max: fen(E, id, "amount_max_fen", r.amount_max_fen)?,
                term_min_months: u32_of(E, id, "term_min_months", r.term_min_months)?,
                term_max_months: u32_of(E, id, "term_max_months", r.term_max_months)?,
                rate,
                appraisal_required: r.appraisal_required != 0,
                eligible,
                eligible_other: r.eligible_other,
                risk_sharing: shares
                    .into_iter()
                    .map(|s| share_of(E, id, s))
                    .collect::<Result<_>>()?,
                description: r.description,
                contact_name: r.contact_name,
                contact_phone: r.contact_phone,
            },
            published: r.published != 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const PRODUCT_SELECT: &str = "SELECT x.id, x.bank_org_id, COALESCE(o.name, '') AS bank_name,
      x.name, x.collateral, x.amount_min_fen, x.amount_max_fen, x.term_min_months,
      x.term_max_months, x.rate_min_bp, x.rate_max_bp, x.appraisal_required, x.eligible,
      x.eligible_other, x.risk_sharing_json, x.description, x.contact_name, x.contact_phone,
      x.published, x.created_at, x.updated_at
    FROM pledge_products x LEFT JOIN organisations o ON o.id = x.bank_org_id";

struct ProductCols {
    rate_min: Option<i64>,
    rate_max: Option<i64>,
    eligible: String,
    shares: String,
}

fn product_cols(p: &Product) -> Result<ProductCols> {
    let (rate_min, rate_max) = match p.rate {
        Rate::Negotiable => (None, None),
        Rate::Range { min_bp, max_bp } => (Some(i64::from(min_bp)), Some(i64::from(max_bp))),
    };
    let shares: Vec<ShareJson> = p
        .risk_sharing
        .iter()
        .map(|s| ShareJson {
            kind: s.kind.slug().to_string(),
            share_bp: s.share_bp,
            partner: s.partner.clone(),
        })
        .collect();
    Ok(ProductCols {
        rate_min,
        rate_max,
        eligible: p
            .eligible
            .iter()
            .map(|e| e.slug())
            .collect::<Vec<_>>()
            .join(","),
        shares: serde_json::to_string(&shares)?,
    })
}

// ---------- pledges ----------

#[derive(Debug, Clone, sqlx::FromRow)]
struct PledgeRow {
    id: i64,
    kind: String,
    pledgor_org_id: i64,
    pledgor_name: String,
    pledgor_district: Option<String>,
    pledgee_org_id: i64,
    pledgee_name: String,
    product_id: Option<i64>,
    product_name: Option<String>,
    amount_fen: i64,
    loan_start: String,
    repay_by: String,
    term_months: i64,
    applied_on: String,
    stage: String,
    registered_on: Option<String>,
    registration_number: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct StageRow {
    pledge_id: i64,
    stage: String,
    on_date: String,
    registration_number: Option<String>,
    amount_fen: Option<i64>,
    reason: Option<String>,
    disposal: Option<String>,
    appraisal_value_fen: Option<i64>,
    appraiser: Option<String>,
    appraisal_method: Option<String>,
    appraisal_standard: Option<String>,
    note: Option<String>,
    username: String,
    created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ItemRow {
    pledge_id: i64,
    item_kind: String,
    number: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ShareRow {
    pledge_id: i64,
    kind: String,
    share_bp: i64,
    partner: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct OverruleRow {
    pledge_id: i64,
    rule: String,
    comment: String,
    username: String,
    created_at: i64,
}

/// A check before registration overruled (or confirmed) with a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overrule {
    pub rule: String,
    pub comment: String,
    pub username: String,
    pub created_at: i64,
}

/// Who recorded a step, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepMeta {
    pub username: String,
    pub created_at: i64,
}

/// A pledge with its parties' names, its history (oldest first) and its overruled checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PledgeRecord {
    pub id: i64,
    pub pledge: Pledge,
    pub pledgor_name: String,
    /// The pledgor's district (where the pledge counts for K1/K2).
    pub pledgor_district: Option<String>,
    pub pledgee_name: String,
    pub product_name: Option<String>,
    pub stage: Stage,
    pub history: Vec<StageEntry>,
    /// Per entry of `history`.
    pub steps: Vec<StepMeta>,
    pub registered_on: Option<NaiveDate>,
    pub registration_number: Option<String>,
    pub overrules: Vec<Overrule>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn entry_of(r: StageRow) -> Result<(StageEntry, StepMeta)> {
    const E: &str = "pledge";
    let id = r.pledge_id;
    let parse = |what: &str, v: Option<&str>, f: fn(&str) -> bool| -> Result<()> {
        match v {
            Some(s) if !f(s) => Err(corrupt(E, id, format!("{what} {s:?}"))),
            _ => Ok(()),
        }
    };
    parse("reason", r.reason.as_deref(), |s| {
        DeclineReason::parse(s).is_some()
    })?;
    parse("disposal", r.disposal.as_deref(), |s| {
        DisposalKind::parse(s).is_some()
    })?;
    let appraisal = match (
        r.appraisal_value_fen,
        r.appraiser,
        r.appraisal_method.as_deref(),
    ) {
        (None, None, None) => None,
        (Some(v), Some(a), Some(m)) => Some(Appraisal {
            value: fen(E, id, "appraisal_value_fen", v)?,
            appraiser: a,
            method: AppraisalMethod::parse(m)
                .ok_or_else(|| corrupt(E, id, format!("appraisal_method {m:?}")))?,
            standard: match r.appraisal_standard.as_deref() {
                None => None,
                Some(s) => Some(
                    AppraisalStandard::parse(s)
                        .ok_or_else(|| corrupt(E, id, format!("appraisal_standard {s:?}")))?,
                ),
            },
        }),
        _ => return Err(corrupt(E, id, "partial appraisal")),
    };
    Ok((
        StageEntry {
            stage: Stage::parse(&r.stage)
                .ok_or_else(|| corrupt(E, id, format!("stage {:?}", r.stage)))?,
            data: StageData {
                on: date(E, id, "on_date", &r.on_date)?,
                registration_number: r.registration_number,
                amount: opt_fen(E, id, "amount_fen", r.amount_fen)?,
                reason: r.reason.as_deref().and_then(DeclineReason::parse),
                disposal: r.disposal.as_deref().and_then(DisposalKind::parse),
                appraisal,
                note: r.note,
            },
        },
        StepMeta {
            username: r.username,
            created_at: r.created_at,
        },
    ))
}

/// Which pledges to list. Every filter is optional; all given must hold.
#[derive(Debug, Clone, Default)]
pub struct PledgeFilter {
    pub id: Option<i64>,
    /// The pledgor's district.
    pub district: Option<String>,
    pub pledgor_org_id: Option<i64>,
    pub pledgee_org_id: Option<i64>,
    /// Applied for or registered in this year.
    pub year: Option<i32>,
    /// Registered with CNIPA in this year (K1/K2).
    pub registered_year: Option<i32>,
    pub stage: Option<Stage>,
}

const PLEDGE_FROM: &str = "FROM pledges p
      LEFT JOIN organisations a ON a.id = p.pledgor_org_id
      LEFT JOIN organisations b ON b.id = p.pledgee_org_id
      LEFT JOIN pledge_products x ON x.id = p.product_id
    WHERE ($1 IS NULL OR p.id = $1)
      AND ($2 IS NULL OR a.district_code = $2)
      AND ($3 IS NULL OR p.pledgor_org_id = $3)
      AND ($4 IS NULL OR p.pledgee_org_id = $4)
      AND ($5 IS NULL OR substr(p.applied_on, 1, 4) = $5 OR substr(p.registered_on, 1, 4) = $5)
      AND ($6 IS NULL OR substr(p.registered_on, 1, 4) = $6)
      AND ($7 IS NULL OR p.stage = $7)";

macro_rules! bind_filter {
    ($q:expr, $f:expr) => {
        $q.bind($f.id)
            .bind($f.district.clone())
            .bind($f.pledgor_org_id)
            .bind($f.pledgee_org_id)
            .bind($f.year.map(|y| format!("{y:04}")))
            .bind($f.registered_year.map(|y| format!("{y:04}")))
            .bind($f.stage.map(|s| s.slug()))
    };
}

/// A live pledge on a patent (registered and not released or disposed of).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LivePledge {
    pub number: String,
    pub pledge_id: i64,
    pub pledgee_org_id: i64,
    pub pledgee_name: String,
}

macro_rules! insert_step {
    ($tx:expr, $id:expr, $seq:expr, $e:expr, $who:expr, $at:expr) => {{
        let e: &StageEntry = $e;
        let a = e.data.appraisal.as_ref();
        sqlx::query(
            "INSERT INTO pledge_stages (pledge_id, seq, stage, on_date, registration_number,
               amount_fen, reason, disposal, appraisal_value_fen, appraiser, appraisal_method,
               appraisal_standard, note, username, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind($id)
        .bind($seq)
        .bind(e.stage.slug())
        .bind(ymd(e.data.on))
        .bind(&e.data.registration_number)
        .bind(e.data.amount.map(Fen::fen))
        .bind(e.data.reason.map(|r| r.slug()))
        .bind(e.data.disposal.map(|d| d.slug()))
        .bind(a.map(|a| a.value.fen()))
        .bind(a.map(|a| a.appraiser.clone()))
        .bind(a.map(|a| a.method.slug()))
        .bind(a.and_then(|a| a.standard.map(|s| s.slug())))
        .bind(&e.data.note)
        .bind($who.username.as_str())
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}

const LIVE: &str = "('registered', 'disbursed', 'repaid', 'defaulted')";

impl Db {
    pub async fn product_create(
        &self,
        p: &Product,
        bank_org_id: i64,
        published: bool,
        who: &Who,
    ) -> Result<ProductRecord> {
        let c = product_cols(p)?;
        let at = now();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO pledge_products (bank_org_id, name, collateral, amount_min_fen,
                   amount_max_fen, term_min_months, term_max_months, rate_min_bp, rate_max_bp,
                   appraisal_required, eligible, eligible_other, risk_sharing_json, description,
                   contact_name, contact_phone, published, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                   $17, $18, $18) RETURNING id",
            )
            .bind(bank_org_id)
            .bind(&p.name)
            .bind(p.collateral.slug())
            .bind(p.amount_min.map(Fen::fen))
            .bind(p.amount_max.fen())
            .bind(i64::from(p.term_min_months))
            .bind(i64::from(p.term_max_months))
            .bind(c.rate_min)
            .bind(c.rate_max)
            .bind(i64::from(p.appraisal_required))
            .bind(&c.eligible)
            .bind(&p.eligible_other)
            .bind(&c.shares)
            .bind(&p.description)
            .bind(&p.contact_name)
            .bind(&p.contact_phone)
            .bind(i64::from(published))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(tx, who, "create", "pledge_product", id, None::<&Product>, Some(p));
            tx.commit().await?;
            id
        });
        self.product_get(id).await
    }

    pub async fn product_replace(&self, id: i64, p: &Product, who: &Who) -> Result<ProductRecord> {
        let before = self.product_get(id).await?;
        let c = product_cols(p)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE pledge_products SET name = $1, collateral = $2, amount_min_fen = $3,
                   amount_max_fen = $4, term_min_months = $5, term_max_months = $6,
                   rate_min_bp = $7, rate_max_bp = $8, appraisal_required = $9, eligible = $10,
                   eligible_other = $11, risk_sharing_json = $12, description = $13,
                   contact_name = $14, contact_phone = $15, updated_at = $16
                 WHERE id = $17",
            )
            .bind(&p.name)
            .bind(p.collateral.slug())
            .bind(p.amount_min.map(Fen::fen))
            .bind(p.amount_max.fen())
            .bind(i64::from(p.term_min_months))
            .bind(i64::from(p.term_max_months))
            .bind(c.rate_min)
            .bind(c.rate_max)
            .bind(i64::from(p.appraisal_required))
            .bind(&c.eligible)
            .bind(&p.eligible_other)
            .bind(&c.shares)
            .bind(&p.description)
            .bind(&p.contact_name)
            .bind(&p.contact_phone)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit!(tx, who, "update", "pledge_product", id, Some(&before.product), Some(p));
            tx.commit().await?;
        });
        self.product_get(id).await
    }

    pub async fn product_set_published(
        &self,
        id: i64,
        published: bool,
        who: &Who,
    ) -> Result<ProductRecord> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query(
                "UPDATE pledge_products SET published = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(i64::from(published))
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let action = if published { "publish" } else { "unpublish" };
            audit!(tx, who, action, "pledge_product", id, None::<&bool>, Some(&published));
            tx.commit().await?;
        });
        self.product_get(id).await
    }

    pub async fn product_get(&self, id: i64) -> Result<ProductRecord> {
        let sql = format!("{PRODUCT_SELECT} WHERE x.id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))?;
        row.try_into()
    }

    /// Products, of one bank or all; `published_only` leaves drafts out. By bank, then id.
    pub async fn product_list(
        &self,
        bank_org_id: Option<i64>,
        published_only: bool,
    ) -> Result<Vec<ProductRecord>> {
        let sql = format!(
            "{PRODUCT_SELECT} WHERE ($1 IS NULL OR x.bank_org_id = $1) AND ($2 = 0 OR x.published = 1)
             ORDER BY x.bank_org_id, x.id"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
            .bind(bank_org_id)
            .bind(i64::from(published_only))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(ProductRecord::try_from).collect()
    }

    /// Store a checked pledge at `applied`: its items, risk shares and first step, audited.
    /// 409 `already_pledged` when one of its patents is under a live pledge.
    pub async fn pledge_create(&self, p: &Pledge, who: &Who) -> Result<i64> {
        let at = now();
        let first = p.applied_entry();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for n in &p.patents {
                let held: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT p.id FROM pledge_items i JOIN pledges p ON p.id = i.pledge_id
                     WHERE i.item_kind = 'patent' AND i.number = $1 AND p.stage IN {LIVE} LIMIT 1"
                )))
                .bind(n.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(other) = held {
                    return Err(StoreError::Conflict {
                        code: Code::AlreadyPledged,
                        field: Some("patents"),
                        message: format!(
                            "专利 ZL{} 已在质押 #{other} 中出质且尚未解除，不能同时再次出质",
                            n.as_str()
                        ),
                    });
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO pledges (kind, pledgor_org_id, pledgee_org_id, product_id, amount_fen,
                   loan_start, repay_by, term_months, applied_on, stage, stage_on, created_at,
                   updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'applied', $9, $10, $10) RETURNING id",
            )
            .bind(p.kind.slug())
            .bind(p.pledgor_org_id)
            .bind(p.pledgee_org_id)
            .bind(p.product_id)
            .bind(p.amount.fen())
            .bind(ymd(p.loan_start))
            .bind(ymd(p.repay_by))
            .bind(i64::from(p.term_months))
            .bind(ymd(p.applied_on))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let items = p
                .patents
                .iter()
                .map(|n| ("patent", n.as_str()))
                .chain(p.trademarks.iter().map(|t| ("trademark", t.as_str())));
            for (i, (kind, number)) in items.enumerate() {
                sqlx::query(
                    "INSERT INTO pledge_items (pledge_id, item_kind, number, position)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(kind)
                .bind(number)
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
            for s in &p.risk_sharing {
                sqlx::query(
                    "INSERT INTO pledge_risk_shares (pledge_id, kind, share_bp, partner)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(s.kind.slug())
                .bind(i64::from(s.share_bp))
                .bind(&s.partner)
                .execute(&mut *tx)
                .await?;
            }
            insert_step!(tx, id, 0i64, &first, who, at);
            audit!(tx, who, "create", "pledge", id, None::<&Pledge>, Some(p));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Append `entry` to pledge `id`, which must still be at `from` with `history` as its steps.
    /// 409 `bad_stage` if it moved meanwhile; a registration is 409 `already_pledged` when one of
    /// its patents is under another live pledge. K1/K2's columns follow the new history.
    pub async fn pledge_move(
        &self,
        id: i64,
        from: Stage,
        history: &[StageEntry],
        entry: &StageEntry,
        who: &Who,
    ) -> Result<()> {
        let at = now();
        let seq = history.len();
        let (k1_year, k1_amount) = {
            let mut after = history.to_vec();
            after.push(entry.clone());
            crate::kpi_sums::k1_columns(&after)
        };
        let registered = entry.stage == Stage::Registered;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if registered {
                let held: Option<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT i.number, p.id FROM pledge_items i JOIN pledges p ON p.id = i.pledge_id
                     WHERE i.item_kind = 'patent' AND p.id <> $1 AND p.stage IN {LIVE}
                       AND i.number IN (SELECT number FROM pledge_items
                                        WHERE pledge_id = $1 AND item_kind = 'patent')
                     LIMIT 1"
                )))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((n, other)) = held {
                    return Err(StoreError::Conflict {
                        code: Code::AlreadyPledged,
                        field: Some("stage"),
                        message: format!(
                            "专利 ZL{n} 已在质押 #{other} 中登记且尚未解除，不能重复质押登记"
                        ),
                    });
                }
            }
            let done = sqlx::query(
                "UPDATE pledges SET stage = $1, stage_on = $2,
                   registered_on = CASE WHEN $3 = 1 THEN $2 ELSE registered_on END,
                   registration_number = CASE WHEN $3 = 1 THEN $4 ELSE registration_number END,
                   updated_at = $5, k1_year = $8, k1_amount_fen = $9
                 WHERE id = $6 AND stage = $7",
            )
            .bind(entry.stage.slug())
            .bind(ymd(entry.data.on))
            .bind(i64::from(registered))
            .bind(&entry.data.registration_number)
            .bind(at)
            .bind(id)
            .bind(from.slug())
            .bind(k1_year)
            .bind(k1_amount)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    code: Code::BadStage,
                    field: Some("stage"),
                    message: "该质押的阶段刚被他人变更，请刷新后重试".to_string(),
                });
            }
            insert_step!(tx, id, seq as i64, entry, who, at);
            audit!(tx, who, entry.stage.slug(), "pledge", id, Some(&from), Some(entry));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record that a check before registration is overruled (or confirmed) with a comment.
    pub async fn pledge_overrule(
        &self,
        id: i64,
        rule: &str,
        comment: &str,
        who: &Who,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM pledge_check_overrules WHERE pledge_id = $1 AND rule = $2")
                .bind(id)
                .bind(rule)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO pledge_check_overrules (pledge_id, rule, comment, username, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(rule)
            .bind(comment)
            .bind(who.username.as_str())
            .bind(now())
            .execute(&mut *tx)
            .await?;
            audit!(tx, who, "overrule_check", "pledge", id, None::<&str>, Some(&(rule, comment)));
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn pledge_get(&self, id: i64) -> Result<PledgeRecord> {
        let f = PledgeFilter {
            id: Some(id),
            ..Default::default()
        };
        self.pledge_list(&f)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Pledges with their histories, newest first.
    pub async fn pledge_list(&self, f: &PledgeFilter) -> Result<Vec<PledgeRecord>> {
        let main = format!(
            "SELECT p.id, p.kind, p.pledgor_org_id, COALESCE(a.name, '') AS pledgor_name,
               a.district_code AS pledgor_district, p.pledgee_org_id,
               COALESCE(b.name, '') AS pledgee_name, p.product_id, x.name AS product_name,
               p.amount_fen, p.loan_start, p.repay_by, p.term_months, p.applied_on, p.stage,
               p.registered_on, p.registration_number, p.created_at, p.updated_at
             {PLEDGE_FROM} ORDER BY p.applied_on DESC, p.id DESC"
        );
        let ids = format!("SELECT p.id {PLEDGE_FROM}");
        let stages = format!(
            "SELECT pledge_id, stage, on_date, registration_number, amount_fen, reason, disposal,
               appraisal_value_fen, appraiser, appraisal_method, appraisal_standard, note,
               username, created_at
             FROM pledge_stages WHERE pledge_id IN ({ids}) ORDER BY pledge_id, seq"
        );
        let items = format!(
            "SELECT pledge_id, item_kind, number FROM pledge_items WHERE pledge_id IN ({ids})
             ORDER BY pledge_id, position"
        );
        let shares = format!(
            "SELECT pledge_id, kind, share_bp, partner FROM pledge_risk_shares
             WHERE pledge_id IN ({ids}) ORDER BY pledge_id, kind"
        );
        let overrules = format!(
            "SELECT pledge_id, rule, comment, username, created_at FROM pledge_check_overrules
             WHERE pledge_id IN ({ids}) ORDER BY pledge_id, created_at"
        );
        let (rows, stages, items, shares, overrules) = on_pool!(self, p => {
            let rows = bind_filter!(sqlx::query_as::<_, PledgeRow>(sqlx::AssertSqlSafe(main)), f)
                .fetch_all(p)
                .await?;
            let stages = bind_filter!(sqlx::query_as::<_, StageRow>(sqlx::AssertSqlSafe(stages)), f)
                .fetch_all(p)
                .await?;
            let items = bind_filter!(sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(items)), f)
                .fetch_all(p)
                .await?;
            let shares = bind_filter!(sqlx::query_as::<_, ShareRow>(sqlx::AssertSqlSafe(shares)), f)
                .fetch_all(p)
                .await?;
            let overrules =
                bind_filter!(sqlx::query_as::<_, OverruleRow>(sqlx::AssertSqlSafe(overrules)), f)
                    .fetch_all(p)
                    .await?;
            (rows, stages, items, shares, overrules)
        });
        let mut hist: HashMap<i64, (Vec<StageEntry>, Vec<StepMeta>)> = HashMap::new();
        for s in stages {
            let id = s.pledge_id;
            let (e, m) = entry_of(s)?;
            let h = hist.entry(id).or_default();
            h.0.push(e);
            h.1.push(m);
        }
        let mut its: HashMap<i64, Vec<ItemRow>> = HashMap::new();
        for i in items {
            its.entry(i.pledge_id).or_default().push(i);
        }
        let mut shs: HashMap<i64, Vec<RiskShare>> = HashMap::new();
        for s in shares {
            let id = s.pledge_id;
            let share_bp = u32_of("pledge", id, "share_bp", s.share_bp)?;
            let share = share_of(
                "pledge",
                id,
                ShareJson {
                    kind: s.kind,
                    share_bp,
                    partner: s.partner,
                },
            )?;
            shs.entry(id).or_default().push(share);
        }
        let mut ovs: HashMap<i64, Vec<Overrule>> = HashMap::new();
        for o in overrules {
            ovs.entry(o.pledge_id).or_default().push(Overrule {
                rule: o.rule,
                comment: o.comment,
                username: o.username,
                created_at: o.created_at,
            });
        }
        rows.into_iter()
            .map(|r| {
                const E: &str = "pledge";
                let id = r.id;
                let (history, steps) = hist.remove(&id).unwrap_or_default();
                let stage = Stage::parse(&r.stage)
                    .ok_or_else(|| corrupt(E, id, format!("stage {:?}", r.stage)))?;
                if history.last().map(|e| e.stage) != Some(stage) {
                    return Err(corrupt(E, id, "stage differs from the last step"));
                }
                let mut patents = Vec::new();
                let mut trademarks = Vec::new();
                for i in its.remove(&id).unwrap_or_default() {
                    match i.item_kind.as_str() {
                        "patent" => {
                            patents.push(PatentApplicationNumber::parse(&i.number).map_err(
                                |e| corrupt(E, id, format!("patent {:?}: {}", i.number, e.message)),
                            )?)
                        }
                        "trademark" => {
                            trademarks.push(TrademarkNumber::parse(&i.number).map_err(|e| {
                                corrupt(E, id, format!("trademark {:?}: {}", i.number, e.message))
                            })?)
                        }
                        k => return Err(corrupt(E, id, format!("item kind {k:?}"))),
                    }
                }
                Ok(PledgeRecord {
                    id,
                    pledge: Pledge {
                        kind: Collateral::parse(&r.kind)
                            .ok_or_else(|| corrupt(E, id, format!("kind {:?}", r.kind)))?,
                        pledgor_org_id: r.pledgor_org_id,
                        pledgee_org_id: r.pledgee_org_id,
                        patents,
                        trademarks,
                        amount: fen(E, id, "amount_fen", r.amount_fen)?,
                        loan_start: date(E, id, "loan_start", &r.loan_start)?,
                        repay_by: date(E, id, "repay_by", &r.repay_by)?,
                        term_months: u32_of(E, id, "term_months", r.term_months)?,
                        product_id: r.product_id,
                        risk_sharing: shs.remove(&id).unwrap_or_default(),
                        applied_on: date(E, id, "applied_on", &r.applied_on)?,
                    },
                    pledgor_name: r.pledgor_name,
                    pledgor_district: r.pledgor_district,
                    pledgee_name: r.pledgee_name,
                    product_name: r.product_name,
                    stage,
                    history,
                    steps,
                    registered_on: opt_date(E, id, "registered_on", r.registered_on.as_deref())?,
                    registration_number: r.registration_number,
                    overrules: ovs.remove(&id).unwrap_or_default(),
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                })
            })
            .collect()
    }

    /// Registered organisations of a kind (`bank`, `insurer`, `enterprise` …): id, name, district.
    pub async fn org_names_of_kind(
        &self,
        kind: &str,
    ) -> Result<Vec<(i64, String, Option<String>)>> {
        Ok(on_pool!(self, p => sqlx::query_as(
            "SELECT id, name, district_code FROM organisations WHERE kind = $1 ORDER BY name, id",
        )
        .bind(kind)
        .fetch_all(p)
        .await?))
    }

    /// The live pledges (registered, not released or disposed of) on these patent numbers.
    pub async fn live_pledges(&self, numbers: &[String]) -> Result<Vec<LivePledge>> {
        let mut out = Vec::new();
        let sql = format!(
            "SELECT i.number, p.id AS pledge_id, p.pledgee_org_id, COALESCE(o.name, '') AS pledgee_name
             FROM pledge_items i JOIN pledges p ON p.id = i.pledge_id
               LEFT JOIN organisations o ON o.id = p.pledgee_org_id
             WHERE i.item_kind = 'patent' AND i.number = $1 AND p.stage IN {LIVE}
             ORDER BY p.id"
        );
        for n in numbers {
            let rows = on_pool!(self, p => sqlx::query_as::<_, LivePledge>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(n)
                .fetch_all(p)
                .await?);
            out.extend(rows);
        }
        Ok(out)
    }
}
