//! The JSON views of pledges, products and insurance policies, built from the use cases' typed
//! results.

use std::collections::BTreeMap;

use serde::Serialize;
use zhiyun_domain::money::Fen;
use zhiyun_domain::pledge::{Rate, StageEntry, bp_text};
use zhiyun_domain::precheck::Check;
use zhiyun_service::pledges::insurance::PolicyRecord;
use zhiyun_service::pledges::{
    PledgeDetail, PledgeRecord, ProductRecord, amount_of, district_name,
};

fn wan(f: Fen) -> String {
    f.to_wan_2dp()
}

/// `{"id": 12}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// One check before registration: `{"rule", "status": "pass|fail|needs_review", "message",
/// "evidence": [...]}` (the same shape as deals' checks), with its overruling when there is one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub rule: String,
    /// pass | fail | needs_review
    pub status: String,
    pub status_label: String,
    pub message: String,
    pub evidence: Vec<String>,
    /// The reviewer's comment when the check was overruled.
    pub overruled: Option<String>,
    pub overruled_by: Option<String>,
}

/// One risk-sharing party.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RiskShareView {
    /// risk_fund | guarantee | insurance
    pub kind: String,
    pub kind_label: String,
    pub share_pct: String,
    pub partner: Option<String>,
}

/// An appraisal of the collateral.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AppraisalView {
    pub value_wan: String,
    pub appraiser: String,
    /// cost | market | income
    pub method: String,
    pub standard: Option<String>,
}

/// One step of a pledge's history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub stage: String,
    pub stage_label: String,
    /// YYYY-MM-DD
    pub on: String,
    pub amount_wan: Option<String>,
    pub registration_number: Option<String>,
    pub reason: Option<String>,
    pub disposal: Option<String>,
    pub appraisal: Option<AppraisalView>,
    pub note: Option<String>,
    pub by: String,
}

fn step(e: &StageEntry, by: &str) -> StepView {
    StepView {
        stage: e.stage.slug().into(),
        stage_label: e.stage.label().into(),
        on: e.data.on.to_string(),
        amount_wan: e.data.amount.map(wan),
        registration_number: e.data.registration_number.clone(),
        reason: e.data.reason.map(|r| r.slug().into()),
        disposal: e.data.disposal.map(|d| d.slug().into()),
        appraisal: e.data.appraisal.as_ref().map(|a| AppraisalView {
            value_wan: wan(a.value),
            appraiser: a.appraiser.clone(),
            method: a.method.slug().into(),
            standard: a.standard.map(|s| s.slug().into()),
        }),
        note: e.data.note.clone(),
        by: by.to_string(),
    }
}

/// A pledge in a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PledgeItem {
    pub id: i64,
    /// patent | trademark | mixed
    pub kind: String,
    pub pledgor_org_id: i64,
    pub pledgor_name: String,
    /// The pledgor's district code.
    pub district: Option<String>,
    pub district_name: String,
    pub pledgee_org_id: i64,
    pub pledgee_name: String,
    pub product_id: Option<i64>,
    pub product_name: Option<String>,
    pub patents: Vec<String>,
    pub trademarks: Vec<String>,
    /// Applied for, 万元.
    pub amount_wan: String,
    /// Approved (else applied for), 万元: the amount K1 counts once registered.
    pub secured_amount_wan: String,
    pub loan_start: String,
    pub repay_by: String,
    pub term_months: u32,
    pub applied_on: String,
    pub stage: String,
    pub stage_label: String,
    pub registered_on: Option<String>,
    pub registration_number: Option<String>,
    /// Days between steps, e.g. `{"applied_to_registered": 31}`.
    #[schema(value_type = Object)]
    pub cycle_days: BTreeMap<&'static str, i64>,
}

impl From<&PledgeRecord> for PledgeItem {
    fn from(r: &PledgeRecord) -> Self {
        PledgeItem {
            id: r.id,
            kind: r.pledge.kind.slug().into(),
            pledgor_org_id: r.pledge.pledgor_org_id,
            pledgor_name: r.pledgor_name.clone(),
            district: r.pledgor_district.clone(),
            district_name: district_name(r.pledgor_district.as_deref()).into(),
            pledgee_org_id: r.pledge.pledgee_org_id,
            pledgee_name: r.pledgee_name.clone(),
            product_id: r.pledge.product_id,
            product_name: r.product_name.clone(),
            patents: r.pledge.patents.iter().map(|n| n.to_string()).collect(),
            trademarks: r
                .pledge
                .trademarks
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            amount_wan: wan(r.pledge.amount),
            secured_amount_wan: wan(amount_of(r)),
            loan_start: r.pledge.loan_start.to_string(),
            repay_by: r.pledge.repay_by.to_string(),
            term_months: r.pledge.term_months,
            applied_on: r.pledge.applied_on.to_string(),
            stage: r.stage.slug().into(),
            stage_label: r.stage.label().into(),
            registered_on: r.registered_on.map(|d| d.to_string()),
            registration_number: r.registration_number.clone(),
            cycle_days: zhiyun_domain::pledge::cycle_days_map(&r.history),
        }
    }
}

