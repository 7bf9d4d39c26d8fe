//! The bank's workbench (its home, T5): applications waiting on it by step and age, its products,
//! loans disbursed this year by month, repayments falling due, and pledged patents whose annual
//! fees fall due soon (a lapse destroys the collateral).

use chrono::{Datelike, NaiveDate};
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::Role;
use zhiyun_domain::pledge::{Stage, fee_due_soon};

use super::{PledgeQuery, ProductRecord, amount_of};
use crate::{Ctx, Principal, Result};

/// Look this many days ahead for repayments and fees.
pub const DUE_WITHIN_DAYS: i64 = 90;

/// An application waiting on the bank.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub pledge_id: i64,
    pub pledgor_name: String,
    pub stage: Stage,
    /// The day it reached its stage.
    pub since: NaiveDate,
    pub age_days: i64,
    pub amount: Fen,
}

/// A loan to be repaid soon (or overdue).
#[derive(Debug, Clone)]
pub struct Due {
    pub pledge_id: i64,
    pub pledgor_name: String,
    pub repay_by: NaiveDate,
    pub days_left: i64,
    pub amount: Fen,
}

/// A pledged patent whose annual fee falls due soon.
#[derive(Debug, Clone)]
pub struct FeeDue {
    pub pledge_id: i64,
    pub number: String,
    pub title: String,
    pub paid_until: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct Workbench {
    pub year: i32,
    pub waiting: Vec<Waiting>,
    /// Waiting applications per stage, in pipeline order.
    pub waiting_by_stage: Vec<(Stage, usize)>,
    pub products: Vec<ProductRecord>,
    /// Month 1–12 of this year: loans disbursed, and their amount.
    pub disbursed_by_month: Vec<(u32, u32, Fen)>,
    pub disbursed_total: Fen,
    pub repayments_due: Vec<Due>,
    pub fees_due: Vec<FeeDue>,
}

/// The workbench of a bank's user (`None` for other roles).
pub async fn for_bank(ctx: &Ctx, user: &Principal) -> Result<Option<Workbench>> {
    if user.role() != Role::Bank {
        return Ok(None);
    }
    let today = ctx.clock.today();
    let year = today.year();
    let all = super::list(ctx, user, &PledgeQuery::default()).await?;
    let mut waiting: Vec<Waiting> = all
        .iter()
        .filter(|r| {
            matches!(
                r.stage,
                Stage::Applied | Stage::Appraisal | Stage::DueDiligence | Stage::Approved
            )
        })
        .map(|r| {
            let since = r
                .history
                .last()
                .map(|e| e.data.on)
                .unwrap_or(r.pledge.applied_on);
            Waiting {
                pledge_id: r.id,
                pledgor_name: r.pledgor_name.clone(),
                stage: r.stage,
                since,
                age_days: (today - since).num_days(),
                amount: amount_of(r),
            }
        })
        .collect();
    waiting.sort_by_key(|w| std::cmp::Reverse(w.age_days));
    let waiting_by_stage = [
        Stage::Applied,
        Stage::Appraisal,
        Stage::DueDiligence,
        Stage::Approved,
    ]
    .into_iter()
    .map(|s| (s, waiting.iter().filter(|w| w.stage == s).count()))
    .collect();
    let mut months: Vec<(u32, u32, Fen)> = (1..=12).map(|m| (m, 0, Fen::ZERO)).collect();
    for r in &all {
        for e in r.history.iter().filter(|e| e.stage == Stage::Disbursed) {
            if e.data.on.year() == year {
                let m = &mut months[e.data.on.month0() as usize];
                m.1 += 1;
                let a = e.data.amount.unwrap_or(Fen::ZERO);
                m.2 = m.2.checked_add(a).unwrap_or(m.2);
            }
        }
    }
    let disbursed_total = months
        .iter()
        .fold(Fen::ZERO, |a, m| a.checked_add(m.2).unwrap_or(a));
    let mut repayments_due: Vec<Due> = all
        .iter()
        .filter(|r| matches!(r.stage, Stage::Disbursed | Stage::Defaulted))
        .filter(|r| (r.pledge.repay_by - today).num_days() <= DUE_WITHIN_DAYS)
        .map(|r| Due {
            pledge_id: r.id,
            pledgor_name: r.pledgor_name.clone(),
            repay_by: r.pledge.repay_by,
            days_left: (r.pledge.repay_by - today).num_days(),
            amount: amount_of(r),
        })
        .collect();
    repayments_due.sort_by_key(|d| d.repay_by);
    let mut fees_due = Vec::new();
    for r in all.iter().filter(|r| r.stage.is_live_pledge()) {
        let numbers: Vec<String> = r.pledge.patents.iter().map(|n| n.to_string()).collect();
        let facts = crate::patents::facts::facts(ctx, &numbers).await?;
        for n in &numbers {
            if let Some(f) = facts.get(n)
                && let Some(u) = fee_due_soon(f, today, DUE_WITHIN_DAYS)
            {
                fees_due.push(FeeDue {
                    pledge_id: r.id,
                    number: n.clone(),
                    title: f.title.clone(),
                    paid_until: u,
                });
            }
        }
    }
    fees_due.sort_by_key(|f| f.paid_until);
    let products = super::products::list(ctx, Some(user), Some(user.org_id)).await?;
    Ok(Some(Workbench {
        year,
        waiting,
        waiting_by_stage,
        products,
        disbursed_by_month: months,
        disbursed_total,
        repayments_due,
        fees_due,
    }))
}
