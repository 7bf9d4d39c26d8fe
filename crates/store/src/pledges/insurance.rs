//! IP insurance (T5): policies with the patents they cover, and their claims.

use serde::Serialize;
use zhiyun_domain::ident::PatentApplicationNumber;
use zhiyun_domain::pledge::{Claim, ClaimOutcome, Policy, PolicyKind};

use super::{corrupt, date, fen, opt_fen, ymd};
use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
struct PolicyRow {
    id: i64,
    kind: String,
    insurer_org_id: i64,
    insurer_name: String,
    insured_org_id: i64,
    insured_name: String,
    insured_district: Option<String>,
    insured_amount_fen: i64,
    premium_fen: i64,
    starts_on: String,
    ends_on: String,
    subsidy_fen: Option<i64>,
    policy_number: Option<String>,
    pledge_id: Option<i64>,
    created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    policy_id: i64,
    on_date: String,
    amount_fen: i64,
    outcome: String,
    created_at: i64,
}

/// A claim as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRecord {
    pub id: i64,
    pub policy_id: i64,
    pub claim: Claim,
    pub created_at: i64,
}

/// A policy with its parties' names and its claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRecord {
    pub id: i64,
    pub policy: Policy,
    pub insurer_name: String,
    pub insured_name: String,
    pub insured_district: Option<String>,
    pub claims: Vec<ClaimRecord>,
    pub created_at: i64,
}

/// Which policies to list.
#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    pub id: Option<i64>,
    pub insurer_org_id: Option<i64>,
    pub insured_org_id: Option<i64>,
    /// The insured's district.
    pub district: Option<String>,
    /// In force some day of this year.
    pub year: Option<i32>,
}

const FROM: &str = "FROM insurance_policies x
      LEFT JOIN organisations a ON a.id = x.insurer_org_id
      LEFT JOIN organisations b ON b.id = x.insured_org_id
    WHERE ($1 IS NULL OR x.id = $1)
      AND ($2 IS NULL OR x.insurer_org_id = $2)
      AND ($3 IS NULL OR x.insured_org_id = $3)
      AND ($4 IS NULL OR b.district_code = $4)
      AND ($5 IS NULL OR (substr(x.starts_on, 1, 4) <= $5 AND substr(x.ends_on, 1, 4) >= $5))";

macro_rules! bind_policy {
    ($q:expr, $f:expr) => {
        $q.bind($f.id)
            .bind($f.insurer_org_id)
            .bind($f.insured_org_id)
            .bind($f.district.clone())
            .bind($f.year.map(|y| format!("{y:04}")))
    };
}

fn claim_of(r: ClaimRow) -> Result<ClaimRecord> {
    const E: &str = "insurance_claim";
    Ok(ClaimRecord {
        id: r.id,
        policy_id: r.policy_id,
        claim: Claim {
            on: date(E, r.id, "on_date", &r.on_date)?,
            amount: fen(E, r.id, "amount_fen", r.amount_fen)?,
            outcome: ClaimOutcome::parse(&r.outcome)
                .ok_or_else(|| corrupt(E, r.id, format!("outcome {:?}", r.outcome)))?,
        },
        created_at: r.created_at,
    })
}