/// `GET /api/v1/pledges`
#[derive(Serialize, utoipa::ToSchema)]
pub struct PledgeList {
    pub total: usize,
    pub items: Vec<PledgeItem>,
}

/// `GET /api/v1/pledges/{id}`: the pledge, its history, the checks before registration and its
/// cycle times.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PledgeView {
    #[serde(flatten)]
    pub pledge: PledgeItem,
    pub risk_sharing: Vec<RiskShareView>,
    pub history: Vec<StepView>,
    pub checks: Vec<CheckView>,
    /// Rules failing or needing review and not overruled: registration waits on them.
    pub blocking: Vec<String>,
    pub may_register: bool,
    /// The stages the caller may move it to now.
    pub moves: Vec<String>,
    pub appraisal_required: bool,
}

pub fn check_view(c: &Check, r: &PledgeRecord) -> CheckView {
    let o = r.overrules.iter().find(|o| o.rule == c.rule);
    CheckView {
        rule: c.rule.into(),
        status: c.status.slug().into(),
        status_label: c.status.label().into(),
        message: c.message.clone(),
        evidence: c.evidence.clone(),
        overruled: o.map(|o| o.comment.clone()),
        overruled_by: o.map(|o| o.username.clone()),
    }
}

impl From<&PledgeDetail> for PledgeView {
    fn from(d: &PledgeDetail) -> Self {
        let r = &d.record;
        PledgeView {
            pledge: r.into(),
            risk_sharing: r
                .pledge
                .risk_sharing
                .iter()
                .map(|s| RiskShareView {
                    kind: s.kind.slug().into(),
                    kind_label: s.kind.label().into(),
                    share_pct: bp_text(s.share_bp),
                    partner: s.partner.clone(),
                })
                .collect(),
            history: r
                .history
                .iter()
                .zip(&r.steps)
                .map(|(e, m)| step(e, &m.username))
                .collect(),
            checks: d.checks.iter().map(|c| check_view(c, r)).collect(),
            blocking: d.blocking.iter().map(|s| s.to_string()).collect(),
            may_register: d.blocking.is_empty(),
            moves: d.moves.iter().map(|s| s.slug().into()).collect(),
            appraisal_required: d.appraisal_required,
        }
    }
}

/// A bank's product.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductView {
    pub id: i64,
    pub bank_org_id: i64,
    pub bank_name: String,
    pub name: String,
    /// patent | trademark | mixed
    pub collateral: String,
    pub collateral_label: String,
    pub amount_min_wan: Option<String>,
    pub amount_max_wan: String,
    pub term_min_months: u32,
    pub term_max_months: u32,
    /// e.g. `3.45%–4.5%` or `面议`
    pub rate: String,
    pub appraisal_required: bool,
    pub eligible: Vec<String>,
    pub eligible_labels: Vec<String>,
    pub eligible_other: Option<String>,
    pub risk_sharing: Vec<RiskShareView>,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub published: bool,
}

impl From<&ProductRecord> for ProductView {
    fn from(r: &ProductRecord) -> Self {
        let p = &r.product;
        ProductView {
            id: r.id,
            bank_org_id: r.bank_org_id,
            bank_name: r.bank_name.clone(),
            name: p.name.clone(),
            collateral: p.collateral.slug().into(),
            collateral_label: p.collateral.label().into(),
            amount_min_wan: p.amount_min.map(wan),
            amount_max_wan: wan(p.amount_max),
            term_min_months: p.term_min_months,
            term_max_months: p.term_max_months,
            rate: match p.rate {
                Rate::Negotiable => "面议".into(),
                r => r.label(),
            },
            appraisal_required: p.appraisal_required,
            eligible: p.eligible.iter().map(|e| e.slug().into()).collect(),
            eligible_labels: p.eligible.iter().map(|e| e.label().into()).collect(),
            eligible_other: p.eligible_other.clone(),
            risk_sharing: p
                .risk_sharing
                .iter()
                .map(|s| RiskShareView {
                    kind: s.kind.slug().into(),
                    kind_label: s.kind.label().into(),
                    share_pct: bp_text(s.share_bp),
                    partner: s.partner.clone(),
                })
                .collect(),
            description: p.description.clone(),
            contact_name: p.contact_name.clone(),
            contact_phone: p.contact_phone.clone(),
            published: r.published,
        }
    }
}