impl Db {
    /// Store a checked policy with its patents, audited.
    pub async fn policy_create(&self, p: &Policy, who: &Who) -> Result<i64> {
        let at = now();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO insurance_policies (kind, insurer_org_id, insured_org_id,
                   insured_amount_fen, premium_fen, starts_on, ends_on, subsidy_fen, policy_number,
                   pledge_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(p.kind.slug())
            .bind(p.insurer_org_id)
            .bind(p.insured_org_id)
            .bind(p.insured_amount.fen())
            .bind(p.premium.fen())
            .bind(ymd(p.starts_on))
            .bind(ymd(p.ends_on))
            .bind(p.subsidy.map(|s| s.fen()))
            .bind(&p.policy_number)
            .bind(p.pledge_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for (i, n) in p.patents.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO insurance_policy_patents (policy_id, number, position)
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(n.as_str())
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
            audit!(tx, who, "create", "insurance_policy", id, None::<&Policy>, Some(p));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Record a claim on a policy, audited.
    pub async fn claim_create(&self, policy_id: i64, c: &Claim, who: &Who) -> Result<i64> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO insurance_claims (policy_id, on_date, amount_fen, outcome, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(policy_id)
            .bind(ymd(c.on))
            .bind(c.amount.fen())
            .bind(c.outcome.slug())
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(tx, who, "claim", "insurance_policy", policy_id, None::<&Claim>, Some(c));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn policy_get(&self, id: i64) -> Result<PolicyRecord> {
        let f = PolicyFilter {
            id: Some(id),
            ..Default::default()
        };
        self.policy_list(&f)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Policies with their claims, newest first.
    pub async fn policy_list(&self, f: &PolicyFilter) -> Result<Vec<PolicyRecord>> {
        let main = format!(
            "SELECT x.id, x.kind, x.insurer_org_id, COALESCE(a.name, '') AS insurer_name,
               x.insured_org_id, COALESCE(b.name, '') AS insured_name,
               b.district_code AS insured_district, x.insured_amount_fen, x.premium_fen,
               x.starts_on, x.ends_on, x.subsidy_fen, x.policy_number, x.pledge_id, x.created_at
             {FROM} ORDER BY x.starts_on DESC, x.id DESC"
        );
        let ids = format!("SELECT x.id {FROM}");
        let patents = format!(
            "SELECT policy_id, number FROM insurance_policy_patents WHERE policy_id IN ({ids})
             ORDER BY policy_id, position"
        );
        let claims = format!(
            "SELECT id, policy_id, on_date, amount_fen, outcome, created_at FROM insurance_claims
             WHERE policy_id IN ({ids}) ORDER BY policy_id, on_date, id"
        );
        let (rows, patents, claims) = on_pool!(self, p => {
            let rows = bind_policy!(sqlx::query_as::<_, PolicyRow>(sqlx::AssertSqlSafe(main)), f)
                .fetch_all(p)
                .await?;
            let patents: Vec<(i64, String)> =
                bind_policy!(sqlx::query_as(sqlx::AssertSqlSafe(patents)), f)
                    .fetch_all(p)
                    .await?;
            let claims = bind_policy!(sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(claims)), f)
                .fetch_all(p)
                .await?;
            (rows, patents, claims)
        });
        let mut claims_of: std::collections::HashMap<i64, Vec<ClaimRecord>> = Default::default();
        for c in claims {
            let c = claim_of(c)?;
            claims_of.entry(c.policy_id).or_default().push(c);
        }
        rows.into_iter()
            .map(|r| {
                const E: &str = "insurance_policy";
                let id = r.id;
                let numbers = patents
                    .iter()
                    .filter(|(pid, _)| *pid == id)
                    .map(|(_, n)| {
                        PatentApplicationNumber::parse(n)
                            .map_err(|e| corrupt(E, id, format!("patent {n:?}: {}", e.message)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(PolicyRecord {
                    id,
                    policy: Policy {
                        kind: PolicyKind::parse(&r.kind)
                            .ok_or_else(|| corrupt(E, id, format!("kind {:?}", r.kind)))?,
                        insurer_org_id: r.insurer_org_id,
                        insured_org_id: r.insured_org_id,
                        patents: numbers,
                        insured_amount: fen(E, id, "insured_amount_fen", r.insured_amount_fen)?,
                        premium: fen(E, id, "premium_fen", r.premium_fen)?,
                        starts_on: date(E, id, "starts_on", &r.starts_on)?,
                        ends_on: date(E, id, "ends_on", &r.ends_on)?,
                        subsidy: opt_fen(E, id, "subsidy_fen", r.subsidy_fen)?,
                        policy_number: r.policy_number,
                        pledge_id: r.pledge_id,
                    },
                    insurer_name: r.insurer_name,
                    insured_name: r.insured_name,
                    insured_district: r.insured_district,
                    claims: claims_of.remove(&id).unwrap_or_default(),
                    created_at: r.created_at,
                })
            })
            .collect()
    }
}