/// A claim on a policy.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    pub id: i64,
    pub on: String,
    pub amount_wan: String,
    /// pending | paid | declined
    pub outcome: String,
    pub outcome_label: String,
}

/// An IP insurance policy with its claims.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PolicyView {
    pub id: i64,
    /// enforcement | infringement_liability | pledge_guarantee | overseas | other
    pub kind: String,
    pub kind_label: String,
    pub insurer_org_id: i64,
    pub insurer_name: String,
    pub insured_org_id: i64,
    pub insured_name: String,
    pub patents: Vec<String>,
    pub insured_amount_wan: String,
    pub premium_wan: String,
    pub subsidy_wan: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub policy_number: Option<String>,
    pub pledge_id: Option<i64>,
    pub claims: Vec<ClaimView>,
}

impl From<&PolicyRecord> for PolicyView {
    fn from(r: &PolicyRecord) -> Self {
        let p = &r.policy;
        PolicyView {
            id: r.id,
            kind: p.kind.slug().into(),
            kind_label: p.kind.label().into(),
            insurer_org_id: p.insurer_org_id,
            insurer_name: r.insurer_name.clone(),
            insured_org_id: p.insured_org_id,
            insured_name: r.insured_name.clone(),
            patents: p.patents.iter().map(|n| n.to_string()).collect(),
            insured_amount_wan: wan(p.insured_amount),
            premium_wan: wan(p.premium),
            subsidy_wan: p.subsidy.map(wan),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            policy_number: p.policy_number.clone(),
            pledge_id: p.pledge_id,
            claims: r
                .claims
                .iter()
                .map(|c| ClaimView {
                    id: c.id,
                    on: c.claim.on.to_string(),
                    amount_wan: wan(c.claim.amount),
                    outcome: c.claim.outcome.slug().into(),
                    outcome_label: c.claim.outcome.label().into(),
                })
                .collect(),
        }
    }
}

/// The body of `POST /api/v1/pledges`.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct PledgeBody {
    /// patent | trademark | mixed
    pub kind: String,
    pub pledgor_org_id: i64,
    /// A commercial bank.
    pub pledgee_org_id: i64,
    /// Application numbers, e.g. `202110123456.7`.
    pub patents: Vec<String>,
    pub trademarks: Vec<String>,
    /// 万元, > 0, at most two decimals.
    pub amount_wan: String,
    /// YYYY-MM-DD
    pub loan_start: String,
    /// YYYY-MM-DD, after loan_start and not after any patent's expiry.
    pub repay_by: String,
    pub product_id: Option<i64>,
    pub term_months: Option<i64>,
    /// YYYY-MM-DD, today when absent (back-filled pledges give theirs).
    pub applied_on: Option<String>,
}

/// The body of `POST /api/v1/pledges/{id}/stage`.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct StageBody {
    /// appraisal | due_diligence | approved | declined | registered | disbursed | repaid |
    /// released | defaulted | disposed | withdrawn
    pub stage: String,
    /// YYYY-MM-DD, not before the previous step, not in the future.
    pub on: String,
    /// registered: the CNIPA registration number.
    pub registration_number: Option<String>,
    /// approved / disbursed / disposed: 万元.
    pub amount_wan: Option<String>,
    /// declined: insufficient_value | legal_risk | credit | cash_flow | documents | other
    pub reason: Option<String>,
    /// disposed: sold | licensed | auctioned
    pub disposal: Option<String>,
    pub note: Option<String>,
}

/// The body of `POST /api/v1/insurance-policies`.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct PolicyBody {
    /// enforcement | infringement_liability | pledge_guarantee | overseas | other
    pub kind: String,
    pub insurer_org_id: i64,
    pub insured_org_id: i64,
    pub patents: Vec<String>,
    pub insured_amount_wan: String,
    pub premium_wan: String,
    pub starts_on: String,
    pub ends_on: String,
    pub subsidy_wan: Option<String>,
    pub policy_number: Option<String>,
    pub pledge_id: Option<i64>,
}
